// traceroute as Alpine's busybox 1.36 has it (networking/traceroute.c with TRACEROUTE6, FEATURE_TRACEROUTE_VERBOSE
// and FEATURE_TRACEROUTE_USE_ICMP, on musl), over the namespace's UDP sockets (net/sockets/udp.ts) and raw ICMP
// sockets (net/sockets/raw.ts). Sources: traceroute_init, send_probe, wait_for_reply, packet4_ok, print and
// common_traceroute_main of busybox's traceroute.c; libbb's getopt32 (on musl's getopt, which does not permute),
// xatou_range, str2sockaddr, xconnect and bb_show_usage; musl's inet_aton and getnameinfo.
//
// - Probes: UDP datagrams from a socket connect()ed to HOST:PORT (33434; the connect only picks the source address
//   and port, which the raw receive socket is then bound to), each sent with IP_TTL set to the hop and the
//   destination port PORT+seq, seq counting every probe from 1, so the first probe goes to 33435. The payload is
//   busybox's outdata: seq and ttl bytes, then 16 zero bytes (an unused struct timeval) and zeros up to BYTES (46 by
//   default: the IP and UDP headers count). With -I the probes are ICMP echo requests from a raw socket, id the
//   process id, sequence seq, the same payload after the 8-byte ICMP header.
// - Answers: every ICMP datagram delivered to the source address is read from a raw ICMP socket, whole. One counts
//   for probe seq when it is a time exceeded in transit or a destination unreachable quoting a UDP datagram to
//   PORT+seq (an ICMP echo with our id and seq with -I), or with -I an echo reply with our id and seq (taken as
//   "port unreachable"). Anything else is skipped (hex-dumped with -v) and the wait goes on.
// - Timing: one probe at a time; after a send, the wait is -w seconds (5, though the usage text says 3), counted
//   down in whole milliseconds after each datagram read, as wait_for_reply does. The time printed is from the send
//   to the reading of the answer, in microseconds of virtual time ("  %u.%03u ms"); "  *" when the wait ran out.
// - Lines: "%2d" hop, then per probe the answering address when it is the hop's first answer or differs from the
//   last one printed ("  NAME (ADDR)", the name from musl's getnameinfo — the hosts file, then a PTR query — or the
//   address again when there is none; "  ADDR" with -n), the time, " (TTL)" with -l, and the annotations of an
//   unreachable: " !" (port unreachable that arrived with TTL <= 1), !N !H !P !F-MTU !S !A !C !V !U !I !T !<code>.
//   Port or protocol unreachable means "got there": the hop's line ends the run. So do unreachables on all probes
//   but at most one. Otherwise hops go on up to -m (30). The exit status is 0 however it ended.
// - Errors (exit 1): musl getopt's "unrecognized option: X" / "option requires an argument: X" and busybox's usage
//   (also without HOST); xatou_range's "invalid number 'X'" / "number X is not in A..B range" for -m -p -q -w -z -f
//   -t and BYTES; "bad address 'HOST'", "bad port spec 'HOST:PORT'"; "can't connect to remote host (ADDR): Network
//   unreachable" without a route (or with -r when HOST is not on a connected network); -s: "bad address",
//   "can't set multicast source interface" for an address that is not this machine's; "sendto: ...".
// - Ctrl-C kills it (no handler): the line so far stays, status 130.
// Not modelled: IPv6 (-6 and AAAA-only names give "bad address": the lab has no IPv6), -i (a device that exists
// changes nothing, since the engine's UDP socket has no SO_BINDTODEVICE; a missing one gives busybox's message),
// -F (IP_DONTFRAG does not exist on Linux: busybox's -F does nothing there either), -d (compiled out).

import { readU16 } from '../../common/wire/bytes.ts';
import { checksum } from '../../common/wire/checksum.ts';
import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { PROTO_ICMP, PROTO_UDP } from '../../common/wire/ipv4.ts';
import type { Machine } from '../../docker/machine.ts';
import type { RawDatagram, RawSocket } from '../../net/sockets/raw.ts';
import type { UdpSocket } from '../../net/sockets/udp.ts';
import type { SendResult } from '../../net/contracts.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import { MICROSECOND, MILLISECOND } from '../../sim/time.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { idStream, onInterrupt, resolve, reverse } from './common.ts';

