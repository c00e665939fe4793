// macvlan as Linux has it (drivers/net/macvlan.c): sub-interfaces with their own MACs on a lower ("parent")
// device, usually moved into other namespaces (Docker's macvlan driver puts one in each container as eth0).
//
// The lower device gets a port (macvlan_port, its rx_handler). Receive on the lower device (macvlan_handle_frame):
//   - broadcast / multicast: passed on to the lower device's own stack, and a copy goes to every macvlan of the
//     port (macvlan_broadcast_enqueue → the broadcast work, so the copies arrive a moment later);
//   - unicast to a macvlan's MAC (passthru: to its one macvlan, whatever the MAC): into that device, nothing for the
//     lower device's stack; other unicast goes on to the lower device's stack.
// Transmit on a macvlan (macvlan_queue_xmit):
//   - bridge mode: broadcast / multicast is copied to the port's other bridge-mode macvlans, then sent on the wire;
//     unicast to another bridge-mode macvlan's MAC is handed to the lower device's receive path
//     (dev_forward_skb(lowerdev): its capture sees it coming in) and so to that macvlan; the rest goes on the wire;
//   - private, vepa, passthru: everything goes out on the lower device (a VEPA switch would hairpin it back; the
//     lab's switches, Linux bridges without hairpin, do not, so private and vepa macvlans do not reach each other).
// What the lower device itself sends never passes its own port, so the host cannot reach its macvlans through the
// parent, nor they the host: their ARP requests go to the wire and the switch does not send them back (the Linux
// rule every macvlan tutorial warns about).
// Not modelled: source mode, the lower device's unicast filter / promiscuity, passthru taking over the lower
// device's MAC.

import { isMulticastMac, readMac, type MacAddress } from '../common/wire/mac.ts';
import { NetDevice, randomMac, type DeviceHost, type DeviceKind, type UpperHandler } from './device.ts';
import type { NetNamespace } from './namespace.ts';
import type { Packet } from './packet.ts';

export type MacvlanMode = 'bridge' | 'private' | 'vepa' | 'passthru';

export class MacvlanDevice extends NetDevice {
  readonly kind: DeviceKind = 'macvlan';

  constructor(
    host: DeviceHost,
    name: string,
    /** The lower device (vlan->lowerdev), possibly in another namespace. */
    readonly lower: NetDevice,
    readonly mode: MacvlanMode,
    mac: MacAddress,
    mtu?: number,
    ifindex?: number,
  ) {
    super(host, name, mac, mtu ?? lower.mtu, ifindex);
  }

  override get carrier(): boolean {
    return this.adminUp && this.lower.running;
  }

  get port(): MacvlanPort | undefined {
    return MacvlanPort.of(this.lower);
  }

  protected xmit(pkt: Packet): boolean {
    const lower = this.lower;
    if (lower.host !== this.host) pkt.scrub();
    const port = this.port;
    if (this.mode === 'bridge' && port !== undefined) {
      const dst = readMac(pkt.data, pkt.l2);
      if (isMulticastMac(dst)) {
        port.broadcast(pkt, this, true);
      } else {
        const dest = port.byMac(dst);
        if (dest !== undefined && dest.mode === 'bridge') {
          // dev_forward_skb(lowerdev, skb): through the lower device's receive path, a moment later.
          if (!lower.running) {
            this.counters.txDropped++;
            return false;
          }
          this.host.env.scheduler.post(this.host.env.vethLatency, forwardToLower, lower, pkt, undefined);
          return true;
        }
      }
    }
    return lower.transmit(pkt);
  }

  override uninit(): void {
    super.uninit();
    this.port?.remove(this);
  }
}

/** The rx_handler of a lower device with macvlans. */
export class MacvlanPort implements UpperHandler {
  private static readonly byLower = new WeakMap<NetDevice, MacvlanPort>();
  /** port->vlans, in creation order. */
  readonly vlans: MacvlanDevice[] = [];

  private constructor(readonly lower: NetDevice) {}

  static of(lower: NetDevice): MacvlanPort | undefined {
    return MacvlanPort.byLower.get(lower);
  }

  /** macvlan_port_create: registers the port on the lower device (after an 802.1Q demux, if any). */
  static attach(lower: NetDevice): MacvlanPort {
    let p = MacvlanPort.byLower.get(lower);
    if (p === undefined) {
      if (lower.master !== undefined || lower.isLoopback) throw new Error('RTNETLINK answers: Device or resource busy');
      p = new MacvlanPort(lower);
      MacvlanPort.byLower.set(lower, p);
      lower.uppers.push(p);
    }
    return p;
  }

  get passthru(): boolean {
    return this.vlans.length > 0 && this.vlans[0]!.mode === 'passthru';
  }

