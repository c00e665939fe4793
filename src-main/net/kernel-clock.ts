// The kernel's notion of time that shows on the wire: jiffies (HZ = 250, the Debian kernel the reference ran
// on) and the timer wheel, which rounds long timers up to its level's granularity so that they never fire early
// (kernel/time/timer.c, calc_wheel_index). That is why the reference's delayed ARP probes come 5.08–5.21 s after
// the entry went to DELAY instead of exactly 5 s. The phase of the jiffies counter (where the 4 ms ticks fall)
// is drawn from the seed, as boot time would make it on a real host.

import type { Scheduler } from '../sim/scheduler.ts';
import type { Random } from '../sim/random.ts';
import type { Time } from '../sim/time.ts';
import { MILLISECOND } from '../sim/time.ts';

export const HZ = 250;
export const JIFFY: Time = 1000 / HZ * MILLISECOND;

/** Timer-wheel geometry (LVL_CLK_SHIFT 3, LVL_BITS 6). LVL_START(n) = 63 << ((n - 1) * 3). */
const LVL_CLK_SHIFT = 3;
const LVL_START = (n: number): number => 63 * 2 ** ((n - 1) * LVL_CLK_SHIFT);

export class KernelClock {
  /** Offset of virtual time 0 within a jiffy (0 .. JIFFY-1). */
  readonly phase: Time;

  constructor(
    readonly scheduler: Scheduler,
    random: Random,
  ) {
    this.phase = random.below(JIFFY);
  }

  /** jiffies now (a tick counter that is 0 at boot). */
  get jiffies(): number {
    return Math.floor((this.scheduler.now + this.phase) / JIFFY);
  }

  /** msecs_to_jiffies / nsecs_to_jiffies: rounds up. */
  static toJiffies(delay: Time): number {
    return Math.ceil(delay / JIFFY);
  }

  /** The virtual instant at which jiffy number `j` begins (never before now). */
  instantOf(j: number): Time {
    return Math.max(this.scheduler.now, j * JIFFY - this.phase);
  }

  /**
   * When a timer armed now with mod_timer(jiffies + delayJiffies) runs: level 0 timers fire on their jiffy,
   * outer levels are rounded up to the next multiple of the level's granularity.
   */
  timerInstant(delayJiffies: number): Time {
    const now = this.jiffies;
    const expires = now + Math.max(0, delayJiffies);
    const delta = expires - now;
    let lvl = 0;
    while (lvl < 8 && delta >= LVL_START(lvl + 1)) lvl++;
    let fire = expires;
    if (lvl > 0) {
      const gran = 2 ** (lvl * LVL_CLK_SHIFT);
      fire = (Math.floor(expires / gran) + 1) * gran;
    }
    return this.instantOf(fire);
  }

  /** Arms a kernel timer `delay` ns from now (rounded to jiffies and the wheel as mod_timer would). */
  timer(delay: Time, fn: () => void): { cancel(): boolean } {
    return this.scheduler.at(this.timerInstant(KernelClock.toJiffies(delay)), fn);
  }

  /** Arms a timer for an exact number of jiffies from now. */
  timerJiffies(delayJiffies: number, fn: () => void): { cancel(): boolean } {
    return this.scheduler.at(this.timerInstant(delayJiffies), fn);
  }
}
