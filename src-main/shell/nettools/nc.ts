// nc as Alpine's busybox 1.36 has it: networking/nc_bloaty.c (NC_110_COMPAT, with NC_SERVER and NC_EXTRA) on musl
// 1.2.4, over the namespace's TCP (ns.tcp) and UDP (ns.udp). The command line is parsed in nc-options.ts, the I/O
// loop and the descriptor over a socket are in nc-io.ts; this file is nc_main, dolisten, udptest and doexec.
//
// - Connect (nc_main's outbound half): the socket is bound first (-s, -p, else bind(0), which Linux answers with an
//   odd ephemeral port), then connect() under alarm(-w); "HOST (IP:PORT) open" with -v. A failure exits 1, printed as
//   "nc: HOST (IP:PORT): <musl strerror>" with -vv, or with -v unless it is a refusal (nc's "one -v" scanning rule).
//   -z stops after the connect; with -u it is udptest(): one byte, -w seconds or a TCP connect to port 31337 (the
//   "tcp ping" for one round trip, 5 s at most), then another byte, whose failure (the ICMP port unreachable turned
//   into ECONNREFUSED on the connected socket) says closed.
// - Listen (dolisten): TCP listen(1) on -p (or an odd ephemeral port) and one accept(); the listener closes once a
//   connection is taken, unless -lk/-ll with -e (a child per connection). Without -s or a peer on the command line
//   the socket is AF_INET6 (xsocket_type tries IPv6 first), so -v prints "listening on [::]:PORT ..." and
//   "connect to [::ffff:LOCAL]:PORT from NAME:PORT ([::ffff:PEER]:PORT)", the name from getnameinfo (musl: the
//   hosts file, then a PTR query; numeric with -n). A peer given on the command line filters connections ("connect
//   from wrong ip/port ... ignored"). UDP waits for the first datagram (MSG_PEEK) and connects to its sender. -w
//   bounds the wait: "nc: timeout", exit 1.
// - readwrite (the poll loop): what arrives is written to stdout; stdin is sent (8 KiB per read, one datagram each
//   with -u; with -i one line per interval, after an interval first), and at its end shutdown(SHUT_WR) tells the
//   peer. nc ends when both stdin and the network have ended (busybox ≥ 1.22), status 0. With -w the poll times out
//   after SEC seconds of silence, and the second timeout ends nc (1.36's poll version counts them whatever stdin
//   does). A read error (ECONNRESET, an ICMP error on a connected UDP socket) ends the network side like EOF, and a
//   zero-length datagram does too. -vv adds "sent N, rcvd M"; -o FILE logs the traffic as oprint() does.
// - -e PROG [ARGS] (doexec): PROG runs in this machine's shell with the connection as its stdin and stdout (stderr
//   stays nc's), and its status is nc's. Standard input here is a string, so PROG gets what the peer sends up to
//   its FIN: a server that answers before the client half-closes (an HTTP client) waits. -e with -u is refused (the
//   program would read datagrams one at a time until it is killed, which a string stdin cannot stand for).
// - SIGINT, SIGQUIT, SIGTERM (catch()): "punt!" on stderr, and nc dies of the signal (128 + signal).
// The network is IPv4 only: an IPv6 literal is refused with a message saying so.

import { VfsError } from '../../common/vfs.ts';
import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Machine } from '../../docker/machine.ts';
import type { UdpSocket } from '../../net/sockets/udp.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';
import type { TcpListener } from '../../net/tcp/stack.ts';
import { TcpError } from '../../net/tcp/types.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { idStream, onInterrupt, resolve, reverse } from './common.ts';
import { hexLines, readwrite, Run, strerror, tcpFd, udpFd, type HexLog, type NetFd } from './nc-io.ts';
import { BANNER, inetAton, lookupPort, parseNcArgs, USAGE } from './nc-options.ts';

const SIGINT = 2;
/** udptest()'s "tcp ping" target and its connect timeout. */
const SLEAZE_PORT = 31337;
const SLEAZE_WAIT = 5 * SECOND;

interface Peer {
  readonly addr: Ipv4Address;
  readonly port: number;
}

