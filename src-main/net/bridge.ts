// A Linux bridge (net/bridge): the bridge's own interface plus ports. STP off, so a port forwards as soon as it
// is enslaved (forward delay 0). Per frame arriving on a port (br_handle_frame → br_handle_frame_finish):
//   learn the source MAC behind the port; then by destination:
//   - broadcast / multicast: flood to every other port and pass up to the bridge's own interface;
//   - a local FDB entry (the bridge's or a port's MAC): pass up only;
//   - a known MAC: forward to its port (dropped if that is the ingress port and hairpin is off);
//   - unknown unicast: flood.
//   When the bridge interface is promiscuous (a capture on it), every frame is also passed up, marked
//   'otherhost' unless meant for the host; that is how tcpdump on docker0 sees container-to-container traffic.
// Frames the host sends out of the bridge interface (br_dev_xmit) are flooded or forwarded the same way.
// Flooding visits ports in Linux's port_list order, which is the reverse of enslaving order (list_add_rcu).
// Multicast snooping: the bridge joins 224.0.0.106 (all-snoopers) when it comes up, which makes the host send
// IGMPv3 reports from the bridge's address (facts 3.3). No MDB is kept: without a querier Linux floods
// multicast anyway, which is what is modelled.

import { readMac, MAC_BROADCAST, isMulticastMac, type MacAddress } from '../common/wire/mac.ts';
import { parseIpv4 } from '../common/wire/ipv4-address.ts';
import { NetDevice, type DeviceHost, type DeviceKind, type Master } from './device.ts';
import { Fdb } from './fdb.ts';
import type { LinkEndpoint } from './contracts.ts';
import type { Packet } from './packet.ts';

export interface BridgePort {
  readonly dev: NetDevice;
  /** Send frames back out of the port they came in on (off by default; Docker turns it on for userland-proxy=false). */
  hairpin: boolean;
  learning: boolean;
  /** Receives flooded unknown unicast. */
  flood: boolean;
}

/** 224.0.0.106, the all-snoopers group a snooping bridge joins (br_multicast_join_snoopers). */
export const ALL_SNOOPERS = parseIpv4('224.0.0.106');

export class Bridge extends NetDevice implements Master {
  readonly kind: DeviceKind = 'bridge';
  readonly fdb = new Fdb();
  /** In port_list order: the most recently enslaved port first. */
  private readonly portList: BridgePort[] = [];
  /** The same ports by device, for the per-frame lookup in handleFrame. */
  private readonly portOf = new Map<LinkEndpoint, BridgePort>();
  multicastSnooping = true;
  private mtuAuto: boolean;

  constructor(host: DeviceHost, name: string, mac: MacAddress, mtu?: number) {
    super(host, name, mac, mtu ?? 1500);
    this.mtuAuto = mtu === undefined;
    this.fdb.add(mac, this, host.env.scheduler.now, { local: true });
  }

  get ports(): readonly BridgePort[] {
    return this.portList;
  }

  override get carrier(): boolean {
    return this.adminUp && this.portList.some((p) => p.dev.running);
  }

  /** ip link set DEV master BRIDGE. */
  addPort(dev: NetDevice, opts: { hairpin?: boolean } = {}): BridgePort {
    if (dev === this) throw new Error(`${this.name}: cannot enslave itself`);
    if (dev.master !== undefined) throw new Error(`${dev.name} already has a master (${dev.master.name})`);
    if (dev.host !== this.host) throw new Error(`${dev.name} is in another namespace than ${this.name}`);
    dev.setMaster(this);
    const port: BridgePort = { dev, hairpin: opts.hairpin ?? false, learning: true, flood: true };
    this.portList.unshift(port);
    this.portOf.set(dev, port);
    this.fdb.add(dev.mac, dev, this.host.env.scheduler.now, { local: true });
    if (this.mtuAuto) this.mtu = Math.min(...this.portList.map((p) => p.dev.mtu));
    return port;
  }

  /** ip link set DEV nomaster. */
  removePort(dev: NetDevice): void {
    dev.setMaster(undefined);
  }

