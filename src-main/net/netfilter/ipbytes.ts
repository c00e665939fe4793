// Reading and rewriting the fields netfilter and IPVS care about, directly on IPv4 packet bytes (an IPv4 header
// followed by its L4 header), with the checksums patched incrementally as Linux does (RFC 1624, eqn. 3:
// HC' = ~(~HC + ~m + m')) — csum_replace4 / inet_proto_csum_replace4 in include/net/checksum.h.
//
// Rules for callers:
// - The input bytes are never modified: a rewrite copies first (the stack's packets are copy-on-write).
// - Only first fragments (offset 0) carry ports; later fragments have no L4 view (Linux defragments before
//   conntrack, so the namespace should reassemble before the hooks).
// - A UDP checksum of 0 ("none") stays 0; a patched UDP checksum that comes out 0 is sent as 0xffff (RFC 768).

import { readU16, writeU16 } from '../../common/wire/bytes.ts';
import { checksum } from '../../common/wire/checksum.ts';
import { readIpv4, writeIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP } from '../../common/wire/ipv4.ts';

export { PROTO_ICMP, PROTO_TCP, PROTO_UDP };

/** Offsets inside an IPv4 header (same as wire/ipv4.ts `field`). */
const IP_TOTAL_LEN = 2;
const IP_FRAG = 6;
const IP_PROTO = 9;
const IP_CSUM = 10;
const IP_SRC = 12;
const IP_DST = 16;

/** What the hooks need to know about a packet, read once. `l4` is -1 when there is no usable L4 header. */
export interface IpInfo {
  readonly headerLen: number;
  readonly totalLen: number;
  readonly protocol: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  /** Fragment offset in bytes; > 0 means no L4 header here. */
  readonly fragOffset: number;
  readonly moreFragments: boolean;
  /** Offset of the L4 header, or -1 (non-first fragment, or truncated L4 header). */
  readonly l4: number;
  /** TCP/UDP ports; for ICMP echo/timestamp/info messages the identifier is both (Linux's icmp tuple id). */
  readonly sport: number;
  readonly dport: number;
  /** ICMP type and code (-1 when not ICMP). */
  readonly icmpType: number;
  readonly icmpCode: number;
  /** TCP flags (low 9 bits), 0 when not TCP. */
  readonly tcpFlags: number;
}

/** Minimum L4 bytes needed to read ports/ids. */
function l4Needed(proto: number): number {
  if (proto === PROTO_TCP) return 14;
  if (proto === PROTO_UDP) return 8;
  if (proto === PROTO_ICMP) return 8;
  return 0;
}

/**
 * Reads the IPv4 header and the L4 ports. Returns undefined for bytes that are not a plausible IPv4 packet (the
 * IP layer validates before the hooks; this is a second line of defence, never a throw).
 * `quoted` allows a truncated L4 header of 8 bytes (the part of an offending datagram an ICMP error quotes) and
 * a total length beyond the bytes present.
 */
export function readIp(b: Uint8Array, quoted = false): IpInfo | undefined {
  if (b.length < 20 || b[0]! >>> 4 !== 4) return undefined;
  const hl = (b[0]! & 0x0f) * 4;
  if (hl < 20 || hl > b.length) return undefined;
  const totalLen = readU16(b, IP_TOTAL_LEN);
  if (totalLen < hl || (!quoted && totalLen > b.length)) return undefined;
  const end = Math.min(totalLen, b.length);
  const protocol = b[IP_PROTO]!;
  const ff = readU16(b, IP_FRAG);
  const fragOffset = (ff & 0x1fff) * 8;
  const moreFragments = (ff & 0x2000) !== 0;
  let l4 = -1;
  let sport = 0;
  let dport = 0;
  let icmpType = -1;
  let icmpCode = -1;
  let tcpFlags = 0;
  const need = quoted ? Math.min(8, l4Needed(protocol)) : l4Needed(protocol);
  if (fragOffset === 0 && need > 0 && end - hl >= need) {
    l4 = hl;
    if (protocol === PROTO_TCP || protocol === PROTO_UDP) {
      sport = readU16(b, hl);
      dport = readU16(b, hl + 2);
      if (protocol === PROTO_TCP && end - hl >= 14) tcpFlags = readU16(b, hl + 12) & 0x1ff;
    } else if (protocol === PROTO_ICMP) {
      icmpType = b[hl]!;
      icmpCode = b[hl + 1]!;
      if (icmpHasId(icmpType)) {
        sport = readU16(b, hl + 4);
        dport = sport;
      }
    }
  }
  return {
    headerLen: hl,
    totalLen,
    protocol,
    src: readIpv4(b, IP_SRC),
    dst: readIpv4(b, IP_DST),
    fragOffset,
    moreFragments,
    l4,
    sport,
    dport,
    icmpType,
    icmpCode,
    tcpFlags,
  };
}

