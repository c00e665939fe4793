// The packet list's rows built from the import's index (first-pass.ts walk + rows.ts primed dissection) equal the
// rows of the full dissector's pass over every frame in order — source, destination, protocol, length, info and
// colour — for every frame of every reference capture, and for thousands of mutated frames mixed among them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { FrameRow } from '../api/capture-types.ts';
import { CaptureContext, dissect, type TreeNode } from '../dissect/index.ts';
import { writePcap, writePcapng, readCapture } from '../pcap/index.ts';
import { sharedPath } from '../../../test/shared-path.ts';
import { KIND_SPECIAL } from './frame-index.ts';
import { frameMeta, indexCapture, indexFrames, parseCaptureFile } from './indexer.ts';
import { PrimedContext, frameMeta as rowMeta, renderRows } from './rows.ts';
import { colourName } from './colouring.ts';
import { encode as encodeEthernet, ETHERTYPE_IPV4 } from '../wire/ethernet.ts';
import { encode as encodeIpv4, PROTO_TCP } from '../wire/ipv4.ts';
import { parseIpv4 } from '../wire/ipv4-address.ts';
import { parseMac } from '../wire/mac.ts';
import { concatBytes } from '../wire/bytes.ts';
import { ACK, PSH, SYN, encode as encodeTcp } from '../wire/tcp.ts';

/** Every row, as the full dissector's pass over every frame in order gives it. */
function truth(bytes: Uint8Array): FrameRow[] {
  const parsed = parseCaptureFile(bytes);
  const rows: FrameRow[] = [];
  for (const f of indexFrames(parsed, new CaptureContext())) {
    const row: FrameRow = { number: f.number, timeRelative: f.tsRelNs / 1e9, source: f.source, destination: f.destination, protocol: f.protocol, length: f.origLen, info: f.info };
    const colour = colourName(f.colour);
    if (colour !== undefined) row.colour = colour;
    rows.push(row);
  }
  return rows;
}

/** Every row from the index, rendered a page at a time in reverse page order (no page sees another first). */
function fromIndex(bytes: Uint8Array): { rows: FrameRow[]; special: number } {
  const ic = indexCapture(bytes);
  const ix = ic.index;
  const special = new Map(ic.special.map((r) => [r.number, r]));
  const frame = (number: number) => {
    const at = number - 1;
    const iface = ic.interfaces[ix.iface[at]!];
    return { number, index: ix, at, data: bytes.subarray(ix.offset[at]!, ix.offset[at]! + ix.caplen[at]!), linktype: iface?.linktype ?? 1, interfaceName: iface?.name };
  };
  const pages: FrameRow[][] = [];
  for (let from = Math.floor((ix.count - 1) / 50) * 50; from >= 0; from -= 50) {
    const frames = [];
    for (let at = from; at < Math.min(ix.count, from + 50); at++) frames.push(frame(at + 1));
    pages.unshift(renderRows(frames, ic.firstTsNs, special, frame));
  }
  let kept = 0;
  for (let i = 0; i < ix.count; i++) if (ix.kind[i] === KIND_SPECIAL) kept++;
  return { rows: pages.flat(), special: kept };
}

function assertSameRows(name: string, bytes: Uint8Array): number {
  const want = truth(bytes);
  const { rows, special } = fromIndex(bytes);
  assert.equal(rows.length, want.length, `${name}: frame count`);
  for (let i = 0; i < want.length; i++) assert.deepEqual(rows[i], want[i], `${name}: frame ${i + 1}`);
  return special;
}

const referenceDir = () => sharedPath('reference', 'linux');
const references = () => readdirSync(referenceDir()).filter((f) => f.endsWith('.pcap'));

test('every reference capture: the rows from the index equal the full dissector pass', () => {
  let frames = 0;
  for (const f of references()) {
    const bytes = new Uint8Array(readFileSync(`${referenceDir()}/${f}`));
    assertSameRows(f, bytes);
    frames += readCapture(bytes).packets.length;
  }
  assert.ok(frames > 100, `only ${frames} reference frames`);
});

