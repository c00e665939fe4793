// The editor's history without the editor: stacks, walls, inverse commands, drags that become one step, snap.
import assert from 'node:assert/strict';
import test from 'node:test';
import type { Gesture } from './gestures.ts';
import { createNetwork, createNode, removeNode } from './gestures.ts';
import {
  afterGesture,
  dragResult,
  EMPTY_HISTORY,
  HISTORY_MAX,
  moved,
  nextRedo,
  nextUndo,
  pushed,
  redoCommands,
  redone,
  snappedNotes,
  snappedOffsets,
  undoCommands,
  undone,
  type CanvasStep,
  type History,
} from './undo-stack.ts';

const local = (label: string): CanvasStep => ({ label, local: true, undo() {}, redo() {} });
const labels = (h: History) => ({ undo: h.undo.map((s) => s.label), redo: h.redo.map((s) => s.label) });

test('undo and redo walk the steps in order; a new step drops what was undone', () => {
  let h = pushed(pushed(EMPTY_HISTORY, local('a')), local('b'));
  h = undone(h);
  assert.deepEqual(labels(h), { undo: ['a'], redo: ['b'] });
  assert.equal(nextRedo(h)?.label, 'b');
  h = redone(h);
  assert.deepEqual(labels(h), { undo: ['a', 'b'], redo: [] });
  h = pushed(undone(h), local('c'));
  assert.deepEqual(labels(h), { undo: ['a', 'c'], redo: [] });
  assert.equal(undone(undone(undone(h))).undo.length, 0);
  assert.equal(nextUndo(EMPTY_HISTORY), null);
  assert.equal(redone(EMPTY_HISTORY), EMPTY_HISTORY);
});

test('the history keeps the last HISTORY_MAX steps', () => {
  let h = EMPTY_HISTORY;
  for (let i = 0; i <= HISTORY_MAX; i++) h = pushed(h, local(`s${i}`));
  assert.equal(h.undo.length, HISTORY_MAX);
  assert.equal(h.undo[0]?.label, 's1');
});

test('a gesture that failed leaves the history; one with no inverse is a wall', () => {
  const h = pushed(EMPTY_HISTORY, local('move'));
  const g = createNode('node2');
  assert.equal(afterGesture(h, g, false), h);
  assert.deepEqual(labels(afterGesture(h, g, true)), { undo: ['move', 'create node node2'], redo: [] });
  assert.deepEqual(labels(afterGesture(h, removeNode('node2'), true)), { undo: [], redo: [] });
});

test('inverse commands: undo then what finishes it; redo is do then also', () => {
  const g: Gesture = {
    label: 'paste web as web-1',
    do: { target: { kind: 'node', node: 'n2' }, line: 'docker network create back' },
    also: [{ target: { kind: 'node', node: 'n2' }, line: 'docker run -d --name web-1 --net back nginx' }],
    undo: { target: { kind: 'node', node: 'n2' }, line: 'docker rm -f web-1' },
    undoAlso: [{ target: { kind: 'node', node: 'n2' }, line: 'docker network rm back' }],
  };
  assert.deepEqual(
    undoCommands(g)?.map((c) => c.line),
    ['docker rm -f web-1', 'docker network rm back'],
  );
  assert.deepEqual(
    redoCommands(g).map((c) => c.line),
    ['docker network create back', 'docker run -d --name web-1 --net back nginx'],
  );
  assert.deepEqual(
    undoCommands(createNetwork('n1', { name: 'dev', kind: 'bridge' }))?.map((c) => c.line),
    ['docker network rm dev'],
  );
  assert.equal(undoCommands(removeNode('n1')), null);
});

test('a drag of many pointer moves is one step back to where it began', () => {
  const start = { a: { dx: 10, dy: 0 } };
  let m = moved(start, null, ['a', 'b'], 5, 5);
  m = moved(m.offsets, m.drag, ['a', 'b'], 5, -2);
  assert.deepEqual(m.offsets, { a: { dx: 20, dy: 3 }, b: { dx: 10, dy: 3 } });
  assert.deepEqual(dragResult(m.drag, m.offsets), { before: start, after: m.offsets });
  assert.equal(dragResult(null, start), null);
  // A drag that never moved anything is no step.
  assert.equal(dragResult({ start, raw: {} }, start), null);
});

test('a snapped drag follows the pointer: small moves add up until the node reaches the next grid point', () => {
  const bases = { a: { x: 100, y: 50 } };
  let m = moved({}, null, ['a'], 5, 0, bases);
  // 100 + 5 snaps back to 96 (the nearest multiple of 24).
  assert.deepEqual(m.offsets.a, { dx: -4, dy: -2 });
  for (let i = 0; i < 3; i++) m = moved(m.offsets, m.drag, ['a'], 5, 0, bases);
  // 100 + 20 = 120: on the grid.
  assert.deepEqual(m.offsets.a, { dx: 20, dy: -2 });
});

test('snap turned on puts every placed node and note on the grid', () => {
  const bases = { a: { x: 100, y: 50 }, b: { x: 48, y: 24 }, c: { x: 13, y: 13 } };
  const offsets = { a: { dx: 7, dy: 0 }, c: { dx: 11, dy: 0 } };
  assert.deepEqual(snappedOffsets(offsets, bases), { a: { dx: -4, dy: -2 }, c: { dx: 11, dy: 11 } });
  // b was on the grid already and had no offset: it stays without one.
  assert.equal('b' in snappedOffsets(offsets, bases), false);
  assert.deepEqual(
    snappedNotes([{ id: 'n1', kind: 'text', x: 13, y: -37, w: 200, h: 44, text: 'x' }]).map((n) => [n.x, n.y, n.w]),
    [[24, -48, 200]],
  );
});
