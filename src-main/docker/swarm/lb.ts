// Service load balancing on one node, programmed as libnetwork does it (service_linux.go), from the endpoint
// records NetworkDB holds. Where east-west balancing happens depends on the engine (EngineBehaviour.lbSandbox,
// docs/swarm-vip-history.md):
//   18.06 and newer, in the node's load-balancer sandbox `lb-<net>`, one per overlay per node (kind 'lb';
//   docker-networking.md §6.5, §7.3; libnetwork c47239d1), created when the node first joins the network. Its one
//   endpoint `<net>-endpoint` holds the node's LB IP; per service VIP on that network
//     ip addr add <VIP>/32 dev eth0   (the lb endpoint's interface: the local clients' ARP for the VIP lands here,
//                                      and this kernel answers their pings)
//     iptables -t mangle -A INPUT -d <VIP>/32 -j MARK --set-xmark <fwmark>/0xffffffff
//     ipvsadm -A -f <fwmark> -s rr; ipvsadm -a -f <fwmark> -r <task IP> -m -w 1 (every task, cluster-wide)
//     iptables -t nat -A POSTROUTING -d <subnet> -m ipvs --ipvs -j SNAT --to-source <LB IP>   (once per network)
//   so backends see the client node's LB IP; client containers carry no rules of their own;
//   before 18.06, in every container sandbox on a swarm network (kind 'container'): per service VIP on that network
//     iptables -t mangle -A OUTPUT -d <VIP>/32 -j MARK --set-xmark <fwmark>/0xffffffff
//     the IPVS fwmark service as above, and the SNAT to the container's own IP (once per network);
//     engines 1.13–18.05 only: iptables -t nat -A OUTPUT -d <VIP>/32 -p icmp --icmp-type echo-request -j DNAT
//       --to-destination 127.0.0.1, since IPVS balances TCP and UDP but not ICMP (libnetwork e978186)
//   north-south, in the ingress sandbox (kind 'ingress'): per published port
//     iptables -t mangle -A PREROUTING -p tcp -m tcp --dport <P> -j MARK --set-xmark <fwmark>/0xffffffff
//     the IPVS fwmark service over the tasks' ingress addresses, and SNAT to the sandbox's ingress address;
//   and on the host: nat DOCKER-INGRESS DNAT of the published port to the ingress sandbox over docker_gwbridge.
// fwmarks come from a per-node counter starting at 256 (libnetwork fwMarkCtr).

import type { NamespaceNetfilter } from '../../net/netfilter-glue.ts';
import type { EndpointRecord, PortConfig } from './types.ts';

export const FWMARK_START = 256;

interface LbService {
  readonly mark: number;
  readonly matches: readonly string[];
  /** The `nat OUTPUT` rule that answers pings to the VIP locally, when the engine programs one. */
  readonly pingRule?: string;
  readonly backends: Set<string>;
  /** Kind 'lb': the VIP held as a /32 alias on the sandbox's endpoint interface. */
  readonly vip?: string;
}

/** How a kind-'lb' sandbox puts a VIP on its endpoint's interface and takes it off again. */
export interface VipAliases {
  add(vip: string): void;
  del(vip: string): void;
}

interface LbNet {
  readonly subnet: string;
  readonly ownIp: string;
  readonly services: Map<string, LbService>;
}

/** One sandbox's load-balancing state (a container, the ingress sandbox, or a per-overlay lb-<net> sandbox). */
export class LbSandbox {
  readonly nets = new Map<string, LbNet>();
  readonly errors: string[] = [];

  constructor(
    readonly fw: NamespaceNetfilter,
    /**
     * 'container': VIPs marked in OUTPUT (before 18.06); 'lb': VIPs held as /32 aliases and marked in INPUT (the
     * 18.06+ lb-<net> sandbox); 'ingress': published ports marked in PREROUTING.
     */
    readonly kind: 'container' | 'ingress' | 'lb',
    private readonly marks: (key: string) => number,
    /** Engines 1.13–18.05: pings to a VIP are DNATed to 127.0.0.1 in the sandbox (EngineBehaviour.vipPingDnat). */
    private readonly pingDnat = false,
    /** Kind 'lb' only: where the VIPs go (the endpoint's interface). */
    private readonly aliases?: VipAliases,
  ) {
    if ((kind === 'lb') !== (aliases !== undefined)) throw new Error('VIP aliases are for (and required by) lb sandboxes');
    fw.enableIpvs();
  }

