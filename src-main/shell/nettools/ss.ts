// iproute2 6.1's ss (misc/ss.c) for the Internet sockets of the machine's namespace (socket-table.ts), as it prints
// them through its column buffer:
//
// - tables and states as main() and the filter defaults decide: -t, -u, -w, -x, -4, -6 and -A choose tables
//   (all without); connected states by default (SS_CONN: no LISTEN, UNCONN, TIME-WAIT nor SYN-RECV), -l listening
//   and unconnected only, -a all, `state S`/`exclude S` after the options; UDP's default is ESTAB only;
// - columns Netid (only when several tables are shown), State (only when several states can be), Recv-Q and
//   Send-Q ("%-6d"), "Local Address:" right-aligned with its Port left-aligned, the same for the peer, then
//   "Process" holding ` users:(("comm",pid=N,fd=M),...)` for -p (holders of the tool's PID namespace, the last one
//   found by the walk of /proc first: highest PID first); each field is a token and render() sizes the columns
//   from the longest token of each (the header's included; the last line's Process token, never flushed, not
//   counted). The lab's consoles report no terminal size (ss's TIOCGWINSZ fails), so the layout is the compact one:
//   a column as wide as its longest token plus its one-space delimiter, no spreading over a screen width;
// - names: services from /etc/services unless -n, never for ports in ip_local_port_range ("useless crap would be
//   allocated to this area"); hosts only with -r (gethostbyaddr over the resolver, each address once); "*" for port
//   0; IPv6 `::` bound v6-only as "[::]";
// - queues as inet_diag reports them: a listener's accept queue and backlog, a connection's unread and unacknowledged
//   bytes, 0 and 0 for TIME-WAIT, SYN-RECV and UDP.
// - a filter expression after the states (ss-filter.ts: sport, dport, src, dst).
// Not modelled: Unix, raw, netlink and packet sockets (the lab has none to list), -s, and the extra detail of -e,
// -o, -i and -m (accepted; the lines print without it).

import type { Machine } from '../../docker/machine.ts';
import type { SocketOwner } from '../../net/sockets/owner.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { reverse } from './common.ts';
import { FilterError, parseFilter } from './ss-filter.ts';
import { servicePortOf, servicesOf, tcpSockets, udpSockets, type KernelState, type SocketEntry } from './socket-table.ts';

const VERSION = 'ss utility, iproute2-6.1.0\n';

const USAGE = `Usage: ss [ OPTIONS ]
       ss [ OPTIONS ] [ FILTER ]
   -h, --help          this message
   -V, --version       output version information
   -n, --numeric       don't resolve service names
   -r, --resolve       resolve host names
   -a, --all           display all sockets
   -l, --listening     display listening sockets
   -o, --options       show timer information
   -e, --extended      show detailed socket information
   -m, --memory        show socket memory usage
   -p, --processes     show process using socket
   -T, --threads       show thread using socket
   -i, --info          show internal TCP information
       --tipcinfo      show internal tipc socket information
   -s, --summary       show socket usage summary
       --tos           show tos and priority information
       --cgroup        show cgroup information
   -b, --bpf           show bpf filter socket information
   -E, --events        continually display sockets as they are destroyed
   -Z, --context       display task SELinux security contexts
   -z, --contexts      display task and socket SELinux security contexts
   -N, --net           switch to the specified network namespace name

   -4, --ipv4          display only IP version 4 sockets
   -6, --ipv6          display only IP version 6 sockets
   -0, --packet        display PACKET sockets
   -t, --tcp           display only TCP sockets
   -M, --mptcp         display only MPTCP sockets
   -S, --sctp          display only SCTP sockets
   -u, --udp           display only UDP sockets
   -d, --dccp          display only DCCP sockets
   -w, --raw           display only RAW sockets
   -x, --unix          display only Unix domain sockets
       --tipc          display only TIPC sockets
       --vsock         display only vsock sockets
       --xdp           display only XDP sockets
   -f, --family=FAMILY display sockets of type FAMILY
       FAMILY := {inet|inet6|link|unix|netlink|vsock|tipc|xdp|help}

   -K, --kill          forcibly close sockets, display what was closed
   -H, --no-header     Suppress header line
   -O, --oneline       socket's data printed on a single line
       --inet-sockopt  show various inet socket options

   -A, --query=QUERY, --socket=QUERY
       QUERY := {all|inet|tcp|mptcp|udp|raw|unix|unix_dgram|unix_stream|unix_seqpacket|packet|packet_raw|packet_dgram|netlink|dccp|sctp|vsock_stream|vsock_dgram|tipc|xdp}[,QUERY]

   -D, --diag=FILE     Dump raw information about TCP sockets to FILE
   -F, --filter=FILE   read filter information from FILE
       FILTER := [ state STATE-FILTER ] [ EXPRESSION ]
       STATE-FILTER := {all|connected|synchronized|bucket|big|TCP-STATES}
         TCP-STATES := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|closed|close-wait|last-ack|listening|closing}
          connected := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}
       synchronized := {established|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}
             bucket := {syn-recv|time-wait}
                big := {established|syn-sent|fin-wait-{1,2}|closed|close-wait|last-ack|listening|closing}
`;

