// A small HTTP/1.x client over the namespace's TCP (ns.tcp): one request per connection, the request written in
// one segment a little after the handshake (curl: 0.4 ms, facts 3.6), the response read with Content-Length,
// chunked encoding or until the server closes, and the client's close when the body is complete (curl closes
// ~80 µs after the last byte, so it usually sends the first FIN). net/apps/http.ts models the reference's two
// programs and takes literal IPs only; the tools need names, methods, headers, bodies and errors, hence this.

import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';
import { TcpError } from '../../net/tcp/types.ts';
import { MICROSECOND, type Time } from '../../sim/time.ts';
import type { EventHandle } from '../../sim/scheduler.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface HttpRequestSpec {
  readonly address: Ipv4Address;
  readonly port: number;
  /** The request bytes (request line, headers, blank line, body). */
  readonly request: Uint8Array;
  /** HEAD: the response has no body. */
  readonly head?: boolean;
  /** Give up (and abort the connection) after this long in all. */
  readonly maxTime?: Time;
  /** Give up if the connection is not established after this long. */
  readonly connectTimeout?: Time;
  /** From the end of the handshake to the request write. */
  readonly requestDelay?: Time;
  /** From the complete body to close(). */
  readonly closeDelay?: Time;
  /** Called when the handshake completes. */
  readonly onConnect?: (sock: TcpSocket) => void;
  /** Called with the header block once it is complete. */
  readonly onHeaders?: (r: HttpResponse) => void;
}

export interface HttpResponse {
  /** "HTTP/1.0 200 OK" */
  readonly statusLine: string;
  readonly version: string;
  readonly status: number;
  /** The header block as received, status line included, up to and with the blank line. */
  readonly rawHeaders: string;
  readonly headers: readonly (readonly [string, string])[];
  body: Uint8Array;
}

export type HttpFailure =
  | { readonly kind: 'connect'; readonly errno: string; readonly at: Time }
  | { readonly kind: 'timeout'; readonly phase: 'connect' | 'transfer'; readonly received: number; readonly at: Time }
  | { readonly kind: 'reset'; readonly received: number; readonly at: Time };

export type HttpOutcome =
  | { readonly ok: true; readonly response: HttpResponse; readonly localPort: number; readonly connectedAt: Time; readonly at: Time; readonly closedByServer: boolean }
  | ({ readonly ok: false; readonly response?: HttpResponse } & HttpFailure);

