// Step mode's event ring and its filters (the service itself runs in test/integration/step-mode.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { StepEvent } from '../common/api/step-types.ts';
import { collectFields, compileFilter, LINKTYPE_ETHERNET } from '../common/dissect/index.ts';
import { readCapture } from '../common/pcap/index.ts';
import { EventRing, filterEvents, matchesProtocols, type Recorded } from './step-mode.ts';

const recorded = (seq: number, data: Uint8Array = new Uint8Array([seq])): Recorded => {
  const layers = data.length > 14 ? String(collectFields(data, { number: seq, tsNs: 0n, linktype: LINKTYPE_ETHERNET }).values.get('frame.protocols')?.[0] ?? '') : 'eth';
  const event: StepEvent = { seq, timeNs: seq * 1000, netns: 'n', interface: 'eth0', where: 'n', direction: 'out', protocol: '', source: '', destination: '', length: data.length, info: '', layers, journey: seq };
  return { event, data };
};
const seqs = (ring: Iterable<Recorded>): number[] => [...ring].map((r) => r.event.seq);

test('the ring keeps the newest `limit` events and counts the dropped', () => {
  const ring = new EventRing(3);
  assert.equal(ring.firstSeq, undefined);
  for (let s = 1; s <= 5; s++) ring.push(recorded(s));
  assert.deepEqual(seqs(ring), [3, 4, 5]);
  assert.equal(ring.dropped, 2);
  assert.equal(ring.firstSeq, 3);
  assert.equal(ring.lastSeq, 5);
  assert.equal(ring.get(2), undefined);
  assert.equal(ring.get(4)?.event.seq, 4);
  assert.equal(ring.get(6), undefined);
  ring.setLimit(2);
  assert.deepEqual(seqs(ring), [4, 5]);
  assert.equal(ring.dropped, 3);
});

test('a ring survives many drops (it compacts) and refuses a gap in the numbers', () => {
  const ring = new EventRing(10);
  for (let s = 1; s <= 5000; s++) ring.push(recorded(s));
  assert.deepEqual(seqs(ring), [4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000]);
  assert.equal(ring.get(4995)?.event.seq, 4995);
  assert.throws(() => ring.push(recorded(5002)), /event 5002 after 5000/);
});

test('cutAfter removes the later events and hands them back in order', () => {
  const ring = new EventRing(100);
  for (let s = 1; s <= 6; s++) ring.push(recorded(s));
  assert.deepEqual(seqs(ring.cutAfter(3)), [4, 5, 6]);
  assert.deepEqual(seqs(ring), [1, 2, 3]);
  ring.push(recorded(4));
  assert.equal(ring.lastSeq, 4);
  assert.deepEqual(seqs(ring.cutAfter(0)), [1, 2, 3, 4]);
  assert.equal(ring.length, 0);
});

test('protocol checkboxes match any layer; a display filter narrows further', () => {
  assert.equal(matchesProtocols('eth:ethertype:arp', undefined), true);
  assert.equal(matchesProtocols('eth:ethertype:arp', []), false);
  assert.equal(matchesProtocols('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data', ['icmp']), true);
  assert.equal(matchesProtocols('eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:icmp:data', ['tcp', 'vxlan']), true);
  assert.equal(matchesProtocols('eth:ethertype:ip:udp:dns', ['tcp']), false);

  const cap = readCapture(new Uint8Array(readFileSync(new URL('../../../shared/reference/linux/02-bridge-docker0-arp-icmp.pcap', import.meta.url))));
  const events = cap.packets.map((p, i) => recorded(i + 1, p.data));
  const arp = filterEvents(events, ['arp'], undefined);
  assert.ok(arp.length >= 2);
  assert.ok(arp.every((r) => r.event.layers.endsWith(':arp')));
  const icmp = filterEvents(events, ['icmp'], undefined);
  const replies = compileFilter('icmp.type == 0');
  assert.ok(replies.ok);
  const onlyReplies = filterEvents(events, ['icmp'], replies.filter);
  assert.ok(onlyReplies.length > 0 && onlyReplies.length < icmp.length, `${onlyReplies.length} of ${icmp.length}`);
  const both = filterEvents(events, ['arp', 'icmp'], undefined);
  assert.equal(both.length, arp.length + icmp.length);
  assert.deepEqual(both.map((r) => r.event.seq), [...both.map((r) => r.event.seq)].sort((a, b) => a - b), 'kept in order');
});