/** xmalloc_sockaddr2dotted: "IP:PORT", or for an AF_INET6 socket the v4-mapped form in brackets ("[::]" unbound). */
function dotted(addr: Ipv4Address, port: number, v6: boolean): string {
  if (!v6) return `${formatIpv4(addr)}:${port}`;
  return addr === 0 ? `[::]:${port}` : `[::ffff:${formatIpv4(addr)}]:${port}`;
}

/** bind(port 0) for TCP: Linux (inet_csk_find_open_port) takes an odd port, leaving even ones to connect(). */
function oddEphemeralPort(m: Machine, taken: (port: number) => boolean): number {
  const [lo, hi] = m.ns.sysctl.localPortRange;
  const odds = Math.floor((hi - lo + 1) / 2);
  const start = idStream(m).below(Math.max(1, odds));
  for (let i = 0; i < odds; i++) {
    const port = lo + 1 + 2 * ((start + i) % odds);
    if (!taken(port)) return port;
  }
  return lo + 1;
}

function tcpPortTaken(m: Machine): (port: number) => boolean {
  const used = new Set(m.ns.tcp.sockets().map((s) => s.localPort));
  return (p) => used.has(p);
}

/** libbb's str2sockaddr: "[HOST]:PORT" or "HOST:PORT" overrides `port`; inet_aton before the resolver (getaddrinfo
 * with AF_UNSPEC: A and AAAA). A string is the error to die with. */
async function sockaddr(m: Machine, text: string, port: number): Promise<Peer | string> {
  let host = text;
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0 || (host[close + 1] !== ':' && host[close + 1] !== undefined)) return `bad address '${text}'`;
    if (host[close + 1] === ':') portText = host.slice(close + 2);
    host = host.slice(1, close);
  } else {
    const c = host.lastIndexOf(':');
    if (c >= 0 && host.indexOf(':') === c) {
      portText = host.slice(c + 1);
      host = host.slice(0, c);
    }
  }
  if (portText !== undefined) {
    if (!/^\d+$/.test(portText) || Number(portText) > 0xffff) return `bad port '${portText}'`;
    port = Number(portText);
  }
  const v4 = inetAton(host);
  if (v4 !== undefined) return { addr: v4, port };
  if (host.includes(':')) return `IPv6 address '${host}': the lab has no IPv6 (not modelled)`;
  const r = await resolve(m, host, { aaaa: true });
  if (r.status !== 'ok' || r.addresses.length === 0) return `bad address '${text}'`;
  return { addr: r.addresses[0]!, port };
}

// ------------------------------------------------------------------------------------------ -e PROG

/** What execvp finds: a command of the shell, by name or by a path to it (/bin/sh: the lab's file systems hold
 * no binaries, so a path runs the command of its last component, as the daemon's runner does). */
function program(ctx: CommandContext, name: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return ctx.shell.commands.has(base) ? base : undefined;
}

/** doexec(): PROG with the connection as stdin and stdout; nc's status becomes PROG's. `child`: a persistent
 * server's fork, whose exec leaves the listening nc as it is. */
async function execProg(r: Run, fd: NetFd, prog: readonly string[], child: boolean): Promise<number> {
  const name = prog[0]!;
  const command = program(r.ctx, name);
  if (command === undefined) {
    r.msg(`can't execute '${name}': No such file or directory`);
    fd.close();
    return 127;
  }
  if (!child) r.execd = true;
  const input = await new Promise<string>((res) => {
    const dec = new TextDecoder();
    let text = '';
    fd.read((e) => {
      if ('bytes' in e) text += dec.decode(e.bytes, { stream: true });
      else res(text + dec.decode());
    });
  });
  const enc = new TextEncoder();
  const status = await r.ctx.shell.runArgv(
    [command, ...prog.slice(1)],
    {
      stdin: input,
      stdout: (t) => {
        if (r.alive) fd.write(enc.encode(t));
      },
      stderr: (t) => r.err(t),
      signal: r.ctx.signal,
    },
    new Map(r.ctx.env),
  );
  fd.close();
  return status;
}

// ------------------------------------------------------------------------------------------ listen

