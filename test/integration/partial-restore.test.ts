// Restoring one node or one container from a snapshot: that node's (or container's) Docker objects and files come
// back, by journaled docker commands, and the rest of the lab stays as it is — in a running lab and in a stopped one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConsoleOutput } from '../../src-main/common/api/types.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
const output = new Map<string, string>();
before(() => {
  ({ core, dispose } = tempCore());
  core.subscribe((event, payload) => {
    if (event === 'onConsoleOutput') {
      const o = payload as ConsoleOutput;
      output.set(o.consoleId, (output.get(o.consoleId) ?? '') + o.data);
    }
  });
});
after(() => dispose());

let labId: string;
let snapId: string;
const consoles = new Map<string, string>();

async function sh(where: string, line: string, expectExit = 0): Promise<string> {
  let id = consoles.get(where);
  if (!id) {
    id = (await core.api.console.open({ labId, target: where === '' ? { kind: 'workstation' } : { kind: 'node', node: where } })).consoleId;
    consoles.set(where, id);
  }
  const mark = (output.get(id) ?? '').length;
  const r = await core.api.console.run({ consoleId: id, line });
  await new Promise((resolve) => setImmediate(resolve));
  const text = (output.get(id) ?? '').slice(mark);
  assert.equal(r.exit, expectExit, `${where}$ ${line}\n${text}`);
  return text;
}

const PS = 'docker ps -a --format "{{.Names}} {{.Image}} {{.Status}} {{.Networks}} {{.Ports}}"';
const probes = async () => ({
  // Sorted: containers made again in one instant of virtual time list in any order.
  // A status's age in units.HumanDuration's words ("5 seconds", "About a minute", "Less than a second"): how long
  // the lab ran at 50× depends on the machine's load.
  ps: (await sh('node1', PS)).replace(/(Up|Created|Exited \(\d+\)) (Less than a second|About an? \w+|\d+ \w+)( ago)?/g, '$1').split('\n').sort().join('\n'),
  nets: await sh('node1', 'docker network ls --format "{{.Name}} {{.Driver}}"'),
  dev: await sh('node1', 'docker network inspect -f "{{range .IPAM.Config}}{{.Subnet}}{{end}} {{.Internal}}" dev'),
  note: await sh('node1', 'docker exec box cat /tmp/note'),
  mine: await sh('node1', 'cat /home/docker/mine'),
  web: await sh('', 'curl -s 192.168.99.100:8080 | grep -c nginx'),
});

