// The process side of nc (nc.ts): one run's output, timers and exit (Run), the connection as nc's descriptor sees it
// (NetFd over a TCP or UDP socket, with the receive queue the kernel keeps until nc reads), and readwrite(), the poll
// loop of networking/nc_bloaty.c (busybox 1.36) with oprint()'s hex dump for -o. What the loop does is described in
// nc.ts's header.

import type { Machine } from '../../docker/machine.ts';
import type { UdpSocket } from '../../net/sockets/udp.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';
import { icmpUnreachErrno } from '../../net/tcp/types.ts';
import type { EventHandle, Scheduler } from '../../sim/scheduler.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { CommandContext } from '../interpreter.ts';
import type { NcOptions } from './nc-options.ts';

/** nc_bloaty.c BIGSIZ: one read() of stdin. */
const BIGSIZ = 8192;

/** musl 1.2.4's strerror for the errors nc can meet. */
const STRERROR: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Operation timed out',
  EHOSTUNREACH: 'Host is unreachable',
  EHOSTDOWN: 'Host is down',
  ENETUNREACH: 'Network unreachable',
  EADDRINUSE: 'Address in use',
  EADDRNOTAVAIL: 'Address not available',
  EACCES: 'Permission denied',
  EPIPE: 'Broken pipe',
  ENOPROTOOPT: 'Protocol not available',
  EOPNOTSUPP: 'Not supported',
  ECONNABORTED: 'Connection aborted',
};

export const strerror = (errno: string): string => STRERROR[errno] ?? errno;

/** One process's run: its options, output (silent once it has exited), the counters -vv prints, and what its exit
 * closes (the kernel closes a dead process's sockets). */
export class Run {
  alive = true;
  /** -e PROG has replaced nc (doexec): signals are PROG's now. */
  execd = false;
  wroteNet = 0;
  wroteOut = 0;
  readonly sched: Scheduler;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly m: Machine,
    readonly ctx: CommandContext,
    readonly o: NcOptions,
  ) {
    this.sched = m.ns.env.scheduler;
  }

  out(text: string): void {
    if (this.alive) this.ctx.stdout(text);
  }

  err(text: string): void {
    if (this.alive) this.ctx.stderr(text);
  }

  /** bb_error_msg. */
  msg(text: string): void {
    this.err(`nc: ${text}\n`);
  }

  /** bb_error_msg_and_die. */
  die(text: string): number {
    this.msg(text);
    return 1;
  }

  atExit(fn: () => void): void {
    this.cleanups.push(fn);
  }

  exit(): void {
    this.alive = false;
    for (const fn of this.cleanups.splice(0).reverse()) fn();
  }

  timer(delay: Time, fn: () => void): EventHandle {
    const h = this.sched.schedule(delay, () => {
      if (this.alive) fn();
    });
    this.atExit(() => h.cancel());
    return h;
  }

  sleep(delay: Time): Promise<void> {
    return new Promise((res) => this.timer(delay, res));
  }

  /** The -vv summary (SENT_N_RECV_M). */
  counts(): void {
    if (this.o.verbose > 1) this.err(`sent ${this.wroteNet}, rcvd ${this.wroteOut}\n`);
  }
}

// ------------------------------------------------------------------------------------------ the socket

/** What read() returns: bytes, or the end (EOF, or a read error's errno). */
export type NetEvent = { readonly bytes: Uint8Array } | { readonly end: string | undefined };

/** The connection as nc's descriptor sees it. Arrivals wait in a queue until nc reads, as in the kernel's receive
 * queue (the verbose lines come first). */
export interface NetFd {
  read(fn: (e: NetEvent) => void): void;
  /** write(): undefined, or the errno it fails with. */
  write(bytes: Uint8Array): string | undefined;
  /** shutdown(SHUT_WR). */
  shutdownWrite(): void;
  /** close(): for TCP a FIN, or a RST when received data was never read (tcp_close). */
  close(): void;
}

class Inbox {
  private readonly queue: NetEvent[] = [];
  private reader: ((e: NetEvent) => void) | undefined;
  private ended = false;

  push(e: NetEvent): void {
    if (this.ended) return;
    if ('end' in e) this.ended = true;
    if (this.reader) this.reader(e);
    else this.queue.push(e);
  }

  read(fn: (e: NetEvent) => void): void {
    this.reader = fn;
    for (const e of this.queue.splice(0)) fn(e);
  }

  get reading(): boolean {
    return this.reader !== undefined;
  }

  get unread(): boolean {
    return this.queue.some((e) => 'bytes' in e);
  }
}

/** A TCP socket; `onOpen` (connect()) hears of the handshake or its failure, errors after it end the reading. */
export function tcpFd(s: TcpSocket, onOpen?: (errno: string | undefined) => void): NetFd {
  const inbox = new Inbox();
  let open = onOpen === undefined;
  s.onConnect = () => {
    open = true;
    onOpen?.(undefined);
  };
  s.onData = (b) => inbox.push({ bytes: b.slice() });
  s.onEnd = () => inbox.push({ end: undefined });
  s.onError = (e) => {
    if (open) inbox.push({ end: e.code });
    else {
      open = true;
      onOpen?.(e.code);
    }
  };
  return {
    read: (fn) => inbox.read(fn),
    write: (b) => (s.write(b) ? undefined : 'EPIPE'),
    shutdownWrite: () => s.end(),
    close: () => (inbox.unread ? s.abort() : s.close()),
  };
}

