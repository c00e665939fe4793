// Zoom and pan for an SVG canvas: d3-zoom does the gesture maths, the caller renders with the transform it
// receives. Wrapped as a plain controller so components never touch d3 selections.

import { select, zoom, zoomIdentity, zoomTransform, type D3ZoomEvent, type ZoomBehavior } from 'd3';

export interface View {
  x: number;
  y: number;
  k: number;
}

/** Low enough that zoom to fit shows a lab of 50 nodes and 1,000 containers whole. */
export const MIN_SCALE = 0.04;
export const MAX_SCALE = 4;
export const IDENTITY: View = { x: 0, y: 0, k: 1 };

export interface ZoomController {
  /** Multiplies the scale around the centre of the canvas (buttons, + and - keys). */
  zoomBy(factor: number): void;
  /** Pans by screen pixels (arrow keys). */
  panBy(dx: number, dy: number): void;
  /** Back to 100 % with the origin at the given screen point (the centre by default). */
  reset(origin?: { x: number; y: number }): void;
  /** Shows `bounds` (canvas units) whole and centred, at most at 100 %, leaving `insets` (screen pixels) free. */
  fit(bounds: Bounds, insets?: Partial<Insets>, animate?: boolean): void;
  /** Goes to `view` (the minimap's moves: at once while dragged, animated for a click). */
  moveTo(view: View, animate?: boolean): void;
  destroy(): void;
}

export interface Bounds {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The view that shows `bounds` whole in a `width` x `height` viewport less `insets`, at most at 100 %. */
export function fitView(bounds: Bounds, width: number, height: number, insets: Insets): View {
  const w = Math.max(1, width - insets.left - insets.right);
  const h = Math.max(1, height - insets.top - insets.bottom);
  const k = Math.max(MIN_SCALE, Math.min(1, w / Math.max(1, bounds.w), h / Math.max(1, bounds.h)));
  return {
    k,
    x: insets.left + w / 2 - k * (bounds.x + bounds.w / 2),
    y: insets.top + h / 2 - k * (bounds.y + bounds.h / 2),
  };
}

/** `onView` gets every view; `onUser` is told when a person moved it (drag, wheel), not the program. */
export function createZoom(svg: SVGSVGElement, onView: (view: View) => void, onUser?: () => void): ZoomController {
  const selection = select(svg);
  const behavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([MIN_SCALE, MAX_SCALE])
    // Pan with the primary button, zoom with the wheel (or a pinch, which arrives as ctrl+wheel).
    // Not from what drags itself (nodes, the connect handles): those gestures are theirs.
    .filter(
      (event: MouseEvent | WheelEvent) =>
        (!event.ctrlKey || event.type === 'wheel') && !event.button && (event.type === 'wheel' || !(event.target instanceof Element && event.target.closest('[data-drag]'))),
    )
    .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
      const { x, y, k } = event.transform;
      onView({ x, y, k });
      if (event.sourceEvent) onUser?.();
    });
  selection.call(behavior).on('dblclick.zoom', null);

  const centre = () => {
    const r = svg.getBoundingClientRect();
    return { x: r.width / 2, y: r.height / 2 };
  };

  const start = centre();
  selection.call(behavior.transform, zoomIdentity.translate(start.x, start.y));

  return {
    zoomBy(factor) {
      const c = centre();
      selection.transition().duration(160).call(behavior.scaleBy, factor, [c.x, c.y]);
    },
    panBy(dx, dy) {
      selection.call(behavior.translateBy, dx, dy);
    },
    reset(origin) {
      const o = origin ?? centre();
      selection.transition().duration(220).call(behavior.transform, zoomIdentity.translate(o.x, o.y));
    },
    fit(bounds, insets = {}, animate = true) {
      const r = svg.getBoundingClientRect();
      const v = fitView(bounds, r.width, r.height, { top: 24, right: 24, bottom: 24, left: 24, ...insets });
      const t = zoomIdentity.translate(v.x, v.y).scale(v.k);
      // A big change of scale (a big lab arriving) jumps: animated, every frame on the way would draw the lab at
      // the old level of detail.
      const ratio = v.k / zoomTransform(svg).k;
      if (animate && ratio < 2 && ratio > 0.5) selection.transition().duration(260).call(behavior.transform, t);
      else selection.interrupt().call(behavior.transform, t);
    },
    moveTo(v, animate = false) {
      const t = zoomIdentity.translate(v.x, v.y).scale(v.k);
      if (animate) selection.transition().duration(220).call(behavior.transform, t);
      else selection.interrupt().call(behavior.transform, t);
    },
    destroy() {
      selection.interrupt().on('.zoom', null);
    },
  };
}

/**
 * Keeps content in view as it changes — until a person pans or zooms (release()); refit() fits and follows again.
 * The first fit jumps, later ones animate.
 */
export class ViewFollower {
  #following = true;
  #first = true;

  constructor(private readonly controller: () => ZoomController | null) {}

  release(): void {
    this.#following = false;
  }

  refit(bounds: Bounds, insets: Partial<Insets>): void {
    this.#following = true;
    this.controller()?.fit(bounds, insets);
  }

  /** The content or the viewport changed. */
  update(bounds: Bounds, insets: Partial<Insets>): void {
    const c = this.controller();
    if (!c) return;
    if (this.#following) c.fit(bounds, insets, !this.#first);
    this.#first = false;
  }
}
