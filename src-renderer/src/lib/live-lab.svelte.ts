// The open lab, running: its state as the services send it (lab.start, then onLabState), the virtual clock shown
// between two states (interpolated from the last one at its speed), the clock's controls and the console dock.
import type { Api, LabClockState, LabRuntimeState } from '../../../src-main/common/api/index.ts';
import { ConsolesState } from './consoles.svelte.ts';
import { describeError } from './errors.ts';
import { labCounts, type LabCounts } from './lab-counts.ts';
import { linkRates, NO_RATES } from './link-activity.ts';
import type { ResolvedTheme } from './theme.svelte.ts';

export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 50] as const;

export class LiveLab {
  readonly labId: string;
  readonly consoles: ConsolesState;
  state = $state.raw<LabRuntimeState | null>(null);
  error = $state<string | null>(null);
  /** Frames per second on each link that carried traffic between the last two states (link-activity.ts keys). */
  rates = $state.raw<ReadonlyMap<string, number>>(NO_RATES);
  /** Virtual nanoseconds, advanced between states while the clock runs. */
  displayTime = $state(0);
  readonly clock: LabClockState | null = $derived(this.state?.clock ?? null);
  readonly counts: LabCounts = $derived(labCounts(this.state));

  readonly #api: Api;
  readonly #cleanup: (() => void)[] = [];
  #anchor = { time: 0, wall: 0 };
  #timer: ReturnType<typeof setInterval> | undefined;
  #disposed = false;
  #injected = false;

  constructor(api: Api, labId: string, theme: () => ResolvedTheme) {
    this.#api = api;
    this.labId = labId;
    this.consoles = new ConsolesState(api, labId, theme);
    this.#cleanup.push(
      this.consoles.follow(),
      api.onLabState(({ labId: id, state }) => id === this.labId && this.#take(state)),
      api.onLabStopped(({ labId: id }) => {
        if (id === this.labId && !this.#disposed) this.error = 'The lab was stopped.';
      }),
    );
    this.#timer = setInterval(() => this.#tick(), 100);
  }

  /** Starts (or attaches to) the lab's emulation and opens the workstation's console. */
  async start(): Promise<void> {
    try {
      this.#take(await this.#api.lab.start({ labId: this.labId }));
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
      return;
    }
    if (!this.#disposed) await this.consoles.open({ kind: 'workstation' }, { polite: true });
  }

  /** Reads the state again (after a lost connection: the events sent meanwhile are gone). */
  async refresh(): Promise<void> {
    try {
      this.#take(await this.#api.lab.start({ labId: this.labId }));
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
    }
  }

  play(speed?: number): Promise<void> {
    return this.#clock('play', speed);
  }

  pause(): Promise<void> {
    return this.#clock('pause');
  }

  step(): Promise<void> {
    return this.#clock('step');
  }

  setSpeed(speed: number): Promise<void> {
    return this.#clock(this.clock?.running === false ? 'pause' : 'play', speed);
  }

  dispose(): void {
    this.#disposed = true;
    clearInterval(this.#timer);
    for (const f of this.#cleanup.splice(0)) f();
    this.consoles.dispose();
  }

  async #clock(action: 'play' | 'pause' | 'step', speed?: number): Promise<void> {
    try {
      const clock = await this.#api.lab.clock({ labId: this.labId, action, ...(speed === undefined ? {} : { speed }) });
      if (this.state) this.#take({ ...this.state, clock });
    } catch (err) {
      this.error = describeError(err);
    }
  }

  /** Shows a made-up state and ignores the lab's from now on (benches and screenshots of labs too big to build). */
  inject(state: LabRuntimeState): void {
    this.#injected = true;
    this.rates = linkRates(this.state, state, this.rates);
    this.state = state;
  }

  #take(state: LabRuntimeState): void {
    if (this.#injected) return;
    this.rates = linkRates(this.state, state, this.rates);
    this.state = state;
    this.#anchor = { time: state.clock.time, wall: performance.now() };
    this.displayTime = state.clock.time;
  }

  #tick(): void {
    const c = this.state?.clock;
    if (!c?.running) return;
    this.displayTime = Math.max(this.displayTime, this.#anchor.time + (performance.now() - this.#anchor.wall) * 1e6 * c.speed);
  }
}

/** Virtual time as the status bar shows it: 00:01:23.4 (hours grow as needed). */
export function formatVirtualTime(ns: number): string {
  const tenths = Math.floor(ns / 1e8);
  const s = Math.floor(tenths / 10);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${tenths % 10}`;
}

export function formatSpeed(speed: number): string {
  return `${speed < 1 ? String(speed).replace(/^0/, '') : speed}×`;
}
