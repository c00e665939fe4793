// Captures kept in the library: the file's bytes in chunks, its frame index as blobs of columns (frame-index.ts:
// where each frame is, and what the import's first pass worked out across frames), and the few rows the first
// pass kept whole. A page of the packet list reads one or two index blocks and the chunks under its frames, and
// dissects just those frames (rows.ts); a filter of protocols, addresses, ports and streams runs over the index's
// columns (matchFast), as do the analyses (analysisSource). An import indexes the whole file first and writes in
// one transaction: a refused or failing import leaves the library as it was. A live capture's flushes append
// (CaptureAppender: the new frames indexed on from the kept first pass, the last chunk and index block written
// again, then the new ones), storing what replace() of the longer file would. A capture without an index (written
// before schema 5, or copied from an older lab file) is indexed again from its file when first read.

import type { Database } from 'better-sqlite3';
import { FlotillaError } from '../common/api/errors.ts';
import type { CaptureFileFormat, CaptureInterfaceInfo, CaptureSource, CaptureSummary, FrameRow } from '../common/api/capture-types.ts';
import { blockCount, BLOCK_FRAMES, decodeBlock, encodeBlock, origLenOf, type FrameIndex } from '../common/capture/frame-index.ts';
import type { SpecialRow } from '../common/capture/first-pass.ts';
import { walkWorker } from './walk-worker.ts';
import { CaptureRefused, FrameIndexer, indexCapture, indexParsedCapture, parseCaptureFile, type IndexedCapture, type ParsedCapture } from '../common/capture/indexer.ts';
import { frameMeta, PrimedContext, renderRows, type RowFrame } from '../common/capture/rows.ts';
import { ColumnValues, isFastFilter } from '../common/capture/fast-filter.ts';
import { collectFields, type DisplayFilter, type FieldValues, type Summary } from '../common/dissect/index.ts';

/** Bytes per stored chunk of a capture file. */
export const CHUNK_SIZE = 1 << 20;
/** Decoded index blocks kept in memory (a page, its neighbours, the frames an HTTP message spans). */
const BLOCK_CACHE = 8;
/** Rows kept dissected (a few screens of the packet list either way). */
const ROW_CACHE = 4096;
/** File chunks one reader keeps (a reader that walks a whole capture holds no more of it). */
const READER_CHUNKS = 16;
/** Results of filters run over the columns, kept (by capture and filter text). */
const FAST_FILTERS = 8;

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

