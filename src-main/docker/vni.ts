// VXLAN network identifiers for overlays (docker-networking.md §6.2): the swarm manager's ovmanager hands them out
// serially from 4096 (vxlanIDStart; 0-4095 are avoided for Windows) up to 2^24-1, wrapping; a freed VNI is reused
// only after the wrap. `vxlanid_list` reserves specific ones. Legacy KV-store overlays (≤22) started at 256.

import { forbidden } from './errors.ts';

export const VXLAN_ID_START = 4096;
export const VXLAN_ID_END = (1 << 24) - 1;
export const LEGACY_VXLAN_ID_START = 256;

export class VniAllocator {
  private readonly used = new Set<number>();
  private curr: number;

  constructor(
    readonly start: number = VXLAN_ID_START,
    readonly end: number = VXLAN_ID_END,
  ) {
    this.curr = start;
  }

  /** The next free VNI after the last one handed out (serial, wrapping to `start`). */
  allocate(): number {
    const span = this.end - this.start + 1;
    for (let i = 0; i < span; i++) {
      const v = this.start + ((this.curr - this.start + i) % span);
      if (!this.used.has(v)) {
        this.used.add(v);
        this.curr = v + 1 > this.end ? this.start : v + 1;
        return v;
      }
    }
    throw forbidden('could not obtain vxlan id: no bit available');
  }

  /** Reserves a requested VNI (vxlanid_list). */
  reserve(vni: number): void {
    if (!Number.isInteger(vni) || vni < 1 || vni > VXLAN_ID_END) throw forbidden(`vxlan id ${vni} is out of range`);
    if (this.used.has(vni)) throw forbidden(`requested vxlan id ${vni} is already in use`);
    this.used.add(vni);
  }

  release(vni: number): void {
    this.used.delete(vni);
  }

  isUsed(vni: number): boolean {
    return this.used.has(vni);
  }
}
