// The TCP layer of one network namespace: demultiplexing by 4-tuple, listeners with their SYN and accept queues,
// ephemeral port choice (__inet_hash_connect), ISN and timestamp offsets (secure_tcp_seq / secure_tcp_ts_off with
// secrets drawn from the seeded stream), and RSTs for segments nobody owns (tcp_v4_send_reset).

import { ACK, FIN, RST, SYN, TcpView, encode, parse, type TcpSegment } from '../../common/wire/tcp.ts';
import { TcpSocket, parseOpts } from './socket.ts';
import { keyedHash } from '../keyed-hash.ts';
import { SocketHolders, type SocketProcess } from '../sockets/owner.ts';
import { DEFAULT_CONFIG, TcpError, seqAdd, type TcpConfig, type TcpIpLayer } from './types.ts';

/** What sockets and listeners use of their stack. @internal */
export interface TcpStackInternals {
  readonly ip: TcpIpLayer;
  readonly config: TcpConfig;
  /** Runs `fn`, then the application callbacks it posted (re-entrant: nested calls just run). */
  run(fn: () => void): void;
  /** Queues an application callback to run once the current protocol step is finished. */
  post(fn: () => void): void;
  /** A protocol timer whose callback runs inside run(). */
  timer(delayNs: number, fn: () => void): { cancel(): void };
  isn(localAddr: number, remoteAddr: number, localPort: number, remotePort: number): number;
  tsOffset(localAddr: number, remoteAddr: number, localPort: number, remotePort: number): number;
  /** RST in answer to `seg` (received from `remote` at `local`), as the control socket sends it. */
  sendReset(local: number, remote: number, seg: TcpSegment, ipId: number): void;
  unhash(sock: TcpSocket): void;
  /** A SYN that ended a TIME_WAIT: hand it to the listener with the ISN chosen by the old incarnation. */
  reincarnate(seg: TcpSegment, local: number, remote: number, isn: number): void;
}

export interface ConnectOptions {
  remoteAddress: number;
  remotePort: number;
  /** Defaults to TcpIpLayer.sourceAddress(remote). */
  localAddress?: number;
  /** bind() before connect(); otherwise an ephemeral port is chosen as Linux does. */
  localPort?: number;
  noDelay?: boolean;
  /** The process whose socket() this is (it holds the socket at its lowest free descriptor). */
  owner?: SocketProcess;
}

export interface ListenOptions {
  port: number;
  /** 0 (INADDR_ANY) by default. */
  address?: number;
  /** listen(fd, backlog); capped by somaxconn. Python's http.server uses 5, most servers 128 or more. */
  backlog?: number;
  /** The process whose socket() this is: it holds the listener, and accept()s its connections. */
  owner?: SocketProcess;
}

function key(localAddr: number, localPort: number, remoteAddr: number, remotePort: number): string {
  return `${localAddr >>> 0}:${localPort}:${remoteAddr >>> 0}:${remotePort}`;
}

/** A listening socket: its SYN queue (request sockets in SYN_RECEIVED) and its accept queue. */
export class TcpListener {
  /** Called for each established connection; when unset, connections wait in the accept queue for accept(). */
  onConnection: ((sock: TcpSocket) => void) | undefined;
  readonly backlog: number;
  /** The processes holding the listening socket (the opener, and children that inherited it). */
  readonly holders = new SocketHolders();
  /** The process that accept()s (nginx: its worker): each connection handed out gets a descriptor there. */
  acceptor: SocketProcess | undefined;
  /** @internal */ readonly requests = new Set<TcpSocket>();
  private readonly queue: TcpSocket[] = [];
  private closed = false;

  /** @internal */
  constructor(
    private readonly stack: TcpStack,
    readonly address: number,
    readonly port: number,
    backlog: number,
  ) {
    this.backlog = backlog;
  }

  /** Takes the oldest established connection, if any. */
  accept(): TcpSocket | undefined {
    const s = this.queue.shift();
    if (s) this.handOut(s);
    return s;
  }

  get pendingConnections(): number {
    return this.queue.length;
  }

  /** accept(): the connection leaves the listener and the accepting process holds it. */
  private handOut(s: TcpSocket): void {
    s.listener = undefined;
    if (this.acceptor !== undefined) s.holders.open(this.acceptor);
  }

