// THE reference test: rebuild reference/linux scenario 02 (docker0 bridge, d1 pings d2 three times, then the
// gateway twice; facts.md 3.3, 3.4), capture on docker0, write a pcap, and compare it with the kernel's capture
// field by field through tshark. Timeline as build-lab.sh ran it: docker0 comes up (the host sends its two IGMPv3
// reports for 224.0.0.106, the second at a random point within 1 s); the capture starts between them, as
// tcpdump did, and the first ping starts 70.683 ms after the captured report (the reference's offset).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDocker0 } from './reference-scenarios.ts';
import { sharedPath } from '../../test/shared-path.ts';

const REF = sharedPath('reference/linux/02-bridge-docker0-arp-icmp.pcap');
const FIELDS = [
  'frame.time_relative', 'frame.len', 'eth.src', 'eth.dst', 'eth.type',
  'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
  'ip.src', 'ip.dst', 'ip.dsfield', 'ip.ttl', 'ip.id', 'ip.flags', 'ip.len', 'ip.hdr_len', 'ip.frag_offset', 'ip.opt.type',
  'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq', 'igmp.type', 'igmp.record_type', 'igmp.maddr', 'data.len',
] as const;
type Row = Record<(typeof FIELDS)[number], string>;

function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-n', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function rows(file: string): Row[] {
  const out = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=/', ...FIELDS.flatMap((f) => ['-e', f])]);
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const cols = line.split('|');
      return Object.fromEntries(FIELDS.map((f, i) => [f, cols[i] ?? ''])) as Row;
    });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'flotilla-net-'));

test('docker0 scenario: the frame sequence matches the kernel capture field by field', () => {
  const run = runDocker0(1);
  assert.equal(run.pings.length, 2);
  assert.deepEqual(run.pings.map((p) => [p.transmitted, p.received]), [[3, 3], [2, 2]]);
  const file = path.join(tmp, 'docker0.pcap');
  writeFileSync(file, run.cap.toPcap());
  const ours = rows(file);
  const ref = rows(REF);
  assert.equal(ours.length, ref.length, `frame count: ours\n${ours.map((r) => r['frame.len']).join(',')}`);
  const exact: (typeof FIELDS)[number][] = [
    'frame.len', 'eth.src', 'eth.dst', 'eth.type', 'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac', 'arp.dst.proto_ipv4',
    'ip.src', 'ip.dst', 'ip.dsfield', 'ip.ttl', 'ip.flags', 'ip.len', 'ip.hdr_len', 'ip.frag_offset', 'ip.opt.type',
    'icmp.type', 'icmp.code', 'icmp.seq', 'igmp.type', 'igmp.record_type', 'igmp.maddr', 'data.len',
  ];
  for (let i = 0; i < ref.length; i++) {
    const o = ours[i]!;
    const r = ref[i]!;
    for (const f of exact) assert.equal(o[f], r[f], `frame ${i + 1} ${f}`);
    // IP IDs are random: zero exactly where the kernel's are zero (IGMP: DF, not ignore_df).
    assert.equal(o['ip.id'] === '0x0000', r['ip.id'] === '0x0000', `frame ${i + 1} ip.id zero-ness (${o['ip.id']} vs ${r['ip.id']})`);
    // Timing: within 0.3 s of the kernel's (its ping interval is ~1.02 s, ours 1 s; timer-wheel rounding).
    assert.ok(Math.abs(Number(o['frame.time_relative']) - Number(r['frame.time_relative'])) < 0.3, `frame ${i + 1} time ${o['frame.time_relative']} vs ${r['frame.time_relative']}`);
  }
  for (const rs of [ours, ref]) checkStructure(rs);
});

/** What both captures must show, whatever the random values (facts 3.3, 3.4). */
function checkStructure(rs: Row[]): void {
  const t = (i: number) => Number(rs[i - 1]!['frame.time_relative']);
  // Echo ids: kernel-assigned, one per ping run, consecutive between runs.
  const id1 = Number(rs[3]!['icmp.ident'].split('/')[0]);
  const id2 = Number(rs[11]!['icmp.ident'].split('/')[0]);
  assert.equal(id2, (id1 + 1) & 0xffff, 'second ping socket gets the next id');
  // Requests carry DF and non-zero counter IDs; kernel replies have DF clear.
  for (const i of [4, 6, 8, 12, 14]) assert.equal(rs[i - 1]!['ip.flags'], '0x02');
  for (const i of [5, 7, 9, 13, 15]) assert.equal(rs[i - 1]!['ip.flags'], '0x00');
  for (const i of [4, 5, 6, 7, 8, 9, 12, 13, 14, 15]) assert.notEqual(rs[i - 1]!['ip.id'], '0x0000');
  // Requests to one destination: IDs move forward by a small random amount per second.
  const ids = [4, 6, 8].map((i) => parseInt(rs[i - 1]!['ip.id'], 16));
  for (let k = 1; k < ids.length; k++) {
    const d = (ids[k]! - ids[k - 1]! + 0x10000) & 0xffff;
    assert.ok(d >= 1 && d <= 300, `ID step ${d}`);
  }
  // The delayed unicast probes: d2 (entry learned from d1's request at frame 2) and the gateway (frame 10)
  // probe d1 delay_first_probe_time (5 s) after first using the entry, plus timer-wheel rounding.
  const p1 = t(16) - t(3);
  const p2 = t(18) - t(11);
  assert.ok(p1 >= 5 && p1 < 5.3, `d2 probe after ${p1}`);
  assert.ok(p2 >= 5 && p2 < 5.3, `gateway probe after ${p2}`);
  assert.equal(rs[15]!['eth.dst'], '02:42:ac:11:00:02');
  assert.equal(rs[17]!['eth.dst'], '02:42:ac:11:00:02');
  // Ping interval about 1 s.
  for (const [a, b] of [[4, 6], [6, 8], [12, 14]] as const) {
    const dt = t(b) - t(a);
    assert.ok(dt >= 0.99 && dt < 1.05, `interval ${dt}`);
  }
}

test('docker0 scenario: tshark finds no malformed packets and no checksum errors', () => {
  const run = runDocker0(7);
  const file = path.join(tmp, 'docker0-expert.pcap');
  writeFileSync(file, run.cap.toPcap());
  const out = tshark(['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-z', 'expert,error', '-q']);
  assert.doesNotMatch(out, /Errors \(|Malformed/);
  const ng = path.join(tmp, 'docker0-expert.pcapng');
  writeFileSync(ng, run.cap.toPcapng());
  const out2 = tshark(['-r', ng, '-o', 'ip.check_checksum:TRUE', '-z', 'expert,error', '-q']);
  assert.doesNotMatch(out2, /Errors \(|Malformed/);
  // The pcapng names the interface and carries direction and journey ids.
  const fields = tshark(['-r', ng, '-T', 'fields', '-e', 'frame.interface_name', '-e', 'frame.packet_flags_direction', '-e', 'frame.packet_id']);
  const first = fields.trim().split('\n')[0]!.split('\t');
  assert.equal(first[0], 'docker0');
  assert.equal(Number(first[1]), 2); // IGMP report: outbound from the bridge
  assert.ok(Number(first[2]) > 0);
});
