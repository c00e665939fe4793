// An HTTP/1.1 server toolkit over ns.tcp for the images' services (nginx, httpd, whoami, consul, elasticsearch,
// the tutorial web apps). It owns the wire mechanics that every server shares; each image keeps its own voice (status
// lines, header names and order, error pages) in the handler:
//
// - request parsing: request line, headers (names case-insensitive, order kept), bodies by Content-Length or chunked;
//   requests handled one at a time in arrival order (pipelined ones wait);
// - persistence: HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 closes unless
//   `Connection: keep-alive`; a server may refuse keep-alive (Werkzeug's HTTP/1.0) and has an idle timeout after
//   which it closes (nginx 65 s, httpd 5 s, Go servers none); `req.keepAlive` tells the handler what will happen;
// - responses: the handler's status and headers as given, Content-Length filled in when the handler did not frame
//   the body (never chunked), no body for HEAD / 204 / 304; the header block and the body in one write (one
//   segment, as nginx's writev) or two (Python's), the close right after the last write when not persistent;
// - malformed requests: 400 from the handler's `badRequest` (or a bare one) and the connection closed.

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import { MICROSECOND, type Time } from '../../sim/time.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { SocketProcess } from '../../net/sockets/owner.ts';
import type { TcpListener } from '../../net/tcp/stack.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface HttpRequest {
  readonly method: string;
  /** The request target as sent ("/v1/kv/foo?raw"). */
  readonly target: string;
  /** The path part, percent-decoding left to the handler. */
  readonly path: string;
  /** The query string without "?" ("" when none). */
  readonly query: string;
  /** "HTTP/1.1", "HTTP/1.0". */
  readonly version: string;
  /** Header lines as received (name as sent, value trimmed). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Whether the connection stays open after this response (the handler may still force a close). */
  readonly keepAlive: boolean;
  /** Wall-clock nanoseconds (virtual time + the lab's epoch) when the request was complete. */
  readonly wallNs: number;
  /** First header of that name (case-insensitive). */
  header(name: string): string | undefined;
}

export interface HttpResponse {
  readonly status: number;
  /** Reason phrase; default the standard one. */
  readonly reason?: string;
  /** The status line's version (default HTTP/1.1). */
  readonly version?: string;
  /** Header lines in wire order. Content-Length is appended when missing (see `contentLengthAt`). */
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: Uint8Array | string;
  /** Close after this response even if the request asked to keep the connection. */
  readonly close?: boolean;
  /** Where a missing Content-Length goes: index in `headers` (default: the end). */
  readonly contentLengthAt?: number;
}

/**
 * Answers a request: return the response, or return undefined and call `reply` later (a handler that waits for the
 * network, like trainingwheels for redis). Callbacks, not promises: the simulation runs synchronously, so a promise
 * would only settle after the run.
 */
export type HttpHandler = (req: HttpRequest, reply: (res: HttpResponse) => void) => HttpResponse | undefined;

export interface HttpServerOptions {
  readonly port: number;
  readonly address?: string;
  readonly backlog?: number;
  /** The process that opens the listener and accept()s (ProgramContext.process). */
  readonly owner?: SocketProcess;
  /** Time from a complete request to the response write (default 100 µs). */
  readonly thinkTime?: Time;
  /** Idle time after which a kept-alive connection is closed by the server; undefined = never. */
  readonly keepAliveTimeout?: Time;
  /** The server never keeps connections (Werkzeug, SimpleHTTP). */
  readonly noKeepAlive?: boolean;
  /** Header block and body in separate writes (Python servers). Default: one write. */
  readonly separateBodyWrite?: boolean;
  /** The 400 answer to an unparseable request. */
  readonly badRequest?: (wallNs: number) => HttpResponse;
  /** Wall-clock ns for virtual time 0 (default: the namespace's env). */
  readonly epochNs?: number;
}

export interface HttpServerHandle {
  readonly listener: TcpListener;
  /** "GET /" per request served, in order. */
  readonly log: string[];
  /** Stops listening and closes open connections. */
  close(): void;
}

const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  411: 'Length Required',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

/** IMF-fixdate (RFC 9110) for wall-clock nanoseconds: "Sun, 06 Nov 1994 08:49:37 GMT". */
export function imfDate(wallNs: number): string {
  return new Date(Math.floor(wallNs / 1e6)).toUTCString();
}

