// Lab files (.flotilla): one lab with its snapshots and chosen captures, as an SQLite database with the library's
// own schema holding exactly that lab. Export builds the file beside its destination and renames it into place;
// import checks everything first (the SQLite header, the schema version, one lab, every document against the lab
// schema) and then copies in one transaction with fresh ids, so a bad file changes nothing in the library.
import { closeSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { FlotillaError } from '../common/api/errors.ts';
import type { LabDocument } from '../common/api/types.ts';
import { parseLabDocument } from '../lab/document.ts';
import { CAPTURE_INDEX_SCHEMA, LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, userVersion } from './migrations.ts';

/**
 * The schema a lab file without captures is written at: the lowest library schema holding a lab and its snapshots
 * at which lab files exist (2). Later migrations are the library's own business (3: the lab leases of running
 * windows), so such a file opens in every Flotilla that reads lab files, not only in those as new as this one. A
 * file with captures is written at the library's own schema: how captures are indexed changes with it, and an
 * older Flotilla must refuse what it would misread.
 */
export const LAB_FILE_SCHEMA_VERSION = 2;

/** The schema lab file gets: LAB_FILE_SCHEMA_VERSION, or the newest when it carries captures. */
export function labFileSchema(withCaptures: boolean): number {
  return withCaptures ? LATEST_SCHEMA_VERSION : LAB_FILE_SCHEMA_VERSION;
}

/** Written into the file's application_id, so `file(1)`-like tools and we can tell a lab file from a library. */
export const LAB_FILE_APPLICATION_ID = 0x466c4c62; // "FlLb"
const SQLITE_MAGIC = 'SQLite format 3\u0000';

export interface LabFileContents {
  name: string;
  createdAt: string;
  document: LabDocument;
  snapshots: { name: string; createdAt: string; document: LabDocument }[];
  /** Keys of the captures in the file. */
  captureKeys: number[];
  /** The file's schema (user_version). */
  schema: number;
}

/**
 * Writes lab `labId` of the library `db` with its snapshots and the captures `captureIds` (which must belong to no
 * lab or to this one) into a new lab file `file` (replaced if it exists).
 */
export function writeLabFile(db: Database, labId: string, file: string, captureIds: readonly string[]): void {
  const abs = path.resolve(file);
  const tmp = `${abs}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const out = new DatabaseConstructor(tmp);
  try {
    out.pragma('journal_mode = DELETE');
    const version = labFileSchema(captureIds.length > 0);
    migrate(out, MIGRATIONS.filter((m) => m.version <= version));
    out.pragma(`application_id = ${LAB_FILE_APPLICATION_ID}`);
  } finally {
    out.close();
  }
  try {
    db.prepare('ATTACH DATABASE ? AS labfile').run(tmp);
    try {
      db.transaction(() => {
        const lab = db.prepare('INSERT INTO labfile.labs SELECT * FROM main.labs WHERE id = ?').run(labId);
        if (lab.changes === 0) throw new FlotillaError('not-found', `No lab with id ${labId}.`);
        db.prepare('INSERT INTO labfile.snapshots SELECT * FROM main.snapshots WHERE lab_id = ?').run(labId);
        for (const id of captureIds) {
          const row = db.prepare<[string], { key: number; lab_id: string | null }>('SELECT key, lab_id FROM main.captures WHERE id = ?').get(id);
          if (!row) throw new FlotillaError('not-found', `No capture with id ${id}.`, 'captureIds');
          if (row.lab_id !== null && row.lab_id !== labId) throw new FlotillaError('invalid-argument', `captureIds: capture ${id} belongs to another lab`, 'captureIds');
          db.prepare('INSERT INTO labfile.captures SELECT * FROM main.captures WHERE key = ?').run(row.key);
          db.prepare('INSERT INTO labfile.capture_chunks SELECT * FROM main.capture_chunks WHERE capture_key = ?').run(row.key);
          db.prepare('INSERT INTO labfile.capture_frames SELECT * FROM main.capture_frames WHERE capture_key = ?').run(row.key);
          // The index too, so the lab file's captures open without being indexed again.
          db.prepare('INSERT INTO labfile.capture_index SELECT * FROM main.capture_index WHERE capture_key = ?').run(row.key);
          db.prepare('INSERT INTO labfile.capture_rows SELECT * FROM main.capture_rows WHERE capture_key = ?').run(row.key);
        }
      })();
    } finally {
      db.prepare('DETACH DATABASE labfile').run();
    }
    renameSync(tmp, abs);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Copies the lab in lab file `file` into the library `db` under a fresh id and the name `name` (the caller made it
 * unique), with its snapshots and captures. Checks the whole file first; throws FlotillaError naming the file and
 * the place on anything wrong, and then nothing in the library changed.
 */
export function readLabFile(db: Database, file: string, where: string, name: (fileName: string) => string, newId: () => string, now: string): string {
  const contents = checkLabFile(file, where);
  const labId = newId();
  db.prepare('ATTACH DATABASE ? AS labfile').run(path.resolve(file));
  try {
    db.transaction(() => {
      db.prepare('INSERT INTO main.labs (id, name, name_key, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        labId,
        name(contents.name),
        name(contents.name).normalize('NFC').toLowerCase(),
        JSON.stringify(contents.document),
        contents.createdAt,
        now,
      );
      for (const s of contents.snapshots) {
        db.prepare('INSERT INTO main.snapshots (id, lab_id, name, created_at, document) VALUES (?, ?, ?, ?, ?)').run(
          newId(),
          labId,
          s.name,
          s.createdAt,
          JSON.stringify(s.document),
        );
      }
      for (const key of contents.captureKeys) {
        const inserted = db
          .prepare<[string, string, number], { key: number }>(
            `INSERT INTO main.captures (id, lab_id, name, source, format, linktype, interfaces, created_at, packet_count, byte_size, first_ts_ns, duration_ns)
             SELECT ?, CASE WHEN lab_id IS NULL THEN NULL ELSE ? END, name, source, format, linktype, interfaces, created_at, packet_count, byte_size, first_ts_ns, duration_ns
             FROM labfile.captures WHERE key = ? RETURNING key`,
          )
          .get(newId(), labId, key)!;
        db.prepare('INSERT INTO main.capture_chunks (capture_key, seq, bytes) SELECT ?, seq, bytes FROM labfile.capture_chunks WHERE capture_key = ?').run(inserted.key, key);
        db.prepare(
          `INSERT INTO main.capture_frames (capture_key, number, offset, caplen, origlen, iface, ts_rel_ns, source, destination, protocol, info, colour)
           SELECT ?, number, offset, caplen, origlen, iface, ts_rel_ns, source, destination, protocol, info, colour FROM labfile.capture_frames WHERE capture_key = ?`,
        ).run(inserted.key, key);
        // An index in the layout this Flotilla reads is copied; an older one is left out, and the capture is
        // indexed again from its file when first read.
        if (contents.schema >= CAPTURE_INDEX_SCHEMA) {
          db.prepare('INSERT INTO main.capture_index (capture_key, seq, bytes) SELECT ?, seq, bytes FROM labfile.capture_index WHERE capture_key = ?').run(inserted.key, key);
          db.prepare(
            `INSERT INTO main.capture_rows (capture_key, number, source, destination, protocol, info, colour)
             SELECT ?, number, source, destination, protocol, info, colour FROM labfile.capture_rows WHERE capture_key = ?`,
          ).run(inserted.key, key);
        }
      }
    }).immediate();
  } finally {
    db.prepare('DETACH DATABASE labfile').run();
  }
  return labId;
}

/** Reads and checks a lab file without changing it. */
export function checkLabFile(file: string, where: string): LabFileContents {
  const bad = (message: string, field?: string) => new FlotillaError('invalid-argument', `${where}: ${message}`, field);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new FlotillaError('not-found', `${where}: no such file`);
  }
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) throw bad('not a Flotilla lab file (not an SQLite database)');
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const pages = header.readUInt32BE(28);
  if (pageSize > 0 && pages > 0 && size < pageSize * pages) throw bad(`the file is truncated (${size} bytes of ${pageSize * pages})`);
  let src: Database;
  try {
    src = new DatabaseConstructor(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw bad(`SQLite cannot open it (${(err as Error).message})`);
  }
  try {
    const integrity = src.pragma('quick_check', { simple: true }) as string;
    if (integrity !== 'ok') throw bad(`the file is damaged (SQLite: ${integrity})`);
    const appId = src.pragma('application_id', { simple: true }) as number;
    if (appId !== LAB_FILE_APPLICATION_ID) throw bad('not a Flotilla lab file (an SQLite database of something else)');
    const version = userVersion(src);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new FlotillaError('unsupported', `${where}: this lab file was written by a newer Flotilla (schema ${version}); this Flotilla reads up to schema ${LATEST_SCHEMA_VERSION}`);
    }
    if (version < LAB_FILE_SCHEMA_VERSION) throw bad(`lab files start at schema ${LAB_FILE_SCHEMA_VERSION}, this one is at ${version}`);
    const labs = src.prepare<[], { id: string; name: string; created_at: string; document: string }>('SELECT id, name, created_at, document FROM labs').all();
    if (labs.length !== 1) throw bad(`a lab file holds one lab, this one holds ${labs.length}`, 'labs');
    const lab = labs[0]!;
    const doc = (text: string, what: string): LabDocument => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw bad(`${what}: the document is not JSON`);
      }
      return parseLabDocument(json, `${where}: ${what}`);
    };
    const snapshots = src
      .prepare<[], { name: string; created_at: string; document: string }>('SELECT name, created_at, document FROM snapshots ORDER BY created_at, rowid')
      .all()
      .map((s, i) => ({ name: s.name, createdAt: s.created_at, document: doc(s.document, `snapshot ${i + 1} ("${s.name}")`) }));
    const captureKeys = src.prepare<[], { key: number }>('SELECT key FROM captures ORDER BY key').all().map((r) => r.key);
    return { name: lab.name, createdAt: lab.created_at, document: doc(lab.document, `lab "${lab.name}"`), snapshots, captureKeys, schema: version };
  } finally {
    src.close();
  }
}
