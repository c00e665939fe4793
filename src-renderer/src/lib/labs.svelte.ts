// The library's labs as the window sees them: the live list, the open lab, and the small editing modes of the
// sidebar (the new-lab field, renaming one item, confirming a delete). Every change goes through the contract;
// the list itself is only ever replaced by what the services send back (labs.list, onLabsChanged).

import type { Api, Lab, LabSummary } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';

const LAST_OPEN_KEY = 'flotilla.lastLab';
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export class LabsState {
  /** As the services last sent it. */
  list = $state.raw<LabSummary[]>([]);
  loaded = $state(false);
  loadError = $state<string | null>(null);

  /** Sorted by name, the order the sidebar shows. */
  readonly sorted: LabSummary[] = $derived([...this.list].sort((a, b) => collator.compare(a.name, b.name)));

  openId = $state<string | null>(null);
  /** The open lab's document, as labs.open returned it. */
  openLab = $state.raw<Lab | null>(null);
  openError = $state<string | null>(null);
  /** The open lab's summary from the live list (fresh name and counts). */
  readonly openSummary: LabSummary | null = $derived(this.list.find((l) => l.id === this.openId) ?? null);

  /** The item that holds the list's keyboard focus (roving tabindex). */
  focusId = $state<string | null>(null);

  creating = $state(false);
  createError = $state<string | null>(null);
  renamingId = $state<string | null>(null);
  renameError = $state<string | null>(null);
  deleteTarget = $state.raw<LabSummary | null>(null);
  deleteError = $state<string | null>(null);
  busy = $state(false);

  readonly #api: Api;
  /** How many times the new-lab form was asked for (a create closes it only if none came while it ran). */
  #createRequests = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      this.#take(await this.#api.labs.list());
      this.loadError = null;
    } catch (err) {
      this.loadError = describeError(err);
    } finally {
      this.loaded = true;
    }
    if (this.openId === null) {
      const last = readLastOpen();
      if (last && this.list.some((l) => l.id === last)) await this.open(last);
    }
  }

  follow(): () => void {
    return this.#api.onLabsChanged((labs) => this.#take(labs));
  }

  startCreate(): void {
    this.renamingId = null;
    this.creating = true;
    this.createError = null;
    this.#createRequests++;
  }

  cancelCreate(): void {
    this.creating = false;
    this.createError = null;
  }

  async create(rawName: string): Promise<boolean> {
    const name = rawName.trim();
    if (name === '') {
      this.createError = 'Give the lab a name.';
      return false;
    }
    this.busy = true;
    const asked = this.#createRequests;
    try {
      const lab = await this.#api.labs.create({ name });
      this.#merge(lab);
      // "New lab" pressed again while this one was being made asks for another form: it stays open.
      if (this.#createRequests === asked) this.creating = false;
      this.createError = null;
      await this.open(lab.id);
      return true;
    } catch (err) {
      this.createError = describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  startRename(id: string): void {
    this.creating = false;
    this.renamingId = id;
    this.renameError = null;
  }

  cancelRename(): void {
    this.renamingId = null;
    this.renameError = null;
  }

  async rename(id: string, rawName: string): Promise<boolean> {
    const name = rawName.trim();
    const current = this.list.find((l) => l.id === id);
    if (current && current.name === name) {
      this.cancelRename();
      return true;
    }
    if (name === '') {
      this.renameError = 'Give the lab a name.';
      return false;
    }
    this.busy = true;
    try {
      this.#merge(await this.#api.labs.rename({ id, name }));
      this.cancelRename();
      return true;
    } catch (err) {
      this.renameError = describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  askDelete(lab: LabSummary): void {
    this.deleteTarget = lab;
    this.deleteError = null;
  }

  cancelDelete(): void {
    this.deleteTarget = null;
    this.deleteError = null;
  }

  async confirmDelete(): Promise<boolean> {
    const target = this.deleteTarget;
    if (!target) return false;
    this.busy = true;
    try {
      const index = this.sorted.findIndex((l) => l.id === target.id);
      await this.#api.labs.delete({ id: target.id });
      this.#take(this.list.filter((l) => l.id !== target.id));
      const next = this.sorted[Math.min(index, this.sorted.length - 1)];
      this.focusId = next?.id ?? null;
      this.deleteTarget = null;
      this.deleteError = null;
      return true;
    } catch (err) {
      this.deleteError = describeError(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async open(id: string): Promise<void> {
    this.openId = id;
    this.focusId = id;
    this.openError = null;
    writeLastOpen(id);
    try {
      const lab = await this.#api.labs.open({ id });
      if (this.openId === id) this.openLab = lab;
    } catch (err) {
      if (this.openId !== id) return;
      this.openLab = null;
      this.openError = describeError(err);
    }
  }

  /** A lab just added (imported): listed at once, before the event with the full list arrives, and opened. */
  async adopt(lab: LabSummary): Promise<void> {
    this.#merge(lab);
    await this.open(lab.id);
  }

  close(): void {
    this.openId = null;
    this.openLab = null;
    this.openError = null;
    writeLastOpen(null);
  }

  /** A new list from the services: drops the open lab and any editing mode whose lab has gone. */
  #take(labs: LabSummary[]) {
    this.list = labs;
    const has = (id: string | null) => id !== null && labs.some((l) => l.id === id);
    if (this.openId !== null && !has(this.openId)) this.close();
    if (this.renamingId !== null && !has(this.renamingId)) this.cancelRename();
    if (this.deleteTarget && !has(this.deleteTarget.id)) this.cancelDelete();
    if (this.focusId !== null && !has(this.focusId)) this.focusId = this.openId;
  }

  /** One lab from a reply, merged in before the event with the full list arrives. */
  #merge(lab: LabSummary) {
    const rest = this.list.filter((l) => l.id !== lab.id);
    this.list = [...rest, lab];
  }
}

function readLastOpen(): string | null {
  try {
    return localStorage.getItem(LAST_OPEN_KEY);
  } catch {
    return null;
  }
}

function writeLastOpen(id: string | null): void {
  try {
    if (id === null) localStorage.removeItem(LAST_OPEN_KEY);
    else localStorage.setItem(LAST_OPEN_KEY, id);
  } catch {
    // not remembered: the next start shows the welcome page instead
  }
}
