// NetDevice: what every Linux network device has (name, ifindex, MAC, MTU, admin state, counters, capture taps,
// an optional master), and the two paths every frame takes through a device:
//   transmit: count, tap 'out' (dev_queue_xmit_nit), then the driver (xmit);
//   receive:  count, set the packet type from the destination MAC (eth_type_trans), tap 'in', then the rx
//             handler (the bridge this device is a port of) or the namespace's network layer.
// Subclasses implement only the driver: veth (the peer), loopback (itself), bridge (its ports).

import { readMac, MAC_BROADCAST, isMulticastMac, formatMac, type MacAddress } from '../common/wire/mac.ts';
import type { Ipv4Address } from '../common/wire/ipv4-address.ts';
import type { BridgeNetfilter, LinkEndpoint, NetworkInput, RxHandler } from './contracts.ts';
import type { Kernel, NetEnv } from './env.ts';
import type { Packet } from './packet.ts';

export interface DeviceCounters {
  rxPackets: number;
  rxBytes: number;
  rxDropped: number;
  rxErrors: number;
  txPackets: number;
  txBytes: number;
  txDropped: number;
  txErrors: number;
}

export type TapDirection = 'in' | 'out';

/** A capture tap: sees every frame the device transmits or receives, before the driver / rx handler. */
export type Tap = (dev: NetDevice, pkt: Packet, direction: TapDirection) => void;

/** What a device needs from the namespace it lives in (implemented by NetNamespace). */
export interface DeviceHost extends NetworkInput {
  readonly name: string;
  readonly env: NetEnv;
  readonly kernel: Kernel;
  /** Called by a device when its admin state or addresses' reachability changes (routes follow). */
  deviceStateChanged(dev: NetDevice): void;
  /** "any"-device taps of the namespace. */
  readonly anyTaps: Set<Tap>;
  /** Next free ifindex. */
  allocIfindex(): number;
  /** ip_mc_inc_group: the device joins an IPv4 multicast group (the host sends IGMP reports for it). */
  joinGroup(dev: NetDevice, group: Ipv4Address): void;
  /** br_netfilter of the namespace's bridges, when net.bridge.bridge-nf-call-iptables is set (netfilter-glue.ts). */
  readonly bridgeNf?: BridgeNetfilter | undefined;
}

/** A master device (bridge) that takes frames arriving on its ports. */
export interface Master extends RxHandler {
  readonly name: string;
  /** Called when a port leaves the master (dev.setMaster(undefined)). */
  portRemoved(port: NetDevice): void;
}

export type DeviceKind = 'loopback' | 'veth' | 'bridge' | 'vxlan' | 'dummy' | 'vlan' | 'macvlan' | 'ipvlan';

/**
 * A device stacked on this one (802.1Q sub-interfaces, a macvlan or ipvlan port: vlan.ts, macvlan.ts, ipvlan.ts).
 * It sees every received frame after the 'in' tap and before the master, in Linux's order (vlan_do_receive, then
 * the rx_handler); returns true when it took the frame. lowerGone: the lower device is being deleted.
 */
export interface UpperHandler extends RxHandler {
  lowerGone(lower: NetDevice): void;
}

export abstract class NetDevice implements LinkEndpoint {
  abstract readonly kind: DeviceKind;
  readonly ifindex: number;
  mac: MacAddress;
  mtu: number;
  adminUp = false;
  /** Reference count of promiscuous users (captures set it, as tcpdump does unless -p). */
  promiscuity = 0;
  master: Master | undefined = undefined;
  readonly counters: DeviceCounters = { rxPackets: 0, rxBytes: 0, rxDropped: 0, rxErrors: 0, txPackets: 0, txBytes: 0, txDropped: 0, txErrors: 0 };
  readonly taps = new Set<Tap>();
  /** Stacked devices' handlers (802.1Q demux first, then a macvlan/ipvlan port). */
  readonly uppers: UpperHandler[] = [];

  constructor(
    readonly host: DeviceHost,
    readonly name: string,
    mac: MacAddress,
    mtu: number,
    ifindex?: number,
  ) {
    this.mac = mac;
    this.mtu = mtu;
    this.ifindex = ifindex ?? host.allocIfindex();
  }

