// Follow stream: TCP reassembly on made-up segments (order, retransmission, overlap, holes, FIN both ways, the
// sequence wrapping), and on the kernel's reference captures against tshark (stream indexes, each direction's
// bytes), with HTTP and DNS read back from them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { referenceDir, referenceNames } from '../dissect/testing.ts';
import { compileFilter } from '../dissect/index.ts';
import { followStream } from './follow.ts';
import { indexOf } from './testing.ts';
import { ACK, FIN, SYN, TcpReassembler, type Piece, type TcpSegment } from './tcp-reassembly.ts';

const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const text = (s: string) => new TextEncoder().encode(s);
const ascii = (b: Uint8Array) => new TextDecoder().decode(b);

function seg(frame: number, dir: 0 | 1, seq: number, payload: string, flags = ACK, ack = 0): TcpSegment {
  return { frame, time: frame / 10, dir, seq: seq >>> 0, ack: ack >>> 0, flags, payload: text(payload) };
}

/** Each direction's delivered text, with a gap as "[n missing]". */
function sides(pieces: Piece[]): [string, string] {
  const out: [string, string] = ['', ''];
  for (const p of pieces) out[p.dir] += p.kind === 'data' ? ascii(p.data) : `[${p.missing} missing]`;
  return out;
}

describe('TCP reassembly', () => {
  it('puts out-of-order segments back in sequence order', () => {
    const r = new TcpReassembler();
    r.push(seg(1, 0, 1000, '', SYN));
    r.push(seg(2, 1, 5000, '', SYN | ACK, 1001));
    r.push(seg(3, 0, 1001, 'GET '));
    r.push(seg(4, 0, 1009, 'HTTP/1.1\r\n'));
    r.push(seg(5, 0, 1005, '/ab '));
    assert.deepEqual(sides(r.finish()), ['GET /ab HTTP/1.1\r\n', '']);
    assert.equal(r.fates.get(4), 'out-of-order');
    assert.equal(r.fates.get(5), 'in-order');
    // Frame 5 filled the hole, so frame 4's bytes come after it.
    assert.deepEqual(
      r.pieces.map((p) => p.frame),
      [3, 5, 4],
    );
  });

  it('drops retransmissions and keeps only the new bytes of an overlap (the first copy wins)', () => {
    const r = new TcpReassembler();
    r.push(seg(1, 0, 100, 'hello '));
    r.push(seg(2, 0, 100, 'hello '));
    r.push(seg(3, 0, 103, 'XXXworld'));
    assert.deepEqual(sides(r.finish()), ['hello world', '']);
    assert.equal(r.fates.get(2), 'retransmission');
    assert.equal(r.fates.get(3), 'overlap');
  });

  it('marks a hole the other side acknowledged past as a gap, in place', () => {
    const r = new TcpReassembler();
    r.push(seg(1, 0, 0, '', SYN));
    r.push(seg(2, 0, 1, 'aaaa'));
    r.push(seg(3, 0, 9, 'cccc')); // bytes 5..8 never captured
    r.push(seg(4, 1, 77, 'reply', ACK, 13)); // the receiver has them all
    assert.deepEqual(sides(r.finish()), ['aaaa[4 missing]cccc', 'reply']);
    // The gap and the held bytes come before the reply that acknowledged them.
    assert.deepEqual(
      r.pieces.map((p) => `${p.kind}:${p.dir}`),
      ['data:0', 'gap:0', 'data:0', 'data:1'],
    );
  });

  it('ends both directions at their FINs and delivers held bytes after a gap at the end', () => {
    const r = new TcpReassembler();
    r.push(seg(1, 0, 10, '', SYN));
    r.push(seg(2, 1, 90, '', SYN | ACK, 11));
    r.push(seg(3, 0, 11, 'ping', ACK, 91));
    r.push(seg(4, 1, 91, 'pong', ACK, 15));
    r.push(seg(5, 0, 15, '', FIN | ACK, 95));
    r.push(seg(6, 1, 99, 'late', ACK, 16)); // 95..98 lost
    r.push(seg(7, 1, 103, '', FIN | ACK, 16));
    assert.deepEqual(r.finished, [true, true]);
    assert.deepEqual(sides(r.finish()), ['ping', 'pong[4 missing]late']);
  });

  it('follows the sequence space across 2^32', () => {
    const r = new TcpReassembler();
    r.push(seg(1, 0, 0xfffffffd, 'abc'));
    r.push(seg(2, 0, 3, 'ghi'));
    r.push(seg(3, 0, 0, 'def'));
    assert.deepEqual(sides(r.finish()), ['abcdefghi', '']);
  });
});

