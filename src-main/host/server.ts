// The browser host: the same Core as the Electron window, behind HTTP (the renderer's files) and a WebSocket
// (the contract) bound to 127.0.0.1 only. Wire protocol, JSON text frames:
//   client -> { id: number, method: string, params: object }
//   server -> { id, result: CallResult }  |  { event: string, payload }   (events go to every socket)
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CAPTURE_IMPORT_MAX_BYTES } from '../common/api/capture-contract.ts';
import type { Core } from '../services/core.ts';
import { checkRequest, cookieName, LOOPBACK } from './security.ts';
import { securityHeaders, serveStatic } from './static.ts';

export interface HostOptions {
  core: Core;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Fixed only in tests; a fresh random token per run otherwise. */
  token?: string;
}

export interface Host {
  readonly port: number;
  readonly token: string;
  /** The URL to open, token included. */
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

// The contract's arguments are small, except a capture file being imported (base64, 4/3 of its size): refuse
// anything larger than that file and a little JSON around it.
const MAX_MESSAGE = Math.ceil(CAPTURE_IMPORT_MAX_BYTES / 3) * 4 + (64 << 10);

interface Request {
  id: number;
  method: unknown;
  params: unknown;
}

function parseRequest(data: string): Request | string {
  let msg: unknown;
  try {
    msg = JSON.parse(data);
  } catch {
    return 'message is not JSON';
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return 'message must be an object';
  const { id, method, params } = msg as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return 'message.id must be an integer';
  return { id, method, params };
}

export async function startHost(options: HostOptions): Promise<Host> {
  const { core, rendererDir } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = options.port;

  const server = createServer((req, res) => {
    const headers = securityHeaders(port);
    const verdict = checkRequest(req, port, token);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    if (verdict.tokenFromQuery) {
      // The page's own requests (scripts, styles) then carry the token as a cookie scoped to this port's name.
      headers['Set-Cookie'] = `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
    }
    if (url.pathname === '/healthz') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true }));
      return;
    }
    serveStatic(rendererDir, url.pathname, res, headers);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkRequest(req, port, token);
    const path = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`).pathname;
    if (!verdict.ok || path !== '/api') {
      const status = verdict.ok ? 404 : verdict.status;
      const reason = verdict.ok ? 'not found' : verdict.reason;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = core.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.send(JSON.stringify({ id: null, result: { ok: false, error: { code: 'invalid-argument', message: 'binary messages are not part of the protocol' } } }));
        return;
      }
      const request = parseRequest(String(data));
      if (typeof request === 'string') {
        ws.send(JSON.stringify({ id: null, result: { ok: false, error: { code: 'invalid-argument', message: request, field: 'message' } } }));
        return;
      }
      void core.call(request.method, request.params).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: request.id, result }));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    server,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
