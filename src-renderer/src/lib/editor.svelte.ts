// The canvas as an editor: what is selected, the gestures done (each one a docker command run in the lab through
// lab.exec, so it is journaled with the console commands), undo and redo as the inverse commands, the log of the
// commands each gesture stood for, a network being drafted in the inspector, and where nodes were moved (the
// window's own layout overrides; the lab does not know them).
import type { Api, LabExecResult, LabRuntimeState, RuntimeContainer, RuntimeNetwork, RuntimeNode } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';
import { disconnect, removeContainer, removeNetwork, removeNode, type Command, type Gesture, type NetworkKind } from './gestures.ts';

/** A selected thing, as a key: node:N, container:N/C, network:N/W, endpoint:N/C/W. */
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
}

export interface Offset {
  dx: number;
  dy: number;
}

export const nodeKey = (node: string) => `node:${node}`;
export const containerKey = (node: string, c: string) => `container:${node}/${c}`;
export const networkKey = (node: string, n: string) => `network:${node}/${n}`;
export const endpointKey = (node: string, c: string, n: string) => `endpoint:${node}/${c}/${n}`;

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
  log = $state.raw<LogLine[]>([]);
  offsets = $state.raw<Record<string, Offset>>({});
  undoStack = $state.raw<Gesture[]>([]);
  redoStack = $state.raw<Gesture[]>([]);
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
      const ok = await this.#exec(g.do);
      if (ok && g.undo) {
        this.undoStack = [...this.undoStack, g];
        this.redoStack = [];
      } else if (ok) {
        // A gesture with no inverse: what was before it cannot be undone across it.
        this.undoStack = [];
        this.redoStack = [];
      }
      return ok;
    });
  }

  undo(): Promise<boolean> {
    return this.#enqueue(async () => {
      const g = this.undoStack[this.undoStack.length - 1];
      if (!g?.undo) return false;
      const ok = await this.#exec(g.undo);
      if (ok) {
        this.undoStack = this.undoStack.slice(0, -1);
        this.redoStack = [...this.redoStack, g];
      }
      return ok;
    });
  }

  redo(): Promise<boolean> {
    return this.#enqueue(async () => {
      const g = this.redoStack[this.redoStack.length - 1];
      if (!g) return false;
      const ok = await this.#exec(g.do);
      if (ok) {
        this.redoStack = this.redoStack.slice(0, -1);
        this.undoStack = [...this.undoStack, g];
      }
      return ok;
    });
  }

  /** Delete: disconnects selected endpoint lines, removes selected containers, networks, nodes (in that order). */
  async deleteSelection(state: LabRuntimeState | null): Promise<void> {
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

  /** Moves nodes by canvas units (multi-select moves them together). */
  move(nodes: string[], dx: number, dy: number): void {
    const next = { ...this.offsets };
    for (const n of nodes) {
      const o = next[n] ?? { dx: 0, dy: 0 };
      next[n] = { dx: o.dx + dx, dy: o.dy + dy };
    }
    this.offsets = next;
  }

  /** Back to the tidy default layout. */
  autoLayout(): void {
    this.offsets = {};
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
