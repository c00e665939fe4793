// The wire codecs: one namespace per protocol (`wire.ipv4.parse`, `wire.dns.TYPE_A`, `wire.esp.open`), the address
// types and their helpers at the top level, and the one error every parser throws.
//
//   import * as wire from '../common/wire/index.ts';
//   const ip = wire.ipv4.parse(wire.ethernet.parse(frame).payload);

export * as ethernet from './ethernet.ts';
export * as arp from './arp.ts';
export * as ipv4 from './ipv4.ts';
export * as icmp from './icmp.ts';
export * as ipv6 from './ipv6.ts';
export * as icmpv6 from './icmpv6.ts';
export * as udp from './udp.ts';
export * as tcp from './tcp.ts';
export * as vxlan from './vxlan.ts';
export * as esp from './esp.ts';
export * as dns from './dns.ts';
export * as checksum from './checksum.ts';

export * from './mac.ts';
export * from './ipv4-address.ts';
export * from './ipv6-address.ts';
export { bytesEqual, fromHex, readU16, readU32, toHex, writeU16, writeU32 } from './bytes.ts';
export { requireBytes, requireRoom, WireError } from './error.ts';
