// Live captures in a running lab through the contract: captures.start on a node's eth0 while a container pings
// the other node, frames arriving as onCaptureFrames, the journey of one echo request (container → veth → docker0 →
// eth0 with MASQUERADE's rewrite → the other node), captures.stop; then a reference capture imported and replayed
// into the lab with tcprewrite-style rewriting, at top speed and paced.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Core } from '../../src-main/services/core.ts';
import { sharedPath } from '../shared-path.ts';
import { tempCoreWithCaptureTotals, until, twoNodeLab } from './helpers.ts';

let core: Core;
let dispose: () => void;
let totals: Map<string, number>;
before(() => {
  ({ core, dispose, totals } = tempCoreWithCaptureTotals());
});
after(() => dispose());

test('a live capture on node1 eth0, the journey of a ping, replay of a reference capture', async () => {
  const api = core.api;
  const { labId } = await twoNodeLab(core, 'Wire');

  const menu = await api.captures.interfaces({ labId });
  assert.ok(menu.some((i) => i.node === 'node1' && i.interface === 'eth0' && i.container === undefined));
  await assert.rejects(api.captures.start({ labId, target: { node: 'node1', interface: 'eth9' } }), (e: Error & { code?: string }) => e.code === 'not-found');

  const cap = await api.captures.start({ labId, target: { node: 'node1', interface: 'eth0' }, limit: { packets: 1000 } });
  assert.equal(cap.source, 'lab');
  assert.equal(cap.recording, true);
  assert.equal(cap.labId, labId);

  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  const ping = await api.console.run({ consoleId: n1.consoleId, line: 'docker run --name c1 alpine ping -c 2 192.168.99.101' });
  assert.equal(ping.exit, 0);
  await until('frames', () => (totals.get(cap.id) ?? 0) >= 4);

  const page = await api.captures.frames({ id: cap.id, offset: 0, limit: 100, filter: 'icmp' });
  assert.ok(page.matched >= 4, `icmp frames: ${page.matched}`);
  const request = page.rows.find((r) => r.info.includes('request'))!;
  assert.ok(request, 'an echo request');
  assert.equal(request.source, '192.168.99.100', 'MASQUERADE: node1 eth0 sees the node address');

  const journey = await api.captures.journey({ id: cap.id, number: request.number });
  const where = journey.hops.map((h) => `${h.netns}:${h.interface}:${h.direction}`);
  assert.ok(journey.hops.length >= 4, where.join(' '));
  assert.ok(journey.hops.some((h) => h.number === request.number), 'the asked frame is one of the hops');
  const nat = journey.hops.find((h) => h.changes.some((c) => c.field === 'ip.src'));
  assert.ok(nat, `a hop rewrote ip.src: ${JSON.stringify(journey.hops.map((h) => h.changes))}`);
  assert.equal(nat.changes.find((c) => c.field === 'ip.src')!.to, '192.168.99.100');
  assert.ok(journey.hops.some((h) => h.changes.some((c) => c.field === 'eth.src')), 'the MAC changes on the way');

  const stopped = await api.captures.stop({ id: cap.id });
  assert.equal(stopped.recording, undefined);
  assert.equal(stopped.packetCount, totals.get(cap.id));
  const listed = await api.captures.list({ labId });
  assert.ok(listed.some((c) => c.id === cap.id && c.recording === undefined));

  // The export carries the packet ids and the interface descriptions.
  const exported = await api.captures.export({ id: cap.id, format: 'pcapng' });
  const again = await api.captures.import({ name: 're-opened', dataBase64: exported.data });
  assert.equal(again.packetCount, stopped.packetCount);
  assert.match(again.interfaces[0]!.description ?? '', /eth0 in netns node1/);

  // Replay a reference capture into node2's eth0, rewriting its addresses and MACs to the lab's.
  const file = sharedPath('reference/linux/02-bridge-docker0-arp-icmp.pcap');
  if (!existsSync(file)) return;
  const ref = await api.captures.import({ name: '02.pcap', dataBase64: readFileSync(file).toString('base64') });
  const watch = await api.captures.start({ labId, target: { node: 'node2', interface: 'eth0' } });
  const top = await api.captures.replay({ id: ref.id, labId, target: { node: 'node1', interface: 'eth0' }, speed: 'topspeed', loop: 2, rewrite: { macToLab: true, addressMap: [['172.17.0.2', '192.168.99.100']] } });
  assert.equal(top.sent + top.skipped, ref.packetCount * 2);
  assert.equal(top.loops, 2);
  assert.ok(top.rewritten > 0);
  const paced = await api.captures.replay({ id: ref.id, labId, target: { node: 'node1', interface: 'eth0' }, speed: { pps: 1000 } });
  assert.equal(paced.sent, ref.packetCount);
  await until('the replayed frames on node2', () => (totals.get(watch.id) ?? 0) > 0);
  const seen = await api.captures.frames({ id: watch.id, offset: 0, limit: 1000, filter: 'arp || icmp' });
  assert.ok(seen.matched > 0, 'node2 saw replayed ARP or ICMP');
  await api.captures.stop({ id: watch.id });
  await api.lab.stop({ labId });
});
