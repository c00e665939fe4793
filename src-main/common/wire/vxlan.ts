// VXLAN (RFC 7348) header: 8 bytes in front of an inner Ethernet frame, over UDP port 4789.
//
//  0      1             4             7    8
//  | 0x08 | reserved(3) | VNI (24 bit) | rsv | inner Ethernet frame ...
//
// Linux sends flags 0x08 (only the I bit) and zero reserved fields (reference/linux/facts.md 3.1). A packet
// without the I bit carries no valid VNI and is refused, as the kernel drops it.

import { requireBytes, requireRoom, WireError } from './error.ts';

const P = 'vxlan';

export const UDP_PORT = 4789;
export const FLAG_VNI_VALID = 0x08;

export const field = { FLAGS: 0, RESERVED1: 1, VNI: 4, RESERVED2: 7, PAYLOAD: 8 } as const;
export const HEADER_LEN = 8;
/** Outer Ethernet + IPv4 + UDP + VXLAN: an inner frame of N bytes becomes N + 50 on the underlay. */
export const OVERHEAD = 50;

export interface VxlanPacket {
  /** 24-bit VXLAN network identifier. */
  readonly vni: number;
  /** The inner Ethernet frame. */
  readonly payload: Uint8Array;
}

export class VxlanView {
  private constructor(readonly bytes: Uint8Array) {}

  static check(bytes: Uint8Array): VxlanView {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    if ((bytes[field.FLAGS]! & FLAG_VNI_VALID) === 0) throw new WireError(P, 'flags', field.FLAGS, 'the I flag (0x08) is clear: no valid VNI');
    return new VxlanView(bytes);
  }

  get flags(): number {
    return this.bytes[field.FLAGS]!;
  }
  get vni(): number {
    const b = this.bytes;
    return (b[4]! << 16) | (b[5]! << 8) | b[6]!;
  }
  get payload(): Uint8Array {
    return this.bytes.subarray(HEADER_LEN);
  }
}

export function parse(bytes: Uint8Array): VxlanPacket {
  const v = VxlanView.check(bytes);
  return { vni: v.vni, payload: v.payload };
}

export function bufferLen(p: VxlanPacket): number {
  return HEADER_LEN + p.payload.length;
}

export function emit(p: VxlanPacket, buf: Uint8Array, offset = 0): number {
  if (!Number.isInteger(p.vni) || p.vni < 0 || p.vni > 0xffffff) throw new WireError(P, 'vni', field.VNI, `VNI out of range: ${p.vni}`);
  const len = bufferLen(p);
  requireRoom(P, buf, offset, len);
  buf[offset] = FLAG_VNI_VALID;
  buf[offset + 1] = 0;
  buf[offset + 2] = 0;
  buf[offset + 3] = 0;
  buf[offset + 4] = p.vni >>> 16;
  buf[offset + 5] = p.vni >>> 8;
  buf[offset + 6] = p.vni;
  buf[offset + 7] = 0;
  buf.set(p.payload, offset + HEADER_LEN);
  return len;
}

export function encode(p: VxlanPacket): Uint8Array {
  const buf = new Uint8Array(bufferLen(p));
  emit(p, buf, 0);
  return buf;
}
