// The lab document: what a lab is, as stored in the library and in lab files. It carries its own `version`;
// `parseLabDocument` checks untrusted JSON (a file, a database row, a message) field by field, brings older
// versions forward through `migrations`, and refuses versions newer than this Flotilla knows.

import { CANVAS_FIELDS, canvasSchema } from '../common/api/canvas-contract.ts';
import { NAME_MAX } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { ConsoleTarget, JournalEntry, LabDocument, LabNodeSpec, LabTranscript } from '../common/api/types.ts';

/** The document version this Flotilla writes, and the newest it reads. */
export const LAB_DOCUMENT_VERSION = 2;
/** The seed a lab gets when nothing chose one (and what version 1 labs ran with). */
export const DEFAULT_SEED = 1;
/** Most journal entries a document holds (a lab replays them all on start). */
export const JOURNAL_MAX = 100_000;
const LINE_MAX = 64 * 1024;
/** Docker's rule for node and container names (as the contract's console targets). */
const OBJECT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** A document as plain JSON, before it is checked. */
export type RawDocument = Record<string, unknown>;

/** Takes a document of version `v` (the key) to version `v + 1`. Gets a copy it may change; sets no `version`. */
export type DocumentMigration = (doc: RawDocument) => RawDocument;

/**
 * One step per older version: `migrations[v]` turns a version-v document into a version v+1 document. Add the next
 * step together with raising LAB_DOCUMENT_VERSION and the type.
 */
export const migrations: Readonly<Record<number, DocumentMigration>> = Object.freeze({
  // 1 → 2: the design skeleton becomes a replayable lab: the seed it ran with, nothing journaled yet.
  1: (doc: RawDocument): RawDocument => ({ ...doc, seed: DEFAULT_SEED, time: 0, journal: [], canvas: {}, transcripts: [] }),
});

export function emptyDocument(seed: number = DEFAULT_SEED): LabDocument {
  return { version: 2, seed, time: 0, nodes: [], journal: [], canvas: {}, transcripts: [] };
}

/**
 * Checks `json` and returns it as a current-version LabDocument (a fresh object; the input is not changed).
 * `where` names the source in messages, such as `lab.yaml`: errors read `lab.yaml: nodes[2].name: must be a string,
 * got number` (FlotillaError 'invalid-argument', `field` = `nodes[2].name`). A newer version is refused
 * ('unsupported').
 */
export function parseLabDocument(json: unknown, where: string): LabDocument {
  const root = expectObject(json, '', where);
  const version = root['version'];
  if (version === undefined) fail(where, 'version', 'is missing');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    fail(where, 'version', `must be a whole number from 1, got ${show(version)}`);
  const current = migrateForward(root, version, where);
  return checkV2(current, where);
}

/**
 * Brings `doc` (of version `from`) to version `to` by applying `table[from]`, `table[from + 1]`, ... The result
 * carries `version: to`. Throws 'unsupported' if `from` is newer than `to` or a step is missing.
 */
export function migrateForward(
  doc: RawDocument,
  from: number,
  where: string,
  table: Readonly<Record<number, DocumentMigration>> = migrations,
  to: number = LAB_DOCUMENT_VERSION,
): RawDocument {
  if (from > to) {
    throw new FlotillaError(
      'unsupported',
      `${prefix(where)}this lab was written by a newer Flotilla (document version ${from}); ` +
        `this Flotilla reads up to version ${to}`,
      'version',
    );
  }
  let out: RawDocument = structuredClone(doc);
  for (let v = from; v < to; v++) {
    const step = Object.hasOwn(table, v) ? table[v] : undefined;
    if (!step) {
      throw new FlotillaError('unsupported', `${prefix(where)}cannot read lab document version ${v}: no migration to version ${v + 1}`, 'version');
    }
    out = step(out);
  }
  out['version'] = to;
  return out;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkV2(doc: RawDocument, where: string): LabDocument {
  onlyKnownFields(doc, ['version', 'seed', 'time', 'nodes', 'journal', 'canvas', 'transcripts'], '', where);
  const seed = wholeNumber(doc['seed'], 'seed', where, 0, 0xffff_ffff);
  const time = wholeNumber(doc['time'], 'time', where, 0, Number.MAX_SAFE_INTEGER);
  const nodes = array(doc['nodes'], 'nodes', where).map((value: unknown, i: number) => checkNode(value, `nodes[${i}]`, where));
  const seen = new Map<string, number>();
  nodes.forEach((node, i) => {
    const earlier = seen.get(node.name);
    if (earlier !== undefined) fail(where, `nodes[${i}].name`, `"${node.name}" is already the name of nodes[${earlier}]`);
    seen.set(node.name, i);
  });
  const journalValue = array(doc['journal'], 'journal', where);
  if (journalValue.length > JOURNAL_MAX) fail(where, 'journal', `must hold at most ${JOURNAL_MAX} entries`);
  let last = 0;
  const journal = journalValue.map((value: unknown, i: number) => {
    const entry = checkEntry(value, `journal[${i}]`, where);
    if (entry.t < last) fail(where, `journal[${i}].t`, `must not be before journal[${i - 1}].t (${last})`);
    if (entry.t > time) fail(where, `journal[${i}].t`, `must not be after time (${time})`);
    last = entry.t;
    return entry;
  });
  const canvas = checkCanvas(expectObject(doc['canvas'] ?? missing(where, 'canvas'), 'canvas', where), where);
  const transcripts = array(doc['transcripts'], 'transcripts', where).map((value: unknown, i: number): LabTranscript => {
    const path = `transcripts[${i}]`;
    const t = expectObject(value, path, where);
    onlyKnownFields(t, ['name', 'text'], path, where);
    return { name: nodeName(t['name'], `${path}.name`, where), text: text(t['text'], `${path}.text`, where, 16 * 1024 * 1024) };
  });
  return { version: 2, seed, time, nodes, journal, canvas: structuredClone(canvas), transcripts };
}

/** The window's fields of the canvas section are checked as labs.saveCanvas checks them; others are kept as they are
 * (a newer window's, which this one does not draw). */
function checkCanvas(canvas: RawDocument, where: string): RawDocument {
  const known: RawDocument = {};
  for (const f of CANVAS_FIELDS) if (canvas[f] !== undefined) known[f] = canvas[f];
  try {
    canvasSchema.parse(known, 'canvas');
  } catch (err) {
    if (err instanceof FlotillaError) throw new FlotillaError('invalid-argument', `${prefix(where)}${err.message}`, err.field);
    throw err;
  }
  return canvas;
}

function checkNode(value: unknown, path: string, where: string): LabNodeSpec {
  const node = expectObject(value, path, where);
  onlyKnownFields(node, ['name', 'address', 'engine'], path, where);
  const out: LabNodeSpec = { name: nodeName(node['name'], `${path}.name`, where) };
  if (node['address'] !== undefined) {
    const address = text(node['address'], `${path}.address`, where, 64);
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) fail(where, `${path}.address`, `must be an IPv4 address, got "${address}"`);
    out.address = address;
  }
  if (node['engine'] !== undefined) out.engine = text(node['engine'], `${path}.engine`, where, 64);
  return out;
}