describe('stream indexes and follow against tshark', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
  const tshark = (args: string[]) => execFileSync('tshark', args, { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }).toString();

  for (const name of referenceNames()) {
    it(`${name}: tcp.stream and udp.stream of every frame, and each TCP stream's bytes`, async () => {
      const path = `${referenceDir()}/${name}`;
      const ix = await indexOf(name);
      const rows = tshark(['-r', path, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'tcp.stream', '-e', 'udp.stream']).split('\n').filter((l) => l !== '');
      assert.equal(rows.length, ix.count);
      const tcpStreams = new Set<number>();
      rows.forEach((row, i) => {
        const [tcp, udp] = row.split('\t');
        const mine = ix.udpStreams.get(i) ?? (ix.udpStream[i]! >= 0 ? [ix.udpStream[i]!] : []);
        assert.deepEqual([ix.tcpStream[i]! >= 0 ? String(ix.tcpStream[i]) : '', mine.join(',')], [tcp, udp], `${name} frame ${i + 1}`);
        if (ix.tcpStream[i]! >= 0) tcpStreams.add(ix.tcpStream[i]!);
      });
      for (const s of tcpStreams) {
        const out = tshark(['-r', path, '-q', '-z', `follow,tcp,raw,${s}`]);
        const want = ['', ''];
        for (const line of out.split('\n').slice(6)) {
          if (line.startsWith('=') || line === '') continue;
          if (line.startsWith('\t')) want[1] += line.slice(1);
          else want[0] += line;
        }
        const f = followStream(ix, 'tcp', { stream: s });
        const got = ['', ''];
        for (const c of f.chunks) got[c.dir] += Array.from(atob(c.data), (ch) => ch.charCodeAt(0).toString(16).padStart(2, '0')).join('');
        assert.deepEqual(got, want, `${name} tcp.stream ${s}`);
        assert.equal(f.filter, `tcp.stream eq ${s}`);
      }
    });
  }

  it('"filter to this stream" selects what tshark selects', async () => {
    for (const [name, filter] of [
      ['04-overlay-http-c1eth0.pcap', 'tcp.stream eq 1'],
      ['03-overlay-dns-underlay-n1eth0.pcap', 'udp.stream == 4'],
      ['05-vip-rr-nft-underlay-n1eth0.pcap', 'udp.stream eq 2'],
    ] as const) {
      const ix = await indexOf(name);
      const m = await ix.match(filter);
      assert.ok(m.ok && compileFilter(filter).ok);
      const mine = m.ok ? [...m.mask].flatMap((v, i) => (v ? [String(i + 1)] : [])) : [];
      const want = tshark(['-r', `${referenceDir()}/${name}`, '-Y', filter, '-T', 'fields', '-e', 'frame.number']).split('\n').filter((l) => l !== '');
      assert.deepEqual(mine, want, `${name}: ${filter}`);
      assert.ok(want.length > 0);
    }
  });
});

describe('follow HTTP and DNS on the reference captures', () => {
  it('HTTP: each request with its response, headers and body, and the frames that carried them', async () => {
    const ix = await indexOf('04-overlay-http-c1eth0.pcap');
    const f = followStream(ix, 'http', { number: 20 });
    assert.equal(f.stream, 1);
    assert.deepEqual(f.nodes, [
      { address: '10.0.1.2', port: 59570 },
      { address: '10.0.1.5', port: 8080 },
    ]);
    assert.equal(f.http?.length, 1);
    const { request, response } = f.http![0]!;
    assert.equal(request?.startLine, 'GET /4k.txt HTTP/1.1');
    assert.deepEqual(request?.headers.find(([n]) => n === 'Host'), ['Host', '10.0.1.5:8080']);
    assert.deepEqual(request?.frames, [18]);
    assert.equal(response?.startLine, 'HTTP/1.0 200 OK');
    assert.equal(response?.contentType, 'text/plain');
    assert.equal(response?.bodyLength, 4000);
    assert.equal(response?.complete, true);
    assert.deepEqual(response?.frames, [20, 22, 24, 26]);
    assert.ok(response?.bodyText?.startsWith('ABCDEFGHIJKLMNOPQRSTUVWXYZABC'));
    // The chunks: the request, then the response in one merged run of four frames.
    assert.deepEqual(
      f.chunks.map((c) => [c.dir, c.frames]),
      [
        [0, [18]],
        [1, [20, 22, 24, 26]],
      ],
    );
    assert.deepEqual(f.bytes, [83, 4188]);

    const first = followStream(ix, 'http', { number: 6 });
    assert.equal(first.http![0]!.response?.bodyText, 'hello from c4\n');
  });

  it('DNS: each query paired with its answer, in words', async () => {
    const ix = await indexOf('03-overlay-dns-underlay-n1eth0.pcap');
    // Frame 5 is VXLAN: the DNS is in the inner UDP stream.
    const f = followStream(ix, 'dns', { number: 5 });
    assert.equal(f.stream, 4);
    assert.equal(f.filter, 'udp.stream eq 4');
    assert.deepEqual(
      f.dns?.map((d) => [d.queryFrame, d.responseFrame, d.question, d.answers]),
      [[5, 6, 'Which IPv4 address (A) has web?', ['web is at 10.0.1.100']]],
    );
    const all = await indexOf('03-overlay-dns-c1eth0.pcap');
    const words = [3, 7, 9].map((n) => followStream(all, 'dns', { number: n }).dns![0]!);
    assert.deepEqual(words[0]!.answers, ['c4 is at 10.0.1.5']);
    assert.equal(words[1]!.question, 'Which name does 10.0.1.5 (5.1.0.10.in-addr.arpa) point to (PTR)?');
    assert.deepEqual(words[1]!.answers, ['10.0.1.5 is c4']);
    assert.deepEqual(words[2]!.answers, ['nosuch.example does not exist (No such name)']);
    assert.ok(words[0]!.elapsedMs !== null && words[0]!.elapsedMs > 0);
  });

  it('refuses a frame that is not in a stream of that kind, saying which', async () => {
    const ix = await indexOf('04-overlay-http-c1eth0.pcap');
    assert.throws(() => followStream(ix, 'tcp', { number: 1 }), /frame 1 is not part of a TCP stream/);
    assert.throws(() => followStream(ix, 'udp', { number: 3 }), /frame 3 is not part of a UDP stream/);
    assert.throws(() => followStream(ix, 'tcp', { number: 99 }), /has 30 frames; there is no frame 99/);
    assert.throws(() => followStream(ix, 'tcp', { stream: 7 }), /no tcp.stream 7/);
  });
});
