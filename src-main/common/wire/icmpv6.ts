// ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861): echo, destination unreachable, packet too big, time
// exceeded, parameter problem, router solicitation / advertisement, neighbor solicitation / advertisement and
// their options (source / target link-layer address, prefix information, MTU). Anything else is carried raw.
//
//  0    1    2        4
//  |type|code|checksum| message body ...
//
//  echo (128, 129):             | identifier(2) | sequence(2) | data ...
//  unreachable (1), time ex (3):| unused(4) | as much of the invoking packet as fits in 1280 bytes
//  packet too big (2):          | MTU(4) | invoking packet
//  parameter problem (4):       | pointer(4) | invoking packet
//  router solicitation (133):   | reserved(4) | options
//  router advertisement (134):  | cur hop limit | M O flags | router lifetime(2) | reachable(4) | retrans(4) | options
//  neighbor solicitation (135): | reserved(4) | target(16) | options
//  neighbor advertisement (136):| R S O flags, reserved(4) | target(16) | options
//  option:                      | type | length in units of 8 bytes (never 0) | data ...
//
// The checksum covers the IPv6 pseudo header (always, unlike UDP over IPv4), so emit needs the addresses.
// An echo or ND message with a non-zero code, or an error whose unused field is not zero, parses as 'other' (so
// emit gives the same bytes back). Flag bits other than M/O (RA) and R/S/O (NA) are emitted as zero.

import { readU16, readU32, writeU16, writeU32 } from './bytes.ts';
import { finish, fold, sum } from './checksum.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';
import { isIpv6, readIpv6, writeIpv6, type Ipv6Address } from './ipv6-address.ts';
import { NEXT_ICMPV6, pseudoHeaderSum, type PseudoHeader6 } from './ipv6.ts';
import { isMac, readMac, writeMac, type MacAddress } from './mac.ts';

const P = 'icmpv6';

export const TYPE_DEST_UNREACHABLE = 1;
export const TYPE_PACKET_TOO_BIG = 2;
export const TYPE_TIME_EXCEEDED = 3;
export const TYPE_PARAMETER_PROBLEM = 4;
export const TYPE_ECHO_REQUEST = 128;
export const TYPE_ECHO_REPLY = 129;
export const TYPE_MLD_QUERY = 130;
export const TYPE_MLDV2_REPORT = 143;
export const TYPE_ROUTER_SOLICITATION = 133;
export const TYPE_ROUTER_ADVERTISEMENT = 134;
export const TYPE_NEIGHBOR_SOLICITATION = 135;
export const TYPE_NEIGHBOR_ADVERTISEMENT = 136;
export const TYPE_REDIRECT = 137;

export const UNREACH_NO_ROUTE = 0;
export const UNREACH_ADMIN_PROHIBITED = 1;
export const UNREACH_BEYOND_SCOPE = 2;
export const UNREACH_ADDRESS = 3;
export const UNREACH_PORT = 4;
export const UNREACH_POLICY = 5;
export const UNREACH_REJECT_ROUTE = 6;

export const TIME_EXCEEDED_HOP_LIMIT = 0;
export const TIME_EXCEEDED_REASSEMBLY = 1;

export const OPT_SOURCE_LINK_LAYER = 1;
export const OPT_TARGET_LINK_LAYER = 2;
export const OPT_PREFIX_INFORMATION = 3;
export const OPT_REDIRECTED_HEADER = 4;
export const OPT_MTU = 5;

const RA_MANAGED = 0x80;
const RA_OTHER = 0x40;
const NA_ROUTER = 0x80;
const NA_SOLICITED = 0x40;
const NA_OVERRIDE = 0x20;
const PI_ON_LINK = 0x80;
const PI_AUTONOMOUS = 0x40;

