// The check values of the two wrappers: gzip's CRC-32 (RFC 1952 8, the reflected polynomial 0xEDB88320) and
// zlib's Adler-32 (RFC 1950 9). Both run over a range so a caller can check a header without copying it.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of b[start, end), continuing from `crc` (the CRC of the bytes before; 0 to start). */
export function crc32(b: Uint8Array, start = 0, end = b.length, crc = 0): number {
  let c = ~crc;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const ADLER_MOD = 65521;
/** Bytes summed between reductions: the most for which the sums still fit in 32 bits (as zlib does), so they stay small integers. */
const ADLER_RUN = 5552;

/** Adler-32 of b[start, end), continuing from `adler` (1 to start). */
export function adler32(b: Uint8Array, start = 0, end = b.length, adler = 1): number {
  let a = adler & 0xffff;
  let s = adler >>> 16;
  for (let i = start; i < end; ) {
    const stop = Math.min(end, i + ADLER_RUN);
    for (; i < stop; i++) {
      a += b[i]!;
      s += a;
    }
    a %= ADLER_MOD;
    s %= ADLER_MOD;
  }
  return ((s << 16) | a) >>> 0;
}