/** ICMP query types whose identifier conntrack uses as the "port": echo, timestamp, info, address mask. */
export function icmpHasId(type: number): boolean {
  return type === 0 || type === 8 || type === 13 || type === 14 || type === 15 || type === 16 || type === 17 || type === 18;
}

/** ICMP error types that quote an offending datagram (conntrack RELATED): unreachable, quench, redirect, time exceeded, parameter problem. */
export function icmpIsError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

// ---- RFC 1624 incremental checksum updates -----------------------------------------------------------------

/** HC' = ~(~HC + ~m + m') for one 16-bit word. */
export function csumReplace16(hc: number, oldWord: number, newWord: number): number {
  let s = (~hc & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** The same for a 32-bit value (an address): two words. */
export function csumReplace32(hc: number, oldValue: number, newValue: number): number {
  return csumReplace16(csumReplace16(hc, oldValue >>> 16, newValue >>> 16), oldValue & 0xffff, newValue & 0xffff);
}

/** Which L4 checksum, if any, covers the pseudo header and where it is; -1 when absent or not in the bytes. */
function l4ChecksumOffset(b: Uint8Array, info: IpInfo): number {
  if (info.l4 < 0) return -1;
  if (info.protocol === PROTO_TCP) return info.l4 + 16 + 2 <= b.length ? info.l4 + 16 : -1;
  if (info.protocol === PROTO_UDP) return info.l4 + 6 + 2 <= b.length ? info.l4 + 6 : -1;
  if (info.protocol === PROTO_ICMP) return info.l4 + 2 + 2 <= b.length ? info.l4 + 2 : -1;
  return -1;
}

function patchL4(b: Uint8Array, off: number, udp: boolean, oldV: number, newV: number, wide: boolean): void {
  if (off < 0) return;
  const hc = readU16(b, off);
  if (udp && hc === 0) return; // no checksum
  let v = wide ? csumReplace32(hc, oldV, newV) : csumReplace16(hc, oldV, newV);
  if (udp && v === 0) v = 0xffff;
  writeU16(b, off, v);
}

/**
 * Rewrites, in place, the source (or destination) address and port of the packet at `b` (IPv4 header at 0).
 * `port` is ignored when the packet has no ports; for ICMP query messages it is the identifier. The IP header
 * checksum and the TCP/UDP checksum (pseudo header + port) or the ICMP checksum (identifier) are patched
 * incrementally. `b` must be writable; `info` is its readIp() result before the change.
 */
export function manipInPlace(b: Uint8Array, info: IpInfo, which: 'src' | 'dst', addr: Ipv4Address, port: number | undefined): void {
  const aOff = which === 'src' ? IP_SRC : IP_DST;
  const oldAddr = readIpv4(b, aOff);
  const csOff = l4ChecksumOffset(b, info);
  const udp = info.protocol === PROTO_UDP;
  if (oldAddr !== addr) {
    writeIpv4(b, aOff, addr);
    writeU16(b, IP_CSUM, csumReplace32(readU16(b, IP_CSUM), oldAddr, addr));
    // The pseudo header covers addresses for TCP and UDP, not for ICMP.
    if (info.protocol === PROTO_TCP || info.protocol === PROTO_UDP) patchL4(b, csOff, udp, oldAddr, addr, true);
  }
  if (port === undefined || info.l4 < 0) return;
  if (info.protocol === PROTO_TCP || info.protocol === PROTO_UDP) {
    const pOff = info.l4 + (which === 'src' ? 0 : 2);
    const oldPort = readU16(b, pOff);
    if (oldPort !== port) {
      writeU16(b, pOff, port);
      patchL4(b, csOff, udp, oldPort, port, false);
    }
  } else if (info.protocol === PROTO_ICMP && icmpHasId(info.icmpType)) {
    const idOff = info.l4 + 4;
    const oldId = readU16(b, idOff);
    if (oldId !== port) {
      writeU16(b, idOff, port);
      patchL4(b, csOff, false, oldId, port, false);
    }
  }
}

/** Sets the IPv4 header checksum of `b` from scratch (for tests and for headers built by hand). */
export function fixIpChecksum(b: Uint8Array): void {
  const hl = (b[0]! & 0x0f) * 4;
  writeU16(b, IP_CSUM, 0);
  writeU16(b, IP_CSUM, checksum(b, 0, hl));
}

/** Recomputes the ICMP checksum over the whole ICMP message (after rewriting a quoted datagram inside it). */
export function fixIcmpChecksum(b: Uint8Array, info: IpInfo): void {
  if (info.l4 < 0) return;
  const end = Math.min(info.totalLen, b.length);
  writeU16(b, info.l4 + 2, 0);
  writeU16(b, info.l4 + 2, checksum(b, info.l4, end));
}

/** Offsets for callers that need them (ICMP error quoting). */
export const ipField = { TOTAL_LEN: IP_TOTAL_LEN, PROTO: IP_PROTO, CHECKSUM: IP_CSUM, SRC: IP_SRC, DST: IP_DST } as const;
