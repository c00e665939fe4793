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

test('emptyDocument is version 1 with no nodes, a fresh object each time', () => {
  assert.equal(LAB_DOCUMENT_VERSION, 1);
  const a = emptyDocument();
  assert.deepEqual(a, { version: 1, nodes: [] });
  a.nodes.push({ name: 'x' });
  assert.deepEqual(emptyDocument(), { version: 1, nodes: [] });
});

test('a valid document parses to an equal, separate object', () => {
  const input = { version: 1, nodes: [{ name: 'host1' }, { name: 'host 2' }] };
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
    'lab.yaml: this lab was written by a newer Flotilla (document version 3); this Flotilla reads up to version 1',
    'version');
});

test('the input is not changed by parsing', () => {
  const input = { version: 1, nodes: [{ name: 'a' }] };
  const frozen = JSON.stringify(input);
  parseLabDocument(input, 'f');
  assert.equal(JSON.stringify(input), frozen);
});

test('the migration table is empty while version 1 is the only version', () => {
  assert.deepEqual(Object.keys(migrations), []);
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
