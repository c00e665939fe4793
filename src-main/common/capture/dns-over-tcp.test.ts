// Follow DNS over TCP: a capture built with the project's own encoders, where the 2-byte length prefixes split
// and join DNS messages across segments, read back as queries and answers in words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode as encodeDns, type DnsMessage } from '../wire/dns.ts';
import { encode as encodeEthernet, ETHERTYPE_IPV4 } from '../wire/ethernet.ts';
import { encode as encodeIpv4, PROTO_TCP, PROTO_UDP } from '../wire/ipv4.ts';
import { parseIpv4 } from '../wire/ipv4-address.ts';
import { parseMac } from '../wire/mac.ts';
import { ACK, PSH, SYN, encode as encodeTcp } from '../wire/tcp.ts';
import { encode as encodeUdp } from '../wire/udp.ts';
import { writePcap } from '../pcap/index.ts';
import { AnalysisIndex } from './analysis-index.ts';
import { parseCaptureFile } from './indexer.ts';
import { followStream } from './follow.ts';
import { FlotillaError } from '../api/errors.ts';

const CLIENT = { mac: parseMac('02:42:0a:00:01:02'), ip: parseIpv4('10.0.1.2'), port: 40000 };
const SERVER = { mac: parseMac('02:42:0a:00:01:0b'), ip: parseIpv4('10.0.1.11'), port: 53 };

function frame(fromClient: boolean, seq: number, ack: number, flags: number, payload: Uint8Array, client = CLIENT): Uint8Array {
  const [a, b] = fromClient ? [client, SERVER] : [SERVER, client];
  const tcp = encodeTcp({ srcPort: a.port, dstPort: b.port, seq, ack, flags, window: 502, urgentPointer: 0, options: [], payload }, { src: a.ip, dst: b.ip });
  const ip = encodeIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: PROTO_TCP, src: a.ip, dst: b.ip, options: new Uint8Array(0), payload: tcp });
  return encodeEthernet({ dst: b.mac, src: a.mac, ethertype: ETHERTYPE_IPV4, payload: ip });
}

/** A DNS message with its 2-byte length before it, as TCP carries it. */
function framed(m: DnsMessage): Uint8Array {
  const body = encodeDns(m);
  const out = new Uint8Array(body.length + 2);
  out[0] = body.length >> 8;
  out[1] = body.length & 0xff;
  out.set(body, 2);
  return out;
}

const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

const query = (id: number, name: string, type: number): DnsMessage => ({ id, flags: 0x0100, questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [] });
const a = (name: string, ip: string) => ({ name, type: 1, class: 1, ttl: 600, data: { kind: 'a' as const, address: parseIpv4(ip) } });

/** The exchange below, or its first `keep` frames. */
async function capture(keep = Infinity): Promise<AnalysisIndex> {
  // Two queries in one segment; the first answer split across two segments, the second in the segment after.
  const q = join(framed(query(0x1234, 'web', 1)), framed(query(0x1235, 'db', 1)));
  const r1 = framed({ ...query(0x1234, 'web', 1), flags: 0x8180, answers: [a('web', '10.0.1.100'), a('web', '10.0.1.101')] });
  const r2 = framed({ ...query(0x1235, 'db', 1), flags: 0x8183 });
  let c = 1000;
  let s = 5000;
  const frames = [frame(true, c, 0, SYN, new Uint8Array(0)), frame(false, s, c + 1, SYN | ACK, new Uint8Array(0))];
  c++;
  s++;
  frames.push(frame(true, c, s, ACK, new Uint8Array(0)));
  frames.push(frame(true, c, s, PSH | ACK, q));
  c += q.length;
  frames.push(frame(false, s, c, ACK, r1.subarray(0, 20)));
  frames.push(frame(false, s + 20, c, PSH | ACK, join(r1.subarray(20), r2.subarray(0, 5))));
  frames.push(frame(false, s + r1.length + 5, c, PSH | ACK, r2.subarray(5)));
  const pcap = writePcap(frames.slice(0, keep).map((data, i) => ({ tsNs: 1_000_000_000 + i * 1_000_000, data })));
  return AnalysisIndex.build(parseCaptureFile(pcap));
}

