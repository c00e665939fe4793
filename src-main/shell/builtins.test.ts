import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testShell } from './test-helpers.ts';

test('echo: -n, -e, -E and combined flags', async () => {
  const t = testShell();
  assert.equal((await t.run('echo a  b')).out, 'a b\n');
  assert.equal((await t.run('echo -n x')).out, 'x');
  assert.equal((await t.run("echo 'a\\tb'")).out, 'a\\tb\n');
  assert.equal((await t.run("echo -e 'a\\tb\\n\\0101'")).out, 'a\tb\nA\n');
  assert.equal((await t.run("echo -ne 'x\\c more'")).out, 'x');
  assert.equal((await t.run('echo -x')).out, '-x\n');
});

test('printf: %s %d %x %% widths, escapes, format reuse, bad numbers', async () => {
  const t = testShell();
  assert.equal((await t.run('printf "%s=%d\\n" a 1 b 2')).out, 'a=1\nb=2\n');
  assert.equal((await t.run('printf "%x %X %o %%\\n" 255 255 8')).out, 'ff FF 10 %\n');
  assert.equal((await t.run('printf "[%5s][%-5s][%05d][%.2f]\\n" ab cd 42 3.14159')).out, '[   ab][cd   ][00042][3.14]\n');
  assert.equal((await t.run('printf "%s\\n"')).out, '\n');
  assert.equal((await t.run('printf "\\101\\x42\\n"')).out, 'AB\n');
  const bad = await t.run('printf "%d\\n" abc');
  assert.deepEqual([bad.exit, bad.out, bad.err], [1, '0\n', 'bash: printf: abc: invalid number\n']);
});

test('test and [: strings, integers, files, !, -a, -o and errors', async () => {
  const t = testShell();
  const st = async (expr: string): Promise<number> => (await t.run(expr)).exit;
  await t.run('echo x > f; mkdir d');
  assert.equal(await st('[ -z "" ]'), 0);
  assert.equal(await st('[ -n "" ]'), 1);
  assert.equal(await st('[ abc = abc ]'), 0);
  assert.equal(await st('[ abc != abc ]'), 1);
  assert.equal(await st('test 3 -eq 3'), 0);
  assert.equal(await st('[ 3 -ne 3 ]'), 1);
  assert.equal(await st('[ 2 -lt 3 ]'), 0);
  assert.equal(await st('[ 3 -le 3 ]'), 0);
  assert.equal(await st('[ 4 -gt 3 ]'), 0);
  assert.equal(await st('[ 2 -ge 3 ]'), 1);
  assert.equal(await st('[ -f f ]'), 0);
  assert.equal(await st('[ -f d ]'), 1);
  assert.equal(await st('[ -d d ]'), 0);
  assert.equal(await st('[ -e nope ]'), 1);
  assert.equal(await st('[ ! -e nope ]'), 0);
  assert.equal(await st('[ -f f -a -d d ]'), 0);
  assert.equal(await st('[ -f nope -o -d d ]'), 0);
  assert.equal(await st('[ ]'), 1);
  assert.equal(await st('[ x ]'), 0);
  const missing = await t.run('[ 1 = 1');
  assert.deepEqual([missing.exit, missing.err], [2, "bash: [: missing `]'\n"]);
  const nonint = await t.run('[ abc -eq 1 ]');
  assert.deepEqual([nonint.exit, nonint.err], [2, 'bash: [: abc: integer expression expected\n']);
});

test('export, unset, set and env', async () => {
  const t = testShell();
  await t.run('export A=1 B');
  assert.match((await t.run('export -p')).out, /^declare -x A="1"$/m);
  assert.equal((await t.run('env | grep -c "^B="')).out, '0\n');
  await t.run('B=2');
  assert.equal((await t.run('env | grep "^B="')).out, 'B=2\n');
  await t.run('unset A');
  assert.equal((await t.run('echo "[$A]"; env | grep -c "^A="')).out, '[]\n0\n');
  assert.equal((await t.run('export 1x=2')).err, "bash: export: `1x=2': not a valid identifier\n");
  assert.equal((await t.run('env -i X=1 env')).out, 'X=1\n');
  assert.equal((await t.run('set -q')).exit, 2);
});

test('cd and pwd: HOME, -, errors in both dialects', async () => {
  const t = testShell();
  assert.equal((await t.run('pwd')).out, '/home/user\n');
  assert.equal((await t.run('cd /tmp && pwd')).out, '/tmp\n');
  assert.equal((await t.run('cd - ')).out, '/home/user\n');
  assert.equal((await t.run('cd /tmp; cd; pwd')).out, '/home/user\n');
  assert.equal((await t.run('cd ../..; pwd')).out, '/\n');
  const bad = await t.run('cd /nope');
  assert.deepEqual([bad.exit, bad.err], [1, 'bash: cd: /nope: No such file or directory\n']);
  const ash = testShell('ash');
  assert.equal((await ash.run('cd /nope')).err, "sh: cd: can't cd to /nope: No such file or directory\n");
});

test('read: fields, the rest into the last name, -r, end of input', async () => {
  const t = testShell();
  assert.equal((await t.run('echo "a b c d" | { read x y; echo "$x|$y"; }')).out, 'a|b c d\n');
  assert.equal((await t.run("printf 'a\\\\tb\\n' | { read -r x; echo \"$x\"; }")).out, 'a\\tb\n');
  assert.equal((await t.run("printf 'a:b\\n' | { IFS=: read x y; echo \"$x $y\"; }")).out, 'a b\n');
  assert.equal((await t.run('read x < /dev/null')).exit, 1);
  assert.equal((await t.run('printf "" | read x')).exit, 1);
});

test('exit: status, bad argument; wait for unknown pids', async () => {
  const t = testShell();
  assert.equal((await t.run('false; exit')).exit, 1);
  const bad = await t.run('exit abc');
  assert.deepEqual([bad.exit, bad.err], [2, 'bash: exit: abc: numeric argument required\n']);
  const w = await t.run('wait 999');
  assert.deepEqual([w.exit, w.err], [127, 'bash: wait: pid 999 is not a child of this shell\n']);
  assert.equal((await t.run('true; wait')).exit, 0);
});
