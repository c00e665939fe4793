// The `iptables` command line (iptables 1.8, legacy backend): parses argv as iptables/xshared.c and the libxt_*
// extensions do, applies the command to a Netfilter, and answers with iptables' own messages and exit codes:
//   exit 1 + "iptables: <libiptc error>."            (No chain/target/match by that name, Bad rule (...), ...)
//   exit 2 + "iptables v1.8.7 (legacy): <problem>\nTry `iptables -h' or 'iptables --help' for more information."
//   exit 3 for a table that does not exist.

import { parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { icmpTypeByName, listRules, listTable, protoByName, saveRuleSpec, serviceByName, type ListOptions } from './format.ts';
import type { Netfilter } from './netfilter.ts';
import {
  ADDR_TYPES,
  BUILTIN_CHAINS,
  CT_STATES,
  newRule,
  TABLE_NAMES,
  type AddrMatch,
  type AddrType,
  type CtStateName,
  type HookName,
  type Match,
  type NatRange,
  type PortRange,
  type RejectWith,
  type RuleSpec,
  type TableName,
  type Target,
} from './rules.ts';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface IptablesOptions {
  /** Version string in messages ("1.8.7"). */
  readonly version?: string;
  /** Backend shown in messages ("legacy" or "nf_tables"). */
  readonly backend?: string;
}

class ParamError extends Error {}
class IptcError extends Error {
  constructor(
    message: string,
    readonly einval = false,
  ) {
    super(message);
  }
}
class TableError extends Error {}

const ERR_NO_CHAIN = 'No chain/target/match by that name';

type Command = 'A' | 'I' | 'D' | 'N' | 'X' | 'F' | 'Z' | 'P' | 'L' | 'S' | 'C';

const LONG_COMMANDS: Readonly<Record<string, Command>> = {
  '--append': 'A',
  '--insert': 'I',
  '--delete': 'D',
  '--new-chain': 'N',
  '--new': 'N',
  '--delete-chain': 'X',
  '--flush': 'F',
  '--zero': 'Z',
  '--policy': 'P',
  '--list': 'L',
  '--list-rules': 'S',
  '--check': 'C',
};

const REJECT_ALIASES: Readonly<Record<string, RejectWith>> = {
  'icmp-net-unreachable': 'icmp-net-unreachable',
  'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable',
  'host-unreach': 'icmp-host-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable',
  'proto-unreach': 'icmp-proto-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable',
  'port-unreach': 'icmp-port-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited',
  'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited',
  'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited',
  'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset',
  'tcp-rst': 'tcp-reset',
};

const TARGET_NAMES = new Set(['ACCEPT', 'DROP', 'RETURN', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'MARK', 'LOG']);
const MATCH_NAMES = new Set(['tcp', 'udp', 'icmp', 'conntrack', 'state', 'addrtype', 'mark', 'comment', 'ipvs']);

/** Where each target may be used: tables, and for built-in chains the hooks (x_tables checkentry / hook masks). */
const TARGET_PLACES: Readonly<Record<string, { tables?: readonly TableName[]; hooks?: readonly HookName[] }>> = {
  DNAT: { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] },
  REDIRECT: { tables: ['nat'], hooks: ['PREROUTING', 'OUTPUT'] },
  SNAT: { tables: ['nat'], hooks: ['POSTROUTING', 'INPUT'] },
  MASQUERADE: { tables: ['nat'], hooks: ['POSTROUTING'] },
  REJECT: { hooks: ['INPUT', 'FORWARD', 'OUTPUT'] },
  MARK: { tables: ['mangle', 'raw', 'filter', 'nat'] },
};

function parsePortNumber(text: string, proto: 'tcp' | 'udp'): number {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n <= 65535) return n;
  } else {
    const n = serviceByName(proto, text);
    if (n !== undefined) return n;
  }
  throw new ParamError(`invalid port/service \`${text}' specified`);
}

