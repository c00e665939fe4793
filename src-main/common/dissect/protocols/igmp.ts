// IGMP (ip.proto 2): v1/v2 messages and v3 membership reports ("Membership Report / Join group 224.0.0.106 for
// any sources"), as the kernel sends when an interface joins a group.
import { readU16 } from '../../wire/bytes.ts';
import { requireBytes } from '../../wire/error.ts';
import { formatIpv4, readIpv4 } from '../../wire/ipv4-address.ts';
import { fields } from '../registry.ts';
import { registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.igmp;

function dissectIgmp(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('igmp');
  requireBytes('igmp', 'header', 0, 8, end - start);
  const o = start;
  const type = data[o]!;
  const version = type === 0x22 ? 3 : type === 0x12 ? 1 : type === 0x11 ? (end - start >= 12 ? 3 : 2) : 2;
  pkt.protocol = `IGMPv${version}`;
  const t = tree.add(F.proto, o, end, data.subarray(o, end), `Internet Group Management Protocol`);
  t.add(F.version, o, o, version, `[IGMP Version: ${version}]`, { generated: true });
  t.add(F.type, o, o + 1, type);
  t.add(F.checksum, o + 2, o + 4, readU16(data, o + 2));
  if (type === 0x22) {
    pkt.layers.push('igmp'); // Wireshark's IGMP hands v3 reports to a sub-dissector of the same name: "ip:igmp:igmp"
    const n = readU16(data, o + 6);
    t.add(F.num_grp_recs, o + 6, o + 8, n);
    let info = 'Membership Report';
    let i = o + 8;
    for (let r = 0; r < n; r++) {
      requireBytes('igmp', 'record', i - o, 8, end - start);
      const rtype = data[i]!;
      const aux = data[i + 1]! * 4;
      const nsrc = readU16(data, i + 2);
      const group = readIpv4(data, i + 4);
      const len = 8 + nsrc * 4 + aux;
      requireBytes('igmp', 'record', i - o, len, end - start);
      const g = formatIpv4(group);
      const desc = rtype === 4 && nsrc === 0 ? `Join group ${g} for any sources` : rtype === 3 && nsrc === 0 ? `Leave group ${g}` : `Group ${g} record type ${rtype}`;
      info += ` / ${desc}`;
      const rt = t.text(`Group Record : ${g}  ${rtype === 4 ? 'Change To Exclude Mode' : rtype === 3 ? 'Change To Include Mode' : `type ${rtype}`}`, i, i + len);
      rt.add(F.record_type, i, i + 1, rtype);
      rt.add(F.maddr, i + 4, i + 8, group);
      i += len;
    }
    pkt.info = info;
    return;
  }
  const group = readIpv4(data, o + 4);
  t.add(F.maddr, o + 4, o + 8, group);
  const g = formatIpv4(group);
  pkt.info = type === 0x11 ? (group === 0 ? 'Membership Query, general' : `Membership Query, specific for group ${g}`) : type === 0x17 ? `Leave Group ${g}` : `Membership Report group ${g}`;
}

registerDissector('ip.proto', 2, dissectIgmp);
