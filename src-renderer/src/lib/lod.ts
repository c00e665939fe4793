// Level of detail: what the canvas draws at a zoom. Further out than LOW_SCALE a node's containers are one path per
// state colour instead of a thousand cards (text there is unreadable anyway), and names are drawn at screen size.
import type { NodeBox, Tone } from './topology.ts';
import { CONTAINER_H, CONTAINER_W } from './topology.ts';

export type Lod = 'high' | 'mid' | 'low';

export const LOW_SCALE = 0.3;
export const MID_SCALE = 0.6;

export function lodFor(k: number): Lod {
  return k < LOW_SCALE ? 'low' : k < MID_SCALE ? 'mid' : 'high';
}

/** A node's containers as rectangles in as few paths as there are state colours (in tone order). */
export function containerPaths(box: NodeBox): { tone: Tone; d: string }[] {
  const by = new Map<Tone, string[]>();
  for (const c of box.containers) {
    const list = by.get(c.tone) ?? [];
    list.push(`M${c.x} ${c.y}h${CONTAINER_W}v${CONTAINER_H}h${-CONTAINER_W}z`);
    by.set(c.tone, list);
  }
  return (['ok', 'warn', 'bad', 'idle'] as const).filter((t) => by.has(t)).map((tone) => ({ tone, d: by.get(tone)!.join('') }));
}

/** Endpoint lines of a node as one path (with its bars they draw the node's wiring at low zoom). */
export function wiringPath(box: NodeBox): string {
  return box.endpoints.map((e) => (e.dropX === e.x ? `M${e.x} ${e.y1}V${e.y2}` : `M${e.x} ${e.y1}V${e.bendY}H${e.dropX}V${e.y2}`)).join('');
}
