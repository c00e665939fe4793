// Small web services whose answers show the network: traefik/whoami and progrium/consul (Go net/http servers:
// handler headers sorted, then Date and Content-Length, then a sniffed Content-Type; persistent connections kept
// with no idle timeout) and vividbreeze/docker-tutorial (a web app on 8080 that answers with its hostname).

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import type { ProgramContext } from '../daemon/contracts.ts';
import { imfDate, serveHttp, type HttpRequest, type HttpResponse } from './http-server.ts';
import { serviceProgram } from './program.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** textproto.CanonicalMIMEHeaderKey. */
export function canonicalHeaderKey(k: string): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) return k;
  return k
    .toLowerCase()
    .split('-')
    .map((p) => (p === '' ? p : p[0]!.toUpperCase() + p.slice(1)))
    .join('-');
}

/** A Go net/http response: handler headers (sorted by key), Date, Content-Length, Content-Type sniffed if unset. */
export function goResponse(req: HttpRequest, status: number, body: string | Uint8Array, handlerHeaders: readonly [string, string][] = []): HttpResponse {
  const bytes = typeof body === 'string' ? enc.encode(body) : body;
  const sorted = [...handlerHeaders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const hasType = handlerHeaders.some(([k]) => k.toLowerCase() === 'content-type');
  const headers: [string, string][] = [...sorted, ['Date', imfDate(req.wallNs)], ['Content-Length', String(bytes.length)]];
  if (!hasType && bytes.length > 0) headers.push(['Content-Type', sniff(bytes)]);
  if (!req.keepAlive) headers.push(['Connection', 'close']);
  return { status, headers, body: bytes };
}

/** http.DetectContentType, for the bodies these programs write. */
function sniff(b: Uint8Array): string {
  const t = dec.decode(b.subarray(0, 512)).trimStart().toLowerCase();
  if (t.startsWith('<!doctype html') || t.startsWith('<html') || t.startsWith('<head') || t.startsWith('<body') || t.startsWith('<h1')) return 'text/html; charset=utf-8';
  if (t.startsWith('{') || t.startsWith('[')) return 'text/plain; charset=utf-8';
  return 'text/plain; charset=utf-8';
}

/** Request.Write: the request line, Host, User-Agent, then the other headers sorted, canonical keys; CRLF ends. */
export function goRequestWrite(req: HttpRequest): string {
  let out = `${req.method} ${req.target} HTTP/1.1\r\n`;
  const host = req.header('host') ?? '';
  out += `Host: ${host}\r\n`;
  const ua = req.header('user-agent');
  out += `User-Agent: ${ua ?? 'Go-http-client/1.1'}\r\n`;
  const rest = new Map<string, string[]>();
  for (const [k, v] of req.headers) {
    const c = canonicalHeaderKey(k);
    if (c === 'Host' || c === 'User-Agent' || c === 'Content-Length' || c === 'Transfer-Encoding' || c === 'Trailer') continue;
    rest.set(c, [...(rest.get(c) ?? []), v]);
  }
  if (req.body.length > 0) out += `Content-Length: ${req.body.length}\r\n`;
  for (const k of [...rest.keys()].sort()) for (const v of rest.get(k)!) out += `${k}: ${v}\r\n`;
  return out + '\r\n' + dec.decode(req.body);
}

// ---------------------------------------------------------------------------------------------------- whoami

/** The addresses whoami lists: every interface's, in interface order (lo first; IPv4 only in the lab). */
function interfaceAddresses(ctx: ProgramContext): string[] {
  const ns = ctx.machine.ns;
  const out: string[] = [];
  for (const d of ns.deviceList) for (const a of ns.addresses) if (a.dev === d) out.push(formatIpv4(a.address));
  return out;
}

/** whoami's body for a request. */
export function whoamiBody(ctx: ProgramContext, req: HttpRequest): string {
  let out = `Hostname: ${ctx.machine.hostname()}\n`;
  const name = ctx.env.get('WHOAMI_NAME');
  if (name !== undefined && name !== '') out += `Name: ${name}\n`;
  for (const ip of interfaceAddresses(ctx)) out += `IP: ${ip}\n`;
  out += `RemoteAddr: ${req.remoteAddress}:${req.remotePort}\n`;
  return out + goRequestWrite(req);
}

/** /whoami on port 80 (--port N or WHOAMI_PORT_NUMBER). */
export const whoamiProgram = () =>
  serviceProgram((ctx) => {
    const i = ctx.args.findIndex((a) => a === '--port' || a === '-port');
    const port = Number(i >= 0 ? ctx.args[i + 1] : (ctx.env.get('WHOAMI_PORT_NUMBER') ?? 80)) || 80;
    ctx.log(`${new Date(Math.floor((ctx.machine.ns.env.epochNs + ctx.clock.now()) / 1e6)).toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, '/')} Starting up on port ${port}`);
    const server = serveHttp(ctx.machine.ns, { port, owner: ctx.process }, (req) => {
      if (req.path === '/health') return goResponse(req, 200, '');
      if (req.path === '/api') {
        const body = JSON.stringify({
          hostname: ctx.machine.hostname(),
          ip: interfaceAddresses(ctx),
          headers: Object.fromEntries([...new Set(req.headers.map(([k]) => canonicalHeaderKey(k)))].map((k) => [k, req.headers.filter(([x]) => canonicalHeaderKey(x) === k).map(([, v]) => v)])),
          url: req.target,
          host: req.header('host') ?? '',
          method: req.method,
          remoteAddr: `${req.remoteAddress}:${req.remotePort}`,
        });
        return goResponse(req, 200, body + '\n', [['Content-Type', 'application/json']]);
      }
      return goResponse(req, 200, whoamiBody(ctx, req));
    });
    return [server];
  });

// ----------------------------------------------------------------------------------------------- docker-tutorial

/** vividbreeze/docker-tutorial on 8080: a one-line answer naming the container (its hostname). */
export const dockerTutorialProgram = () =>
  serviceProgram((ctx) => {
    ctx.log('Server listening on port 8080');
    const server = serveHttp(ctx.machine.ns, { port: 8080, owner: ctx.process }, (req) => ({
      status: 200,
      headers: [['Content-Type', 'text/html;charset=utf-8'], ['Date', imfDate(req.wallNs)]],
      body: `<html><body><h1>Hello from ${ctx.machine.hostname()}</h1></body></html>\n`,
      contentLengthAt: 1,
    }));
    return [server];
  });

// ------------------------------------------------------------------------------------------------------ consul

interface KvEntry {
  createIndex: number;
  modifyIndex: number;
  flags: number;
  value: Uint8Array;
}

function base64(b: Uint8Array): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += a[(n >> 18) & 63]! + a[(n >> 12) & 63]! + (i + 1 < b.length ? a[(n >> 6) & 63]! : '=') + (i + 2 < b.length ? a[n & 63]! : '=');
  }
  return s;
}

