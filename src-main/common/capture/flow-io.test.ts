// The flow diagram's columns and labels, and the I/O graph's intervals, on the kernel's reference captures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { indexOf } from './testing.ts';
import { flowPage, FLOW_NODES_MAX, flowNodes } from './flow.ts';
import { autoInterval, bucketCount, ioBuckets, IO_BUCKETS_MAX } from './io.ts';

describe('flow diagram', () => {
  it('labels a TCP conversation with HTTP as Wireshark’s flow graph does', async () => {
    const ix = await indexOf('04-overlay-http-c1eth0.pcap');
    const m = await ix.match('tcp.stream == 0');
    assert.ok(m.ok);
    const page = flowPage(ix, m.mask, m.count, 0, 100);
    assert.deepEqual(page.nodes, ['10.0.1.2', '10.0.1.5']);
    assert.equal(page.matched, 12);
    assert.deepEqual(
      page.items.map((i) => `${i.number} ${i.from}->${i.to} ${i.label}`),
      [
        '3 0->1 SYN',
        '4 1->0 SYN, ACK',
        '5 0->1 ACK',
        '6 0->1 GET /hello.txt',
        '7 1->0 ACK',
        '8 1->0 PSH, ACK - Len: 186',
        '9 0->1 ACK',
        '10 1->0 200 OK',
        '11 0->1 ACK',
        '12 0->1 FIN, ACK',
        '13 1->0 FIN, ACK',
        '14 0->1 ACK',
      ],
    );
    assert.deepEqual([page.items[0]!.srcPort, page.items[0]!.dstPort], [59566, 8080]);
    assert.match(page.items[0]!.comment, /^59566 → 8080 \[SYN\] Seq=0/);
  });

  it('labels ICMP echo and DNS in words, pages through the matched frames, and keeps the columns of every page', async () => {
    const ping = await indexOf('01-overlay-ping-flood-underlay-n1eth0.pcap');
    const all = flowPage(ping, null, ping.count, 0, 1000);
    const page = flowPage(ping, null, ping.count, 7, 2);
    assert.deepEqual(page.nodes, all.nodes);
    assert.deepEqual(
      page.items.map((i) => [i.number, i.label, i.srcPort]),
      [
        [8, 'Echo (ping) request id=0x7c60, seq=1', undefined],
        [9, 'Echo (ping) reply id=0x7c60, seq=1', undefined],
      ],
    );
    const dns = await indexOf('03-overlay-dns-c1eth0.pcap');
    const m = await dns.match('dns');
    assert.ok(m.ok);
    const d = flowPage(dns, m.mask, m.count, 0, 2);
    assert.deepEqual(
      d.items.map((i) => i.label),
      ['Standard query A c4', 'Standard query response A c4 A 10.0.1.5'],
    );
    assert.deepEqual([d.items[1]!.srcPort, d.items[1]!.dstPort], [53, 33408]);
  });

  it('a wrong filter says where', async () => {
    const ix = await indexOf('04-overlay-http-c1eth0.pcap');
    const m = await ix.match('  tcp.port ==');
    assert.equal(m.ok, false);
    if (!m.ok) assert.ok(m.error.start >= 2, JSON.stringify(m.error));
  });

  it('caps the columns, sharing the last among the rest', async () => {
    const ix = await indexOf('05-vip-rr-nft-underlay-n1eth0.pcap');
    const { nodes } = flowNodes(ix, null);
    assert.ok(nodes.length <= FLOW_NODES_MAX);
    assert.equal(new Set(nodes).size, nodes.length);
  });
});

describe('I/O graph', () => {
  it('picks 1, 2, 5 × 10^k seconds for at most 200 intervals', () => {
    assert.equal(autoInterval(0.527624), 0.005);
    assert.equal(autoInterval(5.08), 0.05);
    assert.equal(autoInterval(0), 1e-6);
    assert.equal(autoInterval(199), 1);
    assert.equal(autoInterval(200), 2);
    assert.equal(autoInterval(3600), 20);
  });

  it('counts frames and bytes per interval, for a filter too', async () => {
    const ix = await indexOf('03-overlay-dns-c1eth0.pcap');
    const duration = ix.time[ix.count - 1]!;
    const n = bucketCount(duration, 0.25);
    assert.equal(n, 4);
    const all = ioBuckets(ix, null, 0.25, n);
    assert.equal(
      all.frames.reduce((a, b) => a + b, 0),
      ix.count,
    );
    assert.equal(
      all.bytes.reduce((a, b) => a + b, 0),
      [...ix.length].reduce((a, b) => a + b, 0),
    );
    const m = await ix.match('dns.flags.response == 1');
    assert.ok(m.ok);
    const responses = ioBuckets(ix, m.mask, 0.25, n);
    assert.equal(
      responses.frames.reduce((a, b) => a + b, 0),
      4,
    );
    // Every bucket of the responses holds at most what every frame's does.
    responses.frames.forEach((f, i) => assert.ok(f <= all.frames[i]!));
    assert.deepEqual(all.frames, [4, 2, 2, 2]);
  });

  it('refuses an interval that cuts the capture too fine, saying what to choose', () => {
    assert.throws(() => bucketCount(10, 1e-4), (e: Error) => e.message.includes(`at most ${IO_BUCKETS_MAX.toLocaleString('en-US')}`) && e.message.startsWith('interval:'));
  });
});
