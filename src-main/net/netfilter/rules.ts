// The rule model of iptables (x_tables): tables with built-in chains per hook and user chains, rules made of the
// fixed IPv4 part (-s, -d, -i, -o, -p), matches (-m ...) in the order given, and one target. Counters live on
// each rule and on each built-in chain's policy. Nothing here touches packets; see engine.ts for traversal and
// format.ts for how iptables prints all this.

import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter';
export type HookName = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
export type Policy = 'ACCEPT' | 'DROP';

/** Built-in chains of each table, in the order iptables lists them (hook order). */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly HookName[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export const TABLE_NAMES: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter'];

export interface Counters {
  packets: number;
  bytes: number;
}

/** An address with a prefix length, possibly negated (`! -s 10.0.0.0/8`). */
export interface AddrMatch {
  readonly addr: Ipv4Address;
  readonly prefix: number;
  readonly invert: boolean;
}

/** An interface name; a trailing `+` matches every name with that prefix. */
export interface IfaceMatch {
  readonly name: string;
  readonly invert: boolean;
}

export interface PortRange {
  readonly min: number;
  readonly max: number;
  readonly invert: boolean;
}

/** conntrack/state match bits, in the order iptables prints them. */
export const CT_STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
export type CtStateName = (typeof CT_STATES)[number];

export const ADDR_TYPES = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
] as const;
export type AddrType = (typeof ADDR_TYPES)[number];

export type Match =
  | { readonly kind: 'tcp' | 'udp'; readonly sport?: PortRange; readonly dport?: PortRange }
  /** --icmp-type: type 255 means "any". */
  | { readonly kind: 'icmp'; readonly type: number; readonly codeMin: number; readonly codeMax: number; readonly invert: boolean }
  /** -m conntrack --ctstate (alias 'state' for -m state --state). `states` is a set of CT_STATES names. */
  | { readonly kind: 'conntrack'; readonly module: 'conntrack' | 'state'; readonly states: readonly CtStateName[]; readonly invert: boolean }
  | {
      readonly kind: 'addrtype';
      readonly src?: { readonly types: readonly AddrType[]; readonly invert: boolean };
      readonly dst?: { readonly types: readonly AddrType[]; readonly invert: boolean };
    }
  | { readonly kind: 'mark'; readonly mark: number; readonly mask: number; readonly invert: boolean }
  | { readonly kind: 'comment'; readonly text: string }
  /** -m ipvs --ipvs: the packet was handled by IPVS. */
  | { readonly kind: 'ipvs'; readonly invert: boolean };

/** A NAT range: one address (or a range) and optionally a port range. */
export interface NatRange {
  readonly minAddr: Ipv4Address;
  readonly maxAddr: Ipv4Address;
  /** Port range, when given (`:80` or `:1024-2048`). */
  readonly minPort?: number;
  readonly maxPort?: number;
}

export type RejectWith =
  | 'icmp-net-unreachable'
  | 'icmp-host-unreachable'
  | 'icmp-port-unreachable'
  | 'icmp-proto-unreachable'
  | 'icmp-net-prohibited'
  | 'icmp-host-prohibited'
  | 'icmp-admin-prohibited'
  | 'tcp-reset';

export type Target =
  | { readonly kind: 'ACCEPT' | 'DROP' | 'RETURN' }
  /** Jump (-j CHAIN) or goto (-g CHAIN) a user chain. */
  | { readonly kind: 'chain'; readonly chain: string; readonly goto: boolean }
  | { readonly kind: 'REJECT'; readonly with: RejectWith }
  | { readonly kind: 'DNAT'; readonly range: NatRange }
  | { readonly kind: 'SNAT'; readonly range: NatRange }
  | { readonly kind: 'MASQUERADE'; readonly minPort?: number; readonly maxPort?: number; readonly random: boolean }
  | { readonly kind: 'REDIRECT'; readonly minPort?: number; readonly maxPort?: number }
  /** MARK --set-xmark value/mask (--set-mark v is v/0xffffffff). mark' = (mark & ~mask) ^ value. */
  | { readonly kind: 'MARK'; readonly value: number; readonly mask: number }
  | { readonly kind: 'LOG'; readonly prefix?: string; readonly level: number }
  /** A rule with no -j: counts and continues. */
  | { readonly kind: 'none' };

export interface RuleSpec {
  readonly src?: AddrMatch;
  readonly dst?: AddrMatch;
  readonly inIface?: IfaceMatch;
  readonly outIface?: IfaceMatch;
  /** Protocol number (0 = all is represented by leaving it out). */
  readonly proto?: { readonly num: number; readonly invert: boolean };
  readonly matches: readonly Match[];
  readonly target: Target;
}

export interface Rule extends RuleSpec {
  readonly counters: Counters;
}

export interface Chain {
  readonly name: string;
  readonly builtin: boolean;
  policy: Policy;
  /** Policy counters (built-in chains only). */
  readonly counters: Counters;
  rules: Rule[];
}

export class Table {
  readonly chains = new Map<string, Chain>();

  constructor(readonly name: TableName) {
    for (const c of BUILTIN_CHAINS[name]) this.chains.set(c, { name: c, builtin: true, policy: 'ACCEPT', counters: { packets: 0, bytes: 0 }, rules: [] });
  }

  chain(name: string): Chain | undefined {
    return this.chains.get(name);
  }

  /** Built-in chains in hook order, then user chains sorted by name (libiptc keeps them sorted). */
  orderedChains(): Chain[] {
    const builtin = BUILTIN_CHAINS[this.name].map((n) => this.chains.get(n)!);
    const user = [...this.chains.values()].filter((c) => !c.builtin).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return [...builtin, ...user];
  }

  /** How many rules in this table jump or go to `chain` (the "(N references)" of iptables -L). */
  references(chain: string): number {
    let n = 0;
    for (const c of this.chains.values()) for (const r of c.rules) if (r.target.kind === 'chain' && r.target.chain === chain) n++;
    return n;
  }

  /** True when `from` can reach `to` through jumps/gotos (used to refuse loops). */
  reaches(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (c === to) return true;
      if (seen.has(c)) continue;
      seen.add(c);
      for (const r of this.chains.get(c)?.rules ?? []) if (r.target.kind === 'chain') stack.push(r.target.chain);
    }
    return false;
  }
}

/** Matches an interface name against `-i`/`-o` text with the `+` wildcard (no negation here). */
export function ifaceMatches(pattern: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  if (pattern.endsWith('+')) return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

export function newRule(spec: RuleSpec): Rule {
  return { ...spec, counters: { packets: 0, bytes: 0 } };
}