function parsePortRange(text: string, proto: 'tcp' | 'udp', invert: boolean): PortRange {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const p = parsePortNumber(text, proto);
    return { min: p, max: p, invert };
  }
  const a = text.slice(0, colon);
  const b = text.slice(colon + 1);
  const min = a === '' ? 0 : parsePortNumber(a, proto);
  const max = b === '' ? 65535 : parsePortNumber(b, proto);
  if (min > max) throw new ParamError(`invalid portrange (min > max)`);
  return { min, max, invert };
}

function parseAddress(text: string, invert: boolean): AddrMatch {
  const slash = text.indexOf('/');
  const host = slash < 0 ? text : text.slice(0, slash);
  let addr: Ipv4Address;
  try {
    addr = parseIpv4(host);
  } catch {
    // iptables also accepts a short form like "10/8" and host names; neither is modelled.
    throw new ParamError(`host/network \`${host}' not found`);
  }
  let prefix = 32;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    if (/^[0-9]+$/.test(m) && Number(m) <= 32) prefix = Number(m);
    else {
      let mask: number;
      try {
        mask = parseIpv4(m);
      } catch {
        throw new ParamError(`invalid mask \`${m}' specified`);
      }
      let bits = 0;
      while (bits < 32 && mask & (0x80000000 >>> bits)) bits++;
      prefix = bits;
    }
  }
  const maskBits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { addr: (addr & maskBits) >>> 0, prefix, invert };
}

function parseNatRange(text: string, kind: string): NatRange {
  let addrPart = text;
  let portPart: string | undefined;
  const colon = text.indexOf(':');
  if (colon >= 0) {
    addrPart = text.slice(0, colon);
    portPart = text.slice(colon + 1);
  }
  const [a1, a2] = addrPart.split('-');
  let minAddr: Ipv4Address;
  let maxAddr: Ipv4Address;
  try {
    minAddr = parseIpv4(a1 ?? '');
    maxAddr = a2 === undefined ? minAddr : parseIpv4(a2);
  } catch {
    throw new ParamError(`Bad IP address "${addrPart}"`);
  }
  if (portPart === undefined) return { minAddr, maxAddr };
  const [p1, p2] = portPart.split('-');
  const minPort = Number(p1);
  const maxPort = p2 === undefined ? minPort : Number(p2);
  if (!/^[0-9]+$/.test(p1 ?? '') || (p2 !== undefined && !/^[0-9]+$/.test(p2)) || minPort > 65535 || maxPort > 65535 || minPort > maxPort) {
    throw new ParamError(`Port "${portPart}" not valid`);
  }
  void kind;
  return { minAddr, maxAddr, minPort, maxPort };
}

function parsePorts(text: string): { minPort: number; maxPort: number } {
  const [a, b] = text.split('-');
  if (!/^[0-9]+$/.test(a ?? '') || (b !== undefined && !/^[0-9]+$/.test(b))) throw new ParamError(`Port "${text}" not valid`);
  const minPort = Number(a);
  const maxPort = b === undefined ? minPort : Number(b);
  if (minPort > 65535 || maxPort > 65535 || minPort > maxPort) throw new ParamError(`Port "${text}" not valid`);
  return { minPort, maxPort };
}

function parseUint(text: string): number | undefined {
  if (/^0x[0-9a-fA-F]+$/.test(text) || /^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n <= 0xffffffff) return n;
  }
  return undefined;
}

function parseMarkMask(text: string, ext: string, opt: string): { value: number; mask?: number } {
  const [v, m] = text.split('/');
  const value = parseUint(v ?? '');
  const mask = m === undefined ? undefined : parseUint(m);
  if (value === undefined || (m !== undefined && mask === undefined)) throw new ParamError(`${ext}: Bad value for "${opt}" option: "${text}"`);
  return mask === undefined ? { value } : { value, mask };
}

