// Keyed 32-bit hashes built from murmur3's pieces: they stand in for the kernel's siphash with a boot-time secret
// (TCP's ISN, timestamp offset and port choice; the IP ID counter choice). Deterministic for a given key.

/** murmur3's body step: folds the 32-bit word `v` into the state `h`. */
export function murmurMix(h: number, v: number): number {
  v = Math.imul(v, 0xcc9e2d51);
  v = (v << 15) | (v >>> 17);
  v = Math.imul(v, 0x1b873593);
  h ^= v;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser (fmix32): an unsigned 32-bit result. */
export function murmurFinal(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A keyed 32-bit hash of `words` (murmur3 body and finaliser, the key words first). */
export function keyedHash(key: readonly number[], words: readonly number[]): number {
  let h = 0x9747b28c;
  for (const k of key) h = murmurMix(h, k);
  for (const w of words) h = murmurMix(h, w >>> 0);
  h ^= (key.length + words.length) * 4;
  return murmurFinal(h);
}
