// Captures kept in the library: the file's bytes in chunks, and a per-frame index whose rows are the packet
// list's columns (computed once, at import), so a page of a million-frame capture is one indexed range read.
// An import parses the whole file first and writes in one transaction: a refused or failing import leaves the
// library as it was.

import type { Database } from 'better-sqlite3';
import { FlotillaError } from '../common/api/errors.ts';
import type { CaptureFileFormat, CaptureInterfaceInfo, CaptureSource, CaptureSummary, FrameRow } from '../common/api/capture-types.ts';
import { colourName } from '../common/capture/colouring.ts';
import { CaptureRefused, parseCaptureFile, type IndexedFrame, type ParsedCapture } from '../common/capture/indexer.ts';

/** Bytes per stored chunk of a capture file. */
export const CHUNK_SIZE = 1 << 20;

export interface NewCapture {
  name: string;
  labId?: string | undefined;
  source: CaptureSource;
}

/** A stored frame's place in the file. */
export interface FrameLocation {
  number: number;
  offset: number;
  caplen: number;
  origLen: number;
  iface: number;
  tsRelNs: number;
}

interface CaptureRow {
  key: number;
  id: string;
  lab_id: string | null;
  name: string;
  source: CaptureSource;
  format: CaptureFileFormat;
  linktype: number;
  interfaces: string;
  created_at: string;
  packet_count: number;
  byte_size: number;
  first_ts_ns: string;
  duration_ns: number;
}

interface FrameDbRow {
  number: number;
  ts_rel_ns: number;
  source: string;
  destination: string;
  protocol: string;
  origlen: number;
  info: string;
  colour: number;
}

const ROW_COLUMNS = 'number, ts_rel_ns, source, destination, protocol, origlen, info, colour';

