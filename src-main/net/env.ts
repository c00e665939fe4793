// What every part of one lab shares (the event kernel, journey ids, the wall-clock instant of virtual time 0),
// and what one emulated Linux kernel shares among its namespaces (jiffies and timers, the IP ID counters, the
// random streams of kernel decisions). A lab may hold several kernels (one per emulated host).

import type { Scheduler } from '../sim/scheduler.ts';
import type { Random } from '../sim/random.ts';
import type { Time } from '../sim/time.ts';
import { KernelClock } from './kernel-clock.ts';
import { IpIdents } from './ip-ident.ts';
import type { JourneyCounter } from './packet.ts';

export interface NetEnv {
  readonly scheduler: Scheduler;
  readonly journeys: JourneyCounter;
  /** Wall-clock nanoseconds since 1970 that virtual time 0 stands for (ping timestamps, capture files). */
  readonly epochNs: number;
  /** Default one-way delay of a veth pair. */
  readonly vethLatency: Time;
}

/** One emulated Linux kernel: the state its namespaces share. */
export class Kernel {
  readonly clock: KernelClock;
  readonly idents: IpIdents;

  constructor(
    readonly env: NetEnv,
    readonly name: string,
    /** This kernel's stream; every consumer forks its own from it. */
    readonly random: Random,
  ) {
    this.clock = new KernelClock(env.scheduler, random.fork('jiffies'));
    this.idents = new IpIdents(random.fork('ip_idents'));
  }
}