test('the walk keeps TCP, ICMP, DNS, ARP and HTTP on the fast path; IPv4 fragments are kept whole', () => {
  const kept = (f: string) => fromIndex(new Uint8Array(readFileSync(`${referenceDir()}/${f}`))).special;
  for (const f of ['04-overlay-http-c1eth0.pcap', '04-overlay-http-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap', '02-bridge-docker0-arp-icmp.pcap']) assert.equal(kept(f), 0, f);
  // 01c: an echo request and its reply of 1,500+ bytes, each in two fragments.
  assert.equal(kept('01c-overlay-mtu-underlay-n1eth0.pcap'), 4);
});

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Reference frames, and mutated copies of them interleaved (so the TCP and ICMP tables meet odd frames). */
function mutated(seed: number, count: number): { tsNs: bigint; data: Uint8Array; origLen?: number }[] {
  const all = references().flatMap((f) => readCapture(new Uint8Array(readFileSync(`${referenceDir()}/${f}`))).packets);
  const r = rng(seed);
  const out: { tsNs: bigint; data: Uint8Array; origLen?: number }[] = [];
  for (let i = 0; i < count; i++) {
    const src = all[r() % all.length]!.data;
    const data = src.slice();
    if (i % 3 !== 0) {
      const kind = r() % 5;
      if (kind === 0) {
        const at = r() % data.length;
        data[at] = data[at]! ^ (1 << r() % 8);
      }
      else if (kind === 1) for (let k = 0; k < 4; k++) data[r() % data.length] = r() & 0xff;
      else if (kind === 2) {
        // Header bytes where the walk decides: ethertype, IP header length/flags/protocol, ports, TCP offset/flags.
        const at = [12, 13, 14, 20, 23, 34, 36, 46, 47, 50, 51, 56, 57][r() % 13]!;
        if (at < data.length) data[at] = r() & 0xff;
      } else if (kind === 3) {
        out.push({ tsNs: BigInt(i) * 1000n, data: data.subarray(0, r() % data.length), origLen: data.length });
        continue;
      }
      // kind 4: the frame as it is, again (a retransmission, a repeated echo)
    }
    out.push({ tsNs: BigInt(i) * 1000n, data });
  }
  return out;
}

test('a few thousand mutated frames: the rows from the index equal the full dissector pass', () => {
  for (const seed of [1, 2, 3]) {
    const frames = mutated(seed, 1500);
    assertSameRows(`seed ${seed}`, writePcap(frames.map((f) => ({ tsNs: f.tsNs, data: f.data, ...(f.origLen === undefined ? {} : { origLen: f.origLen }) }))));
  }
});

test('pcapng with several interfaces: rows and interfaces as the dissector pass gives them', () => {
  const frames = mutated(9, 400);
  const ng = writePcapng({
    interfaces: [{ name: 'eth0' }, { name: 'vxlan0', linktype: 1 }],
    packets: frames.map((f, i) => ({ interface: i % 2, tsNs: f.tsNs, data: f.data })),
  });
  assertSameRows('pcapng', ng);
  const ic = indexCapture(ng);
  assert.equal(ic.format, 'pcapng');
  assert.deepEqual([...ic.index.iface.subarray(0, 4)], [0, 1, 0, 1]);
});

test('state shared both ways: frames the dissector takes (cut by the snaplen) among frames the walk takes', () => {
  for (const f of ['02-bridge-docker0-arp-icmp.pcap', '04-overlay-http-c1eth0.pcap', '04-overlay-http-underlay-n1eth0.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap']) {
    const packets = readCapture(new Uint8Array(readFileSync(`${referenceDir()}/${f}`))).packets;
    for (const every of [2, 3, 5]) {
      // Every n-th frame stored cut short by 2 bytes: the dissector takes it (and its SYN, request or segment).
      const cut = packets.map((p, i) => (i % every === 1 ? { tsNs: p.tsNs, data: p.data.subarray(0, p.data.length - 2), origLen: p.data.length } : { tsNs: p.tsNs, data: p.data }));
      assert.ok(assertSameRows(`${f} every ${every}`, writePcap(cut)) > 0);
    }
  }
});

test('HTTP heads read as http.ts reads them: Content-Length in any case, blanks, digits, near misses', () => {
  const packets = readCapture(new Uint8Array(readFileSync(`${referenceDir()}/04-overlay-http-c1eth0.pcap`))).packets;
  const needle = new TextEncoder().encode('Content-Length: ');
  const find = (d: Uint8Array) => {
    for (let i = 0; i + needle.length <= d.length; i++) if (needle.every((c, k) => d[i + k] === c)) return i;
    return -1;
  };
  assert.ok(packets.some((p) => find(p.data) >= 0), 'the reference responses carry Content-Length');
  const variants = ['CONTENT-LENGTH: ', 'content-length:\t', 'Content-Lengt\r: ', 'Content\rLength: ', 'Content-Length:x', 'Content-Length:  '];
  for (const v of variants) {
    for (const digit of [undefined, '0', '9']) {
      const frames = packets.map((p) => {
        const at = find(p.data);
        if (at < 0) return { tsNs: p.tsNs, data: p.data };
        const data = p.data.slice();
        data.set(new TextEncoder().encode(v), at);
        if (digit !== undefined) data[at + needle.length] = digit.charCodeAt(0);
        return { tsNs: p.tsNs, data };
      });
      assertSameRows(`${JSON.stringify(v)} ${digit ?? ''}`, writePcap(frames));
    }
  }
});

