// Reference scenario 03-overlay-dns of ../shared/reference/linux (facts §1, 3.1, 3.5) rebuilt on the §1 overlay in
// Docker mode (net/reference-overlay.ts's builders), following build-lab.sh's scenario_dns:
//   - dnsmasq 2.90 in c3 (n2, 10.0.1.4:53) run as `dnsmasq -k -C /dev/null --no-resolv --no-hosts --bind-interfaces
//     --listen-address=10.0.1.4 --port=53 --local-ttl=600 --server=/#/ --addn-hosts=hosts` with the hosts file
//     `10.0.1.5 c4`, `10.0.1.6 c5`, `10.0.1.100 web` (authoritative only: anything else is NXDOMAIN); upstream.ts is
//     that server, byte for byte (0x8580 with `c0 0c` owner names, TTL 600, OPT 1232 without the cookie, 0x8183);
//   - c1 (n1, 10.0.1.2) with resolv.conf `nameserver 10.0.1.4` / `options ndots:0` makes the reference's four
//     lookups at the reference's instants (the script's `sleep 0.3` plus each tool's start-up):
//       0         `getent ahosts c4`: glibc getaddrinfo, AF_UNSPEC + AI_ADDRCONFIG with IPv6 off → one A query,
//                 0x0100, no EDNS, on a connected socket (DF set, the socket's own IP ID counter);
//       326.05 ms `dig @10.0.1.4 web A +tries=1 +time=1`: 0x0120 (RD AD), OPT 1232 with an 8-byte client COOKIE,
//                 DF clear (bind's IP_PMTUDISC_DONT, so the kernel's hashed IP ID);
//       656.36 ms `dig @10.0.1.4 -x 10.0.1.5 +noedns`: PTR 5.1.0.10.in-addr.arpa, 0x0120, no OPT;
//       989.38 ms `dig @10.0.1.4 nosuch.example A +noedns`: NXDOMAIN 0x8183 back.
// Captures: tcpdump -i eth0 in c1 and in n1 (the underlay), started after the lab settled and the caches were
// flushed, as in the script. The query ids and the cookie come from seeded streams, so one seed gives one capture.

import { FLAG_AD, FLAG_RD, TYPE_A, TYPE_PTR } from '../../common/wire/dns.ts';
import { parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { ms, s, us, SECOND, type Time } from '../../sim/time.ts';
import type { Capture } from '../../net/capture.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import { buildOverlay, flushNeigh, type OverlayLab } from '../../net/reference-overlay.ts';
import { buildQuery, lookupHost, reverseName, singleQuery, type LookupResult, type SingleQueryOutcome } from '../../net/apps/resolver.ts';
import type { RandomSource } from '../../sim/random.ts';
import { upstreamDns, type UpstreamDns } from './upstream.ts';

/** build-lab.sh's `$LAB/dns/hosts` (dnsmasq --addn-hosts). */
export const DNS_HOSTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['c4', ['10.0.1.5']],
  ['c5', ['10.0.1.6']],
  ['web', ['10.0.1.100']],
]);
/** `$LAB/dns/resolv.overlay`, bind-mounted over c1's /etc/resolv.conf for getent. */
export const RESOLV_OVERLAY = 'nameserver 10.0.1.4\noptions ndots:0\n';
export const DNSMASQ_ADDRESS = '10.0.1.4';

/**
 * Where each lookup starts, from the moment tcpdump is ready (the reference's relative times of the queries minus
 * the emulator's own path to c1's eth0, a few µs).
 */
export const DNS_SCHEDULE = {
  getent: 0,
  digA: us(326_050),
  digPtr: us(656_360),
  digNx: us(989_375),
} as const;

/**
 * dnsmasq's time to answer: about 200 µs from query to reply for the warm dig queries (the underlay shows
 * 204/224/215 µs round trips), about twice that for the first query after start-up (408 µs, the reply also waits
 * for c3's ARP for c1, which n2's vxlan0 proxy answers).
 */
export const DNSMASQ_DELAY: Time = us(190);

export type DigOutcome = SingleQueryOutcome & { readonly query: Uint8Array };

