// nginx (1.27, the official image) and httpd (2.4, the official image): static file servers on port 80 with their
// default pages, byte for byte, their header sets and order, their error pages, access logs on stdout and start-up
// notices on stderr. Files are read from the container's file system at request time (/usr/share/nginx/html,
// /usr/local/apache2/htdocs), so `docker exec web sh -c 'echo hi > /usr/share/nginx/html/index.html'` changes the
// answer; files as the image ships them keep the image's mtime (Last-Modified, ETag).

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import { SECOND } from '../../sim/time.ts';
import { SocketProcess } from '../../net/sockets/owner.ts';
import type { ContainerProgram, ProgramContext } from '../daemon/contracts.ts';
import { SIGINT, SIGQUIT, SIGTERM, signalName } from '../daemon/signals.ts';
import { imfDate, serveHttp, type HttpRequest, type HttpResponse } from './http-server.ts';
import { clfTime, nginxLogTime, readFileOr, serviceProgram, utc, wallNs, type Closable } from './program.ts';

const enc = new TextEncoder();

// ----------------------------------------------------------------------------------------------------- nginx

export const NGINX_VERSION = '1.27.5';
export const NGINX_HTML = '/usr/share/nginx/html';
/** The mtime of the image's html files: Wed, 16 Apr 2025 12:01:11 GMT. */
const NGINX_MTIME_S = 0x67ff9c07;

export const NGINX_INDEX = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

export const NGINX_50X = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`;

/** nginx's built-in error page (CRLF line ends, ngx_http_special_response.c). */
export function nginxErrorPage(status: number, text: string): string {
  return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx/${NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n`;
}

const NGINX_ERRORS: Readonly<Record<number, string>> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed', 500: 'Internal Server Error' };