export function toBytes(b: Uint8Array | string | undefined): Uint8Array {
  if (b === undefined) return new Uint8Array(0);
  return typeof b === 'string' ? enc.encode(b) : b;
}

/** The header block of a response (status line, headers, blank line), with Content-Length filled in if missing. */
export function responseHead(res: HttpResponse, bodyLength: number): string {
  const headers = [...(res.headers ?? [])];
  const framed = headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n));
  const noBody = res.status === 204 || res.status === 304 || (res.status >= 100 && res.status < 200);
  if (!framed && !noBody) headers.splice(res.contentLengthAt ?? headers.length, 0, ['Content-Length', String(bodyLength)]);
  let out = `${res.version ?? 'HTTP/1.1'} ${res.status} ${res.reason ?? reasonPhrase(res.status)}\r\n`;
  for (const [n, v] of headers) out += `${n}: ${v}\r\n`;
  return out + '\r\n';
}

interface Parsed {
  readonly req?: Omit<HttpRequest, 'remoteAddress' | 'remotePort' | 'localAddress' | 'localPort' | 'keepAlive' | 'wallNs' | 'header'>;
  readonly used: number;
  readonly bad?: boolean;
}

function indexOfCrlfCrlf(b: Uint8Array, from = 0): number {
  for (let i = from; i + 3 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}

/** One request from the front of `buf`, or {used: 0} when more bytes are needed. */
export function parseRequest(buf: Uint8Array): Parsed {
  const end = indexOfCrlfCrlf(buf);
  if (end < 0) return buf.length > 65536 ? { used: 0, bad: true } : { used: 0 };
  const head = dec.decode(buf.subarray(0, end));
  const lines = head.split('\r\n');
  // Leading empty lines before a request line are ignored (RFC 9112 2.2).
  while (lines.length > 0 && lines[0] === '') lines.shift();
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) (HTTP\/\d\.\d)$/.exec(lines[0] ?? '');
  if (m === null) return { used: end + 4, bad: true };
  const headers: [string, string][] = [];
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i <= 0 || /\s/.test(l.slice(0, i))) return { used: end + 4, bad: true };
    headers.push([l.slice(0, i), l.slice(i + 1).trim()]);
  }
  const get = (n: string): string | undefined => headers.find(([k]) => k.toLowerCase() === n)?.[1];
  let pos = end + 4;
  let body = new Uint8Array(0);
  const te = get('transfer-encoding');
  const cl = get('content-length');
  if (te !== undefined && /chunked/i.test(te)) {
    const parts: Uint8Array[] = [];
    for (;;) {
      let e = -1;
      for (let i = pos; i + 1 < buf.length; i++) if (buf[i] === 13 && buf[i + 1] === 10) {
        e = i;
        break;
      }
      if (e < 0) return { used: 0 };
      const size = parseInt(dec.decode(buf.subarray(pos, e)).split(';')[0]!.trim(), 16);
      if (!Number.isFinite(size) || size < 0) return { used: buf.length, bad: true };
      if (size === 0) {
        const t = indexOfCrlfCrlf(buf, e - 2);
        if (t < 0) return { used: 0 };
        pos = t + 4;
        break;
      }
      if (buf.length < e + 2 + size + 2) return { used: 0 };
      parts.push(buf.slice(e + 2, e + 2 + size));
      pos = e + 2 + size + 2;
    }
    const n = parts.reduce((a, p) => a + p.length, 0);
    body = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      body.set(p, o);
      o += p.length;
    }
  } else if (cl !== undefined) {
    if (!/^\d+$/.test(cl)) return { used: buf.length, bad: true };
    const n = Number(cl);
    if (buf.length < pos + n) return { used: 0 };
    body = buf.slice(pos, pos + n);
    pos += n;
  }
  const target = m[2]!;
  const q = target.indexOf('?');
  return {
    used: pos,
    req: { method: m[1]!, target, path: q >= 0 ? target.slice(0, q) : target, query: q >= 0 ? target.slice(q + 1) : '', version: m[3]!, headers, body },
  };
}

