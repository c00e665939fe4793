import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { FlotillaError } from '../common/api/errors.ts';
import { Library, randomId, type LibraryOptions } from './library.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from './migrations.ts';
import { emptyDocument } from '../lab/document.ts';

// ---- fixtures -------------------------------------------------------------------------------------------------

/** A temp folder removed after the test. */
function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-store-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A clock that moves one second per reading unless frozen, and ids 000...1, 000...2, ... */
function deterministic(): LibraryOptions & { clock: { frozen: boolean; t: number } } {
  const clock = { frozen: false, t: Date.UTC(2025, 0, 1, 12, 0, 0) };
  let n = 0;
  return {
    clock,
    now: () => new Date(clock.frozen ? clock.t : (clock.t += 1000)),
    newId: () => (++n).toString(16).padStart(32, '0'),
  };
}

function openIn(t: { after: (fn: () => void) => void }, dir = tempDir(t)) {
  const opts = deterministic();
  const file = path.join(dir, 'library.sqlite');
  const lib = Library.open(file, opts);
  t.after(() => lib.close());
  return { lib, file, dir, opts };
}

function throwsFlotilla(fn: () => unknown, code: string, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FlotillaError, `expected a FlotillaError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

const id = (n: number) => n.toString(16).padStart(32, '0');
const require = createRequire(import.meta.url);

// ---- opening and migrating ------------------------------------------------------------------------------------

test('a new library: folder created, migrated, user_version set, WAL and foreign keys on', (t) => {
  const dir = path.join(tempDir(t), 'deep', 'er');
  const { lib, file } = openIn(t, dir);
  assert.ok(fs.statSync(file).isFile());
  assert.equal(lib.path, file);
  assert.equal(lib.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.equal(LATEST_SCHEMA_VERSION, MIGRATIONS.length);
  lib.close();

  const raw = new Database(file, { readonly: true });
  try {
    assert.equal(raw.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    const tables = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    assert.deepEqual(tables, ['capture_chunks', 'capture_frames', 'capture_index', 'capture_rows', 'captures', 'lab_leases', 'labs', 'settings', 'snapshots']);
  } finally {
    raw.close();
  }
});

test('migrations are numbered 1, 2, 3, ... in order', () => {
  assert.ok(MIGRATIONS.length >= 1);
  MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1));
});

test('migrate runs each migration once, in a transaction with its user_version', () => {
  const db = new Database(':memory:');
  try {
    const steps = [
      { version: 1, description: 'a', sql: 'CREATE TABLE a (x)' },
      { version: 2, description: 'b', sql: 'CREATE TABLE b (x); INSERT INTO a VALUES (1); THIS IS NOT SQL' },
    ];
    assert.throws(() => migrate(db, steps), /syntax error/);
    assert.equal(db.pragma('user_version', { simple: true }), 1, 'stopped at the last good migration');
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all();
    assert.deepEqual(tables, ['a'], 'the failed migration left nothing behind');
    assert.equal(db.prepare('SELECT count(*) FROM a').pluck().get(), 0);

    const fixed = [steps[0]!, { version: 2, description: 'b', sql: 'CREATE TABLE b (x)' }];
    assert.equal(migrate(db, fixed), 2);
    assert.equal(migrate(db, fixed), 2, 'running again is a no-op (CREATE TABLE a would fail otherwise)');
    assert.throws(() => migrate(db, [{ version: 2, description: 'gap', sql: '' }]), /expected 1/);
  } finally {
    db.close();
  }
});

test('reopening keeps labs, snapshots and settings, and does not migrate again', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.sqlite');
  const first = Library.open(file, deterministic());
  const lab = first.createLab('Overlay basics');
  first.saveSnapshot(lab.id);
  first.setSettings({ theme: 'dark' });
  const labsBefore = first.listLabs();
  first.close();

  const again = Library.open(file, deterministic());
  t.after(() => again.close());
  assert.equal(again.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.deepEqual(again.listLabs(), labsBefore);
  assert.equal(again.listLabs()[0]?.snapshotCount, 1);
  assert.deepEqual(again.getSettings(), { theme: 'dark' });
  assert.deepEqual(again.listSnapshots(lab.id).map((s) => s.name), ['Snapshot 1']);
});

for (const journal of ['wal', 'delete'] as const) {
  test(`a library written by a newer Flotilla is refused and left byte-identical (journal_mode ${journal})`, (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'library.sqlite');
    const lib = Library.open(file, deterministic());
    lib.createLab('Keep me');
    lib.close();
    const raw = new Database(file);
    raw.pragma(`journal_mode = ${journal}`);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 7}`);
    raw.close();
    const bytes = fs.readFileSync(file);
    assert.equal(bytes[18], journal === 'wal' ? 2 : 1, 'precondition: the journal mode is in the header');
    const entries = fs.readdirSync(dir).sort();
    assert.deepEqual(entries, ['library.sqlite'], 'precondition: no side files');
    const mtime = fs.statSync(file).mtimeMs;

    throwsFlotilla(
      () => Library.open(file, deterministic()),
      'unsupported',
      `This Flotilla library (${file}) was written by a newer version of Flotilla (schema ${LATEST_SCHEMA_VERSION + 7}); ` +
        `this version reads up to schema ${LATEST_SCHEMA_VERSION}. Upgrade Flotilla, or set FLOTILLA_HOME to use another library.`,
    );
    assert.ok(fs.readFileSync(file).equals(bytes), 'file bytes unchanged');
    assert.deepEqual(fs.readdirSync(dir).sort(), entries, 'no -wal or -shm file left behind');
    assert.equal(fs.statSync(file).mtimeMs, mtime);
  });
}

