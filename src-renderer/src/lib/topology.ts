// The live topology's layout: where the workstation, the underlay LANs, each node and, inside it, its bridge networks,
// containers, endpoint lines and published ports go. A plain function of the running lab's state (d3 only for
// sums and extents); Svelte draws the result. Coordinates are canvas units, centred on the origin.

import { max, sum } from 'd3';
import type { LabRuntimeState, RuntimeContainer, RuntimeNetwork, RuntimeNode, RuntimeService } from '../../../src-main/common/api/index.ts';

export const CONTAINER_W = 156;
export const CONTAINER_H = 58;
const CONTAINER_GAP = 20;
const NODE_PAD = 18;
const NODE_MIN_W = 300;
const NODE_GAP = 64;
const HEADER_H = 56;
/** Vertical room per network bar (its line and the labels under it). */
const BAR_STEP = 36;
/** From the last bar to the containers' tops: the endpoint labels sit there, one row per network a container is on. */
const BAR_TO_CONTAINERS = 30;
const LABEL_ROW = 15;
const PORT_H = 20;
export const WORKSTATION_W = 212;
export const WORKSTATION_H = 56;
const LAN_GAP = 26;
const LAN_TO_NODES = 60;
const WORKSTATION_TO_LAN = 40;

export type Tone = 'ok' | 'warn' | 'bad' | 'idle';

export interface NetBar {
  key: string;
  network: RuntimeNetwork;
  x1: number;
  x2: number;
  y: number;
  /** An overlay's lane (its bar sits at the same height in every node it reaches), or null for a local network. */
  lane: number | null;
}

/** A swarm service's tasks share a colour (index into the palette) and a label. */
export interface TaskMark {
  service: string;
  colour: number;
  /** "web.2" (replicated) or "web" (global). */
  label: string;
}

/** An overlay as one segment across the nodes it reaches: their bars, joined. */
export interface OverlaySpan {
  key: string;
  network: RuntimeNetwork;
  lane: number;
  /** Keys of the nodes it reaches, in layout order. */
  nodes: string[];
}

export interface ContainerBox {
  key: string;
  container: RuntimeContainer;
  x: number;
  y: number;
  tone: Tone;
  /** The service whose task it runs, or null. */
  task: TaskMark | null;
}

export interface EndpointLine {
  key: string;
  /** Where the line leaves its bar: above the container in the first row, in the channel left of its column below. */
  x: number;
  y1: number;
  y2: number;
  /** Where it meets the container's top; it runs down at x to bendY, across to dropX, and down to y2. */
  dropX: number;
  bendY: number;
  label: string;
  /** The label sits right of all the container's lines, a short tick joining it to its own. */
  labelX: number;
  labelY: number;
}

export interface PortTag {
  key: string;
  x: number;
  y: number;
  text: string;
  /** The pill's width (monospace text). */
  w: number;
  /** The container's centre: a short leader goes there. */
  cx: number;
}

export interface NodeBox {
  key: string;
  node: RuntimeNode;
  x: number;
  y: number;
  w: number;
  h: number;
  bars: NetBar[];
  containers: ContainerBox[];
  endpoints: EndpointLine[];
  ports: PortTag[];
  /** The node's link up to its LAN. */
  uplink: { x: number; y1: number; y2: number; label: string };
}

export interface LanBar {
  key: string;
  name: string;
  cidr: string;
  x1: number;
  x2: number;
  /** The top row's segment (x1, x2, y above); every row has one, a trunk down the left joins them. */
  y: number;
  segments: { x1: number; x2: number; y: number }[];
  trunk: { x: number; y1: number; y2: number };
}

export interface Topology {
  workstation: { x: number; y: number; links: { x: number; y1: number; y2: number; label: string }[]; name: string };
  lans: LanBar[];
  nodes: NodeBox[];
  /** Overlays spanning the nodes they reach, user overlays first, the ingress network last. */
  overlays: OverlaySpan[];
  /** Swarm services with their colour (by service ID). */
  services: Map<string, { service: RuntimeService; colour: number }>;
  /** How many rows the nodes wrap into. */
  rows: number;
  bounds: { x: number; y: number; w: number; h: number };
}

