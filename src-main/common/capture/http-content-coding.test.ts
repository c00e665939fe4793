// HTTP bodies sent gzip- or deflate-encoded, on a capture built here with the project's own encoders: the detail
// tree's "Content-encoded entity body (gzip): N bytes -> M bytes" and the decoded body as its own data source (or
// "[Error: Decompression failed]" and why), http.file_data in the display filter's fields, and Follow HTTP stream
// showing the decoded text, a chunked deflate body included. Where tshark is installed, the same pcap is read by it
// and its decoded http.file_data and entity-body line are compared.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { encode as encodeEthernet, ETHERTYPE_IPV4 } from '../wire/ethernet.ts';
import { encode as encodeIpv4, PROTO_TCP } from '../wire/ipv4.ts';
import { parseIpv4 } from '../wire/ipv4-address.ts';
import { parseMac } from '../wire/mac.ts';
import { ACK, PSH, SYN, encode as encodeTcp } from '../wire/tcp.ts';
import { readPcap, writePcap } from '../pcap/index.ts';
import { CaptureContext, collectFields, dissect, summarize, type FrameMeta } from '../dissect/dissect.ts';
import type { Tree, TreeNode } from '../dissect/tree.ts';
import { AnalysisIndex } from './analysis-index.ts';
import { parseCaptureFile } from './indexer.ts';
import { followStream } from './follow.ts';

const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const CLIENT = { mac: parseMac('02:42:0a:00:01:02'), ip: parseIpv4('10.0.1.2'), port: 40000 };
const SERVER = { mac: parseMac('02:42:0a:00:01:0b'), ip: parseIpv4('10.0.1.11'), port: 80 };
const te = (s: string) => new TextEncoder().encode(s);
const join2 = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

function frame(fromClient: boolean, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  const [a, b] = fromClient ? [CLIENT, SERVER] : [SERVER, CLIENT];
  const tcp = encodeTcp({ srcPort: a.port, dstPort: b.port, seq, ack, flags, window: 502, urgentPointer: 0, options: [], payload }, { src: a.ip, dst: b.ip });
  const ip = encodeIpv4({ dscp: 0, ecn: 0, identification: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: PROTO_TCP, src: a.ip, dst: b.ip, options: new Uint8Array(0), payload: tcp });
  return encodeEthernet({ dst: b.mac, src: a.mac, ethertype: ETHERTYPE_IPV4, payload: ip });
}

const GZIP_TEXT = 'hello gzip\nsecond line\n';
const DEFLATE_TEXT = 'deflated, then chunked\n'.repeat(20);
const GZIPPED = new Uint8Array(zlib.gzipSync(te(GZIP_TEXT)));
/** A gzip body no decoder takes: its compression method byte says 7 (only 8, deflate, exists). */
const CORRUPT = (() => {
  const b = GZIPPED.slice();
  b[2] = 7;
  return b;
})();
const response = (head: string, body: Uint8Array) => join2(te(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n${head}\r\n`), body);
const request = (path: string) => te(`GET ${path} HTTP/1.1\r\nHost: web\r\nAccept-Encoding: gzip, deflate\r\n\r\n`);

/** Frames: handshake (1-3); GET /gz (4), its gzip response in one segment (5); GET /chunked (6), a chunked deflate
 * response in two segments (7, 8); GET /bad (9), a gzip response of an unknown compression method (10). */
function capture(): Uint8Array {
  const deflated = new Uint8Array(zlib.deflateSync(te(DEFLATE_TEXT)));
  const cut = 10;
  const chunked = join2(
    te(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: deflate\r\nTransfer-Encoding: chunked\r\n\r\n${cut.toString(16)}\r\n`),
    deflated.subarray(0, cut),
    te(`\r\n${(deflated.length - cut).toString(16)}\r\n`),
  );
  const chunkedRest = join2(deflated.subarray(cut), te('\r\n0\r\n\r\n'));
  const exchange: [boolean, Uint8Array][] = [
    [true, request('/gz')],
    [false, response(`Content-Encoding: gzip\r\nContent-Length: ${GZIPPED.length}\r\n`, GZIPPED)],
    [true, request('/chunked')],
    [false, chunked],
    [false, chunkedRest],
    [true, request('/bad')],
    [false, response(`Content-Encoding: gzip\r\nContent-Length: ${CORRUPT.length}\r\n`, CORRUPT)],
  ];
  let c = 1000;
  let s = 5000;
  const frames = [frame(true, c, 0, SYN, new Uint8Array(0)), frame(false, s, c + 1, SYN | ACK, new Uint8Array(0)), frame(true, c + 1, s + 1, ACK, new Uint8Array(0))];
  c++;
  s++;
  for (const [fromClient, payload] of exchange) {
    frames.push(frame(fromClient, fromClient ? c : s, fromClient ? s : c, PSH | ACK, payload));
    if (fromClient) c += payload.length;
    else s += payload.length;
  }
  return writePcap(frames.map((data, i) => ({ tsNs: 1_000_000_000n + BigInt(i) * 1_000_000n, data })));
}

