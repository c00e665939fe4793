// A headless scenario API for tests and benches: build namespaces, bridges, veth pairs, addresses and routes in
// a few lines, capture, drive traffic, and run virtual time.
//
//   const lab = new NetLab({ seed: 1 });
//   const h1 = lab.namespace('h1');
//   const docker0 = h1.addBridge('docker0', { mac: '02:42:ac:11:00:01', addresses: ['172.17.0.1/16'] });
//   const d1 = lab.namespace('d1');
//   lab.vethPair(d1, 'eth0', h1, 'veth-d1', { macA: '02:42:ac:11:00:02', master: docker0 });
//   d1.addAddress('eth0', '172.17.0.2/16');  d1.addRoute('default', { via: '172.17.0.1' });
//   const cap = lab.capture(docker0);  lab.at(s(1), () => ping(d1, '172.17.0.1', { count: 3 }));  lab.run(s(10));

import { Random } from '../sim/random.ts';
import { Scheduler } from '../sim/scheduler.ts';
import { MICROSECOND, type Time } from '../sim/time.ts';
import type { MacAddress } from '../common/wire/mac.ts';
import type { Bridge } from './bridge.ts';
import { Capture, type CaptureOptions } from './capture.ts';
import type { NetDevice } from './device.ts';
import { Kernel, type NetEnv } from './env.ts';
import { NetNamespace } from './namespace.ts';
import { JourneyCounter } from './packet.ts';
import { Veth } from './veth.ts';

export interface NetLabOptions {
  seed: number;
  /** Default one-way veth latency (1 µs). */
  vethLatency?: Time;
  /** Wall-clock ns since 1970 for virtual time 0 (ping timestamps, capture files). Default 0. */
  epochNs?: number;
  /** Share a scheduler with other components. */
  scheduler?: Scheduler;
}

export interface VethOptions {
  macA?: string | MacAddress;
  macB?: string | MacAddress;
  mtu?: number;
  latency?: Time;
  /** Enslave end B to this bridge (ip link set B master BR). */
  master?: Bridge;
  /** Bring both ends up (default true). */
  up?: boolean;
}

export class NetLab implements NetEnv {
  readonly scheduler: Scheduler;
  readonly journeys = new JourneyCounter();
  readonly epochNs: number;
  readonly vethLatency: Time;
  readonly random: Random;
  private readonly kernels = new Map<string, Kernel>();
  private readonly spaces = new Map<string, NetNamespace>();
  /** Called with each namespace as it is created (a lab-wide capture taps it before its first packet). */
  readonly onNamespace = new Set<(ns: NetNamespace) => void>();

  constructor(opts: NetLabOptions) {
    this.scheduler = opts.scheduler ?? new Scheduler();
    this.random = new Random(opts.seed);
    this.epochNs = opts.epochNs ?? 0;
    this.vethLatency = opts.vethLatency ?? MICROSECOND;
  }

  /** The emulated kernel (host) called `name`; namespaces on one kernel share jiffies and IP ID counters. */
  kernel(name = 'host'): Kernel {
    let k = this.kernels.get(name);
    if (k === undefined) {
      k = new Kernel(this, name, this.random.fork(`kernel:${name}`));
      this.kernels.set(name, k);
    }
    return k;
  }

  /** The namespace called `name` (created with lo up on first use). */
  namespace(name: string, opts: { kernel?: string } = {}): NetNamespace {
    let ns = this.spaces.get(name);
    if (ns === undefined) {
      ns = new NetNamespace(this.kernel(opts.kernel), name);
      ns.lo.up();
      this.spaces.set(name, ns);
      for (const f of this.onNamespace) f(ns);
    }
    return ns;
  }

  get namespaces(): NetNamespace[] {
    return [...this.spaces.values()];
  }

  /** ip link add A type veth peer name B netns NSB; returns [A, B]. */
  vethPair(nsA: NetNamespace, nameA: string, nsB: NetNamespace, nameB: string, opts: VethOptions = {}): [Veth, Veth] {
    const mtu = opts.mtu ?? 1500;
    const a = nsA.createVeth(nameA, opts.macA, mtu);
    const b = nsB.createVeth(nameB, opts.macB, mtu);
    Veth.pair(a, b);
    if (opts.latency !== undefined) a.latency = b.latency = opts.latency;
    if (opts.master !== undefined) opts.master.addPort(b);
    if (opts.up ?? true) {
      a.up();
      b.up();
    }
    return [a, b];
  }

  /** Starts a capture on a device (tcpdump -i DEV) or on every device of a namespace (tcpdump -i any). */
  capture(target: NetDevice | NetNamespace, opts: CaptureOptions = {}): Capture {
    return target instanceof NetNamespace ? Capture.onAny(target, opts) : Capture.onDevice(target, opts);
  }

  /** Runs `fn` at virtual instant `t`. */
  at(t: Time, fn: () => void): void {
    this.scheduler.at(t, fn);
  }

  /** Runs `fn` `delay` ns from now. */
  after(delay: Time, fn: () => void): void {
    this.scheduler.schedule(delay, fn);
  }

  /** Runs every event up to `until` (inclusive) and sets the clock there. */
  run(until: Time): number {
    return this.scheduler.runUntil(until);
  }

  get now(): Time {
    return this.scheduler.now;
  }
}
