// resources/lab.schema.json (what editors validate lab files with) agrees with src-main/lab/document.ts (what
// Flotilla checks) on sample documents, valid and not. Ajv comes with ESLint; it is only used here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parseLabDocument } from '../../src-main/lab/document.ts';

const schema = JSON.parse(readFileSync(new URL('../../resources/lab.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true }).compile(schema);

const good = {
  version: 2, seed: 1, time: 9e9,
  nodes: [{ name: 'node1', address: '192.168.99.100', engine: '24.0.7' }],
  journal: [
    { t: 0, console: 1, target: { kind: 'workstation' }, line: '', exit: 0 },
    { t: 1, console: 1, target: { kind: 'workstation' }, line: 'docker-machine create node1', exit: 0 },
    { t: 2e9, console: 2, target: { kind: 'container', node: 'node1', container: 'web' }, line: 'ping x', exit: 130, interrupted: 3e9 },
    { t: 9e9, console: 3, target: { kind: 'node', node: 'node1' }, line: 'sleep 60', exit: null },
  ],
  canvas: {
    positions: { node1: [1, 2] },
    layout: 'force',
    snap: true,
    offsets: { node1: { dx: 24, dy: -48.5 } },
    notes: [
      { id: 'n1', kind: 'text', x: -10, y: 20, w: 180, h: 40, text: 'the web tier\nlives here' },
      { id: 'n2', kind: 'box', x: 0, y: 0, w: 400, h: 300, text: 'DMZ' },
    ],
  },
  transcripts: [{ name: 'notes', text: '$ ls' }],
};

const bad: [string, unknown][] = [
  ['no seed', { ...good, seed: undefined }],
  ['a negative seed', { ...good, seed: -1 }],
  ['a fractional time', { ...good, time: 1.5 }],
  ['an unknown field', { ...good, colour: 'red' }],
  ['a node without a name', { ...good, nodes: [{ address: '1.2.3.4' }] }],
  ['a bad address', { ...good, nodes: [{ name: 'n', address: 'here' }] }],
  ['an unknown target kind', { ...good, journal: [{ ...good.journal[0], target: { kind: 'vm' } }] }],
  ['a target with a bad name', { ...good, journal: [{ ...good.journal[0], target: { kind: 'node', node: '../x' } }] }],
  ['an entry without exit', { ...good, journal: [{ t: 0, console: 1, target: { kind: 'workstation' }, line: 'ls' }] }],
  ['console 0', { ...good, journal: [{ ...good.journal[0], console: 0 }] }],
  ['a canvas that is an array', { ...good, canvas: [] }],
  ['a canvas layout that is not known', { ...good, canvas: { layout: 'circle' } }],
  ['snap that is not a boolean', { ...good, canvas: { snap: 1 } }],
  ['an offset without dy', { ...good, canvas: { offsets: { node1: { dx: 1 } } } }],
  ['an offset of a bad node name', { ...good, canvas: { offsets: { '../x': { dx: 1, dy: 2 } } } }],
  ['a note of an unknown kind', { ...good, canvas: { notes: [{ id: 'n1', kind: 'arrow', x: 0, y: 0, w: 1, h: 1, text: '' }] } }],
  ['a note of zero width', { ...good, canvas: { notes: [{ id: 'n1', kind: 'box', x: 0, y: 0, w: 0, h: 1, text: '' }] } }],
  ['a note without text', { ...good, canvas: { notes: [{ id: 'n1', kind: 'box', x: 0, y: 0, w: 5, h: 1 }] } }],
  ['version 3', { ...good, version: 3 }],
];

test('the published schema accepts what Flotilla accepts', () => {
  assert.equal(validate(good), true, JSON.stringify(validate.errors));
  assert.deepEqual(parseLabDocument(good, 'sample'), good);
  const empty = { version: 2, seed: 7, time: 0, nodes: [], journal: [], canvas: {}, transcripts: [] };
  assert.equal(validate(empty), true);
  assert.deepEqual(parseLabDocument(empty, 'sample'), empty);
});

test('the published schema refuses what Flotilla refuses', () => {
  for (const [what, doc] of bad) {
    const json = JSON.parse(JSON.stringify(doc)) as unknown;
    assert.equal(validate(json), false, `the schema accepts ${what}`);
    assert.throws(() => parseLabDocument(json, 'sample'), `Flotilla accepts ${what}`);
  }
});