export interface OverlayDnsRun {
  readonly o: OverlayLab;
  readonly dnsmasq: UpstreamDns;
  /** tcpdump -i eth0 in c1, and in n1 (the underlay). */
  readonly c1eth0: Capture;
  readonly underlay: Capture;
  readonly getent?: LookupResult;
  /** The three dig runs in order: A web (EDNS + cookie), PTR (+noedns), NXDOMAIN (+noedns). */
  readonly digs: DigOutcome[];
}

interface DigOptions {
  readonly edns: boolean;
  readonly random: RandomSource;
}

/** `dig @server name type +tries=1 +time=1 [+noedns]`: a new connected socket, DF clear, RD+AD, EDNS 1232 + cookie. */
function dig(ns: NetNamespace, server: Ipv4Address, name: string, type: number, o: DigOptions, onDone: (r: DigOutcome) => void): void {
  let id = o.random.nextU32() & 0xffff;
  if (id === 0) id = 1;
  const cookie = o.edns ? Uint8Array.from({ length: 8 }, () => o.random.nextU32() & 0xff) : undefined;
  const query = buildQuery(name, type, { id, flags: FLAG_RD | FLAG_AD, ...(o.edns ? { ednsSize: 1232 } : {}), ...(cookie !== undefined ? { cookie } : {}) });
  singleQuery(ns, { server, query, id, timeout: 1 * SECOND, tries: 1, dfClear: true }, () => undefined, (r) => onDone({ ...r, query }));
}

/** Scenario 03 (docker mode): the four lookups of c1 answered by dnsmasq in c3; the captures run ~1.5 s. */
export function runOverlayDns(seed: number): OverlayDnsRun {
  const o = buildOverlay(seed, 'docker');
  const dnsmasq = upstreamDns(o.c.c3!, { zone: DNS_HOSTS, address: DNSMASQ_ADDRESS, port: 53, ttl: 600, delay: DNSMASQ_DELAY });
  o.lab.run(s(3)); // the lab settles (br0's IGMP reports pass)
  flushNeigh(o);
  const c1eth0 = o.lab.capture(o.c.c1!.device('eth0'));
  const underlay = o.lab.capture(o.node.n1!.device('eth0'));
  const start = o.lab.now + s(1); // cap_start waits for tcpdump, then sleeps 1 s
  const c1 = o.c.c1!;
  const server = parseIpv4(DNSMASQ_ADDRESS);
  // glibc's res_mkquery ids and bind's ids/cookies: seeded streams of their own, one per program.
  const glibc = o.lab.random.fork('c1/getent');
  const digRandom = o.lab.random.fork('c1/dig');
  const run: { getent?: LookupResult; digs: DigOutcome[] } = { digs: [] };
  o.lab.at(start + DNS_SCHEDULE.getent, () =>
    lookupHost(c1, 'c4', { libc: 'glibc', resolvConf: RESOLV_OVERLAY, hosts: '', noHosts: true, random: { nextU32: () => nonZeroId(glibc) } }, (r) => (run.getent = r)),
  );
  o.lab.at(start + DNS_SCHEDULE.digA, () => dig(c1, server, 'web', TYPE_A, { edns: true, random: digRandom }, (r) => run.digs.push(r)));
  o.lab.at(start + DNS_SCHEDULE.digPtr, () => dig(c1, server, reverseName(parseIpv4('10.0.1.5')), TYPE_PTR, { edns: false, random: digRandom }, (r) => run.digs.push(r)));
  o.lab.at(start + DNS_SCHEDULE.digNx, () => dig(c1, server, 'nosuch.example', TYPE_A, { edns: false, random: digRandom }, (r) => run.digs.push(r)));
  o.lab.run(start + ms(1500));
  c1eth0.stop();
  underlay.stop();
  return { o, dnsmasq, c1eth0, underlay, ...(run.getent !== undefined ? { getent: run.getent } : {}), digs: run.digs };
}

/** A 16-bit query id that is never 0 (the low half of the word is what the resolver keeps). */
function nonZeroId(r: RandomSource): number {
  for (;;) {
    const v = r.nextU32();
    if ((v & 0xffff) !== 0) return v;
  }
}
