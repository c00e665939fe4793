import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FlotillaError } from '../common/api/errors.ts';
import { CaptureContext, compileFilter } from '../common/dissect/index.ts';
import { indexFrames, parseCaptureFile } from '../common/capture/indexer.ts';
import { writePcap, writePcapng } from '../common/pcap/index.ts';
import { sharedPath } from '../../test/shared-path.ts';
import { CHUNK_SIZE } from './captures.ts';
import { Library, type LibraryOptions } from './library.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from './migrations.ts';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-captures-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function deterministic(): LibraryOptions {
  let t = Date.UTC(2025, 0, 1, 12, 0, 0);
  let n = 0;
  return { now: () => new Date((t += 1000)), newId: () => (++n).toString(16).padStart(32, '0') };
}

function open(t: { after: (fn: () => void) => void }, dir = tempDir(t)) {
  const file = path.join(dir, 'library.sqlite');
  const lib = Library.open(file, deterministic());
  t.after(() => lib.close());
  return { lib, file };
}

const overlay = () => new Uint8Array(fs.readFileSync(sharedPath('reference', 'linux', '01-overlay-ping-docker-underlay-n1eth0.pcap')));

function rejects(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof FlotillaError && e.code === code && message.test(e.message));
}

test('import: summary, rows with the packet list columns and colours, the file kept byte for byte', (t) => {
  const { lib } = open(t);
  const bytes = overlay();
  const c = lib.captures.import({ name: 'underlay.pcap', source: 'import' }, bytes);
  assert.equal(c.packetCount, 10);
  assert.equal(c.format, 'pcap');
  assert.equal(c.linktype, 1);
  assert.equal(c.byteSize, bytes.length);
  assert.equal(c.labId, null);
  assert.deepEqual(lib.captures.readFile(c.id), bytes);
  const rows = lib.captures.rows(c.id, 1, 10);
  assert.equal(rows.length, 10);
  assert.deepEqual(
    rows.map((r) => r.protocol),
    ['ARP', 'ARP', 'ICMP', 'ICMP', 'ICMP', 'ICMP', 'ICMP', 'ICMP', 'ARP', 'ARP'],
  );
  assert.equal(rows[0]!.timeRelative, 0);
  assert.ok(rows[9]!.timeRelative > 0);
  assert.equal(rows[2]!.source, '10.0.1.2');
  assert.match(rows[2]!.info, /Echo \(ping\) request/);
  assert.equal(rows[0]!.colour, 'arp');
  assert.equal(rows[2]!.colour, 'vxlan', 'ICMP inside VXLAN: the tunnel colours it');
  assert.deepEqual(lib.captures.rowsOf(c.id, [4, 2]).map((r) => r.number), [4, 2]);
});

test('list by lab and library-wide; delete; a lab deleted takes its captures', (t) => {
  const { lib } = open(t);
  const lab = lib.createLab('Overlay');
  const a = lib.captures.import({ name: 'a', source: 'import' }, overlay());
  const b = lib.captures.import({ name: 'b', labId: lab.id, source: 'lab' }, overlay());
  assert.deepEqual(lib.captures.list().map((c) => c.name), ['b', 'a']);
  assert.deepEqual(lib.captures.list(lab.id).map((c) => c.id), [b.id]);
  rejects(() => lib.captures.import({ name: 'c', labId: 'f'.repeat(32), source: 'import' }, overlay()), 'not-found', /No lab/);
  assert.equal(lib.captures.delete(a.id), null);
  rejects(() => lib.captures.get(a.id), 'not-found', /No capture/);
  rejects(() => lib.captures.delete(a.id), 'not-found', /No capture/);
  lib.deleteLab(lab.id);
  assert.deepEqual(lib.captures.list(), []);
});

