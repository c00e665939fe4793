// The packet list's rows of one page, computed when the page is asked for: each frame dissected (the full
// dissector is the truth) with a context primed from the frame index, so a frame deep in a capture shows what a
// pass over every frame before it would have shown (TCP relative numbers, "request in N") without that pass.
// Frames the import's walk was not sure of come with their row kept whole (first-pass.ts).

import type { FrameRow } from '../api/capture-types.ts';
import { CaptureContext, collectFields, LINKTYPE_ETHERNET, type FrameMeta } from '../dissect/index.ts';
import { colourName, colourOf, compileColourRules, type CompiledColourRule } from './colouring.ts';
import { HTTP_CONTINUATION, HTTP_FIRST_SEGMENT, HTTP_SEGMENT, origLenOf, type FrameIndex } from './frame-index.ts';
import { httpPayloadOf, tcpAnalysisAt, type SpecialRow } from './first-pass.ts';
import { firstLineOf } from '../wire/http-message.ts';
import { concatBytes } from '../wire/bytes.ts';

let rules: CompiledColourRule[] | undefined;

/** A context that answers for frames as a finished first pass would, from the index's columns. */
export class PrimedContext {
  readonly ctx = new CaptureContext();

  constructor(firstTsNs: bigint) {
    // Every frame is "seen before": the dissectors read what the first pass recorded instead of recording.
    this.ctx.begin(Number.MAX_SAFE_INTEGER, firstTsNs);
  }

  /**
   * Records frame `f`'s first-pass outcome from its index columns; `fetch` gives the earlier frames an HTTP
   * message spans.
   */
  prime(f: RowFrame, fetch: (number: number) => RowFrame): void {
    const { index: ix, at, number } = f;
    const tcp = tcpAnalysisAt(ix, at);
    if (tcp) this.ctx.setFrameData(number, 'tcp', tcp);
    const req = ix.icmpReq[at]!;
    if (req !== 0) this.ctx.setFrameData(number, 'icmp.req', req);
    // udp.stream of each UDP header, as udp.ts records it (by the header's place among the frame's UDP headers).
    const udp = ix.udpCount[at]!;
    if (udp > 0 && ix.udpStream0[at]! >= 0) this.ctx.setFrameData(number, 'udp', udp > 1 && ix.udpStream1[at]! >= 0 ? [ix.udpStream0[at]!, ix.udpStream1[at]!] : [ix.udpStream0[at]!]);
    const http = ix.httpKind[at]!;
    if (http !== 0) this.ctx.setFrameData(number, 'http', httpOutcome(f, fetch));
  }
}

function payloadOf(f: RowFrame): Uint8Array {
  const p = httpPayloadOf(f.data, 0, f.data.length);
  if (!p) throw new Error(`frame ${f.number}: the index says HTTP, but the frame holds no TCP payload to an HTTP port`);
  return f.data.subarray(p.start, p.end);
}

/** What http.ts's first pass recorded for the frame, rebuilt from the columns and the frames' payloads. */
function httpOutcome(f: RowFrame, fetch: (number: number) => RowFrame): unknown {
  const kind = f.index.httpKind[f.at]!;
  if (kind === HTTP_CONTINUATION) return { kind: 'continuation' };
  if (kind === HTTP_SEGMENT) return { kind: 'segment' };
  if (kind === HTTP_FIRST_SEGMENT) return { kind: 'segment', firstLine: firstLineOf(payloadOf(f)) };
  const frames = [f.number];
  const chunks = [payloadOf(f)];
  let size = chunks[0]!.length;
  for (let prev = f.index.httpPrev[f.at]!; prev !== 0; ) {
    const p = fetch(prev);
    const payload = payloadOf(p);
    frames.unshift(prev);
    chunks.unshift(payload);
    size += payload.length;
    prev = p.index.httpPrev[p.at]!;
  }
  const all = chunks.length === 1 ? chunks[0]! : concatBytes(chunks, size);
  return { kind: 'complete', pdu: all.subarray(0, Math.min(f.index.httpNeed[f.at]!, size)), frames };
}

export interface RowFrame {
  number: number;
  /** The index block holding the frame, and its place there. */
  index: FrameIndex;
  at: number;
  data: Uint8Array;
  linktype: number;
  interfaceName?: string | undefined;
}

/**
 * The rows of `frames` (any order); `special` holds the rows kept whole, by frame number; `fetch` gives any other
 * frame (an HTTP message's earlier segments).
 */
export function renderRows(frames: readonly RowFrame[], firstTsNs: bigint, special: ReadonlyMap<number, SpecialRow>, fetch: (number: number) => RowFrame): FrameRow[] {
  const primed = new PrimedContext(firstTsNs);
  rules ??= compileColourRules();
  const out: FrameRow[] = [];
  for (const f of frames) {
    const at = f.at;
    const index = f.index;
    const kept = special.get(f.number);
    let row: FrameRow;
    if (kept) {
      row = { number: f.number, timeRelative: index.tsRelNs[at]! / 1e9, source: kept.source, destination: kept.destination, protocol: kept.protocol, length: origLenOf(index, at), info: kept.info };
      const colour = colourName(kept.colour);
      if (colour !== undefined) row.colour = colour;
    } else {
      primed.prime(f, fetch);
      const { values, summary } = collectFields(f.data, frameMeta(f, firstTsNs), primed.ctx);
      row = { number: f.number, timeRelative: index.tsRelNs[at]! / 1e9, source: summary.source, destination: summary.destination, protocol: summary.protocol, length: summary.length, info: summary.info };
      const colour = colourOf(rules, values);
      if (colour !== undefined) row.colour = colour;
    }
    out.push(row);
  }
  return out;
}

export function frameMeta(f: RowFrame, firstTsNs: bigint): FrameMeta {
  const index = f.index;
  const meta: { -readonly [K in keyof FrameMeta]: FrameMeta[K] } = {
    number: f.number,
    tsNs: firstTsNs + BigInt(index.tsRelNs[f.at]!),
    origLen: origLenOf(index, f.at),
    linktype: f.linktype ?? LINKTYPE_ETHERNET,
  };
  if (f.interfaceName !== undefined) meta.interfaceName = f.interfaceName;
  return meta;
}
