// One open capture as the capture view shows it: the display filter (checked as typed, applied on Enter), the
// packet list's rows fetched a page at a time (only pages near the visible rows, a bounded cache), the selected
// frame's detail tree and bytes, the selected field.

import type { Api, CaptureSummary, FilterProblem, FrameDetail, FrameRow, Journey } from '../../../src-main/common/api/index.ts';
import { compileFilter } from '../../../src-main/common/dissect/index.ts';
import { ancestors, flatten, NO_PATHS, withPaths, fromBase64, nodeAtPath, pathAt, type FlatNode } from './capture-view.ts';
import { describeError } from './errors.ts';

const PAGE = 200;
/** Pages kept (the least recently used go first). */
const PAGES_KEPT = 40;

export class PacketView {
  readonly capture: CaptureSummary;
  /** What the filter bar holds. */
  filterText = $state('');
  /** The filter the list shows. */
  applied = $state('');
  /** The bar's verdict as typed: null when empty. */
  readonly check: { ok: true } | { ok: false; error: FilterProblem } | null = $derived.by(() => {
    if (this.filterText.trim() === '') return null;
    const r = compileFilter(this.filterText);
    return r.ok ? { ok: true } : { ok: false, error: r.error };
  });
  total = $state(0);
  matched = $state(0);
  listError = $state<string | null>(null);
  /** Bumped when a page arrives (the rows live outside the reactive graph). */
  version = $state(0);

  /** Index in the filtered list of the selected row. */
  selectedIndex = $state<number | null>(null);
  selectedNumber = $state<number | null>(null);
  detail = $state.raw<FrameDetail | null>(null);
  detailError = $state<string | null>(null);
  /** The detail tree's expanded nodes, by path. */
  expanded = $state.raw<ReadonlySet<string>>(NO_PATHS);
  selectedPath = $state<string | null>(null);
  /** Row asked to scroll into view (the list follows it). */
  scrollRequest = $state(0);
  /** The selected frame's journey (captures.journey), the frame it is for, and why it is missing. */
  journey = $state.raw<Journey | null>(null);
  journeyFor = $state<number | null>(null);
  journeyError = $state<string | null>(null);

  readonly sources: Uint8Array[] = $derived(this.detail ? this.detail.sources.map((s) => fromBase64(s.bytes)) : []);
  readonly flat: FlatNode[] = $derived(this.detail ? flatten(this.detail.tree, this.expanded) : []);
  readonly selectedNode = $derived(this.detail && this.selectedPath !== null ? nodeAtPath(this.detail.tree, this.selectedPath) : undefined);

  readonly #api: Api;
  // Outside the reactive graph on purpose: `version` says when they change.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #pages = new Map<number, FrameRow[]>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #loading = new Set<number>();
  #generation = 0;
  #detailSeq = 0;

  constructor(api: Api, capture: CaptureSummary) {
    this.#api = api;
    this.capture = capture;
    this.total = capture.packetCount;
    this.matched = capture.packetCount;
  }

  /** The row at `index` of the filtered list, if its page is here (reads `version`, so views follow). */
  row(index: number): FrameRow | undefined {
    void this.version;
    const page = this.#pages.get(Math.floor(index / PAGE));
    return page?.[index % PAGE];
  }

  /** Fetches the pages that hold rows first..last (the list calls it as it scrolls). */
  ensure(first: number, last: number): void {
    const hi = Math.min(last, this.matched - 1);
    for (let p = Math.floor(Math.max(0, first) / PAGE); p * PAGE <= hi; p++) void this.#load(p);
  }

  /** A live capture was written again (onCaptureFrames): its pages are fetched anew; the selection stays. */
  refresh(): void {
    this.#generation++;
    this.#pages.clear();
    this.#loading.clear();
    void this.#load(0);
  }

  /** Applies what the bar holds (Enter); a filter with an error is not applied. */
  apply(): void {
    if (this.check && !this.check.ok) return;
    this.applied = this.filterText.trim();
    this.#reset();
    void this.#load(0);
  }

  clear(): void {
    this.filterText = '';
    this.apply();
  }

  /** Selects the row at `index` of the filtered list (loading its page first when needed). */
  async select(index: number): Promise<void> {
    if (this.matched === 0) return;
    const i = Math.max(0, Math.min(this.matched - 1, index));
    this.selectedIndex = i;
    this.scrollRequest++;
    let row = this.row(i);
    if (!row) {
      await this.#load(Math.floor(i / PAGE));
      row = this.row(i);
    }
    if (!row || this.selectedIndex !== i) return;
    await this.#openFrame(row.number);
  }

  toggle(path: string, open?: boolean): void {
    this.expanded = withPaths(this.expanded, [path], open ?? !this.expanded.has(path));
  }

  selectPath(path: string): void {
    this.selectedPath = path;
  }

  /** The hex pane's click: select the deepest field holding that byte, opening its ancestors. */
  selectByte(offset: number, source: number): void {
    if (!this.detail) return;
    const path = pathAt(this.detail.tree, offset, source);
    if (path === null) return;
    this.expanded = withPaths(this.expanded, ancestors(path), true);
    this.selectedPath = path;
  }

  /** Fetches the selected frame's journey across the lab's interfaces. */
  async loadJourney(): Promise<void> {
    const number = this.selectedNumber;
    if (number === null || this.journeyFor === number) return;
    this.journeyFor = number;
    this.journey = null;
    this.journeyError = null;
    try {
      const j = await this.#api.captures.journey({ id: this.capture.id, number });
      if (this.journeyFor === number) this.journey = j;
    } catch (err) {
      if (this.journeyFor === number) this.journeyError = describeError(err);
    }
  }

  #reset(): void {
    this.#generation++;
    this.#pages.clear();
    this.#loading.clear();
    this.selectedIndex = null;
    this.version++;
  }

  async #load(page: number): Promise<void> {
    if (this.#pages.has(page) || this.#loading.has(page)) return;
    const gen = this.#generation;
    this.#loading.add(page);
    try {
      const filter = this.applied;
      const r = await this.#api.captures.frames({ id: this.capture.id, offset: page * PAGE, limit: PAGE, ...(filter ? { filter } : {}) });
      if (gen !== this.#generation) return;
      this.total = r.total;
      this.matched = r.matched;
      this.listError = r.filterError ? r.filterError.message : null;
      this.#pages.set(page, r.rows);
      while (this.#pages.size > PAGES_KEPT) this.#pages.delete(this.#pages.keys().next().value!);
      this.version++;
    } catch (err) {
      if (gen === this.#generation) this.listError = describeError(err);
    } finally {
      if (gen === this.#generation) this.#loading.delete(page);
    }
  }

  async #openFrame(number: number): Promise<void> {
    if (number === this.selectedNumber && this.detail) return;
    this.selectedNumber = number;
    const seq = ++this.#detailSeq;
    try {
      const detail = await this.#api.captures.frame({ id: this.capture.id, number });
      if (seq !== this.#detailSeq) return;
      // Keep what was open (Wireshark remembers expanded subtrees) when the new tree has the same paths.
      this.detail = detail;
      this.detailError = null;
      if (this.selectedPath !== null && !nodeAtPath(detail.tree, this.selectedPath)) this.selectedPath = null;
    } catch (err) {
      if (seq === this.#detailSeq) this.detailError = describeError(err);
    }
  }
}
