import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testShell } from './test-helpers.ts';

test('simple commands, variables and $? persist across runs of one session', async () => {
  const t = testShell();
  assert.deepEqual(await t.run('X=hello; echo $X world'), { exit: 0, out: 'hello world\n', err: '', all: 'hello world\n', chunks: [{ stream: 'stdout', text: 'hello world\n' }] });
  assert.equal((await t.run('echo "$X again"')).out, 'hello again\n');
  await t.run('false');
  assert.equal((await t.run('echo $?')).out, '1\n');
  assert.equal((await t.run('echo $?')).out, '0\n');
  await t.run('cd /tmp');
  assert.equal((await t.run('pwd')).out, '/tmp\n');
});

test('prefix assignments reach the command only', async () => {
  const t = testShell();
  assert.equal((await t.run('A=1 env | grep ^A=')).out, 'A=1\n');
  assert.equal((await t.run('echo "[$A]"')).out, '[]\n');
  await t.run('export B=2');
  assert.equal((await t.run('env | grep ^B=')).out, 'B=2\n');
});

test('pipelines pass data along; the status is the last stage\'s; stages run in subshells', async () => {
  const t = testShell();
  assert.equal((await t.run('printf "b\\na\\nc\\n" | sort | head -n 2')).out, 'a\nb\n');
  assert.equal((await t.run('false | true')).exit, 0);
  assert.equal((await t.run('true | false')).exit, 1);
  assert.equal((await t.run('echo x | read V; echo "[$V]"')).out, '[]\n');
  assert.equal((await t.run('! true')).exit, 1);
  assert.equal((await t.run('! false')).exit, 0);
});

test('&&, || and ; short-circuit as sh does', async () => {
  const t = testShell();
  assert.equal((await t.run('true && echo a || echo b')).out, 'a\n');
  assert.equal((await t.run('false && echo a || echo b')).out, 'b\n');
  assert.equal((await t.run('false || false && echo no; echo end')).out, 'end\n');
  const r = await t.run('false && echo a');
  assert.equal(r.exit, 1);
  assert.equal(r.out, '');
});

test('redirections: >, >>, <, 2>, 2>&1 and >&2, in order', async () => {
  const t = testShell();
  await t.run('echo one > f; echo two >> f');
  assert.equal((await t.run('cat < f')).out, 'one\ntwo\n');
  const e = await t.run('cat /nope 2> err; cat err');
  assert.equal(e.out, 'cat: /nope: No such file or directory\n');
  assert.equal(e.err, '');
  assert.equal((await t.run('cat /nope 2>&1 | wc -l')).out, '1\n');
  assert.equal((await t.run('cat /nope > out 2>&1; cat out')).out, 'cat: /nope: No such file or directory\n');
  const swapped = await t.run('cat /nope 2>&1 > out2');
  assert.equal(swapped.out, 'cat: /nope: No such file or directory\n');
  const toErr = await t.run('echo oops >&2');
  assert.deepEqual([toErr.out, toErr.err], ['', 'oops\n']);
  const missing = await t.run('cat < /nope');
  assert.deepEqual([missing.exit, missing.err], [1, 'bash: /nope: No such file or directory\n']);
  const dir = await t.run('echo x > /nope/f');
  assert.deepEqual([dir.exit, dir.err], [1, 'bash: /nope/f: No such file or directory\n']);
  assert.equal((await t.run('echo x > /tmp')).err, 'bash: /tmp: Is a directory\n');
  assert.equal((await t.run('{ echo a; echo b; } > g; cat g')).out, 'a\nb\n');
  assert.equal((await t.run('> empty; wc -c < empty')).out, '0\n');
});

test('here-documents: expanded, quoted, <<- strips tabs, into files', async () => {
  const t = testShell();
  await t.run('NAME=web');
  assert.equal((await t.run('cat <<EOF\nhello $NAME\n$(echo sub)\nEOF\n')).out, 'hello web\nsub\n');
  assert.equal((await t.run("cat <<'EOF'\nhello $NAME\nEOF\n")).out, 'hello $NAME\n');
  assert.equal((await t.run('cat <<-EOF\n\tindented\n\tEOF\n')).out, 'indented\n');
  await t.run('cat > conf.yml <<EOF\nversion: "3"\nservices:\n  $NAME: {}\nEOF\n');
  assert.equal((await t.run('cat conf.yml')).out, 'version: "3"\nservices:\n  web: {}\n');
});

