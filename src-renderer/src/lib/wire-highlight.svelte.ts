// Which interfaces the canvas lights up: anything that wants to point at a spot on the wire (a packet's journey, a
// capture's interfaces) calls show(); the canvas overlay (WireOverlay.svelte) reads spots and draws them in order.
// One store for the whole window because the canvas and the capture panes live in different component trees.

import { untrack } from 'svelte';
import type { Journey, JourneyChange } from '../../../src-main/common/api/index.ts';

export interface WireSpot {
  /**
   * The namespace and the device, as in JourneyHop: a node's name, a sandbox "NODE/…", or "NODE/CONTAINER" by name.
   * The optional node and container (JourneyHop's placement) win over what the namespace's name says.
   */
  netns: string;
  interface: string;
  label?: string;
  node?: string | null;
  container?: string | null;
}

/** A journey's hop as the overlay steps through it: where, and what it rewrote. */
export interface WireStep extends WireSpot {
  direction: 'in' | 'out' | null;
  summary: string;
  changes: readonly JourneyChange[];
}

function copy(s: WireSpot): WireSpot {
  const out: WireSpot = { netns: s.netns, interface: s.interface };
  if (s.label !== undefined) out.label = s.label;
  if (s.node != null) out.node = s.node;
  if (s.container != null) out.container = s.container;
  return out;
}

export class WireHighlight {
  spots = $state.raw<readonly WireSpot[]>([]);
  /** Set by showJourney(): the same spots with each hop's rewrite, for the step control; null after show(). */
  steps = $state.raw<readonly WireStep[] | null>(null);
  /** The journey shown (its packet id), or null. */
  packetId = $state<number | null>(null);
  /** Bumped on every show(), so an overlay restarts its animation even when the same spots are shown again. */
  generation = $state(0);

  // Callers may show from an effect: bumping the counter must not make that effect depend on it.
  #bump(): void {
    this.generation = untrack(() => this.generation) + 1;
  }

  show(spots: readonly WireSpot[]): void {
    this.spots = spots.map(copy);
    this.steps = null;
    this.packetId = null;
    this.#bump();
  }

  /** Lights a packet's journey, hop by hop (the overlay animates along it). */
  showJourney(journey: Journey): void {
    const steps = journey.hops.map(
      (h, i): WireStep => ({
        ...copy({ netns: h.netns, interface: h.interface, node: h.node, container: h.container }),
        label: `${i + 1}`,
        direction: h.direction,
        summary: `${h.protocol} ${h.source} → ${h.destination}`,
        changes: h.changes,
      }),
    );
    this.spots = steps;
    this.steps = steps;
    this.packetId = journey.packetId;
    this.#bump();
  }

  clear(): void {
    if (untrack(() => this.spots.length === 0 && this.steps === null)) return;
    this.spots = [];
    this.steps = null;
    this.packetId = null;
    this.#bump();
  }

  /** Whether a device is one of the shown spots (for components that only tint themselves). */
  has(netns: string, iface: string): boolean {
    return this.spots.some((s) => s.netns === netns && s.interface === iface);
  }
}

export const wireHighlight = new WireHighlight();
