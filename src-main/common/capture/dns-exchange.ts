// DNS queries and their answers in words (Follow DNS): "Which IPv4 address (A) has web?" → "web is at
// 10.0.1.100". A response answers the query with its transaction id sent the other way in the same UDP stream.

import type { DnsExchangeView } from '../api/capture-analysis-types.ts';
import { parse, rcodeOf, type DnsMessage, type DnsRecord } from '../wire/dns.ts';
import { formatIpv4 } from '../wire/ipv4-address.ts';
import { DNS_RCODES, DNS_TYPES } from '../dissect/registry.ts';

/** One DNS message as the capture holds it. */
export interface DnsDatagram {
  frame: number;
  time: number;
  payload: Uint8Array;
}

const ASKS: Record<number, string> = {
  1: 'Which IPv4 address (A) has NAME?',
  28: 'Which IPv6 address (AAAA) has NAME?',
  5: 'Which name is NAME an alias of (CNAME)?',
  12: 'Which name does NAME point to (PTR)?',
  2: 'Which name servers (NS) serve NAME?',
  15: 'Which mail servers (MX) take mail for NAME?',
  16: 'Which texts (TXT) does NAME hold?',
  33: 'Which services (SRV) does NAME offer?',
  6: 'Who is the authority (SOA) for NAME?',
  255: 'Every record (ANY) of NAME?',
};

function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** "5.1.0.10.in-addr.arpa" → "10.0.1.5". */
function reverseName(name: string): string {
  const m = /^((?:\d{1,3}\.){3}\d{1,3})\.in-addr\.arpa\.?$/i.exec(name);
  return m ? m[1]!.split('.').reverse().join('.') : name;
}

export function describeQuestion(name: string, type: number): string {
  const ask = ASKS[type] ?? `Which ${DNS_TYPES[type] ?? `type ${type}`} records has NAME?`;
  return ask.replace('NAME', type === 12 ? `${reverseName(name)} (${name})` : name || '<Root>');
}

export function describeRecord(r: DnsRecord): string | null {
  const d = r.data;
  switch (d.kind) {
    case 'a':
      return `${r.name} is at ${formatIpv4(d.address)}`;
    case 'aaaa':
      return `${r.name} is at ${ipv6Text(d.address)}`;
    case 'name':
      if (r.type === 5) return `${r.name} is an alias of ${d.name}`;
      if (r.type === 12) return `${reverseName(r.name)} is ${d.name}`;
      return `${r.name} is served by the name server ${d.name}`;
    case 'mx':
      return `mail for ${r.name} goes to ${d.exchange} (preference ${d.preference})`;
    case 'srv':
      return `${r.name} is served by ${d.target} port ${d.port} (priority ${d.priority}, weight ${d.weight})`;
    case 'txt':
      return `${r.name} holds the text "${d.strings.map((s) => String.fromCharCode(...s)).join('')}"`;
    case 'soa':
      return `${r.name}'s authority is ${d.mname}`;
    case 'opt':
      return null;
    case 'raw':
      return `${r.name} has a ${DNS_TYPES[r.type] ?? `type ${r.type}`} record of ${d.bytes.length} bytes`;
  }
}

function answersOf(m: DnsMessage, asked: string): string[] {
  const rcode = rcodeOf(m.flags);
  if (rcode === 3) return [`${asked || 'The name'} does not exist (No such name)`];
  if (rcode !== 0) return [`The server answered ${DNS_RCODES[rcode] ?? `error ${rcode}`}`];
  const lines = m.answers.map(describeRecord).filter((l): l is string => l !== null);
  if ((m.flags & 0x0200) !== 0) lines.push('The answer was truncated: ask again over TCP');
  return lines.length > 0 ? lines : [`${asked || 'The name'} exists but has no record of that type`];
}

/** The query/answer pairs of one UDP stream's DNS messages, in the order of the queries. */
export function dnsExchanges(datagrams: readonly DnsDatagram[]): DnsExchangeView[] {
  const out: DnsExchangeView[] = [];
  const open = new Map<number, { view: DnsExchangeView; time: number }>();
  for (const g of datagrams) {
    let m: DnsMessage;
    try {
      m = parse(g.payload);
    } catch {
      continue;
    }
    const q = m.questions[0];
    const asked = q?.name ?? '';
    const question = q ? describeQuestion(q.name, q.type) : '(no question)';
    if ((m.flags & 0x8000) === 0) {
      const view: DnsExchangeView = { id: m.id, queryFrame: g.frame, responseFrame: null, timeRelative: g.time, question, answers: [], elapsedMs: null };
      out.push(view);
      open.set(m.id, { view, time: g.time });
      continue;
    }
    const pending = open.get(m.id);
    if (pending) {
      open.delete(m.id);
      pending.view.responseFrame = g.frame;
      pending.view.answers = answersOf(m, asked);
      pending.view.elapsedMs = Math.round((g.time - pending.time) * 1e6) / 1e3;
    } else {
      out.push({ id: m.id, queryFrame: null, responseFrame: g.frame, timeRelative: g.time, question, answers: answersOf(m, asked), elapsedMs: null });
    }
  }
  return out;
}
