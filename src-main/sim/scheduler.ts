// The discrete-event kernel. One Scheduler per lab: it owns its clock and its queue, and nothing is global, so
// two labs (or two tests) in one process never share state. Virtual time only moves when an event runs or when
// the caller advances it with runUntil(); nothing here reads a wall clock.

import { EventQueue } from './queue.ts';
import { formatTime, isTime, type Time } from './time.ts';

/** Lower values run first among events due at the same instant. Default 0. */
export const PRIORITY_DEFAULT = 0;

/** A scheduled event. Cancelling only sets a flag; the kernel skips the entry when it reaches the queue head. */
export class EventHandle {
  /** @internal */ fn: (() => void) | undefined;
  /** @internal */ state: 0 | 1 | 2 = 0; // 0 pending, 1 ran, 2 cancelled
  /** @internal */ readonly owner: Scheduler;
  /** @internal A posted event (Scheduler.post): its function and arguments; the record is recycled after it runs. */
  call: ((a: unknown, b: unknown, c: unknown) => void) | undefined = undefined;
  /** @internal */ a: unknown = undefined;
  /** @internal */ b: unknown = undefined;
  /** @internal */ c: unknown = undefined;
  /** The instant the event is (or was) due. */
  readonly time: Time;
  /** Its priority at that instant. */
  readonly priority: number;

  /** @internal Use Scheduler.schedule / Scheduler.at. */
  constructor(owner: Scheduler, time: Time, priority: number, fn: (() => void) | undefined) {
    this.owner = owner;
    this.time = time;
    this.priority = priority;
    this.fn = fn;
  }

  /** True until the event has run or been cancelled. */
  get pending(): boolean {
    return this.state === 0;
  }
  get cancelled(): boolean {
    return this.state === 2;
  }
  get ran(): boolean {
    return this.state === 1;
  }

  /** Cancels the event if it is still pending; returns whether it was. Cancelling twice, or after it ran, is a no-op. */
  cancel(): boolean {
    if (this.state !== 0) return false;
    this.state = 2;
    this.fn = undefined;
    this.owner.noteCancelled();
    return true;
  }
}

export class Scheduler {
  private readonly queue = new EventQueue<EventHandle>();
  private clock: Time = 0;
  private running = false;
  private live = 0;
  private executedCount = 0;
  private scheduledCount = 0;
  private cancelledCount = 0;
  /** Records of posted events that have run, for reuse (a posted event has no handle anyone could keep). */
  private readonly spare: EventHandle[] = [];

  /** The current virtual time in nanoseconds. */
  get now(): Time {
    return this.clock;
  }

  /** Events that will still run (scheduled, not yet run, not cancelled). */
  get pending(): number {
    return this.live;
  }

  /** True when no event is pending. */
  get idle(): boolean {
    return this.live === 0;
  }

  /** Events run so far. */
  get executed(): number {
    return this.executedCount;
  }

  /** Events ever scheduled. */
  get scheduled(): number {
    return this.scheduledCount;
  }

  /** Events cancelled before they ran. */
  get cancelled(): number {
    return this.cancelledCount;
  }

  /** Runs `fn` after `delay` nanoseconds (a non-negative integer). */
  schedule(delay: Time, fn: () => void, priority: number = PRIORITY_DEFAULT): EventHandle {
    if (!isTime(delay)) throw new RangeError(`Scheduler.schedule: delay must be a non-negative integer of nanoseconds, got ${delay}`);
    return this.insert(this.clock + delay, fn, priority);
  }

  /**
   * Runs `call(a, b, c)` after `delay` nanoseconds at the default priority, like schedule() but without a handle:
   * it cannot be cancelled, so the kernel reuses its record, and passing the arguments saves a closure. Ordered
   * exactly as schedule() would order it (same time, priority and insertion sequence). For per-frame events.
   */
  post<A, B, C>(delay: Time, call: (a: A, b: B, c: C) => void, a: A, b: B, c: C): void {
    if (!isTime(delay)) throw new RangeError(`Scheduler.post: delay must be a non-negative integer of nanoseconds, got ${delay}`);
    const time = this.clock + delay;
    if (time > Number.MAX_SAFE_INTEGER) throw new RangeError('Scheduler: event time beyond MAX_TIME');
    const h = this.spare.pop() ?? new EventHandle(this, time, PRIORITY_DEFAULT, undefined);
    (h as { time: Time }).time = time; // a recycled record: only the kernel holds it
    h.call = call as (a: unknown, b: unknown, c: unknown) => void;
    h.a = a;
    h.b = b;
    h.c = c;
    this.queue.push(time, PRIORITY_DEFAULT, h);
    this.live++;
    this.scheduledCount++;
  }

