// ping, as iputils 20221126 (gnu userlands: debian, ubuntu, the nodes) and busybox 1.36 (alpine, busybox) print it,
// over the namespace's ICMP datagram sockets (net/sockets/icmp-ping.ts). Round-trip times come from virtual time.
//
// iputils: seq from 1, the 16-byte timeval payload, "64 bytes from NAME (ADDR): icmp_seq=1 ttl=64 time=0.123 ms"
// (a reverse lookup per new address when the target was given by name), time with 3/2/1/0 decimals by size,
// "+N errors", "%g%% packet loss", "time Nms", "rtt min/avg/max/mdev", exit 1 without replies, 2 when the name does
// not resolve. busybox: seq from 0, a 4-byte timestamp then zeros, "seq=0", integer loss, "round-trip
// min/avg/max", "ping: bad address 'X'". After the last request both wait -W (10 s) when nothing came back yet,
// else about two round trips (iputils) or 1 s (busybox) for the missing replies.

import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Machine } from '../../docker/machine.ts';
import { payload } from '../../net/sockets/ping.ts';
import type { EchoReply, PingError } from '../../net/sockets/icmp-ping.ts';
import type { PmtuDisc } from '../../net/contracts.ts';
import { MICROSECOND, MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { onInterrupt, parseShort, resolve, reverse, wallNs } from './common.ts';

/** Without -c or -w and with no way to interrupt the command, stop after this many requests. */
const UNBOUNDED_CAP = 100;

interface Options {
  count: number | undefined;
  interval: Time;
  linger: Time;
  deadline: Time | undefined;
  size: number;
  quiet: boolean;
  pmtudisc: PmtuDisc;
  ttl: number | undefined;
  numeric: boolean;
  target: string;
}

function seconds(v: string): number | undefined {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function parse(ctx: CommandContext, gnu: boolean): Options | number {
  const bad = (o: string, kind: 'invalid' | 'missing'): void => {
    if (gnu) ctx.stderr(kind === 'invalid' ? `ping: invalid option -- '${o}'\n` : `ping: option requires an argument -- '${o}'\n`);
    else ctx.stderr(kind === 'invalid' ? `ping: invalid option -- '${o}'\n` : `ping: option requires an argument -- '${o}'\n`);
  };
  const p = parseShort(ctx.argv.slice(1), gnu ? 'c:i:W:w:s:qM:t:n46vDOI:' : 'c:i:W:w:s:qt:46I:A', bad);
  if (p === null) return gnu ? 2 : 1;
  const f = p.flags;
  const num = (k: string, min: number, max: number): number | undefined | null => {
    const v = f.get(k);
    if (v === undefined || v === true) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.stderr(gnu ? `ping: invalid argument: '${v}'\n` : `ping: invalid number '${v}'\n`);
      return null;
    }
    return n;
  };
  const count = num('c', 1, 0x7fffffff);
  const size = num('s', 0, 65507);
  const ttl = num('t', 1, 255);
  if (count === null || size === null || ttl === null) return gnu ? 1 : 1;
  const secOpt = (k: string): number | undefined | null => {
    const v = f.get(k);
    if (v === undefined || v === true) return undefined;
    const n = seconds(v);
    if (n === undefined) {
      ctx.stderr(gnu ? `ping: bad timing interval: ${v}\n` : `ping: invalid number '${v}'\n`);
      return null;
    }
    return n;
  };
  const interval = secOpt('i');
  const linger = secOpt('W');
  const deadline = secOpt('w');
  if (interval === null || linger === null || deadline === null) return gnu ? 1 : 1;
  let pmtudisc: PmtuDisc = 'want';
  const m = f.get('M');
  if (typeof m === 'string') {
    if (m === 'do' || m === 'dont' || m === 'want') pmtudisc = m;
    else {
      ctx.stderr(`ping: invalid -M argument: ${m}\n`);
      return 2;
    }
  }
  const target = p.args[p.args.length - 1];
  if (target === undefined) {
    if (gnu) ctx.stderr('ping: usage error: Destination address required\n');
    else ctx.stderr('BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n');
    return gnu ? 1 : 1;
  }
  return {
    count,
    interval: Math.round((interval ?? 1) * SECOND),
    linger: Math.round((linger ?? 10) * SECOND),
    deadline: deadline === undefined ? undefined : Math.round(deadline * SECOND),
    size: size ?? 56,
    quiet: f.has('q'),
    pmtudisc,
    ttl,
    numeric: f.has('n'),
    target,
  };
}

/** µs as iputils prints one reply's time. */
function iputilsTime(us: number): string {
  if (us >= 100000 - 50) return `${Math.floor((us + 500) / 1000)}`;
  if (us >= 10000 - 5) return `${Math.floor((us + 50) / 1000)}.${Math.floor(((us + 50) % 1000) / 100)}`;
  if (us >= 1000) return `${Math.floor((us + 5) / 1000)}.${String(Math.floor(((us + 5) % 1000) / 10)).padStart(2, '0')}`;
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

function ms3(us: number): string {
  return `${Math.floor(us / 1000)}.${String(Math.floor(us) % 1000).padStart(3, '0')}`;
}

/** printf("%g") of a float percentage (6 significant digits, trailing zeros dropped). */
function percentG(x: number): string {
  const f = Math.fround(x);
  if (f === 0) return '0';
  let s = f.toPrecision(6);
  if (s.includes('e')) return s;
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function isqrt(v: number): number {
  if (v <= 0) return 0;
  let x = Math.floor(Math.sqrt(v));
  while (x * x > v) x--;
  while ((x + 1) * (x + 1) <= v) x++;
  return x;
}

export function pingCommand(machine: Machine): CommandImpl {
  return (ctx) => runPing(machine, ctx);
}

async function runPing(m: Machine, ctx: CommandContext): Promise<number> {
  const gnu = m.userland !== 'busybox';
  const o = parse(ctx, gnu);
  if (typeof o === 'number') return o;
  const sched = m.ns.env.scheduler;

  // Name resolution: A only for iputils (AI_ADDRCONFIG, no IPv6 here); A and AAAA for busybox on musl.
  const r = await resolve(m, o.target, { aaaa: !gnu });
  if (r.status !== 'ok' || r.addresses.length === 0) {
    if (!gnu) {
      ctx.stderr(`ping: bad address '${o.target}'\n`);
      return 1;
    }
    const why = r.status === 'nodata' ? 'No address associated with hostname' : r.status === 'nxdomain' ? 'Name or service not known' : 'Temporary failure in name resolution';
    ctx.stderr(`ping: ${o.target}: ${why}\n`);
    return 2;
  }
  const dst = r.addresses[0]!;
  const byName = r.source !== 'numeric';
  const dstText = formatIpv4(dst);
  if (gnu) ctx.stdout(`PING ${byName ? r.canonical : dstText} (${dstText}) ${o.size}(${o.size + 28}) bytes of data.\n`);
  else ctx.stdout(`PING ${o.target} (${dstText}): ${o.size} data bytes\n`);

  const sock = m.ns.ping.open();
  sock.pmtudisc = o.pmtudisc;
  if (o.ttl !== undefined) sock.ttl = o.ttl;
  const start = sched.now;
  // iputils reports the time up to its last activity (rts->cur_time: the last send or receive), not the signal.
  let lastActivity = start;
  const sentAt = new Map<number, Time>();
  const answered = new Set<number>();
  let transmitted = 0;
  let received = 0;
  let duplicates = 0;
  let errors = 0;
  let pipe = 0;
  let tmin = Infinity;
  let tmax = 0;
  let tsum = 0;
  let tsum2 = 0;
  let seq = gnu ? 0 : -1;
  let next: EventHandle | undefined;
  let lingerTimer: EventHandle | undefined;
  let deadlineTimer: EventHandle | undefined;
  const interruptible = onInterrupt(ctx, () => finish());
  const limit = o.count ?? (o.deadline === undefined && !interruptible ? UNBOUNDED_CAP : Infinity);
  let finished = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((res) => (resolveDone = res));
  // Lines are printed in order, and a reply line may wait for a reverse lookup (iputils by name).
  let printing: Promise<void> = Promise.resolve();
  const emit = (line: () => Promise<string | undefined> | string | undefined): void => {
    printing = printing.then(async () => {
      const l = await line();
      if (l !== undefined && !o.quiet) ctx.stdout(l);
    });
  };
  const names = new Map<Ipv4Address, Promise<string>>();
  const fromText = (a: Ipv4Address): Promise<string> | string => {
    if (!gnu || !byName || o.numeric) return formatIpv4(a);
    let p = names.get(a);
    if (p === undefined) {
      p = reverse(m, a).then((x) => `${x.status === 'ok' && x.name !== undefined ? x.name : formatIpv4(a)} (${formatIpv4(a)})`);
      names.set(a, p);
    }
    return p;
  };

  function finish(): void {
    if (finished) return;
    finished = true;
    next?.cancel();
    lingerTimer?.cancel();
    deadlineTimer?.cancel();
    sock.close();
    resolveDone();
  }
  const maybeFinish = (): void => {
    if (o.count !== undefined && received + errors >= o.count) finish();
    else if (o.count === undefined && o.deadline === undefined && received + errors >= limit) finish();
  };
  const armLinger = (): void => {
    lingerTimer?.cancel();
    let wait: Time;
    if (received === 0) wait = o.linger;
    else if (gnu) wait = Math.max(2 * tmax * MICROSECOND, MILLISECOND);
    else wait = Math.max(1, Math.floor(tmax / (512 * 1024))) * SECOND;
    lingerTimer = sched.schedule(wait, finish);
  };

  sock.onReply = (rep: EchoReply) => {
    if (finished || !sentAt.has(rep.seq)) return;
    lastActivity = sched.now;
    const us = Math.floor((rep.at - sentAt.get(rep.seq)!) / MICROSECOND);
    const dup = answered.has(rep.seq);
    if (dup) duplicates++;
    else {
      answered.add(rep.seq);
      received++;
      tmin = Math.min(tmin, us);
      tmax = Math.max(tmax, us);
      tsum += us;
      tsum2 += us * us;
    }
    const bytes = rep.data.length + 8;
    const s = rep.seq;
    const ttl = rep.ttl;
    const from = rep.from;
    if (gnu) emit(async () => `${bytes} bytes from ${await fromText(from)}: icmp_seq=${s} ttl=${ttl} time=${iputilsTime(us)} ms${dup ? ' (DUP!)' : ''}\n`);
    else emit(() => `${bytes} bytes from ${formatIpv4(from)}: seq=${s} ttl=${ttl} time=${ms3(us)} ms${dup ? ' (DUP!)' : ''}\n`);
    maybeFinish();
  };
  sock.onError = (e: PingError) => {
    if (finished || !gnu) return; // busybox ignores ICMP errors (raw socket, not -v)
    lastActivity = sched.now;
    errors++;
    const text = e.type === 3 ? unreachText(e.code, e.mtu) : e.type === 11 ? (e.code === 0 ? 'Time to live exceeded' : 'Frag reassembly time exceeded') : `Bad ICMP type: ${e.type}`;
    emit(() => `From ${formatIpv4(e.from)} icmp_seq=${e.seq} ${text}\n`);
    maybeFinish();
  };

  const sendOne = (): void => {
    next = undefined;
    if (finished) return;
    seq++;
    lastActivity = sched.now;
    const data = gnu ? payload(o.size, wallNs(m)) : busyboxPayload(o.size, sched.now);
    sentAt.set(seq & 0xffff, sched.now);
    const res = sock.sendEcho(dst, seq & 0xffff, data);
    transmitted++;
    pipe = Math.max(pipe, transmitted - received - errors);
    if (!res.ok) {
      if (gnu) {
        errors++;
        const msg = res.error === 'EMSGSIZE' ? `ping: local error: message too long, mtu=${res.mtu ?? 0}\n` : res.error === 'ENETUNREACH' ? 'ping: connect: Network is unreachable\n' : `ping: sendmsg: ${res.error}\n`;
        if (res.error === 'ENETUNREACH' && transmitted === 1) {
          transmitted = 0;
          ctx.stderr(msg);
          exitCode = 2;
          finish();
          return;
        }
        emit(() => {
          ctx.stderr(msg);
          return undefined;
        });
      } else {
        const msg = res.error === 'EMSGSIZE' ? 'ping: sendto: Message too long\n' : 'ping: sendto: Network unreachable\n';
        ctx.stderr(msg);
        exitCode = 1;
        finish();
        return;
      }
    }
    maybeFinish();
    if (finished) return;
    if (transmitted < limit) next = sched.schedule(o.interval, sendOne);
    else if (o.deadline === undefined) armLinger();
  };
  let exitCode: number | undefined;
  if (o.deadline !== undefined) deadlineTimer = sched.schedule(o.deadline, finish);
  sendOne();
  await done;
  await printing;
  if (exitCode !== undefined && transmitted === 0) return exitCode;
  if (exitCode !== undefined && !gnu) return exitCode;

  const elapsedMs = Math.floor((lastActivity - start) / MICROSECOND / 1000 + 0.5);
  if (gnu) {
    let line = `${transmitted} packets transmitted, ${received} received`;
    if (duplicates) line += `, +${duplicates} duplicates`;
    if (errors) line += `, +${errors} errors`;
    if (transmitted) line += `, ${percentG(((transmitted - received) * 100) / transmitted)}% packet loss, time ${elapsedMs}ms`;
    ctx.stdout(`\n--- ${byName ? r.canonical : dstText} ping statistics ---\n${line}\n`);
    let comma = '';
    let tail = '';
    if (received > 0) {
      const total = received + duplicates;
      const avg = Math.floor(tsum / total);
      const variance = tsum < 0x7fffffff ? Math.floor((tsum2 - Math.floor((tsum * tsum) / total)) / total) : Math.floor(tsum2 / total) - avg * avg;
      const mdev = isqrt(variance);
      tail += `rtt min/avg/max/mdev = ${ms3(tmin)}/${ms3(avg)}/${ms3(tmax)}/${ms3(mdev)} ms`;
      comma = ', ';
    }
    if (pipe > 1) tail += `${comma}pipe ${pipe}`;
    ctx.stdout(`${tail}\n`);
    return received === 0 || (o.deadline !== undefined && o.count !== undefined && received < o.count) ? 1 : 0;
  }
  let line = `${transmitted} packets transmitted, ${received} packets received, `;
  if (duplicates) line += `${duplicates} duplicates, `;
  line += `${transmitted ? Math.floor(((transmitted - received) * 100) / transmitted) : 0}% packet loss`;
  ctx.stdout(`\n--- ${o.target} ping statistics ---\n${line}\n`);
  if (received > 0) {
    const avg = Math.floor(tsum / (received + duplicates));
    ctx.stdout(`round-trip min/avg/max = ${ms3(tmin)}/${ms3(avg)}/${ms3(tmax)} ms\n`);
  }
  return received === 0 ? 1 : 0;
}

function unreachText(code: number, mtu: number): string {
  const texts: Record<number, string> = {
    0: 'Destination Net Unreachable',
    1: 'Destination Host Unreachable',
    2: 'Destination Protocol Unreachable',
    3: 'Destination Port Unreachable',
    4: `Frag needed and DF set (mtu = ${mtu})`,
    5: 'Source Route Failed',
    9: 'Destination Net Prohibited',
    10: 'Destination Host Prohibited',
    13: 'Communication prohibited by filter',
  };
  return texts[code] ?? `Dest Unreachable, Bad Code: ${code}`;
}

/** busybox sendping4: the data is the pattern (0), its first 4 bytes the send time in µs (monotonic_us). */
function busyboxPayload(size: number, t: Time): Uint8Array {
  const d = new Uint8Array(size);
  if (size >= 4) new DataView(d.buffer).setUint32(0, Math.floor(t / MICROSECOND) >>> 0, true);
  return d;
}
