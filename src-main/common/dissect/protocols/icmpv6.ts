// ICMPv6 (next header 58): type and code, echo fields, neighbour discovery targets; Info as Wireshark words it.
import { readU16, readU32 } from '../../wire/bytes.ts';
import { requireBytes } from '../../wire/error.ts';
import { readIpv6 } from '../../wire/ipv6-address.ts';
import { fields, ICMPV6_TYPES } from '../registry.ts';
import { callNamed, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.icmpv6;

function dissectIcmpv6(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('icmpv6');
  pkt.protocol = 'ICMPv6';
  requireBytes('icmpv6', 'header', 0, 4, end - start);
  const o = start;
  const type = data[o]!;
  const code = data[o + 1]!;
  const t = tree.add(F.proto, o, end, data.subarray(o, end), 'Internet Control Message Protocol v6');
  t.add(F.type, o, o + 1, type);
  t.add(F.code, o + 1, o + 2, code);
  t.add(F.checksum, o + 2, o + 4, readU16(data, o + 2));
  const name = ICMPV6_TYPES[type] ?? `Unknown (${type})`;
  pkt.info = name;
  if ((type === 128 || type === 129) && end - o >= 8) {
    const id = readU16(data, o + 4);
    const seq = readU16(data, o + 6);
    t.add(F.echo_id, o + 4, o + 6, id);
    t.add(F.echo_seq, o + 6, o + 8, seq);
    pkt.info = `${name} id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}, hop limit=${pkt.ttl}`;
    callNamed('data', data, o + 8, end, pkt, t);
  } else if ((type === 135 || type === 136) && end - o >= 24) {
    const target = readIpv6(data, o + 8);
    t.add(F.nd_target, o + 8, o + 24, target);
    pkt.info = `${name} for ${target}`;
  } else if (type === 2 && end - o >= 8) {
    t.add(F.mtu, o + 4, o + 8, readU32(data, o + 4));
  }
}

registerDissector('ip.proto', 58, dissectIcmpv6);
