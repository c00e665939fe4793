import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testShell } from './test-helpers.ts';
import type { TestShell } from './test-helpers.ts';

async function withFiles(): Promise<TestShell> {
  const t = testShell();
  await t.run("printf 'apple 3\\nbanana 10\\ncherry 2\\napple 3\\nBanana 1\\n' > fruit");
  await t.run("printf 'root:x:0:0:root:/root:/bin/bash\\nwww:x:33:33:www:/var/www:/usr/sbin/nologin\\n' > passwd");
  return t;
}

test('cat: files, stdin, -, -n, errors', async () => {
  const t = await withFiles();
  assert.equal((await t.run('echo in | cat passwd - | tail -n 1')).out, 'in\n');
  assert.equal((await t.run('echo x | cat')).out, 'x\n');
  assert.equal((await t.run('echo a | cat -n')).out, '     1\ta\n');
  const r = await t.run('cat /nope passwd | wc -l');
  assert.deepEqual([r.out, r.err], ['2\n', 'cat: /nope: No such file or directory\n']);
  const e = await t.run('cat /nope');
  assert.equal(e.exit, 1);
  assert.equal((await t.run('cat /tmp')).err, 'cat: /tmp: Is a directory\n');
});

test('grep: -c -v -i -q -E -o -n -w -x -F -l, several files, statuses', async () => {
  const t = await withFiles();
  assert.equal((await t.run('grep apple fruit')).out, 'apple 3\napple 3\n');
  assert.equal((await t.run('grep -c apple fruit')).out, '2\n');
  assert.equal((await t.run('grep -v apple fruit')).out, 'banana 10\ncherry 2\nBanana 1\n');
  assert.equal((await t.run('grep -i banana fruit')).out, 'banana 10\nBanana 1\n');
  assert.equal((await t.run('grep -q cherry fruit')).exit, 0);
  assert.equal((await t.run('grep -q durian fruit')).exit, 1);
  assert.equal((await t.run("grep -E 'a{2}|ch' fruit")).out, 'cherry 2\n');
  assert.equal((await t.run("grep '\\(an\\)\\{2\\}' fruit")).out, 'banana 10\nBanana 1\n');
  assert.equal((await t.run("grep -o '[0-9]\\+' fruit | sort -n | tail -1")).out, '10\n');
  assert.equal((await t.run("grep -oE '[[:digit:]]+' fruit | head -2")).out, '3\n10\n');
  assert.equal((await t.run('grep -n cherry fruit')).out, '3:cherry 2\n');
  assert.equal((await t.run('grep -w app fruit')).exit, 1);
  assert.equal((await t.run("grep -x 'cherry 2' fruit")).out, 'cherry 2\n');
  assert.equal((await t.run("grep -F 'a.' fruit")).exit, 1);
  assert.equal((await t.run("grep '^www' passwd | cut -d: -f6")).out, '/var/www\n');
  assert.equal((await t.run('grep -c root passwd fruit')).out, 'passwd:1\nfruit:0\n');
  assert.equal((await t.run('grep -l root passwd fruit')).out, 'passwd\n');
  assert.equal((await t.run('echo hello | grep -e x -e ell')).out, 'hello\n');
  const missing = await t.run('grep x /nope');
  assert.deepEqual([missing.exit, missing.err], [2, 'grep: /nope: No such file or directory\n']);
  assert.equal((await t.run('grep')).exit, 2);
  assert.equal((await t.run('grep -Z x fruit')).err, "grep: invalid option -- 'Z'\nTry 'grep --help' for more information.\n");
});

test('head and tail: -n N, -N, +N, -c, several files', async () => {
  const t = await withFiles();
  assert.equal((await t.run('seq 20 | head')).out.split('\n').length, 11);
  assert.equal((await t.run('seq 5 | head -n 2')).out, '1\n2\n');
  assert.equal((await t.run('seq 5 | head -3')).out, '1\n2\n3\n');
  assert.equal((await t.run('seq 5 | head -n -3')).out, '1\n2\n');
  assert.equal((await t.run('seq 5 | tail -n 2')).out, '4\n5\n');
  assert.equal((await t.run('seq 5 | tail -1')).out, '5\n');
  assert.equal((await t.run('seq 5 | tail -n +4')).out, '4\n5\n');
  assert.equal((await t.run('echo hello | head -c 3')).out, 'hel');
  assert.equal((await t.run('head -n 1 fruit passwd')).out, '==> fruit <==\napple 3\n\n==> passwd <==\nroot:x:0:0:root:/root:/bin/bash\n');
  assert.equal((await t.run('head /nope')).err, "head: cannot open '/nope' for reading: No such file or directory\n");
  assert.equal((await t.run('head -n x fruit')).err, "head: invalid number of lines: 'x'\n");
});

test('cut: -d -f ranges, -c, -s, lines without the delimiter, errors', async () => {
  const t = await withFiles();
  assert.equal((await t.run('cut -d: -f1,3 passwd')).out, 'root:0\nwww:33\n');
  assert.equal((await t.run('cut -d: -f6- passwd')).out, '/root:/bin/bash\n/var/www:/usr/sbin/nologin\n');
  assert.equal((await t.run('cut -d: -f-2 passwd')).out, 'root:x\nwww:x\n');
  assert.equal((await t.run("echo 'a b c' | cut -d ' ' -f 2")).out, 'b\n');
  assert.equal((await t.run('echo abcdef | cut -c 2-4')).out, 'bcd\n');
  assert.equal((await t.run("printf 'no delim\\na:b\\n' | cut -d: -f2")).out, 'no delim\nb\n');
  assert.equal((await t.run("printf 'no delim\\na:b\\n' | cut -s -d: -f2")).out, 'b\n');
  assert.equal((await t.run("printf 'a\\tb\\n' | cut -f2")).out, 'b\n');
  assert.equal((await t.run('cut passwd')).err, "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n");
  assert.equal((await t.run('cut -d ab -f1 passwd')).err, "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n");
  assert.equal((await t.run('cut -f1 /nope')).err, 'cut: /nope: No such file or directory\n');
});

