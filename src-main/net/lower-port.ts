// What the devices stacked on a lower device share (macvlan.ts, ipvlan.ts, vlan.ts): the lower device's state as
// their carrier, one handler per kind registered on the lower device, deletion along with the lower device, and —
// for macvlan and ipvlan, whose port is the lower device's rx_handler — the port's list of devices, the copies of
// broadcast/multicast frames for them, and the delayed hand-overs to a device or to the lower device's receive path.
// What tells the devices of a port apart (a MAC, an IP address) and the modes stay in macvlan.ts and ipvlan.ts.

import type { MacAddress } from '../common/wire/mac.ts';
import { NetDevice, type DeviceHost, type UpperHandler } from './device.ts';
import type { NetNamespace } from './namespace.ts';
import type { Packet } from './packet.ts';

/** A device on a lower device, possibly in another namespace (vlan->lowerdev, vlan->real_dev). */
export abstract class StackedDevice extends NetDevice {
  constructor(
    host: DeviceHost,
    name: string,
    readonly lower: NetDevice,
    mac: MacAddress,
    mtu: number,
    ifindex?: number,
  ) {
    super(host, name, mac, mtu, ifindex);
  }

  /** The lower device's operational state is stacked onto this one (netif_stacked_transfer_operstate). */
  override get carrier(): boolean {
    return this.adminUp && this.lower.running;
  }
}

/** The handlers of one kind, at most one per lower device, found by their lower device. */
export class UpperRegistry<H extends UpperHandler & { readonly lower: NetDevice }> {
  private readonly byLower = new WeakMap<NetDevice, H>();

  of(lower: NetDevice): H | undefined {
    return this.byLower.get(lower);
  }

  /** The handler of `lower`, made by `create` and registered on it if there is none: last, or `first`. */
  attach(lower: NetDevice, create: () => H, first = false): H {
    let h = this.byLower.get(lower);
    if (h === undefined) {
      h = create();
      this.byLower.set(lower, h);
      if (first) lower.uppers.unshift(h);
      else lower.uppers.push(h);
    }
    return h;
  }

  /** Unregisters the handler from its lower device. */
  detach(h: H): void {
    const i = h.lower.uppers.indexOf(h);
    if (i >= 0) h.lower.uppers.splice(i, 1);
    this.byLower.delete(h.lower);
  }
}

/**
 * NETDEV_UNREGISTER of the lower device: each device on it is deleted from its namespace (and so leaves its
 * handler); `unlisted` gets those their namespace does not list.
 */
export function deleteStacked(devs: readonly StackedDevice[], unlisted?: (dev: StackedDevice) => void): void {
  for (const dev of devs) {
    const ns = dev.host as NetNamespace;
    if (ns.hasDevice(dev.name)) ns.removeDevice(dev.name);
    else unlisted?.(dev);
  }
}

/**
 * ip link add: puts a device registered on its lower device into namespace `ns` (undoing the registration when
 * that fails) and brings it up unless `up` is false.
 */
export function addStacked<D extends StackedDevice>(ns: NetNamespace, dev: D, unregister: () => void, up = true): D {
  try {
    ns.addDevice(dev);
  } catch (e) {
    unregister();
    throw e;
  }
  if (up) dev.up();
  return dev;
}

/**
 * A port (macvlan_port, ipvl_port): the rx_handler of a lower device, holding the devices on it in creation order.
 * When the last one leaves, the port leaves the lower device.
 */
export abstract class LowerPort<S extends StackedDevice> implements UpperHandler {
  readonly slaves: S[] = [];

  protected constructor(
    readonly lower: NetDevice,
    private readonly registry: UpperRegistry<LowerPort<S>>,
  ) {}

  abstract handleFrame(lower: unknown, pkt: Packet): boolean;

  remove(dev: S): void {
    const i = this.slaves.indexOf(dev);
    if (i >= 0) this.slaves.splice(i, 1);
    if (this.slaves.length === 0) this.registry.detach(this);
  }

  lowerGone(): void {
    deleteStacked([...this.slaves], (dev) => this.remove(dev as S));
  }

  /** A received frame taken by device `s` (the lower device's stack does not see it), scrubbed if it changes namespace. */
  protected takeInto(s: S, pkt: Packet): true {
    if (s.host !== this.lower.host) pkt.scrub();
    s.receive(pkt);
    return true;
  }

  /**
   * A copy for every running device of the port but `from` that `wants` it (the broadcast/multicast work, so the
   * copies arrive a moment later). A copy for a device outside namespace `home` is scrubbed; with no `home`, every one.
   */
  protected copyToSlaves(pkt: Packet, from: S | undefined, wants: (s: S) => boolean, home: DeviceHost | undefined): void {
    for (const s of this.slaves) {
      if (s === from || !s.running || !wants(s)) continue;
      const copy = pkt.clone();
      if (s.host !== home) copy.scrub();
      this.post(s, copy);
    }
  }

  /** `pkt` goes into device `s` a moment later, if `s` is still on its lower device's port by then. */
  post(s: S, pkt: Packet): void {
    const env = this.lower.host.env;
    env.scheduler.post(env.vethLatency, deliverToSlave, this.registry, s, pkt);
  }

  /** dev_forward_skb(lowerdev): through the lower device's receive path (its capture sees it come in), a moment later. */
  forwardToLower(pkt: Packet): void {
    const env = this.lower.host.env;
    env.scheduler.post(env.vethLatency, receiveOn, this.lower, pkt, undefined);
  }
}

/** macvlan_port_create / ipvlan_port_create: a bridge port or loopback cannot take a port (EBUSY). */
export function attachPort<P extends UpperHandler & { readonly lower: NetDevice }>(registry: UpperRegistry<P>, lower: NetDevice, create: () => P): P {
  return registry.attach(lower, () => {
    if (lower.master !== undefined || lower.isLoopback) throw new Error('RTNETLINK answers: Device or resource busy');
    return create();
  });
}

function deliverToSlave(registry: UpperRegistry<LowerPort<StackedDevice>>, s: StackedDevice, pkt: Packet): void {
  if (registry.of(s.lower)?.slaves.includes(s) === true) s.receive(pkt);
}

function receiveOn(lower: NetDevice, pkt: Packet): void {
  lower.receive(pkt);
}
