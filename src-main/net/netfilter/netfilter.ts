// Netfilter for one network namespace: the iptables tables, conntrack, NAT and (optionally) IPVS, behind one
// call the IPv4 layer makes at each hook:
//
//   hook(hookName, packet, meta) -> { verdict, packet, meta, reject?, reroute? }
//
// Where the IPv4 layer calls it (net/ipv4/ip_input.c, ip_forward.c, ip_output.c):
//   PREROUTING   after ip_rcv has validated the header, before the routing decision (meta.inDev set)
//   INPUT        after the route says "local", before delivery to a socket (meta.inDev set)
//   FORWARD      after the route says "forward" and TTL was checked (meta.inDev and meta.outDev set)
//   OUTPUT       for locally created packets after the first route lookup (meta.outDev set)
//   POSTROUTING  for forwarded and local packets just before the neighbour/device output (meta.outDev set)
//
// Within a hook the tables run in Linux's priority order:
//   PREROUTING  raw(-300) conntrack(-200) mangle(-150) nat/DNAT(-100)
//   INPUT       mangle(-150) filter(0) IPVS reply(98) IPVS request(99) nat/SNAT(100) confirm
//   FORWARD     mangle(-150) filter(0) IPVS reply(100)
//   OUTPUT      raw(-300) conntrack(-200) mangle(-150) nat/DNAT(-100) IPVS reply(-99) IPVS request(-98) filter(0)
//   POSTROUTING mangle(-150) nat/SNAT(100) confirm
//
// The contract with the caller:
// - The same `meta` object that a hook returned must be passed to the next hook of the same packet (it carries
//   the conntrack reference, skb->_nfct). A packet that enters another namespace starts with a fresh meta
//   ({ mark: 0 }), as skb_scrub_packet does.
// - verdict 'reject': drop the packet and send `reject` back (see reject.ts for building the ICMP error or RST).
// - reroute: the destination changed in this hook. At OUTPUT route again; at INPUT it means IPVS took the packet
//   (ip_vs_nat_xmit): do not deliver it locally, route it by its new destination and pass it through OUTPUT and
//   POSTROUTING as a locally sent packet, keeping the meta.
// - The input bytes are never modified; a rewritten packet is a new Uint8Array with correct checksums.

