// The bridge forwarding database (net/bridge/br_fdb.c): MAC → port. Entries are learned from source addresses,
// age out ageing_time (300 s) after the last frame from that MAC, and may be static (no ageing) or local (the
// bridge's and its ports' own MACs: frames to them are delivered to the bridge itself). Linux removes expired
// entries with a work item that runs at the earliest expiry; looking entries up lazily against their age gives
// the same answers without a timer per entry.

import type { Time } from '../sim/time.ts';
import { SECOND } from '../sim/time.ts';
import { formatMac, type MacAddress } from '../common/wire/mac.ts';
import type { NetDevice } from './device.ts';

export interface FdbEntry {
  readonly mac: MacAddress;
  /** The port behind which the MAC lives; for local entries the device that owns the MAC (bridge or port). */
  port: NetDevice;
  /** One of the bridge's own addresses: deliver up, never forward. */
  readonly local: boolean;
  /** Added by the user ("static"/"permanent"): never ages. */
  readonly isStatic: boolean;
  /** When a frame from this MAC was last seen (learning) or the entry was added. */
  updated: Time;
  /** When the entry was last used to forward. */
  used: Time;
}

export const DEFAULT_AGEING_TIME: Time = 300 * SECOND;

export class Fdb {
  private readonly entries = new Map<MacAddress, FdbEntry>();
  ageingTime: Time = DEFAULT_AGEING_TIME;

  /** The entry for `mac` if it has not aged out at `now` (an aged entry is removed). */
  lookup(mac: MacAddress, now: Time): FdbEntry | undefined {
    const e = this.entries.get(mac);
    if (e === undefined) return undefined;
    if (this.expired(e, now)) {
      this.entries.delete(mac);
      return undefined;
    }
    return e;
  }

  /** br_fdb_update: learn `mac` behind `port`. Local entries are never moved; others follow the MAC. */
  learn(mac: MacAddress, port: NetDevice, now: Time): void {
    const e = this.lookup(mac, now);
    if (e === undefined) {
      this.entries.set(mac, { mac, port, local: false, isStatic: false, updated: now, used: now });
      return;
    }
    if (e.local) return; // "received packet with own address as source address"
    e.updated = now;
    e.port = port;
  }

  /** bridge fdb add MAC dev PORT master [static|local]. */
  add(mac: MacAddress, port: NetDevice, now: Time, opts: { local?: boolean; isStatic?: boolean } = {}): void {
    this.entries.set(mac, { mac, port, local: opts.local ?? false, isStatic: opts.isStatic ?? opts.local ?? true, updated: now, used: now });
  }

  delete(mac: MacAddress): boolean {
    return this.entries.delete(mac);
  }

  /** Drops every entry behind `port` (the port left the bridge), local ones included. */
  flushPort(port: NetDevice): void {
    for (const [mac, e] of this.entries) if (e.port === port) this.entries.delete(mac);
  }

  /** Live entries at `now`, in insertion order. */
  list(now: Time): FdbEntry[] {
    const out: FdbEntry[] = [];
    for (const [mac, e] of this.entries) {
      if (this.expired(e, now)) this.entries.delete(mac);
      else out.push(e);
    }
    return out;
  }

  /** `bridge fdb show br BR` lines (without the per-port multicast "self" entries). */
  format(bridgeName: string, now: Time): string[] {
    return this.list(now).map((e) => {
      const flags = e.local ? ' permanent' : e.isStatic ? ' static' : '';
      return `${formatMac(e.mac)} dev ${e.port.name} master ${bridgeName}${flags}`;
    });
  }

  private expired(e: FdbEntry, now: Time): boolean {
    return !e.local && !e.isStatic && e.updated + this.ageingTime <= now;
  }
}