export function containerTone(c: RuntimeContainer): Tone {
  if (c.state === 'running') return 'ok';
  if (c.state === 'restarting' || c.state === 'created' || c.state === 'paused') return 'warn';
  if (c.state === 'exited' && c.exitCode === 0) return 'idle';
  return 'bad';
}

/** Networks drawn as segments inside their node: those with a Linux bridge (the default bridge and user bridges). */
function segments(node: RuntimeNode): RuntimeNetwork[] {
  return node.networks.filter((n) => n.driver !== 'overlay' && (n.bridge !== null || (n.driver !== 'host' && n.driver !== 'null')));
}

/** The lab's overlays by network ID in lane order: user overlays as they first appear, the ingress network last. */
export function overlayLanes(state: LabRuntimeState): Map<string, number> {
  const seen = new Map<string, RuntimeNetwork>();
  for (const n of state.nodes) for (const w of n.networks) if (w.driver === 'overlay' && !seen.has(w.id)) seen.set(w.id, w);
  const order = [...seen.values()].sort((a, b) => Number(a.ingress) - Number(b.ingress));
  return new Map(order.map((w, i) => [w.id, i]));
}

/** Each task container's service mark, by container ID; services get colours in order. */
export function taskMarks(services: readonly RuntimeService[]): Map<string, TaskMark> {
  const out = new Map<string, TaskMark>();
  services.forEach((s, i) => {
    for (const t of s.tasks) {
      if (t.containerId !== '') out.set(t.containerId, { service: s.id, colour: i % 6, label: s.mode === 'global' ? s.name : `${s.name}.${t.slot}` });
    }
  });
  return out;
}

/** At most this many containers side by side in a node; more wrap into rows, so a busy node is a compact block. */
export const MAX_PER_ROW = 6;
/** Between the lines that run down a channel (left of a column) to the containers of the rows below the first. */
const CHANNEL_STEP = 6;
/** From a row's cards to the next row's endpoint labels: room for the row's port pills when it has any. */
const ROW_GAP = 18;
const ROW_GAP_PORTS = 46;
/** A port pill's centre below its card. */
const PORT_DY = 28;

/** How many containers go side by side: all up to MAX_PER_ROW, else spread evenly over the fewest rows. */
export function perRow(n: number): number {
  return n <= MAX_PER_ROW ? Math.max(1, n) : Math.ceil(n / Math.ceil(n / MAX_PER_ROW));
}