// ---------------------------------------------------------------------------------------------------- states

/** The SS_* states in ss.c's order (bit i = state i). */
const SS_NAMES: readonly string[] = ['UNKNOWN', 'ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'UNCONN', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING'];
const SS_LONG: readonly string[] = ['UNKNOWN', 'established', 'syn-sent', 'syn-recv', 'fin-wait-1', 'fin-wait-2', 'time-wait', 'unconnected', 'close-wait', 'last-ack', 'listening', 'closing'];
const SS_INDEX: Readonly<Record<KernelState, number>> = {
  ESTABLISHED: 1,
  SYN_SENT: 2,
  SYN_RECV: 3,
  FIN_WAIT1: 4,
  FIN_WAIT2: 5,
  TIME_WAIT: 6,
  CLOSE: 7,
  CLOSE_WAIT: 8,
  LAST_ACK: 9,
  LISTEN: 10,
  CLOSING: 11,
};
const bit = (i: number): number => 1 << i;
const SS_ALL = bit(12) - 1;
const SS_CONN = SS_ALL & ~(bit(10) | bit(7) | bit(6) | bit(3));

/** scan_state: a state name of `state`/`exclude`, or undefined (ss: wrong state name). */
function scanState(name: string): number | undefined {
  const n = name.toLowerCase();
  if (n === 'close' || n === 'closed') return bit(7);
  if (n === 'syn-rcv') return bit(3);
  if (n === 'established') return bit(1);
  if (n === 'all') return SS_ALL;
  if (n === 'connected') return SS_ALL & ~(bit(7) | bit(10));
  if (n === 'synchronized') return SS_ALL & ~(bit(7) | bit(10) | bit(2));
  if (n === 'bucket') return bit(3) | bit(6);
  if (n === 'big') return SS_ALL & ~(bit(3) | bit(6));
  const i = SS_LONG.indexOf(n);
  return i >= 0 ? bit(i) : undefined;
}

// ---------------------------------------------------------------------------------------------------- tables

/** The socket tables of ss.c (the "dbs"); only tcp and udp have sockets in the lab. */
type Db = 'tcp' | 'mptcp' | 'dccp' | 'udp' | 'raw' | 'unix_dgram' | 'unix_stream' | 'unix_seqpacket' | 'packet_dgram' | 'packet_raw' | 'netlink' | 'sctp' | 'vsock_stream' | 'vsock_dgram' | 'tipc' | 'xdp';
type Family = 'inet' | 'inet6' | 'unix' | 'packet' | 'netlink' | 'vsock' | 'tipc' | 'xdp';