import { inSubnet, isMulticastIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { RandomSource } from '../../sim/random.ts';
import type { Time } from '../../sim/time.ts';
import { Conntrack, DIR_ORIGINAL, DIR_REPLY, invertTuple, tupleOf, type CtDir, type CtEntry, type CtRef, type CtTimeouts, type Tuple } from './conntrack.ts';
import { fixIcmpChecksum, icmpIsError, manipInPlace, PROTO_ICMP, PROTO_TCP, PROTO_UDP, readIp, type IpInfo } from './ipbytes.ts';
import {
  ifaceMatches,
  Table,
  TABLE_NAMES,
  type AddrType,
  type Chain,
  type CtStateName,
  type HookName,
  type Match,
  type NatRange,
  type RejectWith,
  type Rule,
  type TableName,
} from './rules.ts';

export interface PacketMeta {
  /** Input device (PREROUTING, INPUT, FORWARD). */
  readonly inDev?: string;
  /** Output device (FORWARD, OUTPUT, POSTROUTING). */
  readonly outDev?: string;
  /** skb->mark. */
  readonly mark: number;
  /** The packet's conntrack entry and direction; set by the first hook, carried by the caller. */
  readonly ct?: CtRef;
  /** Conntrack already looked at this packet and found it untrackable/invalid (so it is not tried again). */
  readonly ctChecked?: boolean;
  /** skb->ipvs_property: IPVS has handled this packet (matched by -m ipvs --ipvs; IPVS hooks skip it). */
  readonly ipvs?: boolean;
}

export type Verdict = 'accept' | 'drop' | 'reject';

/** What REJECT asks the IP layer to send back instead of the packet. */
export interface RejectDescription {
  readonly with: RejectWith;
  /** ICMP type 3 and the code for the icmp-* kinds; undefined for tcp-reset. */
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** The offending packet as it was when REJECT hit (after any DNAT): the ICMP error quotes it; RST answers it. */
  readonly offending: Uint8Array;
  /**
   * The conntrack reference the error/RST should carry (nf_ct_attach): pass `{ mark: 0, ct: relatedCt }` as the
   * error's meta at OUTPUT/POSTROUTING so NAT translates it back like the connection.
   */
  readonly relatedCt?: CtRef;
}

export interface HookResult {
  readonly verdict: Verdict;
  readonly packet: Uint8Array;
  readonly meta: PacketMeta;
  readonly reject?: RejectDescription;
  readonly reroute?: boolean;
}

/** The IPVS side (ipvs/ipvs.ts implements it); netfilter calls it at the hook points listed above. */
export interface IpvsHook {
  /**
   * Request path (LOCAL_IN for packets to a local VIP, LOCAL_OUT for locally sent ones). Returns undefined when
   * IPVS has no service for the packet; otherwise the packet with its destination rewritten to the chosen real
   * server (a copy), or 'drop'.
   */
  request(packet: Uint8Array, info: IpInfo, mark: number): { readonly packet: Uint8Array; readonly realServer: { readonly addr: Ipv4Address; readonly port: number } } | 'drop' | undefined;
  /** Reply path (FORWARD, LOCAL_IN): a packet from a real server of a known connection gets the VIP back as source. */
  reply(packet: Uint8Array, info: IpInfo): Uint8Array | undefined;
}

export interface NetfilterOptions {
  /** Virtual clock (ns), for conntrack timeouts. */
  readonly now: () => Time;
  /** Seeded stream for NAT source-port choice on a clash (Linux: get_random_u16). */
  readonly random: RandomSource;
  /** True for addresses configured on this namespace (addrtype LOCAL, REDIRECT). */
  readonly isLocalAddress: (addr: Ipv4Address) => boolean;
  /** The primary address of a device (MASQUERADE on the out device, REDIRECT on the in device), `dst` as a hint. */
  readonly primaryAddress: (dev: string, dst?: Ipv4Address) => Ipv4Address | undefined;
  /** The routing type of an address, for -m addrtype; default: LOCAL / BROADCAST / MULTICAST / UNICAST. */
  readonly addressType?: (addr: Ipv4Address) => AddrType;
  readonly conntrackTimeouts?: CtTimeouts;
}

/** The nat manip kinds. */
type Manip = 'src' | 'dst';

interface Work {
  bytes: Uint8Array;
  copied: boolean;
  info: IpInfo;
  meta: PacketMeta;
}

type ChainOutcome =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject'; readonly with: RejectWith }
  /** A NAT target fired (nat table only): the binding was set up. */
  | { readonly kind: 'nat' };

const REJECT_CODES: Readonly<Record<Exclude<RejectWith, 'tcp-reset'>, number>> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
};

export class Netfilter {
  readonly tables: Readonly<Record<TableName, Table>>;
  readonly conntrack: Conntrack;
  private ipvs: IpvsHook | undefined;
  private readonly opts: NetfilterOptions;

  constructor(opts: NetfilterOptions) {
    this.opts = opts;
    this.tables = { raw: new Table('raw'), mangle: new Table('mangle'), nat: new Table('nat'), filter: new Table('filter') };
    this.conntrack = new Conntrack({ now: opts.now, ...(opts.conntrackTimeouts ? { timeouts: opts.conntrackTimeouts } : {}) });
  }

  /** Attaches IPVS (ipvs/ipvs.ts) to this namespace's hooks. */
  attachIpvs(ipvs: IpvsHook | undefined): void {
    this.ipvs = ipvs;
  }

  table(name: TableName): Table {
    return this.tables[name];
  }

  /** Zeroes every counter of a table (iptables -Z), or of all tables. */
  zero(table?: TableName, chain?: string): void {
    for (const t of table ? [table] : TABLE_NAMES) {
      for (const c of this.tables[t].chains.values()) {
        if (chain !== undefined && c.name !== chain) continue;
        c.counters.packets = 0;
        c.counters.bytes = 0;
        for (const r of c.rules) {
          r.counters.packets = 0;
          r.counters.bytes = 0;
        }
      }
    }
  }

  /** The one entry point the IPv4 layer calls at each hook. */
  hook(hook: HookName, packet: Uint8Array, meta: PacketMeta): HookResult {
    const info = readIp(packet);
    if (info === undefined) return { verdict: 'accept', packet, meta };
    const w: Work = { bytes: packet, copied: false, info, meta };
    const dst0 = info.dst;
    const result = this.run(hook, w);
    if (result.verdict !== 'accept') return result;
    const reroute = result.reroute === true || ((hook === 'OUTPUT' || hook === 'PREROUTING') && w.info.dst !== dst0);
    return reroute ? { ...result, reroute: true } : result;
  }

