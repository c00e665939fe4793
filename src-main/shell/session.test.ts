import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from './clock.ts';
import { runTranscript, WorkstationLab } from './session.ts';
import { formatSession, parseTranscript } from './transcript.ts';

const T = (text: string) => parseTranscript(text, 'x.t');

test('a passing transcript: variables, files and the directory persist; heredocs are input', async () => {
  const t = T(`$ X=web; cd /tmp
$ cat > app.conf <<EOF
name=$X
EOF
$ cat app.conf
name=web
$ pwd
/tmp
$ grep -c name /tmp/app.conf
1
`);
  const run = await runTranscript(t, new WorkstationLab());
  assert.deepEqual(run.failures, []);
  assert.equal(run.steps.length, 5);
  assert.ok(run.complete);
});

test('wrong output and wrong exit status fail at the command\'s line, with a diff', async () => {
  const t = T(`$ echo a
a
$ printf 'a\\nb\\n'
a
c
$ false
$ true
[exit 1]
`);
  const run = await runTranscript(t, new WorkstationLab());
  assert.deepEqual(
    run.failures.map((f) => [f.line, f.kind]),
    [[3, 'output'], [6, 'exit'], [7, 'exit']],
  );
  assert.equal(run.failures[0]?.diff, 'output differs: expected "c" (line 5), got "b"\n--- expected\n+++ got\n  a\n- c\n+ b');
  assert.equal(run.failures[1]?.diff, 'exit status 1, expected 0');
});

test('stderr is compared too, and [exit *] accepts any status', async () => {
  const run = await runTranscript(T('$ echo out; ls\nout\nbash: ls: command not found\n[exit *]\n'), new WorkstationLab());
  assert.deepEqual(run.failures, []);
});

test('a prompt naming a node the lab lacks is a transcript error, and stops the run', async () => {
  const run = await runTranscript(T('$ echo hi\nhi\nnode1$ docker ps\n$ echo never\n'), new WorkstationLab());
  assert.deepEqual(run.failures, [{ line: 3, kind: 'transcript', diff: 'transcript error: no node named node1 in this lab' }]);
  assert.equal(run.steps.length, 1);
  assert.equal(run.complete, false);
});

test('time passes between commands (2 s, plus # wait); background jobs print into a later command', async () => {
  const clock = new ManualClock();
  const lab = new WorkstationLab({ clock });
  const t = T('$ (sleep 3; echo tick) &\n$ echo one\none\n# wait 10s\n$ echo two\ntick\ntwo\n');
  const run = await runTranscript(t, lab);
  assert.deepEqual(run.failures, []);
  assert.equal(clock.now(), 2e9 + 12e9);
  assert.equal(formatSession(t.steps, run.steps), '$ (sleep 3; echo tick) &\n$ echo one\none\n# wait 10s\n$ echo two\ntick\ntwo\n');
});

test('a foreground command takes its virtual time; the next command starts after it', async () => {
  const clock = new ManualClock();
  const run = await runTranscript(T('$ sleep 60\n$ echo done\ndone\n'), new WorkstationLab({ clock }));
  assert.deepEqual(run.failures, []);
  assert.equal(clock.now(), 62e9);
});