test('sort: -n -r -u -k -t, byte order; uniq: -c -d -u', async () => {
  const t = await withFiles();
  assert.equal((await t.run('sort fruit')).out, 'Banana 1\napple 3\napple 3\nbanana 10\ncherry 2\n');
  assert.equal((await t.run('sort -u fruit | wc -l')).out, '4\n');
  assert.equal((await t.run("printf '10\\n9\\n100\\n' | sort -n")).out, '9\n10\n100\n');
  assert.equal((await t.run("printf '10\\n9\\n100\\n' | sort -nr")).out, '100\n10\n9\n');
  assert.equal((await t.run('sort -k2 -n fruit | head -1')).out, 'Banana 1\n');
  assert.equal((await t.run('sort -t: -k3 -n passwd | cut -d: -f1')).out, 'root\nwww\n');
  assert.equal((await t.run('sort /nope')).err, 'sort: cannot read: /nope: No such file or directory\n');
  assert.equal((await t.run('sort /nope')).exit, 2);
  assert.equal((await t.run('cut -d" " -f1 fruit | sort | uniq -c')).out, '      1 Banana\n      2 apple\n      1 banana\n      1 cherry\n');
  assert.equal((await t.run('sort fruit | uniq -d')).out, 'apple 3\n');
  assert.equal((await t.run('sort fruit | uniq -u | wc -l')).out, '3\n');
  assert.equal((await t.run("printf 'a\\na\\nb\\na\\n' | uniq")).out, 'a\nb\na\n');
});

test('wc: -l -w -c, GNU widths, several files', async () => {
  const t = await withFiles();
  assert.equal((await t.run('wc -l < fruit')).out, '5\n');
  assert.equal((await t.run('wc -l fruit')).out, '5 fruit\n');
  assert.equal((await t.run('echo hello world | wc')).out, '      1       2      12\n');
  assert.equal((await t.run('echo hello world | wc -w')).out, '2\n');
  assert.equal((await t.run('echo hello | wc -c')).out, '6\n');
  assert.equal((await t.run('wc fruit')).out, ' 5 10 44 fruit\n');
  assert.equal((await t.run('wc -l fruit passwd')).out, '5 fruit\n2 passwd\n7 total\n');
  assert.equal((await t.run('wc /nope')).err, 'wc: /nope: No such file or directory\n');
});

test('tr: ranges, classes, -d, -s, -c', async () => {
  const t = testShell();
  assert.equal((await t.run("echo hello | tr a-z A-Z")).out, 'HELLO\n');
  assert.equal((await t.run("echo hello | tr '[:lower:]' '[:upper:]'")).out, 'HELLO\n');
  assert.equal((await t.run("echo 'a,b,c' | tr , '\\n'")).out, 'a\nb\nc\n');
  assert.equal((await t.run("echo hello | tr -d l")).out, 'heo\n');
  assert.equal((await t.run("echo 'a   b' | tr -s ' '")).out, 'a b\n');
  assert.equal((await t.run("echo 'ab12' | tr -cd '0-9'")).out, '12');
  assert.equal((await t.run("echo abc | tr abc x")).out, 'xxx\n');
  assert.equal((await t.run('tr a')).exit, 1);
});

test('tee, seq, hostname, env, mkdir, touch, rm', async () => {
  const t = testShell();
  assert.equal((await t.run('echo x | tee a b')).out, 'x\n');
  assert.equal((await t.run('echo y | tee -a a > /dev/null; cat a b')).out, 'x\ny\nx\n');
  assert.equal((await t.run('echo z | tee /nope/f')).err, 'tee: /nope/f: No such file or directory\n');
  assert.equal((await t.run('seq 3')).out, '1\n2\n3\n');
  assert.equal((await t.run('seq 2 4')).out, '2\n3\n4\n');
  assert.equal((await t.run('seq 10 -5 1')).out, '10\n5\n');
  assert.equal((await t.run('seq -s, 3')).out, '1,2,3\n');
  assert.equal((await t.run('seq -w 8 10')).out, '08\n09\n10\n');
  assert.equal((await t.run('seq 0 0.5 1')).out, '0.0\n0.5\n1.0\n');
  assert.equal((await t.run('seq x')).err, "seq: invalid floating point argument: 'x'\nTry 'seq --help' for more information.\n");
  assert.equal((await t.run('hostname')).out, 'workstation\n');
  assert.equal((await t.run('env | grep ^HOME=')).out, 'HOME=/home/user\n');
  assert.equal((await t.run('env X=1 sh -c true')).exit, 127);
  assert.equal((await t.run('mkdir -p x/y/z && touch x/y/z/f && [ -f x/y/z/f ] && echo yes')).out, 'yes\n');
  assert.equal((await t.run('mkdir x')).err, "mkdir: cannot create directory 'x': File exists\n");
  assert.equal((await t.run('rm x')).err, "rm: cannot remove 'x': Is a directory\n");
  assert.equal((await t.run('rm -r x && [ ! -e x ] && echo gone')).out, 'gone\n');
  assert.equal((await t.run('rm nope')).exit, 1);
  assert.equal((await t.run('rm -f nope')).exit, 0);
});
