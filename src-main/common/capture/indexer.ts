// Reading an imported capture for the library: parse the whole file first (a damaged file is refused with
// readCapture's error: what, where, how many packets came before), then one pass in frame order that computes
// each frame's summary columns and colour — the packet list's rows, stored once — and leaves a CaptureContext
// that has seen every frame (so a later detail tree or display filter reads what the first pass recorded).

import { CaptureError, readCapture, type Capture } from '../pcap/index.ts';
import type { CaptureContext } from '../dissect/index.ts';
import { collectFields, LINKTYPE_ETHERNET, type FrameMeta } from '../dissect/index.ts';
import { colourCode, colourOf, compileColourRules } from './colouring.ts';

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

/** Parses the whole file (strict: any damage refuses it). */
export function parseCaptureFile(bytes: Uint8Array): ParsedCapture {
  let capture: Capture;
  try {
    capture = readCapture(bytes);
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    const read = e.format === 'unknown' ? '' : ` (read ${e.packetsRead} packet${e.packetsRead === 1 ? '' : 's'} before it)`;
    throw new CaptureRefused(`Not a capture Flotilla can read: ${e.message}${read}.`, e);
  }
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