interface Parsed {
  table: TableName;
  command?: Command;
  chain?: string;
  ruleNum?: number;
  policy?: string;
  list: { numeric: boolean; verbose: boolean; exact: boolean; lineNumbers: boolean };
  src?: AddrMatch;
  dst?: AddrMatch;
  inIface?: { name: string; invert: boolean };
  outIface?: { name: string; invert: boolean };
  proto?: { num: number; invert: boolean; name: string };
  matches: Match[];
  targetName?: string;
  goto: boolean;
  targetOpts: Map<string, string>;
  hasSpec: boolean;
}

/** Runs one `iptables` invocation (argv without the program name). */
export function iptables(nf: Netfilter, args: readonly string[], opts: IptablesOptions = {}): CommandResult {
  const prog = `iptables v${opts.version ?? '1.8.7'} (${opts.backend ?? 'legacy'})`;
  try {
    const p = parse(args);
    return execute(nf, p);
  } catch (e) {
    if (e instanceof ParamError) {
      const msg = e.message;
      return { stdout: '', stderr: `${prog}: ${msg}\nTry \`iptables -h' or 'iptables --help' for more information.\n`, exitCode: 2 };
    }
    if (e instanceof IptcError) {
      return { stdout: '', stderr: e.einval ? `iptables: ${e.message}. Run \`dmesg' for more information.\n` : `iptables: ${e.message}.\n`, exitCode: 1 };
    }
    if (e instanceof TableError) {
      return { stdout: '', stderr: `${prog}: can't initialize iptables table \`${e.message}': Table does not exist (do you need to insmod?)\nPerhaps iptables or your kernel needs to be upgraded.\n`, exitCode: 3 };
    }
    throw e;
  }
}

