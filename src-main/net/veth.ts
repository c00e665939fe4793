// A veth pair: what one end transmits arrives on the other after a small latency, as a scheduled event (so
// captures show a realistic order and non-zero gaps). Linux hands the skb to the peer's backlog (netif_rx);
// the delay stands for that softirq hop. The peer drops frames when it is down or the frame exceeds its MTU
// (is_skb_forwardable: MTU + Ethernet header + one VLAN tag).

import type { Time } from '../sim/time.ts';
import type { MacAddress } from '../common/wire/mac.ts';
import { NetDevice, type DeviceHost, type DeviceKind } from './device.ts';
import type { Packet } from './packet.ts';

export class Veth extends NetDevice {
  readonly kind: DeviceKind = 'veth';
  peer!: Veth;
  /** One-way delay to the peer. */
  latency: Time;

  constructor(host: DeviceHost, name: string, mac: MacAddress, mtu = 1500, latency?: Time) {
    super(host, name, mac, mtu);
    this.latency = latency ?? host.env.vethLatency;
  }

  /** Links two ends (ip link add A type veth peer name B). */
  static pair(a: Veth, b: Veth): void {
    a.peer = b;
    b.peer = a;
  }

  override get carrier(): boolean {
    return this.adminUp && this.peer.adminUp;
  }

  protected xmit(pkt: Packet): boolean {
    const peer = this.peer;
    if (!peer.adminUp || pkt.length > peer.mtu + 18) {
      this.counters.txDropped++;
      return false;
    }
    // The packet object moves to the peer; metadata that belongs to the sending namespace is reset there.
    this.host.env.scheduler.post(this.latency, arrive, peer, pkt, this.host);
    return true;
  }
}

/** The frame reaches the peer end (one posted event per frame: no closure, a recycled event record). */
function arrive(peer: Veth, pkt: Packet, from: DeviceHost): void {
  if (peer.host !== from) pkt.scrub();
  peer.receive(pkt);
}
