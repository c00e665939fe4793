// jpetazzo/trainingwheels: a Flask app (Python 2.7, Werkzeug's development server: HTTP/1.0 answers, the header
// block and the body in separate writes, the connection closed after each answer) on port 5000. Each `GET /`
// takes a redis connection from its pool (redis-py: a new one resolves `redis` through the container's resolver
// and connects to 6379; a pooled one is reused), runs INCR hits, and returns a small page with the count. While
// `redis` does not resolve, refuses, or the connection breaks, the request fails with Werkzeug's 500 page and the
// traceback goes to stderr — so it answers 500 until a container named redis joins its network, then 200.

import type { ProgramContext } from '../daemon/contracts.ts';
import { imfDate, serveHttp, type HttpRequest, type HttpResponse } from './http-server.ts';
import { containerLookup, serviceProgram, utc, type HostLookup } from './program.ts';
import { RedisConnection } from './redis.ts';

const WERKZEUG = 'Werkzeug/0.11.15 Python/2.7.13';

export const WERKZEUG_500 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request.  Either the server is overloaded or there is an error in the application.</p>\n';

export const WERKZEUG_404 =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n';

/** The page for `hits` views on `hostname`. */
export function trainingwheelsPage(hits: number, hostname: string): string {
  return `<html>\n<head><title>Training Wheels</title></head>\n<body>\n<h1>Training Wheels</h1>\n<p>This page has been viewed <b>${hits}</b> time${hits === 1 ? '' : 's'}.</p>\n<p>It was served by <b>${hostname}</b>.</p>\n</body>\n</html>\n`;
}

const p2 = (n: number): string => String(n).padStart(2, '0');
function werkzeugTime(ns: number): string {
  const u = utc(ns);
  return `${p2(u.d)}/${u.mon}/${u.y} ${p2(u.h)}:${p2(u.mi)}:${p2(u.s)}`;
}

const ERRNO: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Error 111 connecting to redis:6379. Connection refused.',
  ETIMEDOUT: 'Error 110 connecting to redis:6379. Connection timed out.',
  EHOSTUNREACH: 'Error 113 connecting to redis:6379. No route to host.',
  ENETUNREACH: 'Error 101 connecting to redis:6379. Network is unreachable.',
  ECONNRESET: 'Error 104 while writing to socket. Connection reset by peer.',
};

export interface TrainingwheelsOptions {
  /** How `redis` is resolved (default: the container's resolver). */
  readonly lookup?: HostLookup;
  /** The redis host name (REDIS_HOST; default "redis"). */
  readonly redisHost?: string;
}

/** python app.py on 5000. */
export const trainingwheelsProgram = (opts: TrainingwheelsOptions = {}) =>
  serviceProgram((ctx: ProgramContext) => {
    const lookup = opts.lookup ?? containerLookup;
    const host = opts.redisHost ?? ctx.env.get('REDIS_HOST') ?? 'redis';
    ctx.logError(' * Running on http://0.0.0.0:5000/ (Press CTRL+C to quit)');
    let pooled: RedisConnection | undefined;
    const fail = (req: HttpRequest, why: string): HttpResponse => {
      ctx.logError(`[${new Date(Math.floor(req.wallNs / 1e6)).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',')}] ERROR in app: Exception on / [GET]`);
      for (const l of [
        'Traceback (most recent call last):',
        '  File "/usr/local/lib/python2.7/site-packages/flask/app.py", line 1982, in wsgi_app',
        '    response = self.full_dispatch_request()',
        '  File "/src/app.py", line 12, in index',
        "    hits = redis.incr('hits')",
        '  File "/usr/local/lib/python2.7/site-packages/redis/connection.py", line 489, in connect',
        '    raise ConnectionError(self._error_message(e))',
        `ConnectionError: ${why}`,
      ])
        ctx.logError(l);
      return page(req, 500, WERKZEUG_500);
    };
    const page = (req: HttpRequest, status: number, body: string): HttpResponse => {
      ctx.logError(`${req.remoteAddress} - - [${werkzeugTime(req.wallNs)}] "${req.method} ${req.target} ${req.version}" ${status} -`);
      return {
        status,
        version: 'HTTP/1.0',
        headers: [['Content-Type', status === 200 ? 'text/html; charset=utf-8' : 'text/html'], ['Content-Length', String(body.length)], ['Server', WERKZEUG], ['Date', imfDate(req.wallNs)]],
        body,
        close: true,
      };
    };
    const incr = (conn: RedisConnection, req: HttpRequest, resolve: (r: HttpResponse) => void, fresh: boolean, retry: () => void): void => {
      conn.command(['INCR', 'hits'], (r) => {
        if (r instanceof Error) {
          if (pooled === conn) pooled = undefined;
          // redis-py retries once on a stale pooled connection; a fresh one failing is the error.
          if (!fresh) return retry();
          return resolve(fail(req, ERRNO[r.message] ?? `Error connecting to ${host}:6379. ${r.message}.`));
        }
        if (r.type !== 'integer') return resolve(fail(req, `ResponseError: ${r.type === 'error' ? r.value : 'bad reply'}`));
        resolve(page(req, 200, trainingwheelsPage(r.value, ctx.machine.hostname())));
      });
    };
    const withRedis = (req: HttpRequest, resolve: (r: HttpResponse) => void): void => {
      const fresh = (): void =>
        lookup(ctx.machine, host, (res) => {
          const addr = res.status === 'ok' ? res.addresses[0] : undefined;
          if (addr === undefined) {
            const why = res.status === 'servfail' || res.status === 'timeout' ? `Error -3 connecting to ${host}:6379. Temporary failure in name resolution.` : `Error -2 connecting to ${host}:6379. Name or service not known.`;
            resolve(fail(req, why));
            return;
          }
          let conn: RedisConnection;
          try {
            conn = new RedisConnection(ctx.machine.ns, addr);
          } catch {
            resolve(fail(req, ERRNO['ENETUNREACH']!));
            return;
          }
          pooled = conn;
          incr(conn, req, resolve, true, fresh);
        });
      if (pooled?.usable === true) incr(pooled, req, resolve, false, fresh);
      else fresh();
    };
    const server = serveHttp(ctx.machine.ns, { port: 5000, noKeepAlive: true, separateBodyWrite: true, backlog: 128, owner: ctx.process }, (req, reply) => {
      if (req.path !== '/') return page(req, 404, WERKZEUG_404);
      withRedis(req, reply);
      return undefined;
    });
    return [server, { close: () => pooled?.close() }];
  });