test('a bad file is refused with what and where, and nothing already saved is lost', (t) => {
  const { lib, file } = open(t);
  const keep = lib.captures.import({ name: 'keep', source: 'import' }, overlay());
  const good = overlay();
  rejects(() => lib.captures.import({ name: 'x', source: 'import' }, new TextEncoder().encode('hello world')), 'invalid-argument', /not a pcap or pcapng file: the first 4 bytes are 0x68656c6c/);
  const truncated = good.subarray(0, good.length - 20);
  rejects(() => lib.captures.import({ name: 'x', source: 'import' }, truncated), 'invalid-argument', /record 10 at byte \d+: .*read 9 packets/);
  // A failure in the middle of writing (the first pass throws at frame 5) rolls the whole insert back.
  const failing = function* (p: Parameters<typeof indexFrames>[0]) {
    let n = 0;
    for (const f of indexFrames(p, new CaptureContext())) {
      if (++n === 5) throw new Error('disk on fire');
      yield f;
    }
  };
  const parsed = parseCaptureFile(good);
  assert.throws(() => lib.captures.insert({ name: 'x', source: 'import' }, parsed, failing(parsed)), /disk on fire/);
  assert.deepEqual(lib.captures.list().map((c) => c.id), [keep.id]);
  const raw = new Database(file, { readonly: true });
  t.after(() => raw.close());
  assert.equal(raw.prepare('SELECT count(*) FROM capture_index').pluck().get(), 1, 'one index block for 10 frames');
  assert.equal(raw.prepare('SELECT count(*) FROM capture_rows').pluck().get(), 0, 'no row kept whole');
  assert.equal(raw.prepare('SELECT count(*) FROM capture_frames').pluck().get(), 0, 'no per-frame rows');
  assert.equal(raw.prepare('SELECT count(*) FROM capture_chunks').pluck().get(), 1);
});

test('the frame-range reader reads frames across chunk boundaries; pcapng keeps interfaces', (t) => {
  const { lib } = open(t);
  // 3000 frames of 1000 bytes: the file spans three 1 MiB chunks.
  const packets = Array.from({ length: 3000 }, (_, i) => ({ tsNs: BigInt(i) * 1000n, data: new Uint8Array(1000).fill(i & 0xff) }));
  const c = lib.captures.import({ name: 'big', source: 'import' }, writePcap(packets));
  assert.ok(c.byteSize > 2 * CHUNK_SIZE);
  const frames = lib.captures.readFrames(c.id, 1040, 1060);
  assert.equal(frames.length, 21);
  for (const f of frames) assert.deepEqual(f.data, new Uint8Array(1000).fill((f.location.number - 1) & 0xff));
  assert.equal(lib.captures.rows(c.id, 2999, 5000).length, 2);

  const ng = writePcapng({
    interfaces: [{ name: 'eth0', description: 'underlay' }, { name: 'vxlan0', linktype: 1 }],
    packets: [{ interface: 1, tsNs: 5n, data: new Uint8Array(60) }],
  });
  const n = lib.captures.import({ name: 'ng', source: 'import' }, ng);
  assert.equal(n.format, 'pcapng');
  assert.deepEqual(n.interfaces.map((i) => i.name), ['eth0', 'vxlan0']);
  assert.equal(lib.captures.readFrames(n.id, 1, 1)[0]!.location.iface, 1);
});

test('migration 2 over a version-1 library keeps its labs and snapshots', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.sqlite');
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  migrate(raw, MIGRATIONS.slice(0, 1));
  raw
    .prepare("INSERT INTO labs (id, name, name_key, document, created_at, updated_at) VALUES (?, 'Old lab', 'old lab', ?, 't', 't')")
    .run('a'.repeat(32), JSON.stringify({ version: 1, nodes: [] }));
  raw.prepare("INSERT INTO snapshots (id, lab_id, name, created_at, document) VALUES (?, ?, 'S', 't', '{\"version\":1,\"nodes\":[]}')").run('b'.repeat(32), 'a'.repeat(32));
  assert.equal(raw.pragma('user_version', { simple: true }), 1);
  raw.close();

  const { lib } = open(t, dir);
  assert.equal(lib.schemaVersion, MIGRATIONS.length);
  assert.deepEqual(lib.listLabs().map((l) => [l.name, l.snapshotCount]), [['Old lab', 1]]);
  const c = lib.captures.import({ name: 'x', labId: 'a'.repeat(32), source: 'import' }, overlay());
  assert.equal(c.labId, 'a'.repeat(32));
});

