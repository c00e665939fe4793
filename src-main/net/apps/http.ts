// Two small HTTP programs over ns.tcp that behave on the wire like the ones in reference/linux 04 and 05:
//
// - `httpServer`: Python 3.11 `http.server` (SimpleHTTP/0.6, HTTP/1.0). It reads the request, answers after a
//   think time (~4.2 ms in the reference) with the header block in one write, writes the body in a second write
//   ~0.2 ms later (so headers and body are separate PSH segments, facts 3.6), and closes ~1.8 ms after that.
// - `curl`: curl 7.88.1 with HTTP/1.1. It sends its request ~0.4 ms after the handshake (one write), and closes as
//   soon as Content-Length bytes of body arrived (~80 µs later), so the client usually sends the first FIN.
//
// The byte counts match the reference: `GET /hello.txt` is 86 bytes with `Host: 10.0.1.5:8080`; the server's
// header block is 186 bytes for a 14-byte body and 188 for a 4000-byte one.

import { formatIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { MICROSECOND, MILLISECOND, type Time } from '../../sim/time.ts';
import type { NetNamespace } from '../namespace.ts';
import type { TcpListener } from '../tcp/stack.ts';
import type { TcpSocket } from '../tcp/socket.ts';
import type { TcpError } from '../tcp/types.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface HttpServerOptions {
  port: number;
  /** --bind ADDRESS (default 0.0.0.0). */
  address?: string;
  /** Files served, by path ("/hello.txt"); a missing one gets a 404. */
  files: ReadonlyMap<string, Uint8Array>;
  /** Time from the complete request to the header write (default 4.2 ms). */
  thinkTime?: Time;
  /** Time from the header write to the body write (default 0.2 ms). */
  bodyDelay?: Time;
  /** Time from the body write to close() (default 1.8 ms). */
  closeDelay?: Time;
  /** Content-type header value (default text/plain). */
  contentType?: string;
}

export interface HttpServer {
  readonly listener: TcpListener;
  /** Requests served, in order: "GET /hello.txt". */
  readonly log: string[];
  close(): void;
}

/** The date format of HTTP (IMF-fixdate) for wall-clock nanoseconds. */
export function httpDate(wallNs: number): string {
  return new Date(Math.floor(wallNs / 1e6)).toUTCString();
}

/** Python http.server's response header block. */
export function pythonHeaders(status: string, contentType: string, length: number, wallNs: number): string {
  const d = httpDate(wallNs);
  return `HTTP/1.0 ${status}\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\nDate: ${d}\r\nContent-type: ${contentType}\r\nContent-Length: ${length}\r\nLast-Modified: ${d}\r\n\r\n`;
}

/** python3 -m http.server PORT --bind ADDRESS (backlog 5, as socketserver.TCPServer listens). */
export function httpServer(ns: NetNamespace, opts: HttpServerOptions): HttpServer {
  const sched = ns.env.scheduler;
  const think = opts.thinkTime ?? 4200 * MICROSECOND;
  const bodyDelay = opts.bodyDelay ?? 200 * MICROSECOND;
  const closeDelay = opts.closeDelay ?? 1800 * MICROSECOND;
  const log: string[] = [];
  const listener = ns.tcp.listen(opts.port, { ...(opts.address !== undefined ? { address: opts.address } : {}), backlog: 5 });
  listener.onConnection = (s: TcpSocket) => {
    let text = '';
    let answered = false;
    s.onData = (d) => {
      text += dec.decode(d);
      if (answered || !text.includes('\r\n\r\n')) return;
      answered = true;
      const [method = '', path = ''] = text.split('\r\n')[0]!.split(' ');
      log.push(`${method} ${path}`);
      const body = opts.files.get(path);
      sched.schedule(think, () => {
        const wall = ns.env.epochNs + sched.now;
        const payload = body ?? enc.encode('<html><body>404 File not found</body></html>\n');
        s.write(enc.encode(pythonHeaders(body !== undefined ? '200 OK' : '404 File not found', body !== undefined ? (opts.contentType ?? 'text/plain') : 'text/html;charset=utf-8', payload.length, wall)));
        sched.schedule(bodyDelay, () => {
          s.write(payload);
          sched.schedule(closeDelay, () => s.close());
        });
      });
    };
  };
  return { listener, log, close: () => listener.close() };
}

