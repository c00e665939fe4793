// MAC addresses as 48-bit integers held in a `number` (exact: 2^48 < 2^53). Integers compare with ===, key Maps
// cheaply and cost no allocation per frame; parse/format convert at the edges.

import { WireError } from './error.ts';

/** A 48-bit MAC address, 0 .. 2^48-1. Octet 0 is the most significant. */
export type MacAddress = number;

export const MAC_LEN = 6;
export const MAC_BROADCAST: MacAddress = 0xffff_ffff_ffff;
export const MAC_ZERO: MacAddress = 0;

const TWO32 = 0x1_0000_0000;

/** Parses "02:42:ac:11:00:02" (also with '-' separators, any case). Throws WireError("mac") otherwise. */
export function parseMac(text: string): MacAddress {
  const m = /^([0-9a-fA-F]{2})([:-])([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/.exec(text);
  if (!m) throw new WireError('mac', 'address', 0, `not a MAC address: ${JSON.stringify(text)}`);
  let v = 0;
  for (const i of [1, 3, 4, 5, 6, 7]) v = v * 256 + parseInt(m[i]!, 16);
  return v;
}

/** Formats as lowercase "02:42:ac:11:00:02". */
export function formatMac(mac: MacAddress): string {
  const hi = Math.floor(mac / TWO32);
  const lo = mac >>> 0;
  const o = [hi >>> 8, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
  return o.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Reads 6 bytes at `off` (caller bounds-checks). */
export function readMac(b: Uint8Array, off: number): MacAddress {
  return ((b[off]! << 8) | b[off + 1]!) * TWO32 + (((b[off + 2]! << 24) | (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!) >>> 0);
}

/** Writes 6 bytes at `off` (caller bounds-checks). */
export function writeMac(b: Uint8Array, off: number, mac: MacAddress): void {
  const hi = Math.floor(mac / TWO32);
  const lo = mac >>> 0;
  b[off] = hi >>> 8;
  b[off + 1] = hi;
  b[off + 2] = lo >>> 24;
  b[off + 3] = lo >>> 16;
  b[off + 4] = lo >>> 8;
  b[off + 5] = lo;
}

/** True for a valid 48-bit value. */
export function isMac(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAC_BROADCAST;
}

/** Group bit (least significant bit of the first octet): multicast and broadcast. */
export function isMulticastMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 1) === 1;
}

export function isBroadcastMac(mac: MacAddress): boolean {
  return mac === MAC_BROADCAST;
}

/** Unicast = group bit clear. */
export function isUnicastMac(mac: MacAddress): boolean {
  return !isMulticastMac(mac);
}

/** Locally administered bit (second least significant bit of the first octet), as Docker's 02:42:… addresses. */
export function isLocalMac(mac: MacAddress): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 2) === 2;
}

/** The Ethernet multicast MAC for an IPv4 multicast group: 01:00:5e + the low 23 bits (RFC 1112). */
export function ipv4MulticastMac(group: number): MacAddress {
  return 0x01005e * 0x100_0000 + (group & 0x7f_ffff);
}