function layoutNode(node: RuntimeNode, x: number, y: number, lanes: Map<string, number> = new Map(), marks: Map<string, TaskMark> = new Map()): NodeBox {
  const nets = segments(node);
  const n = node.containers.length;
  // Overlay lanes first, at the same height in every node (one lane per overlay of the lab), then the local ones.
  const overlays = node.networks.filter((nw) => nw.driver === 'overlay' && lanes.has(nw.id));
  const laneCount = lanes.size;
  const barY = (i: number) => y + HEADER_H + 14 + i * BAR_STEP;
  const barNets = [...overlays, ...nets];
  const attachedOf = (c: RuntimeContainer) => c.networks.filter((e) => barNets.some((b) => b.id === e.networkId));
  const cols = perRow(n);
  const rowCount = Math.max(1, Math.ceil(n / cols));
  // Containers below the first row are reached by lines running down a channel left of their column, nearest the
  // column the lines that end first, so no line crosses another's turn.
  const channel: number[] = Array.from({ length: cols }, () => 0);
  node.containers.forEach((c, i) => {
    if (i >= cols) channel[i % cols] = (channel[i % cols] as number) + attachedOf(c).length;
  });
  const lines = Math.max(0, ...channel);
  const gap = lines > 0 ? Math.max(CONTAINER_GAP, lines * CHANNEL_STEP + 14) : CONTAINER_GAP;
  const rowW = cols * CONTAINER_W + Math.max(0, cols - 1) * gap + (rowCount > 1 ? gap : 0);
  const w = Math.max(NODE_MIN_W, rowW + 2 * NODE_PAD);
  const bars: NetBar[] = [
    ...overlays.map((network) => {
      const lane = lanes.get(network.id) as number;
      return { key: network.id, network, x1: x + NODE_PAD, x2: x + w - NODE_PAD, y: barY(lane), lane };
    }),
    ...nets.map((network, i) => ({ key: network.id, network, x1: x + NODE_PAD, x2: x + w - NODE_PAD, y: barY(laneCount + i), lane: null })),
  ];
  const lastBar = laneCount + nets.length > 0 ? barY(laneCount + nets.length - 1) : y + HEADER_H - 10;
  const rowOf = (i: number) => Math.floor(i / cols);
  const labelRows = Array.from({ length: rowCount }, (_, r) => Math.max(1, ...node.containers.filter((_c, i) => rowOf(i) === r).map((c) => attachedOf(c).length)));
  const hasPorts = Array.from({ length: rowCount }, (_, r) => node.containers.some((c, i) => rowOf(i) === r && c.ports.length > 0));
  const rowY: number[] = [];
  for (let r = 0; r < rowCount; r++) {
    rowY[r] =
      r === 0
        ? lastBar + BAR_TO_CONTAINERS + (labelRows[0] as number) * LABEL_ROW
        : (rowY[r - 1] as number) + CONTAINER_H + (hasPorts[r - 1] ? ROW_GAP_PORTS : ROW_GAP) + (labelRows[r] as number) * LABEL_ROW;
  }
  const x0 = x + (w - rowW) / 2 + (rowCount > 1 ? gap : 0);
  const containers: ContainerBox[] = [];
  const endpoints: EndpointLine[] = [];
  const ports: PortTag[] = [];
  const last = rowY[rowCount - 1] as number;
  const h = last - y + (n > 0 ? CONTAINER_H : 0) + NODE_PAD + (hasPorts[rowCount - 1] ? 10 : 0);
  // Each channel fills from the column's side outwards.
  const used: number[] = Array.from({ length: cols }, () => 0);
  node.containers.forEach((c, i) => {
    const col = i % cols;
    const row = rowOf(i);
    const cx = x0 + col * (CONTAINER_W + gap);
    const cy = rowY[row] as number;
    containers.push({ key: c.id, container: c, x: cx, y: cy, tone: containerTone(c), task: marks.get(c.id) ?? null });
    const attached = attachedOf(c);
    // Below the first row the first network's turn is the lowest (its label nearest the card), so turns never cross.
    const order = row === 0 ? attached : [...attached].reverse();
    order.forEach((e) => {
      const j = attached.indexOf(e);
      const bar = bars.find((b) => b.network.id === e.networkId) as NetBar;
      const dropX = cx + 22 + j * 16;
      const ip = e.ip === null ? '' : e.ip.replace(/\/\d+$/, '');
      const k = order.indexOf(e);
      // Labels stack just above the container, the one whose line turns first highest.
      const labelY = cy - 8 - (attached.length - 1 - k) * LABEL_ROW;
      const labelX = cx + 22 + (attached.length - 1) * 16 + 7;
      let lx = dropX;
      if (row > 0) {
        lx = cx - 8 - (used[col] as number) * CHANNEL_STEP;
        used[col] = (used[col] as number) + 1;
      }
      endpoints.push({ key: `${c.id}:${e.networkId}`, x: lx, y1: bar.y, y2: cy, dropX, bendY: row > 0 ? labelY - 4 : cy, label: `${e.iface ?? ''} ${ip}`.trim(), labelX, labelY });
    });
    c.ports.forEach((p, k) => {
      const text = `${p.hostIp === '0.0.0.0' ? '' : `${p.hostIp}:`}${p.hostPort}→${p.containerPort}/${p.proto}`;
      const w = Math.round(text.length * 6.4 + 18);
      ports.push({ key: `${c.id}:${p.hostPort}/${p.proto}`, x: cx + CONTAINER_W / 2 + (k - (c.ports.length - 1) / 2) * (w + 6), y: cy + CONTAINER_H + PORT_DY, text, w, cx: cx + CONTAINER_W / 2 });
    });
  });
  return { key: node.name, node, x, y, w, h, bars, containers, endpoints, ports, uplink: { x: x + w / 2, y1: y, y2: y, label: `eth0 ${node.address}` } };
}

/** Room between a row of nodes and the LAN segment of the next row: port pills, then the uplinks' labels. */
const NODE_ROW_GAP = PORT_H + 34;

