// Zoom and pan for an SVG canvas: d3-zoom does the gesture maths, the caller renders with the transform it
// receives. Wrapped as a plain controller so components never touch d3 selections.

import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3';

export interface View {
  x: number;
  y: number;
  k: number;
}

export const MIN_SCALE = 0.2;
export const MAX_SCALE = 4;
export const IDENTITY: View = { x: 0, y: 0, k: 1 };

export interface ZoomController {
  /** Multiplies the scale around the centre of the canvas (buttons, + and - keys). */
  zoomBy(factor: number): void;
  /** Pans by screen pixels (arrow keys). */
  panBy(dx: number, dy: number): void;
  /** Back to 100 % with the origin at the given screen point (the centre by default). */
  reset(origin?: { x: number; y: number }): void;
  destroy(): void;
}

export function createZoom(svg: SVGSVGElement, onView: (view: View) => void): ZoomController {
  const selection = select(svg);
  const behavior: ZoomBehavior<SVGSVGElement, unknown> = zoom<SVGSVGElement, unknown>()
    .scaleExtent([MIN_SCALE, MAX_SCALE])
    // Pan with the primary button, zoom with the wheel (or a pinch, which arrives as ctrl+wheel).
    .filter((event: MouseEvent | WheelEvent) => (!event.ctrlKey || event.type === 'wheel') && !event.button)
    .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
      const { x, y, k } = event.transform;
      onView({ x, y, k });
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
    destroy() {
      selection.interrupt().on('.zoom', null);
    },
  };
}
