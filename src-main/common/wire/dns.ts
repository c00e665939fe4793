// DNS messages (RFC 1035 with SOA and MX, RFC 2782 SRV, RFC 3596 AAAA, RFC 6891 OPT): header, questions and resource records.
// Names are strings in presentation form without the trailing dot ("5.1.0.10.in-addr.arpa"; the root is "").
// Label bytes outside 0x21..0x7e, and '.' or '\' inside a label, are written as \DDD or \. / \\ escapes.
//
// Parse follows compression pointers only backwards (each pointer must point below every offset the name has
// visited so far), so no byte is read twice and every name terminates: a looping or forward pointer is a WireError with its offset. Emit compresses owner names and
// the names inside NS, CNAME, PTR, SOA and MX data (RFC 3597 4: the RFC 1035 types) against earlier names (case-sensitive match, so case is preserved);
// SRV targets are never compressed (RFC 2782).

import { readU16, readU32, writeU16, writeU32 } from './bytes.ts';
import { requireBytes, WireError } from './error.ts';
import { isIpv4, readIpv4, type Ipv4Address } from './ipv4-address.ts';

const P = 'dns';

export const TYPE_A = 1;
export const TYPE_NS = 2;
export const TYPE_CNAME = 5;
export const TYPE_SOA = 6;
export const TYPE_PTR = 12;
export const TYPE_MX = 15;
export const TYPE_TXT = 16;
export const TYPE_AAAA = 28;
export const TYPE_SRV = 33;
export const TYPE_OPT = 41;
export const CLASS_IN = 1;

/** Header flag bits (the 16-bit word at offset 2). */
export const FLAG_QR = 0x8000;
export const FLAG_AA = 0x0400;
export const FLAG_TC = 0x0200;
export const FLAG_RD = 0x0100;
export const FLAG_RA = 0x0080;
export const FLAG_AD = 0x0020;
export const FLAG_CD = 0x0010;

export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;
export const RCODE_REFUSED = 5;

export const field = { ID: 0, FLAGS: 2, QDCOUNT: 4, ANCOUNT: 6, NSCOUNT: 8, ARCOUNT: 10, BODY: 12 } as const;
export const HEADER_LEN = 12;
export const MAX_NAME_LEN = 255;
export const MAX_LABEL_LEN = 63;

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export type DnsData =
  | { readonly kind: 'a'; readonly address: Ipv4Address }
  | { readonly kind: 'aaaa'; readonly address: Uint8Array }
  /** NS, CNAME, PTR */
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'srv'; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string }
  /** Start of authority: what NXDOMAIN and NODATA answers carry in the authority section (RFC 2308). */
  | {
      readonly kind: 'soa';
      /** The primary name server. */
      readonly mname: string;
      /** The responsible mailbox, "hostmaster.example.com" for hostmaster@example.com. */
      readonly rname: string;
      readonly serial: number;
      /** Seconds. */
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      /** The negative-caching TTL (RFC 2308 4). */
      readonly minimum: number;
    }
  | { readonly kind: 'mx'; readonly preference: number; readonly exchange: string }
  | { readonly kind: 'txt'; readonly strings: readonly Uint8Array[] }
  | { readonly kind: 'opt'; readonly options: readonly { readonly code: number; readonly data: Uint8Array }[] }
  /** Any other type: the RDATA bytes as they are. */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  /** For OPT: the requestor's UDP payload size. */
  readonly class: number;
  /** For OPT: extended RCODE, version and flags. */
  readonly ttl: number;
  readonly data: DnsData;
}

