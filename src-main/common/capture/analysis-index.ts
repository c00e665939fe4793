// What the analyses (follow stream, flow diagram, I/O graph) need of every frame, gathered in one first pass over
// a capture through its own CaptureContext: time, length, the TCP and UDP stream a frame belongs to, and its
// endpoints (the Source and Destination columns, interned). Frames are dissected again only when an analysis
// needs their fields (a stream's frames, a page of the flow diagram) or a display filter tests them; the context
// then reads what the first pass recorded. Filter results are cached per filter text.
//
// A capture stored in the library has what the first pass gathers in its frame index already (frame-index.ts):
// fromColumns() reads it from there, dissects only the frames whose Source and Destination the columns do not
// tell, and takes a frame's fields and the filters' results from the store.

import type { FilterProblem } from '../api/capture-types.ts';
import { CaptureContext, collectFields, compileFilter, type FieldValues, type Summary } from '../dissect/index.ts';
import { frameMeta, type ParsedCapture } from './indexer.ts';
import { BLOCK_FRAMES, blockCount, EXACT, NAMES_IP, origLenOf, type FrameIndex } from './frame-index.ts';
import { formatIpv4 } from '../wire/ipv4-address.ts';

/** A capture with its frame index, as the store gives it (frame numbers 1-based). */
export interface ColumnSource {
  readonly count: number;
  block(seq: number): FrameIndex;
  fields(number: number): { values: FieldValues; summary: Summary };
  names(number: number): [string, string];
}

/** The frame numbers a display filter (compiled without error) passes. */
export type MatchNumbers = (text: string, pause: () => Promise<void>) => Promise<Uint32Array>;

/** Frames dissected between two pauses (the caller's chance to let other work run). */
const SLICE = 20_000;
/** Filter results kept. */
const FILTERS_KEPT = 8;

export type FilterMatch = { ok: true; mask: Uint8Array; count: number } | { ok: false; error: FilterProblem };

export class AnalysisIndex {
  readonly count: number;
  /** Seconds since the first frame. */
  readonly time: Float64Array;
  /** frame.len: the length on the wire. */
  readonly length: Uint32Array;
  /** tcp.stream, or -1. */
  readonly tcpStream: Int32Array;
  /** The innermost udp.stream, or -1. */
  readonly udpStream: Int32Array;
  /** Every udp.stream of the frames that carry more than one UDP header (VXLAN's outer and inner). */
  readonly udpStreams = new Map<number, number[]>();
  /** The Source and Destination columns, as indexes into `names`. */
  readonly source: Uint32Array;
  readonly destination: Uint32Array;
  readonly names: string[] = [];
  readonly #ctx = new CaptureContext();
  readonly #filters = new Map<string, FilterMatch>();
  /** A name's index in `names`. */
  readonly #nameIds = new Map<string, number>();
  #fields: (index: number) => { values: FieldValues; summary: Summary };
  #numbers: MatchNumbers | undefined;

  private constructor(readonly parsed: ParsedCapture | undefined, n: number) {
    this.#fields = (index) => collectFields(this.parsed!.capture.packets[index]!.data, frameMeta(this.parsed!, index), this.#ctx);
    this.count = n;
    this.time = new Float64Array(n);
    this.length = new Uint32Array(n);
    this.tcpStream = new Int32Array(n).fill(-1);
    this.udpStream = new Int32Array(n).fill(-1);
    this.source = new Uint32Array(n);
    this.destination = new Uint32Array(n);
  }