export interface CurlOptions {
  /** Time from the end of the handshake to the request write (default 0.4 ms). */
  requestDelay?: Time;
  /** Time from the last body byte to close() (default 80 µs). */
  closeDelay?: Time;
  /** --max-time (default 5 s). */
  maxTime?: Time;
}

export interface CurlResult {
  readonly url: string;
  /** %{http_code}; 0 when the transfer failed. */
  status: number;
  /** %{size_download}. */
  sizeDownload: number;
  /** The header block as received. */
  headers: string;
  body: Uint8Array;
  error: string | undefined;
  /** The client's ephemeral port. */
  localPort: number;
  startedAt: Time;
  endedAt: Time | undefined;
}

/** curl -sS http://HOST:PORT/PATH from `ns`; `onDone` runs when curl exits. */
export function curl(ns: NetNamespace, url: string, opts: CurlOptions = {}, onDone?: (r: CurlResult) => void): CurlResult {
  const sched = ns.env.scheduler;
  const m = /^http:\/\/([0-9.]+)(?::(\d+))?(\/.*)?$/.exec(url);
  if (m === null) throw new Error(`curl: (3) URL using bad/illegal format: ${url}`);
  const host: Ipv4Address = parseIpv4(m[1]!);
  const port = m[2] !== undefined ? Number(m[2]) : 80;
  const path = m[3] ?? '/';
  const result: CurlResult = { url, status: 0, sizeDownload: 0, headers: '', body: new Uint8Array(0), error: undefined, localPort: 0, startedAt: sched.now, endedAt: undefined };
  let finished = false;
  const finish = (error?: string): void => {
    if (finished) return;
    finished = true;
    result.error = error;
    result.endedAt = sched.now;
    timeout.cancel();
    onDone?.(result);
  };
  const hostHeader = port === 80 ? formatIpv4(host) : `${formatIpv4(host)}:${port}`;
  const request = enc.encode(`GET ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`);
  let sock: TcpSocket;
  try {
    sock = ns.tcp.connect(host, port);
  } catch (e) {
    result.error = `curl: (7) ${(e as Error).message}`;
    result.endedAt = sched.now;
    onDone?.(result);
    return result;
  }
  result.localPort = sock.localPort;
  const timeout = sched.schedule(opts.maxTime ?? 5000 * MILLISECOND, () => {
    sock.abort();
    finish('curl: (28) Operation timed out');
  });
  const chunks: Uint8Array[] = [];
  let got = 0;
  let headerEnd = -1;
  let contentLength = -1;
  sock.onConnect = () => sched.schedule(opts.requestDelay ?? 400 * MICROSECOND, () => sock.write(request));
  sock.onData = (d) => {
    chunks.push(d.slice());
    got += d.length;
    const all = concat(chunks, got);
    if (headerEnd < 0) {
      const text = dec.decode(all);
      const i = text.indexOf('\r\n\r\n');
      if (i < 0) return;
      headerEnd = i + 4;
      result.headers = text.slice(0, headerEnd);
      result.status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(result.headers)?.[1] ?? 0);
      const cl = /\r\nContent-Length: (\d+)/i.exec(result.headers);
      contentLength = cl !== null ? Number(cl[1]) : -1;
    }
    result.body = all.subarray(headerEnd);
    result.sizeDownload = result.body.length;
    if (contentLength >= 0 && result.body.length >= contentLength) {
      sched.schedule(opts.closeDelay ?? 80 * MICROSECOND, () => {
        sock.close();
        finish();
      });
    }
  };
  sock.onEnd = () => {
    if (contentLength < 0) {
      sock.close();
      finish();
    }
  };
  sock.onError = (e: TcpError) => finish(`curl: (7) Failed to connect to ${formatIpv4(host)} port ${port}: ${e.code}`);
  return result;
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  parts.length = 0;
  parts.push(out);
  return out;
}
