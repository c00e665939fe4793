// ICMP for IPv4 (RFC 792, RFC 1191): echo request/reply, destination unreachable (with the next-hop MTU of
// "fragmentation needed"), time exceeded, and anything else carried raw.
//
//  0    1    2        4                    8
//  |type|code|checksum| rest of header (4) | data / quoted datagram ...
//
// Echo: rest = identifier, sequence. Unreachable: rest = unused(2), next-hop MTU(2) (RFC 1191; 0 unless code 4).
// Time exceeded: rest unused. The RFC 4884 length octet is not modelled: emitted as 0, not kept on parse.

import { readU16, readU32, writeU16, writeU32 } from './bytes.ts';
import { checksum, verify } from './checksum.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';

const P = 'icmp';

export const TYPE_ECHO_REPLY = 0;
export const TYPE_DEST_UNREACHABLE = 3;
export const TYPE_ECHO_REQUEST = 8;
export const TYPE_TIME_EXCEEDED = 11;

export const UNREACH_NET = 0;
export const UNREACH_HOST = 1;
export const UNREACH_PROTOCOL = 2;
export const UNREACH_PORT = 3;
export const UNREACH_FRAG_NEEDED = 4;
export const UNREACH_NET_PROHIBITED = 9;
export const UNREACH_HOST_PROHIBITED = 10;
export const UNREACH_ADMIN_PROHIBITED = 13;

export const TIME_EXCEEDED_TTL = 0;
export const TIME_EXCEEDED_REASSEMBLY = 1;

export const field = {
  TYPE: 0,
  CODE: 1,
  CHECKSUM: 2,
  /** Echo */
  IDENT: 4,
  SEQ: 6,
  /** Destination unreachable, code 4 */
  MTU: 6,
  /** Rest of header as one word (other types) */
  REST: 4,
  DATA: 8,
} as const;

export const HEADER_LEN = 8;

export interface IcmpEcho {
  readonly kind: 'echoRequest' | 'echoReply';
  readonly identifier: number;
  readonly sequence: number;
  readonly data: Uint8Array;
}

export interface IcmpDestUnreachable {
  readonly kind: 'destUnreachable';
  readonly code: number;
  /** Next-hop MTU for code 4 (fragmentation needed and DF set); 0 for the other codes. */
  readonly nextHopMtu: number;
  /** The start of the offending datagram (its IP header and at least 8 bytes of its payload). */
  readonly quote: Uint8Array;
}

export interface IcmpTimeExceeded {
  readonly kind: 'timeExceeded';
  readonly code: number;
  readonly quote: Uint8Array;
}

/** Any other type, or an echo with a non-zero code, carried as it is. */
export interface IcmpOther {
  readonly kind: 'other';
  readonly type: number;
  readonly code: number;
  /** Bytes 4..7 as an unsigned 32-bit integer. */
  readonly rest: number;
  readonly data: Uint8Array;
}

export type IcmpMessage = IcmpEcho | IcmpDestUnreachable | IcmpTimeExceeded | IcmpOther;

export class IcmpView {
  private constructor(readonly bytes: Uint8Array) {}

  /** The message is all of `bytes` (an ICMP message fills its IP payload). Checks the 8-byte header fits. */
  static check(bytes: Uint8Array): IcmpView {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    return new IcmpView(bytes);
  }

  get type(): number {
    return this.bytes[field.TYPE]!;
  }
  get code(): number {
    return this.bytes[field.CODE]!;
  }
  get checksum(): number {
    return readU16(this.bytes, field.CHECKSUM);
  }
  /** True when the checksum over the whole message verifies. */
  get checksumValid(): boolean {
    return verify(this.bytes);
  }
  get identifier(): number {
    return readU16(this.bytes, field.IDENT);
  }
  get sequence(): number {
    return readU16(this.bytes, field.SEQ);
  }
  get nextHopMtu(): number {
    return readU16(this.bytes, field.MTU);
  }
  get rest(): number {
    return readU32(this.bytes, field.REST);
  }
  get data(): Uint8Array {
    return this.bytes.subarray(HEADER_LEN);
  }
}

