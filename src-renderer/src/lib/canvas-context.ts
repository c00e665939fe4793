// What the canvas's parts share without passing it down every level: the editor, and the conversion from screen
// to canvas coordinates (the current zoom and pan).
import { getContext, setContext } from 'svelte';
import type { Editor } from './editor.svelte.ts';

export interface CanvasContext {
  readonly editor: Editor;
  /** Screen (client) point → canvas units. */
  toCanvas(x: number, y: number): { x: number; y: number };
  /** The current zoom factor (screen pixels per canvas unit). */
  scale(): number;
}

const KEY = Symbol('canvas');

export function setCanvasContext(c: CanvasContext): void {
  setContext(KEY, c);
}

export function getCanvasContext(): CanvasContext {
  return getContext<CanvasContext>(KEY);
}
