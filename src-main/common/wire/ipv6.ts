// IPv6 (RFC 8200): the fixed header and the chain of extension headers (hop-by-hop options, routing, fragment,
// destination options).
//
//  0            4            6    7        8      24     40
//  |ver/tc/flow | payload len| nh | hop lim| src  | dst  | extension headers ... | upper-layer payload
//
// Extension headers, each naming the next in its first byte:
//  hop-by-hop (0), destination options (60):  | nh | len | options (TLVs, Pad1/PadN) ...          8 * (len + 1) bytes
//  routing (43):                              | nh | len | type | segments left | data ...        8 * (len + 1) bytes
//  fragment (44):                             | nh | rsv | offset(13) rsv(2) M(1) | identification  8 bytes
//
// Parse walks the chain from the fixed header and stops at the first next header that is not one of these four
// (that is the upper layer: 6, 17, 58, 59 no next header, 50 ESP, 51 AH, ...) or right after a fragment header:
// what follows a fragment header is fragment data and is only parsed after reassembly. Hop-by-hop anywhere but
// first is refused, as Linux does. The record holds options and routing data as raw bytes (parseOptions /
// encodeOptions help), the fragment offset in bytes, and no payload length: emit computes it. Jumbograms (RFC
// 2675) are not supported: a payload length of 0 means an empty payload.

import { readU16, readU32, writeU16, writeU32 } from './bytes.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';
import { isIpv6, readIpv6, writeIpv6, type Ipv6Address } from './ipv6-address.ts';

const P = 'ipv6';

export const NEXT_HOP_BY_HOP = 0;
export const NEXT_TCP = 6;
export const NEXT_UDP = 17;
export const NEXT_ROUTING = 43;
export const NEXT_FRAGMENT = 44;
export const NEXT_ESP = 50;
export const NEXT_AH = 51;
export const NEXT_ICMPV6 = 58;
export const NEXT_NONE = 59;
export const NEXT_DEST_OPTIONS = 60;

export const field = {
  VER_TC_FLOW: 0,
  PAYLOAD_LEN: 4,
  NEXT_HEADER: 6,
  HOP_LIMIT: 7,
  SRC: 8,
  DST: 24,
  PAYLOAD: 40,
} as const;

/** Offsets within one extension header. */
export const extField = {
  NEXT_HEADER: 0,
  LENGTH: 1,
  OPTIONS: 2,
  ROUTING_TYPE: 2,
  SEGMENTS_LEFT: 3,
  ROUTING_DATA: 4,
  FRAG_OFFSET: 2,
  FRAG_IDENT: 4,
} as const;

export const HEADER_LEN = 40;
export const FRAGMENT_HEADER_LEN = 8;
export const MAX_PAYLOAD_LEN = 0xffff;
/** The smallest link MTU IPv6 allows (RFC 8200 5). */
export const MIN_MTU = 1280;

export const OPTION_PAD1 = 0;
export const OPTION_PADN = 1;
/** Router Alert (RFC 2711), value 0 = MLD: 05 02 00 00, as MLD reports carry it in a hop-by-hop header. */
export const OPTION_ROUTER_ALERT = 5;

export type Ipv6Extension =
  /** Options as raw bytes after the next-header and length octets: 8n + 6 bytes, padded (see encodeOptions). */
  | { readonly kind: 'hopByHop'; readonly options: Uint8Array }
  | { readonly kind: 'destinationOptions'; readonly options: Uint8Array }
  /** `data` is everything after segments left: 8n + 4 bytes (for types 0 and 2: 4 reserved bytes, then addresses). */
  | { readonly kind: 'routing'; readonly routingType: number; readonly segmentsLeft: number; readonly data: Uint8Array }
  /** Offset in bytes (a multiple of 8). */
  | { readonly kind: 'fragment'; readonly fragmentOffset: number; readonly moreFragments: boolean; readonly identification: number };

