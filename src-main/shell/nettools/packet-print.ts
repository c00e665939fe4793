// tcpdump 4.99's default (non-verbose) one-line decode of an Ethernet frame: ARP, IPv4 with ICMP, IGMP, ESP, UDP (DNS,
// VXLAN with the inner frame on the next line, as vxlan_print does), TCP (flags, relative sequence numbers per
// conversation as tcp_seq_hash keeps them, options, HTTP's first line), fragments, and -e's link-level header.
// Without -n, well-known ports are shown by their service names (addresses stay numeric: the lab's reverse
// lookups are not made by the printer).

import { readU16, readU32 } from '../../common/wire/bytes.ts';
import { formatIpv4, readIpv4 } from '../../common/wire/ipv4-address.ts';
import { formatMac, readMac } from '../../common/wire/mac.ts';

const SERVICES: Record<number, string> = { 22: 'ssh', 53: 'domain', 67: 'bootps', 68: 'bootpc', 80: 'http', 123: 'ntp', 443: 'https', 8080: 'http-alt' };
const DNS_TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 41: 'OPT', 255: 'ANY' };
const DNS_RCODES = ['', ' FormErr', ' ServFail', ' NXDomain', ' NotImp', ' Refused', ' YXDomain', ' YXRRSet', ' NXRRSet', ' NotAuth', ' NotZone'];

export interface PrintOptions {
  /** -n: numeric ports. */
  readonly numeric: boolean;
  /** -e: print the link-level header. */
  readonly ether: boolean;
}

interface Conv {
  seq: number;
  ack: number;
}

export class PacketPrinter {
  private readonly convs = new Map<string, Conv>();

  constructor(private readonly o: PrintOptions) {}

  /** The decode of one Ethernet frame (without the timestamp); may hold a newline (VXLAN). */
  ether(d: Uint8Array, origLen = d.length): string {
    if (d.length < 14) return '[|ether]';
    const type = readU16(d, 12);
    const name = type === 0x0800 ? 'IPv4' : type === 0x0806 ? 'ARP' : type === 0x86dd ? 'IPv6' : type === 0x8100 ? '802.1Q' : 'Unknown';
    const body = d.subarray(14);
    const link = this.o.ether ? `${formatMac(readMac(d, 6))} > ${formatMac(readMac(d, 0))}, ethertype ${name} (0x${type.toString(16).padStart(4, '0')}), length ${origLen}: ` : '';
    if (type === 0x8100 && d.length >= 18) {
      // One 802.1Q tag: -e prints it (ieee8021q_tci_string) and the inner EtherType; without -e only the payload.
      const tci = readU16(d, 14);
      const inner = new Uint8Array(d.length - 4);
      inner.set(d.subarray(0, 12), 0);
      inner.set(d.subarray(16), 12);
      const text = this.ether(inner, origLen);
      if (!this.o.ether) return text;
      const innerType = readU16(inner, 12);
      const innerName = innerType === 0x0800 ? 'IPv4' : innerType === 0x0806 ? 'ARP' : innerType === 0x86dd ? 'IPv6' : 'Unknown';
      const i = text.indexOf(': ');
      return `${link}vlan ${tci & 0x0fff}, p ${tci >>> 13}${tci & 0x1000 ? ', DEI' : ''}, ethertype ${innerName} (0x${innerType.toString(16).padStart(4, '0')}), ${i >= 0 ? text.slice(i + 2) : ''}`;
    }
    if (type === 0x0800) return link + (this.o.ether ? '' : 'IP ') + this.ipv4(body);
    if (type === 0x0806) return link + (this.o.ether ? '' : 'ARP, ') + this.arp(body);
    if (type === 0x86dd) return link + (this.o.ether ? '' : 'IP6 ') + '[|ip6]';
    return this.o.ether ? `${link.slice(0, -2)}` : `${formatMac(readMac(d, 6))} > ${formatMac(readMac(d, 0))}, ethertype ${name} (0x${type.toString(16).padStart(4, '0')}), length ${origLen}: `;
  }

  private port(p: number): string {
    return this.o.numeric ? String(p) : (SERVICES[p] ?? String(p));
  }

  arp(b: Uint8Array): string {
    if (b.length < 28) return '[|arp]';
    const op = readU16(b, 6);
    const sha = readMac(b, 8);
    const spa = formatIpv4(readIpv4(b, 14));
    const tha = readMac(b, 18);
    const tpa = formatIpv4(readIpv4(b, 24));
    if (op === 1) return `Request who-has ${tpa}${tha !== 0 ? ` (${formatMac(tha)})` : ''} tell ${spa}, length ${b.length}`;
    if (op === 2) return `Reply ${spa} is-at ${formatMac(sha)}, length ${b.length}`;
    return `Unknown opcode ${op}, length ${b.length}`;
  }

