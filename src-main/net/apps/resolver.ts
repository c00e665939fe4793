// The stub resolvers of the images' C libraries and the query engines of the DNS tools, over the UDP sockets of a
// namespace, so every lookup a program or a console command makes is real DNS on the wire:
//
// - /etc/hosts first (the text is passed in), then the nameservers of /etc/resolv.conf (`nameserver`, `search`,
//   `domain`, `options ndots:N timeout:N attempts:N`), search domains applied as both libcs do (names with at least
//   ndots dots are tried as they are first).
// - glibc (debian/ubuntu/centos, the nodes): one connected UDP socket per nameserver; the queries of one lookup
//   (A, or A and AAAA for AF_UNSPEC without AI_ADDRCONFIG) go out back to back on it, flags 0x0100, no EDNS; each
//   try waits `timeout` s for the first nameserver ((timeout << i) / count for the i-th), `attempts` rounds;
//   SERVFAIL/REFUSED/NOTIMP or a port unreachable moves on to the next nameserver at once.
// - musl (alpine/busybox): one unconnected socket; every query to every nameserver at once, resent every
//   timeout/attempts (2.5 s) until the total timeout (5 s); the first NOERROR or NXDOMAIN answer wins; a SERVFAIL
//   is resent at once (twice per query), then ignored.
// - `exchange`: the engine of the tools (busybox nslookup: connected socket, retry interval and total timeout; dig
//   and bind's nslookup/host: a new connected socket per try, DF clear, EDNS and a cookie for dig).
// Query ids come from the caller's seeded stream (the machine's). Results are structured; the tools print them.

import * as dns from '../../common/wire/dns.ts';
import { formatIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { RandomSource } from '../../sim/random.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import type { NetNamespace } from '../namespace.ts';
import type { UdpSocket } from '../sockets/udp.ts';

// ------------------------------------------------------------------------------------------ configuration files

export interface ResolvConf {
  /** In file order; glibc uses at most 3 (MAXNS). Empty file: 127.0.0.1 as both libcs default. */
  readonly nameservers: readonly Ipv4Address[];
  readonly search: readonly string[];
  readonly ndots: number;
  /** Seconds (RES_TIMEOUT, 5). */
  readonly timeout: number;
  /** RES_DFLRETRY, 2. */
  readonly attempts: number;
  readonly rotate: boolean;
  readonly singleRequest: boolean;
  readonly edns0: boolean;
}

const MAXNS = 3;

/** Reads /etc/resolv.conf text (undefined: no file). */
export function parseResolvConf(text: string | undefined): ResolvConf {
  const nameservers: Ipv4Address[] = [];
  let search: string[] = [];
  let ndots = 1;
  let timeout = 5;
  let attempts = 2;
  let rotate = false;
  let singleRequest = false;
  let edns0 = false;
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '') continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver') {
      const a = tryIpv4(rest[0] ?? '');
      if (a !== undefined && nameservers.length < MAXNS) nameservers.push(a);
    } else if (key === 'search') search = rest.filter((s) => s !== '');
    else if (key === 'domain') search = rest.slice(0, 1);
    else if (key === 'options') {
      for (const o of rest) {
        const [name, value] = o.split(':');
        const n = Number(value);
        if (name === 'ndots' && Number.isInteger(n)) ndots = Math.min(Math.max(n, 0), 15);
        else if (name === 'timeout' && Number.isInteger(n)) timeout = Math.min(Math.max(n, 1), 30);
        else if (name === 'attempts' && Number.isInteger(n)) attempts = Math.min(Math.max(n, 1), 5);
        else if (name === 'rotate') rotate = true;
        else if (name === 'single-request') singleRequest = true;
        else if (name === 'edns0') edns0 = true;
      }
    }
  }
  if (nameservers.length === 0) nameservers.push(parseIpv4('127.0.0.1'));
  return { nameservers, search: search.map((s) => s.replace(/\.$/, '')).filter((s) => s !== ''), ndots, timeout, attempts, rotate, singleRequest, edns0 };
}

