// ESP, the IP Encapsulating Security Payload (RFC 4303), as a crypto-free codec: the cipher is the caller's.
//
//  0     4     8                                                                               end
//  | SPI | seq | IV (ivLen) | payload ... | padding 1,2,3.. | pad len | next hdr | ICV (icvLen) |
//              |            |<------------- encrypted: the "plaintext" ------------>|
//
// Two levels, like the rest of wire/:
// - The wire record `EspPacket` (spi, seq, body) parses from and emits into bytes without any key: `body` is
//   everything after the sequence number (IV, ciphertext, ICV) exactly as it crossed the wire.
// - `seal` / `open` turn an `EspPayload` (spi, seq, IV, next header, payload) into that body and back through an
//   `EspCipher` the caller supplies. The plaintext (payload, padding, pad length, next header) is built by
//   `encodeTrailer` and taken apart by `decodeTrailer`; `NULL_CIPHER` (RFC 2410) makes the plaintext visible on the
//   wire, which is what the byte-exact tests use.
//
// Docker's encrypted overlay (`--opt encrypted`, libnetwork drivers/overlay/encryption.go): transport mode, one SA
// per direction and node pair, protecting the VXLAN UDP datagrams, so the outer IPv4 header carries protocol 50
// and next header is 17 (UDP). The AEAD is `rfc4106(gcm(aes))` with a 16-byte key plus a 4-byte salt; the salt is
// the SPI in big-endian (buildAeadAlgo), and `ICVLen: 64` makes the ICV 8 bytes (not 16), so the per-packet
// overhead is 8 + 8 + 2 + 8 = 26 bytes before padding (Docker's MTU arithmetic: 1450 - 26 -> 1424). The IV is
// the 8-byte explicit IV of RFC 4106; Linux's "seqiv" generator makes it be64(sequence number) XOR a per-SA random
// salt (`linuxSeqivIv`). GCM is a stream cipher (block size 1) so ESP pads only to a 4-byte boundary
// (`DOCKER_OVERLAY_LAYOUT.blockSize`), as Linux's esp_output does with ALIGN(blocksize, 4). The AAD is SPI || seq
// (8 bytes, no ESN) and the GCM nonce is salt || IV: net/ can plug a deterministic AES-GCM in as an EspCipher
// whose encrypt returns ciphertext || tag, with no change here.

import { readU32, writeU32 } from './bytes.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';

const P = 'esp';

export const field = { SPI: 0, SEQ: 4, BODY: 8 } as const;
export const HEADER_LEN = 8;
/** Pad length and next header. */
export const TRAILER_LEN = 2;
export const MAX_PADDING = 255;
/** Next header 59: no next header (a dummy packet, RFC 4303 2.6). */
export const NEXT_HEADER_NONE = 59;

/** The sizes a transform puts around the plaintext. */
export interface EspLayout {
  /** Bytes of explicit IV at the start of the body (8 for RFC 4106 AES-GCM, 0 for NULL). */
  readonly ivLen: number;
  /** Bytes of ICV at the end of the body (8 for Docker's AES-GCM, 0 for NULL without integrity). */
  readonly icvLen: number;
  /** The plaintext is padded to a multiple of this (at least 4, a power of two). */
  readonly blockSize: number;
}

/**
 * The cipher the caller supplies. `aad` is the ESP header (SPI || seq, 8 bytes) for AEAD transforms; transforms
 * that do not use it ignore it. Both functions must be pure (no hidden randomness): the IV is an argument.
 */
