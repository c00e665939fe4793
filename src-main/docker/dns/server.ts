// Docker's embedded DNS server (libnetwork resolver.go, Engine 28), one per container on a user-defined network.
//
// It listens inside the container's namespace on 127.0.0.11, UDP and TCP, each on a random port (SetupFunc(0):
// UDP takes any free ephemeral port, TCP an odd one as Linux's bind(0) prefers); the container's nat table sends
// 127.0.0.11:53 there (`natRules`, as setupIPTable writes them), so a capture on the container's `lo` shows the
// query to the random port and the reply from port 53 (facts 3.5, 03b).
//
// Per query (serveDNS):
//   A / AAAA  the sandbox's records (records.ts resolveName: `name`, `name.network`, aliases, short IDs, first network
//             wins); every address in one answer, shuffled (Fisher–Yates) per query from the server's seeded stream;
//             a name known without an address of the family gets NOERROR with no answer (never forwarded).
//   PTR       `<first name>.<network>.` for a container address (in-addr.arpa / ip6.arpa); unknown ones are forwarded.
//   SRV       swarm service ports (the answers typed PTR in their header, a known quirk), A records in Additional.
//   MX        an empty NOERROR for a name that resolves locally ("implicit MX").
//   other     forwarded.
// Local answers: QR, RD copied, RA set, never AA (0x8180), TTL 600, no OPT record even for an EDNS query, packed
// uncompressed unless over the limit (512 bytes, the query's EDNS size if larger, 65535 on TCP), then compressed
// and cut with TC set (Msg.Truncate). Forwarding: the external servers in order (at most 3), each over the query's
// protocol from the container's namespace (HostLoopback servers from the node's), 4 s each; SERVFAIL and REFUSED go
// on to the next server, any other reply (NXDOMAIN too) is passed on as it came (re-packed compressed); nothing at
// all gives SERVFAIL without RA (0x8182 for an RD query); more than 1024 forwards in flight gives REFUSED. With the
// forwarding policy off (only --internal networks) HostLoopback servers are skipped. A query with QDCOUNT != 1 gets
// FORMERR, an unknown opcode NOTIMP, a response is ignored (dns.Server's accept function).

