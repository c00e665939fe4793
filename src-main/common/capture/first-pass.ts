// The import's first pass without a dissection per frame. A hand-written walk over the raw bytes follows the
// dissectors' path through Ethernet/802.1Q, IPv4, UDP, VXLAN (inner Ethernet), ICMP and TCP and does only what
// their first pass does across frames: TCP's conversations (relative sequence numbers, window scaling), HTTP's
// gathering of a message's segments (by Content-Length or chunks, read as http.ts reads them: http-head.ts) and
// ICMP's echo request matching. It records the outcome in the index's columns, so the packet list can dissect any
// page later with a context primed from them (rows.ts) and get what a pass over every frame would have shown. It
// also records the display filter columns (protocols, IPv4 addresses, ports, udp.stream numbered as udp.ts does,
// on its shared state), and says when they hold all of a frame's values of those fields (EXACT): any header it
// stops at as malformed, or a payload the dissectors' heuristics may claim, leaves that to a dissection.
//
// Whatever the walk is not sure of — IPv4 fragments, TCP payload on a port a dissector other than HTTP's claims,
// IPv6, link types other than Ethernet, frames cut short by the snaplen, a dissector it does not
// know — goes through the full dissector on the same context, whose TCP and ICMP tables the walk shares (the same
// protoState objects, the same keys). Such a frame's row is kept whole, computed at import.

import { CaptureContext, collectFields, type FrameMeta } from '../dissect/index.ts';
import { lookupDissector } from '../dissect/table.ts';
import { formatIpv4 } from '../wire/ipv4-address.ts';
import { colourCode, colourOf, compileColourRules, type CompiledColourRule } from './colouring.ts';
import { EXACT, NAMES_IP, HTTP_COMPLETE, HTTP_CONTINUATION, HTTP_FIRST_SEGMENT, HTTP_SEGMENT, KIND_SPECIAL, MAX_LAYERS, PROTO_BITS, type FrameIndexBuilder } from './frame-index.ts';
import type { FieldValues } from '../dissect/index.ts';
import { ArpView } from '../wire/arp.ts';
import { TupleTable } from './tuple-table.ts';
import { concatBytes } from '../wire/bytes.ts';
import { bodyOf, CHUNKED_BODY } from './http-head.ts';
import { firstLineOf, headerEnd, looksLikeHttp, MAX_PDU } from '../wire/http-message.ts';
import { readOnChunks, type GatheredMessage } from '../wire/http-chunked.ts';

/** A row kept whole at import (the frames the walk leaves to the full dissector). */
export interface SpecialRow {
  number: number;
  source: string;
  destination: string;
  protocol: string;
  info: string;
  colour: number;
}

// The first-pass state of tcp.ts and icmp.ts, shared through the context under their names and in their shapes.
interface Conversation {
  stream: number;
  first: string;
  base: [number | undefined, number | undefined];
  shift: [number | undefined, number | undefined];
  synSeq: number | undefined;
  closed: boolean;
}
interface TcpState {
  convs: Map<string, Conversation>;
  next: number;
}
interface EchoState {
  requests: Map<string, number>;
}
/** udp.ts's first-pass state: "a:port b:port" (the lower endpoint first) → udp.stream. */
interface UdpState {
  convs: Map<string, number>;
  next: number;
}
interface Pending extends GatheredMessage {
  frames: number[];
}
/** A message the walk began: how many of its frames the walk saw (http.ts ignores the extra property). */
interface WalkedPending extends Pending {
  walked: number;
}
interface HttpState {
  pending: Map<string, Pending>;
}
/** What tcp.ts records per frame (frameData 'tcp'). */
export interface TcpAnalysis {
  readonly stream: number;
  readonly dir: number;
  readonly seq: number;
  readonly ack: number;
  readonly scale: number;
}

const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;
const RST = 0x04;
const LINKTYPE_ETHERNET = 1;
/** TCP option kinds with a fixed length (wire/tcp.ts refuses others). */
const FIXED_LEN = new Int8Array(256).fill(-1);
FIXED_LEN[2] = 4;
FIXED_LEN[3] = 3;
FIXED_LEN[4] = 2;
FIXED_LEN[8] = 10;
/** VXLAN in VXLAN deeper than this is left to the dissector. */
const MAX_DEPTH = 4;

// What the dissector tables hold, looked up once per key: the walk knows some dissectors and treats a key
// another dissector claims as "not sure".
const UNKNOWN = 0;
const NONE = 1;
const KNOWN = 2;
const VXLAN = 3;
const STATELESS = 4;