function parse(input: readonly string[]): Parsed {
  const args: string[] = [...input];
  const p: Parsed = {
    table: 'filter',
    list: { numeric: false, verbose: false, exact: false, lineNumbers: false },
    matches: [],
    goto: false,
    targetOpts: new Map(),
    hasSpec: false,
  };
  let tableGiven: string | undefined;
  let i = 0;
  let invert = false;
  /** The match whose options are being parsed (for -m X --opt ...). */
  const loaded = new Set<string>();
  const next = (opt: string): string => {
    const v = args[i++];
    if (v === undefined) throw new ParamError(`option "${opt}" requires an argument`);
    return v;
  };
  const optionalPositional = (): string | undefined => {
    const v = args[i];
    if (v !== undefined && !v.startsWith('-') && v !== '!') {
      i++;
      return v;
    }
    return undefined;
  };
  const setCommand = (c: Command): void => {
    if (p.command !== undefined) throw new ParamError(`Cannot use -${c} with -${p.command}\n`);
    p.command = c;
  };
  const takeInvert = (): boolean => {
    const v = invert;
    invert = false;
    return v;
  };
  const addMatch = (m: Match): void => {
    const idx = p.matches.findIndex((x) => x.kind === m.kind);
    if (idx >= 0) p.matches[idx] = m;
    else p.matches.push(m);
  };
  const tcpUdp = (opt: string): 'tcp' | 'udp' => {
    for (const k of ['tcp', 'udp'] as const) if (loaded.has(k)) return k;
    const pn = p.proto?.name;
    if ((pn === 'tcp' || pn === 'udp') && !p.proto!.invert) {
      loaded.add(pn);
      return pn;
    }
    throw new ParamError(`unknown option "${opt}"`);
  };
  const need = (ext: string, opt: string): void => {
    if (!loaded.has(ext)) throw new ParamError(`unknown option "${opt}"`);
  };
  const target = (): string => {
    if (p.targetName === undefined) return '';
    return p.targetName;
  };
  const needTarget = (name: string, opt: string): void => {
    if (target() !== name) throw new ParamError(`unknown option "${opt}"`);
  };

  while (i < args.length) {
    const a = args[i++]!;
    if (a === '!') {
      if (invert) throw new ParamError('multiple consecutive ! not allowed');
      invert = true;
      continue;
    }
    // Short option clusters like -nvL or -Ln.
    if (/^-[a-zA-Z]{2,}$/.test(a)) {
      // Only the last letter may take an argument.
      const expanded = a
        .slice(1)
        .split('')
        .map((l) => `-${l}`);
      args.splice(i - 1, 1, ...expanded);
      i--;
      continue;
    }
    const cmd = LONG_COMMANDS[a] ?? (/^-[AIDNXFZPLSC]$/.test(a) ? (a[1] as Command) : undefined);
    if (cmd !== undefined) {
      setCommand(cmd);
      switch (cmd) {
        case 'A':
        case 'C':
        case 'N':
          p.chain = next(a);
          break;
        case 'I': {
          p.chain = next(a);
          const n = optionalPositional();
          if (n !== undefined) {
            if (!/^[0-9]+$/.test(n) || Number(n) < 1) throw new ParamError(`Invalid rule number \`${n}'`);
            p.ruleNum = Number(n);
          }
          break;
        }
        case 'D': {
          p.chain = next(a);
          const n = args[i];
          if (n !== undefined && /^[0-9]+$/.test(n)) {
            i++;
            if (Number(n) < 1) throw new ParamError(`Invalid rule number \`${n}'`);
            p.ruleNum = Number(n);
          }
          break;
        }
        case 'P':
          p.chain = next(a);
          p.policy = args[i] !== undefined ? args[i++] : undefined;
          if (p.policy === undefined) throw new ParamError('-P requires a chain and a policy');
          break;
        case 'X':
        case 'F':
        case 'Z':
        case 'L':
        case 'S':
          p.chain = optionalPositional();
          break;
      }
      continue;
    }
    switch (a) {
      case '-t':
      case '--table':
        tableGiven = next(a);
        continue;
      case '-n':
      case '--numeric':
        p.list.numeric = true;
        continue;
      case '-v':
      case '--verbose':
        p.list.verbose = true;
        continue;
      case '-x':
      case '--exact':
        p.list.exact = true;
        continue;
      case '--line-numbers':
        p.list.lineNumbers = true;
        continue;
      case '-w':
      case '--wait':
        if (args[i] !== undefined && /^[0-9.]+$/.test(args[i]!)) i++;
        continue;
      case '-s':
      case '--source':
      case '--src':
        p.src = parseAddress(next(a), takeInvert());
        p.hasSpec = true;
        continue;
      case '-d':
      case '--destination':
      case '--dst':
        p.dst = parseAddress(next(a), takeInvert());
        p.hasSpec = true;
        continue;
      case '-i':
      case '--in-interface':
        p.inIface = { name: next(a), invert: takeInvert() };
        p.hasSpec = true;
        continue;
      case '-o':
      case '--out-interface':
        p.outIface = { name: next(a), invert: takeInvert() };
        p.hasSpec = true;
        continue;
      case '-p':
      case '--protocol': {
        const v = next(a).toLowerCase();
        const num = /^[0-9]+$/.test(v) ? Number(v) : protoByName(v);
        if (num === undefined || num > 255) throw new ParamError(`unknown protocol "${v}" specified`);
        p.proto = { num, invert: takeInvert(), name: v === 'all' ? 'all' : (protoByName(v) !== undefined ? v : String(num)) };
        if (num === 0) p.proto = undefined;
        p.hasSpec = true;
        continue;
      }
      case '-j':
      case '--jump':
      case '-g':
      case '--goto':
        if (p.targetName !== undefined) throw new ParamError('multiple -j flags not allowed');
        p.targetName = next(a);
        p.goto = a === '-g' || a === '--goto';
        p.hasSpec = true;
        continue;
      case '-m':
      case '--match': {
        const m = next(a);
        if (!MATCH_NAMES.has(m)) throw new ParamError(`Couldn't load match \`${m}':No such file or directory\n`);
        loaded.add(m);
        p.hasSpec = true;
        if (m === 'comment' || m === 'ipvs') continue;
        if (m === 'tcp' || m === 'udp') {
          if (!p.proto || p.proto.num !== (m === 'tcp' ? 6 : 17) || p.proto.invert) throw new ParamError(`${m} match: protocol must be ${m}`);
          if (!p.matches.some((x) => x.kind === m)) p.matches.push({ kind: m });
        }
        continue;
      }
      // ---- match options ----
      case '--sport':
      case '--source-port':
      case '--dport':
      case '--destination-port': {
        const proto = tcpUdp(a);
        const inv = takeInvert();
        const range = parsePortRange(next(a), proto, inv);
        const existing = p.matches.find((x) => x.kind === proto) as Extract<Match, { kind: 'tcp' | 'udp' }> | undefined;
        const isSrc = a === '--sport' || a === '--source-port';
        const m: Match = { kind: proto, ...(existing?.sport ? { sport: existing.sport } : {}), ...(existing?.dport ? { dport: existing.dport } : {}), ...(isSrc ? { sport: range } : { dport: range }) };
        addMatch(m);
        continue;
      }
      case '--icmp-type': {
        if (!loaded.has('icmp')) {
          if (p.proto?.num === 1 && !p.proto.invert) loaded.add('icmp');
          else throw new ParamError(`unknown option "${a}"`);
        }
        const inv = takeInvert();
        const v = next(a);
        const named = icmpTypeByName(v);
        let m: Match;
        if (named) m = { kind: 'icmp', type: named.type, codeMin: named.min, codeMax: named.max, invert: inv };
        else {
          const mm = /^([0-9]+)(?:\/([0-9]+))?$/.exec(v);
          if (!mm || Number(mm[1]) > 255 || (mm[2] !== undefined && Number(mm[2]) > 255)) throw new ParamError(`Invalid ICMP type \`${v}'\n`);
          const code = mm[2] === undefined ? undefined : Number(mm[2]);
          m = { kind: 'icmp', type: Number(mm[1]), codeMin: code ?? 0, codeMax: code ?? 0xff, invert: inv };
        }
        addMatch(m);
        continue;
      }
      case '--ctstate':
      case '--state': {
        const ext = a === '--ctstate' ? 'conntrack' : 'state';
        need(ext, a);
        const inv = takeInvert();
        const v = next(a);
        const states: CtStateName[] = [];
        for (const s of v.split(',')) {
          const up = s.toUpperCase();
          if (!(CT_STATES as readonly string[]).includes(up) || (ext === 'state' && (up === 'SNAT' || up === 'DNAT'))) throw new ParamError(`Bad ${ext === 'conntrack' ? 'ctstate' : 'state'} "${s}"`);
          states.push(up as CtStateName);
        }
        addMatch({ kind: 'conntrack', module: ext, states, invert: inv });
        continue;
      }
      case '--src-type':
      case '--dst-type': {
        need('addrtype', a);
        const inv = takeInvert();
        const v = next(a);
        const types: AddrType[] = [];
        for (const s of v.split(',')) {
          const up = s.toUpperCase();
          if (!(ADDR_TYPES as readonly string[]).includes(up)) throw new ParamError(`addrtype: bad type "${s}"`);
          types.push(up as AddrType);
        }
        const existing = p.matches.find((x) => x.kind === 'addrtype') as Extract<Match, { kind: 'addrtype' }> | undefined;
        const side = { types, invert: inv };
        addMatch({ kind: 'addrtype', ...(existing?.src ? { src: existing.src } : {}), ...(existing?.dst ? { dst: existing.dst } : {}), ...(a === '--src-type' ? { src: side } : { dst: side }) });
        continue;
      }
      case '--mark': {
        need('mark', a);
        const inv = takeInvert();
        const { value, mask } = parseMarkMask(next(a), 'mark', '--mark');
        addMatch({ kind: 'mark', mark: value, mask: mask ?? 0xffffffff, invert: inv });
        continue;
      }
      case '--comment': {
        need('comment', a);
        const text = next(a);
        if (text.length > 255) throw new ParamError('COMMENT must be shorter than 256 characters');
        p.matches.push({ kind: 'comment', text });
        continue;
      }
      case '--ipvs':
        need('ipvs', a);
        addMatch({ kind: 'ipvs', invert: takeInvert() });
        continue;
      // ---- target options ----
      case '--reject-with':
        needTarget('REJECT', a);
        p.targetOpts.set('reject-with', next(a));
        continue;
      case '--to-destination':
        needTarget('DNAT', a);
        p.targetOpts.set('to', next(a));
        continue;
      case '--to-source':
        needTarget('SNAT', a);
        p.targetOpts.set('to', next(a));
        continue;
      case '--to':
        if (target() !== 'DNAT' && target() !== 'SNAT') throw new ParamError(`unknown option "${a}"`);
        p.targetOpts.set('to', next(a));
        continue;
      case '--to-ports':
        if (target() !== 'MASQUERADE' && target() !== 'REDIRECT') throw new ParamError(`unknown option "${a}"`);
        p.targetOpts.set('to-ports', next(a));
        continue;
      case '--random':
        if (target() !== 'MASQUERADE' && target() !== 'SNAT' && target() !== 'DNAT') throw new ParamError(`unknown option "${a}"`);
        p.targetOpts.set('random', '1');
        continue;
      case '--set-mark':
      case '--set-xmark':
      case '--and-mark':
      case '--or-mark':
      case '--xor-mark':
        needTarget('MARK', a);
        if (p.targetOpts.has('mark')) throw new ParamError('MARK target: Can only specify one action');
        p.targetOpts.set('mark', `${a}=${next(a)}`);
        continue;
      case '--log-prefix':
        needTarget('LOG', a);
        p.targetOpts.set('log-prefix', next(a));
        continue;
      case '--log-level':
        needTarget('LOG', a);
        p.targetOpts.set('log-level', next(a));
        continue;
    }
    if (a.startsWith('-')) throw new ParamError(`unknown option "${a}"`);
    throw new ParamError(`Bad argument \`${a}'`);
  }
  if (invert) throw new ParamError('unexpected ! flag before --table');
  if (tableGiven !== undefined) {
    if (!(TABLE_NAMES as readonly string[]).includes(tableGiven)) throw new TableError(tableGiven);
    p.table = tableGiven as TableName;
  }
  if (p.command === undefined) throw new ParamError('no command specified');
  return p;
}

