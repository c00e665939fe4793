// redis-server (7.4, the official image) on 6379: RESP2 over TCP, strings and lists in 16 databases, expiry in
// virtual time, the replies and error texts of Redis itself; plus a small client connection (redis-py's) that
// programs like trainingwheels use.

import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';
import type { TcpError } from '../../net/tcp/types.ts';
import { MICROSECOND, MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { redisLogTime, serviceProgram, wallNs } from './program.ts';
import { array, bulk, encodeCommand, encodeResp, error, integer, NIL, OK, parseRequest, parseResp, simple, type RespValue } from './resp.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export const REDIS_VERSION = '7.4.2';

type Entry = { kind: 'string'; value: Uint8Array; expiresAt?: Time } | { kind: 'list'; value: Uint8Array[]; expiresAt?: Time };

const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
const NOT_INT = error('ERR value is not an integer or out of range');
const SYNTAX = error('ERR syntax error');

/** Command arities as Redis declares them (negative: at least). */
const ARITY: Readonly<Record<string, number>> = {
  ping: -1, echo: 2, get: 2, set: -3, setnx: 3, getset: 3, incr: 2, decr: 2, incrby: 3, decrby: 3, del: -2, unlink: -2, exists: -2,
  expire: -3, pexpire: -3, persist: 2, ttl: 2, pttl: 2, keys: 2, dbsize: 1, flushall: -1, flushdb: -1, append: 3, strlen: 2, mget: -2,
  mset: -3, quit: -1, select: 2, command: -1, client: -2, info: -1, type: 2, lpush: -3, rpush: -3, lpop: -2, rpop: -2, lrange: 4, llen: 2,
};

function isInt(s: string): boolean {
  return /^-?\d{1,19}$/.test(s) && Number.isSafeInteger(Number(s));
}

function globToRegExp(glob: string): RegExp {
  let r = '';
  for (const c of glob) r += c === '*' ? '.*' : c === '?' ? '.' : /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
  return new RegExp(`^${r}$`);
}

/** Redis's keyspace and command semantics, independent of sockets (tests drive it directly). */
export class RedisStore {
  private readonly dbs: Map<string, Entry>[] = Array.from({ length: 16 }, () => new Map());

  constructor(private readonly now: () => Time) {}

  private live(db: number, key: string): Entry | undefined {
    const m = this.dbs[db]!;
    const e = m.get(key);
    if (e?.expiresAt !== undefined && e.expiresAt <= this.now()) {
      m.delete(key);
      return undefined;
    }
    return e;
  }

  /** Runs one command; `session.db` is the connection's selected database. */
  exec(argv: readonly Uint8Array[], session: { db: number }): RespValue {
    if (argv.length === 0) return simple('');
    const name = dec.decode(argv[0]).toLowerCase();
    const args = argv.slice(1).map((a) => dec.decode(a));
    const arity = ARITY[name];
    if (arity === undefined) {
      const shown = args.slice(0, 32).map((a) => `'${a.slice(0, 128)}' `).join('');
      return error(`ERR unknown command '${dec.decode(argv[0]).slice(0, 128)}', with args beginning with: ${shown}`);
    }
    if ((arity > 0 && argv.length !== arity) || (arity < 0 && argv.length < -arity)) return error(`ERR wrong number of arguments for '${name}' command`);
    const m = this.dbs[session.db]!;
    const db = session.db;
    const str = (key: string): Uint8Array | null | 'wrongtype' => {
      const e = this.live(db, key);
      if (e === undefined) return null;
      return e.kind === 'string' ? e.value : 'wrongtype';
    };
    const incrBy = (key: string, by: number): RespValue => {
      const cur = str(key);
      if (cur === 'wrongtype') return WRONGTYPE;
      const text = cur === null ? '0' : dec.decode(cur);
      if (!isInt(text)) return NOT_INT;
      const n = BigInt(text) + BigInt(by);
      if (n > 9223372036854775807n || n < -9223372036854775808n) return error('ERR increment or decrement would overflow');
      const old = this.live(db, key);
      m.set(key, { kind: 'string', value: enc.encode(n.toString()), ...(old?.expiresAt !== undefined ? { expiresAt: old.expiresAt } : {}) });
      return integer(Number(n));
    };
    switch (name) {
      case 'ping':
        if (args.length > 1) return error("ERR wrong number of arguments for 'ping' command");
        return args.length === 1 ? bulk(argv[1]!) : simple('PONG');
      case 'echo':
        return bulk(argv[1]!);
      case 'quit':
        return OK;
      case 'select': {
        if (!isInt(args[0]!)) return NOT_INT;
        const n = Number(args[0]);
        if (n < 0 || n >= 16) return error('ERR DB index is out of range');
        session.db = n;
        return OK;
      }
      case 'get': {
        const v = str(args[0]!);
        return v === 'wrongtype' ? WRONGTYPE : bulk(v);
      }
      case 'getset': {
        const v = str(args[0]!);
        if (v === 'wrongtype') return WRONGTYPE;
        m.set(args[0]!, { kind: 'string', value: argv[2]! });
        return bulk(v);
      }
      case 'set': {
        let nx = false;
        let xx = false;
        let get = false;
        let keepTtl = false;
        let expiresAt: Time | undefined;
        for (let i = 2; i < args.length; i++) {
          const o = args[i]!.toUpperCase();
          if (o === 'NX' && !xx) nx = true;
          else if (o === 'XX' && !nx) xx = true;
          else if (o === 'GET') get = true;
          else if (o === 'KEEPTTL' && expiresAt === undefined) keepTtl = true;
          else if ((o === 'EX' || o === 'PX') && expiresAt === undefined && !keepTtl && i + 1 < args.length) {
            const v = args[++i]!;
            if (!isInt(v)) return NOT_INT;
            const n = Number(v);
            if (n <= 0) return error("ERR invalid expire time in 'set' command");
            expiresAt = this.now() + n * (o === 'EX' ? SECOND : MILLISECOND);
          } else return SYNTAX;
        }
        const old = this.live(db, args[0]!);
        if (get && old !== undefined && old.kind !== 'string') return WRONGTYPE;
        const prev = get ? bulk(old?.kind === 'string' ? old.value : null) : undefined;
        if ((nx && old !== undefined) || (xx && old === undefined)) return prev ?? NIL;
        const keep = keepTtl && old?.expiresAt !== undefined ? { expiresAt: old.expiresAt } : {};
        m.set(args[0]!, { kind: 'string', value: argv[2]!, ...keep, ...(expiresAt !== undefined ? { expiresAt } : {}) });
        return prev ?? OK;
      }
      case 'setnx': {
        if (this.live(db, args[0]!) !== undefined) return integer(0);
        m.set(args[0]!, { kind: 'string', value: argv[2]! });
        return integer(1);
      }
      case 'incr':
        return incrBy(args[0]!, 1);
      case 'decr':
        return incrBy(args[0]!, -1);
      case 'incrby':
      case 'decrby':
        if (!isInt(args[1]!)) return NOT_INT;
        return incrBy(args[0]!, name === 'incrby' ? Number(args[1]) : -Number(args[1]));
      case 'append': {
        const v = str(args[0]!);
        if (v === 'wrongtype') return WRONGTYPE;
        const n = new Uint8Array((v?.length ?? 0) + argv[2]!.length);
        if (v !== null) n.set(v);
        n.set(argv[2]!, v?.length ?? 0);
        const old = this.live(db, args[0]!);
        m.set(args[0]!, { kind: 'string', value: n, ...(old?.expiresAt !== undefined ? { expiresAt: old.expiresAt } : {}) });
        return integer(n.length);
      }
      case 'strlen': {
        const v = str(args[0]!);
        return v === 'wrongtype' ? WRONGTYPE : integer(v?.length ?? 0);
      }
      case 'mget':
        return array(args.map((k) => {
          const v = str(k);
          return bulk(v === 'wrongtype' ? null : v);
        }));
      case 'mset':
        if (args.length % 2 !== 0) return error("ERR wrong number of arguments for 'mset' command");
        for (let i = 0; i < args.length; i += 2) m.set(args[i]!, { kind: 'string', value: argv[i + 2]! });
        return OK;
      case 'del':
      case 'unlink': {
        let n = 0;
        for (const k of args) if (this.live(db, k) !== undefined && m.delete(k)) n++;
        return integer(n);
      }
      case 'exists':
        return integer(args.filter((k) => this.live(db, k) !== undefined).length);
      case 'type': {
        const e = this.live(db, args[0]!);
        return simple(e === undefined ? 'none' : e.kind);
      }
      case 'expire':
      case 'pexpire': {
        if (!isInt(args[1]!)) return NOT_INT;
        const e = this.live(db, args[0]!);
        if (e === undefined) return integer(0);
        const n = Number(args[1]);
        const at = this.now() + n * (name === 'expire' ? SECOND : MILLISECOND);
        if (n <= 0) m.delete(args[0]!);
        else e.expiresAt = at;
        return integer(1);
      }
      case 'persist': {
        const e = this.live(db, args[0]!);
        if (e?.expiresAt === undefined) return integer(0);
        delete e.expiresAt;
        return integer(1);
      }
      case 'ttl':
      case 'pttl': {
        const e = this.live(db, args[0]!);
        if (e === undefined) return integer(-2);
        if (e.expiresAt === undefined) return integer(-1);
        const left = e.expiresAt - this.now();
        return integer(name === 'ttl' ? Math.round(left / SECOND) : Math.round(left / MILLISECOND));
      }
      case 'keys': {
        const re = globToRegExp(args[0]!);
        return array([...m.keys()].filter((k) => this.live(db, k) !== undefined && re.test(k)).sort().map((k) => bulk(k)));
      }
      case 'dbsize':
        return integer([...m.keys()].filter((k) => this.live(db, k) !== undefined).length);
      case 'flushall':
        for (const d of this.dbs) d.clear();
        return OK;
      case 'flushdb':
        m.clear();
        return OK;
      case 'lpush':
      case 'rpush': {
        const e = this.live(db, args[0]!);
        if (e !== undefined && e.kind !== 'list') return WRONGTYPE;
        const list = e?.kind === 'list' ? e.value : [];
        for (const v of argv.slice(2)) if (name === 'lpush') list.unshift(v);
        else list.push(v);
        if (e === undefined) m.set(args[0]!, { kind: 'list', value: list });
        return integer(list.length);
      }
      case 'lpop':
      case 'rpop': {
        const e = this.live(db, args[0]!);
        if (e === undefined) return NIL;
        if (e.kind !== 'list') return WRONGTYPE;
        const v = name === 'lpop' ? e.value.shift() : e.value.pop();
        if (e.value.length === 0) m.delete(args[0]!);
        return bulk(v ?? null);
      }
      case 'llen': {
        const e = this.live(db, args[0]!);
        if (e !== undefined && e.kind !== 'list') return WRONGTYPE;
        return integer(e?.kind === 'list' ? e.value.length : 0);
      }
      case 'lrange': {
        const e = this.live(db, args[0]!);
        if (e !== undefined && e.kind !== 'list') return WRONGTYPE;
        if (!isInt(args[1]!) || !isInt(args[2]!)) return NOT_INT;
        const list = e?.kind === 'list' ? e.value : [];
        let a = Number(args[1]);
        let b = Number(args[2]);
        if (a < 0) a = Math.max(0, list.length + a);
        if (b < 0) b = list.length + b;
        return array(list.slice(a, b + 1).map((v) => bulk(v)));
      }
      case 'command':
        return array([]);
      case 'client':
        return OK;
      case 'info':
        return bulk(`# Server\r\nredis_version:${REDIS_VERSION}\r\nredis_mode:standalone\r\nos:Linux\r\narch_bits:64\r\ntcp_port:6379\r\n`);
      default:
        return error(`ERR unknown command '${name}'`);
    }
  }
}

/** redis-server on 6379 (port and bind from --port / --bind in argv). */
export const redisProgram = () =>
  serviceProgram((ctx) => {
    const t = redisLogTime(wallNs(ctx));
    const portArg = ctx.args.indexOf('--port');
    const port = portArg >= 0 ? Number(ctx.args[portArg + 1]) : 6379;
    for (const l of [
      `1:C ${t} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`,
      `1:C ${t} * Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=1, just started`,
      `1:C ${t} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf`,
      `1:M ${t} * monotonic clock: POSIX clock_gettime`,
      `1:M ${t} * Running mode=standalone, port=${port}.`,
      `1:M ${t} * Server initialized`,
      `1:M ${t} * Ready to accept connections tcp`,
    ])
      ctx.log(l);
    const store = new RedisStore(() => ctx.clock.now());
    const sched = ctx.machine.ns.env.scheduler;
    const conns = new Set<TcpSocket>();
    // docker-entrypoint.sh execs redis-server, which titles itself with its address.
    ctx.process.exec('redis-server', `redis-server *:${port}`);
    const listener = ctx.machine.ns.tcp.listen(port, { backlog: 511, owner: ctx.process });
    listener.onConnection = (s) => {
      conns.add(s);
      const session = { db: 0 };
      let buf = new Uint8Array(0);
      let closing = false;
      s.onData = (d) => {
        if (closing) return;
        const n = new Uint8Array(buf.length + d.length);
        n.set(buf);
        n.set(d, buf.length);
        buf = n;
        const out: Uint8Array[] = [];
        let pos = 0;
        for (;;) {
          const r = parseRequest(buf, pos);
          if (r === undefined) break;
          if ('error' in r) {
            out.push(encodeResp(error(`ERR ${r.error}`)));
            closing = true;
            break;
          }
          pos = r.end;
          if (r.argv.length === 0) continue;
          out.push(encodeResp(store.exec(r.argv, session)));
          if (dec.decode(r.argv[0]).toLowerCase() === 'quit') {
            closing = true;
            break;
          }
        }
        buf = buf.slice(pos);
        if (out.length === 0) return;
        const total = out.reduce((a, b) => a + b.length, 0);
        const reply = new Uint8Array(total);
        let o = 0;
        for (const p of out) {
          reply.set(p, o);
          o += p.length;
        }
        // One write per read, as redis's event loop does; a short think time.
        sched.schedule(30 * MICROSECOND, () => {
          s.write(reply);
          if (closing) s.close();
        });
      };
      s.onEnd = () => s.close();
      s.onClose = () => conns.delete(s);
    };
    return [listener, { close: () => [...conns].forEach((s) => s.close()) }];
  });

/** A client connection (redis-py's Connection): commands in order, one reply each; the socket stays open. */
export class RedisConnection {
  private readonly sock: TcpSocket;
  private buf = new Uint8Array(0);
  private readonly waiting: ((r: RespValue | Error) => void)[] = [];
  private failed: Error | undefined;
  private connected = false;
  private readonly queue: Uint8Array[] = [];

  constructor(ns: NetNamespace, host: Ipv4Address, port = 6379) {
    this.sock = ns.tcp.connect(host, port);
    this.sock.onConnect = () => {
      this.connected = true;
      for (const q of this.queue.splice(0)) this.sock.write(q);
    };
    this.sock.onData = (d) => {
      const n = new Uint8Array(this.buf.length + d.length);
      n.set(this.buf);
      n.set(d, this.buf.length);
      this.buf = n;
      for (;;) {
        let r: ReturnType<typeof parseResp>;
        try {
          r = parseResp(this.buf);
        } catch (e) {
          this.fail(e as Error);
          return;
        }
        if (r === undefined) return;
        this.buf = this.buf.slice(r.end);
        this.waiting.shift()?.(r.value);
      }
    };
    this.sock.onError = (e: TcpError) => this.fail(new Error(e.code));
    this.sock.onEnd = () => this.fail(new Error('Connection closed by server.'));
  }

  get usable(): boolean {
    return this.failed === undefined;
  }

  private fail(e: Error): void {
    if (this.failed !== undefined) return;
    this.failed = e;
    for (const w of this.waiting.splice(0)) w(e);
    this.sock.close();
  }

  /** Sends a command; the callback gets the reply or the connection's error. */
  command(argv: readonly string[], cb: (r: RespValue | Error) => void): void {
    if (this.failed !== undefined) {
      cb(this.failed);
      return;
    }
    this.waiting.push(cb);
    const bytes = encodeCommand(argv);
    if (this.connected) this.sock.write(bytes);
    else this.queue.push(bytes);
  }

  close(): void {
    this.failed ??= new Error('closed');
    this.sock.close();
  }
}
