// ICMP (ip.proto 1): echo with request/reply matching ("(request in 3)"), unreachable and time exceeded with the
// quoted datagram dissected as Wireshark does (its addresses are filterable; the columns keep the outer ones).
import { readU16 } from '../../wire/bytes.ts';
import { verify } from '../../wire/checksum.ts';
import { IcmpView } from '../../wire/icmp.ts';
import { fields, ICMP_TIME_EXCEEDED_CODES, ICMP_TYPES, ICMP_UNREACH_CODES } from '../registry.ts';
import { callNamed, callTable, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.icmp;

interface EchoState {
  /** "src dst id seq" of a request → its frame number. */
  requests: Map<string, number>;
}

function swap16(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** Frame number of the request a reply answers (first pass: looked up and recorded; later: read back). */
function matchEcho(pkt: Packet, request: boolean, id: number, seq: number): number | undefined {
  if (pkt.inError) return undefined;
  if (!pkt.firstPass) return pkt.ctx.frameData<number>(pkt.number, 'icmp.req');
  const st = pkt.ctx.protoState<EchoState>('icmp', () => ({ requests: new Map() }));
  if (request) {
    st.requests.set(`${pkt.netSrc} ${pkt.netDst} ${id} ${seq}`, pkt.number);
    return undefined;
  }
  const req = st.requests.get(`${pkt.netDst} ${pkt.netSrc} ${id} ${seq}`);
  if (req !== undefined) pkt.ctx.setFrameData(pkt.number, 'icmp.req', req);
  return req;
}

function dissectIcmp(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('icmp');
  pkt.protocol = 'ICMP';
  const bytes = data.subarray(start, end);
  const v = IcmpView.check(bytes);
  const type = v.type;
  const code = v.code;
  const o = start;
  const t = tree.add(F.proto, o, end, bytes, 'Internet Control Message Protocol');
  t.add(F.type, o, o + 1, type);
  const codeName = type === 3 ? ICMP_UNREACH_CODES[code] : type === 11 ? ICMP_TIME_EXCEEDED_CODES[code] : undefined;
  t.add(F.code, o + 1, o + 2, code, codeName ? `Code: ${code} (${codeName})` : undefined);
  t.add(F.checksum, o + 2, o + 4, v.checksum, () => `Checksum: 0x${v.checksum.toString(16).padStart(4, '0')} [${verify(bytes) ? 'correct' : 'incorrect'}]`);
  const typeName = ICMP_TYPES[type] ?? `Unknown ICMP (obsolete or malformed?)`;
  if (type === 0 || type === 8) {
    const id = v.identifier;
    const seq = v.sequence;
    t.add(F.ident, o + 4, o + 6, id);
    t.add(F.ident_le, o + 4, o + 6, swap16(id));
    t.add(F.seq, o + 6, o + 8, seq);
    t.add(F.seq_le, o + 6, o + 8, swap16(seq));
    const req = matchEcho(pkt, type === 8, id, seq);
    pkt.info = `${typeName}${type === 8 ? '  ' : '    '}id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${swap16(seq)}, ttl=${pkt.ttl}`;
    if (req !== undefined) {
      pkt.info += ` (request in ${req})`;
      t.add(F.resp_to, o, o, req, `[Request frame: ${req}]`, { generated: true });
    }
    callNamed('data', data, o + 8, end, pkt, t);
    return;
  }
  pkt.info = codeName ? `${typeName} (${codeName})` : typeName;
  if (type === 3 && code === 4) t.add(F.mtu, o + 6, o + 8, readU16(data, o + 6));
  if (type === 3 || type === 11) {
    // The quoted datagram: dissected, but the columns and the stateful tables stay the outer packet's.
    const saved = { source: pkt.source, destination: pkt.destination, protocol: pkt.protocol, info: pkt.info, netSrc: pkt.netSrc, netDst: pkt.netDst, ttl: pkt.ttl, inError: pkt.inError };
    pkt.inError = true;
    try {
      if (!callTable('ethertype', 0x0800, data, o + 8, end, pkt, t)) callNamed('data', data, o + 8, end, pkt, t);
    } finally {
      Object.assign(pkt, saved);
    }
    return;
  }
  callNamed('data', data, o + 8, end, pkt, t);
}

registerDissector('ip.proto', 1, dissectIcmp);
