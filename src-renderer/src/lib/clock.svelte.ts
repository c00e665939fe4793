// A wall clock that ticks once a minute, for "updated 5 min. ago" labels.

export class Clock {
  now = $state(Date.now());
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(periodMs = 30_000) {
    this.#timer = setInterval(() => (this.now = Date.now()), periodMs);
  }

  dispose(): void {
    clearInterval(this.#timer);
  }
}