test('migrations 4 and 5 over a version-3 library: a capture stored with per-frame rows is indexed again from its file', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.sqlite');
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  migrate(raw, MIGRATIONS.slice(0, 3));
  const bytes = overlay();
  const key = raw
    .prepare<unknown[], { key: number }>(
      `INSERT INTO captures (id, lab_id, name, source, format, linktype, interfaces, created_at, packet_count, byte_size, first_ts_ns, duration_ns)
       VALUES (?, NULL, 'old.pcap', 'import', 'pcap', 1, '[{"linktype":1,"snaplen":262144}]', 't', 10, ?, '0', 0) RETURNING key`,
    )
    .get('c'.repeat(32), bytes.length)!.key;
  raw.prepare('INSERT INTO capture_chunks (capture_key, seq, bytes) VALUES (?, 0, ?)').run(key, bytes);
  for (let n = 1; n <= 10; n++) {
    raw.prepare("INSERT INTO capture_frames VALUES (?, ?, 0, 0, 0, 0, 0, 'old', 'old', 'old', 'old', 0)").run(key, n);
  }
  raw.close();

  const { lib } = open(t, dir);
  assert.equal(lib.schemaVersion, LATEST_SCHEMA_VERSION);
  const rows = lib.captures.rows('c'.repeat(32), 1, 10);
  assert.deepEqual(
    rows.map((r) => r.protocol),
    ['ARP', 'ARP', 'ICMP', 'ICMP', 'ICMP', 'ICMP', 'ICMP', 'ICMP', 'ARP', 'ARP'],
  );
  assert.match(rows[3]!.info, /Echo \(ping\) reply .*\(request in 3\)/);
  const check = new Database(file, { readonly: true });
  t.after(() => check.close());
  assert.equal(check.prepare('SELECT count(*) FROM capture_frames').pluck().get(), 0);
  assert.equal(check.prepare('SELECT count(*) FROM capture_index WHERE capture_key = ?').pluck().get(key), 1);
});

test('a lab file carries a capture with its index: the library it is imported into shows the same rows', (t) => {
  const dir = tempDir(t);
  const { lib } = open(t, dir);
  const lab = lib.createLab('With capture');
  const c = lib.captures.import({ name: 'u.pcap', labId: lab.id, source: 'lab' }, overlay());
  const before = lib.captures.rows(c.id, 1, 10);
  const file = path.join(dir, 'lab.flotilla');
  lib.exportLabFile(lab.id, file, [c.id]);
  const other = open(t, fs.mkdtempSync(path.join(dir, 'other-'))).lib;
  const imported = other.importLabFile(file);
  const [copy] = other.captures.list(imported.id);
  assert.ok(copy);
  assert.deepEqual(other.captures.rows(copy.id, 1, 10), before);
});

test('migration 5 over a version-4 library: index blocks of the older layout are dropped, the capture indexed again', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.sqlite');
  const { lib } = open(t, dir);
  const c = lib.captures.import({ name: 'u.pcap', source: 'import' }, overlay());
  const before = lib.captures.rows(c.id, 1, 10);
  lib.close();
  // As schema 4 left it: a block that this layout cannot read.
  const raw = new Database(file);
  raw.prepare("UPDATE capture_index SET bytes = x'0102'").run();
  raw.pragma('user_version = 4');
  raw.close();
  const again = open(t, dir).lib;
  assert.equal(again.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.deepEqual(again.captures.rows(c.id, 1, 10), before);
  const icmp = again.captures.matchFast(c.id, (() => {
    const f = compileFilter('icmp');
    if (!f.ok) throw new Error('icmp');
    return f.filter;
  })());
  assert.deepEqual(icmp && [...icmp], before.filter((r) => r.protocol === 'ICMP').map((r) => r.number));
});
