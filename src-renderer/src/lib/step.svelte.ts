// Step mode of the open lab (Packet Tracer's simulation mode): its state as the services send it (onStepState),
// the event list filtered by protocol checkboxes and a display filter (the newest LIST_CAP events that pass), the
// selected event's explanation and detail, and the event's interface lit on the canvas.
import type { Api, StepEvent, StepEventDetail, StepProtocol, StepState } from '../../../src-main/common/api/index.ts';
import { STEP_PROTOCOLS } from '../../../src-main/common/api/index.ts';
import { compileFilter } from '../../../src-main/common/dissect/index.ts';
import { describeError } from './errors.ts';
import { wireHighlight } from './wire-highlight.svelte.ts';

/** Whether the step panel is open (it shows a small button when closed). */
export const stepUi = $state({ open: false });

/** Rows the list shows at most: the newest that pass the filter. */
export const LIST_CAP = 500;

export const PROTOCOL_LABELS: Record<StepProtocol, string> = {
  arp: 'ARP',
  icmp: 'ICMP',
  dns: 'DNS',
  tcp: 'TCP',
  udp: 'UDP',
  http: 'HTTP',
  vxlan: 'VXLAN',
  esp: 'ESP',
  igmp: 'IGMP',
};

/** Virtual nanoseconds as seconds with microseconds ("1.000242"). */
export function formatEventTime(ns: number): string {
  return (ns / 1e9).toFixed(6);
}

/** The canvas's hints for an event's place: `where` names a container as NODE/NAME (a sandbox keeps its netns). */
function placement(e: StepEvent): { node?: string; container?: string } {
  if (e.where === e.netns) return {};
  const slash = e.where.indexOf('/');
  return slash < 0 ? { node: e.where } : { node: e.where.slice(0, slash), container: e.where.slice(slash + 1) };
}

export class StepMode {
  readonly labId: string;
  state = $state.raw<StepState | null>(null);
  events = $state.raw<StepEvent[]>([]);
  matched = $state(0);
  total = $state(0);
  /** The checked protocols (all: no protocol filter). */
  protocols = $state.raw<readonly StepProtocol[]>(STEP_PROTOCOLS);
  filterText = $state('');
  applied = $state('');
  filterError = $state<string | null>(null);
  selected = $state<number | null>(null);
  detail = $state.raw<StepEventDetail | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  readonly check = $derived.by(() => {
    if (this.filterText.trim() === '') return null;
    const r = compileFilter(this.filterText);
    return r.ok ? null : r.error.message;
  });

  readonly #api: Api;
  #loadSeq = 0;
  #detailSeq = 0;
  #reload: ReturnType<typeof setTimeout> | undefined;

  constructor(api: Api, labId: string) {
    this.#api = api;
    this.labId = labId;
  }

  /** Follows onStepState; returns the unsubscribe. */
  follow(): () => void {
    const off = this.#api.onStepState(({ labId, state }) => {
      if (labId === this.labId) this.#take(state);
    });
    return () => {
      off();
      clearTimeout(this.#reload);
      wireHighlight.clear();
    };
  }

  /** Reads step mode's state (once the lab runs: the view calls it when the lab's first state arrives). */
  refresh(): Promise<void> {
    return this.#call(async () => this.#take(await this.#api.lab.stepState({ labId: this.labId })));
  }

  get on(): boolean {
    return this.state?.on ?? false;
  }

  setOn(on: boolean, limit?: number): Promise<void> {
    return this.#call(async () => {
      this.#take(await this.#api.lab.stepMode({ labId: this.labId, on, ...(limit === undefined ? {} : { limit }) }));
      if (!on) {
        this.events = [];
        this.detail = null;
        this.selected = null;
        wireHighlight.clear();
      }
    });
  }

  step(): Promise<void> {
    return this.#call(async () => this.#take(await this.#api.lab.step({ labId: this.labId })));
  }

  back(): Promise<void> {
    return this.#call(async () => this.#take(await this.#api.lab.stepBack({ labId: this.labId })));
  }

  /** Play resumes the clock (the list keeps recording); pause stops it. */
  playPause(running: boolean): Promise<void> {
    return this.#call(async () => {
      await this.#api.lab.clock({ labId: this.labId, action: running ? 'pause' : 'play' });
      this.#take(await this.#api.lab.stepState({ labId: this.labId }));
    });
  }

  toggleProtocol(p: StepProtocol): void {
    this.protocols = this.protocols.includes(p) ? this.protocols.filter((x) => x !== p) : STEP_PROTOCOLS.filter((x) => x === p || this.protocols.includes(x));
    void this.load();
  }

  setAllProtocols(all: boolean): void {
    this.protocols = all ? STEP_PROTOCOLS : [];
    void this.load();
  }

  applyFilter(): void {
    this.applied = this.filterText.trim();
    void this.load();
  }

  /** The newest LIST_CAP events that pass. */
  async load(): Promise<void> {
    if (!this.on) return;
    const seq = ++this.#loadSeq;
    const all = this.protocols.length === STEP_PROTOCOLS.length;
    const query = { labId: this.labId, limit: LIST_CAP, ...(all ? {} : { protocols: [...this.protocols] }), ...(this.applied ? { filter: this.applied } : {}) };
    try {
      let page = await this.#api.lab.events({ ...query, offset: 0 });
      if (page.matched > LIST_CAP) page = await this.#api.lab.events({ ...query, offset: page.matched - LIST_CAP });
      if (seq !== this.#loadSeq) return;
      this.events = page.events;
      this.matched = page.matched;
      this.total = page.total;
      this.filterError = page.filterError ? page.filterError.message : null;
    } catch (err) {
      if (seq === this.#loadSeq) this.error = describeError(err);
    }
  }

  select(seq: number): Promise<void> {
    this.selected = seq;
    const mine = ++this.#detailSeq;
    return this.#call(async () => {
      const detail = await this.#api.lab.stepEvent({ labId: this.labId, seq });
      if (mine !== this.#detailSeq) return;
      this.detail = detail;
      const e = detail.event;
      wireHighlight.show([{ ...placement(e), netns: e.netns, interface: e.interface, label: `#${e.seq} ${e.direction === 'out' ? '→' : '←'} ${e.protocol}` }]);
    });
  }

  #take(state: StepState): void {
    const before = this.state?.current?.seq;
    this.state = state;
    if (!state.on) return;
    // The list follows the lab, at most every 150 ms while it plays.
    if (this.#reload === undefined) {
      this.#reload = setTimeout(() => {
        this.#reload = undefined;
        void this.load();
      }, state.running ? 150 : 0);
    }
    const now = state.current?.seq;
    if (now !== undefined && now !== before) void this.select(now);
  }

  async #call(fn: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await fn();
      this.error = null;
    } catch (err) {
      this.error = describeError(err);
    } finally {
      this.busy = false;
    }
  }
}