describe('follow DNS over TCP', () => {
  it('cuts each side at its length prefixes and pairs queries with answers, at the frames that completed them', async () => {
    const ix = await capture();
    const f = followStream(ix, 'dns', { number: 4 });
    assert.equal(f.protocol, 'dns');
    assert.equal(f.filter, 'tcp.stream eq 0');
    assert.deepEqual(f.nodes, [
      { address: '10.0.1.2', port: 40000 },
      { address: '10.0.1.11', port: 53 },
    ]);
    assert.deepEqual(
      f.dns?.map((d) => [d.id, d.queryFrame, d.responseFrame, d.question, d.answers, d.elapsedMs]),
      [
        [0x1234, 4, 6, 'Which IPv4 address (A) has web?', ['web is at 10.0.1.100', 'web is at 10.0.1.101'], 2],
        [0x1235, 4, 7, 'Which IPv4 address (A) has db?', ['db does not exist (No such name)'], 3],
      ],
    );
    // The bytes themselves follow as TCP does: the queries, then the answers in one merged run.
    assert.deepEqual(
      f.chunks.map((c) => [c.dir, c.frames]),
      [
        [0, [4]],
        [1, [5, 6, 7]],
      ],
    );
  });

  it('leaves out a message the capture ends in the middle of', async () => {
    const cut = await capture(6);
    const f = followStream(cut, 'dns', { number: 1 });
    assert.deepEqual(
      f.dns?.map((d) => [d.id, d.queryFrame, d.responseFrame]),
      [
        [0x1234, 4, 6],
        [0x1235, 4, null],
      ],
    );
  });

  it('takes a DNS stream index as the UDP one, and refuses a frame past the end', async () => {
    const ix = await capture();
    assert.throws(() => followStream(ix, 'dns', { stream: 0 }), /no udp.stream 0/);
    assert.throws(() => followStream(ix, 'dns', { number: 9 }), /has 7 frames; there is no frame 9/);
  });
});

/** A DNS datagram between a client port and the server's 53. */
function udpFrame(fromClient: boolean, clientPort: number, m: DnsMessage): Uint8Array {
  const client = { ...CLIENT, port: clientPort };
  const [a, b] = fromClient ? [client, SERVER] : [SERVER, client];
  const udp = encodeUdp({ srcPort: a.port, dstPort: b.port, payload: encodeDns(m) }, { src: a.ip, dst: b.ip });
  const ip = encodeIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: PROTO_UDP, src: a.ip, dst: b.ip, options: new Uint8Array(0), payload: udp });
  return encodeEthernet({ dst: b.mac, src: a.mac, ethertype: ETHERTYPE_IPV4, payload: ip });
}

/** One query and its answer over a new TCP connection from `clientPort`: handshake, query, answer. */
function tcpLookup(clientPort: number, id: number, name: string, ip: string): Uint8Array[] {
  const client = { ...CLIENT, port: clientPort };
  const q = framed(query(id, name, 1));
  const r = framed({ ...query(id, name, 1), flags: 0x8180, answers: [a(name, ip)] });
  const c = 2000;
  const s = 7000;
  return [
    frame(true, c, 0, SYN, new Uint8Array(0), client),
    frame(false, s, c + 1, SYN | ACK, new Uint8Array(0), client),
    frame(true, c + 1, s + 1, ACK, new Uint8Array(0), client),
    frame(true, c + 1, s + 1, PSH | ACK, q, client),
    frame(false, s + 1, c + 1 + q.length, PSH | ACK, r, client),
  ];
}

