// Capture taps: on one device (as `tcpdump -i DEV`, which also makes the device promiscuous unless told not to)
// or on every device of a namespace ("any"). Each frame is recorded with its virtual timestamp (ns), direction,
// device and journey id, and written as classic pcap (nanosecond magic; Ethernet for a device, Linux cooked SLL
// for "any", as tcpdump does) or pcapng (one interface description per device seen, epb_flags direction and
// epb_packetid = journey id, so the same packet can be followed across interfaces).

import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, writePcap, writePcapng } from '../common/pcap/index.ts';
import type { PcapngInterfaceIn, PcapngPacketIn, TsResolution } from '../common/pcap/index.ts';
import { writeU16 } from '../common/wire/bytes.ts';
import type { Time } from '../sim/time.ts';
import type { NetDevice, Tap, TapDirection } from './device.ts';
import type { Packet, PacketType } from './packet.ts';
import type { NetNamespace } from './namespace.ts';

export interface CapturedFrame {
  readonly ts: Time;
  readonly netns: string;
  readonly dev: string;
  readonly ifindex: number;
  readonly direction: TapDirection;
  readonly journey: number;
  readonly pktType: PacketType;
  /** A copy of the frame's bytes at the moment it passed the tap. */
  readonly data: Uint8Array;
}

export interface CaptureOptions {
  /** Device captures: make the device promiscuous while capturing (tcpdump's default; -p turns it off). */
  promisc?: boolean;
  /** Keep only frames for which this returns true (a BPF filter stands here). */
  filter?: (f: CapturedFrame) => boolean;
}

export class Capture {
  readonly frames: CapturedFrame[] = [];
  private detach: (() => void) | undefined;
  private readonly ifaces: { netns: string; dev: string }[] = [];

  private constructor(
    readonly name: string,
    readonly kind: 'device' | 'any',
  ) {}

  /** tcpdump -i DEV. */
  static onDevice(dev: NetDevice, opts: CaptureOptions = {}): Capture {
    const c = new Capture(dev.name, 'device');
    const promisc = opts.promisc ?? true;
    const tap = c.tapFn(dev.host.env.scheduler, opts.filter);
    dev.taps.add(tap);
    if (promisc) dev.promiscuity++;
    c.ifaces.push({ netns: dev.host.name, dev: dev.name });
    c.detach = () => {
      dev.taps.delete(tap);
      if (promisc) dev.promiscuity--;
    };
    return c;
  }

  /** tcpdump -i any in a namespace (no device becomes promiscuous). */
  static onAny(ns: NetNamespace, opts: CaptureOptions = {}): Capture {
    const c = new Capture('any', 'any');
    const tap = c.tapFn(ns.env.scheduler, opts.filter);
    ns.anyTaps.add(tap);
    c.detach = () => ns.anyTaps.delete(tap);
    return c;
  }

  private tapFn(sched: { readonly now: Time }, filter: ((f: CapturedFrame) => boolean) | undefined): Tap {
    return (dev: NetDevice, pkt: Packet, direction: TapDirection) => {
      const f: CapturedFrame = { ts: sched.now, netns: dev.host.name, dev: dev.name, ifindex: dev.ifindex, direction, journey: pkt.journey, pktType: direction === 'out' ? 'outgoing' : pkt.pktType, data: pkt.frame.slice() };
      if (filter === undefined || filter(f)) this.frames.push(f);
    };
  }

  get active(): boolean {
    return this.detach !== undefined;
  }

  stop(): void {
    this.detach?.();
    this.detach = undefined;
  }

  /** Classic pcap: nanosecond timestamps by default; Ethernet, or Linux cooked (SLL) for "any". */
  toPcap(opts: { resolution?: TsResolution; epochNs?: number } = {}): Uint8Array {
    const sll = this.kind === 'any';
    return writePcap(
      this.frames.map((f) => ({ tsNs: f.ts, data: sll ? toSll(f) : f.data })),
      { linktype: sll ? LINKTYPE_LINUX_SLL : LINKTYPE_ETHERNET, resolution: opts.resolution ?? 'ns', epochNs: opts.epochNs ?? 0 },
    );
  }

  /** pcapng with one interface description per device the frames crossed. */
  toPcapng(opts: { epochNs?: number; comment?: string } = {}): Uint8Array {
    const ids = new Map<string, number>();
    const interfaces: PcapngInterfaceIn[] = [];
    const idOf = (netns: string, dev: string): number => {
      const k = `${netns}/${dev}`;
      let id = ids.get(k);
      if (id === undefined) {
        id = interfaces.length;
        ids.set(k, id);
        interfaces.push({ name: dev, description: `${dev} in netns ${netns}`, linktype: LINKTYPE_ETHERNET });
      }
      return id;
    };
    for (const i of this.ifaces) idOf(i.netns, i.dev);
    const packets: PcapngPacketIn[] = this.frames.map((f) => ({ interface: idOf(f.netns, f.dev), tsNs: f.ts, data: f.data, direction: f.direction, packetId: f.journey }));
    return writePcapng({ interfaces, packets }, { epochNs: opts.epochNs ?? 0, ...(opts.comment !== undefined ? { comment: opts.comment } : {}) });
  }
}

const SLL_TYPE: Record<PacketType, number> = { host: 0, broadcast: 1, multicast: 2, otherhost: 3, outgoing: 4, loopback: 5 };

/** LINKTYPE_LINUX_SLL: packet type, ARPHRD, address length, 8 address bytes, protocol, then the L3 bytes. */
function toSll(f: CapturedFrame): Uint8Array {
  const out = new Uint8Array(16 + f.data.length - 14);
  writeU16(out, 0, SLL_TYPE[f.pktType]);
  writeU16(out, 2, f.dev === 'lo' ? 772 : 1);
  writeU16(out, 4, 6);
  out.set(f.data.subarray(6, 12), 6);
  out.set(f.data.subarray(12, 14), 14);
  out.set(f.data.subarray(14), 16);
  return out;
}
