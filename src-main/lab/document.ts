// The lab document: what a lab is, as stored in the library and in lab files. It carries its own `version`;
// `parseLabDocument` checks untrusted JSON (a file, a database row, a message) field by field, brings older
// versions forward through `migrations`, and refuses versions newer than this Flotilla knows.

import { NAME_MAX } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { LabDocument, LabNodeSpec } from '../common/api/types.ts';

/** The document version this Flotilla writes, and the newest it reads. */
export const LAB_DOCUMENT_VERSION = 1;

/** A document as plain JSON, before it is checked. */
export type RawDocument = Record<string, unknown>;

/** Takes a document of version `v` (the key) to version `v + 1`. Gets a copy it may change; sets no `version`. */
export type DocumentMigration = (doc: RawDocument) => RawDocument;

/**
 * One step per older version: `migrations[v]` turns a version-v document into a version v+1 document. Empty while
 * version 1 is the only one; add `1: (doc) => ...` together with raising LAB_DOCUMENT_VERSION and the type.
 */
export const migrations: Readonly<Record<number, DocumentMigration>> = Object.freeze({});

export function emptyDocument(): LabDocument {
  return { version: 1, nodes: [] };
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
  return checkV1(current, where);
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

function checkV1(doc: RawDocument, where: string): LabDocument {
  onlyKnownFields(doc, ['version', 'nodes'], '', where);
  const nodesValue = doc['nodes'];
  if (nodesValue === undefined) fail(where, 'nodes', 'is missing');
  if (!Array.isArray(nodesValue)) fail(where, 'nodes', `must be an array, got ${typeName(nodesValue)}`);
  const nodes: LabNodeSpec[] = [];
  const seen = new Map<string, number>();
  nodesValue.forEach((value: unknown, i: number) => {
    const path = `nodes[${i}]`;
    const node = expectObject(value, path, where);
    onlyKnownFields(node, ['name'], path, where);
    const name = nodeName(node['name'], `${path}.name`, where);
    const earlier = seen.get(name);
    if (earlier !== undefined) fail(where, `${path}.name`, `"${name}" is already the name of nodes[${earlier}]`);
    seen.set(name, i);
    nodes.push({ name });
  });
  return { version: 1, nodes };
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
