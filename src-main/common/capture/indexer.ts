// Reading an imported capture for the library. indexCapture() is the import: one walk over the file's records in
// place (classic pcap without an object per record; pcapng through its reader) that builds the frame index in
// typed arrays and runs the first pass (first-pass.ts) — a damaged file is refused with readCapture's error:
// what, where, how many packets came before. parseCaptureFile() parses into packet objects, for what needs every
// frame's bytes at hand (display filters, export, replay); indexFrames() is the full dissector's pass over them.

import { CaptureError, captureInterfaceOf, pcapInterfaceOf, PCAP_MAX_CAPLEN, PcapngReader, PcapReader, readCapture, type Capture, type CaptureFormat, type CaptureInterface, type CapturePacket } from '../pcap/index.ts';
import { CaptureContext } from '../dissect/index.ts';
import { collectFields, LINKTYPE_ETHERNET, type FrameMeta } from '../dissect/index.ts';
import { colourCode, colourOf, compileColourRules } from './colouring.ts';
import { FrameIndexBuilder, type FrameIndex } from './frame-index.ts';
import { FirstPass, type SpecialRow } from './first-pass.ts';
import { WALK_COLUMNS, walkPcapngEpbs, walkPcapRecords, type PcapngWalk, type PcapWalk, type PcapWalker, type WalkColumns } from './first-pass-walk.ts';

/** One frame's line in the index. */
export interface IndexedFrame {
  number: number;
  /** Where the frame's bytes start in the file. */
  offset: number;
  caplen: number;
  origLen: number;
  iface: number;
  /** Nanoseconds since the first frame. */
  tsRelNs: number;
  source: string;
  destination: string;
  protocol: string;
  info: string;
  /** colourCode() of the first matching rule (0: none). */
  colour: number;
}

/** A file that readCapture accepted, ready to be indexed frame by frame. */
export interface ParsedCapture {
  readonly bytes: Uint8Array;
  readonly capture: Capture;
  readonly firstTsNs: bigint;
  readonly lastTsNs: bigint;
}

/** Thrown for a file that is not a capture we read, or is damaged: the message says what and where. */
export class CaptureRefused extends Error {
  constructor(
    message: string,
    readonly error: CaptureError,
  ) {
    super(message);
    this.name = 'CaptureRefused';
  }
}

function refusal(e: unknown): unknown {
  if (!(e instanceof CaptureError)) return e;
  const read = e.format === 'unknown' ? '' : ` (read ${e.packetsRead} packet${e.packetsRead === 1 ? '' : 's'} before it)`;
  return new CaptureRefused(`Not a capture Flotilla can read: ${e.message}${read}.`, e);
}

/** readCapture, its CaptureError as CaptureRefused. */
function readOrRefuse(bytes: Uint8Array): Capture {
  try {
    return readCapture(bytes);
  } catch (e) {
    throw refusal(e);
  }
}

/** Parses the whole file (strict: any damage refuses it). */
export function parseCaptureFile(bytes: Uint8Array): ParsedCapture {
  const capture = readOrRefuse(bytes);
  let first = 0n;
  let last = 0n;
  capture.packets.forEach((p, i) => {
    if (i === 0) first = last = p.tsNs;
    if (p.tsNs > last) last = p.tsNs;
  });
  return { bytes, capture, firstTsNs: first, lastTsNs: last };
}

export function frameMeta(parsed: ParsedCapture, index: number): FrameMeta {
  const p = parsed.capture.packets[index]!;
  const iface = parsed.capture.interfaces[p.interface];
  const meta: { -readonly [K in keyof FrameMeta]: FrameMeta[K] } = {
    number: index + 1,
    tsNs: p.tsNs,
    origLen: p.origLen,
    linktype: iface?.linktype ?? LINKTYPE_ETHERNET,
  };
  if (iface?.name !== undefined) meta.interfaceName = iface.name;
  return meta;
}

/**
 * The first pass: one IndexedFrame per packet, in order, through `ctx` (a fresh context that afterwards has seen
 * every frame). A generator, so the store writes rows as they come and memory stays flat.
 */
export function* indexFrames(parsed: ParsedCapture, ctx: CaptureContext): Generator<IndexedFrame> {
  const rules = compileColourRules();
  const base = parsed.bytes.byteOffset;
  const packets = parsed.capture.packets;
  for (let i = 0; i < packets.length; i++) {
    const p = packets[i]!;
    const { values, summary } = collectFields(p.data, frameMeta(parsed, i), ctx);
    yield {
      number: i + 1,
      offset: p.data.byteOffset - base,
      caplen: p.data.length,
      origLen: p.origLen,
      iface: p.interface,
      tsRelNs: Number(p.tsNs - parsed.firstTsNs),
      source: summary.source,
      destination: summary.destination,
      protocol: summary.protocol,
      info: summary.info,
      colour: colourCode(colourOf(rules, values)),
    };
  }
}

