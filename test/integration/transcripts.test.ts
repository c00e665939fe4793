// Every acceptance transcript — the shared ones (../shared/transcripts) and ours (test/transcripts) — through the
// real `flotilla test`, one file per test so a failure names its transcript and shows the diff.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sharedPath } from '../shared-path.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const inDir = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.t'))
    .sort()
    .map((f) => path.join(dir, f));
const files = [...inDir(sharedPath('transcripts')), ...inDir(path.join(ROOT, 'test/transcripts'))];

test('there are transcripts to run, the shared ones among them', () => {
  assert.ok(files.some((f) => f.endsWith('cnm-basics.t')) && files.some((f) => f.endsWith('swarm-basics.t')));
});

for (const file of files) {
  test(`flotilla test ${path.relative(ROOT, file)}`, () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), 'test', file], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^1 passed, 0 failed$/m);
  });
}
