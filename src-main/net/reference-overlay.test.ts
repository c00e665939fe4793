// The overlay reference scenarios (reference/linux 01, 01c, 01d; facts 3.1, 3.2, 3.4) rebuilt and compared with
// the kernel's captures field by field through tshark (test/reference-compare.ts states the rules), plus the
// strict tshark check (checksum validation on, no errors, nothing malformed) on every capture we write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOverlayArpMiss, runOverlayMtu, runOverlayPing } from './reference-overlay.ts';
import { captureRows, compareRows, referenceRows } from '../../test/reference-compare.ts';
import { expertErrors, hasErrors } from '../../test/tshark.ts';
import { parseIpv4 } from '../common/wire/ipv4-address.ts';
import { parseMac } from '../common/wire/mac.ts';

function strict(file: string): void {
  const report = expertErrors(file);
  assert.ok(!hasErrors(report), `${file}: ${report}`);
}

for (const mode of ['docker', 'flood'] as const) {
  test(`01-overlay-ping-${mode}: underlay and both br0 captures match the kernel's`, () => {
    const run = runOverlayPing(11, mode);
    assert.deepEqual(run.pings.map((p) => [p.transmitted, p.received]), [[3, 3]]);
    for (const [cap, ref] of [
      [run.underlay, `01-overlay-ping-${mode}-underlay-n1eth0.pcap`],
      [run.n1br0, `01-overlay-ping-${mode}-n1-br0.pcap`],
      [run.n2br0, `01-overlay-ping-${mode}-n2-br0.pcap`],
    ] as const) {
      const ours = captureRows(`ours-${ref}`, cap.toPcap());
      compareRows(ours.rows, referenceRows(ref), { label: ref });
      strict(ours.file);
    }
    // The echo ids are the kernel's (consecutive per run) and the outer IDs count per direction.
    const ul = captureRows(`ul-${mode}.pcap`, run.underlay.toPcap()).rows.filter((r) => r['icmp.type'] !== '');
    const outerIds = (src: string) => ul.filter((r) => r['ip.src'].startsWith(src)).map((r) => parseInt(r['ip.id'].split('/')[0]!, 16));
    for (const ids of [outerIds('192.168.99.11'), outerIds('192.168.99.12')]) {
      assert.equal(ids.length, 3);
      for (let k = 1; k < ids.length; k++) {
        const d = (ids[k]! - ids[k - 1]! + 0x10000) & 0xffff;
        assert.ok(d >= 1 && d <= 400, `outer ID step ${d}`);
      }
    }
  });
}

test('01-overlay-ping-docker: ARP never crosses the underlay; the proxy answers as the peer', () => {
  const run = runOverlayPing(12, 'docker');
  const n1 = captureRows('n1-proxy.pcap', run.n1br0.toPcap()).rows;
  assert.equal(n1[1]!['eth.src'], '02:42:0a:00:01:05');
  assert.equal(n1[1]!['arp.src.hw_mac'], '02:42:0a:00:01:05');
  const dt = Number(n1[1]!['frame.time_relative']) - Number(n1[0]!['frame.time_relative']);
  assert.ok(dt > 0 && dt < 25e-6, `proxy reply after ${dt} s`);
  const ul = captureRows('ul-proxy.pcap', run.underlay.toPcap()).rows;
  assert.equal(ul.filter((r) => r['vxlan.vni'] !== '' && r['arp.opcode'] !== '').length, 0);
  // FDB and neighbour state as `bridge fdb show` / `ip neigh` print it.
  const vx = run.o.vxlan0.n1!;
  assert.ok(vx.fdbShow().includes('02:42:0a:00:01:05 dst 192.168.99.12 self permanent'));
  assert.ok(run.o.node.n1!.neigh.format().includes('10.0.1.5 dev vxlan0 lladdr 02:42:0a:00:01:05 PERMANENT'));
});

test('01-overlay-ping-flood: head-end replication order, learning, and the flood list', () => {
  const run = runOverlayPing(13, 'flood');
  assert.deepEqual(run.o.vxlan0.n1!.fdbShow().filter((l) => l.startsWith('00:00:00:00:00:00')), [
    '00:00:00:00:00:00 dst 192.168.99.12 self permanent',
    '00:00:00:00:00:00 dst 192.168.99.13 self permanent',
  ]);
  // n2 learned c1's MAC behind n1 from the replicated ARP; n1 learned c4 behind n2 from the reply.
  assert.deepEqual(run.o.vxlan0.n2!.fdbLookup(parseMac('02:42:0a:00:01:02'))?.remotes, [parseIpv4('192.168.99.11')]);
  assert.deepEqual(run.o.vxlan0.n1!.fdbLookup(parseMac('02:42:0a:00:01:05'))?.remotes, [parseIpv4('192.168.99.12')]);
});

test('01d-overlay-arpmiss-docker: 3 broadcasts on br0, nothing on the underlay, 3 L3MISS events', () => {
  const run = runOverlayArpMiss(14);
  const ours = captureRows('01d-br0.pcap', run.n1br0.toPcap());
  compareRows(ours.rows, referenceRows('01d-overlay-arpmiss-docker-n1-br0.pcap'), { label: '01d br0', timeTolerance: 0.1 });
  strict(ours.file);
  assert.equal(run.underlay.frames.length, 0);
  assert.equal(referenceRows('01d-overlay-arpmiss-docker-underlay-n1eth0.pcap').length, 0);
  assert.deepEqual(run.o.vxlan0.n1!.misses.map((m) => [m.kind, m.ip]), Array(3).fill(['l3miss', parseIpv4('10.0.1.50')]));
});

test('01c-overlay-mtu: 1514-byte outer frame for DF 1450, local EMSGSIZE at 1423, sender fragmentation', () => {
  const run = runOverlayMtu(15);
  const ours = captureRows('01c.pcap', run.underlay.toPcap());
  compareRows(ours.rows, referenceRows('01c-overlay-mtu-underlay-n1eth0.pcap'), { label: '01c' });
  strict(ours.file);
  assert.deepEqual(run.pings.map((p) => [p.transmitted, p.received, p.lines[0]]), [
    [1, 1, '1430 bytes from 10.0.1.5: icmp_seq=1 ttl=64 time=' + run.pings[0]!.lines[0]!.split('time=')[1]],
    [0, 0, 'ping: local error: message too long, mtu=1450'],
    [1, 1, '1431 bytes from 10.0.1.5: icmp_seq=1 ttl=64 time=' + run.pings[2]!.lines[0]!.split('time=')[1]],
  ]);
  // Three runs, three kernel-assigned ids: the refused one takes its id too (0x7c5d, 0x7c5e, 0x7c5f).
  const ids = run.pings.map((p) => p.id!);
  assert.deepEqual([ids[1]! - ids[0]!, ids[2]! - ids[1]!], [1, 1]);
  // Both inner fragments of one datagram share the inner ID; their outer IDs follow each other.
  const frags = ours.rows.filter((r) => r['ip.src'].startsWith('192.168.99.11') && r['frame.len'] !== '1514' && r['frame.len'] !== '42');
  assert.equal(frags.length, 2);
  assert.equal(frags[0]!['ip.id'].split('/')[1], frags[1]!['ip.id'].split('/')[1]);
  const outer = frags.map((r) => parseInt(r['ip.id'].split('/')[0]!, 16));
  assert.equal((outer[1]! - outer[0]! + 0x10000) & 0xffff, 1);
});
