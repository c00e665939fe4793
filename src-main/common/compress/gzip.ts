// gzip (RFC 1952): each member is a header (magic, method, flags and the optional extra field, file name, comment
// and header CRC), raw DEFLATE data and a trailer with the CRC-32 and length (mod 2^32) of what it held. Members
// may follow one another (the result is their concatenation); anything else after a member is refused.

import { crc32 } from './checksums.ts';
import { InflateError } from './error.ts';
import { DEFAULT_MAX_OUTPUT, inflateRaw, type InflateOptions } from './inflate.ts';

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

function readU32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function need(data: Uint8Array, at: number, n: number, what: string): void {
  if (at + n > data.length) throw new InflateError('gzip', Math.min(at, data.length), `truncated: input ends inside ${what}`);
}

/** The offset just past a zero-terminated string (FNAME, FCOMMENT) starting at `at`. */
function skipString(data: Uint8Array, at: number, what: string): number {
  const z = data.indexOf(0, at);
  if (z < 0) throw new InflateError('gzip', at, `truncated: ${what} has no terminating zero`);
  return z + 1;
}

/** Reads one member's header from `start`; returns where its DEFLATE data begins. */
function readHeader(data: Uint8Array, start: number): number {
  need(data, start, 10, 'the header');
  if (data[start] !== 0x1f || data[start + 1] !== 0x8b) {
    throw new InflateError('gzip', start, `not gzip: starts 0x${hex2(data[start]!)} 0x${hex2(data[start + 1]!)}, expected 0x1f 0x8b`);
  }
  if (data[start + 2] !== 8) throw new InflateError('gzip', start + 2, `unsupported compression method ${data[start + 2]} (only 8, deflate)`);
  const flags = data[start + 3]!;
  if (flags & FRESERVED) throw new InflateError('gzip', start + 3, `reserved flag bits set (flags 0x${hex2(flags)})`);
  // MTIME, XFL and OS (bytes 4-9) tell nothing needed to decode; FTEXT (0x01) is a hint only.
  let at = start + 10;
  if (flags & FEXTRA) {
    need(data, at, 2, 'the extra field length');
    const xlen = data[at]! | (data[at + 1]! << 8);
    need(data, at + 2, xlen, `the ${xlen}-byte extra field`);
    at += 2 + xlen;
  }
  if (flags & FNAME) at = skipString(data, at, 'the file name');
  if (flags & FCOMMENT) at = skipString(data, at, 'the comment');
  if (flags & FHCRC) {
    need(data, at, 2, 'the header CRC');
    const want = data[at]! | (data[at + 1]! << 8);
    const got = crc32(data, start, at) & 0xffff;
    if (want !== got) throw new InflateError('gzip', at, `header CRC mismatch: header says 0x${hex4(want)}, header bytes give 0x${hex4(got)}`);
    at += 2;
  }
  return at;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** Decodes a gzip stream (one member or several in a row). */
export function gunzip(data: Uint8Array, options: InflateOptions = {}): Uint8Array {
  const max = options.maxOutput ?? DEFAULT_MAX_OUTPUT;
  const parts: Uint8Array[] = [];
  let total = 0;
  let at = 0;
  do {
    const deflateAt = readHeader(data, at);
    let inflated;
    try {
      inflated = inflateRaw(data, deflateAt, { maxOutput: max - total });
    } catch (e) {
      // The budget left is what the member was refused against; say the whole limit instead.
      if (e instanceof InflateError && e.reason.startsWith('output exceeds')) throw new InflateError('gzip', e.offset, `output exceeds the limit of ${max} bytes`);
      throw e;
    }
    const { output, end } = inflated;
    need(data, end, 8, 'the trailer (CRC-32 and length)');
    const crc = readU32le(data, end);
    const got = crc32(output);
    if (crc !== got) throw new InflateError('gzip', end, `CRC-32 mismatch: trailer says 0x${hex8(crc)}, data gives 0x${hex8(got)}`);
    const isize = readU32le(data, end + 4);
    if (isize !== output.length >>> 0) throw new InflateError('gzip', end + 4, `length mismatch: trailer says ${isize} bytes, data gives ${output.length}`);
    parts.push(output);
    total += output.length;
    at = end + 8;
    if (at < data.length && !(data[at] === 0x1f && data[at + 1] === 0x8b)) {
      throw new InflateError('gzip', at, `${data.length - at} byte${data.length - at === 1 ? '' : 's'} of trailing data after the gzip member`);
    }
  } while (at < data.length);
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
