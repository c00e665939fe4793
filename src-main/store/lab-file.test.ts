// Lab files carry the lowest schema that describes them, so a Flotilla older than the library that wrote them
// (one that reads lab files at schema 2) does not refuse them as newer; with captures they carry the library's own
// (captures' indexes change with it); files at the newest schema (as written before) still import.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { emptyDocument } from '../lab/document.ts';
import { checkLabFile, LAB_FILE_APPLICATION_ID, LAB_FILE_SCHEMA_VERSION } from './lab-file.ts';
import { Library, randomId } from './library.ts';
import { CAPTURE_INDEX_SCHEMA, LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from './migrations.ts';
import { sharedPath } from '../../test/shared-path.ts';

function temp(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-labfile-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const tables = (db: Database.Database): string[] =>
  db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((r) => r.name);

test('an exported lab file is at schema 2, with exactly the tables of schemas 1 and 2', (t) => {
  const dir = temp(t);
  const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
  t.after(() => lib.close());
  assert.ok(LATEST_SCHEMA_VERSION > LAB_FILE_SCHEMA_VERSION, 'the library has moved on since schema 2');
  const lab = lib.createLab('Travels');
  lib.updateDocument(lab.id, { ...emptyDocument(3), nodes: [{ name: 'node1', address: '192.168.99.100' }] });
  lib.saveSnapshot(lab.id, 'one');
  const file = path.join(dir, 'travels.flotilla');
  lib.exportLabFile(lab.id, file);

  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('user_version', { simple: true }), 2);
    assert.equal(db.pragma('application_id', { simple: true }), LAB_FILE_APPLICATION_ID);
    const expected = new Database(':memory:');
    migrate(expected, MIGRATIONS.slice(0, 2));
    assert.deepEqual(tables(db), tables(expected));
    expected.close();
    assert.ok(!tables(db).includes('lab_leases'));
  } finally {
    db.close();
  }
  const contents = checkLabFile(file, 'travels.flotilla');
  assert.equal(contents.document.seed, 3);
  assert.deepEqual(contents.snapshots.map((s) => s.name), ['one']);
  const back = lib.importLabFile(file);
  assert.equal(back.name, 'Travels (2)');
  assert.deepEqual(lib.getLab(back.id).document, lib.getLab(lab.id).document);
});

test('a lab file with a capture is at the library\'s own schema, and imports with it', (t) => {
  const dir = temp(t);
  const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
  t.after(() => lib.close());
  const lab = lib.createLab('With capture');
  const pcap = new Uint8Array(fs.readFileSync(sharedPath('reference', 'linux', '01-overlay-ping-docker-underlay-n1eth0.pcap')));
  const capture = lib.captures.import({ name: 'underlay.pcap', labId: lab.id, source: 'lab' }, pcap);
  const file = path.join(dir, 'with.flotilla');
  lib.exportLabFile(lab.id, file, [capture.id]);
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
  } finally {
    db.close();
  }
  const back = lib.importLabFile(file);
  const copy = lib.captures.list(back.id);
  assert.equal(copy.length, 1);
  assert.deepEqual(lib.captures.readFile(copy[0]!.id), pcap);
});

test('a lab file at the newest library schema (as written before) still imports', (t) => {
  const dir = temp(t);
  const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
  t.after(() => lib.close());
  const lab = lib.createLab('Old export');
  const file = path.join(dir, 'old.flotilla');
  lib.exportLabFile(lab.id, file);
  const db = new Database(file);
  migrate(db);
  db.close();
  assert.equal(checkLabFile(file, 'old.flotilla').name, 'Old export');
  assert.equal(lib.importLabFile(file).name, 'Old export (2)');
});

/** The stored index of capture `id`: its blocks and its kept rows, read beside the library's own connection. */
function storedIndex(file: string, id: string): { blocks: Buffer[]; rows: unknown[] } {
  const db = new Database(file, { readonly: true });
  try {
    const key = db.prepare<[string], { key: number }>('SELECT key FROM captures WHERE id = ?').get(id)!.key;
    return {
      blocks: db.prepare<[number], { bytes: Buffer }>('SELECT bytes FROM capture_index WHERE capture_key = ? ORDER BY seq').all(key).map((r) => r.bytes),
      rows: db.prepare<[number], unknown>('SELECT number, source, destination, protocol, info, colour FROM capture_rows WHERE capture_key = ? ORDER BY number').all(key),
    };
  } finally {
    db.close();
  }
}

test('a lab file carries its captures\' index: an imported capture is not indexed again on first read', (t) => {
  const dir = temp(t);
  const libFile = path.join(dir, 'library.sqlite');
  const lib = Library.open(libFile, { now: () => new Date(), newId: randomId });
  t.after(() => lib.close());
  const lab = lib.createLab('Indexed');
  // HTTP over TCP: kept rows (frames whose message began in frames the dissector took) as well as index blocks.
  const pcap = new Uint8Array(fs.readFileSync(sharedPath('reference', 'linux', '04-overlay-http-c1eth0.pcap')));
  const capture = lib.captures.import({ name: 'http.pcap', labId: lab.id, source: 'lab' }, pcap);
  const original = storedIndex(libFile, capture.id);
  assert.ok(original.blocks.length > 0);
  const file = path.join(dir, 'indexed.flotilla');
  lib.exportLabFile(lab.id, file, [capture.id]);
  const copy = lib.captures.list(lib.importLabFile(file).id)[0]!;
  // Before anything reads the copy: its index is already there, the same as the original's.
  assert.deepEqual(storedIndex(libFile, copy.id), original);
  assert.deepEqual(lib.captures.rows(copy.id, 1, copy.packetCount), lib.captures.rows(capture.id, 1, capture.packetCount));
});

test('a lab file whose captures\' index predates this layout imports them unindexed, indexed on first read', (t) => {
  const dir = temp(t);
  const libFile = path.join(dir, 'library.sqlite');
  const lib = Library.open(libFile, { now: () => new Date(), newId: randomId });
  t.after(() => lib.close());
  const lab = lib.createLab('Older');
  const pcap = new Uint8Array(fs.readFileSync(sharedPath('reference', 'linux', '01-overlay-ping-docker-underlay-n1eth0.pcap')));
  const capture = lib.captures.import({ name: 'underlay.pcap', labId: lab.id, source: 'lab' }, pcap);
  const file = path.join(dir, 'older.flotilla');
  lib.exportLabFile(lab.id, file, [capture.id]);
  // As an older Flotilla wrote it: the schema before the current index layout, blocks that this one cannot read.
  const db = new Database(file);
  db.prepare('UPDATE capture_index SET bytes = x\'00\'').run();
  db.pragma(`user_version = ${CAPTURE_INDEX_SCHEMA - 1}`);
  db.close();
  const copy = lib.captures.list(lib.importLabFile(file).id)[0]!;
  assert.deepEqual(storedIndex(libFile, copy.id).blocks, []);
  assert.deepEqual(lib.captures.rows(copy.id, 1, copy.packetCount), lib.captures.rows(capture.id, 1, capture.packetCount));
  assert.equal(storedIndex(libFile, copy.id).blocks.length, storedIndex(libFile, capture.id).blocks.length);
});