export const field = {
  TYPE: 0,
  CODE: 1,
  CHECKSUM: 2,
  /** Echo */
  IDENT: 4,
  SEQ: 6,
  /** Packet too big */
  MTU: 4,
  /** Parameter problem */
  POINTER: 4,
  /** Errors: the invoking packet */
  QUOTE: 8,
  /** Router advertisement */
  RA_CUR_HOP_LIMIT: 4,
  RA_FLAGS: 5,
  RA_ROUTER_LIFETIME: 6,
  RA_REACHABLE_TIME: 8,
  RA_RETRANS_TIMER: 12,
  RA_OPTIONS: 16,
  /** Router solicitation */
  RS_OPTIONS: 8,
  /** Neighbor solicitation / advertisement */
  NA_FLAGS: 4,
  TARGET: 8,
  ND_OPTIONS: 24,
} as const;

export const HEADER_LEN = 4;
/** Linux quotes at most 1280 - 40 - 8 bytes of the invoking packet (icmp6_send). */
export const MAX_QUOTE_LEN = 1232;

export type NdpOption =
  | { readonly kind: 'sourceLinkLayer'; readonly mac: MacAddress }
  | { readonly kind: 'targetLinkLayer'; readonly mac: MacAddress }
  | {
      readonly kind: 'prefixInformation';
      readonly prefixLength: number;
      readonly onLink: boolean;
      readonly autonomous: boolean;
      /** Seconds; 0xffffffff = infinity. */
      readonly validLifetime: number;
      readonly preferredLifetime: number;
      readonly prefix: Ipv6Address;
    }
  | { readonly kind: 'mtu'; readonly mtu: number }
  /** Any other option, or a known one of the wrong size (a link-layer option that is not 6 bytes, a prefix longer than 128): `data` is what follows type and length, 8n - 2 bytes. */
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

export type Icmpv6Message =
  | { readonly kind: 'echoRequest' | 'echoReply'; readonly identifier: number; readonly sequence: number; readonly data: Uint8Array }
  | { readonly kind: 'destUnreachable'; readonly code: number; readonly quote: Uint8Array }
  | { readonly kind: 'packetTooBig'; readonly mtu: number; readonly quote: Uint8Array }
  | { readonly kind: 'timeExceeded'; readonly code: number; readonly quote: Uint8Array }
  | { readonly kind: 'parameterProblem'; readonly code: number; readonly pointer: number; readonly quote: Uint8Array }
  | { readonly kind: 'routerSolicitation'; readonly options: readonly NdpOption[] }
  | {
      readonly kind: 'routerAdvertisement';
      /** 0 = unspecified. */
      readonly curHopLimit: number;
      readonly managed: boolean;
      readonly other: boolean;
      /** Seconds; 0 = not a default router. */
      readonly routerLifetime: number;
      /** Milliseconds; 0 = unspecified. */
      readonly reachableTime: number;
      readonly retransTimer: number;
      readonly options: readonly NdpOption[];
    }
  | { readonly kind: 'neighborSolicitation'; readonly target: Ipv6Address; readonly options: readonly NdpOption[] }
  | {
      readonly kind: 'neighborAdvertisement';
      readonly router: boolean;
      readonly solicited: boolean;
      readonly override: boolean;
      readonly target: Ipv6Address;
      readonly options: readonly NdpOption[];
    }
  /** Any other type or code: bytes 4.. as they are. */
  | { readonly kind: 'other'; readonly type: number; readonly code: number; readonly body: Uint8Array };

export class Icmpv6View {
  private constructor(readonly bytes: Uint8Array) {}

