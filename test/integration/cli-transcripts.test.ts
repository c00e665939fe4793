// `flotilla test` and `flotilla run` end to end: the real command in a child process, over transcripts written to
// a temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-transcripts-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

function flotilla(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PASSING = `# a pure-shell session
$ X=3; echo "x is $X"
x is \\d (re)
$ for i in $(seq $X); do echo line$i; done | tail -n 1
line3
$ cat > notes.txt <<EOF
one $X
two
EOF
$ grep -c o notes.txt
2
$ cat notes.txt /nope
one 3
two
cat: /nope: No such file or directory
[exit 1]
`;

const WRONG = `$ echo a
a
$ printf 'x\\ny\\n'
x
z
$ echo fine
fine
`;

const BAD_PROMPT = `$ echo hi
hi
node1$ docker ps
`;

test('flotilla test: a passing transcript prints ok with its command count, and exits 0', () => {
  const f = file('pass.t', PASSING);
  const r = flotilla('test', f);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, `ok ${f} (5 commands)\n1 passed, 0 failed\n`);
  assert.equal(r.status, 0);
});

test('flotilla test: the shared shell-basics transcript passes', () => {
  const r = flotilla('test', 'test/transcripts/shell-basics.t');
  assert.match(r.stdout, /^ok test\/transcripts\/shell-basics\.t \(\d+ commands\)\n1 passed, 0 failed\n$/);
  assert.equal(r.status, 0);
});

test('flotilla test: a wrong expectation fails with a diff at FILE:LINE, and exits 1', () => {
  const f = file('wrong.t', WRONG);
  const p = file('pass2.t', PASSING);
  const r = flotilla('test', f, p);
  assert.equal(r.status, 1);
  assert.equal(
    r.stdout,
    [
      `${f}:3: output differs: expected "z" (line 5), got "y"`,
      '--- expected',
      '+++ got',
      '  x',
      '- z',
      '+ y',
      `FAIL ${f} (1 failure in 3 commands)`,
      `ok ${p} (5 commands)`,
      '1 passed, 1 failed',
      '',
    ].join('\n'),
  );
});

test('flotilla test: a prompt naming a missing node is a transcript error at FILE:LINE', () => {
  const f = file('prompt.t', BAD_PROMPT);
  const r = flotilla('test', f);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, `${f}:3: transcript error: no node named node1 in this lab\nFAIL ${f} (1 failure in 2 commands)\n0 passed, 1 failed\n`);
});

test('flotilla test: a malformed transcript is reported with its line', () => {
  const f = file('malformed.t', 'stray output\n$ echo x\n');
  const r = flotilla('test', f);
  assert.equal(r.status, 1);
  assert.match(r.stdout, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: transcript error: expected output before any command`));
});

test('flotilla test: usage errors exit 2 (no files; an unreadable file, with the OS reason)', () => {
  const none = flotilla('test');
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^flotilla: test needs at least one transcript file/);
  const missing = path.join(dir, 'missing.t');
  const r = flotilla('test', missing);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `flotilla: cannot read ${missing}: no such file or directory\n`);
  assert.equal(r.stdout, '');
});

test('flotilla run: prints the session as it ran, exit 0 when the statuses match', () => {
  const f = file('run.t', PASSING);
  const r = flotilla('run', f);
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    '$ X=3; echo "x is $X"\nx is 3\n$ for i in $(seq $X); do echo line$i; done | tail -n 1\nline3\n' +
      '$ cat > notes.txt <<EOF\none $X\ntwo\nEOF\n$ grep -c o notes.txt\n2\n$ cat notes.txt /nope\none 3\ntwo\ncat: /nope: No such file or directory\n[exit 1]\n',
  );
});

test('flotilla run: does not check output, but fails on a different exit status or a bad prompt', () => {
  const wrongOutput = flotilla('run', file('run-wrong.t', WRONG));
  assert.equal(wrongOutput.status, 0);
  assert.equal(wrongOutput.stdout, '$ echo a\na\n$ printf \'x\\ny\\n\'\nx\ny\n$ echo fine\nfine\n');
  const f = file('run-exit.t', '$ false\n$ echo after\nafter\n');
  const r = flotilla('run', f);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '$ false\n[exit 1]\n$ echo after\nafter\n');
  assert.equal(r.stderr, `${f}:1: exit status 1, expected 0\n`);
  const p = file('run-prompt.t', BAD_PROMPT);
  const bad = flotilla('run', p);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '$ echo hi\nhi\n');
  assert.equal(bad.stderr, `${p}:3: transcript error: no node named node1 in this lab\n`);
  assert.equal(flotilla('run').status, 2);
});
