// Zoom to fit leaves the lab clear of what floats over the canvas: the widest panel open on the right wins.
import assert from 'node:assert/strict';
import test from 'node:test';
import { FIT_MIN_WIDTH, fitInsets, type Floating } from './fit-insets.ts';

const none: Floating = { inspector: false, legend: false, snapshots: false, step: false, empty: false, log: 0, width: 1200 };

test('the right inset is the widest open panel’s; the palette and title keep the left and top', () => {
  assert.deepEqual(fitInsets(none), { top: 84, bottom: 28, left: 196, right: 24 });
  assert.equal(fitInsets({ ...none, inspector: true }).right, 292);
  assert.equal(fitInsets({ ...none, legend: true }).right, 304);
  // The legend hides while the inspector shows.
  assert.equal(fitInsets({ ...none, legend: true, inspector: true }).right, 292);
  assert.equal(fitInsets({ ...none, inspector: true, snapshots: true }).right, 332);
  assert.equal(fitInsets({ ...none, snapshots: true, step: true }).right, 472);
  // The command log at the bottom.
  assert.equal(fitInsets({ ...none, log: 60 }).bottom, 88);
});

test('on a narrow stage the lab keeps its minimum width; an empty lab leaves room for the hint', () => {
  const narrow = fitInsets({ ...none, step: true, width: 760 });
  assert.equal(760 - narrow.left - narrow.right, FIT_MIN_WIDTH);
  assert.equal(fitInsets({ ...none, snapshots: true, width: 760 }).right, 332);
  assert.deepEqual(fitInsets({ ...none, empty: true, snapshots: true }), { top: 84, bottom: 240, left: 24, right: 24 });
});
