// The window's lab list shows each lab's node count; when a running lab's autosave changes that count the list is
// told (onLabsChanged), so a lab that is not open in the window does not keep showing its old count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabSummary } from '../../src-main/common/api/types.ts';
import { tempCore } from './helpers.ts';

test('an autosave that changes the node count sends the new lab list; one that does not sends none', async (t) => {
  const { core, dispose } = tempCore();
  t.after(() => dispose());
  const lists: LabSummary[][] = [];
  core.subscribe((event, payload) => {
    if (event === 'onLabsChanged') lists.push(payload as LabSummary[]);
  });
  const api = core.api;
  const { id: labId } = await api.labs.create({ name: 'Counted' });
  await api.lab.start({ labId });
  const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
  lists.length = 0;

  assert.equal((await api.console.run({ consoleId: ws.consoleId, line: 'docker-machine create node1' })).exit, 0);
  const end = Date.now() + 10_000;
  while (!lists.some((l) => l.find((s) => s.id === labId)?.nodeCount === 1)) {
    if (Date.now() > end) throw new Error('timed out waiting for onLabsChanged with nodeCount 1');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal((await api.labs.list()).find((s) => s.id === labId)?.nodeCount, 1);

  // A change that keeps the count: saved, but the list is not sent again.
  lists.length = 0;
  assert.equal((await api.console.run({ consoleId: ws.consoleId, line: 'docker-machine ls' })).exit, 0);
  await api.lab.stop({ labId });
  assert.deepEqual(lists, []);
});
