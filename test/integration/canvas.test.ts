// labs.saveCanvas: the window's layout and notes kept in the lab document's `canvas` section — for a lab at rest
// and a running one (whose in-memory document would otherwise overwrite it), across a stop and start, and through
// lab.yaml and .flotilla files. Bad sections are refused before anything is written.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LabCanvas } from '../../src-main/common/api/canvas-contract.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
before(() => ({ core, dispose } = tempCore()));
after(() => dispose());

const CANVAS: LabCanvas = {
  layout: 'force',
  snap: true,
  offsets: { node1: { dx: 48, dy: -24 } },
  notes: [
    { id: 'n1', kind: 'text', x: 10, y: -300, w: 200, h: 40, text: 'front end\nand back end' },
    { id: 'n2', kind: 'box', x: -400, y: -200, w: 360, h: 240, text: 'DMZ' },
  ],
};

test('a lab at rest keeps the canvas it was given, and fields not sent stay', async () => {
  const lab = await core.api.labs.create({ name: 'At rest' });
  await core.api.labs.saveCanvas({ labId: lab.id, canvas: CANVAS });
  assert.deepEqual((await core.api.labs.open({ id: lab.id })).document.canvas, CANVAS);
  await core.api.labs.saveCanvas({ labId: lab.id, canvas: { snap: false } });
  assert.deepEqual((await core.api.labs.open({ id: lab.id })).document.canvas, { ...CANVAS, snap: false });
});

test('a running lab writes the canvas at once, and its autosaves keep it', async () => {
  const lab = await core.api.labs.create({ name: 'Running' });
  await core.api.lab.start({ labId: lab.id });
  await core.api.lab.exec({ labId: lab.id, target: { kind: 'workstation' }, line: 'docker-machine create node1' });
  await core.api.labs.saveCanvas({ labId: lab.id, canvas: CANVAS });
  assert.deepEqual((await core.api.labs.open({ id: lab.id })).document.canvas, CANVAS);
  // A later journal line saves the running document: the canvas must be in it, not the one the lab started with.
  await core.api.lab.exec({ labId: lab.id, target: { kind: 'node', node: 'node1' }, line: 'docker network create dev' });
  await core.api.lab.stop({ labId: lab.id });
  const doc = (await core.api.labs.open({ id: lab.id })).document;
  assert.deepEqual(doc.canvas, CANVAS);
  assert.ok(doc.journal.some((e) => e.line === 'docker network create dev'));
  // Started again (replayed), it goes on with the same canvas.
  await core.api.lab.start({ labId: lab.id });
  await core.api.labs.saveCanvas({ labId: lab.id, canvas: { layout: 'tidy', offsets: {} } });
  await core.api.lab.stop({ labId: lab.id });
  assert.deepEqual((await core.api.labs.open({ id: lab.id })).document.canvas, { ...CANVAS, layout: 'tidy', offsets: {} });
});

test('lab.yaml and .flotilla files carry the canvas', async () => {
  const lab = await core.api.labs.create({ name: 'Travels' });
  await core.api.labs.saveCanvas({ labId: lab.id, canvas: CANVAS });
  for (const format of ['yaml', 'flotilla'] as const) {
    const file = await core.api.labs.export({ id: lab.id, format });
    const copy = await core.api.labs.import({ name: file.name, dataBase64: file.dataBase64 });
    assert.deepEqual((await core.api.labs.open({ id: copy.id })).document.canvas, CANVAS, format);
  }
});

test('a bad canvas or an unknown lab changes nothing', async () => {
  const lab = await core.api.labs.create({ name: 'Refuses' });
  await core.api.labs.saveCanvas({ labId: lab.id, canvas: CANVAS });
  const bad = { offsets: { node1: { dx: 1, dy: 'far' } } } as unknown as LabCanvas;
  await assert.rejects(core.api.labs.saveCanvas({ labId: lab.id, canvas: bad }), (err: Error & { field?: string }) => {
    assert.match(err.message, /canvas\.offsets\.node1\.dy: expected a number, got string/);
    return true;
  });
  assert.deepEqual((await core.api.labs.open({ id: lab.id })).document.canvas, CANVAS);
  await assert.rejects(core.api.labs.saveCanvas({ labId: '0123456789abcdef0123456789abcdef', canvas: CANVAS }), (err: Error & { code?: string }) => err.code === 'not-found');
});

test("the lab's state carries what a copy of a container needs: its -e variables, command, -t and -i", async () => {
  const lab = await core.api.labs.create({ name: 'Copyable' });
  await core.api.lab.start({ labId: lab.id });
  await core.api.lab.exec({ labId: lab.id, target: { kind: 'workstation' }, line: 'docker-machine create node1' });
  const run = await core.api.lab.exec({ labId: lab.id, target: { kind: 'node', node: 'node1' }, line: "docker run -dit --name sh -e MODE=prod -e 'GREETING=hi there' alpine sh" });
  assert.equal(run.exit, 0, run.output);
  await core.api.lab.exec({ labId: lab.id, target: { kind: 'node', node: 'node1' }, line: 'docker run -d --name web nginx' });
  const nodes = (await core.api.lab.state({ labId: lab.id })).nodes;
  const byName = (n: string) => nodes[0]!.containers.find((c) => c.name === n)!;
  assert.deepEqual([byName('sh').env, byName('sh').cmd, byName('sh').tty, byName('sh').interactive], [['MODE=prod', 'GREETING=hi there'], ['sh'], true, true]);
  assert.deepEqual([byName('web').env, byName('web').cmd, byName('web').tty, byName('web').interactive], [[], [], false, false]);
  await core.api.lab.stop({ labId: lab.id });
});

test('a canvas saved while the lab is still starting is kept once it runs', async () => {
  const lab = await core.api.labs.create({ name: 'Starting' });
  await core.api.lab.start({ labId: lab.id });
  await core.api.lab.exec({ labId: lab.id, target: { kind: 'workstation' }, line: 'docker-machine create node1' });
  await core.api.lab.stop({ labId: lab.id });
  // The start replays the journal (docker-machine create) before the lab runs; the save lands in the middle.
  const starting = core.api.lab.start({ labId: lab.id });
  await new Promise((resolve) => setImmediate(resolve));
  await core.api.labs.saveCanvas({ labId: lab.id, canvas: CANVAS });
  await starting;
  await core.api.lab.exec({ labId: lab.id, target: { kind: 'node', node: 'node1' }, line: 'docker network create later' });
  await core.api.lab.stop({ labId: lab.id });
  assert.deepEqual((await core.api.labs.open({ id: lab.id })).document.canvas, CANVAS);
});
