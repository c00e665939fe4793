// The import's first pass without a dissection per frame, in two halves. The walk (first-pass-walk.ts) reads each
// frame's headers on its own, with no state across frames, and leaves in the index's columns the display filter
// columns and what this file needs; this file, frame after frame in order, does what the dissectors' first pass
// does across frames: TCP's conversations (relative sequence numbers, window scaling), HTTP's gathering of a
// message's segments (by Content-Length or chunks, read as http.ts reads them: http-head.ts), ICMP's echo request
// matching and udp.stream (numbered as udp.ts does, on its shared state). It records the outcome in the index's
// columns, so the packet list can dissect any page later with a context primed from them (rows.ts) and get what a
// pass over every frame would have shown.
//
// Whatever the walk is not sure of — IPv4 fragments, TCP payload on a port a dissector other than HTTP's claims,
// IPv6, link types other than Ethernet, frames cut short by the snaplen, a dissector it does not
// know — goes through the full dissector on the same context, whose TCP and ICMP tables this pass shares (the same
// protoState objects, the same keys). Such a frame's row is kept whole, computed at import.

import { CaptureContext, collectFields, type FrameMeta } from '../dissect/index.ts';
import { lookupDissector } from '../dissect/table.ts';
import { pendingKey } from '../dissect/protocols/http.ts';
import { formatIpv4 } from '../wire/ipv4-address.ts';
import { colourCode, colourOf, compileColourRules, type CompiledColourRule } from './colouring.ts';
import { EXACT, HTTP_COMPLETE, HTTP_CONTINUATION, HTTP_FIRST_SEGMENT, HTTP_SEGMENT, KIND_SPECIAL, MAX_LAYERS, origLenOf, PROTO_BITS, FrameIndexBuilder } from './frame-index.ts';
import { OP_DISSECT, OP_ECHO_REQUEST, OP_ECHO_REPLY, OP_TCP, OP_TCP_HTTP, walkFrame, WALK_KNOWN, WALK_NONE, WALK_STATELESS, WALK_UNKNOWN, WALK_VXLAN, type WalkTables } from './first-pass-walk.ts';
import type { FieldValues } from '../dissect/index.ts';
import { TupleTable } from './tuple-table.ts';
import { concatBytes } from '../wire/bytes.ts';
import { CHUNKED_BODY, readHead, readHeadAt, type HeadBody } from './http-head.ts';
import { firstLineOf, MAX_PDU, startLineEnd } from '../wire/http-message.ts';
import { readOnChunks, type GatheredMessage } from '../wire/http-chunked.ts';

/** Ended messages between two purges of the pending map (FirstPass.#purge). */
const PURGE_EVERY = 1024;

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
/**
 * A message the walk began, in http.ts's shape (it ignores `walked`: how many of the message's frames the walk
 * saw). Its segments are kept as spans of the file's bytes and their frame numbers, and made the arrays `chunks`
 * and `frames` only when something reads those: a head in several segments, a chunked body, the dissector joining
 * a frame of its own. A view and a number pushed per segment cost the import more than the rest of HTTP's
 * gathering.
 */
class WalkedMessage implements Pending {
  size = 0;
  need: number | undefined = undefined;
  chunkAt: number | undefined = undefined;
  afterData: boolean | undefined = undefined;
  walked = 0;
  readonly #data: Uint8Array;
  /** Segments not made arrays yet: start and end offsets into #data, and the frame number, per segment. */
  readonly #spans: number[] = [];
  #chunks: Uint8Array[] | undefined;
  #frames: number[] | undefined;

  constructor(data: Uint8Array) {
    this.#data = data;
  }

  get chunks(): Uint8Array[] {
    return this.#arrays().chunks;
  }

  set chunks(chunks: Uint8Array[]) {
    this.#arrays();
    this.#chunks = chunks;
  }

  get frames(): number[] {
    return this.#arrays().frames;
  }

  set frames(frames: number[]) {
    this.#arrays();
    this.#frames = frames;
  }