/** A file indexed for the library: its frame index, first pass done, and the rows kept whole. */
export interface IndexedCapture {
  readonly bytes: Uint8Array;
  readonly format: CaptureFormat;
  readonly interfaces: readonly CaptureInterface[];
  readonly firstTsNs: bigint;
  readonly lastTsNs: bigint;
  readonly index: FrameIndex;
  /** Rows the full dissector computed at import (first-pass.ts), in frame order. */
  readonly special: readonly SpecialRow[];
}

/**
 * Indexes the whole file (strict: any damage refuses it, with readCapture's message). A big classic pcap on a
 * SharedArrayBuffer is walked by `walker` (a worker thread) when it is ready, and finished here as it goes.
 */
export function indexCapture(bytes: Uint8Array, walker?: PcapWalker): IndexedCapture {
  // The index keeps offsets in 32 bits (frame-index.ts); imports and live captures are far smaller.
  if (bytes.length > MAX_FILE_BYTES) throw refusal(new CaptureError('unknown', 'header', 0, 0, 0, `the file is ${bytes.length} bytes, more than the ${MAX_FILE_BYTES} an index can address`));
  let head: PcapReader | undefined;
  try {
    head = new PcapReader(bytes);
  } catch {
    head = undefined;
  }
  const fast = head ? indexPcap(bytes, head, walker) : indexPcapng(bytes, walker);
  if (fast) return fast;
  return indexParsed(bytes, readOrRefuse(bytes));
}

/** Indexes an already parsed file. */
export function indexParsedCapture(parsed: ParsedCapture): IndexedCapture {
  return indexParsed(parsed.bytes, parsed.capture);
}

function indexParsed(bytes: Uint8Array, capture: Capture): IndexedCapture {
  const indexer = new FrameIndexer(capture.packets.length);
  for (const p of capture.packets) indexer.add(p, bytes, 0, capture.interfaces);
  return { bytes, format: capture.format, interfaces: capture.interfaces, firstTsNs: indexer.firstTsNs, lastTsNs: indexer.lastTsNs, index: indexer.index, special: indexer.special };
}

/**
 * The index columns and the first pass, frame after frame in file order: of a whole file, or of a live capture
 * whose new frames are appended to it across flushes (the pass's state carries over, so appending gives what
 * indexing the longer file would).
 */
export class FrameIndexer {
  readonly index: FrameIndexBuilder;
  firstTsNs = 0n;
  lastTsNs = 0n;
  #pass: FirstPass | undefined;

  constructor(capacity = 1024, shared = false) {
    this.index = new FrameIndexBuilder(capacity, shared);
  }

  /** Rows the full dissector computed (first-pass.ts), in frame order. */
  get special(): readonly SpecialRow[] {
    return this.#pass?.special ?? [];
  }

  /** The first pass, from the first frame on (for frames walked in place and finished by it: indexPcapng). */
  get pass(): FirstPass | undefined {
    return this.#pass;
  }

  /** Frames walked in place up to `count`, the latest of them `maxRel` ns after the first frame. */
  walked(count: number, maxRel: number): void {
    this.index.count = count;
    const last = this.firstTsNs + BigInt(maxRel);
    if (last > this.lastTsNs) this.lastTsNs = last;
  }

  /** Packet `p`, its bytes a view into `bytes`, which starts at `fileOffset` of the file. */
  add(p: CapturePacket, bytes: Uint8Array, fileOffset: number, interfaces: readonly CaptureInterface[]): void {
    const i = this.index.count;
    if (i === 0) {
      this.firstTsNs = this.lastTsNs = p.tsNs;
      this.#pass = new FirstPass(new CaptureContext(), this.index, p.tsNs);
    }
    if (p.tsNs > this.lastTsNs) this.lastTsNs = p.tsNs;
    const start = p.data.byteOffset - bytes.byteOffset;
    this.index.add(fileOffset + start, Number(p.tsNs - this.firstTsNs), p.data.length, p.origLen, p.interface);
    const iface = interfaces[p.interface];
    this.#pass!.frame(i, bytes, start, start + p.data.length, iface?.linktype ?? LINKTYPE_ETHERNET, iface?.name);
  }
}

/**
 * Classic pcap read in place: the record headers walked as PcapReader walks them, no object per record. Returns
 * undefined when the records are damaged (then readCapture tells what and where).
 */
