// Spatial focus for the keyboard: from the focused item, an arrow key goes to the nearest item that lies that way —
// nearest along the arrow, with a penalty for being off to the side, so "right" prefers the item level with this one
// over a closer one far below.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/** The index in `items` of the item to go to from `from` in `dir`, or -1 when there is none that way. */
export function nearestInDirection(from: Rect, items: readonly Rect[], dir: Direction): number {
  const cx = from.x + from.w / 2;
  const cy = from.y + from.h / 2;
  let best = -1;
  let bestScore = Infinity;
  items.forEach((r, i) => {
    const x = r.x + r.w / 2 - cx;
    const y = r.y + r.h / 2 - cy;
    const along = dir === 'right' ? x : dir === 'left' ? -x : dir === 'down' ? y : -y;
    const aside = dir === 'left' || dir === 'right' ? Math.abs(y) : Math.abs(x);
    // Only what lies ahead (by more than a pixel: the item itself, or one stacked exactly on it, is not "that way").
    if (along <= 1) return;
    const score = along + 2 * aside;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

/** The item nearest to a point (where keyboard focus starts when the canvas itself has it). */
export function nearestTo(p: { x: number; y: number }, items: readonly Rect[]): number {
  let best = -1;
  let bestD = Infinity;
  items.forEach((r, i) => {
    const d = Math.hypot(r.x + r.w / 2 - p.x, r.y + r.h / 2 - p.y);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