export function header(r: HttpResponse, name: string): string | undefined {
  const n = name.toLowerCase();
  return r.headers.find(([k]) => k.toLowerCase() === n)?.[1];
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOfCrlfCrlf(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}

/** Decodes a chunked body; undefined until the last chunk has arrived. */
function dechunk(b: Uint8Array): Uint8Array | undefined {
  let out: Uint8Array = new Uint8Array(0);
  let i = 0;
  for (;;) {
    let eol = -1;
    for (let k = i; k + 1 < b.length; k++) if (b[k] === 13 && b[k + 1] === 10) { eol = k; break; }
    if (eol < 0) return undefined;
    const size = parseInt(dec.decode(b.subarray(i, eol)).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size)) return out;
    if (size === 0) return out;
    if (eol + 2 + size + 2 > b.length) return undefined;
    out = concat(out, b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

export function httpRequest(ns: NetNamespace, spec: HttpRequestSpec): Promise<HttpOutcome> {
  const sched = ns.env.scheduler;
  return new Promise((resolve) => {
    let done = false;
    let connectedAt = 0;
    let sock: TcpSocket | undefined;
    let raw: Uint8Array = new Uint8Array(0);
    let response: HttpResponse | undefined;
    let bodyStart = -1;
    let timers: EventHandle[] = [];
    const finish = (o: HttpOutcome): void => {
      if (done) return;
      done = true;
      for (const t of timers) t.cancel();
      timers = [];
      resolve(o);
    };
    try {
      sock = ns.tcp.connect(spec.address, spec.port);
    } catch (e) {
      const errno = e instanceof TcpError ? e.code : 'ENETUNREACH';
      sched.schedule(0, () => finish({ ok: false, kind: 'connect', errno, at: sched.now }));
      return;
    }
    const s = sock;
    if (spec.maxTime !== undefined) {
      timers.push(
        sched.schedule(spec.maxTime, () => {
          s.abort();
          finish({ ok: false, kind: 'timeout', phase: connectedAt === 0 ? 'connect' : 'transfer', received: response?.body.length ?? 0, at: sched.now, ...(response !== undefined ? { response } : {}) });
        }),
      );
    }
    if (spec.connectTimeout !== undefined) {
      timers.push(
        sched.schedule(spec.connectTimeout, () => {
          if (connectedAt !== 0) return;
          s.abort();
          finish({ ok: false, kind: 'timeout', phase: 'connect', received: 0, at: sched.now });
        }),
      );
    }
    const complete = (closedByServer: boolean): void => {
      if (response === undefined) return;
      const r = response;
      const t = sched.now;
      const end = (): void => finish({ ok: true, response: r, localPort: s.localPort, connectedAt, at: t, closedByServer });
      if (closedByServer) {
        s.close();
        end();
      } else {
        timers.push(
          sched.schedule(spec.closeDelay ?? 80 * MICROSECOND, () => {
            s.close();
            end();
          }),
        );
      }
    };
    const bodyComplete = (): boolean => {
      if (response === undefined) return false;
      if (spec.head === true || response.status === 204 || response.status === 304 || (response.status >= 100 && response.status < 200)) {
        response.body = new Uint8Array(0);
        return true;
      }
      const rest = raw.subarray(bodyStart);
      const te = header(response, 'transfer-encoding');
      if (te !== undefined && te.toLowerCase().includes('chunked')) {
        const b = dechunk(rest);
        if (b === undefined) return false;
        response.body = b;
        return true;
      }
      const cl = header(response, 'content-length');
      response.body = rest.slice();
      if (cl !== undefined) return rest.length >= Number(cl);
      return false;
    };
    s.onConnect = () => {
      connectedAt = sched.now;
      spec.onConnect?.(s);
      timers.push(sched.schedule(spec.requestDelay ?? 400 * MICROSECOND, () => s.write(spec.request)));
    };
    s.onData = (d) => {
      if (done) return;
      raw = concat(raw, d);
      if (response === undefined) {
        const i = indexOfCrlfCrlf(raw);
        if (i < 0) return;
        bodyStart = i + 4;
        const rawHeaders = dec.decode(raw.subarray(0, bodyStart));
        const lines = rawHeaders.split('\r\n');
        const statusLine = lines[0] ?? '';
        const m = /^(HTTP\/\d(?:\.\d)?) (\d{3})/.exec(statusLine);
        const headers: [string, string][] = [];
        for (const l of lines.slice(1)) {
          const c = l.indexOf(':');
          if (c > 0) headers.push([l.slice(0, c), l.slice(c + 1).trim()]);
        }
        response = { statusLine, version: m?.[1] ?? 'HTTP/1.1', status: m !== null ? Number(m[2]) : 0, rawHeaders, headers, body: new Uint8Array(0) };
        spec.onHeaders?.(response);
      }
      if (bodyComplete()) complete(false);
    };
    s.onEnd = () => {
      if (done) return;
      if (response !== undefined) {
        bodyComplete();
        complete(true);
      } else {
        s.close();
        finish({ ok: false, kind: 'reset', received: raw.length, at: sched.now });
      }
    };
    s.onError = (e) => {
      if (connectedAt === 0) finish({ ok: false, kind: 'connect', errno: e.code, at: sched.now });
      else finish({ ok: false, kind: 'reset', received: response?.body.length ?? 0, at: sched.now, ...(response !== undefined ? { response } : {}) });
    };
  });
}

export function encodeText(s: string): Uint8Array {
  return enc.encode(s);
}

export function decodeText(b: Uint8Array): string {
  return dec.decode(b);
}

export interface ParsedUrl {
  readonly scheme: string;
  readonly host: string;
  readonly port: number;
  /** host[:port] as written in the URL. */
  readonly hostPort: string;
  readonly path: string;
}

/** http://host[:port][/path] (a URL without a scheme is http). Undefined when it cannot be parsed. */
export function parseUrl(url: string): ParsedUrl | undefined {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?([^/:?#\s]+)(?::(\d*))?([/?#].*)?$/.exec(url);
  if (m === null) return undefined;
  const scheme = (m[1] ?? 'http').toLowerCase();
  const port = m[3] !== undefined && m[3] !== '' ? Number(m[3]) : scheme === 'https' ? 443 : 80;
  if (!(port > 0 && port < 65536)) return undefined;
  let path = m[4] ?? '/';
  if (path.startsWith('?') || path.startsWith('#')) path = '/' + path;
  path = path.replace(/#.*$/, '');
  return { scheme, host: m[2]!, port, hostPort: m[3] !== undefined && m[3] !== '' ? `${m[2]}:${m[3]}` : m[2]!, path };
}