  /** Stops listening; connections not yet accepted are reset (as closing a listener does on Linux). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.holders.release();
    this.stack.removeListener(this);
    for (const s of [...this.queue, ...this.requests]) s.abort();
    this.queue.length = 0;
    this.requests.clear();
  }

  /** @internal sk_acceptq_is_full. */
  acceptQueueFull(): boolean {
    return !this.onConnection && this.queue.length > this.backlog;
  }

  /** @internal A request socket completed the handshake. */
  established(sock: TcpSocket): void {
    this.requests.delete(sock);
    if (this.onConnection) {
      this.handOut(sock);
      const cb = this.onConnection;
      this.stack.post(() => cb(sock));
    } else {
      this.queue.push(sock);
    }
  }

  /** @internal A request socket or queued connection went away. */
  dropped(sock: TcpSocket): void {
    this.requests.delete(sock);
    const i = this.queue.indexOf(sock);
    if (i >= 0) this.queue.splice(i, 1);
  }
}

export class TcpStack {
  readonly config: TcpConfig;
  private readonly conns = new Map<string, TcpSocket>();
  private readonly listeners = new Map<string, TcpListener>();
  /** Ports taken by bind() (explicit local port) with their use count: never chosen as ephemeral ports. */
  private readonly bound = new Map<number, number>();
  private readonly isnKey: number[];
  private readonly tsKey: number[];
  private readonly portKey: number[];
  private readonly perturbKey: number[];
  private readonly perturb = new Map<number, number>();
  private readonly deferred: (() => void)[] = [];
  private running = false;
  /** @internal */ readonly internals: TcpStackInternals;

  constructor(
    readonly ip: TcpIpLayer,
    config: Partial<TcpConfig> = {},
  ) {
    this.config = { ...DEFAULT_CONFIG, ...config };
    const r = ip.random;
    const draw = (): number[] => [r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()];
    this.isnKey = draw();
    this.tsKey = draw();
    this.portKey = draw();
    this.perturbKey = draw();
    this.internals = {
      ip,
      config: this.config,
      run: (fn) => this.run(fn),
      post: (fn) => this.post(fn),
      timer: (d, fn) => ip.schedule(d, () => this.run(fn)),
      isn: (la, ra, lp, rp) => this.isn(la, ra, lp, rp),
      tsOffset: (la, ra, lp, rp) => keyedHash(this.tsKey, [la, ra, (lp << 16) | rp]),
      sendReset: (l, rem, seg, id) => this.sendReset(l, rem, seg, id),
      unhash: (s) => this.unhash(s),
      reincarnate: (seg, l, rem, isn) => this.reincarnate(seg, l, rem, isn),
    };
  }

  /** Connections in the table (incl. TIME_WAIT and request sockets). */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** All sockets in the table, for `ss`-like views and tests. */
  sockets(): TcpSocket[] {
    return [...this.conns.values()];
  }

  /** The listening sockets, in the order they were opened (for `ss`-like views). */
  listening(): TcpListener[] {
    return [...this.listeners.values()];
  }

  // ---- application entry points ----

  listen(opts: ListenOptions): TcpListener {
    const address = opts.address ?? 0;
    const k = `${address >>> 0}:${opts.port}`;
    if (this.listeners.has(k) || (address !== 0 && this.listeners.has(`0:${opts.port}`))) throw new TcpError('EADDRINUSE', `port ${opts.port} is already listening`);
    const backlog = Math.min(opts.backlog ?? 4096, this.config.somaxconn);
    const l = new TcpListener(this, address, opts.port, backlog);
    if (opts.owner !== undefined) {
      l.holders.open(opts.owner);
      l.acceptor = opts.owner;
    }
    this.listeners.set(k, l);
    return l;
  }