const BANNER = 'BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n';

/** traceroute_trivial_usage and traceroute_full_usage as Alpine's configuration expands them. */
const USAGE =
  'Usage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]\n' +
  '\t[-t TOS] [-w WAIT_SEC] [-s SRC_IP] [-i IFACE]\n' +
  '\t[-z PAUSE_MSEC] HOST [BYTES]\n' +
  '\n' +
  'Trace the route to HOST\n' +
  '\n' +
  '\t-4,-6\tForce IP or IPv6 name resolution\n' +
  "\t-F\tSet don't fragment bit\n" +
  '\t-I\tUse ICMP ECHO instead of UDP datagrams\n' +
  '\t-l\tDisplay TTL value of the returned packet\n' +
  '\t-n\tPrint numeric addresses\n' +
  '\t-r\tBypass routing tables, send directly to HOST\n' +
  '\t-v\tVerbose\n' +
  '\t-f N\tFirst number of hops (default 1)\n' +
  '\t-m N\tMax number of hops\n' +
  '\t-q N\tNumber of probes per hop (default 3)\n' +
  '\t-p N\tBase UDP port number used in probes\n' +
  '\t\t(default 33434)\n' +
  '\t-s IP\tSource address\n' +
  '\t-i IFACE Source interface\n' +
  '\t-t N\tType-of-service in probe packets (default 0)\n' +
  '\t-w SEC\tWait for a response (default 3)\n' +
  '\t-z MSEC\tWait before each send\n';

/** OPT_STRING: the letters that take an argument are followed by ':'. */
const OPT_STRING = 'FIlnrdvt:i:m:p:q:s:w:z:f:46';

/** sizeof(struct ip) + sizeof(struct udphdr) (or the ICMP header) + sizeof(struct outdata_t) on musl x86_64. */
const IP_HLEN = 20;
const L4_HLEN = 8;
const OUTDATA_LEN = 18;
const MIN_PACKLEN = IP_HLEN + L4_HLEN + OUTDATA_LEN;
const MAX_PACKLEN = 32 * 1024;
/** recv_pkt[512]: a longer datagram is truncated to this when read. */
const RECV_BUF = 512;
const SIGINT = 2;

const ICMP_ECHOREPLY = 0;
const ICMP_UNREACH = 3;
const ICMP_ECHO = 8;
const ICMP_TIMXCEED = 11;
const ICMP_UNREACH_PORT = 3;
const ICMP_UNREACH_NEEDFRAG = 4;

/** pr_type's table (-v). */
const TYPE_NAMES = [
  'Echo Reply', 'ICMP 1', 'ICMP 2', 'Dest Unreachable', 'Source Quench', 'Redirect', 'ICMP 6', 'ICMP 7', 'Echo',
  'Router Advert', 'Router Solicit', 'Time Exceeded', 'Param Problem', 'Timestamp', 'Timestamp Reply',
  'Info Request', 'Info Reply', 'Mask Request', 'Mask Reply',
];

/** The annotation of each unreachable code and whether it ends the run as arrived ('there') or counts against it. */
const UNREACH_MARKS: Record<number, readonly [string, 'there' | 'unreachable']> = {
  0: [' !N', 'unreachable'],
  1: [' !H', 'unreachable'],
  2: [' !P', 'there'],
  5: [' !S', 'unreachable'],
  6: [' !U', 'unreachable'],
  7: [' !U', 'unreachable'],
  8: [' !I', 'unreachable'],
  9: [' !A', 'unreachable'],
  10: [' !C', 'unreachable'],
  11: [' !T', 'unreachable'],
  12: [' !T', 'unreachable'],
  13: [' !A', 'unreachable'],
  14: [' !V', 'unreachable'],
  15: [' !C', 'unreachable'],
};

