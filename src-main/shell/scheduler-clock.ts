// The shells' Clock over a lab's discrete-event Scheduler, so commands (async code: `await sleep`, awaiting a
// reply) and the packet engine (synchronous events) share one virtual time.
//
// The two worlds meet like this: the engine runs one event at a time; after each event, every promise reaction
// that event made possible (a command woken by its timer or by a packet) runs to its next await before the
// next event fires. `settle` is how the caller lets those reactions run: it must resolve only after the
// microtask queue has drained (Node: setImmediate). It reads no clock, so runs stay deterministic.
import type { Scheduler } from '../sim/scheduler.ts';
import type { Clock } from './clock.ts';

export class SchedulerClock implements Clock {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly settle: () => Promise<void>,
  ) {}

  now(): number {
    return this.scheduler.now;
  }

  sleep(ns: number): Promise<void> {
    return new Promise((resolve) => {
      this.scheduler.schedule(Math.max(0, Math.round(ns)), resolve);
    });
  }

  /** Lets `ns` of virtual time pass: every event due on the way runs, each followed by what it woke. */
  async advance(ns: number): Promise<void> {
    const until = this.scheduler.now + Math.max(0, Math.round(ns));
    await this.settle();
    for (;;) {
      const next = this.scheduler.nextTime();
      if (next === undefined || next > until) break;
      this.scheduler.step();
      await this.settle();
    }
    this.scheduler.runUntil(until); // nothing is due any more: this only moves the clock to `until`
  }

  /** Runs virtual time forward until `work` settles. Fails rather than hang when nothing is left to wake it. */
  async complete<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    for (;;) {
      await this.settle();
      if (done) return watched;
      if (!this.scheduler.step()) {
        throw new Error('the command is waiting for something that will never happen (the lab has no events left)');
      }
    }
  }
}
