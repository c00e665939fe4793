// AES-GCM (NIST SP 800-38D) in plain TypeScript: CTR encryption with a 32-bit counter (inc32) and GHASH over
// GF(2^128) with Shoup's 4-bit tables, the tag truncated to 4..16 bytes. And the ESP transform Docker's encrypted
// overlay uses, rfc4106(gcm(aes)) (RFC 4106): nonce = 4-byte salt || 8-byte explicit IV, AAD = SPI || seq,
// ICV 8 bytes (libnetwork sets ICVLen 64), pluggable into common/wire/esp.ts as an EspCipher.

import { DOCKER_OVERLAY_LAYOUT, type EspCipher } from '../../common/wire/esp.ts';
import { Aes } from './aes.ts';

/** GHASH key tables: the 16 multiples of H by 4-bit values, as four 32-bit words each. */
class Ghash {
  private readonly m = new Uint32Array(16 * 4);

  constructor(h: Uint8Array) {
    const v = [be32(h, 0), be32(h, 4), be32(h, 8), be32(h, 12)];
    // m[8] = H, m[4] = H·x, m[2] = H·x^2, m[1] = H·x^3 (bit order reflected, as GCM is), sums by XOR.
    const set = (i: number, w: number[]): void => {
      for (let k = 0; k < 4; k++) this.m[i * 4 + k] = w[k]! >>> 0;
    };
    set(8, v);
    let cur = v;
    for (const i of [4, 2, 1]) {
      cur = shiftRightReduce(cur);
      set(i, cur);
    }
    for (const i of [2, 4, 8]) {
      for (let j = 1; j < i; j++) {
        const w: number[] = [];
        for (let k = 0; k < 4; k++) w.push(this.m[i * 4 + k]! ^ this.m[j * 4 + k]!);
        set(i + j, w);
      }
    }
  }

  /** y = (y ⊕ block) · H, in place; `block` is 16 bytes at `off` (zero-padded past `end`). */
  update(y: Uint32Array, block: Uint8Array, off: number, end: number): void {
    const x = new Uint8Array(16);
    for (let i = 0; i < 16 && off + i < end; i++) x[i] = block[off + i]!;
    for (let k = 0; k < 4; k++) y[k] = (y[k]! ^ be32(x, 4 * k)) >>> 0;
    this.mul(y);
  }

