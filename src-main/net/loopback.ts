// The loopback device: lo, ifindex 1, MTU 65536, all-zero MAC. A transmitted frame comes back in on the same
// device (as a separate event, the way loopback_xmit queues to the backlog), with packet type 'loopback' so ARP
// ignores it, but IP input accepts it.

import { NetDevice, type DeviceHost, type DeviceKind } from './device.ts';
import type { Packet } from './packet.ts';

export class Loopback extends NetDevice {
  readonly kind: DeviceKind = 'loopback';

  constructor(host: DeviceHost) {
    super(host, 'lo', 0, 65536, 1);
  }

  override get isLoopback(): boolean {
    return true;
  }

  protected xmit(pkt: Packet): boolean {
    this.host.env.scheduler.schedule(0, () => this.receive(pkt));
    return true;
  }

  protected override classify(): Packet['pktType'] {
    return 'host';
  }

  /** A capture on lo shows each packet once, as on Linux: the copy that comes back in, not the outgoing one. */
  protected override tap(pkt: Packet, direction: 'in' | 'out'): void {
    if (direction === 'in') super.tap(pkt, direction);
  }
}
