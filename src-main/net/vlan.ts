// An 802.1Q VLAN sub-interface as Linux has it (net/8021q): `ip link add link eth0 name eth0.10 type vlan id 10`.
// The device takes its lower device's MAC and MTU. Transmit (vlan_dev_hard_start_xmit): the 4-byte tag (TPID 0x8100,
// PCP 0 — the default egress priority map —, DEI 0, the VID) goes in after the source MAC and the frame leaves
// through the lower device, whose capture shows it tagged. Receive (vlan_do_receive, which runs before the lower
// device's rx_handler): a frame tagged with a VID that has a sub-interface is untagged and enters that device (its
// capture shows it untagged); other frames, tagged or not, go on to the lower device's master or stack.
// Deleting the lower device deletes its sub-interfaces (unregister_vlan_dev on NETDEV_UNREGISTER).

import { readU16, writeU16 } from '../common/wire/bytes.ts';
import { ETHERTYPE_VLAN, HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import type { DeviceHost, DeviceKind, NetDevice, UpperHandler } from './device.ts';
import { addStacked, deleteStacked, StackedDevice, UpperRegistry } from './lower-port.ts';
import type { NetNamespace } from './namespace.ts';
import type { Packet } from './packet.ts';

const TAG_LEN = 4;

export class VlanDevice extends StackedDevice {
  readonly kind: DeviceKind = 'vlan';

  constructor(
    host: DeviceHost,
    name: string,
    lower: NetDevice,
    /** VLAN ID, 1..4094. */
    readonly vid: number,
  ) {
    super(host, name, lower, lower.mac, lower.mtu);
    if (!Number.isInteger(vid) || vid < 1 || vid > 4094) throw new RangeError(`vlan id must be between 1-4094, received: ${vid}`);
  }

  protected xmit(pkt: Packet): boolean {
    const frame = pkt.frame;
    if (frame.length < ETH_HLEN) {
      this.counters.txErrors++;
      return false;
    }
    const tagged = new Uint8Array(frame.length + TAG_LEN);
    tagged.set(frame.subarray(0, 12), 0);
    writeU16(tagged, 12, ETHERTYPE_VLAN);
    writeU16(tagged, 14, this.vid & 0x0fff);
    tagged.set(frame.subarray(12), 16);
    const shift = TAG_LEN - pkt.l2;
    if (pkt.l3 >= 0) pkt.l3 += shift;
    if (pkt.l4 >= 0) pkt.l4 += shift;
    pkt.setData(tagged);
    pkt.l2 = 0;
    return this.lower.transmit(pkt);
  }

  override uninit(): void {
    super.uninit();
    VlanDemux.of(this.lower)?.remove(this);
  }
}

/** The 802.1Q receive path of one lower device: VID → sub-interface. */
export class VlanDemux implements UpperHandler {
  private static readonly registry = new UpperRegistry<VlanDemux>();
  private readonly vlans = new Map<number, VlanDevice>();

  private constructor(readonly lower: NetDevice) {}

  static of(lower: NetDevice): VlanDemux | undefined {
    return VlanDemux.registry.of(lower);
  }

  /** Registers the demux first among the lower device's upper handlers (vlan_do_receive precedes rx_handler). */
  static attach(lower: NetDevice): VlanDemux {
    return VlanDemux.registry.attach(lower, () => new VlanDemux(lower), true);
  }

  get devices(): VlanDevice[] {
    return [...this.vlans.values()];
  }

  add(dev: VlanDevice): void {
    if (this.vlans.has(dev.vid)) throw new Error('RTNETLINK answers: File exists');
    this.vlans.set(dev.vid, dev);
  }

  remove(dev: VlanDevice): void {
    if (this.vlans.get(dev.vid) === dev) this.vlans.delete(dev.vid);
    if (this.vlans.size === 0) VlanDemux.registry.detach(this);
  }

  handleFrame(_lower: unknown, pkt: Packet): boolean {
    if (pkt.length < ETH_HLEN + TAG_LEN || readU16(pkt.data, pkt.l2 + 12) !== ETHERTYPE_VLAN) return false;
    const vid = readU16(pkt.data, pkt.l2 + 14) & 0x0fff;
    const dev = this.vlans.get(vid);
    if (dev === undefined) return false;
    const frame = pkt.frame;
    const untagged = new Uint8Array(frame.length - TAG_LEN);
    untagged.set(frame.subarray(0, 12), 0);
    untagged.set(frame.subarray(16), 12);
    pkt.setData(untagged);
    pkt.l2 = 0;
    pkt.l3 = -1;
    pkt.l4 = -1;
    dev.receive(pkt);
    return true;
  }

  lowerGone(): void {
    deleteStacked([...this.vlans.values()]);
  }
}

/** ip link add link LOWER name NAME type vlan id VID (in the lower device's namespace); brought up when asked. */
export function addVlan(ns: NetNamespace, lowerName: string, name: string, vid: number, opts: { up?: boolean } = {}): VlanDevice {
  const lower = ns.device(lowerName);
  const dev = new VlanDevice(ns, name, lower, vid);
  const demux = VlanDemux.attach(lower);
  demux.add(dev);
  return addStacked(ns, dev, () => demux.remove(dev), opts.up);
}