export interface HostsEntry {
  readonly address: Ipv4Address;
  /** The canonical name first, then the aliases. */
  readonly names: readonly string[];
}

/** Reads /etc/hosts text (IPv4 lines only; the emulator has no IPv6). */
export function parseHosts(text: string | undefined): HostsEntry[] {
  const out: HostsEntry[] = [];
  for (const raw of (text ?? '').split('\n')) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/).filter((f) => f !== '');
    if (fields.length < 2) continue;
    const a = tryIpv4(fields[0]!);
    if (a !== undefined) out.push({ address: a, names: fields.slice(1) });
  }
  return out;
}

/** Every address of `name` in the hosts file (case-insensitive), with the canonical name of the first line. */
export function hostsLookup(entries: readonly HostsEntry[], name: string): { canonical: string; addresses: Ipv4Address[] } | undefined {
  const n = name.replace(/\.$/, '').toLowerCase();
  const addresses: Ipv4Address[] = [];
  let canonical: string | undefined;
  for (const e of entries) {
    if (!e.names.some((x) => x.toLowerCase() === n)) continue;
    canonical ??= e.names[0];
    if (!addresses.includes(e.address)) addresses.push(e.address);
  }
  return canonical === undefined ? undefined : { canonical, addresses };
}

/** The first name of the first line for `addr` (gethostbyaddr from files). */
export function hostsReverse(entries: readonly HostsEntry[], addr: Ipv4Address): string | undefined {
  return entries.find((e) => e.address === addr)?.names[0];
}

export function tryIpv4(text: string): Ipv4Address | undefined {
  try {
    return parseIpv4(text);
  } catch {
    return undefined;
  }
}

/** "2.0.18.172.in-addr.arpa" for 172.18.0.2. */
export function reverseName(addr: Ipv4Address): string {
  return formatIpv4(addr).split('.').reverse().join('.') + '.in-addr.arpa';
}

/** The names to try for `name`, in order (res_search): as is first when it has ndots dots or ends with a dot. */
export function searchList(name: string, conf: Pick<ResolvConf, 'search' | 'ndots'>): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const withSearch = conf.search.map((d) => `${name}.${d}`);
  return dots >= conf.ndots ? [name, ...withSearch] : [...withSearch, name];
}

// ------------------------------------------------------------------------------------------ query building

export interface QueryOptions {
  readonly id: number;
  /** Header flags (default RD, 0x0100; dig: RD|AD, 0x0120). */
  readonly flags?: number;
  /** An EDNS0 OPT record with this UDP payload size (dig: 1232). */
  readonly ednsSize?: number;
  /** The client cookie (8 bytes) in the OPT record. */
  readonly cookie?: Uint8Array;
}

export function buildQuery(name: string, type: number, o: QueryOptions): Uint8Array {
  const additionals: dns.DnsRecord[] =
    o.ednsSize === undefined ? [] : [{ name: '', type: dns.TYPE_OPT, class: o.ednsSize, ttl: 0, data: { kind: 'opt', options: o.cookie !== undefined ? [{ code: 10, data: o.cookie }] : [] } }];
  return dns.encode({ id: o.id, flags: o.flags ?? dns.FLAG_RD, questions: [{ name, type, class: dns.CLASS_IN }], answers: [], authorities: [], additionals });
}

