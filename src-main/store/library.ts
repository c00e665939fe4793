// The Flotilla library: one SQLite file (better-sqlite3) holding the labs, their snapshots, the settings and the
// captures (store/captures.ts).
// Time and ids come from the caller, so tests are deterministic. Opening refuses, without writing a byte, a file
// that is not a database or that a newer Flotilla wrote.

import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants as fsConstants, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { ID_PATTERN, NAME_MAX } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import { literal } from '../common/api/schema.ts';
import type { Lab, LabDocument, LabSummary, Settings, SnapshotSummary } from '../common/api/types.ts';
import { emptyDocument, parseLabDocument } from '../lab/document.ts';
import { CaptureStore } from './captures.ts';
import { readLabFile, writeLabFile } from './lab-file.ts';
import { LATEST_SCHEMA_VERSION, migrate, userVersion } from './migrations.ts';

export interface LibraryOptions {
  /** The wall clock, for created/updated times. */
  now: () => Date;
  /** A fresh id: 32 lowercase hex digits (see `randomId`). */
  newId: () => string;
  /** How long to wait for another process's lock, in milliseconds (default 5000). */
  busyTimeoutMs?: number;
  /** better-sqlite3's compiled addon to load instead of the default one (Electron needs one built for its ABI). */
  nativeBinding?: string;
}

