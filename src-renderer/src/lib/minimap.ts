// The minimap's geometry: the lab's bounds fitted into the minimap's box, the main view's rectangle in canvas units,
// and the view that centres the main canvas on a point of the minimap.

// Shaped as zoom.ts's (which needs the DOM; this file is tested in Node).
interface Bounds {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface View {
  x: number;
  y: number;
  k: number;
}

export interface MiniFit {
  /** Minimap pixels per canvas unit. */
  k: number;
  /** Canvas point at the minimap's origin. */
  x: number;
  y: number;
}

/** `bounds` fitted into a w × h box with `pad` pixels round it, centred. */
export function miniFit(bounds: Bounds, w: number, h: number, pad = 6): MiniFit {
  const k = Math.min((w - 2 * pad) / Math.max(1, bounds.w), (h - 2 * pad) / Math.max(1, bounds.h));
  return { k, x: bounds.x + bounds.w / 2 - w / 2 / k, y: bounds.y + bounds.h / 2 - h / 2 / k };
}

/** What the main canvas (screenW × screenH pixels) shows, in canvas units. */
export function viewRect(view: View, screenW: number, screenH: number): Bounds {
  return { x: -view.x / view.k, y: -view.y / view.k, w: screenW / view.k, h: screenH / view.k };
}

/** The main view (screenW × screenH pixels), at its scale, centred on canvas point (cx, cy). */
export function viewCentredOn(cx: number, cy: number, scale: number, screenW: number, screenH: number): View {
  return { k: scale, x: screenW / 2 - cx * scale, y: screenH / 2 - cy * scale };
}

/** The main view, at its scale, centred on the canvas point under minimap pixel (mx, my). */
export function viewCentredAt(fit: MiniFit, mx: number, my: number, scale: number, screenW: number, screenH: number): View {
  return viewCentredOn(fit.x + mx / fit.k, fit.y + my / fit.k, scale, screenW, screenH);
}

/** The minimap's keys: arrows move the view a fifth of the screen (Shift: half), Enter centres it on the lab. */
export function viewForKey(key: string, shift: boolean, view: View, bounds: Bounds, screenW: number, screenH: number): View | null {
  const f = shift ? 0.5 : 0.2;
  const step = { ArrowLeft: [-f * screenW, 0], ArrowRight: [f * screenW, 0], ArrowUp: [0, -f * screenH], ArrowDown: [0, f * screenH] }[key];
  if (step) return { k: view.k, x: view.x - (step[0] as number), y: view.y - (step[1] as number) };
  if (key === 'Enter') return viewCentredOn(bounds.x + bounds.w / 2, bounds.y + bounds.h / 2, view.k, screenW, screenH);
  return null;
}