test('a newer version still in another connection\'s WAL is refused too', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.sqlite');
  Library.open(file, deterministic()).close();
  // Another (newer) Flotilla has the library open and migrated it, but has not checkpointed yet: the main file's
  // header still says the old version.
  const other = new Database(file);
  t.after(() => other.close());
  other.pragma('wal_autocheckpoint = 0');
  other.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
  assert.equal(fs.readFileSync(file).readInt32BE(60), LATEST_SCHEMA_VERSION, 'precondition: header is stale');
  throwsFlotilla(() => Library.open(file, deterministic()), 'unsupported', /written by a newer version of Flotilla/);
  assert.equal(other.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION + 1);
});

test('a file that is not an SQLite database is refused and left alone', (t) => {
  const dir = tempDir(t);
  for (const [name, content] of [
    ['notes.sqlite', 'These are my notes, not a database. '.repeat(20)],
    ['short.sqlite', 'tiny'],
    ['fake-header.sqlite', 'SQLite format 3\u0000' + '\u00ff'.repeat(200)],
  ] as const) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content, 'latin1');
    const bytes = fs.readFileSync(file);
    throwsFlotilla(
      () => Library.open(file, deterministic()),
      'unsupported',
      new RegExp(`^This file \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) is not a Flotilla library: .*Move it away, or set FLOTILLA_HOME to use another library\\.$`),
    );
    assert.ok(fs.readFileSync(file).equals(bytes), `${name} unchanged`);
  }
  assert.deepEqual(fs.readdirSync(dir).sort(), ['fake-header.sqlite', 'notes.sqlite', 'short.sqlite']);
});

test('an SQLite database of another program is refused, not migrated into', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.sqlite');
  const raw = new Database(file);
  raw.exec('CREATE TABLE labs (whatever)');
  raw.close();
  const bytes = fs.readFileSync(file);
  throwsFlotilla(() => Library.open(file, deterministic()), 'unsupported', /is not a Flotilla library: it is an SQLite database of some other program/);
  assert.ok(fs.readFileSync(file).equals(bytes));
});

test('an empty file is opened as a new library', (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'library.sqlite'), '');
  const { lib } = openIn(t, dir);
  assert.equal(lib.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.deepEqual(lib.listLabs(), []);
});

// ---- labs -----------------------------------------------------------------------------------------------------