export interface EspCipher extends EspLayout {
  /** Returns ciphertext || ICV: `plaintext.length + icvLen` bytes. */
  encrypt(plaintext: Uint8Array, iv: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Takes ciphertext || ICV; returns the plaintext, or undefined when the ICV does not verify. */
  decrypt(sealed: Uint8Array, iv: Uint8Array, aad: Uint8Array): Uint8Array | undefined;
}

/** Docker's overlay transform: rfc4106(gcm(aes)), 8-byte IV, 8-byte ICV, 4-byte alignment. */
export const DOCKER_OVERLAY_LAYOUT: EspLayout = { ivLen: 8, icvLen: 8, blockSize: 4 };

/** RFC 2410 NULL encryption without integrity: the plaintext goes out as it is. */
export const NULL_CIPHER: EspCipher = {
  ivLen: 0,
  icvLen: 0,
  blockSize: 4,
  encrypt: (plaintext) => plaintext.slice(),
  decrypt: (sealed) => sealed.slice(),
};

/** An ESP packet as it is on the wire: nothing decrypted. */
export interface EspPacket {
  readonly spi: number;
  readonly seq: number;
  /** IV, ciphertext and ICV as received (everything after the sequence number). */
  readonly body: Uint8Array;
}

/** What an ESP packet carries once opened (or before it is sealed). */
export interface EspPayload {
  readonly spi: number;
  readonly seq: number;
  /** The explicit IV, `ivLen` bytes (empty for NULL). */
  readonly iv: Uint8Array;
  /** The protocol of the payload: 17 (UDP) for Docker's VXLAN-in-ESP, 4 (IPv4) in tunnel mode, 59 for a dummy. */
  readonly nextHeader: number;
  readonly payload: Uint8Array;
  /** Padding bytes; omitted = the minimum that aligns the plaintext to the block size (what Linux sends). */
  readonly padLength?: number;
}

/** The plaintext taken apart by decodeTrailer. */
export interface EspTrailer {
  readonly payload: Uint8Array;
  readonly padLength: number;
  readonly nextHeader: number;
  /** True when the padding is 1, 2, 3, ... as RFC 4303 2.4 requires of the default padding. */
  readonly paddingValid: boolean;
}

function u(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function checkLayout(l: EspLayout): void {
  if (!u(l.ivLen, 255) || !u(l.icvLen, 255)) throw new WireError(P, 'layout', field.BODY, `IV length ${l.ivLen} or ICV length ${l.icvLen} out of range`);
  if (!u(l.blockSize, 256) || l.blockSize < 4 || (l.blockSize & (l.blockSize - 1)) !== 0) {
    throw new WireError(P, 'layout', field.BODY, `block size ${l.blockSize} is not a power of two from 4 to 256`);
  }
}

export class EspView {
  private constructor(
    readonly bytes: Uint8Array,
    private readonly layout: EspLayout | undefined,
  ) {}

  /**
   * Checks the header fits. With a layout, also checks the body holds IV, at least the 2-byte trailer and ICV,
   * and that the encrypted part is a whole number of blocks; the packet is all of `bytes` (its length comes from IP).
   */
  static check(bytes: Uint8Array, layout?: EspLayout): EspView {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    if (layout) {
      checkLayout(layout);
      requireBytes(P, 'iv', field.BODY, layout.ivLen, bytes.length);
      const encStart = field.BODY + layout.ivLen;
      requireBytes(P, 'encrypted', encStart, TRAILER_LEN + layout.icvLen, bytes.length);
      const encLen = bytes.length - encStart - layout.icvLen;
      if (encLen % layout.blockSize !== 0) {
        throw new WireError(P, 'encrypted', encStart, `encrypted part of ${encLen} bytes is not a multiple of the ${layout.blockSize}-byte block`);
      }
    }
    return new EspView(bytes, layout);
  }

  get spi(): number {
    return readU32(this.bytes, field.SPI);
  }
  get seq(): number {
    return readU32(this.bytes, field.SEQ);
  }
  /** The 8 bytes an AEAD authenticates without encrypting: SPI || seq. */
  get aad(): Uint8Array {
    return this.bytes.subarray(0, HEADER_LEN);
  }
  get body(): Uint8Array {
    return this.bytes.subarray(HEADER_LEN);
  }
  private need(): EspLayout {
    if (!this.layout) throw new WireError(P, 'layout', field.BODY, 'the view was checked without a layout');
    return this.layout;
  }
  get iv(): Uint8Array {
    return this.bytes.subarray(field.BODY, field.BODY + this.need().ivLen);
  }
  /** The encrypted plaintext (payload, padding, pad length, next header). */
  get ciphertext(): Uint8Array {
    const l = this.need();
    return this.bytes.subarray(field.BODY + l.ivLen, this.bytes.length - l.icvLen);
  }
  get icv(): Uint8Array {
    return this.bytes.subarray(this.bytes.length - this.need().icvLen);
  }
}

export function parse(bytes: Uint8Array): EspPacket {
  const v = EspView.check(bytes);
  return { spi: v.spi, seq: v.seq, body: v.body };
}

export function bufferLen(p: EspPacket): number {
  return HEADER_LEN + p.body.length;
}

function checkHeader(spi: number, seq: number): void {
  if (!u(spi, 0xffff_ffff)) throw new WireError(P, 'spi', field.SPI, `SPI out of range: ${spi}`);
  if (spi === 0) throw new WireError(P, 'spi', field.SPI, 'SPI 0 is reserved and never sent (RFC 4303 2.1)');
  if (!u(seq, 0xffff_ffff)) throw new WireError(P, 'sequence', field.SEQ, `sequence number out of range: ${seq}`);
}

export function emit(p: EspPacket, buf: Uint8Array, offset = 0): number {
  checkHeader(p.spi, p.seq);
  const len = bufferLen(p);
  requireRoom(P, buf, offset, len);
  writeU32(buf, offset + field.SPI, p.spi);
  writeU32(buf, offset + field.SEQ, p.seq);
  buf.set(p.body, offset + field.BODY);
  return len;
}

export function encode(p: EspPacket): Uint8Array {
  const buf = new Uint8Array(bufferLen(p));
  emit(p, buf, 0);
  return buf;
}

// ---------------------------------------------------------------------------------------------------------
// Trailer (inside the encryption)

/** The minimum padding that makes payload + padding + 2 a multiple of `blockSize` (Linux's esp_output). */
export function minimumPadding(payloadLen: number, blockSize: number): number {
  return (blockSize - ((payloadLen + TRAILER_LEN) % blockSize)) % blockSize;
}

/** Plaintext length for a payload: payload, padding, pad length and next header. */
export function plaintextLen(payloadLen: number, blockSize: number, padLength = minimumPadding(payloadLen, blockSize)): number {
  return payloadLen + padLength + TRAILER_LEN;
}

/**
 * Builds the plaintext: payload, padding 1, 2, 3, ..., pad length, next header. `padLength` defaults to the
 * minimum; a larger one (traffic-flow confidentiality) must keep the alignment and stay at most 255.
 */
export function encodeTrailer(payload: Uint8Array, nextHeader: number, blockSize = 4, padLength = minimumPadding(payload.length, blockSize)): Uint8Array {
  if (!u(nextHeader, 255)) throw new WireError(P, 'protocol', payload.length + padLength + 1, `next header out of range: ${nextHeader}`);
  if (!u(padLength, MAX_PADDING)) throw new WireError(P, 'pad_len', payload.length, `pad length out of range: ${padLength}`);
  const len = plaintextLen(payload.length, blockSize, padLength);
  if (len % blockSize !== 0) throw new WireError(P, 'pad_len', payload.length + padLength, `pad length ${padLength} leaves the plaintext of ${len} bytes unaligned to ${blockSize}`);
  const out = new Uint8Array(len);
  out.set(payload);
  for (let i = 0; i < padLength; i++) out[payload.length + i] = i + 1;
  out[len - 2] = padLength;
  out[len - 1] = nextHeader;
  return out;
}

/**
 * Takes apart a decrypted plaintext. Offsets in errors count from the start of the plaintext. Padding that is not
 * 1, 2, 3, ... is reported in `paddingValid`, not thrown (Linux does not check it either).
 */
export function decodeTrailer(plaintext: Uint8Array): EspTrailer {
  requireBytes(P, 'trailer', 0, TRAILER_LEN, plaintext.length);
  const padLength = plaintext[plaintext.length - 2]!;
  const padStart = plaintext.length - TRAILER_LEN - padLength;
  if (padStart < 0) {
    throw new WireError(P, 'pad_len', plaintext.length - 2, `pad length ${padLength} exceeds the ${plaintext.length - TRAILER_LEN} bytes before the trailer`);
  }
  let paddingValid = true;
  for (let i = 0; i < padLength; i++) if (plaintext[padStart + i] !== i + 1) paddingValid = false;
  return { payload: plaintext.subarray(0, padStart), padLength, nextHeader: plaintext[plaintext.length - 1]!, paddingValid };
}

// ---------------------------------------------------------------------------------------------------------
// Seal and open

function padFor(p: EspPayload, c: EspLayout): number {
  return p.padLength ?? minimumPadding(p.payload.length, c.blockSize);
}

/** Bytes the sealed packet takes: header, IV, plaintext, ICV. */
export function sealedLen(p: EspPayload, c: EspLayout): number {
  return HEADER_LEN + c.ivLen + plaintextLen(p.payload.length, c.blockSize, padFor(p, c)) + c.icvLen;
}

/** Encrypts `p` with `cipher` and writes the packet at `offset`; returns the bytes written. */
export function seal(p: EspPayload, cipher: EspCipher, buf: Uint8Array, offset = 0): number {
  checkLayout(cipher);
  checkHeader(p.spi, p.seq);
  if (p.iv.length !== cipher.ivLen) throw new WireError(P, 'iv', field.BODY, `IV of ${p.iv.length} bytes, the cipher needs ${cipher.ivLen}`);
  const plaintext = encodeTrailer(p.payload, p.nextHeader, cipher.blockSize, padFor(p, cipher));
  const len = HEADER_LEN + cipher.ivLen + plaintext.length + cipher.icvLen;
  requireRoom(P, buf, offset, len);
  writeU32(buf, offset + field.SPI, p.spi);
  writeU32(buf, offset + field.SEQ, p.seq);
  const sealed = cipher.encrypt(plaintext, p.iv, buf.subarray(offset, offset + HEADER_LEN));
  if (sealed.length !== plaintext.length + cipher.icvLen) {
    throw new WireError(P, 'encrypted', field.BODY + cipher.ivLen, `cipher returned ${sealed.length} bytes, expected ${plaintext.length + cipher.icvLen}`);
  }
  buf.set(p.iv, offset + field.BODY);
  buf.set(sealed, offset + field.BODY + cipher.ivLen);
  return len;
}

export function sealToBytes(p: EspPayload, cipher: EspCipher): Uint8Array {
  const buf = new Uint8Array(sealedLen(p, cipher));
  seal(p, cipher, buf, 0);
  return buf;
}

/**
 * Checks, authenticates and decrypts one ESP packet (all of `bytes`). A failed ICV is a WireError on field
 * "icv"; trailer errors carry offsets within `bytes`. `padLength` is kept so that sealing again gives the same bytes.
 */
export function open(bytes: Uint8Array, cipher: EspCipher): EspPayload & { readonly paddingValid: boolean } {
  const v = EspView.check(bytes, cipher);
  const encStart = field.BODY + cipher.ivLen;
  const plaintext = cipher.decrypt(bytes.subarray(encStart), v.iv, v.aad);
  if (plaintext === undefined) throw new WireError(P, 'icv', bytes.length - cipher.icvLen, 'ICV does not verify');
  if (plaintext.length !== bytes.length - encStart - cipher.icvLen) {
    throw new WireError(P, 'encrypted', encStart, `cipher returned ${plaintext.length} bytes of plaintext, expected ${bytes.length - encStart - cipher.icvLen}`);
  }
  let t: EspTrailer;
  try {
    t = decodeTrailer(plaintext);
  } catch (e) {
    if (e instanceof WireError) throw new WireError(P, e.field, encStart + e.offset, e.reason);
    throw e;
  }
  return { spi: v.spi, seq: v.seq, iv: v.iv.slice(), nextHeader: t.nextHeader, payload: t.payload, padLength: t.padLength, paddingValid: t.paddingValid };
}

/**
 * The explicit IV Linux's seqiv puts on the wire for RFC 4106: the 64-bit sequence number (high half 0 without
 * ESN) in big-endian, XOR the SA's 8-byte random salt (drawn from a seeded stream in the emulator).
 */
export function linuxSeqivIv(seq: number, salt: Uint8Array, seqHigh = 0): Uint8Array {
  if (salt.length !== 8) throw new WireError(P, 'iv', field.BODY, `the seqiv salt has 8 bytes, not ${salt.length}`);
  const iv = new Uint8Array(8);
  writeU32(iv, 0, seqHigh);
  writeU32(iv, 4, seq);
  for (let i = 0; i < 8; i++) iv[i] = iv[i]! ^ salt[i]!;
  return iv;
}
