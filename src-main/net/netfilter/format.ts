// How iptables prints rules, byte for byte (iptables 1.8, legacy backend):
// - `iptables -L [-n] [-v] [-x] [--line-numbers]`: print_header / print_firewall of iptables/iptables.c and
//   xtables_print_num (K/M/G/T suffixes with rounding) of libxtables; each match and target prints itself with
//   a leading space (libxt_*.c `print`).
// - `iptables -S` and `iptables-save`: print_rule4 / the `save` callbacks (`-s a/32`, `-p tcp -m tcp --dport 80`,
//   `--set-xmark v/m`, quoting of comments as xtables_save_string does).

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import { CT_STATES, type AddrMatch, type Chain, type Match, type PortRange, type Rule, type Table, type Target } from './rules.ts';

export interface ListOptions {
  /** -n: numeric addresses, ports and protocols. */
  readonly numeric?: boolean;
  /** -v: counters and interfaces. */
  readonly verbose?: boolean;
  /** -x: exact counters (no K/M/G). */
  readonly exact?: boolean;
  /** --line-numbers */
  readonly lineNumbers?: boolean;
}

/** /etc/services names iptables shows without -n (a small excerpt of Debian's netbase). */
const SERVICES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  tcp: {
    20: 'ftp-data',
    21: 'ftp',
    22: 'ssh',
    23: 'telnet',
    25: 'smtp',
    53: 'domain',
    80: 'http',
    110: 'pop3',
    143: 'imap2',
    443: 'https',
    993: 'imaps',
    995: 'pop3s',
    2375: 'docker',
    2376: 'docker-s',
    3306: 'mysql',
    5432: 'postgresql',
    6379: 'redis',
    8080: 'http-alt',
  },
  udp: { 53: 'domain', 67: 'bootps', 68: 'bootpc', 69: 'tftp', 123: 'ntp', 161: 'snmp', 4789: '4789' },
};

const PROTO_NAMES: Readonly<Record<number, string>> = { 0: 'all', 1: 'icmp', 6: 'tcp', 17: 'udp', 50: 'esp', 51: 'ah', 132: 'sctp', 136: 'udplite' };
/** getprotobynumber names for the non-numeric listing and for -S. */
const PROTO_DB: Readonly<Record<number, string>> = { ...PROTO_NAMES, 2: 'igmp', 4: 'ipencap', 41: 'ipv6', 47: 'gre', 89: 'ospf' };

const ICMP_NAMES: readonly { name: string; type: number; min: number; max: number }[] = [
  { name: 'any', type: 255, min: 0, max: 255 },
  { name: 'echo-reply', type: 0, min: 0, max: 255 },
  { name: 'destination-unreachable', type: 3, min: 0, max: 255 },
  { name: 'network-unreachable', type: 3, min: 0, max: 0 },
  { name: 'host-unreachable', type: 3, min: 1, max: 1 },
  { name: 'protocol-unreachable', type: 3, min: 2, max: 2 },
  { name: 'port-unreachable', type: 3, min: 3, max: 3 },
  { name: 'fragmentation-needed', type: 3, min: 4, max: 4 },
  { name: 'source-quench', type: 4, min: 0, max: 255 },
  { name: 'redirect', type: 5, min: 0, max: 255 },
  { name: 'echo-request', type: 8, min: 0, max: 255 },
  { name: 'time-exceeded', type: 11, min: 0, max: 255 },
  { name: 'parameter-problem', type: 12, min: 0, max: 255 },
  { name: 'timestamp-request', type: 13, min: 0, max: 255 },
  { name: 'timestamp-reply', type: 14, min: 0, max: 255 },
];

export function icmpTypeByName(name: string): { type: number; min: number; max: number } | undefined {
  return ICMP_NAMES.find((n) => n.name === name);
}

export function protoName(num: number): string | undefined {
  return PROTO_DB[num];
}

export function protoByName(name: string): number | undefined {
  for (const [k, v] of Object.entries(PROTO_DB)) if (v === name) return Number(k);
  return undefined;
}