function checkEntry(value: unknown, path: string, where: string): JournalEntry {
  const e = expectObject(value, path, where);
  onlyKnownFields(e, ['t', 'console', 'target', 'line', 'exit', 'interrupted'], path, where);
  const t = wholeNumber(e['t'], `${path}.t`, where, 0, Number.MAX_SAFE_INTEGER);
  const consoleNo = wholeNumber(e['console'], `${path}.console`, where, 1, 1_000_000_000);
  const target = checkTarget(e['target'], `${path}.target`, where);
  const line = text(e['line'], `${path}.line`, where, LINE_MAX);
  const exitValue = e['exit'];
  if (exitValue === undefined) fail(where, `${path}.exit`, 'is missing');
  const exit = exitValue === null ? null : wholeNumber(exitValue, `${path}.exit`, where, 0, 255);
  const entry: JournalEntry = { t, console: consoleNo, target, line, exit };
  if (e['interrupted'] !== undefined) {
    entry.interrupted = wholeNumber(e['interrupted'], `${path}.interrupted`, where, t, Number.MAX_SAFE_INTEGER);
  }
  return entry;
}

function checkTarget(value: unknown, path: string, where: string): ConsoleTarget {
  const t = expectObject(value, path, where);
  const kind = t['kind'];
  const name = (key: string): string => {
    const v = text(t[key], `${path}.${key}`, where, 128);
    if (!OBJECT_NAME.test(v)) fail(where, `${path}.${key}`, `is not a valid name: "${v}"`);
    return v;
  };
  if (kind === 'workstation') {
    onlyKnownFields(t, ['kind'], path, where);
    return { kind };
  }
  if (kind === 'node') {
    onlyKnownFields(t, ['kind', 'node'], path, where);
    return { kind, node: name('node') };
  }
  if (kind === 'container') {
    onlyKnownFields(t, ['kind', 'node', 'container'], path, where);
    return { kind, node: name('node'), container: name('container') };
  }
  return fail(where, `${path}.kind`, `must be one of workstation, node, container, got ${show(kind)}`);
}

function wholeNumber(value: unknown, path: string, where: string, min: number, max: number): number {
  if (value === undefined) fail(where, path, 'is missing');
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(where, path, `must be a whole number, got ${show(value)}`);
  if (value < min || value > max) fail(where, path, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function text(value: unknown, path: string, where: string, max: number): string {
  if (value === undefined) fail(where, path, 'is missing');
  if (typeof value !== 'string') fail(where, path, `must be a string, got ${typeName(value)}`);
  if (value.length > max) fail(where, path, `must be at most ${max} characters`);
  return value;
}

function array(value: unknown, path: string, where: string): unknown[] {
  if (value === undefined) fail(where, path, 'is missing');
  if (!Array.isArray(value)) fail(where, path, `must be an array, got ${typeName(value)}`);
  return value;
}

function missing(where: string, path: string): never {
  return fail(where, path, 'is missing');
}

function nodeName(value: unknown, path: string, where: string): string {
  if (value === undefined) fail(where, path, 'is missing');
  if (typeof value !== 'string') fail(where, path, `must be a string, got ${typeName(value)}`);
  if (value.length === 0) fail(where, path, 'must not be empty');
  if (value.length > NAME_MAX) fail(where, path, `must be at most ${NAME_MAX} characters`);
  if (value.trim() !== value) fail(where, path, 'must not start or end with white space');
  if (CONTROL.test(value)) fail(where, path, 'must not contain control characters');
  return value;
}

function expectObject(value: unknown, path: string, where: string): RawDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(where, path, `must be an object, got ${typeName(value)}`);
  return value as RawDocument;
}

function onlyKnownFields(obj: RawDocument, known: readonly string[], path: string, where: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) fail(where, path ? `${path}.${key}` : key, 'is not a known field');
  }
}

function fail(where: string, path: string, message: string): never {
  const field = path || undefined;
  throw new FlotillaError('invalid-argument', `${prefix(where)}${path ? `${path}: ` : ''}${message}`, field);
}

function prefix(where: string): string {
  return where ? `${where}: ` : '';
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeName(v);
}
