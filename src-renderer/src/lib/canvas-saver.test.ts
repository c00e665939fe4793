// The canvas saver: one labs.saveCanvas for a burst of changes, none for what is saved already (a canvas loaded, or
// one the same but for defaults), and a failed save retried by the next flush.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Api, LabCanvas } from '../../../src-main/common/api/index.ts';
import { CanvasSaver, normalCanvas } from './canvas-saver.ts';

function fakeApi(fail = false) {
  const calls: { labId: string; canvas: LabCanvas }[] = [];
  const api = { labs: { saveCanvas: (p: { labId: string; canvas: LabCanvas }) => (calls.push(structuredClone(p)), fail ? Promise.reject(new Error('disk full')) : Promise.resolve(null)) } } as unknown as Api;
  return { api, calls };
}

test('flush saves what changed, once, and nothing when it is what was loaded', async () => {
  const { api, calls } = fakeApi();
  let canvas: LabCanvas = { offsets: { node1: { dx: 24, dy: 0 } } };
  const saver = new CanvasSaver(api, 'lab1', () => canvas, () => assert.fail('no error expected'));
  saver.loaded(canvas);
  saver.flush();
  assert.equal(calls.length, 0);
  // The same canvas with its defaults spelled out is the same canvas.
  assert.ok(saver.isSaved({ layout: 'tidy', snap: false, offsets: { node1: { dx: 24, dy: 0 } }, notes: [] }));
  canvas = { ...canvas, snap: true };
  saver.schedule();
  saver.schedule();
  saver.flush();
  saver.flush();
  assert.deepEqual(calls, [{ labId: 'lab1', canvas: { offsets: { node1: { dx: 24, dy: 0 } }, snap: true } }]);
  assert.ok(saver.isSaved(canvas));
  assert.ok(!saver.isSaved({}));
});

test('a failed save is reported and tried again by the next flush', async () => {
  const { api, calls } = fakeApi(true);
  const errors: string[] = [];
  const saver = new CanvasSaver(api, 'lab1', () => ({ layout: 'force' }), (m) => errors.push(m));
  saver.flush();
  await new Promise((r) => setImmediate(r));
  assert.equal(errors.length, 1);
  assert.match(errors[0] ?? '', /Could not save the canvas layout: .*disk full/i);
  saver.flush();
  assert.equal(calls.length, 2);
});

test('normalCanvas fills the defaults in one order', () => {
  assert.deepEqual(Object.keys(normalCanvas({ notes: [], layout: 'force' })), ['layout', 'snap', 'offsets', 'notes']);
  assert.deepEqual(normalCanvas({}), { layout: 'tidy', snap: false, offsets: {}, notes: [] });
});