export function serviceByName(proto: 'tcp' | 'udp', name: string): number | undefined {
  for (const [k, v] of Object.entries(SERVICES[proto]!)) if (v === name) return Number(k);
  return undefined;
}

/** xtables_print_num: a counter column. */
export function printNum(n: number, o: ListOptions, notable = false): string {
  if (o.exact) return notable ? `${n} ` : `${String(n).padStart(8)} `;
  if (n <= 99999) return notable ? `${n} ` : `${String(n).padStart(5)} `;
  let x = n;
  for (const suffix of ['K', 'M', 'G', 'T']) {
    x = Math.floor((x + 500) / 1000);
    if (x <= 9999 || suffix === 'T') return notable ? `${x}${suffix} ` : `${String(x).padStart(4)}${suffix} `;
  }
  return '';
}

function maskSuffix(prefix: number): string {
  return prefix === 32 ? '' : `/${prefix}`;
}

function addrColumn(a: AddrMatch | undefined, numeric: boolean): string {
  if (a === undefined || a.prefix === 0) {
    if (!numeric) return 'anywhere';
    return a === undefined ? '0.0.0.0/0' : `${formatIpv4(a.addr)}/0`;
  }
  return `${formatIpv4(a.addr)}${maskSuffix(a.prefix)}`;
}

function portText(p: number, proto: 'tcp' | 'udp', numeric: boolean): string {
  if (!numeric) {
    const n = SERVICES[proto]![p];
    if (n !== undefined) return n;
  }
  return String(p);
}

