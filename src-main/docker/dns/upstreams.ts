// The external servers the embedded DNS forwards to (libnetwork resolvconf.TransformForIntNS + Resolver
// SetExtServers): the nameservers of the node's /etc/resolv.conf, or the --dns servers when given. A loopback
// nameserver from the host file (127.0.0.53 of systemd-resolved) is marked HostLoopback: Docker contacts it from the
// host's network namespace, every other one from the container's namespace. The resolver's own address is
// dropped, and at most three are kept (maxExtDNS).

import { isLoopbackIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';

/** extDNSEntry. */
export interface ExtDnsServer {
  readonly address: Ipv4Address;
  /** Contacted from the node's namespace (a loopback server of the host's resolv.conf). */
  readonly hostLoopback: boolean;
  /** 53 unless a test says otherwise. */
  readonly port?: number;
}

/** maxExtDNS. */
export const MAX_EXT_DNS = 3;
/** The embedded server's address inside every container. */
export const RESOLVER_IP = '127.0.0.11';

/** The `nameserver` lines of a resolv.conf, in order (IPv4 only: the lab has no IPv6 upstreams). */
export function resolvConfNameservers(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)/.exec(line);
    if (m === null) continue;
    const ns = m[1]!;
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ns)) out.push(ns);
  }
  return out;
}

/**
 * The resolver's external servers for a container: `--dns` servers when given (never HostLoopback: a loopback
 * --dns server is the container's own), else the host file's nameservers (loopback ones HostLoopback).
 */
export function extServers(hostResolvConf: string, dnsOverride: readonly string[] = []): ExtDnsServer[] {
  const fromOverride = dnsOverride.length > 0;
  const list = (fromOverride ? [...dnsOverride] : resolvConfNameservers(hostResolvConf)).filter((s) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s));
  const own = parseIpv4(RESOLVER_IP);
  const out: ExtDnsServer[] = [];
  for (const s of list) {
    const address = parseIpv4(s);
    const hostLoopback = !fromOverride && isLoopbackIpv4(address);
    if (!hostLoopback && address === own) continue; // filterExtServers: "not using own address"
    out.push({ address, hostLoopback });
  }
  return out.slice(0, MAX_EXT_DNS);
}