function buildTarget(p: Parsed, nf: Netfilter): Target {
  const name = p.targetName;
  if (name === undefined) return { kind: 'none' };
  const table = nf.table(p.table);
  if (table.chain(name) !== undefined && !table.chain(name)!.builtin) return { kind: 'chain', chain: name, goto: p.goto };
  if (p.goto) throw new IptcError(ERR_NO_CHAIN);
  if (!TARGET_NAMES.has(name)) throw new ParamError(`Couldn't load target \`${name}':No such file or directory\n`);
  const o = p.targetOpts;
  switch (name) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return { kind: name };
    case 'REJECT': {
      const w = o.get('reject-with') ?? 'icmp-port-unreachable';
      const kind = REJECT_ALIASES[w];
      if (kind === undefined) throw new ParamError(`unknown reject type "${w}"`);
      if (kind === 'tcp-reset' && (p.proto?.num !== 6 || p.proto.invert)) throw new IptcError('Invalid argument', true);
      return { kind: 'REJECT', with: kind };
    }
    case 'DNAT':
    case 'SNAT': {
      const to = o.get('to');
      if (to === undefined) throw new ParamError(`You must specify --to-${name === 'DNAT' ? 'destination' : 'source'}`);
      const range = parseNatRange(to, name);
      if (range.minPort !== undefined && !(p.proto && (p.proto.num === 6 || p.proto.num === 17) && !p.proto.invert)) {
        throw new ParamError('Need TCP, UDP, SCTP or DCCP with port specification');
      }
      return { kind: name, range };
    }
    case 'MASQUERADE':
    case 'REDIRECT': {
      const tp = o.get('to-ports');
      const ports = tp === undefined ? undefined : parsePorts(tp);
      if (ports && !(p.proto && (p.proto.num === 6 || p.proto.num === 17) && !p.proto.invert)) throw new ParamError('Need TCP, UDP, SCTP or DCCP with port specification');
      if (name === 'MASQUERADE') return { kind: 'MASQUERADE', ...(ports ?? {}), random: o.has('random') };
      return { kind: 'REDIRECT', ...(ports ?? {}) };
    }
    case 'MARK': {
      const spec = o.get('mark');
      if (spec === undefined) throw new ParamError('MARK target: Parameter --set/and/or/xor-mark is required');
      const eq = spec.indexOf('=');
      const opt = spec.slice(0, eq);
      const { value, mask } = parseMarkMask(spec.slice(eq + 1), 'MARK', opt);
      switch (opt) {
        case '--set-xmark':
          return { kind: 'MARK', value, mask: mask ?? 0xffffffff };
        case '--set-mark': {
          const m = mask ?? 0xffffffff;
          return { kind: 'MARK', value, mask: (m | value) >>> 0 };
        }
        case '--and-mark':
          return { kind: 'MARK', value: 0, mask: ~value >>> 0 };
        case '--or-mark':
          return { kind: 'MARK', value, mask: value };
        default:
          return { kind: 'MARK', value, mask: 0 };
      }
    }
    case 'LOG': {
      const lvl = o.get('log-level');
      const levels = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
      let level = 4;
      if (lvl !== undefined) {
        if (/^[0-7]$/.test(lvl)) level = Number(lvl);
        else if (levels.includes(lvl)) level = levels.indexOf(lvl);
        else throw new ParamError(`log-level \`${lvl}' unknown`);
      }
      const prefix = o.get('log-prefix');
      return { kind: 'LOG', level, ...(prefix !== undefined ? { prefix } : {}) };
    }
  }
  throw new ParamError(`Couldn't load target \`${name}':No such file or directory\n`);
}

