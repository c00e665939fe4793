// Snap to grid: the canvas's dot grid is GRID units apart, and a snapped move puts a node's top-left corner on a
// dot. Offsets are kept from the tidy layout's place (which is not on the grid), so the snap works on base + offset.

/** The grid's step in canvas units (the dot grid's finest spacing). */
export const GRID = 24;

export function snapValue(v: number, step = GRID): number {
  // Math.round(-0.5) is -0: + 0 makes it 0, so a snapped offset prints (and compares) as a plain 0.
  return Math.round(v / step) * step + 0;
}

/** The offset that puts `base + raw` on the nearest grid point. */
export function snapOffset(base: { x: number; y: number }, raw: { dx: number; dy: number }, step = GRID): { dx: number; dy: number } {
  return { dx: snapValue(base.x + raw.dx, step) - base.x, dy: snapValue(base.y + raw.dy, step) - base.y };
}
