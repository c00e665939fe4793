// A fake point-to-point link between two TCP stacks for tests: a fixed one-way delay, optional loss and
// reordering drawn from a seeded stream, and a record of every segment put on the wire (including dropped ones).

import { Random } from '../../sim/random.ts';
import { Scheduler } from '../../sim/scheduler.ts';
import { parse, type TcpSegment } from '../../common/wire/tcp.ts';
import { TcpStack } from './stack.ts';
import type { TcpConfig, TcpIpLayer, TcpOutSegment } from './types.ts';

export interface LinkOptions {
  /** One-way delay in ns (default 50 µs). */
  delayNs?: number;
  /** Path MTU on both sides (default 1450, the overlay). */
  mtu?: number;
  /** Probability a segment is lost. */
  loss?: number;
  /** Probability a segment is delayed by an extra `reorderNs` (so later ones overtake it). */
  reorder?: number;
  reorderNs?: number;
  /** Drop a segment when this returns true (checked before random loss). */
  dropIf?: (rec: WireRecord) => boolean;
  /** Link speed in bits per second: frames queue behind each other per direction (default: infinite). */
  bitRate?: number;
  config?: Partial<TcpConfig>;
}

export interface WireRecord {
  /** Index in `records`. */
  n: number;
  t: number;
  /** 'a' or 'b': the sending side. */
  from: 'a' | 'b';
  src: number;
  dst: number;
  bytes: Uint8Array;
  seg: TcpSegment;
  ipId: number | undefined;
  hash: number | undefined;
  df: boolean;
  dropped: boolean;
  /** When it reached the other side (NaN when dropped). */
  arrival: number;
}

export const ADDR_A = 0x0a000102; // 10.0.1.2
export const ADDR_B = 0x0a000105; // 10.0.1.5

export class TestLink {
  readonly sched = new Scheduler();
  readonly a: TcpStack;
  readonly b: TcpStack;
  readonly records: WireRecord[] = [];
  private readonly linkRandom: Random;
  private readonly busyUntil = { a: 0, b: 0 };

  constructor(
    seed: number,
    private readonly opts: LinkOptions = {},
  ) {
    const root = new Random(seed);
    this.linkRandom = root.fork('link');
    this.a = new TcpStack(this.layer('a', ADDR_A, root.fork('a/tcp')), opts.config);
    this.b = new TcpStack(this.layer('b', ADDR_B, root.fork('b/tcp')), opts.config);
  }

  private layer(side: 'a' | 'b', addr: number, random: Random): TcpIpLayer {
    const sched = this.sched;
    return {
      now: () => sched.now,
      schedule: (d, fn) => sched.schedule(d, fn),
      random,
      routeMtu: () => this.opts.mtu ?? 1450,
      sourceAddress: () => addr,
      send: (s: TcpOutSegment) => this.carry(side, s),
    };
  }

  private carry(from: 'a' | 'b', s: TcpOutSegment): void {
    const rec: WireRecord = {
      n: this.records.length,
      t: this.sched.now,
      from,
      src: s.src,
      dst: s.dst,
      bytes: s.bytes,
      seg: parse(s.bytes),
      ipId: s.ipId,
      hash: s.hash,
      df: s.df,
      dropped: false,
      arrival: NaN,
    };
    this.records.push(rec);
    const o = this.opts;
    if (o.dropIf?.(rec) || (o.loss !== undefined && this.linkRandom.chance(o.loss))) {
      rec.dropped = true;
      return;
    }
    let delay = o.delayNs ?? 50_000;
    if (o.bitRate !== undefined) {
      // 14 Ethernet + 20 IP bytes around the segment
      const tx = Math.round(((s.bytes.length + 34) * 8 * 1e9) / o.bitRate);
      const start = Math.max(this.sched.now, this.busyUntil[from]);
      this.busyUntil[from] = start + tx;
      delay += start + tx - this.sched.now;
    }
    if (o.reorder !== undefined && this.linkRandom.chance(o.reorder)) delay += o.reorderNs ?? 200_000;
    const to = from === 'a' ? this.b : this.a;
    rec.arrival = this.sched.now + delay;
    this.sched.schedule(delay, () => to.input(s.src, s.dst, s.bytes));
  }

  /** The records as a capture on side `side`'s interface orders them: sent ones at send time, received at arrival. */
  capturedAt(side: 'a' | 'b'): WireRecord[] {
    const when = (r: WireRecord): number => (r.from === side ? r.t : r.arrival);
    return this.records.filter((r) => r.from === side || !r.dropped).sort((x, y) => when(x) - when(y) || x.n - y.n);
  }

  /** Runs the simulation until `t` ns of virtual time. */
  runUntil(t: number): void {
    this.sched.runUntil(t);
  }

  /** Schedules an application action at absolute time `t`. */
  at(t: number, fn: () => void): void {
    this.sched.at(t, fn);
  }
}

/** A compact description of a segment: "a S 0/0 win=64860 len=0 opts=2,4,8,1,3". */
export function describe(r: WireRecord, isnA: number, isnB: number): string {
  const s = r.seg;
  const mine = r.from === 'a' ? isnA : isnB;
  const theirs = r.from === 'a' ? isnB : isnA;
  const f = ['F', 'S', 'R', 'P', 'A'].filter((_, i) => (s.flags & (1 << i)) !== 0).join('');
  const seq = (s.seq - mine) >>> 0;
  const ack = (s.flags & 0x10) !== 0 ? (s.ack - theirs) >>> 0 : 0;
  return `${r.from} ${f} ${seq}/${ack} win=${s.window} len=${s.payload.length} opts=${optionKinds(s).join(',')}`;
}

export function optionKinds(s: TcpSegment): number[] {
  const map: Record<string, number> = { nop: 1, mss: 2, windowScale: 3, sackPermitted: 4, sack: 5, timestamps: 8 };
  return s.options.map((o) => (o.kind === 'unknown' ? o.type : map[o.kind]!));
}
