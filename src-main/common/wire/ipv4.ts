// IPv4 (RFC 791): header with options, fragment fields, header checksum.
//
//  0       1       2       4      6            8     9      10       12    16    20
//  |ver/ihl|dscp/ecn|tot_len| id   |flags/frag  | ttl | proto| cksum  | src | dst | options... | payload
//
// The record holds the fragment offset in bytes (a multiple of 8), options as raw bytes (a multiple of 4, at
// most 40) and no checksum: emit always computes it; the view reports whether received bytes verify.

import { readU16, writeU16 } from './bytes.ts';
import { checksum, verify } from './checksum.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';
import { isIpv4, readIpv4, writeIpv4, type Ipv4Address } from './ipv4-address.ts';

const P = 'ip';

export const PROTO_ICMP = 1;
export const PROTO_IGMP = 2;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ESP = 50;

export const field = {
  VER_IHL: 0,
  DSCP_ECN: 1,
  TOTAL_LEN: 2,
  IDENT: 4,
  FLAGS_FRAG: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
  OPTIONS: 20,
} as const;

export const HEADER_LEN = 20;
export const MAX_OPTIONS_LEN = 40;
export const MAX_PACKET_LEN = 0xffff;

const FLAG_RESERVED = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;

export const OPTION_EOL = 0;
export const OPTION_NOP = 1;
/** Router Alert (RFC 2113), as IGMPv3 reports carry it: 94 04 00 00. */
export const OPTION_ROUTER_ALERT = 0x94;

export interface Ipv4Packet {
  /** Differentiated services code point, 0..63. */
  readonly dscp: number;
  /** ECN bits, 0..3. */
  readonly ecn: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Offset of this fragment's data in the original payload, in bytes (a multiple of 8, at most 65528). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  /** Raw option bytes, a multiple of 4, at most 40 (empty for the usual 20-byte header). */
  readonly options: Uint8Array;
  readonly payload: Uint8Array;
}

export class Ipv4View {
  private constructor(readonly bytes: Uint8Array) {}

  /**
   * Checks version, header length and total length against the bytes; throws WireError otherwise. Bytes beyond
   * the total length (Ethernet padding) are allowed and ignored.
   */
  static check(bytes: Uint8Array): Ipv4View {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    const version = bytes[0]! >>> 4;
    if (version !== 4) throw new WireError(P, 'version', field.VER_IHL, `version ${version}, expected 4`);
    const hl = (bytes[0]! & 0x0f) * 4;
    if (hl < HEADER_LEN) throw new WireError(P, 'hdr_len', field.VER_IHL, `header length ${hl} is below 20`);
    requireBytes(P, 'options', field.OPTIONS, hl - HEADER_LEN, bytes.length);
    const total = readU16(bytes, field.TOTAL_LEN);
    if (total < hl) throw new WireError(P, 'len', field.TOTAL_LEN, `total length ${total} is below the header length ${hl}`);
    if (total > bytes.length) throw new WireError(P, 'len', field.TOTAL_LEN, `truncated: total length ${total}, only ${bytes.length} bytes available`);
    return new Ipv4View(bytes);
  }

  get version(): number {
    return this.bytes[0]! >>> 4;
  }
  get headerLen(): number {
    return (this.bytes[0]! & 0x0f) * 4;
  }
  get dscp(): number {
    return this.bytes[field.DSCP_ECN]! >>> 2;
  }
  get ecn(): number {
    return this.bytes[field.DSCP_ECN]! & 3;
  }
  get totalLen(): number {
    return readU16(this.bytes, field.TOTAL_LEN);
  }
  get identification(): number {
    return readU16(this.bytes, field.IDENT);
  }
  /** The 3 flag bits as in tshark's ip.flags (0x2 = DF, 0x1 = MF, 0x4 = reserved). */
  get flags(): number {
    return this.bytes[field.FLAGS_FRAG]! >>> 5;
  }
  get reservedFlag(): boolean {
    return (readU16(this.bytes, field.FLAGS_FRAG) & FLAG_RESERVED) !== 0;
  }
  get dontFragment(): boolean {
    return (readU16(this.bytes, field.FLAGS_FRAG) & FLAG_DF) !== 0;
  }
  get moreFragments(): boolean {
    return (readU16(this.bytes, field.FLAGS_FRAG) & FLAG_MF) !== 0;
  }
  /** In bytes. */
  get fragmentOffset(): number {
    return (readU16(this.bytes, field.FLAGS_FRAG) & 0x1fff) * 8;
  }
  get ttl(): number {
    return this.bytes[field.TTL]!;
  }
  get protocol(): number {
    return this.bytes[field.PROTOCOL]!;
  }
  get checksum(): number {
    return readU16(this.bytes, field.CHECKSUM);
  }
  /** True when the header checksum verifies. */
  get checksumValid(): boolean {
    return verify(this.bytes, 0, this.headerLen);
  }
  get src(): Ipv4Address {
    return readIpv4(this.bytes, field.SRC);
  }
  get dst(): Ipv4Address {
    return readIpv4(this.bytes, field.DST);
  }
  get options(): Uint8Array {
    return this.bytes.subarray(field.OPTIONS, this.headerLen);
  }
  /** The payload up to the total length (a view, no copy). */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen, this.totalLen);
  }
}