const DB_DEFAULTS: Readonly<Record<Db, { states: number; families: readonly Family[] }>> = {
  tcp: { states: SS_CONN, families: ['inet', 'inet6'] },
  mptcp: { states: SS_CONN, families: ['inet', 'inet6'] },
  dccp: { states: SS_CONN, families: ['inet', 'inet6'] },
  udp: { states: bit(1), families: ['inet', 'inet6'] },
  raw: { states: bit(1), families: ['inet', 'inet6'] },
  unix_dgram: { states: bit(7), families: ['unix'] },
  unix_stream: { states: SS_CONN, families: ['unix'] },
  unix_seqpacket: { states: SS_CONN, families: ['unix'] },
  packet_dgram: { states: bit(7), families: ['packet'] },
  packet_raw: { states: bit(7), families: ['packet'] },
  netlink: { states: bit(7), families: ['netlink'] },
  sctp: { states: SS_CONN, families: ['inet', 'inet6'] },
  vsock_stream: { states: SS_CONN, families: ['vsock'] },
  vsock_dgram: { states: SS_CONN, families: ['vsock'] },
  tipc: { states: bit(1) | bit(10) | bit(7), families: ['tipc'] },
  xdp: { states: bit(7), families: ['xdp'] },
};

const INET_DBS: readonly Db[] = ['tcp', 'mptcp', 'udp', 'dccp', 'sctp', 'raw'];
const FAMILY_DEFAULTS: Readonly<Record<Family, { dbs: readonly Db[]; states: number }>> = {
  inet: { dbs: INET_DBS, states: SS_CONN },
  inet6: { dbs: INET_DBS, states: SS_CONN },
  unix: { dbs: ['unix_stream', 'unix_dgram', 'unix_seqpacket'], states: SS_CONN },
  packet: { dbs: ['packet_dgram', 'packet_raw'], states: bit(7) },
  netlink: { dbs: ['netlink'], states: bit(7) },
  vsock: { dbs: ['vsock_stream', 'vsock_dgram'], states: SS_CONN },
  tipc: { dbs: ['tipc'], states: bit(1) | bit(10) | bit(7) },
  xdp: { dbs: ['xdp'], states: bit(7) },
};

/** -A names (filter_db_parse). */
const QUERIES: Readonly<Record<string, readonly Db[]>> = {
  all: ['udp', 'dccp', 'tcp', 'mptcp', 'raw', 'unix_stream', 'unix_dgram', 'unix_seqpacket', 'packet_raw', 'packet_dgram', 'netlink', 'sctp', 'vsock_stream', 'vsock_dgram', 'xdp'],
  inet: ['udp', 'dccp', 'tcp', 'mptcp', 'sctp', 'raw'],
  udp: ['udp'],
  dccp: ['dccp'],
  tcp: ['tcp'],
  mptcp: ['mptcp'],
  sctp: ['sctp'],
  raw: ['raw'],
  unix: ['unix_stream', 'unix_dgram', 'unix_seqpacket'],
  unix_stream: ['unix_stream'],
  u_str: ['unix_stream'],
  unix_dgram: ['unix_dgram'],
  u_dgr: ['unix_dgram'],
  unix_seqpacket: ['unix_seqpacket'],
  u_seq: ['unix_seqpacket'],
  packet: ['packet_raw', 'packet_dgram'],
  packet_raw: ['packet_raw'],
  p_raw: ['packet_raw'],
  packet_dgram: ['packet_dgram'],
  p_dgr: ['packet_dgram'],
  netlink: ['netlink'],
  vsock: ['vsock_stream', 'vsock_dgram'],
  vsock_stream: ['vsock_stream'],
  v_str: ['vsock_stream'],
  vsock_dgram: ['vsock_dgram'],
  v_dgr: ['vsock_dgram'],
  tipc: ['tipc'],
  xdp: ['xdp'],
};

interface Options {
  /** The words after the state filter: an expression (ss-filter.ts). */
  filter: string[];
  numeric: boolean;
  resolve: boolean;
  processes: boolean;
  header: boolean;
  dbs: Set<Db>;
  families: Set<Family>;
  states: number;
}

const LONG: Readonly<Record<string, string>> = {
  numeric: 'n',
  resolve: 'r',
  options: 'o',
  extended: 'e',
  memory: 'm',
  info: 'i',
  processes: 'p',
  threads: 'T',
  bpf: 'b',
  events: 'E',
  dccp: 'd',
  tcp: 't',
  sctp: 'S',
  udp: 'u',
  raw: 'w',
  unix: 'x',
  all: 'a',
  listening: 'l',
  ipv4: '4',
  ipv6: '6',
  packet: '0',
  family: 'f',
  socket: 'A',
  query: 'A',
  summary: 's',
  version: 'V',
  help: 'h',
  'no-header': 'H',
  mptcp: 'M',
  oneline: 'O',
};
const WITH_ARG = 'fADFN';
const SHORT = 'dhaletuwxnro460spTbEf:mMiA:D:F:vVzZN:KHSO';