  /** How many frames the message has. */
  get count(): number {
    return this.#frames !== undefined ? this.#frames.length : this.#spans.length / 3;
  }

  /** Its latest frame's number (0: none yet). */
  get lastFrame(): number {
    if (this.#frames !== undefined) return this.#frames.length > 0 ? this.#frames[this.#frames.length - 1]! : 0;
    return this.#spans.length > 0 ? this.#spans[this.#spans.length - 1]! : 0;
  }

  /** Segment of frame `frame`: the bytes [start, end) of the file. */
  add(start: number, end: number, frame: number): void {
    if (this.#chunks !== undefined) {
      this.#chunks.push(this.#data.subarray(start, end));
      this.#frames!.push(frame);
    } else this.#spans.push(start, end, frame);
    this.size += end - start;
  }

  #arrays(): { chunks: Uint8Array[]; frames: number[] } {
    if (this.#chunks === undefined || this.#frames === undefined) {
      const spans = this.#spans;
      const chunks: Uint8Array[] = [];
      const frames: number[] = [];
      for (let k = 0; k < spans.length; k += 3) {
        chunks.push(this.#data.subarray(spans[k], spans[k + 1]));
        frames.push(spans[k + 2]!);
      }
      spans.length = 0;
      this.#chunks ??= chunks;
      this.#frames ??= frames;
    }
    return { chunks: this.#chunks, frames: this.#frames };
  }
}
/** http.ts's: by pendingKey; an ended message is set to undefined, not deleted (but see FirstPass.#purge). */
interface HttpState {
  pending: Map<number, Pending | undefined>;
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

function table(name: 'ethertype' | 'ip.proto' | 'udp.port' | 'tcp.port', size: number, known: (key: number) => number | undefined): Uint8Array {
  const out = new Uint8Array(size);
  for (let k = 0; k < size; k++) out[k] = known(k) ?? (lookupDissector(name, k) ? WALK_UNKNOWN : WALK_NONE);
  return out;
}

let tables: WalkTables | undefined;
/**
 * What the dissector tables hold, looked up once per key: the walk knows some dissectors and treats a key another
 * dissector claims as "not sure" (WALK_UNKNOWN).
 */
export function walkTables(): WalkTables {
  if (tables) return tables;
  const vxlan = lookupDissector('udp.port', 4789);
  const dns = lookupDissector('udp.port', 53);
  const http = lookupDissector('tcp.port', 80);
  tables = {
    // ARP has no state across frames; IPv6 is left to the dissector.
    ether: table('ethertype', 65536, (k) => (k === 0x0800 ? WALK_KNOWN : k === 0x0806 && lookupDissector('ethertype', k) ? WALK_STATELESS : undefined)),
    // IGMP, ESP and ICMPv6 keep no state across frames.
    proto: table('ip.proto', 256, (k) => (k === 1 || k === 6 || k === 17 ? WALK_KNOWN : (k === 2 || k === 50 || k === 58) && lookupDissector('ip.proto', k) ? WALK_STATELESS : undefined)),
    udp: table('udp.port', 65536, (k) => {
      const d = lookupDissector('udp.port', k);
      return d === undefined ? undefined : d === vxlan ? WALK_VXLAN : d === dns ? WALK_STATELESS : undefined;
    }),
    tcp: table('tcp.port', 65536, (k) => (lookupDissector('tcp.port', k) !== undefined && lookupDissector('tcp.port', k) === http ? WALK_KNOWN : undefined)),
  };
  return tables;
}

/** Where HTTP's payload is in a frame the walk takes as TCP to an HTTP port (undefined: it is not). */
export function httpPayloadOf(data: Uint8Array, start: number, end: number): { start: number; end: number } | undefined {
  const scratch = (httpScratch ??= new FrameIndexBuilder(16));
  scratch.httpKind[0] = 0;
  walkFrame(data, start, end, end - start, LINKTYPE_ETHERNET, 0, walkTables(), scratch);
  return scratch.httpKind[0] === OP_TCP_HTTP ? { start: scratch.httpNeed[0]!, end: scratch.httpPrev[0]! } : undefined;
}
let httpScratch: FrameIndexBuilder | undefined;

/** The stateful half of the first pass of one capture, frame after frame in order. */
export class FirstPass {
  readonly special: SpecialRow[] = [];
  readonly #ctx: CaptureContext;
  readonly #index: FrameIndexBuilder;
  readonly #t = walkTables();
  readonly #tcp: TcpState;
  readonly #echo: EchoState;
  readonly #httpState: HttpState;
  readonly #udpState: UdpState;
  /** udp.stream by addresses and ports (the lower endpoint first: conversationKey), beside udp.ts's text keys. */
  readonly #udpConvs = new TupleTable();
  readonly #names = new Map<number, string>();
  /** Messages ended since the pending map was last purged. */
  #ended = 0;
  /** Echo requests this pass saw since the dissector last took a frame: (source, destination, id << 16 | seq) → frame. */
  readonly #requests = new TupleTable();
  /** The dissector's TCP conversations by addresses and ports (conversationKey), as indexes into #convList. */
  readonly #convs = new TupleTable();
  readonly #convList: Conversation[] = [];
  /** Per #convList entry: which end of its numeric key (0: the lower) sent the conversation's first segment. */
  readonly #convEnd: number[] = [];
  #rules: CompiledColourRule[] | undefined;

  readonly #firstTsNs: bigint;
  /** readHead's second answer. */
  readonly #head: HeadBody = { body: 0 };

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

  /** The dissector tables as the walk reads them (for walks run elsewhere: store/walk-worker.ts). */
  get tables(): WalkTables {
    return this.#t;
  }

  /**
   * Frame `i` (0-based; its record's columns written already), its bytes `data[start, end)`, the link type and name
   * of its interface: walked, then finished.
   */
  frame(i: number, data: Uint8Array, start: number, end: number, linktype: number, interfaceName?: string): void {
    walkFrame(data, start, end, origLenOf(this.#index, i), linktype, i, this.#t, this.#index);
    this.finish(i, data, start, end, linktype, interfaceName);
  }

  /**
   * finish() for frames `from` to `to` (exclusive) of a file walked whole: their bytes where the offset column says,
   * on one link type, or on those of the interfaces the iface column names.
   */
  finishRange(from: number, to: number, data: Uint8Array, linktype: number | readonly { linktype: number; name?: string }[]): void {
    const offset = this.#index.offset;
    const caplen = this.#index.caplen;
    if (typeof linktype === 'number') {
      for (let i = from; i < to; i++) {
        const start = offset[i]!;
        this.finish(i, data, start, start + caplen[i]!, linktype);
      }
      return;
    }
    // Several interfaces (pcapng): each frame's link type, and its interface's name for a dissection's meta.
    const iface = this.#index.iface;
    for (let i = from; i < to; i++) {
      const start = offset[i]!;
      const f = linktype[iface[i]!]!;
      this.finish(i, data, start, start + caplen[i]!, f.linktype, f.name);
    }
  }

  /** The stateful half for frame `i`, walked already (walkFrame's scratch in its columns), in frame order. */
  finish(i: number, data: Uint8Array, start: number, end: number, linktype: number, interfaceName?: string): void {
    const ix = this.#index;
    const op = ix.httpKind[i]!;
    if (op !== 0) ix.httpKind[i] = 0;
    if (op === OP_DISSECT) return this.#dissect(i, data.subarray(start, end), this.#meta(i, linktype, interfaceName));
    let outcome: unknown;
    if (op === OP_TCP || op === OP_TCP_HTTP) {
      this.#analyzeTcp(i);
      if (op === OP_TCP_HTTP) {
        const ps = ix.httpNeed[i]!;
        const pe = ix.httpPrev[i]!;
        ix.httpNeed[i] = 0;
        ix.httpPrev[i] = 0;
        outcome = this.#httpFirstPass(i, data, ps, pe);
        const h = ix.httpKind[i]!;
        if (h === HTTP_CONTINUATION || h === HTTP_COMPLETE) ix.protos[i] = (ix.protos[i]! | PROTO_BITS.http) >>> 0;
      }
    } else if (op === OP_ECHO_REQUEST || op === OP_ECHO_REPLY) this.#matchEcho(i, op === OP_ECHO_REQUEST);
    // UDP is numbered in the order of the frames, as the dissector's first pass does: before a dissection below.
    const nUdp = ix.udpCount[i]!;
    if (nUdp > 0) {
      ix.udpStream0[i] = this.#udpStream(ix.ipSrc0[i]!, ix.ipDst0[i]!, ix.udpSport0[i]!, ix.udpDport0[i]!);
      if (nUdp > 1) ix.udpStream1[i] = this.#udpStream(ix.ipSrc1[i]!, ix.ipDst1[i]!, ix.udpSport1[i]!, ix.udpDport1[i]!);
    }
    if (outcome) this.#keepPrimed(i, data.subarray(start, end), this.#meta(i, linktype, interfaceName), outcome);
  }

  /** udp.ts's streamOf() for a UDP header (its ports, the addresses of the IPv4 header around it), on the shared state. */
  #udpStream(sIp: number, dIp: number, sp: number, dp: number): number {
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

  #meta(i: number, linktype: number, interfaceName: string | undefined): FrameMeta {
    const ix = this.#index;
    const meta: { -readonly [K in keyof FrameMeta]: FrameMeta[K] } = { number: i + 1, tsNs: this.#firstTsNs + BigInt(ix.tsRelNs[i]!), origLen: origLenOf(ix, i), linktype };
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
    const ix = this.#index;
    // The walk's scratch: flags in tcpDir, raw numbers in tcpSeq and tcpAck, the window scale option in tcpShift.
    const flags = ix.tcpDir[i]!;
    const seq = ix.tcpSeq[i]!;
    const ack = ix.tcpAck[i]!;
    const optShift = ix.tcpShift[i]!;
    const inner = ix.ipCount[i]! > 1;
    const sIp = inner ? ix.ipSrc1[i]! : ix.ipSrc0[i]!;
    const dIp = inner ? ix.ipDst1[i]! : ix.ipDst0[i]!;
    const sp = ix.tcpSport[i]!;
    const dp = ix.tcpDport[i]!;
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
    if ((flags & SYN) !== 0) c.shift[dir] = optShift >= 0 ? optShift : -2;
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
  #httpFirstPass(i: number, data: Uint8Array, ps: number, pe: number): unknown {
    const ix = this.#index;
    const pending = this.#httpState.pending;
    const key = pendingKey(ix.tcpStream[i]!, ix.tcpDir[i]!);
    let p = pending.get(key);
    if (!p) {
      // A new message: its head is read from the end of its first line, in place.
      const lineEnd = startLineEnd(data, ps, pe);
      if (lineEnd < 0) {
        ix.httpKind[i] = HTTP_CONTINUATION;
        return;
      }
      const he = readHeadAt(data, ps, pe, this.#head, lineEnd);
      const body = this.#head.body;
      // One that ends in this segment (a request without a body, mostly) is complete here: nothing is kept.
      if (he >= 0 && body !== CHUNKED_BODY && he + body <= pe - ps) {
        ix.httpPrev[i] = 0;
        ix.httpKind[i] = HTTP_COMPLETE;
        ix.httpNeed[i] = he + body;
        return undefined;
      }
      p = new WalkedMessage(data);
      if (he >= 0) {
        if (body === CHUNKED_BODY) p.chunkAt = he;
        else p.need = he + body;
      }
      pending.set(key, p);
    }
    // Clean: the walk saw every frame of the message (the dissector joined none of its own).
    let count: number;
    let clean = false;
    if (p instanceof WalkedMessage) {
      count = p.count;
      clean = p.walked === count;
      ix.httpPrev[i] = p.lastFrame;
      if (clean) p.walked++;
      p.add(ps, pe, i + 1);
    } else {
      count = p.frames.length;
      ix.httpPrev[i] = count > 0 ? p.frames[count - 1]! : 0;
      // A view, not a copy as http.ts keeps: the file's bytes outlive the first pass.
      p.chunks.push(data.subarray(ps, pe));
      p.size += pe - ps;
      p.frames.push(i + 1);
    }
    // The message's frames, this one included.
    count++;
    let all: Uint8Array | undefined;
    // A head in several segments, joined (a message's first segment was read above).
    if (count > 1 && p.need === undefined && p.chunkAt === undefined) {
      all = concatBytes(p.chunks, p.size);
      const he = readHead(all, this.#head);
      if (he >= 0) {
        const body = this.#head.body;
        if (body === CHUNKED_BODY) p.chunkAt = he;
        else p.need = he + body;
      }
    }
    // A chunked body: read on over its chunks until the last one and the trailer are in (as http.ts).
    readOnChunks(p);
    if ((p.need !== undefined && p.size >= p.need) || p.size > MAX_PDU) {
      pending.set(key, undefined);
      if (++this.#ended === PURGE_EVERY) this.#purge();
      ix.httpKind[i] = HTTP_COMPLETE;
      ix.httpNeed[i] = p.need ?? p.size;
      if (clean) return undefined;
      all ??= p.chunks.length === 1 ? p.chunks[0]! : concatBytes(p.chunks, p.size);
      return { kind: 'complete', pdu: all.subarray(0, Math.min(p.need ?? p.size, p.size)), frames: p.frames };
    }
    const first = count === 1 && (p.need !== undefined || p.chunkAt !== undefined);
    ix.httpKind[i] = first ? HTTP_FIRST_SEGMENT : HTTP_SEGMENT;
    if (clean) return undefined;
    return first ? { kind: 'segment', firstLine: firstLineOf(data.subarray(ps, pe)) } : { kind: 'segment' };
  }

  /**
   * Drops the ended messages' keys from the pending map. Each connection leaves one or two (an ended message is
   * set to undefined, which http.ts reads as none), and a map of a key per connection grew past the caches: its
   * lookups, three per message, cost as much as the rest of HTTP's gathering.
   */
  #purge(): void {
    this.#ended = 0;
    const pending = this.#httpState.pending;
    for (const [key, p] of pending) if (p === undefined) pending.delete(key);
  }

  /**
   * icmp.ts's matchEcho(), first pass. The walk's requests wait in a table by their numbers, and move into the
   * dissector's map (its text keys) before the dissector next takes a frame; a reply is looked up in the walk's
   * map, then in the dissector's.
   */
  #matchEcho(i: number, request: boolean): void {
    const ix = this.#index;
    const inner = ix.ipCount[i]! > 1;
    const s = inner ? ix.ipSrc1[i]! : ix.ipSrc0[i]!;
    const d = inner ? ix.ipDst1[i]! : ix.ipDst0[i]!;
    // The walk's scratch: the echo's id and sequence.
    const idSeq = ix.icmpReq[i]!;
    ix.icmpReq[i] = 0;
    const id = idSeq >>> 16;
    const seq = idSeq & 0xffff;
    if (request) {
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
  // A udp.stream per UDP header there is (-1: the quoted datagram's, which has none).
  if (udpSrc.length > 0) ix.udpStream0[i] = udpStream.length > 0 ? (udpStream[0] as number) : -1;
  if (udpSrc.length > 1) ix.udpStream1[i] = udpStream.length > 1 ? (udpStream[1] as number) : -1;
  ix.tcpSport[i] = (tcpSrc[0] as number | undefined) ?? 0;
  ix.tcpDport[i] = (tcpDst[0] as number | undefined) ?? 0;
}
