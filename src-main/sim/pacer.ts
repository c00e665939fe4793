// Pacing: how virtual time relates to the wall clock is the caller's decision, not the kernel's.
//  - runAsFastAsPossible(): transcripts, replays at top speed, tests. Virtual time jumps from event to event.
//  - paced(speed, wallClock, sleep): the live UI. Virtual time advances `speed` times as fast as the wall clock.
// The wall clock and the sleep function are injected; nothing in sim/ reads real time.

import type { Scheduler } from './scheduler.ts';
import { MAX_TIME, MILLISECOND, type Time } from './time.ts';

/** Structurally compatible with AbortSignal, without depending on any runtime's types. */
export interface StopSignal {
  readonly aborted: boolean;
}

export interface PaceResult {
  /** Events run during this call. */
  readonly events: number;
  /** Why the run ended: the target time was reached, the queue ran dry (until = Infinity only), or the signal. */
  readonly reason: 'reached' | 'idle' | 'stopped';
}

export interface Pacer {
  /**
   * Runs `scheduler` up to the virtual instant `until` (inclusive; `Infinity` = until idle when running as fast as
   * possible, or until stopped when paced). Resolves when done or when `signal` is aborted.
   */
  run(scheduler: Scheduler, until: Time, signal?: StopSignal): Promise<PaceResult>;
}

export interface FastOptions {
  /** Events per slice between calls to `yieldTo` (default 10,000). */
  readonly sliceEvents?: number;
  /** Called between slices so a host can breathe (for example `() => new Promise(setImmediate)`); none by default. */
  readonly yieldTo?: () => Promise<void>;
}

/** Runs the event queue flat out. */
export function runAsFastAsPossible(options: FastOptions = {}): Pacer {
  const slice = options.sliceEvents ?? 10_000;
  if (!(slice >= 1)) throw new RangeError('runAsFastAsPossible: sliceEvents must be >= 1');
  const yieldTo = options.yieldTo;
  return {
    async run(scheduler, until, signal) {
      let events = 0;
      for (;;) {
        if (signal?.aborted) return { events, reason: 'stopped' };
        if (until === Infinity) {
          const n = scheduler.runUntilIdle(slice);
          events += n;
          if (scheduler.idle) return { events, reason: 'idle' };
        } else {
          const n = scheduler.runUntil(until, slice);
          events += n;
          if (scheduler.now === until && (scheduler.nextTime() ?? Infinity) > until) return { events, reason: 'reached' };
        }
        if (yieldTo) await yieldTo();
      }
    },
  };
}

export interface PacedOptions {
  /** Longest single sleep in wall milliseconds, so speed changes and stops are noticed (default 50). */
  readonly maxSleepMs?: number;
  /** Most events run between two looks at the wall clock (default 10,000). */
  readonly sliceEvents?: number;
  /**
   * Lets the host's promise reactions run after each event (Node: `() => new Promise(setImmediate)`), so async code
   * woken by an event (a shell command awaiting a timer or a reply) runs to its next await before the next event
   * fires, as SchedulerClock.advance() does. Without it, events run back to back in slices.
   */
  readonly settle?: () => Promise<void>;
}

/**
 * Virtual time follows the wall clock: after `w` wall milliseconds, `w * speedFactor` virtual milliseconds have
 * passed (speedFactor 1 = real time, 0.1 = ten times slower). `wallClock` returns milliseconds (any origin);
 * `sleep(ms)` resolves after about that long. If the events cannot keep up, virtual time falls behind and catches
 * up as fast as the events allow.
 */
export function paced(speedFactor: number, wallClock: () => number, sleep: (ms: number) => Promise<void>, options: PacedOptions = {}): Pacer {
  if (!(speedFactor > 0) || !Number.isFinite(speedFactor)) throw new RangeError(`paced: speedFactor must be a positive finite number, got ${speedFactor}`);
  const maxSleep = options.maxSleepMs ?? 50;
  const slice = options.sliceEvents ?? 10_000;
  const settle = options.settle;
  const nsPerWallMs = MILLISECOND * speedFactor;
  /** Runs the events due by `target` one by one, settling after each; moves the clock to `target` when done. */
  const runSettled = async (scheduler: Scheduler, target: Time, signal: StopSignal | undefined): Promise<number> => {
    let n = 0;
    while (n < slice) {
      const next = scheduler.nextTime();
      if (next === undefined || next > target) {
        if (target > scheduler.now) scheduler.runUntil(target); // nothing is due: this only moves the clock
        break;
      }
      scheduler.step();
      n++;
      await settle!();
      if (signal?.aborted) break;
    }
    return n;
  };
  return {
    async run(scheduler, until, signal) {
      const wall0 = wallClock();
      const virt0 = scheduler.now;
      const end = Math.min(until, MAX_TIME);
      let events = 0;
      for (;;) {
        if (signal?.aborted) return { events, reason: 'stopped' };
        // Where virtual time should be now.
        const target = Math.min(end, virt0 + Math.floor((wallClock() - wall0) * nsPerWallMs));
        if (target > scheduler.now || (scheduler.nextTime() ?? Infinity) <= target) {
          if (settle) events += await runSettled(scheduler, Math.max(target, scheduler.now), signal);
          else events += scheduler.runUntil(Math.max(target, scheduler.now), slice);
          if (signal?.aborted) return { events, reason: 'stopped' };
        }
        if (scheduler.now >= end && (scheduler.nextTime() ?? Infinity) > end) return { events, reason: 'reached' };
        // Sleep until the next event is due on the wall clock (or maxSleep, whichever is sooner).
        const next = Math.min(scheduler.nextTime() ?? end, end);
        const dueWall = wall0 + (next - virt0) / nsPerWallMs;
        const wait = Math.min(maxSleep, dueWall - wallClock());
        if (wait > 0) await sleep(wait);
      }
    },
  };
}