import { parse, RCODE_REFUSED, RCODE_SERVFAIL, TYPE_A, TYPE_AAAA, TYPE_MX, TYPE_PTR, TYPE_SRV, CLASS_IN, rcodeOf, nameToLabels, type DnsMessage, type DnsRecord } from '../../common/wire/dns.ts';
import { readU16 } from '../../common/wire/bytes.ts';
import { formatIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { ipv6ToBytes } from '../../common/wire/ipv6-address.ts';
import type { RandomSource } from '../../sim/random.ts';
import { shuffle } from '../../sim/random.ts';
import { MICROSECOND, SECOND, type Time } from '../../sim/time.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { UdpSocket } from '../../net/sockets/udp.ts';
import type { TcpListener } from '../../net/tcp/stack.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';
import { acceptAction, createRespMsg, encodeUncompressed, ednsOf, MAX_MSG_SIZE, MIN_MSG_SIZE, pack, rejectReply, setRcode, truncate } from './message.ts';
import type { ResolverBackend } from './records.ts';
import { RESOLVER_IP, type ExtDnsServer } from './upstreams.ts';

/** respTTL. */
export const RESP_TTL = 600;
/** extIOTimeout. */
export const EXT_IO_TIMEOUT: Time = 4 * SECOND;
/** maxConcurrent forwards. */
export const MAX_CONCURRENT = 1024;
/** dns.Server: time allowed for the first query on a TCP connection, and between later ones. */
export const TCP_READ_TIMEOUT: Time = 2 * SECOND;
export const TCP_IDLE_TIMEOUT: Time = 8 * SECOND;

const PTR_V4 = '.in-addr.arpa';
const PTR_V6 = '.ip6.arpa';

export interface EmbeddedDnsOptions {
  /** Names and addresses (the daemon's records, or records.ts sandboxBackend). */
  readonly backend: ResolverBackend;
  /** The external servers, read per query (the host file or --dns; see upstreams.ts extServers). A server with `ns`
   * is contacted from that namespace; otherwise from the node's (hostNs) when hostLoopback, else the container's. */
  readonly extServers?: () => readonly (ExtDnsServer & { readonly ns?: NetNamespace })[];
  /** The forwarding policy (SetForwardingPolicy): false while the container has no external access. Default true. */
  readonly proxyDns?: () => boolean;
  /** The node's namespace, where HostLoopback servers are contacted from. */
  readonly hostNs?: NetNamespace;
  /** The stream that shuffles answers (seeded per container). */
  readonly random: RandomSource;
  /** Listen address (127.0.0.11). */
  readonly address?: string;
  /** Fixed ports instead of random ones (tests). */
  readonly udpPort?: number;
  readonly tcpPort?: number;
  /** Time from a query to a locally answered reply (default 120 µs). */
  readonly thinkTime?: Time;
  /** The daemon's debug log ("[resolver] ..."). */
  readonly log?: (line: string) => void;
}

type Proto = 'udp' | 'tcp';

/** One container's embedded DNS server. */
export class EmbeddedDnsServer {
  readonly address: Ipv4Address;
  readonly udpPort: number;
  readonly tcpPort: number;
  /** Queries served, in order ("udp A web", ...), for tests and views. */
  readonly queries: string[] = [];
  private readonly udp: UdpSocket;
  private readonly tcp: TcpListener;
  private readonly conns = new Set<TcpSocket>();
  private readonly pending = new Set<{ cancel(): void }>();
  private inflight = 0;
  private stopped = false;

  private constructor(
    readonly ns: NetNamespace,
    private readonly opts: EmbeddedDnsOptions,
  ) {
    this.address = parseIpv4(opts.address ?? RESOLVER_IP);
    this.udp = ns.udp.open();
    this.udpPort = this.udp.bind(this.address, opts.udpPort ?? 0);
    const { listener, port } = listenTcp(ns, this.address, opts.tcpPort);
    this.tcp = listener;
    this.tcpPort = port;
    this.udp.onMessage = (m) => this.serve(m.data, 'udp', (bytes) => void this.udp.sendto(bytes, m.from, m.fromPort));
    this.tcp.onConnection = (s) => this.serveTcp(s);
  }

  /** SetupFunc(0) + Start: binds both sockets in `ns` and starts answering. */
  static start(ns: NetNamespace, opts: EmbeddedDnsOptions): EmbeddedDnsServer {
    return new EmbeddedDnsServer(ns, opts);
  }

  /**
   * The iptables commands setupIPTable runs in the container (nat table), in order: the two chains, the jumps from
   * OUTPUT and POSTROUTING, then DNAT/SNAT for UDP and TCP inserted at the top (so `-S` lists TCP first).
   */
  natRules(): string[][] {
    const ip = formatIpv4(this.address);
    return [
      ['-t', 'nat', '-N', 'DOCKER_OUTPUT'],
      ['-t', 'nat', '-N', 'DOCKER_POSTROUTING'],
      ['-t', 'nat', '-A', 'OUTPUT', '-d', ip, '-j', 'DOCKER_OUTPUT'],
      ['-t', 'nat', '-A', 'POSTROUTING', '-d', ip, '-j', 'DOCKER_POSTROUTING'],
      ['-t', 'nat', '-I', 'DOCKER_OUTPUT', '-d', ip, '-p', 'udp', '--dport', '53', '-j', 'DNAT', '--to-destination', `${ip}:${this.udpPort}`],
      ['-t', 'nat', '-I', 'DOCKER_POSTROUTING', '-s', ip, '-p', 'udp', '--sport', String(this.udpPort), '-j', 'SNAT', '--to-source', ':53'],
      ['-t', 'nat', '-I', 'DOCKER_OUTPUT', '-d', ip, '-p', 'tcp', '--dport', '53', '-j', 'DNAT', '--to-destination', `${ip}:${this.tcpPort}`],
      ['-t', 'nat', '-I', 'DOCKER_POSTROUTING', '-s', ip, '-p', 'tcp', '--sport', String(this.tcpPort), '-j', 'SNAT', '--to-source', ':53'],
    ];
  }

  /** Stop: closes both sockets, open TCP connections and forwards in flight. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.udp.close();
    this.tcp.close();
    for (const s of this.conns) s.close();
    this.conns.clear();
    for (const p of this.pending) p.cancel();
    this.pending.clear();
  }

  private get sched() {
    return this.ns.env.scheduler;
  }

  private later(delay: Time, fn: () => void): void {
    const h = this.sched.schedule(delay, () => {
      this.pending.delete(h);
      if (!this.stopped) fn();
    });
    this.pending.add(h);
  }

  // ------------------------------------------------------------------------------------------------ TCP

  /** dns.Server serveTCPConn: length-prefixed queries one after another; idle connections are closed. */
  private serveTcp(s: TcpSocket): void {
    this.conns.add(s);
    let buf = new Uint8Array(0);
    let busy = false;
    let idle: { cancel(): void } | undefined;
    const arm = (t: Time): void => {
      idle?.cancel();
      const h = this.sched.schedule(t, () => s.close());
      idle = h;
    };
    arm(TCP_READ_TIMEOUT);
    const pump = (): void => {
      if (busy || buf.length < 2) return;
      const len = readU16(buf, 0);
      if (buf.length < 2 + len) return;
      const msg = buf.slice(2, 2 + len);
      buf = buf.slice(2 + len);
      busy = true;
      idle?.cancel();
      this.serve(msg, 'tcp', (bytes) => {
        const framed = new Uint8Array(bytes.length + 2);
        framed[0] = bytes.length >>> 8;
        framed[1] = bytes.length & 0xff;
        framed.set(bytes, 2);
        s.write(framed);
      }, () => {
        busy = false;
        arm(TCP_IDLE_TIMEOUT);
        pump();
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
      idle?.cancel();
      s.close();
    };
    s.onClose = () => {
      idle?.cancel();
      this.conns.delete(s);
    };
  }

  // ------------------------------------------------------------------------------------------- serveDNS

  private serve(bytes: Uint8Array, proto: Proto, reply: (b: Uint8Array) => void, done?: () => void): void {
    const finish = (b: Uint8Array | undefined, delay: Time): void => {
      if (b === undefined) {
        done?.();
        return;
      }
      this.later(delay, () => {
        reply(b);
        done?.();
      });
    };
    const think = this.opts.thinkTime ?? 120 * MICROSECOND;
    if (bytes.length < 12) return finish(undefined, 0); // unpackMsgHdr failed: let the client hang
    const action = acceptAction(bytes);
    if (action === 'ignore') return finish(undefined, 0);
    if (action !== 'accept') return finish(rejectReply(bytes, action === 'notimp'), think);
    let query: DnsMessage;
    try {
      query = parse(bytes);
    } catch {
      return finish(rejectReply(bytes, false), think);
    }
    const q = query.questions[0];
    if (q === undefined) return finish(undefined, 0);
    this.queries.push(`${proto} ${typeName(q.type)} ${q.name}`);
    let resp: DnsMessage | undefined;
    try {
      resp = this.local(query);
    } catch (e) {
      this.opts.log?.(`[resolver] failed to handle query: ${q.name}. (${typeName(q.type)}): ${(e as Error).message}`);
      return finish(pack(setRcode(query, RCODE_SERVFAIL), false).bytes, think);
    }
    if (resp !== undefined) {
      let max = MIN_MSG_SIZE;
      if (proto === 'tcp') max = MAX_MSG_SIZE;
      else {
        const opt = ednsOf(query);
        if (opt !== undefined && opt.class > max) max = opt.class;
      }
      return finish(truncate(resp, max).bytes, think);
    }
    const single = !q.name.replace(/\.$/, '').includes('.');
    if ((q.type === TYPE_A || q.type === TYPE_AAAA) && this.opts.backend.ndotsSet?.() === true && single) {
      return finish(pack(createRespMsg(query), false).bytes, think);
    }
    this.forward(query, proto, (r) => {
      const out = r ?? pack(setRcode(query, RCODE_SERVFAIL), false).bytes;
      finish(out, r !== undefined ? 40 * MICROSECOND : think);
    });
  }

  /** The locally answered query types; undefined = not ours (forward). */
  private local(query: DnsMessage): DnsMessage | undefined {
    const q = query.questions[0]!;
    const backend = this.opts.backend;
    switch (q.type) {
      case TYPE_A:
      case TYPE_AAAA: {
        const family = q.type === TYPE_A ? 4 : 6;
        const found = backend.resolveName(q.name, family);
        if (found === undefined) return undefined;
        const uniq = [...new Set(found)];
        const addrs = uniq.length > 1 ? shuffle(this.opts.random, uniq) : uniq;
        const answers: DnsRecord[] = addrs.map((a) =>
          typeof a === 'number'
            ? { name: q.name, type: TYPE_A, class: CLASS_IN, ttl: RESP_TTL, data: { kind: 'a', address: a } }
            : { name: q.name, type: TYPE_AAAA, class: CLASS_IN, ttl: RESP_TTL, data: { kind: 'aaaa', address: ipv6ToBytes(a) } },
        );
        return createRespMsg(query, answers);
      }
      case TYPE_MX: {
        const v4 = backend.resolveName(q.name, 4) ?? [];
        const v6 = backend.resolveName(q.name, 6) ?? [];
        if (v4.length === 0 && v6.length === 0) return undefined;
        return createRespMsg(query);
      }
      case TYPE_PTR: {
        const fq = q.name.endsWith('.') ? q.name : `${q.name}.`;
        let rev: string | undefined;
        for (const suffix of [PTR_V4, PTR_V6]) {
          const i = fq.indexOf(`${suffix}.`);
          if (i >= 0 && i + suffix.length + 1 === fq.length) {
            rev = fq.slice(0, i);
            break;
          }
        }
        if (rev === undefined) return undefined;
        const host = backend.resolveIp(rev);
        if (host === undefined) return undefined;
        return createRespMsg(query, [{ name: q.name, type: TYPE_PTR, class: CLASS_IN, ttl: RESP_TTL, data: { kind: 'name', name: host } }]);
      }
      case TYPE_SRV: {
        const targets = backend.resolveService?.(q.name) ?? [];
        if (targets.length === 0) return undefined;
        const answers: DnsRecord[] = targets.map((t) => ({ name: q.name, type: TYPE_PTR, class: CLASS_IN, ttl: RESP_TTL, data: { kind: 'raw', bytes: srvData(t.port, t.target) } }));
        const extra: DnsRecord[] = targets.map((t) => ({ name: t.target, type: TYPE_A, class: CLASS_IN, ttl: RESP_TTL, data: { kind: 'a', address: t.ip } }));
        return createRespMsg(query, answers, extra);
      }
      default:
        return undefined;
    }
  }

  // ----------------------------------------------------------------------------------------- forwarding

  /** forwardExtDNS: the external servers in order; the reply bytes to send, or undefined for SERVFAIL. */
  private forward(query: DnsMessage, proto: Proto, done: (reply: Uint8Array | undefined) => void): void {
    const servers = (this.opts.extServers?.() ?? []).slice(0, 3);
    const proxy = this.opts.proxyDns?.() ?? true;
    const q = query.questions[0]!;
    const next = (i: number): void => {
      if (this.stopped) return;
      if (i >= servers.length) {
        done(undefined);
        return;
      }
      const s = servers[i]!;
      if (!proxy && s.hostLoopback) return next(i + 1);
      if (this.inflight >= MAX_CONCURRENT) {
        this.opts.log?.(`[resolver] more than ${MAX_CONCURRENT} concurrent queries`);
        this.later(EXT_IO_TIMEOUT, () => done(pack(setRcode(query, RCODE_REFUSED), false).bytes));
        return;
      }
      this.inflight++;
      this.exchange(s, proto, query, (resp) => {
        this.inflight--;
        if (resp === undefined) return next(i + 1);
        const rcode = rcodeOf(resp.flags);
        if (rcode === RCODE_SERVFAIL || rcode === RCODE_REFUSED) {
          this.opts.log?.(`[resolver] external DNS ${proto}:${formatIpv4(s.address)} returned failure`);
          return next(i + 1);
        }
        done(pack(resp, true).bytes);
      });
    };
    this.opts.log?.(`[resolver] forwarding query ${q.name}. (${typeName(q.type)})`);
    next(0);
  }

  /** exchange: one query to one server over a fresh socket (Dial, ExchangeWithConn, Close). */
  private exchange(server: ExtDnsServer & { readonly ns?: NetNamespace }, proto: Proto, query: DnsMessage, done: (resp: DnsMessage | undefined) => void): void {
    const ns = server.ns ?? (server.hostLoopback ? (this.opts.hostNs ?? this.ns) : this.ns);
    const port = server.port ?? 53;
    const wire = encodeUncompressed(query);
    let finished = false;
    let cleanup = (): void => {};
    const end = (resp: DnsMessage | undefined): void => {
      if (finished) return;
      finished = true;
      timer.cancel();
      this.pending.delete(timer);
      cleanup();
      if (resp === undefined) this.opts.log?.(`[resolver] failed to query external DNS server ${proto}:${formatIpv4(server.address)}`);
      done(resp);
    };
    const timer = this.sched.schedule(EXT_IO_TIMEOUT, () => end(undefined));
    this.pending.add(timer);
    const accept = (bytes: Uint8Array): boolean => {
      try {
        const r = parse(bytes);
        if (r.id !== query.id) return false; // a late reply to an earlier query: keep reading
        end(r);
      } catch {
        end(undefined);
      }
      return true;
    };
    if (proto === 'udp') {
      const sock = ns.udp.open();
      cleanup = () => sock.close();
      try {
        sock.connect(server.address, port);
      } catch {
        return end(undefined);
      }
      sock.onMessage = (m) => void accept(m.data);
      sock.onError = () => end(undefined); // ECONNREFUSED / EHOSTUNREACH on read
      const r = sock.send(wire);
      if (!r.ok) end(undefined);
      return;
    }
    let sock: TcpSocket;
    try {
      sock = ns.tcp.connect(server.address, port);
    } catch {
      return end(undefined);
    }
    cleanup = () => sock.close();
    let buf = new Uint8Array(0);
    sock.onConnect = () => {
      const framed = new Uint8Array(wire.length + 2);
      framed[0] = wire.length >>> 8;
      framed[1] = wire.length & 0xff;
      framed.set(wire, 2);
      sock.write(framed);
    };
    sock.onData = (d) => {
      const n = new Uint8Array(buf.length + d.length);
      n.set(buf);
      n.set(d, buf.length);
      buf = n;
      while (buf.length >= 2 && buf.length >= 2 + readU16(buf, 0)) {
        const msg = buf.slice(2, 2 + readU16(buf, 0));
        buf = buf.slice(2 + msg.length);
        if (accept(msg)) return;
      }
    };
    sock.onEnd = () => end(undefined);
    sock.onError = () => end(undefined);
  }
}

/** Binds a TCP listener on `address`: the given port, or a free odd port of the ephemeral range (bind(0)). */
function listenTcp(ns: NetNamespace, address: Ipv4Address, port: number | undefined): { listener: TcpListener; port: number } {
  if (port !== undefined && port !== 0) return { listener: ns.tcp.listen(port, { address }), port };
  const [lo, hi] = ns.sysctl.localPortRange;
  const odd = Math.floor((hi - lo + 1) / 2);
  const start = ns.random.fork('bind').below(odd);
  for (let i = 0; i < odd; i++) {
    const p = (lo | 1) + 2 * ((start + i) % odd);
    if (p > hi) continue;
    try {
      return { listener: ns.tcp.listen(p, { address }), port: p };
    } catch {
      // in use: next
    }
  }
  throw new Error('EADDRINUSE: no free port for the embedded DNS server');
}

/** SRV RDATA as miekg packs dns.SRV (priority 0, weight 0, port, uncompressed target). */
function srvData(port: number, target: string): Uint8Array {
  const labels = nameToLabels(target);
  const out: number[] = [0, 0, 0, 0, port >>> 8, port & 0xff];
  for (const l of labels) out.push(l.length, ...l);
  out.push(0);
  return Uint8Array.from(out);
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 255: 'ANY' };

function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `TYPE${t}`;
}