function table(name: 'ethertype' | 'ip.proto' | 'udp.port' | 'tcp.port', size: number, known: (key: number) => number | undefined): Uint8Array {
  const out = new Uint8Array(size);
  for (let k = 0; k < size; k++) out[k] = known(k) ?? (lookupDissector(name, k) ? UNKNOWN : NONE);
  return out;
}

let tables: { ether: Uint8Array; proto: Uint8Array; udp: Uint8Array; tcp: Uint8Array } | undefined;
function dissectorTables() {
  if (tables) return tables;
  const vxlan = lookupDissector('udp.port', 4789);
  const dns = lookupDissector('udp.port', 53);
  const http = lookupDissector('tcp.port', 80);
  tables = {
    // ARP has no state across frames; IPv6 is left to the dissector.
    ether: table('ethertype', 65536, (k) => (k === 0x0800 ? KNOWN : k === 0x0806 && lookupDissector('ethertype', k) ? STATELESS : undefined)),
    // IGMP, ESP and ICMPv6 keep no state across frames.
    proto: table('ip.proto', 256, (k) => (k === 1 || k === 6 || k === 17 ? KNOWN : (k === 2 || k === 50 || k === 58) && lookupDissector('ip.proto', k) ? STATELESS : undefined)),
    udp: table('udp.port', 65536, (k) => {
      const d = lookupDissector('udp.port', k);
      return d === undefined ? undefined : d === vxlan ? VXLAN : d === dns ? STATELESS : undefined;
    }),
    tcp: table('tcp.port', 65536, (k) => (lookupDissector('tcp.port', k) !== undefined && lookupDissector('tcp.port', k) === http ? KNOWN : undefined)),
  };
  return tables;
}

const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;
const u32 = (d: Uint8Array, o: number) => ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;

const OP_NONE = 0;
const OP_TCP = 1;
const OP_ECHO = 2;

/** The first pass of one capture, frame after frame in order. */
export class FirstPass {
  readonly special: SpecialRow[] = [];
  readonly #ctx: CaptureContext;
  readonly #index: FrameIndexBuilder;
  readonly #t = dissectorTables();
  readonly #tcp: TcpState;
  readonly #echo: EchoState;
  readonly #httpState: HttpState;
  readonly #udpState: UdpState;
  /** udp.stream by addresses and ports (the lower endpoint first: conversationKey), beside udp.ts's text keys. */
  readonly #udpConvs = new TupleTable();
  /** http.ts's key of each TCP stream and direction ("stream/dir"), at stream * 2 + dir. */
  readonly #httpKeys: string[] = [];
  readonly #names = new Map<number, string>();
  /** Echo requests the walk saw since the dissector last took a frame: (source, destination, id << 16 | seq) → frame. */
  readonly #requests = new TupleTable();
  /** The dissector's TCP conversations by addresses and ports (conversationKey), as indexes into #convList. */
  readonly #convs = new TupleTable();
  readonly #convList: Conversation[] = [];
  /** Per #convList entry: which end of its numeric key (0: the lower) sent the conversation's first segment. */
  readonly #convEnd: number[] = [];
  #rules: CompiledColourRule[] | undefined;

  // The frame being walked: not sure, and the one stateful operation found (done only if the frame is sure).
  #unsure = false;
  #op = OP_NONE;
  #src = 0;
  #dst = 0;
  #sp = 0;
  #dp = 0;
  #flags = 0;
  #seq = 0;
  #ack = 0;
  #shift = -1;
  /** TCP payload of the frame, when HTTP's dissector takes it. */
  #http = false;
  #ps = 0;
  #pe = 0;
  /** The filter columns of the frame: protocols met, whether they are all its values, IPv4 and UDP headers. */
  #protos = 0;
  #exact = true;
  #namesIp = false;
  #nIp = 0;
  readonly #ip = new Uint32Array(MAX_LAYERS * 2);
  #nUdp = 0;
  /** Per UDP header: its ports, and the addresses of the IPv4 header around it. */
  readonly #udpPorts = new Uint16Array(MAX_LAYERS * 2);
  readonly #udpIp = new Uint32Array(MAX_LAYERS * 2);

  readonly #firstTsNs: bigint;

  constructor(ctx: CaptureContext, index: FrameIndexBuilder, firstTsNs: bigint) {
    this.#ctx = ctx;
    this.#firstTsNs = firstTsNs;
    this.#index = index;
    ctx.firstTsNs ??= firstTsNs;
    this.#tcp = ctx.protoState<TcpState>('tcp', () => ({ convs: new Map(), next: 0 }));
    this.#echo = ctx.protoState<EchoState>('icmp', () => ({ requests: new Map() }));
    this.#httpState = ctx.protoState<HttpState>('http', () => ({ pending: new Map() }));
    this.#udpState = ctx.protoState<UdpState>('udp', () => ({ convs: new Map(), next: 0 }));
  }