/** musl strerror for the errors a send or connect can give here. */
const STRERROR: Record<string, string> = {
  ENETUNREACH: 'Network unreachable',
  EHOSTUNREACH: 'Host is unreachable',
  EMSGSIZE: 'Message too large',
  EPERM: 'Operation not permitted',
  ENOBUFS: 'No buffer space available',
  EACCES: 'Permission denied',
};

interface Options {
  readonly icmp: boolean;
  readonly showTtl: boolean;
  readonly numeric: boolean;
  readonly bypass: boolean;
  readonly verbose: boolean;
  /** -4 and -6: the address family asked of getaddrinfo (AF_UNSPEC without either; -6 wins over -4). */
  readonly family: 'any' | 'ipv4' | 'ipv6';
  readonly tos: string | undefined;
  readonly device: string | undefined;
  readonly source: string | undefined;
  readonly maxTtl: number;
  readonly port: number;
  readonly nprobes: number;
  readonly waitSec: number;
  readonly pauseMs: number;
  readonly firstTtl: number;
  readonly host: string;
  readonly bytes: string | undefined;
}

/** bb_error_msg_and_die's text, thrown to the command's top. */
class Die {
  constructor(readonly text: string) {}
}

/** xatou_range / xatoul_range: decimal digits only (no sign, no blank), within [lo, hi]. */
function xatouRange(text: string, lo: number, hi: number, max = 0xffffffff): number {
  if (!/^\d+$/.test(text)) throw new Die(`invalid number '${text}'`);
  const n = Number(text);
  // strtoul's ERANGE (past unsigned long, or unsigned int for xatou) is "invalid", not "out of range".
  if (!Number.isSafeInteger(n) || n > max) throw new Die(`invalid number '${text}'`);
  if (n < lo || n > hi) throw new Die(`number ${text} is not in ${lo}..${hi} range`);
  return n;
}

/** C's strtoul(s, &end, 0) over the digits at the start of `s`: the value and how many characters it took. */
function strtoul0(s: string): [number, number] {
  let base = 10;
  let i = 0;
  if (s[0] === '0' && (s[1] === 'x' || s[1] === 'X') && /[0-9a-fA-F]/.test(s[2] ?? '')) {
    base = 16;
    i = 2;
  } else if (s[0] === '0') base = 8;
  const start = i;
  let v = 0;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 16);
    if (Number.isNaN(d) || d >= base) break;
    v = v * base + d;
  }
  return [v, i === start && base !== 8 ? 0 : i];
}

/** musl's inet_aton: one to four parts, each in C's base 0, the last filling the remaining bytes. */
export function inetAton(text: string): Ipv4Address | undefined {
  const parts: number[] = [];
  let s = text;
  for (;;) {
    if (parts.length === 4 || !/^[0-9]/.test(s)) return undefined;
    const [v, used] = strtoul0(s);
    if (used === 0) return undefined;
    parts.push(v);
    const rest = s.slice(used);
    if (rest === '') break;
    if (rest[0] !== '.') return undefined;
    s = rest.slice(1);
  }
  const caps = [[0xffffffff], [0xff, 0xffffff], [0xff, 0xff, 0xffff], [0xff, 0xff, 0xff, 0xff]][parts.length - 1]!;
  if (parts.some((p, i) => p > caps[i]!)) return undefined;
  let a = 0;
  for (let i = 0; i < parts.length - 1; i++) a += parts[i]! * 2 ** (24 - 8 * i);
  return (a + parts[parts.length - 1]!) >>> 0;
}

