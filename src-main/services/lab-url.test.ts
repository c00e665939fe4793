// Lab files from an https URL, against a server on 127.0.0.1 whose certificate openssl makes here (trusted through
// the request's `ca`): a lab file and a lab.yaml import; too big (declared or streamed), too slow, a bad status,
// an untrusted certificate, plain http and junk are refused with the reason, and the library is unchanged.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Library, randomId } from '../store/library.ts';
import { EventHub } from './events.ts';
import { LabFiles } from './lab-files.ts';
import { fetchLabFile, parseLabUrl } from './lab-url.ts';
import { LiveLabs } from './live-service.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-lab-url-'));
let server: https.Server;
let base: string;
let ca: Buffer;
let library: Library;
let files: LabFiles;
let labFile: Buffer;

before(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  ca = readFileSync(path.join(dir, 'cert.pem'));
  library = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
  const hub = new EventHub();
  const live = new LiveLabs(library, hub, randomId);
  files = new LabFiles(library, hub, live, { ca });
  const lab = library.createLab('From afar');
  library.saveSnapshot(lab.id, 'first');
  library.exportLabFile(lab.id, path.join(dir, 'afar.flotilla'));
  labFile = readFileSync(path.join(dir, 'afar.flotilla'));
  library.deleteLab(lab.id);

  server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: ca }, (req, res) => {
    const url = req.url ?? '/';
    if (url === '/labs/afar.flotilla') res.end(labFile);
    else if (url === '/labs/class.lab.yaml') res.end('name: Class\nversion: 2\nseed: 4\ntime: 0\nnodes: []\njournal: []\ncanvas: {}\ntranscripts: []\n');
    else if (url === '/moved') res.writeHead(302, { location: '/labs/afar.flotilla' }).end();
    else if (url === '/to-http') res.writeHead(301, { location: `http://127.0.0.1:1/x.flotilla` }).end();
    else if (url === '/declared-big') res.writeHead(200, { 'content-length': String(10_000) }).end(Buffer.alloc(10_000));
    else if (url === '/streamed-big') {
      res.writeHead(200);
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(1000));
      res.end();
    } else if (url === '/slow') res.writeHead(200).write('SQLite');
    else if (url === '/junk.flotilla') res.end('SQLite format 3\u0000 but nothing after');
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
  library.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a lab file and a lab.yaml from https URLs become labs', async () => {
  const lab = await files.importUrl(`${base}/labs/afar.flotilla`);
  assert.equal(lab.name, 'From afar');
  assert.equal(lab.snapshotCount, 1);
  const yaml = await files.importUrl(`${base}/labs/class.lab.yaml`);
  assert.equal(yaml.name, 'Class');
  assert.equal(library.getLab(yaml.id).document.seed, 4);
  const moved = await files.importUrl(`${base}/moved`);
  assert.equal(moved.name, 'From afar (2)');
});

test('refusals name the URL and the reason, and change nothing', async () => {
  const before = library.listLabs();
  const refused = async (url: string, why: RegExp, options: Parameters<typeof fetchLabFile>[1] = { ca }) => {
    await assert.rejects(fetchLabFile(url, options), (err: Error) => {
      assert.match(err.message, why);
      return true;
    });
  };
  await refused(`${base}/declared-big`, /\/declared-big: the file is 10000 bytes, more than the 4096 a lab file may have$/, { ca, maxBytes: 4096 });
  await refused(`${base}/streamed-big`, /\/streamed-big: the file is more than the 4096 bytes a lab file may have$/, { ca, maxBytes: 4096 });
  await refused(`${base}/slow`, /\/slow: timed out$/, { ca, timeoutMs: 300 });
  await refused(`${base}/nothing-here`, /: the server answered 404 Not Found$/);
  await refused(`${base}/labs/afar.flotilla`, /its certificate is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/, {});
  await refused(`${base}/to-http`, /redirected to http:\/\/ \(only https is followed\)$/);
  assert.throws(() => parseLabUrl('http://example.com/a.flotilla'), /only https:\/\/ addresses are opened, not http:\/\//);
  assert.throws(() => parseLabUrl('file:///etc/passwd'), /only https:\/\/ addresses are opened, not file:\/\//);
  assert.throws(() => parseLabUrl('not a url'), /url: not a URL: not a url/);
  await assert.rejects(files.importUrl(`${base}/junk.flotilla`), /junk\.flotilla: (the file is truncated|not a Flotilla lab file)/);
  assert.deepEqual(library.listLabs(), before);
});
