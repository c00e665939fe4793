// The force layout: nodes pushed apart by their size and pulled together along what joins them (an overlay or a
// swarm they share), by d3-force. Deterministic: the start is the tidy layout jittered by a seeded generator (no
// Math.random), and the simulation runs a fixed number of ticks with d3's own random source replaced, so the same
// lab gives the same picture every time and on every machine.
import { forceCenter, forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3';

export const FORCE_TICKS = 300;

export interface ForceItem {
  key: string;
  /** The tidy layout's top-left corner and size, canvas units. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ForceLink {
  a: string;
  b: string;
}

/** A small seeded generator (mulberry32): the same seed, the same numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Body extends SimulationNodeDatum {
  key: string;
  r: number;
}

/** Where each item's top-left corner goes, as offsets from where it was (key → dx, dy; rounded to whole units). */
export function forceLayout(items: readonly ForceItem[], links: readonly ForceLink[], seed = 1): Record<string, { dx: number; dy: number }> {
  const rand = seeded(seed);
  const bodies: Body[] = items.map((it) => ({
    key: it.key,
    r: Math.hypot(it.w, it.h) / 2 + 24,
    // Centres, nudged a little so nodes in one row do not start exactly aligned (forces along a line stay on it).
    x: it.x + it.w / 2 + (rand() - 0.5) * 40,
    y: it.y + it.h / 2 + (rand() - 0.5) * 40,
  }));
  const index = new Map(bodies.map((b) => [b.key, b]));
  const edges = links.filter((l) => index.has(l.a) && index.has(l.b) && l.a !== l.b).map((l) => ({ source: l.a, target: l.b }));
  const sim = forceSimulation<Body>(bodies)
    .randomSource(rand)
    .force('charge', forceManyBody<Body>().strength(-600))
    .force('collide', forceCollide<Body>((b) => b.r).iterations(3))
    .force('link', forceLink<Body, { source: string; target: string }>(edges).id((b) => b.key).distance((e) => ((e.source as unknown as Body).r + (e.target as unknown as Body).r) * 0.9).strength(0.4))
    .force('x', forceX<Body>(0).strength(0.04))
    .force('y', forceY<Body>(0).strength(0.06))
    .force('center', forceCenter(0, 0))
    .stop();
  sim.tick(FORCE_TICKS);
  const out: Record<string, { dx: number; dy: number }> = {};
  items.forEach((it, i) => {
    const b = bodies[i] as Body;
    out[it.key] = { dx: Math.round((b.x ?? 0) - it.w / 2 - it.x), dy: Math.round((b.y ?? 0) - it.h / 2 - it.y) };
  });
  return out;
}

/** What pulls nodes together: an overlay network they share (by its id), and a swarm (each node to the first
 * manager). `nodes` in the lab's order. */
export function forceLinksOf(nodes: readonly { name: string; swarmRole: 'manager' | 'worker' | null; networks: readonly { id: string; driver: string }[] }[]): ForceLink[] {
  const links: ForceLink[] = [];
  const seen = new Set<string>();
  const add = (a: string, b: string) => {
    const k = a < b ? `${a}\n${b}` : `${b}\n${a}`;
    if (a === b || seen.has(k)) return;
    seen.add(k);
    links.push({ a, b });
  };
  const manager = nodes.find((n) => n.swarmRole === 'manager');
  if (manager) for (const n of nodes) if (n.swarmRole) add(manager.name, n.name);
  const byNetwork = new Map<string, string[]>();
  for (const n of nodes)
    for (const w of n.networks)
      if (w.driver === 'overlay') byNetwork.set(w.id, [...(byNetwork.get(w.id) ?? []), n.name]);
  for (const members of byNetwork.values()) for (let i = 1; i < members.length; i++) add(members[i - 1] as string, members[i] as string);
  return links;
}