  ipv4(b: Uint8Array): string {
    if (b.length < 20) return '[|ip]';
    const ihl = (b[0]! & 0x0f) * 4;
    const total = Math.min(readU16(b, 2), b.length);
    const fragField = readU16(b, 6);
    const offset = (fragField & 0x1fff) * 8;
    const proto = b[9]!;
    const src = formatIpv4(readIpv4(b, 12));
    const dst = formatIpv4(readIpv4(b, 16));
    const p = b.subarray(ihl, total);
    if (offset > 0) return `${src} > ${dst}: ${this.o.numeric ? `ip-proto-${proto}` : (({ 1: 'icmp', 6: 'tcp', 17: 'udp', 2: 'igmp' }) as Record<number, string>)[proto] ?? `ip-proto-${proto}`}`;
    switch (proto) {
      case 1:
        return `${src} > ${dst}: ${this.icmp(p)}`;
      case 2:
        return `${src} > ${dst}: ${this.igmp(p)}`;
      case 6:
        return this.tcp(src, dst, p);
      case 17:
        return this.udp(src, dst, p);
      case 50:
        return `${src} > ${dst}: ${this.esp(p)}`;
      default:
        return `${src} > ${dst}: ip-proto-${proto} ${p.length}`;
    }
  }

  /** esp_print without a secret (-E): the SPI and sequence number, and the length of the IP payload. */
  private esp(b: Uint8Array): string {
    if (b.length <= 8) return ' [|esp]';
    return `ESP(spi=0x${readU32(b, 0).toString(16).padStart(8, '0')},seq=0x${readU32(b, 4).toString(16)}), length ${b.length}`;
  }

  private icmp(b: Uint8Array): string {
    if (b.length < 8) return '[|icmp]';
    const type = b[0]!;
    const code = b[1]!;
    const len = b.length;
    if (type === 8 || type === 0) return `ICMP echo ${type === 8 ? 'request' : 'reply'}, id ${readU16(b, 4)}, seq ${readU16(b, 6)}, length ${len}`;
    if (type === 3) {
      const q = b.subarray(8);
      const qdst = q.length >= 20 ? formatIpv4(readIpv4(q, 16)) : '?';
      const qproto = q.length >= 20 ? q[9]! : 0;
      const qihl = q.length >= 1 ? (q[0]! & 0x0f) * 4 : 20;
      let text: string;
      switch (code) {
        case 0: text = `net ${qdst} unreachable`; break;
        case 1: text = `host ${qdst} unreachable`; break;
        case 2: text = `${qdst} protocol ${qproto} unreachable`; break;
        case 3: {
          const dport = q.length >= qihl + 4 ? readU16(q, qihl + 2) : 0;
          text = qproto === 6 ? `${qdst} tcp port ${this.port(dport)} unreachable` : qproto === 17 ? `${qdst} udp port ${this.port(dport)} unreachable` : `${qdst} protocol ${qproto} port ${dport} unreachable`;
          break;
        }
        case 4: {
          const mtu = readU16(b, 6);
          text = mtu !== 0 ? `${qdst} unreachable - need to frag (mtu ${mtu})` : `${qdst} unreachable - need to frag`;
          break;
        }
        case 9: text = `net ${qdst} unreachable - admin prohibited`; break;
        case 10: text = `host ${qdst} unreachable - admin prohibited`; break;
        case 13: text = `host ${qdst} unreachable - admin prohibited filter`; break;
        default: text = `${qdst} unreachable - #${code}`;
      }
      return `ICMP ${text}, length ${len}`;
    }
    if (type === 11) return `ICMP time exceeded ${code === 0 ? 'in-transit' : 'in-reassembly'}, length ${len}`;
    return `ICMP type-#${type}, length ${len}`;
  }

  private igmp(b: Uint8Array): string {
    if (b.length < 8) return '[|igmp]';
    const type = b[0]!;
    if (type === 0x22) return `igmp v3 report, ${readU16(b, 6)} group record(s)`;
    if (type === 0x16) return `igmp v2 report ${formatIpv4(readIpv4(b, 4))}`;
    if (type === 0x17) return `igmp leave ${formatIpv4(readIpv4(b, 4))}`;
    if (type === 0x11) return b.length >= 12 ? `igmp query v3` : `igmp query v2`;
    return `igmp-${type}`;
  }