  private run(hook: HookName, w: Work): HookResult {
    const done = (verdict: Verdict, extra?: Partial<HookResult>): HookResult => ({ verdict, packet: w.bytes, meta: w.meta, ...extra });
    const step = (table: TableName): HookResult | undefined => {
      const o = this.traverse(table, hook, w);
      if (o.kind === 'drop') return done('drop');
      if (o.kind === 'reject') return done('reject', { reject: this.describeReject(o.with, w) });
      return undefined;
    };
    let r: HookResult | undefined;
    switch (hook) {
      case 'PREROUTING':
        if ((r = step('raw'))) return r;
        this.conntrackIn(w);
        if ((r = step('mangle'))) return r;
        if ((r = this.natStep(hook, 'dst', w))) return r;
        return done('accept');
      case 'INPUT': {
        if ((r = step('mangle'))) return r;
        if ((r = step('filter'))) return r;
        const ipvs = this.ipvsStep(w, true);
        if (ipvs === 'drop') return done('drop');
        if (ipvs === 'taken') return done('accept', { reroute: true });
        if ((r = this.natStep(hook, 'src', w))) return r;
        if (!this.confirm(w)) return done('drop');
        return done('accept');
      }
      case 'FORWARD':
        if ((r = step('mangle'))) return r;
        if ((r = step('filter'))) return r;
        this.ipvsStep(w, false);
        return done('accept');
      case 'OUTPUT': {
        if ((r = step('raw'))) return r;
        this.conntrackIn(w);
        if ((r = step('mangle'))) return r;
        if ((r = this.natStep(hook, 'dst', w))) return r;
        const ipvs = this.ipvsStep(w, true);
        if (ipvs === 'drop') return done('drop');
        if ((r = step('filter'))) return r;
        return done('accept', ipvs === 'taken' ? { reroute: true } : undefined);
      }
      case 'POSTROUTING':
        if ((r = step('mangle'))) return r;
        if ((r = this.natStep(hook, 'src', w))) return r;
        if (!this.confirm(w)) return done('drop');
        return done('accept');
    }
  }

  // ---- conntrack -------------------------------------------------------------------------------------------

  /** nf_conntrack_in: attach the packet's conntrack (unless it already has one, e.g. looped back). */
  private conntrackIn(w: Work): void {
    if (w.meta.ct !== undefined || w.meta.ctChecked) return;
    let ref: CtRef | undefined;
    if (w.info.protocol === PROTO_ICMP && w.info.l4 >= 0 && icmpIsError(w.info.icmpType)) ref = this.relatedLookup(w);
    else ref = this.conntrack.track(w.info);
    w.meta = ref !== undefined ? { ...w.meta, ct: ref } : { ...w.meta, ctChecked: true };
  }

  /** An ICMP error quoting a tracked packet is RELATED to that connection, in the direction the error travels. */
  private relatedLookup(w: Work): CtRef | undefined {
    const inner = w.bytes.subarray(w.info.l4 + 8, w.info.totalLen);
    const ii = readIp(inner, true);
    if (ii === undefined) return undefined;
    const t = tupleOf(ii);
    if (t === undefined) return undefined;
    const found = this.conntrack.find(invertTuple(t));
    if (found === undefined) return undefined;
    return { entry: found.entry, dir: found.dir, info: 'RELATED' };
  }

  private confirm(w: Work): boolean {
    const ct = w.meta.ct;
    if (ct === undefined || ct.entry.confirmed) return true;
    return this.conntrack.confirm(ct.entry);
  }

  // ---- NAT ---------------------------------------------------------------------------------------------------

