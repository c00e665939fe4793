// busybox 1.36's netstat (networking/netstat.c, as Alpine builds it: IPv6, -W and -p on, -r from route.c), over
// the machine's socket table (socket-table.ts) instead of /proc/net/{tcp,tcp6,udp,udp6,raw,raw6,unix}:
//
// - options "laentuwxrWp" (getopt32; musl's getopt reports "unrecognized option: X", then the usage, status 1):
//   connected sockets by default, -l only listeners, -a both; -t/-u/-w/-x choose tables (all four without);
//   -e is accepted and changes nothing but the -r format, as in busybox; -W widens the address columns to 51;
// - "Active Internet connections (only servers)", "(servers and established)" or "(w/o servers)", then
//   "Proto Recv-Q Send-Q %-23s %-23s State       " with "PID/Program name    " after it for -p; each socket as
//   "%s   %6lu %6lu %-23s %-23s %-12s", then for -p "%.20s" of "PID/name" (19 characters at most, the base name
//   of /proc/PID/cmdline's first string, "-" when no process of this PID namespace holds it): a listener is not
//   "connected" (no remote port), a UDP socket is when it has a remote address;
// - TCP states as /proc names them (ESTABLISHED, SYN_RECV, FIN_WAIT1, TIME_WAIT ...), UDP "" or ESTABLISHED;
//   Recv-Q/Send-Q are /proc's rx_queue/tx_queue (a listener's accept queue and 0);
// - addresses: numeric with -n, else getnameinfo (the machine's /etc/hosts, then a PTR query through its musl or
//   glibc resolver, numeric when that fails) for every address of every line, as busybox calls it each time; ports
//   by /etc/services without -n, "*" for port 0; IPv6 as getnameinfo prints it (":::8080", ":::*"), never looked up
//   (the lab has no IPv6 to ask over). Nothing truncates: a long name pushes the next column right;
// - the Unix table prints its header only (the lab models no Unix sockets), raw tables are empty (no raw sockets
//   outlive a ping);
// - -r: "Kernel IP routing table" in netstat's format (MSS Window irtt, all 0), addresses as `route` prints them.

import { formatIpv4, prefixMask } from '../../common/wire/ipv4-address.ts';
import type { Machine } from '../../docker/machine.ts';
import type { SocketOwner } from '../../net/sockets/owner.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { reverse } from './common.ts';
import { sortedRoutes } from './ip.ts';
import { servicesOf, tcpSockets, udpSockets, type KernelState, type ServiceLookup, type SocketEntry } from './socket-table.ts';

const USAGE = `BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.

Usage: netstat [-ral] [-tuwx] [-enWp]

Display networking information

\t-r\tRouting table
\t-a\tAll sockets
\t-l\tListening sockets
\t\tElse: connected sockets
\t-t\tTCP sockets
\t-u\tUDP sockets
\t-w\tRaw sockets
\t-x\tUnix sockets
\t\tElse: all socket types
\t-e\tOther/more information
\t-n\tDon't resolve names
\t-W\tWide display
\t-p\tShow PID/program name for sockets
`;

const OPTIONS = 'laentuwxrWp';
const ADDR_NORMAL_WIDTH = 23;
const ADDR_WIDE = 51;
/** PROGNAME_WIDTH: the cache keeps 19 characters and a NUL, the line prints at most 20. */
const PROGNAME_WIDTH = 20;
const PROGNAME_BANNER = 'PID/Program name    ';

interface Flags {
  connected: boolean;
  listening: boolean;
  numeric: boolean;
  tcp: boolean;
  udp: boolean;
  raw: boolean;
  unix: boolean;
  route: boolean;
  extended: boolean;
  wide: boolean;
  prg: boolean;
}

function parse(ctx: CommandContext): Flags | undefined {
  const seen = new Set<string>();
  for (const a of ctx.argv.slice(1)) {
    if (a === '--') break;
    if (!a.startsWith('-') || a === '-') continue;
    for (const c of a.slice(1)) {
      if (!OPTIONS.includes(c)) {
        ctx.stderr(`netstat: unrecognized option: ${c}\n${USAGE}`);
        return undefined;
      }
      seen.add(c);
    }
  }
  const f: Flags = {
    connected: true,
    listening: false,
    numeric: seen.has('n'),
    tcp: seen.has('t'),
    udp: seen.has('u'),
    raw: seen.has('w'),
    unix: seen.has('x'),
    route: seen.has('r'),
    extended: seen.has('e'),
    wide: seen.has('W'),
    prg: seen.has('p'),
  };
  if (seen.has('l')) {
    f.connected = false;
    f.listening = true;
  }
  if (seen.has('a')) f.connected = f.listening = true;
  // No table chosen: all of them.
  if (!f.tcp && !f.udp && !f.raw && !f.unix) f.tcp = f.udp = f.raw = f.unix = true;
  return f;
}

function title(f: Flags): string {
  if (f.connected && f.listening) return '(servers and established)';
  return f.listening ? '(only servers)' : '(w/o servers)';
}

