// IPv4 (ethertype 0x0800): header fields with Wireshark's labels, fragment reassembly (the datagram is dissected
// when its last fragment arrives, from a second data source "Reassembled IPv4"), and the ip.proto table.
import { readU16, writeU16 } from '../../wire/bytes.ts';
import { Ipv4View } from '../../wire/ipv4.ts';
import { formatIpv4 } from '../../wire/ipv4-address.ts';
import { bitPicture } from '../field.ts';
import { fields, IP_PROTOCOLS } from '../registry.ts';
import { callNamed, callTable, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.ip;

const DSCP_SHORT: Record<number, string> = { 0: 'CS0', 8: 'CS1', 10: 'AF11', 12: 'AF12', 14: 'AF13', 16: 'CS2', 18: 'AF21', 20: 'AF22', 22: 'AF23', 24: 'CS3', 26: 'AF31', 28: 'AF32', 30: 'AF33', 32: 'CS4', 34: 'AF41', 36: 'AF42', 38: 'AF43', 40: 'CS5', 44: 'VOICE-ADMIT', 46: 'EF', 48: 'CS6', 56: 'CS7' };
const ECN_SHORT = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];

interface Fragments {
  parts: { offset: number; bytes: Uint8Array; frame: number }[];
  /** Length of the whole payload, known once the last fragment (MF clear) is seen. */
  total: number | undefined;
}

interface ReasmState {
  pending: Map<string, Fragments>;
}

/** What the first pass recorded for a fragment's frame. */
interface ReasmResult {
  /** The reassembled payload, on the frame that completed it. */
  bytes?: Uint8Array;
  frames?: number[];
}

const MAX_PENDING = 256;

function reassemble(pkt: Packet, key: string, offset: number, more: boolean, bytes: Uint8Array): ReasmResult | undefined {
  if (!pkt.firstPass) return pkt.ctx.frameData<ReasmResult>(pkt.number, 'ip.reasm');
  const st = pkt.ctx.protoState<ReasmState>('ip', () => ({ pending: new Map() }));
  let f = st.pending.get(key);
  if (!f) {
    if (st.pending.size >= MAX_PENDING) st.pending.delete(st.pending.keys().next().value!);
    f = { parts: [], total: undefined };
    st.pending.set(key, f);
  }
  f.parts.push({ offset, bytes: bytes.slice(), frame: pkt.number });
  if (!more) f.total = offset + bytes.length;
  if (f.total === undefined) return undefined;
  // Complete when the parts cover 0..total without a gap.
  const parts = [...f.parts].sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const p of parts) {
    if (p.offset > covered) return undefined;
    covered = Math.max(covered, p.offset + p.bytes.length);
  }
  if (covered < f.total) return undefined;
  const out = new Uint8Array(f.total);
  for (const p of parts) out.set(p.bytes.subarray(0, Math.max(0, Math.min(p.bytes.length, f.total - p.offset))), p.offset);
  st.pending.delete(key);
  const r: ReasmResult = { bytes: out, frames: parts.map((p) => p.frame) };
  pkt.ctx.setFrameData(pkt.number, 'ip.reasm', r);
  return r;
}

