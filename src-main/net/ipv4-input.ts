// IPv4 input (net/ipv4/ip_input.c, ip_forward.c): header checks, martians, PREROUTING, the input route decision
// (local, broadcast, joined multicast, forward), then local delivery (reassembly, INPUT, protocol dispatch) or
// forwarding (FORWARD, TTL, frag-needed, POSTROUTING via ip_output).

import * as ipv4 from '../common/wire/ipv4.ts';
import * as icmp from '../common/wire/icmp.ts';
import { IPV4_BROADCAST, isLoopbackIpv4, isMulticastIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { WireError } from '../common/wire/error.ts';
import type { Ipv4Info } from './contracts.ts';
import type { NetDevice } from './device.ts';
import { icmpInput, icmpSendError } from './icmp.ts';
import { ipOutput } from './ipv4-output.ts';
import type { Packet } from './packet.ts';
import type { NetNamespace } from './namespace.ts';

/** ip_rcv. Called by NetNamespace.deliverFrame for EtherType 0x0800 with pkt.l3 set. */
export function ipv4Input(ns: NetNamespace, dev: NetDevice, pkt: Packet): void {
  // Frames for another host reach IP only through a promiscuous device; ip_rcv drops them.
  if (pkt.pktType === 'otherhost') return;
  let v = view(ns, pkt);
  if (v === undefined) return;
  pkt.trim(pkt.l3 + v.totalLen);
  const src = v.src;
  const dst = v.dst;
  if (isMulticastIpv4(src) || src === IPV4_BROADCAST || dst === 0 || ((isLoopbackIpv4(src) || isLoopbackIpv4(dst)) && !dev.isLoopback)) {
    ns.stats.inc('ip.martian');
    return;
  }
  pkt.l4 = pkt.l3 + v.headerLen;
  if (ns.netfilter.active('prerouting')) {
    if (ns.netfilter.run(pkt, { hook: 'prerouting', inDev: dev, outDev: undefined, netns: ns.name }) !== 'accept') return;
    v = view(ns, pkt);
    if (v === undefined) return;
  }
  routeInput(ns, dev, pkt, v);
}

function view(ns: NetNamespace, pkt: Packet): ipv4.Ipv4View | undefined {
  try {
    const v = ipv4.Ipv4View.check(pkt.data.subarray(pkt.l3));
    if (!v.checksumValid) {
      ns.stats.inc('ip.in_csum_errors');
      return undefined;
    }
    return v;
  } catch (e) {
    if (e instanceof WireError) {
      ns.stats.inc('ip.in_hdr_errors');
      return undefined;
    }
    throw e;
  }
}

/** ip_route_input: where the packet goes. */
function routeInput(ns: NetNamespace, dev: NetDevice, pkt: Packet, v: ipv4.Ipv4View): void {
  const dst = v.dst;
  if (isMulticastIpv4(dst)) {
    if (ns.hasGroup(dev, dst)) localDeliver(ns, dev, pkt, v, true);
    return;
  }
  if (dst === IPV4_BROADCAST) {
    localDeliver(ns, dev, pkt, v, true);
    return;
  }
  const local = ns.localTable.lookup(dst);
  if (local?.type === 'local') {
    localDeliver(ns, dev, pkt, v, pkt.pktType !== 'host');
    return;
  }
  if (local?.type === 'broadcast') {
    localDeliver(ns, dev, pkt, v, true);
    return;
  }
  forward(ns, dev, pkt, v);
}

/** ip_local_deliver + ip_local_deliver_finish. */
function localDeliver(ns: NetNamespace, dev: NetDevice, pkt: Packet, v: ipv4.Ipv4View, broadcast: boolean): void {
  if (v.moreFragments || v.fragmentOffset !== 0) {
    const whole = ns.frags.add(pkt);
    if (whole === undefined) return;
    pkt = whole;
    v = ipv4.Ipv4View.check(pkt.data.subarray(pkt.l3));
  }
  if (ns.netfilter.active('input')) {
    if (ns.netfilter.run(pkt, { hook: 'input', inDev: dev, outDev: undefined, netns: ns.name }) !== 'accept') return;
  }
  const info: Ipv4Info = { src: v.src, dst: v.dst, protocol: v.protocol, ttl: v.ttl, tos: v.bytes[1]!, id: v.identification, dev, broadcast };
  const end = pkt.l3 + v.totalLen;
  switch (v.protocol) {
    case ipv4.PROTO_ICMP:
      icmpInput(ns, pkt, info, end);
      return;
    case ipv4.PROTO_IGMP:
      return; // no querier is modelled; reports from other hosts need no action
    default: {
      const t = ns.transports.get(v.protocol);
      if (t === undefined) {
        if (!broadcast) icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_PROTOCOL);
        return;
      }
      if (!t.deliver(pkt, info) && v.protocol === ipv4.PROTO_UDP && !broadcast) {
        icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_PORT);
      }
    }
  }
}

/** ip_forward. */
function forward(ns: NetNamespace, dev: NetDevice, pkt: Packet, v: ipv4.Ipv4View): void {
  if (!ns.sysctl.ipForward || pkt.pktType !== 'host') {
    ns.stats.inc('ip.in_addr_errors');
    return;
  }
  if (v.ttl <= 1) {
    icmpSendError(ns, pkt, icmp.TYPE_TIME_EXCEEDED, icmp.TIME_EXCEEDED_TTL);
    return;
  }
  const dst: Ipv4Address = v.dst;
  const route = ns.routeForward(dst);
  if (route === undefined) {
    icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_NET);
    return;
  }
  if (ns.netfilter.active('forward')) {
    if (ns.netfilter.run(pkt, { hook: 'forward', inDev: dev, outDev: route.dev, netns: ns.name }) !== 'accept') return;
  }
  if (v.dontFragment && v.totalLen > route.mtu) {
    icmpSendError(ns, pkt, icmp.TYPE_DEST_UNREACHABLE, icmp.UNREACH_FRAG_NEEDED, route.mtu);
    return;
  }
  ipv4.decrementTtl(pkt.writable(), pkt.l3);
  ipOutput(ns, pkt, route, false);
}
