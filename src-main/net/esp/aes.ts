// AES (FIPS-197) block encryption for 128-, 192- and 256-bit keys, in plain TypeScript over Uint8Array and 32-bit
// integers: the key schedule and the forward cipher with the usual four T-tables. Only encryption is needed here
// (GCM and CTR use the forward cipher in both directions). Not constant-time: it emulates, it does not protect.

const SBOX = new Uint8Array(256);
const T0 = new Uint32Array(256);
const T1 = new Uint32Array(256);
const T2 = new Uint32Array(256);
const T3 = new Uint32Array(256);

(function init(): void {
  // Build the S-box from the multiplicative inverse in GF(2^8) and the affine map.
  let p = 1;
  let q = 1;
  do {
    p = (p ^ ((p << 1) & 0xff) ^ (p & 0x80 ? 0x1b : 0)) & 0xff; // p *= 3
    q ^= q << 1; // q /= 3
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const x = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
    SBOX[p] = (x ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i]!;
    const s2 = xtime(s);
    const s3 = s2 ^ s;
    const t = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0;
    T0[i] = t;
    T1[i] = ((t >>> 8) | (t << 24)) >>> 0;
    T2[i] = ((t >>> 16) | (t << 16)) >>> 0;
    T3[i] = ((t >>> 24) | (t << 8)) >>> 0;
  }
})();

function rotl8(x: number, n: number): number {
  return ((x << n) | (x >>> (8 - n))) & 0xff;
}

function xtime(x: number): number {
  return ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
}

/** An expanded AES key: encrypts 16-byte blocks. */
export class Aes {
  private readonly rk: Uint32Array;
  private readonly rounds: number;

  constructor(key: Uint8Array) {
    const nk = key.length / 4;
    if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new RangeError(`AES: key of ${key.length} bytes (16, 24 or 32 expected)`);
    this.rounds = nk + 6;
    const total = 4 * (this.rounds + 1);
    const w = new Uint32Array(total);
    for (let i = 0; i < nk; i++) w[i] = ((key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!) >>> 0;
    let rcon = 1;
    for (let i = nk; i < total; i++) {
      let t = w[i - 1]!;
      if (i % nk === 0) {
        t = subWord(((t << 8) | (t >>> 24)) >>> 0) ^ (rcon << 24);
        rcon = xtime(rcon);
      } else if (nk > 6 && i % nk === 4) {
        t = subWord(t);
      }
      w[i] = (w[i - nk]! ^ t) >>> 0;
    }
    this.rk = w;
  }

  /** Encrypts the 16 bytes at `input[inOff..]` into `out[outOff..]`. */
  encryptBlock(input: Uint8Array, inOff: number, out: Uint8Array, outOff: number): void {
    const rk = this.rk;
    let s0 = (((input[inOff]! << 24) | (input[inOff + 1]! << 16) | (input[inOff + 2]! << 8) | input[inOff + 3]!) ^ rk[0]!) >>> 0;
    let s1 = (((input[inOff + 4]! << 24) | (input[inOff + 5]! << 16) | (input[inOff + 6]! << 8) | input[inOff + 7]!) ^ rk[1]!) >>> 0;
    let s2 = (((input[inOff + 8]! << 24) | (input[inOff + 9]! << 16) | (input[inOff + 10]! << 8) | input[inOff + 11]!) ^ rk[2]!) >>> 0;
    let s3 = (((input[inOff + 12]! << 24) | (input[inOff + 13]! << 16) | (input[inOff + 14]! << 8) | input[inOff + 15]!) ^ rk[3]!) >>> 0;
    let k = 4;
    for (let r = 1; r < this.rounds; r++) {
      const t0 = T0[s0 >>> 24]! ^ T1[(s1 >>> 16) & 0xff]! ^ T2[(s2 >>> 8) & 0xff]! ^ T3[s3 & 0xff]! ^ rk[k]!;
      const t1 = T0[s1 >>> 24]! ^ T1[(s2 >>> 16) & 0xff]! ^ T2[(s3 >>> 8) & 0xff]! ^ T3[s0 & 0xff]! ^ rk[k + 1]!;
      const t2 = T0[s2 >>> 24]! ^ T1[(s3 >>> 16) & 0xff]! ^ T2[(s0 >>> 8) & 0xff]! ^ T3[s1 & 0xff]! ^ rk[k + 2]!;
      const t3 = T0[s3 >>> 24]! ^ T1[(s0 >>> 16) & 0xff]! ^ T2[(s1 >>> 8) & 0xff]! ^ T3[s2 & 0xff]! ^ rk[k + 3]!;
      s0 = t0 >>> 0;
      s1 = t1 >>> 0;
      s2 = t2 >>> 0;
      s3 = t3 >>> 0;
      k += 4;
    }
    const f = (a: number, b: number, c: number, d: number, key: number): number =>
      (((SBOX[a >>> 24]! << 24) | (SBOX[(b >>> 16) & 0xff]! << 16) | (SBOX[(c >>> 8) & 0xff]! << 8) | SBOX[d & 0xff]!) ^ key) >>> 0;
    const o0 = f(s0, s1, s2, s3, rk[k]!);
    const o1 = f(s1, s2, s3, s0, rk[k + 1]!);
    const o2 = f(s2, s3, s0, s1, rk[k + 2]!);
    const o3 = f(s3, s0, s1, s2, rk[k + 3]!);
    for (const [i, v] of [o0, o1, o2, o3].entries()) {
      out[outOff + 4 * i] = v >>> 24;
      out[outOff + 4 * i + 1] = (v >>> 16) & 0xff;
      out[outOff + 4 * i + 2] = (v >>> 8) & 0xff;
      out[outOff + 4 * i + 3] = v & 0xff;
    }
  }
}

function subWord(w: number): number {
  return ((SBOX[w >>> 24]! << 24) | (SBOX[(w >>> 16) & 0xff]! << 16) | (SBOX[(w >>> 8) & 0xff]! << 8) | SBOX[w & 0xff]!) >>> 0;
}
