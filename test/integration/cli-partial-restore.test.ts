// `flotilla snapshot restore LAB SNAPSHOT --node NODE [--container CONTAINER]` as a child process on a stopped lab:
// it prints the commands it ran and what it left alone, and the lab has the container back afterwards.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createCore } from '../../src-main/services/core.ts';
import { headlessState } from '../../src-main/services/lab-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-cli-part-'));
after(() => rmSync(home, { recursive: true, force: true }));

function flotilla(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), ...args], {
    cwd: home,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FLOTILLA_HOME: home },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('snapshot restore --node/--container from the command line', async () => {
  const core = createCore({ shell: 'cli', home });
  const api = core.api;
  const { id: labId } = await api.labs.create({ name: 'Cli parts' });
  await api.lab.start({ labId });
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  const run = async (target: Parameters<typeof api.lab.exec>[0]['target'], line: string) => assert.equal((await api.lab.exec({ labId, target, line })).exit, 0, line);
  await run({ kind: 'workstation' }, 'docker-machine create node1');
  await run({ kind: 'node', node: 'node1' }, 'docker network create dev');
  await run({ kind: 'node', node: 'node1' }, 'docker run -d --name web --net dev nginx');
  await api.snapshots.save({ labId, name: 'good' });
  await run({ kind: 'node', node: 'node1' }, 'docker rm -f web');
  await api.lab.stop({ labId });
  core.close();

  assert.equal(flotilla('snapshot', 'restore', 'Cli parts', 'good', '--container', 'web').code, 2, 'a container needs its node');
  const r = flotilla('snapshot', 'restore', 'Cli parts', 'good', '--node', 'node1', '--container', 'web');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}node1\$ docker run -d --name web --network dev nginx$/m);
  assert.match(r.stdout, /^Cli parts: container web on node1 restored \(\d+ commands\)$/m);
  assert.match(r.stdout, /^ {2}not restored: ARP and MAC tables/m);

  const again = createCore({ shell: 'cli', home });
  try {
    const state = await headlessState(labId, (await again.api.labs.open({ id: labId })).document);
    const web = state.nodes[0]!.containers.find((c) => c.name === 'web');
    assert.equal(web?.state, 'running');
    assert.deepEqual(web?.networks.map((n) => n.network), ['dev']);
  } finally {
    again.close();
  }
});
