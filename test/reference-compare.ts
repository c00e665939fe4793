// Field-by-field comparison of an emulated capture with a kernel capture of ../shared/reference/linux, through
// tshark (the method of src-main/net/reference-docker0.test.ts, generalised to VXLAN, ICMP fragments and TCP).
// Fields that are deterministic on Linux must be equal; random ones (IP IDs, outer source ports, checksums,
// TCP sequence numbers, timestamps) are compared by their rules instead:
//   - an IP ID is zero exactly where the kernel's is zero (per header: outer and inner);
//   - outer UDP source ports: in [32768, 60999], and two frames share a port exactly when they do in the
//     reference (same flow and direction, or a symmetric kernel flow);
//   - UDP checksums are filled where the kernel's are;
//   - time: within `timeTolerance` seconds of the reference's (ping intervals of 1.000 vs ~1.02 s).
import assert from 'node:assert/strict';
import { fieldRows, writeTemp, type Row } from './tshark.ts';
import { sharedPath } from './shared-path.ts';

export const OVERLAY_FIELDS = [
  'frame.time_relative', 'frame.len', 'eth.src', 'eth.dst', 'eth.type',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
  'ip.src', 'ip.dst', 'ip.dsfield', 'ip.ttl', 'ip.id', 'ip.flags', 'ip.len', 'ip.frag_offset', 'ip.proto',
  'udp.srcport', 'udp.dstport', 'udp.checksum', 'vxlan.flags', 'vxlan.vni',
  'icmp.type', 'icmp.code', 'icmp.seq', 'data.len',
  'tcp.srcport', 'tcp.dstport', 'tcp.flags', 'tcp.len', 'tcp.window_size_value', 'tcp.option_kind', 'tcp.options.mss_val', 'tcp.options.wscale.shift',
] as const;
export type OverlayField = (typeof OVERLAY_FIELDS)[number];
export type OverlayRow = Row<OverlayField>;

/** Compared for equality frame by frame unless the caller narrows it. */
export const EXACT: readonly OverlayField[] = [
  'frame.len', 'eth.src', 'eth.dst', 'eth.type', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
  'ip.src', 'ip.dst', 'ip.dsfield', 'ip.ttl', 'ip.flags', 'ip.len', 'ip.frag_offset', 'ip.proto',
  'udp.dstport', 'vxlan.flags', 'vxlan.vni', 'icmp.type', 'icmp.code', 'icmp.seq', 'data.len',
  'tcp.flags', 'tcp.len', 'tcp.window_size_value', 'tcp.option_kind', 'tcp.options.mss_val', 'tcp.options.wscale.shift',
];

export function referenceRows(name: string): OverlayRow[] {
  return fieldRows(sharedPath('reference/linux', name), OVERLAY_FIELDS);
}

export function captureRows(name: string, pcap: Uint8Array): { file: string; rows: OverlayRow[] } {
  const file = writeTemp(name, pcap);
  return { file, rows: fieldRows(file, OVERLAY_FIELDS) };
}

export interface CompareOptions {
  exact?: readonly OverlayField[];
  timeTolerance?: number;
  /** A label for messages. */
  label: string;
}

const parts = (v: string): string[] => (v === '' ? [] : v.split('/'));

/** Asserts `ours` matches `ref` frame by frame (see the header for the rules). */
export function compareRows(ours: OverlayRow[], ref: OverlayRow[], opts: CompareOptions): void {
  const L = opts.label;
  assert.equal(ours.length, ref.length, `${L}: frame count; ours:\n${ours.map((r) => `${r['frame.len']} ${r['ip.src']} ${r['arp.opcode']}`).join('\n')}`);
  const exact = opts.exact ?? EXACT;
  const tol = opts.timeTolerance ?? 0.3;
  for (let i = 0; i < ref.length; i++) {
    const o = ours[i]!;
    const r = ref[i]!;
    for (const f of exact) assert.equal(o[f], r[f], `${L} frame ${i + 1} ${f}`);
    const oid = parts(o['ip.id']);
    const rid = parts(r['ip.id']);
    assert.equal(oid.length, rid.length, `${L} frame ${i + 1} ip.id count`);
    rid.forEach((v, k) => assert.equal(oid[k] === '0x0000', v === '0x0000', `${L} frame ${i + 1} ip.id[${k}] zero-ness (${oid[k]} vs ${v})`));
    assert.equal(o['udp.checksum'] === '' || parts(o['udp.checksum']).every((c) => c !== '0x0000'), true, `${L} frame ${i + 1} udp checksum filled`);
    // TCP ports: the well-known one exactly; ephemeral ones in the ephemeral range.
    for (const f of ['tcp.srcport', 'tcp.dstport'] as const) {
      if (r[f] === '') continue;
      if (Number(r[f]) < 32768) assert.equal(o[f], r[f], `${L} frame ${i + 1} ${f}`);
      else assert.ok(Number(o[f]) >= 32768 && Number(o[f]) <= 60999, `${L} frame ${i + 1} ${f} ${o[f]} ephemeral`);
    }
    const dt = Math.abs(Number(o['frame.time_relative']) - Number(r['frame.time_relative']));
    assert.ok(dt < tol, `${L} frame ${i + 1} time ${o['frame.time_relative']} vs ${r['frame.time_relative']}`);
  }
  // Outer source ports: the same partition of frames as the kernel's, inside the port range.
  const idx = ref.map((r, i) => (r['udp.srcport'] !== '' ? i : -1)).filter((i) => i >= 0);
  for (const i of idx) {
    const p = Number(parts(ours[i]!['udp.srcport'])[0]);
    assert.ok(p >= 32768 && p <= 60999, `${L} frame ${i + 1} outer sport ${p} in the port range`);
    for (const j of idx) {
      if (j <= i) continue;
      const sameRef = parts(ref[i]!['udp.srcport'])[0] === parts(ref[j]!['udp.srcport'])[0];
      const sameOurs = parts(ours[i]!['udp.srcport'])[0] === parts(ours[j]!['udp.srcport'])[0];
      assert.equal(sameOurs, sameRef, `${L} frames ${i + 1} and ${j + 1}: outer source ports ${sameRef ? 'equal' : 'different'} as in the kernel's`);
    }
  }
}