/**
 * Nodes wrapped into a grid whose shape suits a viewport of the given aspect ratio (width / height), the workstation
 * on top, each row under its own segment of the underlay LAN(s), a trunk down the left joining the segments.
 */
export function layoutTopology(state: LabRuntimeState, aspect = 16 / 10): Topology {
  const lanes = overlayLanes(state);
  const marks = taskMarks(state.services);
  const sized = state.nodes.map((n) => layoutNode(n, 0, 0, lanes, marks));
  const lanRoom = LAN_TO_NODES + Math.max(0, state.lans.length - 1) * LAN_GAP;
  // Columns: the count whose grid (column widths the widest of each column) shows largest in a view of that aspect
  // ratio, i.e. the one whose longer side, measured against the view's, is shortest.
  const gridOf = (cols: number) => {
    const colW: number[] = [];
    const rowH: number[] = [];
    sized.forEach((b, i) => {
      const c = i % cols;
      const r = Math.floor(i / cols);
      colW[c] = Math.max(colW[c] ?? 0, b.w);
      rowH[r] = Math.max(rowH[r] ?? 0, b.h);
    });
    const w = sum(colW) + Math.max(0, cols - 1) * NODE_GAP;
    const h = sum(rowH, (v) => v + lanRoom + NODE_ROW_GAP);
    return { cols, colW, rowH, w, h };
  };
  let grid = gridOf(Math.max(1, sized.length));
  for (let cols = sized.length - 1; cols >= 1; cols--) {
    const g = gridOf(cols);
    if (Math.max(g.w / aspect, g.h) < Math.max(grid.w / aspect, grid.h)) grid = g;
  }
  const colX: number[] = [];
  grid.colW.reduce((x, w, c) => ((colX[c] = x), x + w + NODE_GAP), -grid.w / 2);
  const rowY: number[] = [];
  grid.rowH.reduce((y, h, r) => ((rowY[r] = y), y + h + lanRoom + NODE_ROW_GAP), 0);
  const nodes = state.nodes.map((n, i) => {
    const c = i % grid.cols;
    // Centred in its cell when narrower than its column.
    const w = (sized[i] as NodeBox).w;
    return layoutNode(n, (colX[c] as number) + ((grid.colW[c] as number) - w) / 2, rowY[Math.floor(i / grid.cols)] as number, lanes, marks);
  });
  const left = Math.min(-WORKSTATION_W / 2 - 40, ...nodes.map((b) => b.x));
  const right = Math.max(WORKSTATION_W / 2 + 40, ...nodes.map((b) => b.x + b.w));
  const rows = Math.max(1, grid.rowH.length);
  const lans: LanBar[] = state.lans.map((l, i) => {
    const segments = Array.from({ length: rows }, (_, r) => ({ x1: left - 24, x2: right + 24, y: (rowY[r] ?? 0) - LAN_TO_NODES - i * LAN_GAP }));
    const top = segments[0] as { x1: number; x2: number; y: number };
    const trunkX = left - 24 - i * 10;
    return { key: l.name, name: l.name, cidr: l.cidr, x1: top.x1, x2: top.x2, y: top.y, segments, trunk: { x: trunkX, y1: top.y, y2: (segments[rows - 1] as { y: number }).y } };
  });
  const laneOf = new Map(lans.map((l, i) => [l.name, i]));
  nodes.forEach((b, i) => {
    const li = laneOf.get(b.node.lan);
    if (li !== undefined) b.uplink.y1 = (lans[li] as LanBar).segments[Math.floor(i / grid.cols)]?.y ?? b.uplink.y1;
  });
  const topLan = lans.length ? Math.min(...lans.map((l) => l.y)) : -LAN_TO_NODES;
  const wy = topLan - WORKSTATION_TO_LAN - WORKSTATION_H;
  const links = state.workstation.interfaces.map((itf, i) => {
    const lan = lans.find((l) => l.name === itf.lan);
    return { x: (i - (state.workstation.interfaces.length - 1) / 2) * 28, y1: wy + WORKSTATION_H, y2: lan?.y ?? topLan, label: `${itf.iface} ${itf.ip}` };
  });
  const bottom = max(nodes, (b) => b.y + b.h + PORT_H) ?? 0;
  const x0 = Math.min(left - 24, ...lans.map((l) => l.trunk.x - 4));
  // Room on the right for the overlays' risers.
  const bounds = { x: x0, y: wy, w: right + 24 + (lanes.size > 0 ? 8 + lanes.size * 10 : 0) - x0, h: bottom - wy };
  // Centre the drawing vertically on the origin too, so the first view shows it whole.
  const dy = -(bounds.y + bounds.h / 2);
  const shift = (v: number) => v + dy;
  for (const b of nodes) {
    b.y = shift(b.y);
    b.uplink = { ...b.uplink, y1: shift(b.uplink.y1), y2: shift(b.uplink.y2) };
    for (const bar of b.bars) bar.y = shift(bar.y);
    for (const c of b.containers) c.y = shift(c.y);
    for (const e of b.endpoints) Object.assign(e, { y1: shift(e.y1), y2: shift(e.y2), bendY: shift(e.bendY), labelY: shift(e.labelY) });
    for (const p of b.ports) p.y = shift(p.y);
  }
  for (const l of lans) {
    l.y = shift(l.y);
    for (const s of l.segments) s.y = shift(s.y);
    l.trunk = { ...l.trunk, y1: shift(l.trunk.y1), y2: shift(l.trunk.y2) };
  }
  const overlays: OverlaySpan[] = [];
  for (const [id, lane] of lanes) {
    const reach = nodes.filter((b) => b.bars.some((bar) => bar.key === id));
    const network = (reach[0] as NodeBox).bars.find((bar) => bar.key === id)!.network;
    overlays[lane] = { key: id, network, lane, nodes: reach.map((b) => b.key) };
  }
  return {
    workstation: { x: -WORKSTATION_W / 2, y: shift(wy), links: links.map((k) => ({ ...k, y1: shift(k.y1), y2: shift(k.y2) })), name: state.workstation.name },
    lans,
    nodes,
    overlays,
    services: new Map(state.services.map((s, i) => [s.id, { service: s, colour: i % 6 }])),
    rows,
    bounds: { ...bounds, y: shift(bounds.y) },
  };
}