  /** y = y · H (Shoup, 4 bits at a time from the last byte to the first). */
  private mul(y: Uint32Array): void {
    const m = this.m;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    for (let i = 15; i >= 0; i--) {
      const byte = (y[i >>> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
      for (const nib of [byte & 0x0f, byte >>> 4]) {
        // z = z · x^4, reducing the 4 bits shifted out.
        const rem = z3 & 0x0f;
        z3 = ((z3 >>> 4) | (z2 << 28)) >>> 0;
        z2 = ((z2 >>> 4) | (z1 << 28)) >>> 0;
        z1 = ((z1 >>> 4) | (z0 << 28)) >>> 0;
        z0 = ((z0 >>> 4) ^ R4[rem]!) >>> 0;
        z0 = (z0 ^ m[nib * 4]!) >>> 0;
        z1 = (z1 ^ m[nib * 4 + 1]!) >>> 0;
        z2 = (z2 ^ m[nib * 4 + 2]!) >>> 0;
        z3 = (z3 ^ m[nib * 4 + 3]!) >>> 0;
      }
    }
    y[0] = z0;
    y[1] = z1;
    y[2] = z2;
    y[3] = z3;
  }
}

/** The reduction of 4 bits shifted out of a GCM element (x^128 = x^7 + x^2 + x + 1, reflected: 0xe1). */
const R4 = (() => {
  const r = new Uint32Array(16);
  for (let i = 0; i < 16; i++) {
    let v = 0;
    for (let b = 0; b < 4; b++) if (i & (1 << b)) v ^= (0xe1000000 >>> (3 - b)) >>> 0;
    r[i] = v >>> 0;
  }
  return r;
})();

function shiftRightReduce(v: number[]): number[] {
  const lsb = v[3]! & 1;
  const out = [v[0]! >>> 1, ((v[1]! >>> 1) | (v[0]! << 31)) >>> 0, ((v[2]! >>> 1) | (v[1]! << 31)) >>> 0, ((v[3]! >>> 1) | (v[2]! << 31)) >>> 0];
  if (lsb) out[0] = (out[0]! ^ 0xe1000000) >>> 0;
  return out;
}

function be32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

/** AES-GCM with one key: seal and open with any nonce length, AAD and tag length (4..16). */
export class AesGcm {
  private readonly aes: Aes;
  private readonly ghash: Ghash;

  constructor(key: Uint8Array) {
    this.aes = new Aes(key);
    const h = new Uint8Array(16);
    this.aes.encryptBlock(new Uint8Array(16), 0, h, 0);
    this.ghash = new Ghash(h);
  }

  /** J0: nonce || 0^31 || 1 for 96-bit nonces, else GHASH(nonce || pad || len64(nonce)). */
  private j0(nonce: Uint8Array): Uint8Array {
    const j = new Uint8Array(16);
    if (nonce.length === 12) {
      j.set(nonce);
      j[15] = 1;
      return j;
    }
    const y = new Uint32Array(4);
    for (let off = 0; off < nonce.length; off += 16) this.ghash.update(y, nonce, off, nonce.length);
    const len = new Uint8Array(16);
    writeLen(len, 8, nonce.length);
    this.ghash.update(y, len, 0, 16);
    for (let k = 0; k < 4; k++) {
      j[4 * k] = y[k]! >>> 24;
      j[4 * k + 1] = (y[k]! >>> 16) & 0xff;
      j[4 * k + 2] = (y[k]! >>> 8) & 0xff;
      j[4 * k + 3] = y[k]! & 0xff;
    }
    return j;
  }

  /** GCTR from inc32(J0): XORs the keystream into `data` (a copy is returned). */
  private ctr(j0: Uint8Array, data: Uint8Array): Uint8Array {
    const out = data.slice();
    const cb = j0.slice();
    const ks = new Uint8Array(16);
    let c = be32(cb, 12);
    for (let off = 0; off < out.length; off += 16) {
      c = (c + 1) >>> 0;
      cb[12] = c >>> 24;
      cb[13] = (c >>> 16) & 0xff;
      cb[14] = (c >>> 8) & 0xff;
      cb[15] = c & 0xff;
      this.aes.encryptBlock(cb, 0, ks, 0);
      const n = Math.min(16, out.length - off);
      for (let i = 0; i < n; i++) out[off + i] = out[off + i]! ^ ks[i]!;
    }
    return out;
  }

  private tag(j0: Uint8Array, aad: Uint8Array, ct: Uint8Array, tagLen: number): Uint8Array {
    const y = new Uint32Array(4);
    for (let off = 0; off < aad.length; off += 16) this.ghash.update(y, aad, off, aad.length);
    for (let off = 0; off < ct.length; off += 16) this.ghash.update(y, ct, off, ct.length);
    const len = new Uint8Array(16);
    writeLen(len, 0, aad.length);
    writeLen(len, 8, ct.length);
    this.ghash.update(y, len, 0, 16);
    const s = new Uint8Array(16);
    for (let k = 0; k < 4; k++) {
      s[4 * k] = y[k]! >>> 24;
      s[4 * k + 1] = (y[k]! >>> 16) & 0xff;
      s[4 * k + 2] = (y[k]! >>> 8) & 0xff;
      s[4 * k + 3] = y[k]! & 0xff;
    }
    const ek = new Uint8Array(16);
    this.aes.encryptBlock(j0, 0, ek, 0);
    const t = new Uint8Array(tagLen);
    for (let i = 0; i < tagLen; i++) t[i] = s[i]! ^ ek[i]!;
    return t;
  }

  /** Returns ciphertext || tag (tagLen bytes). */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, tagLen = 16): Uint8Array {
    checkTag(tagLen);
    const j0 = this.j0(nonce);
    const ct = this.ctr(j0, plaintext);
    const out = new Uint8Array(ct.length + tagLen);
    out.set(ct);
    out.set(this.tag(j0, aad, ct, tagLen), ct.length);
    return out;
  }

  /** Takes ciphertext || tag; returns the plaintext, or undefined when the tag does not verify. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array, tagLen = 16): Uint8Array | undefined {
    checkTag(tagLen);
    if (sealed.length < tagLen) return undefined;
    const j0 = this.j0(nonce);
    const ct = sealed.subarray(0, sealed.length - tagLen);
    const expect = this.tag(j0, aad, ct, tagLen);
    let diff = 0;
    for (let i = 0; i < tagLen; i++) diff |= expect[i]! ^ sealed[ct.length + i]!;
    if (diff !== 0) return undefined;
    return this.ctr(j0, ct);
  }
}

function checkTag(n: number): void {
  if (!Number.isInteger(n) || n < 4 || n > 16) throw new RangeError(`GCM: tag length ${n} (4..16 expected)`);
}

/** Writes a bit length (bytes × 8) as a 64-bit big-endian number. */
function writeLen(b: Uint8Array, off: number, bytes: number): void {
  const bits = bytes * 8;
  const hi = Math.floor(bits / 2 ** 32);
  const lo = bits >>> 0;
  b[off] = hi >>> 24;
  b[off + 1] = (hi >>> 16) & 0xff;
  b[off + 2] = (hi >>> 8) & 0xff;
  b[off + 3] = hi & 0xff;
  b[off + 4] = lo >>> 24;
  b[off + 5] = (lo >>> 16) & 0xff;
  b[off + 6] = (lo >>> 8) & 0xff;
  b[off + 7] = lo & 0xff;
}

/**
 * rfc4106(gcm(aes)) as an EspCipher: `key` is the AES key (16 or 32 bytes), `salt` the 4-byte nonce salt (Docker:
 * the SPI big-endian), `icvLen` 8 (Docker) or 12/16. Nonce = salt || explicit IV; AAD = SPI || seq.
 */
export function rfc4106(key: Uint8Array, salt: Uint8Array, icvLen = 8): EspCipher {
  if (salt.length !== 4) throw new RangeError(`rfc4106: salt of ${salt.length} bytes (4 expected)`);
  const gcm = new AesGcm(key);
  const nonce = (iv: Uint8Array): Uint8Array => {
    const n = new Uint8Array(12);
    n.set(salt);
    n.set(iv, 4);
    return n;
  };
  return {
    ...DOCKER_OVERLAY_LAYOUT,
    icvLen,
    encrypt: (plaintext, iv, aad) => gcm.seal(nonce(iv), plaintext, aad, icvLen),
    decrypt: (sealed, iv, aad) => gcm.open(nonce(iv), sealed, aad, icvLen),
  };
}

/** The 4 bytes of `spi` in big-endian: the salt libnetwork's buildAeadAlgo appends to the key. */
export function spiSalt(spi: number): Uint8Array {
  return new Uint8Array([spi >>> 24, (spi >>> 16) & 0xff, (spi >>> 8) & 0xff, spi & 0xff]);
}
