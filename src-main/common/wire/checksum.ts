// The internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words.
// Sums are kept as plain non-negative numbers and folded at the end, so partial sums can be added together
// (pseudo header + header + payload) before one final fold.

import type { Ipv4Address } from './ipv4-address.ts';

/**
 * Adds the bytes [start, end) to `initial` as 16-bit big-endian words (an odd last byte is padded with zero).
 * Returns an unfolded partial sum; pass it on to another `sum` or to `finish`.
 * `start` must be even relative to the checksummed region when partial sums are chained.
 */
export function sum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let acc = initial;
  let i = start;
  const last = end - 1;
  for (; i < last; i += 2) acc += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i === last) acc += bytes[i]! << 8;
  return acc;
}

/** Folds a partial sum to 16 bits (end-around carry). */
export function fold(partial: number): number {
  let x = partial;
  while (x > 0xffff) x = (x & 0xffff) + Math.floor(x / 0x10000);
  return x;
}

/** The checksum field value for a partial sum: ~fold(sum) & 0xffff. */
export function finish(partial: number): number {
  return ~fold(partial) & 0xffff;
}

/** The checksum of bytes [start, end). */
export function checksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finish(sum(bytes, start, end));
}

/** True when a region that contains its own checksum field sums to 0xffff (i.e. verifies). */
export function verify(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): boolean {
  return fold(sum(bytes, start, end, initial)) === 0xffff;
}

/** Partial sum of the IPv4 pseudo header (RFC 768 / RFC 793): src, dst, zero, protocol, upper-layer length. */
export function pseudoHeaderSum(src: Ipv4Address, dst: Ipv4Address, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + (length >>> 16) + (length & 0xffff);
}
