// One writer per lab: while a window runs a lab, every other writer — another window's snapshots.save and restore,
// a rename or delete, and `flotilla snapshot save|restore` from the command line — is told the lab is open
// elsewhere, and nothing changes. Once the window stops the lab, they work.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createCore } from '../../src-main/services/core.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-lease-'));
const window = createCore({ shell: 'cli', home });
const other = createCore({ shell: 'cli', home });
after(() => {
  window.close();
  other.close();
  rmSync(home, { recursive: true, force: true });
});

const OPEN_ELSEWHERE = `This lab is open in another Flotilla window (pid ${process.pid}).`;

function flotilla(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), ...args], {
    cwd: home,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FLOTILLA_HOME: home },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('while a window runs a lab, other writers are refused and nothing changes', async () => {
  const lab = await window.api.labs.create({ name: 'Leased' });
  const early = await other.api.snapshots.save({ labId: lab.id, name: 'early' });
  await window.api.lab.start({ labId: lab.id });
  const ws = await window.api.console.open({ labId: lab.id, target: { kind: 'workstation' } });
  await window.api.console.run({ consoleId: ws.consoleId, line: 'docker-machine create node1' });

  const refused = async (what: string, call: () => Promise<unknown>) => {
    await assert.rejects(call, (err: Error & { code?: string }) => {
      assert.equal(err.message, OPEN_ELSEWHERE, what);
      assert.equal(err.code, 'conflict');
      return true;
    });
  };
  await refused('snapshots.save', () => other.api.snapshots.save({ labId: lab.id, name: 'sneaky' }));
  await refused('snapshots.restore', () => other.api.snapshots.restore({ id: early.id }));
  await refused('labs.rename', () => other.api.labs.rename({ id: lab.id, name: 'Renamed' }));
  await refused('labs.delete', () => other.api.labs.delete({ id: lab.id }));
  await refused('lab.start', () => other.api.lab.start({ labId: lab.id }));

  for (const args of [['snapshot', 'save', 'Leased', 'cli'], ['snapshot', 'restore', 'Leased', 'early']]) {
    const r = flotilla(...args);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stderr, `flotilla: ${OPEN_ELSEWHERE}\n`);
  }
  assert.deepEqual((await other.api.snapshots.list({ labId: lab.id })).map((s) => s.name), ['early']);
  assert.equal((await other.api.labs.open({ id: lab.id })).name, 'Leased');

  // The window itself writes as it likes, and once it stops the lab the others can.
  await window.api.snapshots.save({ labId: lab.id, name: 'mine' });
  await window.api.lab.stop({ labId: lab.id });
  assert.equal(flotilla('snapshot', 'save', 'Leased', 'cli').code, 0);
  await other.api.labs.rename({ id: lab.id, name: 'Renamed' });
  assert.deepEqual((await other.api.snapshots.list({ labId: lab.id })).map((s) => s.name).sort(), ['cli', 'early', 'mine']);
  await other.api.labs.delete({ id: lab.id });
});
