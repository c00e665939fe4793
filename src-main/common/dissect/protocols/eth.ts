// Ethernet II (and one 802.1Q tag): addresses, type, and the payload handed to the ethertype table. Bytes after
// the payload's own length (padding to 60 bytes) are shown as padding by the caller that knows that length.
import { readU16 } from '../../wire/bytes.ts';
import { requireBytes } from '../../wire/error.ts';
import { formatMac, readMac, type MacAddress } from '../../wire/mac.ts';
import { fields } from '../registry.ts';
import { callNamed, callTable, registerDissector, registerNamed, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.eth;
const V = fields.vlan;

/** The name Wireshark shows for well-known MACs in the address columns (no OUI database: other MACs are shown as they are). */
export function macColumn(m: MacAddress): string {
  return m === 0xffff_ffff_ffff ? 'Broadcast' : formatMac(m);
}

function addMac(tree: Item, f: typeof F.dst, data: Uint8Array, at: number, pkt: Packet): void {
  const m = readMac(data, at);
  const s = formatMac(m);
  const t = tree.add(f, at, at + 6, m, () => `${f.name}: ${macColumn(m) === 'Broadcast' ? 'Broadcast' : s} (${s})`);
  t.add(F.addr, at, at + 6, m, () => `Address: ${macColumn(m) === 'Broadcast' ? 'Broadcast' : s} (${s})`);
  const word = (data[at]! << 16) | (data[at + 1]! << 8) | data[at + 2]!;
  t.add(F.lg, at, at + 3, (word & 0x20000) !== 0, undefined, { raw: word });
  t.add(F.ig, at, at + 3, (word & 0x10000) !== 0, undefined, { raw: word });
  void pkt;
}

export function dissectEth(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('eth');
  pkt.protocol = 'Ethernet';
  const dst = readMacSafe(data, start, end);
  requireBytes('eth', 'header', 0, 14, end - start);
  const src = readMac(data, start + 6);
  pkt.source = macColumn(src);
  pkt.destination = macColumn(dst);
  pkt.info = 'Ethernet II';
  const t = tree.add(F.proto, start, start + 14, data.subarray(start, end), () => `Ethernet II, Src: ${formatMac(src)} (${formatMac(src)}), Dst: ${dstText(dst)}`);
  addMac(t, F.dst, data, start, pkt);
  addMac(t, F.src, data, start + 6, pkt);
  let type = readU16(data, start + 12);
  let off = start + 14;
  if (type === 0x8100) {
    t.add(F.type, start + 12, start + 14, type);
    requireBytes('eth', 'vlan', 14, 4, end - start);
    pkt.layers.push('ethertype', 'vlan');
    const tci = readU16(data, off);
    const inner = readU16(data, off + 2);
    const vt = tree.add(V.proto, off, off + 4, data.subarray(off, end), () => `802.1Q Virtual LAN, PRI: ${tci >>> 13}, DEI: ${(tci >>> 12) & 1}, ID: ${tci & 0xfff}`);
    vt.add(V.priority, off, off + 2, tci >>> 13, undefined, { raw: tci });
    vt.add(V.dei, off, off + 2, (tci & 0x1000) !== 0, undefined, { raw: tci });
    vt.add(V.id, off, off + 2, tci & 0xfff, undefined, { raw: tci });
    vt.add(V.etype, off + 2, off + 4, inner);
    type = inner;
    off += 4;
  } else {
    t.add(F.type, start + 12, start + 14, type);
  }
  pkt.layers.push('ethertype');
  if (!callTable('ethertype', type, data, off, end, pkt, tree)) callNamed('data', data, off, end, pkt, tree);
}

function dstText(m: MacAddress): string {
  const s = formatMac(m);
  return m === 0xffff_ffff_ffff ? `Broadcast (${s})` : `${s} (${s})`;
}

function readMacSafe(data: Uint8Array, start: number, end: number): MacAddress {
  requireBytes('eth', 'dst', 0, 6, end - start);
  return readMac(data, start);
}

registerNamed('eth', dissectEth);
registerDissector('vxlan', 0, dissectEth);