/** A snapshot with the design it holds. */
export interface Snapshot extends SnapshotSummary {
  document: LabDocument;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({ theme: 'system' });

/** A random 128-bit id as 32 lowercase hex digits: the `newId` for real use. */
export function randomId(): string {
  return randomBytes(16).toString('hex');
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';
const HEADER_SIZE = 100;
const USER_VERSION_OFFSET = 60;
const DEFAULT_SNAPSHOT_NAME = /^Snapshot (\d{1,9})$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
const theme = literal('system', 'light', 'dark');

interface SummaryRow {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  node_count: number;
  snapshot_count: number;
}
interface LeaseRow {
  pid: number;
  token: string;
  heartbeat_ms: number;
}
/** Who runs a lab: a process and the random token of its LiveLabs. */
export interface LeaseHolder {
  pid: number;
  token: string;
}
interface SnapshotRow {
  id: string;
  lab_id: string;
  name: string;
  created_at: string;
}

const SUMMARY_SELECT = `
  SELECT l.id, l.name, l.created_at, l.updated_at,
         coalesce(json_array_length(l.document, '$.nodes'), 0) AS node_count,
         (SELECT count(*) FROM snapshots s WHERE s.lab_id = l.id) AS snapshot_count
  FROM labs l`;

function prepareAll(db: Database) {
  return {
    listLabs: db.prepare<[], SummaryRow>(`${SUMMARY_SELECT} ORDER BY l.updated_at DESC, l.name_key, l.id`),
    labSummary: db.prepare<[string], SummaryRow>(`${SUMMARY_SELECT} WHERE l.id = ?`),
    lab: db.prepare<[string], SummaryRow & { document: string }>(`${SUMMARY_SELECT.replace('SELECT', 'SELECT l.document,')} WHERE l.id = ?`),
    labByKey: db.prepare<[string, string], { id: string }>('SELECT id FROM labs WHERE name_key = ? AND id <> ?'),
    insertLab: db.prepare<[string, string, string, string, string, string]>(
      'INSERT INTO labs (id, name, name_key, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    renameLab: db.prepare<[string, string, string, string]>('UPDATE labs SET name = ?, name_key = ?, updated_at = ? WHERE id = ?'),
    setDocument: db.prepare<[string, string, string]>('UPDATE labs SET document = ?, updated_at = ? WHERE id = ?'),
    deleteLab: db.prepare<[string]>('DELETE FROM labs WHERE id = ?'),
    listSnapshots: db.prepare<[string], SnapshotRow>(
      'SELECT id, lab_id, name, created_at FROM snapshots WHERE lab_id = ? ORDER BY created_at DESC, rowid DESC',
    ),
    snapshotNames: db.prepare<[string], { name: string }>("SELECT name FROM snapshots WHERE lab_id = ? AND name GLOB 'Snapshot [0-9]*'"),
    insertSnapshot: db.prepare<[string, string, string, string]>(
      'INSERT INTO snapshots (id, lab_id, name, created_at, document) SELECT ?, id, ?, ?, document FROM labs WHERE id = ?',
    ),
    snapshot: db.prepare<[string], SnapshotRow & { document: string }>(
      'SELECT id, lab_id, name, created_at, document FROM snapshots WHERE id = ?',
    ),
    deleteSnapshot: db.prepare<[string], { lab_id: string }>('DELETE FROM snapshots WHERE id = ? RETURNING lab_id'),
    settings: db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings'),
    lease: db.prepare<[string], LeaseRow>('SELECT pid, token, heartbeat_ms FROM lab_leases WHERE lab_id = ?'),
    putLease: db.prepare<[string, number, string, number]>(
      'INSERT INTO lab_leases (lab_id, pid, token, heartbeat_ms) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (lab_id) DO UPDATE SET pid = excluded.pid, token = excluded.token, heartbeat_ms = excluded.heartbeat_ms',
    ),
    renewLeases: db.prepare<[number, string]>('UPDATE lab_leases SET heartbeat_ms = ? WHERE token = ?'),
    releaseLease: db.prepare<[string, string]>('DELETE FROM lab_leases WHERE lab_id = ? AND token = ?'),
    putSetting: db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };
}

export class Library {
  /** The SQLite file, as an absolute path. */
  readonly path: string;
  readonly #db: Database;
  readonly #now: () => Date;
  readonly #newId: () => string;
  readonly #q: ReturnType<typeof prepareAll>;
  /** The captures kept in this library (imported files, and later the labs' own). */
  readonly captures: CaptureStore;

  private constructor(file: string, db: Database, opts: LibraryOptions) {
    this.path = file;
    this.#db = db;
    this.#now = opts.now;
    this.#newId = opts.newId;
    this.#q = prepareAll(db);
    this.captures = new CaptureStore(db, opts.now, () => this.#id());
  }

  /**
   * Opens (creating the folder and the file if missing) and migrates the library in `file`. Throws
   * FlotillaError('unsupported') without changing the file if it is not an SQLite database, is some other
   * program's database, or was written by a newer Flotilla.
   */
  static open(file: string, opts: LibraryOptions): Library {
    const abs = path.resolve(file);
    mkdirSync(path.dirname(abs), { recursive: true });
    // First look at the header with a plain read: a read-only SQLite connection would leave -wal and -shm files
    // behind for a WAL database, and changing journal_mode or migrating would write.
    checkHeader(abs);
    checkWritable(abs);
    let db: Database;
    try {
      db = new DatabaseConstructor(abs, {
        timeout: opts.busyTimeoutMs ?? 5000,
        ...(opts.nativeBinding === undefined ? {} : { nativeBinding: opts.nativeBinding }),
      });
    } catch (err) {
      throw translateOpenError(abs, err);
    }
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000))}`);
      // Again through SQLite, before any write: it also sees a newer version still in another process's WAL.
      const version = userVersion(db);
      if (version > LATEST_SCHEMA_VERSION) throw newerLibrary(abs, version);
      if (version === 0) {
        const tables = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get();
        if (tables && tables.n > 0) throw notALibrary(abs, 'it is an SQLite database of some other program');
      }
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL syncs at checkpoints, not at every commit: a killed process (SIGKILL, a crash) loses
      // nothing it committed, as the WAL is in the OS's hands; a power loss or OS crash can lose the last few
      // transactions (never corrupt the file). An import writes hundreds of MB, and FULL's fsync per commit would
      // cost more than the import itself.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      return new Library(abs, db, opts);
    } catch (err) {
      db.close();
      throw translateOpenError(abs, err);
    }
  }

  /** PRAGMA user_version: the schema this library is at. */
  get schemaVersion(): number {
    return userVersion(this.#db);
  }

  /** Every lab, most recently changed first, then by name. */
  listLabs(): LabSummary[] {
    return this.#q.listLabs.all().map(toSummary);
  }

  createLab(name: string): LabSummary {
    checkName(name, 'name');
    const id = this.#id();
    const time = this.#time();
    this.#db.transaction(() => {
      this.#ensureNameFree(name, '');
      this.#q.insertLab.run(id, name, nameKey(name), JSON.stringify(emptyDocument()), time, time);
    }).immediate();
    return this.#summary(id);
  }

  renameLab(id: string, name: string): LabSummary {
    checkName(name, 'name');
    this.#db.transaction(() => {
      const current = this.#q.labSummary.get(id);
      if (!current) throw labNotFound(id);
      if (current.name === name) return;
      this.#ensureNameFree(name, id);
      this.#q.renameLab.run(name, nameKey(name), this.#time(), id);
    }).immediate();
    return this.#summary(id);
  }

  getLab(id: string): Lab {
    const row = this.#q.lab.get(id);
    if (!row) throw labNotFound(id);
    return { ...toSummary(row), document: this.#parseDocument(row.document, `lab ${id}`) };
  }

  /** Replaces the design of a lab (checked first) and marks it changed. */
  updateDocument(id: string, document: LabDocument): LabSummary {
    const checked = parseLabDocument(document, 'document');
    const result = this.#q.setDocument.run(JSON.stringify(checked), this.#time(), id);
    if (result.changes === 0) throw labNotFound(id);
    return this.#summary(id);
  }

  /**
   * Adds a lab with this design (checked first). Its name is `name`, or `name (2)`, `name (3)` ... when a lab has
   * that name already.
   */
  importDocument(name: string, document: LabDocument): LabSummary {
    const checked = parseLabDocument(document, 'document');
    const id = this.#id();
    const time = this.#time();
    this.#db.transaction(() => {
      const finalName = this.#freeName(name);
      this.#q.insertLab.run(id, finalName, nameKey(finalName), JSON.stringify(checked), time, time);
    }).immediate();
    return this.#summary(id);
  }

  /** Writes the lab, its snapshots and the captures `captureIds` into the lab file `file`. */
  exportLabFile(labId: string, file: string, captureIds: readonly string[] = []): void {
    this.getLab(labId); // not-found, or a document this Flotilla cannot read
    writeLabFile(this.#db, labId, file, captureIds);
  }

  /** Adds the lab of lab file `file` (checked whole first; a bad file changes nothing). `where` names it in errors. */
  importLabFile(file: string, where: string = file): LabSummary {
    const id = readLabFile(this.#db, file, where, (n) => this.#freeName(n), () => this.#id(), this.#time());
    return this.#summary(id);
  }

  #freeName(wanted: string): string {
    let base = wanted.trim().replace(new RegExp(CONTROL.source, 'g'), ' ').slice(0, NAME_MAX - 6) || 'Imported lab';
    base = base.trim();
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base} (${n})`;
      if (!this.#q.labByKey.get(nameKey(candidate), '')) return candidate;
    }
  }

  /** Deletes the lab and its snapshots. */
  deleteLab(id: string): void {
    if (this.#q.deleteLab.run(id).changes === 0) throw labNotFound(id);
  }

  /** The snapshots of a lab, newest first. */
  listSnapshots(labId: string): SnapshotSummary[] {
    return this.#db.transaction(() => {
      if (!this.#q.labSummary.get(labId)) throw labNotFound(labId);
      return this.#q.listSnapshots.all(labId).map(toSnapshotSummary);
    })();
  }

  /**
   * Saves the lab's current design as a snapshot. Without a name it is called "Snapshot N", N one more than the
   * highest such number among the lab's snapshots. Does not change the lab's updatedAt.
   */
  saveSnapshot(labId: string, name?: string): SnapshotSummary {
    if (name !== undefined) checkName(name, 'name');
    const id = this.#id();
    const time = this.#time();
    return this.#db.transaction(() => {
      const finalName = name ?? `Snapshot ${this.#nextSnapshotNumber(labId)}`;
      if (this.#q.insertSnapshot.run(id, finalName, time, labId).changes === 0) throw labNotFound(labId);
      return { id, labId, name: finalName, createdAt: time };
    }).immediate();
  }