/** A TCP conversation 10.0.1.2:40000 → 10.0.1.11:80 carrying `segments` (true: from the client), after a handshake. */
function tcpConversation(segments: readonly [boolean, Uint8Array][]): { tsNs: bigint; data: Uint8Array }[] {
  const ends = [
    { mac: parseMac('02:42:0a:00:01:02'), ip: parseIpv4('10.0.1.2'), port: 40000 },
    { mac: parseMac('02:42:0a:00:01:0b'), ip: parseIpv4('10.0.1.11'), port: 80 },
  ] as const;
  const frame = (fromClient: boolean, seq: number, ack: number, flags: number, payload: Uint8Array) => {
    const [a, b] = fromClient ? [ends[0], ends[1]] : [ends[1], ends[0]];
    const tcp = encodeTcp({ srcPort: a.port, dstPort: b.port, seq, ack, flags, window: 502, urgentPointer: 0, options: [], payload }, { src: a.ip, dst: b.ip });
    const ip = encodeIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: PROTO_TCP, src: a.ip, dst: b.ip, options: new Uint8Array(0), payload: tcp });
    return encodeEthernet({ dst: b.mac, src: a.mac, ethertype: ETHERTYPE_IPV4, payload: ip });
  };
  let c = 1001;
  let sv = 5001;
  const out = [frame(true, 1000, 0, SYN, new Uint8Array(0)), frame(false, 5000, c, SYN | ACK, new Uint8Array(0)), frame(true, c, sv, ACK, new Uint8Array(0))];
  for (const [fromClient, payload] of segments) {
    out.push(frame(fromClient, fromClient ? c : sv, fromClient ? sv : c, PSH | ACK, payload));
    if (fromClient) c += payload.length;
    else sv += payload.length;
  }
  return out.map((data, i) => ({ tsNs: 1_000_000_000n + BigInt(i) * 1_000_000n, data }));
}

