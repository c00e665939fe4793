// Virtual time for the shells. A command never reads the wall clock: it asks its Clock. A lab supplies its
// scheduler; until then (and in tests) a ManualClock keeps timers of its own and lets time pass only when told
// (`advance`) or when a foreground command is waiting for nothing else (`complete`). Deterministic: timers due
// at the same time fire in the order they were set.

export interface Clock {
  /** Virtual time, in nanoseconds. */
  now(): number;
  /** Resolves once `ns` nanoseconds of virtual time have passed. */
  sleep(ns: number): Promise<void>;
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Lets every pending promise reaction run: the shell's work is all promises, so once a macrotask turn has come,
 * whatever could progress without time passing has. (No wall-clock time is read.) */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ns: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, Math.round(ns)), seq: this.seq++, resolve });
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /** Lets `ns` of virtual time pass, firing the timers due on the way, in order; each woken task runs until it
   * waits again before the next timer fires. */
  async advance(ns: number): Promise<void> {
    const until = this.t + Math.max(0, ns);
    await settle();
    for (;;) {
      const next = this.timers[0];
      if (next === undefined || next.at > until) break;
      this.fire();
      await settle();
    }
    this.t = until;
  }

  /** Runs virtual time forward until `work` settles: whenever nothing else can progress, the next timer fires.
   * If `work` waits with no timer left to wake it, this fails rather than hang. */
  async complete<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    for (;;) {
      await settle();
      if (done) return watched;
      if (this.timers.length === 0) throw new Error('the command is waiting for something that will never happen (no timers left)');
      this.fire();
    }
  }

  private fire(): void {
    const next = this.timers.shift();
    if (next === undefined) return;
    this.t = Math.max(this.t, next.at);
    next.resolve();
  }
}