type Parsed = Options | { exit: number };

function fail(ctx: CommandContext, message: string): { exit: number } {
  ctx.stderr(`${message}${USAGE}`);
  return { exit: 255 };
}

/** main()'s getopt_long loop, the state words, then the filter defaults (filter_merge_defaults). */
function parse(ctx: CommandContext): Parsed {
  const argv = ctx.argv.slice(1);
  const o: Options = { filter: [], numeric: false, resolve: false, processes: false, header: true, dbs: new Set(), families: new Set(), states: 0 };
  let stateFilter = 0;
  let doDefault = true;
  let sawQuery = false;
  const setDb = (db: Db): void => {
    o.states |= DB_DEFAULTS[db].states;
    o.dbs.add(db);
    doDefault = false;
  };
  const setAf = (af: Family): void => {
    o.states |= FAMILY_DEFAULTS[af].states;
    o.families.add(af);
    doDefault = false;
  };
  const apply = (c: string, arg: string | undefined): { exit: number } | undefined => {
    switch (c) {
      case 'n':
        o.numeric = true;
        break;
      case 'r':
        o.resolve = true;
        break;
      case 'p':
        o.processes = true;
        break;
      case 'H':
        o.header = false;
        break;
      case 'o':
      case 'e':
      case 'm':
      case 'i':
      case 'O':
        // Extra detail per socket: not modelled (see the header comment); the lines print without it.
        break;
      case 'z':
      case 'Z':
        // The lab's kernels run without SELinux.
        ctx.stderr('ss: SELinux is not enabled.\n');
        return { exit: 1 };
      case 's':
      case 'T':
      case 'b':
      case 'E':
      case 'K':
      case 'D':
      case 'F':
      case 'N':
        ctx.stderr(`ss: -${c} is not modelled in this lab\n`);
        return { exit: 255 };
      case 't':
        setDb('tcp');
        break;
      case 'u':
        setDb('udp');
        break;
      case 'd':
        setDb('dccp');
        break;
      case 'S':
        setDb('sctp');
        break;
      case 'M':
        setDb('mptcp');
        break;
      case 'w':
        setDb('raw');
        break;
      case 'x':
        setAf('unix');
        break;
      case '4':
        setAf('inet');
        break;
      case '6':
        setAf('inet6');
        break;
      case '0':
        setAf('packet');
        break;
      case 'a':
        stateFilter = SS_ALL;
        break;
      case 'l':
        stateFilter = bit(10) | bit(7);
        break;
      case 'f': {
        const fam: Readonly<Record<string, Family>> = { inet: 'inet', inet6: 'inet6', link: 'packet', unix: 'unix', netlink: 'netlink', tipc: 'tipc', vsock: 'vsock', xdp: 'xdp' };
        const af = fam[arg ?? ''];
        if (af === undefined) return fail(ctx, `ss: "${arg ?? ''}" is invalid family\n`);
        setAf(af);
        break;
      }
      case 'A': {
        if (!sawQuery) {
          o.dbs.clear();
          stateFilter = stateFilter !== 0 ? stateFilter : SS_CONN;
          sawQuery = true;
          doDefault = false;
        }
        for (const q of (arg ?? '').split(',')) {
          const dbs = QUERIES[q];
          if (dbs === undefined) return fail(ctx, `ss: "${q}" is illegal socket table id\n`);
          for (const db of dbs) setDb(db);
        }
        break;
      }
      default:
        return fail(ctx, `ss: invalid option -- '${c}'\n`);
    }
    return undefined;
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const matches = Object.keys(LONG).filter((k) => k.startsWith(name));
      const exact = LONG[name];
      const c = exact ?? (matches.length === 1 ? LONG[matches[0]!] : undefined);
      if (c === undefined) return fail(ctx, matches.length > 1 ? `ss: option '--${name}' is ambiguous\n` : `ss: unrecognized option '${a}'\n`);
      let arg: string | undefined;
      if (WITH_ARG.includes(c)) {
        arg = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (arg === undefined) return fail(ctx, `ss: option '--${name}' requires an argument\n`);
      }
      const r = c === 'V' || c === 'h' ? undefined : apply(c, arg);
      if (c === 'V') return version(ctx);
      if (c === 'h') return help(ctx);
      if (r !== undefined) return r;
      continue;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (!SHORT.includes(c) || c === ':') return fail(ctx, `ss: invalid option -- '${c}'\n`);
      if (c === 'V' || c === 'v') return version(ctx);
      if (c === 'h') return help(ctx);
      if (WITH_ARG.includes(c)) {
        const arg = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (arg === undefined) return fail(ctx, `ss: option requires an argument -- '${c}'\n`);
        const r = apply(c, arg);
        if (r !== undefined) return r;
        break;
      }
      const r = apply(c, undefined);
      if (r !== undefined) return r;
    }
  }
  // State words, then (not modelled) an expression.
  let sawStates = false;
  const rest = argv.slice(i);
  while (rest.length > 0) {
    const w = rest[0]!;
    if (w !== 'state' && w !== 'exclude' && w !== 'excl') break;
    const name = rest[1];
    if (name === undefined) {
      // NEXT_ARG() past the end: incomplete_command().
      ctx.stderr('Command line is not complete. Try option "help"\n');
      return { exit: 255 };
    }
    const s = scanState(name);
    if (s === undefined) {
      ctx.stderr(`ss: wrong state name: ${name}\n`);
      return { exit: 255 };
    }
    if (w === 'state') {
      if (!sawStates) stateFilter = 0;
      stateFilter |= s;
    } else {
      if (!sawStates) stateFilter = SS_ALL;
      stateFilter &= ~s;
    }
    sawStates = true;
    rest.splice(0, 2);
  }
  o.filter = rest;
  if (doDefault) {
    stateFilter = stateFilter !== 0 ? stateFilter : SS_CONN;
    for (const db of QUERIES['all']!) setDb(db);
  }
  if (stateFilter !== 0) o.states = stateFilter;
  // filter_merge_defaults: a table brings its families, a family its tables.
  for (const db of o.dbs) if (!DB_DEFAULTS[db].families.some((f) => o.families.has(f))) for (const f of DB_DEFAULTS[db].families) o.families.add(f);
  for (const f of [...o.families]) if (!FAMILY_DEFAULTS[f].dbs.some((d) => o.dbs.has(d))) for (const d of FAMILY_DEFAULTS[f].dbs) o.dbs.add(d);
  const empty = o.dbs.size === 0 ? 'socket tables' : o.families.size === 0 ? 'families' : o.states === 0 ? 'socket states' : undefined;
  if (empty !== undefined) {
    ctx.stderr(`ss: no ${empty} to show with such filter.\n`);
    return { exit: 0 };
  }
  return o;
}

