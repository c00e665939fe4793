// libnetwork's name resolution over per-network records: a sandbox's endpoints in lookup order, each with its
// network's service records (svcRecords) and the container's link aliases on that network; resolveName /
// resolveIp / resolveService walk them as Sandbox.ResolveName etc. do, and `sandboxBackend` makes the result a
// ResolverBackend for the server. (The daemon may keep its own resolution and hand the server its contract
// DnsRecords instead: see embedded.ts.)
//
// NetworkDnsTable is a ready-made per-network record table as libnetwork keeps it (network.go addSvcRecords,
// addNameToIP, ResolveName, ResolveIP): names stored lower-case, several endpoints under one name (a shared
// alias), de-duplicated addresses in insertion order, and the reverse map whose *first* name answers PTR as
// `<name>.<network>`. The daemon adds a container's DNSNames ([name, aliases…, short ID, hostname]) when it starts
// on the network and removes them when it stops or disconnects; swarm service names and `tasks.<svc>` go in the same
// way (§7.6). The ingress network keeps no records (the daemon simply does not add any).

import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { ipv6ToBytes } from '../../common/wire/ipv6-address.ts';

/** The addresses of one name on one network. */
export interface DnsAddresses {
  readonly ipv4: readonly Ipv4Address[];
  /** IPv6 addresses in text form. */
  readonly ipv6: readonly string[];
}

/** An SRV target (swarm service port names): `_port._proto.service`. */
export interface DnsServiceTarget {
  readonly target: string;
  readonly port: number;
  readonly ip: Ipv4Address;
}

/** One network's records, as the resolver reads them. */
export interface DnsNetworkRecords {
  /** The network's name (for `name.network` and PTR answers). */
  readonly name: string;
  /** The addresses of `name` (already lower-case, no trailing dot); undefined when the network does not know it. */
  lookup(name: string): DnsAddresses | undefined;
  /**
   * The name for an address in reverse notation ("2.0.18.172" for 172.18.0.2, nibbles for IPv6): the first DNS
   * name registered for it, without the network. Undefined when unknown (or learnt from an external answer).
   */
  reverse(reversed: string): string | undefined;
  /** SRV: targets of `_portName._proto.service` (empty when unknown). */
  services?(portName: string, proto: string, service: string): readonly DnsServiceTarget[];
}

/** One of the sandbox's endpoints. */
export interface DnsEndpointView {
  readonly network: DnsNetworkRecords;
  /** `--link name:alias` on a user-defined network: alias → name, visible only to this container. */
  readonly linkAliases?: ReadonlyMap<string, string>;
}

/** One container's view of its networks' records (libnetwork's Sandbox as DNSBackend). */
export interface SandboxDnsView {
  /** The sandbox's endpoints in lookup order (sandbox order; in swarm mode overlays, then ingress, then local). */
  endpoints(): readonly DnsEndpointView[];
  /** The user set `ndots` (--dns-opt ndots:N): single-label A/AAAA misses are answered empty, not forwarded. */
  ndotsSet?(): boolean;
}

/** IPv4 in PTR notation: 172.18.0.2 → "2.0.18.172". */
export function reverseIpv4(a: Ipv4Address): string {
  return formatIpv4(a).split('.').reverse().join('.');
}

/** IPv6 in PTR notation: nibbles, least significant first. */
export function reverseIpv6(text: string): string {
  const b = ipv6ToBytes(text);
  const out: string[] = [];
  for (let i = 15; i >= 0; i--) out.push((b[i]! & 0xf).toString(16), (b[i]! >>> 4).toString(16));
  return out.join('.');
}

interface IpEntry {
  readonly key: string;
  readonly family: 4 | 6;
  readonly v4?: Ipv4Address;
  readonly v6?: string;
}

