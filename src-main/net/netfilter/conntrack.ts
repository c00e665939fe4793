// Connection tracking (nf_conntrack) for IPv4: tuples for TCP, UDP, ICMP (the echo identifier plays the port)
// and other protocols (addresses only), the packet states NEW / ESTABLISHED / RELATED / INVALID, TCP state
// tracking with Linux's transition tables (nf_conntrack_proto_tcp.c) as far as timeouts need it, timeouts on an
// injected clock, and the NAT bookkeeping that lets every packet after the first be rewritten from the entry.
//
// Life of an entry, as in Linux: the first packet creates it *unconfirmed* (it travels with the packet in
// PacketMeta.ct and is not in the table); the last hook of the packet's path (INPUT or POSTROUTING) confirms it
// into the table. A packet dropped before that leaves no entry.

import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Time } from '../../sim/time.ts';
import { SECOND } from '../../sim/time.ts';
import { icmpHasId, PROTO_ICMP, PROTO_TCP, PROTO_UDP, type IpInfo } from './ipbytes.ts';

/**
 * A conntrack tuple. TCP/UDP: ports. ICMP queries: `sport` is the identifier and `dport` the ICMP type (Linux
 * keeps id in src and type/code in dst). Other protocols: both 0.
 */
export interface Tuple {
  readonly proto: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly sport: number;
  readonly dport: number;
}

export const DIR_ORIGINAL = 0;
export const DIR_REPLY = 1;
export type CtDir = 0 | 1;

export type TcpCtState = 'NONE' | 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT' | 'CLOSE_WAIT' | 'LAST_ACK' | 'TIME_WAIT' | 'CLOSE' | 'SYN_SENT2';

/** ctinfo: what the packet is relative to its connection (what -m conntrack --ctstate sees). */
export type CtInfo = 'NEW' | 'ESTABLISHED' | 'RELATED';

/** Default timeouts (net.netfilter.nf_conntrack_*_timeout*), in ns. */
export interface CtTimeouts {
  tcp: Readonly<Record<TcpCtState, Time>>;
  udp: Time;
  udpStream: Time;
  icmp: Time;
  generic: Time;
}

export const DEFAULT_TIMEOUTS: CtTimeouts = {
  tcp: {
    NONE: 0,
    SYN_SENT: 120 * SECOND,
    SYN_RECV: 60 * SECOND,
    ESTABLISHED: 432000 * SECOND, // 5 days
    FIN_WAIT: 120 * SECOND,
    CLOSE_WAIT: 60 * SECOND,
    LAST_ACK: 30 * SECOND,
    TIME_WAIT: 120 * SECOND,
    CLOSE: 10 * SECOND,
    SYN_SENT2: 120 * SECOND,
  },
  udp: 30 * SECOND,
  udpStream: 120 * SECOND,
  icmp: 30 * SECOND,
  generic: 600 * SECOND,
};

/** UDP: a flow becomes a stream (longer timeout, ASSURED) only if still active 2 s after creation (Linux ≥ 5.x). */
const UDP_STREAM_AFTER = 2 * SECOND;
const GC_INTERVAL: Time = SECOND;

export class CtEntry {
  /** [original, reply]. The reply tuple changes when NAT is set up. */
  readonly tuple: [Tuple, Tuple];
  confirmed = false;
  seenReply = false;
  assured = false;
  /** IPS_SRC_NAT / IPS_DST_NAT: a binding rewrites addresses in that manip. */
  srcNat = false;
  dstNat = false;
  /** IPS_SRC_NAT_DONE / IPS_DST_NAT_DONE: the nat table was consulted (or a null binding made) for that manip. */
  srcNatDone = false;
  dstNatDone = false;
  /** Set when IPVS took this connection over (ip_vs_update_conntrack). */
  ipvs = false;
  tcpState: TcpCtState = 'NONE';
  expires: Time = 0;
  /** Connection mark (ctmark; CONNMARK is not modelled, so it stays 0). */
  mark = 0;
  /** Creation time (UDP stream detection). */
  readonly created: Time;

