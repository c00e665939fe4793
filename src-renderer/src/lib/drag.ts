// Pointer gestures of the canvas as plain functions: follow one pointer from its press to its release, and find
// what lies under a point (a node, a network segment, the canvas) by the drop attributes the components draw.

export interface Tracked {
  /** Screen pixels since the press. */
  dx: number;
  dy: number;
  x: number;
  y: number;
}

/** Follows the pointer pressed in `down` until it is released; `moved` tells whether it went past a click's slop. */
export function track(down: PointerEvent, onMove: (t: Tracked) => void, onEnd: (t: Tracked, moved: boolean) => void): void {
  const x0 = down.clientX;
  const y0 = down.clientY;
  let moved = false;
  const at = (e: PointerEvent): Tracked => ({ dx: e.clientX - x0, dy: e.clientY - y0, x: e.clientX, y: e.clientY });
  const move = (e: PointerEvent) => {
    if (e.pointerId !== down.pointerId) return;
    if (!moved && Math.hypot(e.clientX - x0, e.clientY - y0) < 3) return;
    moved = true;
    onMove(at(e));
  };
  const up = (e: PointerEvent) => {
    if (e.pointerId !== down.pointerId) return;
    window.removeEventListener('pointermove', move);
    window.removeEventListener('pointerup', up);
    window.removeEventListener('pointercancel', up);
    onEnd(at(e), moved);
  };
  window.addEventListener('pointermove', move);
  window.addEventListener('pointerup', up);
  window.addEventListener('pointercancel', up);
}

export interface DropTarget {
  /** Over the canvas at all. */
  canvas: boolean;
  node?: string;
  /** A network segment (of `node`). */
  network?: string;
}

/** What is under a screen point: the innermost network segment or node, and whether it is on the canvas. */
export function dropTargetAt(x: number, y: number): DropTarget {
  const target: DropTarget = { canvas: false };
  for (const el of document.elementsFromPoint(x, y)) {
    if (!(el instanceof Element)) continue;
    const net = el.closest<SVGElement>('[data-drop-network]');
    if (net && target.network === undefined && target.node === undefined) {
      target.network = net.dataset['dropNetwork'];
      target.node = net.dataset['dropNode'];
    }
    const node = el.closest<SVGElement>('[data-drop-node]');
    if (node && target.node === undefined) target.node = node.dataset['dropNode'];
    if (el.closest('[data-testid="canvas"]')) target.canvas = true;
  }
  return target;
}