  connect(opts: ConnectOptions): TcpSocket {
    const remote = opts.remoteAddress >>> 0;
    const local = opts.localAddress ?? this.ip.sourceAddress?.(remote);
    if (local === undefined) throw new TcpError('EADDRNOTAVAIL', 'no source address for the destination');
    let port = opts.localPort;
    if (port !== undefined) {
      if (this.conns.has(key(local, port, remote, opts.remotePort))) throw new TcpError('EADDRINUSE', `${port} is in use for this destination`);
    } else {
      port = this.pickPort(local, remote, opts.remotePort);
    }
    const s = new TcpSocket(this.internals);
    s.localAddress = local >>> 0;
    s.localPort = port;
    s.remoteAddress = remote;
    s.remotePort = opts.remotePort;
    s.noDelay = opts.noDelay ?? false;
    if (opts.owner !== undefined) s.holders.open(opts.owner);
    if (opts.localPort !== undefined) {
      this.bound.set(port, (this.bound.get(port) ?? 0) + 1);
      s.boundExplicitly = true;
    }
    this.hash(s);
    this.run(() => s.startConnect());
    return s;
  }

  // ---- from IPv4 ----

  /** A TCP segment for a local address arrived (IP header already removed). Bad checksums are dropped. */
  input(src: number, dst: number, bytes: Uint8Array): void {
    let seg: TcpSegment;
    try {
      const v = TcpView.check(bytes);
      if (!v.checksumValid({ src, dst })) return;
      seg = parse(bytes);
    } catch {
      return;
    }
    this.run(() => {
      const sock = this.conns.get(key(dst, seg.dstPort, src, seg.srcPort));
      if (sock) {
        sock.segmentArrives(seg);
        return;
      }
      const l = this.findListener(dst, seg.dstPort);
      if (l) {
        this.listenerInput(l, seg, src >>> 0, dst >>> 0, undefined);
        return;
      }
      if ((seg.flags & RST) === 0) this.sendReset(dst, src, seg, 0);
    });
  }

  /**
   * tcp_v4_err: an ICMP error quoting a segment local:lport -> remote:rport with sequence number `seq`. `pathMtu`
   * is the route MTU towards `remote` after the network layer took in a frag-needed (else ignored).
   */
  icmpError(local: number, lport: number, remote: number, rport: number, type: number, code: number, seq: number, pathMtu: number): void {
    const sock = this.conns.get(key(local, lport, remote, rport));
    sock?.icmpError(type, code, seq >>> 0, pathMtu);
  }

  /** The connection for a 4-tuple, if any (request sockets and TIME_WAIT included). */
  lookup(local: number, lport: number, remote: number, rport: number): TcpSocket | undefined {
    return this.conns.get(key(local, lport, remote, rport));
  }

  // ---- internals ----

  /** @internal */
  run(fn: () => void): void {
    if (this.running) {
      fn();
      return;
    }
    this.running = true;
    try {
      fn();
      while (this.deferred.length > 0) this.deferred.shift()!();
    } finally {
      this.running = false;
      this.deferred.length = 0;
    }
  }

  /** @internal */
  post(fn: () => void): void {
    if (this.running) this.deferred.push(fn);
    else this.run(fn);
  }

  /** @internal */
  removeListener(l: TcpListener): void {
    this.listeners.delete(`${l.address >>> 0}:${l.port}`);
  }

  private findListener(addr: number, port: number): TcpListener | undefined {
    return this.listeners.get(`${addr >>> 0}:${port}`) ?? this.listeners.get(`0:${port}`);
  }

  private listenerInput(l: TcpListener, seg: TcpSegment, src: number, dst: number, isn: number | undefined): void {
    if ((seg.flags & RST) !== 0) return;
    if ((seg.flags & ACK) !== 0) {
      // No request socket for this ACK (and no SYN cookies): RST.
      this.sendReset(dst, src, seg, 0);
      return;
    }
    if ((seg.flags & SYN) === 0) return;
    // tcp_conn_request: drop the SYN when the accept queue is full or the SYN queue is at tcp_max_syn_backlog.
    if (l.acceptQueueFull() || l.requests.size >= this.config.maxSynBacklog) return;
    const s = new TcpSocket(this.internals);
    s.localAddress = dst;
    s.localPort = seg.dstPort;
    s.remoteAddress = src;
    s.remotePort = seg.srcPort;
    s.listener = l;
    l.requests.add(s);
    this.hash(s);
    s.startPassive(seg, parseOpts(seg.options), isn);
  }