test('createLab returns the summary; getLab has the empty document', (t) => {
  const { lib } = openIn(t);
  const lab = lib.createLab('Bridge basics');
  assert.deepEqual(lab, {
    id: id(1),
    name: 'Bridge basics',
    createdAt: '2025-01-01T12:00:01.000Z',
    updatedAt: '2025-01-01T12:00:01.000Z',
    nodeCount: 0,
    snapshotCount: 0,
  });
  assert.deepEqual(lib.getLab(lab.id), { ...lab, document: emptyDocument() });
  assert.deepEqual(lib.listLabs(), [lab]);
});

test('lab names are unique ignoring case', (t) => {
  const { lib } = openIn(t);
  lib.createLab('Web');
  throwsFlotilla(() => lib.createLab('web'), 'conflict', 'A lab named "web" already exists.');
  throwsFlotilla(() => lib.createLab('WEB'), 'conflict', 'A lab named "WEB" already exists.');
  lib.createLab('Élan');
  throwsFlotilla(() => lib.createLab('élan'), 'conflict', 'A lab named "élan" already exists.');
  lib.createLab('Web 2');
  assert.deepEqual(lib.listLabs().map((l) => l.name).sort(), ['Web', 'Web 2', 'Élan']);
});

test('bad names are refused by the store too', (t) => {
  const { lib } = openIn(t);
  throwsFlotilla(() => lib.createLab(''), 'invalid-argument', 'name: must not be empty');
  throwsFlotilla(() => lib.createLab(' padded'), 'invalid-argument', 'name: must not start or end with white space');
  throwsFlotilla(() => lib.createLab('a\tb'), 'invalid-argument', 'name: must not contain control characters');
  throwsFlotilla(() => lib.createLab('x'.repeat(101)), 'invalid-argument', 'name: must be at most 100 characters');
  assert.deepEqual(lib.listLabs(), []);
});

test('renameLab changes the name and updatedAt; clashes and unknown ids are refused', (t) => {
  const { lib } = openIn(t);
  const a = lib.createLab('Alpha');
  const b = lib.createLab('Beta');
  const renamed = lib.renameLab(a.id, 'Gamma');
  assert.equal(renamed.name, 'Gamma');
  assert.equal(renamed.createdAt, a.createdAt);
  assert.ok(renamed.updatedAt > a.updatedAt);
  assert.equal(lib.getLab(a.id).name, 'Gamma');

  throwsFlotilla(() => lib.renameLab(a.id, 'beta'), 'conflict', 'A lab named "beta" already exists.');
  assert.equal(lib.renameLab(b.id, 'BETA').name, 'BETA', 'a lab may change the case of its own name');
  const same = lib.renameLab(b.id, 'BETA');
  assert.equal(same.updatedAt, lib.getLab(b.id).updatedAt, 'the same name again changes nothing');
  throwsFlotilla(() => lib.renameLab(id(999), 'Delta'), 'not-found', `No lab with id ${id(999)}.`);
  // The old name is free again.
  assert.equal(lib.createLab('Alpha').name, 'Alpha');
});

test('listLabs: most recently updated first, then by name', (t) => {
  const { lib, opts } = openIn(t);
  const older = lib.createLab('Older');
  opts.clock.frozen = true;
  opts.clock.t += 60_000;
  lib.createLab('zeta');
  lib.createLab('Beta');
  lib.createLab('alpha');
  assert.deepEqual(lib.listLabs().map((l) => l.name), ['alpha', 'Beta', 'zeta', 'Older'], 'names compare ignoring case');
  opts.clock.t += 60_000;
  lib.renameLab(older.id, 'Renamed');
  assert.deepEqual(lib.listLabs().map((l) => l.name), ['Renamed', 'alpha', 'Beta', 'zeta']);
});