function buildSpec(p: Parsed, nf: Netfilter): RuleSpec {
  return {
    ...(p.src ? { src: p.src } : {}),
    ...(p.dst ? { dst: p.dst } : {}),
    ...(p.inIface ? { inIface: p.inIface } : {}),
    ...(p.outIface ? { outIface: p.outIface } : {}),
    ...(p.proto ? { proto: { num: p.proto.num, invert: p.proto.invert } } : {}),
    matches: p.matches,
    target: buildTarget(p, nf),
  };
}

/** x_tables' checks at commit time: a target only where its table and hooks allow it, no loops. */
function checkPlacement(nf: Netfilter, table: TableName, chain: string, spec: RuleSpec): void {
  const t = spec.target;
  const place = TARGET_PLACES[t.kind];
  const builtin = (BUILTIN_CHAINS[table] as readonly string[]).includes(chain);
  if (place) {
    if (place.tables && !place.tables.includes(table)) throw new IptcError('Invalid argument', true);
    if (place.hooks && builtin && !place.hooks.includes(chain as HookName)) throw new IptcError('Invalid argument', true);
  }
  if (builtin && spec.inIface && (chain === 'OUTPUT' || chain === 'POSTROUTING')) throw new ParamError(`Can't use -i with ${chain}\n`);
  if (builtin && spec.outIface && (chain === 'PREROUTING' || chain === 'INPUT')) throw new ParamError(`Can't use -o with ${chain}\n`);
  if (t.kind === 'chain' && nf.table(table).reaches(t.chain, chain)) throw new IptcError('Too many levels of symbolic links');
}