  portRemoved(dev: NetDevice): void {
    const i = this.portList.findIndex((p) => p.dev === dev);
    if (i >= 0) {
      this.portList.splice(i, 1);
      this.portOf.delete(dev);
    }
    this.fdb.flushPort(dev);
  }

  port(dev: LinkEndpoint): BridgePort | undefined {
    return this.portOf.get(dev);
  }

  protected override opened(): void {
    if (this.multicastSnooping) this.host.joinGroup(this, ALL_SNOOPERS);
  }

  /** The rx handler on every port. */
  handleFrame(portDev: LinkEndpoint, pkt: Packet): boolean {
    const port = this.port(portDev);
    if (port === undefined) return false;
    if (!this.adminUp) {
      this.counters.rxDropped++;
      return true;
    }
    const bnf = this.host.bridgeNf;
    if (bnf !== undefined && !bnf.preRouting(this, port.dev, pkt)) return true;
    const now = this.host.env.scheduler.now;
    const src = readMac(pkt.data, pkt.l2 + 6);
    const dst = readMac(pkt.data, pkt.l2);
    if (port.learning && !isMulticastMac(src) && src !== 0) this.fdb.learn(src, port.dev, now);
    if (dst === this.mac) pkt.pktType = 'host';
    const promisc = this.promiscuity > 0;
    if (isMulticastMac(dst)) {
      this.flood(pkt, port, true);
      this.passUp(pkt);
      return true;
    }
    const entry = this.fdb.lookup(dst, now);
    if (entry !== undefined && entry.local) {
      pkt.pktType = 'host';
      this.passUp(pkt);
      return true;
    }
    if (entry !== undefined) {
      entry.used = now;
      if (entry.port !== port.dev || port.hairpin) this.forward(entry.port, promisc ? pkt.clone() : pkt, port.dev);
    } else {
      this.flood(pkt, port, false);
    }
    if (promisc) this.passUp(pkt);
    return true;
  }

  /** br_dev_xmit: the host sends out of the bridge interface. */
  protected xmit(pkt: Packet): boolean {
    const dst = readMac(pkt.data, pkt.l2);
    if (isMulticastMac(dst) || dst === MAC_BROADCAST) {
      this.flood(pkt, undefined, true);
      return true;
    }
    const entry = this.fdb.lookup(dst, this.host.env.scheduler.now);
    if (entry !== undefined && !entry.local) this.forward(entry.port, pkt);
    else if (entry === undefined) this.flood(pkt, undefined, false);
    return true;
  }

  /** `from`: the port the frame came in on (br_netfilter's FORWARD/POSTROUTING), undefined when the host sends. */
  private forward(dev: NetDevice, pkt: Packet, from?: NetDevice): void {
    if (!dev.running) return;
    if (from !== undefined) {
      const bnf = this.host.bridgeNf;
      if (bnf !== undefined && !bnf.forward(this, from, dev, pkt)) return;
    }
    dev.transmit(pkt);
  }

  /** br_flood: one copy per eligible port in port_list order (the last one gets the original). */
  private flood(pkt: Packet, ingress: BridgePort | undefined, multi: boolean): void {
    const targets: NetDevice[] = [];
    for (const p of this.portList) {
      if (!p.dev.running) continue;
      if (p === ingress && !p.hairpin) continue;
      if (!multi && !p.flood) continue;
      targets.push(p.dev);
    }
    const from = ingress?.dev;
    const bnf = from !== undefined ? this.host.bridgeNf : undefined;
    for (const dev of targets) {
      const copy = pkt.clone();
      if (bnf === undefined || from === undefined || bnf.forward(this, from, dev, copy)) dev.transmit(copy);
    }
  }

  /**
   * br_pass_frame_up. Every caller hands over its last use of `pkt` (what is forwarded or flooded went out as
   * clones, which marked this packet shared), so the packet object itself goes up: no clone, and no copy of the
   * bytes when the host rewrites them (TTL on forwarding) unless a clone still shares them.
   */
  private passUp(pkt: Packet): void {
    this.receiveFromMaster(pkt);
  }
}
