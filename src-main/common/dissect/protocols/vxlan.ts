// VXLAN (udp.port 4789): flags, VNI, and the inner Ethernet frame through the 'vxlan' table, so the inner layers
// get absolute offsets into the same frame and the columns show the innermost protocol.
import { readU16 } from '../../wire/bytes.ts';
import { requireBytes } from '../../wire/error.ts';
import { fields } from '../registry.ts';
import { callNamed, callTable, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.vxlan;

function dissectVxlan(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('vxlan');
  pkt.protocol = 'VXLAN';
  requireBytes('vxlan', 'header', 0, 8, end - start);
  const o = start;
  const flags = readU16(data, o);
  const gbp = readU16(data, o + 2);
  const vni = (data[o + 4]! << 16) | (data[o + 5]! << 8) | data[o + 6]!;
  pkt.info = 'VXLAN';
  const t = tree.add(F.proto, o, o + 8, data.subarray(o, end), 'Virtual eXtensible Local Area Network');
  const ft = t.add(F.flags, o, o + 2, flags, () => `Flags: 0x${flags.toString(16).padStart(4, '0')}${(flags & 0x0800) !== 0 ? ', VXLAN Network ID (VNI)' : ''}`);
  ft.add(F.flag_g, o, o + 2, (flags & 0x8000) !== 0, undefined, { raw: flags });
  ft.add(F.flag_i, o, o + 2, (flags & 0x0800) !== 0, undefined, { raw: flags });
  ft.add(F.flag_d, o, o + 2, (flags & 0x0040) !== 0, undefined, { raw: flags });
  ft.add(F.flag_a, o, o + 2, (flags & 0x0008) !== 0, undefined, { raw: flags });
  ft.add(F.flags_reserved, o, o + 2, flags & 0x77b7, undefined, { raw: flags });
  t.add(F.gbp, o + 2, o + 4, gbp);
  t.add(F.vni, o + 4, o + 7, vni);
  t.add(F.reserved8, o + 7, o + 8, data[o + 7]!);
  if (end > o + 8 && !callTable('vxlan', 0, data, o + 8, end, pkt, tree)) callNamed('data', data, o + 8, end, pkt, tree);
}

registerDissector('udp.port', 4789, dissectVxlan);
