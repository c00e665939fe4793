// IPv4 output (net/ipv4/ip_output.c, route.c): route lookup, header building with Linux's DF and IP ID rules,
// the OUTPUT and POSTROUTING hooks, fragmentation by the sender, and the hand-off to the neighbour layer.
//
// DF and ID (facts 3.4):
//   pmtudisc 'do'/'probe': DF always; a datagram over the MTU is refused (EMSGSIZE) and nothing is sent.
//   pmtudisc 'want' (default): DF when the datagram fits the MTU, else no DF and it is fragmented.
//   pmtudisc 'dont': never DF (the kernel's own ICMP socket: echo replies and errors).
//   ID: a connected socket's own counter; else 0 for DF packets that are not ignore_df ('do', IGMP); else the
//   hashed per-destination counter (ip-ident.ts).

import * as ipv4 from '../common/wire/ipv4.ts';
import { ETHERTYPE_IPV4, HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import { IPV4_BROADCAST, isMulticastIpv4, readIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { ipv4MulticastMac, MAC_BROADCAST, writeMac, type MacAddress } from '../common/wire/mac.ts';
import { writeU16 } from '../common/wire/bytes.ts';
import type { Ipv4SendRequest, OutputRoute, SendResult } from './contracts.ts';
import type { NetDevice } from './device.ts';
import { fragment } from './fragment.ts';
import { Packet } from './packet.ts';
import type { NetNamespace } from './namespace.ts';

/** ip_route_output: local destinations go through lo; others by longest-prefix match in the main table. */
export function routeOutput(ns: NetNamespace, dst: Ipv4Address, opts: { src?: Ipv4Address; oif?: string } = {}): OutputRoute | undefined {
  const oif = opts.oif !== undefined ? ns.device(opts.oif) : undefined;
  if (isMulticastIpv4(dst) || dst === IPV4_BROADCAST) {
    const dev = oif ?? ns.mainTable.lookup(dst)?.dev;
    if (dev === undefined || !dev.running) return undefined;
    return { dev, src: opts.src ?? ns.selectSource(dev, dst), gateway: undefined, mtu: dev.mtu, type: dst === IPV4_BROADCAST ? 'broadcast' : 'multicast' };
  }
  const local = ns.localTable.lookup(dst);
  if (local?.type === 'local' && oif === undefined) {
    // The local route's prefsrc: 127.0.0.11 is reached from 127.0.0.1 (`local 127.0.0.0/8 dev lo src 127.0.0.1`).
    return { dev: ns.lo, src: opts.src ?? local.src ?? dst, gateway: undefined, mtu: ns.lo.mtu, type: 'local' };
  }
  if (local?.type === 'broadcast' && local.dev !== undefined) {
    return { dev: local.dev, src: opts.src ?? local.src ?? ns.selectSource(local.dev, dst), gateway: undefined, mtu: local.dev.mtu, type: 'broadcast' };
  }
  const r = ns.mainTable.lookup(dst, oif);
  if (r === undefined || r.type !== 'unicast' || r.dev === undefined) return undefined;
  const pmtu = ns.pmtu.get(dst);
  const mtu = Math.min(r.mtu ?? r.dev.mtu, pmtu !== undefined && pmtu.expires > ns.env.scheduler.now ? pmtu.mtu : Infinity);
  return { dev: r.dev, src: opts.src ?? r.src ?? ns.selectSource(r.dev, r.gateway ?? dst), gateway: r.gateway, mtu, type: 'unicast' };
}

/** The options of a plain 20-byte header (shared, never written: emit only copies from it). */
const NO_OPTIONS = new Uint8Array(0);

/** Builds the IPv4 header over `payload` and sends it (ip_build_and_send_pkt / ip_push_pending_frames). */
export function sendIpv4(ns: NetNamespace, req: Ipv4SendRequest, payload: Uint8Array): SendResult {
  let route = req.route;
  const options = req.options ?? NO_OPTIONS;
  const hl = ipv4.HEADER_LEN + options.length;
  const total = hl + payload.length;
  if (total > ipv4.MAX_PACKET_LEN) return { ok: false, error: 'EMSGSIZE', mtu: route.mtu };
  const pmtudisc = req.pmtudisc ?? 'want';
  const strict = pmtudisc === 'do' || pmtudisc === 'probe';
  if (strict && total > route.mtu) return { ok: false, error: 'EMSGSIZE', mtu: route.mtu };
  const df = strict || (pmtudisc === 'want' && total <= route.mtu);
  const ignoreDf = !strict;
  const src = req.src ?? route.src;
  const dst = req.dst;
  let id: number;
  if (req.socketIdent !== undefined) id = req.socketIdent() & 0xffff;
  else if (df && !ignoreDf) id = 0;
  else id = ns.kernel.idents.select(ns.kernel.clock.jiffies, src, dst, req.protocol);
  const tos = req.tos ?? 0;
  const data = new Uint8Array(ETH_HLEN + total);
  ipv4.emit(
    {
      dscp: tos >>> 2,
      ecn: tos & 3,
      identification: id,
      dontFragment: df,
      moreFragments: false,
      fragmentOffset: 0,
      ttl: req.ttl ?? (isMulticastIpv4(dst) ? 1 : ns.sysctl.defaultTtl),
      protocol: req.protocol,
      src,
      dst,
      options,
      payload,
    },
    data,
    ETH_HLEN,
  );
  const pkt = new Packet(data, req.journey ?? ns.env.journeys.take());
  pkt.l3 = ETH_HLEN;
  pkt.l4 = ETH_HLEN + hl;
  if (req.hash) {
    pkt.hash = req.hash;
    pkt.socketHash = true;
  }
  pkt.mark = req.mark ?? 0;
  if (ns.netfilter.active('output')) {
    const v = ns.netfilter.run(pkt, { hook: 'output', inDev: undefined, outDev: route.dev, netns: ns.name });
    if (v === 'drop') return { ok: false, error: 'EPERM' };
    if (v === 'stolen') return { ok: true, journey: pkt.journey };
    const newDst = readIpv4(pkt.data, pkt.l3 + 16);
    if (newDst !== dst) {
      // ip_route_me_harder: the destination was rewritten (DNAT in OUTPUT), route again.
      const r = routeOutput(ns, newDst, { src: readIpv4(pkt.data, pkt.l3 + 12) });
      if (r === undefined) return { ok: false, error: 'EHOSTUNREACH' };
      route = r;
    }
  }
  ipOutput(ns, pkt, route, ignoreDf);
  return { ok: true, journey: pkt.journey };
}

/** ip_output: POSTROUTING, then ip_finish_output. Also the tail of forwarding. */
export function ipOutput(ns: NetNamespace, pkt: Packet, route: OutputRoute, ignoreDf: boolean): void {
  if (ns.netfilter.active('postrouting')) {
    const v = ns.netfilter.run(pkt, { hook: 'postrouting', inDev: undefined, outDev: route.dev, netns: ns.name });
    if (v !== 'accept') return;
  }
  const total = (pkt.data[pkt.l3 + 2]! << 8) | pkt.data[pkt.l3 + 3]!;
  if (total > route.mtu && !route.dev.isLoopback) {
    const df = (pkt.data[pkt.l3 + 6]! & 0x40) !== 0;
    if (df && !ignoreDf) {
      ns.stats.inc('ip.frag_fails');
      return;
    }
    for (const f of fragment(pkt, route.mtu, () => ns.env.journeys.take())) finishOutput(ns, f, route);
    return;
  }
  finishOutput(ns, pkt, route);
}

/** ip_finish_output2: the link-layer destination for the packet, via the neighbour table when unicast. */
function finishOutput(ns: NetNamespace, pkt: Packet, route: OutputRoute): void {
  const dev = route.dev as NetDevice;
  if (dev.isLoopback) {
    sendResolved(dev, pkt, 0);
    return;
  }
  const dst = readIpv4(pkt.data, pkt.l3 + 16);
  if (isMulticastIpv4(dst)) sendResolved(dev, pkt, ipv4MulticastMac(dst));
  else if (route.type === 'broadcast' || dst === IPV4_BROADCAST) sendResolved(dev, pkt, MAC_BROADCAST);
  else ns.neigh.output(dev, route.gateway ?? dst, pkt);
}

/** neigh_hh_output: writes the Ethernet header in front of the IP header and transmits. */
export function sendResolved(dev: NetDevice, pkt: Packet, mac: MacAddress): void {
  const l2 = pkt.l3 - ETH_HLEN;
  if (l2 < 0) throw new Error('sendResolved: no room for the Ethernet header');
  const d = pkt.writable();
  writeMac(d, l2, mac);
  writeMac(d, l2 + 6, dev.isLoopback ? 0 : dev.mac);
  writeU16(d, l2 + 12, ETHERTYPE_IPV4);
  pkt.l2 = l2;
  dev.transmit(pkt);
}