  /** The message is all of `bytes` (it fills its IPv6 payload). Checks the 4-byte header fits. */
  static check(bytes: Uint8Array): Icmpv6View {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    return new Icmpv6View(bytes);
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
  /** True when the checksum verifies against the pseudo header. */
  checksumValid(ph: PseudoHeader6): boolean {
    return fold(sum(this.bytes, 0, this.bytes.length, pseudoHeaderSum(ph.src, ph.dst, NEXT_ICMPV6, this.bytes.length))) === 0xffff;
  }
  /** Bytes after the checksum. */
  get body(): Uint8Array {
    return this.bytes.subarray(HEADER_LEN);
  }
}

/** Parses ND options filling `bytes` from `start` to the end; error offsets are positions in `bytes`. */
export function parseNdpOptions(bytes: Uint8Array, start: number): NdpOption[] {
  const out: NdpOption[] = [];
  let i = start;
  while (i < bytes.length) {
    requireBytes(P, 'opt', i, 2, bytes.length);
    const type = bytes[i]!;
    const units = bytes[i + 1]!;
    if (units === 0) throw new WireError(P, 'opt.length', i + 1, `option ${type} has length 0 (RFC 4861 4.6: discard)`);
    const len = units * 8;
    if (i + len > bytes.length) throw new WireError(P, 'opt.length', i + 1, `option ${type} of ${len} bytes runs past the message (${bytes.length - i} left)`);
    if ((type === OPT_SOURCE_LINK_LAYER || type === OPT_TARGET_LINK_LAYER) && units === 1) {
      out.push({ kind: type === OPT_SOURCE_LINK_LAYER ? 'sourceLinkLayer' : 'targetLinkLayer', mac: readMac(bytes, i + 2) });
    } else if (type === OPT_PREFIX_INFORMATION && units === 4 && bytes[i + 2]! <= 128) {
      const flags = bytes[i + 3]!;
      out.push({
        kind: 'prefixInformation',
        prefixLength: bytes[i + 2]!,
        onLink: (flags & PI_ON_LINK) !== 0,
        autonomous: (flags & PI_AUTONOMOUS) !== 0,
        validLifetime: readU32(bytes, i + 4),
        preferredLifetime: readU32(bytes, i + 8),
        prefix: readIpv6(bytes, i + 16),
      });
    } else if (type === OPT_MTU && units === 1) {
      out.push({ kind: 'mtu', mtu: readU32(bytes, i + 4) });
    } else {
      out.push({ kind: 'unknown', type, data: bytes.subarray(i + 2, i + len) });
    }
    i += len;
  }
  return out;
}

function needBody(bytes: Uint8Array, what: string, at: number, len: number): void {
  requireBytes(P, what, at, len, bytes.length);
}

export function parse(bytes: Uint8Array): Icmpv6Message {
  const v = Icmpv6View.check(bytes);
  const type = v.type;
  const code = v.code;
  const other = (): Icmpv6Message => ({ kind: 'other', type, code, body: v.body });
  switch (type) {
    case TYPE_ECHO_REQUEST:
    case TYPE_ECHO_REPLY:
      if (code !== 0) return other();
      needBody(bytes, 'echo', field.IDENT, 4);
      return { kind: type === TYPE_ECHO_REQUEST ? 'echoRequest' : 'echoReply', identifier: readU16(bytes, field.IDENT), sequence: readU16(bytes, field.SEQ), data: bytes.subarray(8) };
    case TYPE_DEST_UNREACHABLE:
    case TYPE_TIME_EXCEEDED:
      needBody(bytes, 'reserved', 4, 4);
      if (readU32(bytes, 4) !== 0) return other();
      return type === TYPE_DEST_UNREACHABLE ? { kind: 'destUnreachable', code, quote: bytes.subarray(field.QUOTE) } : { kind: 'timeExceeded', code, quote: bytes.subarray(field.QUOTE) };
    case TYPE_PACKET_TOO_BIG:
      if (code !== 0) return other();
      needBody(bytes, 'mtu', field.MTU, 4);
      return { kind: 'packetTooBig', mtu: readU32(bytes, field.MTU), quote: bytes.subarray(field.QUOTE) };
    case TYPE_PARAMETER_PROBLEM:
      needBody(bytes, 'pointer', field.POINTER, 4);
      return { kind: 'parameterProblem', code, pointer: readU32(bytes, field.POINTER), quote: bytes.subarray(field.QUOTE) };
    case TYPE_ROUTER_SOLICITATION:
      if (code !== 0) return other();
      needBody(bytes, 'reserved', 4, 4);
      if (readU32(bytes, 4) !== 0) return other();
      return { kind: 'routerSolicitation', options: parseNdpOptions(bytes, field.RS_OPTIONS) };
    case TYPE_ROUTER_ADVERTISEMENT: {
      if (code !== 0) return other();
      needBody(bytes, 'nd.ra', 4, 12);
      const flags = bytes[field.RA_FLAGS]!;
      if ((flags & ~(RA_MANAGED | RA_OTHER)) !== 0) return other();
      return {
        kind: 'routerAdvertisement',
        curHopLimit: bytes[field.RA_CUR_HOP_LIMIT]!,
        managed: (flags & RA_MANAGED) !== 0,
        other: (flags & RA_OTHER) !== 0,
        routerLifetime: readU16(bytes, field.RA_ROUTER_LIFETIME),
        reachableTime: readU32(bytes, field.RA_REACHABLE_TIME),
        retransTimer: readU32(bytes, field.RA_RETRANS_TIMER),
        options: parseNdpOptions(bytes, field.RA_OPTIONS),
      };
    }
    case TYPE_NEIGHBOR_SOLICITATION:
    case TYPE_NEIGHBOR_ADVERTISEMENT: {
      if (code !== 0) return other();
      const ns = type === TYPE_NEIGHBOR_SOLICITATION;
      needBody(bytes, ns ? 'nd.ns.target_address' : 'nd.na.target_address', 4, 20);
      const word = readU32(bytes, 4);
      if ((word & (ns ? 0xffff_ffff : 0x1fff_ffff)) !== 0) return other();
      const target = readIpv6(bytes, field.TARGET);
      const options = parseNdpOptions(bytes, field.ND_OPTIONS);
      if (ns) return { kind: 'neighborSolicitation', target, options };
      const f = bytes[field.NA_FLAGS]!;
      return { kind: 'neighborAdvertisement', router: (f & NA_ROUTER) !== 0, solicited: (f & NA_SOLICITED) !== 0, override: (f & NA_OVERRIDE) !== 0, target, options };
    }
    default:
      return other();
  }
}

function optionLen(o: NdpOption): number {
  switch (o.kind) {
    case 'sourceLinkLayer':
    case 'targetLinkLayer':
    case 'mtu':
      return 8;
    case 'prefixInformation':
      return 32;
    case 'unknown':
      return 2 + o.data.length;
  }
}

function optionsLen(options: readonly NdpOption[]): number {
  let n = 0;
  for (const o of options) n += optionLen(o);
  return n;
}

/** Bytes from the start of the message to the options (or the data / quote). */
function fixedLen(m: Icmpv6Message): number {
  switch (m.kind) {
    case 'routerAdvertisement':
      return field.RA_OPTIONS;
    case 'neighborSolicitation':
    case 'neighborAdvertisement':
      return field.ND_OPTIONS;
    case 'other':
      return HEADER_LEN;
    default:
      return 8;
  }
}

function tailLen(m: Icmpv6Message): number {
  switch (m.kind) {
    case 'echoRequest':
    case 'echoReply':
      return m.data.length;
    case 'destUnreachable':
    case 'packetTooBig':
    case 'timeExceeded':
    case 'parameterProblem':
      return m.quote.length;
    case 'routerSolicitation':
    case 'routerAdvertisement':
    case 'neighborSolicitation':
    case 'neighborAdvertisement':
      return optionsLen(m.options);
    case 'other':
      return m.body.length;
  }
}

export function bufferLen(m: Icmpv6Message): number {
  return fixedLen(m) + tailLen(m);
}

function u(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function writeNdpOptions(options: readonly NdpOption[], buf: Uint8Array, base: number, start: number): void {
  let i = start;
  for (const o of options) {
    const at = base + i;
    const len = optionLen(o);
    if (len % 8 !== 0 || len > 255 * 8) throw new WireError(P, 'opt.length', i + 1, `option of ${len} bytes is not 8n bytes up to 2040`);
    buf[at + 1] = len / 8;
    switch (o.kind) {
      case 'sourceLinkLayer':
      case 'targetLinkLayer':
        if (!isMac(o.mac)) throw new WireError(P, 'opt.linkaddr', i + 2, `not a MAC address: ${o.mac}`);
        buf[at] = o.kind === 'sourceLinkLayer' ? OPT_SOURCE_LINK_LAYER : OPT_TARGET_LINK_LAYER;
        writeMac(buf, at + 2, o.mac);
        break;
      case 'prefixInformation':
        if (!u(o.prefixLength, 128)) throw new WireError(P, 'opt.prefix.length', i + 2, `prefix length out of range: ${o.prefixLength}`);
        if (!u(o.validLifetime, 0xffff_ffff) || !u(o.preferredLifetime, 0xffff_ffff)) throw new WireError(P, 'opt.prefix.valid_lifetime', i + 4, 'lifetime out of range');
        if (!isIpv6(o.prefix)) throw new WireError(P, 'opt.prefix', i + 16, `not an IPv6 address in canonical form: ${o.prefix}`);
        buf[at] = OPT_PREFIX_INFORMATION;
        buf[at + 2] = o.prefixLength;
        buf[at + 3] = (o.onLink ? PI_ON_LINK : 0) | (o.autonomous ? PI_AUTONOMOUS : 0);
        writeU32(buf, at + 4, o.validLifetime);
        writeU32(buf, at + 8, o.preferredLifetime);
        writeU32(buf, at + 12, 0);
        writeIpv6(buf, at + 16, o.prefix);
        break;
      case 'mtu':
        if (!u(o.mtu, 0xffff_ffff)) throw new WireError(P, 'opt.mtu', i + 4, `MTU out of range: ${o.mtu}`);
        buf[at] = OPT_MTU;
        writeU16(buf, at + 2, 0);
        writeU32(buf, at + 4, o.mtu);
        break;
      case 'unknown':
        if (!u(o.type, 255)) throw new WireError(P, 'opt.type', i, `option type out of range: ${o.type}`);
        buf[at] = o.type;
        buf.set(o.data, at + 2);
        break;
    }
    i += len;
  }
}

/** Writes the message with its checksum over the pseudo header at `offset`; returns the bytes written. */
export function emit(m: Icmpv6Message, buf: Uint8Array, offset: number, pseudo: PseudoHeader6): number {
  const len = bufferLen(m);
  const o = offset;
  const chk = (ok: boolean, name: string, at: number, why: string): void => {
    if (!ok) throw new WireError(P, name, at, why);
  };
  switch (m.kind) {
    case 'echoRequest':
    case 'echoReply':
      chk(u(m.identifier, 0xffff), 'echo.identifier', field.IDENT, `identifier out of range: ${m.identifier}`);
      chk(u(m.sequence, 0xffff), 'echo.sequence_number', field.SEQ, `sequence out of range: ${m.sequence}`);
      break;
    case 'destUnreachable':
    case 'timeExceeded':
    case 'parameterProblem':
      chk(u(m.code, 255), 'code', field.CODE, `code out of range: ${m.code}`);
      if (m.kind === 'parameterProblem') chk(u(m.pointer, 0xffff_ffff), 'pointer', field.POINTER, `pointer out of range: ${m.pointer}`);
      break;
    case 'packetTooBig':
      chk(u(m.mtu, 0xffff_ffff), 'mtu', field.MTU, `MTU out of range: ${m.mtu}`);
      break;
    case 'routerAdvertisement':
      chk(u(m.curHopLimit, 255), 'nd.ra.cur_hop_limit', field.RA_CUR_HOP_LIMIT, `hop limit out of range: ${m.curHopLimit}`);
      chk(u(m.routerLifetime, 0xffff), 'nd.ra.router_lifetime', field.RA_ROUTER_LIFETIME, `router lifetime out of range: ${m.routerLifetime}`);
      chk(u(m.reachableTime, 0xffff_ffff), 'nd.ra.reachable_time', field.RA_REACHABLE_TIME, `reachable time out of range: ${m.reachableTime}`);
      chk(u(m.retransTimer, 0xffff_ffff), 'nd.ra.retrans_timer', field.RA_RETRANS_TIMER, `retrans timer out of range: ${m.retransTimer}`);
      break;
    case 'neighborSolicitation':
    case 'neighborAdvertisement':
      chk(isIpv6(m.target), 'nd.target_address', field.TARGET, `not an IPv6 address in canonical form: ${m.target}`);
      break;
    case 'other':
      chk(u(m.type, 255), 'type', field.TYPE, `type out of range: ${m.type}`);
      chk(u(m.code, 255), 'code', field.CODE, `code out of range: ${m.code}`);
      break;
    case 'routerSolicitation':
      break;
  }
  requireRoom(P, buf, o, len);
  buf.fill(0, o, o + fixedLen(m));
  switch (m.kind) {
    case 'echoRequest':
    case 'echoReply':
      buf[o] = m.kind === 'echoRequest' ? TYPE_ECHO_REQUEST : TYPE_ECHO_REPLY;
      writeU16(buf, o + field.IDENT, m.identifier);
      writeU16(buf, o + field.SEQ, m.sequence);
      buf.set(m.data, o + 8);
      break;
    case 'destUnreachable':
    case 'timeExceeded':
      buf[o] = m.kind === 'destUnreachable' ? TYPE_DEST_UNREACHABLE : TYPE_TIME_EXCEEDED;
      buf[o + 1] = m.code;
      buf.set(m.quote, o + field.QUOTE);
      break;
    case 'packetTooBig':
      buf[o] = TYPE_PACKET_TOO_BIG;
      writeU32(buf, o + field.MTU, m.mtu);
      buf.set(m.quote, o + field.QUOTE);
      break;
    case 'parameterProblem':
      buf[o] = TYPE_PARAMETER_PROBLEM;
      buf[o + 1] = m.code;
      writeU32(buf, o + field.POINTER, m.pointer);
      buf.set(m.quote, o + field.QUOTE);
      break;
    case 'routerSolicitation':
      buf[o] = TYPE_ROUTER_SOLICITATION;
      writeNdpOptions(m.options, buf, o, field.RS_OPTIONS);
      break;
    case 'routerAdvertisement':
      buf[o] = TYPE_ROUTER_ADVERTISEMENT;
      buf[o + field.RA_CUR_HOP_LIMIT] = m.curHopLimit;
      buf[o + field.RA_FLAGS] = (m.managed ? RA_MANAGED : 0) | (m.other ? RA_OTHER : 0);
      writeU16(buf, o + field.RA_ROUTER_LIFETIME, m.routerLifetime);
      writeU32(buf, o + field.RA_REACHABLE_TIME, m.reachableTime);
      writeU32(buf, o + field.RA_RETRANS_TIMER, m.retransTimer);
      writeNdpOptions(m.options, buf, o, field.RA_OPTIONS);
      break;
    case 'neighborSolicitation':
    case 'neighborAdvertisement':
      if (m.kind === 'neighborSolicitation') buf[o] = TYPE_NEIGHBOR_SOLICITATION;
      else {
        buf[o] = TYPE_NEIGHBOR_ADVERTISEMENT;
        buf[o + field.NA_FLAGS] = (m.router ? NA_ROUTER : 0) | (m.solicited ? NA_SOLICITED : 0) | (m.override ? NA_OVERRIDE : 0);
      }
      writeIpv6(buf, o + field.TARGET, m.target);
      writeNdpOptions(m.options, buf, o, field.ND_OPTIONS);
      break;
    case 'other':
      buf[o] = m.type;
      buf[o + 1] = m.code;
      buf.set(m.body, o + HEADER_LEN);
      break;
  }
  writeU16(buf, o + field.CHECKSUM, 0);
  writeU16(buf, o + field.CHECKSUM, finish(sum(buf, o, o + len, pseudoHeaderSum(pseudo.src, pseudo.dst, NEXT_ICMPV6, len))));
  return len;
}

export function encode(m: Icmpv6Message, pseudo: PseudoHeader6): Uint8Array {
  const buf = new Uint8Array(bufferLen(m));
  emit(m, buf, 0, pseudo);
  return buf;
}
