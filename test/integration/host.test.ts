// The browser host answers only on 127.0.0.1, only with this run's token, only to its own origin.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { startHost, type Host } from '../../src-main/host/server.ts';
import { tempCore, tempRenderer } from './helpers.ts';

let host: Host;
let dispose: () => void;

before(async () => {
  const t = tempCore('browser');
  dispose = t.dispose;
  host = await startHost({ core: t.core, port: 0, rendererDir: tempRenderer() });
});
after(async () => {
  await host.close();
  dispose();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function openSocket(path: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

test('listens on 127.0.0.1 only', () => {
  const address = host.server.address();
  assert.ok(address && typeof address === 'object');
  assert.equal(address.address, '127.0.0.1');
  assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
});

test('a request without the token gets 401', async () => {
  const res = await get('/');
  assert.equal(res.status, 401);
  assert.match(res.body, /token/);
});

test('a wrong token gets 401', async () => {
  assert.equal((await get('/?token=nope')).status, 401);
  assert.equal((await get('/', { Authorization: 'Bearer nope' })).status, 401);
});

test('the token in the query serves the page with a strict CSP and sets the port-scoped cookie', async () => {
  const res = await get(`/?token=${host.token}`);
  assert.equal(res.status, 200);
  assert.match(res.body, /<title>Flotilla<\/title>/);
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(String(res.headers['set-cookie']), new RegExp(`flotilla_token_${host.port}=${host.token}; Path=/; HttpOnly; SameSite=Strict`));
  // The cookie alone then lets the page's own assets load.
  const again = await get('/index.html', { Cookie: `flotilla_token_${host.port}=${host.token}` });
  assert.equal(again.status, 200);
});

test('a foreign Origin gets 403 even with the token', async () => {
  const res = await get(`/?token=${host.token}`, { Origin: 'http://evil.example' });
  assert.equal(res.status, 403);
  const other = await get(`/?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port + 1}` });
  assert.equal(other.status, 403);
});

test('a foreign Host (DNS rebinding) gets 403', async () => {
  const res = await get(`/?token=${host.token}`, { Host: `rebind.example:${host.port}` });
  assert.equal(res.status, 403);
});

test('paths outside the renderer folder are refused', async () => {
  const res = await get(`/..%2f..%2fetc%2fpasswd?token=${host.token}`);
  assert.ok(res.status === 403 || res.status === 404, `status ${res.status}`);
  assert.doesNotMatch(res.body, /root:/);
});

test('the WebSocket needs the token and our origin', async () => {
  await assert.rejects(openSocket('/api'), /HTTP 401/);
  await assert.rejects(openSocket(`/api?token=${host.token}`, { Origin: 'http://evil.example' }), /HTTP 403/);
  const ws = await openSocket(`/api?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` });
  ws.close();
});

function rpc(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data)) as Record<string, unknown>;
      if ('event' in msg) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

test('the WebSocket carries the contract: calls, typed errors and events', async () => {
  const ws = await openSocket(`/api?token=${host.token}`);
  const events: unknown[] = [];
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as Record<string, unknown>;
    if (msg.event === 'onLabsChanged') events.push(msg.payload);
  });

  const created = await rpc(ws, { id: 1, method: 'labs.create', params: { name: 'Over the wire' } });
  assert.equal(created.id, 1);
  assert.deepEqual((created.result as { ok: boolean }).ok, true);

  const bad = await rpc(ws, { id: 2, method: 'labs.create', params: { name: 42 } });
  assert.deepEqual(bad, { id: 2, result: { ok: false, error: { code: 'invalid-argument', message: 'name: expected a string, got number', field: 'name' } } });

  const unknown = await rpc(ws, { id: 3, method: 'labs.format', params: {} });
  assert.equal((unknown.result as { error: { code: string } }).error.code, 'unknown-method');

  const garbage = await rpc(ws, 'not json');
  assert.deepEqual(garbage, { id: null, result: { ok: false, error: { code: 'invalid-argument', message: 'message is not JSON', field: 'message' } } });

  assert.ok(events.length >= 1, 'onLabsChanged reached the socket');
  const last = events.at(-1) as { name: string }[];
  assert.ok(last.some((l) => l.name === 'Over the wire'));
  ws.close();
});