  private udp(src: string, dst: string, b: Uint8Array): string {
    if (b.length < 8) return `${src} > ${dst}: [|udp]`;
    const sport = readU16(b, 0);
    const dport = readU16(b, 2);
    const len = readU16(b, 4);
    const payload = b.subarray(8, Math.max(8, Math.min(len, b.length)));
    const head = `${src}.${this.port(sport)} > ${dst}.${this.port(dport)}: `;
    if (dport === 4789 || (sport === 4789 && dport !== 4789)) {
      if (payload.length < 8) return head + 'VXLAN [|vxlan]';
      const flags = payload[0]!;
      const vni = (payload[4]! << 16) | (payload[5]! << 8) | payload[6]!;
      return `${head}VXLAN, flags [${flags & 0x08 ? 'I' : ''}] (0x${flags.toString(16).padStart(2, '0')}), vni ${vni}\n${this.ether(payload.subarray(8))}`;
    }
    if (sport === 53 || dport === 53) return head + this.dns(payload);
    return `${head}UDP, length ${payload.length}`;
  }

  private dns(b: Uint8Array): string {
    if (b.length < 12) return `[|domain]`;
    const id = readU16(b, 0);
    const flags = readU16(b, 2);
    const qd = readU16(b, 4);
    const an = readU16(b, 6);
    const ns = readU16(b, 8);
    const ar = readU16(b, 10);
    let off = 12;
    const name = (at: number): { text: string; end: number } => {
      const labels: string[] = [];
      let i = at;
      let end = -1;
      for (let guard = 0; guard < 128 && i < b.length; guard++) {
        const l = b[i]!;
        if (l === 0) {
          if (end < 0) end = i + 1;
          break;
        }
        if ((l & 0xc0) === 0xc0) {
          if (end < 0) end = i + 2;
          i = ((l & 0x3f) << 8) | b[i + 1]!;
          continue;
        }
        labels.push(String.fromCharCode(...b.subarray(i + 1, i + 1 + l)));
        i += 1 + l;
      }
      return { text: labels.length === 0 ? '.' : labels.join('.') + '.', end: end < 0 ? b.length : end };
    };
    const questions: string[] = [];
    for (let k = 0; k < qd && off < b.length; k++) {
      const n = name(off);
      const t = off + 0 < b.length ? readU16(b, n.end) : 0;
      questions.push(` ${DNS_TYPES[t] ?? `Type${t}`}? ${n.text}`);
      off = n.end + 4;
    }
    if ((flags & 0x8000) === 0) {
      let s = `${id}${(flags & 0x7800) !== 0 ? ` op${(flags >> 11) & 0xf}` : ''}${flags & 0x0100 ? '+' : ''}${flags & 0x0010 ? '%' : ''}`;
      if (flags & 0x6cf) s += ` [b2&3=0x${flags.toString(16)}]`;
      if (an) s += ` [${an}a]`;
      if (qd !== 1) s += ` [${qd}q]`;
      if (ns) s += ` [${ns}n]`;
      if (ar) s += ` [${ar}au]`;
      return `${s}${questions.join('')} (${b.length})`;
    }
    // An OPT record in the additional section extends the rcode.
    let rcode = flags & 0xf;
    const answers: string[] = [];
    let p = off;
    const total = an + ns + ar;
    for (let k = 0; k < total && p + 10 <= b.length; k++) {
      const n = name(p);
      const t = readU16(b, n.end);
      const rdlen = readU16(b, n.end + 8);
      const rd = n.end + 10;
      if (t === 41) rcode |= b[n.end + 4]! << 4;
      if (k < an) {
        let v = '';
        if (t === 1 && rdlen === 4) v = ` ${formatIpv4(readIpv4(b, rd))}`;
        else if (t === 5 || t === 12 || t === 2) v = ` ${name(rd).text}`;
        else if (t === 28) v = ` ${[0, 2, 4, 6, 8, 10, 12, 14].map((o) => readU16(b, rd + o).toString(16)).join(':').replace(/\b(?:0:)+0\b/, ':').replace(/:{3,}/, '::')}`;
        answers.push(` ${DNS_TYPES[t] ?? `Type${t}`}${v}`);
      }
      p = rd + rdlen;
    }
    let s = `${id}${(flags & 0x7800) !== 0 ? ` op${(flags >> 11) & 0xf}` : ''}${DNS_RCODES[rcode] ?? ` Resp${rcode}`}${flags & 0x0400 ? '*' : ''}${flags & 0x0080 ? '' : '-'}${flags & 0x0200 ? '|' : ''}${flags & 0x0020 ? '$' : ''}`;
    if (qd !== 1) s += ` [${qd}q]`;
    s += ` ${an}/${ns}/${ar}${answers.join(',')}`;
    return `${s} (${b.length})`;
  }

