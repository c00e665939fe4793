// IPv6 addresses as strings in the canonical text form of RFC 5952: lowercase hex, no leading zeros, the longest
// run of two or more zero groups (the first of equal runs) shortened to "::", and ::ffff:a.b.c.d for IPv4-mapped
// addresses. One canonical spelling per address means === compares, Maps key on it, JSON carries it and the
// dissector displays it as it is (tshark prints the same form). parseIpv6 accepts every RFC 4291 spelling.

import { WireError } from './error.ts';
import type { Ipv4Address } from './ipv4-address.ts';
import type { MacAddress } from './mac.ts';

/** An IPv6 address in RFC 5952 canonical form, e.g. "fe80::42:aff:fe00:102". */
export type Ipv6Address = string;

export const IPV6_LEN = 16;
export const IPV6_ANY: Ipv6Address = '::';
export const IPV6_LOOPBACK: Ipv6Address = '::1';
export const IPV6_ALL_NODES: Ipv6Address = 'ff02::1';
export const IPV6_ALL_ROUTERS: Ipv6Address = 'ff02::2';
export const IPV6_ALL_MLDV2_ROUTERS: Ipv6Address = 'ff02::16';

const bad = (text: string): WireError => new WireError('ipv6', 'address', 0, `not an IPv6 address: ${JSON.stringify(text)}`);

/** The 16 bytes of an address given in any RFC 4291 text form ("2001:DB8:0:0::1", "::ffff:10.0.0.1"). */
export function ipv6ToBytes(text: string): Uint8Array {
  if (text.length > 45 || !/^[0-9a-fA-F:.]+$/.test(text)) throw bad(text);
  let body = text;
  const tail: number[] = [];
  if (text.includes('.')) {
    // A dotted quad in the last 32 bits: "::ffff:10.0.0.1", "64:ff9b::192.0.2.1", "1:2:3:4:5:6:1.2.3.4".
    const lastColon = text.lastIndexOf(':');
    if (lastColon < 0) throw bad(text);
    for (const q of text.slice(lastColon + 1).split('.')) {
      if (!/^(?:0|[1-9][0-9]{0,2})$/.test(q) || Number(q) > 255) throw bad(text);
      tail.push(Number(q));
    }
    if (tail.length !== 4) throw bad(text);
    body = text.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const want = 8 - tail.length / 2;
  const halves = body.split('::');
  if (halves.length > 2) throw bad(text);
  const group = (g: string): number => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw bad(text);
    return parseInt(g, 16);
  };
  const left = halves[0] === '' ? [] : halves[0]!.split(':').map(group);
  const right = halves.length === 2 && halves[1] !== '' ? halves[1]!.split(':').map(group) : [];
  let groups: number[];
  if (halves.length === 2) {
    if (left.length + right.length > want - 1) throw bad(text);
    groups = [...left, ...new Array<number>(want - left.length - right.length).fill(0), ...right];
  } else {
    if (left.length !== want) throw bad(text);
    groups = left;
  }
  const out = new Uint8Array(IPV6_LEN);
  groups.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  out.set(tail, 12);
  return out;
}

/** Canonical text of 16 bytes at `off` (caller bounds-checks). */
export function readIpv6(b: Uint8Array, off: number): Ipv6Address {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** Writes 16 bytes at `off` (caller bounds-checks). Throws WireError for text that is not an address. */
export function writeIpv6(b: Uint8Array, off: number, a: Ipv6Address): void {
  b.set(ipv6ToBytes(a), off);
}

/** Canonical form of any RFC 4291 spelling; throws WireError otherwise. */
export function parseIpv6(text: string): Ipv6Address {
  return readIpv6(ipv6ToBytes(text), 0);
}

export function formatIpv6(bytes: Uint8Array): Ipv6Address {
  if (bytes.length !== IPV6_LEN) throw new WireError('ipv6', 'address', 0, `an IPv6 address has 16 bytes, not ${bytes.length}`);
  return readIpv6(bytes, 0);
}

/** True when `v` is an address in canonical form (what every reader returns). */
export function isIpv6(v: string): boolean {
  try {
    return parseIpv6(v) === v;
  } catch {
    return false;
  }
}

/** ff00::/8 */
export function isMulticastIpv6(a: Ipv6Address): boolean {
  return ipv6ToBytes(a)[0] === 0xff;
}

/** fe80::/10 */
export function isLinkLocalIpv6(a: Ipv6Address): boolean {
  const b = ipv6ToBytes(a);
  return b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
}

/** ::ffff:0:0/96 as the IPv4 address it maps, or undefined. */
export function mappedIpv4(a: Ipv6Address): Ipv4Address | undefined {
  const b = ipv6ToBytes(a);
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return undefined;
  if (b[10] !== 0xff || b[11] !== 0xff) return undefined;
  return ((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0;
}

/** The solicited-node multicast group of an address (RFC 4291 2.7.1): ff02::1:ffXX:XXXX with its low 24 bits. */
export function solicitedNodeMulticast(a: Ipv6Address): Ipv6Address {
  const b = ipv6ToBytes(a);
  const out = ipv6ToBytes('ff02::1:ff00:0');
  out.set(b.subarray(13), 13);
  return readIpv6(out, 0);
}

/** The Ethernet MAC of an IPv6 multicast group (RFC 2464 7): 33:33 and the group's low 32 bits. */
export function ipv6MulticastMac(group: Ipv6Address): MacAddress {
  const b = ipv6ToBytes(group);
  return 0x3333 * 0x1_0000_0000 + (((b[12]! << 24) | (b[13]! << 16) | (b[14]! << 8) | b[15]!) >>> 0);
}

/** The modified EUI-64 link-local address Linux gives an interface with this MAC (fe80::42:acff:fe11:2). */
export function linkLocalFromMac(mac: MacAddress): Ipv6Address {
  const out = new Uint8Array(IPV6_LEN);
  out[0] = 0xfe;
  out[1] = 0x80;
  const hi = Math.floor(mac / 0x1_0000_0000);
  const lo = mac >>> 0;
  out[8] = (hi >>> 8) ^ 0x02;
  out[9] = hi & 0xff;
  out[10] = lo >>> 24;
  out[11] = 0xff;
  out[12] = 0xfe;
  out[13] = (lo >>> 16) & 0xff;
  out[14] = (lo >>> 8) & 0xff;
  out[15] = lo & 0xff;
  return readIpv6(out, 0);
}

export interface Ipv6Cidr {
  readonly address: Ipv6Address;
  readonly prefixLength: number;
}

/** "fd00:1::5/64" -> { address: "fd00:1::5", prefixLength: 64 } (the host part is kept). */
export function parseIpv6Cidr(text: string): Ipv6Cidr {
  const slash = text.indexOf('/');
  const len = text.slice(slash + 1);
  if (slash < 0 || !/^(?:[0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$/.test(len)) throw new WireError('ipv6', 'prefix', 0, `not an IPv6 CIDR: ${JSON.stringify(text)}`);
  return { address: parseIpv6(text.slice(0, slash)), prefixLength: Number(len) };
}

export function formatIpv6Cidr(c: Ipv6Cidr): string {
  return `${c.address}/${c.prefixLength}`;
}

/** True when `address` lies in `network`/`prefixLength`. */
export function inSubnetIpv6(address: Ipv6Address, network: Ipv6Address, prefixLength: number): boolean {
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 128) throw new RangeError(`prefix length out of range: ${prefixLength}`);
  const a = ipv6ToBytes(address);
  const n = ipv6ToBytes(network);
  const whole = prefixLength >>> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== n[i]) return false;
  const rest = prefixLength & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (n[whole]! & mask);
}