/** getopt32(argv, "^" OPT_STRING "\0-1") on musl's getopt: options stop at the first operand. */
function parse(ctx: CommandContext): Options | number {
  const usage = (): number => {
    ctx.stderr(`${BANNER}\n${USAGE}`);
    return 1;
  };
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const argv = ctx.argv;
  let i = 1;
  outer: for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      const at = OPT_STRING.indexOf(c);
      if (at < 0 || c === ':') {
        ctx.stderr(`${argv[0]}: unrecognized option: ${c}\n`);
        return usage();
      }
      if (OPT_STRING[at + 1] === ':') {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) {
          ctx.stderr(`${argv[0]}: option requires an argument: ${c}\n`);
          return usage();
        }
        values.set(c, v);
        continue outer;
      }
      flags.add(c);
    }
  }
  const operands = argv.slice(i);
  if (operands.length < 1) return usage();
  try {
    // traceroute_init checks them in this order; -t waits until the sockets exist, HOST and BYTES until after these.
    const maxTtl = values.has('m') ? xatouRange(values.get('m')!, 1, 255) : 30;
    const port = values.has('p') ? xatouRange(values.get('p')!, 0, 0xffff) : 33434;
    const nprobes = values.has('q') ? xatouRange(values.get('q')!, 1, 0x7fffffff) : 3;
    const waitSec = values.has('w') ? xatouRange(values.get('w')!, 1, 24 * 60 * 60) : 5;
    const pauseMs = values.has('z') ? xatouRange(values.get('z')!, 0, 60 * 60 * 1000) : 0;
    const firstTtl = values.has('f') ? xatouRange(values.get('f')!, 1, maxTtl) : 1;
    return {
      icmp: flags.has('I'),
      showTtl: flags.has('l'),
      numeric: flags.has('n'),
      bypass: flags.has('r'),
      verbose: flags.has('v'),
      family: flags.has('6') ? 'ipv6' : flags.has('4') ? 'ipv4' : 'any',
      tos: values.get('t'),
      device: values.get('i'),
      source: values.get('s'),
      maxTtl,
      // -I: "port = 0" (sendto on an ICMP socket takes no port).
      port: flags.has('I') ? 0 : port,
      nprobes,
      waitSec,
      pauseMs,
      firstTtl,
      host: operands[0]!,
      bytes: operands[1],
    };
  } catch (e) {
    if (!(e instanceof Die)) throw e;
    ctx.stderr(`traceroute: ${e.text}\n`);
    return 1;
  }
}

/** xhost_and_af2sockaddr: an optional ":PORT" (which nothing here uses), inet_aton, then getaddrinfo (A and AAAA for
 * AF_UNSPEC, musl). */
async function hostAddress(m: Machine, text: string, family: Options['family']): Promise<Ipv4Address> {
  let host = text;
  const c = host.lastIndexOf(':');
  if (c >= 0 && host.indexOf(':') === c) {
    const portText = host.slice(c + 1);
    if (!/^\d*$/.test(portText) || Number(portText) > 0xffff) throw new Die(`bad port spec '${text}'`);
    host = host.slice(0, c);
  }
  if (family !== 'ipv6') {
    const a = inetAton(host);
    if (a !== undefined) return a;
  }
  if (host.includes(':')) throw new Die(`bad address '${text}'`);
  const r = await resolve(m, host, { aaaa: family !== 'ipv4' });
  if (family === 'ipv6' || r.status !== 'ok' || r.addresses.length === 0) throw new Die(`bad address '${text}'`);
  return r.addresses[0]!;
}

/** The raw ICMP socket's receive queue and poll() on it. */
class Receiver {
  private readonly queue: RawDatagram[] = [];
  private wake: (() => void) | undefined = undefined;

  constructor(
    private readonly m: Machine,
    sock: RawSocket,
  ) {
    sock.onDatagram = (d) => {
      this.queue.push(d);
      this.wake?.();
    };
  }

  /** poll(POLLIN, ms): true as soon as a datagram is queued, false when `ms` pass without one. */
  poll(ms: number, track: (h: EventHandle) => void): Promise<boolean> {
    if (this.queue.length > 0) return Promise.resolve(true);
    if (ms === 0) return Promise.resolve(false);
    return new Promise((res) => {
      const timer = this.m.ns.env.scheduler.schedule(ms * MILLISECOND, () => {
        this.wake = undefined;
        res(false);
      });
      track(timer);
      this.wake = () => {
        this.wake = undefined;
        timer.cancel();
        res(true);
      };
    });
  }

  read(): RawDatagram {
    return this.queue.shift()!;
  }
}

