// Raw DEFLATE (RFC 1951) decoding: stored, fixed-Huffman and dynamic-Huffman blocks. Written for bytes off the
// wire, so every read is checked: a bad code, a back-reference before the start of the output or input that ends
// early is an InflateError naming the byte, and the output is capped (`maxOutput`), so a small hostile stream
// cannot make it allocate without bound. Each step either consumes input bits or writes output, so it always ends.
// No Node imports: the renderer uses it too.

import { InflateError } from './error.ts';

/** The default output cap: a decompression bomb stops here. */
export const DEFAULT_MAX_OUTPUT = 8 * 1024 * 1024;

export interface InflateOptions {
  /** Refuse to produce more than this many bytes (default DEFAULT_MAX_OUTPUT). */
  maxOutput?: number;
}

export interface Inflated {
  output: Uint8Array;
  /** Offset just past the last byte of the final block (where a wrapper's trailer starts). */
  end: number;
}

// RFC 1951 3.2.5: length codes 257..285 and distance codes 0..29, as base value and extra bits.
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
// RFC 1951 3.2.7: the order the code length code's lengths are sent in.
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const MAX_BITS = 15;

/**
 * A canonical Huffman code as a lookup table indexed by the next `bits` input bits (least significant first, as
 * DEFLATE packs them): each entry is symbol << 4 | code length, 0 where no code matches.
 */
interface Huffman {
  table: Uint16Array;
  bits: number;
}

type CodeKind = 'literal/length' | 'distance' | 'code length';

/** Reads bits least significant first, checking every read against the end of the input. */
class BitReader {
  private buf = 0;
  private cnt = 0;
  constructor(
    private readonly data: Uint8Array,
    private pos: number,
  ) {}

  /** The byte holding the next unread bit. */
  get offset(): number {
    return this.pos - ((this.cnt + 7) >> 3);
  }

  /** Loads whole bytes while the buffer has room (at most 32 bits held). */
  private fill(): void {
    while (this.cnt <= 24 && this.pos < this.data.length) {
      this.buf |= this.data[this.pos++]! << this.cnt;
      this.cnt += 8;
    }
  }

  truncated(what: string): InflateError {
    return new InflateError('deflate', this.offset, `truncated: input ends inside ${what}`);
  }

  /** The next n bits (n <= 16) as a number. */
  bits(n: number, what: string): number {
    if (n === 0) return 0;
    if (this.cnt < n) {
      this.fill();
      if (this.cnt < n) throw this.truncated(what);
    }
    const v = this.buf & ((1 << n) - 1);
    this.buf >>>= n;
    this.cnt -= n;
    return v;
  }

  /** Decodes one symbol of code `h`. */
  symbol(h: Huffman, kind: CodeKind): number {
    if (this.cnt < h.bits) this.fill();
    const at = this.offset;
    // Near the end of the input fewer bits than the table's width may remain: the missing ones read as zeros,
    // which is harmless when the matched code is no longer than the bits actually there.
    const e = h.table[this.buf & ((1 << h.bits) - 1)]!;
    const len = e & 15;
    if (len === 0 || len > this.cnt) {
      if (this.cnt < h.bits) throw this.truncated(`a ${kind} code`);
      throw new InflateError('deflate', at, `invalid ${kind} code`);
    }
    this.buf >>>= len;
    this.cnt -= len;
    return e >> 4;
  }

  /** Drops the bits left in the current byte and hands back the whole bytes buffered: the next byte offset. */
  alignToByte(): number {
    this.pos -= this.cnt >> 3;
    this.buf = 0;
    this.cnt = 0;
    return this.pos;
  }

  /** Moves to byte offset `pos` (after the caller read bytes directly); the buffer must be empty. */
  seek(pos: number): void {
    this.pos = pos;
  }
}