export function parseReply(bytes: Uint8Array): dns.DnsMessage | undefined {
  try {
    return dns.parse(bytes);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------ the exchange engine

export interface ExchangeQuery {
  readonly bytes: Uint8Array;
  readonly id: number;
}

export interface ExchangeReply {
  /** Index of the query answered. */
  readonly index: number;
  readonly message: dns.DnsMessage;
  readonly bytes: Uint8Array;
  readonly server: Ipv4Address;
  readonly port: number;
  /** Virtual time the reply arrived. */
  readonly at: Time;
  /** From the (last) send of that query to the reply. */
  readonly rtt: Time;
}

export interface ExchangeOptions {
  readonly servers: readonly Ipv4Address[];
  readonly port?: number;
  /** connect() the socket to the server (glibc, busybox nslookup, dig) or sendto() each (musl). */
  readonly connected: boolean;
  /** The interval after which unanswered queries are sent again. */
  readonly retryInterval: Time;
  /** The whole exchange gives up after this. */
  readonly totalTimeout: Time;
  /** Resend at once on SERVFAIL this many times in all (musl, busybox: 2 per query), then ignore SERVFAILs. */
  readonly servfailRetries?: number;
  /** Sent with DF clear (IP_PMTUDISC_DONT: bind's tools). */
  readonly dfClear?: boolean;
  /** Which ICMP errors end the exchange on a connected socket: a port unreachable only (the tools keep waiting after
   * a host unreachable), or any unreachable (glibc moves on to the next server). Default 'port'. */
  readonly icmpFatal?: 'port' | 'any';
  /** Accept every rcode (dig, glibc, busybox nslookup: the caller judges); otherwise only NOERROR and NXDOMAIN (musl). */
  readonly acceptAll?: boolean;
}

export interface ExchangeRun {
  cancel(): void;
}

/**
 * Sends `queries` to `servers` (all of them, at once: musl's res_msend; pass one server for the per-server tools)
 * and calls `onReply` for each accepted reply, `onDone` when every query is answered, or the time is up, or the
 * socket failed (`error`: ECONNREFUSED after a port unreachable on a connected socket, ENETUNREACH).
 */
export function exchange(
  ns: NetNamespace,
  queries: readonly ExchangeQuery[],
  opts: ExchangeOptions,
  onReply: (r: ExchangeReply) => void,
  onDone: (answered: readonly boolean[], error?: string) => void,
): ExchangeRun {
  const sched = ns.env.scheduler;
  const port = opts.port ?? 53;
  const answered = queries.map(() => false);
  const lastSent = queries.map(() => sched.now);
  let servfailLeft = opts.servfailRetries ?? 0;
  let finished = false;
  const sock: UdpSocket = ns.udp.open();
  if (opts.dfClear === true) sock.pmtudisc = 'dont';
  let error: string | undefined;
  const server0 = opts.servers[0];
  if (server0 === undefined) throw new Error('exchange: no server');
  if (opts.connected) sock.connect(server0, port);
  else sock.bind();

  const finish = (err?: string): void => {
    if (finished) return;
    finished = true;
    retry.cancel();
    total.cancel();
    sock.close();
    onDone(answered, err);
  };
  const sendOne = (i: number): void => {
    lastSent[i] = sched.now;
    for (const s of opts.connected ? [server0] : opts.servers) {
      const r = opts.connected ? sock.send(queries[i]!.bytes) : sock.sendto(queries[i]!.bytes, s, port);
      if (!r.ok) error ??= r.error;
    }
  };
  const sendPending = (): void => {
    for (let i = 0; i < queries.length; i++) if (!answered[i]) sendOne(i);
  };
  sock.onMessage = (m) => {
    if (finished || m.fromPort !== port || !opts.servers.includes(m.from)) return;
    const msg = parseReply(m.data);
    if (msg === undefined || (msg.flags & dns.FLAG_QR) === 0) return;
    const i = queries.findIndex((q, k) => !answered[k] && q.id === msg.id);
    if (i < 0) return;
    const rcode = dns.rcodeOf(msg.flags);
    if (rcode === dns.RCODE_SERVFAIL && servfailLeft > 0) {
      servfailLeft--;
      sendOne(i);
      return;
    }
    if (!opts.acceptAll && rcode !== dns.RCODE_NOERROR && rcode !== dns.RCODE_NXDOMAIN) return;
    answered[i] = true;
    onReply({ index: i, message: msg, bytes: m.data, server: m.from, port: m.fromPort, at: sched.now, rtt: sched.now - lastSent[i]! });
    if (answered.every((a) => a)) finish();
  };
  sock.onError = (e) => {
    if (finished || !opts.connected) return;
    if (e.type !== 3) return;
    if (e.code === 3) finish('ECONNREFUSED');
    else if (opts.icmpFatal === 'any') finish(e.code === 0 ? 'ENETUNREACH' : 'EHOSTUNREACH');
  };
  let retry = sched.schedule(opts.retryInterval, function again() {
    sendPending();
    retry = sched.schedule(opts.retryInterval, again);
  });
  const total = sched.schedule(opts.totalTimeout, () => finish());
  sendPending();
  if (error !== undefined && queries.length > 0 && opts.connected) {
    const err = error;
    sched.schedule(0, () => finish(err));
  }
  return { cancel: () => finish('ECANCELED') };
}

// ------------------------------------------------------------------------------------------ getaddrinfo & co

export type Libc = 'glibc' | 'musl';

export type LookupStatus =
  /** Addresses found. */
  | 'ok'
  /** The name does not exist (NXDOMAIN everywhere): EAI_NONAME. */
  | 'nxdomain'
  /** The name exists without an address of the family: EAI_NODATA (glibc) / EAI_NONAME. */
  | 'nodata'
  /** Every server failed (SERVFAIL, refused, unreachable): EAI_AGAIN. */
  | 'servfail'
  /** No server answered in time: EAI_AGAIN. */
  | 'timeout';

export interface LookupResult {
  readonly status: LookupStatus;
  /** The name as asked. */
  readonly name: string;
  /** The canonical name (AI_CANONNAME): the name that answered, or the hosts file's first name. */
  readonly canonical: string;
  readonly addresses: readonly Ipv4Address[];
  readonly source: 'numeric' | 'hosts' | 'dns' | 'none';
  /** The nameserver that answered. */
  readonly server?: Ipv4Address;
}

export interface LookupOptions {
  readonly libc: Libc;
  /** /etc/hosts and /etc/resolv.conf as text (undefined: the file is missing). */
  readonly hosts?: string | undefined;
  readonly resolvConf?: string | undefined;
  /** Query AAAA too (AF_UNSPEC without AI_ADDRCONFIG: curl, busybox). Default: A only (AI_ADDRCONFIG with no IPv6, as
   * in Docker's containers: facts 3.5). */
  readonly aaaa?: boolean;
  /** Order of the two queries when sent one after the other instead of together (gethostbyname2 AF_INET6 then
   * AF_INET: `getent hosts`). */
  readonly sequentialAaaaFirst?: boolean;
  /** Query ids (the machine's seeded stream). */
  readonly random: RandomSource;
  /** Skip /etc/hosts (dig and nslookup never read it). */
  readonly noHosts?: boolean;
}

export interface Lookup {
  cancel(): void;
}

/** getaddrinfo(name) as `libc` does it; `onDone` gets the result (in a scheduler event, never synchronously). */
export function lookupHost(ns: NetNamespace, name: string, opts: LookupOptions, onDone: (r: LookupResult) => void): Lookup {
  const sched = ns.env.scheduler;
  let cancelled = false;
  let current: ExchangeRun | undefined;
  const done = (r: LookupResult): void => {
    if (!cancelled) onDone(r);
  };
  const numeric = tryIpv4(name);
  if (numeric !== undefined) {
    sched.schedule(0, () => done({ status: 'ok', name, canonical: name, addresses: [numeric], source: 'numeric' }));
    return { cancel: () => void (cancelled = true) };
  }
  if (opts.noHosts !== true) {
    const h = hostsLookup(parseHosts(opts.hosts), name);
    if (h !== undefined) {
      sched.schedule(0, () => done({ status: 'ok', name, canonical: h.canonical, addresses: h.addresses, source: 'hosts' }));
      return { cancel: () => void (cancelled = true) };
    }
  }
  const conf = parseResolvConf(opts.resolvConf);
  const candidates = searchList(name, conf);
  const types = opts.aaaa === true ? (opts.sequentialAaaaFirst === true ? [dns.TYPE_AAAA, dns.TYPE_A] : [dns.TYPE_A, dns.TYPE_AAAA]) : [dns.TYPE_A];
  let worst: LookupStatus = 'nxdomain';
  const rank: Record<LookupStatus, number> = { ok: 4, timeout: 3, servfail: 2, nodata: 1, nxdomain: 0 };
  const next = (k: number): void => {
    if (cancelled) return;
    const qname = candidates[k];
    if (qname === undefined) {
      done({ status: worst, name, canonical: name, addresses: [], source: 'none' });
      return;
    }
    const run = opts.libc === 'glibc' ? (opts.sequentialAaaaFirst === true ? glibcSequential : glibcQuery) : muslQuery;
    current = run(ns, qname, types, conf, opts.random, (r) => {
      if (r.status === 'ok') {
        done({ ...r, name, canonical: qname });
        return;
      }
      // res_search: an answer other than NXDOMAIN/NODATA (a failure) stops the search in musl; glibc goes on.
      if (rank[r.status] > rank[worst]) worst = r.status;
      if (opts.libc === 'musl' && (r.status === 'timeout' || r.status === 'servfail')) {
        done({ status: r.status, name, canonical: name, addresses: [], source: 'none' });
        return;
      }
      next(k + 1);
    });
  };
  next(0);
  return {
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}

export function lookupHostAsync(ns: NetNamespace, name: string, opts: LookupOptions): Promise<LookupResult> {
  return new Promise((resolve) => lookupHost(ns, name, opts, resolve));
}

type OneName = (ns: NetNamespace, qname: string, types: readonly number[], conf: ResolvConf, random: RandomSource, cb: (r: Omit<LookupResult, 'name' | 'canonical'>) => void) => ExchangeRun;

function addressesOf(msgs: readonly (dns.DnsMessage | undefined)[]): Ipv4Address[] {
  const out: Ipv4Address[] = [];
  for (const m of msgs) for (const a of m?.answers ?? []) if (a.data.kind === 'a') out.push(a.data.address);
  return out;
}

function statusOf(msgs: readonly (dns.DnsMessage | undefined)[]): LookupStatus {
  if (addressesOf(msgs).length > 0) return 'ok';
  const codes = msgs.filter((m): m is dns.DnsMessage => m !== undefined).map((m) => dns.rcodeOf(m.flags));
  if (codes.length === 0) return 'timeout';
  if (codes.some((c) => c === dns.RCODE_NOERROR)) return 'nodata';
  if (codes.every((c) => c === dns.RCODE_NXDOMAIN)) return 'nxdomain';
  return 'servfail';
}

/** glibc __res_context_send: per try, per nameserver, both queries on that server's connected socket. */
const glibcQuery: OneName = (ns, qname, types, conf, random, cb) => {
  const sched = ns.env.scheduler;
  const queries = types.map((t) => {
    const id = random.nextU32() & 0xffff;
    return { id, bytes: buildQuery(qname, t, { id }) };
  });
  let current: ExchangeRun | undefined;
  let cancelled = false;
  let anyFailure = false;
  const step = (attempt: number, nsIndex: number): void => {
    if (cancelled) return;
    if (nsIndex >= conf.nameservers.length) {
      if (attempt + 1 >= conf.attempts) {
        cb({ status: anyFailure ? 'servfail' : 'timeout', addresses: [], source: 'none' });
        return;
      }
      step(attempt + 1, 0);
      return;
    }
    const server = conf.nameservers[nsIndex]!;
    let seconds = conf.timeout << nsIndex;
    if (nsIndex > 0) seconds = Math.floor(seconds / conf.nameservers.length);
    if (seconds <= 0) seconds = 1;
    const replies: (dns.DnsMessage | undefined)[] = queries.map(() => undefined);
    current = exchange(
      ns,
      queries,
      { servers: [server], connected: true, retryInterval: seconds * SECOND + 1, totalTimeout: seconds * SECOND, acceptAll: true, icmpFatal: 'any' },
      (r) => {
        replies[r.index] = r.message;
        const rc = dns.rcodeOf(r.message.flags);
        if (rc === dns.RCODE_SERVFAIL || rc === dns.RCODE_REFUSED || rc === dns.RCODE_NOTIMP) {
          // next_ns: unless the other query already has a usable answer, this server failed.
          if (!replies.some((m, k) => k !== r.index && m !== undefined && [dns.RCODE_NOERROR, dns.RCODE_NXDOMAIN].includes(dns.rcodeOf(m.flags)))) {
            anyFailure = true;
            current?.cancel();
          }
        }
      },
      (answered, err) => {
        if (cancelled) return;
        const usable = replies.filter((m) => m !== undefined && [dns.RCODE_NOERROR, dns.RCODE_NXDOMAIN].includes(dns.rcodeOf(m.flags)));
        if (usable.length > 0 && (answered.every((a) => a) || err === 'ECANCELED')) {
          cb({ status: statusOf(usable), addresses: addressesOf(usable), source: 'dns', server });
          return;
        }
        if (err !== undefined && err !== 'ECANCELED') anyFailure = true;
        sched.schedule(0, () => step(attempt, nsIndex + 1));
      },
    );
  };
  step(0, 0);
  return {
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
};

/** gethostbyname2(AF_INET6) then gethostbyname2(AF_INET), each a glibc exchange of its own (`getent hosts`). */
const glibcSequential: OneName = (ns, qname, types, conf, random, cb) => {
  let current: ExchangeRun | undefined;
  let k = 0;
  const results: LookupStatus[] = [];
  const go = (): void => {
    const t = types[k];
    if (t === undefined) {
      cb({ status: results.includes('nodata') ? 'nodata' : (results[results.length - 1] ?? 'nxdomain'), addresses: [], source: 'none' });
      return;
    }
    current = glibcQuery(ns, qname, [t], conf, random, (r) => {
      if (r.status === 'ok' && t === dns.TYPE_A) {
        cb(r);
        return;
      }
      results.push(r.status === 'ok' ? 'nodata' : r.status);
      k++;
      go();
    });
  };
  go();
  return { cancel: () => current?.cancel() };
};

/** musl name_from_dns: all queries, all nameservers, one socket; retry every timeout/attempts, give up at timeout. */
const muslQuery: OneName = (ns, qname, types, conf, random, cb) => {
  const queries: ExchangeQuery[] = [];
  for (const t of types) {
    let id = random.nextU32() & 0xffff;
    if (queries.some((q) => q.id === id)) id = (id + 1) & 0xffff; // "make sure each query has a unique id"
    queries.push({ id, bytes: buildQuery(qname, t, { id }) });
  }
  const replies: (dns.DnsMessage | undefined)[] = queries.map(() => undefined);
  let server: Ipv4Address | undefined;
  return exchange(
    ns,
    queries,
    {
      servers: conf.nameservers,
      connected: false,
      retryInterval: Math.floor((conf.timeout * 1000) / conf.attempts) * MILLISECOND,
      totalTimeout: conf.timeout * SECOND,
      servfailRetries: 2 * queries.length,
    },
    (r) => {
      replies[r.index] = r.message;
      server ??= r.server;
    },
    () => {
      const got = replies.filter((m): m is dns.DnsMessage => m !== undefined);
      // musl: any query unanswered means EAI_AGAIN, even when the other one answered.
      if (got.length < replies.length) cb({ status: 'timeout', addresses: [], source: 'none' });
      else cb({ status: statusOf(got), addresses: addressesOf(got), source: 'dns', ...(server !== undefined ? { server } : {}) });
    },
  );
};

// ------------------------------------------------------------------------------------------ reverse lookups

export interface ReverseResult {
  readonly status: LookupStatus;
  /** The name (without the trailing dot), when found. */
  readonly name?: string;
  readonly source: 'hosts' | 'dns' | 'none';
}

/** getnameinfo(addr, NI_NAMEREQD-less): /etc/hosts, then a PTR query as `libc` sends it. */
export function lookupAddr(ns: NetNamespace, addr: Ipv4Address, opts: LookupOptions, onDone: (r: ReverseResult) => void): Lookup {
  const sched = ns.env.scheduler;
  let cancelled = false;
  if (opts.noHosts !== true) {
    const h = hostsReverse(parseHosts(opts.hosts), addr);
    if (h !== undefined) {
      sched.schedule(0, () => {
        if (!cancelled) onDone({ status: 'ok', name: h, source: 'hosts' });
      });
      return { cancel: () => void (cancelled = true) };
    }
  }
  const conf = parseResolvConf(opts.resolvConf);
  const qname = reverseName(addr);
  const id = opts.random.nextU32() & 0xffff;
  const q = [{ id, bytes: buildQuery(qname, dns.TYPE_PTR, { id }) }];
  let reply: dns.DnsMessage | undefined;
  const run = exchange(
    ns,
    q,
    opts.libc === 'glibc'
      ? { servers: conf.nameservers.slice(0, 1), connected: true, retryInterval: conf.timeout * SECOND, totalTimeout: conf.timeout * conf.attempts * SECOND, acceptAll: true }
      : { servers: conf.nameservers, connected: false, retryInterval: Math.floor((conf.timeout * 1000) / conf.attempts) * MILLISECOND, totalTimeout: conf.timeout * SECOND, servfailRetries: 2 },
    (r) => (reply = r.message),
    () => {
      if (cancelled) return;
      if (reply === undefined) return onDone({ status: 'timeout', source: 'none' });
      const ptr = reply.answers.find((a) => a.type === dns.TYPE_PTR && a.data.kind === 'name');
      if (ptr !== undefined && ptr.data.kind === 'name') return onDone({ status: 'ok', name: ptr.data.name, source: 'dns' });
      const rc = dns.rcodeOf(reply.flags);
      onDone({ status: rc === dns.RCODE_NXDOMAIN ? 'nxdomain' : rc === dns.RCODE_NOERROR ? 'nodata' : 'servfail', source: 'none' });
    },
  );
  return {
    cancel: () => {
      cancelled = true;
      run.cancel();
    },
  };
}

export function lookupAddrAsync(ns: NetNamespace, addr: Ipv4Address, opts: LookupOptions): Promise<ReverseResult> {
  return new Promise((resolve) => lookupAddr(ns, addr, opts, resolve));
}

// ------------------------------------------------------------------------------------------ one query (the tools)

export interface SingleQueryOptions {
  readonly server: Ipv4Address;
  readonly port?: number;
  readonly query: Uint8Array;
  readonly id: number;
  /** Per-try timeout (dig: 5 s). */
  readonly timeout: Time;
  /** Tries (dig: 3; bind nslookup: 2). */
  readonly tries: number;
  /** DF clear (bind's tools). */
  readonly dfClear?: boolean;
}

export type SingleQueryOutcome =
  | { readonly kind: 'reply'; readonly reply: ExchangeReply; readonly sentAt: Time; readonly failedTries: number }
  | { readonly kind: 'timeout'; readonly failedTries: number }
  | { readonly kind: 'refused'; readonly failedTries: number };

/** dig/host/bind nslookup: a new connected socket per try; the outcome after the first reply or the last try. */
export function singleQuery(ns: NetNamespace, o: SingleQueryOptions, onTryTimeout: (tryNo: number) => void, onDone: (r: SingleQueryOutcome) => void): Lookup {
  let cancelled = false;
  let current: ExchangeRun | undefined;
  const sched = ns.env.scheduler;
  const go = (t: number): void => {
    if (cancelled) return;
    if (t >= o.tries) {
      onDone({ kind: 'timeout', failedTries: t });
      return;
    }
    const sentAt = sched.now;
    let got: ExchangeReply | undefined;
    current = exchange(
      ns,
      [{ id: o.id, bytes: o.query }],
      { servers: [o.server], ...(o.port !== undefined ? { port: o.port } : {}), connected: true, retryInterval: o.timeout + 1, totalTimeout: o.timeout, acceptAll: true, dfClear: o.dfClear ?? false },
      (r) => (got = r),
      (_a, err) => {
        if (cancelled) return;
        if (got !== undefined) onDone({ kind: 'reply', reply: got, sentAt, failedTries: t });
        else if (err === 'ECONNREFUSED') onDone({ kind: 'refused', failedTries: t });
        else {
          onTryTimeout(t + 1);
          go(t + 1);
        }
      },
    );
  };
  go(0);
  return {
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}