  /**
   * nf_nat_inet_fn for one manip: the first packet of a connection traverses the nat chain of this hook (its
   * target sets up the binding, or a null binding is made); every packet is then rewritten from the entry.
   */
  private natStep(hook: HookName, manip: Manip, w: Work): HookResult | undefined {
    const ct = w.meta.ct;
    if (ct === undefined) return undefined;
    const e = ct.entry;
    if (ct.info === 'RELATED') {
      this.icmpReplyTranslation(w, ct, manip);
      return undefined;
    }
    const done = (): boolean => (manip === 'src' ? e.srcNatDone : e.dstNatDone);
    if (!e.confirmed && !done() && ct.dir === DIR_ORIGINAL) {
      const o = this.traverse('nat', hook, w);
      if (o.kind === 'drop') return { verdict: 'drop', packet: w.bytes, meta: w.meta };
      if (o.kind === 'reject') return { verdict: 'reject', packet: w.bytes, meta: w.meta, reject: this.describeReject(o.with, w) };
      if (!done()) {
        // nf_nat_alloc_null_binding: keep the address, but still make the tuple unique (a local socket's source
        // port is remapped when a masqueraded connection already uses it).
        const cur = invertTuple(e.tuple[DIR_REPLY]);
        const a = manip === 'src' ? cur.src : cur.dst;
        if (!this.setupNat(e, manip, { minAddr: a, maxAddr: a }, false)) return { verdict: 'drop', packet: w.bytes, meta: w.meta };
      }
    }
    this.applyManip(w, e, ct.dir, manip);
    return undefined;
  }

  /** Does the entry rewrite `manip` for packets in `dir`? (IPS_NAT_MASK flipped for the reply direction.) */
  private static natApplies(e: CtEntry, dir: CtDir, manip: Manip): boolean {
    if (dir === DIR_ORIGINAL) return manip === 'src' ? e.srcNat : e.dstNat;
    return manip === 'src' ? e.dstNat : e.srcNat;
  }

  /** nf_nat_packet: rewrite to the inverse of the other direction's tuple, for this manip only. */
  private applyManip(w: Work, e: CtEntry, dir: CtDir, manip: Manip): void {
    if (!Netfilter.natApplies(e, dir, manip)) return;
    const target = invertTuple(e.tuple[dir === DIR_ORIGINAL ? DIR_REPLY : DIR_ORIGINAL]);
    const b = this.writable(w);
    const port = target.proto === PROTO_ICMP ? target.sport : manip === 'src' ? target.sport : target.dport;
    manipInPlace(b, w.info, manip, manip === 'src' ? target.src : target.dst, port);
    w.info = readIp(b)!;
  }

  /**
   * nf_nat_icmp_reply_translation: an ICMP error related to a NATed connection gets its quoted datagram turned
   * back (the opposite manip) and its outer address rewritten; the ICMP checksum is recomputed over the message.
   */
  private icmpReplyTranslation(w: Work, ct: CtRef, manip: Manip): void {
    const e = ct.entry;
    if (!Netfilter.natApplies(e, ct.dir, manip)) return;
    const other = e.tuple[ct.dir === DIR_ORIGINAL ? DIR_REPLY : DIR_ORIGINAL];
    const b = this.writable(w);
    const innerOff = w.info.l4 + 8;
    const inner = b.subarray(innerOff, Math.min(w.info.totalLen, b.length));
    const ii = readIp(inner, true);
    if (ii === undefined) return;
    // Inner: the opposite manip, straight from the other direction's tuple.
    // (For a quoted ICMP query the identifier is the tuple's sport in both cases.)
    if (manip === 'dst') manipInPlace(inner, ii, 'src', other.src, other.sport);
    else manipInPlace(inner, ii, 'dst', other.dst, other.proto === PROTO_ICMP ? other.sport : other.dport);
    // Outer: address only.
    const target = invertTuple(other);
    manipInPlace(b, w.info, manip, manip === 'src' ? target.src : target.dst, undefined);
    w.info = readIp(b)!;
    fixIcmpChecksum(b, w.info);
  }

  /** nf_nat_setup_info: set the binding for `manip` from `range` on an unconfirmed entry. */
  private setupNat(e: CtEntry, manip: Manip, range: NatRange, random: boolean): boolean {
    const curr = invertTuple(e.tuple[DIR_REPLY]);
    const next = this.uniqueTuple(e, curr, range, manip, random);
    if (next === undefined) return false;
    if (next.src !== curr.src || next.dst !== curr.dst || next.sport !== curr.sport || next.dport !== curr.dport) {
      this.conntrack.setReply(e, invertTuple(next));
      if (manip === 'src') e.srcNat = true;
      else e.dstNat = true;
    }
    if (manip === 'src') e.srcNatDone = true;
    else e.dstNatDone = true;
    return true;
  }