const MIME: Readonly<Record<string, string>> = { html: 'text/html', htm: 'text/html', txt: 'text/plain', css: 'text/css', js: 'application/javascript', json: 'application/json', png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml' };

function mimeOf(path: string, fallback: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (ext !== undefined ? MIME[ext] : undefined) ?? fallback;
}

/** A file under `root` for a request path (index file for directories); "dir" when a directory has no index. */
function staticFile(ctx: ProgramContext, root: string, urlPath: string, index: string): { path: string; data: string } | 'dir' | undefined {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (p.split('/').includes('..')) return undefined;
  const full = (root + p).replace(/\/+/g, '/');
  const fs = ctx.machine.fs;
  if (fs.isDir(full)) {
    const idx = `${full.replace(/\/$/, '')}/${index}`;
    const data = readFileOr(ctx.machine, idx);
    return data !== undefined ? { path: idx, data } : 'dir';
  }
  const data = readFileOr(ctx.machine, full);
  return data !== undefined ? { path: full, data } : undefined;
}

/** The default files of the nginx image (for ImageDefinition.files). */
export const NGINX_FILES: Readonly<Record<string, string>> = {
  [`${NGINX_HTML}/index.html`]: NGINX_INDEX,
  [`${NGINX_HTML}/50x.html`]: NGINX_50X,
};

/**
 * nginx's master process (PID 1, pid 1 in its log) and its one worker (29) on signals: SIGTERM and SIGINT are its
 * fast shutdown, SIGQUIT (the image's STOPSIGNAL, so `docker stop`'s) the graceful one; both exit 0 after the
 * worker has. Its other signals (reload, reopen, upgrade) are not modelled: it goes on, logging nothing.
 */
function nginxSignal(ctx: ProgramContext, sig: number): number | undefined {
  const graceful = sig === SIGQUIT;
  if (!graceful && sig !== SIGTERM && sig !== SIGINT) return undefined;
  const t = nginxLogTime(wallNs(ctx));
  const lines = graceful
    ? [`1#1: signal ${sig} (${signalName(sig)}) received, shutting down`, '29#29: gracefully shutting down']
    : [`1#1: signal ${sig} (${signalName(sig)}) received, exiting`];
  lines.push('29#29: exiting', '29#29: exit', '1#1: signal 17 (SIGCHLD) received from 29', '1#1: worker process 29 exited with code 0', '1#1: exit');
  for (const l of lines) ctx.logError(`${t} [notice] ${l}`);
  return 0;
}

/** nginx -g 'daemon off;' on port 80. */
export const nginxProgram = (): ContainerProgram => {
  let started: ProgramContext | undefined;
  const program = serviceProgram((ctx) => {
    started = ctx;
    return nginxServer(ctx);
  });
  return { ...program, signal: (sig) => (started ? nginxSignal(started, sig) : undefined) };
};

function nginxServer(ctx: ProgramContext): readonly Closable[] {
  const started = wallNs(ctx);
  const t = nginxLogTime(started);
  for (const l of [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
  ])
    ctx.log(l);
  for (const l of ['using the "epoll" event method', `nginx/${NGINX_VERSION}`, 'built by gcc 12.2.0 (Debian 12.2.0-14) ', 'OS: Linux 6.8.0', 'getrlimit(RLIMIT_NOFILE): 1048576:1048576', 'start worker processes', 'start worker process 29'])
    ctx.logError(`${t} [notice] 1#1: ${l}`);
  const defaults = new Map(Object.entries(NGINX_FILES));
  const page = (req: HttpRequest, status: number): HttpResponse => ({
    status,
    reason: NGINX_ERRORS[status],
    headers: [
      ['Server', `nginx/${NGINX_VERSION}`],
      ['Date', imfDate(req.wallNs)],
      ['Content-Type', 'text/html'],
      ['Content-Length', String(nginxErrorPage(status, NGINX_ERRORS[status] ?? '').length)],
      ['Connection', req.keepAlive && status !== 400 ? 'keep-alive' : 'close'],
    ],
    body: nginxErrorPage(status, NGINX_ERRORS[status] ?? ''),
    close: status === 400,
  });
  // The entrypoint execs nginx as PID 1, whose master retitles itself; it has opened its logs (descriptors up to 5)
  // when it binds 0.0.0.0:80 (6) and [::]:80 (7, from 10-listen-on-ipv6-by-default.sh). Its worker 29 is forked
  // with both and accept()s; the channel to the master and its epoll take 8 and 9 there.
  const master = ctx.process;
  const argv = ctx.args.slice(Math.max(0, ctx.args.findIndex((a) => a === 'nginx' || a.endsWith('/nginx'))));
  master.exec('nginx', `nginx: master process ${argv.join(' ')}`);
  master.reserve(3, 4, 5);
  const server = serveHttp(
    ctx.machine.ns,
    { port: 80, keepAliveTimeout: 65 * SECOND, owner: master, badRequest: (w) => page({ wallNs: w, keepAlive: false } as HttpRequest, 400) },
    (req) => {
      const res = handle(req);
      const sent = req.method === 'HEAD' ? 0 : typeof res.body === 'string' ? enc.encode(res.body).length : (res.body?.length ?? 0);
      ctx.log(`${req.remoteAddress} - - [${clfTime(req.wallNs)}] "${req.method} ${req.target} ${req.version}" ${res.status} ${sent} "${req.header('referer') ?? '-'}" "${req.header('user-agent') ?? '-'}" "-"`);
      if (res.status === 404) {
        ctx.logError(`${nginxLogTime(req.wallNs)} [error] 29#29: *1 open() "${NGINX_HTML}${req.path}" failed (2: No such file or directory), client: ${req.remoteAddress}, server: localhost, request: "${req.method} ${req.target} ${req.version}", host: "${req.header('host') ?? ''}"`);
      }
      return res;
    },
  );
  const v6 = ctx.machine.ns.tcp.listen6(80, { backlog: 511, owner: master });
  const worker = new SocketProcess(master.pidNamespace, 29, 'nginx', 'nginx: worker process', [0, 1, 2, 3, 4, 5]);
  server.listener.holders.inherit(master, worker);
  v6.holders.inherit(master, worker);
  worker.reserve(8, 9);
  server.listener.acceptor = worker;
  function handle(req: HttpRequest): HttpResponse {
    const f = staticFile(ctx, NGINX_HTML, req.path, 'index.html');
    if (f === undefined) return page(req, 404);
    if (f === 'dir') return page(req, 403);
    if (req.method !== 'GET' && req.method !== 'HEAD') return page(req, 405);
    const body = enc.encode(f.data);
    const mtimeS = defaults.get(f.path) === f.data ? NGINX_MTIME_S : Math.floor(started / 1e9);
    const etag = `"${mtimeS.toString(16)}-${body.length.toString(16)}"`;
    if (req.header('if-none-match') === etag) {
      return { status: 304, headers: [['Server', `nginx/${NGINX_VERSION}`], ['Date', imfDate(req.wallNs)], ['Last-Modified', imfDate(mtimeS * 1e9)], ['Connection', req.keepAlive ? 'keep-alive' : 'close'], ['ETag', etag]] };
    }
    return {
      status: 200,
      headers: [
        ['Server', `nginx/${NGINX_VERSION}`],
        ['Date', imfDate(req.wallNs)],
        ['Content-Type', mimeOf(f.path, 'application/octet-stream')],
        ['Content-Length', String(body.length)],
        ['Last-Modified', imfDate(mtimeS * 1e9)],
        ['Connection', req.keepAlive ? 'keep-alive' : 'close'],
        ['ETag', etag],
        ['Accept-Ranges', 'bytes'],
      ],
      body,
    };
  }
  return [server, v6];
}

// ----------------------------------------------------------------------------------------------------- httpd

export const HTTPD_VERSION = '2.4.63';
export const HTTPD_HTDOCS = '/usr/local/apache2/htdocs';
export const HTTPD_INDEX = '<html><body><h1>It works!</h1></body></html>\n';
/** index.html's mtime in the image: Mon, 11 Jun 2007 18:53:14 GMT (the ETag's second part is it in µs). */
const HTTPD_MTIME_US = 1181587994 * 1_000_000;

export const HTTPD_FILES: Readonly<Record<string, string>> = { [`${HTTPD_HTDOCS}/index.html`]: HTTPD_INDEX };

/** Apache's error document (ap_send_error_response). */
export function httpdErrorPage(status: number, title: string, message: string): string {
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${title}</title>\n</head><body>\n<h1>${title}</h1>\n<p>${message}</p>\n</body></html>\n`;
}

function apacheErrorTime(ns: number): string {
  const u = utc(ns);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(Math.floor(ns / 1e6)).getUTCDay()]!;
  return `${day} ${u.mon} ${String(u.d).padStart(2, '0')} ${String(u.h).padStart(2, '0')}:${String(u.mi).padStart(2, '0')}:${String(u.s).padStart(2, '0')}.${String(Math.floor((ns / 1000) % 1e6)).padStart(6, '0')} ${u.y}`;
}

/** httpd-foreground on port 80. */
export const httpdProgram = () =>
  serviceProgram((ctx) => {
    const started = wallNs(ctx);
    const ip = ctx.machine.ns.addresses.find((a) => !a.dev.isLoopback);
    const addr = ip !== undefined ? formatIpv4(ip.address) : '127.0.0.1';
    const fqdn = `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${addr}. Set the 'ServerName' directive globally to suppress this message`;
    ctx.logError(fqdn);
    ctx.logError(fqdn);
    ctx.logError(`[${apacheErrorTime(started)}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/${HTTPD_VERSION} (Unix) configured -- resuming normal operations`);
    ctx.logError(`[${apacheErrorTime(started)}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'`);
    const defaults = new Map(Object.entries(HTTPD_FILES));
    const server = `Apache/${HTTPD_VERSION} (Unix)`;
    const error = (req: HttpRequest, status: number, title: string, message: string, extra: [string, string][] = []): HttpResponse => ({
      status,
      headers: [['Date', imfDate(req.wallNs)], ['Server', server], ...extra, ['Content-Length', String(httpdErrorPage(status, title, message).length)], ...(req.keepAlive ? [] : ([['Connection', 'close']] as [string, string][])), ['Content-Type', 'text/html; charset=iso-8859-1']],
      body: httpdErrorPage(status, title, message),
    });
    // httpd-foreground execs `httpd -DFOREGROUND` as PID 1 (its event-MPM children, which inherit the listener,
    // are not modelled).
    ctx.process.exec('httpd', 'httpd');
    const srv = serveHttp(ctx.machine.ns, { port: 80, keepAliveTimeout: 5 * SECOND, owner: ctx.process }, (req) => {
      const res = handle(req);
      const len = res.headers?.find(([n]) => n === 'Content-Length')?.[1] ?? '-';
      ctx.log(`${req.remoteAddress} - - [${clfTime(req.wallNs)}] "${req.method} ${req.target} ${req.version}" ${res.status} ${req.method === 'HEAD' ? '-' : len}`);
      return res;
    });
    function handle(req: HttpRequest): HttpResponse {
      const f = staticFile(ctx, HTTPD_HTDOCS, req.path, 'index.html');
      if (f === undefined || f === 'dir') return error(req, 404, 'Not Found', 'The requested URL was not found on this server.');
      if (req.method !== 'GET' && req.method !== 'HEAD') return error(req, 405, 'Method Not Allowed', `The requested method ${req.method} is not allowed for this URL.`, [['Allow', 'GET,POST,OPTIONS,HEAD']]);
      const body = enc.encode(f.data);
      const mtimeUs = defaults.get(f.path) === f.data ? HTTPD_MTIME_US : Math.floor(started / 1000);
      const etag = `"${body.length.toString(16)}-${mtimeUs.toString(16)}"`;
      return {
        status: 200,
        headers: [
          ['Date', imfDate(req.wallNs)],
          ['Server', server],
          ['Last-Modified', imfDate(Math.floor(mtimeUs / 1e6) * 1e9)],
          ['ETag', etag],
          ['Accept-Ranges', 'bytes'],
          ['Content-Length', String(body.length)],
          ...(req.keepAlive ? [] : ([['Connection', 'close']] as [string, string][])),
          ['Content-Type', mimeOf(f.path, 'text/plain')],
        ],
        body,
      };
    }
    return [srv];
  });