test('one node back from a snapshot in a running lab; the other node keeps its changes', async () => {
  labId = (await core.api.labs.create({ name: 'Parts' })).id;
  await core.api.lab.start({ labId });
  await core.api.lab.clock({ labId, action: 'play', speed: 50 });
  await sh('', 'docker-machine create node1');
  await sh('', 'docker-machine create node2');
  await sh('node1', 'docker network create --subnet 10.9.0.0/24 --internal dev');
  await sh('node1', 'docker network create front');
  await sh('node1', 'docker run -d --name web -p 8080:80 nginx');
  await sh('node1', 'docker network connect --alias www front web');
  await sh('node1', 'docker run -d --name box --net dev --ip 10.9.0.10 -e MODE=test alpine sleep 86400');
  await sh('node1', 'docker exec box sh -c \'printf "before\\nit\\047s kept\\n" > /tmp/note\'');
  await sh('node1', 'docker create --name later alpine true');
  await sh('node1', 'mkdir -p /home/docker/conf && echo "mine: 1" > /home/docker/mine');
  await sh('node2', 'docker run -d --name n2 alpine sleep 86400');
  snapId = (await core.api.snapshots.save({ labId, name: 'S' })).id;
  const atSnapshot = await probes();
  assert.match(atSnapshot.note, /^before\nit's kept\n$/);

  await sh('node1', 'docker rm -f web later');
  await sh('node1', 'docker network disconnect dev box');
  await sh('node1', 'docker exec box sh -c "echo after > /tmp/note"');
  await sh('node1', 'docker network rm front');
  await sh('node1', 'docker network create extra');
  await sh('node1', 'docker run -d --name stray --net extra alpine sleep 86400');
  await sh('node1', 'echo changed > /home/docker/mine; rm -r /home/docker/conf; echo new > /home/docker/new');
  await sh('node2', 'docker run -d --name n2b alpine sleep 86400');
  assert.notDeepEqual(await probes().catch(() => 'differs'), atSnapshot);

  const r = await core.api.snapshots.restorePart({ id: snapId, node: 'node1' });
  assert.equal(r.lab.id, labId);
  assert.deepEqual(r.steps.filter((s) => s.exit !== 0), [], JSON.stringify(r.steps, null, 1));
  const lines = r.steps.map((s) => s.line);
  assert.ok(lines.includes('docker rm -f stray'), lines.join('\n'));
  assert.ok(lines.includes('docker network rm extra'));
  assert.ok(lines.some((l) => l.startsWith('docker run -d --name web -p 8080:80/tcp nginx')), lines.join('\n'));
  assert.ok(lines.includes('docker network connect --alias www front web'));
  assert.ok(r.notRestored.some((n) => /ARP/.test(n)));
  assert.deepEqual(await probes(), atSnapshot);
  assert.equal(await sh('node1', 'test -d /home/docker/conf && test ! -e /home/docker/new && echo as-before'), 'as-before\n');
  assert.equal(await sh('node1', 'docker exec box sh -c \'echo $MODE\''), 'test\n');
  // The other node kept what happened after the snapshot.
  assert.match(await sh('node2', 'docker ps --format "{{.Names}}"'), /^n2b\nn2\n$/);
  // The restore is journaled: a restart replays to the same state.
  await core.api.lab.stop({ labId });
  await core.api.lab.start({ labId });
  consoles.clear();
  await core.api.lab.clock({ labId, action: 'play', speed: 50 });
  assert.deepEqual(await probes(), atSnapshot);
});

test('one container back, the rest as it is; a stopped lab is restored too and stays stopped', async () => {
  await sh('node1', 'docker network disconnect dev box');
  await sh('node1', 'docker exec box sh -c "echo other > /tmp/note"');
  await sh('node1', 'docker rm -f web');
  const r = await core.api.snapshots.restorePart({ id: snapId, node: 'node1', container: 'box' });
  assert.deepEqual(r.steps.filter((s) => s.exit !== 0), []);
  assert.match(await sh('node1', 'docker exec box cat /tmp/note'), /^before\n/);
  assert.equal(await sh('node1', 'docker inspect -f "{{.NetworkSettings.Networks.dev.IPAddress}}" box'), '10.9.0.10\n');
  assert.doesNotMatch(await sh('node1', PS), /^web /m, 'web stays removed');

  await core.api.lab.stop({ labId });
  const r2 = await core.api.snapshots.restorePart({ id: snapId, node: 'node1', container: 'web' });
  assert.ok(r2.steps.some((s) => s.line.startsWith('docker run -d --name web')));
  assert.deepEqual((await core.api.labs.list()).length, 1);
  await assert.rejects(core.api.lab.state({ labId }), /not running/);
  const doc = (await core.api.labs.open({ id: labId })).document;
  assert.ok(doc.journal.some((e) => e.line.startsWith('docker run -d --name web')), 'journaled and saved');
  await core.api.lab.start({ labId });
  consoles.clear();
  await core.api.lab.clock({ labId, action: 'play', speed: 50 });
  assert.match(await sh('node1', PS), /^web nginx Up /m);
  await assert.rejects(core.api.snapshots.restorePart({ id: snapId, node: 'node1', container: 'nosuch' }), /neither the snapshot nor the lab has a container named nosuch on node1/);
  await assert.rejects(core.api.snapshots.restorePart({ id: snapId, node: 'node9', container: 'x' }), /the snapshot has no node named node9/);
  await core.api.lab.stop({ labId });
});