  private used(t: Tuple, e: CtEntry): boolean {
    return this.conntrack.taken(invertTuple(t), e);
  }

  /** get_unique_tuple (nf_nat_core.c), with nf_nat_l4proto_unique_tuple's port search. */
  private uniqueTuple(e: CtEntry, orig: Tuple, range: NatRange, manip: Manip, random: boolean): Tuple | undefined {
    const hasPorts = orig.proto === PROTO_TCP || orig.proto === PROTO_UDP || orig.proto === PROTO_ICMP;
    const protoSpecified = range.minPort !== undefined;
    const curAddr = manip === 'src' ? orig.src : orig.dst;
    // 1. SNAT keeps the tuple when it already fits and is unique.
    if (manip === 'src' && !random && curAddr >= range.minAddr && curAddr <= range.maxAddr) {
      const portOk = !protoSpecified || !hasPorts || this.portInRange(orig, manip, range);
      if (portOk && !this.used(orig, e)) return orig;
    }
    // 2. Address: the first of the range (a single address in every Docker rule).
    const addr = curAddr >= range.minAddr && curAddr <= range.maxAddr ? curAddr : range.minAddr;
    let t: Tuple = manip === 'src' ? { ...orig, src: addr } : { ...orig, dst: addr };
    if (!hasPorts) return t;
    // 3. Keep the port if allowed and unique.
    if (!random) {
      if (protoSpecified) {
        if (this.portInRange(t, manip, range) && (range.minPort === range.maxPort || !this.used(t, e))) return t;
      } else if (!this.used(t, e)) {
        return t;
      }
    }
    // 4. Search a free port (id for ICMP).
    const icmp = t.proto === PROTO_ICMP;
    const key = icmp ? 'sport' : manip === 'src' ? 'sport' : 'dport';
    let min: number;
    let size: number;
    if (protoSpecified) {
      min = range.minPort!;
      size = range.maxPort! - min + 1;
    } else if (icmp) {
      min = 0;
      size = 65536;
    } else {
      if (manip === 'dst') return t; // a DNAT without ports never changes the port
      const p = t[key];
      if (p < 512) {
        min = 1;
        size = 511;
      } else if (p < 1024) {
        min = 600;
        size = 1023 - 600 + 1;
      } else {
        min = 1024;
        size = 65535 - 1024 + 1;
      }
    }
    let off = manip === 'src' || random ? this.opts.random.nextU32() & 0xffff : 0;
    for (let i = 0; i < size; i++, off++) {
      const port = min + (off % size);
      t = key === 'sport' ? { ...t, sport: port } : { ...t, dport: port };
      if (!this.used(t, e)) return t;
    }
    // Linux keeps the last candidate; a real clash then fails at confirm.
    return t;
  }

  private portInRange(t: Tuple, manip: Manip, range: NatRange): boolean {
    const p = t.proto === PROTO_ICMP ? t.sport : manip === 'src' ? t.sport : t.dport;
    return p >= range.minPort! && p <= range.maxPort!;
  }

  // ---- IPVS ----------------------------------------------------------------------------------------------------

  /**
   * IPVS at a hook, once per packet: a reply of one of its connections is un-NATed (ip_vs_out); otherwise, where
   * `requests` is set, a request for a virtual service is scheduled (ip_vs_in): 'taken' when the destination was
   * rewritten to a real server.
   */
  private ipvsStep(w: Work, requests: boolean): 'taken' | 'drop' | undefined {
    if (this.ipvs === undefined || w.meta.ipvs === true) return undefined;
    const rep = this.ipvs.reply(w.bytes, w.info);
    if (rep !== undefined) {
      this.replace(w, rep);
      w.meta = { ...w.meta, ipvs: true };
      return undefined;
    }
    return requests ? this.ipvsRequest(w) : undefined;
  }