  get running(): boolean {
    return this.adminUp;
  }

  get isLoopback(): boolean {
    return false;
  }

  /** Carrier (IFF_LOWER_UP); a veth has it when both ends are up, a bridge when a port forwards. */
  get carrier(): boolean {
    return this.adminUp;
  }

  up(): this {
    if (!this.adminUp) {
      this.adminUp = true;
      this.host.deviceStateChanged(this);
      this.opened();
    }
    return this;
  }

  down(): this {
    if (this.adminUp) {
      this.adminUp = false;
      this.host.deviceStateChanged(this);
    }
    return this;
  }

  /** Hook for subclasses after the device came up (the bridge joins its multicast groups). */
  protected opened(): void {}

  /** Enslaves the device to a master (ip link set DEV master BR), or releases it with undefined. */
  setMaster(master: Master | undefined): void {
    if (this.master === master) return;
    const old = this.master;
    this.master = master;
    old?.portRemoved(this);
  }

  transmit(pkt: Packet): boolean {
    if (!this.adminUp) {
      this.counters.txDropped++;
      return false;
    }
    this.counters.txPackets++;
    this.counters.txBytes += pkt.length;
    this.tap(pkt, 'out');
    return this.xmit(pkt);
  }

  /** The driver: sends a frame that has been counted and tapped. */
  protected abstract xmit(pkt: Packet): boolean;

  receive(pkt: Packet): void {
    if (!this.adminUp) {
      this.counters.rxDropped++;
      return;
    }
    this.counters.rxPackets++;
    this.counters.rxBytes += pkt.length;
    pkt.ingress = this;
    pkt.pktType = this.classify(pkt);
    this.tap(pkt, 'in');
    if (this.uppers.length !== 0) for (const u of this.uppers) if (u.handleFrame(this, pkt)) return;
    if (this.master !== undefined && this.master.handleFrame(this, pkt)) return;
    this.host.deliverFrame(this, pkt);
  }

  /** ndo_uninit: the namespace deletes the device; the devices stacked on it go with it. */
  uninit(): void {
    for (const u of [...this.uppers]) u.lowerGone(this);
  }

  /**
   * A frame handed up by a master to its own interface (br_pass_frame_up): the packet type the bridge decided is
   * kept, the frame is counted and tapped here, then goes to the network layer.
   */
  receiveFromMaster(pkt: Packet): void {
    this.counters.rxPackets++;
    this.counters.rxBytes += pkt.length;
    pkt.ingress = this;
    this.tap(pkt, 'in');
    this.host.deliverFrame(this, pkt);
  }

  /** eth_type_trans: broadcast, multicast, for this host, or for another host. */
  protected classify(pkt: Packet): Packet['pktType'] {
    const dst = readMac(pkt.data, pkt.l2);
    if (dst === MAC_BROADCAST) return 'broadcast';
    if (isMulticastMac(dst)) return 'multicast';
    return dst === this.mac ? 'host' : 'otherhost';
  }

  protected tap(pkt: Packet, direction: 'in' | 'out'): void {
    if (this.taps.size !== 0) for (const t of this.taps) t(this, pkt, direction);
    const any = this.host.anyTaps;
    if (any.size !== 0) for (const t of any) t(this, pkt, direction);
  }

  /** `ip link`-style flags: <BROADCAST,MULTICAST,UP,LOWER_UP>. */
  flags(): string[] {
    const f = this.isLoopback ? ['LOOPBACK'] : ['BROADCAST', 'MULTICAST'];
    if (this.promiscuity > 0) f.push('PROMISC');
    if (this.adminUp) f.push('UP');
    if (this.adminUp && this.carrier) f.push('LOWER_UP');
    else if (this.adminUp) f.unshift('NO-CARRIER');
    return f;
  }

  toString(): string {
    return `${this.ifindex}: ${this.name} ${formatMac(this.mac)} mtu ${this.mtu}`;
  }
}

/** A random locally administered unicast MAC (eth_random_addr) from a seeded stream. */
export function randomMac(next32: () => number): MacAddress {
  const hi = (next32() & 0xfeff) | 0x0200; // clear multicast bit, set local bit in the first octet
  return hi * 0x1_0000_0000 + (next32() >>> 0);
}
