// Traffic on the canvas's links: frames per second (of virtual time) through each container endpoint and each node's
// eth0, from the frame counters of two successive lab states. The lab only counts (devices do anyway); the rate is
// worked out here, once per state the window receives.
import type { LabRuntimeState } from '../../../src-main/common/api/index.ts';

/** No traffic known yet. */
export const NO_RATES: ReadonlyMap<string, number> = new Map();

export const endpointLink = (containerId: string, networkId: string): string => `ep:${containerId}:${networkId}`;
export const nodeLink = (node: string): string => `node:${node}`;

function counters(s: LabRuntimeState): Map<string, number> {
  const out = new Map<string, number>();
  for (const n of s.nodes) {
    out.set(nodeLink(n.name), n.frames);
    for (const c of n.containers) for (const e of c.networks) out.set(endpointLink(c.id, e.networkId), e.frames);
  }
  return out;
}

/**
 * Frames per second on each link that carried any between `prev` and `next`; links that carried none are absent.
 * With no time between them the previous rates stand while the clock runs (nothing new to say), and go to none once
 * it is paused: a paused lab carries nothing, so no link may stay lit with its last rate.
 */
export function linkRates(prev: LabRuntimeState | null, next: LabRuntimeState, before: ReadonlyMap<string, number> = new Map()): ReadonlyMap<string, number> {
  if (!prev) return new Map();
  const dt = (next.clock.time - prev.clock.time) / 1e9;
  if (dt <= 0) return next.clock.running ? before : NO_RATES;
  const a = counters(prev);
  const out = new Map<string, number>();
  for (const [k, v] of counters(next)) {
    const d = v - (a.get(k) ?? v);
    // A counter that went back (a container restarted with new interfaces) says nothing about this interval.
    if (d > 0) out.set(k, d / dt);
  }
  return out;
}

/** "12 fps", "0.5 fps". */
export function formatRate(fps: number): string {
  return `${fps >= 10 ? Math.round(fps) : Math.round(fps * 10) / 10} fps`;
}
