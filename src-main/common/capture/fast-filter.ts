// Display filters over the frame index's columns, without a dissection per frame. A filter that reads only
// protocol names (as existence tests), the frame's own fields (frame.number, frame.len, frame.cap_len,
// frame.time_relative), ip.addr/src/dst, tcp and udp ports, tcp.stream and udp.stream, joined by and/or/not, is evaluated by the filter compiler's own predicate (the same semantics, to the letter) on field
// values rebuilt from the columns. A frame whose columns do not hold all its values (the walk was not sure of its
// fields: a malformed header, a payload the heuristics may claim) is dissected with a context primed from the
// index, as the packet list's rows are; any other filter is the full filter's.

import { lookupField, type DisplayFilter, type FieldValue, type FieldValues } from '../dissect/index.ts';
import { parse, type Ast } from '../dissect/filter/index.ts';
import { EXACT, origLenOf, PROTO_BITS, type FrameIndex } from './frame-index.ts';

/** Value fields the columns hold. */
const VALUE_FIELDS = new Set(['frame.number', 'frame.len', 'frame.cap_len', 'frame.time_relative', 'ip.addr', 'ip.src', 'ip.dst', 'tcp.port', 'tcp.srcport', 'tcp.dstport', 'udp.port', 'udp.srcport', 'udp.dstport', 'tcp.stream', 'udp.stream']);
const PROTOCOLS = new Map<string, number>(Object.entries(PROTO_BITS));
/** What a protocol field holds does not matter to an existence test: one placeholder stands for it. */
const PRESENT: FieldValue[] = [new Uint8Array(0)];

function supported(n: Ast): boolean {
  switch (n.kind) {
    case 'and':
    case 'or':
      return supported(n.left) && supported(n.right);
    case 'not':
      return supported(n.expr);
    case 'exists':
      return VALUE_FIELDS.has(n.ref.field.abbrev) || PROTOCOLS.has(n.ref.field.abbrev) || n.ref.field.abbrev === 'frame';
    case 'cmp': {
      if (!VALUE_FIELDS.has(n.ref.field.abbrev)) return false;
      // `ip.src == ip.dst`: the other side a field too, which must be one the columns hold.
      const other = n.value.quoted ? undefined : lookupField(n.value.text);
      return other === undefined || VALUE_FIELDS.has(other.abbrev);
    }
    case 'in':
      return VALUE_FIELDS.has(n.ref.field.abbrev);
    case 'contains':
    case 'matches':
      return false;
  }
}

/** Whether `filter` (compiled from its text) can run over the columns. */
export function isFastFilter(filter: DisplayFilter): boolean {
  try {
    return supported(parse(filter.text));
  } catch {
    return false;
  }
}

/** Field values of frames rebuilt from their columns, for the fields a filter reads (one map, reused). */
export class ColumnValues {
  readonly values: FieldValues = new Map();
  readonly #fields: string[];
  readonly #protocols: [string, number][];
  // One list per field, reused from frame to frame.
  readonly #lists = new Map<string, FieldValue[]>();

  readonly #frame: boolean;

  constructor(fields: ReadonlySet<string>) {
    this.#fields = [...fields].filter((f) => VALUE_FIELDS.has(f));
    this.#protocols = [...fields].filter((f) => PROTOCOLS.has(f)).map((f) => [f, PROTOCOLS.get(f)!]);
    // Every frame has the frame protocol.
    this.#frame = fields.has('frame');
    for (const f of this.#fields) this.#lists.set(f, []);
  }

  /** Whether frame `at` of `ix` has its values in the columns. */
  static exact(ix: FrameIndex, at: number): boolean {
    return (ix.protos[at]! & EXACT) !== 0;
  }

  /** The values of frame `at` of `ix`, frame number `number` (its columns exact), in the shared map. */
  of(ix: FrameIndex, at: number, number: number): FieldValues {
    const v = this.values;
    v.clear();
    if (this.#frame) v.set('frame', PRESENT);
    const protos = ix.protos[at]!;
    for (const [name, bit] of this.#protocols) if ((protos & bit) !== 0) v.set(name, PRESENT);
    for (const f of this.#fields) {
      const list = this.#lists.get(f)!;
      list.length = 0;
      fill(f, ix, at, number, list);
      if (list.length > 0) v.set(f, list);
    }
    return v;
  }
}

function fill(field: string, ix: FrameIndex, at: number, number: number, out: FieldValue[]): void {
  const nIp = ix.ipCount[at]!;
  const nUdp = ix.udpCount[at]!;
  const tcp = (ix.protos[at]! & PROTO_BITS.tcp) !== 0;
  switch (field) {
    case 'frame.number':
      out.push(number);
      return;
    case 'frame.len':
      out.push(origLenOf(ix, at));
      return;
    case 'frame.cap_len':
      out.push(ix.caplen[at]!);
      return;
    case 'frame.time_relative':
      // As the dissector gives it: nanoseconds since the first frame, in seconds.
      out.push(ix.tsRelNs[at]! / 1e9);
      return;
    case 'ip.addr':
      if (nIp > 0) out.push(ix.ipSrc0[at]!, ix.ipDst0[at]!);
      if (nIp > 1) out.push(ix.ipSrc1[at]!, ix.ipDst1[at]!);
      return;
    case 'ip.src':
      if (nIp > 0) out.push(ix.ipSrc0[at]!);
      if (nIp > 1) out.push(ix.ipSrc1[at]!);
      return;
    case 'ip.dst':
      if (nIp > 0) out.push(ix.ipDst0[at]!);
      if (nIp > 1) out.push(ix.ipDst1[at]!);
      return;
    case 'tcp.port':
      if (tcp) out.push(ix.tcpSport[at]!, ix.tcpDport[at]!);
      return;
    case 'tcp.srcport':
      if (tcp) out.push(ix.tcpSport[at]!);
      return;
    case 'tcp.dstport':
      if (tcp) out.push(ix.tcpDport[at]!);
      return;
    case 'tcp.stream':
      if (ix.tcpStream[at]! >= 0) out.push(ix.tcpStream[at]!);
      return;
    case 'udp.port':
      if (nUdp > 0) out.push(ix.udpSport0[at]!, ix.udpDport0[at]!);
      if (nUdp > 1) out.push(ix.udpSport1[at]!, ix.udpDport1[at]!);
      return;
    case 'udp.srcport':
      if (nUdp > 0) out.push(ix.udpSport0[at]!);
      if (nUdp > 1) out.push(ix.udpSport1[at]!);
      return;
    case 'udp.dstport':
      if (nUdp > 0) out.push(ix.udpDport0[at]!);
      if (nUdp > 1) out.push(ix.udpDport1[at]!);
      return;
    case 'udp.stream':
      if (nUdp > 0 && ix.udpStream0[at]! >= 0) out.push(ix.udpStream0[at]!);
      if (nUdp > 1 && ix.udpStream1[at]! >= 0) out.push(ix.udpStream1[at]!);
      return;
  }
}
