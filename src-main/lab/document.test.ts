import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlotillaError } from '../common/api/errors.ts';
import {
  LAB_DOCUMENT_VERSION,
  emptyDocument,
  migrateForward,
  migrations,
  parseLabDocument,
  type DocumentMigration,
} from './document.ts';

/** Asserts that `fn` throws a FlotillaError with this code, message and field. */
function throwsFlotilla(fn: () => unknown, code: string, message: string | RegExp, field?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FlotillaError, `expected a FlotillaError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  });
}

const EMPTY_V2 = { version: 2, seed: 1, time: 0, nodes: [], journal: [], canvas: {}, transcripts: [] };

test('emptyDocument is version 2 with no nodes and an empty journal, a fresh object each time', () => {
  assert.equal(LAB_DOCUMENT_VERSION, 2);
  const a = emptyDocument();
  assert.deepEqual(a, EMPTY_V2);
  a.nodes.push({ name: 'x' });
  assert.deepEqual(emptyDocument(), EMPTY_V2);
  assert.equal(emptyDocument(42).seed, 42);
});

test('a version 1 document migrates to version 2: seed 1, an empty journal', () => {
  const v1 = { version: 1, nodes: [{ name: 'host1' }, { name: 'host 2' }] };
  assert.deepEqual(parseLabDocument(v1, 'lab.yaml'), { ...EMPTY_V2, nodes: [{ name: 'host1' }, { name: 'host 2' }] });
});

test('a version 2 document with a journal parses to an equal, separate object', () => {
  const input = {
    version: 2, seed: 7, time: 9e9,
    nodes: [{ name: 'node1', address: '192.168.99.100', engine: '24.0.7' }],
    journal: [
      { t: 0, console: 1, target: { kind: 'workstation' }, line: 'docker-machine create node1', exit: 0 },
      { t: 5e9, console: 2, target: { kind: 'container', node: 'node1', container: 'web' }, line: 'ping x', exit: 130, interrupted: 8e9 },
      { t: 9e9, console: 3, target: { kind: 'node', node: 'node1' }, line: 'sleep 100', exit: null },
    ],
    canvas: { positions: { node1: [10, 20] } },
    transcripts: [{ name: 'notes', text: '$ ls\n' }],
  };
  const doc = parseLabDocument(input, 'f');
  assert.deepEqual(doc, input);
  assert.notEqual(doc.journal[0], input.journal[0]);
  throwsFlotilla(() => parseLabDocument({ ...input, journal: [input.journal[1], input.journal[0]] }, 'f'), 'invalid-argument',
    'f: journal[1].t: must not be before journal[0].t (5000000000)', 'journal[1].t');
  throwsFlotilla(() => parseLabDocument({ ...input, time: 1 }, 'f'), 'invalid-argument', /journal\[1\]\.t: must not be after time/);
  throwsFlotilla(() => parseLabDocument({ ...input, seed: -1 }, 'f'), 'invalid-argument', 'f: seed: must be between 0 and 4294967295, got -1', 'seed');
  throwsFlotilla(() => parseLabDocument({ ...input, journal: [{ ...input.journal[0], target: { kind: 'vm' } }] }, 'f'), 'invalid-argument',
    'f: journal[0].target.kind: must be one of workstation, node, container, got string', 'journal[0].target.kind');
  throwsFlotilla(() => parseLabDocument({ ...input, journal: [{ ...input.journal[0], exit: undefined }] }, 'f'), 'invalid-argument',
    'f: journal[0].exit: is missing', 'journal[0].exit');
  throwsFlotilla(() => parseLabDocument({ ...input, nodes: [{ name: 'n', address: 'here' }] }, 'f'), 'invalid-argument',
    'f: nodes[0].address: must be an IPv4 address, got "here"', 'nodes[0].address');
});

test('a valid document parses to an equal, separate object', () => {
  const input = { ...EMPTY_V2, nodes: [{ name: 'host1' }, { name: 'host 2' }] };
  const doc = parseLabDocument(input, 'lab.yaml');
  assert.deepEqual(doc, input);
  assert.notEqual(doc, input);
  assert.notEqual(doc.nodes[0], input.nodes[0]);
  // Survives a JSON round trip, as the store does it.
  assert.deepEqual(parseLabDocument(JSON.parse(JSON.stringify(doc)), 'x'), doc);
});

test('errors name the source and the path of the bad field', () => {
  const nodes = [{ name: 'a' }, { name: 'b' }, { name: 42 }];
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes }, 'lab.yaml'), 'invalid-argument',
    'lab.yaml: nodes[2].name: must be a string, got number', 'nodes[2].name');
  throwsFlotilla(() => parseLabDocument([], 'lab.yaml'), 'invalid-argument', 'lab.yaml: must be an object, got array');
  throwsFlotilla(() => parseLabDocument(null, 'f'), 'invalid-argument', 'f: must be an object, got null');
  throwsFlotilla(() => parseLabDocument({ nodes: [] }, 'f'), 'invalid-argument', 'f: version: is missing', 'version');
  throwsFlotilla(() => parseLabDocument({ version: '1', nodes: [] }, 'f'), 'invalid-argument',
    'f: version: must be a whole number from 1, got string', 'version');
  throwsFlotilla(() => parseLabDocument({ version: 0, nodes: [] }, 'f'), 'invalid-argument',
    'f: version: must be a whole number from 1, got 0', 'version');
  throwsFlotilla(() => parseLabDocument({ version: 1.5, nodes: [] }, 'f'), 'invalid-argument', /version: must be a whole number/);
  throwsFlotilla(() => parseLabDocument({ version: 1 }, 'f'), 'invalid-argument', 'f: nodes: is missing', 'nodes');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: {} }, 'f'), 'invalid-argument',
    'f: nodes: must be an array, got object', 'nodes');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{ name: 'a' }, 'b'] }, 'f'), 'invalid-argument',
    'f: nodes[1]: must be an object, got string', 'nodes[1]');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{}] }, 'f'), 'invalid-argument',
    'f: nodes[0].name: is missing', 'nodes[0].name');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{ name: '' }] }, 'f'), 'invalid-argument',
    'f: nodes[0].name: must not be empty');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{ name: ' a' }] }, 'f'), 'invalid-argument',
    'f: nodes[0].name: must not start or end with white space');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{ name: 'a\nb' }] }, 'f'), 'invalid-argument',
    'f: nodes[0].name: must not contain control characters');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{ name: 'x'.repeat(101) }] }, 'f'), 'invalid-argument',
    'f: nodes[0].name: must be at most 100 characters');
});

test('unknown fields are refused, not dropped', () => {
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [], colour: 'red' }, 'lab.yaml'), 'invalid-argument',
    'lab.yaml: colour: is not a known field', 'colour');
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{ name: 'a', image: 'x' }] }, 'lab.yaml'),
    'invalid-argument', 'lab.yaml: nodes[0].image: is not a known field', 'nodes[0].image');
});

test('node names are unique within a document', () => {
  throwsFlotilla(() => parseLabDocument({ version: 1, nodes: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] }, 'f'),
    'invalid-argument', 'f: nodes[2].name: "a" is already the name of nodes[0]', 'nodes[2].name');
});

test('a document from a newer Flotilla is refused, naming both versions', () => {
  throwsFlotilla(() => parseLabDocument({ version: 3, nodes: [], somethingNew: true }, 'lab.yaml'), 'unsupported',
    'lab.yaml: this lab was written by a newer Flotilla (document version 3); this Flotilla reads up to version 2',
    'version');
});

test('the input is not changed by parsing', () => {
  const input = { version: 1, nodes: [{ name: 'a' }] };
  const frozen = JSON.stringify(input);
  parseLabDocument(input, 'f');
  assert.equal(JSON.stringify(input), frozen);
});

test('the migration table has one step per older version', () => {
  assert.deepEqual(Object.keys(migrations), ['1']);
});

test('migrateForward applies each step in order and stamps the target version', () => {
  const calls: number[] = [];
  const table: Record<number, DocumentMigration> = {
    1: (d) => { calls.push(1); return { ...d, nodes: (d['nodes'] as { name: string }[]).map((n) => ({ name: n.name, kind: 'host' })) }; },
    2: (d) => { calls.push(2); return { ...d, links: [] }; },
  };
  const input = { version: 1, nodes: [{ name: 'a' }] };
  const out = migrateForward(input, 1, 'f', table, 3);
  assert.deepEqual(calls, [1, 2]);
  assert.deepEqual(out, { version: 3, nodes: [{ name: 'a', kind: 'host' }], links: [] });
  assert.deepEqual(input, { version: 1, nodes: [{ name: 'a' }] }, 'the input is left alone');
  // From the middle of the chain only the later steps run.
  calls.length = 0;
  migrateForward({ version: 2, nodes: [] }, 2, 'f', table, 3);
  assert.deepEqual(calls, [2]);
});

test('migrateForward refuses a gap in the table', () => {
  throwsFlotilla(() => migrateForward({ version: 1 }, 1, 'f', { 2: (d) => d }, 3), 'unsupported',
    'f: cannot read lab document version 1: no migration to version 2');
});
