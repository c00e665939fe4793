// UDP (ip.proto 17, ipv6 next header 17): ports, length, checksum, and the udp.port table (53 DNS, 4789 VXLAN).
import { readU16 } from '../../wire/bytes.ts';
import { requireBytes, WireError } from '../../wire/error.ts';
import { fields } from '../registry.ts';
import { callHeuristics, callNamed, callPorts, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.udp;

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
  const pEnd = o + len;
  if (pEnd > o + 8) t.add(F.payload, o + 8, pEnd, data.subarray(o + 8, pEnd), `UDP payload (${pEnd - o - 8} bytes)`);
  if (pEnd <= o + 8) return;
  if (!callPorts('udp.port', sp, dp, data, o + 8, pEnd, pkt, tree) && !callHeuristics('udp', data, o + 8, pEnd, pkt, tree)) callNamed('data', data, o + 8, pEnd, pkt, tree);
}

registerDissector('ip.proto', 17, dissectUdp);