test('getLab and deleteLab of an unknown id: not-found', (t) => {
  const { lib } = openIn(t);
  throwsFlotilla(() => lib.getLab(id(42)), 'not-found', `No lab with id ${id(42)}.`);
  throwsFlotilla(() => lib.deleteLab(id(42)), 'not-found', `No lab with id ${id(42)}.`);
  throwsFlotilla(() => lib.listSnapshots(id(42)), 'not-found', `No lab with id ${id(42)}.`);
  throwsFlotilla(() => lib.saveSnapshot(id(42)), 'not-found', `No lab with id ${id(42)}.`);
});

test('deleteLab removes the lab and, by cascade, its snapshots only', (t) => {
  const { lib, file } = openIn(t);
  const doomed = lib.createLab('Doomed');
  const kept = lib.createLab('Kept');
  const s1 = lib.saveSnapshot(doomed.id);
  lib.saveSnapshot(doomed.id);
  const keptSnap = lib.saveSnapshot(kept.id);
  lib.deleteLab(doomed.id);

  assert.deepEqual(lib.listLabs().map((l) => l.name), ['Kept']);
  throwsFlotilla(() => lib.getLab(doomed.id), 'not-found', `No lab with id ${doomed.id}.`);
  throwsFlotilla(() => lib.getSnapshot(s1.id), 'not-found', `No snapshot with id ${s1.id}.`);
  assert.deepEqual(lib.listSnapshots(kept.id), [keptSnap]);
  const raw = new Database(file, { readonly: true });
  try {
    assert.deepEqual(raw.prepare('SELECT lab_id FROM snapshots').pluck().all(), [kept.id]);
  } finally {
    raw.close();
  }
});

test('updateDocument stores a checked design; nodeCount follows it', (t) => {
  const { lib } = openIn(t);
  const lab = lib.createLab('Nodes');
  const doc = { ...emptyDocument(), nodes: [{ name: 'manager1' }, { name: 'worker1' }, { name: 'worker2' }] };
  const summary = lib.updateDocument(lab.id, doc);
  assert.equal(summary.nodeCount, 3);
  assert.ok(summary.updatedAt > lab.updatedAt);
  assert.deepEqual(lib.getLab(lab.id).document, doc);
  assert.equal(lib.listLabs()[0]?.nodeCount, 3);
  const bad = { ...emptyDocument(), nodes: [{ name: 'a' }, { name: 7 }] } as unknown as typeof doc;
  throwsFlotilla(() => lib.updateDocument(lab.id, bad), 'invalid-argument', 'document: nodes[1].name: must be a string, got number');
  throwsFlotilla(() => lib.updateDocument(id(77), doc), 'not-found', `No lab with id ${id(77)}.`);
});

test('a stored document from a newer Flotilla is refused when read', (t) => {
  const { lib, file } = openIn(t);
  const lab = lib.createLab('Future');
  const raw = new Database(file);
  raw.prepare('UPDATE labs SET document = ? WHERE id = ?').run(JSON.stringify({ version: 3, nodes: [], links: [] }), lab.id);
  raw.close();
  throwsFlotilla(() => lib.getLab(lab.id), 'unsupported', /lab .*: this lab was written by a newer Flotilla \(document version 3\); this Flotilla reads up to version 2$/);
});

// ---- snapshots ------------------------------------------------------------------------------------------------

test('snapshots: default names count up, explicit names are kept, newest first', (t) => {
  const { lib } = openIn(t);
  const lab = lib.createLab('Snaps');
  const s1 = lib.saveSnapshot(lab.id);
  const s2 = lib.saveSnapshot(lab.id);
  const named = lib.saveSnapshot(lab.id, 'Before NAT');
  const s3 = lib.saveSnapshot(lab.id);
  assert.deepEqual([s1.name, s2.name, named.name, s3.name], ['Snapshot 1', 'Snapshot 2', 'Before NAT', 'Snapshot 3']);
  assert.deepEqual(s1, { id: s1.id, labId: lab.id, name: 'Snapshot 1', createdAt: s1.createdAt });
  assert.deepEqual(lib.listSnapshots(lab.id).map((s) => s.name), ['Snapshot 3', 'Before NAT', 'Snapshot 2', 'Snapshot 1']);
  assert.equal(lib.listLabs()[0]?.snapshotCount, 4);

  // Deleting one does not reuse its number while a higher one exists.
  assert.equal(lib.deleteSnapshot(s2.id), lab.id, 'deleteSnapshot returns the lab id');
  assert.equal(lib.saveSnapshot(lab.id).name, 'Snapshot 4');
  // Numbers are per lab.
  const other = lib.createLab('Other');
  assert.equal(lib.saveSnapshot(other.id).name, 'Snapshot 1');
  throwsFlotilla(() => lib.deleteSnapshot(s2.id), 'not-found', `No snapshot with id ${s2.id}.`);
  throwsFlotilla(() => lib.saveSnapshot(lab.id, ' x'), 'invalid-argument', 'name: must not start or end with white space');
});

