// The command line of busybox 1.36's `nc` (networking/nc_bloaty.c, NC_110_COMPAT with NC_SERVER and NC_EXTRA, as
// Alpine builds it) and the libbb/libc parsing it relies on, kept apart from the networking in nc.ts:
//
// - `-e PROG [ARGS]` is found before option parsing (nc_main's scan of argv): a word "-e", or "-<nuvlkz...>e", ends
//   nc's own arguments, and everything after it is PROG and its arguments;
// - the rest goes through getopt32("np:s:ubvw:+lki:o:z", "?2:vv:ll") on musl's getopt_long, which permutes operands
//   after options and prints "nc: unrecognized option: X" / "nc: option requires an argument: X" before busybox
//   prints its usage (bb_show_usage: the banner, then the full usage text) and exits 1; more than two operands
//   also show the usage; -v and -l count, -k makes the listener persistent, -w is xatoi_positive'd as it is met;
// - -i is xatou_range(1..65535); ports go through bb_lookup_port (a decimal number up to 65535, else an
//   /etc/services name, else "bad port 'X'"); numeric hosts through musl's inet_aton (1 to 4 parts, each in C's
//   strtoul base 0), which libbb's str2sockaddr tries before asking the resolver.

import { serviceByName } from '../../net/netfilter/format.ts';

export const BANNER = 'BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n';

export const USAGE =
  'Usage: nc [OPTIONS] HOST PORT  - connect\n' +
  'nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n' +
  '\n' +
  '\t-e PROG\tRun PROG after connect (must be last)\n' +
  '\t-l\tListen mode, for inbound connects\n' +
  '\t-lk\tWith -e, provides persistent server\n' +
  '\t-p PORT\tLocal port\n' +
  '\t-s ADDR\tLocal address\n' +
  '\t-w SEC\tTimeout for connects and final net reads\n' +
  '\t-i SEC\tDelay interval for lines sent\n' +
  "\t-n\tDon't do DNS resolution\n" +
  '\t-u\tUDP mode\n' +
  '\t-b\tAllow broadcasts\n' +
  '\t-v\tVerbose\n' +
  '\t-o FILE\tHex dump traffic\n' +
  '\t-z\tZero-I/O mode (scanning)\n';

export interface NcOptions {
  readonly numeric: boolean;
  /** -p as written (looked up once -u is known). */
  readonly localPort: string | undefined;
  /** -s as written. */
  readonly source: string | undefined;
  readonly udp: boolean;
  readonly broadcast: boolean;
  /** How many -v. */
  readonly verbose: number;
  /** -w in seconds; 0 = none. */
  readonly wait: number;
  /** 0: connect; 1: listen once; 2: -lk or -ll (persistent, with -e). */
  readonly listen: number;
  /** -i in seconds; 0 = none. */
  readonly interval: number;
  readonly hexFile: string | undefined;
  readonly zero: boolean;
  /** -e PROG [ARGS]; undefined without -e. */
  readonly prog: readonly string[] | undefined;
  /** HOST [PORT]. */
  readonly operands: readonly string[];
}

/** The letters nc_main skips when it looks for "-<opts>e PROG" (the options without an argument, as 1.36 lists them). */
const BARE_BEFORE_E = 'nuvlkz';
const WITH_ARG = new Set(['p', 's', 'w', 'i', 'o']);
const BARE = new Set(['n', 'u', 'b', 'v', 'l', 'k', 'z']);

/** libbb's xstrtou_range: decimal digits only (no sign, no space), then the range. */
function number(text: string, lower: number, upper: number): number | string {
  if (!/^\d+$/.test(text)) return `invalid number '${text}'`;
  const n = Number(text);
  if (n < lower || n > upper) return `number ${text} is not in ${lower}..${upper} range`;
  return n;
}

/**
 * Parses nc's argv (argv[0] included). Returns the options, or the exit status after printing what busybox prints
 * to `err`.
 */
