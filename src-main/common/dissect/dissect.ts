// Dissection entry points: the full tree of one frame (the detail and hex panes), the summary columns of every
// frame (the packet list, no tree), and the field values of a frame (the display filter).
//
//   const ctx = new CaptureContext();                       // one per capture: TCP streams, request matching
//   const row = summarize(frame, { number: 1, tsNs }, ctx);  // in frame order, once per frame
//   const tree = dissect(frame, { number: 1, tsNs }, ctx);   // any frame, any time later
//
// Nothing here throws on bad bytes: a layer that does not parse becomes an "[Malformed Packet: …]" item.

import { CaptureContext } from './context.ts';
import { fields } from './registry.ts';
import { callTable, callNamed, type Packet } from './table.ts';
import { TreeBuilder, type FieldValues, type Item, type Tree } from './tree.ts';
import './protocols/index.ts';

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_LINUX_SLL2 = 276;

/** The link layers other than Ethernet (protocols/sll.ts); any other link type is read as Ethernet. */
const LINK_DISSECTORS: Readonly<Record<number, string>> = { [LINKTYPE_RAW]: 'raw', [LINKTYPE_LINUX_SLL]: 'sll', [LINKTYPE_IPV4]: 'ipv4-raw', [LINKTYPE_LINUX_SLL2]: 'sll2' };

export interface FrameMeta {
  /** 1-based frame number in its capture. */
  readonly number: number;
  /** Capture time in nanoseconds (virtual time or the file's timestamps). */
  readonly tsNs: bigint;
  readonly interfaceName?: string;
  /** Length on the wire when more than the captured bytes (frame.len); default the captured length. */
  readonly origLen?: number;
  /** LINKTYPE_ETHERNET (default), LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_LINUX_SLL or LINKTYPE_LINUX_SLL2. */
  readonly linktype?: number;
}

/** The packet list's columns. */
export interface Summary {
  readonly source: string;
  readonly destination: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
}

const FR = fields.frame;

function run(mode: 'full' | 'fields' | 'none', frame: Uint8Array, meta: FrameMeta, context: CaptureContext | undefined): { pkt: Packet; b: TreeBuilder } {
  const ctx = context ?? new CaptureContext();
  const firstPass = ctx.begin(meta.number, meta.tsNs);
  const b = new TreeBuilder(mode, frame);
  const pkt: Packet = {
    number: meta.number,
    tsNs: meta.tsNs,
    ctx,
    firstPass,
    builder: b,
    source: '',
    destination: '',
    protocol: 'Frame',
    info: '',
    layers: [],
    netSrc: '',
    netDst: '',
    srcPort: 0,
    dstPort: 0,
    tcpStream: -1,
    tcpDir: 0,
    tcpSeq: 0,
    pduSegment: false,
    malformed: false,
    ttl: 0,
    inError: false,
    captureTruncated: (meta.origLen ?? frame.length) > frame.length,
  };
  const len = meta.origLen ?? frame.length;
  const cap = frame.length;
  const iface = meta.interfaceName;
  const root = b.root;
  const ft: Item = root.add(FR.proto, 0, cap, frame, () => `Frame ${meta.number}: ${len} bytes on wire (${len * 8} bits), ${cap} bytes captured (${cap * 8} bits)${iface ? ` on interface ${iface}` : ''}`);
  if (iface !== undefined) ft.add(FR.interface_name, 0, 0, iface, `Interface name: ${iface}`);
  const rel = ctx.firstTsNs === undefined ? 0 : Number(meta.tsNs - ctx.firstTsNs) / 1e9;
  ft.add(FR.time_relative, 0, 0, rel, () => `[Time since reference or first frame: ${rel.toFixed(9)} seconds]`, { generated: true });
  ft.add(FR.number, 0, 0, meta.number);
  ft.add(FR.len, 0, 0, len, `Frame Length: ${len} bytes (${len * 8} bits)`);
  ft.add(FR.cap_len, 0, 0, cap, `Capture Length: ${cap} bytes (${cap * 8} bits)`);
  const link = meta.linktype === undefined ? undefined : LINK_DISSECTORS[meta.linktype];
  if (link !== undefined) {
    callNamed(link, frame, 0, cap, pkt, root);
  } else if (!callNamed('eth', frame, 0, cap, pkt, root)) {
    callTable('ethertype', -1, frame, 0, cap, pkt, root);
  }
  const protocols = pkt.layers.join(':');
  ft.add(FR.protocols, 0, 0, protocols, `[Protocols in frame: ${protocols}]`, { generated: true });
  return { pkt, b };
}

/** The full protocol tree of one frame, every item with its byte range. */
export function dissect(frame: Uint8Array, meta: FrameMeta, ctx?: CaptureContext): Tree {
  return run('full', frame, meta, ctx).b.tree();
}

/** The summary columns, computed without building a tree (call once per frame, in frame order). */
export function summarize(frame: Uint8Array, meta: FrameMeta, ctx?: CaptureContext): Summary {
  const { pkt } = run('none', frame, meta, ctx);
  return { source: pkt.source, destination: pkt.destination, protocol: pkt.protocol, length: meta.origLen ?? frame.length, info: pkt.info };
}

/** The field values of a frame without labels (what a display filter reads), plus its summary columns. */
export function collectFields(frame: Uint8Array, meta: FrameMeta, ctx?: CaptureContext): { values: FieldValues; summary: Summary } {
  const { pkt, b } = run('fields', frame, meta, ctx);
  return { values: b.values, summary: { source: pkt.source, destination: pkt.destination, protocol: pkt.protocol, length: meta.origLen ?? frame.length, info: pkt.info } };
}

export { CaptureContext };
