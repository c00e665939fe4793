// IPVS (net/netfilter/ipvs) for one network namespace: virtual services keyed by protocol + VIP + port or by
// firewall mark, real servers with weights, the rr and wrr schedulers, masquerading (NAT) forwarding, and the
// connection table that keeps a flow on its real server and un-NATs the replies.
//
// It plugs into netfilter/netfilter.ts through the IpvsHook interface (Netfilter.attachIpvs): requests at
// LOCAL_IN (after the filter INPUT chain) and LOCAL_OUT, replies at FORWARD and LOCAL_IN — the hook points of
// ip_vs_core.c (ip_vs_remote_request4, ip_vs_local_request4, ip_vs_reply4, ip_vs_local_reply4).
//
// Kernel behaviours kept:
// - destinations are kept newest-first (list_add_rcu at the head in __ip_vs_update_dest) and rr walks that list
//   from where it stopped (ip_vs_rr.c), skipping weight-0 servers; wrr is ip_vs_wrr.c's interleaved weights.
// - TCP is scheduled only on a SYN (sloppy_tcp = 0); other packets without a connection go to the local stack.
// - A new connection is inactive until its IPVS TCP state is ESTABLISHED; UDP connections stay inactive
//   (ipvsadm's ActiveConn / InActConn). States follow ip_vs_proto_tcp.c's tcp_states tables.
// - Timeouts: TCP per state (ESTABLISHED 900 s, FIN_WAIT/TIME_WAIT 120 s, ...), UDP 300 s.
// - A SYN that matches a connection in TIME_WAIT or CLOSE expires it and schedules anew (conn_reuse_mode 1).

import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Time } from '../../sim/time.ts';
import { SECOND } from '../../sim/time.ts';
import { manipInPlace, PROTO_TCP, PROTO_UDP, readIp, type IpInfo } from '../netfilter/ipbytes.ts';
import type { IpvsHook } from '../netfilter/netfilter.ts';

export type IpvsProtocol = 'tcp' | 'udp';
export type SchedulerName = 'rr' | 'wrr' | 'lc' | 'wlc';
/** Forwarding methods as ipvsadm names them (-m Masq, -g Route, -i Tunnel); only Masq forwards here. */
export type ForwardMethod = 'Masq' | 'Route' | 'Tunnel' | 'Local';

export type ServiceKey =
  | { readonly kind: 'addr'; readonly protocol: IpvsProtocol; readonly addr: Ipv4Address; readonly port: number }
  | { readonly kind: 'fwmark'; readonly fwmark: number };

export interface DestinationSpec {
  readonly addr: Ipv4Address;
  /** 0 for fwmark services: the connection keeps the packet's destination port. */
  readonly port: number;
  readonly weight: number;
  readonly forward: ForwardMethod;
}

export class IpvsDest {
  activeConns = 0;
  inactConns = 0;
  constructor(
    readonly addr: Ipv4Address,
    readonly port: number,
    public weight: number,
    public forward: ForwardMethod,
  ) {}
}

export class IpvsService {
  /** Newest first, as the kernel keeps them. */
  readonly dests: IpvsDest[] = [];
  /** rr: the last chosen destination (undefined = the list head). */
  rrLast: IpvsDest | undefined;
  /** wrr state: index and current weight. */
  wrrIndex = -1;
  wrrCw = 0;
  constructor(
    readonly key: ServiceKey,
    public scheduler: SchedulerName,
  ) {}
}

export type IpvsTcpState = 'NONE' | 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT' | 'TIME_WAIT' | 'CLOSE' | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'SYNACK';