  /** IPVS request path: 'taken' when IPVS rewrote the destination. */
  private ipvsRequest(w: Work): 'taken' | 'drop' | undefined {
    const r = this.ipvs!.request(w.bytes, w.info, w.meta.mark);
    if (r === undefined) return undefined;
    if (r === 'drop') return 'drop';
    this.replace(w, r.packet);
    w.meta = { ...w.meta, ipvs: true };
    // ip_vs_update_conntrack: the reply now comes from the real server.
    const ct = w.meta.ct;
    if (ct !== undefined && !ct.entry.confirmed && ct.dir === DIR_ORIGINAL) {
      const e = ct.entry;
      const reply = e.tuple[DIR_REPLY];
      const nr: Tuple =
        reply.proto === PROTO_ICMP ? { ...reply, src: r.realServer.addr } : { ...reply, src: r.realServer.addr, sport: reply.proto === PROTO_TCP || reply.proto === PROTO_UDP ? r.realServer.port : reply.sport };
      this.conntrack.setReply(e, nr);
      e.ipvs = true;
      e.dstNatDone = true;
    }
    return 'taken';
  }

  // ---- tables and chains ---------------------------------------------------------------------------------------

  private traverse(table: TableName, hook: HookName, w: Work): ChainOutcome {
    const t = this.tables[table];
    const start = t.chain(hook);
    if (start === undefined) return { kind: 'accept' };
    const bytes = w.info.totalLen;
    const stack: { chain: Chain; i: number }[] = [];
    let chain: Chain = start;
    let i = 0;
    for (let guard = 0; guard < 100000; guard++) {
      if (i >= chain.rules.length) {
        const up = stack.pop();
        if (up === undefined) return this.policy(chain, bytes);
        chain = up.chain;
        i = up.i;
        continue;
      }
      const rule = chain.rules[i++]!;
      if (!this.ruleMatches(rule, w, hook)) continue;
      rule.counters.packets++;
      rule.counters.bytes += bytes;
      const tg = rule.target;
      switch (tg.kind) {
        case 'ACCEPT':
          return { kind: 'accept' };
        case 'DROP':
          return { kind: 'drop' };
        case 'RETURN': {
          const up = stack.pop();
          if (up === undefined) return this.policy(start, bytes);
          chain = up.chain;
          i = up.i;
          continue;
        }
        case 'chain': {
          const next = t.chain(tg.chain);
          if (next === undefined) continue;
          if (!tg.goto) stack.push({ chain, i });
          chain = next;
          i = 0;
          continue;
        }
        case 'REJECT':
          return { kind: 'reject', with: tg.with };
        case 'MARK':
          w.meta = { ...w.meta, mark: ((w.meta.mark & ~tg.mask) ^ tg.value) >>> 0 };
          continue;
        case 'LOG':
        case 'none':
          continue;
        case 'DNAT':
        case 'SNAT':
        case 'MASQUERADE':
        case 'REDIRECT':
          return this.natTarget(tg, w, hook);
      }
    }
    return { kind: 'drop' };
  }

  private policy(chain: Chain, bytes: number): ChainOutcome {
    chain.counters.packets++;
    chain.counters.bytes += bytes;
    return chain.policy === 'DROP' ? { kind: 'drop' } : { kind: 'accept' };
  }