/** getnameinfo(sa) with a port: "NAME:PORT", or the numeric form when no name is found (or with -n). */
async function peerName(r: Run, peer: Peer, v6: boolean): Promise<string> {
  if (r.o.numeric) return dotted(peer.addr, peer.port, v6);
  const x = await reverse(r.m, peer.addr);
  return x.status === 'ok' && x.name !== undefined ? `${x.name}:${peer.port}` : dotted(peer.addr, peer.port, v6);
}

interface Endpoints {
  readonly local: Peer;
  readonly remote: Peer;
}

/** After accept() or the first datagram: the verbose line, then PROG or the I/O loop. */
async function serve(r: Run, fd: NetFd, ends: Endpoints, v6: boolean, stdin: Uint8Array, hex: HexLog | undefined, child = false): Promise<number> {
  if (r.o.verbose) {
    const host = await peerName(r, ends.remote, v6);
    r.err(`connect to ${dotted(ends.local.addr, ends.local.port, v6)} from ${host} (${dotted(ends.remote.addr, ends.remote.port, v6)})\n`);
  }
  if (r.o.prog !== undefined) return execProg(r, fd, r.o.prog, child);
  const x = await readwrite(r, fd, stdin, hex);
  r.counts();
  return x;
}

function listenTcp(r: Run, listener: TcpListener, v6: boolean, them: Peer | undefined, stdin: Uint8Array, hex: HexLog | undefined): Promise<number> {
  const { o } = r;
  const persistent = o.listen > 1 && o.prog !== undefined;
  return new Promise((done) => {
    let timer: EventHandle | undefined;
    let taken = false;
    // arm(o_wait) around accept(), again after each child of a persistent server.
    const arm = (): void => {
      timer?.cancel();
      if (o.wait > 0)
        timer = r.timer(o.wait * SECOND, () => {
          r.msg('timeout');
          done(1);
        });
    };
    arm();
    listener.onConnection = (s) => {
      const fd = tcpFd(s);
      r.atExit(() => fd.close());
      if (taken) return fd.close(); // already accepted one: the listener is closing, Linux resets the rest
      const remote = { addr: s.remoteAddress, port: s.remotePort };
      if (them !== undefined && (remote.addr !== them.addr || (them.port !== 0 && remote.port !== them.port))) {
        if (o.verbose) r.msg(`connect from wrong ip/port ${dotted(remote.addr, remote.port, v6)} ignored`);
        fd.close();
        return;
      }
      const ends = { local: { addr: s.localAddress, port: s.localPort }, remote };
      if (persistent) {
        arm();
        void serve(r, fd, ends, v6, stdin, hex, true);
        return;
      }
      taken = true;
      timer?.cancel();
      listener.close();
      void serve(r, fd, ends, v6, stdin, hex).then(done);
    };
  });
}

async function listenUdp(r: Run, sock: UdpSocket, v6: boolean, them: Peer | undefined, stdin: Uint8Array, hex: HexLog | undefined): Promise<number> {
  if (them !== undefined) sock.connect(them.addr, them.port);
  const first = await new Promise<{ fd: NetFd; ends: Endpoints } | undefined>((res) => {
    const timer = r.o.wait > 0 ? r.timer(r.o.wait * SECOND, () => res(undefined)) : undefined;
    sock.onMessage = (msg) => {
      timer?.cancel();
      // recv_from_to(MSG_PEEK) learns the peer and the address it sent to; the datagram stays for readwrite.
      if (them === undefined) sock.connect(msg.from, msg.fromPort);
      const fd = udpFd(sock, msg.data);
      res({ fd, ends: { local: { addr: msg.to, port: sock.localPort }, remote: { addr: msg.from, port: msg.fromPort } } });
    };
  });
  if (first === undefined) return r.die('timeout');
  return serve(r, first.fd, first.ends, v6, stdin, hex);
}

// ------------------------------------------------------------------------------------------ connect

type Opened = { readonly fd: NetFd } | { readonly errno: string };

