// The library's schema as numbered, small migrations. Migration N takes PRAGMA user_version from N-1 to N; each
// runs in its own immediate transaction together with the user_version update, so a failure leaves the library at
// the last good version. Never edit a migration that has shipped: add the next one.

import type { Database } from 'better-sqlite3';
import { FlotillaError } from '../common/api/errors.ts';

export interface Migration {
  /** The user_version after this migration; the array holds 1, 2, 3, ... in order. */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** 32 lowercase hex digits, as CHECK constraint text for column `col`. */
const hexId = (col: string) => `length(${col}) = 32 AND ${col} NOT GLOB '*[^0-9a-f]*'`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'labs, snapshots of their design, settings',
    sql: `
      CREATE TABLE labs (
        id         TEXT PRIMARY KEY NOT NULL CHECK (${hexId('id')}),
        name       TEXT NOT NULL,
        -- name folded for comparison (Unicode lower case, NFC), set by the store: names are unique ignoring case.
        name_key   TEXT NOT NULL UNIQUE,
        document   TEXT NOT NULL CHECK (json_valid(document)),
        created_at TEXT NOT NULL, -- ISO 8601, UTC
        updated_at TEXT NOT NULL
      ) STRICT;

      -- The design at save time; running state comes with a later migration.
      CREATE TABLE snapshots (
        id         TEXT PRIMARY KEY NOT NULL CHECK (${hexId('id')}),
        lab_id     TEXT NOT NULL REFERENCES labs (id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        document   TEXT NOT NULL CHECK (json_valid(document))
      ) STRICT;
      CREATE INDEX snapshots_by_lab ON snapshots (lab_id, created_at);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'captures: the file in chunks and a per-frame index with the packet list columns',
    sql: `
      -- key: a small integer the frame and chunk rows use; id: what the contract shows.
      CREATE TABLE captures (
        key          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE CHECK (${hexId('id')}),
        lab_id       TEXT REFERENCES labs (id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        source       TEXT NOT NULL CHECK (source IN ('import', 'lab')),
        format       TEXT NOT NULL CHECK (format IN ('pcap', 'pcapng')),
        linktype     INTEGER NOT NULL,
        interfaces   TEXT NOT NULL CHECK (json_valid(interfaces)),
        created_at   TEXT NOT NULL,
        packet_count INTEGER NOT NULL,
        byte_size    INTEGER NOT NULL,
        -- nanoseconds since 1970 of frame 1, as decimal text (beyond 2^53)
        first_ts_ns  TEXT NOT NULL,
        duration_ns  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX captures_by_lab ON captures (lab_id, created_at);

      -- The file as it was imported, in chunks of 1 MiB (SQLite reads a big blob's pages as a chain).
      CREATE TABLE capture_chunks (
        capture_key INTEGER NOT NULL REFERENCES captures (key) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        bytes       BLOB NOT NULL,
        UNIQUE (capture_key, seq)
      ) STRICT;

      -- One row per frame: where its bytes are, and the packet list's columns computed once.
      CREATE TABLE capture_frames (
        capture_key INTEGER NOT NULL REFERENCES captures (key) ON DELETE CASCADE,
        number      INTEGER NOT NULL,
        offset      INTEGER NOT NULL,
        caplen      INTEGER NOT NULL,
        origlen     INTEGER NOT NULL,
        iface       INTEGER NOT NULL,
        ts_rel_ns   INTEGER NOT NULL,
        source      TEXT NOT NULL,
        destination TEXT NOT NULL,
        protocol    TEXT NOT NULL,
        info        TEXT NOT NULL,
        colour      INTEGER NOT NULL,
        PRIMARY KEY (capture_key, number)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    description: 'lab leases: one process at a time runs a lab',
    sql: `
      -- The process running a lab: its pid, a random token per LiveLabs, and when it last said it is alive
      -- (milliseconds since 1970, wall clock). A lease whose heartbeat is older than the stale time is free.
      CREATE TABLE lab_leases (
        lab_id       TEXT PRIMARY KEY NOT NULL REFERENCES labs (id) ON DELETE CASCADE,
        pid          INTEGER NOT NULL,
        token        TEXT NOT NULL,
        heartbeat_ms INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    description: 'captures: the frame index as blobs of columns, and the rows the first pass kept whole',
    sql: `
      -- capture_frames is no longer written (lab files of schemas 2 and 3 still carry it); its rows are dropped and
      -- each capture is indexed again from its file when first read.
      DELETE FROM capture_frames;

      -- The frame index in blocks of 16,384 frames, each block every column back to back (capture/frame-index.ts).
      CREATE TABLE capture_index (
        capture_key INTEGER NOT NULL REFERENCES captures (key) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        bytes       BLOB NOT NULL,
        UNIQUE (capture_key, seq)
      ) STRICT;

      -- Rows computed whole at import, for the frames the first pass left to the full dissector.
      CREATE TABLE capture_rows (
        capture_key INTEGER NOT NULL REFERENCES captures (key) ON DELETE CASCADE,
        number      INTEGER NOT NULL,
        source      TEXT NOT NULL,
        destination TEXT NOT NULL,
        protocol    TEXT NOT NULL,
        info        TEXT NOT NULL,
        colour      INTEGER NOT NULL,
        PRIMARY KEY (capture_key, number)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    description: 'captures: the frame index gains the display filter columns (protocols, addresses, ports, streams)',
    sql: `
      -- Blocks of the older layout are dropped; each capture is indexed again from its file when first read.
      DELETE FROM capture_index;
      DELETE FROM capture_rows;
    `,
  },
];

/**
 * The schema since which capture_index blocks have the layout this Flotilla reads (capture/frame-index.ts): a lab
 * file at an older schema gets its captures indexed again, its stored index left behind.
 */
export const CAPTURE_INDEX_SCHEMA = 5;

/** The newest schema this Flotilla knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length === 0 ? 0 : MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the migrations newer than the database's user_version, each in an immediate transaction that re-reads
 * the version first (another process may have migrated meanwhile). Returns the resulting user_version.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new FlotillaError('internal', `migration #${i} has version ${m.version}, expected ${i + 1}`);
  });
  for (const m of migrations) {
    db.transaction(() => {
      const current = userVersion(db);
      if (current >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return userVersion(db);
}
