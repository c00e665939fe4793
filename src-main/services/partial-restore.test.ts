// The commands a partial restore types: files written byte for byte through printf (quotes, backslashes, UTF-8,
// long files in pieces), folders made and removed, Docker's own files of a container left alone; docker run lines
// that make a container again with its options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Vfs } from '../common/vfs.ts';
import type { Prompt } from '../shell/transcript.ts';
import { fileLines, recreateLines } from './partial-restore.ts';
import { TranscriptLab } from './transcript-lab.ts';

async function type(host: TranscriptLab, prompt: Prompt, line: string): Promise<{ exit: number; text: string }> {
  await host.advance(1e9);
  const r = await host.runStep(prompt, host.shellFor(prompt)!, line);
  return { exit: r.exit, text: r.output.map((c) => c.text).join('') };
}

test('fileLines: run in a shell, they turn one file system into another', async () => {
  const host = new TranscriptLab();
  await type(host, { kind: 'workstation' }, 'docker-machine create node1');
  const node: Prompt = { kind: 'node', name: 'node1' };
  const target = Vfs.with(['/home/docker/new/deep', '/etc']);
  const tricky = `it's "quoted" \\n $HOME \`x\` %s % é ✓\n\ttab\n`;
  target.writeFile('/home/docker/tricky', tricky);
  target.writeFile('/home/docker/empty', '');
  target.writeFile('/home/docker/long', 'z'.repeat(20_000) + '\n');
  target.writeFile('/etc/hostname', 'not-me\n');
  const fs = host.lab.world.node('node1')!.machine.fs;
  fs.mkdir('/home/docker/old/sub', '/', { parents: true });
  fs.writeFile('/home/docker/old/sub/f', 'gone\n');
  fs.writeFile('/home/docker/tricky', 'before\n');
  const lines = fileLines(target, fs, new Set(['/etc/hostname']));
  assert.ok(lines.some((l) => l.startsWith("printf 'zzz") && l.endsWith('>> /home/docker/long')), 'long files in pieces');
  assert.ok(!lines.some((l) => l.includes('/etc/hostname')));
  for (const line of lines) assert.equal((await type(host, node, line)).exit, 0, line);
  assert.equal(fs.readFile('/home/docker/tricky'), tricky);
  assert.equal(fs.readFile('/home/docker/empty'), '');
  assert.equal(fs.readFile('/home/docker/long'), 'z'.repeat(20_000) + '\n');
  assert.ok(fs.isDir('/home/docker/new/deep'));
  assert.equal(fs.exists('/home/docker/old'), false);
  assert.notEqual(fs.readFile('/etc/hostname'), 'not-me\n');
  assert.deepEqual(fileLines(target, fs, new Set(['/etc/hostname'])).filter((l) => !l.startsWith('rm -rf')), [], 'nothing left to write');
});

test('recreateLines: a container made again with its options, networks connected since, and the first one left', async () => {
  const host = new TranscriptLab();
  const node: Prompt = { kind: 'node', name: 'node1' };
  await type(host, { kind: 'workstation' }, 'docker-machine create node1');
  for (const line of [
    'docker network create --subnet 10.5.0.0/24 a',
    'docker network create b',
    "docker run -d --name c1 --net a --ip 10.5.0.9 --network-alias web -e 'MSG=hello world' -p 127.0.0.1:8080:80 --restart on-failure:3 --label tier=front nginx",
    'docker network connect --alias api b c1',
    'docker network disconnect a c1',
  ]) {
    assert.equal((await type(host, node, line)).exit, 0, line);
  }
  const d = host.lab.world.node('node1')!.daemon;
  const c = d.containerList().find((x) => x.name === 'c1')!;
  assert.deepEqual(recreateLines(d, c), [
    "docker run -d --name c1 --network a --network-alias web --ip 10.5.0.9 -e 'MSG=hello world' -p 127.0.0.1:8080:80/tcp --restart on-failure:3 --label tier=front nginx",
    'docker network connect --alias api b c1',
    'docker network disconnect a c1',
  ]);
});
