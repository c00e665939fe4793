// The analyses of the open capture, as Wireshark's Analyze and Statistics windows: follow stream of the selected
// frame (TCP, UDP, HTTP, DNS), the flow diagram of a display filter a page at a time, and the I/O graph with a
// series per filter. Shown in one panel over the capture view; which analysis it shows is `panel`.

import { createContext } from 'svelte';
import type { Api, FlowPage, FollowProtocol, FollowResult, FollowTransport, IoGraph } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';
import type { PacketView } from './packet-view.svelte.ts';

export type AnalysisPanel = 'follow' | 'flow' | 'io';

/** Arrows per page of the flow diagram. */
export const FLOW_PAGE = 500;
/** I/O graph intervals offered (seconds); null is automatic. */
export const IO_INTERVALS: readonly (number | null)[] = [null, 0.001, 0.01, 0.1, 1, 10, 60];

export class CaptureAnalysisState {
  panel = $state<AnalysisPanel | null>(null);

  followProtocol = $state<FollowProtocol>('tcp');
  follow = $state.raw<FollowResult | null>(null);
  followError = $state<string | null>(null);
  followBusy = $state(false);

  flowFilter = $state('');
  flowOffset = $state(0);
  flow = $state.raw<FlowPage | null>(null);
  flowError = $state<string | null>(null);

  ioInterval = $state<number | null>(null);
  ioMetric = $state<'frames' | 'bytes'>('frames');
  ioFilters = $state<string[]>(['']);
  io = $state.raw<IoGraph | null>(null);
  ioError = $state<string | null>(null);

  readonly #api: Api;
  #seq = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  close(): void {
    this.panel = null;
  }

  /**
   * Follows the stream of the view's selected frame, or stream index `stream` of the protocol's kind; `transport`
   * picks the kind where the protocol has a choice (DNS over TCP or UDP).
   */
  async openFollow(view: PacketView, protocol: FollowProtocol, stream?: number, transport?: FollowTransport): Promise<void> {
    this.panel = 'follow';
    this.followProtocol = protocol;
    const number = view.selectedNumber;
    if (stream === undefined && number === null) {
      this.follow = null;
      this.followError = 'Select a packet of the stream to follow first.';
      return;
    }
    const seq = ++this.#seq;
    this.followBusy = true;
    try {
      const target = stream === undefined ? { number: number! } : { stream, ...(transport ? { transport } : {}) };
      const r = await this.#api.captures.follow({ id: view.capture.id, protocol, ...target });
      if (seq !== this.#seq) return;
      this.follow = r;
      this.followError = null;
    } catch (err) {
      if (seq !== this.#seq) return;
      this.follow = null;
      this.followError = describeError(err);
    } finally {
      if (seq === this.#seq) this.followBusy = false;
    }
  }

  async openFlow(view: PacketView, filter = view.applied): Promise<void> {
    this.panel = 'flow';
    this.flowFilter = filter;
    this.flowOffset = 0;
    await this.loadFlow(view);
  }

  async loadFlow(view: PacketView): Promise<void> {
    const seq = ++this.#seq;
    try {
      const filter = this.flowFilter.trim();
      const page = await this.#api.captures.flow({ id: view.capture.id, offset: this.flowOffset, limit: FLOW_PAGE, ...(filter ? { filter } : {}) });
      if (seq !== this.#seq) return;
      this.flow = page;
      this.flowError = page.filterError ? page.filterError.message : null;
    } catch (err) {
      if (seq === this.#seq) this.flowError = describeError(err);
    }
  }

  async openIo(view: PacketView): Promise<void> {
    this.panel = 'io';
    if (this.ioFilters.length === 1 && this.ioFilters[0] === '' && view.applied) this.ioFilters = ['', view.applied];
    await this.loadIo(view);
  }

  async loadIo(view: PacketView): Promise<void> {
    const seq = ++this.#seq;
    try {
      const g = await this.#api.captures.io({
        id: view.capture.id,
        series: this.ioFilters.map((filter) => ({ filter })),
        ...(this.ioInterval === null ? {} : { interval: this.ioInterval }),
      });
      if (seq !== this.#seq) return;
      this.io = g;
      const bad = g.series.find((s) => s.filterError);
      this.ioError = bad?.filterError ? `${bad.filter}: ${bad.filterError.message}` : null;
    } catch (err) {
      if (seq === this.#seq) this.ioError = describeError(err);
    }
  }
}

export const [getCaptureAnalysis, setCaptureAnalysis] = createContext<CaptureAnalysisState>();