  /** Where HTTP's payload is in a frame the walk takes as TCP to an HTTP port (undefined: it is not). */
  httpPayload(data: Uint8Array, start: number, end: number): { start: number; end: number } | undefined {
    this.#walk(data, start, end, LINKTYPE_ETHERNET, end - start);
    return !this.#unsure && this.#op === OP_TCP && this.#http ? { start: this.#ps, end: this.#pe } : undefined;
  }

  #walk(data: Uint8Array, start: number, end: number, linktype: number, origLen: number): void {
    this.#unsure = linktype !== LINKTYPE_ETHERNET || origLen > end - start;
    this.#op = OP_NONE;
    this.#http = false;
    this.#protos = 0;
    this.#exact = true;
    this.#namesIp = false;
    this.#nIp = 0;
    this.#nUdp = 0;
    if (!this.#unsure) this.#eth(data, start, end, 0);
  }

  /** Writes the frame's filter columns, and numbers its UDP headers as udp.ts does (the walk was sure). */
  #commit(i: number): void {
    // A frame's columns start empty (zero, streams -1) and each is written once: only what the frame holds is
    // stored, as writing every column of every frame costs more in memory traffic than the walk.
    const ix = this.#index;
    const ip = this.#ip;
    const nIp = this.#nIp;
    if (nIp > 0) {
      ix.ipCount[i] = nIp;
      ix.ipSrc0[i] = ip[0]!;
      ix.ipDst0[i] = ip[1]!;
      if (nIp > 1) {
        ix.ipSrc1[i] = ip[2]!;
        ix.ipDst1[i] = ip[3]!;
      }
    }
    const n = this.#nUdp;
    if (n > 0) {
      const ports = this.#udpPorts;
      ix.udpCount[i] = n;
      ix.udpSport0[i] = ports[0]!;
      ix.udpDport0[i] = ports[1]!;
      ix.udpStream0[i] = this.#udpStream(0);
      if (n > 1) {
        ix.udpSport1[i] = ports[2]!;
        ix.udpDport1[i] = ports[3]!;
        ix.udpStream1[i] = this.#udpStream(1);
      }
    }
    let protos = this.#protos;
    if (this.#op === OP_TCP) {
      ix.tcpSport[i] = this.#sp;
      ix.tcpDport[i] = this.#dp;
      if (this.#http) {
        const h = ix.httpKind[i]!;
        if (h === HTTP_CONTINUATION || h === HTTP_COMPLETE) protos |= PROTO_BITS.http;
      }
    }
    ix.protos[i] = this.#exact ? (protos | EXACT | (this.#namesIp ? NAMES_IP : 0)) >>> 0 : protos;
  }

  /** udp.ts's streamOf() for UDP header `k` of the frame, on the shared state. */
  #udpStream(k: number): number {
    const sIp = this.#udpIp[k * 2]!;
    const dIp = this.#udpIp[k * 2 + 1]!;
    const sp = this.#udpPorts[k * 2]!;
    const dp = this.#udpPorts[k * 2 + 1]!;
    const srcFirst = sIp < dIp || (sIp === dIp && sp <= dp);
    const a = srcFirst ? sIp : dIp;
    const b = srcFirst ? dIp : sIp;
    const ports = srcFirst ? (sp << 16) | dp : (dp << 16) | sp;
    const known = this.#udpConvs.get(a, b, ports);
    if (known >= 0) return known;
    const x = `${this.#name(sIp)}:${sp}`;
    const y = `${this.#name(dIp)}:${dp}`;
    const key = x < y ? `${x} ${y}` : `${y} ${x}`;
    const st = this.#udpState;
    let stream = st.convs.get(key);
    if (stream === undefined) {
      stream = st.next++;
      st.convs.set(key, stream);
    }
    this.#udpConvs.set(a, b, ports, stream);
    return stream;
  }

  /**
   * Frame `i` (0-based; its index columns written already), its bytes `data[start, end)`, the link type and name of
   * its interface.
   */
  frame(i: number, data: Uint8Array, start: number, end: number, linktype: number, interfaceName?: string): void {
    this.#walk(data, start, end, linktype, this.#index.origLen[i]!);
    if (this.#unsure) return this.#dissect(i, data.subarray(start, end), this.#meta(i, linktype, interfaceName));
    let outcome: unknown;
    if (this.#op === OP_TCP) {
      this.#analyzeTcp(i);
      if (this.#http) outcome = this.#httpFirstPass(i, data.subarray(this.#ps, this.#pe));
    } else if (this.#op === OP_ECHO) this.#matchEcho(i);
    // UDP is numbered in the order of the frames, as the dissector's first pass does: before a dissection below.
    this.#commit(i);
    if (outcome) this.#keepPrimed(i, data.subarray(start, end), this.#meta(i, linktype, interfaceName), outcome);
  }

  #meta(i: number, linktype: number, interfaceName: string | undefined): FrameMeta {
    const ix = this.#index;
    const meta: { -readonly [K in keyof FrameMeta]: FrameMeta[K] } = { number: i + 1, tsNs: this.#firstTsNs + BigInt(ix.tsRelNs[i]!), origLen: ix.origLen[i]!, linktype };
    if (interfaceName !== undefined) meta.interfaceName = interfaceName;
    return meta;
  }

  #dissect(i: number, frame: Uint8Array, meta: FrameMeta): void {
    const ix = this.#index;
    this.#flushRequests();
    const streams = this.#tcp.next;
    const { values, summary } = collectFields(frame, meta, this.#ctx);
    // The dissector made or replaced a conversation: the numeric keys may point at one it replaced.
    if (this.#tcp.next !== streams) {
      this.#convs.clear();
      this.#convList.length = 0;
      this.#convEnd.length = 0;
    }
    this.#rules ??= compileColourRules();
    this.special.push({ number: i + 1, source: summary.source, destination: summary.destination, protocol: summary.protocol, info: summary.info, colour: colourCode(colourOf(this.#rules, values)) });
    ix.kind[i] = KIND_SPECIAL;
    const tcp = this.#ctx.frameData<TcpAnalysis>(i + 1, 'tcp');
    if (tcp) this.#store(i, tcp.stream, tcp.dir, tcp.seq, tcp.ack, tcp.scale < 0 ? tcp.scale : Math.log2(tcp.scale));
    fillFilterColumns(ix, i, values);
    const req = this.#ctx.frameData<number>(i + 1, 'icmp.req');
    if (req !== undefined) ix.icmpReq[i] = req;
  }

  #eth(d: Uint8Array, s: number, e: number, depth: number): void {
    if (e - s < 14) return this.#inexact();
    this.#protos |= PROTO_BITS.eth;
    this.#namesIp = false;
    let type = u16(d, s + 12);
    let o = s + 14;
    if (type === 0x8100) {
      if (e - s < 18) return this.#inexact();
      this.#protos |= PROTO_BITS.vlan;
      type = u16(d, o + 2);
      o += 4;
    }
    const k = this.#t.ether[type]!;
    if (k === KNOWN) this.#ipv4(d, o, e, depth);
    else if (k === UNKNOWN) this.#unsure = true;
    else if (k === STATELESS) this.#arp(d, o, e);
  }

  #ipv4(d: Uint8Array, o: number, e: number, depth: number): void {
    const len = e - o;
    if (len < 20) return this.#inexact();
    const b0 = d[o]!;
    const hl = (b0 & 0x0f) * 4;
    if (b0 >>> 4 !== 4 || hl < 20 || len < hl) return this.#inexact();
    const total = u16(d, o + 2);
    if (total < hl || total > len) return this.#inexact();
    // A fragment: reassembly is the dissector's.
    if ((u16(d, o + 6) & 0x3fff) !== 0) {
      this.#unsure = true;
      return;
    }
    const proto = d[o + 9]!;
    const k = this.#t.proto[proto]!;
    if (k === UNKNOWN) {
      this.#unsure = true;
      return;
    }
    const src = u32(d, o + 12);
    const dst = u32(d, o + 16);
    this.#protos |= PROTO_BITS.ip;
    const n = this.#nIp;
    // More headers than the columns hold: the dissector's frame (the UDP inside needs this header's addresses).
    if (n === MAX_LAYERS) {
      this.#unsure = true;
      return;
    }
    this.#ip[n * 2] = src;
    this.#ip[n * 2 + 1] = dst;
    this.#nIp = n + 1;
    this.#namesIp = true;
    // IGMP, ESP, ICMPv6: their fields are the dissector's to tell.
    if (k !== KNOWN) return k === NONE ? undefined : this.#inexact();
    const ps = o + hl;
    const pe = o + total;
    if (proto === 6) this.#tcpHeader(d, ps, pe, src, dst);
    else if (proto === 17) this.#udp(d, ps, pe, depth);
    else this.#icmp(d, ps, pe, src, dst);
  }

  #icmp(d: Uint8Array, o: number, e: number, src: number, dst: number): void {
    if (e - o < 4) return this.#inexact();
    this.#protos |= PROTO_BITS.icmp;
    const type = d[o]!;
    // Errors quote a datagram the dissector reads without touching its tables; other types keep no state.
    if (type !== 0 && type !== 8) return this.#inexact();
    if (e - o < 8 || this.#op !== OP_NONE) {
      this.#unsure = true;
      return;
    }
    this.#op = OP_ECHO;
    this.#src = src;
    this.#dst = dst;
    this.#flags = type;
    this.#sp = u16(d, o + 4);
    this.#dp = u16(d, o + 6);
  }

  #udp(d: Uint8Array, o: number, e: number, depth: number): void {
    if (e - o < 8) return this.#inexact();
    const sp = u16(d, o);
    const dp = u16(d, o + 2);
    const len = u16(d, o + 4);
    if (len < 8 || o + len > e) return this.#inexact();
    this.#protos |= PROTO_BITS.udp;
    // Numbered at commit, in the addresses of the IPv4 header around it.
    const n = this.#nUdp;
    if (n === MAX_LAYERS) {
      this.#unsure = true;
      return;
    }
    this.#udpPorts[n * 2] = sp;
    this.#udpPorts[n * 2 + 1] = dp;
    this.#udpIp[n * 2] = this.#ip[(this.#nIp - 1) * 2]!;
    this.#udpIp[n * 2 + 1] = this.#ip[(this.#nIp - 1) * 2 + 1]!;
    this.#nUdp = n + 1;
    const pe = o + len;
    if (pe <= o + 8) return;
    // The lower port's dissector first, as callPorts.
    let k = this.#t.udp[sp < dp ? sp : dp]!;
    if (k === NONE) k = this.#t.udp[sp < dp ? dp : sp]!;
    if (k === UNKNOWN) this.#unsure = true;
    else if (k === VXLAN) {
      const v = o + 8;
      if (pe - v < 8) return this.#inexact();
      this.#protos |= PROTO_BITS.vxlan;
      if (pe === v + 8) return;
      if (depth >= MAX_DEPTH) this.#unsure = true;
      else this.#eth(d, v + 8, pe, depth + 1);
    } else if (k === STATELESS) {
      // DNS: its protocol field is there once its header is.
      if (pe - o - 8 < 12) return this.#inexact();
      this.#protos |= PROTO_BITS.dns;
    } else this.#exact = false; // a payload no port claims: the heuristics' to take (DNS's)
  }

  #tcpHeader(d: Uint8Array, o: number, e: number, src: number, dst: number): void {
    const len = e - o;
    if (len < 20) return this.#inexact();
    this.#protos |= PROTO_BITS.tcp;
    const hl = (d[o + 12]! >>> 4) * 4;
    if (hl < 20 || len < hl) return this.#inexact();
    // The options as wire/tcp.ts parseOptions reads them: a bad one stops the dissector before its analysis.
    let shift = -1;
    const oe = o + hl;
    for (let i = o + 20; i < oe; ) {
      const kind = d[i]!;
      if (kind === 0) break;
      if (kind === 1) {
        i++;
        continue;
      }
      if (i + 1 >= oe) return this.#inexact();
      const l = d[i + 1]!;
      if (l < 2 || i + l > oe) return this.#inexact();
      const fixed = FIXED_LEN[kind]!;
      if (fixed >= 0 && l !== fixed) return this.#inexact();
      if (kind === 5 && ((l - 2) % 8 !== 0 || l === 2)) return this.#inexact();
      if (kind === 3) shift = d[i + 2]!;
      i += l;
    }
    const sp = u16(d, o);
    const dp = u16(d, o + 2);
    if (this.#op !== OP_NONE) {
      this.#unsure = true;
      return;
    }
    // Payload on a port a dissector claims: HTTP's the walk follows (the lower port first, as callPorts).
    if (e > oe) {
      let k = this.#t.tcp[sp < dp ? sp : dp]!;
      if (k === NONE) k = this.#t.tcp[sp < dp ? dp : sp]!;
      if (k === UNKNOWN) {
        this.#unsure = true;
        return;
      }
      this.#http = k === KNOWN;
      this.#ps = oe;
      this.#pe = e;
    }
    this.#op = OP_TCP;
    this.#src = src;
    this.#dst = dst;
    this.#sp = sp;
    this.#dp = dp;
    this.#seq = u32(d, o + 4);
    this.#ack = u32(d, o + 8);
    this.#flags = u16(d, o + 12) & 0xfff;
    this.#shift = shift;
  }

  #inexact(): void {
    this.#exact = false;
  }

  /** ARP: its protocol field is there when its header reads (arp.ts's ArpView.check). */
  #arp(d: Uint8Array, o: number, e: number): void {
    try {
      ArpView.check(d.subarray(o, e));
      this.#protos |= PROTO_BITS.arp;
    } catch {
      this.#exact = false;
    }
  }

  #name(a: number): string {
    let s = this.#names.get(a);
    if (s === undefined) {
      s = formatIpv4(a);
      if (this.#names.size > 65536) this.#names.clear();
      this.#names.set(a, s);
    }
    return s;
  }

  /**
   * tcp.ts's analyze(), first pass, on the shared state. The conversations are found by a numeric key of the
   * addresses and ports (the same objects the dissector finds by its text key), as formatting the addresses costs
   * more than the rest of the walk; a conversation the dissector made or replaced since is looked up by its text key.
   */
  #analyzeTcp(i: number): void {
    const flags = this.#flags;
    const seq = this.#seq;
    const ack = this.#ack;
    const sIp = this.#src;
    const dIp = this.#dst;
    const sp = this.#sp;
    const dp = this.#dp;
    const st = this.#tcp;
    const srcFirst = sIp < dIp || (sIp === dIp && sp <= dp);
    const ka = srcFirst ? sIp : dIp;
    const kb = srcFirst ? dIp : sIp;
    const kp = srcFirst ? (sp << 16) | dp : (dp << 16) | sp;
    const at = this.#convs.get(ka, kb, kp);
    let c = at >= 0 ? this.#convList[at] : undefined;
    let end = at >= 0 ? this.#convEnd[at]! : 0;
    let src: string | undefined;
    let key: string | undefined;
    if (!c) {
      src = `${this.#name(sIp)}:${sp}`;
      const dst = `${this.#name(dIp)}:${dp}`;
      key = src < dst ? `${src} ${dst}` : `${dst} ${src}`;
      c = st.convs.get(key);
      if (c) {
        // The dissector's conversation: its first sender is known by text, once.
        end = c.first === (srcFirst ? src : dst) ? 0 : 1;
        this.#remember(ka, kb, kp, c, end);
      }
    }
    const syn = (flags & (SYN | ACK)) === SYN;
    if (!c || (syn && c.synSeq !== undefined && c.synSeq !== seq && c.closed)) {
      src ??= `${this.#name(sIp)}:${sp}`;
      if (key === undefined) {
        const dst = `${this.#name(dIp)}:${dp}`;
        key = src < dst ? `${src} ${dst}` : `${dst} ${src}`;
      }
      c = { stream: st.next++, first: src, base: [undefined, undefined], shift: [undefined, undefined], synSeq: undefined, closed: false };
      st.convs.set(key, c);
      end = srcFirst ? 0 : 1;
      this.#remember(ka, kb, kp, c, end);
    }
    const dir = (srcFirst ? 0 : 1) === end ? 0 : 1;
    const rev = 1 - dir;
    if (syn && c.synSeq === undefined) c.synSeq = seq;
    if ((flags & SYN) !== 0) c.shift[dir] = this.#shift >= 0 ? this.#shift : -2;
    if (c.base[dir] === undefined) c.base[dir] = (flags & SYN) !== 0 ? seq : (seq - 1) >>> 0;
    if (c.base[rev] === undefined && (flags & ACK) !== 0) c.base[rev] = (ack - 1) >>> 0;
    if ((flags & (FIN | RST)) !== 0) c.closed = true;
    const s0 = c.shift[dir];
    const s1 = c.shift[rev];
    const shift = s0 === undefined || s1 === undefined ? -1 : s0 < 0 || s1 < 0 ? -2 : s0;
    const baseRev = c.base[rev];
    const relAck = (flags & ACK) !== 0 && baseRev !== undefined ? (ack - baseRev) >>> 0 : 0;
    this.#store(i, c.stream, dir, (seq - c.base[dir]!) >>> 0, relAck, shift);
  }

  /**
   * Conversation `c` under its numeric key, `end` the end of it that sent its first segment (a replaced one keeps
   * its slot in #convList, unreachable).
   */
  #remember(a: number, b: number, ports: number, c: Conversation, end: number): void {
    this.#convs.set(a, b, ports, this.#convList.length);
    this.#convList.push(c);
    this.#convEnd.push(end);
  }

  #store(i: number, stream: number, dir: number, seq: number, ack: number, shift: number): void {
    const ix = this.#index;
    ix.tcpStream[i] = stream;
    ix.tcpDir[i] = dir;
    ix.tcpSeq[i] = seq;
    ix.tcpAck[i] = ack;
    ix.tcpShift[i] = shift;
  }

  /**
   * A frame whose HTTP message began in frames the dissector took (a reassembled datagram): its row is computed
   * now, from the message as the first pass holds it, and kept whole.
   */
  #keepPrimed(i: number, frame: Uint8Array, meta: FrameMeta, http: unknown): void {
    const ix = this.#index;
    const ctx = new CaptureContext();
    ctx.begin(Number.MAX_SAFE_INTEGER, this.#ctx.firstTsNs ?? 0n);
    const tcp = tcpAnalysisAt(ix, i);
    if (tcp) ctx.setFrameData(i + 1, 'tcp', tcp);
    ctx.setFrameData(i + 1, 'http', http);
    const { values, summary } = collectFields(frame, meta, ctx);
    this.#rules ??= compileColourRules();
    this.special.push({ number: i + 1, source: summary.source, destination: summary.destination, protocol: summary.protocol, info: summary.info, colour: colourCode(colourOf(this.#rules, values)) });
    ix.kind[i] = KIND_SPECIAL;
  }

  /**
   * http.ts's firstPass(), on the shared state; the outcome goes into the httpKind, httpNeed and httpPrev columns.
   * Returns the outcome itself when the message holds bytes the walk did not see (frames the dissector took).
   */
  #httpFirstPass(i: number, payload: Uint8Array): unknown {
    const ix = this.#index;
    const pending = this.#httpState.pending;
    const slot = ix.tcpStream[i]! * 2 + ix.tcpDir[i]!;
    const key = (this.#httpKeys[slot] ??= `${ix.tcpStream[i]}/${ix.tcpDir[i]}`);
    let p = pending.get(key);
    if (!p) {
      if (!looksLikeHttp(payload)) {
        ix.httpKind[i] = HTTP_CONTINUATION;
        return;
      }
      const mine: WalkedPending = { chunks: [], frames: [], size: 0, need: undefined, chunkAt: undefined, afterData: undefined, walked: 0 };
      p = mine;
      pending.set(key, p);
    }
    // Clean: the walk saw every frame of the message (the dissector joined none of its own).
    const walked = (p as Partial<WalkedPending>).walked;
    const clean = walked !== undefined && walked === p.frames.length;
    if (clean) (p as WalkedPending).walked = walked + 1;
    ix.httpPrev[i] = p.frames.length > 0 ? p.frames[p.frames.length - 1]! : 0;
    // A view, not a copy as http.ts keeps: the file's bytes outlive the first pass.
    p.chunks.push(payload);
    p.frames.push(i + 1);
    p.size += payload.length;
    let all: Uint8Array | undefined;
    if (p.need === undefined && p.chunkAt === undefined) {
      all = p.chunks.length === 1 ? p.chunks[0]! : concatBytes(p.chunks, p.size);
      const he = headerEnd(all);
      if (he >= 0) {
        const body = bodyOf(all, he);
        if (body === CHUNKED_BODY) p.chunkAt = he;
        else p.need = he + body;
      }
    }
    // A chunked body: read on over its chunks until the last one and the trailer are in (as http.ts).
    readOnChunks(p);
    if ((p.need !== undefined && p.size >= p.need) || p.size > MAX_PDU) {
      pending.delete(key);
      ix.httpKind[i] = HTTP_COMPLETE;
      ix.httpNeed[i] = p.need ?? p.size;
      if (clean) return undefined;
      all ??= p.chunks.length === 1 ? p.chunks[0]! : concatBytes(p.chunks, p.size);
      return { kind: 'complete', pdu: all.subarray(0, Math.min(p.need ?? p.size, p.size)), frames: p.frames };
    }
    const first = p.frames.length === 1 && (p.need !== undefined || p.chunkAt !== undefined);
    ix.httpKind[i] = first ? HTTP_FIRST_SEGMENT : HTTP_SEGMENT;
    if (clean) return undefined;
    return first ? { kind: 'segment', firstLine: firstLineOf(payload) } : { kind: 'segment' };
  }

  /**
   * icmp.ts's matchEcho(), first pass. The walk's requests wait in a table by their numbers, and move into the
   * dissector's map (its text keys) before the dissector next takes a frame; a reply is looked up in the walk's
   * map, then in the dissector's.
   */
  #matchEcho(i: number): void {
    const s = this.#src;
    const d = this.#dst;
    const id = this.#sp;
    const seq = this.#dp;
    if (this.#flags === 8) {
      this.#requests.set(s, d, (id << 16) | seq, i + 1);
      return;
    }
    let req: number | undefined = this.#requests.get(d, s, (id << 16) | seq);
    if (req < 0) req = this.#echo.requests.size > 0 ? this.#echo.requests.get(`${this.#name(d)} ${this.#name(s)} ${id} ${seq}`) : undefined;
    if (req !== undefined) this.#index.icmpReq[i] = req;
  }

  /** Hands the walk's echo requests to the dissector's map. */
  #flushRequests(): void {
    const to = this.#echo.requests;
    if (this.#requests.size === 0) return;
    this.#requests.forEach((s, d, idSeq, n) => to.set(`${this.#name(s)} ${this.#name(d)} ${idSeq >>> 16} ${idSeq & 0xffff}`, n));
    this.#requests.clear();
  }
}

/** The TCP analysis of frame `i` as tcp.ts records it, from the index's columns (undefined: none). */
export function tcpAnalysisAt(ix: { tcpStream: Int32Array; tcpDir: Uint8Array; tcpSeq: Uint32Array; tcpAck: Uint32Array; tcpShift: Int16Array }, i: number): TcpAnalysis | undefined {
  const stream = ix.tcpStream[i]!;
  if (stream < 0) return undefined;
  const shift = ix.tcpShift[i]!;
  return { stream, dir: ix.tcpDir[i]!, seq: ix.tcpSeq[i]!, ack: ix.tcpAck[i]!, scale: shift < 0 ? shift : 2 ** shift };
}

const PROTO_NAMES = Object.entries(PROTO_BITS);

/**
 * The filter columns of a frame the dissector took, from its field values; EXACT when the columns hold them all
 * (no more IPv4 or UDP headers than MAX_LAYERS, one TCP header).
 */
function fillFilterColumns(ix: FrameIndexBuilder, i: number, values: FieldValues): void {
  let protos = 0;
  for (const [name, bit] of PROTO_NAMES) if (values.has(name)) protos |= bit;
  const src = values.get('ip.src') ?? [];
  const dst = values.get('ip.dst') ?? [];
  const udpSrc = values.get('udp.srcport') ?? [];
  const udpDst = values.get('udp.dstport') ?? [];
  const udpStream = values.get('udp.stream') ?? [];
  const tcpSrc = values.get('tcp.srcport') ?? [];
  const tcpDst = values.get('tcp.dstport') ?? [];
  const tcpStream = values.get('tcp.stream') ?? [];
  const exact =
    src.length <= MAX_LAYERS &&
    dst.length === src.length &&
    udpSrc.length <= MAX_LAYERS &&
    udpDst.length === udpSrc.length &&
    // A udp.stream per UDP header, or none at all (the quoted datagram of an ICMP error).
    (udpStream.length === udpSrc.length || udpStream.length === 0) &&
    tcpSrc.length <= 1 &&
    tcpDst.length === tcpSrc.length &&
    tcpStream.length === (ix.tcpStream[i]! >= 0 ? 1 : 0) &&
    (tcpStream.length === 0 || tcpStream[0] === ix.tcpStream[i]) &&
    (udpStream.length === 0 || udpSrc.length > 0) &&
    !values.has('ipv6');
  ix.protos[i] = exact ? (protos | EXACT) >>> 0 : protos;
  if (!exact) return;
  ix.ipCount[i] = src.length;
  ix.ipSrc0[i] = (src[0] as number | undefined) ?? 0;
  ix.ipDst0[i] = (dst[0] as number | undefined) ?? 0;
  ix.ipSrc1[i] = (src[1] as number | undefined) ?? 0;
  ix.ipDst1[i] = (dst[1] as number | undefined) ?? 0;
  ix.udpCount[i] = udpSrc.length;
  ix.udpSport0[i] = (udpSrc[0] as number | undefined) ?? 0;
  ix.udpDport0[i] = (udpDst[0] as number | undefined) ?? 0;
  ix.udpSport1[i] = (udpSrc[1] as number | undefined) ?? 0;
  ix.udpDport1[i] = (udpDst[1] as number | undefined) ?? 0;
  ix.udpStream0[i] = udpStream.length > 0 ? (udpStream[0] as number) : -1;
  ix.udpStream1[i] = udpStream.length > 1 ? (udpStream[1] as number) : -1;
  ix.tcpSport[i] = (tcpSrc[0] as number | undefined) ?? 0;
  ix.tcpDport[i] = (tcpDst[0] as number | undefined) ?? 0;
}