function version(ctx: CommandContext): { exit: number } {
  ctx.stdout(VERSION);
  return { exit: 0 };
}

function help(ctx: CommandContext): { exit: number } {
  ctx.stdout(USAGE);
  return { exit: 0 };
}

// ---------------------------------------------------------------------------------------------------- columns

const COL = { NETID: 0, STATE: 1, RECVQ: 2, SENDQ: 3, ADDR: 4, SERV: 5, RADDR: 6, RSERV: 7, EXT: 8, PROC: 9 } as const;
const COL_MAX = 10;

interface Column {
  readonly align: 'left' | 'right';
  readonly header: string;
  readonly ldelim: string;
  disabled: boolean;
}

function columns(): Column[] {
  return [
    { align: 'left', header: 'Netid', ldelim: '', disabled: false },
    { align: 'left', header: 'State', ldelim: ' ', disabled: false },
    { align: 'left', header: 'Recv-Q', ldelim: ' ', disabled: false },
    { align: 'left', header: 'Send-Q', ldelim: ' ', disabled: false },
    { align: 'right', header: 'Local Address:', ldelim: ' ', disabled: false },
    { align: 'left', header: 'Port', ldelim: '', disabled: false },
    { align: 'right', header: 'Peer Address:', ldelim: ' ', disabled: false },
    { align: 'left', header: 'Port', ldelim: '', disabled: false },
    { align: 'left', header: 'Process', ldelim: '', disabled: false },
    { align: 'left', header: '', ldelim: '', disabled: false },
  ];
}

