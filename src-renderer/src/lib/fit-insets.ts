// Where zoom to fit may draw the lab: the stage less what floats over it. The palette and the title take the left
// and top; on the right stands the widest of what is open there (the inspector with its forms, the services'
// legend, the snapshots panel, step mode's panel); an empty lab leaves room below for the hint that says how to
// begin; the command log, at the bottom, is kept clear too. Screen pixels; each width is the panel's CSS width plus its 16 px margin and 16 px of air.

/** Screen pixels kept free on each side (zoom.ts's Insets; declared here so this stays free of the DOM). */
export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface Floating {
  /** The inspector: something selected, or a network or service form open. */
  inspector: boolean;
  /** The services' legend (shown when nothing is being inspected). */
  legend: boolean;
  snapshots: boolean;
  step: boolean;
  /** The lab has no node yet. */
  empty: boolean;
  /** The command log's height (0: none): the lab fits above it. */
  log: number;
  /** The stage's width: however wide the panel, the lab keeps FIT_MIN_WIDTH of it (and goes under the panel). */
  width: number;
}

const RIGHT = { none: 24, inspector: 292, legend: 304, snapshots: 332, step: 472 } as const;
export const FIT_MIN_WIDTH = 200;

export function fitInsets(f: Floating): Insets {
  if (f.empty) return { top: 84, bottom: 240, left: 24, right: 24 };
  let right: number = RIGHT.none;
  if (f.inspector) right = Math.max(right, RIGHT.inspector);
  else if (f.legend) right = Math.max(right, RIGHT.legend);
  if (f.snapshots) right = Math.max(right, RIGHT.snapshots);
  if (f.step) right = Math.max(right, RIGHT.step);
  const left = 196;
  // A narrow stage: the panel covers part of the lab rather than squeezing it to nothing.
  right = Math.min(right, Math.max(RIGHT.none, f.width - left - FIT_MIN_WIDTH));
  return { top: 84, bottom: f.log > 0 ? f.log + 28 : 28, left, right };
}