  /** Runs `fn` at the absolute instant `time`, which must not be in the past. */
  at(time: Time, fn: () => void, priority: number = PRIORITY_DEFAULT): EventHandle {
    if (!isTime(time)) throw new RangeError(`Scheduler.at: time must be a non-negative integer of nanoseconds, got ${time}`);
    if (time < this.clock) throw new RangeError(`Scheduler.at: ${formatTime(time)} is before now (${formatTime(this.clock)})`);
    return this.insert(time, fn, priority);
  }

  /** The instant of the next pending event, or undefined when idle. Discards cancelled entries at the head. */
  nextTime(): Time | undefined {
    this.dropCancelledHead();
    return this.queue.peekTime();
  }

  /** Runs the next pending event. Returns false (and does nothing) when idle. */
  step(): boolean {
    this.enter('step');
    try {
      return this.runOne();
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs every event due at or before `time` (inclusive, including events those events schedule at or before
   * `time`), then sets the clock to `time`. With `limit`, stops after that many events and leaves the clock at the
   * last event's time; the return value (events run) tells the caller whether it stopped early.
   */
  runUntil(time: Time, limit: number = Infinity): number {
    if (!isTime(time)) throw new RangeError(`Scheduler.runUntil: time must be a non-negative integer of nanoseconds, got ${time}`);
    if (time < this.clock) throw new RangeError(`Scheduler.runUntil: ${formatTime(time)} is before now (${formatTime(this.clock)})`);
    this.enter('runUntil');
    let n = 0;
    try {
      const q = this.queue;
      while (n < limit) {
        this.dropCancelledHead();
        const t = q.peekTime();
        if (t === undefined || t > time) {
          this.clock = time;
          break;
        }
        this.runOne();
        n++;
      }
    } finally {
      this.running = false;
    }
    return n;
  }

  /** Runs events until none is pending, or until `limit` events have run. Returns the number run. */
  runUntilIdle(limit: number = Infinity): number {
    this.enter('runUntilIdle');
    let n = 0;
    try {
      while (n < limit && this.runOne()) n++;
    } finally {
      this.running = false;
    }
    return n;
  }

  /** @internal Called by EventHandle.cancel(). */
  noteCancelled(): void {
    this.live--;
    this.cancelledCount++;
  }

  private insert(time: Time, fn: () => void, priority: number): EventHandle {
    if (!Number.isInteger(priority) || priority < -0x80000000 || priority > 0x7fffffff) {
      throw new RangeError(`Scheduler: priority must be a 32-bit signed integer, got ${priority}`);
    }
    if (time > Number.MAX_SAFE_INTEGER) throw new RangeError('Scheduler: event time beyond MAX_TIME');
    const h = new EventHandle(this, time, priority, fn);
    this.queue.push(time, priority, h);
    this.live++;
    this.scheduledCount++;
    return h;
  }

  private enter(what: string): void {
    if (this.running) throw new Error(`Scheduler.${what}: called from inside an event (the kernel is not re-entrant)`);
    this.running = true;
  }

  private dropCancelledHead(): void {
    const q = this.queue;
    for (let h = q.peek(); h !== undefined && h.state === 2; h = q.peek()) q.pop();
  }

  /** Pops and runs one pending event; false when idle. If the event throws, the clock and counters stay consistent. */
  private runOne(): boolean {
    const q = this.queue;
    for (;;) {
      const h = q.pop();
      if (h === undefined) return false;
      if (h.state !== 0) continue; // cancelled
      this.live--;
      this.clock = h.time;
      this.executedCount++;
      const call = h.call;
      if (call !== undefined) {
        const a = h.a;
        const b = h.b;
        const c = h.c;
        h.call = undefined;
        h.a = h.b = h.c = undefined;
        this.spare.push(h);
        call(a, b, c);
        return true;
      }
      const fn = h.fn!;
      h.state = 1;
      h.fn = undefined;
      fn();
      return true;
    }
  }
}