/**
 * The column buffer of ss.c: tokens (one per enabled field, in order; a line's last column has an empty token
 * except on the final line) and render(). `screenWidth` undefined is a stdout that is not a terminal of known size:
 * the compact layout. With a width, spare space is spread over the columns of each screen line (render_calc_width).
 */
export function renderColumns(cols: readonly Column[], tokens: readonly { col: number; text: string }[], screenWidth?: number): string {
  if (tokens.length === 0) return '';
  const maxLen = new Array<number>(COL_MAX).fill(0);
  // field_flush measures a token when the next field starts: the final token never is.
  for (let t = 0; t < tokens.length - 1; t++) maxLen[tokens[t]!.col] = Math.max(maxLen[tokens[t]!.col]!, tokens[t]!.text.length);
  const width = new Array<number>(COL_MAX).fill(0);
  const sw = screenWidth ?? Number.MAX_SAFE_INTEGER;
  let first = true;
  for (let c = 0; c < COL_MAX; c++) {
    if (cols[c]!.disabled) continue;
    width[c] = !first && maxLen[c]! > 0 ? maxLen[c]! + cols[c]!.ldelim.length : maxLen[c]!;
    width[c] = Math.min(width[c]!, sw);
    if (width[c]! > 0) first = false;
  }
  if (screenWidth !== undefined) {
    let len = 0;
    let linecols = 0;
    let eol = -1;
    for (let c = 0; c < COL_MAX; c++) {
      if (width[c] === 0) continue;
      linecols++;
      len += width[c]!;
      let last = true;
      for (let t = c + 1; t < COL_MAX; t++) {
        if (width[t]! > 0) {
          last = false;
          break;
        }
      }
      if (!last && len < sw) continue;
      if (len !== sw) {
        if (len > sw) {
          len -= width[c]!;
          c--;
          linecols--;
        }
        const pad = sw - len;
        const spacing = Math.floor(pad / linecols);
        let rem = pad % linecols;
        for (let t = c; t > eol; t--) {
          if (width[t] === 0) continue;
          width[t]! += spacing;
          if (rem > 0) {
            width[t]!++;
            rem--;
          }
        }
      }
      eol = c;
      len = 0;
      linecols = 0;
    }
  }
  let out = '';
  let lineStarted = false;
  for (const t of tokens) {
    const col = cols[t.col]!;
    let printed = 0;
    if (lineStarted) {
      out += col.ldelim;
      printed = col.ldelim.length;
    }
    lineStarted = true;
    const w = width[t.col]!;
    if (w > 0 && col.align === 'right') {
      const s = w - t.text.length - printed;
      if (s > 0) {
        out += ' '.repeat(s);
        printed += s;
      }
    }
    out += t.text;
    printed += t.text.length;
    if (w > 0 && col.align === 'left') {
      const s = w - printed;
      if (s > 0) out += ' '.repeat(s);
    }
    if (t.col === COL.PROC) {
      out += '\n';
      lineStarted = false;
    }
  }
  if (lineStarted) out += '\n';
  return out;
}

// ---------------------------------------------------------------------------------------------------- lines

/** users:(...) as find_entry builds it: /proc is walked by rising PID and each entry pushed in front. */
function users(owners: readonly SocketOwner[]): string | undefined {
  if (owners.length === 0) return undefined;
  const sorted = [...owners].sort((a, b) => b.process.pid - a.process.pid || b.fd - a.fd);
  return sorted.map((o) => `("${o.process.comm}",pid=${o.process.pid},fd=${o.fd})`).join(',');
}

