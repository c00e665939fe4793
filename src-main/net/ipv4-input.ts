// IPv4 input (net/ipv4/ip_input.c, ip_forward.c): header checks, martians, PREROUTING, the input route decision
// (local, broadcast, joined multicast, forward), then local delivery (reassembly, INPUT, protocol dispatch) or
// forwarding (FORWARD, TTL, frag-needed, POSTROUTING via ip_output).

import * as ipv4 from '../common/wire/ipv4.ts';
import * as icmp from '../common/wire/icmp.ts';
import { IPV4_BROADCAST, isLoopbackIpv4, isMulticastIpv4, readIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { readU16 } from '../common/wire/bytes.ts';
import { verify } from '../common/wire/checksum.ts';
import type { Ipv4Info } from './contracts.ts';
import type { NetDevice } from './device.ts';
import { icmpInput, icmpSendError } from './icmp.ts';
import { ipOutput } from './ipv4-output.ts';
import type { Packet } from './packet.ts';
import type { NetNamespace } from './namespace.ts';

// The header is read in place (the bytes and the offset of the IP header as they were when checked, which is what
// a view over them would read), so a hop allocates no view objects.

/** ip_rcv. Called by NetNamespace.deliverFrame for EtherType 0x0800 with pkt.l3 set. */
export function ipv4Input(ns: NetNamespace, dev: NetDevice, pkt: Packet): void {
  // Frames for another host reach IP only through a promiscuous device; ip_rcv drops them.
  if (pkt.pktType === 'otherhost') return;
  if (!headerValid(ns, pkt)) return;
  let d = pkt.data;
  let o = pkt.l3;
  pkt.trim(o + readU16(d, o + 2));
  const src = readIpv4(d, o + 12);
  const dst = readIpv4(d, o + 16);
  if (isMulticastIpv4(src) || src === IPV4_BROADCAST || dst === 0 || ((isLoopbackIpv4(src) || isLoopbackIpv4(dst)) && !dev.isLoopback)) {
    ns.stats.inc('ip.martian');
    return;
  }
  pkt.l4 = o + (d[o]! & 0x0f) * 4;
  if (ns.netfilter.active('prerouting')) {
    if (ns.netfilter.run(pkt, { hook: 'prerouting', inDev: dev, outDev: undefined, netns: ns.name }) !== 'accept') return;
    if (!headerValid(ns, pkt)) return;
    d = pkt.data;
    o = pkt.l3;
  }
  routeInput(ns, dev, pkt, d, o);
}

/**
 * Ipv4View.check over the bytes from pkt.l3 plus the header checksum, without building the view: false (and the
 * counter Linux bumps) when the header is malformed or does not verify.
 */
function headerValid(ns: NetNamespace, pkt: Packet): boolean {
  const d = pkt.data;
  const o = pkt.l3;
  const have = d.length - o;
  const hl = have >= ipv4.HEADER_LEN ? (d[o]! & 0x0f) * 4 : 0;
  if (have < ipv4.HEADER_LEN || d[o]! >>> 4 !== 4 || hl < ipv4.HEADER_LEN || hl > have) {
    ns.stats.inc('ip.in_hdr_errors');
    return false;
  }
  const total = readU16(d, o + 2);
  if (total < hl || total > have) {
    ns.stats.inc('ip.in_hdr_errors');
    return false;
  }
  if (!verify(d, o, o + hl)) {
    ns.stats.inc('ip.in_csum_errors');
    return false;
  }
  return true;
}

/** ip_route_input: where the packet goes. `d`/`o`: the checked header's bytes and offset. */
function routeInput(ns: NetNamespace, dev: NetDevice, pkt: Packet, d: Uint8Array, o: number): void {
  const dst = readIpv4(d, o + 16);
  if (isMulticastIpv4(dst)) {
    if (ns.hasGroup(dev, dst)) localDeliver(ns, dev, pkt, d, o, true);
    return;
  }
  if (dst === IPV4_BROADCAST) {
    localDeliver(ns, dev, pkt, d, o, true);
    return;
  }
  const local = ns.localTable.lookup(dst);
  if (local?.type === 'local') {
    localDeliver(ns, dev, pkt, d, o, pkt.pktType !== 'host');
    return;
  }
  if (local?.type === 'broadcast') {
    localDeliver(ns, dev, pkt, d, o, true);
    return;
  }
  forward(ns, dev, pkt, d, o);
}

/** ip_local_deliver + ip_local_deliver_finish. */
function localDeliver(ns: NetNamespace, dev: NetDevice, pkt: Packet, d: Uint8Array, o: number, broadcast: boolean): void {
  if ((readU16(d, o + 6) & 0x3fff) !== 0) {
    // More fragments, or a fragment offset: reassemble first.
    const whole = ns.frags.add(pkt);
    if (whole === undefined) return;
    pkt = whole;
    ipv4.Ipv4View.check(pkt.data.subarray(pkt.l3));
    d = pkt.data;
    o = pkt.l3;
  }
  if (ns.netfilter.active('input')) {
    if (ns.netfilter.run(pkt, { hook: 'input', inDev: dev, outDev: undefined, netns: ns.name }) !== 'accept') return;
    // A hook may have rewritten the packet into new bytes (SNAT at INPUT, IPVS un-NAT of a reply).
    d = pkt.data;
    o = pkt.l3;
  }
  const protocol = d[o + 9]!;
  const info: Ipv4Info = { src: readIpv4(d, o + 12), dst: readIpv4(d, o + 16), protocol, ttl: d[o + 8]!, tos: d[o + 1]!, id: readU16(d, o + 4), dev, broadcast };
  const end = o + readU16(d, o + 2);
  // ip_protocol_deliver_rcu: raw sockets get their copies first, then the protocol's handler runs as usual.
  const raw = ns.raw.deliver(pkt, info, end);
  switch (protocol) {
    case ipv4.PROTO_ICMP:
      icmpInput(ns, pkt, info, end);
      return;
    case ipv4.PROTO_IGMP:
      return; // no querier is modelled; reports from other hosts need no action
    default: {
      const t = ns.transports.get(protocol);
      if (t === undefined) {
        if (!raw && !broadcast) icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_PROTOCOL);
        return;
      }
      if (!t.deliver(pkt, info) && protocol === ipv4.PROTO_UDP && !broadcast) {
        icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_PORT);
      }
    }
  }
}