const PCAP = capture();

/** Every frame dissected in order with one context, as the detail pane does after the first pass. */
function trees(): { trees: Tree[]; frames: { data: Uint8Array; meta: FrameMeta }[]; ctx: CaptureContext } {
  const ctx = new CaptureContext();
  const frames = readPcap(PCAP).packets.map((p, i) => ({ data: p.data, meta: { number: i + 1, tsNs: p.tsNs, origLen: p.origLen } }));
  for (const f of frames) collectFields(f.data, f.meta, ctx);
  return { trees: frames.map((f) => dissect(f.data, f.meta, ctx)), frames, ctx };
}

function all(nodes: TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...all(n.children)]);
}
const labelled = (t: Tree, re: RegExp) => all(t.roots).filter((n) => re.test(n.label));

describe('HTTP content coding in the detail tree', () => {
  const { trees: t, frames, ctx } = trees();

  it('shows a gzip body as Wireshark: the encoded entity item, then File Data and text in the decoded source', () => {
    const tree = t[4]!;
    const frameBytes = frames[4]!.data;
    const bodyStart = frameBytes.length - GZIPPED.length;
    const [entity] = labelled(tree, /^Content-encoded entity body/);
    assert.equal(entity?.label, `Content-encoded entity body (gzip): ${GZIPPED.length} bytes -> ${GZIP_TEXT.length} bytes`);
    // The item covers the encoded bytes in the frame.
    assert.deepEqual([entity!.source, entity!.start, entity!.end], [undefined, bodyStart, frameBytes.length]);
    const source = tree.sources.findIndex((d) => d.name === 'Uncompressed entity body');
    assert.ok(source > 0);
    assert.equal(new TextDecoder().decode(tree.sources[source]!.bytes), GZIP_TEXT);
    const [file] = all(tree.roots).filter((n) => n.abbrev === 'http.file_data');
    assert.equal(file?.label, `File Data: ${GZIP_TEXT.length} bytes`);
    assert.deepEqual([file!.source, file!.start, file!.end], [source, 0, GZIP_TEXT.length]);
    const text = tree.roots.at(-1)!;
    assert.equal(text.label, 'Line-based text data: text/plain (2 lines)');
    assert.deepEqual([text.source, text.start, text.end], [source, 0, GZIP_TEXT.length]);
    assert.equal(all(tree.roots).find((n) => n.abbrev === 'http.content_encoding')?.value, 'gzip');
  });

  it('says why a body did not decode, with the encoded bytes as Data under the item and no File Data', () => {
    const tree = t[9]!;
    const [entity] = labelled(tree, /^Content-encoded entity body/);
    assert.equal(entity?.label, `Content-encoded entity body (gzip): ${CORRUPT.length} bytes [Error: Decompression failed]`);
    assert.equal(entity!.children[0]!.label, '[Decompression failed: gzip: unsupported compression method 7 (only 8, deflate) (at byte 2)]');
    // It points at the method byte in the frame.
    assert.equal(entity!.children[0]!.start, frames[9]!.data.length - CORRUPT.length + 2);
    assert.equal(entity!.children[1]!.label, `Data (${CORRUPT.length} bytes)`);
    assert.equal(all(tree.roots).filter((n) => n.abbrev === 'http.file_data').length, 0);
  });

  it('gives the display filter the decoded body as http.file_data', () => {
    const { values } = collectFields(frames[4]!.data, frames[4]!.meta, ctx);
    assert.equal(new TextDecoder().decode(values.get('http.file_data')![0] as Uint8Array), GZIP_TEXT);
    assert.deepEqual(values.get('http.content_encoding'), ['gzip']);
  });

  it('agrees with tshark on the decoded body and the entity body line', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flotilla-http-gzip-')), 'gzip.pcap');
    writeFileSync(path, PCAP);
    const run = (args: string[]) => execFileSync('tshark', ['-r', path, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const fields = run(['-Y', 'frame.number == 5', '-T', 'fields', '-e', 'http.file_data']).trim();
    // tshark prints a text body with its control characters escaped.
    assert.equal(fields, GZIP_TEXT.replace(/\n/g, '\\n'));
    const verbose = run(['-Y', 'frame.number == 5', '-V']);
    const [entity] = labelled(t[4]!, /^Content-encoded entity body/);
    assert.ok(verbose.includes(`    ${entity!.label}\n`), verbose);
  });
});

describe('a chunked body in the packet list and the detail tree', () => {
  const { trees: t, frames } = trees();
  const pcapPath = () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flotilla-http-chunked-')), 'chunked.pcap');
    writeFileSync(path, PCAP);
    return path;
  };

  it('is gathered to its last chunk: the first segment is a TCP segment of the PDU, the last one the HTTP message', () => {
    const ctx = new CaptureContext();
    const rows = frames.map((f) => summarize(f.data, f.meta, ctx));
    assert.deepEqual([rows[6]!.protocol, rows[6]!.info.endsWith('[TCP segment of a reassembled PDU]')], ['TCP', true]);
    assert.deepEqual([rows[7]!.protocol, rows[7]!.info], ['HTTP', 'HTTP/1.1 200 OK  (text/plain)']);
  });

  it('shows each chunk, the end of the coding, and the body de-chunked then decoded', () => {
    const tree = t[7]!;
    const [chunked] = labelled(tree, /^HTTP chunked response$/);
    assert.deepEqual(
      chunked!.children.map((c) => c.label),
      ['Data chunk (10 octets)', `Data chunk (${zlib.deflateSync(te(DEFLATE_TEXT)).length - 10} octets)`, 'End of chunked encoding', '\\r\\n'],
    );
    assert.deepEqual(chunked!.children[0]!.children.map((c) => c.label.split(':')[0]), ['Chunk size', 'Chunk data', 'Chunk boundary']);
    const dechunked = tree.sources.findIndex((d) => d.name.startsWith('De-chunked entity body'));
    assert.ok(dechunked > 0);
    const [entity] = labelled(tree, /^Content-encoded entity body/);
    assert.equal(entity!.source, dechunked);
    const [file] = all(tree.roots).filter((n) => n.abbrev === 'http.file_data');
    assert.equal(file?.label, `File Data: ${DEFLATE_TEXT.length} bytes`);
  });

  it('agrees with tshark: the rows, and the chunked subtree line by line', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
    const path = pcapPath();
    const run = (args: string[]) => execFileSync('tshark', ['-r', path, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const cols = run(['-T', 'fields', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info']).trim().split('\n');
    const ctx = new CaptureContext();
    const rows = frames.map((f) => summarize(f.data, f.meta, ctx));
    for (const k of [6, 7]) assert.equal(`${rows[k]!.protocol}\t${rows[k]!.info}`, cols[k], `frame ${k + 1}`);
    const verbose = run(['-Y', 'frame.number == 8', '-V']);
    for (const n of all(labelled(t[7]!, /^HTTP chunked response$/))) assert.ok(verbose.includes(`${n.label}\n`), `tshark has no line "${n.label}"`);
    const body = run(['-Y', 'frame.number == 8', '-T', 'fields', '-e', 'http.file_data']).trim();
    assert.equal(body, DEFLATE_TEXT.replace(/\n/g, '\\n'));
  });
});

describe('HTTP content coding in Follow HTTP stream', () => {
  it('shows gzip and chunked deflate bodies decoded, and says why one did not decode', async () => {
    const ix = await AnalysisIndex.build(parseCaptureFile(PCAP));
    const f = followStream(ix, 'http', { stream: 0 });
    const [gz, chunked, bad] = f.http!.map((x) => x.response!);
    assert.deepEqual([gz!.bodyText, gz!.bodyLength, gz!.decoded], [GZIP_TEXT, GZIPPED.length, { coding: 'gzip', length: GZIP_TEXT.length, error: null }]);
    assert.equal(chunked!.bodyText, DEFLATE_TEXT);
    assert.deepEqual(chunked!.decoded, { coding: 'deflate', length: DEFLATE_TEXT.length, error: null });
    assert.deepEqual(chunked!.frames, [7, 8]);
    assert.equal(bad!.bodyText, null);
    assert.match(bad!.decoded!.error!, /^gzip: unsupported compression method 7/);
    assert.equal(f.http![0]!.request!.decoded, undefined);
  });
});

describe('damaged and mislabelled bodies, decoded as tshark decodes them', () => {
  const text = te('a line of text that repeats, to be compressed\n'.repeat(40));
  const gz = new Uint8Array(zlib.gzipSync(text));
  const edit = (b: Uint8Array, f: (x: Uint8Array) => void) => {
    const c = b.slice();
    f(c);
    return c;
  };
  const zl = new Uint8Array(zlib.deflateSync(text));
  const variants: [string, string, Uint8Array][] = [
    ['gzip', 'a wrong CRC-32 (never checked)', edit(gz, (b) => (b[b.length - 8]! ^= 0xff))],
    ['gzip', 'a wrong length', edit(gz, (b) => (b[b.length - 1]! ^= 0x01))],
    ['gzip', 'no trailer', gz.subarray(0, gz.length - 8)],
    ['gzip', 'cut in its data (what came decoded)', gz.subarray(0, gz.length - 30)],
    ['gzip', 'an unknown method', edit(gz, (b) => (b[2] = 7))],
    ['gzip', 'zlib data under the gzip name', zl],
    ['gzip', 'raw DEFLATE under the gzip name', new Uint8Array(zlib.deflateRawSync(text))],
    ['gzip', 'two members (the first only)', join2(gz, new Uint8Array(zlib.gzipSync(te('second member\n'))))],
    ['deflate', 'a gzip stream under the deflate name', gz],
    ['deflate', 'a wrong Adler-32', edit(zl, (b) => (b[b.length - 1]! ^= 0xff))],
    ['deflate', 'bytes after the zlib stream', join2(zl, te('junk'))],
    ['deflate', 'not compressed at all', te('plain text, no deflate in it\n')],
  ];
  const pcap = (() => {
    let c = 1000;
    let s = 5000;
    const frames = [frame(true, c, 0, SYN, new Uint8Array(0)), frame(false, s, c + 1, SYN | ACK, new Uint8Array(0)), frame(true, c + 1, s + 1, ACK, new Uint8Array(0))];
    c++;
    s++;
    for (const [coding, , body] of variants) {
      const req = request('/x');
      frames.push(frame(true, c, s, PSH | ACK, req));
      c += req.length;
      const res = response(`Content-Encoding: ${coding}\r\nContent-Length: ${body.length}\r\n`, body);
      frames.push(frame(false, s, c, PSH | ACK, res));
      s += res.length;
    }
    return writePcap(frames.map((data, i) => ({ tsNs: 1_000_000_000n + BigInt(i) * 1_000_000n, data })));
  })();
  const ours = (() => {
    const ctx = new CaptureContext();
    const frames = readPcap(pcap).packets.map((p, i) => ({ data: p.data, meta: { number: i + 1, tsNs: p.tsNs, origLen: p.origLen } }));
    for (const f of frames) collectFields(f.data, f.meta, ctx);
    return frames.map((f) => dissect(f.data, f.meta, ctx));
  })();
  /** The entity body line and the File Data line of response k, as tshark -V words them (File Data: none when it failed). */
  const lines = (k: number) => {
    const t = ours[4 + 2 * k]!;
    return [labelled(t, /^Content-encoded entity body/)[0]!.label.replace(/ \[Error: Decompression failed\]$/, ''), all(t.roots).find((n) => n.abbrev === 'http.file_data')?.label ?? 'none'];
  };

  it('keeps what Wireshark keeps and fails where it fails', () => {
    const decodedLength = (k: number) => /-> (\d+) bytes$/.exec(lines(k)[0]!)?.[1];
    assert.equal(decodedLength(0), String(text.length));
    assert.equal(decodedLength(2), String(text.length));
    assert.ok(Number(decodedLength(3)) > 0 && Number(decodedLength(3)) < text.length);
    assert.equal(decodedLength(4), undefined);
    assert.equal(decodedLength(7), String(text.length));
    assert.equal(decodedLength(9), undefined);
    assert.equal(decodedLength(11), undefined);
  });

  it('agrees with tshark, variant by variant', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
    const path = join(mkdtempSync(join(tmpdir(), 'flotilla-http-damaged-')), 'damaged.pcap');
    writeFileSync(path, pcap);
    variants.forEach(([coding, what], k) => {
      const verbose = execFileSync('tshark', ['-r', path, '-Y', `frame.number == ${5 + 2 * k}`, '-V'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
      const entity = /^ {4}(Content-encoded entity body .*)$/m.exec(verbose)?.[1];
      const file = /^ {4}(File Data: \d+ bytes)$/m.exec(verbose)?.[1] ?? 'none';
      assert.deepEqual(lines(k), [entity, file], `${coding}, ${what}`);
    });
  });
});