function dissectIpv4(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('ip');
  pkt.protocol = 'IPv4';
  let bytes = data.subarray(start, end);
  if ((pkt.inError || pkt.captureTruncated) && bytes.length >= 20 && readU16(bytes, 2) > bytes.length) {
    // A datagram quoted in an ICMP error, or cut by the capture's snaplen: read what is there, as Wireshark does.
    const copy = bytes.slice();
    writeU16(copy, 2, copy.length);
    bytes = copy;
  }
  const v = Ipv4View.check(bytes);
  const hl = v.headerLen;
  const total = v.totalLen;
  const src = v.src;
  const dst = v.dst;
  const proto = v.protocol;
  const ss = formatIpv4(src);
  const ds = formatIpv4(dst);
  pkt.source = ss;
  pkt.destination = ds;
  pkt.netSrc = ss;
  pkt.netDst = ds;
  pkt.info = '';
  const o = start;
  const t = tree.add(F.proto, o, o + hl, data.subarray(o, o + total), () => `Internet Protocol Version 4, Src: ${ss}, Dst: ${ds}`);
  const b0 = data[o]!;
  t.add(F.version, o, o + 1, b0 >>> 4, undefined, { raw: b0 });
  t.add(F.hdr_len, o, o + 1, hl, () => `.... ${(b0 & 0xf).toString(2).padStart(4, '0')} = Header Length: ${hl} bytes (${b0 & 0xf})`);
  const ds8 = data[o + 1]!;
  const dsT = t.add(F.dsfield, o + 1, o + 2, ds8, () => `Differentiated Services Field: 0x${ds8.toString(16).padStart(2, '0')} (DSCP: ${DSCP_SHORT[ds8 >>> 2] ?? 'Unknown'}, ECN: ${ECN_SHORT[ds8 & 3]})`);
  dsT.add(F.dscp, o + 1, o + 2, ds8 >>> 2, undefined, { raw: ds8 });
  dsT.add(F.ecn, o + 1, o + 2, ds8 & 3, undefined, { raw: ds8 });
  t.add(F.len, o + 2, o + 4, total);
  t.add(F.id, o + 4, o + 6, v.identification);
  const fb = data[o + 6]!;
  const flags = fb >>> 5;
  const fT = t.add(F.flags, o + 6, o + 7, flags, () => {
    const names = [(flags & 2) !== 0 ? "Don't fragment" : '', (flags & 1) !== 0 ? 'More fragments' : ''].filter(Boolean).join(', ');
    return `${flags.toString(2).padStart(3, '0')}. .... = Flags: 0x${flags.toString(16)}${names ? ', ' + names : ''}`;
  });
  fT.add(F.flags_rb, o + 6, o + 7, (fb & 0x80) !== 0, undefined, { raw: fb });
  fT.add(F.flags_df, o + 6, o + 7, (fb & 0x40) !== 0, undefined, { raw: fb });
  fT.add(F.flags_mf, o + 6, o + 7, (fb & 0x20) !== 0, undefined, { raw: fb });
  const fw = (data[o + 6]! << 8) | data[o + 7]!;
  const fragUnits = fw & 0x1fff;
  t.add(F.frag_offset, o + 6, o + 8, fragUnits, () => `${bitPicture(fw, 0x1fff, 16)} = Fragment Offset: ${fragUnits * 8}`);
  pkt.ttl = v.ttl;
  t.add(F.ttl, o + 8, o + 9, v.ttl);
  t.add(F.proto_field, o + 9, o + 10, proto);
  t.add(F.checksum, o + 10, o + 12, v.checksum, () => `Header Checksum: 0x${v.checksum.toString(16).padStart(4, '0')} [validation disabled]`);
  t.add(F.src, o + 12, o + 16, src);
  t.add(F.addr, o + 12, o + 16, src, undefined, { hidden: true });
  t.add(F.dst, o + 16, o + 20, dst);
  t.add(F.addr, o + 16, o + 20, dst, undefined, { hidden: true });
  if (hl > 20) t.text(`Options: (${hl - 20} bytes)`, o + 20, o + hl);

  const pStart = o + hl;
  const pEnd = o + total;
  const more = (flags & 1) !== 0;
  if (more || fragUnits !== 0) {
    const key = `${src}/${dst}/${v.identification}/${proto}`;
    const r = reassemble(pkt, key, fragUnits * 8, more, data.subarray(pStart, pEnd));
    if (r?.bytes) {
      const b = pkt.builder;
      const idx = b.sources.length;
      b.sources.push({ name: `Reassembled IPv4 (${r.bytes.length} bytes)`, bytes: r.bytes });
      tree.text(`[${r.frames?.length ?? 0} IPv4 Fragments (${r.bytes.length} bytes): ${(r.frames ?? []).map((n) => '#' + n).join(', ')}]`, pStart, pEnd, { generated: true });
      const saved = b.source;
      b.source = idx;
      try {
        if (!callTable('ip.proto', proto, r.bytes, 0, r.bytes.length, pkt, tree)) callNamed('data', r.bytes, 0, r.bytes.length, pkt, tree);
      } finally {
        b.source = saved;
      }
      return;
    }
    pkt.info = `Fragmented IP protocol (proto=${IP_PROTOCOLS[proto] ?? 'Unknown'} ${proto}, off=${fragUnits * 8}, ID=${v.identification.toString(16).padStart(4, '0')})`;
    callNamed('data', data, pStart, pEnd, pkt, tree);
    return;
  }
  if (!callTable('ip.proto', proto, data, pStart, pEnd, pkt, tree)) callNamed('data', data, pStart, pEnd, pkt, tree);
}

registerDissector('ethertype', 0x0800, dissectIpv4);
