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

test('detail trees from a context primed by the index equal those after a full pass (TCP, HTTP, ICMP, ARP, VXLAN)', () => {
  for (const f of ['04-overlay-http-c1eth0.pcap', '04-overlay-http-underlay-n1eth0.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '02-bridge-docker0-arp-icmp.pcap']) {
    const bytes = new Uint8Array(readFileSync(`${referenceDir()}/${f}`));
    const parsed = parseCaptureFile(bytes);
    const full = new CaptureContext();
    for (const _ of indexFrames(parsed, full)) void _;
    const ic = indexCapture(bytes);
    const ix = ic.index;
    const frame = (number: number) => ({ number, index: ix, at: number - 1, data: bytes.subarray(ix.offset[number - 1]!, ix.offset[number - 1]! + ix.caplen[number - 1]!), linktype: 1 });
    for (let n = ix.count; n >= 1; n--) {
      const want = dissect(parsed.capture.packets[n - 1]!.data, frameMeta(parsed, n - 1), full);
      const primed = new PrimedContext(ic.firstTsNs);
      primed.prime(frame(n), frame);
      const got = dissect(frame(n).data, rowMeta(frame(n), ic.firstTsNs), primed.ctx);
      assert.deepEqual(treeText(got.roots), treeText(want.roots), `${f} frame ${n}`);
      assert.deepEqual(got.sources.map((x) => [x.name, [...x.bytes]]), want.sources.map((x) => [x.name, [...x.bytes]]), `${f} frame ${n}: data sources`);
    }
  }
});
