// The daemon's side of the key-value store (libkv's consul backend as libnetwork ≤22 used it): HTTP/1.1 requests
// to the agent's API on 8500 over the node's TCP, on persistent connections as Go's http.Client keeps them (an
// idle one is reused, another is opened while one is busy — a blocking watch holds its own), the requests written
// as Go writes them (Host, User-Agent: Go-http-client/1.1, Accept-Encoding: gzip). Everything is callbacks: the
// simulation runs synchronously, a promise would settle only after the run.
//
//   get(key, {recurse, index, wait})  GET /v1/kv/<key>?recurse=&index=N&wait=D  → the pairs and X-Consul-Index
//   put(key, value, {cas})            PUT /v1/kv/<key>?cas=N                    → true, or false when the CAS lost
//   delete(key, {recurse})            DELETE /v1/kv/<key>?recurse=

import type { NetNamespace } from '../../net/namespace.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';
import type { EventHandle, Scheduler } from '../../sim/scheduler.ts';
import { SECOND, type Time } from '../../sim/time.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface KvPair {
  readonly key: string;
  readonly value: Uint8Array;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface KvList {
  readonly pairs: readonly KvPair[];
  /** X-Consul-Index: what a blocking query waits past. */
  readonly index: number;
}

/** How a request failed, in Go's words ("dial tcp 192.168.99.100:8500: connect: connection refused"). */
export type KvCallback<T> = (err: string | undefined, value?: T) => void;

interface Response {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** One keep-alive connection to the agent. */
class Conn {
  busy = false;
  dead = false;
  open = false;
  private buf = new Uint8Array(0);
  private pending: { cb: (err: string | undefined, r?: Response) => void; timer: EventHandle | undefined } | undefined;
  private queued: Uint8Array | undefined;

  constructor(
    readonly sock: TcpSocket,
    private readonly where: string,
    private readonly onGone: (c: Conn) => void,
  ) {
    sock.onConnect = () => {
      this.open = true;
      if (this.queued) {
        sock.write(this.queued);
        this.queued = undefined;
      }
    };
    sock.onData = (d) => this.feed(d);
    sock.onEnd = () => {
      sock.close();
      this.fail('EOF');
    };
    sock.onError = (e) => this.fail(this.open ? `read tcp ${this.where}: ${errText(e)}` : `dial tcp ${this.where}: connect: ${errText(e)}`);
    sock.onClose = () => this.fail('EOF');
  }

  send(bytes: Uint8Array, cb: (err: string | undefined, r?: Response) => void, timer: EventHandle | undefined): void {
    this.busy = true;
    this.pending = { cb, timer };
    if (this.open) this.sock.write(bytes);
    else this.queued = bytes;
  }

  /** Gives up on the request in flight (a timeout): the connection is dropped, as Go's client does. */
  abort(reason: string): void {
    this.sock.abort();
    this.fail(reason);
  }

  private fail(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    const p = this.pending;
    this.pending = undefined;
    p?.timer?.cancel();
    this.onGone(this);
    p?.cb(reason);
  }

