// The editor's history, pure: the undo and redo stacks of docker gestures and canvas changes, the commands that
// undo or redo a gesture, and moves (a drag's many pointer moves become one step; snapping works on where the
// pointer put a node, so slow drags still move). editor.svelte.ts holds it in runes and runs the commands.
import type { Command, Gesture } from './gestures.ts';
import { snapOffset, snapValue } from './snap.ts';
import type { CanvasNote } from '../../../src-main/common/api/canvas-contract.ts';

/** A change of the canvas alone (a move, a layout, a note): undone in the window, no docker command. */
export interface CanvasStep {
  label: string;
  local: true;
  undo(): void;
  redo(): void;
}

/** What undo and redo walk through: docker gestures and canvas changes, in the order they were done. */
export type Step = Gesture | CanvasStep;

export const isLocal = (s: Step): s is CanvasStep => 'local' in s;

export interface History {
  readonly undo: readonly Step[];
  readonly redo: readonly Step[];
}

export const EMPTY_HISTORY: History = { undo: [], redo: [] };

/** Steps kept for undo; older ones fall off (a long session does not keep every nudge forever). */
export const HISTORY_MAX = 500;

/** A new step done: it can be undone, and what was undone before it can no longer be redone. */
export function pushed(h: History, step: Step): History {
  return { undo: [...h.undo, step].slice(-HISTORY_MAX), redo: [] };
}

/** A gesture ran (`ran`: its `do` succeeded). One with no inverse is a wall: nothing before it can be undone. */
export function afterGesture(h: History, g: Gesture, ran: boolean): History {
  if (!ran) return h;
  return g.undo ? pushed(h, g) : EMPTY_HISTORY;
}

/** The step undo would take back, or null. */
export const nextUndo = (h: History): Step | null => h.undo[h.undo.length - 1] ?? null;
export const nextRedo = (h: History): Step | null => h.redo[h.redo.length - 1] ?? null;

/** After the last step was undone: it moves to the redo stack. */
export function undone(h: History): History {
  const s = nextUndo(h);
  return s ? { undo: h.undo.slice(0, -1), redo: [...h.redo, s] } : h;
}

export function redone(h: History): History {
  const s = nextRedo(h);
  return s ? { undo: [...h.undo, s], redo: h.redo.slice(0, -1) } : h;
}

/** The commands that take a gesture back, in order (null: it has no inverse). */
export function undoCommands(g: Gesture): Command[] | null {
  return g.undo ? [g.undo, ...(g.undoAlso ?? [])] : null;
}

/** The commands that do a gesture (again): `do`, then what finishes it. */
export function redoCommands(g: Gesture): Command[] {
  return [g.do, ...(g.also ?? [])];
}

// ------------------------------------------------------------------------------------------ moves

export interface Offset {
  dx: number;
  dy: number;
}

export type Offsets = Record<string, Offset>;

/** A drag in progress: the offsets when it began, and each moved node's offset as the pointer put it. */
export interface Drag {
  readonly start: Offsets;
  readonly raw: Offsets;
}

/**
 * Moves `nodes` by (dx, dy) during `drag` (null: this move begins one). With `bases` (each node's tidy place), the
 * node lands on the grid. Returns the offsets to draw and the drag to go on with.
 */
export function moved(offsets: Offsets, drag: Drag | null, nodes: readonly string[], dx: number, dy: number, bases?: Record<string, { x: number; y: number }>): { offsets: Offsets; drag: Drag } {
  const start = drag?.start ?? offsets;
  const raw = { ...drag?.raw };
  const next = { ...offsets };
  for (const n of nodes) {
    const o = raw[n] ?? next[n] ?? { dx: 0, dy: 0 };
    const r = { dx: o.dx + dx, dy: o.dy + dy };
    raw[n] = r;
    next[n] = bases ? snapOffset(bases[n] ?? { x: 0, y: 0 }, r) : r;
  }
  return { offsets: next, drag: { start, raw } };
}

/** The offsets before and after a finished drag, or null when it moved nothing (one undo step, or none). */
export function dragResult(drag: Drag | null, now: Offsets): { before: Offsets; after: Offsets } | null {
  if (!drag || drag.start === now) return null;
  return { before: drag.start, after: now };
}

/** Every node at `bases` (and those with an offset) put on the grid: snap turned on re-aligns what is placed. */
export function snappedOffsets(offsets: Offsets, bases: Record<string, { x: number; y: number }>): Offsets {
  const out: Offsets = {};
  for (const n of new Set([...Object.keys(bases), ...Object.keys(offsets)])) {
    const o = snapOffset(bases[n] ?? { x: 0, y: 0 }, offsets[n] ?? { dx: 0, dy: 0 });
    if (o.dx !== 0 || o.dy !== 0 || offsets[n]) out[n] = o;
  }
  return out;
}

/** Notes with their corners on the grid. */
export function snappedNotes(notes: readonly CanvasNote[]): CanvasNote[] {
  return notes.map((n) => ({ ...n, x: snapValue(n.x), y: snapValue(n.y) }));
}
