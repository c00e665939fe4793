// One frame in plain words, one short paragraph per layer, for students who have never read a detail tree (the
// step mode's explanation pane). Built on the dissector's field values, so it says only what the bytes say; the
// notes about Docker (NAT, the embedded DNS, the overlay) are hints about where such a packet usually comes from.
import { collectFields, LINKTYPE_ETHERNET } from './dissect.ts';
import type { FieldValues } from './tree.ts';
import { formatValue, type FieldValue } from './field.ts';
import { IP_PROTOCOLS, lookupField } from './registry.ts';

export interface ExplainedLayer {
  /** The layer's filter name (`eth`, `arp`, `ip`, `vxlan`, `tcp`, ...). */
  readonly protocol: string;
  /** Its name for people ("Ethernet", "IPv4 (underlay)"). */
  readonly title: string;
  readonly text: string;
}

/** Layers that say nothing worth a paragraph of their own. */
const SILENT = new Set(['ethertype', 'data', 'frame']);

const DNS_TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 41: 'OPT', 255: 'ANY' };
const DNS_RCODES: Record<number, string> = { 1: 'the question was malformed', 2: 'the server failed', 3: 'no such name exists', 4: 'the server does not do that', 5: 'the server refused' };
const WELL_KNOWN_PORTS: Record<number, string> = { 53: 'DNS', 67: 'DHCP', 68: 'DHCP', 80: 'HTTP', 123: 'NTP', 443: 'HTTPS', 2377: 'swarm management', 4789: 'VXLAN', 7946: 'swarm gossip', 8080: 'HTTP-alt' };

/** The values of one frame's fields, read per occurrence of a layer (a VXLAN frame has two Ethernet and two IPv4). */
class Reader {
  readonly #seen = new Map<string, number>();
  #layer = 0;

  constructor(readonly values: FieldValues) {}

  /** Moves to the next occurrence of `protocol`; returns its 0-based index. */
  enter(protocol: string): number {
    this.#layer = this.#seen.get(protocol) ?? 0;
    this.#seen.set(protocol, this.#layer + 1);
    return this.#layer;
  }

  raw(name: string, i = this.#layer): FieldValue | undefined {
    const vs = this.values.get(name);
    return vs?.[Math.min(i, vs.length - 1)];
  }

  num(name: string): number | undefined {
    const v = this.raw(name);
    return typeof v === 'number' ? v : undefined;
  }

  flag(name: string): boolean {
    return this.raw(name) === true;
  }

  text(name: string, i = this.#layer): string | undefined {
    const v = this.raw(name, i);
    const f = lookupField(name);
    if (v === undefined || !f) return undefined;
    return f.type === 'string' ? String(v) : formatValue(f, v);
  }

  all(name: string): string[] {
    const f = lookupField(name);
    return f ? (this.values.get(name) ?? []).map((v) => formatValue(f, v)) : [];
  }

  count(protocol: string): number {
    return this.values.get(protocol)?.length ?? 0;
  }
}

/** The layers of a frame in plain words, outermost first. */
export function explainFrame(frame: Uint8Array, linktype = LINKTYPE_ETHERNET): ExplainedLayer[] {
  const { values, summary } = collectFields(frame, { number: 1, tsNs: 0n, linktype });
  const r = new Reader(values);
  const stack = String(values.get('frame.protocols')?.[0] ?? '').split(':');
  const out: ExplainedLayer[] = [];
  let previous = '';
  for (const p of stack) {
    if (p === '' || SILENT.has(p) || p === previous) continue; // igmp:igmp, one paragraph
    previous = p;
    const layer = explainLayer(p, r);
    out.push(layer ?? { protocol: p, title: p.toUpperCase(), text: `${p.toUpperCase()}: ${summary.info || 'no further detail.'}` });
  }
  if (out.length === 0) out.push({ protocol: 'frame', title: 'Frame', text: `A frame of ${frame.length} bytes that we cannot read further.` });
  return out;
}