/** socket() + connect() under alarm(`wait`): the handshake, its failure, or ETIMEDOUT. */
function connectTcp(r: Run, them: Peer, local: Peer, wait: Time): Promise<Opened> {
  return new Promise((res) => {
    const route = r.m.ns.routeOutput(them.addr, local.addr !== 0 ? { src: local.addr } : undefined);
    // tcp_v4_connect refuses a broadcast or multicast route.
    if (route !== undefined && (route.type === 'broadcast' || route.type === 'multicast')) return res({ errno: 'ENETUNREACH' });
    let sock: TcpSocket;
    try {
      sock = r.m.ns.tcp.connect(them.addr, them.port, { ...(local.addr !== 0 ? { localAddress: local.addr } : {}), ...(local.port !== 0 ? { localPort: local.port } : {}) });
    } catch (e) {
      if (!(e instanceof TcpError)) throw e;
      return res({ errno: e.code === 'EADDRINUSE' ? 'EADDRNOTAVAIL' : e.code });
    }
    let timer: EventHandle | undefined;
    const fd = tcpFd(sock, (errno) => {
      timer?.cancel();
      res(errno === undefined ? { fd } : { errno });
    });
    r.atExit(() => fd.close());
    if (wait > 0)
      timer = r.timer(wait, () => {
        sock.abort();
        res({ errno: 'ETIMEDOUT' });
      });
  });
}

/** connect() of a UDP socket: only the route is looked at (and SO_BROADCAST, -b, for a broadcast one). */
function connectUdp(r: Run, sock: UdpSocket, them: Peer): Opened {
  const route = r.m.ns.routeOutput(them.addr, sock.localAddress !== 0 ? { src: sock.localAddress } : undefined);
  if (route === undefined) return { errno: 'ENETUNREACH' };
  if ((route.type === 'broadcast' || them.addr === 0xffffffff) && !r.o.broadcast) return { errno: 'EACCES' };
  sock.connect(them.addr, them.port);
  return { fd: udpFd(sock) };
}

/** udptest(): is anybody there? Undefined means open, else the errno of the second write. */
async function udptest(r: Run, fd: NetFd, them: Peer): Promise<string | undefined> {
  const e = fd.write(Uint8Array.of(0));
  if (e !== undefined) r.msg(`udptest first write: ${strerror(e)}`);
  if (r.o.wait > 0) await r.sleep(r.o.wait * SECOND);
  else {
    const ping = await connectTcp(r, { addr: them.addr, port: SLEAZE_PORT }, { addr: 0, port: 0 }, SLEAZE_WAIT);
    if ('fd' in ping) ping.fd.close();
  }
  return fd.write(Uint8Array.of(0));
}

// ------------------------------------------------------------------------------------------ nc_main