/** libnetwork's svcRecords of one network. */
export class NetworkDnsTable implements DnsNetworkRecords {
  /** name → entries, in insertion order (one per endpoint that carries the name). */
  private readonly names = new Map<string, IpEntry[]>();
  /** reversed address → names, in insertion order (the first answers PTR). */
  private readonly ptr = new Map<string, string[]>();
  private readonly srv = new Map<string, DnsServiceTarget[]>();

  constructor(public name: string) {}

  /**
   * Registers an endpoint's DNS names (updateSvcRecord): every name maps to its addresses; only the first name
   * goes into the reverse map (ipMapUpdate := i == 0).
   */
  addEndpoint(dnsNames: readonly string[], ipv4: Ipv4Address | undefined, ipv6?: string): void {
    dnsNames.forEach((n, i) => {
      if (ipv4 !== undefined) this.addName(n, { key: `4:${ipv4}`, family: 4, v4: ipv4 }, i === 0 ? reverseIpv4(ipv4) : undefined);
      if (ipv6 !== undefined) this.addName(n, { key: `6:${ipv6}`, family: 6, v6: ipv6 }, i === 0 ? reverseIpv6(ipv6) : undefined);
    });
  }

  /** Removes what addEndpoint added (one occurrence per name and address). */
  removeEndpoint(dnsNames: readonly string[], ipv4: Ipv4Address | undefined, ipv6?: string): void {
    dnsNames.forEach((n, i) => {
      if (ipv4 !== undefined) this.removeName(n, `4:${ipv4}`, i === 0 ? reverseIpv4(ipv4) : undefined);
      if (ipv6 !== undefined) this.removeName(n, `6:${ipv6}`, i === 0 ? reverseIpv6(ipv6) : undefined);
    });
  }

  /** A swarm service's SRV targets (`_port._proto.service`). */
  setServices(portName: string, proto: string, service: string, targets: readonly DnsServiceTarget[]): void {
    const k = `${portName}\u0000${proto}\u0000${service}`;
    if (targets.length === 0) this.srv.delete(k);
    else this.srv.set(k, [...targets]);
  }

  private addName(name: string, e: IpEntry, reversed: string | undefined): void {
    const k = name.toLowerCase();
    const list = this.names.get(k) ?? [];
    list.push(e);
    this.names.set(k, list);
    if (reversed !== undefined) {
      const p = this.ptr.get(reversed) ?? [];
      p.push(name);
      this.ptr.set(reversed, p);
    }
  }

  private removeName(name: string, key: string, reversed: string | undefined): void {
    const k = name.toLowerCase();
    const list = this.names.get(k);
    if (list !== undefined) {
      const i = list.findIndex((e) => e.key === key);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.names.delete(k);
    }
    if (reversed !== undefined) {
      const p = this.ptr.get(reversed);
      if (p !== undefined) {
        const i = p.indexOf(name);
        if (i >= 0) p.splice(i, 1);
        if (p.length === 0) this.ptr.delete(reversed);
      }
    }
  }

  lookup(name: string): DnsAddresses | undefined {
    const list = this.names.get(name.toLowerCase());
    if (list === undefined || list.length === 0) return undefined;
    const v4 = new Set<Ipv4Address>();
    const v6 = new Set<string>();
    for (const e of list) {
      if (e.v4 !== undefined) v4.add(e.v4);
      if (e.v6 !== undefined) v6.add(e.v6);
    }
    return { ipv4: [...v4], ipv6: [...v6] };
  }

  reverse(reversed: string): string | undefined {
    return this.ptr.get(reversed)?.[0];
  }

  services(portName: string, proto: string, service: string): readonly DnsServiceTarget[] {
    return this.srv.get(`${portName}\u0000${proto}\u0000${service}`) ?? [];
  }

  /** Every name the network knows (lower-case), for views and tests. */
  knownNames(): string[] {
    return [...this.names.keys()];
  }
}

export type IpFamily = 4 | 6;

/** The outcome of Sandbox.ResolveName: addresses, or found-but-none-of-that-family, or unknown. */
export interface ResolveResult {
  readonly addresses: readonly (Ipv4Address | string)[];
  readonly found: boolean;
}