function explainLayer(p: string, r: Reader): ExplainedLayer | undefined {
  switch (p) {
    case 'eth':
      return ethernet(r);
    case 'vlan':
      r.enter(p);
      return { protocol: p, title: '802.1Q VLAN', text: `802.1Q: the frame carries a VLAN tag, VLAN ${r.text('vlan.id') ?? '?'} — switches keep each VLAN apart as if it were its own segment.` };
    case 'arp':
      return arp(r);
    case 'ip':
      return ipv4(r);
    case 'icmp':
      return icmp(r);
    case 'ipv6':
      return ipv6(r);
    case 'icmpv6':
      return icmpv6(r);
    case 'udp':
      return udp(r);
    case 'tcp':
      return tcp(r);
    case 'vxlan':
      r.enter(p);
      return {
        protocol: p,
        title: 'VXLAN',
        text: `VXLAN: the whole original frame is wrapped for the overlay, VNI ${r.text('vxlan.vni') ?? '?'} — the overlay network's number. The Docker host at the other end unwraps it and hands the inner frame to that network, so containers on different hosts look like they share one switch.`,
      };
    case 'esp':
      r.enter(p);
      return {
        protocol: p,
        title: 'ESP (IPsec)',
        text: `ESP: the rest is encrypted (IPsec, SPI ${r.text('esp.spi') ?? '?'}, packet ${r.text('esp.sequence') ?? '?'} of this tunnel) — an encrypted overlay: the underlay sees that two hosts talk, never what they say.`,
      };
    case 'dns':
      return dns(r);
    case 'http':
      return http(r);
    case 'igmp':
      r.enter(p);
      return { protocol: p, title: 'IGMP', text: 'IGMP: the host tells the routers and switches on its segment which multicast groups it wants to receive.' };
    default:
      return undefined;
  }
}

function ethernet(r: Reader): ExplainedLayer {
  const i = r.enter('eth');
  const src = r.text('eth.src') ?? '?';
  const dst = r.text('eth.dst') ?? '?';
  const raw = r.raw('eth.dst');
  const broadcast = dst.toLowerCase() === 'ff:ff:ff:ff:ff:ff' || raw === 0xffffffffffff;
  const multicast = !broadcast && r.raw('eth.ig') === true;
  const to = broadcast
    ? `to everyone on the segment (broadcast ${dst})`
    : multicast
      ? `to a multicast group (${dst}): every interface that joined it takes a copy`
      : `to ${dst}`;
  if (src === '00:00:00:00:00:00' && dst === src) {
    return { protocol: 'eth', title: 'Loopback', text: 'Loopback: the packet never leaves its network namespace — the kernel hands it from one program to another on the same machine (lo).' };
  }
  const inner = i > 0 || r.count('eth') > 1;
  const title = i > 0 ? 'Ethernet (inside the tunnel)' : inner ? 'Ethernet (underlay)' : 'Ethernet';
  const why = i > 0
    ? 'This is the container\'s own frame, exactly as it left its network namespace.'
    : broadcast
      ? 'A bridge floods it out of every port.'
      : 'A bridge (switch) looks the destination MAC up in its table to pick the one port it goes out of.';
  return { protocol: 'eth', title, text: `Ethernet: sent from ${src} ${to}. ${why}` };
}

function arp(r: Reader): ExplainedLayer {
  r.enter('arp');
  const op = r.num('arp.opcode');
  const spa = r.text('arp.src.proto_ipv4') ?? '?';
  const sha = r.text('arp.src.hw_mac') ?? '?';
  const tpa = r.text('arp.dst.proto_ipv4') ?? '?';
  let text: string;
  if (op === 1 && spa === tpa) text = `ARP: ${spa} announces that it is at ${sha} (gratuitous ARP), so neighbours update their tables.`;
  else if (op === 1) text = `ARP: ${spa} asks who has ${tpa} — it knows the IP address it wants to reach but not the MAC address to put in the frame, so it asks everyone and the owner answers.`;
  else if (op === 2) text = `ARP: the answer — ${spa} is at ${sha}. The asker keeps this in its neighbour (ARP) table and can now send its IP packets.`;
  else text = `ARP: operation ${op ?? '?'} from ${spa}.`;
  return { protocol: 'arp', title: 'ARP', text };
}