  private run(kind: 'iptables' | 'ipvsadm', line: string): void {
    const r = kind === 'iptables' ? this.fw.iptables(line) : this.fw.ipvsadm(line);
    if (r.exitCode !== 0) this.errors.push(`${kind} ${line}: ${r.stderr.trim()}`);
  }

  addNetwork(networkId: string, subnet: string, ownIp: string): void {
    if (this.nets.has(networkId)) return;
    this.nets.set(networkId, { subnet, ownIp, services: new Map() });
    this.run('iptables', `-t nat -A POSTROUTING -d ${subnet} -m ipvs --ipvs -j SNAT --to-source ${ownIp}`);
  }

  removeNetwork(networkId: string): void {
    const n = this.nets.get(networkId);
    if (!n) return;
    for (const k of [...n.services.keys()]) this.dropService(n, k);
    this.run('iptables', `-t nat -D POSTROUTING -d ${n.subnet} -m ipvs --ipvs -j SNAT --to-source ${n.ownIp}`);
    this.nets.delete(networkId);
  }

  private dropService(n: LbNet, key: string): void {
    const s = n.services.get(key)!;
    for (const m of s.matches) this.run('iptables', `-t mangle -D ${this.chain()} ${m} -j MARK --set-xmark 0x${s.mark.toString(16)}/0xffffffff`);
    if (s.pingRule !== undefined) this.run('iptables', `-t nat -D OUTPUT ${s.pingRule}`);
    this.run('ipvsadm', `-D -f ${s.mark}`);
    if (s.vip !== undefined) this.aliases?.del(s.vip);
    n.services.delete(key);
  }

  private chain(): string {
    return this.kind === 'container' ? 'OUTPUT' : this.kind === 'lb' ? 'INPUT' : 'PREROUTING';
  }

  /** Programs the network's services from the records (exactly these services and backends). */
  sync(networkId: string, records: readonly EndpointRecord[]): void {
    const n = this.nets.get(networkId);
    if (!n) return;
    const want = new Map<string, { match: string[]; backends: string[]; vip?: string }>();
    for (const r of records) {
      if (r.serviceId === undefined) continue;
      if (this.kind !== 'ingress') {
        if (r.endpointMode === 'dnsrr' || r.vip === undefined) continue;
        const k = `${r.serviceId}`;
        const vip = r.vip.split('/')[0]!;
        const w = want.get(k) ?? { match: [`-d ${vip}/32`], backends: [], vip };
        w.backends.push(r.ip);
        want.set(k, w);
      } else {
        const ports = (r.ingressPorts ?? []).filter((p: PortConfig) => p.mode === 'ingress');
        if (ports.length === 0) continue;
        const k = `${r.serviceId}`;
        const w = want.get(k) ?? { match: ports.map((p) => `-p ${p.protocol} -m ${p.protocol} --dport ${p.published}`), backends: [] };
        w.backends.push(r.ip);
        want.set(k, w);
      }
    }
    for (const k of [...n.services.keys()]) if (!want.has(k)) this.dropService(n, k);
    for (const [k, w] of want) {
      let s = n.services.get(k);
      if (!s) {
        const mark = this.marks(`${k}/${networkId}`);
        // kind 'lb': the VIP alias comes with the service's first backend and goes with its IPVS service (§7.3)
        const vip = this.kind === 'lb' ? w.vip : undefined;
        if (vip !== undefined) this.aliases?.add(vip);
        for (const m of w.match) this.run('iptables', `-t mangle -A ${this.chain()} ${m} -j MARK --set-xmark 0x${mark.toString(16)}/0xffffffff`);
        const pingRule = this.pingDnat && w.vip !== undefined ? `-d ${w.vip}/32 -p icmp -m icmp --icmp-type 8 -j DNAT --to-destination 127.0.0.1` : undefined;
        if (pingRule !== undefined) this.run('iptables', `-t nat -A OUTPUT ${pingRule}`);
        this.run('ipvsadm', `-A -f ${mark} -s rr`);
        s = { mark, matches: w.match, backends: new Set(), ...(pingRule !== undefined ? { pingRule } : {}), ...(vip !== undefined ? { vip } : {}) };
        n.services.set(k, s);
      }
      for (const ip of [...s.backends]) {
        if (w.backends.includes(ip)) continue;
        this.run('ipvsadm', `-d -f ${s.mark} -r ${ip}`);
        s.backends.delete(ip);
      }
      for (const ip of w.backends) {
        if (s.backends.has(ip)) continue;
        this.run('ipvsadm', `-a -f ${s.mark} -r ${ip} -m -w 1`);
        s.backends.add(ip);
      }
    }
  }
}
