// ARP for a namespace (net/ipv4/arp.c): arp_rcv/arp_process on input, arp_solicit and replies on output.
// Frames are 42 bytes (no padding to 60: veths and bridges carry them as they are, facts 3.1).
//   - A request for one of our addresses (any interface: arp_ignore 0) is answered with a unicast reply, and the
//     sender is entered as STALE (neigh_event_ns). Requests for other addresses only refresh an existing entry.
//   - A reply addressed to us makes the entry REACHABLE; broadcast replies and requests only assert STALE.
//   - Requests take the source address of the packet that waits for resolution when it is ours, else the
//     device's address in the target's subnet (arp_announce 0). Unicast probes go to the known MAC with a zero
//     target hardware address, as the reference shows.

import * as arp from '../common/wire/arp.ts';
import { ETHERTYPE_ARP, HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import { isMulticastIpv4, readIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { MAC_BROADCAST, MAC_ZERO, writeMac, type MacAddress } from '../common/wire/mac.ts';
import { writeU16 } from '../common/wire/bytes.ts';
import { WireError } from '../common/wire/error.ts';
import type { NetDevice } from './device.ts';
import type { NeighbourEntry } from './neighbour.ts';
import { Packet } from './packet.ts';
import type { NetNamespace } from './namespace.ts';

/** arp_rcv + arp_process. Called by NetNamespace.deliverFrame for EtherType 0x0806. */
export function arpInput(ns: NetNamespace, dev: NetDevice, pkt: Packet): void {
  if (pkt.pktType === 'otherhost' || pkt.pktType === 'loopback' || dev.isLoopback) return;
  let a: arp.ArpPacket;
  try {
    a = arp.parse(pkt.data.subarray(pkt.l2 + ETH_HLEN));
  } catch (e) {
    if (e instanceof WireError) {
      ns.stats.inc('arp.bad');
      return;
    }
    throw e;
  }
  const { senderIp: sip, targetIp: tip, senderMac: sha } = a;
  if (isMulticastIpv4(tip)) return;
  const isRequest = a.operation === arp.OP_REQUEST;
  if (a.operation !== arp.OP_REQUEST && a.operation !== arp.OP_REPLY) return;
  // Duplicate address detection probe (sender 0.0.0.0): answer if it is for us, learn nothing.
  if (sip === 0) {
    if (isRequest && ns.isLocalAddress(tip)) sendArp(ns, dev, arp.OP_REPLY, sha, dev.mac, tip, sha, sip);
    return;
  }
  if (isRequest && ns.isLocalAddress(tip)) {
    const n = ns.neigh.lookupOrCreate(dev, sip);
    ns.neigh.update(n, sha, 'stale', { override: true });
    sendArp(ns, dev, arp.OP_REPLY, sha, dev.mac, tip, sha, sip);
    return;
  }
  // "Update our ARP tables": only an entry that already exists (arp_accept 0).
  const n = ns.neigh.lookup(dev, sip);
  if (n === undefined) return;
  const now = ns.kernel.clock.jiffies;
  const isGarp = sip === tip && (!isRequest || a.targetMac === MAC_ZERO || a.targetMac === sha);
  const override = now > n.updated + ns.neigh.parms(dev).locktime || isGarp;
  const state = !isRequest && pkt.pktType === 'host' ? 'reachable' : 'stale';
  ns.neigh.update(n, sha, state, { override });
}

/** arp_solicit. Called by the neighbour table for each probe. */
export function arpSolicit(ns: NetNamespace, e: NeighbourEntry, dstMac: MacAddress | undefined, queued: Packet | undefined): void {
  const dev = e.dev;
  let saddr: Ipv4Address | undefined;
  if (queued !== undefined && queued.l3 >= 0) {
    const src = readIpv4(queued.data, queued.l3 + 12);
    if (ns.isLocalAddress(src)) saddr = src;
  }
  saddr ??= ns.selectSource(dev, e.ip);
  sendArp(ns, dev, arp.OP_REQUEST, dstMac ?? MAC_BROADCAST, dev.mac, saddr, MAC_ZERO, e.ip);
}

/** arp_send_dst: builds one 42-byte ARP frame and transmits it on `dev` (a new journey). */
export function sendArp(ns: NetNamespace, dev: NetDevice, op: number, ethDst: MacAddress, sha: MacAddress, sip: Ipv4Address, tha: MacAddress, tip: Ipv4Address): void {
  const data = new Uint8Array(ETH_HLEN + arp.PACKET_LEN);
  writeMac(data, 0, ethDst);
  writeMac(data, 6, dev.mac);
  writeU16(data, 12, ETHERTYPE_ARP);
  arp.emit({ operation: op, senderMac: sha, senderIp: sip, targetMac: tha, targetIp: tip }, data, ETH_HLEN);
  const pkt = new Packet(data, ns.env.journeys.take());
  pkt.l3 = ETH_HLEN;
  dev.transmit(pkt);
}