/** Starts an HTTP server on `ns`. */
export function serveHttp(ns: NetNamespace, opts: HttpServerOptions, handler: HttpHandler): HttpServerHandle {
  const sched = ns.env.scheduler;
  const epoch = opts.epochNs ?? ns.env.epochNs;
  const log: string[] = [];
  const conns = new Set<TcpSocket>();
  const listener = ns.tcp.listen(opts.port, {
    ...(opts.address !== undefined ? { address: opts.address } : {}),
    backlog: opts.backlog ?? 511,
    ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
  });
  listener.onConnection = (s) => {
    conns.add(s);
    let buf = new Uint8Array(0);
    let busy = false;
    let closing = false;
    let idle: { cancel(): boolean } | undefined;
    const armIdle = (): void => {
      idle?.cancel();
      idle = undefined;
      if (opts.keepAliveTimeout !== undefined) idle = sched.schedule(opts.keepAliveTimeout, () => s.close());
    };
    armIdle();
    const respond = (res: HttpResponse, method: string, keepAlive: boolean, done: () => void): void => {
      const body = toBytes(res.body);
      const head = enc.encode(responseHead(res, body.length));
      const sendBody = method !== 'HEAD' && res.status !== 204 && res.status !== 304 && body.length > 0;
      const finish = (): void => {
        if (!keepAlive || res.close === true) {
          closing = true;
          s.close();
        }
        done();
      };
      if (sendBody && opts.separateBodyWrite === true) {
        s.write(head);
        sched.schedule(200 * MICROSECOND, () => {
          s.write(body);
          finish();
        });
        return;
      }
      if (sendBody) {
        const all = new Uint8Array(head.length + body.length);
        all.set(head);
        all.set(body, head.length);
        s.write(all);
      } else {
        s.write(head);
      }
      finish();
    };
    const pump = (): void => {
      if (busy || closing) return;
      const p = parseRequest(buf);
      if (p.bad === true) {
        busy = true;
        buf = new Uint8Array(0);
        const wall = epoch + sched.now;
        const res = opts.badRequest?.(wall) ?? { status: 400, headers: [['Connection', 'close']], body: '' };
        sched.schedule(opts.thinkTime ?? 100 * MICROSECOND, () => respond(res, 'GET', false, () => undefined));
        return;
      }
      if (p.req === undefined) return;
      buf = buf.slice(p.used);
      busy = true;
      idle?.cancel();
      const r = p.req;
      const conn = r.headers.find(([k]) => k.toLowerCase() === 'connection')?.[1]?.toLowerCase() ?? '';
      const keepAlive = opts.noKeepAlive !== true && (r.version === 'HTTP/1.1' ? !/\bclose\b/.test(conn) : /\bkeep-alive\b/.test(conn));
      const req: HttpRequest = {
        ...r,
        remoteAddress: formatIpv4(s.remoteAddress),
        remotePort: s.remotePort,
        localAddress: formatIpv4(s.localAddress),
        localPort: s.localPort,
        keepAlive,
        wallNs: epoch + sched.now,
        header: (n) => r.headers.find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1],
      };
      log.push(`${r.method} ${r.target}`);
      sched.schedule(opts.thinkTime ?? 100 * MICROSECOND, () => {
        const after = (res: HttpResponse): void =>
          respond(res, r.method, keepAlive, () => {
            busy = false;
            if (!closing) {
              armIdle();
              pump();
            }
          });
        let replied = false;
        const once = (res: HttpResponse): void => {
          if (replied) return;
          replied = true;
          after(res);
        };
        let out: HttpResponse | undefined;
        try {
          out = handler(req, once);
        } catch {
          out = { status: 500, body: '' };
        }
        if (out !== undefined) once(out);
      });
    };
    s.onData = (d) => {
      const n = new Uint8Array(buf.length + d.length);
      n.set(buf);
      n.set(d, buf.length);
      buf = n;
      pump();
    };
    s.onEnd = () => {
      // The client half-closed: finish what is in progress, then close our side.
      if (!busy) {
        idle?.cancel();
        closing = true;
        s.close();
      } else {
        closing = true;
        const wait = (): void => {
          if (busy) sched.schedule(MICROSECOND * 100, wait);
          else s.close();
        };
        wait();
      }
    };
    s.onClose = () => {
      idle?.cancel();
      conns.delete(s);
    };
  };
  return {
    listener,
    log,
    close: () => {
      listener.close();
      for (const s of conns) s.close();
      conns.clear();
    },
  };
}
