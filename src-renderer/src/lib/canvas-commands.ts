// What the canvas's shortcuts do (shortcuts.ts says which key is which): copy, paste and duplicate of containers,
// select all, the two layouts, snap, notes, zoom and pan, and keyboard focus that moves between the canvas's items
// by where they are. The canvas component hands in what it owns (the editor, the state, the zoom) and its keys.
import type { LabRuntimeState } from '../../../src-main/common/api/index.ts';
import { copyContainer, copyName, missingNetworks, pasteContainer, pasteNote, type MissingNetworks } from './clipboard.ts';
import { containerKey, endpointKey, networkKey, nodeKey, noteKey, resolve, type Editor } from './editor.svelte.ts';
import { forceLayout, forceLinksOf } from './force-layout.ts';
import { shortcutFor, type Action, type KeyLike } from './shortcuts.ts';
import { GRID } from './snap.ts';
import { nearestInDirection, nearestTo, type Direction, type Rect } from './spatial.ts';
import type { Topology } from './topology.ts';
import type { ZoomController } from './zoom.ts';

export interface CanvasHost {
  readonly editor: Editor;
  state(): LabRuntimeState | null;
  layout(): Topology | null;
  zoom(): ZoomController | null;
  /** Zoom to fit the lab. */
  fit(): void;
  /** The person took the view over (it stops following the lab). */
  releaseView(): void;
  /** The <svg> and the drawn group in it. */
  svg(): SVGSVGElement | undefined;
  drawing(): SVGGElement | undefined;
  /** The middle of what is in view, canvas units (new notes land there). */
  viewCentre(): { x: number; y: number };
  toggleHelp(): void;
  /** Asks whether a paste onto `target` creates the networks it lacks ('create'), joins only those it has
   * ('present'), or is cancelled (null). Without it, a paste joins only what is there. */
  askPaste?(q: { target: string; copied: string; missing: MissingNetworks }): Promise<'create' | 'present' | null>;
}

/** The layout's seed: fixed, so the force layout of a lab is the same picture on every machine. */
const FORCE_SEED = 1;

/** Items the arrow keys go between. Endpoint lines are too thin to aim at; Tab and a click reach them. */
const ITEMS = '[data-testid="canvas-workstation"], [data-testid="canvas-node"], [data-testid="canvas-network"], [data-testid="canvas-container"], [data-testid="canvas-note"]';

/** The selection key an item of the canvas stands for (null for the workstation, which is not editable). */
export function keyOfElement(el: Element): string | null {
  const id = el.getAttribute('data-testid');
  const name = el.getAttribute('data-name') ?? '';
  const node = el.closest('[data-testid="canvas-node"]')?.getAttribute('data-name') ?? '';
  if (id === 'canvas-node') return nodeKey(name);
  if (id === 'canvas-container') return containerKey(node, name);
  if (id === 'canvas-network') return networkKey(node, name);
  if (id === 'canvas-endpoint') return endpointKey(node, el.getAttribute('data-container') ?? '', el.getAttribute('data-network') ?? '');
  if (id === 'canvas-note') return noteKey(el.getAttribute('data-id') ?? '');
  return null;
}

/** Where an item is on screen; a node is its header (its box holds its containers, which are items of their own). */
function rectOf(el: Element): Rect {
  const r = (el.getAttribute('data-testid') === 'canvas-node' ? (el.querySelector('[data-testid="node-frame"]') ?? el) : el).getBoundingClientRect();
  const h = el.getAttribute('data-testid') === 'canvas-node' ? Math.min(r.height, 48) : r.height;
  return { x: r.left, y: r.top, w: r.width, h };
}

function focusItem(host: CanvasHost, dir: Direction): boolean {
  const root = host.drawing();
  if (!root) return false;
  const items = [...root.querySelectorAll(ITEMS)];
  if (items.length === 0) return false;
  const rects = items.map(rectOf);
  const active = document.activeElement;
  const at = active ? items.indexOf(active) : -1;
  let next: number;
  if (at < 0) {
    const box = host.svg()?.getBoundingClientRect();
    next = nearestTo(box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 0, y: 0 }, rects);
  } else next = nearestInDirection(rects[at] as Rect, rects, dir);
  const el = items[next];
  if (!el) return true;
  (el as SVGElement).focus();
  const key = keyOfElement(el);
  if (key) host.editor.select(key);
  else host.editor.clearSelection();
  return true;
}

/** The container the selection is (or the first selected one). */
function selectedContainer(host: CanvasHost) {
  const state = host.state();
  for (const k of host.editor.selection) {
    const s = resolve(state, k);
    if (s?.kind === 'container') return s;
  }
  return null;
}

/** Pastes `copy` onto the selected node (or the node of the selected thing), else the node it came from. */
function paste(host: CanvasHost, copy: NonNullable<Editor['clipboard']>, onto?: string): boolean {
  const state = host.state();
  if (!state) return false;
  const picked = onto ?? host.editor.selection.map((k) => resolve(state, k)).find((s) => s !== null)?.node.name ?? copy.from.node;
  const node = state.nodes.find((n) => n.name === picked);
  if (!node) return false;
  const missing = missingNetworks(copy, node);
  const ask = missing.creatable.length > 0 && host.askPaste ? host.askPaste({ target: node.name, copied: copy.from.name, missing }) : Promise.resolve('present' as const);
  void ask.then(async (choice) => {
    if (choice === null) return;
    // Read again: the lab may have changed while the question was open.
    const now = host.state()?.nodes.find((n) => n.name === picked);
    if (!now) return;
    const name = copyName(
      copy,
      (host.state()?.nodes ?? []).flatMap((n) => n.containers.map((c) => c.name)),
    );
    const again = missingNetworks(copy, now);
    const note = pasteNote(now.name, again, choice === 'create');
    if (note) void host.editor.note(note);
    if (await host.editor.perform(pasteContainer(copy, name, now, choice === 'create'))) host.editor.select(containerKey(now.name, name));
  });
  return true;
}