/** ip_vs_proto_tcp.c tcp_states (INPUT, OUTPUT), columns in the order of ST. */
const ST: readonly IpvsTcpState[] = ['NONE', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'SYNACK'];
// (SYNACK, the 11th state, never appears as a next state for NAT connections.)
const [, sES, sSS, sSR, sFW, sTW, sCL, sCW, sLA, sLI] = ST as [IpvsTcpState, IpvsTcpState, IpvsTcpState, IpvsTcpState, IpvsTcpState, IpvsTcpState, IpvsTcpState, IpvsTcpState, IpvsTcpState, IpvsTcpState];
const TCP_STATES: readonly (readonly (readonly IpvsTcpState[])[])[] = [
  // INPUT (client -> server)
  [
    /*syn*/ [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
    /*fin*/ [sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW],
    /*ack*/ [sCL, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
    /*rst*/ [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR],
  ],
  // OUTPUT (server -> client)
  [
    /*syn*/ [sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR],
    /*fin*/ [sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW],
    /*ack*/ [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES],
    /*rst*/ [sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL],
  ],
];

/** ip_vs_proto_tcp.c tcp_timeouts and the UDP timeout, in ns. */
export const IPVS_TIMEOUTS: Readonly<Record<IpvsTcpState | 'UDP', Time>> = {
  NONE: 2 * SECOND,
  ESTABLISHED: 15 * 60 * SECOND,
  SYN_SENT: 2 * 60 * SECOND,
  SYN_RECV: 60 * SECOND,
  FIN_WAIT: 2 * 60 * SECOND,
  TIME_WAIT: 2 * 60 * SECOND,
  CLOSE: 10 * SECOND,
  CLOSE_WAIT: 60 * SECOND,
  LAST_ACK: 30 * SECOND,
  LISTEN: 2 * 60 * SECOND,
  SYNACK: 2 * 60 * SECOND,
  UDP: 5 * 60 * SECOND,
};

function tcpStateIndex(flags: number): number {
  if (flags & 0x04) return 3;
  if (flags & 0x02) return 0;
  if (flags & 0x01) return 1;
  if (flags & 0x10) return 2;
  return -1;
}

export class IpvsConn {
  state: IpvsTcpState | 'UDP';
  expires: Time = 0;
  inactive = true;
  constructor(
    readonly protocol: number,
    readonly caddr: Ipv4Address,
    readonly cport: number,
    readonly vaddr: Ipv4Address,
    readonly vport: number,
    readonly daddr: Ipv4Address,
    readonly dport: number,
    readonly dest: IpvsDest,
    readonly service: IpvsService,
  ) {
    this.state = protocol === PROTO_UDP ? 'UDP' : 'NONE';
  }
}

/** libipvs' errors (ipvs_strerror), thrown by the management calls. */
export class IpvsError extends Error {}

export interface IpvsOptions {
  /** The virtual clock (ns). */
  readonly now: () => Time;
  /** The connection table size ipvsadm reports (ip_vs_conn_tab_bits = 12). */
  readonly tableSize?: number;
}

const SWEEP_INTERVAL: Time = SECOND;

export class Ipvs implements IpvsHook {
  private readonly services: IpvsService[] = [];
  private readonly connsIn = new Map<string, IpvsConn>();
  private readonly connsOut = new Map<string, IpvsConn>();
  private nextSweep: Time = 0;
  readonly tableSize: number;
  private readonly now: () => Time;

  constructor(opts: IpvsOptions) {
    this.now = opts.now;
    this.tableSize = opts.tableSize ?? 4096;
  }

  // ---- management (what ipvsadm / libnetwork program) ----------------------------------------------------------

  findService(key: ServiceKey): IpvsService | undefined {
    return this.services.find((s) => sameKey(s.key, key));
  }

  listServices(): readonly IpvsService[] {
    return this.services;
  }

  addService(key: ServiceKey, scheduler: string = 'wlc'): IpvsService {
    if (this.findService(key)) throw new IpvsError('Service already exists');
    if (!isScheduler(scheduler)) throw new IpvsError('Scheduler or persistence engine not found');
    const s = new IpvsService(key, scheduler);
    this.services.push(s);
    return s;
  }

  editService(key: ServiceKey, scheduler: string): void {
    const s = this.findService(key);
    if (!s) throw new IpvsError('No such service');
    if (!isScheduler(scheduler)) throw new IpvsError('Scheduler or persistence engine not found');
    s.scheduler = scheduler;
    s.rrLast = undefined;
    s.wrrIndex = -1;
    s.wrrCw = 0;
  }

  deleteService(key: ServiceKey): void {
    const s = this.findService(key);
    if (!s) throw new IpvsError('No such service');
    this.services.splice(this.services.indexOf(s), 1);
    for (const c of [...this.connsIn.values()]) if (c.service === s) this.expire(c);
  }

  clear(): void {
    this.services.length = 0;
    this.connsIn.clear();
    this.connsOut.clear();
  }

  addDest(key: ServiceKey, d: DestinationSpec): void {
    const s = this.findService(key);
    if (!s) throw new IpvsError('Service not defined');
    if (s.dests.some((x) => x.addr === d.addr && x.port === d.port)) throw new IpvsError('Destination already exists');
    s.dests.unshift(new IpvsDest(d.addr, d.port, d.weight, d.forward));
    s.wrrIndex = -1;
    s.wrrCw = 0;
  }

  editDest(key: ServiceKey, d: DestinationSpec): void {
    const s = this.findService(key);
    if (!s) throw new IpvsError('Service not defined');
    const x = s.dests.find((y) => y.addr === d.addr && y.port === d.port);
    if (!x) throw new IpvsError('No such destination');
    x.weight = d.weight;
    x.forward = d.forward;
  }

  deleteDest(key: ServiceKey, addr: Ipv4Address, port: number): void {
    const s = this.findService(key);
    if (!s) throw new IpvsError('Service not defined');
    const i = s.dests.findIndex((y) => y.addr === addr && y.port === port);
    if (i < 0) throw new IpvsError('No such destination');
    const [dest] = s.dests.splice(i, 1);
    // ip_vs_rr_del_dest: the cursor moves back to the previous entry.
    if (s.rrLast === dest) s.rrLast = i === 0 ? undefined : s.dests[i - 1];
    s.wrrIndex = -1;
    s.wrrCw = 0;
  }

  /** Live connections (expired ones removed first). */
  connections(): IpvsConn[] {
    this.sweep(true);
    return [...this.connsIn.values()];
  }

  // ---- schedulers ---------------------------------------------------------------------------------------------

  private schedule(s: IpvsService): IpvsDest | undefined {
    switch (s.scheduler) {
      case 'rr':
        return this.scheduleRr(s);
      case 'wrr':
        return this.scheduleWrr(s);
      case 'lc':
      case 'wlc':
        return this.scheduleLc(s, s.scheduler === 'wlc');
    }
  }

  /** ip_vs_lc / ip_vs_wlc: least (weighted) overhead = active * 256 + inactive; first in list order wins ties. */
  private scheduleLc(s: IpvsService, weighted: boolean): IpvsDest | undefined {
    let least: IpvsDest | undefined;
    let loh = 0;
    for (const d of s.dests) {
      if (d.weight <= 0) continue;
      const doh = d.activeConns * 256 + d.inactConns;
      if (least === undefined || (weighted ? loh * d.weight > doh * least.weight : doh < loh)) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  /** ip_vs_rr_schedule: the next destination after the last one chosen with weight > 0. */
  private scheduleRr(s: IpvsService): IpvsDest | undefined {
    const n = s.dests.length;
    if (n === 0) return undefined;
    // From the list head (-1) or after the last choice, once round, `last` itself included at the end.
    const start = s.rrLast === undefined ? -1 : s.dests.indexOf(s.rrLast);
    for (let k = 1; k <= n; k++) {
      const d = s.dests[(start + k) % n]!;
      if (d.weight > 0) {
        s.rrLast = d;
        return d;
      }
    }
    return undefined;
  }

  /** ip_vs_wrr_schedule: interleaved weighted round robin (gcd steps from the max weight). */
  private scheduleWrr(s: IpvsService): IpvsDest | undefined {
    const n = s.dests.length;
    if (n === 0) return undefined;
    const weights = s.dests.map((d) => d.weight);
    const max = Math.max(...weights);
    if (max <= 0) return undefined;
    const g = weights.filter((w) => w > 0).reduce((a, b) => gcd(a, b));
    for (let guard = 0; guard < n * (max / g + 1) + 1; guard++) {
      s.wrrIndex = (s.wrrIndex + 1) % n;
      if (s.wrrIndex === 0) {
        s.wrrCw -= g;
        if (s.wrrCw <= 0) s.wrrCw = max;
      }
      const d = s.dests[s.wrrIndex]!;
      if (d.weight >= s.wrrCw && d.weight > 0) return d;
    }
    return undefined;
  }

  // ---- the packet path (IpvsHook) -------------------------------------------------------------------------------

  request(packet: Uint8Array, info: IpInfo, mark: number): { packet: Uint8Array; realServer: { addr: Ipv4Address; port: number } } | 'drop' | undefined {
    if ((info.protocol !== PROTO_TCP && info.protocol !== PROTO_UDP) || info.l4 < 0) return undefined;
    this.sweep(false);
    const now = this.now();
    let c = this.connsIn.get(inKey(info.protocol, info.src, info.sport, info.dst, info.dport));
    if (c !== undefined && c.expires <= now) {
      this.expire(c);
      c = undefined;
    }
    const syn = info.protocol === PROTO_TCP && (info.tcpFlags & 0x12) === 0x02;
    if (c !== undefined && syn && (c.state === 'TIME_WAIT' || c.state === 'CLOSE')) {
      this.expire(c);
      c = undefined;
    }
    if (c === undefined) {
      const svc = this.lookupService(info, mark);
      if (svc === undefined) return undefined;
      if (info.protocol === PROTO_TCP && (!syn || (info.tcpFlags & 0x04) !== 0)) return undefined;
      const dest = this.schedule(svc);
      if (dest === undefined) return 'drop';
      c = new IpvsConn(info.protocol, info.src, info.sport, info.dst, info.dport, dest.addr, dest.port !== 0 ? dest.port : info.dport, dest, svc);
      dest.inactConns++;
      this.connsIn.set(inKey(c.protocol, c.caddr, c.cport, c.vaddr, c.vport), c);
      this.connsOut.set(outKey(c.protocol, c.daddr, c.dport, c.caddr, c.cport), c);
    }
    this.setState(c, 0, info.tcpFlags);
    if (c.dest.forward !== 'Masq') return undefined; // only NAT forwarding is modelled
    const b = packet.slice();
    manipInPlace(b, info, 'dst', c.daddr, c.dport);
    return { packet: b, realServer: { addr: c.daddr, port: c.dport } };
  }

  reply(packet: Uint8Array, info: IpInfo): Uint8Array | undefined {
    if ((info.protocol !== PROTO_TCP && info.protocol !== PROTO_UDP) || info.l4 < 0) return undefined;
    const c = this.connsOut.get(outKey(info.protocol, info.src, info.sport, info.dst, info.dport));
    if (c === undefined) return undefined;
    if (c.expires <= this.now()) {
      this.expire(c);
      return undefined;
    }
    this.setState(c, 1, info.tcpFlags);
    const b = packet.slice();
    manipInPlace(b, info, 'src', c.vaddr, c.vport);
    return b;
  }

  private lookupService(info: IpInfo, mark: number): IpvsService | undefined {
    if (mark !== 0) {
      const s = this.services.find((x) => x.key.kind === 'fwmark' && x.key.fwmark === mark);
      if (s) return s;
    }
    const proto: IpvsProtocol = info.protocol === PROTO_TCP ? 'tcp' : 'udp';
    return this.services.find((x) => x.key.kind === 'addr' && x.key.protocol === proto && x.key.addr === info.dst && (x.key.port === info.dport || x.key.port === 0));
  }

  private setState(c: IpvsConn, dir: 0 | 1, flags: number): void {
    if (c.protocol === PROTO_TCP) {
      const idx = tcpStateIndex(flags);
      const next = idx < 0 ? (c.state as IpvsTcpState) : TCP_STATES[dir]![idx]![ST.indexOf(c.state as IpvsTcpState)]!;
      if (next !== c.state) {
        if (!c.inactive && next !== 'ESTABLISHED') {
          c.dest.activeConns--;
          c.dest.inactConns++;
          c.inactive = true;
        } else if (c.inactive && next === 'ESTABLISHED') {
          c.dest.activeConns++;
          c.dest.inactConns--;
          c.inactive = false;
        }
      }
      c.state = next;
    }
    c.expires = this.now() + IPVS_TIMEOUTS[c.state];
  }

  private expire(c: IpvsConn): void {
    if (this.connsIn.get(inKey(c.protocol, c.caddr, c.cport, c.vaddr, c.vport)) !== c) return;
    this.connsIn.delete(inKey(c.protocol, c.caddr, c.cport, c.vaddr, c.vport));
    this.connsOut.delete(outKey(c.protocol, c.daddr, c.dport, c.caddr, c.cport));
    if (c.inactive) c.dest.inactConns--;
    else c.dest.activeConns--;
  }

  /** Expires timed-out connections (at most once per virtual second unless forced). */
  private sweep(force: boolean): void {
    const now = this.now();
    if (!force && now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_INTERVAL;
    for (const c of [...this.connsIn.values()]) if (c.expires <= now) this.expire(c);
  }
}

function inKey(p: number, caddr: number, cport: number, vaddr: number, vport: number): string {
  return `${p}/${caddr}/${cport}/${vaddr}/${vport}`;
}
function outKey(p: number, daddr: number, dport: number, caddr: number, cport: number): string {
  return `${p}/${daddr}/${dport}/${caddr}/${cport}`;
}

export function isScheduler(name: string): name is SchedulerName {
  return name === 'rr' || name === 'wrr' || name === 'lc' || name === 'wlc';
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export function sameKey(a: ServiceKey, b: ServiceKey): boolean {
  if (a.kind === 'fwmark' || b.kind === 'fwmark') return a.kind === b.kind && a.kind === 'fwmark' && b.kind === 'fwmark' && a.fwmark === b.fwmark;
  return a.protocol === b.protocol && a.addr === b.addr && a.port === b.port;
}

/** "TCP  10.0.0.1:80" / "FWM  256" (the service column of ipvsadm -Ln). */
export function serviceName(k: ServiceKey): string {
  if (k.kind === 'fwmark') return `FWM  ${k.fwmark}`;
  return `${k.protocol === 'tcp' ? 'TCP' : 'UDP'}  ${formatIpv4(k.addr)}:${k.port}`.slice(0, 33);
}

/** Re-reads a packet's header after a rewrite (helper for callers composing hooks). */
export function reread(b: Uint8Array): IpInfo | undefined {
  return readIp(b);
}
