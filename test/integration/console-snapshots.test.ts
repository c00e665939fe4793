// `flotilla snapshot save|restore|ls` typed at a window's console: snapshots go to the library, and a restore swaps
// the lab under the open consoles — the workstation console that typed it and a node's console both go on, in the
// restored lab, printing what they printed at snapshot time.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConsoleOutput } from '../../src-main/common/api/types.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
const output = new Map<string, string>();
const exits: string[] = [];
before(() => {
  ({ core, dispose } = tempCore());
  core.subscribe((event, payload) => {
    if (event === 'onConsoleOutput') {
      const o = payload as ConsoleOutput;
      output.set(o.consoleId, (output.get(o.consoleId) ?? '') + o.data);
    }
    if (event === 'onConsoleExit') exits.push((payload as { reason: string }).reason);
  });
});
after(() => dispose());

async function run(consoleId: string, line: string): Promise<string> {
  const mark = (output.get(consoleId) ?? '').length;
  const r = await core.api.console.run({ consoleId, line });
  await new Promise((resolve) => setImmediate(resolve));
  return `${(output.get(consoleId) ?? '').slice(mark)}[exit ${r.exit}]`;
}

const PROBES = [
  'docker ps -a',
  'docker network inspect -f "{{range .Containers}}{{.Name}} {{.IPv4Address}} {{.MacAddress}} {{end}}" dev',
  'docker exec box ip neigh',
  'docker exec box cat /tmp/note',
  'iptables -t nat -S',
  'conntrack -L',
  'echo $STAGE',
  'pwd',
];

test('a console snapshot goes to the library; a restore swaps the lab under the open consoles', async () => {
  const api = core.api;
  const labId = (await api.labs.create({ name: 'Console snapshots' })).id;
  await api.lab.start({ labId });
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
  assert.match(await run(ws.consoleId, 'docker-machine create node1'), /\[exit 0\]$/);
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  for (const line of [
    'docker network create dev',
    'docker run -d --name web --net dev -p 8080:80 nginx',
    'docker run -d --name box --net dev alpine sleep 3600',
    'docker exec box ping -c 1 web',
    "docker exec box sh -c 'echo before > /tmp/note'",
    'STAGE=built',
    'cd /tmp',
  ]) {
    assert.match(await run(n1.consoleId, line), /\[exit 0\]$/, line);
  }
  await api.lab.clock({ labId, action: 'pause' });

  assert.match(await run(ws.consoleId, 'flotilla snapshot save base'), /^Saved snapshot base \(\d+\.\d{3} s of virtual time\)\.\n\[exit 0\]$/);
  assert.deepEqual((await api.snapshots.list({ labId })).map((s) => s.name), ['base'], 'in the library');
  const atSnapshot: string[] = [];
  for (const line of PROBES) atSnapshot.push(await run(n1.consoleId, line));
  assert.match(atSnapshot[3]!, /^before\n/);

  await api.lab.clock({ labId, action: 'play', speed: 50 });
  for (const line of ['docker rm -f web', 'docker network disconnect dev box', "docker exec box sh -c 'echo after > /tmp/note'", 'STAGE=changed', 'cd /']) {
    assert.match(await run(n1.consoleId, line), /\[exit 0\]$/, line);
  }
  await api.lab.clock({ labId, action: 'pause' });
  const changed: string[] = [];
  for (const line of PROBES) changed.push(await run(n1.consoleId, line));
  assert.notDeepEqual(changed, atSnapshot, 'the change shows');

  assert.match(await run(ws.consoleId, 'flotilla snapshot restore nosuch'), /no snapshot named nosuch.*\n\[exit 1\]$/);
  const restored = await core.api.console.run({ consoleId: ws.consoleId, line: 'flotilla snapshot restore base' });
  assert.equal(restored.exit, 0);
  assert.equal(restored.prompt, 'user@workstation:~$ ');
  // Both consoles are still open: none was closed by the restore.
  assert.deepEqual(exits, []);
  const now: string[] = [];
  for (const line of PROBES) now.push(await run(n1.consoleId, line));
  assert.deepEqual(now, atSnapshot);
  assert.match(await run(ws.consoleId, 'flotilla snapshot ls'), /^NAME\s+VIRTUAL TIME\nbase\s+\d+\.\d{3} s\n\[exit 0\]$/);

  // The restored lab is live and journals on: it runs, and a restart replays to the same place.
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  assert.match(await run(n1.consoleId, 'docker exec box ping -c 1 web'), /1 packets received/);
  await api.lab.clock({ labId, action: 'pause' });
  const ps = await run(n1.consoleId, 'docker ps -a --format "{{.Names}} {{.Networks}}"');
  await api.lab.stop({ labId });
  const doc = (await api.labs.open({ id: labId })).document;
  assert.ok(!doc.journal.some((e) => e.line === 'docker rm -f web'), 'the undone change left the journal');
  assert.equal(doc.journal.filter((e) => e.line === 'docker exec box ping -c 1 web').length, 2);
  await api.lab.start({ labId });
  await api.lab.clock({ labId, action: 'pause' });
  const n1b = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  assert.equal(await run(n1b.consoleId, 'docker ps -a --format "{{.Names}} {{.Networks}}"'), ps);
  assert.match(ps, /^box dev\nweb dev\n/);
  await api.lab.stop({ labId });
});