  #intern(name: string): number {
    let i = this.#nameIds.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.#nameIds.set(name, i);
    }
    return i;
  }

  /** The first pass; `pause` is awaited every SLICE frames. */
  static async build(parsed: ParsedCapture, pause: () => Promise<void> = async () => {}): Promise<AnalysisIndex> {
    const ix = new AnalysisIndex(parsed, parsed.capture.packets.length);
    const intern = (s: string): number => ix.#intern(s);
    const packets = parsed.capture.packets;
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i]!;
      const { values, summary } = collectFields(p.data, frameMeta(parsed, i), ix.#ctx);
      ix.time[i] = Number(p.tsNs - parsed.firstTsNs) / 1e9;
      ix.length[i] = p.origLen;
      const tcp = values.get('tcp.stream');
      if (tcp) ix.tcpStream[i] = tcp[0] as number;
      const udp = values.get('udp.stream');
      if (udp) {
        ix.udpStream[i] = udp[udp.length - 1] as number;
        if (udp.length > 1) ix.udpStreams.set(i, udp as number[]);
      }
      ix.source[i] = intern(summary.source);
      ix.destination[i] = intern(summary.destination);
      if ((i + 1) % SLICE === 0) await pause();
    }
    return ix;
  }

  /**
   * From a stored capture's frame index: no dissection but of the frames whose Source and Destination the
   * columns do not hold; `numbers` runs the display filters. `pause` is awaited every SLICE frames.
   */
  static async fromColumns(src: ColumnSource, numbers: MatchNumbers, pause: () => Promise<void> = async () => {}): Promise<AnalysisIndex> {
    const ix = new AnalysisIndex(undefined, src.count);
    ix.#fields = (index) => src.fields(index + 1);
    ix.#numbers = numbers;
    const intern = (s: string): number => ix.#intern(s);
    // Addresses by their number, formatted once.
    const byAddress = new Map<number, number>();
    const name = (a: number): number => {
      let i = byAddress.get(a);
      if (i === undefined) {
        i = intern(formatIpv4(a));
        byAddress.set(a, i);
      }
      return i;
    };
    let dissected = 0;
    for (let seq = 0; seq < blockCount(src.count); seq++) {
      const b = src.block(seq);
      for (let at = 0; at < b.count; at++) {
        const i = seq * BLOCK_FRAMES + at;
        ix.time[i] = b.tsRelNs[at]! / 1e9;
        ix.length[i] = origLenOf(b, at);
        ix.tcpStream[i] = b.tcpStream[at]!;
        const protos = b.protos[at]!;
        if ((protos & EXACT) !== 0) {
          const u0 = b.udpCount[at]! > 0 ? b.udpStream0[at]! : -1;
          const u1 = b.udpCount[at]! > 1 ? b.udpStream1[at]! : -1;
          if (u1 >= 0) {
            ix.udpStream[i] = u1;
            if (u0 >= 0) ix.udpStreams.set(i, [u0, u1]);
          } else if (u0 >= 0) ix.udpStream[i] = u0;
        } else {
          const udp = src.fields(i + 1).values.get('udp.stream');
          if (udp) {
            ix.udpStream[i] = udp[udp.length - 1] as number;
            if (udp.length > 1) ix.udpStreams.set(i, udp as number[]);
          }
          dissected++;
        }
        if (((protos & (EXACT | NAMES_IP)) >>> 0) === (EXACT | NAMES_IP) >>> 0) {
          const last = b.ipCount[at]! - 1;
          ix.source[i] = name(last === 0 ? b.ipSrc0[at]! : b.ipSrc1[at]!);
          ix.destination[i] = name(last === 0 ? b.ipDst0[at]! : b.ipDst1[at]!);
        } else {
          const [s, d] = src.names(i + 1);
          ix.source[i] = intern(s);
          ix.destination[i] = intern(d);
          dissected++;
        }
        if (dissected >= SLICE || (i + 1) % (SLICE * 8) === 0) {
          dissected = 0;
          await pause();
        }
      }
    }
    return ix;
  }

  /** Frame `index`'s fields and columns again (what the first pass recorded). */
  fields(index: number): { values: FieldValues; summary: Summary } {
    return this.#fields(index);
  }

  /** Whether frame `index` belongs to udp.stream `stream` at any of its UDP layers. */
  inUdpStream(index: number, stream: number): boolean {
    return this.udpStream[index] === stream || (this.udpStreams.get(index)?.includes(stream) ?? false);
  }

  /** The frames a display filter passes, as a mask (cached); a wrong filter says where, in the text as given. */
  async match(filter: string, pause: () => Promise<void> = async () => {}): Promise<FilterMatch> {
    const text = filter.trim();
    const hit = this.#filters.get(text);
    if (hit) return hit;
    let result: FilterMatch;
    const compiled = text === '' ? null : compileFilter(text);
    if (compiled === null) {
      result = { ok: true, mask: new Uint8Array(this.count).fill(1), count: this.count };
    } else if (!compiled.ok) {
      const shift = filter.length - filter.trimStart().length;
      const e = compiled.error;
      result = { ok: false, error: { message: e.message, start: e.start + shift, end: e.end + shift } };
    } else if (this.#numbers) {
      const mask = new Uint8Array(this.count);
      const numbers = await this.#numbers(text, pause);
      for (const n of numbers) mask[n - 1] = 1;
      result = { ok: true, mask, count: numbers.length };
    } else {
      const mask = new Uint8Array(this.count);
      let count = 0;
      for (let i = 0; i < this.count; i++) {
        if (compiled.filter.test(this.fields(i).values)) {
          mask[i] = 1;
          count++;
        }
        if ((i + 1) % SLICE === 0) await pause();
      }
      result = { ok: true, mask, count };
    }
    this.#filters.set(text, result);
    while (this.#filters.size > FILTERS_KEPT) this.#filters.delete(this.#filters.keys().next().value!);
    return result;
  }
}
