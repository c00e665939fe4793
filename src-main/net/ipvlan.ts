// ipvlan as Linux has it (drivers/net/ipvlan): sub-interfaces that share their lower device's MAC and are told
// apart by IP address. The lower device gets a port (ipvl_port, its rx_handler); the addresses of each ipvlan are
// those its namespace holds on it (the inetaddr notifier feeds the kernel's hash; here they are read on demand).
//
// L2 mode (ipvlan_handle_mode_l2 / ipvlan_xmit_mode_l2):
//   receive on the lower device: broadcast/multicast → a copy for every ipvlan (the multicast work), and on to the
//   lower device's stack; unicast → the ipvlan owning the destination address (ARP: the target address), else on
//   to the lower device's stack;
//   transmit: to a destination MAC equal to the source (the shared MAC), an ipvlan owning the destination address
//   gets it directly, anything else goes to the lower device's stack (dev_forward_skb); broadcast/multicast →
//   the other ipvlans, then the wire; other unicast → the wire.
// L3 / L3S mode (ipvlan_handle_mode_l3 / ipvlan_xmit_mode_l3): the ipvlans are NOARP (a neighbour is the device's
//   own MAC, no ARP is sent); what they send is routed by the lower device's namespace (ipvlan_process_outbound:
//   its routes, neighbours and POSTROUTING); received unicast IPv4 for an ipvlan's address goes to it; ARP and
//   broadcast never reach an ipvlan.
// Flags: bridge (default) switches between the ipvlans of a port; private drops what one sends to another; vepa
//   sends everything to the wire.
// As with macvlan, what the lower device itself sends never reaches its ipvlans (in L2 mode neither side can ARP
// for the other).