  private tcp(src: string, dst: string, b: Uint8Array): string {
    if (b.length < 20) return `${src} > ${dst}: [|tcp]`;
    const sport = readU16(b, 0);
    const dport = readU16(b, 2);
    let seq = readU32(b, 4);
    let ack = readU32(b, 8);
    const hl = (b[12]! >> 4) * 4;
    const flags = b[13]!;
    const win = readU16(b, 14);
    const urg = readU16(b, 18);
    const payload = b.subarray(Math.min(hl, b.length));
    const len = payload.length;
    const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16, URG = 32, ECE = 64, CWR = 128;
    const f = [[FIN, 'F'], [SYN, 'S'], [RST, 'R'], [PSH, 'P'], [ACK, '.'], [URG, 'U'], [ECE, 'E'], [CWR, 'W']].filter(([bit]) => (flags & (bit as number)) !== 0).map(([, c]) => c).join('') || 'none';
    // tcp_seq_hash: the key is the address/port pair in a canonical order; `rev` when this packet goes the other way.
    const a = `${src}.${sport}`;
    const z = `${dst}.${dport}`;
    const rev = a > z;
    const key = rev ? `${z}|${a}` : `${a}|${z}`;
    const th = this.convs.get(key);
    if (th === undefined || (flags & SYN) !== 0) {
      if (rev) this.convs.set(key, { ack: seq, seq: (ack - 1) >>> 0 });
      else this.convs.set(key, { seq, ack: (ack - 1) >>> 0 });
    } else if (rev) {
      seq = (seq - th.ack) >>> 0;
      ack = (ack - th.seq) >>> 0;
    } else {
      seq = (seq - th.seq) >>> 0;
      ack = (ack - th.ack) >>> 0;
    }
    let s = `${src}.${this.port(sport)} > ${dst}.${this.port(dport)}: Flags [${f}]`;
    if (len > 0 || (flags & (SYN | FIN | RST)) !== 0) s += len > 0 ? `, seq ${seq}:${(seq + len) >>> 0}` : `, seq ${seq}`;
    if (flags & ACK) s += `, ack ${ack}`;
    s += `, win ${win}`;
    if (flags & URG) s += `, urg ${urg}`;
    const opts = this.tcpOptions(b.subarray(20, Math.min(hl, b.length)));
    if (opts !== '') s += `, options [${opts}]`;
    s += `, length ${len}`;
    if (len > 0 && (sport === 80 || dport === 80 || sport === 8080 || dport === 8080)) {
      const line = firstLine(payload);
      s += /^(?:[A-Z]+ \S+ HTTP\/\d\.\d|HTTP\/\d\.\d \d{3}.*)$/.test(line) ? `: HTTP: ${line}` : ': HTTP';
    }
    return s;
  }

  private tcpOptions(o: Uint8Array): string {
    const out: string[] = [];
    for (let i = 0; i < o.length; ) {
      const kind = o[i]!;
      if (kind === 0) {
        out.push('eol');
        break;
      }
      if (kind === 1) {
        out.push('nop');
        i++;
        continue;
      }
      const len = o[i + 1] ?? 0;
      if (len < 2 || i + len > o.length) {
        out.push('bad opt');
        break;
      }
      const v = o.subarray(i + 2, i + len);
      if (kind === 2 && len === 4) out.push(`mss ${readU16(v, 0)}`);
      else if (kind === 3 && len === 3) out.push(`wscale ${v[0]}`);
      else if (kind === 4) out.push('sackOK');
      else if (kind === 5) {
        const blocks: string[] = [];
        for (let k = 0; k + 8 <= v.length; k += 8) blocks.push(`{${readU32(v, k)}:${readU32(v, k + 4)}}`);
        out.push(`sack ${blocks.length} ${blocks.join('')}`);
      } else if (kind === 8 && len === 10) out.push(`TS val ${readU32(v, 0)} ecr ${readU32(v, 4)}`);
      else out.push(`unknown-${kind} 0x${[...v].map((x) => x.toString(16).padStart(2, '0')).join('')}`);
      i += len;
    }
    return out.join(',');
  }
}

function firstLine(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length && i < 300; i++) {
    const c = b[i]!;
    if (c === 13 || c === 10) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** HH:MM:SS.uuuuuu (UTC) of wall-clock nanoseconds, as tcpdump prints its timestamps. */
export function timestamp(wallNs: number): string {
  const us = Math.floor(wallNs / 1000);
  const secOfDay = Math.floor(us / 1e6) % 86400;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(Math.floor(secOfDay / 3600))}:${p(Math.floor(secOfDay / 60) % 60)}:${p(secOfDay % 60)}.${String(us % 1e6).padStart(6, '0')}`;
}