/** Builds the table for the code whose lengths are lengths[0, n); `at` is where they were read, for errors. */
function buildHuffman(lengths: ArrayLike<number>, n: number, kind: CodeKind, at: number): Huffman {
  const count = new Array<number>(MAX_BITS + 1).fill(0);
  let maxLen = 0;
  for (let i = 0; i < n; i++) {
    const l = lengths[i]!;
    count[l]!++;
    if (l > maxLen) maxLen = l;
  }
  count[0] = 0;
  // Kraft's inequality: too many codes of a length is a code no decoder could read; too few leaves some bit
  // patterns meaning nothing, which RFC 1951 tolerates only for a code of a single one-bit symbol (a distance
  // code with one distance, or none at all).
  let left = 1;
  for (let l = 1; l <= MAX_BITS; l++) {
    left = left * 2 - count[l]!;
    if (left < 0) throw new InflateError('deflate', at, `over-subscribed ${kind} code lengths`);
  }
  if (left > 0 && maxLen > 1) throw new InflateError('deflate', at, `incomplete ${kind} code lengths`);
  if (left > 0 && kind === 'code length' && maxLen === 1) throw new InflateError('deflate', at, `incomplete ${kind} code lengths`);
  const bits = Math.max(1, maxLen);
  const table = new Uint16Array(1 << bits);
  // RFC 1951 3.2.2: the first code of each length, then consecutive codes in symbol order.
  const next = new Array<number>(MAX_BITS + 2).fill(0);
  let code = 0;
  for (let l = 1; l <= MAX_BITS; l++) {
    code = (code + count[l - 1]!) << 1;
    next[l] = code;
  }
  for (let sym = 0; sym < n; sym++) {
    const l = lengths[sym]!;
    if (l === 0) continue;
    const c = next[l]!++;
    // Huffman codes are sent most significant bit first into a least-significant-first stream: reverse them.
    let r = 0;
    for (let i = 0; i < l; i++) r |= ((c >> i) & 1) << (l - 1 - i);
    for (let i = r; i < table.length; i += 1 << l) table[i] = (sym << 4) | l;
  }
  return { table, bits };
}

// RFC 1951 3.2.6: the fixed codes, built once.
const FIXED_LIT = (() => {
  const l = new Uint8Array(288);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  return buildHuffman(l, 288, 'literal/length', 0);
})();
// Distance symbols 30 and 31 complete the 5-bit code but never occur in valid data (refused when read).
const FIXED_DIST = buildHuffman(new Uint8Array(32).fill(5), 32, 'distance', 0);

/** The output so far, grown by doubling up to the cap. */
class Output {
  buf: Uint8Array;
  n = 0;
  constructor(
    private readonly max: number,
    hint: number,
  ) {
    this.buf = new Uint8Array(Math.min(max, Math.max(1024, hint)));
  }

  /** Makes room for k more bytes, or refuses past the cap. */
  reserve(k: number, at: number): void {
    const want = this.n + k;
    if (want <= this.buf.length) return;
    if (want > this.max) throw new InflateError('deflate', at, `output exceeds the limit of ${this.max} bytes`);
    const grown = new Uint8Array(Math.min(this.max, Math.max(want, this.buf.length * 2)));
    grown.set(this.buf.subarray(0, this.n));
    this.buf = grown;
  }
}

/** Reads a dynamic block's code definitions (RFC 1951 3.2.7). */
function readDynamic(r: BitReader): { lit: Huffman; dist: Huffman } {
  const at = r.offset;
  const hlit = r.bits(5, 'a dynamic block header') + 257;
  const hdist = r.bits(5, 'a dynamic block header') + 1;
  const hclen = r.bits(4, 'a dynamic block header') + 4;
  if (hlit > 286) throw new InflateError('deflate', at, `too many literal/length codes (${hlit}, at most 286)`);
  if (hdist > 30) throw new InflateError('deflate', at, `too many distance codes (${hdist}, at most 30)`);
  const clen = new Uint8Array(19);
  for (let i = 0; i < hclen; i++) clen[CLEN_ORDER[i]!] = r.bits(3, 'the code length code');
  const clCode = buildHuffman(clen, 19, 'code length', at);
  const lengths = new Uint8Array(hlit + hdist);
  const lengthsAt = r.offset;
  for (let i = 0; i < lengths.length; ) {
    const symAt = r.offset;
    const sym = r.symbol(clCode, 'code length');
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let value = 0;
    let times: number;
    if (sym === 16) {
      if (i === 0) throw new InflateError('deflate', symAt, 'repeat of the previous code length with no previous length');
      value = lengths[i - 1]!;
      times = 3 + r.bits(2, 'a code length repeat');
    } else if (sym === 17) times = 3 + r.bits(3, 'a code length repeat');
    else times = 11 + r.bits(7, 'a code length repeat');
    if (i + times > lengths.length) throw new InflateError('deflate', symAt, `code length repeat runs past the ${lengths.length} lengths`);
    lengths.fill(value, i, i + times);
    i += times;
  }
  if (lengths[256] === 0) throw new InflateError('deflate', lengthsAt, 'no code for end-of-block');
  return { lit: buildHuffman(lengths, hlit, 'literal/length', lengthsAt), dist: buildHuffman(lengths.subarray(hlit), hdist, 'distance', lengthsAt) };
}

