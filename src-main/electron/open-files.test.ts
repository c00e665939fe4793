// Lab files from the desktop: picked out of command lines (first and second instance), queued until the Core is
// ready; the packaging config declares the .flotilla association with its MIME type.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LAB_FILE_MIME, labFilesInArgv, OpenQueue } from './open-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('labFilesInArgv: .flotilla paths, resolved, without switches and app paths', () => {
  // Packaged on Linux/Windows: the executable, then what the desktop passed.
  assert.deepEqual(labFilesInArgv(['/opt/Flotilla/flotilla', '/home/ana/Labs/Overlay.flotilla'], '/'), ['/home/ana/Labs/Overlay.flotilla']);
  // Unpackaged: electron, the app folder, Chromium switches, a relative path and an upper-case extension.
  assert.deepEqual(
    labFilesInArgv(['/usr/lib/electron/electron', '.', '--no-sandbox', '--enable-features=X', 'class/week 2.FLOTILLA', 'notes.txt', '-psn_0_123'], '/home/bo'),
    ['/home/bo/class/week 2.FLOTILLA'],
  );
  // A second instance: its own cwd, a file URL, and the same file twice.
  assert.deepEqual(labFilesInArgv(['flotilla', 'file:///tmp/a%20b.flotilla', '../x.flotilla', '../x.flotilla'], '/srv/labs'), ['/tmp/a b.flotilla', '/srv/x.flotilla']);
  assert.deepEqual(labFilesInArgv(['flotilla', '--lab=evil.flotilla', 'lab.yaml'], '/'), []);
});

test('labFilesInArgv: a file URL that names no local file is skipped, the others still open', () => {
  // A bad escape, an encoded slash: the desktop never sends these, a hand-typed command line may.
  const argv = ['flotilla', 'file:///tmp/100%.flotilla', 'file:///tmp/a%2Fb.flotilla', '/tmp/ok.flotilla'];
  assert.deepEqual(labFilesInArgv(argv, '/'), ['/tmp/ok.flotilla']);
});

test('OpenQueue: files that come before the Core wait, in order, once each; later ones go straight through', () => {
  const q = new OpenQueue();
  q.push('/a.flotilla');
  q.push('/b.flotilla');
  q.push('/a.flotilla');
  const opened: string[] = [];
  q.ready((f) => opened.push(f));
  assert.deepEqual(opened, ['/a.flotilla', '/b.flotilla']);
  q.push('/c.flotilla');
  assert.deepEqual(opened, ['/a.flotilla', '/b.flotilla', '/c.flotilla']);
});

test('the packaging config associates .flotilla files with application/x-flotilla-lab', () => {
  const builder = readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
  assert.match(builder, /fileAssociations:\n\s+- ext: flotilla\n/);
  assert.match(builder, new RegExp(`mimeType: ${LAB_FILE_MIME.replace(/[/.-]/g, '\\$&')}\n`));
  assert.match(builder, /MimeType: application\/x-flotilla-lab;/);
  const mime = readFileSync(path.join(ROOT, 'resources/flotilla-lab.xml'), 'utf8');
  assert.match(mime, /<mime-type type="application\/x-flotilla-lab">/);
  assert.match(mime, /<glob pattern="\*\.flotilla"\/>/);
});