/** Where overlays' risers run, right of the nodes: lane `lane`'s x. */
export function riserX(t: Topology, lane: number): number {
  return t.bounds.x + t.bounds.w - 8 - (t.overlays.length - 1 - lane) * 10;
}

/**
 * An overlay as one SVG path: in each row, a line through its bars in the nodes it reaches (hidden behind the nodes
 * it passes), and when it reaches several rows, a riser on the right joining them. Nodes moved by `offset` carry
 * their bars with them.
 */
export function overlayPath(span: OverlaySpan, boxes: ReadonlyMap<string, NodeBox>, offset: (key: string) => { dx: number; dy: number }, riser: number): string {
  const rows = new Map<number, { x1: number; x2: number; y: number }[]>();
  for (const key of span.nodes) {
    const b = boxes.get(key);
    const bar = b?.bars.find((x) => x.key === span.key);
    if (!b || !bar) continue;
    const o = offset(key);
    const row = rows.get(b.y) ?? [];
    row.push({ x1: bar.x1 + o.dx, x2: bar.x2 + o.dx, y: bar.y + o.dy });
    rows.set(b.y, row);
  }
  const r = (v: number) => Math.round(v * 10) / 10;
  const parts: string[] = [];
  const ends: number[] = [];
  const multi = rows.size > 1;
  for (const row of [...rows.keys()].sort((a, b) => a - b).map((k) => rows.get(k)!)) {
    row.sort((a, b) => a.x1 - b.x1);
    const first = row[0]!;
    let d = `M${r(first.x1)} ${r(first.y)}`;
    for (const seg of row) d += `L${r(seg.x1)} ${r(seg.y)}H${r(seg.x2)}`;
    if (multi) {
      const last = row[row.length - 1]!;
      d += `H${r(riser)}`;
      ends.push(last.y);
    }
    parts.push(d);
  }
  if (multi) parts.push(`M${r(riser)} ${r(Math.min(...ends))}V${r(Math.max(...ends))}`);
  return parts.join('');
}