export function parse(bytes: Uint8Array): Ipv4Packet {
  const v = Ipv4View.check(bytes);
  return {
    dscp: v.dscp,
    ecn: v.ecn,
    identification: v.identification,
    dontFragment: v.dontFragment,
    moreFragments: v.moreFragments,
    fragmentOffset: v.fragmentOffset,
    ttl: v.ttl,
    protocol: v.protocol,
    src: v.src,
    dst: v.dst,
    options: v.options,
    payload: v.payload,
  };
}

export function headerLen(p: Ipv4Packet): number {
  return HEADER_LEN + p.options.length;
}

export function bufferLen(p: Ipv4Packet): number {
  return HEADER_LEN + p.options.length + p.payload.length;
}

function inRange(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function check(p: Ipv4Packet): void {
  if (!inRange(p.dscp, 63)) throw new WireError(P, 'dsfield.dscp', field.DSCP_ECN, `DSCP out of range: ${p.dscp}`);
  if (!inRange(p.ecn, 3)) throw new WireError(P, 'dsfield.ecn', field.DSCP_ECN, `ECN out of range: ${p.ecn}`);
  if (!inRange(p.identification, 0xffff)) throw new WireError(P, 'id', field.IDENT, `identification out of range: ${p.identification}`);
  if (!inRange(p.fragmentOffset, 0x1fff * 8) || p.fragmentOffset % 8 !== 0) {
    throw new WireError(P, 'frag_offset', field.FLAGS_FRAG, `fragment offset ${p.fragmentOffset} is not a multiple of 8 in 0..65528`);
  }
  if (!inRange(p.ttl, 255)) throw new WireError(P, 'ttl', field.TTL, `TTL out of range: ${p.ttl}`);
  if (!inRange(p.protocol, 255)) throw new WireError(P, 'proto', field.PROTOCOL, `protocol out of range: ${p.protocol}`);
  if (!isIpv4(p.src)) throw new WireError(P, 'src', field.SRC, `not an IPv4 address: ${p.src}`);
  if (!isIpv4(p.dst)) throw new WireError(P, 'dst', field.DST, `not an IPv4 address: ${p.dst}`);
  if (p.options.length % 4 !== 0 || p.options.length > MAX_OPTIONS_LEN) {
    throw new WireError(P, 'options', field.OPTIONS, `options are ${p.options.length} bytes; need a multiple of 4, at most 40 (see encodeOptions)`);
  }
  const total = bufferLen(p);
  if (total > MAX_PACKET_LEN) throw new WireError(P, 'len', field.TOTAL_LEN, `total length ${total} exceeds 65535`);
}

/** Writes header (with a freshly computed checksum) and payload at `offset`; returns the bytes written. */
export function emit(p: Ipv4Packet, buf: Uint8Array, offset = 0): number {
  check(p);
  const hl = headerLen(p);
  const total = hl + p.payload.length;
  requireRoom(P, buf, offset, total);
  const o = offset;
  buf[o + field.VER_IHL] = 0x40 | (hl >>> 2);
  buf[o + field.DSCP_ECN] = (p.dscp << 2) | p.ecn;
  writeU16(buf, o + field.TOTAL_LEN, total);
  writeU16(buf, o + field.IDENT, p.identification);
  writeU16(buf, o + field.FLAGS_FRAG, (p.dontFragment ? FLAG_DF : 0) | (p.moreFragments ? FLAG_MF : 0) | (p.fragmentOffset / 8));
  buf[o + field.TTL] = p.ttl;
  buf[o + field.PROTOCOL] = p.protocol;
  writeU16(buf, o + field.CHECKSUM, 0);
  writeIpv4(buf, o + field.SRC, p.src);
  writeIpv4(buf, o + field.DST, p.dst);
  buf.set(p.options, o + field.OPTIONS);
  writeU16(buf, o + field.CHECKSUM, checksum(buf, o, o + hl));
  buf.set(p.payload, o + hl);
  return total;
}

export function encode(p: Ipv4Packet): Uint8Array {
  const buf = new Uint8Array(bufferLen(p));
  emit(p, buf, 0);
  return buf;
}

/**
 * Decrements the TTL of the header at `offset` in place and patches the checksum incrementally (RFC 1624), as a
 * router does when forwarding. Returns the new TTL. The caller drops the packet when the old TTL was <= 1.
 */
export function decrementTtl(buf: Uint8Array, offset = 0): number {
  const ttl = buf[offset + field.TTL]!;
  if (ttl === 0) throw new WireError(P, 'ttl', field.TTL, 'TTL is already 0');
  buf[offset + field.TTL] = ttl - 1;
  // HC' = ~(~HC + ~m + m') with m = old TTL/proto word, m' = new one: subtracting 0x0100 from the word.
  const hc = readU16(buf, offset + field.CHECKSUM);
  let s = (~hc & 0xffff) + (~((ttl << 8) | buf[offset + field.PROTOCOL]!) & 0xffff) + (((ttl - 1) << 8) | buf[offset + field.PROTOCOL]!);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  writeU16(buf, offset + field.CHECKSUM, ~s & 0xffff);
  return ttl - 1;
}

export interface Ipv4Option {
  /** The full type octet (copied flag, class and number), e.g. 0x94 for Router Alert. */
  readonly type: number;
  /** Option data after the type and length octets (empty for NOP and EOL). */
  readonly data: Uint8Array;
}

/**
 * Splits raw option bytes into options. NOPs are listed; an EOL ends the list (the rest is padding).
 * Offsets in errors count from the start of the IP header.
 */
export function parseOptions(options: Uint8Array): Ipv4Option[] {
  const out: Ipv4Option[] = [];
  let i = 0;
  while (i < options.length) {
    const type = options[i]!;
    if (type === OPTION_EOL) break;
    if (type === OPTION_NOP) {
      out.push({ type, data: new Uint8Array(0) });
      i++;
      continue;
    }
    if (i + 1 >= options.length) throw new WireError(P, 'opt.len', field.OPTIONS + i + 1, `option ${type} has no length octet`);
    const len = options[i + 1]!;
    if (len < 2) throw new WireError(P, 'opt.len', field.OPTIONS + i + 1, `option ${type} has length ${len}, below 2`);
    if (i + len > options.length) throw new WireError(P, 'opt.len', field.OPTIONS + i + 1, `option ${type} of length ${len} runs past the header`);
    out.push({ type, data: options.subarray(i + 2, i + len) });
    i += len;
  }
  return out;
}

/** Encodes options and pads them with EOL (zero) to a multiple of 4 bytes. */
export function encodeOptions(options: readonly Ipv4Option[]): Uint8Array {
  let len = 0;
  for (const o of options) len += o.type === OPTION_NOP || o.type === OPTION_EOL ? 1 : 2 + o.data.length;
  const padded = (len + 3) & ~3;
  if (padded > MAX_OPTIONS_LEN) throw new WireError(P, 'options', field.OPTIONS, `options need ${padded} bytes, at most 40 fit`);
  const out = new Uint8Array(padded);
  let i = 0;
  for (const o of options) {
    out[i++] = o.type;
    if (o.type === OPTION_NOP || o.type === OPTION_EOL) continue;
    out[i++] = 2 + o.data.length;
    out.set(o.data, i);
    i += o.data.length;
  }
  return out;
}