import { readU16 } from '../common/wire/bytes.ts';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import { readIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { isMulticastMac, readMac } from '../common/wire/mac.ts';
import type { DeviceHost, DeviceKind, NetDevice } from './device.ts';
import { ipOutput } from './ipv4-output.ts';
import { addStacked, attachPort, LowerPort, StackedDevice, UpperRegistry } from './lower-port.ts';
import type { NetNamespace } from './namespace.ts';
import type { Packet } from './packet.ts';

export type IpvlanMode = 'l2' | 'l3' | 'l3s';
export type IpvlanFlag = 'bridge' | 'private' | 'vepa';

/** Offset of the ARP target protocol address in an Ethernet/IPv4 ARP packet. */
const ARP_TPA = 24;

export class IpvlanDevice extends StackedDevice {
  readonly kind: DeviceKind = 'ipvlan';

  constructor(
    host: DeviceHost,
    name: string,
    lower: NetDevice,
    readonly mode: IpvlanMode,
    readonly flag: IpvlanFlag,
    mtu?: number,
    ifindex?: number,
  ) {
    super(host, name, lower, lower.mac, mtu ?? lower.mtu, ifindex);
  }

  get l3(): boolean {
    return this.mode !== 'l2';
  }

  get port(): IpvlanPort | undefined {
    return IpvlanPort.of(this.lower);
  }

  /** This ipvlan's IPv4 addresses (as its namespace holds them). */
  ownsAddress(a: Ipv4Address): boolean {
    for (const x of (this.host as NetNamespace).addresses) if (x.dev === this && x.address === a) return true;
    return false;
  }

  /** NOARP in L3 modes: the stack's ARP request for a neighbour never leaves; the neighbour is our own MAC. */
  override transmit(pkt: Packet): boolean {
    if (this.l3 && pkt.length >= ETH_HLEN + 28 && readU16(pkt.data, pkt.l2 + 12) === ETHERTYPE_ARP) {
      const ns = this.host as NetNamespace;
      const target = readIpv4(pkt.data, pkt.l2 + ETH_HLEN + ARP_TPA);
      ns.neigh.addStatic(this, target, this.mac, 'noarp');
      return true;
    }
    return super.transmit(pkt);
  }

  protected xmit(pkt: Packet): boolean {
    const port = this.port;
    const lower = this.lower;
    if (port === undefined || !lower.running) {
      this.counters.txDropped++;
      return false;
    }
    if (lower.host !== this.host) pkt.scrub();
    return this.l3 ? this.xmitL3(port, pkt) : this.xmitL2(port, pkt);
  }

  private xmitL2(port: IpvlanPort, pkt: Packet): boolean {
    const dst = readMac(pkt.data, pkt.l2);
    const src = readMac(pkt.data, pkt.l2 + 6);
    if (this.flag !== 'vepa' && dst === src) {
      const target = port.lookup(pkt, true);
      if (target !== undefined) {
        if (this.flag === 'private') return false;
        port.post(target, pkt);
        return true;
      }
      port.forwardToLower(pkt);
      return true;
    }
    if (isMulticastMac(dst)) {
      if (this.flag === 'bridge') port.multicast(pkt, this);
      return this.lower.transmit(pkt);
    }
    return this.lower.transmit(pkt);
  }

  private xmitL3(port: IpvlanPort, pkt: Packet): boolean {
    if (pkt.length < ETH_HLEN + 20 || readU16(pkt.data, pkt.l2 + 12) !== ETHERTYPE_IPV4) return false;
    if (this.flag !== 'vepa') {
      const target = port.lookup(pkt, true);
      if (target !== undefined) {
        if (this.flag === 'private') return false;
        port.post(target, pkt);
        return true;
      }
    }
    // ipvlan_process_v4_outbound: routed in the lower device's namespace.
    const ns = this.lower.host as NetNamespace;
    pkt.l3 = pkt.l2 + ETH_HLEN;
    const dst = readIpv4(pkt.data, pkt.l3 + 16);
    const route = ns.routeOutput(dst, { src: readIpv4(pkt.data, pkt.l3 + 12) });
    if (route === undefined || route.type !== 'unicast') {
      this.counters.txErrors++;
      return false;
    }
    ipOutput(ns, pkt, route, false);
    return true;
  }

  override uninit(): void {
    super.uninit();
    this.port?.remove(this);
  }
}

/** The rx_handler of a lower device with ipvlans. */
export class IpvlanPort extends LowerPort<IpvlanDevice> {
  private static readonly registry = new UpperRegistry<IpvlanPort>();

  private constructor(
    lower: NetDevice,
    readonly mode: IpvlanMode,
  ) {
    super(lower, IpvlanPort.registry);
  }

  static of(lower: NetDevice): IpvlanPort | undefined {
    return IpvlanPort.registry.of(lower);
  }

  /** ipvlan_port_create; the port's mode is the first ipvlan's. */
  static attach(lower: NetDevice, mode: IpvlanMode): IpvlanPort {
    return attachPort(IpvlanPort.registry, lower, () => new IpvlanPort(lower, mode));
  }

  /** ipvlan_addr_lookup with use_dest: the ipvlan owning the IPv4 destination (ARP: the target address). */
  lookup(pkt: Packet, useDest: boolean): IpvlanDevice | undefined {
    if (pkt.length < ETH_HLEN + 20) return undefined;
    const type = readU16(pkt.data, pkt.l2 + 12);
    let a: Ipv4Address;
    if (type === ETHERTYPE_IPV4) a = readIpv4(pkt.data, pkt.l2 + ETH_HLEN + (useDest ? 16 : 12));
    else if (type === ETHERTYPE_ARP && pkt.length >= ETH_HLEN + 28) a = readIpv4(pkt.data, pkt.l2 + ETH_HLEN + (useDest ? ARP_TPA : 14));
    else return undefined;
    for (const s of this.slaves) if (s.ownsAddress(a)) return s;
    return undefined;
  }

  /** ipvlan_handle_mode_l2 / ipvlan_handle_mode_l3. */
  handleFrame(_lower: unknown, pkt: Packet): boolean {
    const dst = readMac(pkt.data, pkt.l2);
    if (this.mode === 'l2') {
      if (isMulticastMac(dst)) {
        this.multicast(pkt, undefined);
        return false;
      }
    } else if (isMulticastMac(dst) || pkt.length < ETH_HLEN + 20 || readU16(pkt.data, pkt.l2 + 12) !== ETHERTYPE_IPV4) {
      return false;
    }
    const s = this.lookup(pkt, true);
    return s !== undefined && this.takeInto(s, pkt);
  }

  /** ipvlan_multicast_enqueue → ipvlan_process_multicast: a copy (always scrubbed) for every up L2 ipvlan but the sender. */
  multicast(pkt: Packet, from: IpvlanDevice | undefined): void {
    this.copyToSlaves(pkt, from, isL2, undefined);
  }
}

function isL2(s: IpvlanDevice): boolean {
  return !s.l3;
}

export interface IpvlanOptions {
  readonly mode?: IpvlanMode;
  readonly flag?: IpvlanFlag;
  readonly mtu?: number;
  readonly ifindex?: number;
  readonly up?: boolean;
}

/** ip link add NAME link LOWER type ipvlan mode MODE FLAG, in (or moved into) namespace `ns`. */
export function addIpvlan(ns: NetNamespace, name: string, lower: NetDevice, o: IpvlanOptions = {}): IpvlanDevice {
  const mode = o.mode ?? 'l3';
  const port = IpvlanPort.attach(lower, mode);
  if (port.mode !== mode && port.slaves.length > 0) throw new Error('RTNETLINK answers: Invalid argument');
  const dev = new IpvlanDevice(ns, name, lower, port.mode, o.flag ?? 'bridge', o.mtu, o.ifindex);
  port.slaves.push(dev);
  return addStacked(ns, dev, () => port.remove(dev), o.up);
}
