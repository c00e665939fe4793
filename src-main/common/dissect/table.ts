// Dissector tables (Wireshark's register_dissector_table / dissector_add_uint): a protocol registers itself under
// a key of the table of the layer below (ethertype 0x0800 → IPv4, ip.proto 17 → UDP, udp.port 4789 → VXLAN,
// vxlan → Ethernet), so no protocol imports another. A dissector works on absolute offsets into the current data
// source (the frame, or a reassembled datagram), so every item's range is right however deep it is nested.

import { WireError } from '../wire/error.ts';
import type { CaptureContext } from './context.ts';
import type { TreeBuilder, Item } from './tree.ts';

/** Per-frame information, Wireshark's packet_info: columns, addresses, the protocols seen. */
export interface Packet {
  readonly number: number;
  readonly tsNs: bigint;
  readonly ctx: CaptureContext;
  /** True the first time the context sees this frame: stateful protocols update their tables only then. */
  readonly firstPass: boolean;
  readonly builder: TreeBuilder;
  source: string;
  destination: string;
  protocol: string;
  info: string;
  /** Short names for frame.protocols ("eth:ethertype:ip:udp:dns"). */
  readonly layers: string[];
  /** Network addresses of the innermost IP header, as text (conversation keys). */
  netSrc: string;
  netDst: string;
  /** Ports of the innermost transport header. */
  srcPort: number;
  dstPort: number;
  /** TCP only: which stream and direction the current segment belongs to (for HTTP's reassembly). */
  tcpStream: number;
  tcpDir: number;
  /** TCP only: sequence number of the segment (relative), so a PDU reassembler knows order. */
  tcpSeq: number;
  /** Set by a higher layer that claims the segment is part of a reassembled PDU. */
  pduSegment: boolean;
  malformed: boolean;
  /** TTL (or hop limit) of the innermost IP header, for ICMP's "ttl=64". */
  ttl: number;
  /** True while dissecting the datagram quoted in an ICMP error: stateful tables are not updated. */
  inError: boolean;
  /** True when the capture kept fewer bytes than were on the wire (snaplen): lengths are clamped, not refused. */
  readonly captureTruncated: boolean;
}

/** A dissector: reads data[start, end), adds items under `tree`, sets the packet's columns. */
export type Dissector = (data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item) => void;

/** A heuristic: like a dissector, but first says whether the bytes are its protocol (returns false to pass). */
export type Heuristic = (data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item) => boolean;

export type TableName = 'ethertype' | 'ip.proto' | 'udp.port' | 'tcp.port' | 'vxlan';

const tables = new Map<TableName, Map<number, Dissector>>();
const heuristics = new Map<string, Heuristic[]>();

/** Registers a heuristic for a layer's payload ("udp"), tried when no port in its table matched. */
export function registerHeuristic(layer: 'udp' | 'tcp', h: Heuristic): void {
  const list = heuristics.get(layer) ?? [];
  list.push(h);
  heuristics.set(layer, list);
}

/** Tries the heuristics of `layer` in order; returns true when one took the bytes. */
export function callHeuristics(layer: 'udp' | 'tcp', data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): boolean {
  for (const h of heuristics.get(layer) ?? []) {
    let took = false;
    try {
      took = h(data, start, end, pkt, tree);
    } catch (e) {
      markMalformed(e, start, end, pkt, tree);
      return true;
    }
    if (took) return true;
  }
  return false;
}
const named = new Map<string, Dissector>();

/** Registers `d` under `key` in `table` (dissector_add_uint). */
export function registerDissector(table: TableName, key: number, d: Dissector): void {
  let t = tables.get(table);
  if (!t) {
    t = new Map();
    tables.set(table, t);
  }
  t.set(key, d);
}

/** Registers a dissector by name ("eth", "data") so others can call it without importing it. */
export function registerNamed(name: string, d: Dissector): void {
  named.set(name, d);
}

export function lookupDissector(table: TableName, key: number): Dissector | undefined {
  return tables.get(table)?.get(key);
}

/**
 * Calls `d` with the exception guard Wireshark puts around every dissector: a WireError (or any other throw)
 * becomes an "[Malformed Packet: …]" item pointing at the offending byte, and the frame is marked malformed. What
 * the dissector added before the error stays.
 */
export function callGuarded(d: Dissector, data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  try {
    d(data, start, end, pkt, tree);
  } catch (e) {
    markMalformed(e, start, end, pkt, tree);
  }
}

export function markMalformed(e: unknown, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.malformed = true;
  if (!pkt.info.endsWith('[Malformed Packet]')) pkt.info = pkt.info ? `${pkt.info} [Malformed Packet]` : '[Malformed Packet]';
  if (!tree.full) return;
  if (e instanceof WireError) {
    const at = Math.min(start + e.offset, end);
    const label = `[Malformed Packet: ${e.protocol.toUpperCase()}: ${e.reason} (${e.field} at offset ${at})]`;
    pkt.builder.root.text(label, at, Math.max(at, end), { malformed: true });
  } else {
    const why = e instanceof Error ? e.message : String(e);
    pkt.builder.root.text(`[Malformed Packet: dissector error: ${why}]`, start, end, { malformed: true });
  }
}

/** Dissects data[start, end) with the dissector registered under `key`; returns false when none is. */
export function callTable(table: TableName, key: number, data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): boolean {
  const d = tables.get(table)?.get(key);
  if (!d) return false;
  callGuarded(d, data, start, end, pkt, tree);
  return true;
}

/** Calls a named dissector ("data", "eth"); returns false when it is not registered. */
export function callNamed(name: string, data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): boolean {
  const d = named.get(name);
  if (!d) return false;
  callGuarded(d, data, start, end, pkt, tree);
  return true;
}

/** For a port table: tries the lower port first, as Wireshark's "try low port first" does. */
export function callPorts(table: 'udp.port' | 'tcp.port', a: number, b: number, data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): boolean {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return callTable(table, lo, data, start, end, pkt, tree) || callTable(table, hi, data, start, end, pkt, tree);
}