/** One frame as the packet list and the detail pane dissect it: its bytes and its index columns. */
export interface StoredFrame extends RowFrame {
  /** Its row was kept whole at import (the first pass left it to the full dissector). */
  readonly kept: boolean;
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

function prepare(db: Database) {
  return {
    labExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM labs WHERE id = ?'),
    insert: db.prepare<[string, string | null, string, string, string, number, string, string, number, number, string, number], { key: number }>(
      `INSERT INTO captures (id, lab_id, name, source, format, linktype, interfaces, created_at, packet_count, byte_size, first_ts_ns, duration_ns)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING key`,
    ),
    chunk: db.prepare<[number, number, Uint8Array]>('INSERT INTO capture_chunks (capture_key, seq, bytes) VALUES (?, ?, ?)'),
    block: db.prepare<[number, number, Uint8Array]>('INSERT INTO capture_index (capture_key, seq, bytes) VALUES (?, ?, ?)'),
    special: db.prepare<[number, number, string, string, string, string, number]>(
      'INSERT INTO capture_rows (capture_key, number, source, destination, protocol, info, colour) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    byId: db.prepare<[string], CaptureRow>('SELECT * FROM captures WHERE id = ?'),
    update: db.prepare<[string, number, string, number, number, string, number, number]>(
      'UPDATE captures SET format = ?, linktype = ?, interfaces = ?, packet_count = ?, byte_size = ?, first_ts_ns = ?, duration_ns = ? WHERE key = ?',
    ),
    clearChunks: db.prepare<[number]>('DELETE FROM capture_chunks WHERE capture_key = ?'),
    clearIndex: db.prepare<[number]>('DELETE FROM capture_index WHERE capture_key = ?'),
    clearRows: db.prepare<[number]>('DELETE FROM capture_rows WHERE capture_key = ?'),
    clearChunksFrom: db.prepare<[number, number]>('DELETE FROM capture_chunks WHERE capture_key = ? AND seq >= ?'),
    clearIndexFrom: db.prepare<[number, number]>('DELETE FROM capture_index WHERE capture_key = ? AND seq >= ?'),
    all: db.prepare<[], CaptureRow>('SELECT * FROM captures ORDER BY created_at DESC, key DESC'),
    byLab: db.prepare<[string], CaptureRow>('SELECT * FROM captures WHERE lab_id = ? ORDER BY created_at DESC, key DESC'),
    delete: db.prepare<[string], { key: number; lab_id: string | null }>('DELETE FROM captures WHERE id = ? RETURNING key, lab_id'),
    chunks: db.prepare<[number], { bytes: Buffer }>('SELECT bytes FROM capture_chunks WHERE capture_key = ? ORDER BY seq'),
    chunkAt: db.prepare<[number, number], { bytes: Buffer }>('SELECT bytes FROM capture_chunks WHERE capture_key = ? AND seq = ?'),
    blockAt: db.prepare<[number, number], { bytes: Buffer }>('SELECT bytes FROM capture_index WHERE capture_key = ? AND seq = ?'),
    hasIndex: db.prepare<[number], { one: number }>('SELECT 1 AS one FROM capture_index WHERE capture_key = ? LIMIT 1'),
    keptRow: db.prepare<[number, number], SpecialRow>('SELECT number, source, destination, protocol, info, colour FROM capture_rows WHERE capture_key = ? AND number = ?'),
    keptRows: db.prepare<[number, number, number], SpecialRow>(
      'SELECT number, source, destination, protocol, info, colour FROM capture_rows WHERE capture_key = ? AND number BETWEEN ? AND ?',
    ),
  };
}

/** Reads frames of one capture within one call: index blocks and file chunks fetched once each. */
class FrameReader {
  readonly #chunks = new Map<number, Uint8Array>();
  readonly #interfaces: CaptureInterfaceInfo[];

  constructor(
    private readonly store: CaptureStore,
    private readonly row: CaptureRow,
  ) {
    this.#interfaces = JSON.parse(row.interfaces) as CaptureInterfaceInfo[];
  }

  get firstTsNs(): bigint {
    return BigInt(this.row.first_ts_ns);
  }

  frame = (number: number): StoredFrame => {
    const seq = Math.floor((number - 1) / BLOCK_FRAMES);
    const index = this.store.block(this.row, seq);
    const at = number - 1 - seq * BLOCK_FRAMES;
    const offset = index.offset[at]!;
    const iface = this.#interfaces[index.iface[at]!];
    return {
      number,
      index,
      at,
      data: this.#bytes(offset, index.caplen[at]!),
      linktype: iface?.linktype ?? 1,
      interfaceName: iface?.name,
      kept: index.kind[at] !== 0,
    };
  };

  #chunk(seq: number): Uint8Array {
    let c = this.#chunks.get(seq);
    if (!c) {
      const r = this.store.chunkAt(this.row.key, seq);
      if (!r) throw new FlotillaError('internal', `capture ${this.row.id} has no chunk ${seq}`);
      c = r;
      this.#chunks.set(seq, c);
      if (this.#chunks.size > READER_CHUNKS) this.#chunks.delete(this.#chunks.keys().next().value!);
    }
    return c;
  }

  #bytes(offset: number, length: number): Uint8Array {
    const seq0 = Math.floor(offset / CHUNK_SIZE);
    const seq1 = Math.floor((offset + Math.max(0, length - 1)) / CHUNK_SIZE);
    const base = seq0 * CHUNK_SIZE;
    if (seq0 === seq1) return this.#chunk(seq0).subarray(offset - base, offset - base + length);
    const parts: Uint8Array[] = [];
    for (let s = seq0; s <= seq1; s++) parts.push(this.#chunk(s));
    return concat(parts).subarray(offset - base, offset - base + length);
  }
}

/** A stored capture for the analyses (CaptureStore.analysisSource). */
export interface StoredAnalysisSource {
  readonly count: number;
  /** Index block `seq` (frames seq * BLOCK_FRAMES + 1 ..). */
  block(seq: number): FrameIndex;
  /** Frame `number`'s field values and columns. */
  fields(number: number): { values: FieldValues; summary: Summary };
  /** Frame `number`'s Source and Destination columns. */
  names(number: number): [string, string];
}

export class CaptureStore {
  readonly #db: Database;
  readonly #q: ReturnType<typeof prepare>;
  /** Decoded index blocks by "id/seq", least recently used first. */
  readonly #blocks = new Map<string, FrameIndex>();
  /** Rows already dissected, by "id/number", least recently used first. */
  readonly #rowCache = new Map<string, FrameRow>();
  /** Frame numbers column filters passed, by "id\ntext", least recently used first. */
  readonly #fastFilters = new Map<string, Uint32Array>();

  constructor(
    db: Database,
    private readonly now: () => Date,
    private readonly newId: () => string,
  ) {
    this.#db = db;
    this.#q = prepare(db);
  }

  /**
   * Stores a capture file. Indexes it whole first (a damaged file throws FlotillaError('invalid-argument') with
   * readCapture's what and where, and nothing is written), then writes the file, its index and kept rows in one
   * transaction.
   */
  import(spec: NewCapture, bytes: Uint8Array): CaptureSummary {
    return this.#insert(spec, indexOrRefuse(bytes));
  }

  /**
   * Writes an already parsed capture. `firstPass` (the full dissector's pass, indexer.ts indexFrames) is run to
   * its end inside the transaction, for the context the caller keeps; a throw from it writes nothing.
   */
  insert(spec: NewCapture, parsed: ParsedCapture, firstPass: Iterable<unknown> = []): CaptureSummary {
    return this.#insert(spec, indexParsedCapture(parsed), firstPass);
  }

  #insert(spec: NewCapture, indexed: IndexedCapture, firstPass: Iterable<unknown> = []): CaptureSummary {
    const id = this.newId();
    const q = this.#q;
    this.#db
      .transaction(() => {
        if (spec.labId !== undefined && !q.labExists.get(spec.labId)) throw new FlotillaError('not-found', `No lab with id ${spec.labId}.`);
        const inserted = q.insert.get(
          id,
          spec.labId ?? null,
          spec.name,
          spec.source,
          indexed.format,
          indexed.interfaces[0]?.linktype ?? 1,
          JSON.stringify(interfaceInfo(indexed)),
          this.now().toISOString(),
          indexed.index.count,
          indexed.bytes.length,
          indexed.firstTsNs.toString(),
          Number(indexed.lastTsNs - indexed.firstTsNs),
        );
        if (!inserted) throw new FlotillaError('internal', 'the capture row was not written');
        this.#write(inserted.key, indexed, firstPass);
      })
      .immediate();
    return this.get(id);
  }

  /**
   * Replaces a stored capture's file and index (a live capture writing its ring again), in one transaction; the
   * id, name, lab and creation time stay. `firstPass` as for insert().
   */
  replace(id: string, parsed: ParsedCapture, firstPass: Iterable<unknown> = []): CaptureSummary {
    return this.#replace(id, indexParsedCapture(parsed), firstPass);
  }

  /**
   * replace(), keeping what it takes to append to the capture afterwards (CaptureAppender): the live capture's
   * full rewrite, after which its flushes append.
   */
  appender(id: string, parsed: ParsedCapture, firstPass: Iterable<unknown> = []): CaptureAppender {
    const indexer = new FrameIndexer(parsed.capture.packets.length);
    for (const p of parsed.capture.packets) indexer.add(p, parsed.bytes, 0, parsed.capture.interfaces);
    const { bytes, capture } = parsed;
    this.#replace(id, { bytes, format: capture.format, interfaces: capture.interfaces, firstTsNs: indexer.firstTsNs, lastTsNs: indexer.lastTsNs, index: indexer.index, special: indexer.special }, firstPass);
    return new CaptureAppender(id, indexer, bytes, (tail) => this.#appendTail(id, tail));
  }

  /** Writes an appender's new tail: its file from chunk `tail.chunkSeq` and its index from block `tail.blockSeq` on. */
  #appendTail(id: string, tail: AppendedTail): void {
    const q = this.#q;
    const { indexer } = tail;
    this.#db
      .transaction(() => {
        const row = this.#row(id);
        const key = row.key;
        this.#forget(id);
        q.update.run(row.format, row.linktype, row.interfaces, indexer.index.count, tail.size, indexer.firstTsNs.toString(), Number(indexer.lastTsNs - indexer.firstTsNs), key);
        q.clearChunksFrom.run(key, tail.chunkSeq);
        for (let seq = tail.chunkSeq, at = 0; at < tail.bytes.length; seq++, at += CHUNK_SIZE) q.chunk.run(key, seq, tail.bytes.subarray(at, at + CHUNK_SIZE));
        q.clearIndexFrom.run(key, tail.blockSeq);
        const n = blockCount(indexer.index.count);
        for (let seq = tail.blockSeq; seq < n; seq++) q.block.run(key, seq, encodeBlock(indexer.index, seq));
        for (const r of tail.special) q.special.run(key, r.number, r.source, r.destination, r.protocol, r.info, r.colour);
      })
      .immediate();
  }

  #replace(id: string, indexed: IndexedCapture, firstPass: Iterable<unknown>): CaptureSummary {
    const q = this.#q;
    this.#db
      .transaction(() => {
        const key = this.#row(id).key;
        this.#forget(id);
        q.update.run(
          indexed.format,
          indexed.interfaces[0]?.linktype ?? 1,
          JSON.stringify(interfaceInfo(indexed)),
          indexed.index.count,
          indexed.bytes.length,
          indexed.firstTsNs.toString(),
          Number(indexed.lastTsNs - indexed.firstTsNs),
          key,
        );
        q.clearChunks.run(key);
        this.#write(key, indexed, firstPass);
      })
      .immediate();
    return this.get(id);
  }

