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
import { NetDevice, randomMac, type DeviceHost, type DeviceKind } from './device.ts';
import { addStacked, attachPort, LowerPort, StackedDevice, UpperRegistry } from './lower-port.ts';
import type { NetNamespace } from './namespace.ts';
import type { Packet } from './packet.ts';

export type MacvlanMode = 'bridge' | 'private' | 'vepa' | 'passthru';

export class MacvlanDevice extends StackedDevice {
  readonly kind: DeviceKind = 'macvlan';

  constructor(host: DeviceHost, name: string, lower: NetDevice, readonly mode: MacvlanMode, mac: MacAddress, mtu?: number, ifindex?: number) {
    super(host, name, lower, mac, mtu ?? lower.mtu, ifindex);
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
          if (!lower.running) {
            this.counters.txDropped++;
            return false;
          }
          port.forwardToLower(pkt);
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

/** The rx_handler of a lower device with macvlans; its slaves are port->vlans. */
export class MacvlanPort extends LowerPort<MacvlanDevice> {
  private static readonly registry = new UpperRegistry<MacvlanPort>();

  private constructor(lower: NetDevice) {
    super(lower, MacvlanPort.registry);
  }

  static of(lower: NetDevice): MacvlanPort | undefined {
    return MacvlanPort.registry.of(lower);
  }

  /** macvlan_port_create: registers the port on the lower device (after an 802.1Q demux, if any). */
  static attach(lower: NetDevice): MacvlanPort {
    return attachPort(MacvlanPort.registry, lower, () => new MacvlanPort(lower));
  }

  get passthru(): boolean {
    return this.slaves.length > 0 && this.slaves[0]!.mode === 'passthru';
  }

  add(dev: MacvlanDevice): void {
    if (dev.mode === 'passthru' && this.slaves.length > 0) throw new Error('RTNETLINK answers: Invalid argument');
    if (this.passthru) throw new Error('RTNETLINK answers: Invalid argument');
    if (this.byMac(dev.mac) !== undefined) throw new Error('RTNETLINK answers: Address already in use');
    this.slaves.push(dev);
  }

  /** macvlan_hash_lookup. */
  byMac(mac: MacAddress): MacvlanDevice | undefined {
    for (const v of this.slaves) if (v.mac === mac) return v;
    return undefined;
  }

  /** macvlan_handle_frame. */
  handleFrame(_lower: unknown, pkt: Packet): boolean {
    const dst = readMac(pkt.data, pkt.l2);
    if (isMulticastMac(dst)) {
      this.broadcast(pkt, undefined, false);
      return false;
    }
    const v = this.passthru ? this.slaves[0] : this.byMac(dst);
    return v !== undefined && this.takeInto(v, pkt);
  }

  /**
   * macvlan_broadcast: a copy for each macvlan the frame is for — from the wire (src undefined) every one; from a
   * bridge-mode macvlan's transmit, the other bridge-mode ones.
   */
  broadcast(pkt: Packet, src: MacvlanDevice | undefined, fromTx: boolean): void {
    this.copyToSlaves(pkt, src, fromTx ? isBridgeMode : always, src?.host ?? this.lower.host);
  }
}

function isBridgeMode(v: MacvlanDevice): boolean {
  return v.mode === 'bridge';
}

function always(): boolean {
  return true;
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
    if (port.slaves.length === 0) port.remove(dev);
    throw e;
  }
  return addStacked(ns, dev, () => port.remove(dev), o.up);
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
