// The capture analyses through the contract: follow stream (TCP, HTTP, UDP, DNS), the flow diagram's pages with a
// display filter, the I/O graph with several series; errors name the field and say why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { FlotillaError } from '../../src-main/common/api/errors.ts';
import type { Core } from '../../src-main/services/core.ts';
import { sharedPath } from '../shared-path.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
before(() => ({ core, dispose } = tempCore()));
after(() => dispose());

const b64 = (name: string) => Buffer.from(readFileSync(sharedPath('reference', 'linux', name))).toString('base64');
const text = (base64: string) => Buffer.from(base64, 'base64').toString('latin1');
const UNKNOWN = '0123456789abcdef0123456789abcdef';

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof FlotillaError && e.code === code && message.test(e.message));
}

test('follow a TCP stream with HTTP from a frame, and a DNS exchange over the overlay', async () => {
  const http = await core.api.captures.import({ name: 'http.pcap', dataBase64: b64('04-overlay-http-underlay-n1eth0.pcap') });
  const f = await core.api.captures.follow({ id: http.id, protocol: 'http', number: 6 });
  assert.equal(f.filter, 'tcp.stream eq 0');
  assert.equal(f.nodes[0].address, '10.0.1.2');
  assert.match(text(f.chunks[0]!.data), /^GET \/hello.txt HTTP\/1.1\r\nHost: 10.0.1.5:8080\r\n/);
  assert.equal(f.chunks[0]!.dir, 0);
  assert.match(f.chunks.slice(1).map((c) => text(c.data)).join(''), /^HTTP\/1.0 200 OK\r\n[^]*\r\n\r\nhello from c4\n$/);
  assert.equal(f.http?.[0]?.response?.bodyText, 'hello from c4\n');

  // The same stream by index, as tcp.stream says; the filter it gives selects its frames.
  const again = await core.api.captures.follow({ id: http.id, protocol: 'tcp', stream: 0 });
  assert.deepEqual(again.chunks, f.chunks);
  // A DNS index with transport 'tcp' is the TCP stream (the Follow panel's ‹ › from DNS over TCP ask so).
  const overTcp = await core.api.captures.follow({ id: http.id, protocol: 'dns', stream: 0, transport: 'tcp' });
  assert.equal(overTcp.filter, 'tcp.stream eq 0');
  assert.deepEqual(overTcp.chunks, f.chunks);
  const page = await core.api.captures.frames({ id: http.id, offset: 0, limit: 100, filter: f.filter });
  assert.equal(page.matched, again.frames);

  const dns = await core.api.captures.import({ name: 'dns.pcap', dataBase64: b64('03-overlay-dns-c1eth0.pcap') });
  const d = await core.api.captures.follow({ id: dns.id, protocol: 'dns', number: 10 });
  assert.deepEqual(d.dns?.map((x) => [x.question, x.answers]), [['Which IPv4 address (A) has nosuch.example?', ['nosuch.example does not exist (No such name)']]]);
  const u = await core.api.captures.follow({ id: dns.id, protocol: 'udp', number: 3 });
  assert.deepEqual(u.chunks.map((c) => [c.dir, c.frames]), [[0, [3]], [1, [4]]]);
});

test('follow refuses what it cannot follow, saying why', async () => {
  const c = await core.api.captures.import({ name: 'ping.pcap', dataBase64: b64('02-bridge-docker0-arp-icmp.pcap') });
  await rejectsWith(core.api.captures.follow({ id: c.id, protocol: 'tcp', number: 3 }), 'invalid-argument', /^number: frame 3 is not part of a TCP stream/);
  await rejectsWith(core.api.captures.follow({ id: c.id, protocol: 'tcp' }), 'invalid-argument', /^number: give a frame/);
  await rejectsWith(core.api.captures.follow({ id: c.id, protocol: 'tcp', number: 1, stream: 0 }), 'invalid-argument', /not both/);
  await rejectsWith(core.api.captures.follow({ id: c.id, protocol: 'udp', number: 500 }), 'not-found', /no frame 500/);
  await rejectsWith(core.api.captures.follow({ id: c.id, protocol: 'tcp', stream: 0, transport: 'udp' }), 'invalid-argument', /^transport: a TCP stream is followed over TCP/);
  await rejectsWith(core.api.captures.follow({ id: UNKNOWN, protocol: 'tcp', number: 1 }), 'not-found', /./);
});

test('the flow diagram pages through a filter, with the same columns on every page', async () => {
  const c = await core.api.captures.import({ name: 'vip.pcap', dataBase64: b64('05-vip-rr-nft-c1eth0.pcap') });
  const all = await core.api.captures.flow({ id: c.id, offset: 0, limit: 1000 });
  assert.equal(all.matched, c.packetCount);
  assert.equal(all.items.length, c.packetCount);
  const first = await core.api.captures.flow({ id: c.id, filter: 'tcp', offset: 0, limit: 5 });
  const second = await core.api.captures.flow({ id: c.id, filter: 'tcp', offset: 5, limit: 5 });
  assert.deepEqual(second.nodes, first.nodes);
  assert.equal(first.items[0]!.label, 'SYN');
  assert.ok(second.items[0]!.number > first.items[4]!.number);
  assert.ok(first.items.every((i) => i.protocol === 'TCP' || i.protocol === 'HTTP'));
  const bad = await core.api.captures.flow({ id: c.id, filter: 'tcp.port ==', offset: 0, limit: 5 });
  assert.equal(bad.items.length, 0);
  assert.ok(bad.filterError && bad.filterError.start > 0);
});

test('the I/O graph counts frames and bytes per interval, a series per filter', async () => {
  const c = await core.api.captures.import({ name: 'http2.pcap', dataBase64: b64('04-overlay-http-c1eth0.pcap') });
  const g = await core.api.captures.io({ id: c.id, series: [{ filter: '' }, { filter: 'http' }, { filter: 'http ==' }] });
  assert.equal(g.interval, 0.005);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  assert.equal(sum(g.series[0]!.frames), c.packetCount);
  assert.equal(sum(g.series[1]!.frames), 4);
  assert.ok(g.series[2]!.filterError);
  assert.equal(g.series[0]!.frames.length, Math.floor(g.duration / g.interval) + 1);
  const coarse = await core.api.captures.io({ id: c.id, interval: 1, series: [] });
  assert.deepEqual(coarse.series[0]!.frames, [c.packetCount]);
  assert.equal(sum(coarse.series[0]!.bytes), sum(g.series[0]!.bytes));
  await rejectsWith(core.api.captures.io({ id: c.id, interval: 0.000001, series: [] }), 'invalid-argument', /^interval: .* a graph holds at most/);
});