test('for, while, until, if/elif/else, break and continue', async () => {
  const t = testShell();
  assert.equal((await t.run('for i in 1 2 3; do echo $i; done')).out, '1\n2\n3\n');
  assert.equal((await t.run('for i in $(seq 3); do echo -n $i; done')).out, '123');
  assert.equal((await t.run('i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done')).out, '1\n2\n3\n');
  assert.equal((await t.run('i=3; until [ $i -eq 0 ]; do echo $i; i=$((i-1)); done')).out, '3\n2\n1\n');
  assert.equal((await t.run('for i in 1 2 3 4; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done')).out, '1\n3\n');
  assert.equal((await t.run('for i in a b; do for j in 1 2; do [ $j = 2 ] && break 2; echo $i$j; done; done')).out, 'a1\n');
  assert.equal((await t.run('x=5; if [ $x -lt 3 ]; then echo small; elif [ $x -lt 10 ]; then echo medium; else echo big; fi')).out, 'medium\n');
  assert.equal((await t.run('if false; then echo no; fi')).exit, 0);
  await t.run('printf "a 1\\nb 2\\n" > pairs');
  assert.equal((await t.run('while read k v; do echo "$v=$k"; done < pairs')).out, '1=a\n2=b\n');
});

test('subshells copy the environment and directory; groups share them', async () => {
  const t = testShell();
  assert.equal((await t.run('X=1; (X=2; cd /tmp; echo $X $PWD); echo $X $PWD')).out, '2 /tmp\n1 /home/user\n');
  assert.equal((await t.run('{ X=3; }; echo $X')).out, '3\n');
  assert.equal((await t.run('(exit 3); echo $?')).out, '3\n');
  assert.equal((await t.run('X=$(echo in; exit 4); echo $? $X')).out, '4 in\n');
});

test('background jobs run in virtual time; wait awaits them', async () => {
  const t = testShell();
  const start = t.clock.now();
  const r = await t.run('(sleep 2; echo late) & echo early; wait; echo after');
  assert.equal(r.out, 'early\nlate\nafter\n');
  assert.equal(t.clock.now() - start, 2e9);
  const pid = await t.run('sleep 1 & echo $!; wait $!; echo $?');
  assert.match(pid.out, /^\d+\n0\n$/);
  // a job still running when the command ends prints later, into the next run's output
  assert.equal((await t.run('(sleep 5; echo bg) &')).out, '');
  await t.clock.advance(6e9);
  assert.equal((await t.run('echo fg')).out, 'bg\nfg\n');
});

test('sleep takes virtual time only', async () => {
  const t = testShell();
  await t.run('sleep 1.5; sleep 1m');
  assert.equal(t.clock.now(), 61.5e9);
  const bad = await t.run('sleep x');
  assert.deepEqual([bad.exit, bad.err], [1, "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n"]);
});

test('exit statuses and the shell\'s own errors, per dialect', async () => {
  const bash = testShell('bash');
  const ash = testShell('ash');
  assert.deepEqual(await bash.run('nosuch arg'), { exit: 127, out: '', err: 'bash: nosuch: command not found\n', all: 'bash: nosuch: command not found\n', chunks: [{ stream: 'stderr', text: 'bash: nosuch: command not found\n' }] });
  assert.equal((await ash.run('nosuch')).err, 'sh: nosuch: not found\n');
  assert.equal((await ash.run('nosuch')).exit, 127);
  assert.equal((await bash.run('./script.sh')).err, 'bash: ./script.sh: No such file or directory\n');
  const syn = await bash.run('if true; then echo x; fi fi');
  assert.deepEqual([syn.exit, syn.err], [2, "bash: syntax error near unexpected token `fi'\n"]);
  const synAsh = await ash.run('echo (');
  assert.deepEqual([synAsh.exit, synAsh.err], [2, 'sh: syntax error: unexpected "("\n']);
  assert.equal((await bash.run('exit 7')).exit, 7);
  assert.equal((await bash.run('echo still here')).out, 'still here\n');
  assert.equal((await bash.run('echo ${U:?is unset}')).err, 'bash: U: is unset\n');
  assert.equal((await bash.run('echo $((1/0))')).exit, 1);
});

test('stdout and stderr are kept in the order printed', async () => {
  const t = testShell();
  const r = await t.run('echo one; echo two >&2; echo three; cat /nope');
  assert.deepEqual(r.chunks, [
    { stream: 'stdout', text: 'one\n' },
    { stream: 'stderr', text: 'two\n' },
    { stream: 'stdout', text: 'three\n' },
    { stream: 'stderr', text: 'cat: /nope: No such file or directory\n' },
  ]);
  assert.equal(r.exit, 1);
});

test('set -e stops at the first failure outside conditions', async () => {
  const t = testShell();
  const r = await t.run('set -e; if false; then :; fi; false || true; echo ok; false; echo never');
  assert.deepEqual([r.out, r.exit], ['ok\n', 1]);
  await t.run('set +e');
  assert.equal((await t.run('false; echo goes on')).out, 'goes on\n');
});

test('/dev/null reads empty and swallows output', async () => {
  const t = testShell();
  const r = await t.run('echo hidden > /dev/null; cat /nope 2>/dev/null; echo $?; cat /dev/null | wc -c');
  assert.deepEqual([r.out, r.err], ['1\n0\n', '']);
  assert.equal((await t.run('echo x >/dev/null 2>&1 && cat /dev/null')).out, '');
});
