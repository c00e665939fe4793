// UDP (ip.proto 17, ipv6 next header 17): ports, length, checksum, and the udp.port table (53 DNS, 4789 VXLAN).
import { readU16 } from '../../wire/bytes.ts';
import { requireBytes, WireError } from '../../wire/error.ts';
import { fields } from '../registry.ts';
import { callHeuristics, callNamed, callPorts, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.udp;

interface UdpState {
  /** "a:port b:port" (the lower endpoint first) → stream index. */
  convs: Map<string, number>;
  next: number;
}

/**
 * udp.stream: one index per pair of endpoints (address and port, either direction), numbered in the order the
 * first pass meets them, as Wireshark's UDP conversations. The quoted datagram of an ICMP error gets none.
 */
function streamOf(pkt: Packet, sp: number, dp: number): number {
  if (pkt.inError) return -1;
  // A frame may hold several UDP headers (VXLAN's outer and the inner one): each is kept by its layer's place.
  let layer = -1;
  for (const l of pkt.layers) if (l === 'udp') layer++;
  if (!pkt.firstPass) return pkt.ctx.frameData<number[]>(pkt.number, 'udp')?.[layer] ?? -1;
  const st = pkt.ctx.protoState<UdpState>('udp', () => ({ convs: new Map(), next: 0 }));
  const a = `${pkt.netSrc}:${sp}`;
  const b = `${pkt.netDst}:${dp}`;
  const key = a < b ? `${a} ${b}` : `${b} ${a}`;
  let stream = st.convs.get(key);
  if (stream === undefined) {
    stream = st.next++;
    st.convs.set(key, stream);
  }
  const saved = pkt.ctx.frameData<number[]>(pkt.number, 'udp') ?? [];
  saved[layer] = stream;
  pkt.ctx.setFrameData(pkt.number, 'udp', saved);
  return stream;
}

function dissectUdp(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('udp');
  pkt.protocol = 'UDP';
  requireBytes('udp', 'header', 0, 8, end - start);
  const o = start;
  const sp = readU16(data, o);
  const dp = readU16(data, o + 2);
  let len = readU16(data, o + 4);
  const cks = readU16(data, o + 6);
  pkt.srcPort = sp;
  pkt.dstPort = dp;
  pkt.info = `${sp} → ${dp} Len=${Math.max(0, len - 8)}`;
  const t = tree.add(F.proto, o, o + 8, data.subarray(o, end), () => `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}`);
  t.add(F.srcport, o, o + 2, sp);
  t.add(F.dstport, o + 2, o + 4, dp);
  t.add(F.port, o, o + 2, sp, undefined, { hidden: true });
  t.add(F.port, o + 2, o + 4, dp, undefined, { hidden: true });
  t.add(F.length, o + 4, o + 6, len);
  if (len < 8) throw new WireError('udp', 'length', 4, `length ${len} is below the 8-byte header`);
  if (o + len > end) {
    if (!pkt.inError && !pkt.captureTruncated) throw new WireError('udp', 'length', 4, `truncated: length ${len}, only ${end - o} bytes available`);
    len = end - o;
  }
  t.add(F.checksum, o + 6, o + 8, cks, () => `Checksum: 0x${cks.toString(16).padStart(4, '0')} [unverified]`);
  const stream = streamOf(pkt, sp, dp);
  if (stream >= 0) t.add(F.stream, o, o, stream, `[Stream index: ${stream}]`, { generated: true });
  const pEnd = o + len;
  if (pEnd > o + 8) t.add(F.payload, o + 8, pEnd, data.subarray(o + 8, pEnd), `UDP payload (${pEnd - o - 8} bytes)`);
  if (pEnd <= o + 8) return;
  if (!callPorts('udp.port', sp, dp, data, o + 8, pEnd, pkt, tree) && !callHeuristics('udp', data, o + 8, pEnd, pkt, tree)) callNamed('data', data, o + 8, pEnd, pkt, tree);
}

registerDissector('ip.proto', 17, dissectUdp);