/** progrium/consul (Consul 0.5.2, `-server -bootstrap`): the HTTP API on 8500 with the KV store and status. */
export const consulProgram = () =>
  serviceProgram((ctx) => {
    const ns = ctx.machine.ns;
    const ipEntry = ns.addresses.find((a) => !a.dev.isLoopback);
    const ip = ipEntry !== undefined ? formatIpv4(ipEntry.address) : '127.0.0.1';
    const node = ctx.machine.hostname();
    for (const l of [
      '==> WARNING: Bootstrap mode enabled! Do not enable unless necessary',
      '==> WARNING: It is highly recommended to set GOMAXPROCS higher than 1',
      '==> Starting raft data migration...',
      '==> Starting Consul agent...',
      '==> Starting Consul agent RPC...',
      '==> Consul agent running!',
      `         Node name: '${node}'`,
      "        Datacenter: 'dc1'",
      '            Server: true (bootstrap: true)',
      '       Client Addr: 0.0.0.0 (HTTP: 8500, HTTPS: -1, DNS: 53, RPC: 8400)',
      `      Cluster Addr: ${ip} (LAN: 8301, WAN: 8302)`,
      '    Gossip encrypt: false, RPC-TLS: false, TLS-Incoming: false',
      '             Atlas: <disabled>',
      '',
      '==> Log data will now stream in as it occurs:',
      '',
      `    [INFO] raft: Node at ${ip}:8300 [Leader] entering Leader state`,
      '    [INFO] consul: cluster leadership acquired',
      `    [INFO] consul: New leader elected: ${node}`,
    ])
      ctx.log(l);
    const kv = new Map<string, KvEntry>();
    let index = 4;
    const sched = ns.env.scheduler;
    // Blocking queries (?index=N&wait=D) waiting for the raft index to pass N; woken by every write.
    const waiters = new Set<() => void>();
    const changed = (): void => {
      for (const w of [...waiters]) w();
    };
    const meta = (): [string, string][] => [['X-Consul-Index', String(index)], ['X-Consul-Knownleader', 'true'], ['X-Consul-Lastcontact', '0']];
    const jsonRes = (req: HttpRequest, body: string, extra: [string, string][] = []): HttpResponse => goResponse(req, 200, body, [['Content-Type', 'application/json'], ...extra]);
    const entryJson = (k: string, e: KvEntry): string => `{"CreateIndex":${e.createIndex},"ModifyIndex":${e.modifyIndex},"LockIndex":0,"Key":"${k}","Flags":${e.flags},"Value":${e.value.length === 0 ? 'null' : `"${base64(e.value)}"`}}`;
    const kvGet = (req: HttpRequest, key: string, params: Map<string, string>): HttpResponse => {
      const keys = params.has('recurse') || params.has('keys') ? [...kv.keys()].filter((k) => k.startsWith(key)).sort() : kv.has(key) ? [key] : [];
      if (keys.length === 0) return goResponse(req, 404, '', meta());
      if (params.has('raw')) return goResponse(req, 200, kv.get(keys[0]!)!.value, meta());
      if (params.has('keys')) return jsonRes(req, JSON.stringify([...kv.keys()].filter((k) => k.startsWith(key)).sort()), meta());
      return jsonRes(req, `[${keys.map((k) => entryJson(k, kv.get(k)!)).join(',')}]`, meta());
    };
    /** "10s", "5m", "250ms" → ns (consul caps the wait at 10 minutes; default 5). */
    const waitNs = (t: string | undefined): number => {
      const m = /^(\d+)(ms|s|m|h)?$/.exec(t ?? '');
      if (!m) return 300e9;
      const unit = m[2] === 'ms' ? 1e6 : m[2] === 'm' ? 60e9 : m[2] === 'h' ? 3600e9 : 1e9;
      return Math.min(600e9, Number(m[1]) * unit);
    };
    // /bin/start execs the agent: PID 1 is /bin/consul.
    ctx.process.exec('consul', '/bin/consul');
    const server = serveHttp(ns, { port: 8500, owner: ctx.process }, (req, reply) => {
      const params = new Map(req.query.split('&').filter((x) => x !== '').map((x) => [x.split('=')[0]!, decodeURIComponent(x.split('=')[1] ?? '')] as [string, string]));
      if (req.path === '/v1/status/leader') return jsonRes(req, `"${ip}:8300"`);
      if (req.path === '/v1/status/peers') return jsonRes(req, `["${ip}:8300"]`);
      if (req.path === '/v1/catalog/services') return jsonRes(req, '{"consul":[]}', meta());
      if (req.path === '/v1/catalog/nodes') return jsonRes(req, `[{"Node":"${node}","Address":"${ip}"}]`, meta());
      if (req.path.startsWith('/v1/kv/')) {
        const key = decodeURIComponent(req.path.slice('/v1/kv/'.length));
        const cas = params.has('cas') ? Number(params.get('cas')) : undefined;
        if (req.method === 'PUT') {
          const old = kv.get(key);
          if (cas !== undefined && (cas === 0 ? old !== undefined : old?.modifyIndex !== cas)) return jsonRes(req, 'false');
          index++;
          const flags = Number(params.get('flags') ?? old?.flags ?? 0) || 0;
          kv.set(key, { createIndex: old?.createIndex ?? index, modifyIndex: index, flags, value: req.body.slice() });
          changed();
          return jsonRes(req, 'true');
        }
        if (req.method === 'DELETE') {
          if (cas !== undefined && kv.get(key)?.modifyIndex !== cas) return jsonRes(req, 'false');
          if (params.has('recurse')) {
            for (const k of [...kv.keys()]) if (k.startsWith(key)) kv.delete(k);
          } else kv.delete(key);
          index++;
          changed();
          return jsonRes(req, 'true');
        }
        if (req.method === 'GET') {
          const after = params.has('index') ? Number(params.get('index')) : undefined;
          if (after === undefined || !(after >= index)) return kvGet(req, key, params);
          // a blocking query: answered when the index moves past `after`, or when the wait is over
          let done = false;
          const answer = (): void => {
            if (done) return;
            done = true;
            waiters.delete(wake);
            timer.cancel();
            try {
              reply(kvGet(req, key, params));
            } catch {
              // the client went away meanwhile
            }
          };
          const wake = (): void => {
            if (index > after) answer();
          };
          const timer = sched.schedule(waitNs(params.get('wait')), answer);
          waiters.add(wake);
          return undefined;
        }
        return goResponse(req, 405, '', []);
      }
      return goResponse(req, 404, '404 page not found\n');
    });
    const extra = [8300, 8301, 8302, 8400].map((p) => ns.tcp.listen(p, { backlog: 128, owner: ctx.process }));
    return [server, ...extra];
  });
