// Ethernet II, optionally with one 802.1Q tag.
//
//  0      6      12          14
//  | dst  | src  | ethertype | payload ...
//  | dst  | src  | 0x8100 | TCI (pcp:3 dei:1 vid:12) | ethertype | payload ...   (802.1Q)
//
// No padding to 60 bytes is added: Linux veths and bridges carry 42-byte ARP frames as they are
// (reference/linux/facts.md 3.1), and the FCS is never part of a capture.

import { readU16, writeU16 } from './bytes.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';
import { readMac, writeMac, isMac, type MacAddress } from './mac.ts';

const P = 'eth';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_IPV6 = 0x86dd;

/** Byte offsets of the fields. */
export const field = {
  DST: 0,
  SRC: 6,
  ETHERTYPE: 12,
  PAYLOAD: 14,
  /** With an 802.1Q tag: ETHERTYPE holds 0x8100 (the TPID), then: */
  VLAN_TCI: 14,
  VLAN_ETHERTYPE: 16,
  VLAN_PAYLOAD: 18,
} as const;

export const HEADER_LEN = 14;
export const VLAN_HEADER_LEN = 18;

export interface VlanTag {
  /** Priority code point, 0..7. */
  readonly pcp: number;
  /** Drop eligible indicator. */
  readonly dei: boolean;
  /** VLAN id, 0..4095. */
  readonly vid: number;
}

export interface EthernetFrame {
  readonly dst: MacAddress;
  readonly src: MacAddress;
  /** Present for an 802.1Q-tagged frame. */
  readonly vlan?: VlanTag;
  /** The EtherType of the payload (after the tag, if any). */
  readonly ethertype: number;
  readonly payload: Uint8Array;
}

/** A checked, read-only view over the bytes of one frame. */
export class EthernetView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks that the header (and tag, if any) fits; throws WireError otherwise. */
  static check(bytes: Uint8Array): EthernetView {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    if (readU16(bytes, field.ETHERTYPE) === ETHERTYPE_VLAN) requireBytes(P, 'vlan', field.VLAN_TCI, 4, bytes.length);
    return new EthernetView(bytes);
  }

  get dst(): MacAddress {
    return readMac(this.bytes, field.DST);
  }
  get src(): MacAddress {
    return readMac(this.bytes, field.SRC);
  }
  get tagged(): boolean {
    return readU16(this.bytes, field.ETHERTYPE) === ETHERTYPE_VLAN;
  }
  get vlan(): VlanTag | undefined {
    if (!this.tagged) return undefined;
    const tci = readU16(this.bytes, field.VLAN_TCI);
    return { pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff };
  }
  get ethertype(): number {
    return readU16(this.bytes, this.tagged ? field.VLAN_ETHERTYPE : field.ETHERTYPE);
  }
  get headerLen(): number {
    return this.tagged ? VLAN_HEADER_LEN : HEADER_LEN;
  }
  /** The payload as a view into the same memory (no copy). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }
}

export function parse(bytes: Uint8Array): EthernetFrame {
  const v = EthernetView.check(bytes);
  const vlan = v.vlan;
  const base = { dst: v.dst, src: v.src };
  return vlan ? { ...base, vlan, ethertype: v.ethertype, payload: v.payload } : { ...base, ethertype: v.ethertype, payload: v.payload };
}

export function headerLen(f: EthernetFrame): number {
  return f.vlan ? VLAN_HEADER_LEN : HEADER_LEN;
}

export function bufferLen(f: EthernetFrame): number {
  return headerLen(f) + f.payload.length;
}

function check(f: EthernetFrame): void {
  if (!isMac(f.dst)) throw new WireError(P, 'dst', field.DST, `not a MAC address: ${f.dst}`);
  if (!isMac(f.src)) throw new WireError(P, 'src', field.SRC, `not a MAC address: ${f.src}`);
  const typeOff = f.vlan ? field.VLAN_ETHERTYPE : field.ETHERTYPE;
  if (!Number.isInteger(f.ethertype) || f.ethertype < 0 || f.ethertype > 0xffff) throw new WireError(P, 'type', typeOff, `ethertype out of range: ${f.ethertype}`);
  if (f.vlan) {
    const { pcp, vid } = f.vlan;
    if (!Number.isInteger(pcp) || pcp < 0 || pcp > 7) throw new WireError(P, 'vlan.priority', field.VLAN_TCI, `PCP out of range: ${pcp}`);
    if (!Number.isInteger(vid) || vid < 0 || vid > 4095) throw new WireError(P, 'vlan.id', field.VLAN_TCI, `VLAN id out of range: ${vid}`);
  }
}

/** Writes the frame (header and payload) at `offset`; returns the number of bytes written. */
export function emit(f: EthernetFrame, buf: Uint8Array, offset = 0): number {
  check(f);
  const len = bufferLen(f);
  requireRoom(P, buf, offset, len);
  writeMac(buf, offset + field.DST, f.dst);
  writeMac(buf, offset + field.SRC, f.src);
  let h = HEADER_LEN;
  if (f.vlan) {
    writeU16(buf, offset + field.ETHERTYPE, ETHERTYPE_VLAN);
    writeU16(buf, offset + field.VLAN_TCI, (f.vlan.pcp << 13) | (f.vlan.dei ? 0x1000 : 0) | f.vlan.vid);
    writeU16(buf, offset + field.VLAN_ETHERTYPE, f.ethertype);
    h = VLAN_HEADER_LEN;
  } else {
    writeU16(buf, offset + field.ETHERTYPE, f.ethertype);
  }
  buf.set(f.payload, offset + h);
  return len;
}

export function encode(f: EthernetFrame): Uint8Array {
  const buf = new Uint8Array(bufferLen(f));
  emit(f, buf, 0);
  return buf;
}