  constructor(
    readonly id: number,
    orig: Tuple,
    now: Time,
  ) {
    this.tuple = [orig, invertTuple(orig)];
    this.created = now;
  }
}

/** The conntrack reference that travels with a packet (skb->_nfct + ctinfo). */
export interface CtRef {
  readonly entry: CtEntry;
  readonly dir: CtDir;
  readonly info: CtInfo;
}

const ICMP_INVERSE: Readonly<Record<number, number>> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };

export function invertTuple(t: Tuple): Tuple {
  if (t.proto === PROTO_ICMP) return { proto: t.proto, src: t.dst, dst: t.src, sport: t.sport, dport: ICMP_INVERSE[t.dport] ?? t.dport };
  return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

export function tupleKey(t: Tuple): string {
  return `${t.proto}/${t.src}/${t.dst}/${t.sport}/${t.dport}`;
}

export function tuplesEqual(a: Tuple, b: Tuple): boolean {
  return a.proto === b.proto && a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport;
}

/** The tuple of a packet as seen now, or undefined when it cannot be tracked (no L4 header, odd ICMP). */
export function tupleOf(info: IpInfo): Tuple | undefined {
  const p = info.protocol;
  if (p === PROTO_TCP || p === PROTO_UDP) {
    if (info.l4 < 0) return undefined;
    return { proto: p, src: info.src, dst: info.dst, sport: info.sport, dport: info.dport };
  }
  if (p === PROTO_ICMP) {
    if (info.l4 < 0 || !icmpHasId(info.icmpType)) return undefined;
    return { proto: p, src: info.src, dst: info.dst, sport: info.sport, dport: info.icmpType };
  }
  return { proto: p, src: info.src, dst: info.dst, sport: 0, dport: 0 };
}

// ---- TCP state machine (nf_conntrack_proto_tcp.c tcp_conntracks[2][6][10]) -------------------------------------

type TcpIdx = 0 | 1 | 2 | 3 | 4 | 5; // syn, synack, fin, ack, rst, none
const S: TcpCtState[] = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2'];
type Cell = TcpCtState | 'IV' | 'IG';
const sNO = 'NONE',
  sSS = 'SYN_SENT',
  sSR = 'SYN_RECV',
  sES = 'ESTABLISHED',
  sFW = 'FIN_WAIT',
  sCW = 'CLOSE_WAIT',
  sLA = 'LAST_ACK',
  sTW = 'TIME_WAIT',
  sCL = 'CLOSE',
  sS2 = 'SYN_SENT2',
  sIV = 'IV',
  sIG = 'IG';
void sNO;
//            sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
const TCP_TABLE: readonly (readonly (readonly Cell[])[])[] = [
  [
    /*syn*/ [sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2],
    /*synack*/ [sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR],
    /*fin*/ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    /*ack*/ [sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV],
    /*rst*/ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    /*none*/ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
  [
    /*syn*/ [sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2],
    /*synack*/ [sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    /*fin*/ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    /*ack*/ [sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG],
    /*rst*/ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    /*none*/ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
];

function tcpIndex(flags: number): TcpIdx {
  if (flags & 0x04) return 4;
  if (flags & 0x02) return flags & 0x10 ? 1 : 0;
  if (flags & 0x01) return 2;
  if (flags & 0x10) return 3;
  return 5;
}

/** The next TCP state, or 'IV' (invalid: packet gets no conntrack) / 'IG' (ignore: state unchanged). */
export function tcpTransition(state: TcpCtState, dir: CtDir, flags: number): Cell {
  return TCP_TABLE[dir]![tcpIndex(flags)]![S.indexOf(state)]!;
}

// ---- The table -------------------------------------------------------------------------------------------------

export interface ConntrackOptions {
  /** The virtual clock (ns). */
  readonly now: () => Time;
  readonly timeouts?: CtTimeouts;
}

interface Hashed {
  readonly entry: CtEntry;
  readonly dir: CtDir;
}

export class Conntrack {
  private readonly byTuple = new Map<string, Hashed>();
  /** Confirmed entries in creation order (for listing). */
  private readonly live = new Set<CtEntry>();
  private nextId = 1;
  private nextGc: Time = 0;
  readonly timeouts: CtTimeouts;
  private readonly now: () => Time;

  constructor(opts: ConntrackOptions) {
    this.now = opts.now;
    this.timeouts = opts.timeouts ?? DEFAULT_TIMEOUTS;
  }

  /** Live confirmed entries (expired ones are removed first). */
  entries(): CtEntry[] {
    this.gc();
    return [...this.live];
  }

  get size(): number {
    this.gc();
    return this.live.size;
  }

  /** Finds a confirmed entry by either of its tuples. */
  find(t: Tuple): Hashed | undefined {
    const h = this.byTuple.get(tupleKey(t));
    if (h === undefined) return undefined;
    if (h.entry.expires <= this.now()) {
      this.remove(h.entry);
      return undefined;
    }
    return h;
  }

  /** True when some confirmed entry other than `ignore` already uses `t` in either direction (nf_conntrack_tuple_taken). */
  taken(t: Tuple, ignore?: CtEntry): boolean {
    const h = this.find(t);
    return h !== undefined && h.entry !== ignore;
  }

  /** Creates an unconfirmed entry for a packet with tuple `t` (NEW). */
  create(t: Tuple): CtEntry {
    return new CtEntry(this.nextId++, t, this.now());
  }

  /** Inserts an unconfirmed entry into the table (__nf_conntrack_confirm). Returns false on a clash (packet is dropped). */
  confirm(e: CtEntry): boolean {
    if (e.confirmed) return true;
    const k0 = tupleKey(e.tuple[0]);
    const k1 = tupleKey(e.tuple[1]);
    const c0 = this.find(e.tuple[0]);
    const c1 = this.find(e.tuple[1]);
    if (c0 !== undefined || c1 !== undefined) return false;
    e.confirmed = true;
    this.byTuple.set(k0, { entry: e, dir: DIR_ORIGINAL });
    this.byTuple.set(k1, { entry: e, dir: DIR_REPLY });
    this.live.add(e);
    if (e.expires === 0) this.refresh(e);
    return true;
  }

  /** Changes the reply tuple (NAT setup, IPVS), keeping the hash in step for confirmed entries. */
  setReply(e: CtEntry, reply: Tuple): void {
    if (e.confirmed) {
      this.byTuple.delete(tupleKey(e.tuple[1]));
      this.byTuple.set(tupleKey(reply), { entry: e, dir: DIR_REPLY });
    }
    e.tuple[1] = reply;
  }

  remove(e: CtEntry): void {
    if (!this.live.delete(e)) return;
    for (const d of [0, 1] as const) {
      const k = tupleKey(e.tuple[d]);
      if (this.byTuple.get(k)?.entry === e) this.byTuple.delete(k);
    }
  }

  /** conntrack -F */
  flush(): void {
    this.byTuple.clear();
    this.live.clear();
  }

  /** Removes expired entries. */
  gc(): void {
    const now = this.now();
    for (const e of this.live) if (e.expires <= now) this.remove(e);
  }

  /** The timeout for the entry's current state. */
  timeoutOf(e: CtEntry): Time {
    const p = e.tuple[0].proto;
    if (p === PROTO_TCP) return this.timeouts.tcp[e.tcpState];
    if (p === PROTO_UDP) return e.assured ? this.timeouts.udpStream : this.timeouts.udp;
    if (p === PROTO_ICMP) return this.timeouts.icmp;
    return this.timeouts.generic;
  }

  refresh(e: CtEntry): void {
    e.expires = this.now() + this.timeoutOf(e);
  }

  /**
   * nf_conntrack_in for a packet with an L4-trackable tuple: finds or creates its entry, runs the protocol's
   * state machine and refreshes the timeout. Returns undefined when the packet is INVALID (no conntrack).
   */
  track(info: IpInfo): CtRef | undefined {
    const now = this.now();
    if (now >= this.nextGc) {
      // The kernel's gc worker: entries nobody looks up again still go away (at most one sweep a second).
      this.nextGc = now + GC_INTERVAL;
      this.gc();
    }
    const t = tupleOf(info);
    if (t === undefined) return undefined;
    const found = this.find(t);
    let entry: CtEntry;
    let dir: CtDir;
    let isNew = false;
    if (found === undefined) {
      // Only some packets may start a connection.
      if (t.proto === PROTO_ICMP && !(t.dport === 8 || t.dport === 13 || t.dport === 15 || t.dport === 17)) return undefined;
      if (t.proto === PROTO_TCP) {
        const idx = tcpIndex(info.tcpFlags);
        // tcp_new: a SYN starts SYN_SENT; with nf_conntrack_tcp_loose (default 1) a bare ACK picks up a
        // connection mid-stream as ESTABLISHED; anything else is invalid.
        if (idx !== 0 && idx !== 3) return undefined;
      }
      entry = this.create(t);
      dir = DIR_ORIGINAL;
      isNew = true;
    } else {
      entry = found.entry;
      dir = found.dir;
    }
    if (t.proto === PROTO_TCP) {
      const next = tcpTransition(entry.tcpState, dir, info.tcpFlags);
      if (next === 'IV') {
        return undefined;
      }
      if (next !== 'IG') {
        const old = entry.tcpState;
        entry.tcpState = next;
        // Assured once the handshake completed (SYN_RECV/ESTABLISHED -> ESTABLISHED).
        if (!entry.assured && (old === 'SYN_RECV' || old === 'ESTABLISHED') && next === 'ESTABLISHED') entry.assured = true;
      }
    }
    if (dir === DIR_REPLY && !entry.seenReply) entry.seenReply = true;
    if (t.proto === PROTO_UDP && entry.seenReply && !entry.assured && this.now() - entry.created >= UDP_STREAM_AFTER) entry.assured = true;
    if (!isNew || entry.confirmed) this.refresh(entry);
    else entry.expires = 0; // refreshed at confirm
    const info2: CtInfo = dir === DIR_REPLY || entry.seenReply ? 'ESTABLISHED' : 'NEW';
    return { entry, dir, info: info2 };
  }

  /** `conntrack -L` lines (stdout), in creation order. */
  list(): string[] {
    const now = this.now();
    return this.entries().map((e) => formatEntry(e, now));
  }

  /** The summary conntrack prints on stderr after a listing. */
  static summary(n: number, version = '1.4.6'): string {
    return `conntrack v${version} (conntrack-tools): ${n} flow entries have been shown.`;
  }
}

const PROTO_NAMES: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 50: 'esp', 47: 'gre', 132: 'sctp' };

function formatTuple(t: Tuple): string {
  const a = `src=${formatIpv4(t.src)} dst=${formatIpv4(t.dst)} `;
  if (t.proto === PROTO_TCP || t.proto === PROTO_UDP) return `${a}sport=${t.sport} dport=${t.dport} `;
  if (t.proto === PROTO_ICMP) return `${a}type=${t.dport} code=0 id=${t.sport} `;
  return a;
}

/** One line as `conntrack -L` prints it (libnetfilter_conntrack's default format). */
export function formatEntry(e: CtEntry, now: Time): string {
  const o = e.tuple[0];
  const name = PROTO_NAMES[o.proto] ?? 'unknown';
  const secs = Math.max(0, Math.floor((e.expires - now) / SECOND));
  let s = `${name.padEnd(8)} ${o.proto} ${secs} `;
  if (o.proto === PROTO_TCP) s += `${e.tcpState} `;
  s += formatTuple(o);
  if (!e.seenReply) s += '[UNREPLIED] ';
  s += formatTuple(e.tuple[1]);
  if (e.assured) s += '[ASSURED] ';
  s += `mark=${e.mark} use=1`;
  return s;
}