function prepare(db: Database) {
  return {
    labExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM labs WHERE id = ?'),
    insert: db.prepare<[string, string | null, string, string, string, number, string, string, number, number, string, number], { key: number }>(
      `INSERT INTO captures (id, lab_id, name, source, format, linktype, interfaces, created_at, packet_count, byte_size, first_ts_ns, duration_ns)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING key`,
    ),
    chunk: db.prepare<[number, number, Uint8Array]>('INSERT INTO capture_chunks (capture_key, seq, bytes) VALUES (?, ?, ?)'),
    frame: db.prepare<[number, number, number, number, number, number, number, string, string, string, string, number]>(
      `INSERT INTO capture_frames (capture_key, number, offset, caplen, origlen, iface, ts_rel_ns, source, destination, protocol, info, colour)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byId: db.prepare<[string], CaptureRow>('SELECT * FROM captures WHERE id = ?'),
    update: db.prepare<[string, number, string, number, number, string, number, number]>(
      'UPDATE captures SET format = ?, linktype = ?, interfaces = ?, packet_count = ?, byte_size = ?, first_ts_ns = ?, duration_ns = ? WHERE key = ?',
    ),
    clearChunks: db.prepare<[number]>('DELETE FROM capture_chunks WHERE capture_key = ?'),
    clearFrames: db.prepare<[number]>('DELETE FROM capture_frames WHERE capture_key = ?'),
    all: db.prepare<[], CaptureRow>('SELECT * FROM captures ORDER BY created_at DESC, key DESC'),
    byLab: db.prepare<[string], CaptureRow>('SELECT * FROM captures WHERE lab_id = ? ORDER BY created_at DESC, key DESC'),
    delete: db.prepare<[string], { lab_id: string | null }>('DELETE FROM captures WHERE id = ? RETURNING lab_id'),
    chunks: db.prepare<[number], { bytes: Buffer }>('SELECT bytes FROM capture_chunks WHERE capture_key = ? ORDER BY seq'),
    chunkRange: db.prepare<[number, number, number], { seq: number; bytes: Buffer }>(
      'SELECT seq, bytes FROM capture_chunks WHERE capture_key = ? AND seq BETWEEN ? AND ? ORDER BY seq',
    ),
    rows: db.prepare<[number, number, number], FrameDbRow>(
      `SELECT ${ROW_COLUMNS} FROM capture_frames WHERE capture_key = ? AND number BETWEEN ? AND ? ORDER BY number`,
    ),
    row: db.prepare<[number, number], FrameDbRow>(`SELECT ${ROW_COLUMNS} FROM capture_frames WHERE capture_key = ? AND number = ?`),
    locations: db.prepare<[number, number, number], { number: number; offset: number; caplen: number; origlen: number; iface: number; ts_rel_ns: number }>(
      'SELECT number, offset, caplen, origlen, iface, ts_rel_ns FROM capture_frames WHERE capture_key = ? AND number BETWEEN ? AND ? ORDER BY number',
    ),
  };
}

export class CaptureStore {
  readonly #db: Database;
  readonly #q: ReturnType<typeof prepare>;

  constructor(
    db: Database,
    private readonly now: () => Date,
    private readonly newId: () => string,
  ) {
    this.#db = db;
    this.#q = prepare(db);
  }

  /**
   * Stores a capture file. Parses it whole first (a damaged file throws FlotillaError('invalid-argument') with
   * readCapture's what and where, and nothing is written), then writes the file, and the frame rows `index`
   * yields, in one transaction.
   */
  import(spec: NewCapture, bytes: Uint8Array, index: (parsed: ParsedCapture) => Iterable<IndexedFrame>): CaptureSummary {
    const parsed = parseOrRefuse(bytes);
    return this.insert(spec, parsed, index(parsed));
  }

  /** Writes an already parsed capture and its frame rows in one transaction. */
  insert(spec: NewCapture, parsed: ParsedCapture, frames: Iterable<IndexedFrame>): CaptureSummary {
    const id = this.newId();
    const { capture, bytes } = parsed;
    const interfaces: CaptureInterfaceInfo[] = capture.interfaces.map((i) => ({
      linktype: i.linktype,
      snaplen: i.snaplen,
      ...(i.name === undefined ? {} : { name: i.name }),
      ...(i.description === undefined ? {} : { description: i.description }),
    }));
    const q = this.#q;
    this.#db
      .transaction(() => {
        if (spec.labId !== undefined && !q.labExists.get(spec.labId)) throw new FlotillaError('not-found', `No lab with id ${spec.labId}.`);
        const inserted = q.insert.get(
          id,
          spec.labId ?? null,
          spec.name,
          spec.source,
          capture.format,
          capture.interfaces[0]?.linktype ?? 1,
          JSON.stringify(interfaces),
          this.now().toISOString(),
          capture.packets.length,
          bytes.length,
          parsed.firstTsNs.toString(),
          Number(parsed.lastTsNs - parsed.firstTsNs),
        );
        if (!inserted) throw new FlotillaError('internal', 'the capture row was not written');
        const key = inserted.key;
        for (let seq = 0, at = 0; at < bytes.length; seq++, at += CHUNK_SIZE) q.chunk.run(key, seq, bytes.subarray(at, at + CHUNK_SIZE));
        let n = 0;
        for (const f of frames) {
          q.frame.run(key, f.number, f.offset, f.caplen, f.origLen, f.iface, f.tsRelNs, f.source, f.destination, f.protocol, f.info, f.colour);
          n++;
        }
        if (n !== capture.packets.length) throw new FlotillaError('internal', `indexed ${n} of ${capture.packets.length} frames`);
      })
      .immediate();
    return this.get(id);
  }

  /**
   * Replaces a stored capture's file and frame rows (a live capture writing its ring again), in one transaction;
   * the id, name, lab and creation time stay.
   */
  replace(id: string, parsed: ParsedCapture, frames: Iterable<IndexedFrame>): CaptureSummary {
    const { capture, bytes } = parsed;
    const interfaces: CaptureInterfaceInfo[] = capture.interfaces.map((i) => ({
      linktype: i.linktype,
      snaplen: i.snaplen,
      ...(i.name === undefined ? {} : { name: i.name }),
      ...(i.description === undefined ? {} : { description: i.description }),
    }));
    const q = this.#q;
    this.#db
      .transaction(() => {
        const key = this.#row(id).key;
        q.update.run(
          capture.format,
          capture.interfaces[0]?.linktype ?? 1,
          JSON.stringify(interfaces),
          capture.packets.length,
          bytes.length,
          parsed.firstTsNs.toString(),
          Number(parsed.lastTsNs - parsed.firstTsNs),
          key,
        );
        q.clearChunks.run(key);
        q.clearFrames.run(key);
        for (let seq = 0, at = 0; at < bytes.length; seq++, at += CHUNK_SIZE) q.chunk.run(key, seq, bytes.subarray(at, at + CHUNK_SIZE));
        let n = 0;
        for (const f of frames) {
          q.frame.run(key, f.number, f.offset, f.caplen, f.origLen, f.iface, f.tsRelNs, f.source, f.destination, f.protocol, f.info, f.colour);
          n++;
        }
        if (n !== capture.packets.length) throw new FlotillaError('internal', `indexed ${n} of ${capture.packets.length} frames`);
      })
      .immediate();
    return this.get(id);
  }

  /** The captures of one lab, or every capture in the library; newest first. */
  list(labId?: string): CaptureSummary[] {
    if (labId !== undefined) {
      if (!this.#q.labExists.get(labId)) throw new FlotillaError('not-found', `No lab with id ${labId}.`);
      return this.#q.byLab.all(labId).map(toSummary);
    }
    return this.#q.all.all().map(toSummary);
  }

  get(id: string): CaptureSummary {
    return toSummary(this.#row(id));
  }

  /** Nanoseconds since 1970 of the first frame. */
  firstTsNs(id: string): bigint {
    return BigInt(this.#row(id).first_ts_ns);
  }

  /** Deletes a capture with its file and index; returns the lab it was kept with. */
  delete(id: string): string | null {
    const row = this.#q.delete.get(id);
    if (!row) throw notFound(id);
    return row.lab_id;
  }

  /** The stored file, whole. */
  readFile(id: string): Uint8Array {
    const key = this.#row(id).key;
    const chunks = this.#q.chunks.all(key);
    return concat(chunks.map((c) => c.bytes));
  }

  /** Packet list rows `from`..`to` (1-based, inclusive). */
  rows(id: string, from: number, to: number): FrameRow[] {
    return this.#q.rows.all(this.#row(id).key, from, to).map(toFrameRow);
  }

  /** Packet list rows of the given frame numbers, in that order (the page of a filtered list). */
  rowsOf(id: string, numbers: ArrayLike<number>): FrameRow[] {
    const key = this.#row(id).key;
    const out: FrameRow[] = [];
    for (let i = 0; i < numbers.length; i++) {
      const r = this.#q.row.get(key, numbers[i]!);
      if (r) out.push(toFrameRow(r));
    }
    return out;
  }

  /** The bytes of frames `from`..`to`, read from only the chunks that hold them. */
  readFrames(id: string, from: number, to: number): { location: FrameLocation; data: Uint8Array }[] {
    const key = this.#row(id).key;
    const locs = this.#q.locations.all(key, from, to);
    if (locs.length === 0) return [];
    const first = locs[0]!;
    const last = locs[locs.length - 1]!;
    const seq0 = Math.floor(first.offset / CHUNK_SIZE);
    const seq1 = Math.floor((last.offset + Math.max(0, last.caplen - 1)) / CHUNK_SIZE);
    const span = concat(this.#q.chunkRange.all(key, seq0, seq1).map((c) => c.bytes));
    const base = seq0 * CHUNK_SIZE;
    return locs.map((l) => ({
      location: { number: l.number, offset: l.offset, caplen: l.caplen, origLen: l.origlen, iface: l.iface, tsRelNs: l.ts_rel_ns },
      data: span.subarray(l.offset - base, l.offset - base + l.caplen),
    }));
  }

  #row(id: string): CaptureRow {
    const row = this.#q.byId.get(id);
    if (!row) throw notFound(id);
    return row;
  }
}

/** readCapture's verdict as the contract's error: a file that is not a capture, or is damaged, says what and where. */
export function parseOrRefuse(bytes: Uint8Array): ParsedCapture {
  try {
    return parseCaptureFile(bytes);
  } catch (e) {
    if (e instanceof CaptureRefused) throw new FlotillaError('invalid-argument', e.message, 'dataBase64');
    throw e;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return new Uint8Array(parts[0]!.buffer, parts[0]!.byteOffset, parts[0]!.length);
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function notFound(id: string): FlotillaError {
  return new FlotillaError('not-found', `No capture with id ${id}.`);
}

function toSummary(r: CaptureRow): CaptureSummary {
  return {
    id: r.id,
    labId: r.lab_id,
    name: r.name,
    source: r.source,
    format: r.format,
    linktype: r.linktype,
    interfaces: JSON.parse(r.interfaces) as CaptureInterfaceInfo[],
    createdAt: r.created_at,
    packetCount: r.packet_count,
    byteSize: r.byte_size,
    duration: r.duration_ns / 1e9,
  };
}

function toFrameRow(r: FrameDbRow): FrameRow {
  const row: FrameRow = {
    number: r.number,
    timeRelative: r.ts_rel_ns / 1e9,
    source: r.source,
    destination: r.destination,
    protocol: r.protocol,
    length: r.origlen,
    info: r.info,
  };
  const colour = colourName(r.colour);
  if (colour !== undefined) row.colour = colour;
  return row;
}