/** 10/8, 172.16/12, 192.168/16: addresses that never cross the internet without NAT. */
function isPrivate(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function ipv4(r: Reader): ExplainedLayer {
  const i = r.enter('ip');
  const outer = r.count('ip') > 1 && i === 0;
  const src = r.text('ip.src') ?? '?';
  const dst = r.text('ip.dst') ?? '?';
  const ttl = r.num('ip.ttl');
  const proto = r.num('ip.proto');
  const carries = proto === undefined ? '' : ` It carries ${IP_PROTOCOLS[proto] ?? `protocol ${proto}`}.`;
  const parts = [`IPv4: from ${src} to ${dst}, TTL ${ttl ?? '?'} — each router lowers it by one and drops the packet at zero, so a loop cannot keep it forever.${carries}`];
  if (outer) parts.push('This is the underlay packet between the two Docker hosts; the container\'s packet rides inside.');
  const mf = r.flag('ip.flags.mf');
  const offset = r.num('ip.frag_offset') ?? 0;
  if (mf || offset > 0) parts.push(`It is a fragment (offset ${offset} bytes${mf ? ', more follow' : ', the last one'}): the packet was bigger than the link's MTU and the receiver puts the pieces back together.`);
  if (src !== '?' && dst !== '?' && !outer) {
    if (isPrivate(src) && !isPrivate(dst) && !dst.startsWith('127.') && !dst.startsWith('224.')) {
      parts.push(`NAT: ${src} is a private address; on its way out of the Docker host, the MASQUERADE rule rewrites it to the host's own address.`);
    } else if (!isPrivate(src) && isPrivate(dst) && !src.startsWith('127.')) {
      parts.push(`NAT: a packet from outside to the private address ${dst} — a published port (DNAT) or the reply to a masqueraded connection rewrote its destination.`);
    }
  }
  return { protocol: 'ip', title: outer ? 'IPv4 (underlay)' : 'IPv4', text: parts.join(' ') };
}

/** An echo request or reply (ping) in words, for ICMP and ICMPv6 alike. */
function echo(proto: 'ICMP' | 'ICMPv6', request: boolean, id: number | undefined, seq: number | undefined): string {
  return request
    ? `${proto}: echo request (ping), id ${id ?? '?'}, sequence ${seq ?? '?'} — "are you there?"; the destination answers with an echo reply.`
    : `${proto}: echo reply (the answer to ping sequence ${seq ?? '?'}, id ${id ?? '?'}) — the destination is reachable.`;
}

function icmp(r: Reader): ExplainedLayer {
  r.enter('icmp');
  const type = r.num('icmp.type');
  const seq = r.num('icmp.seq');
  const id = r.num('icmp.ident');
  let text: string;
  if (type === 8 || type === 0) text = echo('ICMP', type === 8, id, seq);
  else if (type === 3) {
    const code = r.num('icmp.code');
    const why = code === 3 ? 'nothing listens on that port' : code === 4 ? `the packet is too big for the next link and may not be fragmented (MTU ${r.text('icmp.mtu') ?? '?'})` : code === 1 ? 'the host did not answer ARP' : code === 13 ? 'a firewall rule rejected it' : `code ${code ?? '?'}`;
    text = `ICMP: destination unreachable — ${why}. It goes back to the sender of the packet quoted inside.`;
  } else if (type === 11) text = 'ICMP: time exceeded — a router dropped the packet because its TTL reached zero (traceroute relies on this).';
  else text = `ICMP: type ${type ?? '?'} message.`;
  return { protocol: 'icmp', title: 'ICMP', text };
}

/** Next headers that are IPv6 extension headers, not the upper layer the packet carries. */
const IPV6_EXTENSIONS = new Set([0, 43, 44, 60]);

function ipv6(r: Reader): ExplainedLayer {
  r.enter('ipv6');
  const src = r.text('ipv6.src') ?? '?';
  const dst = r.text('ipv6.dst') ?? '?';
  const nxt = r.num('ipv6.nxt');
  const name = nxt === undefined ? undefined : (IP_PROTOCOLS[nxt] ?? `protocol ${nxt}`);
  // ipv6.nxt is the first next header only: when it is an extension header, the upper layer comes after it.
  const carries = name === undefined ? '' : nxt !== undefined && IPV6_EXTENSIONS.has(nxt) ? ` An extension header (${name}) comes before what it carries.` : ` It carries ${name}.`;
  return {
    protocol: 'ipv6',
    title: 'IPv6',
    text: `IPv6: from ${src} to ${dst}, hop limit ${r.num('ipv6.hlim') ?? '?'} — IPv6's name for IPv4's TTL: each router lowers it by one and drops the packet at zero.${carries}`,
  };
}

/** Neighbour discovery in words; undefined for the other types. */
function neighbourDiscovery(type: number | undefined, r: Reader): string | undefined {
  const target = r.text('icmpv6.nd.ns.target_address') ?? '?';
  // The dissector does not read the NDP options (the link-layer address option); the advertiser sends from its
  // own MAC, so the Ethernet source of the frame that carries it (the innermost one) is the answer.
  const mac = r.all('eth.src').at(-1) ?? 'its sender\'s MAC address';
  switch (type) {
    case 135:
      return `ICMPv6: neighbor solicitation — who has ${target}? IPv6's ARP: the sender knows the IPv6 address but not the MAC address to put in the frame, so it asks, and the owner answers with a neighbor advertisement.`;
    case 136:
      return `ICMPv6: neighbor advertisement — ${target} is at ${mac}. IPv6's answer to an ARP request: the asker keeps it in its neighbour table and can now send its packets.`;
    case 133:
      return 'ICMPv6: router solicitation — a host asks the routers on its link to announce themselves, so it need not wait for their next advertisement.';
    case 134:
      return 'ICMPv6: router advertisement — a router announces itself (and usually the prefixes of the link), so hosts learn their default route and can build their own addresses.';
    default:
      return undefined;
  }
}

function icmpv6(r: Reader): ExplainedLayer {
  r.enter('icmpv6');
  const type = r.num('icmpv6.type');
  const id = r.num('icmpv6.echo.identifier');
  const seq = r.num('icmpv6.echo.sequence_number');
  let text: string;
  if (type === 128 || type === 129) text = echo('ICMPv6', type === 128, id, seq);
  else text = neighbourDiscovery(type, r) ?? `ICMPv6: type ${r.text('icmpv6.type') ?? '?'}, code ${r.num('icmpv6.code') ?? '?'} message.`;
  return { protocol: 'icmpv6', title: 'ICMPv6', text };
}

function portName(port: number | undefined): string {
  const name = port === undefined ? undefined : WELL_KNOWN_PORTS[port];
  return name === undefined ? '' : ` (${name})`;
}

function udp(r: Reader): ExplainedLayer {
  r.enter('udp');
  const sp = r.num('udp.srcport');
  const dp = r.num('udp.dstport');
  return {
    protocol: 'udp',
    title: 'UDP',
    text: `UDP: from port ${sp ?? '?'}${portName(sp)} to port ${dp ?? '?'}${portName(dp)} — one datagram, no connection and no delivery guarantee; the port says which program gets it.`,
  };
}

function tcp(r: Reader): ExplainedLayer {
  r.enter('tcp');
  const sp = r.num('tcp.srcport');
  const dp = r.num('tcp.dstport');
  const len = r.num('tcp.len') ?? 0;
  const syn = r.flag('tcp.flags.syn');
  const ack = r.flag('tcp.flags.ack');
  const fin = r.flag('tcp.flags.fin');
  const rst = r.flag('tcp.flags.reset');
  let what: string;
  if (rst) what = 'RST — refuses or aborts the connection (for example, nothing listens on that port)';
  else if (syn && ack) what = 'SYN-ACK — accepts the connection (second step of the three-way handshake)';
  else if (syn) what = 'SYN — opens a connection (first step of the three-way handshake)';
  else if (fin) what = 'FIN — this side has nothing more to send and closes its half of the connection';
  else if (len > 0) what = `carries ${len} bytes of data (sequence ${r.text('tcp.seq') ?? '?'}); the receiver acknowledges them`;
  else if (ack) what = `ACK — acknowledges everything received up to byte ${r.text('tcp.ack') ?? '?'}`;
  else what = 'a segment with no flags set';
  return { protocol: 'tcp', title: 'TCP', text: `TCP: from port ${sp ?? '?'}${portName(sp)} to port ${dp ?? '?'}${portName(dp)}: ${what}.` };
}

function dns(r: Reader): ExplainedLayer {
  r.enter('dns');
  const name = r.text('dns.qry.name') ?? '?';
  const qtype = r.num('dns.qry.type');
  const type = qtype === undefined ? 'a' : (DNS_TYPES[qtype] ?? `type ${qtype}`);
  const embedded = r.all('ip.dst').includes('127.0.0.11') || r.all('ip.src').includes('127.0.0.11');
  const note = embedded ? ' Docker\'s embedded DNS server (127.0.0.11) answers the names of containers and services on the same network.' : '';
  if (r.raw('dns.flags.response') !== true) return { protocol: 'dns', title: 'DNS', text: `DNS: a query — what is the ${type} record of ${name}?${note}` };
  const rcode = r.num('dns.flags.rcode') ?? 0;
  if (rcode !== 0) return { protocol: 'dns', title: 'DNS', text: `DNS: the answer for ${name} is an error — ${DNS_RCODES[rcode] ?? `rcode ${rcode}`}.${note}` };
  const answers = [...r.all('dns.a'), ...r.all('dns.aaaa'), ...r.all('dns.cname')];
  const said = answers.length === 0 ? 'there is no such record (an empty answer)' : `${name} is ${answers.join(', ')}`;
  return { protocol: 'dns', title: 'DNS', text: `DNS: the answer — ${said}.${note}` };
}

function http(r: Reader): ExplainedLayer {
  r.enter('http');
  if (r.raw('http.request') === true) {
    const host = r.text('http.host');
    return { protocol: 'http', title: 'HTTP', text: `HTTP: a request — ${r.text('http.request.method') ?? '?'} ${r.text('http.request.uri') ?? '?'}${host ? ` from the web server ${host}` : ''}.` };
  }
  if (r.raw('http.response') === true) {
    const type = r.text('http.content_type');
    return { protocol: 'http', title: 'HTTP', text: `HTTP: the response — ${r.text('http.response.code') ?? '?'} ${r.text('http.response.phrase') ?? ''}`.trimEnd() + `${type ? `, with ${type} content` : ''}.` };
  }
  return { protocol: 'http', title: 'HTTP', text: 'HTTP: more of a message whose start was in an earlier segment.' };
}