function printPorts(name: string, r: PortRange | undefined, proto: 'tcp' | 'udp', numeric: boolean): string {
  if (r === undefined) return '';
  if (r.min === 0 && r.max === 0xffff && !r.invert) return '';
  const inv = r.invert ? '!' : '';
  if (r.min === r.max) return ` ${name}:${inv}${portText(r.min, proto, numeric)}`;
  return ` ${name}s:${inv}${portText(r.min, proto, numeric)}:${portText(r.max, proto, numeric)}`;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function natRangeText(minAddr: number, maxAddr: number, minPort?: number, maxPort?: number): string {
  let s = formatIpv4(minAddr);
  if (maxAddr !== minAddr) s += `-${formatIpv4(maxAddr)}`;
  if (minPort !== undefined) {
    s += `:${minPort}`;
    if (maxPort !== undefined && maxPort !== minPort) s += `-${maxPort}`;
  }
  return s;
}

/** A match as `iptables -L` prints it (with its leading space). */
export function printMatch(m: Match, numeric: boolean): string {
  switch (m.kind) {
    case 'tcp':
    case 'udp':
      return ` ${m.kind}${printPorts('spt', m.sport, m.kind, numeric)}${printPorts('dpt', m.dport, m.kind, numeric)}`;
    case 'icmp': {
      let s = ' icmp';
      if (!numeric) {
        const n = ICMP_NAMES.find((x) => x.type === m.type && x.min === m.codeMin && x.max === m.codeMax);
        if (n) return `${s} ${m.invert ? '!' : ''}${n.name}`;
      }
      if (m.invert) s += '!';
      s += `type ${m.type}`;
      if (m.codeMin === m.codeMax) s += ` code ${m.codeMin}`;
      else if (m.codeMin !== 0 || m.codeMax !== 0xff) s += ` codes ${m.codeMin}-${m.codeMax}`;
      return s;
    }
    case 'conntrack': {
      const states = CT_STATES.filter((s) => m.states.includes(s)).join(',');
      if (m.module === 'state') return `${m.invert ? ' !' : ''} state ${states}`;
      return `${m.invert ? ' !' : ''} ctstate ${states}`;
    }
    case 'addrtype': {
      let s = ' ADDRTYPE match';
      if (m.src) s += ` src-type ${m.src.invert ? '!' : ''}${m.src.types.join(',')}`;
      if (m.dst) s += ` dst-type ${m.dst.invert ? '!' : ''}${m.dst.types.join(',')}`;
      return s;
    }
    case 'mark':
      return ` mark match ${m.invert ? '! ' : ''}${hex(m.mark)}${m.mask === 0xffffffff ? '' : `/${hex(m.mask)}`}`;
    case 'comment':
      return ` /* ${m.text} */`;
    case 'ipvs':
      return `${m.invert ? ' !' : ''} ipvs`;
  }
}

/** The target's own text in `iptables -L` (with its leading space), empty for standard targets. */
export function printTarget(t: Target): string {
  switch (t.kind) {
    case 'REJECT':
      return ` reject-with ${t.with}`;
    case 'DNAT':
    case 'SNAT':
      return ` to:${natRangeText(t.range.minAddr, t.range.maxAddr, t.range.minPort, t.range.maxPort)}`;
    case 'MASQUERADE': {
      let s = '';
      if (t.minPort !== undefined) s += ` masq ports: ${t.minPort}${t.maxPort !== undefined && t.maxPort !== t.minPort ? `-${t.maxPort}` : ''}`;
      if (t.random) s += ' random';
      return s;
    }
    case 'REDIRECT':
      return t.minPort !== undefined ? ` redir ports ${t.minPort}${t.maxPort !== undefined && t.maxPort !== t.minPort ? `-${t.maxPort}` : ''}` : '';
    case 'MARK':
      if (t.value === 0) return ` MARK and ${hex(~t.mask >>> 0)}`;
      if (t.value === t.mask) return ` MARK or ${hex(t.value)}`;
      if (t.mask === 0) return ` MARK xor ${hex(t.value)}`;
      if (t.mask === 0xffffffff) return ` MARK set ${hex(t.value)}`;
      return ` MARK xset ${hex(t.value)}/${hex(t.mask)}`;
    case 'LOG':
      return ` LOG flags 0 level ${t.level}${t.prefix !== undefined ? ` prefix "${t.prefix}"` : ''}`;
    default:
      return '';
  }
}

export function targetName(t: Target): string {
  switch (t.kind) {
    case 'chain':
      return t.chain;
    case 'none':
      return '';
    default:
      return t.kind;
  }
}

function header(table: Table, chain: Chain, o: ListOptions): string {
  let s = `Chain ${chain.name}`;
  if (chain.builtin) {
    s += ` (policy ${chain.policy}`;
    if (o.verbose) s += ` ${printNum(chain.counters.packets, o, true)}packets, ${printNum(chain.counters.bytes, o, true)}bytes`;
    s += ')\n';
  } else {
    s += ` (${table.references(chain.name)} references)\n`;
  }
  if (o.lineNumbers) s += 'num  ';
  if (o.verbose) s += o.exact ? `${'pkts'.padStart(8)} ${'bytes'.padStart(10)} ` : `${'pkts'.padStart(5)} ${'bytes'.padStart(5)} `;
  s += `${'target'.padEnd(9)} `;
  s += ' prot ';
  s += 'opt';
  if (o.verbose) s += ` ${'in'.padEnd(6)} ${'out'.padEnd(6)} `;
  s += ` ${'source'.padEnd(19)} `;
  s += ` ${'destination'.padEnd(19)} `;
  return s + '\n';
}

/** One rule line of `iptables -L` (print_firewall), with its newline. */
export function printRule(r: Rule, num: number, o: ListOptions): string {
  const numeric = o.numeric === true;
  let s = '';
  if (o.lineNumbers) s += `${String(num).padEnd(4)} `;
  if (o.verbose) s += printNum(r.counters.packets, o) + printNum(r.counters.bytes, o);
  s += `${targetName(r.target).padEnd(9)} `;
  s += r.proto?.invert ? '!' : ' ';
  const pnum = r.proto?.num ?? 0;
  const pname = numeric ? PROTO_NAMES[pnum] : PROTO_DB[pnum];
  s += (pname ?? String(pnum)).padEnd(5);
  s += '-- ';
  if (o.verbose) {
    const iface = (m: { name: string; invert: boolean } | undefined): string => (m?.invert ? '!' : '') + (m !== undefined ? m.name : numeric ? '*' : 'any');
    s += ` ${iface(r.inIface).padEnd(6)} `;
    s += `${iface(r.outIface).padEnd(6)} `;
  }
  s += r.src?.invert ? '!' : ' ';
  s += `${addrColumn(r.src, numeric).padEnd(19)} `;
  s += r.dst?.invert ? '!' : ' ';
  s += `${addrColumn(r.dst, numeric).padEnd(19)} `;
  if (r.target.kind === 'chain' && r.target.goto) s += '[goto] ';
  for (const m of r.matches) s += printMatch(m, numeric);
  s += printTarget(r.target);
  return s + '\n';
}

/** `iptables [-t T] -L [chain] ...`: chains separated by blank lines. */
export function listTable(table: Table, o: ListOptions, chainName?: string): string {
  const chains = chainName === undefined ? table.orderedChains() : [table.chain(chainName)!];
  const parts: string[] = [];
  for (const c of chains) {
    let s = header(table, c, o);
    c.rules.forEach((r, i) => (s += printRule(r, i + 1, o)));
    parts.push(s);
  }
  return parts.join('\n');
}

// ---- -S / iptables-save ------------------------------------------------------------------------------------------

function saveAddr(flag: string, a: AddrMatch | undefined): string {
  if (a === undefined || (a.prefix === 0 && a.addr === 0 && !a.invert)) return '';
  return `${a.invert ? ' !' : ''} ${flag} ${formatIpv4(a.addr)}/${a.prefix}`;
}

/** xtables_save_string */
function saveString(v: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(v)) return ` ${v}`;
  return ` "${v.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

function savePorts(flag: string, r: PortRange | undefined): string {
  if (r === undefined || (r.min === 0 && r.max === 0xffff && !r.invert)) return '';
  return `${r.invert ? ' !' : ''} ${flag} ${r.min === r.max ? r.min : `${r.min}:${r.max}`}`;
}

export function saveMatch(m: Match): string {
  switch (m.kind) {
    case 'tcp':
    case 'udp':
      return ` -m ${m.kind}${savePorts('--sport', m.sport)}${savePorts('--dport', m.dport)}`;
    case 'icmp': {
      let s = ` -m icmp${m.invert ? ' !' : ''}`;
      if (m.type === 255) return `${s} --icmp-type any`;
      s += ` --icmp-type ${m.type}`;
      if (m.codeMin !== 0 || m.codeMax !== 0xff) s += `/${m.codeMin}`;
      return s;
    }
    case 'conntrack': {
      const states = CT_STATES.filter((s) => m.states.includes(s)).join(',');
      if (m.module === 'state') return ` -m state${m.invert ? ' !' : ''} --state ${states}`;
      return ` -m conntrack${m.invert ? ' !' : ''} --ctstate ${states}`;
    }
    case 'addrtype': {
      let s = ' -m addrtype';
      if (m.src) s += `${m.src.invert ? ' !' : ''} --src-type ${m.src.types.join(',')}`;
      if (m.dst) s += `${m.dst.invert ? ' !' : ''} --dst-type ${m.dst.types.join(',')}`;
      return s;
    }
    case 'mark':
      return ` -m mark${m.invert ? ' !' : ''} --mark ${hex(m.mark)}${m.mask === 0xffffffff ? '' : `/${hex(m.mask)}`}`;
    case 'comment':
      return ` -m comment --comment${saveString(m.text)}`;
    case 'ipvs':
      return ` -m ipvs${m.invert ? ' !' : ''} --ipvs`;
  }
}

export function saveTarget(t: Target): string {
  switch (t.kind) {
    case 'none':
      return '';
    case 'chain':
      return ` ${t.goto ? '-g' : '-j'} ${t.chain}`;
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return ` -j ${t.kind}`;
    case 'REJECT':
      return ` -j REJECT --reject-with ${t.with}`;
    case 'DNAT':
      return ` -j DNAT --to-destination ${natRangeText(t.range.minAddr, t.range.maxAddr, t.range.minPort, t.range.maxPort)}`;
    case 'SNAT':
      return ` -j SNAT --to-source ${natRangeText(t.range.minAddr, t.range.maxAddr, t.range.minPort, t.range.maxPort)}`;
    case 'MASQUERADE': {
      let s = ' -j MASQUERADE';
      if (t.minPort !== undefined) s += ` --to-ports ${t.minPort}${t.maxPort !== undefined && t.maxPort !== t.minPort ? `-${t.maxPort}` : ''}`;
      if (t.random) s += ' --random';
      return s;
    }
    case 'REDIRECT':
      return ` -j REDIRECT${t.minPort !== undefined ? ` --to-ports ${t.minPort}${t.maxPort !== undefined && t.maxPort !== t.minPort ? `-${t.maxPort}` : ''}` : ''}`;
    case 'MARK':
      return ` -j MARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`;
    case 'LOG': {
      let s = ' -j LOG';
      if (t.prefix !== undefined) s += ` --log-prefix${saveString(t.prefix)}`;
      if (t.level !== 4) s += ` --log-level ${t.level}`;
      return s;
    }
  }
}

/** The rule's specification as `iptables -S` prints it after `-A CHAIN` (also the key for `-D CHAIN spec`). */
export function saveRuleSpec(r: Omit<Rule, 'counters'>, counters?: { packets: number; bytes: number }): string {
  let s = '';
  s += saveAddr('-s', r.src);
  s += saveAddr('-d', r.dst);
  if (r.inIface) s += `${r.inIface.invert ? ' !' : ''} -i ${r.inIface.name}`;
  if (r.outIface) s += `${r.outIface.invert ? ' !' : ''} -o ${r.outIface.name}`;
  if (r.proto && r.proto.num !== 0) s += `${r.proto.invert ? ' !' : ''} -p ${PROTO_DB[r.proto.num] ?? r.proto.num}`;
  for (const m of r.matches) s += saveMatch(m);
  if (counters) s += ` -c ${counters.packets} ${counters.bytes}`;
  s += saveTarget(r.target);
  return s;
}

/** `iptables [-t T] -S [chain] [-v]`. */
export function listRules(table: Table, chainName?: string, verbose = false): string {
  const chains = chainName === undefined ? table.orderedChains() : [table.chain(chainName)!];
  let s = '';
  for (const c of chains) {
    if (c.builtin) s += `-P ${c.name} ${c.policy}${verbose ? ` -c ${c.counters.packets} ${c.counters.bytes}` : ''}\n`;
    else s += `-N ${c.name}\n`;
  }
  for (const c of chains) for (const r of c.rules) s += `-A ${c.name}${saveRuleSpec(r, verbose ? r.counters : undefined)}\n`;
  return s;
}

export interface SaveOptions {
  /** `-c`: counters in [pkts:bytes] and on rules. */
  readonly counters?: boolean;
  /** The "# Generated by iptables-save v1.8.7 on <date>" lines; omitted when not given (no wall clock here). */
  readonly banner?: { readonly version: string; readonly date: string };
}

/** `iptables-save` for the given tables, in the order given. */
export function saveTables(tables: readonly Table[], o: SaveOptions = {}): string {
  let s = '';
  for (const t of tables) {
    if (o.banner) s += `# Generated by iptables-save v${o.banner.version} on ${o.banner.date}\n`;
    s += `*${t.name}\n`;
    const chains = t.orderedChains();
    for (const c of chains) {
      const cnt = o.counters || c.builtin ? `[${c.builtin ? c.counters.packets : 0}:${c.builtin ? c.counters.bytes : 0}]` : '[0:0]';
      s += `:${c.name} ${c.builtin ? c.policy : '-'} ${cnt}\n`;
    }
    for (const c of chains) for (const r of c.rules) s += `${o.counters ? `[${r.counters.packets}:${r.counters.bytes}] ` : ''}-A ${c.name}${saveRuleSpec(r)}\n`;
    s += 'COMMIT\n';
    if (o.banner) s += `# Completed on ${o.banner.date}\n`;
  }
  return s;
}