/**
 * Sandbox.ResolveName (§5.3): trailing dot stripped; candidates `a.b.c` in every network, `a.b` in network `c`, `a`
 * in network `b.c`; for each candidate the link aliases first, then the service records, endpoints in order; the
 * first network with addresses of the family wins; a name known without such addresses ends as found-but-empty.
 */
export function resolveName(records: SandboxDnsView, qname: string, family: IpFamily): ResolveResult {
  const name = qname.endsWith('.') ? qname.slice(0, -1) : qname;
  const reqName = [name];
  const netName = [''];
  let dup = name;
  for (let i = dup.lastIndexOf('.'); i !== -1; i = dup.lastIndexOf('.')) {
    netName.push(name.slice(i + 1));
    reqName.push(name.slice(0, i));
    dup = dup.slice(0, i);
  }
  const eps = records.endpoints();
  for (let i = 0; i < reqName.length; i++) {
    for (const lookupAlias of [true, false]) {
      let miss = false;
      for (const ep of eps) {
        const aliases = ep.linkAliases;
        if (lookupAlias && (aliases === undefined || aliases.size === 0)) continue;
        if (netName[i] !== '' && netName[i] !== ep.network.name) continue;
        let n = reqName[i]!;
        if (lookupAlias) {
          const target = aliases!.get(n);
          if (target === undefined) continue;
          n = target;
        } else if (aliases?.has(n) === true) {
          continue;
        }
        const r = ep.network.lookup(n.toLowerCase());
        if (r === undefined) continue;
        const list = family === 4 ? r.ipv4 : r.ipv6;
        if (list.length > 0) return { addresses: [...list], found: true };
        miss = true;
      }
      if (miss) return { addresses: [], found: true };
    }
  }
  return { addresses: [], found: false };
}

/** Sandbox.ResolveIP: the first network that knows the address answers `<name>.<network>`. */
export function resolveIp(records: SandboxDnsView, reversed: string): string | undefined {
  for (const ep of records.endpoints()) {
    const n = ep.network.reverse(reversed);
    if (n !== undefined && n !== '') return `${n}.${ep.network.name}`;
  }
  return undefined;
}

/** Sandbox.ResolveService: `_port._proto.service` over the endpoints in order. */
export function resolveService(records: SandboxDnsView, qname: string): readonly DnsServiceTarget[] {
  const name = qname.endsWith('.') ? qname.slice(0, -1) : qname;
  const parts = name.split('.');
  if (parts.length < 3) return [];
  const [portName, proto] = parts as [string, string];
  const svc = parts.slice(2).join('.');
  for (const ep of records.endpoints()) {
    const t = ep.network.services?.(portName, proto, svc) ?? [];
    if (t.length > 0) return t;
  }
  return [];
}

/** The server's backend over a sandbox view. */
export function sandboxBackend(view: SandboxDnsView): ResolverBackend {
  return {
    resolveName: (name, family) => {
      const r = resolveName(view, name, family);
      return r.found ? r.addresses : undefined;
    },
    resolveIp: (reversed) => resolveIp(view, reversed),
    resolveService: (name) => resolveService(view, name),
    ndotsSet: () => view.ndotsSet?.() === true,
  };
}

/** What the server asks about names (libnetwork's DNSBackend). */
export interface ResolverBackend {
  /** Addresses (IPv4 numbers or IPv6 text) of `name` (as asked, any case, maybe a trailing dot); [] when the name is
   * known without an address of the family; undefined when unknown (forward). */
  resolveName(name: string, family: IpFamily): readonly (Ipv4Address | string)[] | undefined;
  /** "<first name>.<network>" for an address in reverse notation ("2.0.18.172"), or undefined (forward). */
  resolveIp(reversed: string): string | undefined;
  /** SRV targets of `_port._proto.service`. */
  resolveService?(name: string): readonly DnsServiceTarget[];
  /** --dns-opt ndots set by the user. */
  ndotsSet?(): boolean;
}
