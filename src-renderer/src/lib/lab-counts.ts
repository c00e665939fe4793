// What the lab's header and the sidebar count. The running lab is the truth for the open lab: the saved document
// (what the library's summary counts) only follows it at the next autosave, and not at all for a state the canvas
// was handed directly.
import type { LabRuntimeState, LabSummary } from '../../../src-main/common/api/index.ts';

export interface LabCounts {
  nodes: number;
  containers: number;
  /** Every network a container can join: each node's local ones, a swarm-scoped one (an overlay) once. */
  networks: number;
  /** The same by driver, most first ("bridge" → 100, "overlay" → 2). */
  byDriver: [string, number][];
}

export function labCounts(state: LabRuntimeState | null): LabCounts {
  const nodes = state?.nodes ?? [];
  const seen = new Set<string>();
  const drivers = new Map<string, number>();
  for (const n of nodes) {
    for (const w of n.networks) {
      // host and none are a container's modes, not networks one draws or counts.
      if (w.driver === 'host' || w.driver === 'null') continue;
      const key = w.scope === 'local' ? `${n.name}/${w.id}` : w.id;
      if (seen.has(key)) continue;
      seen.add(key);
      drivers.set(w.driver, (drivers.get(w.driver) ?? 0) + 1);
    }
  }
  return {
    nodes: nodes.length,
    containers: nodes.reduce((k, x) => k + x.containers.length, 0),
    networks: seen.size,
    byDriver: [...drivers].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  };
}

/** "100 bridge · 2 overlay". */
export function driverBreakdown(c: LabCounts): string {
  return c.byDriver.map(([d, k]) => `${k} ${d}`).join(' · ');
}

/** The node count a sidebar entry shows: the running lab's when it is this one and has a state, else the saved one. */
export function nodeCountOf(summary: LabSummary, live: { labId: string; state: LabRuntimeState | null } | null): number {
  return live && live.labId === summary.id && live.state ? live.state.nodes.length : summary.nodeCount;
}