describe('stepping through DNS streams over TCP', () => {
  // UDP lookups before and between two TCP ones, so that tcp.stream N and udp.stream N both exist and differ:
  // udp.stream 0 is frames 1-2, tcp.stream 0 frames 3-7, udp.stream 1 frames 8-9, tcp.stream 1 frames 10-14.
  const mixed = () => {
    const frames = [
      udpFrame(true, 50000, query(0x10, 'cache', 1)),
      udpFrame(false, 50000, { ...query(0x10, 'cache', 1), flags: 0x8180, answers: [a('cache', '10.0.1.50')] }),
      ...tcpLookup(40000, 0x20, 'web', '10.0.1.100'),
      udpFrame(true, 50001, query(0x11, 'queue', 1)),
      udpFrame(false, 50001, { ...query(0x11, 'queue', 1), flags: 0x8180, answers: [a('queue', '10.0.1.60')] }),
      ...tcpLookup(40001, 0x21, 'api', '10.0.1.200'),
    ];
    return AnalysisIndex.build(parseCaptureFile(writePcap(frames.map((data, i) => ({ tsNs: 1_000_000_000 + i * 1_000_000, data })))));
  };
  const questions = (f: ReturnType<typeof followStream>) => f.dns?.map((d) => d.question);

  it('steps to the next and previous TCP stream when the transport says TCP, as the panel\'s ‹ › ask', async () => {
    const ix = await mixed();
    const first = followStream(ix, 'dns', { number: 6 });
    assert.equal(first.filter, 'tcp.stream eq 0');
    assert.deepEqual(questions(first), ['Which IPv4 address (A) has web?']);

    const next = followStream(ix, 'dns', { stream: first.stream + 1, transport: 'tcp' });
    assert.equal(next.filter, 'tcp.stream eq 1');
    assert.deepEqual(next.nodes[0], { address: '10.0.1.2', port: 40001 });
    assert.deepEqual(questions(next), ['Which IPv4 address (A) has api?']);
    assert.deepEqual(next.dns?.map((d) => [d.queryFrame, d.responseFrame]), [[13, 14]]);

    const back = followStream(ix, 'dns', { stream: next.stream - 1, transport: 'tcp' });
    assert.equal(back.filter, 'tcp.stream eq 0');
    assert.deepEqual(back.chunks, first.chunks);

    // Past the last TCP stream there is none, even though the capture has UDP streams left to count.
    assert.throws(() => followStream(ix, 'dns', { stream: 2, transport: 'tcp' }), /no tcp.stream 2/);
  });

  it('keeps a bare DNS stream index on UDP, and follows UDP when told even from a frame', async () => {
    const ix = await mixed();
    // Without the transport an index is the UDP one: the step the panel made before it said which.
    const udp = followStream(ix, 'dns', { stream: 1 });
    assert.equal(udp.filter, 'udp.stream eq 1');
    assert.deepEqual(questions(udp), ['Which IPv4 address (A) has queue?']);
    assert.deepEqual(followStream(ix, 'dns', { stream: 1, transport: 'udp' }).chunks, udp.chunks);
    assert.equal(followStream(ix, 'dns', { number: 1, transport: 'udp' }).filter, 'udp.stream eq 0');
    assert.throws(() => followStream(ix, 'dns', { number: 6, transport: 'udp' }), /frame 6 is not part of a UDP \(DNS\) stream/);
    assert.throws(() => followStream(ix, 'dns', { number: 1, transport: 'tcp' }), /frame 1 is not part of a TCP \(DNS\) stream/);
  });

  it('refuses a transport the protocol does not run over, naming the field', async () => {
    const ix = await mixed();
    for (const [protocol, transport] of [['tcp', 'udp'], ['http', 'udp'], ['udp', 'tcp']] as const) {
      assert.throws(
        () => followStream(ix, protocol, { stream: 0, transport }),
        (e: unknown) => e instanceof FlotillaError && e.code === 'invalid-argument' && e.field === 'transport',
      );
    }
    // The transport a protocol always has is accepted.
    assert.equal(followStream(ix, 'http', { stream: 1, transport: 'tcp' }).filter, 'tcp.stream eq 1');
    assert.equal(followStream(ix, 'udp', { stream: 1, transport: 'udp' }).filter, 'udp.stream eq 1');
  });
});
