// Exports of a lab's packets through the contract, read back by tshark: a container c1 on node1 pings node2 while
// node1's eth0 is captured; the echo request's journey (captures.exportJourney) is one pcapng where every hop has the
// same frame.packet_id and each interface says whose it is (container c1, node1's veth and docker0, the LAN); the
// live capture's own pcapng describes its interfaces the same way. Then an Ethernet-only export (for tcpreplay) of
// a file holding Linux cooked v1 and v2, raw IP and a link type with no Ethernet form.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { writePcapng } from '../../src-main/common/pcap/index.ts';
import type { Core } from '../../src-main/services/core.ts';
import { expertErrors, fieldRows, hasErrors, writeTemp } from '../tshark.ts';
import { tempCoreWithCaptureTotals, until, twoNodeLab } from './helpers.ts';

const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

let core: Core;
let dispose: () => void;
let totals: Map<string, number>;
before(() => {
  ({ core, dispose, totals } = tempCoreWithCaptureTotals());
});
after(() => dispose());

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

/** The Internet checksum (RFC 1071) of an even number of bytes. */
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

test('a journey exported as pcapng: one packet id on every hop, every interface described', { skip: !HAVE_TSHARK && 'tshark is not installed' }, async () => {
  const api = core.api;
  const { labId } = await twoNodeLab(core, 'Exports');
  const cap = await api.captures.start({ labId, target: { node: 'node1', interface: 'eth0' } });
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  // c1 keeps running, so the journey can say whose its interfaces are.
  assert.equal((await api.console.run({ consoleId: n1.consoleId, line: 'docker run -d --name c1 alpine sleep 1000' })).exit, 0);
  assert.equal((await api.console.run({ consoleId: n1.consoleId, line: 'docker exec c1 ping -c 2 192.168.99.101' })).exit, 0);
  await until('frames', () => (totals.get(cap.id) ?? 0) >= 4);

  const page = await api.captures.frames({ id: cap.id, offset: 0, limit: 100, filter: 'icmp.type == 8' });
  const request = page.rows[0]!;
  const journey = await api.captures.journey({ id: cap.id, number: request.number });
  // The canvas's placement: the container's own hop, node1's veth for it, node1's eth0.
  assert.ok(journey.hops.some((h) => h.container === 'c1' && h.node === 'node1' && h.netns !== 'node1' && h.interface === 'eth0'), JSON.stringify(journey.hops));
  assert.ok(journey.hops.some((h) => h.container === 'c1' && h.netns === 'node1' && h.interface.startsWith('veth')));
  assert.ok(journey.hops.some((h) => h.container === null && h.node === 'node1' && h.interface === 'docker0'));
  assert.ok(journey.hops.some((h) => h.node === null && h.netns === 'ul'), 'the LAN belongs to no node');

  const out = await api.captures.exportJourney({ id: cap.id, number: request.number });
  assert.match(out.fileName, new RegExp(`-journey-${journey.packetId}\\.pcapng$`));
  const file = writeTemp('journey.pcapng', bytes(out.data));
  assert.ok(!hasErrors(expertErrors(file)), expertErrors(file));
  const rows = fieldRows(file, ['frame.packet_id', 'frame.interface_name', 'frame.interface_description', 'ip.src', 'icmp.type']);
  assert.equal(rows.length, journey.hops.length, 'one frame per hop');
  assert.deepEqual(new Set(rows.map((r) => r['frame.packet_id'])), new Set([String(journey.packetId)]), 'frame.packet_id equal across the hops');
  assert.deepEqual(rows.map((r) => r['frame.interface_name']), journey.hops.map((h) => h.interface), 'the hops in order, each on its interface');
  assert.ok(rows.every((r) => r['icmp.type'] === '8'));
  const descriptions = rows.map((r) => r['frame.interface_description']);
  assert.ok(descriptions.some((d) => /^eth0 in netns node1\/\S+ \(container c1 on node1\)$/.test(d)), descriptions.join('\n'));
  assert.ok(descriptions.some((d) => /^veth\S+ in netns node1 \(node1, veth of container c1\)$/.test(d)), descriptions.join('\n'));
  assert.ok(descriptions.includes('docker0 in netns node1 (node1)'), descriptions.join('\n'));
  assert.ok(descriptions.includes('eth0 in netns node1 (node1)'), descriptions.join('\n'));
  // MASQUERADE on the way: the container's address, then node1's.
  assert.deepEqual([rows[0]!['ip.src'], rows[rows.length - 1]!['ip.src']], ['172.17.0.2', '192.168.99.100']);

  // The live capture's own pcapng: packet ids, and its interface described.
  const live = writeTemp('live.pcapng', bytes((await api.captures.export({ id: cap.id, format: 'pcapng' })).data));
  assert.ok(!hasErrors(expertErrors(live)));
  const liveRows = fieldRows(live, ['frame.packet_id', 'frame.interface_description'], ['-Y', 'icmp.type == 8']);
  assert.ok(liveRows.length >= 2 && liveRows.every((r) => r['frame.interface_description'] === 'eth0 in netns node1 (node1)' && /^\d+$/.test(r['frame.packet_id'])), JSON.stringify(liveRows));
  assert.ok(liveRows.some((r) => r['frame.packet_id'] === String(journey.packetId)));

  // A container that pings as soon as it starts: its namespace was tapped as it was made, so its journey starts
  // in the container (no flush of the capture came between).
  const seen = totals.get(cap.id) ?? 0;
  assert.equal((await api.console.run({ consoleId: n1.consoleId, line: 'docker run --name c2 alpine ping -c 1 192.168.99.101' })).exit, 0);
  await until('c2 echo', () => (totals.get(cap.id) ?? 0) >= seen + 2);
  const c2 = (await api.captures.frames({ id: cap.id, offset: 0, limit: 100, filter: 'icmp.type == 8' })).rows.at(-1)!;
  const first = (await api.captures.journey({ id: cap.id, number: c2.number })).hops[0]!;
  assert.ok(first.netns.startsWith('node1/') && first.interface === 'eth0' && first.direction === 'out' && first.source === '172.17.0.3', JSON.stringify(first));

  // A frame without a packet id (an import) has no journey to export.
  const plain = await api.captures.import({ name: 'plain.pcapng', dataBase64: Buffer.from(writePcapng({ interfaces: [{ linktype: 1, snaplen: 65535 }], packets: [{ interface: 0, tsNs: 1n, data: new Uint8Array(60) }] })).toString('base64') });
  await assert.rejects(api.captures.exportJourney({ id: plain.id, number: 1 }), (e: Error & { code?: string }) => e.code === 'unsupported');
  await assert.rejects(api.captures.exportJourney({ id: cap.id, number: 1_000_000 }), (e: Error & { code?: string }) => e.code === 'not-found');
  await api.captures.stop({ id: cap.id });
  await api.lab.stop({ labId });
});

