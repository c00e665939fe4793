// The flow hash of a packet that carries none from a socket (skb_get_hash → __skb_get_hash → flow dissector):
// a keyed hash of the flow's headers, made symmetric the way the kernel makes it (flow_hash_consistentify orders
// the addresses, and the ports with them), so both directions of a flow hash alike. Used for the VXLAN outer
// source port (udp_flow_src_port) and available to IPVS-like users.
//
// What goes in (facts 3.1): the EtherType, the two addresses (IPv4 src/dst, or ARP sender/target), the IP
// protocol, and the ports of TCP/UDP/SCTP/UDP-Lite when the packet is not a fragment (skb_get_hash does not
// parse the first fragment's ports). ICMP id and type are not included, so all ICMP between two hosts, both
// fragments of a datagram and both directions share one hash; ARP between the same two has another one.
// The key is per kernel (hashrnd, random at boot): drawn from the kernel's seeded stream.

import { readU16, readU32 } from '../common/wire/bytes.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../common/wire/ethernet.ts';
import type { Kernel } from './env.ts';

const keys = new WeakMap<Kernel, number>();

function hashrnd(kernel: Kernel): number {
  let k = keys.get(kernel);
  if (k === undefined) {
    k = kernel.random.fork('flow_hashrnd').nextU32();
    keys.set(kernel, k);
  }
  return k;
}

/** The symmetric header hash of the Ethernet frame at `data[l2..]`; never 0 (0 means "no hash"). */
export function flowHash(kernel: Kernel, data: Uint8Array, l2: number): number {
  if (data.length < l2 + 14) return 1;
  const type = readU16(data, l2 + 12);
  const l3 = l2 + 14;
  let a = 0;
  let b = 0;
  let proto = 0;
  let ports = 0;
  if (type === ETHERTYPE_IPV4 && data.length >= l3 + 20) {
    a = readU32(data, l3 + 12);
    b = readU32(data, l3 + 16);
    proto = data[l3 + 9]!;
    const frag = readU16(data, l3 + 6) & 0x3fff; // MF or an offset: no ports
    const hl = (data[l3]! & 0x0f) * 4;
    if (frag === 0 && (proto === 6 || proto === 17 || proto === 132 || proto === 136) && data.length >= l3 + hl + 4) {
      let sp = readU16(data, l3 + hl);
      let dp = readU16(data, l3 + hl + 2);
      if (b < a || (a === b && dp < sp)) [sp, dp] = [dp, sp];
      ports = ((sp << 16) | dp) >>> 0;
    }
  } else if (type === ETHERTYPE_ARP && data.length >= l3 + 28) {
    a = readU32(data, l3 + 14);
    b = readU32(data, l3 + 24);
  }
  if (b < a) [a, b] = [b, a];
  const h = jhash3(a ^ ports, b, ((type << 16) | proto) >>> 0, hashrnd(kernel));
  return h === 0 ? 1 : h;
}

/** udp_flow_src_port: the hash folded (hash ^= hash << 16) and scaled into [min, max]. */
export function flowSourcePort(hash: number, min: number, max: number): number {
  const h = (hash ^ (hash << 16)) >>> 0;
  return Math.floor((h * (max - min)) / 2 ** 32) + min;
}

// Bob Jenkins' lookup3 final mix over three words (the kernel's jhash_3words).
function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function jhash3(x: number, y: number, z: number, initval: number): number {
  let a = (0xdeadbeef + 12 + initval) | 0;
  let b = a;
  let c = a;
  a = (a + x) | 0;
  b = (b + y) | 0;
  c = (c + z) | 0;
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
