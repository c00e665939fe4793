// A plain recursive-looking DNS server for the lab's upstream (the node's resolver, "the internet's" 8.8.8.8):
// dnsmasq 2.90 as reference 03 captured it. Known names get 0x8580 (QR AA RD RA) with the owner name compressed
// (`c0 0c`), TTL from the zone (600 by default); an EDNS query gets an OPT of 1232 back without the cookie; unknown
// names NXDOMAIN 0x8183 (no AA); PTR from the zone's addresses. UDP only (enough for the tools of the tutorials).

import { CLASS_IN, encode, FLAG_AA, FLAG_CD, FLAG_QR, FLAG_RA, FLAG_RD, parse, RCODE_NXDOMAIN, TYPE_A, TYPE_OPT, TYPE_PTR, type DnsMessage, type DnsRecord } from '../../common/wire/dns.ts';
import { parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { MICROSECOND, type Time } from '../../sim/time.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { UdpSocket } from '../../net/sockets/udp.ts';
import { reverseIpv4 } from './records.ts';

export interface UpstreamDnsOptions {
  /** name (lower-case, no trailing dot) → IPv4 addresses. */
  readonly zone: ReadonlyMap<string, readonly string[]>;
  readonly address?: string;
  readonly port?: number;
  readonly ttl?: number;
  /** Answer delay (default 250 µs, dnsmasq on the reference). */
  readonly delay?: Time;
}

export interface UpstreamDns {
  readonly socket: UdpSocket;
  readonly queries: string[];
  close(): void;
}

/** Starts the server on `ns` (UDP, port 53 on every address by default). */
export function upstreamDns(ns: NetNamespace, opts: UpstreamDnsOptions): UpstreamDns {
  const sock = ns.udp.open();
  sock.bind(opts.address !== undefined ? parseIpv4(opts.address) : 0, opts.port ?? 53);
  const ttl = opts.ttl ?? 600;
  const queries: string[] = [];
  const reverse = new Map<string, string>();
  for (const [name, addrs] of opts.zone) for (const a of addrs) if (!reverse.has(reverseIpv4(parseIpv4(a)))) reverse.set(reverseIpv4(parseIpv4(a)), name);
  sock.onMessage = (m) => {
    let q: DnsMessage;
    try {
      q = parse(m.data);
    } catch {
      return;
    }
    const question = q.questions[0];
    if ((q.flags & FLAG_QR) !== 0 || question === undefined) return;
    queries.push(`${question.type === TYPE_A ? 'A' : question.type === TYPE_PTR ? 'PTR' : question.type} ${question.name}`);
    const name = question.name.toLowerCase().replace(/\.$/, '');
    let answers: DnsRecord[] = [];
    let known = false;
    if (question.type === TYPE_PTR && name.endsWith('.in-addr.arpa')) {
      const host = reverse.get(name.slice(0, -'.in-addr.arpa'.length));
      if (host !== undefined) {
        known = true;
        answers = [{ name: question.name, type: TYPE_PTR, class: CLASS_IN, ttl, data: { kind: 'name', name: host } }];
      }
    } else {
      const addrs: readonly string[] | undefined = opts.zone.get(name);
      if (addrs !== undefined) {
        known = true;
        if (question.type === TYPE_A) answers = addrs.map((a): DnsRecord => ({ name: question.name, type: TYPE_A, class: CLASS_IN, ttl, data: { kind: 'a', address: parseIpv4(a) as Ipv4Address } }));
      }
    }
    const edns = q.additionals.some((r) => r.type === TYPE_OPT);
    const flags = FLAG_QR | (q.flags & (FLAG_RD | FLAG_CD)) | FLAG_RA | (known ? FLAG_AA : RCODE_NXDOMAIN);
    const reply: DnsMessage = {
      id: q.id,
      flags,
      questions: [question],
      answers,
      authorities: [],
      additionals: edns ? [{ name: '', type: TYPE_OPT, class: 1232, ttl: 0, data: { kind: 'opt', options: [] } }] : [],
    };
    ns.env.scheduler.schedule(opts.delay ?? 250 * MICROSECOND, () => void sock.sendto(encode(reply), m.from, m.fromPort));
  };
  return { socket: sock, queries, close: () => sock.close() };
}