  private feed(d: Uint8Array): void {
    const joined = new Uint8Array(this.buf.length + d.length);
    joined.set(this.buf);
    joined.set(d, this.buf.length);
    this.buf = joined;
    const end = indexOfCrlfCrlf(joined);
    if (end < 0) return;
    const lines = dec.decode(joined.subarray(0, end)).split('\r\n');
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    const headers: [string, string][] = lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
    const len = Number(headers.find(([k]) => k.toLowerCase() === 'content-length')?.[1] ?? 0);
    if (joined.length < end + 4 + len) return;
    const body = joined.slice(end + 4, end + 4 + len);
    this.buf = joined.slice(end + 4 + len);
    const p = this.pending;
    this.pending = undefined;
    this.busy = false;
    p?.timer?.cancel();
    const close = headers.some(([k, v]) => k.toLowerCase() === 'connection' && /close/i.test(v));
    if (close) {
      this.dead = true;
      this.sock.close();
      this.onGone(this);
    }
    p?.cb(undefined, { status, headers, body });
  }
}

function errText(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  if (/refused/i.test(s)) return 'connection refused';
  if (/unreach/i.test(s)) return 'no route to host';
  if (/time/i.test(s)) return 'connection timed out';
  if (/reset/i.test(s)) return 'connection reset by peer';
  return s.toLowerCase();
}

function indexOfCrlfCrlf(b: Uint8Array): number {
  for (let i = 0; i + 3 < b.length; i++) if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  return -1;
}

function base64Decode(s: string): Uint8Array {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = s.replace(/=+$/, '');
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean) {
    acc = (acc << 6) | a.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** An HTTP client of one consul agent. */
export class ConsulClient {
  private readonly idle: Conn[] = [];
  private readonly all = new Set<Conn>();
  private closed = false;
  /** Requests sent (tests, bench). */
  requests = 0;

  constructor(
    private readonly ns: NetNamespace,
    private readonly scheduler: Scheduler,
    readonly host: string,
    readonly port: number,
    /** A request without an answer after this long fails (blocking queries get their wait on top). */
    private readonly timeout: Time = 10 * SECOND,
  ) {}

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get(key: string, o: { recurse?: boolean; index?: number; wait?: string }, cb: KvCallback<KvList>): void {
    const q: string[] = [];
    if (o.recurse) q.push('recurse=');
    if (o.index !== undefined && o.index > 0) q.push(`index=${o.index}`);
    if (o.wait !== undefined && o.index !== undefined && o.index > 0) q.push(`wait=${o.wait}`);
    const extra = o.index !== undefined && o.index > 0 ? waitNs(o.wait) : 0;
    this.request('GET', key, q, undefined, extra, (err, r) => {
      if (err || !r) return cb(err ?? 'no response');
      const index = Number(r.headers.find(([k]) => k.toLowerCase() === 'x-consul-index')?.[1] ?? 0);
      if (r.status === 404) return cb(undefined, { pairs: [], index });
      if (r.status !== 200) return cb(`Unexpected response code: ${r.status}`);
      let list: { Key: string; Value: string | null; CreateIndex: number; ModifyIndex: number }[];
      try {
        list = JSON.parse(dec.decode(r.body)) as typeof list;
      } catch {
        return cb('invalid character in the response');
      }
      cb(undefined, { index, pairs: list.map((e) => ({ key: e.Key, value: e.Value === null ? new Uint8Array(0) : base64Decode(e.Value), createIndex: e.CreateIndex, modifyIndex: e.ModifyIndex })) });
    });
  }

  put(key: string, value: string, o: { cas?: number }, cb: KvCallback<boolean>): void {
    this.request('PUT', key, o.cas !== undefined ? [`cas=${o.cas}`] : [], enc.encode(value), 0, (err, r) => {
      if (err || !r) return cb(err ?? 'no response');
      if (r.status !== 200) return cb(`Unexpected response code: ${r.status}`);
      cb(undefined, dec.decode(r.body).trim() === 'true');
    });
  }

  delete(key: string, o: { recurse?: boolean }, cb: KvCallback<boolean>): void {
    this.request('DELETE', key, o.recurse ? ['recurse='] : [], undefined, 0, (err, r) => {
      if (err || !r) return cb(err ?? 'no response');
      cb(undefined, r.status === 200);
    });
  }

  /** Drops every connection (the daemon stops). Requests in flight fail. */
  close(): void {
    this.closed = true;
    for (const c of [...this.all]) c.abort('use of closed network connection');
    this.idle.length = 0;
  }

  private request(method: string, key: string, query: string[], body: Uint8Array | undefined, extraWait: Time, cb: (err: string | undefined, r?: Response) => void): void {
    if (this.closed) {
      cb('use of closed network connection');
      return;
    }
    const path = `/v1/kv/${key.split('/').map(encodeURIComponent).join('/')}${query.length > 0 ? `?${query.join('&')}` : ''}`;
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.address}\r\nUser-Agent: Go-http-client/1.1\r\n`;
    if (body !== undefined) head += `Content-Length: ${body.length}\r\n`;
    head += 'Accept-Encoding: gzip\r\n\r\n';
    const h = enc.encode(head);
    const bytes = new Uint8Array(h.length + (body?.length ?? 0));
    bytes.set(h);
    if (body) bytes.set(body, h.length);
    let conn = this.idle.pop();
    while (conn && conn.dead) conn = this.idle.pop();
    if (!conn) {
      let sock: TcpSocket;
      try {
        sock = this.ns.tcp.connect(this.host, this.port);
      } catch (e) {
        this.scheduler.schedule(0, () => cb(`dial tcp ${this.address}: connect: ${errText(e)}`));
        return;
      }
      conn = new Conn(sock, this.address, (c) => {
        this.all.delete(c);
        const i = this.idle.indexOf(c);
        if (i >= 0) this.idle.splice(i, 1);
      });
      this.all.add(conn);
    }
    const c = conn;
    this.requests++;
    const timer = this.scheduler.schedule(this.timeout + extraWait, () => c.abort(`net/http: request canceled (Client.Timeout exceeded while awaiting headers)`));
    c.send(
      bytes,
      (err, r) => {
        if (!err && !c.dead) this.idle.push(c);
        cb(err, r);
      },
      timer,
    );
  }
}

/** "5m", "30s", "250ms" → ns. */
export function waitNs(t: string | undefined): Time {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(t ?? '');
  if (!m) return 300 * SECOND;
  const unit = m[2] === 'ms' ? SECOND / 1000 : m[2] === 'm' ? 60 * SECOND : m[2] === 'h' ? 3600 * SECOND : SECOND;
  return Math.min(600 * SECOND, Number(m[1]) * unit);
}