  add(dev: MacvlanDevice): void {
    if (dev.mode === 'passthru' && this.vlans.length > 0) throw new Error('RTNETLINK answers: Invalid argument');
    if (this.passthru) throw new Error('RTNETLINK answers: Invalid argument');
    if (this.byMac(dev.mac) !== undefined) throw new Error('RTNETLINK answers: Address already in use');
    this.vlans.push(dev);
  }

  remove(dev: MacvlanDevice): void {
    const i = this.vlans.indexOf(dev);
    if (i >= 0) this.vlans.splice(i, 1);
    if (this.vlans.length === 0) {
      const j = this.lower.uppers.indexOf(this);
      if (j >= 0) this.lower.uppers.splice(j, 1);
      MacvlanPort.byLower.delete(this.lower);
    }
  }

  /** macvlan_hash_lookup. */
  byMac(mac: MacAddress): MacvlanDevice | undefined {
    for (const v of this.vlans) if (v.mac === mac) return v;
    return undefined;
  }

  /** macvlan_handle_frame. */
  handleFrame(_lower: unknown, pkt: Packet): boolean {
    const dst = readMac(pkt.data, pkt.l2);
    if (isMulticastMac(dst)) {
      this.broadcast(pkt, undefined, false);
      return false;
    }
    const v = this.passthru ? this.vlans[0] : this.byMac(dst);
    if (v === undefined) return false;
    if (v.host !== this.lower.host) pkt.scrub();
    v.receive(pkt);
    return true;
  }

  /**
   * macvlan_broadcast: a copy for each macvlan the frame is for — from the wire (src undefined) every one; from a
   * bridge-mode macvlan's transmit, the other bridge-mode ones.
   */
  broadcast(pkt: Packet, src: MacvlanDevice | undefined, fromTx: boolean): void {
    const env = this.lower.host.env;
    for (const v of this.vlans) {
      if (v === src || !v.running) continue;
      if (fromTx && v.mode !== 'bridge') continue;
      const copy = pkt.clone();
      if (v.host !== (src?.host ?? this.lower.host)) copy.scrub();
      env.scheduler.post(env.vethLatency, deliverCopy, v, copy, undefined);
    }
  }

  lowerGone(): void {
    for (const v of [...this.vlans]) {
      const ns = v.host as NetNamespace;
      if (ns.hasDevice(v.name)) ns.removeDevice(v.name);
      else this.remove(v);
    }
  }
}

function forwardToLower(lower: NetDevice, pkt: Packet): void {
  lower.receive(pkt);
}

function deliverCopy(v: MacvlanDevice, pkt: Packet): void {
  if (MacvlanPort.of(v.lower)?.vlans.includes(v) === true) v.receive(pkt);
}

export interface MacvlanOptions {
  readonly mode?: MacvlanMode;
  readonly mac?: MacAddress;
  readonly mtu?: number;
  /** The ifindex the device keeps when moved from the lower device's namespace (it was allocated there). */
  readonly ifindex?: number;
  /** Bring it up (default true). */
  readonly up?: boolean;
}

/**
 * ip link add NAME link LOWER type macvlan mode MODE, created in (or moved into) namespace `ns`; the lower device is
 * in its own namespace. The MAC is random (eth_random_addr from `ns`'s stream) unless given.
 */
export function addMacvlan(ns: NetNamespace, name: string, lower: NetDevice, o: MacvlanOptions = {}): MacvlanDevice {
  const port = MacvlanPort.attach(lower);
  const mac = o.mac ?? randomMac(() => ns.random.nextU32());
  const dev = new MacvlanDevice(ns, name, lower, o.mode ?? 'bridge', mac, o.mtu, o.ifindex);
  try {
    port.add(dev);
  } catch (e) {
    if (port.vlans.length === 0) port.remove(dev);
    throw e;
  }
  try {
    ns.addDevice(dev);
  } catch (e) {
    port.remove(dev);
    throw e;
  }
  if (o.up ?? true) dev.up();
  return dev;
}

/** A dummy device (drivers/net/dummy.c): what it sends is counted and dropped. Docker's parent-less macvlan and
 * ipvlan networks hang off one (dm-<id>, di-<id>). */
export class DummyDevice extends NetDevice {
  readonly kind: DeviceKind = 'dummy';

  protected xmit(): boolean {
    return true;
  }
}

/** ip link add NAME type dummy; up. */
export function addDummy(ns: NetNamespace, name: string, mac?: MacAddress): DummyDevice {
  const dev = ns.addDevice(new DummyDevice(ns, name, mac ?? randomMac(() => ns.random.nextU32()), 1500));
  dev.up();
  return dev;
}