/** monotonic_us(): virtual time in whole microseconds, as the 32-bit unsigned busybox keeps. */
function monotonicUs(m: Machine): number {
  return Math.floor(m.ns.env.scheduler.now / MICROSECOND) >>> 0;
}

export function tracerouteCommand(machine: Machine): CommandImpl {
  return async (ctx) => {
    const o = parse(ctx);
    if (typeof o === 'number') return o;
    const run = new Run(machine, ctx, o);
    const killed = new Promise<number>((res) => {
      onInterrupt(ctx, () => {
        if (!run.alive) return;
        run.alive = false;
        res(128 + (ctx.signal?.signo ?? SIGINT));
      });
    });
    try {
      return await Promise.race([run.main(), killed]);
    } catch (e) {
      if (!(e instanceof Die)) throw e;
      if (run.alive) ctx.stderr(`traceroute: ${e.text}\n`);
      return 1;
    } finally {
      run.exit();
    }
  };
}

class Run {
  alive = true;
  private readonly timers = new Set<EventHandle>();
  private readonly closers: (() => void)[] = [];

  constructor(
    private readonly m: Machine,
    private readonly ctx: CommandContext,
    private readonly o: Options,
  ) {}

  private out(text: string): void {
    if (this.alive) this.ctx.stdout(text);
  }

