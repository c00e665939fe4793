// `flotilla lab open https://…` as a child process: the lab file at the URL lands in the library; plain http is
// refused. The server is on 127.0.0.1 with a certificate openssl makes here; the child trusts it through Node's
// NODE_EXTRA_CA_CERTS (the service's own `ca` option is tested in src-main/services/lab-url.test.ts).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Library, randomId } from '../../src-main/store/library.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-cli-url-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI without blocking this process's event loop (it serves the file). */
function flotilla(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), ...args], {
      cwd: dir,
      env: { ...process.env, FLOTILLA_HOME: path.join(dir, 'home'), NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('flotilla lab open https://… adds the lab; http:// is refused', async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const lib = Library.open(path.join(dir, 'src.sqlite'), { now: () => new Date(), newId: randomId });
  const lab = lib.createLab('Shared lab');
  lib.exportLabFile(lab.id, path.join(dir, 'shared.flotilla'));
  lib.close();
  const bytes = readFileSync(path.join(dir, 'shared.flotilla'));
  const server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => res.end(bytes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/files/shared.flotilla`;
    const r = await flotilla('lab', 'open', url);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^[0-9a-f]{32} {2}Shared lab\n$/);
    const http = await flotilla('lab', 'open', 'http://127.0.0.1:9/x.flotilla');
    assert.equal(http.code, 1);
    assert.match(http.stderr, /^flotilla: url: .*https:\/\//);
    const list = await flotilla('lab', 'list');
    assert.match(list.stdout, /Shared lab/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