export interface DnsMessage {
  readonly id: number;
  /** The raw flags word: QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE (e.g. 0x8580, 0x0100). */
  readonly flags: number;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

export function opcodeOf(flags: number): number {
  return (flags >>> 11) & 0xf;
}

export function rcodeOf(flags: number): number {
  return flags & 0xf;
}

/** Which data kind a record type carries. */
export function dataKindFor(type: number): DnsData['kind'] {
  switch (type) {
    case TYPE_A:
      return 'a';
    case TYPE_AAAA:
      return 'aaaa';
    case TYPE_NS:
    case TYPE_CNAME:
    case TYPE_PTR:
      return 'name';
    case TYPE_SRV:
      return 'srv';
    case TYPE_SOA:
      return 'soa';
    case TYPE_MX:
      return 'mx';
    case TYPE_TXT:
      return 'txt';
    case TYPE_OPT:
      return 'opt';
    default:
      return 'raw';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Names

function labelToText(b: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) {
    const c = b[i]!;
    if (c === 0x2e || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c > 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + String(c).padStart(3, '0');
  }
  return s;
}

/** Splits a presentation-form name into label byte arrays. Throws WireError for bad escapes or lengths. */
export function nameToLabels(name: string): Uint8Array[] {
  const text = name.endsWith('.') && !name.endsWith('\\.') ? name.slice(0, -1) : name;
  if (text === '') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  let wire = 1;
  const bad = (why: string): WireError => new WireError(P, 'name', 0, `${why}: ${JSON.stringify(name)}`);
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x2e) {
      if (cur.length === 0) throw bad('empty label');
      labels.push(Uint8Array.from(cur));
      wire += cur.length + 1;
      cur = [];
      continue;
    }
    if (ch === 0x5c) {
      const d = /^[0-9]{3}/.exec(text.slice(i + 1, i + 4));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) throw bad('escape above \\255');
        cur.push(v);
        i += 3;
      } else {
        if (i + 1 >= text.length) throw bad('dangling backslash');
        const c = text.charCodeAt(++i);
        if (c > 0x7e) throw bad('non-ASCII character');
        cur.push(c);
      }
    } else {
      if (ch > 0x7e || ch < 0x20) throw bad('non-ASCII or control character (escape it as \\DDD)');
      cur.push(ch);
    }
    if (cur.length > MAX_LABEL_LEN) throw bad('label longer than 63 bytes');
  }
  if (cur.length === 0) throw bad('empty label');
  labels.push(Uint8Array.from(cur));
  wire += cur.length + 1;
  if (wire > MAX_NAME_LEN) throw bad('name longer than 255 bytes');
  return labels;
}