  private track = (h: EventHandle): void => {
    this.timers.add(h);
  };

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => this.track(this.m.ns.env.scheduler.schedule(ms * MILLISECOND, res)));
  }

  exit(): void {
    this.alive = false;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    for (const c of this.closers.splice(0)) c();
  }

  async main(): Promise<number> {
    const { m, o } = this;
    const ns = m.ns;
    const dst = await hostAddress(m, o.host, o.family);
    const packlen = o.bytes !== undefined ? xatouRange(o.bytes, MIN_PACKLEN, MAX_PACKLEN, Number.MAX_SAFE_INTEGER) : MIN_PACKLEN;
    if (!this.alive) return 1;

    const rcv = ns.raw.open(PROTO_ICMP);
    this.closers.push(() => rcv.close());
    let udp: UdpSocket | undefined;
    let icmpSnd: RawSocket | undefined;
    if (o.icmp) {
      icmpSnd = ns.raw.open(PROTO_ICMP);
      this.closers.push(() => icmpSnd!.close());
    } else {
      udp = ns.udp.open();
      this.closers.push(() => udp!.close());
    }
    if (o.tos !== undefined) {
      const tos = xatouRange(o.tos, 0, 255);
      if (udp !== undefined) udp.tos = tos;
      if (icmpSnd !== undefined) icmpSnd.tos = tos;
    }
    // setsockopt_bindtodevice only complains (and traceroute goes on) when the device does not exist.
    if (o.device !== undefined && !ns.hasDevice(o.device)) this.ctx.stderr(`traceroute: can't bind to interface ${o.device}: No such device\n`);

    if (o.source !== undefined) {
      const src = await hostAddress(m, o.source, o.family);
      if (!this.alive) return 1;
      // IP_MULTICAST_IF with the source's sockaddr fails unless the address is this machine's (ip_dev_find).
      if (!ns.isLocalAddress(src)) throw new Die("can't set multicast source interface");
      if (udp !== undefined) udp.bind(src, 0);
      else icmpSnd!.bind(src);
    } else {
      // xconnect(sndsock, HOST:PORT) makes the kernel pick the source; the receive socket is bound to it.
      const route = ns.routeOutput(dst);
      let errno: string | undefined;
      if (route === undefined || (o.bypass && route.gateway !== undefined)) errno = 'ENETUNREACH';
      else if (route.type === 'broadcast') errno = 'EACCES';
      if (errno !== undefined) throw new Die(`can't connect to remote host (${formatIpv4(dst)}): ${STRERROR[errno]}`);
      if (udp !== undefined) {
        udp.bind(route!.src, 0);
        udp.connect(dst, o.port);
        rcv.bind(udp.localAddress);
      } else {
        icmpSnd!.connect(dst);
        rcv.bind(icmpSnd!.localAddress);
      }
    }

    const recv = new Receiver(m, rcv);
    const ident = o.icmp ? 1 + idStream(m).below(32767) : 0;
    let header = `traceroute to ${o.host} (${formatIpv4(dst)})`;
    if (o.source !== undefined) header += ` from ${o.source}`;
    this.out(`${header}, ${o.maxTtl} hops max, ${packlen} byte packets\n`);

    let seq = 0;
    let lastAddr: Ipv4Address | undefined;
    for (let ttl = o.firstTtl; ttl <= o.maxTtl; ttl++) {
      let unreachable = 0;
      let gotThere = false;
      this.out(String(ttl).padStart(2));
      for (let probe = 0; probe < o.nprobes; probe++) {
        if (probe !== 0 && o.pauseMs > 0) await this.sleep(o.pauseMs);
        if (!this.alive) return 130;
        seq++;
        const res = this.sendProbe(udp, icmpSnd, dst, seq, ttl, packlen, ident);
        if (!res.ok) throw new Die(`sendto: ${STRERROR[res.error] ?? res.error}`);
        const t1 = monotonicUs(m);
        let t2 = t1;
        let leftMs = o.waitSec * 1000;
        let got: { d: RawDatagram; data: Uint8Array; code: number } | undefined;
        for (;;) {
          // wait_for_reply: poll with what is left, then one recv; the wait shrinks by whole milliseconds.
          if (leftMs < 0 || !(await recv.poll(leftMs, this.track))) break;
          if (!this.alive) return 130;
          const d = recv.read();
          const t = monotonicUs(m);
          leftMs -= Math.floor(((t - t2) >>> 0) / 1000);
          t2 = t;
          const data = d.data.subarray(0, RECV_BUF);
          const code = this.packetOk(data, d, seq, ident);
          if (code !== 0) {
            got = { d, data, code };
            break;
          }
        }
        if (got === undefined) {
          this.out('  *');
          continue;
        }
        const from = got.d.from;
        if (probe === 0 || lastAddr !== from) {
          await this.printAddress(got.d, got.data.length);
          if (!this.alive) return 130;
          lastAddr = from;
        }
        const tt = (t2 - t1) >>> 0;
        this.out(`  ${Math.floor(tt / 1000)}.${String(tt % 1000).padStart(3, '0')} ms`);
        const outerTtl = got.data[8]!;
        if (o.showTtl) this.out(` (${outerTtl})`);
        if (got.code === -1) continue;
        const code = got.code - 1;
        if (code === ICMP_UNREACH_PORT) {
          if (outerTtl <= 1) this.out(' !');
          gotThere = true;
        } else if (code === ICMP_UNREACH_NEEDFRAG) {
          const hl = (got.data[0]! & 0x0f) * 4;
          this.out(` !F-${readU16(got.data, hl + 6)}`);
          unreachable++;
        } else {
          const mark = UNREACH_MARKS[code];
          this.out(mark !== undefined ? mark[0] : ` !<${code}>`);
          if (mark !== undefined && mark[1] === 'there') gotThere = true;
          else unreachable++;
        }
      }
      this.out('\n');
      if (gotThere || (unreachable > 0 && unreachable >= o.nprobes - 1)) break;
    }
    return 0;
  }

  /** send_probe: IP_TTL, then the outdata (seq, ttl, zeros) to PORT+seq, or in an echo request with -I. */
  private sendProbe(udp: UdpSocket | undefined, icmpSnd: RawSocket | undefined, dst: Ipv4Address, seq: number, ttl: number, packlen: number, ident: number): SendResult {
    if (udp !== undefined) {
      const data = new Uint8Array(packlen - IP_HLEN - L4_HLEN);
      data[0] = seq & 0xff;
      data[1] = ttl;
      udp.ttl = ttl;
      return udp.sendto(data, dst, (this.o.port + seq) & 0xffff);
    }
    const msg = new Uint8Array(packlen - IP_HLEN);
    msg[0] = ICMP_ECHO;
    msg[4] = ident >>> 8;
    msg[5] = ident & 0xff;
    msg[6] = (seq >>> 8) & 0xff;
    msg[7] = seq & 0xff;
    msg[8] = seq & 0xff;
    msg[9] = ttl;
    const c = checksum(msg) || 0xffff;
    msg[2] = c >>> 8;
    msg[3] = c & 0xff;
    icmpSnd!.ttl = ttl;
    return icmpSnd!.sendto(msg, dst);
  }

  /**
   * packet4_ok over the datagram as read (IP header first): -1 for a time exceeded in transit about probe `seq`,
   * code + 1 for an unreachable about it (ICMP_UNREACH_PORT + 1 for our echo reply with -I), 0 for anything else.
   */
  private packetOk(data: Uint8Array, d: RawDatagram, seq: number, ident: number): number {
    const hlen = (data[0]! & 0x0f) * 4;
    if (data.length < hlen + 8) {
      if (this.o.verbose) this.out(`packet too short (${data.length} bytes) from ${formatIpv4(d.from)}\n`);
      return 0;
    }
    const icp = data.subarray(hlen);
    const type = icp[0]!;
    const code = icp[1]!;
    const seq16 = seq & 0xffff;
    if (this.o.icmp && type === ICMP_ECHOREPLY && readU16(icp, 6) === seq16) {
      // a reply to another ping or traceroute of this machine is ignored silently
      return readU16(icp, 4) === ident ? ICMP_UNREACH_PORT + 1 : 0;
    }
    if ((type === ICMP_TIMXCEED && code === 0) || type === ICMP_UNREACH) {
      const hip = icp.subarray(8);
      const ihl = hip.length > 0 ? (hip[0]! & 0x0f) * 4 : 0;
      // busybox checks the lengths against the ICMP length; Linux quotes the whole probe, so the quote always holds
      // the ports or the echo header: the extra bound only keeps the reads inside the buffer.
      if (this.o.icmp) {
        if (ihl + 8 <= icp.length && hip.length >= ihl + 8 && hip[9] === PROTO_ICMP && readU16(hip, ihl + 4) === ident && readU16(hip, ihl + 6) === seq16) return type === ICMP_TIMXCEED ? -1 : code + 1;
      } else if (ihl + 12 <= icp.length && hip.length >= ihl + 4 && hip[9] === PROTO_UDP && readU16(hip, ihl + 2) === ((this.o.port + seq) & 0xffff)) {
        return type === ICMP_TIMXCEED ? -1 : code + 1;
      }
    }
    if (this.o.verbose) this.hexdump(icp, d);
    return 0;
  }

  /** hexdump_if_verbose. */
  private hexdump(icp: Uint8Array, d: RawDatagram): void {
    const type = icp[0]!;
    let text = `\n${icp.length} bytes from ${formatIpv4(d.from)} to ${formatIpv4(d.to)}: icmp type ${type} (${TYPE_NAMES[type] ?? 'OUT-OF-RANGE'}) code ${icp[1]!}\n`;
    for (let i = 0; i < icp.length; i++) {
      if ((i & 0xf) === 0) text += `${i === 0 ? '' : '\n'}${i.toString(16).padStart(4, '0')}:`;
      text += ` ${icp[i]!.toString(16).padStart(2, '0')}`;
    }
    this.out(`${text}\n`);
  }

  /** print(): "  ADDR" with -n, else "  NAME (ADDR)" from getnameinfo (numeric when there is no name); -v adds the
   * ICMP length and the local address it came to. */
  private async printAddress(d: RawDatagram, readLen: number): Promise<void> {
    const ina = formatIpv4(d.from);
    let text: string;
    if (this.o.numeric) text = `  ${ina}`;
    else {
      let name = ina;
      if (d.from !== 0) {
        const r = await reverse(this.m, d.from);
        if (r.status === 'ok' && r.name !== undefined) name = r.name;
      }
      text = `  ${name} (${ina})`;
    }
    if (this.o.verbose) text += ` ${readLen - (d.data[0]! & 0x0f) * 4} bytes to ${formatIpv4(d.to)}`;
    this.out(text);
  }
}
