// HTTP/1.1's chunked transfer coding (RFC 9112 §7.1): chunks of "size-in-hex[;extensions] CRLF data CRLF", a last
// chunk of size 0, trailer fields, a blank line. One reading serves the dissector's reassembly (where does the
// message end?), its detail tree (where is each chunk?) and Follow HTTP stream (the body, de-chunked).
// Read as Wireshark reads it, leniently: the CR of a line end may be missing, and so may the CRLF after a chunk's
// data. The reading can resume: the import sees a message a segment at a time, and asking again from where the
// last try stopped gives what one reading of the whole message gives.

import { concatBytes } from './bytes.ts';
import { lineFeed } from './http-message.ts';

/** One chunk: its size line starts at `line`, its data is [data, data + size). */
export interface Chunk {
  readonly line: number;
  readonly data: number;
  readonly size: number;
}

/** More bytes are needed to tell where the message ends. */
export const CHUNKS_INCOMPLETE = -1;
/** A size line that is not hex: the coding is broken and the message cannot be delimited by it. */
export const CHUNKS_MALFORMED = -2;

export interface ChunkScan {
  /** Where the message ends (after the blank line that closes the trailer), or CHUNKS_INCOMPLETE/MALFORMED. */
  readonly end: number;
  /**
   * Where to read on from when more bytes come: the size line the reading stopped at, or (afterData) the end of a
   * chunk's data, which may lie beyond the bytes in hand: the data itself need not be read again.
   */
  readonly resume: number;
  readonly afterData: boolean;
  /** Where the last chunk's ("0") size line starts, when the message ended. */
  readonly last: number;
}

const MAX_SIZE_DIGITS = 13;

/** The chunk size on the line [from, lf): hex digits after optional blanks, up to ';', blanks or CR; -1 if none. */
function chunkSize(b: Uint8Array, from: number, lf: number): number {
  let i = from;
  while (i < lf && (b[i] === 32 || b[i] === 9)) i++;
  let n = 0;
  let digits = 0;
  for (; i < lf; i++) {
    const c = b[i]!;
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) break;
    if (++digits > MAX_SIZE_DIGITS) return -1;
    n = n * 16 + d;
  }
  if (digits === 0) return -1;
  // After the digits: extensions, blanks or the line's CR only.
  const c = b[i];
  return i === lf || c === 59 || c === 32 || c === 9 || c === 13 ? n : -1;
}

/** The CRLF that may follow a chunk's data at `pos` is in hand (a lone CR at the end may yet get its LF). */
const boundaryInHand = (b: Uint8Array, pos: number): boolean => pos < b.length && !(b[pos] === 13 && pos + 1 >= b.length);

/**
 * Reads chunks from `from` on — a size line's start, or with `afterData` the end of a chunk's data — and gives
 * each chunk read to `onChunk`. The end is found once the last chunk and the trailer's blank line are in `b`.
 */
export function scanChunks(b: Uint8Array, from: number, onChunk?: (c: Chunk) => void, afterData = false): ChunkScan {
  let pos = from;
  if (afterData) {
    if (!boundaryInHand(b, pos)) return { end: CHUNKS_INCOMPLETE, resume: pos, afterData: true, last: -1 };
    if (b[pos] === 13) pos++;
    if (b[pos] === 10) pos++;
  }
  for (;;) {
    const lf = lineFeed(b, pos);
    if (lf < 0) return { end: CHUNKS_INCOMPLETE, resume: pos, afterData: false, last: -1 };
    const size = chunkSize(b, pos, lf);
    if (size < 0) return { end: CHUNKS_MALFORMED, resume: pos, afterData: false, last: -1 };
    if (size === 0) {
      // Trailer fields, then the blank line.
      let t = lf + 1;
      for (;;) {
        const tl = lineFeed(b, t);
        if (tl < 0) return { end: CHUNKS_INCOMPLETE, resume: pos, afterData: false, last: -1 };
        const blank = tl === t || (tl === t + 1 && b[t] === 13);
        t = tl + 1;
        if (blank) return { end: t, resume: pos, afterData: false, last: pos };
      }
    }
    const data = lf + 1;
    let next = data + size;
    // The data and whether a CRLF follows it must be in hand; until they are, reading goes on from the data's end.
    if (!boundaryInHand(b, next)) return { end: CHUNKS_INCOMPLETE, resume: next, afterData: true, last: -1 };
    if (b[next] === 13) next++;
    if (b[next] === 10) next++;
    onChunk?.({ line: pos, data, size });
    pos = next;
  }
}

/** A message being gathered a segment at a time: its segments' bytes so far, where it ends once known. */
export interface GatheredMessage {
  chunks: Uint8Array[];
  size: number;
  need: number | undefined;
  /** A chunked body: where reading its chunks goes on (ChunkScan's resume and afterData). */
  chunkAt?: number | undefined;
  afterData?: boolean | undefined;
}

/** The message's bytes from `from` to its end so far, joined from the last of its segments only. */
function bytesFrom(m: GatheredMessage, from: number): Uint8Array {
  let start = m.size;
  let k = m.chunks.length;
  while (k > 0 && start > from) start -= m.chunks[--k]!.length;
  const first = m.chunks[k]!.subarray(from - start);
  return k === m.chunks.length - 1 ? first : concatBytes([first, ...m.chunks.slice(k + 1)], m.size - from);
}

/**
 * Reads on over the chunks of message `m`: its end (`need`) once the last chunk and the trailer are in; a broken
 * coding cannot delimit the message, which then is what came. Only the bytes from where the last reading stopped
 * are joined and read, so a long body costs its length once, not once per segment. The dissector's reassembly
 * and the import's walk both gather by this, so they agree.
 */
export function readOnChunks(m: GatheredMessage): void {
  const at = m.chunkAt;
  if (at === undefined || m.need !== undefined || at >= m.size) return;
  const scan = scanChunks(bytesFrom(m, at), 0, undefined, m.afterData === true);
  if (scan.end === CHUNKS_MALFORMED) m.need = m.size;
  else if (scan.end >= 0) m.need = at + scan.end;
  else {
    m.chunkAt = at + scan.resume;
    m.afterData = scan.afterData;
  }
}

/** A chunked body from `from` on, de-chunked: the body, its chunks, and where the message ends; null if cut short or broken. */
export function dechunk(b: Uint8Array, from: number): { body: Uint8Array; chunks: Chunk[]; end: number; last: number } | null {
  const chunks: Chunk[] = [];
  const scan = scanChunks(b, from, (c) => chunks.push(c));
  if (scan.end < 0) return null;
  let size = 0;
  for (const c of chunks) size += c.size;
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(b.subarray(c.data, c.data + c.size), at);
    at += c.size;
  }
  return { body, chunks, end: scan.end, last: scan.last };
}
