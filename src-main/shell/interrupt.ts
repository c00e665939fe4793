// Ctrl-C for the consoles: the signal a shell hands every command it runs in the foreground (ctx.signal), shaped
// like the DOM's AbortSignal so a command may treat either alike. The shell layer uses no runtime API, so this is
// a small class of its own; whoever owns the console (the services) calls abort().

export interface InterruptSignal {
  readonly aborted: boolean;
  /** The signal, when the interrupt is a signal other than Ctrl-C's SIGINT (a container's main process told to stop
   * with SIGTERM); a command that dies of it exits 128 + signo. */
  readonly signo?: number;
  addEventListener(type: 'abort', fn: () => void, opts?: { once?: boolean }): void;
  removeEventListener(type: 'abort', fn: () => void): void;
}

export class Interrupt implements InterruptSignal {
  #aborted = false;
  readonly #listeners = new Set<() => void>();

  get aborted(): boolean {
    return this.#aborted;
  }

  addEventListener(_type: 'abort', fn: () => void): void {
    if (!this.#aborted) this.#listeners.add(fn);
  }

  removeEventListener(_type: 'abort', fn: () => void): void {
    this.#listeners.delete(fn);
  }

  /** Fires every listener once; later calls do nothing. */
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const fns = [...this.#listeners];
    this.#listeners.clear();
    for (const fn of fns) fn();
  }
}

/** Resolves when `signal` fires (never without one). */
export function whenAborted(signal: InterruptSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
