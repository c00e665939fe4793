// DNS (udp.port 53): header, flags, questions and records with Wireshark's labels and Info
// ("Standard query 0x9366 A c4", "Standard query response 0x9366 A c4 A 10.0.1.5"), and request/response matching.
import { readU16, readU32 } from '../../wire/bytes.ts';
import { requireBytes } from '../../wire/error.ts';
import { readName } from '../../wire/dns.ts';
import { formatIpv4, readIpv4 } from '../../wire/ipv4-address.ts';
import { readIpv6 } from '../../wire/ipv6-address.ts';
import { bitPicture } from '../field.ts';
import { DNS_OPCODES, DNS_RCODES, DNS_TYPES, fields } from '../registry.ts';
import { registerDissector, registerHeuristic, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.dns;

function typeName(t: number): string {
  return DNS_TYPES[t] ?? `Unknown (${t})`;
}

function className(c: number): string {
  return c === 1 ? 'IN' : `0x${c.toString(16).padStart(4, '0')}`;
}

interface DnsState {
  queries: Map<string, number>;
}

function matchQuery(pkt: Packet, response: boolean, id: number): number | undefined {
  if (pkt.inError) return undefined;
  if (!pkt.firstPass) return pkt.ctx.frameData<number>(pkt.number, 'dns.req');
  const st = pkt.ctx.protoState<DnsState>('dns', () => ({ queries: new Map() }));
  if (!response) {
    st.queries.set(`${pkt.netSrc}:${pkt.srcPort} ${pkt.netDst}:${pkt.dstPort} ${id}`, pkt.number);
    return undefined;
  }
  const q = st.queries.get(`${pkt.netDst}:${pkt.dstPort} ${pkt.netSrc}:${pkt.srcPort} ${id}`);
  if (q !== undefined) pkt.ctx.setFrameData(pkt.number, 'dns.req', q);
  return q;
}

function dissectDns(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('dns');
  pkt.protocol = 'DNS';
  const msg = data.subarray(start, end);
  requireBytes('dns', 'header', 0, 12, msg.length);
  const id = readU16(msg, 0);
  const flags = readU16(msg, 2);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >>> 11) & 0xf;
  const rcode = flags & 0xf;
  const counts = [readU16(msg, 4), readU16(msg, 6), readU16(msg, 8), readU16(msg, 10)] as const;
  const opName = DNS_OPCODES[opcode] ?? `Unknown operation (${opcode})`;
  let info = `${opName}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
  if (response && rcode !== 0) info += ` ${DNS_RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  pkt.info = info;
  const o = start;
  const t = tree.add(F.proto, o, end, msg, `Domain Name System (${response ? 'response' : 'query'})`);
  t.add(F.id, o, o + 2, id);
  const flagText = response ? `${opName} response, ${DNS_RCODES[rcode] ?? 'Unknown error'}` : opName;
  const ft = t.add(F.flags, o + 2, o + 4, flags, () => `Flags: 0x${flags.toString(16).padStart(4, '0')} ${flagText}`);
  const bit = (f: typeof F.flags_response, m: number): void => void ft.add(f, o + 2, o + 4, (flags & m) !== 0, undefined, { raw: flags });
  bit(F.flags_response, 0x8000);
  ft.add(F.flags_opcode, o + 2, o + 4, opcode, undefined, { raw: flags });
  if (response) bit(F.flags_authoritative, 0x0400);
  bit(F.flags_truncated, 0x0200);
  bit(F.flags_recdesired, 0x0100);
  if (response) bit(F.flags_recavail, 0x0080);
  bit(F.flags_z, 0x0040);
  // A query shows the AD bit only when set (RFC 6840 lets a resolver ask for it), under the same name.
  if (response) bit(F.flags_authenticated, 0x0020);
  else if ((flags & 0x0020) !== 0) ft.add(F.flags_authenticated, o + 2, o + 4, true, `${bitPicture(flags, 0x0020, 16)} = AD bit: Set`);
  bit(F.flags_checkdisable, 0x0010);
  if (response) ft.add(F.flags_rcode, o + 2, o + 4, rcode, undefined, { raw: flags });
  t.add(F.count_queries, o + 4, o + 6, counts[0]);
  t.add(F.count_answers, o + 6, o + 8, counts[1]);
  t.add(F.count_auth_rr, o + 8, o + 10, counts[2]);
  t.add(F.count_add_rr, o + 10, o + 12, counts[3]);

  let pos = 12;
  if (counts[0] > 0) {
    const qt = t.text('Queries', o + pos, o + pos);
    for (let i = 0; i < counts[0]; i++) {
      const qs = pos;
      const n = readName(msg, pos);
      requireBytes('dns', 'qry', n.end, 4, msg.length);
      const type = readU16(msg, n.end);
      const cls = readU16(msg, n.end + 2);
      pos = n.end + 4;
      info += ` ${typeName(type)} ${n.name === '' ? '<Root>' : n.name}`;
      const q = qt.text(() => `${n.name || '<Root>'}: type ${typeName(type)}, class ${className(cls)}`, o + qs, o + pos);
      q.add(F.qry_name, o + qs, o + n.end, n.name);
      q.add(F.qry_name_len, o + qs, o + n.end, n.name.length, `[Name Length: ${n.name.length}]`, { generated: true });
      const labels = n.name === '' ? 0 : n.name.split('.').length;
      q.add(F.count_labels, o + qs, o + n.end, labels, `[Label Count: ${labels}]`, { generated: true });
      q.add(F.qry_type, o + n.end, o + n.end + 2, type);
      q.add(F.qry_class, o + n.end + 2, o + pos, cls);
    }
    qt.setEnd(o + pos);
  }
  const sections = ['Answers', 'Authoritative nameservers', 'Additional records'] as const;
  for (let s = 0; s < 3; s++) {
    const count = counts[s + 1]!;
    if (count === 0) continue;
    const st = t.text(sections[s]!, o + pos, o + pos);
    for (let i = 0; i < count; i++) {
      const rs = pos;
      const n = readName(msg, pos);
      requireBytes('dns', 'resp', n.end, 10, msg.length);
      const type = readU16(msg, n.end);
      const cls = readU16(msg, n.end + 2);
      const ttl = readU32(msg, n.end + 4);
      const rdlen = readU16(msg, n.end + 8);
      const ds = n.end + 10;
      requireBytes('dns', 'rdata', ds, rdlen, msg.length);
      pos = ds + rdlen;
      let short = '';
      let detail = '';
      const r = st.text('', o + rs, o + pos);
      const fieldsAt: (() => void)[] = [];
      if (type === 41) {
        info += ' OPT';
        r.setLabel(`<Root>: type OPT`);
        r.add(F.resp_name, o + rs, o + n.end, n.name || '<Root>', `Name: <Root>`);
        r.add(F.resp_type, o + n.end, o + n.end + 2, type);
        r.text(`UDP payload size: ${cls}`, o + n.end + 2, o + n.end + 4);
        r.add(F.resp_len, o + n.end + 8, o + ds, rdlen);
        continue;
      }
      if (type === 1 && rdlen === 4) {
        const a = readIpv4(msg, ds);
        short = formatIpv4(a);
        detail = `addr ${short}`;
        fieldsAt.push(() => void r.add(F.a, o + ds, o + pos, a));
      } else if (type === 28 && rdlen === 16) {
        const a = readIpv6(msg, ds);
        short = a;
        detail = `addr ${a}`;
        fieldsAt.push(() => void r.add(F.aaaa, o + ds, o + pos, a));
      } else if (type === 5 || type === 12 || type === 2) {
        const x = readName(msg, ds).name;
        short = x;
        detail = type === 5 ? `cname ${x}` : type === 12 ? x : `ns ${x}`;
        const f = type === 5 ? F.cname : type === 12 ? F.ptr : F.ns;
        fieldsAt.push(() => void r.add(f, o + ds, o + pos, x));
      } else if (type === 6) {
        const m = readName(msg, ds).name;
        short = m;
        detail = `mname ${m}`;
        fieldsAt.push(() => void r.add(F.soa_mname, o + ds, o + pos, m));
      } else if (type === 15 && rdlen >= 3) {
        const pref = readU16(msg, ds);
        const x = readName(msg, ds + 2).name;
        short = `${pref} ${x}`;
        detail = `preference ${pref}, mx ${x}`;
        fieldsAt.push(() => void r.add(F.mx, o + ds + 2, o + pos, x));
      } else if (type === 33 && rdlen >= 7) {
        const port = readU16(msg, ds + 4);
        const x = readName(msg, ds + 6).name;
        short = `${readU16(msg, ds)} ${readU16(msg, ds + 2)} ${port} ${x}`;
        detail = `priority ${readU16(msg, ds)}, weight ${readU16(msg, ds + 2)}, port ${port}, target ${x}`;
        fieldsAt.push(() => {
          r.add(F.srv_port, o + ds + 4, o + ds + 6, port);
          r.add(F.srv_target, o + ds + 6, o + pos, x);
        });
      } else if (type === 16) {
        short = '';
      }
      info += ` ${typeName(type)}${short ? ' ' + short : ''}`;
      r.setLabel(() => `${n.name || '<Root>'}: type ${typeName(type)}, class ${className(cls)}${detail ? ', ' + detail : ''}`);
      r.add(F.resp_name, o + rs, o + n.end, n.name || '<Root>');
      r.add(F.resp_type, o + n.end, o + n.end + 2, type);
      r.add(F.resp_class, o + n.end + 2, o + n.end + 4, cls);
      r.add(F.resp_ttl, o + n.end + 4, o + n.end + 8, ttl, `Time to live: ${ttl}`);
      r.add(F.resp_len, o + n.end + 8, o + ds, rdlen);
      for (const f of fieldsAt) f();
    }
    st.setEnd(o + pos);
  }
  pkt.info = info;
  const req = matchQuery(pkt, response, id);
  if (req !== undefined) t.add(F.response_to, o, o, req, `[Request In: ${req}]`, { generated: true });
}

/**
 * Wireshark's DNS-over-UDP heuristic: a plausible header (standard query opcode, one question, a sane number of
 * records, Z clear) whose question parses and is of class IN or ANY. It finds DNS on ports other than 53, as
 * Docker's embedded resolver on 127.0.0.11 after its DNAT to a random port.
 */
function heuristicDns(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): boolean {
  const msg = data.subarray(start, end);
  if (msg.length < 17) return false;
  const flags = readU16(msg, 2);
  if (((flags >>> 11) & 0xf) !== 0 || (flags & 0x0040) !== 0) return false;
  if (readU16(msg, 4) !== 1) return false;
  const an = readU16(msg, 6);
  const ns = readU16(msg, 8);
  const ar = readU16(msg, 10);
  if (an > 64 || ns > 64 || ar > 64) return false;
  if ((flags & 0x8000) === 0 && (an !== 0 || ns !== 0)) return false;
  try {
    const n = readName(msg, 12);
    if (n.end + 4 > msg.length) return false;
    const cls = readU16(msg, n.end + 2);
    if (cls !== 1 && cls !== 255) return false;
  } catch {
    return false;
  }
  dissectDns(data, start, end, pkt, tree);
  return true;
}

registerDissector('udp.port', 53, dissectDns);
registerHeuristic('udp', heuristicDns);
