// ARP (ethertype 0x0806): "Who has 10.0.1.5? Tell 10.0.1.2" / "10.0.1.5 is at 02:42:0a:00:01:05".
import { readU16 } from '../../wire/bytes.ts';
import { ArpView } from '../../wire/arp.ts';
import { formatIpv4 } from '../../wire/ipv4-address.ts';
import { formatMac } from '../../wire/mac.ts';
import { ARP_OPCODES, fields } from '../registry.ts';
import { registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.arp;

function dissectArp(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('arp');
  pkt.protocol = 'ARP';
  const v = ArpView.check(data.subarray(start, end));
  const op = v.operation;
  const sha = v.senderMac;
  const spa = v.senderIp;
  const tpa = v.targetIp;
  const s = formatIpv4(spa);
  const d = formatIpv4(tpa);
  if (op === 1) pkt.info = spa === tpa ? `ARP Announcement for ${s}` : spa === 0 ? `Who has ${d}? (ARP Probe)` : `Who has ${d}? Tell ${s}`;
  else if (op === 2) pkt.info = spa === tpa ? `Gratuitous ARP for ${s} (Reply)` : `${s} is at ${formatMac(sha)}`;
  else pkt.info = `ARP opcode ${op}`;
  const name = ARP_OPCODES[op] ?? 'unknown';
  const t = tree.add(F.proto, start, start + 28, data.subarray(start, end), () => `Address Resolution Protocol (${name})`);
  const o = start;
  t.add(F.hw_type, o, o + 2, readU16(data, o));
  t.add(F.proto_type, o + 2, o + 4, readU16(data, o + 2));
  t.add(F.hw_size, o + 4, o + 5, data[o + 4]!);
  t.add(F.proto_size, o + 5, o + 6, data[o + 5]!);
  t.add(F.opcode, o + 6, o + 8, op);
  t.add(F.src_hw_mac, o + 8, o + 14, sha);
  t.add(F.src_proto_ipv4, o + 14, o + 18, spa);
  t.add(F.dst_hw_mac, o + 18, o + 24, v.targetMac);
  t.add(F.dst_proto_ipv4, o + 24, o + 28, tpa);
}

registerDissector('ethertype', 0x0806, dissectArp);