/** prg_cache_get: the first holder /proc's walk meets (lowest PID, then lowest descriptor), "PID/argv0-base". */
function progName(owners: readonly SocketOwner[]): string {
  if (owners.length === 0) return '-';
  const first = [...owners].sort((a, b) => a.process.pid - b.process.pid || a.fd - b.fd)[0]!;
  const cmd = first.process.cmdline0;
  return `${first.process.pid}/${cmd.slice(cmd.lastIndexOf('/') + 1)}`.slice(0, PROGNAME_WIDTH - 1);
}

function udpState(s: KernelState): string {
  return s === 'ESTABLISHED' ? 'ESTABLISHED' : s === 'CLOSE' ? '' : 'UNKNOWN';
}

/** ip_port_str: "host:port" with the host from getnameinfo (or numeric) and the port from /etc/services. */
async function ipPort(m: Machine, f: Flags, services: ServiceLookup, proto: 'tcp' | 'udp', family: 4 | 6, text: string, addr: number | undefined, port: number): Promise<string> {
  let host = text;
  if (!f.numeric && family === 4 && addr !== undefined) {
    const r = await reverse(m, addr);
    if (r.status === 'ok' && r.name !== undefined) host = r.name;
  }
  const serv = port === 0 ? '*' : ((f.numeric ? undefined : services(port, proto)) ?? String(port));
  return `${host}:${serv}`;
}

async function printInet(ctx: CommandContext, m: Machine, f: Flags, services: ServiceLookup, entries: readonly SocketEntry[]): Promise<void> {
  const width = f.wide ? ADDR_WIDE : ADDR_NORMAL_WIDTH;
  for (const e of entries) {
    const connected = e.proto === 'tcp' ? e.remotePort !== 0 : e.remoteAddress !== '0.0.0.0' && e.remoteAddress !== '::';
    if (!(connected ? f.connected : f.listening)) continue;
    const l = await ipPort(m, f, services, e.proto, e.family, e.localAddress, e.local4, e.localPort);
    const r = await ipPort(m, f, services, e.proto, e.family, e.remoteAddress, e.remote4, e.remotePort);
    const state = e.proto === 'tcp' ? e.state : udpState(e.state);
    let line = `${e.proto}   ${String(e.procRecvQ).padStart(6)} ${String(e.procSendQ).padStart(6)} ${l.padEnd(width)} ${r.padEnd(width)} ${state.padEnd(12)}`;
    if (f.prg) line += progName(e.owners).slice(0, PROGNAME_WIDTH);
    ctx.stdout(`${line}\n`);
  }
}

/** bb_displayroutes(noresolve, netstatfmt): the main table's unicast routes. */
function printRoutes(ctx: CommandContext, m: Machine, f: Flags): void {
  ctx.stdout(`Kernel IP routing table\nDestination     Gateway         Genmask         Flags ${f.extended ? 'Metric Ref    Use' : '  MSS Window  irtt'} Iface\n`);
  for (const r of sortedRoutes(m.ns, 'main')) {
    if (r.type !== 'unicast' || r.dev === undefined) continue;
    const dst = f.numeric || r.dst !== 0 ? formatIpv4(r.dst) : 'default';
    const gw = r.gateway !== undefined && r.gateway !== 0 ? formatIpv4(r.gateway) : f.numeric ? '0.0.0.0' : '*';
    let flags = 'U';
    if (r.gateway !== undefined) flags += 'G';
    if (r.prefixLength === 32) flags += 'H';
    const head = `${dst.slice(0, 15).padEnd(15)} ${gw.slice(0, 15).padEnd(15)} ${formatIpv4(prefixMask(r.prefixLength)).padEnd(16)}${flags.padEnd(6)}`;
    ctx.stdout(f.extended ? `${head}${String(r.metric).padEnd(6)} ${'0'.padEnd(2)} ${'0'.padStart(7)} ${r.dev.name}\n` : `${head}${'0'.padStart(5)} ${'0'.padEnd(5)} ${'0'.padStart(6)} ${r.dev.name}\n`);
  }
}

export function netstatCommand(machine: Machine): CommandImpl {
  return async (ctx) => {
    const f = parse(ctx);
    if (f === undefined) return 1;
    if (f.route) {
      printRoutes(ctx, machine, f);
      return 0;
    }
    const services = servicesOf(machine);
    const banner = f.prg ? PROGNAME_BANNER : '';
    const width = f.wide ? ADDR_WIDE : ADDR_NORMAL_WIDTH;
    if (f.tcp || f.udp || f.raw) {
      ctx.stdout(`Active Internet connections ${title(f)}\nProto Recv-Q Send-Q ${'Local Address'.padEnd(width)} ${'Foreign Address'.padEnd(width)} State       ${banner}\n`);
    }
    // /proc/net/tcp, tcp6, udp, udp6, raw, raw6 in turn.
    if (f.tcp) {
      const tcp = tcpSockets(machine);
      await printInet(ctx, machine, f, services, tcp.filter((e) => e.family === 4));
      await printInet(ctx, machine, f, services, tcp.filter((e) => e.family === 6));
    }
    if (f.udp) await printInet(ctx, machine, f, services, udpSockets(machine));
    if (f.unix) ctx.stdout(`Active UNIX domain sockets ${title(f)}\nProto RefCnt Flags       Type       State         I-Node ${banner}Path\n`);
    return 0;
  };
}
