// `flotilla lab export|import|open` and `flotilla snapshot save|list|restore|diff` as child processes on one
// library (FLOTILLA_HOME), as a person uses them headless.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-cli-labs-'));
after(() => rmSync(home, { recursive: true, force: true }));

function flotilla(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), ...args], {
    cwd: home,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FLOTILLA_HOME: path.join(home, 'lib') },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const labYaml = (lines: string[]) => `name: Classroom
version: 2
seed: 1
time: ${70e9}
nodes: []
journal:
  - t: 0
    console: 1
    target: {"kind":"workstation"}
    line: "docker-machine create node1"
    exit: 0
${lines.join('\n')}
canvas: {}
transcripts: []
`;

test('lab import, snapshot save/list/diff/restore, lab export and open, from the command line', () => {
  writeFileSync(path.join(home, 'one.lab.yaml'), labYaml([]));
  const imported = flotilla('lab', 'import', 'one.lab.yaml');
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^[0-9a-f]{32} {2}Classroom\n$/);
  assert.equal(flotilla('snapshot', 'save', 'Classroom', 'Before').code, 0);

  // The same lab with one more command journaled: imported as a second lab, its document becomes the first's.
  writeFileSync(path.join(home, 'two.lab.yaml'), labYaml([
    '  - t: 60000000000',
    '    console: 2',
    '    target: {"kind":"node","node":"node1"}',
    '    line: "docker network create dev"',
    '    exit: 0',
  ]));
  const second = flotilla('lab', 'open', 'two.lab.yaml');
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Classroom \(2\)/);
  const exported = flotilla('lab', 'export', 'Classroom (2)', '--yaml', 'two-again.yaml');
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(readFileSync(path.join(home, 'two-again.yaml'), 'utf8').replace(/^# .*\n/, '').replace('"Classroom (2)"', 'Classroom'), labYaml([
    '  - t: 60000000000',
    '    console: 2',
    '    target: {"kind":"node","node":"node1"}',
    '    line: "docker network create dev"',
    '    exit: 0',
  ]).replace('nodes: []', 'nodes: []'));

  const list = flotilla('snapshot', 'list', 'Classroom');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /Before\n$/);

  // A .flotilla file of the first lab, then its snapshot diffed against a later one.
  const file = flotilla('lab', 'export', 'Classroom', 'class.flotilla');
  assert.equal(file.code, 0, file.stderr);
  const reopened = flotilla('lab', 'open', 'class.flotilla');
  assert.equal(reopened.code, 0, reopened.stderr);
  assert.match(reopened.stdout, /Classroom \(3\)/);
  assert.match(flotilla('snapshot', 'list', 'Classroom (3)').stdout, /Before/);

  const diffSame = flotilla('snapshot', 'diff', 'Classroom', 'Before', 'Before');
  assert.equal(diffSame.code, 0, diffSame.stderr);
  assert.match(diffSame.stdout, /^--- Before \(70\.000 s\)\n\+\+\+ Before \(70\.000 s\)\n$/);

  const restore = flotilla('snapshot', 'restore', 'Classroom', 'Before');
  assert.equal(restore.code, 0, restore.stderr);
  assert.match(restore.stdout, /Classroom: restored \(1 commands, 70\.000 s of virtual time\)/);
});

test('a bad lab file is refused with the reason and the place; the library keeps what it had', () => {
  const before = flotilla('lab', 'list').stdout;
  writeFileSync(path.join(home, 'bad.lab.yaml'), labYaml([]).replace('    exit: 0', '    exit: "zero"'));
  const bad = flotilla('lab', 'import', 'bad.lab.yaml');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'flotilla: bad.lab.yaml: journal[0].exit: must be a whole number, got string\n');
  writeFileSync(path.join(home, 'cut.flotilla'), readFileSync(path.join(home, 'class.flotilla')).subarray(0, 1000));
  const cut = flotilla('lab', 'open', 'cut.flotilla');
  assert.equal(cut.code, 1);
  assert.match(cut.stderr, /^flotilla: cut\.flotilla: the file is truncated/);
  const missing = flotilla('lab', 'open', 'nowhere.flotilla');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nowhere\.flotilla: no such file/);
  assert.equal(flotilla('lab', 'list').stdout, before);
});
