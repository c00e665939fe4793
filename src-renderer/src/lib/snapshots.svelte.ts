// The open lab's snapshots: the list (live through onSnapshotsChanged), save, delete, restore, and the diff of two.
import type { Api, Lab, PartialRestore, SnapshotDiff, SnapshotSummary } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';

/** Whether the snapshots panel is shown (the canvas toolbar toggles it; the lab view shows it). */
export const snapshotsUi = $state({ open: false });

export class SnapshotsState {
  readonly labId: string;
  list = $state.raw<SnapshotSummary[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  diff = $state.raw<SnapshotDiff | null>(null);
  /** What the last partial restore did (its commands, what it left alone). */
  part = $state.raw<(PartialRestore & { snapshot: string; what: string }) | null>(null);
  readonly #api: Api;

  constructor(api: Api, labId: string) {
    this.#api = api;
    this.labId = labId;
  }

  follow(): () => void {
    void this.load();
    return this.#api.onSnapshotsChanged(({ labId }) => {
      if (labId === this.labId) void this.load();
    });
  }

  async load(): Promise<void> {
    await this.#run(async () => {
      const list = await this.#api.snapshots.list({ labId: this.labId });
      this.list = [...list].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    });
  }

  save(name: string): Promise<boolean> {
    const trimmed = name.trim();
    return this.#run(async () => {
      await this.#api.snapshots.save({ labId: this.labId, ...(trimmed ? { name: trimmed } : {}) });
      await this.load();
    });
  }

  remove(id: string): Promise<boolean> {
    return this.#run(async () => {
      await this.#api.snapshots.delete({ id });
      if (this.diff && (this.diff.a.id === id || this.diff.b.id === id)) this.diff = null;
      await this.load();
    });
  }

  async restore(id: string): Promise<Lab | null> {
    let lab: Lab | null = null;
    await this.#run(async () => {
      lab = await this.#api.snapshots.restore({ id });
    });
    return lab;
  }

  /** One node (or one container of it) back to snapshot `id`, the rest of the lab as it is. */
  restorePart(id: string, node: string, container: string): Promise<boolean> {
    const snap = this.list.find((s) => s.id === id);
    const c = container.trim();
    return this.#run(async () => {
      const r = await this.#api.snapshots.restorePart({ id, node: node.trim(), ...(c ? { container: c } : {}) });
      this.part = { ...r, snapshot: snap?.name ?? id, what: c ? `container ${c} on ${node.trim()}` : `node ${node.trim()}` };
    });
  }

  /** The diff from the older of two snapshots to the newer. */
  compare(ids: readonly string[]): Promise<boolean> {
    const [a, b] = this.list.filter((s) => ids.includes(s.id));
    if (!a || !b) return Promise.resolve(false);
    return this.#run(async () => {
      this.diff = await this.#api.snapshots.diff({ a: a.id, b: b.id });
    });
  }

  async #run(f: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    try {
      await f();
      this.error = null;
      return true;
    } catch (err) {
      this.error = describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
