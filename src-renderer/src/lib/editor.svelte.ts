// The canvas as an editor: what is selected, the gestures done (each one a docker command run in the lab through
// lab.exec, so it is journaled with the console commands), undo and redo as the inverse commands, the log of the
// commands each gesture stood for, a network being drafted in the inspector, and where nodes were moved (the
// window's own layout overrides; the lab does not know them).
import type { Api, LabExecResult, LabRuntimeState, RuntimeContainer, RuntimeNetwork, RuntimeNode } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';
import type { CanvasNote, LabCanvas } from '../../../src-main/common/api/canvas-contract.ts';
import type { ContainerCopy } from './clipboard.ts';
import { disconnect, removeContainer, removeNetwork, removeNode, type Command, type Gesture, type NetworkKind } from './gestures.ts';
import {
  afterGesture,
  dragResult,
  isLocal,
  moved,
  nextRedo,
  nextUndo,
  pushed,
  redoCommands,
  redone,
  snappedNotes,
  snappedOffsets,
  undoCommands,
  undone,
  type CanvasStep,
  type Drag,
  type History,
  type Offset,
  type Step,
} from './undo-stack.ts';

export type { CanvasStep, Offset, Step };

/** A selected thing, as a key: node:N, container:N/C, network:N/W, endpoint:N/C/W, note:ID. */
export type SelectionKey = string;

export type Selected =
  | { kind: 'node'; node: RuntimeNode }
  | { kind: 'container'; node: RuntimeNode; container: RuntimeContainer }
  | { kind: 'network'; node: RuntimeNode; network: RuntimeNetwork }
  | { kind: 'endpoint'; node: RuntimeNode; container: RuntimeContainer; network: RuntimeNetwork };

export interface LogLine {
  id: number;
  /** "node1$ docker network connect dev es". */
  prompt: string;
  /** null while it runs. */
  exit: number | null;
  /** What it printed when it failed (Docker's error). */
  error: string;
  /** A remark of the canvas's own (what a paste did about missing networks), not a command. */
  note?: true;
}

export const nodeKey = (node: string) => `node:${node}`;
export const containerKey = (node: string, c: string) => `container:${node}/${c}`;
export const networkKey = (node: string, n: string) => `network:${node}/${n}`;
export const endpointKey = (node: string, c: string, n: string) => `endpoint:${node}/${c}/${n}`;
export const noteKey = (id: string) => `note:${id}`;

const LOG_MAX = 6;

export function resolve(state: LabRuntimeState | null, key: SelectionKey): Selected | null {
  const [kind, rest = ''] = key.split(/:(.*)/s) as [string, string?];
  const [n, a, b] = rest.split('/');
  const node = state?.nodes.find((x) => x.name === n);
  if (!node) return null;
  if (kind === 'node') return { kind, node };
  if (kind === 'container') {
    const container = node.containers.find((c) => c.name === a);
    return container ? { kind, node, container } : null;
  }
  if (kind === 'network') {
    const network = node.networks.find((w) => w.name === a);
    return network ? { kind, node, network } : null;
  }
  const container = node.containers.find((c) => c.name === a);
  const network = node.networks.find((w) => w.name === b);
  return container && network && kind === 'endpoint' ? { kind, node, container, network } : null;
}

export class Editor {
  selection = $state.raw<SelectionKey[]>([]);
  /** A network dropped on a node, waiting for its settings in the inspector. */
  draft = $state.raw<{ node: string; kind: NetworkKind } | null>(null);
  /** A service dropped on a manager, waiting for its settings in the inspector. */
  serviceDraft = $state.raw<{ node: string } | null>(null);
  log = $state.raw<LogLine[]>([]);
  offsets = $state.raw<Record<string, Offset>>({});
  /** The layout the nodes were last arranged by. */
  layoutMode = $state<'tidy' | 'force'>('tidy');
  /** Moves snap to the grid. */
  snap = $state(false);
  notes = $state.raw<CanvasNote[]>([]);
  /** The note being edited in place. */
  editingNote = $state<string | null>(null);
  /** A note as it is drawn while dragged or resized (the notes change once, when the gesture ends). */
  liveNote = $state.raw<CanvasNote | null>(null);
  /** The container copied last (Ctrl+C). */
  clipboard = $state.raw<ContainerCopy | null>(null);
  undoStack = $state.raw<Step[]>([]);
  redoStack = $state.raw<Step[]>([]);
  /** Where the tidy layout puts each node's top-left corner (the canvas keeps it current): snapping aligns that
   * corner plus the offset to the grid. */
  bases: Record<string, { x: number; y: number }> = {};
  /** The drag in progress: where it began, and the offsets as the pointer moved them before snapping. */
  #drag: Drag | null = null;
  #noteId = 0;
  /** The line being dragged from a container to a network (canvas units), while it is. */
  wire = $state.raw<{ x1: number; y1: number; x2: number; y2: number } | null>(null);
  /** The last refusal, for the inspector's form. */
  lastError = $state<string | null>(null);

  readonly #api: Api;
  readonly #labId: string;
  #queue: Promise<unknown> = Promise.resolve();
  #logId = 0;

