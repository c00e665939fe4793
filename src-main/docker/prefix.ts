// IP addresses and prefixes of either family as Go's net/netip sees them, with the address held in a bigint so one
// set of helpers serves IPv4 (32 bits) and IPv6 (128 bits). IPAM works on these; callers convert at the edges
// (IPv4 numbers of common/wire, IPv6 canonical strings).

import { formatIpv4, parseIpv4 } from '../common/wire/ipv4-address.ts';
import type { Ipv4Address } from '../common/wire/ipv4-address.ts';
import { ipv6ToBytes, formatIpv6 } from '../common/wire/ipv6-address.ts';

export type Family = 4 | 6;

export interface Addr {
  readonly family: Family;
  readonly value: bigint;
}

export interface Prefix {
  readonly family: Family;
  /** The address as written (host bits may be set: see masked()). */
  readonly addr: bigint;
  readonly bits: number;
}

export const bitLen = (f: Family): number => (f === 4 ? 32 : 128);

/** Go netip.ParseAddr: a strict dotted quad or any RFC 4291 IPv6 text (zones refused). undefined when invalid. */
export function parseAddr(text: string): Addr | undefined {
  if (text.includes(':')) {
    try {
      let v = 0n;
      for (const b of ipv6ToBytes(text)) v = (v << 8n) | BigInt(b);
      return { family: 6, value: v };
    } catch {
      return undefined;
    }
  }
  try {
    return { family: 4, value: BigInt(parseIpv4(text)) };
  } catch {
    return undefined;
  }
}

/** Go netip.ParsePrefix: "addr/bits" with 0 ≤ bits ≤ 32 or 128, decimal without leading zeros. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return undefined;
  const a = parseAddr(text.slice(0, slash));
  const b = text.slice(slash + 1);
  if (!a || !/^(?:0|[1-9][0-9]{0,2})$/.test(b)) return undefined;
  const bits = Number(b);
  if (bits > bitLen(a.family)) return undefined;
  return { family: a.family, addr: a.value, bits };
}

export function formatAddr(a: Addr): string {
  if (a.family === 4) return formatIpv4(Number(a.value));
  const bytes = new Uint8Array(16);
  let v = a.value;
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return formatIpv6(bytes);
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddr({ family: p.family, value: p.addr })}/${p.bits}`;
}

export function addrOf(p: Prefix): Addr {
  return { family: p.family, value: p.addr };
}

export function hostMask(family: Family, bits: number): bigint {
  return (1n << BigInt(bitLen(family) - bits)) - 1n;
}

/** The prefix with its host bits cleared. */
export function masked(p: Prefix): Prefix {
  return { family: p.family, addr: p.addr & ~hostMask(p.family, p.bits), bits: p.bits };
}

export function isMasked(p: Prefix): boolean {
  return (p.addr & hostMask(p.family, p.bits)) === 0n;
}

export function firstAddr(p: Prefix): bigint {
  return p.addr & ~hostMask(p.family, p.bits);
}

export function lastAddr(p: Prefix): bigint {
  return firstAddr(p) | hostMask(p.family, p.bits);
}

/** Number of addresses in the prefix. */
export function size(p: Prefix): bigint {
  return 1n << BigInt(bitLen(p.family) - p.bits);
}

export function contains(p: Prefix, a: Addr): boolean {
  return p.family === a.family && a.value >= firstAddr(p) && a.value <= lastAddr(p);
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && firstAddr(a) <= lastAddr(b) && firstAddr(b) <= lastAddr(a);
}

export function samePrefix(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.bits === b.bits && a.addr === b.addr;
}

/** netiputil.PrefixCompare: by family, then address, then length. */
export function comparePrefix(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.addr !== b.addr) return a.addr < b.addr ? -1 : 1;
  return a.bits - b.bits;
}

export function prefixKey(p: Prefix): string {
  return formatPrefix(p);
}

export function v4Prefix(address: Ipv4Address, bits: number): Prefix {
  return { family: 4, addr: BigInt(address), bits };
}

/** An IPv4 Addr as the number common/wire uses. */
export function toIpv4(a: Addr): Ipv4Address {
  if (a.family !== 4) throw new RangeError('not an IPv4 address');
  return Number(a.value);
}

/** Parses and requires success (for literals in code and tests). */
export function prefix(text: string): Prefix {
  const p = parsePrefix(text);
  if (!p) throw new RangeError(`not a prefix: ${text}`);
  return p;
}

export function addr(text: string): Addr {
  const a = parseAddr(text);
  if (!a) throw new RangeError(`not an address: ${text}`);
  return a;
}

/** The family's name as Go's api/types/network prints it ("IPv4"/"IPv6"). */
export function familyName(f: Family): string {
  return f === 4 ? 'IPv4' : 'IPv6';
}