  getSnapshot(id: string): Snapshot {
    const row = this.#q.snapshot.get(id);
    if (!row) throw snapshotNotFound(id);
    return { ...toSnapshotSummary(row), document: this.#parseDocument(row.document, `snapshot ${id}`) };
  }

  /** Deletes a snapshot; returns the id of its lab. */
  deleteSnapshot(id: string): string {
    const row = this.#q.deleteSnapshot.get(id);
    if (!row) throw snapshotNotFound(id);
    return row.lab_id;
  }

  /** The settings; missing or unreadable values fall back to DEFAULT_SETTINGS. */
  getSettings(): Settings {
    const settings: Settings = { ...DEFAULT_SETTINGS };
    for (const { key, value } of this.#q.settings.all()) {
      if (key !== 'theme') continue; // written by a newer Flotilla, or retired
      try {
        settings.theme = theme.parse(JSON.parse(value), 'theme');
      } catch {
        // keep the default
      }
    }
    return settings;
  }

  setSettings(s: Settings): Settings {
    const checked: Settings = { theme: theme.parse(s.theme, 'theme') };
    this.#db.transaction(() => {
      this.#q.putSetting.run('theme', JSON.stringify(checked.theme));
    })();
    return this.getSettings();
  }

  /**
   * Takes (or renews) the lease of lab `labId` for `holder`, in one immediate transaction. Another holder's lease
   * stands while `isLive` says so (its heartbeat is recent and its process exists): then nothing changes and that
   * holder is returned. Returns null when the lease is now `holder`'s.
   */
  acquireLease(labId: string, holder: LeaseHolder, nowMs: number, isLive: (lease: LeaseHolder & { heartbeatMs: number }) => boolean): LeaseHolder | null {
    return this.#db.transaction(() => {
      const row = this.#q.lease.get(labId);
      if (row && row.token !== holder.token && isLive({ pid: row.pid, token: row.token, heartbeatMs: row.heartbeat_ms })) {
        return { pid: row.pid, token: row.token };
      }
      this.#q.putLease.run(labId, holder.pid, holder.token, Math.trunc(nowMs));
      return null;
    }).immediate();
  }

  /** Who holds the lease of lab `labId` (live or not), or null when nobody does. */
  getLease(labId: string): (LeaseHolder & { heartbeatMs: number }) | null {
    const row = this.#q.lease.get(labId);
    return row ? { pid: row.pid, token: row.token, heartbeatMs: row.heartbeat_ms } : null;
  }

  /** The heartbeat of every lease held with `token`. */
  renewLeases(token: string, nowMs: number): void {
    this.#q.renewLeases.run(Math.trunc(nowMs), token);
  }

  /** Gives up the lease of a lab, if `token` still holds it. */
  releaseLease(labId: string, token: string): void {
    this.#q.releaseLease.run(labId, token);
  }

  /** Pages the database file has now. */
  get pageCount(): number {
    return this.#db.pragma('page_count', { simple: true }) as number;
  }

  /**
   * Caps the database at `pages` pages for this connection (PRAGMA max_page_count): a write that needs more fails
   * with SQLITE_FULL, as on a full disk. Tests of the disk-full path use it; returns the cap in force.
   */
  setMaxPageCount(pages: number): number {
    return this.#db.pragma(`max_page_count = ${Math.max(1, Math.trunc(pages))}`, { simple: true }) as number;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  #summary(id: string): LabSummary {
    const row = this.#q.labSummary.get(id);
    if (!row) throw labNotFound(id);
    return toSummary(row);
  }

  #ensureNameFree(name: string, exceptId: string): void {
    if (this.#q.labByKey.get(nameKey(name), exceptId)) {
      throw new FlotillaError('conflict', `A lab named "${name}" already exists.`, 'name');
    }
  }

  #nextSnapshotNumber(labId: string): number {
    let highest = 0;
    for (const { name } of this.#q.snapshotNames.all(labId)) {
      const m = DEFAULT_SNAPSHOT_NAME.exec(name);
      if (m) highest = Math.max(highest, Number(m[1]));
    }
    return highest + 1;
  }

  #parseDocument(text: string, what: string): LabDocument {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new FlotillaError('internal', `${this.path}: ${what}: the stored document is not JSON`);
    }
    return parseLabDocument(json, `${this.path}: ${what}`);
  }

  #id(): string {
    const id = this.#newId();
    if (!ID_PATTERN.test(id)) throw new FlotillaError('internal', `newId() returned "${id}", not 32 lowercase hex digits`);
    return id;
  }

  #time(): string {
    return this.#now().toISOString();
  }
}