  #write(key: number, indexed: IndexedCapture, firstPass: Iterable<unknown>): void {
    const q = this.#q;
    const bytes = indexed.bytes;
    for (const _ of firstPass) void _;
    for (let seq = 0, at = 0; at < bytes.length; seq++, at += CHUNK_SIZE) q.chunk.run(key, seq, bytes.subarray(at, at + CHUNK_SIZE));
    this.#writeIndex(key, indexed);
  }

  #writeIndex(key: number, indexed: IndexedCapture): void {
    const q = this.#q;
    q.clearIndex.run(key);
    q.clearRows.run(key);
    const n = blockCount(indexed.index.count);
    for (let seq = 0; seq < n; seq++) q.block.run(key, seq, encodeBlock(indexed.index, seq));
    for (const r of indexed.special) q.special.run(key, r.number, r.source, r.destination, r.protocol, r.info, r.colour);
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
    this.#forget(id);
    return row.lab_id;
  }

  /** The stored file, whole. */
  readFile(id: string): Uint8Array {
    return this.#file(this.#row(id).key);
  }

  #file(key: number): Uint8Array {
    return concat(this.#q.chunks.all(key).map((c) => c.bytes));
  }

  /** Packet list rows `from`..`to` (1-based, inclusive). */
  rows(id: string, from: number, to: number): FrameRow[] {
    const row = this.#row(id);
    const numbers: number[] = [];
    for (let n = Math.max(1, from); n <= Math.min(to, row.packet_count); n++) numbers.push(n);
    return this.#rowsOf(row, numbers);
  }

  /** Packet list rows of the given frame numbers, in that order (the page of a filtered list). */
  rowsOf(id: string, numbers: ArrayLike<number>): FrameRow[] {
    const row = this.#row(id);
    const valid: number[] = [];
    for (let i = 0; i < numbers.length; i++) if (numbers[i]! >= 1 && numbers[i]! <= row.packet_count) valid.push(numbers[i]!);
    return this.#rowsOf(row, valid);
  }

  /** Rows from the cache, the others dissected (rows.ts) and cached. */
  #rowsOf(row: CaptureRow, numbers: readonly number[]): FrameRow[] {
    const reader = new FrameReader(this, row);
    const frames: StoredFrame[] = [];
    const kept = new Map<number, SpecialRow>();
    for (const n of numbers) {
      if (this.#rowCache.has(`${row.id}/${n}`)) continue;
      const f = reader.frame(n);
      frames.push(f);
      if (f.kept) {
        const r = this.#q.keptRow.get(row.key, n);
        if (r) kept.set(n, r);
      }
    }
    for (const r of renderRows(frames, reader.firstTsNs, kept, reader.frame)) this.#rowCache.set(`${row.id}/${r.number}`, r);
    const out = numbers.map((n) => {
      const k = `${row.id}/${n}`;
      const r = this.#rowCache.get(k)!;
      this.#rowCache.delete(k);
      this.#rowCache.set(k, r);
      return r;
    });
    for (const k of this.#rowCache.keys()) {
      if (this.#rowCache.size <= ROW_CACHE) break;
      this.#rowCache.delete(k);
    }
    return out;
  }

  /**
   * Frame `number` with its index columns, for a dissection primed from them (rows.ts PrimedContext); `fetch`
   * reads any other frame of the capture.
   */
  indexedFrame(id: string, number: number): { frame: StoredFrame; fetch: (number: number) => StoredFrame; firstTsNs: bigint } {
    const row = this.#row(id);
    if (number < 1 || number > row.packet_count) throw new FlotillaError('not-found', `Capture ${id} has ${row.packet_count} frames; there is no frame ${number}.`, 'number');
    const reader = new FrameReader(this, row);
    return { frame: reader.frame(number), fetch: reader.frame, firstTsNs: reader.firstTsNs };
  }

  /**
   * Capture `id` as the analyses read it (follow, flow, I/O graph): its index blocks, and any frame's fields and
   * columns from a dissection primed from the index (what a pass over the frames before it would give). A frame
   * whose row was kept whole at import (the dissector's own: a fragment, a link type the walk does not read) needs
   * the frames before it: `kept` gives its fields from such a pass.
   */
  analysisSource(id: string, kept: (number: number) => { values: FieldValues; summary: Summary }): StoredAnalysisSource {
    const row = this.#row(id);
    const reader = new FrameReader(this, row);
    const firstTsNs = reader.firstTsNs;
    const fields = (number: number) => {
      const f = reader.frame(number);
      if (f.kept) return kept(number);
      const primed = new PrimedContext(firstTsNs);
      primed.prime(f, reader.frame);
      return collectFields(f.data, frameMeta(f, firstTsNs), primed.ctx);
    };
    return {
      count: row.packet_count,
      block: (seq) => this.block(row, seq),
      fields,
      names: (number) => {
        const whole = reader.frame(number).kept ? this.#q.keptRow.get(row.key, number) : undefined;
        const s = whole ?? fields(number).summary;
        return [s.source, s.destination];
      },
    };
  }

  /** The bytes of frames `from`..`to`, read from only the chunks that hold them. */
  readFrames(id: string, from: number, to: number): { location: FrameLocation; data: Uint8Array }[] {
    const row = this.#row(id);
    const reader = new FrameReader(this, row);
    const out: { location: FrameLocation; data: Uint8Array }[] = [];
    for (let n = Math.max(1, from); n <= Math.min(to, row.packet_count); n++) {
      const f = reader.frame(n);
      const ix = f.index;
      out.push({
        location: { number: n, offset: ix.offset[f.at]!, caplen: ix.caplen[f.at]!, origLen: origLenOf(ix, f.at), iface: ix.iface[f.at]!, tsRelNs: ix.tsRelNs[f.at]! },
        data: f.data,
      });
    }
    return out;
  }

  /**
   * The numbers of the frames `filter` passes, run over the index's columns (fast-filter.ts); undefined when the
   * filter reads fields the columns do not hold, or the capture has a frame whose values they cannot (then the
   * full filter decides). Cached per filter text.
   */
  matchFast(id: string, filter: DisplayFilter): Uint32Array | undefined {
    const k = `${id}\n${filter.text.trim()}`;
    const hit = this.#fastFilters.get(k);
    if (hit) {
      this.#fastFilters.delete(k);
      this.#fastFilters.set(k, hit);
      return hit;
    }
    if (!isFastFilter(filter)) return undefined;
    const row = this.#row(id);
    const reader = new FrameReader(this, row);
    const columns = new ColumnValues(filter.fields);
    const out = new Uint32Array(row.packet_count);
    let m = 0;
    for (let seq = 0; seq < blockCount(row.packet_count); seq++) {
      const ix = this.block(row, seq);
      for (let at = 0; at < ix.count; at++) {
        let values;
        if (ColumnValues.exact(ix, at)) values = columns.of(ix, at, seq * BLOCK_FRAMES + at + 1);
        else if (ix.kind[at] !== 0) return undefined;
        else {
          // Frames the walk was not sure of the fields of: dissected as the packet list's rows are.
          const f = reader.frame(seq * BLOCK_FRAMES + at + 1);
          const primed = new PrimedContext(reader.firstTsNs);
          primed.prime(f, reader.frame);
          values = collectFields(f.data, frameMeta(f, reader.firstTsNs), primed.ctx).values;
        }
        if (filter.test(values)) out[m++] = seq * BLOCK_FRAMES + at + 1;
      }
    }
    const result = out.slice(0, m);
    this.#fastFilters.set(k, result);
    while (this.#fastFilters.size > FAST_FILTERS) this.#fastFilters.delete(this.#fastFilters.keys().next().value!);
    return result;
  }

  /** Index block `seq` of a capture, decoded (cached); a capture without an index is indexed again first. */
  block(row: CaptureRow, seq: number): FrameIndex {
    const k = `${row.id}/${seq}`;
    const hit = this.#blocks.get(k);
    if (hit) {
      this.#blocks.delete(k);
      this.#blocks.set(k, hit);
      return hit;
    }
    let blob = this.#q.blockAt.get(row.key, seq);
    if (!blob && !this.#q.hasIndex.get(row.key)) {
      this.#reindex(row);
      blob = this.#q.blockAt.get(row.key, seq);
    }
    if (!blob) throw new FlotillaError('internal', `capture ${row.id} has no index block ${seq}`);
    const block = decodeBlock(blob.bytes, Math.min(BLOCK_FRAMES, row.packet_count - seq * BLOCK_FRAMES));
    this.#blocks.set(k, block);
    while (this.#blocks.size > BLOCK_CACHE) this.#blocks.delete(this.#blocks.keys().next().value!);
    return block;
  }

  chunkAt(key: number, seq: number): Uint8Array | undefined {
    const b = this.#q.chunkAt.get(key, seq)?.bytes;
    return b && new Uint8Array(b.buffer, b.byteOffset, b.length);
  }

  /** Indexes a stored file again (a capture stored before the index was, or copied from an older lab file). */
  #reindex(row: CaptureRow): void {
    const indexed = indexOrRefuse(this.#file(row.key));
    if (indexed.index.count !== row.packet_count) throw new FlotillaError('internal', `capture ${row.id}: its file holds ${indexed.index.count} frames, the library says ${row.packet_count}`);
    this.#db.transaction(() => this.#writeIndex(row.key, indexed)).immediate();
    this.#forget(row.id);
  }

  /** Drops what is cached of capture `id` (cached by id: a deleted capture's key can be reused). */
  #forget(id: string): void {
    for (const k of [...this.#blocks.keys()]) if (k.startsWith(`${id}/`)) this.#blocks.delete(k);
    for (const k of [...this.#rowCache.keys()]) if (k.startsWith(`${id}/`)) this.#rowCache.delete(k);
    for (const k of [...this.#fastFilters.keys()]) if (k.startsWith(`${id}\n`)) this.#fastFilters.delete(k);
  }

  #row(id: string): CaptureRow {
    const row = this.#q.byId.get(id);
    if (!row) throw notFound(id);
    return row;
  }
}

/** What an append writes (CaptureStore.#appendTail). */
interface AppendedTail {
  readonly indexer: FrameIndexer;
  /** The file from chunk chunkSeq on. */
  readonly bytes: Uint8Array;
  readonly chunkSeq: number;
  /** The file's size after the append. */
  readonly size: number;
  /** The first index block to write again. */
  readonly blockSeq: number;
  /** Rows kept whole among the new frames. */
  readonly special: readonly SpecialRow[];
}

/**
 * Appends frames to a stored capture (a live capture's flush): keeps the index builder and the first pass's state
 * (FrameIndexer), the file's size and its last, partial chunk across flushes, so a flush indexes only the new
 * frames and writes again only the last chunk and the last index block, then the new ones. The stored result is
 * what replace() of the longer file stores (captures.test.ts). The capture's interfaces and header must not change:
 * when they do, or frames before the new ones change, the caller writes the whole file again (CaptureStore.appender).
 */
export class CaptureAppender {
  #size: number;
  /** The file's last chunk (shorter than CHUNK_SIZE, or empty). */
  #tail: Uint8Array;
  #broken = false;

  constructor(
    readonly id: string,
    private readonly indexer: FrameIndexer,
    file: Uint8Array,
    private readonly write: (tail: AppendedTail) => void,
  ) {
    this.#size = file.length;
    this.#tail = file.slice(file.length - (file.length % CHUNK_SIZE));
  }

  /** Frames stored. */
  get count(): number {
    return this.indexer.index.count;
  }

  /** False after a failed append (what is stored and what is kept here may differ): write the whole file again. */
  get usable(): boolean {
    return !this.#broken;
  }

  /**
   * Appends the packets of `parsed`, a file of the same header and interfaces as the stored one (its first `head`
   * bytes, which are not appended) and only the new packets.
   */
  append(parsed: ParsedCapture, head: number): void {
    if (this.#broken) throw new FlotillaError('internal', `capture ${this.id}: a failed append left it to be written again whole`);
    const added = parsed.bytes.subarray(head);
    if (added.length === 0) return;
    const ix = this.indexer;
    const count = ix.index.count;
    const specials = ix.special.length;
    const chunkSeq = Math.floor(this.#size / CHUNK_SIZE);
    this.#broken = true;
    for (const p of parsed.capture.packets) ix.add(p, added, this.#size, parsed.capture.interfaces);
    const bytes = concat([this.#tail, added]);
    const size = this.#size + added.length;
    this.write({ indexer: ix, bytes, chunkSeq, size, blockSeq: Math.floor(count / BLOCK_FRAMES), special: ix.special.slice(specials) });
    this.#size = size;
    this.#tail = bytes.slice(bytes.length - (size % CHUNK_SIZE));
    this.#broken = false;
  }
}

function interfaceInfo(indexed: IndexedCapture): CaptureInterfaceInfo[] {
  return indexed.interfaces.map((i) => ({
    linktype: i.linktype,
    snaplen: i.snaplen,
    ...(i.name === undefined ? {} : { name: i.name }),
    ...(i.description === undefined ? {} : { description: i.description }),
  }));
}

function indexOrRefuse(bytes: Uint8Array): IndexedCapture {
  try {
    return indexCapture(bytes, walkWorker);
  } catch (e) {
    if (e instanceof CaptureRefused) throw new FlotillaError('invalid-argument', e.message, 'dataBase64');
    throw e;
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