test('an Ethernet-only export: cooked and raw IP frames get an Ethernet header, others are dropped and counted', { skip: !HAVE_TSHARK && 'tshark is not installed' }, async () => {
  const api = core.api;
  // An ICMP echo request 172.17.0.2 → 172.17.0.3, its checksums filled (tshark checks them).
  const ip = Buffer.from('450000241234400040010000ac110002ac110003' + '080000004f800001' + '1011121314151617', 'hex');
  ip.writeUInt16BE(checksum(ip.subarray(0, 20)), 10);
  ip.writeUInt16BE(checksum(ip.subarray(20)), 22);
  const mac = Buffer.from('0242ac110002', 'hex');
  const sll = Buffer.concat([Buffer.from('000000010006', 'hex'), mac, Buffer.from('00000800', 'hex'), ip]);
  const sll2 = Buffer.concat([Buffer.from('0800000000000007000100 06'.replace(/ /g, ''), 'hex'), mac, Buffer.from('0000', 'hex'), ip]);
  const file = writePcapng({
    interfaces: [
      { linktype: 113, snaplen: 65535, name: 'any' },
      { linktype: 276, snaplen: 65535, name: 'any2' },
      { linktype: 101, snaplen: 65535, name: 'tun0' },
      { linktype: 147, snaplen: 65535, name: 'user0' },
      { linktype: 1, snaplen: 65535, name: 'eth0' },
    ],
    packets: [
      { interface: 0, tsNs: 1_000n, data: sll },
      { interface: 1, tsNs: 2_000n, data: sll2 },
      { interface: 2, tsNs: 3_000n, data: ip },
      { interface: 3, tsNs: 4_000n, data: new Uint8Array([1, 2, 3]) },
      { interface: 4, tsNs: 5_000n, data: Buffer.concat([Buffer.from('ffffffffffff', 'hex'), mac, Buffer.from('0800', 'hex'), ip]) },
    ],
  });
  const imported = await api.captures.import({ name: 'mixed.pcapng', dataBase64: Buffer.from(file).toString('base64') });
  // pcap holds one link type: the mixed file is refused as it is, taken once made Ethernet-only.
  await assert.rejects(api.captures.export({ id: imported.id, format: 'pcap' }), (e: Error & { code?: string }) => e.code === 'unsupported');
  const out = await api.captures.export({ id: imported.id, format: 'pcap', ethernetOnly: true });
  assert.equal(out.fileName, 'mixed-ethernet.pcap');
  assert.deepEqual([out.converted, out.dropped], [3, 1]);
  const path = writeTemp('ethernet-only.pcap', bytes(out.data));
  assert.ok(!hasErrors(expertErrors(path)), expertErrors(path));
  const rows = fieldRows(path, ['frame.encap_type', 'eth.src', 'eth.dst', 'eth.type', 'ip.src', 'ip.dst', 'icmp.seq', 'frame.len']);
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.equal(r['frame.encap_type'], '1', 'Ethernet');
    assert.deepEqual([r['eth.type'], r['ip.src'], r['ip.dst'], r['icmp.seq'], r['frame.len']], ['0x0800', '172.17.0.2', '172.17.0.3', '1', String(14 + ip.length)]);
  }
  // The cooked frames keep their source MAC; raw IP has none to keep.
  assert.deepEqual(rows.map((r) => r['eth.src']), ['02:42:ac:11:00:02', '02:42:ac:11:00:02', '00:00:00:00:00:00', '02:42:ac:11:00:02']);
  // And pcapng: every interface Ethernet now.
  const ng = writeTemp('ethernet-only.pcapng', bytes((await api.captures.export({ id: imported.id, format: 'pcapng', ethernetOnly: true })).data));
  assert.deepEqual(fieldRows(ng, ['frame.encap_type', 'frame.interface_name']).map((r) => `${r['frame.encap_type']} ${r['frame.interface_name']}`), ['1 any', '1 any2', '1 tun0', '1 eth0']);
});