function toSummary(row: SummaryRow): LabSummary {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    nodeCount: row.node_count,
    snapshotCount: row.snapshot_count,
  };
}

function toSnapshotSummary(row: SnapshotRow): SnapshotSummary {
  return { id: row.id, labId: row.lab_id, name: row.name, createdAt: row.created_at };
}

/** Names compare ignoring case (Unicode lower case of the NFC form). */
function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function checkName(name: unknown, field: string): void {
  const bad = (message: string) => new FlotillaError('invalid-argument', `${field}: ${message}`, field);
  if (typeof name !== 'string') throw bad('expected a string');
  if (name.length === 0) throw bad('must not be empty');
  if (name.length > NAME_MAX) throw bad(`must be at most ${NAME_MAX} characters`);
  if (name.trim() !== name) throw bad('must not start or end with white space');
  if (CONTROL.test(name)) throw bad('must not contain control characters');
}

function labNotFound(id: string): FlotillaError {
  return new FlotillaError('not-found', `No lab with id ${id}.`);
}

function snapshotNotFound(id: string): FlotillaError {
  return new FlotillaError('not-found', `No snapshot with id ${id}.`);
}

function newerLibrary(file: string, version: number): FlotillaError {
  return new FlotillaError(
    'unsupported',
    `This Flotilla library (${file}) was written by a newer version of Flotilla (schema ${version}); ` +
      `this version reads up to schema ${LATEST_SCHEMA_VERSION}. Upgrade Flotilla, or set FLOTILLA_HOME to use another library.`,
  );
}

