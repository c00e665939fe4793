// IPv6 (ethertype 0x86dd): the fixed header, the extension headers as items, and the upper layer through the
// same ip.proto table IPv4 uses (as Wireshark's ip.proto table serves both).
import { readU32 } from '../../wire/bytes.ts';
import { Ipv6View } from '../../wire/ipv6.ts';
import { fields, IP_PROTOCOLS } from '../registry.ts';
import { callNamed, callTable, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.ipv6;

function dissectIpv6(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('ipv6');
  pkt.protocol = 'IPv6';
  const v = Ipv6View.check(data.subarray(start, end));
  const o = start;
  const src = v.src;
  const dst = v.dst;
  pkt.source = src;
  pkt.destination = dst;
  pkt.netSrc = src;
  pkt.netDst = dst;
  pkt.ttl = v.hopLimit;
  pkt.info = '';
  const limit = o + 40 + v.payloadLen;
  const t = tree.add(F.proto, o, o + 40, data.subarray(o, limit), () => `Internet Protocol Version 6, Src: ${src}, Dst: ${dst}`);
  const w = readU32(data, o);
  t.add(F.version, o, o + 1, w >>> 28, undefined, { raw: w });
  // Wireshark also puts the version under ip.version (hidden), so `ip.version == 6` selects IPv6.
  t.add(fields.ip.version, o, o + 1, w >>> 28, undefined, { raw: w >>> 24, hidden: true });
  t.add(F.tclass, o, o + 2, v.trafficClass, undefined, { raw: w });
  t.add(F.flow, o + 1, o + 4, v.flowLabel, undefined, { raw: w });
  t.add(F.plen, o + 4, o + 6, v.payloadLen);
  t.add(F.nxt, o + 6, o + 7, v.firstNextHeader);
  t.add(F.hlim, o + 7, o + 8, v.hopLimit);
  t.add(F.src, o + 8, o + 24, src);
  t.add(F.addr, o + 8, o + 24, src, undefined, { hidden: true });
  t.add(F.dst, o + 24, o + 40, dst);
  t.add(F.addr, o + 24, o + 40, dst, undefined, { hidden: true });
  const chain = v.chain();
  for (const x of chain.extensions) {
    tree.text(`${IP_PROTOCOLS[x.type] ?? `Extension header ${x.type}`}`, o + x.offset, o + x.offset + x.length);
  }
  const ps = o + chain.payloadOffset;
  if (chain.extensions.some((x) => x.type === 44)) {
    pkt.info = `IPv6 fragment (nxt=${IP_PROTOCOLS[chain.nextHeader] ?? 'Unknown'} (${chain.nextHeader}))`;
    callNamed('data', data, ps, limit, pkt, tree);
    return;
  }
  if (chain.nextHeader === 59) return;
  if (!callTable('ip.proto', chain.nextHeader, data, ps, limit, pkt, tree)) callNamed('data', data, ps, limit, pkt, tree);
}

registerDissector('ethertype', 0x86dd, dissectIpv6);