test('chunked HTTP bodies gathered as http.ts gathers them: split anywhere, header variants, broken sizes, trailers', () => {
  const enc = new TextEncoder();
  const request = enc.encode('GET /c HTTP/1.1\r\nHost: web\r\n\r\n');
  const body = '5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n';
  const variants = ['Transfer-Encoding: chunked', 'transfer-encoding: gzip, CHUNKED', 'Transfer-Encoding: identity', 'Transfer-Encodin: chunked', 'Transfer-Encoding:\tchunked'];
  const bodies = [body, body.replace('1a;ext=1', 'zz'), body.replace(/\r\n/g, '\n').replace('HTTP', 'HTTP'), '0\r\n\r\n'];
  let n = 0;
  for (const v of variants) {
    for (const b of bodies) {
      const response = enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${v}\r\n\r\n${b}`);
      // The response cut in two at every point, then another request and response on the same connection.
      for (let cut = 1; cut < response.length; cut += 3) {
        const frames = tcpConversation([
          [true, request],
          [false, response.subarray(0, cut)],
          [false, response.subarray(cut)],
          [true, request],
          [false, response],
        ]);
        assertSameRows(`${JSON.stringify(v)} cut ${cut}`, writePcap(frames));
        n++;
      }
    }
  }
  assert.ok(n > 100);
  // The rows themselves: the cut response is one HTTP message in its last segment.
  const response = enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
  const rows = truth(writePcap(tcpConversation([[true, request], [false, response.subarray(0, 60)], [false, response.subarray(60, 90)], [false, response.subarray(90)]])));
  assert.deepEqual(rows.slice(4).map((r) => r.protocol), ['TCP', 'TCP', 'HTTP']);
  assert.equal(rows[6]!.info, 'HTTP/1.1 200 OK  (text/plain)');
});

/** A tree as text, without what no column holds (udp.stream, DNS's "Request In": the primed tree lacks them). */
function treeText(nodes: readonly TreeNode[], depth = 0): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (n.abbrev === 'udp.stream' || n.abbrev === 'dns.response_to') continue;
    out.push(`${' '.repeat(depth)}${n.label} [${n.start},${n.end}) ${n.abbrev ?? ''}=${String(n.value)}`);
    out.push(...treeText(n.children, depth + 1));
  }
  return out;
}

/**
 * Every frame's detail tree from a context primed by the index equals the one after a full pass; but a frame kept
 * whole at import, which the app dissects after a full pass of the frames before it (captures.frame).
 */
function assertSameTrees(name: string, bytes: Uint8Array): void {
  const parsed = parseCaptureFile(bytes);
  const full = new CaptureContext();
  for (const _ of indexFrames(parsed, full)) void _;
  const ic = indexCapture(bytes);
  const ix = ic.index;
  const frame = (number: number) => ({ number, index: ix, at: number - 1, data: bytes.subarray(ix.offset[number - 1]!, ix.offset[number - 1]! + ix.caplen[number - 1]!), linktype: 1 });
  for (let n = ix.count; n >= 1; n--) {
    if (ix.kind[n - 1] === KIND_SPECIAL) continue;
    const want = dissect(parsed.capture.packets[n - 1]!.data, frameMeta(parsed, n - 1), full);
    const primed = new PrimedContext(ic.firstTsNs);
    primed.prime(frame(n), frame);
    const got = dissect(frame(n).data, rowMeta(frame(n), ic.firstTsNs), primed.ctx);
    assert.deepEqual(treeText(got.roots), treeText(want.roots), `${name} frame ${n}`);
    assert.deepEqual(got.sources.map((x) => [x.name, [...x.bytes]]), want.sources.map((x) => [x.name, [...x.bytes]]), `${name} frame ${n}: data sources`);
  }
}

test('detail trees from a context primed by the index equal those after a full pass (TCP, HTTP, ICMP, ARP, VXLAN)', () => {
  for (const f of ['04-overlay-http-c1eth0.pcap', '04-overlay-http-underlay-n1eth0.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '02-bridge-docker0-arp-icmp.pcap']) {
    assertSameTrees(f, new Uint8Array(readFileSync(`${referenceDir()}/${f}`)));
  }
});

/** Frame `frame` (Ethernet, IPv4 without options) as two IPv4 fragments, the first of `firstBytes` bytes of its payload. */
function fragmented(frame: Uint8Array, firstBytes: number): Uint8Array[] {
  const ip = frame.subarray(14);
  const payload = ip.subarray(20, (ip[2]! << 8) | ip[3]!);
  const src = (ip[12]! << 24) | (ip[13]! << 16) | (ip[14]! << 8) | ip[15]!;
  const dst = (ip[16]! << 24) | (ip[17]! << 16) | (ip[18]! << 8) | ip[19]!;
  const part = (moreFragments: boolean, fragmentOffset: number, bytes: Uint8Array) => {
    const packet = encodeIpv4({ dscp: 0, ecn: 0, identification: 77, dontFragment: false, moreFragments, fragmentOffset, ttl: 64, protocol: PROTO_TCP, src: src >>> 0, dst: dst >>> 0, options: new Uint8Array(0), payload: bytes });
    return concatBytes([frame.subarray(0, 14), packet]);
  };
  return [part(true, 0, payload.subarray(0, firstBytes)), part(false, firstBytes, payload.subarray(firstBytes))];
}

test('an HTTP message the dissector joins midway (a segment in IPv4 fragments) is gathered as a full pass gathers it', () => {
  const enc = new TextEncoder();
  const request = enc.encode('GET /f HTTP/1.1\r\nHost: web\r\n\r\n');
  const response = enc.encode(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 120\r\n\r\n${'x'.repeat(120)}`);
  const chunked = enc.encode('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n5\r\nhello\r\n0\r\n\r\n');
  let n = 0;
  for (const message of [response, chunked]) {
    for (const cuts of [[30, 90], [70, 100], [10, 20]] as const) {
      const a = Math.min(cuts[0], message.length - 1);
      const b = Math.min(cuts[1], message.length - 1);
      const frames = tcpConversation([
        [true, request],
        [false, message.subarray(0, a)],
        [false, message.subarray(a, b)],
        [false, message.subarray(b)],
        [true, request],
        [false, message],
      ]);
      // The middle segment (frame 6) in two fragments: the walk leaves them to the dissector.
      const out = frames.flatMap((f, i) => (i === 5 ? fragmented(f.data, 16).map((data, k) => ({ tsNs: f.tsNs + BigInt(k), data })) : [f]));
      assertSameRows(`cuts ${a} ${b}`, writePcap(out));
      assertSameTrees(`cuts ${a} ${b}`, writePcap(out));
      // The fragments are kept whole, and so is the segment that ends a message the dissector joined (one whose
      // first segment holds its start line: cut at 10 bytes, none of the three starts a message).
      const kept = indexCapture(writePcap(out)).special.map((r) => r.number);
      assert.deepEqual(kept, a >= 17 ? [6, 7, 8] : [6, 7], `cuts ${a} ${b}: kept rows`);
      n++;
    }
  }
  assert.equal(n, 6);
});