export function ssCommand(machine: Machine): CommandImpl {
  return async (ctx) => {
    const o = parse(ctx);
    if ('exit' in o) return o.exit;
    let filter: ((e: SocketEntry) => boolean) | undefined;
    try {
      const byName = servicePortOf(machine);
      filter = parseFilter(o.filter, (name) => (o.dbs.has('tcp') ? byName(name, 'tcp') : undefined) ?? (o.dbs.has('udp') ? byName(name, 'udp') : undefined));
    } catch (e) {
      if (!(e instanceof FilterError)) throw e;
      // yyerror, then " Sorry." and usage(); a bad address is reported and ss exits 1.
      if (e.message === 'syntax error') ctx.stderr(`ss: bison bellows (while parsing filter): "syntax error!" Sorry.\n${USAGE}`);
      else ctx.stderr(`${e.message}\n`);
      return e.message === 'syntax error' ? 255 : 1;
    }
    const cols = columns();
    // Netid only when several tables, State only when several states can show.
    if (o.dbs.size <= 1) cols[COL.NETID]!.disabled = true;
    if ((o.states & (o.states - 1)) === 0) cols[COL.STATE]!.disabled = true;
    const tokens: { col: number; text: string }[] = [];
    let current = 0;
    // out() into the current field; field_set() walks to a field, leaving a token in each enabled one passed.
    const pending = new Map<number, string>();
    const put = (text: string): void => {
      if (!cols[current]!.disabled) pending.set(current, (pending.get(current) ?? '') + text);
    };
    const next = (): void => {
      if (!cols[current]!.disabled) tokens.push({ col: current, text: pending.get(current) ?? '' });
      pending.delete(current);
      current = current === COL_MAX - 1 ? 0 : current + 1;
    };
    const set = (col: number): void => {
      while (current !== col) next();
    };
    if (o.header) {
      while (current !== COL_MAX - 1) {
        put(cols[current]!.header);
        next();
      }
    }
    const services = servicesOf(machine);
    const [lo, hi] = machine.ns.sysctl.localPortRange;
    const serv = (port: number, proto: 'tcp' | 'udp'): string => {
      if (port === 0) return '*';
      if (o.numeric || (port >= lo && port <= hi)) return String(port);
      return services(port, proto) ?? String(port);
    };
    // resolve_address: one gethostbyaddr per address, failures remembered too.
    const names = new Map<number, string | undefined>();
    const host = async (e: SocketEntry, which: 'local' | 'remote'): Promise<string> => {
      const text = which === 'local' ? e.localAddress : e.remoteAddress;
      if (e.family === 6) return text === '::' ? '[::]' : `[${text}]`;
      const a = which === 'local' ? e.local4 : e.remote4;
      if (!o.resolve || a === undefined) return text;
      if (!names.has(a)) {
        const r = await reverse(machine, a);
        names.set(a, r.status === 'ok' ? r.name : undefined);
      }
      return names.get(a) ?? text;
    };
    const show = async (entries: readonly SocketEntry[]): Promise<void> => {
      for (const e of entries) {
        if (!o.families.has(e.family === 4 ? 'inet' : 'inet6')) continue;
        const st = SS_INDEX[e.state];
        if ((o.states & bit(st)) === 0) continue;
        if (filter !== undefined && !filter(e)) continue;
        set(COL.NETID);
        put(e.proto);
        set(COL.STATE);
        put(SS_NAMES[st]!);
        set(COL.RECVQ);
        put(String(e.diagRecvQ).padEnd(6));
        set(COL.SENDQ);
        put(String(e.diagSendQ).padEnd(6));
        set(COL.ADDR);
        put(`${await host(e, 'local')}:`);
        next();
        put(serv(e.localPort, e.proto));
        next();
        put(`${await host(e, 'remote')}:`);
        next();
        put(serv(e.remotePort, e.proto));
        next();
        const u = o.processes ? users(e.owners) : undefined;
        if (u !== undefined) put(` users:(${u})`);
      }
    };
    // main(): raw, udp, then tcp (the tables the lab has sockets in).
    if (o.dbs.has('udp')) await show(udpSockets(machine));
    if (o.dbs.has('tcp')) await show(tcpSockets(machine));
    // render(): the token of the field being written is the last one.
    if (pending.has(current) || tokens.length > 0 || o.header) tokens.push({ col: current, text: pending.get(current) ?? '' });
    ctx.stdout(renderColumns(cols, tokens));
    return 0;
  };
}