/** ip_forward. */
function forward(ns: NetNamespace, dev: NetDevice, pkt: Packet, d: Uint8Array, o: number): void {
  if (!ns.sysctl.ipForward || pkt.pktType !== 'host') {
    ns.stats.inc('ip.in_addr_errors');
    return;
  }
  // The input route is decided before ip_forward looks at the TTL (ip_route_input, then ip_error for a destination
  // without a route): an expiring datagram to an unroutable address gets net unreachable, not time exceeded.
  const dst: Ipv4Address = readIpv4(d, o + 16);
  const route = ns.routeForward(dst);
  if (route === undefined) {
    icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_NET);
    return;
  }
  if (d[o + 8]! <= 1) {
    icmpSendError(ns, pkt, icmp.TYPE_TIME_EXCEEDED, icmp.TIME_EXCEEDED_TTL);
    return;
  }
  if (ns.netfilter.active('forward')) {
    if (ns.netfilter.run(pkt, { hook: 'forward', inDev: dev, outDev: route.dev, netns: ns.name }) !== 'accept') return;
  }
  if ((d[o + 6]! & 0x40) !== 0 && readU16(d, o + 2) > route.mtu) {
    icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_FRAG_NEEDED, route.mtu);
    return;
  }
  ipv4.decrementTtl(pkt.writable(), pkt.l3);
  ipOutput(ns, pkt, route, false);
}