export function parseNcArgs(argv: readonly string[], err: (text: string) => void): NcOptions | number {
  const name = argv[0] ?? 'nc';
  const applet = name.slice(name.lastIndexOf('/') + 1);
  let args = argv.slice(1);
  let prog: string[] | undefined;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (a === '-e') {
      prog = args.slice(k + 1);
      args = args.slice(0, k);
      break;
    }
    if (a.startsWith('-')) {
      let n = 1;
      while (n < a.length && BARE_BEFORE_E.includes(a[n]!)) n++;
      if (a[n] === 'e' && n === a.length - 1) {
        prog = args.slice(k + 1);
        args = [...args.slice(0, k), a.slice(0, n)];
        break;
      }
    }
  }
  const usage = (): number => {
    err(BANNER + '\n' + USAGE);
    return 1;
  };
  const die = (msg: string): number => {
    err(`${applet}: ${msg}\n`);
    return 1;
  };

  const flags = new Set<string>();
  const values = new Map<string, string>();
  let verbose = 0;
  let listens = 0;
  let wait = 0;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      err(`${name}: unrecognized option: ${a.slice(2)}\n`);
      return usage();
    }
    if (!a.startsWith('-') || a === '-') {
      operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (WITH_ARG.has(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) {
          err(`${name}: option requires an argument: ${c}\n`);
          return usage();
        }
        if (c === 'w') {
          // getopt32's "w:+": converted (and refused) as soon as it is met.
          const w = number(v, 0, 0x7fffffff);
          if (typeof w === 'string') return die(w);
          wait = w;
        }
        values.set(c, v);
        break;
      }
      if (!BARE.has(c)) {
        err(`${name}: unrecognized option: ${c}\n`);
        return usage();
      }
      flags.add(c);
      if (c === 'v') verbose++;
      if (c === 'l') listens++;
    }
  }
  if (operands.length > 2) return usage();
  let interval = 0;
  const i = values.get('i');
  if (i !== undefined) {
    const n = number(i, 1, 0xffff);
    if (typeof n === 'string') return die(n);
    interval = n;
  }
  if (flags.has('k')) listens = 2;
  return {
    numeric: flags.has('n'),
    localPort: values.get('p'),
    source: values.get('s'),
    udp: flags.has('u'),
    broadcast: flags.has('b'),
    verbose,
    wait,
    listen: Math.min(listens, 2),
    interval,
    hexFile: values.get('o'),
    zero: flags.has('z'),
    prog,
    operands,
  };
}

/** bb_lookup_port: a decimal port, else a service name for `proto`; undefined is "bad port". */
export function lookupPort(text: string, proto: 'tcp' | 'udp'): number | undefined {
  if (/^\d+$/.test(text) && Number(text) <= 65535) return Number(text);
  return serviceByName(proto, text);
}

/** C's strtoul(s, &end, 0) over a prefix of `s`: the value and how many characters it took (0: none). */
function strtoul0(s: string): { value: number; used: number } {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)/.exec(s);
  if (m === null) return { value: 0, used: 0 };
  const t = m[1]!;
  const value = /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : t.startsWith('0') && t.length > 1 ? parseInt(t, 8) : Number(t);
  return { value, used: t.length };
}

/** musl's inet_aton: "a.b.c.d", "a.b.c" (c 16 bits), "a.b" (b 24 bits) or "a" (32 bits); undefined if not one. */
export function inetAton(text: string): number | undefined {
  const parts: number[] = [];
  let s = text;
  for (;;) {
    if (!/^\d/.test(s)) return undefined;
    const { value, used } = strtoul0(s);
    parts.push(value);
    const rest = s.slice(used);
    if (rest === '') break;
    if (rest[0] !== '.' || parts.length === 4) return undefined;
    s = rest.slice(1);
  }
  const widths = [[32], [8, 24], [8, 8, 16], [8, 8, 8, 8]][parts.length - 1]!;
  let addr = 0;
  for (let k = 0; k < parts.length; k++) {
    const bits = widths[k]!;
    if (parts[k]! >= 2 ** bits) return undefined;
    addr = addr * 2 ** bits + parts[k]!;
  }
  return addr >>> 0;
}
