// zlib (RFC 1950): a two-byte header (method 8, a window size, a check that makes it a multiple of 31, the preset
// dictionary flag), raw DEFLATE data and the Adler-32 of the output, most significant byte first.

import { adler32 } from './checksums.ts';
import { InflateError } from './error.ts';
import { inflateRaw, type InflateOptions } from './inflate.ts';

/** Why the two bytes at `data[0]` are not a zlib header we can decode, or null when they are one. */
function headerProblem(data: Uint8Array): string | null {
  if (data.length < 2) return 'truncated: input ends inside the header';
  const cmf = data[0]!;
  const flg = data[1]!;
  if ((cmf & 0x0f) !== 8) return `unsupported compression method ${cmf & 0x0f} (only 8, deflate)`;
  if (cmf >> 4 > 7) return `invalid window size 2^${(cmf >> 4) + 8} (at most 2^15)`;
  if (((cmf << 8) | flg) % 31 !== 0) return `header check failed (0x${((cmf << 8) | flg).toString(16).padStart(4, '0')} is not a multiple of 31)`;
  if (flg & 0x20) return 'a preset dictionary is required, which HTTP never supplies';
  return null;
}

/** True when the data starts with a zlib header (HTTP's "deflate" is meant to be zlib, but some servers send raw DEFLATE). */
export function looksLikeZlib(data: Uint8Array): boolean {
  return headerProblem(data) === null;
}

/** Decodes a zlib stream. */
export function unzlib(data: Uint8Array, options: InflateOptions = {}): Uint8Array {
  const problem = headerProblem(data);
  if (problem !== null) throw new InflateError('zlib', 0, problem);
  const { output, end } = inflateRaw(data, 2, options);
  if (end + 4 > data.length) throw new InflateError('zlib', Math.min(end, data.length), 'truncated: input ends inside the Adler-32 trailer');
  const want = ((data[end]! << 24) | (data[end + 1]! << 16) | (data[end + 2]! << 8) | data[end + 3]!) >>> 0;
  const got = adler32(output);
  if (want !== got) throw new InflateError('zlib', end, `Adler-32 mismatch: trailer says 0x${want.toString(16).padStart(8, '0')}, data gives 0x${got.toString(16).padStart(8, '0')}`);
  if (end + 4 < data.length) throw new InflateError('zlib', end + 4, `${data.length - end - 4} bytes of trailing data after the zlib stream`);
  return output;
}