  constructor(api: Api, labId: string) {
    this.#api = api;
    this.#labId = labId;
  }

  // ------------------------------------------------------------------------------------------ gestures

  /** Runs a gesture (after those before it); true when the lab accepted it. */
  perform(g: Gesture): Promise<boolean> {
    return this.#enqueue(async () => {
      const [first, ...rest] = redoCommands(g) as [Command, ...Command[]];
      const done = await this.#exec(first);
      // Once `do` ran, its undo applies even when a follow-up failed (removing a pasted container undoes its joins).
      const ok = done && (await this.#execAll(rest));
      this.#history = afterGesture(this.#history, g, done);
      return ok;
    });
  }

  undo(): Promise<boolean> {
    return this.#enqueue(async () => {
      const g = nextUndo(this.#history);
      if (!g) return false;
      let ok = true;
      if (isLocal(g)) g.undo();
      else {
        const cmds = undoCommands(g);
        ok = cmds !== null && (await this.#execAll(cmds));
      }
      if (ok) this.#history = undone(this.#history);
      return ok;
    });
  }

  redo(): Promise<boolean> {
    return this.#enqueue(async () => {
      const g = nextRedo(this.#history);
      if (!g) return false;
      let ok = true;
      if (isLocal(g)) g.redo();
      else ok = await this.#execAll(redoCommands(g));
      if (ok) this.#history = redone(this.#history);
      return ok;
    });
  }

  get #history(): History {
    return { undo: this.undoStack, redo: this.redoStack };
  }

  set #history(h: History) {
    this.undoStack = h.undo as Step[];
    this.redoStack = h.redo as Step[];
  }

  /** Runs commands in order until one fails; true when all ran. */
  async #execAll(cmds: readonly Command[]): Promise<boolean> {
    for (const c of cmds) if (!(await this.#exec(c))) return false;
    return true;
  }

  /** Delete: disconnects selected endpoint lines, removes selected containers, networks, nodes (in that order). */
  async deleteSelection(state: LabRuntimeState | null): Promise<void> {
    const notes = this.selection.filter((k) => k.startsWith('note:')).map((k) => k.slice(5));
    if (notes.length) this.removeNotes(notes);
    const picked = this.selection.map((k) => resolve(state, k)).filter((s): s is Selected => s !== null);
    const order = { endpoint: 0, container: 1, network: 2, node: 3 } as const;
    picked.sort((a, b) => order[a.kind] - order[b.kind]);
    this.selection = [];
    for (const s of picked) {
      if (s.kind === 'endpoint') await this.perform(disconnect(s.node.name, s.network.name, s.container.name));
      else if (s.kind === 'container') await this.perform(removeContainer(s.node.name, s.container));
      else if (s.kind === 'network') await this.perform(removeNetwork(s.node.name, s.network));
      else await this.perform(removeNode(s.node.name));
    }
  }

  // ------------------------------------------------------------------------------------------ selection

  select(key: SelectionKey, add = false): void {
    this.draft = null;
    this.serviceDraft = null;
    if (!add) this.selection = [key];
    else this.selection = this.selection.includes(key) ? this.selection.filter((k) => k !== key) : [...this.selection, key];
  }

  clearSelection(): void {
    this.selection = [];
  }

  isSelected(key: SelectionKey): boolean {
    return this.selection.includes(key);
  }

  // ------------------------------------------------------------------------------------------ layout

  /** Moves nodes by canvas units (multi-select moves them together); with snap on, each lands on the grid. A drag
   * calls this as the pointer moves, then commitMove() once. */
  move(nodes: string[], dx: number, dy: number): void {
    const m = moved(this.offsets, this.#drag, nodes, dx, dy, this.snap ? this.bases : undefined);
    this.#drag = m.drag;
    this.offsets = m.offsets;
  }

  /** The end of a move: one undo step puts the nodes back. */
  commitMove(label = 'move'): void {
    const r = dragResult(this.#drag, this.offsets);
    this.#drag = null;
    if (!r) return;
    this.#pushLocal({ label, undo: () => this.#setOffsets(r.before), redo: () => this.#setOffsets(r.after) });
  }

  /** Moves the selected nodes by a step (Shift+arrows): one undo step each. */
  nudge(dx: number, dy: number): void {
    const nodes = this.selection.filter((k) => k.startsWith('node:')).map((k) => k.slice(5));
    const notes = this.selection.filter((k) => k.startsWith('note:')).map((k) => k.slice(5));
    if (nodes.length) {
      this.move(nodes, dx, dy);
      this.commitMove(`move ${nodes.join(', ')}`);
    }
    if (notes.length) {
      this.setNotes(
        this.notes.map((n) => (notes.includes(n.id) ? { ...n, x: n.x + dx, y: n.y + dy } : n)),
        'move note',
      );
    }
  }

  /** Back to the tidy default layout. */
  autoLayout(): void {
    this.arrange({}, 'tidy');
  }

  /** Puts the nodes at these offsets from the tidy layout (a computed layout), as one undo step. */
  arrange(offsets: Record<string, Offset>, mode: 'tidy' | 'force'): void {
    const before = { offsets: this.offsets, mode: this.layoutMode };
    const apply = (o: Record<string, Offset>, m: 'tidy' | 'force') => {
      this.#setOffsets(o);
      this.layoutMode = m;
    };
    apply(offsets, mode);
    this.#pushLocal({ label: mode === 'tidy' ? 'tidy layout' : 'force layout', undo: () => apply(before.offsets, before.mode), redo: () => apply(offsets, mode) });
  }

  /** Snap on puts what is already placed (nodes and notes) on the grid; that and the switch are one undo step. */
  toggleSnap(): void {
    const before = { snap: this.snap, offsets: this.offsets, notes: this.notes };
    const after = before.snap ? { ...before, snap: false } : { snap: true, offsets: snappedOffsets(this.offsets, this.bases), notes: snappedNotes(this.notes) };
    const apply = (s: typeof before) => {
      this.snap = s.snap;
      this.#setOffsets(s.offsets);
      this.notes = s.notes;
    };
    apply(after);
    this.#pushLocal({ label: after.snap ? 'snap to grid' : 'snap off', undo: () => apply(before), redo: () => apply(after) });
  }

  #setOffsets(o: Record<string, Offset>): void {
    this.#drag = null;
    this.offsets = o;
  }

  #pushLocal(step: Omit<CanvasStep, 'local'>): void {
    this.#history = pushed(this.#history, { ...step, local: true });
  }

  // ------------------------------------------------------------------------------------------ notes

  /** Adds a note (free text or a box) and selects it; with `edit`, its text is edited in place at once. */
  addNote(kind: 'text' | 'box', at: { x: number; y: number }, edit = true): CanvasNote {
    const taken = this.notes.map((n) => n.id);
    let id: string;
    do id = `n${++this.#noteId}`;
    while (taken.includes(id));
    // Empty: the field opens on it, and the canvas shows "Note" or "Box" faintly until something is typed.
    const note: CanvasNote = kind === 'box' ? { id, kind, x: at.x, y: at.y, w: 320, h: 200, text: '' } : { id, kind, x: at.x, y: at.y, w: 200, h: 44, text: '' };
    this.setNotes([...this.notes, note], `add ${kind === 'box' ? 'box' : 'note'}`);
    this.selection = [noteKey(id)];
    if (edit) this.editingNote = id;
    return note;
  }

  updateNote(id: string, patch: Partial<Omit<CanvasNote, 'id' | 'kind'>>, label = 'edit note'): void {
    this.setNotes(
      this.notes.map((n) => (n.id === id ? { ...n, ...patch } : n)),
      label,
    );
  }

  removeNotes(ids: string[]): void {
    this.setNotes(
      this.notes.filter((n) => !ids.includes(n.id)),
      ids.length > 1 ? 'remove notes' : 'remove note',
    );
  }

  /** Replaces the notes as one undo step (a drag of a note calls it once, at its end). */
  setNotes(next: CanvasNote[], label: string): void {
    const before = this.notes;
    if (before === next) return;
    this.notes = next;
    this.#pushLocal({ label, undo: () => (this.notes = before), redo: () => (this.notes = next) });
  }

  // ------------------------------------------------------------------------------------------ the saved canvas

  /** Takes the canvas section of the lab document (what the last session saved). */
  loadCanvas(c: LabCanvas): void {
    this.#setOffsets(c.offsets ?? {});
    this.layoutMode = c.layout ?? 'tidy';
    this.snap = c.snap ?? false;
    this.notes = c.notes ?? [];
  }

  /** The canvas section to save. */
  canvasData(): LabCanvas {
    return { layout: this.layoutMode, snap: this.snap, offsets: this.offsets, notes: this.notes };
  }

  /** Adds a remark to the command log, after the commands queued before it. */
  note(text: string): Promise<void> {
    return this.#enqueue(async () => {
      this.log = [...this.log, { id: ++this.#logId, prompt: text, exit: 0, error: '', note: true as const }].slice(-LOG_MAX);
    });
  }

  // ------------------------------------------------------------------------------------------ running

  #enqueue<T>(f: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(f, f);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  async #exec(cmd: Command): Promise<boolean> {
    const where = cmd.target.kind === 'workstation' ? 'workstation' : cmd.target.kind === 'node' ? cmd.target.node : `${cmd.target.node}/${cmd.target.container}`;
    const entry: LogLine = { id: ++this.#logId, prompt: `${where}$ ${cmd.line}`, exit: null, error: '' };
    this.log = [...this.log, entry].slice(-LOG_MAX);
    let result: LabExecResult;
    try {
      result = await this.#api.lab.exec({ labId: this.#labId, target: cmd.target, line: cmd.line });
    } catch (err) {
      result = { exit: 1, output: '', stderr: describeError(err) };
    }
    const error = result.exit === 0 ? '' : (result.stderr || result.output).trim();
    this.log = this.log.map((l) => (l.id === entry.id ? { ...l, exit: result.exit, error } : l));
    this.lastError = result.exit === 0 ? null : error || `exit ${result.exit}`;
    return result.exit === 0;
  }
}