test('a snapshot holds the design as it was when saved', (t) => {
  const { lib } = openIn(t);
  const lab = lib.createLab('Design');
  lib.updateDocument(lab.id, { ...emptyDocument(), nodes: [{ name: 'node1' }] });
  const snap = lib.saveSnapshot(lab.id);
  lib.updateDocument(lab.id, { ...emptyDocument(), nodes: [{ name: 'node1' }, { name: 'node2' }] });
  assert.deepEqual(lib.getSnapshot(snap.id).document, { ...emptyDocument(), nodes: [{ name: 'node1' }] });
  assert.equal(lib.getLab(lab.id).nodeCount, 2);
});

test('saving a snapshot does not change the lab\'s updatedAt', (t) => {
  const { lib } = openIn(t);
  const lab = lib.createLab('Still');
  lib.saveSnapshot(lab.id);
  assert.equal(lib.getLab(lab.id).updatedAt, lab.updatedAt);
});

// ---- settings and ids -----------------------------------------------------------------------------------------

test('settings: theme defaults to system, is stored, and is checked', (t) => {
  const { lib, file } = openIn(t);
  assert.deepEqual(lib.getSettings(), { theme: 'system' });
  assert.deepEqual(lib.setSettings({ theme: 'light' }), { theme: 'light' });
  assert.deepEqual(lib.getSettings(), { theme: 'light' });
  throwsFlotilla(() => lib.setSettings({ theme: 'neon' as 'dark' }), 'invalid-argument', /^theme: expected one of system, light, dark$/);
  assert.deepEqual(lib.getSettings(), { theme: 'light' });

  // An unreadable stored value (a newer Flotilla's theme, say) falls back to the default; unknown keys are ignored.
  const raw = new Database(file);
  raw.prepare("UPDATE settings SET value = '\"neon\"' WHERE key = 'theme'").run();
  raw.prepare("INSERT INTO settings (key, value) VALUES ('future', '1')").run();
  raw.close();
  assert.deepEqual(lib.getSettings(), { theme: 'system' });
});

test('ids come from newId and must be 32 hex digits; randomId makes such ids', (t) => {
  const dir = tempDir(t);
  const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(0), newId: () => 'not-an-id' });
  t.after(() => lib.close());
  throwsFlotilla(() => lib.createLab('X'), 'internal', 'newId() returned "not-an-id", not 32 lowercase hex digits');
  assert.deepEqual(lib.listLabs(), []);
  const a = randomId();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(randomId(), a);
});

// ---- the addon to load ------------------------------------------------------------------------------------------

test('nativeBinding: the library loads the addon it is given (how the Electron shell loads its own build)', (t) => {
  const dir = tempDir(t);
  const addon = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');
  const lib = Library.open(path.join(dir, 'library.sqlite'), { ...deterministic(), nativeBinding: addon });
  t.after(() => lib.close());
  assert.equal(lib.createLab('With a chosen addon').name, 'With a chosen addon');
  // A path that is no addon fails to open, so the option really reaches better-sqlite3. That is an installation
  // fault, not a fault of the library file, so it is not dressed up as one.
  assert.throws(
    () => Library.open(path.join(dir, 'other.sqlite'), { ...deterministic(), nativeBinding: path.join(dir, 'missing.node') }),
    /Cannot find module .*missing\.node/,
  );
});
