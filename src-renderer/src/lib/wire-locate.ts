// Where an interface is on the canvas: a spot (namespace and device, as a journey hop names them) turned into a point
// of the topology's layout. A container's own interface is where its endpoint line meets the container, the host
// end of its veth where that line meets the bridge; a bridge (docker0, br-…, an overlay's br0) is on its network's
// bar under the node's uplink; a node's eth0 and the underlay LAN's port for it are the two ends of its uplink.

import type { NodeBox, Topology } from './topology.ts';
import type { WireSpot } from './wire-highlight.svelte.ts';

export interface WirePoint {
  x: number;
  y: number;
}

type Offsets = Readonly<Record<string, { dx: number; dy: number } | undefined>>;

function nodeOf(layout: Topology, netns: string, hint: string | null | undefined): NodeBox | undefined {
  if (hint) return layout.nodes.find((b) => b.node.name === hint);
  const slash = netns.indexOf('/');
  const name = slash > 0 ? netns.slice(0, slash) : netns;
  return layout.nodes.find((b) => b.node.name === name);
}

/** The bar of the network a node-side device belongs to: its Linux bridge, or the sandbox's overlay or ingress. */
function barOf(box: NodeBox, netns: string, dev: string) {
  const byBridge = box.bars.find((b) => b.network.bridge === dev);
  if (byBridge) return byBridge;
  const sandbox = netns.slice(netns.indexOf('/') + 1);
  if (sandbox.startsWith('1-')) return box.bars.find((b) => b.network.id.startsWith(sandbox.slice(2)));
  if (sandbox.startsWith('ingress_sbox')) return box.bars.find((b) => b.network.ingress);
  // An overlay's load-balancer sandbox (engines 18.06+): lb_ and 9 characters of the network's ID.
  if (sandbox.startsWith('lb_')) return box.bars.find((b) => b.network.id.startsWith(sandbox.slice(3, 12)));
  return undefined;
}

/** The point of a spot without the node's drag offset. */
function place(layout: Topology, spot: WireSpot): { point: WirePoint; node?: string; xOnly?: boolean } | null {
  if (spot.netns === 'workstation') {
    const ws = layout.workstation;
    const link = ws.links.find((l) => l.label.startsWith(`${spot.interface} `)) ?? ws.links[0];
    return { point: link ? { x: link.x, y: link.y1 } : { x: ws.x + 106, y: ws.y + 56 } };
  }
  const lan = layout.lans.find((l) => l.name === spot.netns);
  if (lan) {
    // The LAN's port towards a node ("p-node1") is the top of that node's uplink.
    const peer = spot.interface.startsWith('p-') ? layout.nodes.find((b) => b.node.name === spot.interface.slice(2)) : undefined;
    // A node dragged down keeps its uplink's top on the LAN.
    if (peer) return { point: { x: peer.uplink.x, y: peer.uplink.y1 }, node: peer.key, xOnly: true };
    const link = layout.workstation.links.find((l) => `p-${l.label.split(' ')[0] ?? ''}` === spot.interface);
    if (link) return { point: { x: link.x, y: link.y2 } };
    return { point: { x: (lan.x1 + lan.x2) / 2, y: lan.y } };
  }
  const box = nodeOf(layout, spot.netns, spot.node);
  if (!box) return null;
  const slash = spot.netns.indexOf('/');
  const containerName = spot.container ?? (spot.node || slash < 0 ? undefined : spot.netns.slice(slash + 1));
  const cb = containerName === undefined ? undefined : box.containers.find((c) => c.container.name === containerName);
  if (cb) {
    const ownSide = spot.container == null || spot.netns !== box.node.name;
    // The host end of a veth has no name that says which network: take the container's first bridged endpoint.
    const ep = cb.container.networks.find((e) => e.iface === spot.interface) ?? (ownSide ? undefined : cb.container.networks[0]);
    const line = ep ? box.endpoints.find((l) => l.key === `${cb.container.id}:${ep.networkId}`) : undefined;
    if (line) return { point: ownSide ? { x: line.dropX, y: line.y2 } : { x: line.x, y: line.y1 }, node: box.key };
    return { point: { x: cb.x + 78, y: cb.y }, node: box.key };
  }
  if (spot.netns === box.node.name && spot.interface === 'eth0') return { point: { x: box.uplink.x, y: box.y }, node: box.key };
  const bar = barOf(box, spot.netns, spot.interface);
  if (bar) {
    // Under the uplink, so the route runs bridge → eth0 straight up; an overlay's br0 and vxlan0 either side of it,
    // its load-balancer sandbox beyond br0 (a VIP's packets turn there and come back through br0).
    const sandbox = spot.netns !== box.node.name;
    const lb = spot.netns.startsWith(`${box.node.name}/lb_`);
    const x = box.uplink.x + (spot.interface.startsWith('vxlan') ? 24 : lb ? -48 : sandbox ? -24 : 0);
    return { point: { x, y: bar.y }, node: box.key };
  }
  return { point: { x: box.x + box.w / 2, y: box.y + 28 }, node: box.key };
}

/** Where a spot is drawn (the node's drag offset applied), or null when the layout has nowhere for it. */
export function locateSpot(layout: Topology, spot: WireSpot, offsets: Offsets = {}): WirePoint | null {
  const p = place(layout, spot);
  if (!p) return null;
  const o = p.node === undefined ? undefined : offsets[p.node];
  return o ? { x: p.point.x + o.dx, y: p.point.y + (p.xOnly ? 0 : o.dy) } : p.point;
}

/** A spot's label chip, in canvas coordinates. */
export interface LabelChip {
  x: number;
  y: number;
  w: number;
}

export const CHIP_H = 17;
/** Advance of one character of the 11px monospace label font, to size a chip without measuring text. */
const CHAR_W = 6.7;

/**
 * Chips for spot labels: left of the spot for the first, then sides alternate (the interface's own address label is
 * drawn right of its port); a chip that would cover one placed before it moves up a row until it is clear, so hops
 * that sit close together (a veth and its bridge) stay readable.
 */
export function placeLabels(spots: readonly ({ x: number; y: number; label: string } | null)[]): (LabelChip | null)[] {
  const placed: LabelChip[] = [];
  return spots.map((s, i) => {
    if (!s || s.label === '') return null;
    const w = s.label.length * CHAR_W + 10;
    const x = i % 2 === 0 ? s.x - 12 - w : s.x + 12;
    let y = s.y - 24;
    for (let tries = 0; tries < 8 && placed.some((c) => x < c.x + c.w && c.x < x + w && y < c.y + CHIP_H && c.y < y + CHIP_H); tries++) {
      y -= CHIP_H + 2;
    }
    const chip = { x, y, w };
    placed.push(chip);
    return chip;
  });
}
