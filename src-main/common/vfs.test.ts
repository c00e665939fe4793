import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolvePath, Vfs, VfsError } from './vfs.ts';

test('paths resolve against a working directory, lexically', () => {
  assert.equal(resolvePath('/home/user', 'a/../b/./c'), '/home/user/b/c');
  assert.equal(resolvePath('/x', '/etc//hosts'), '/etc/hosts');
  assert.equal(resolvePath('/', '../..'), '/');
});

test('files: write, append, read, exists; errors carry the reason', () => {
  const fs = Vfs.with(['/tmp'], { '/etc/hosts': '127.0.0.1 localhost\n' });
  assert.equal(fs.readFile('hosts', '/etc'), '127.0.0.1 localhost\n');
  fs.writeFile('/tmp/a', 'x');
  fs.appendFile('a', 'y', '/tmp');
  assert.equal(fs.readFile('/tmp/a'), 'xy');
  assert.equal(fs.size('/tmp/a'), 2);
  assert.ok(fs.isFile('/tmp/a') && fs.isDir('/tmp') && !fs.exists('/nope'));
  const err = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof VfsError);
      return `${e.code} ${e.message}`;
    }
    return 'no error';
  };
  assert.equal(err(() => fs.readFile('/nope')), 'ENOENT /nope: No such file or directory');
  assert.equal(err(() => fs.readFile('/tmp')), 'EISDIR /tmp: Is a directory');
  assert.equal(err(() => fs.readFile('/etc/hosts/x')), 'ENOTDIR /etc/hosts/x: Not a directory');
  assert.equal(err(() => fs.writeFile('/no/dir/f', '')), 'ENOENT /no/dir/f: No such file or directory');
  assert.equal(err(() => fs.mkdir('/tmp')), 'EEXIST /tmp: File exists');
  assert.equal(err(() => fs.remove('/etc')), 'ENOTEMPTY /etc: Directory not empty');
});

test('directories: mkdir -p, list sorted, remove recursively; /dev/null swallows writes', () => {
  const fs = new Vfs();
  fs.mkdir('/a/b/c', '/', { parents: true });
  fs.mkdir('/a/b/c', '/', { parents: true });
  fs.writeFile('/a/z', '');
  fs.writeFile('/a/b/f', '1');
  assert.deepEqual(fs.list('/a'), [{ name: 'b', kind: 'dir' }, { name: 'z', kind: 'file' }]);
  fs.remove('/a/b', '/', { recursive: true });
  assert.deepEqual(fs.list('/a').map((e) => e.name), ['z']);
  assert.ok(!fs.exists('/a/b/f'));
  fs.writeFile('/dev/null', 'gone');
  assert.equal(fs.readFile('/dev/null'), '');
});