export function parse(bytes: Uint8Array): IcmpMessage {
  const v = IcmpView.check(bytes);
  const type = v.type;
  const code = v.code;
  if ((type === TYPE_ECHO_REQUEST || type === TYPE_ECHO_REPLY) && code === 0) {
    return { kind: type === TYPE_ECHO_REQUEST ? 'echoRequest' : 'echoReply', identifier: v.identifier, sequence: v.sequence, data: v.data };
  }
  if (type === TYPE_DEST_UNREACHABLE && readU16(bytes, 4) === 0 && (code === UNREACH_FRAG_NEEDED || v.nextHopMtu === 0)) {
    return { kind: 'destUnreachable', code, nextHopMtu: v.nextHopMtu, quote: v.data };
  }
  if (type === TYPE_TIME_EXCEEDED && v.rest === 0) {
    return { kind: 'timeExceeded', code, quote: v.data };
  }
  return { kind: 'other', type, code, rest: v.rest, data: v.data };
}

function body(m: IcmpMessage): Uint8Array {
  switch (m.kind) {
    case 'echoRequest':
    case 'echoReply':
    case 'other':
      return m.data;
    case 'destUnreachable':
    case 'timeExceeded':
      return m.quote;
  }
}

export function bufferLen(m: IcmpMessage): number {
  return HEADER_LEN + body(m).length;
}

function u(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

/** Writes the message with its checksum at `offset`; returns the bytes written. */
export function emit(m: IcmpMessage, buf: Uint8Array, offset = 0): number {
  const data = body(m);
  const len = HEADER_LEN + data.length;
  let type: number;
  let code: number;
  let rest: number;
  switch (m.kind) {
    case 'echoRequest':
    case 'echoReply':
      if (!u(m.identifier, 0xffff)) throw new WireError(P, 'ident', field.IDENT, `identifier out of range: ${m.identifier}`);
      if (!u(m.sequence, 0xffff)) throw new WireError(P, 'seq', field.SEQ, `sequence out of range: ${m.sequence}`);
      type = m.kind === 'echoRequest' ? TYPE_ECHO_REQUEST : TYPE_ECHO_REPLY;
      code = 0;
      rest = m.identifier * 0x10000 + m.sequence;
      break;
    case 'destUnreachable':
      if (!u(m.nextHopMtu, 0xffff)) throw new WireError(P, 'mtu', field.MTU, `next-hop MTU out of range: ${m.nextHopMtu}`);
      if (m.nextHopMtu !== 0 && m.code !== UNREACH_FRAG_NEEDED) throw new WireError(P, 'mtu', field.MTU, `next-hop MTU is only carried with code 4, not ${m.code}`);
      type = TYPE_DEST_UNREACHABLE;
      code = m.code;
      rest = m.nextHopMtu;
      break;
    case 'timeExceeded':
      type = TYPE_TIME_EXCEEDED;
      code = m.code;
      rest = 0;
      break;
    case 'other':
      if (!u(m.type, 255)) throw new WireError(P, 'type', field.TYPE, `type out of range: ${m.type}`);
      if (!u(m.rest, 0xffff_ffff)) throw new WireError(P, 'rest', field.REST, `rest of header out of range: ${m.rest}`);
      type = m.type;
      code = m.code;
      rest = m.rest;
      break;
  }
  if (!u(code, 255)) throw new WireError(P, 'code', field.CODE, `code out of range: ${code}`);
  requireRoom(P, buf, offset, len);
  buf[offset + field.TYPE] = type;
  buf[offset + field.CODE] = code;
  writeU16(buf, offset + field.CHECKSUM, 0);
  writeU32(buf, offset + field.REST, rest);
  buf.set(data, offset + HEADER_LEN);
  writeU16(buf, offset + field.CHECKSUM, checksum(buf, offset, offset + len));
  return len;
}

export function encode(m: IcmpMessage): Uint8Array {
  const buf = new Uint8Array(bufferLen(m));
  emit(m, buf, 0);
  return buf;
}

/**
 * How many bytes of an offending datagram Linux quotes in an ICMP error (net/ipv4/icmp.c, icmp_send): the whole
 * error packet is kept within min(route MTU, 576) bytes, so the quote is at most that minus the new IP header
 * (20 + `ipOptionsLen`) and the 8-byte ICMP header: 548 bytes on an ordinary route.
 */
export function linuxQuoteLength(datagramLen: number, routeMtu = 1500, ipOptionsLen = 0): number {
  const room = Math.min(routeMtu, 576) - 20 - ipOptionsLen - HEADER_LEN;
  return Math.max(0, Math.min(datagramLen, room));
}
