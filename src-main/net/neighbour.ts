// The neighbour (ARP) table of a namespace, with Linux's states and timers (net/core/neighbour.c):
//
//   NONE/FAILED --output--> INCOMPLETE: broadcast probe at once, then every retrans_time (1 s); after
//                mcast_solicit (3) probes with no answer → FAILED (queued packets get host unreachable).
//   INCOMPLETE --reply--> REACHABLE (queue flushed). REACHABLE lasts reachable_time, drawn per device from
//                [base/2, 3·base/2) with base_reachable_time 30 s, then → STALE (or DELAY if used meanwhile).
//   learned from a request (or an unsolicited broadcast) → STALE. Output through STALE → DELAY; after
//                delay_first_probe_time (5 s) without confirmation → PROBE: unicast probes to the known MAC every
//                retrans_time, ucast_solicit (3) of them, then FAILED.
//
// Timers are kernel timers (jiffies, timer-wheel rounding: kernel-clock.ts), so a 5 s DELAY ends 5.0–5.26 s
// later as on the reference host. Times below are in jiffies, as in the kernel.

import { formatIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { formatMac, type MacAddress } from '../common/wire/mac.ts';
import type { Random } from '../sim/random.ts';
import { HZ } from './kernel-clock.ts';
import type { KernelClock } from './kernel-clock.ts';
import type { NetDevice } from './device.ts';
import type { Packet } from './packet.ts';

export type NudState = 'none' | 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'noarp' | 'permanent';

const VALID = new Set<NudState>(['permanent', 'noarp', 'reachable', 'probe', 'stale', 'delay']);
const CONNECTED = new Set<NudState>(['permanent', 'noarp', 'reachable']);
const IN_TIMER = new Set<NudState>(['incomplete', 'reachable', 'delay', 'probe']);

/** The per-device parameters (/proc/sys/net/ipv4/neigh/DEV/*), in jiffies or counts. */
export interface NeighParams {
  baseReachableTime: number;
  retransTime: number;
  delayProbeTime: number;
  mcastProbes: number;
  ucastProbes: number;
  appProbes: number;
  mcastReprobes: number;
  locktime: number;
  /** unres_qlen_bytes: queued bytes per unresolved entry before the oldest is dropped. */
  unresQlenBytes: number;
}

export function defaultNeighParams(): NeighParams {
  return { baseReachableTime: 30 * HZ, retransTime: HZ, delayProbeTime: 5 * HZ, mcastProbes: 3, ucastProbes: 3, appProbes: 0, mcastReprobes: 0, locktime: HZ, unresQlenBytes: 212992 };
}

export class NeighbourEntry {
  state: NudState = 'none';
  mac: MacAddress = 0;
  probes = 0;
  /** jiffies of the last confirmation of reachability. */
  confirmed = 0;
  /** jiffies of the last state or address change. */
  updated = 0;
  /** jiffies of the last use on the slow (unconnected) path. */
  used = 0;
  timer: { cancel(): boolean } | undefined = undefined;
  queue: Packet[] = [];
  queueBytes = 0;

  constructor(
    readonly dev: NetDevice,
    readonly ip: Ipv4Address,
  ) {}
}

/** What the table needs from the namespace. */
export interface NeighbourHost {
  readonly clock: KernelClock;
  /** arp_solicit: send a request for entry.ip; unicast to `dstMac` if given; `queued` is the newest waiting packet. */
  solicit(entry: NeighbourEntry, dstMac: MacAddress | undefined, queued: Packet | undefined): void;
  /** Send a packet whose next hop is resolved (writes the Ethernet header and transmits). */
  sendResolved(dev: NetDevice, pkt: Packet, mac: MacAddress): void;
  /** arp_error_report: a queued packet could not be delivered (ICMP host unreachable to its sender). */
  unreachable(pkt: Packet): void;
}

export interface UpdateFlags {
  override?: boolean;
  weakOverride?: boolean;
  admin?: boolean;
}

export class NeighbourTable {
  private readonly entries = new Map<number, NeighbourEntry>();
  private readonly params = new Map<number, { p: NeighParams; reachable: number; drawnAt: number }>();

  constructor(
    private readonly host: NeighbourHost,
    private readonly random: Random,
  ) {}

  private get now(): number {
    return this.host.clock.jiffies;
  }

  /** The device's parameters (created with defaults on first use). */
  parms(dev: NetDevice): NeighParams {
    return this.parmsState(dev).p;
  }

  /** reachable_time of the device: re-drawn from base_reachable_time every 300 s, as neigh_periodic_work does. */
  reachableTime(dev: NetDevice): number {
    const st = this.parmsState(dev);
    if (this.now - st.drawnAt > 300 * HZ) {
      st.reachable = this.randReach(st.p.baseReachableTime);
      st.drawnAt = this.now;
    }
    return st.reachable;
  }

  private parmsState(dev: NetDevice): { p: NeighParams; reachable: number; drawnAt: number } {
    let st = this.params.get(dev.ifindex);
    if (st === undefined) {
      const p = defaultNeighParams();
      st = { p, reachable: this.randReach(p.baseReachableTime), drawnAt: this.now };
      this.params.set(dev.ifindex, st);
    }
    return st;
  }

  /** neigh_rand_reach_time: uniform in [base/2, 3·base/2). */
  private randReach(base: number): number {
    return base === 0 ? 0 : this.random.below(base) + (base >> 1);
  }

  lookup(dev: NetDevice, ip: Ipv4Address): NeighbourEntry | undefined {
    return this.entries.get(key(dev, ip));
  }

  private create(dev: NetDevice, ip: Ipv4Address): NeighbourEntry {
    const e = new NeighbourEntry(dev, ip);
    e.updated = e.used = this.now;
    // A new entry counts as confirmed long ago (neigh_alloc: confirmed = jiffies - base_reachable_time*2... so
    // a fresh STALE entry is never mistaken for a confirmed one).
    e.confirmed = this.now - 2 * this.parms(dev).baseReachableTime;
    this.entries.set(key(dev, ip), e);
    return e;
  }

  /** neigh_lookup with create (neigh_event_ns, __neigh_lookup(..., creat=1)). */
  lookupOrCreate(dev: NetDevice, ip: Ipv4Address): NeighbourEntry {
    return this.lookup(dev, ip) ?? this.create(dev, ip);
  }

  /**
   * neigh_resolve_output / neigh_output: send `pkt` to next hop `ip` on `dev`, resolving first if needed. Called by
   * IPv4 output (ip_finish_output2) with the packet's Ethernet header room in place.
   */
  output(dev: NetDevice, ip: Ipv4Address, pkt: Packet): void {
    const e = this.lookupOrCreate(dev, ip);
    if (CONNECTED.has(e.state)) {
      // neigh_connected_output: the fast path leaves `used` alone.
      this.host.sendResolved(dev, pkt, e.mac);
      return;
    }
    if (this.eventSend(e, pkt)) return; // queued while INCOMPLETE (or dropped when FAILED without probes)
    this.host.sendResolved(dev, pkt, e.mac);
  }

  /** neigh_event_send: true when the packet was queued (or dropped) instead of sent now. */
  private eventSend(e: NeighbourEntry, pkt: Packet): boolean {
    const now = this.now;
    e.used = now;
    if (e.state === 'delay' || e.state === 'probe') return false;
    const p = this.parms(e.dev);
    let immediateProbe = false;
    if (e.state !== 'stale' && e.state !== 'incomplete') {
      if (p.mcastProbes + p.appProbes === 0) {
        e.state = 'failed';
        e.updated = now;
        this.host.unreachable(pkt);
        return true;
      }
      e.probes = p.ucastProbes;
      this.cancelTimer(e);
      e.state = 'incomplete';
      e.updated = now;
      immediateProbe = true;
      this.arm(e, Math.max(p.retransTime, Math.floor(HZ / 100)));
    } else if (e.state === 'stale') {
      this.cancelTimer(e);
      e.state = 'delay';
      e.updated = now;
      this.arm(e, p.delayProbeTime);
    }
    let queued = false;
    if (e.state === 'incomplete') {
      e.queue.push(pkt);
      e.queueBytes += pkt.length;
      while (e.queueBytes > p.unresQlenBytes && e.queue.length > 0) e.queueBytes -= e.queue.shift()!.length;
      queued = true;
    }
    if (immediateProbe) this.probe(e);
    return queued;
  }

  /**
   * __neigh_update: what ARP input (and `ip neigh add/replace`) does with an address learned for `ip`.
   * Returns the entry.
   */
  update(e: NeighbourEntry, mac: MacAddress | undefined, newState: NudState, flags: UpdateFlags = {}): NeighbourEntry {
    const now = this.now;
    const old = e.state;
    if (!flags.admin && (old === 'noarp' || old === 'permanent')) return e;
    if (!VALID.has(newState)) {
      this.cancelTimer(e);
      e.state = newState;
      if (VALID.has(old) && newState === 'failed') this.invalidate(e);
      return e;
    }
    let lladdr = mac ?? e.mac;
    let state = newState;
    if (CONNECTED.has(state)) e.confirmed = now;
    if (VALID.has(old)) {
      if (lladdr !== e.mac && !flags.override) {
        if (flags.weakOverride && CONNECTED.has(old)) {
          lladdr = e.mac;
          state = 'stale';
        } else {
          return e;
        }
      } else if (lladdr === e.mac && state === 'stale' && !flags.admin) {
        state = old;
      }
    }
    if (state !== old || lladdr !== e.mac) e.updated = now;
    if (state !== old) {
      this.cancelTimer(e);
      if (state === 'probe') e.probes = 0;
      if (IN_TIMER.has(state)) this.arm(e, state === 'reachable' ? this.reachableTime(e.dev) : 0);
      e.state = state;
    }
    if (lladdr !== e.mac) {
      e.mac = lladdr;
      if (!CONNECTED.has(state)) e.confirmed = now - 2 * this.parms(e.dev).baseReachableTime;
    }
    if (!VALID.has(old)) {
      // The entry just became usable: send what waited for it (neigh_update → n1->output for each queued skb).
      const q = e.queue;
      e.queue = [];
      e.queueBytes = 0;
      for (const pkt of q) this.host.sendResolved(e.dev, pkt, e.mac);
    }
    return e;
  }

  /** neigh_timer_handler. */
  private timerFired(e: NeighbourEntry): void {
    e.timer = undefined;
    const now = this.now;
    const p = this.parms(e.dev);
    const state = e.state;
    if (!IN_TIMER.has(state)) return;
    let next = now + HZ;
    if (state === 'reachable') {
      const reach = this.reachableTime(e.dev);
      if (now <= e.confirmed + reach) {
        next = e.confirmed + reach;
      } else if (now <= e.used + p.delayProbeTime) {
        e.state = 'delay';
        e.updated = now;
        next = now + p.delayProbeTime;
      } else {
        e.state = 'stale';
        e.updated = now;
      }
    } else if (state === 'delay') {
      if (now <= e.confirmed + p.delayProbeTime) {
        e.state = 'reachable';
        e.updated = now;
        next = e.confirmed + this.reachableTime(e.dev);
      } else {
        e.state = 'probe';
        e.updated = now;
        e.probes = 0;
        next = now + Math.max(p.retransTime, Math.floor(HZ / 100));
      }
    } else {
      next = now + Math.max(p.retransTime, Math.floor(HZ / 100));
    }
    if ((e.state === 'incomplete' || e.state === 'probe') && e.probes >= this.maxProbes(e)) {
      e.state = 'failed';
      this.invalidate(e);
      return;
    }
    if (IN_TIMER.has(e.state)) {
      if (next < now + Math.floor(HZ / 100)) next = now + Math.floor(HZ / 100);
      this.arm(e, next - now);
    }
    if (e.state === 'incomplete' || e.state === 'probe') this.probe(e);
  }

  /** neigh_max_probes. */
  private maxProbes(e: NeighbourEntry): number {
    const p = this.parms(e.dev);
    return p.ucastProbes + p.appProbes + (e.state === 'probe' ? p.mcastReprobes : p.mcastProbes);
  }

  /** neigh_probe → arp_solicit: unicast to the known MAC while probes < ucast_solicit, else broadcast. */
  private probe(e: NeighbourEntry): void {
    const p = this.parms(e.dev);
    const queued = e.queue[e.queue.length - 1];
    const unicast = e.probes - p.ucastProbes < 0;
    e.probes++;
    this.host.solicit(e, unicast ? e.mac : undefined, queued);
  }

  /** neigh_invalidate: report every queued packet as unreachable and drop the queue. */
  private invalidate(e: NeighbourEntry): void {
    const q = e.queue;
    e.queue = [];
    e.queueBytes = 0;
    for (const pkt of q) this.host.unreachable(pkt);
  }

  private arm(e: NeighbourEntry, delayJiffies: number): void {
    this.cancelTimer(e);
    e.timer = this.host.clock.timerJiffies(delayJiffies, () => this.timerFired(e));
  }

  private cancelTimer(e: NeighbourEntry): void {
    e.timer?.cancel();
    e.timer = undefined;
  }

  /** ip neigh add/replace IP lladdr MAC dev DEV [nud permanent]. */
  addStatic(dev: NetDevice, ip: Ipv4Address, mac: MacAddress, state: NudState = 'permanent'): NeighbourEntry {
    return this.update(this.lookupOrCreate(dev, ip), mac, state, { override: true, admin: true });
  }

  /** ip neigh del IP dev DEV (any state, permanent included). */
  delete(dev: NetDevice, ip: Ipv4Address): boolean {
    const e = this.entries.get(key(dev, ip));
    if (e === undefined) return false;
    this.cancelTimer(e);
    return this.entries.delete(key(dev, ip));
  }

  /** ip neigh flush dev DEV (permanent entries survive). */
  flush(dev?: NetDevice): void {
    for (const [k, e] of this.entries) {
      if ((dev === undefined || e.dev === dev) && e.state !== 'permanent' && e.state !== 'noarp') {
        this.cancelTimer(e);
        this.entries.delete(k);
      }
    }
  }

  /** Every entry (ip neigh show). */
  list(): NeighbourEntry[] {
    return [...this.entries.values()];
  }

  /** `ip neigh show` lines. */
  format(): string[] {
    return this.list()
      .filter((e) => e.state !== 'none')
      .map((e) => {
        const ll = VALID.has(e.state) ? ` lladdr ${formatMac(e.mac)}` : '';
        return `${formatIpv4(e.ip)} dev ${e.dev.name}${ll} ${e.state.toUpperCase()}`;
      });
  }

  /** Whether an entry is usable without resolution. */
  static isConnected(e: NeighbourEntry): boolean {
    return CONNECTED.has(e.state);
  }
}

/** (ifindex, address) as one exact number (ifindex < 2^21, address < 2^32): no string built per lookup. */
function key(dev: NetDevice, ip: Ipv4Address): number {
  return dev.ifindex * 0x1_0000_0000 + ip;
}