function indexPcap(bytes: Uint8Array, reader: PcapReader, walker: PcapWalker | undefined): IndexedCapture | undefined {
  const h = reader.header;
  const le = h.byteOrder === 'le';
  const limit = h.snaplen === 0 || h.snaplen > PCAP_MAX_CAPLEN ? PCAP_MAX_CAPLEN : h.snaplen;
  const scale = h.resolution === 'ns' ? 1 : 1000;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const iface = pcapInterfaceOf(h);
  let at = reader.offset;
  // The columns are sized from the first records' mean size, once: counting every record first would read the
  // whole file twice (a file bigger than the caches comes from memory both times), and a bound from the smallest
  // record would zero-fill many times the memory. A wrong guess grows the columns by doubling.
  // A big file held on a SharedArrayBuffer is walked by the worker thread while this one finishes what it walked.
  const parallel = walkElsewhere(bytes, walker);
  const index = new FrameIndexBuilder(estimateRecords(view, le, at, n, limit), parallel);
  if (at + 16 > n) return at === n ? { bytes, format: 'pcap', interfaces: [iface], firstTsNs: 0n, lastTsNs: 0n, index, special: [] } : undefined;
  const sec0 = view.getUint32(at, le);
  const frac0 = view.getUint32(at + 4, le);
  const firstTsNs = BigInt(sec0) * 1_000_000_000n + BigInt(frac0 * scale);
  const pass = new FirstPass(new CaptureContext(), index, firstTsNs);
  let count = 0;
  let maxRel = 0;
  // A run of frames at a time, walked and then finished while their columns and bytes are still in the caches
  // (the finish reads back what the walk wrote; a whole file's columns come from memory).
  while (at < n) {
    if (count === index.capacity) index.reserve(index.capacity * 2);
    if (parallel) {
      const job: PcapWalk = { bytes, at, first: count, max: index.capacity - count, littleEndian: le, scale, sec0, frac0, linktype: h.linktype, caplenLimit: limit };
      const walked = walker.walk(job, pass.tables, walkColumnsOf(index), (from, to) => pass.finishRange(from, to, bytes, h.linktype));
      // A worker lost mid-walk may have left columns half written: the file is walked again here, whole.
      if (walked.lost) return indexPcap(bytes, reader, undefined);
      if (walked.damaged) return undefined;
      count = walked.next;
      at = walked.at;
      if (walked.maxRel > maxRel) maxRel = walked.maxRel;
      continue;
    }
    const job: PcapWalk = { bytes, at, first: count, max: Math.min(RUN_FRAMES, index.capacity - count), littleEndian: le, scale, sec0, frac0, linktype: h.linktype, caplenLimit: limit };
    const walked = walkPcapRecords(job, pass.tables, index);
    if (walked.damaged) return undefined;
    pass.finishRange(count, walked.next, bytes, h.linktype);
    count = walked.next;
    at = walked.at;
    if (walked.maxRel > maxRel) maxRel = walked.maxRel;
  }
  index.count = count;
  return { bytes, format: 'pcap', interfaces: [iface], firstTsNs, lastTsNs: firstTsNs + BigInt(maxRel), index, special: pass.special };
}

/**
 * pcapng read in place where it is plain: PcapngReader reads the section and interface blocks, and any block the
 * walk leaves to it (options, other packet blocks, a new section, damage), while runs of plain Enhanced Packet
 * Blocks are walked without an object per packet (walkPcapngEpbs). Undefined when the reader finds damage, or
 * the file is one this path does not take (timestamps other than micro- or nanoseconds, or counted differently
 * per interface, if_tsoffset, Simple Packet Blocks): readCapture then reads it, and tells what and where.
 */
