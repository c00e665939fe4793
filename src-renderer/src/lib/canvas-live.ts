// What the canvas's parts read of the live view without it passing through every level: the level of detail, the
// zoom (for labels drawn at screen size) and the link rates. Canvas.svelte provides it with getters over its state.
import { getContext, setContext } from 'svelte';
import type { Lod } from './lod.ts';

export interface CanvasLive {
  readonly lod: Lod;
  /** The zoom factor; read only by the few things drawn at screen size. */
  readonly scale: number;
  /** Frames per second by link (link-activity.ts keys). */
  readonly rates: ReadonlyMap<string, number>;
  /** The service whose tasks are highlighted (hovered in the legend), or null. */
  readonly service: string | null;
}

const KEY = Symbol('canvas-live');
const NONE: CanvasLive = { lod: 'high', scale: 1, rates: new Map(), service: null };

export function setCanvasLive(c: CanvasLive): void {
  setContext(KEY, c);
}

export function getCanvasLive(): CanvasLive {
  return getContext<CanvasLive | undefined>(KEY) ?? NONE;
}
