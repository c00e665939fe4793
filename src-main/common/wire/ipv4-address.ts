// IPv4 addresses as unsigned 32-bit integers held in a `number` (0 .. 2^32-1, never negative).

import { WireError } from './error.ts';

/** An IPv4 address as an unsigned 32-bit integer; 10.0.1.2 is 0x0a000102. */
export type Ipv4Address = number;

export const IPV4_ANY: Ipv4Address = 0;
export const IPV4_BROADCAST: Ipv4Address = 0xffff_ffff;

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;

/** Strict dotted quad: four decimal octets 0..255, no leading zeros ("010" is refused: some tools read it as octal). */
export function parseIpv4(text: string): Ipv4Address {
  const parts = text.split('.');
  if (parts.length !== 4) throw new WireError('ip', 'address', 0, `not an IPv4 address: ${JSON.stringify(text)}`);
  let v = 0;
  for (const p of parts) {
    const n = OCTET.test(p) ? Number(p) : NaN;
    if (!(n <= 255)) throw new WireError('ip', 'address', 0, `not an IPv4 address: ${JSON.stringify(text)}`);
    v = v * 256 + n;
  }
  return v;
}

export function formatIpv4(a: Ipv4Address): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** Reads 4 bytes at `off` (caller bounds-checks). */
export function readIpv4(b: Uint8Array, off: number): Ipv4Address {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

/** Writes 4 bytes at `off` (caller bounds-checks). */
export function writeIpv4(b: Uint8Array, off: number, a: Ipv4Address): void {
  b[off] = a >>> 24;
  b[off + 1] = a >>> 16;
  b[off + 2] = a >>> 8;
  b[off + 3] = a;
}

/** True for an integer 0 .. 2^32-1. */
export function isIpv4(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff;
}

/** The netmask for a prefix length 0..32 (24 -> 255.255.255.0). */
export function prefixMask(prefixLength: number): Ipv4Address {
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) throw new RangeError(`prefix length out of range: ${prefixLength}`);
  return prefixLength === 0 ? 0 : (0xffff_ffff << (32 - prefixLength)) >>> 0;
}

export interface Ipv4Cidr {
  readonly address: Ipv4Address;
  readonly prefixLength: number;
}

/** "10.0.1.2/24" -> { address: 10.0.1.2, prefixLength: 24 } (the host part is kept). */
export function parseCidr(text: string): Ipv4Cidr {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(text.slice(slash + 1))) {
    throw new WireError('ip', 'prefix', 0, `not an IPv4 CIDR: ${JSON.stringify(text)}`);
  }
  return { address: parseIpv4(text.slice(0, slash)), prefixLength: Number(text.slice(slash + 1)) };
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.address)}/${c.prefixLength}`;
}

/** The network address (host bits cleared). */
export function networkOf(address: Ipv4Address, prefixLength: number): Ipv4Address {
  return (address & prefixMask(prefixLength)) >>> 0;
}

/** True when `address` lies in `network`/`prefixLength`. */
export function inSubnet(address: Ipv4Address, network: Ipv4Address, prefixLength: number): boolean {
  const m = prefixMask(prefixLength);
  return ((address & m) >>> 0) === ((network & m) >>> 0);
}

/** 224.0.0.0/4 */
export function isMulticastIpv4(a: Ipv4Address): boolean {
  return a >>> 28 === 0xe;
}

/** 127.0.0.0/8 */
export function isLoopbackIpv4(a: Ipv4Address): boolean {
  return a >>> 24 === 127;
}