  private natTarget(tg: Extract<Rule['target'], { kind: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' }>, w: Work, hook: HookName): ChainOutcome {
    const ct = w.meta.ct;
    if (ct === undefined || ct.entry.confirmed) return { kind: 'accept' };
    const e = ct.entry;
    let ok = true;
    switch (tg.kind) {
      case 'DNAT':
        ok = this.setupNat(e, 'dst', tg.range, false);
        break;
      case 'SNAT':
        ok = this.setupNat(e, 'src', tg.range, false);
        break;
      case 'MASQUERADE': {
        const out = w.meta.outDev;
        const addr = out === undefined ? undefined : this.opts.primaryAddress(out, w.info.dst);
        if (addr === undefined) return { kind: 'drop' };
        const range: NatRange = tg.minPort !== undefined ? { minAddr: addr, maxAddr: addr, minPort: tg.minPort, maxPort: tg.maxPort ?? tg.minPort } : { minAddr: addr, maxAddr: addr };
        ok = this.setupNat(e, 'src', range, tg.random);
        break;
      }
      case 'REDIRECT': {
        // PREROUTING: the primary address of the incoming device; OUTPUT: 127.0.0.1.
        let addr: Ipv4Address | undefined;
        if (hook === 'OUTPUT') addr = 0x7f000001;
        else addr = w.meta.inDev === undefined ? undefined : this.opts.primaryAddress(w.meta.inDev);
        if (addr === undefined) return { kind: 'drop' };
        const range: NatRange = tg.minPort !== undefined ? { minAddr: addr, maxAddr: addr, minPort: tg.minPort, maxPort: tg.maxPort ?? tg.minPort } : { minAddr: addr, maxAddr: addr };
        ok = this.setupNat(e, 'dst', range, false);
        break;
      }
    }
    return ok ? { kind: 'nat' } : { kind: 'drop' };
  }

  private ruleMatches(r: Rule, w: Work, hook: HookName): boolean {
    const info = w.info;
    if (r.src !== undefined && inSubnet(info.src, r.src.addr, r.src.prefix) === r.src.invert) return false;
    if (r.dst !== undefined && inSubnet(info.dst, r.dst.addr, r.dst.prefix) === r.dst.invert) return false;
    if (r.inIface !== undefined && ifaceMatches(r.inIface.name, w.meta.inDev) === r.inIface.invert) return false;
    if (r.outIface !== undefined && ifaceMatches(r.outIface.name, w.meta.outDev) === r.outIface.invert) return false;
    if (r.proto !== undefined && (info.protocol === r.proto.num) === r.proto.invert) return false;
    for (const m of r.matches) if (!this.matchOne(m, w, hook)) return false;
    return true;
  }

  private matchOne(m: Match, w: Work, _hook: HookName): boolean {
    const info = w.info;
    switch (m.kind) {
      case 'tcp':
      case 'udp': {
        if (info.l4 < 0 || info.protocol !== (m.kind === 'tcp' ? PROTO_TCP : PROTO_UDP)) return false;
        if (m.sport !== undefined && (info.sport >= m.sport.min && info.sport <= m.sport.max) === m.sport.invert) return false;
        if (m.dport !== undefined && (info.dport >= m.dport.min && info.dport <= m.dport.max) === m.dport.invert) return false;
        return true;
      }
      case 'icmp': {
        if (info.l4 < 0 || info.protocol !== PROTO_ICMP) return false;
        const hit = m.type === 255 || (info.icmpType === m.type && info.icmpCode >= m.codeMin && info.icmpCode <= m.codeMax);
        return hit !== m.invert;
      }
      case 'conntrack': {
        const ct = w.meta.ct;
        const states = new Set<CtStateName>();
        if (ct === undefined) states.add('INVALID');
        else {
          states.add(ct.info);
          if (m.module === 'conntrack') {
            if (ct.entry.srcNat) states.add('SNAT');
            if (ct.entry.dstNat) states.add('DNAT');
          }
        }
        return m.states.some((s) => states.has(s)) !== m.invert;
      }
      case 'addrtype': {
        if (m.src !== undefined && m.src.types.includes(this.addrType(info.src)) === m.src.invert) return false;
        if (m.dst !== undefined && m.dst.types.includes(this.addrType(info.dst)) === m.dst.invert) return false;
        return true;
      }
      case 'mark':
        return (((w.meta.mark & m.mask) >>> 0) === m.mark) !== m.invert;
      case 'comment':
        return true;
      case 'ipvs':
        return (w.meta.ipvs === true) !== m.invert;
    }
  }

  private addrType(a: Ipv4Address): AddrType {
    if (this.opts.addressType) return this.opts.addressType(a);
    if (this.opts.isLocalAddress(a)) return 'LOCAL';
    if (a === 0xffffffff) return 'BROADCAST';
    if (isMulticastIpv4(a)) return 'MULTICAST';
    return 'UNICAST';
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private describeReject(kind: RejectWith, w: Work): RejectDescription {
    const ct = w.meta.ct;
    const relatedCt: CtRef | undefined = ct === undefined ? undefined : { entry: ct.entry, dir: ct.dir === DIR_ORIGINAL ? DIR_REPLY : DIR_ORIGINAL, info: 'RELATED' };
    const offending = w.bytes.slice(0, w.info.totalLen);
    if (kind === 'tcp-reset') return { with: kind, offending, ...(relatedCt ? { relatedCt } : {}) };
    return { with: kind, icmpType: 3, icmpCode: REJECT_CODES[kind], offending, ...(relatedCt ? { relatedCt } : {}) };
  }

  private writable(w: Work): Uint8Array {
    if (!w.copied) {
      w.bytes = w.bytes.slice();
      w.copied = true;
    }
    return w.bytes;
  }

  private replace(w: Work, bytes: Uint8Array): void {
    w.bytes = bytes;
    w.copied = true;
    w.info = readIp(bytes)!;
  }
}