/** Decodes a block's Huffman-coded symbols up to its end-of-block code. */
function inflateCodes(r: BitReader, out: Output, lit: Huffman, dist: Huffman): void {
  for (;;) {
    const at = r.offset;
    const sym = r.symbol(lit, 'literal/length');
    if (sym < 256) {
      out.reserve(1, at);
      out.buf[out.n++] = sym;
      continue;
    }
    if (sym === 256) return;
    const li = sym - 257;
    // 286 and 287 exist in the fixed code's table but are not lengths.
    if (li >= 29) throw new InflateError('deflate', at, `invalid length symbol ${sym}`);
    const length = LENGTH_BASE[li]! + r.bits(LENGTH_EXTRA[li]!, 'a length');
    const ds = r.symbol(dist, 'distance');
    if (ds >= 30) throw new InflateError('deflate', at, `invalid distance symbol ${ds}`);
    const distance = DIST_BASE[ds]! + r.bits(DIST_EXTRA[ds]!, 'a distance');
    if (distance > out.n) throw new InflateError('deflate', at, `distance ${distance} reaches back before the start of the output (${out.n} bytes so far)`);
    out.reserve(length, at);
    // Byte by byte: the copy may overlap what it writes (a distance shorter than the length repeats a run).
    const b = out.buf;
    let from = out.n - distance;
    let to = out.n;
    for (let k = 0; k < length; k++) b[to++] = b[from++]!;
    out.n = to;
  }
}

/** Decodes raw DEFLATE data starting at `data[start]`. */
export function inflateRaw(data: Uint8Array, start = 0, options: InflateOptions = {}): Inflated {
  const max = options.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const r = new BitReader(data, start);
  const out = new Output(max, (data.length - start) * 4);
  try {
    return inflateBlocks(data, r, out);
  } catch (e) {
    if (e instanceof InflateError) e.partial = out.buf.slice(0, out.n);
    throw e;
  }
}

function inflateBlocks(data: Uint8Array, r: BitReader, out: Output): Inflated {
  let final = 0;
  do {
    const at = r.offset;
    final = r.bits(1, 'a block header');
    const type = r.bits(2, 'a block header');
    if (type === 0) {
      // RFC 1951 3.2.4: skip to a byte boundary, LEN and its ones' complement NLEN, then LEN bytes as they are.
      const p = r.alignToByte();
      if (p + 4 > data.length) throw new InflateError('deflate', p, 'truncated: input ends inside a stored block header');
      const len = data[p]! | (data[p + 1]! << 8);
      const nlen = data[p + 2]! | (data[p + 3]! << 8);
      if (len !== (~nlen & 0xffff)) throw new InflateError('deflate', p, `stored block length ${len} does not match its complement ${nlen}`);
      if (p + 4 + len > data.length) throw new InflateError('deflate', p + 4, `truncated: stored block of ${len} bytes has only ${data.length - p - 4}`);
      out.reserve(len, p);
      out.buf.set(data.subarray(p + 4, p + 4 + len), out.n);
      out.n += len;
      r.seek(p + 4 + len);
    } else if (type === 1) {
      inflateCodes(r, out, FIXED_LIT, FIXED_DIST);
    } else if (type === 2) {
      const { lit, dist } = readDynamic(r);
      inflateCodes(r, out, lit, dist);
    } else {
      throw new InflateError('deflate', at, 'invalid block type 3');
    }
  } while (!final);
  return { output: out.buf.slice(0, out.n), end: r.alignToByte() };
}
