// lab.exec: what the canvas's gestures run — one line at a target, in a console of its own, journaled like any
// console line; Docker's refusal comes back as the exit status and stderr.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConsoleOutput } from '../../src-main/common/api/types.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
const streamed: ConsoleOutput[] = [];
before(() => {
  ({ core, dispose } = tempCore());
  core.subscribe((event, payload) => {
    if (event === 'onConsoleOutput') streamed.push(payload as ConsoleOutput);
  });
});
after(() => dispose());

test('lab.exec runs a gesture\'s command in the running lab and answers its status and output', async () => {
  const api = core.api;
  const { id: labId } = await api.labs.create({ name: 'Gestures' });
  await api.lab.start({ labId });
  const made = await api.lab.exec({ labId, target: { kind: 'workstation' }, line: 'docker-machine create node1' });
  assert.equal(made.exit, 0);
  assert.match(made.output, /Docker is up and running!/);
  const node = { kind: 'node', node: 'node1' } as const;
  const net = await api.lab.exec({ labId, target: node, line: 'docker network create --subnet 10.5.0.0/24 --gateway 10.5.0.1 dev' });
  assert.equal(net.exit, 0);
  assert.match(net.output, /^[0-9a-f]{64}\n$/);
  const refused = await api.lab.exec({ labId, target: node, line: 'docker network create dev' });
  assert.notEqual(refused.exit, 0);
  assert.match(refused.stderr, /already exists/);
  const run = await api.lab.exec({ labId, target: node, line: 'docker run -d --name es --net dev elasticsearch:2' });
  assert.equal(run.exit, 0);
  const state = await api.lab.state({ labId });
  const es = state.nodes[0]?.containers.find((c) => c.name === 'es');
  assert.equal(es?.networks[0]?.ip, '10.5.0.2/24');
  // Its output went to the caller, not to a window's terminal; the lines are in the journal.
  assert.equal(streamed.length, 0);
  await api.lab.stop({ labId });
  const doc = (await api.labs.open({ id: labId })).document;
  assert.deepEqual(
    doc.journal.filter((e) => e.line !== '').map((e) => e.line),
    ['docker-machine create node1', 'docker network create --subnet 10.5.0.0/24 --gateway 10.5.0.1 dev', 'docker network create dev', 'docker run -d --name es --net dev elasticsearch:2'],
  );
  await assert.rejects(api.lab.exec({ labId, target: node, line: 'true' }), (e: Error & { code?: string }) => e.code === 'not-found');
});