/** Reads a possibly compressed name at `start`. Returns the name and the offset just after it (in place). */
export function readName(msg: Uint8Array, start: number): { name: string; end: number } {
  const parts: string[] = [];
  let pos = start;
  let end = -1;
  let wire = 1;
  // Every pointer must go below the lowest offset this name has visited, so no offset is read twice.
  let low = start;
  for (;;) {
    requireBytes(P, 'name', pos, 1, msg.length);
    const len = msg[pos]!;
    if ((len & 0xc0) === 0xc0) {
      requireBytes(P, 'name', pos, 2, msg.length);
      const target = readU16(msg, pos) & 0x3fff;
      if (target >= low) throw new WireError(P, 'name', pos, `compression pointer to ${target} does not point before offset ${low} (loop)`);
      if (end < 0) end = pos + 2;
      pos = target;
      low = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new WireError(P, 'name', pos, `unsupported label type 0x${(len & 0xc0).toString(16)}`);
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    requireBytes(P, 'name', pos + 1, len, msg.length);
    wire += len + 1;
    if (wire > MAX_NAME_LEN) throw new WireError(P, 'name', pos, 'name longer than 255 bytes');
    parts.push(labelToText(msg, pos + 1, len));
    pos += len + 1;
  }
  return { name: parts.join('.'), end };
}

// ---------------------------------------------------------------------------------------------------------
// Parse

export class DnsView {
  private constructor(readonly bytes: Uint8Array) {}

  static check(bytes: Uint8Array): DnsView {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    return new DnsView(bytes);
  }
  get id(): number {
    return readU16(this.bytes, field.ID);
  }
  get flags(): number {
    return readU16(this.bytes, field.FLAGS);
  }
  get questionCount(): number {
    return readU16(this.bytes, field.QDCOUNT);
  }
  get answerCount(): number {
    return readU16(this.bytes, field.ANCOUNT);
  }
  get authorityCount(): number {
    return readU16(this.bytes, field.NSCOUNT);
  }
  get additionalCount(): number {
    return readU16(this.bytes, field.ARCOUNT);
  }
}

function parseData(msg: Uint8Array, type: number, start: number, len: number): DnsData {
  const end = start + len;
  const wrongLen = (want: string): WireError => new WireError(P, 'rdata', start, `RDATA of type ${type} is ${len} bytes, expected ${want}`);
  switch (dataKindFor(type)) {
    case 'a':
      if (len !== 4) throw wrongLen('4');
      return { kind: 'a', address: readIpv4(msg, start) };
    case 'aaaa':
      if (len !== 16) throw wrongLen('16');
      return { kind: 'aaaa', address: msg.slice(start, end) };
    case 'name': {
      const n = readName(msg, start);
      if (n.end !== end) throw new WireError(P, 'rdata', start, `name in RDATA ends at ${n.end}, RDATA ends at ${end}`);
      return { kind: 'name', name: n.name };
    }
    case 'srv': {
      if (len < 7) throw wrongLen('at least 7');
      const t = readName(msg, start + 6);
      if (t.end !== end) throw new WireError(P, 'rdata', start + 6, `SRV target ends at ${t.end}, RDATA ends at ${end}`);
      return { kind: 'srv', priority: readU16(msg, start), weight: readU16(msg, start + 2), port: readU16(msg, start + 4), target: t.name };
    }
    case 'soa': {
      const m = readName(msg, start);
      const r = readName(msg, m.end);
      if (r.end + 20 !== end) throw new WireError(P, 'soa', start, `SOA names end at ${r.end}: 20 bytes of counters must follow and end the RDATA at ${end}`);
      return {
        kind: 'soa',
        mname: m.name,
        rname: r.name,
        serial: readU32(msg, r.end),
        refresh: readU32(msg, r.end + 4),
        retry: readU32(msg, r.end + 8),
        expire: readU32(msg, r.end + 12),
        minimum: readU32(msg, r.end + 16),
      };
    }
    case 'mx': {
      if (len < 3) throw wrongLen('at least 3');
      const x = readName(msg, start + 2);
      if (x.end !== end) throw new WireError(P, 'rdata', start + 2, `MX exchange ends at ${x.end}, RDATA ends at ${end}`);
      return { kind: 'mx', preference: readU16(msg, start), exchange: x.name };
    }
    case 'txt': {
      const strings: Uint8Array[] = [];
      let i = start;
      while (i < end) {
        const l = msg[i]!;
        if (i + 1 + l > end) throw new WireError(P, 'txt', i, `character-string of ${l} bytes runs past the RDATA`);
        strings.push(msg.slice(i + 1, i + 1 + l));
        i += 1 + l;
      }
      return { kind: 'txt', strings };
    }
    case 'opt': {
      const options: { code: number; data: Uint8Array }[] = [];
      let i = start;
      while (i < end) {
        if (i + 4 > end) throw new WireError(P, 'opt', i, 'EDNS option header runs past the RDATA');
        const l = readU16(msg, i + 2);
        if (i + 4 + l > end) throw new WireError(P, 'opt', i + 2, `EDNS option of ${l} bytes runs past the RDATA`);
        options.push({ code: readU16(msg, i), data: msg.slice(i + 4, i + 4 + l) });
        i += 4 + l;
      }
      return { kind: 'opt', options };
    }
    case 'raw':
      return { kind: 'raw', bytes: msg.slice(start, end) };
  }
}

/** Parses a whole message (bytes after the last record are ignored). */
export function parse(msg: Uint8Array): DnsMessage {
  const v = DnsView.check(msg);
  let pos = HEADER_LEN;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < v.questionCount; i++) {
    const n = readName(msg, pos);
    requireBytes(P, 'qry', n.end, 4, msg.length);
    questions.push({ name: n.name, type: readU16(msg, n.end), class: readU16(msg, n.end + 2) });
    pos = n.end + 4;
  }
  const section = (count: number): DnsRecord[] => {
    const out: DnsRecord[] = [];
    for (let i = 0; i < count; i++) {
      const n = readName(msg, pos);
      requireBytes(P, 'resp', n.end, 10, msg.length);
      const type = readU16(msg, n.end);
      const rdlen = readU16(msg, n.end + 8);
      requireBytes(P, 'rdata', n.end + 10, rdlen, msg.length);
      out.push({ name: n.name, type, class: readU16(msg, n.end + 2), ttl: readU32(msg, n.end + 4), data: parseData(msg, type, n.end + 10, rdlen) });
      pos = n.end + 10 + rdlen;
    }
    return out;
  };
  const answers = section(v.answerCount);
  const authorities = section(v.authorityCount);
  const additionals = section(v.additionalCount);
  return { id: v.id, flags: v.flags, questions, answers, authorities, additionals };
}