async function ncMain(r: Run): Promise<number> {
  const { m, ctx, o } = r;
  const proto = o.udp ? 'udp' : 'tcp';
  if (o.prog !== undefined && o.prog.length === 0) return r.die('-e without PROG: busybox 1.36 crashes on it (not modelled)');
  if (o.prog !== undefined && o.udp) return r.die('-e with -u: a program reading datagrams is not modelled');
  let localPort = 0;
  if (o.localPort !== undefined) {
    const p = lookupPort(o.localPort, proto);
    if (p === undefined) return r.die(`bad port '${o.localPort}'`);
    localPort = p;
  }
  let them: Peer | undefined;
  const host = o.operands[0];
  if (host !== undefined) {
    let port = 0;
    if (o.operands[1] !== undefined) {
      const p = lookupPort(o.operands[1], proto);
      if (p === undefined) return r.die(`bad port '${o.operands[1]}'`);
      port = p;
    }
    const t = await sockaddr(m, host, port);
    if (typeof t === 'string') return r.die(t);
    them = t;
  }
  let local: Peer = { addr: 0, port: localPort };
  // xsocket_type(AF_UNSPEC) opens AF_INET6 first; a peer or -s decides the family instead.
  let v6 = them === undefined;
  if (o.source !== undefined) {
    const s = await sockaddr(m, o.source, localPort);
    if (typeof s === 'string') return r.die(s);
    local = s;
    v6 = false;
  }
  if (local.addr !== 0 && !m.ns.isLocalAddress(local.addr)) return r.die('bind: Address not available');

  // socket() + bind()
  let udp: UdpSocket | undefined;
  let listener: TcpListener | undefined;
  if (o.udp) {
    const sock = m.ns.udp.open();
    try {
      sock.bind(local.addr, local.port);
    } catch {
      return r.die('bind: Address in use');
    }
    r.atExit(() => sock.close());
    udp = sock;
  } else if (o.listen > 0) {
    const port = local.port !== 0 ? local.port : oddEphemeralPort(m, tcpPortTaken(m));
    try {
      listener = m.ns.tcp.listen(port, { ...(local.addr !== 0 ? { address: local.addr } : {}), backlog: 1 });
    } catch (e) {
      if (!(e instanceof TcpError)) throw e;
      return r.die(`bind: ${strerror(e.code)}`);
    }
    const l = listener;
    r.atExit(() => l.close());
    local = { addr: local.addr, port };
  } else if (local.port === 0) {
    local = { addr: local.addr, port: oddEphemeralPort(m, tcpPortTaken(m)) };
  }

  const stdin = o.prog === undefined ? new TextEncoder().encode(ctx.stdin) : new Uint8Array(0);
  let hex: HexLog | undefined;
  const file = o.hexFile;
  if (file !== undefined && o.prog === undefined) {
    try {
      ctx.fs.writeFile(file, '', ctx.cwd);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      return r.die(`can't open '${file}': ${e.reason}`);
    }
    hex = (direction, bytes, offset) => {
      if (!r.alive) return;
      try {
        ctx.fs.appendFile(file, hexLines(direction, bytes, offset), ctx.cwd);
      } catch (e) {
        if (!(e instanceof VfsError)) throw e;
      }
    };
  }

  if (o.listen > 0) {
    if (o.verbose) r.err(`listening on ${dotted(local.addr, udp?.localPort ?? local.port, v6)} ...\n`);
    if (udp !== undefined) return listenUdp(r, udp, v6, them, stdin, hex);
    if (listener !== undefined) return listenTcp(r, listener, v6, them, stdin, hex);
  }

  if (them === undefined) {
    ctx.stderr(BANNER + '\n' + USAGE);
    return 1;
  }
  const themDotted = dotted(them.addr, them.port, false);
  let opened: Opened = udp !== undefined ? connectUdp(r, udp, them) : await connectTcp(r, them, local, o.wait * SECOND);
  if ('fd' in opened && o.zero && o.udp) {
    const errno = await udptest(r, opened.fd, them);
    if (errno !== undefined) opened = { errno };
  }
  let x: number;
  if ('fd' in opened) {
    if (o.verbose) r.err(`${host} (${themDotted}) open\n`);
    if (o.prog !== undefined) return execProg(r, opened.fd, o.prog, false);
    x = o.zero ? 0 : await readwrite(r, opened.fd, stdin, hex);
  } else {
    x = 1;
    // "if we're scanning at a 'one -v' verbosity level, don't print refusals"
    if (o.verbose > 1 || (o.verbose > 0 && opened.errno !== 'ECONNREFUSED')) r.msg(`${host} (${themDotted}): ${strerror(opened.errno)}`);
  }
  r.counts();
  return x;
}

export function ncCommand(machine: Machine): CommandImpl {
  return async (ctx) => {
    const o = parseNcArgs(ctx.argv, ctx.stderr);
    if (typeof o === 'number') return o;
    const r = new Run(machine, ctx, o);
    const killed = new Promise<number>((res) => {
      onInterrupt(ctx, () => {
        if (!r.alive) return;
        // catch() is nc's: a PROG that replaced nc just dies of the signal.
        if (!r.execd) {
          r.counts();
          r.err('punt!\n');
        }
        res(128 + (ctx.signal?.signo ?? SIGINT));
      });
    });
    try {
      return await Promise.race([ncMain(r), killed]);
    } finally {
      // What close() queued (a FIN, an ACK) leaves before a container's network goes: the daemon tears it down a
      // millisecond after the main process returns (daemon.ts processExited).
      r.exit();
    }
  };
}
