import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { compileFilter } from '../common/dissect/index.ts';
import { parseCaptureFile } from '../common/capture/indexer.ts';
import { BLOCK_FRAMES } from '../common/capture/frame-index.ts';
import { writePcapng, type PcapngInterfaceIn, type PcapngPacketIn } from '../common/pcap/index.ts';
import { sharedPath } from '../../test/shared-path.ts';
import { CHUNK_SIZE } from './captures.ts';
import { Library } from './library.ts';

// The reference captures' frames (ARP, ICMP, IP fragments, VXLAN, DNS, TCP with HTTP across segments) over and
// over, later each round, on two interfaces, some with comments: state the first pass carries across flushes
// (TCP conversations and relative numbers, HTTP messages, echo requests, UDP streams) meets the append boundaries.
const FILES = ['02-bridge-docker0-arp-icmp.pcap', '01c-overlay-mtu-underlay-n1eth0.pcap', '03-overlay-dns-underlay-n1eth0.pcap', '04-overlay-http-c1eth0.pcap', '04-overlay-http-underlay-n1eth0.pcap', '05-vip-rr-nft-c1eth0.pcap'];
const INTERFACES: PcapngInterfaceIn[] = [
  { name: 'eth0', description: 'eth0 in netns node1 (node1)', snaplen: 262144 },
  { name: 'br0', description: 'br0 in netns node1/1-abc (node1, sandbox 1-abc)', snaplen: 262144 },
];

function packets(atLeast: number): PcapngPacketIn[] {
  const base = FILES.flatMap((f, k) => {
    const { capture, firstTsNs } = parseCaptureFile(new Uint8Array(fs.readFileSync(sharedPath('reference', 'linux', f))));
    return capture.packets.map((p) => ({ p, iface: k % 2, at: 1_700_000_000_000_000_000n + BigInt(k) * 5_000_000_000n + p.tsNs - firstTsNs }));
  });
  const out: PcapngPacketIn[] = [];
  for (let round = 0n; out.length < atLeast; round++) {
    for (const { p, iface, at } of base) {
      const n = out.length;
      out.push({ interface: iface, tsNs: at + round * 60_000_000_000n, data: p.data, origLen: p.origLen, direction: n % 3 === 0 ? 'in' : 'out', packetId: n, ...(n % 97 === 0 ? { comment: `frame ${n}` } : {}) });
    }
  }
  return out;
}

const file = (list: PcapngPacketIn[]) => writePcapng({ interfaces: INTERFACES, packets: list }, { epochNs: 0 });

function stored(db: Database.Database, id: string) {
  const { key } = db.prepare<[string], { key: number }>('SELECT key FROM captures WHERE id = ?').get(id)!;
  const of = (table: string) => db.prepare<[number], { seq: number; bytes: Buffer }>(`SELECT seq, bytes FROM ${table} WHERE capture_key = ? ORDER BY seq`).all(key);
  const rows = db.prepare<[number], object>('SELECT number, source, destination, protocol, info, colour FROM capture_rows WHERE capture_key = ? ORDER BY number').all(key);
  return { chunks: of('capture_chunks'), index: of('capture_index'), rows };
}

test('appending in flushes stores what replacing with the whole file stores: bytes, index, kept rows, pages, filters', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-append-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dbFile = path.join(dir, 'library.sqlite');
  let n = 0;
  const lib = Library.open(dbFile, { now: () => new Date(Date.UTC(2025, 0, 1)), newId: () => (++n).toString(16).padStart(32, '0') });
  t.after(() => lib.close());

  const all = packets(2 * BLOCK_FRAMES + 1500);
  const whole = file(all);
  assert.ok(whole.length > CHUNK_SIZE, 'the file spans more than one chunk');
  const empty = parseCaptureFile(file([]));
  const head = empty.bytes.length;

  const replaced = lib.captures.insert({ name: 'replaced', source: 'lab' }, empty);
  lib.captures.replace(replaced.id, parseCaptureFile(whole));

  const appended = lib.captures.insert({ name: 'appended', source: 'lab' }, empty);
  // Cuts before, at and after block boundaries, single frames and big runs.
  const cuts = [0, 1, 2, 700, BLOCK_FRAMES - 1, BLOCK_FRAMES, BLOCK_FRAMES + 1, 6000, 2 * BLOCK_FRAMES, 2 * BLOCK_FRAMES + 3, all.length];
  const appender = lib.captures.appender(appended.id, parseCaptureFile(file(all.slice(0, cuts[0]))));
  for (let k = 1; k < cuts.length; k++) {
    appender.append(parseCaptureFile(file(all.slice(cuts[k - 1], cuts[k]))), head);
    assert.equal(appender.count, cuts[k]);
    assert.equal(lib.captures.get(appended.id).packetCount, cuts[k]);
  }

  const a = lib.captures.get(appended.id);
  const r = lib.captures.get(replaced.id);
  assert.deepEqual({ ...a, id: '', name: '' }, { ...r, id: '', name: '' });
  assert.equal(a.packetCount, all.length);
  assert.deepEqual(lib.captures.readFile(appended.id), whole);

  const db = new Database(dbFile, { readonly: true });
  t.after(() => db.close());
  const sa = stored(db, appended.id);
  const sr = stored(db, replaced.id);
  assert.ok(sr.rows.length > 0, 'some rows were kept whole (fragments)');
  assert.deepEqual(sa.chunks, sr.chunks, 'file chunks');
  assert.deepEqual(sa.index, sr.index, 'index blocks');
  assert.deepEqual(sa.rows, sr.rows, 'kept rows');

  for (const [from, to] of [[1, 200], [BLOCK_FRAMES - 50, BLOCK_FRAMES + 50], [all.length - 300, all.length]] as const) {
    assert.deepEqual(lib.captures.rows(appended.id, from, to), lib.captures.rows(replaced.id, from, to), `rows ${from}..${to}`);
  }
  for (const text of ['tcp', 'http', 'dns', 'icmp', 'ip.addr == 10.0.0.2', 'udp.stream == 1', 'tcp.stream == 2', 'tcp.port == 80 && ip.src == 10.0.0.3']) {
    const f = compileFilter(text);
    if (!f.ok) throw new Error(text);
    const x = lib.captures.matchFast(appended.id, f.filter);
    assert.ok(x, `"${text}" ran over the columns`);
    assert.deepEqual(x, lib.captures.matchFast(replaced.id, f.filter), text);
  }
});