function notALibrary(file: string, why: string): FlotillaError {
  return new FlotillaError(
    'unsupported',
    `This file (${file}) is not a Flotilla library: ${why}. Move it away, or set FLOTILLA_HOME to use another library.`,
  );
}

/** Reads the 100-byte SQLite header without SQLite (no locks, no side files) and refuses what we cannot open. */
function checkHeader(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // a new library
    throw err;
  }
  if (size === 0) return; // SQLite treats an empty file as an empty database
  const header = Buffer.alloc(HEADER_SIZE);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, HEADER_SIZE, 0);
  } finally {
    closeSync(fd);
  }
  if (read < HEADER_SIZE || header.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) {
    throw notALibrary(file, 'it is not an SQLite database');
  }
  const version = header.readInt32BE(USER_VERSION_OFFSET);
  if (version > LATEST_SCHEMA_VERSION) throw newerLibrary(file, version);
}

function readOnlyLibrary(file: string, why: string): FlotillaError {
  return new FlotillaError(
    'unsupported',
    `The Flotilla library (${file}) cannot be written: ${why}. Make it writable, or set FLOTILLA_HOME to use another library.`,
  );
}

/** Whether `p` is read-only for us: not writable, or with no write bit at all (a chmod 0444 also stops root). */
function readOnly(p: string): boolean {
  try {
    accessSync(p, fsConstants.W_OK);
  } catch {
    return true;
  }
  return (statSync(p).mode & 0o222) === 0;
}

/** Refuses a library file (or its folder, where SQLite keeps the -wal and -shm files) that is read-only. */
function checkWritable(file: string): void {
  let exists = true;
  try {
    statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    exists = false;
  }
  if (exists && readOnly(file)) throw readOnlyLibrary(file, 'the file is read-only');
  if (readOnly(path.dirname(file))) throw readOnlyLibrary(file, `its folder ${path.dirname(file)} is read-only`);
}

function translateOpenError(file: string, err: unknown): unknown {
  if (err instanceof FlotillaError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN'))) {
    return readOnlyLibrary(file, `SQLite cannot write it (${(err as Error).message})`);
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return notALibrary(file, `SQLite cannot read it (${(err as Error).message})`);
  }
  return err;
}