// ---------------------------------------------------------------------------------------------------------
// Emit

/** Writes into `buf` from `base`, or only measures when `buf` is undefined. Offsets in `names` are message-relative. */
class Writer {
  pos = 0;
  private readonly names = new Map<string, number>();
  constructor(
    private readonly buf: Uint8Array | undefined,
    private readonly base: number,
  ) {}

  private room(n: number): void {
    if (this.pos + n > 0xffff) throw new WireError(P, 'message', this.pos, 'message longer than 65535 bytes');
    if (this.buf && this.base + this.pos + n > this.buf.length) {
      throw new WireError(P, 'buffer', this.pos, `buffer too small: needs more than ${this.pos + n} bytes at offset ${this.base}, buffer holds ${this.buf.length}`);
    }
  }
  u8(v: number): void {
    this.room(1);
    if (this.buf) this.buf[this.base + this.pos] = v;
    this.pos += 1;
  }
  u16(v: number): void {
    this.room(2);
    if (this.buf) writeU16(this.buf, this.base + this.pos, v);
    this.pos += 2;
  }
  u32(v: number): void {
    this.room(4);
    if (this.buf) writeU32(this.buf, this.base + this.pos, v);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    if (this.buf) this.buf.set(b, this.base + this.pos);
    this.pos += b.length;
  }
  setU16(at: number, v: number): void {
    if (this.buf) writeU16(this.buf, this.base + at, v);
  }
  name(name: string, compress: boolean): void {
    const labels = nameToLabels(name);
    for (let i = 0; i < labels.length; i++) {
      const key = labels
        .slice(i)
        .map((l) => Array.from(l, (c) => String.fromCharCode(c)).join(''))
        .join('\u0000');
      const at = this.names.get(key);
      if (compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (compress && this.pos < 0x4000 && !this.names.has(key)) this.names.set(key, this.pos);
      this.u8(labels[i]!.length);
      this.bytes(labels[i]!);
    }
    this.u8(0);
  }
}

function u(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function writeRecord(w: Writer, r: DnsRecord): void {
  if (!u(r.type, 0xffff)) throw new WireError(P, 'resp.type', w.pos, `type out of range: ${r.type}`);
  if (!u(r.class, 0xffff)) throw new WireError(P, 'resp.class', w.pos, `class out of range: ${r.class}`);
  if (!u(r.ttl, 0xffff_ffff)) throw new WireError(P, 'resp.ttl', w.pos, `TTL out of range: ${r.ttl}`);
  const d = r.data;
  if (d.kind !== 'raw' && d.kind !== dataKindFor(r.type)) throw new WireError(P, 'rdata', w.pos, `type ${r.type} cannot carry '${d.kind}' data`);
  w.name(r.name, true);
  w.u16(r.type);
  w.u16(r.class);
  w.u32(r.ttl);
  const lenAt = w.pos;
  w.u16(0);
  const start = w.pos;
  switch (d.kind) {
    case 'a':
      if (!isIpv4(d.address)) throw new WireError(P, 'a', start, `not an IPv4 address: ${d.address}`);
      w.u32(d.address);
      break;
    case 'aaaa':
      if (d.address.length !== 16) throw new WireError(P, 'aaaa', start, `an IPv6 address has 16 bytes, not ${d.address.length}`);
      w.bytes(d.address);
      break;
    case 'name':
      w.name(d.name, true);
      break;
    case 'srv':
      if (!u(d.priority, 0xffff) || !u(d.weight, 0xffff) || !u(d.port, 0xffff)) throw new WireError(P, 'srv', start, 'SRV priority, weight or port out of range');
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      w.name(d.target, false);
      break;
    case 'soa':
      for (const [k, v] of [['serial', d.serial], ['refresh', d.refresh], ['retry', d.retry], ['expire', d.expire], ['minimum', d.minimum]] as const) {
        if (!u(v, 0xffff_ffff)) throw new WireError(P, 'soa', start, `SOA ${k} out of range: ${v}`);
      }
      w.name(d.mname, true);
      w.name(d.rname, true);
      w.u32(d.serial);
      w.u32(d.refresh);
      w.u32(d.retry);
      w.u32(d.expire);
      w.u32(d.minimum);
      break;
    case 'mx':
      if (!u(d.preference, 0xffff)) throw new WireError(P, 'mx', start, `MX preference out of range: ${d.preference}`);
      w.u16(d.preference);
      w.name(d.exchange, true);
      break;
    case 'txt':
      for (const s of d.strings) {
        if (s.length > 255) throw new WireError(P, 'txt', w.pos, `character-string of ${s.length} bytes exceeds 255`);
        w.u8(s.length);
        w.bytes(s);
      }
      break;
    case 'opt':
      for (const o of d.options) {
        if (!u(o.code, 0xffff)) throw new WireError(P, 'opt', w.pos, `option code out of range: ${o.code}`);
        w.u16(o.code);
        w.u16(o.data.length);
        w.bytes(o.data);
      }
      break;
    case 'raw':
      w.bytes(d.bytes);
      break;
  }
  const rdlen = w.pos - start;
  if (rdlen > 0xffff) throw new WireError(P, 'rdata', start, `RDATA of ${rdlen} bytes exceeds 65535`);
  w.setU16(lenAt, rdlen);
}

function write(w: Writer, m: DnsMessage): void {
  if (!u(m.id, 0xffff)) throw new WireError(P, 'id', field.ID, `id out of range: ${m.id}`);
  if (!u(m.flags, 0xffff)) throw new WireError(P, 'flags', field.FLAGS, `flags out of range: ${m.flags}`);
  const counts = [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length];
  counts.forEach((c, i) => {
    if (c > 0xffff) throw new WireError(P, 'count', field.QDCOUNT + 2 * i, `${c} entries exceed 65535`);
  });
  w.u16(m.id);
  w.u16(m.flags);
  for (const c of counts) w.u16(c);
  for (const q of m.questions) {
    if (!u(q.type, 0xffff) || !u(q.class, 0xffff)) throw new WireError(P, 'qry', w.pos, 'question type or class out of range');
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const r of m.answers) writeRecord(w, r);
  for (const r of m.authorities) writeRecord(w, r);
  for (const r of m.additionals) writeRecord(w, r);
}

/** Encoded length, compression included. */
export function bufferLen(m: DnsMessage): number {
  const w = new Writer(undefined, 0);
  write(w, m);
  return w.pos;
}

/** Writes the message at `offset` (compression pointers are relative to `offset`); returns the bytes written. */
export function emit(m: DnsMessage, buf: Uint8Array, offset = 0): number {
  if (!Number.isInteger(offset) || offset < 0 || offset > buf.length) throw new WireError(P, 'buffer', offset, `offset ${offset} outside a buffer of ${buf.length}`);
  const w = new Writer(buf, offset);
  write(w, m);
  return w.pos;
}

export function encode(m: DnsMessage): Uint8Array {
  const buf = new Uint8Array(bufferLen(m));
  emit(m, buf, 0);
  return buf;
}