export interface Ipv6Packet {
  /** Traffic class, upper 6 bits: 0..63. */
  readonly dscp: number;
  /** Traffic class, lower 2 bits: 0..3. */
  readonly ecn: number;
  /** 20-bit flow label (Linux sets one from a flow hash unless auto_flowlabels is off). */
  readonly flowLabel: number;
  readonly hopLimit: number;
  readonly src: Ipv6Address;
  readonly dst: Ipv6Address;
  /** Extension headers in wire order. */
  readonly extensions: readonly Ipv6Extension[];
  /** The protocol after the last extension header: 58 ICMPv6, 17 UDP, 6 TCP, 59 none; after a fragment header, whatever the fragment's header names. */
  readonly nextHeader: number;
  /** What follows the last extension header, up to the payload length. */
  readonly payload: Uint8Array;
}

/** Where one header of the chain lies, for dissection. */
export interface Ipv6HeaderSpan {
  /** The next-header value that introduced it (0, 43, 44, 60). */
  readonly type: number;
  readonly offset: number;
  readonly length: number;
}

export interface Ipv6Chain {
  readonly extensions: readonly Ipv6HeaderSpan[];
  /** Upper-layer protocol and where its bytes start. */
  readonly nextHeader: number;
  readonly payloadOffset: number;
}

function isWalked(nh: number): boolean {
  return nh === NEXT_HOP_BY_HOP || nh === NEXT_ROUTING || nh === NEXT_FRAGMENT || nh === NEXT_DEST_OPTIONS;
}

function extName(nh: number): string {
  switch (nh) {
    case NEXT_HOP_BY_HOP:
      return 'hopopts';
    case NEXT_ROUTING:
      return 'routing';
    case NEXT_FRAGMENT:
      return 'fragment';
    default:
      return 'dstopts';
  }
}

export class Ipv6View {
  private constructor(readonly bytes: Uint8Array) {}

  /**
   * Checks version and payload length against the bytes; throws WireError otherwise. Bytes beyond the payload
   * length (Ethernet padding) are allowed and ignored. The extension chain is checked by `chain()` / parse.
   */
  static check(bytes: Uint8Array): Ipv6View {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    const version = bytes[0]! >>> 4;
    if (version !== 6) throw new WireError(P, 'version', field.VER_TC_FLOW, `version ${version}, expected 6`);
    const plen = readU16(bytes, field.PAYLOAD_LEN);
    if (HEADER_LEN + plen > bytes.length) {
      throw new WireError(P, 'plen', field.PAYLOAD_LEN, `truncated: payload length ${plen}, only ${bytes.length - HEADER_LEN} bytes available`);
    }
    return new Ipv6View(bytes);
  }

  get version(): number {
    return this.bytes[0]! >>> 4;
  }
  get trafficClass(): number {
    return (readU16(this.bytes, 0) >>> 4) & 0xff;
  }
  get dscp(): number {
    return this.trafficClass >>> 2;
  }
  get ecn(): number {
    return this.trafficClass & 3;
  }
  get flowLabel(): number {
    return readU32(this.bytes, 0) & 0xfffff;
  }
  get payloadLen(): number {
    return readU16(this.bytes, field.PAYLOAD_LEN);
  }
  /** The next header of the fixed header (the first extension header, or the upper layer). */
  get firstNextHeader(): number {
    return this.bytes[field.NEXT_HEADER]!;
  }
  get hopLimit(): number {
    return this.bytes[field.HOP_LIMIT]!;
  }
  get src(): Ipv6Address {
    return readIpv6(this.bytes, field.SRC);
  }
  get dst(): Ipv6Address {
    return readIpv6(this.bytes, field.DST);
  }
  /** Everything after the fixed header up to the payload length (extension headers included). */
  get payload(): Uint8Array {
    return this.bytes.subarray(HEADER_LEN, HEADER_LEN + this.payloadLen);
  }

