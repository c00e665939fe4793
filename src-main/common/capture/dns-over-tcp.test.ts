// Follow DNS over TCP: a capture built with the project's own encoders, where the 2-byte length prefixes split
// and join DNS messages across segments, read back as queries and answers in words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode as encodeDns, type DnsMessage } from '../wire/dns.ts';
import { encode as encodeEthernet, ETHERTYPE_IPV4 } from '../wire/ethernet.ts';
import { encode as encodeIpv4, PROTO_TCP } from '../wire/ipv4.ts';
import { parseIpv4 } from '../wire/ipv4-address.ts';
import { parseMac } from '../wire/mac.ts';
import { ACK, PSH, SYN, encode as encodeTcp } from '../wire/tcp.ts';
import { writePcap } from '../pcap/index.ts';
import { AnalysisIndex } from './analysis-index.ts';
import { parseCaptureFile } from './indexer.ts';
import { followStream } from './follow.ts';

const CLIENT = { mac: parseMac('02:42:0a:00:01:02'), ip: parseIpv4('10.0.1.2'), port: 40000 };
const SERVER = { mac: parseMac('02:42:0a:00:01:0b'), ip: parseIpv4('10.0.1.11'), port: 53 };

function frame(fromClient: boolean, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  const [a, b] = fromClient ? [CLIENT, SERVER] : [SERVER, CLIENT];
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