/**
 * A UDP socket. Once connected, an ICMP error that icmp_err_convert calls fatal (port unreachable: ECONNREFUSED) is
 * the socket's pending error (sk_err), which the next read() or write() returns once.
 */
export function udpFd(sock: UdpSocket, first?: Uint8Array): NetFd {
  const inbox = new Inbox();
  let pending: string | undefined;
  let shut = false;
  const arrive = (data: Uint8Array): void => inbox.push(data.length === 0 ? { end: undefined } : { bytes: data });
  if (first !== undefined) arrive(first);
  sock.onMessage = (msg) => arrive(msg.data);
  sock.onError = (e) => {
    if (sock.remote === undefined || e.type !== 3 || e.code === 4) return;
    const u = icmpUnreachErrno(e.code);
    if (!u.fatal) return;
    if (inbox.reading) inbox.push({ end: u.code });
    else pending = u.code;
  };
  return {
    read: (fn) => {
      inbox.read(fn);
      if (pending !== undefined) inbox.push({ end: pending });
      pending = undefined;
    },
    write: (b) => {
      if (pending !== undefined) {
        const e = pending;
        pending = undefined;
        return e;
      }
      if (shut) return 'EPIPE';
      const r = sock.send(b);
      return r.ok ? undefined : r.error;
    },
    shutdownWrite: () => {
      shut = true;
    },
    close: () => sock.close(),
  };
}

// ------------------------------------------------------------------------------------------ the I/O loop

export type HexLog = (direction: '<' | '>', bytes: Uint8Array, offset: number) => void;

/** oprint(): "D OFFSET  hex bytes  # ascii", 16 bytes a line, hex digits in lower case (0x20 | upper). */
export function hexLines(direction: '<' | '>', bytes: Uint8Array, offset: number): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 16) {
    let hex = '';
    let ascii = '';
    for (const b of bytes.subarray(i, i + 16)) {
      hex += `${b.toString(16).padStart(2, '0')} `;
      ascii += b > 31 && b < 127 ? String.fromCharCode(b) : '.';
    }
    out += `${direction} ${(offset + i).toString(16).padStart(8, '0')} ${hex.padEnd(48)}# ${ascii}\n`;
  }
  return out;
}

/** findline(): a buffer cut after each newline. */
function lines(chunk: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === 10) {
      out.push(chunk.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < chunk.length) out.push(chunk.subarray(start));
  return out;
}

/** readwrite(): shovels stdin to the network and the network to stdout until both have ended. */
export function readwrite(r: Run, fd: NetFd, stdin: Uint8Array, hex: HexLog | undefined): Promise<number> {
  const { o } = r;
  return new Promise((done) => {
    let stdinOpen = true;
    let netOpen = true;
    let netretry = 2;
    let finished = false;
    let idle: EventHandle | undefined;
    const dec = new TextDecoder();
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      idle?.cancel();
      done(code);
    };
    let ending = false;
    const check = (): void => {
      if (stdinOpen || netOpen || ending) return;
      ending = true;
      // With -i every pass of the loop ends with its pause, the last one too.
      if (o.interval > 0) void r.sleep(o.interval * SECOND).then(() => finish(0));
      else finish(0);
    };
    const arm = (): void => {
      if (o.wait === 0 || finished || stdinOpen) return;
      idle?.cancel();
      idle = r.timer(o.wait * SECOND, () => {
        netretry--;
        if (netretry > 0) return arm();
        if (o.verbose > 1) r.err('net timeout\n');
        finish(0);
      });
    };
    // -i: the lines of stdin's buffer not sent yet, once the loop has read it (a network end drops them: rzleft = 0).
    let queued: Uint8Array[] = [];
    fd.read((e) => {
      if (finished) return;
      if ('bytes' in e) {
        hex?.('<', e.bytes, r.wroteOut);
        r.wroteOut += e.bytes.length;
        r.out(dec.decode(e.bytes, { stream: true }));
      } else {
        if (e.end !== undefined && o.verbose > 1) r.msg(`net read: ${strerror(e.end)}`);
        netOpen = false;
        queued = []; // "can't write anymore: broken pipe"
      }
      arm();
      check();
    });
    // A failed write is retried (a connected UDP socket's pending error is gone the second time); one that keeps
    // failing is the "too many output retries" of the shovel loop.
    const send = (b: Uint8Array): boolean => {
      if (fd.write(b) !== undefined && fd.write(b) !== undefined) {
        if (o.verbose) r.msg('too many output retries');
        finish(1);
        return false;
      }
      hex?.('>', b, r.wroteNet);
      r.wroteNet += b.length;
      return true;
    };
    const eof = (): void => {
      stdinOpen = false;
      fd.shutdownWrite();
      arm();
      check();
    };
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < stdin.length; i += BIGSIZ) chunks.push(stdin.subarray(i, i + BIGSIZ));
    if (o.interval === 0) {
      for (const c of chunks) if (!send(c)) return;
      eof();
      return;
    }
    // -i: a pause before anything, then one line per pass of the loop, each pass ending with a pause. Stdin is read
    // on the first pass, so a network end before it drops nothing (writes to a half-closed connection still go).
    const step = (): void => {
      if (finished) return;
      const line = queued.shift();
      if (line === undefined) return eof();
      if (send(line)) void r.sleep(o.interval * SECOND).then(step);
    };
    void r.sleep(o.interval * SECOND).then(() => {
      queued = chunks.flatMap(lines);
      step();
    });
  });
}
