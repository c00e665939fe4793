// Find on the canvas (Ctrl+F): nodes, containers and networks whose name, IP or MAC address matches what was typed.
// Matches come in drawing order, whole-word matches of a field first, so Enter walks through them predictably.
import type { LabRuntimeState } from '../../../src-main/common/api/index.ts';
import type { NodeBox, Topology } from './topology.ts';

export interface FindHit {
  kind: 'node' | 'container' | 'network';
  node: string;
  /** The node's, container's or network's name. */
  name: string;
  /** What matched, for the list: "web · 10.0.9.3". */
  text: string;
  /** The field matched it whole (an exact address or name). */
  exact: boolean;
}

const bare = (ip: string | null): string => (ip ?? '').replace(/\/\d+$/, '');

/** Matches of `query` (case-insensitive, substring) in the lab, best first. An overlay is one hit (on its first node). */
export function findMatches(state: LabRuntimeState, query: string): FindHit[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const hits: FindHit[] = [];
  const test = (fields: string[]): { field: string; exact: boolean } | null => {
    let best: { field: string; exact: boolean } | null = null;
    for (const f of fields) {
      const l = f.toLowerCase();
      if (l === q) return { field: f, exact: true };
      if (best === null && l.includes(q)) best = { field: f, exact: false };
    }
    return best;
  };
  const overlays = new Set<string>();
  for (const n of state.nodes) {
    const m = test([n.name, n.address]);
    if (m) hits.push({ kind: 'node', node: n.name, name: n.name, text: m.field === n.name ? n.name : `${n.name} · ${m.field}`, exact: m.exact });
    for (const w of n.networks) {
      if (w.driver === 'host' || w.driver === 'null') continue;
      if (w.driver === 'overlay') {
        if (overlays.has(w.id)) continue;
        overlays.add(w.id);
      }
      const mw = test([w.name, w.subnet ?? '', w.gateway ?? ''].filter(Boolean));
      if (mw) hits.push({ kind: 'network', node: n.name, name: w.name, text: mw.field === w.name ? `${w.name} on ${n.name}` : `${w.name} · ${mw.field}`, exact: mw.exact });
    }
    for (const c of n.containers) {
      const mc = test([c.name, ...c.networks.flatMap((e) => [bare(e.ip), e.mac ?? '']).filter(Boolean)]);
      if (mc) hits.push({ kind: 'container', node: n.name, name: c.name, text: mc.field === c.name ? `${c.name} on ${n.name}` : `${c.name} · ${mc.field}`, exact: mc.exact });
    }
  }
  // Stable: exact first, each group in drawing order.
  return [...hits.filter((h) => h.exact), ...hits.filter((h) => !h.exact)];
}

/** Where a hit is drawn (canvas units, with the node's offset), to zoom to it. */
export function hitBounds(t: Topology, hit: FindHit, offset: (key: string) => { dx: number; dy: number }): { x: number; y: number; w: number; h: number } | null {
  const b: NodeBox | undefined = t.nodes.find((x) => x.node.name === hit.node);
  if (!b) return null;
  const o = offset(b.key);
  if (hit.kind === 'container') {
    const c = b.containers.find((x) => x.container.name === hit.name);
    if (c) return { x: c.x + o.dx - 40, y: c.y + o.dy - 40, w: 156 + 80, h: 58 + 80 };
  }
  if (hit.kind === 'network') {
    const bar = b.bars.find((x) => x.network.name === hit.name);
    if (bar) return { x: bar.x1 + o.dx, y: bar.y + o.dy - 60, w: bar.x2 - bar.x1, h: 120 };
  }
  return { x: b.x + o.dx, y: b.y + o.dy, w: b.w, h: b.h };
}
