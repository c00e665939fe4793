// The packet list's colouring rules, as Wireshark's defaults (View › Coloring Rules): display filters tried in
// order, the first match colours the row. Pure: the store evaluates them once per frame at import; the renderer
// maps each rule's name to a calm colour of its theme.

import type { ColourRuleName } from '../api/capture-types.ts';
import { compileFilter, type DisplayFilter } from '../dissect/index.ts';
import type { FieldValues } from '../dissect/index.ts';

export interface ColourRule {
  readonly name: ColourRuleName;
  /** What Wireshark calls it. */
  readonly title: string;
  readonly filter: string;
}

/** Wireshark's order: errors first, then the specific protocols, then the transports, then broadcast. */
export const COLOUR_RULES: readonly ColourRule[] = [
  { name: 'bad-tcp', title: 'Bad TCP', filter: 'tcp.analysis.flags && !tcp.analysis.window_update' },
  { name: 'icmp-error', title: 'ICMP errors', filter: 'icmp.type in {3 4 5 11} || icmpv6.type in {1 2 3 4}' },
  { name: 'arp', title: 'ARP', filter: 'arp' },
  { name: 'vxlan', title: 'VXLAN', filter: 'vxlan' },
  { name: 'icmp', title: 'ICMP', filter: 'icmp || icmpv6' },
  { name: 'tcp-rst', title: 'TCP RST', filter: 'tcp.flags.reset == 1' },
  { name: 'http', title: 'HTTP', filter: 'http || tcp.port == 80' },
  { name: 'tcp-synfin', title: 'TCP SYN/FIN', filter: 'tcp.flags.syn == 1 || tcp.flags.fin == 1' },
  { name: 'tcp', title: 'TCP', filter: 'tcp' },
  { name: 'dns', title: 'DNS', filter: 'dns' },
  { name: 'udp', title: 'UDP', filter: 'udp' },
  { name: 'broadcast', title: 'Broadcast', filter: 'eth.dst == ff:ff:ff:ff:ff:ff' },
];

export interface CompiledColourRule {
  readonly name: ColourRuleName;
  readonly filter: DisplayFilter;
}

/** The rules compiled once; a rule whose fields the dissectors lack is left out (so is Bad TCP without analysis). */
export function compileColourRules(rules: readonly ColourRule[] = COLOUR_RULES): CompiledColourRule[] {
  const out: CompiledColourRule[] = [];
  for (const r of rules) {
    const c = compileFilter(r.filter);
    if (c.ok) out.push({ name: r.name, filter: c.filter });
  }
  return out;
}

/** The first rule the frame's field values match, or undefined. */
export function colourOf(rules: readonly CompiledColourRule[], values: FieldValues): ColourRuleName | undefined {
  for (const r of rules) if (r.filter.test(values)) return r.name;
  return undefined;
}

/** Numeric codes for storage (0 = no colour). */
export const COLOUR_CODES: readonly ColourRuleName[] = COLOUR_RULES.map((r) => r.name);
export function colourCode(name: ColourRuleName | undefined): number {
  return name === undefined ? 0 : COLOUR_CODES.indexOf(name) + 1;
}
export function colourName(code: number): ColourRuleName | undefined {
  return code > 0 ? COLOUR_CODES[code - 1] : undefined;
}