export function forceArrange(host: CanvasHost): void {
  const layout = host.layout();
  const state = host.state();
  if (!layout || !state) return;
  const offsets = forceLayout(
    layout.nodes.map((b) => ({ key: b.key, x: b.x, y: b.y, w: b.w, h: b.h })),
    forceLinksOf(state.nodes),
    FORCE_SEED,
  );
  host.editor.arrange(offsets, 'force');
}

export function addNote(host: CanvasHost, kind: 'text' | 'box'): void {
  const c = host.viewCentre();
  const size = kind === 'box' ? { w: 320, h: 200 } : { w: 200, h: 44 };
  host.editor.addNote(kind, { x: Math.round(c.x - size.w / 2), y: Math.round(c.y - size.h / 2) });
}

/** Does what `action` says; false when it does not apply here (the key then keeps its usual meaning). */
export function runAction(host: CanvasHost, action: Action): boolean {
  const { editor } = host;
  const z = host.zoom();
  const pan = (dx: number, dy: number) => {
    if (!z) return false;
    z.panBy(dx, dy);
    host.releaseView();
    return true;
  };
  const step = editor.snap ? GRID : 12;
  switch (action) {
    case 'undo':
      void editor.undo();
      return true;
    case 'redo':
      void editor.redo();
      return true;
    case 'delete':
      void editor.deleteSelection(host.state());
      return true;
    case 'copy': {
      const s = selectedContainer(host);
      if (!s) return false;
      editor.clipboard = copyContainer(s.node.name, s.container, s.node.networks);
      return true;
    }
    case 'paste':
      return editor.clipboard ? paste(host, editor.clipboard) : false;
    case 'duplicate': {
      const s = selectedContainer(host);
      return s ? paste(host, copyContainer(s.node.name, s.container, s.node.networks), s.node.name) : false;
    }
    case 'selectAll':
      editor.selection = [...(host.state()?.nodes.map((n) => nodeKey(n.name)) ?? []), ...editor.notes.map((n) => noteKey(n.id))];
      return true;
    case 'clear':
      editor.clearSelection();
      editor.draft = null;
      host.svg()?.focus();
      return true;
    case 'tidyLayout':
      editor.autoLayout();
      return true;
    case 'forceLayout':
      forceArrange(host);
      return true;
    case 'snap':
      editor.toggleSnap();
      return true;
    case 'newNote':
    case 'newBox':
      addNote(host, action === 'newBox' ? 'box' : 'text');
      return true;
    case 'zoomIn':
      z?.zoomBy(1.25);
      host.releaseView();
      return z !== null;
    case 'zoomOut':
      z?.zoomBy(0.8);
      host.releaseView();
      return z !== null;
    case 'fit':
      host.fit();
      return true;
    case 'help':
      host.toggleHelp();
      return true;
    case 'focusLeft':
      return focusItem(host, 'left');
    case 'focusRight':
      return focusItem(host, 'right');
    case 'focusUp':
      return focusItem(host, 'up');
    case 'focusDown':
      return focusItem(host, 'down');
    case 'moveLeft':
      editor.nudge(-step, 0);
      return true;
    case 'moveRight':
      editor.nudge(step, 0);
      return true;
    case 'moveUp':
      editor.nudge(0, -step);
      return true;
    case 'moveDown':
      editor.nudge(0, step);
      return true;
    case 'panLeft':
      return pan(48, 0);
    case 'panRight':
      return pan(-48, 0);
    case 'panUp':
      return pan(0, 48);
    case 'panDown':
      return pan(0, -48);
  }
}

/** Actions a key does when focus is outside the canvas (on the page itself, or anywhere for undo and redo). */
const OUTSIDE: readonly Action[] = ['undo', 'redo'];
const ON_PAGE: readonly Action[] = ['undo', 'redo', 'copy', 'paste', 'duplicate', 'selectAll', 'help'];

function isTyping(t: EventTarget | null): boolean {
  return t instanceof HTMLElement && (t.isContentEditable || t.closest('input, textarea, select, .xterm') !== null);
}

/** The window's key handler for the canvas: `stage` is the canvas's section (keys there do everything). */
export function handleCanvasKey(host: CanvasHost, stage: HTMLElement | undefined, e: KeyboardEvent & KeyLike): void {
  if (e.defaultPrevented || isTyping(e.target)) return;
  const action = shortcutFor(e);
  if (!action) return;
  const target = e.target instanceof Node ? e.target : null;
  const inStage = stage !== undefined && target !== null && stage.contains(target);
  const allowed = inStage || (target === document.body && ON_PAGE.includes(action)) || OUTSIDE.includes(action);
  if (!allowed) return;
  // A dialog's Escape or a button's own keys first: Escape only clears when nothing else took it.
  if (runAction(host, action)) e.preventDefault();
}
