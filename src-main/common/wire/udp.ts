// UDP (RFC 768). The checksum covers an IPv4 pseudo header; a transmitted 0 means "no checksum", and a computed
// 0 is sent as 0xffff. emit computes it when given the addresses, and writes 0 (none) otherwise.
//
//  0        2        4      6        8
//  | sport  | dport  | len  | cksum  | payload ...

import { readU16, writeU16 } from './bytes.ts';
import { finish, fold, pseudoHeaderSum, sum } from './checksum.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';
import type { Ipv4Address } from './ipv4-address.ts';
import { PROTO_UDP } from './ipv4.ts';

const P = 'udp';

export const field = { SRC_PORT: 0, DST_PORT: 2, LENGTH: 4, CHECKSUM: 6, PAYLOAD: 8 } as const;
export const HEADER_LEN = 8;

/** The IPv4 addresses a UDP or TCP checksum covers. */
export interface PseudoHeader {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
}

export interface UdpDatagram {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

export type ChecksumStatus = 'none' | 'good' | 'bad';

export class UdpView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks the header and the length field against the bytes; extra bytes after `length` are ignored. */
  static check(bytes: Uint8Array): UdpView {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    const len = readU16(bytes, field.LENGTH);
    if (len < HEADER_LEN) throw new WireError(P, 'length', field.LENGTH, `length ${len} is below the 8-byte header`);
    if (len > bytes.length) throw new WireError(P, 'length', field.LENGTH, `truncated: length ${len}, only ${bytes.length} bytes available`);
    return new UdpView(bytes);
  }

  get srcPort(): number {
    return readU16(this.bytes, field.SRC_PORT);
  }
  get dstPort(): number {
    return readU16(this.bytes, field.DST_PORT);
  }
  get length(): number {
    return readU16(this.bytes, field.LENGTH);
  }
  get checksum(): number {
    return readU16(this.bytes, field.CHECKSUM);
  }
  get payload(): Uint8Array {
    return this.bytes.subarray(HEADER_LEN, this.length);
  }
  /** 'none' for a zero checksum, else whether it verifies against the pseudo header. */
  checksumStatus(ph: PseudoHeader): ChecksumStatus {
    if (this.checksum === 0) return 'none';
    const len = this.length;
    return fold(sum(this.bytes, 0, len, pseudoHeaderSum(ph.src, ph.dst, PROTO_UDP, len))) === 0xffff ? 'good' : 'bad';
  }
}

export function parse(bytes: Uint8Array): UdpDatagram {
  const v = UdpView.check(bytes);
  return { srcPort: v.srcPort, dstPort: v.dstPort, payload: v.payload };
}

export function bufferLen(d: UdpDatagram): number {
  return HEADER_LEN + d.payload.length;
}

function port(v: number, name: string, off: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new WireError(P, name, off, `port out of range: ${v}`);
}

/**
 * Writes header and payload at `offset`; returns the bytes written. With `pseudo`, the checksum is computed (0
 * becomes 0xffff); without, the checksum field is 0 ("no checksum").
 */
export function emit(d: UdpDatagram, buf: Uint8Array, offset = 0, pseudo?: PseudoHeader): number {
  port(d.srcPort, 'srcport', field.SRC_PORT);
  port(d.dstPort, 'dstport', field.DST_PORT);
  const len = bufferLen(d);
  if (len > 0xffff) throw new WireError(P, 'length', field.LENGTH, `datagram of ${len} bytes exceeds 65535`);
  requireRoom(P, buf, offset, len);
  writeU16(buf, offset + field.SRC_PORT, d.srcPort);
  writeU16(buf, offset + field.DST_PORT, d.dstPort);
  writeU16(buf, offset + field.LENGTH, len);
  writeU16(buf, offset + field.CHECKSUM, 0);
  buf.set(d.payload, offset + HEADER_LEN);
  if (pseudo) {
    const c = finish(sum(buf, offset, offset + len, pseudoHeaderSum(pseudo.src, pseudo.dst, PROTO_UDP, len)));
    writeU16(buf, offset + field.CHECKSUM, c === 0 ? 0xffff : c);
  }
  return len;
}

export function encode(d: UdpDatagram, pseudo?: PseudoHeader): Uint8Array {
  const buf = new Uint8Array(bufferLen(d));
  emit(d, buf, 0, pseudo);
  return buf;
}