function execute(nf: Netfilter, p: Parsed): CommandResult {
  const table = nf.table(p.table);
  const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
  const chainOf = (name: string | undefined): NonNullable<ReturnType<typeof table.chain>> => {
    const c = name === undefined ? undefined : table.chain(name);
    if (c === undefined) throw new IptcError(ERR_NO_CHAIN);
    return c;
  };
  switch (p.command!) {
    case 'L': {
      if (p.chain !== undefined) chainOf(p.chain);
      const o: ListOptions = p.list;
      return ok(listTable(table, o, p.chain));
    }
    case 'S': {
      if (p.chain !== undefined) chainOf(p.chain);
      return ok(listRules(table, p.chain, p.list.verbose));
    }
    case 'N': {
      const name = p.chain!;
      if (name.length > 28) throw new ParamError(`chain name \`${name}' too long (must be under 29 chars)`);
      if (name.startsWith('-')) throw new ParamError("chain name not allowed to start with `-'\n");
      if (table.chain(name) !== undefined || TARGET_NAMES.has(name)) throw new IptcError('Chain already exists');
      table.chains.set(name, { name, builtin: false, policy: 'ACCEPT', counters: { packets: 0, bytes: 0 }, rules: [] });
      return ok();
    }
    case 'X': {
      const names = p.chain !== undefined ? [p.chain] : [...table.chains.values()].filter((c) => !c.builtin).map((c) => c.name);
      for (const n of names) {
        const c = chainOf(n);
        if (c.builtin) throw new IptcError("Can't delete built-in chain", true);
        if (table.references(n) > 0) throw new IptcError('Too many links');
        if (c.rules.length > 0) throw new IptcError('Directory not empty');
      }
      for (const n of names) table.chains.delete(n);
      return ok();
    }
    case 'F': {
      const chains = p.chain !== undefined ? [chainOf(p.chain)] : [...table.chains.values()];
      for (const c of chains) c.rules = [];
      return ok();
    }
    case 'Z': {
      if (p.chain !== undefined) chainOf(p.chain);
      nf.zero(p.table, p.chain);
      return ok();
    }
    case 'P': {
      const c = table.chain(p.chain!);
      if (c === undefined || !c.builtin) throw new IptcError('Bad built-in chain name');
      if (p.policy !== 'ACCEPT' && p.policy !== 'DROP') throw new IptcError('Bad policy name', true);
      c.policy = p.policy;
      return ok();
    }
    case 'A':
    case 'I': {
      const c = chainOf(p.chain);
      const spec = buildSpec(p, nf);
      checkPlacement(nf, p.table, c.name, spec);
      const rule = newRule(spec);
      if (p.command === 'A') c.rules.push(rule);
      else {
        const n = p.ruleNum ?? 1;
        if (n > c.rules.length + 1) throw new IptcError('Index of insertion too big');
        c.rules.splice(n - 1, 0, rule);
      }
      return ok();
    }
    case 'D':
    case 'C': {
      const c = chainOf(p.chain);
      if (p.command === 'D' && p.ruleNum !== undefined && !p.hasSpec) {
        if (p.ruleNum > c.rules.length) throw new IptcError('Index of deletion too big');
        c.rules.splice(p.ruleNum - 1, 1);
        return ok();
      }
      const key = saveRuleSpec(buildSpec(p, nf));
      const idx = c.rules.findIndex((r) => saveRuleSpec(r) === key);
      if (idx < 0) throw new IptcError('Bad rule (does a matching rule exist in that chain?)');
      if (p.command === 'D') c.rules.splice(idx, 1);
      return ok();
    }
  }
}

/** Splits a command line into words (single and double quotes, backslash escapes), for tests and shells. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === q) q = undefined;
      else if (ch === '\\' && q === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      q = ch;
      has = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** Convenience: runs `iptables ...` given as one line (the leading "iptables" is optional). */
export function iptablesLine(nf: Netfilter, line: string, opts?: IptablesOptions): CommandResult {
  const words = splitWords(line);
  if (words[0] === 'iptables') words.shift();
  return iptables(nf, words, opts);
}