  /** Walks the extension headers; throws WireError (offsets from the start of the IPv6 header) for a bad chain. */
  chain(): Ipv6Chain {
    const b = this.bytes;
    const limit = HEADER_LEN + this.payloadLen;
    const spans: Ipv6HeaderSpan[] = [];
    let nh = this.firstNextHeader;
    let off = HEADER_LEN;
    while (isWalked(nh)) {
      const name = extName(nh);
      if (nh === NEXT_HOP_BY_HOP && spans.length > 0) {
        throw new WireError(P, 'hopopts', off, 'a hop-by-hop options header must come right after the IPv6 header');
      }
      requireBytes(P, name, off, 2, limit);
      const len = nh === NEXT_FRAGMENT ? FRAGMENT_HEADER_LEN : (b[off + extField.LENGTH]! + 1) * 8;
      if (off + len > limit) {
        const at = nh === NEXT_FRAGMENT ? off : off + extField.LENGTH;
        throw new WireError(P, nh === NEXT_FRAGMENT ? name : `${name}.len`, at, `truncated: the ${len}-byte header runs past the payload length (${limit - off} bytes left)`);
      }
      spans.push({ type: nh, offset: off, length: len });
      const was = nh;
      nh = b[off + extField.NEXT_HEADER]!;
      off += len;
      if (was === NEXT_FRAGMENT) break;
    }
    return { extensions: spans, nextHeader: nh, payloadOffset: off };
  }
}

function extensionAt(b: Uint8Array, s: Ipv6HeaderSpan): Ipv6Extension {
  const o = s.offset;
  switch (s.type) {
    case NEXT_HOP_BY_HOP:
      return { kind: 'hopByHop', options: b.subarray(o + extField.OPTIONS, o + s.length) };
    case NEXT_DEST_OPTIONS:
      return { kind: 'destinationOptions', options: b.subarray(o + extField.OPTIONS, o + s.length) };
    case NEXT_ROUTING:
      return { kind: 'routing', routingType: b[o + extField.ROUTING_TYPE]!, segmentsLeft: b[o + extField.SEGMENTS_LEFT]!, data: b.subarray(o + extField.ROUTING_DATA, o + s.length) };
    default: {
      const w = readU16(b, o + extField.FRAG_OFFSET);
      return { kind: 'fragment', fragmentOffset: w & 0xfff8, moreFragments: (w & 1) === 1, identification: readU32(b, o + extField.FRAG_IDENT) };
    }
  }
}

export function parse(bytes: Uint8Array): Ipv6Packet {
  const v = Ipv6View.check(bytes);
  const c = v.chain();
  return {
    dscp: v.dscp,
    ecn: v.ecn,
    flowLabel: v.flowLabel,
    hopLimit: v.hopLimit,
    src: v.src,
    dst: v.dst,
    extensions: c.extensions.map((s) => extensionAt(bytes, s)),
    nextHeader: c.nextHeader,
    payload: bytes.subarray(c.payloadOffset, HEADER_LEN + v.payloadLen),
  };
}

function extensionLen(e: Ipv6Extension): number {
  switch (e.kind) {
    case 'hopByHop':
    case 'destinationOptions':
      return 2 + e.options.length;
    case 'routing':
      return 4 + e.data.length;
    case 'fragment':
      return FRAGMENT_HEADER_LEN;
  }
}

function extensionType(e: Ipv6Extension): number {
  switch (e.kind) {
    case 'hopByHop':
      return NEXT_HOP_BY_HOP;
    case 'destinationOptions':
      return NEXT_DEST_OPTIONS;
    case 'routing':
      return NEXT_ROUTING;
    case 'fragment':
      return NEXT_FRAGMENT;
  }
}

/** Fixed header plus extension headers. */
export function headerLen(p: Ipv6Packet): number {
  let n = HEADER_LEN;
  for (const e of p.extensions) n += extensionLen(e);
  return n;
}

export function bufferLen(p: Ipv6Packet): number {
  return headerLen(p) + p.payload.length;
}

