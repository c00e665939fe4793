// The swarm transcripts (test/transcripts/swarm-*.t and the shared swarm-basics.t) through `flotilla test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const mine = readdirSync(path.join(ROOT, 'test/transcripts'))
  .filter((f) => /^swarm-.*\.t$/.test(f))
  .map((f) => path.join('test/transcripts', f));
const shared = path.join(ROOT, '../shared/transcripts/swarm-basics.t');

test('flotilla test passes the swarm transcripts', () => {
  const files = [...mine, ...(existsSync(shared) ? [shared] : [])];
  assert.ok(files.length >= 3);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), 'test', ...files], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^${files.length} passed, 0 failed$`, 'm'));
});
