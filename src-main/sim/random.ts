// Seeded random streams: xoshiro128** (Blackman & Vigna), 32-bit arithmetic only.
// A lab has one root stream made from its seed; every component takes its own stream with fork(name). A fork is
// derived from the parent's *key* (seed + path of names), never from how many numbers the parent has drawn, so
// adding a draw in one component never shifts the numbers another component sees. Nothing here is global.

/** Anything that hands out uniform 32-bit integers; the helpers below need only this. */
export interface RandomSource {
  nextU32(): number;
}

const imul = Math.imul;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One murmur3 body step: folds the 32-bit word `v` into the running hash `h`. */
function mix(h: number, v: number): number {
  v = imul(v, 0xcc9e2d51);
  v = rotl(v, 15);
  v = imul(v, 0x1b873593);
  h ^= v;
  h = rotl(h, 13);
  return (imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finaliser (an invertible avalanche of 32 bits). */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Lane constants (from the digits of pi) so the four key words are independent hashes. */
const LANE = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;

function deriveKey(words: readonly number[], name: string): Uint32Array {
  const key = new Uint32Array(4);
  for (let lane = 0; lane < 4; lane++) {
    let h: number = LANE[lane]!;
    for (const w of words) h = mix(h, w);
    for (let i = 0; i < name.length; i++) h = mix(h, name.charCodeAt(i));
    h = mix(h, name.length);
    key[lane] = fmix(h ^ (words.length * 4 + name.length));
  }
  if ((key[0]! | key[1]! | key[2]! | key[3]!) === 0) key[0] = 1; // xoshiro's one forbidden state
  return key;
}

export class Random implements RandomSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private readonly key: Uint32Array;

  /**
   * The root stream for `seed` (a non-negative safe integer). `path` names the stream in messages ("" for the root,
   * "n1/tcp" for root.fork("n1").fork("tcp")).
   */
  constructor(seed: number, path?: string);
  /** @internal */
  constructor(seed: number, path: string, key: Uint32Array);
  constructor(
    seed: number,
    readonly path: string = '',
    key?: Uint32Array,
  ) {
    if (key === undefined) {
      if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`Random: seed must be a non-negative safe integer, got ${seed}`);
      key = deriveKey([seed >>> 0, Math.floor(seed / 0x1_0000_0000)], '');
    }
    this.key = key;
    this.seed = seed;
    this.s0 = key[0]! | 0;
    this.s1 = key[1]! | 0;
    this.s2 = key[2]! | 0;
    this.s3 = key[3]! | 0;
  }

  /** The lab seed this stream descends from. */
  readonly seed: number;

  /** A generator started from raw xoshiro128** state words (for checking the core against reference values). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Random {
    const key = new Uint32Array([s0, s1, s2, s3]);
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('Random.fromState: the all-zero state is not allowed');
    return new Random(0, '<state>', key);
  }

  /**
   * An independent stream for the component `name`, derived from this stream's seed and path only (not from how
   * much of this stream has been used). The same name always gives the same stream.
   */
  fork(name: string): Random {
    const k = this.key;
    return new Random(this.seed, this.path === '' ? name : `${this.path}/${name}`, deriveKey([k[0]!, k[1]!, k[2]!, k[3]!], name));
  }

  /** A uniform integer in [0, 2^32). */
  nextU32(): number {
    const s1 = this.s1;
    const result = imul(rotl(imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return nextFloat(this);
  }

  /** A uniform integer in [lo, hi], both inclusive (hi - lo < 2^32). */
  int(lo: number, hi: number): number {
    return int(this, lo, hi);
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return int(this, 0, n - 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return nextFloat(this) < p;
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[] {
    return shuffle(this, array);
  }

  /** One element chosen uniformly; throws on an empty array. */
  pick<T>(array: readonly T[]): T {
    if (array.length === 0) throw new RangeError('Random.pick: empty array');
    return array[int(this, 0, array.length - 1)]!;
  }

  /** Fills `bytes` with random bytes and returns it. */
  fill(bytes: Uint8Array): Uint8Array {
    for (let i = 0; i < bytes.length; i += 4) {
      let v = this.nextU32();
      for (let j = i; j < i + 4 && j < bytes.length; j++) {
        bytes[j] = v & 0xff;
        v >>>= 8;
      }
    }
    return bytes;
  }
}

/** A uniform float in [0, 1) with 53 random bits (two draws). */
export function nextFloat(r: RandomSource): number {
  const a = r.nextU32() >>> 5; // 27 bits
  const b = r.nextU32() >>> 6; // 26 bits
  return (a * 67108864 + b) / 9007199254740992;
}

/** A uniform integer in [lo, hi], both inclusive, without modulo bias (rejection sampling). */
export function int(r: RandomSource, lo: number, hi: number): number {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) throw new RangeError(`Random.int: bad range [${lo}, ${hi}]`);
  const range = hi - lo + 1;
  if (range > 0x1_0000_0000) throw new RangeError(`Random.int: range [${lo}, ${hi}] is wider than 2^32`);
  if (range === 0x1_0000_0000) return lo + r.nextU32();
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % range);
  let u = r.nextU32();
  while (u >= limit) u = r.nextU32();
  return lo + (u % range);
}

/** Fisher–Yates shuffle in place; returns the array. */
export function shuffle<T>(r: RandomSource, array: T[]): T[] {
  for (let i = array.length - 1; i > 0; i--) {
    const j = int(r, 0, i);
    const tmp = array[i]!;
    array[i] = array[j]!;
    array[j] = tmp;
  }
  return array;
}