function indexPcapng(bytes: Uint8Array, walker: PcapWalker | undefined): IndexedCapture | undefined {
  let reader: PcapngReader;
  try {
    reader = new PcapngReader(bytes);
  } catch {
    return undefined;
  }
  const parallel = walkElsewhere(bytes, walker);
  const indexer = new FrameIndexer(1024, parallel);
  const index = indexer.index;
  /** The walk's view of the present section's interfaces, and the counts of blocks it was taken at. */
  let section: { sections: number; interfaces: number; walk: Omit<PcapngWalk, 'bytes' | 'at' | 'first' | 'max'> } | undefined;
  let sized = false;
  try {
    for (;;) {
      const p = reader.next();
      if (p === null) break;
      if (p.block !== 'epb' && p.block !== 'pb') return undefined;
      indexer.add(p, bytes, 0, reader.interfaces);
      const pass = indexer.pass!;
      // Plain EPBs after it, walked in place while the section's interfaces all count time alike. What the walk
      // needs of them changes only when the reader has read another section or interface block.
      if (section === undefined || section.sections !== reader.sections.length || section.interfaces !== reader.interfaces.length) {
        const at = reader.sections.length - 1;
        const ifaces = reader.interfaces.filter((i) => i.section === at);
        const unit = ifaces.length > 0 && ifaces[0]!.tsresol === 9 ? 1 : 1000;
        if (ifaces.some((i) => (i.tsresol !== 6 && i.tsresol !== 9) || i.tsresol !== ifaces[0]!.tsresol || i.tsOffsetSec !== 0n)) return undefined;
        if (section !== undefined && unit !== section.walk.unitNs) return undefined;
        const ticks0 = indexer.firstTsNs / BigInt(unit);
        section = {
          sections: reader.sections.length,
          interfaces: reader.interfaces.length,
          walk: {
            littleEndian: reader.sections[at]!.byteOrder === 'le',
            linktypes: ifaces.map((i) => i.linktype),
            snaplens: ifaces.map((i) => i.snaplen),
            globals: ifaces.map((i) => reader.interfaces.indexOf(i)),
            unitNs: unit,
            tsHigh0: Number(ticks0 >> 32n),
            tsLow0: Number(ticks0 & 0xffff_ffffn),
          },
        };
      }
      // A run on this thread first (it sizes the columns, and tells whether the EPBs here are plain), then the
      // rest on the worker when there is one, while this thread finishes what it walked.
      let plainRun = false;
      for (;;) {
        const count = index.count;
        if (count === index.capacity) index.reserve(index.capacity * 2);
        const job: PcapngWalk = { ...section.walk, bytes, at: reader.offset, first: count, max: Math.min(RUN_FRAMES, index.capacity - count) };
        let walked: { next: number; at: number; maxRel: number };
        let stopped: boolean;
        if (parallel && plainRun) {
          const room = index.capacity - count;
          const w = walker.walkPcapng({ ...job, max: room }, pass.tables, walkColumnsOf(index), (from, to) => pass.finishRange(from, to, bytes, reader.interfaces));
          // A worker lost mid-walk may have left columns half written: the file is walked again here, whole.
          if (w.lost) return indexPcapng(bytes, undefined);
          walked = w;
          stopped = w.next < job.first + room;
          plainRun = false;
        } else {
          walked = walkPcapngEpbs(job, pass.tables, index);
          pass.finishRange(count, walked.next, bytes, reader.interfaces);
          stopped = walked.next < job.first + job.max;
          plainRun = !stopped;
        }
        indexer.walked(walked.next, walked.maxRel);
        // After the first full run, room for as many frames as the rest of the file likely holds (by the run's
        // mean size, with a margin): doubling from a small guess would copy every column ten times over.
        if (!sized && !stopped && walked.next - job.first >= 512) {
          sized = true;
          const perFrame = (walked.at - job.at) / (walked.next - job.first);
          index.reserve(Math.min(walked.next + Math.ceil(((bytes.length - walked.at) / perFrame) * 1.1) + 64, Math.ceil(bytes.length / 32)));
        }
        reader.offset = walked.at;
        // Stopped short: at a block the reader is to read, or the end.
        if (stopped) break;
      }
    }
  } catch (e) {
    if (e instanceof CaptureError) return undefined;
    throw e;
  }
  const interfaces = reader.interfaces.map(captureInterfaceOf);
  return { bytes, format: 'pcapng', interfaces, firstTsNs: indexer.firstTsNs, lastTsNs: indexer.lastTsNs, index, special: indexer.special };
}

/** The largest file indexCapture takes: its index's offsets are 32-bit. */
const MAX_FILE_BYTES = 0xffff_ffff;

/** Files from this size on are walked on the worker thread when they are on a SharedArrayBuffer. */
const PARALLEL_BYTES = 4 * 2 ** 20;

/** Whether `walker` takes the walk of `bytes`: a big file in shared memory, and the walker ready. */
function walkElsewhere(bytes: Uint8Array, walker: PcapWalker | undefined): walker is PcapWalker {
  return walker !== undefined && bytes.length >= PARALLEL_BYTES && bytes.buffer instanceof SharedArrayBuffer && walker.ready();
}

/** The columns the walk writes, as a plain object to post to the worker (its typed arrays are shared, not copied). */
function walkColumnsOf(ix: FrameIndexBuilder): WalkColumns {
  return Object.fromEntries(WALK_COLUMNS.map((name) => [name, ix[name]])) as unknown as WalkColumns;
}

/** Frames walked and finished at a time. */
const RUN_FRAMES = 2048;

/** How many records classic pcap from `at` likely holds: the mean size of its first records, with a margin. */
function estimateRecords(view: DataView, le: boolean, at: number, n: number, limit: number): number {
  const from = at;
  let count = 0;
  while (at + 16 <= n && count < 1024) {
    const caplen = view.getUint32(at + 8, le);
    if (caplen > limit || at + 16 + caplen > n) break;
    at += 16 + caplen;
    count++;
  }
  if (at >= n || count === 0) return count;
  // Never more than records of an empty frame could fill (a damaged file allocates no more than its size allows).
  return Math.min(Math.ceil(((n - from) / (at - from)) * count * 1.1) + 64, Math.ceil((n - from) / 16));
}
