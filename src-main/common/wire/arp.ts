// ARP for IPv4 over Ethernet (RFC 826). Other hardware or protocol types are refused with a WireError.
//
//  0     2     4    5    6    8          14         18         24         28
//  |htype|ptype|hlen|plen|oper| sha (6)  | spa (4)  | tha (6)  | tpa (4)  |

import { readU16, writeU16 } from './bytes.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';
import { isIpv4, readIpv4, writeIpv4, type Ipv4Address } from './ipv4-address.ts';
import { isMac, readMac, writeMac, type MacAddress } from './mac.ts';

const P = 'arp';

export const HTYPE_ETHERNET = 1;
export const PTYPE_IPV4 = 0x0800;
export const OP_REQUEST = 1;
export const OP_REPLY = 2;

export const field = {
  HTYPE: 0,
  PTYPE: 2,
  HLEN: 4,
  PLEN: 5,
  OPER: 6,
  SHA: 8,
  SPA: 14,
  THA: 18,
  TPA: 24,
} as const;

export const PACKET_LEN = 28;

export interface ArpPacket {
  /** 1 = request, 2 = reply (others are carried as numbers). */
  readonly operation: number;
  readonly senderMac: MacAddress;
  readonly senderIp: Ipv4Address;
  readonly targetMac: MacAddress;
  readonly targetIp: Ipv4Address;
}

export class ArpView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks length and that this is Ethernet/IPv4 ARP; throws WireError otherwise. */
  static check(bytes: Uint8Array): ArpView {
    requireBytes(P, 'header', 0, 8, bytes.length);
    const htype = readU16(bytes, field.HTYPE);
    if (htype !== HTYPE_ETHERNET) throw new WireError(P, 'hw.type', field.HTYPE, `unsupported hardware type ${htype}`);
    const ptype = readU16(bytes, field.PTYPE);
    if (ptype !== PTYPE_IPV4) throw new WireError(P, 'proto.type', field.PTYPE, `unsupported protocol type 0x${ptype.toString(16).padStart(4, '0')}`);
    if (bytes[field.HLEN] !== 6) throw new WireError(P, 'hw.size', field.HLEN, `hardware address length ${bytes[field.HLEN]}, expected 6`);
    if (bytes[field.PLEN] !== 4) throw new WireError(P, 'proto.size', field.PLEN, `protocol address length ${bytes[field.PLEN]}, expected 4`);
    requireBytes(P, 'addresses', field.SHA, PACKET_LEN - field.SHA, bytes.length);
    return new ArpView(bytes);
  }

  get operation(): number {
    return readU16(this.bytes, field.OPER);
  }
  get senderMac(): MacAddress {
    return readMac(this.bytes, field.SHA);
  }
  get senderIp(): Ipv4Address {
    return readIpv4(this.bytes, field.SPA);
  }
  get targetMac(): MacAddress {
    return readMac(this.bytes, field.THA);
  }
  get targetIp(): Ipv4Address {
    return readIpv4(this.bytes, field.TPA);
  }
}

/** Parses the first 28 bytes; trailing bytes (Ethernet padding) are ignored. */
export function parse(bytes: Uint8Array): ArpPacket {
  const v = ArpView.check(bytes);
  return { operation: v.operation, senderMac: v.senderMac, senderIp: v.senderIp, targetMac: v.targetMac, targetIp: v.targetIp };
}

export function bufferLen(_p: ArpPacket): number {
  return PACKET_LEN;
}

export function emit(p: ArpPacket, buf: Uint8Array, offset = 0): number {
  if (!Number.isInteger(p.operation) || p.operation < 0 || p.operation > 0xffff) throw new WireError(P, 'opcode', field.OPER, `operation out of range: ${p.operation}`);
  if (!isMac(p.senderMac)) throw new WireError(P, 'src.hw_mac', field.SHA, `not a MAC address: ${p.senderMac}`);
  if (!isMac(p.targetMac)) throw new WireError(P, 'dst.hw_mac', field.THA, `not a MAC address: ${p.targetMac}`);
  if (!isIpv4(p.senderIp)) throw new WireError(P, 'src.proto_ipv4', field.SPA, `not an IPv4 address: ${p.senderIp}`);
  if (!isIpv4(p.targetIp)) throw new WireError(P, 'dst.proto_ipv4', field.TPA, `not an IPv4 address: ${p.targetIp}`);
  requireRoom(P, buf, offset, PACKET_LEN);
  writeU16(buf, offset + field.HTYPE, HTYPE_ETHERNET);
  writeU16(buf, offset + field.PTYPE, PTYPE_IPV4);
  buf[offset + field.HLEN] = 6;
  buf[offset + field.PLEN] = 4;
  writeU16(buf, offset + field.OPER, p.operation);
  writeMac(buf, offset + field.SHA, p.senderMac);
  writeIpv4(buf, offset + field.SPA, p.senderIp);
  writeMac(buf, offset + field.THA, p.targetMac);
  writeIpv4(buf, offset + field.TPA, p.targetIp);
  return PACKET_LEN;
}

export function encode(p: ArpPacket): Uint8Array {
  const buf = new Uint8Array(PACKET_LEN);
  emit(p, buf, 0);
  return buf;
}