function inRange(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function check(p: Ipv6Packet): void {
  if (!inRange(p.dscp, 63)) throw new WireError(P, 'tclass.dscp', field.VER_TC_FLOW, `DSCP out of range: ${p.dscp}`);
  if (!inRange(p.ecn, 3)) throw new WireError(P, 'tclass.ecn', field.VER_TC_FLOW, `ECN out of range: ${p.ecn}`);
  if (!inRange(p.flowLabel, 0xfffff)) throw new WireError(P, 'flow', field.VER_TC_FLOW, `flow label out of range: ${p.flowLabel}`);
  if (!inRange(p.hopLimit, 255)) throw new WireError(P, 'hlim', field.HOP_LIMIT, `hop limit out of range: ${p.hopLimit}`);
  if (!inRange(p.nextHeader, 255)) throw new WireError(P, 'nxt', field.NEXT_HEADER, `next header out of range: ${p.nextHeader}`);
  if (!isIpv6(p.src)) throw new WireError(P, 'src', field.SRC, `not an IPv6 address in canonical form: ${p.src}`);
  if (!isIpv6(p.dst)) throw new WireError(P, 'dst', field.DST, `not an IPv6 address in canonical form: ${p.dst}`);
  let off = HEADER_LEN;
  p.extensions.forEach((e, i) => {
    const name = extName(extensionType(e));
    switch (e.kind) {
      case 'hopByHop':
      case 'destinationOptions':
        if (e.kind === 'hopByHop' && i !== 0) throw new WireError(P, name, off, 'a hop-by-hop options header must come right after the IPv6 header');
        if (e.options.length % 8 !== 6 || e.options.length > 255 * 8 + 6) {
          throw new WireError(P, `${name}.len`, off + extField.LENGTH, `options are ${e.options.length} bytes; need 8n + 6, at most 2046 (see encodeOptions)`);
        }
        break;
      case 'routing':
        if (!inRange(e.routingType, 255)) throw new WireError(P, 'routing.type', off + extField.ROUTING_TYPE, `routing type out of range: ${e.routingType}`);
        if (!inRange(e.segmentsLeft, 255)) throw new WireError(P, 'routing.segleft', off + extField.SEGMENTS_LEFT, `segments left out of range: ${e.segmentsLeft}`);
        if (e.data.length % 8 !== 4 || e.data.length > 255 * 8 + 4) {
          throw new WireError(P, 'routing.len', off + extField.LENGTH, `routing data is ${e.data.length} bytes; need 8n + 4, at most 2044`);
        }
        break;
      case 'fragment':
        if (!inRange(e.fragmentOffset, 0x1fff * 8) || e.fragmentOffset % 8 !== 0) {
          throw new WireError(P, 'fragment.offset', off + extField.FRAG_OFFSET, `fragment offset ${e.fragmentOffset} is not a multiple of 8 in 0..65528`);
        }
        if (!inRange(e.identification, 0xffff_ffff)) throw new WireError(P, 'fragment.id', off + extField.FRAG_IDENT, `identification out of range: ${e.identification}`);
        if (i !== p.extensions.length - 1) throw new WireError(P, 'fragment', off, 'parse stops after a fragment header: put the later headers in the payload');
        break;
    }
    off += extensionLen(e);
  });
  const last = p.extensions[p.extensions.length - 1];
  if (last?.kind !== 'fragment' && isWalked(p.nextHeader)) {
    throw new WireError(P, 'nxt', field.NEXT_HEADER, `next header ${p.nextHeader} is an extension header: add it to extensions`);
  }
  const plen = bufferLen(p) - HEADER_LEN;
  if (plen > MAX_PAYLOAD_LEN) throw new WireError(P, 'plen', field.PAYLOAD_LEN, `payload length ${plen} exceeds 65535 (jumbograms are not supported)`);
}

/** Writes the fixed header, the extension chain and the payload at `offset`; returns the bytes written. */
export function emit(p: Ipv6Packet, buf: Uint8Array, offset = 0): number {
  check(p);
  const total = bufferLen(p);
  requireRoom(P, buf, offset, total);
  const o = offset;
  const tc = (p.dscp << 2) | p.ecn;
  writeU32(buf, o + field.VER_TC_FLOW, ((6 << 28) | (tc << 20) | p.flowLabel) >>> 0);
  writeU16(buf, o + field.PAYLOAD_LEN, total - HEADER_LEN);
  buf[o + field.NEXT_HEADER] = p.extensions.length > 0 ? extensionType(p.extensions[0]!) : p.nextHeader;
  buf[o + field.HOP_LIMIT] = p.hopLimit;
  writeIpv6(buf, o + field.SRC, p.src);
  writeIpv6(buf, o + field.DST, p.dst);
  let at = o + HEADER_LEN;
  p.extensions.forEach((e, i) => {
    const next = p.extensions[i + 1];
    const len = extensionLen(e);
    buf[at + extField.NEXT_HEADER] = next ? extensionType(next) : p.nextHeader;
    switch (e.kind) {
      case 'hopByHop':
      case 'destinationOptions':
        buf[at + extField.LENGTH] = len / 8 - 1;
        buf.set(e.options, at + extField.OPTIONS);
        break;
      case 'routing':
        buf[at + extField.LENGTH] = len / 8 - 1;
        buf[at + extField.ROUTING_TYPE] = e.routingType;
        buf[at + extField.SEGMENTS_LEFT] = e.segmentsLeft;
        buf.set(e.data, at + extField.ROUTING_DATA);
        break;
      case 'fragment':
        buf[at + extField.LENGTH] = 0;
        writeU16(buf, at + extField.FRAG_OFFSET, e.fragmentOffset | (e.moreFragments ? 1 : 0));
        writeU32(buf, at + extField.FRAG_IDENT, e.identification);
        break;
    }
    at += len;
  });
  buf.set(p.payload, at);
  return total;
}

export function encode(p: Ipv6Packet): Uint8Array {
  const buf = new Uint8Array(bufferLen(p));
  emit(p, buf, 0);
  return buf;
}

// ---------------------------------------------------------------------------------------------------------
// Options of hop-by-hop and destination options headers

export interface Ipv6Option {
  /** The option type octet (action bits, change bit and number): 0 Pad1, 1 PadN, 5 Router Alert, ... */
  readonly type: number;
  /** Option data after the type and length octets (empty for Pad1). */
  readonly data: Uint8Array;
}

/**
 * Splits the options area of a hop-by-hop or destination options header into TLVs, Pad1 and PadN included.
 * `at` is where `options` starts in the caller's bytes (error offsets are `at` + position).
 */
export function parseOptions(options: Uint8Array, at = 0): Ipv6Option[] {
  const out: Ipv6Option[] = [];
  let i = 0;
  while (i < options.length) {
    const type = options[i]!;
    if (type === OPTION_PAD1) {
      out.push({ type, data: new Uint8Array(0) });
      i++;
      continue;
    }
    if (i + 1 >= options.length) throw new WireError(P, 'opt.length', at + i + 1, `option ${type} has no length octet`);
    const len = options[i + 1]!;
    if (i + 2 + len > options.length) throw new WireError(P, 'opt.length', at + i + 1, `option ${type} of length ${len} runs past the header`);
    out.push({ type, data: options.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

/** Encodes options and pads them with Pad1 / PadN to 8n + 6 bytes (the options area of one header). */
export function encodeOptions(options: readonly Ipv6Option[]): Uint8Array {
  let len = 0;
  for (const o of options) len += o.type === OPTION_PAD1 ? 1 : 2 + o.data.length;
  const padded = len + ((6 - (len % 8) + 8) % 8);
  if (padded > 255 * 8 + 6) throw new WireError(P, 'opt', extField.OPTIONS, `options need ${padded} bytes, at most 2046 fit`);
  const out = new Uint8Array(padded);
  let i = 0;
  for (const o of options) {
    if (!inRange(o.type, 255) || o.data.length > 255) throw new WireError(P, 'opt', extField.OPTIONS + i, `bad option type ${o.type} or length ${o.data.length}`);
    out[i++] = o.type;
    if (o.type === OPTION_PAD1) continue;
    out[i++] = o.data.length;
    out.set(o.data, i);
    i += o.data.length;
  }
  const pad = padded - i;
  if (pad === 1) out[i] = OPTION_PAD1;
  else if (pad > 1) {
    out[i] = OPTION_PADN;
    out[i + 1] = pad - 2; // the rest is already zero
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Upper-layer checksums (RFC 8200 8.1)

/** The addresses an upper-layer checksum over IPv6 covers (the final destination when a routing header is present). */
export interface PseudoHeader6 {
  readonly src: Ipv6Address;
  readonly dst: Ipv6Address;
}

/** Partial sum of the IPv6 pseudo header: src, dst, 32-bit upper-layer length, three zero bytes, next header. */
export function pseudoHeaderSum(src: Ipv6Address, dst: Ipv6Address, nextHeader: number, length: number): number {
  const b = new Uint8Array(32);
  writeIpv6(b, 0, src);
  writeIpv6(b, 16, dst);
  let s = 0;
  for (let i = 0; i < 32; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  return s + Math.floor(length / 0x10000) + (length & 0xffff) + nextHeader;
}