  private hash(s: TcpSocket): void {
    this.conns.set(key(s.localAddress, s.localPort, s.remoteAddress, s.remotePort), s);
    s.hashed = true;
  }

  private unhash(s: TcpSocket): void {
    if (!s.hashed) return;
    s.hashed = false;
    const k = key(s.localAddress, s.localPort, s.remoteAddress, s.remotePort);
    if (this.conns.get(k) === s) this.conns.delete(k);
    if (s.boundExplicitly) {
      const n = (this.bound.get(s.localPort) ?? 1) - 1;
      if (n <= 0) this.bound.delete(s.localPort);
      else this.bound.set(s.localPort, n);
    }
  }

  private reincarnate(seg: TcpSegment, local: number, remote: number, isn: number): void {
    const l = this.findListener(local, seg.dstPort);
    if (l) this.listenerInput(l, seg, remote, local, isn);
    else this.sendReset(local, remote, seg, 0);
  }

  /** secure_tcp_seq: a keyed hash of the 4-tuple plus a clock ticking every 64 ns. */
  private isn(la: number, ra: number, lp: number, rp: number): number {
    return seqAdd(keyedHash(this.isnKey, [la, ra, (lp << 16) | rp]), Math.floor(this.ip.now() / 64));
  }

  /**
   * __inet_hash_connect: start at (table_perturb[index] + hash(src, dst, dport)) in the port range, try ports of
   * the range's parity first (even: connect() leaves odd ports to bind()), then bump the perturbation by the
   * distance scanned plus a small random even step. Gives the even, slowly increasing ports of facts.md 3.6.
   */
  private pickPort(local: number, remote: number, rport: number): number {
    const [low, hi] = this.config.localPortRange;
    const high = hi + 1;
    let remaining = high - low;
    if (remaining > 1) remaining &= ~1;
    const h = keyedHash(this.portKey, [local, remote, rport]);
    const h2 = keyedHash(this.portKey, [remote, local, rport, 1]);
    const index = h & 0xffff;
    let perturb = this.perturb.get(index);
    if (perturb === undefined) perturb = keyedHash(this.perturbKey, [index]);
    let offset = (((perturb + h2) >>> 0) % remaining) & ~1;
    for (let pass = 0; pass < 2; pass++) {
      let port = low + offset;
      for (let i = 0; i < remaining; i += 2, port += 2) {
        if (port >= high) port -= remaining;
        if (this.portFree(local, port, remote, rport)) {
          const step = Math.max(i, (this.ip.random.nextU32() % 8) * 2);
          this.perturb.set(index, (perturb + step + 2) >>> 0);
          return port;
        }
      }
      offset++;
      if ((offset & 1) === 0 || remaining <= 1) break;
    }
    throw new TcpError('EADDRNOTAVAIL', 'no free ephemeral port');
  }

  private portFree(local: number, port: number, remote: number, rport: number): boolean {
    if (this.bound.has(port)) return false;
    if (this.listeners.has(`0:${port}`) || this.listeners.has(`${local >>> 0}:${port}`)) return false;
    return !this.conns.has(key(local, port, remote, rport));
  }

  /** tcp_v4_send_reset: no options, window 0; DF and IP ID 0 from the control socket. */
  private sendReset(local: number, remote: number, seg: TcpSegment, ipId: number): void {
    if ((seg.flags & RST) !== 0) return;
    let seq = 0;
    let ack = 0;
    let flags = RST;
    if ((seg.flags & ACK) !== 0) seq = seg.ack;
    else {
      ack = seqAdd(seg.seq, seg.payload.length + ((seg.flags & SYN) !== 0 ? 1 : 0) + ((seg.flags & FIN) !== 0 ? 1 : 0));
      flags |= ACK;
    }
    const out: TcpSegment = {
      srcPort: seg.dstPort,
      dstPort: seg.srcPort,
      seq,
      ack,
      flags,
      window: 0,
      urgentPointer: 0,
      options: [],
      payload: new Uint8Array(0),
    };
    const bytes = encode(out, { src: local, dst: remote });
    this.ip.send({ src: local >>> 0, dst: remote >>> 0, bytes, df: true, ipId });
  }
}
