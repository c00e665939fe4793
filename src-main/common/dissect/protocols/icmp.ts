// ICMP (ip.proto 1): echo with request/reply matching ("(request in 3)"), unreachable and time exceeded with the
// quoted datagram dissected as Wireshark does (its addresses are filterable; the columns keep the outer ones).
import { readU16, readU32 } from '../../wire/bytes.ts';
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

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An absolute time as Wireshark prints one in UTC ("Nov 22, 2026 10:11:17.000000000 UTC"). */
export function absTimeText(secs: number, nsecs: number): string {
  const d = new Date(secs * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')}, ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(nsecs).padStart(9, '0')} UTC`;
}

/**
 * The timeval ping puts at the start of an echo's data, as Wireshark finds it: 32-bit seconds and microseconds,
 * big-endian or else little-endian, taken when the seconds are within the day after the frame's own and the
 * microseconds below a million. The bytes it took (8 or 0).
 */
function echoTimestamp(data: Uint8Array, at: number, end: number, pkt: Packet, t: Item): number {
  if (end - at < 8) return 0;
  const frameSecs = Number(pkt.tsNs / 1_000_000_000n);
  const looks = (secs: number, usecs: number) => ((secs - frameSecs) >>> 0) < 86_400 && usecs < 1_000_000;
  let secs = readU32(data, at);
  let usecs = readU32(data, at + 4);
  if (!looks(secs, usecs)) {
    secs = readU32LE(data, at);
    usecs = readU32LE(data, at + 4);
  }
  if (!looks(secs, usecs)) return 0;
  const text = absTimeText(secs, usecs * 1000);
  t.add(F.data_time, at, at + 8, text, `Timestamp from icmp data: ${text}`);
  const rel = Number(pkt.tsNs - (BigInt(secs) * 1_000_000_000n + BigInt(usecs) * 1000n)) / 1e9;
  t.add(F.data_time_relative, at, at + 8, rel, () => `[Timestamp from icmp data (relative): ${rel.toFixed(9)} seconds]`, { generated: true });
  return 8;
}

const readU32LE = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

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
    callNamed('data', data, o + 8 + echoTimestamp(data, o + 8, end, pkt, t), end, pkt, t);
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
