// The flow (sequence) diagram, Wireshark's Statistics → Flow Graph: one column per endpoint (the Source and
// Destination columns, in the order the frames first show them) and one arrow per frame, labelled as Wireshark's
// flow graph does ("SYN", "PSH, ACK - Len: 86", "GET /hello.txt", "200 OK", "Echo (ping) request id=0x7c60, seq=1",
// "Standard query A web"), with the frame's Info as the comment.

import type { FlowItem, FlowPage } from '../api/capture-analysis-types.ts';
import { ICMP_TYPES } from '../dissect/registry.ts';
import { tcpFlagNames } from '../dissect/protocols/tcp.ts';
import type { FieldValues, Summary } from '../dissect/index.ts';
import type { AnalysisIndex } from './analysis-index.ts';

/** Endpoint columns at most; endpoints past them share the last column. */
export const FLOW_NODES_MAX = 64;
export const OTHER_ENDPOINTS = '(other endpoints)';

function first<T>(values: FieldValues, name: string): T | undefined {
  return values.get(name)?.[0] as T | undefined;
}

/** The arrow's label for a frame. */
export function flowLabel(values: FieldValues, summary: Summary): string {
  const method = first<string>(values, 'http.request.method');
  if (method !== undefined) return `${method} ${first<string>(values, 'http.request.uri') ?? ''}`.trim();
  const code = first<number>(values, 'http.response.code');
  if (code !== undefined) return `${code} ${first<string>(values, 'http.response.phrase') ?? ''}`.trim();
  if (values.has('dns')) return summary.info.replace(/ 0x[0-9a-f]{4}\b/, '');
  const icmpType = first<number>(values, 'icmp.type');
  if (icmpType !== undefined) {
    if (icmpType !== 0 && icmpType !== 8) return summary.info;
    const id = first<number>(values, 'icmp.ident') ?? 0;
    return `${ICMP_TYPES[icmpType]} id=0x${id.toString(16).padStart(4, '0')}, seq=${first<number>(values, 'icmp.seq') ?? 0}`;
  }
  const flags = first<number>(values, 'tcp.flags');
  if (flags !== undefined) {
    const len = first<number>(values, 'tcp.len') ?? 0;
    return len > 0 ? `${tcpFlagNames(flags)} - Len: ${len}` : tcpFlagNames(flags);
  }
  return summary.info || summary.protocol;
}

/** The endpoint columns of the frames `mask` passes (every frame without one). */
export function flowNodes(ix: AnalysisIndex, mask: Uint8Array | null): { nodes: string[]; column: Map<number, number> } {
  const nodes: string[] = [];
  const column = new Map<number, number>();
  const place = (name: number): void => {
    if (column.has(name)) return;
    if (nodes.length < FLOW_NODES_MAX - 1) {
      column.set(name, nodes.length);
      nodes.push(ix.names[name]!);
      return;
    }
    if (nodes.length === FLOW_NODES_MAX - 1) nodes.push(OTHER_ENDPOINTS);
    column.set(name, FLOW_NODES_MAX - 1);
  };
  for (let i = 0; i < ix.count; i++) {
    if (mask && mask[i] === 0) continue;
    place(ix.source[i]!);
    place(ix.destination[i]!);
  }
  return { nodes, column };
}

/** Rows `offset`.. (at most `limit`) of the diagram of the frames `mask` passes. */
export function flowPage(ix: AnalysisIndex, mask: Uint8Array | null, matched: number, offset: number, limit: number): FlowPage {
  const { nodes, column } = flowNodes(ix, mask);
  const items: FlowItem[] = [];
  let seen = 0;
  for (let i = 0; i < ix.count && items.length < limit; i++) {
    if (mask && mask[i] === 0) continue;
    if (seen++ < offset) continue;
    const { values, summary } = ix.fields(i);
    const item: FlowItem = {
      number: i + 1,
      timeRelative: ix.time[i]!,
      from: column.get(ix.source[i]!)!,
      to: column.get(ix.destination[i]!)!,
      label: flowLabel(values, summary),
      comment: summary.info,
      protocol: summary.protocol,
    };
    // Ports belong on the arrow only when the transport is the innermost one (not VXLAN's outer UDP).
    const layers = first<string>(values, 'frame.protocols') ?? '';
    const udpInnermost = layers.lastIndexOf(':udp') > layers.lastIndexOf(':vxlan');
    const sp = first<number>(values, 'tcp.srcport') ?? (udpInnermost ? values.get('udp.srcport')?.at(-1) : undefined);
    const dp = first<number>(values, 'tcp.dstport') ?? (udpInnermost ? values.get('udp.dstport')?.at(-1) : undefined);
    if (typeof sp === 'number' && typeof dp === 'number') {
      item.srcPort = sp;
      item.dstPort = dp;
    }
    items.push(item);
  }
  return { total: ix.count, matched, offset, nodes, items };
}
