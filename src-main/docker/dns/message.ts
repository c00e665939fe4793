// The parts of miekg/dns that Docker's embedded resolver (libnetwork resolver.go) leans on, so its replies carry
// the same bytes as a real one:
//
// - `setReply` / `createRespMsg` / `setRcode`: a reply copies the ID, opcode, RD and CD bits and the first question
//   of the query (and nothing else: no AD, no OPT record). `createRespMsg` adds RA; `setRcode` (the SERVFAIL path)
//   does not. AA is never set: the embedded server does not claim authority (0x8180 for an RD query).
// - `truncate` (Msg.Truncate): a reply whose *uncompressed* length fits the limit goes out uncompressed (so the
//   answer's owner name is spelled out, not `c0 0c`); a longer one is compressed and records are dropped from the
//   end until it fits, with TC set.
// - `rejectReply` (dns.Server's default MsgAcceptFunc): a query with QDCOUNT != 1, too many records or an
//   undecodable body gets FORMERR, an opcode other than QUERY/NOTIFY gets NOTIMP; a response is ignored.

import {
  FLAG_CD,
  FLAG_QR,
  FLAG_RA,
  FLAG_RD,
  FLAG_TC,
  HEADER_LEN,
  RCODE_FORMERR,
  RCODE_NOTIMP,
  TYPE_OPT,
  bufferLen,
  encode as encodeCompressed,
  nameToLabels,
  opcodeOf,
  type DnsMessage,
  type DnsRecord,
} from '../../common/wire/dns.ts';
import { readU16, writeU16, writeU32 } from '../../common/wire/bytes.ts';

/** dns.MinMsgSize: the UDP reply limit without EDNS. */
export const MIN_MSG_SIZE = 512;
/** dns.MaxMsgSize: the TCP reply limit. */
export const MAX_MSG_SIZE = 65535;

const OPCODE_QUERY = 0;
const OPCODE_NOTIFY = 4;

/** Msg.SetReply: ID, QR, opcode; RD and CD copied for QUERY; rcode 0; the first question. */
export function setReply(query: DnsMessage): DnsMessage {
  const opcode = opcodeOf(query.flags);
  let flags = FLAG_QR | (opcode << 11);
  if (opcode === OPCODE_QUERY) flags |= query.flags & (FLAG_RD | FLAG_CD);
  return { id: query.id, flags, questions: query.questions.slice(0, 1), answers: [], authorities: [], additionals: [] };
}

/** resolver.go createRespMsg: SetReply plus RecursionAvailable. */
export function createRespMsg(query: DnsMessage, answers: readonly DnsRecord[] = [], additionals: readonly DnsRecord[] = []): DnsMessage {
  const r = setReply(query);
  return { ...r, flags: r.flags | FLAG_RA, answers, additionals };
}

/** Msg.SetRcode(query, rcode): SetReply with the rcode (no RA). */
export function setRcode(query: DnsMessage, rcode: number): DnsMessage {
  const r = setReply(query);
  return { ...r, flags: (r.flags & ~0xf) | (rcode & 0xf) };
}

/** The OPT record of a message, if any. */
export function ednsOf(m: DnsMessage): DnsRecord | undefined {
  return m.additionals.find((r) => r.type === TYPE_OPT);
}

/** Encodes without name compression (miekg's default Compress=false). */
export function encodeUncompressed(m: DnsMessage): Uint8Array {
  const parts: number[] = [];
  const u8 = (v: number): void => void parts.push(v & 0xff);
  const u16 = (v: number): void => {
    parts.push((v >>> 8) & 0xff, v & 0xff);
  };
  const u32 = (v: number): void => {
    u16((v >>> 16) & 0xffff);
    u16(v & 0xffff);
  };
  const bytes = (b: Uint8Array): void => {
    for (const x of b) parts.push(x);
  };
  const name = (n: string): void => {
    for (const l of nameToLabels(n)) {
      u8(l.length);
      bytes(l);
    }
    u8(0);
  };
  u16(m.id);
  u16(m.flags);
  u16(m.questions.length);
  u16(m.answers.length);
  u16(m.authorities.length);
  u16(m.additionals.length);
  for (const q of m.questions) {
    name(q.name);
    u16(q.type);
    u16(q.class);
  }
  for (const r of [...m.answers, ...m.authorities, ...m.additionals]) {
    name(r.name);
    u16(r.type);
    u16(r.class);
    u32(r.ttl);
    const lenAt = parts.length;
    u16(0);
    const start = parts.length;
    const d = r.data;
    switch (d.kind) {
      case 'a':
        u32(d.address);
        break;
      case 'aaaa':
        bytes(d.address);
        break;
      case 'name':
        name(d.name);
        break;
      case 'srv':
        u16(d.priority);
        u16(d.weight);
        u16(d.port);
        name(d.target);
        break;
      case 'soa':
        name(d.mname);
        name(d.rname);
        for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) u32(v);
        break;
      case 'mx':
        u16(d.preference);
        name(d.exchange);
        break;
      case 'txt':
        for (const s of d.strings) {
          u8(s.length);
          bytes(s);
        }
        break;
      case 'opt':
        for (const o of d.options) {
          u16(o.code);
          u16(o.data.length);
          bytes(o.data);
        }
        break;
      case 'raw':
        bytes(d.bytes);
        break;
    }
    const len = parts.length - start;
    parts[lenAt] = (len >>> 8) & 0xff;
    parts[lenAt + 1] = len & 0xff;
  }
  return Uint8Array.from(parts);
}

/** A reply ready for the wire: the message and whether it is sent compressed. */
export interface PackedReply {
  readonly message: DnsMessage;
  readonly bytes: Uint8Array;
}

/** Packs with or without compression (resp.Compress). */
export function pack(m: DnsMessage, compress: boolean): PackedReply {
  return { message: m, bytes: compress ? encodeCompressed(m) : encodeUncompressed(m) };
}

/**
 * Msg.Truncate(size) then Pack: uncompressed when the uncompressed message fits; otherwise compressed, keeping
 * records of each section while the running compressed length stays within `size` (the OPT record, if any, is
 * set aside and put back), TC set when anything was dropped.
 */
export function truncate(m: DnsMessage, size: number): PackedReply {
  const limit = Math.max(size, MIN_MSG_SIZE);
  const plain = encodeUncompressed(m);
  if (plain.length <= limit) return { message: m, bytes: plain };
  const opt = ednsOf(m);
  const budget = opt !== undefined ? limit - (11 + optDataLen(opt)) : limit;
  const extra = m.additionals.filter((r) => r !== opt);
  const base: DnsMessage = { ...m, answers: [], authorities: [], additionals: [] };
  const fit = (prefix: DnsMessage): boolean => bufferLen(prefix) <= budget;
  let cur = base;
  let full = fit(cur);
  const take = (section: 'answers' | 'authorities' | 'additionals', list: readonly DnsRecord[]): number => {
    let n = 0;
    if (!full) return 0;
    for (const r of list) {
      const next = { ...cur, [section]: [...cur[section], r] };
      if (!fit(next)) {
        full = false;
        break;
      }
      cur = next;
      n++;
      if (bufferLen(cur) === budget) {
        full = false;
        break;
      }
    }
    return n;
  };
  const na = take('answers', m.answers);
  const nn = take('authorities', m.authorities);
  const nx = take('additionals', extra);
  const dropped = na < m.answers.length || nn < m.authorities.length || nx < extra.length;
  const out: DnsMessage = {
    ...m,
    flags: dropped ? m.flags | FLAG_TC : m.flags,
    answers: m.answers.slice(0, na),
    authorities: m.authorities.slice(0, nn),
    additionals: [...extra.slice(0, nx), ...(opt !== undefined ? [opt] : [])],
  };
  return { message: out, bytes: encodeCompressed(out) };
}

function optDataLen(opt: DnsRecord): number {
  return opt.data.kind === 'opt' ? opt.data.options.reduce((n, o) => n + 4 + o.data.length, 0) : 0;
}

export type AcceptAction = 'accept' | 'reject' | 'notimp' | 'ignore';

/** dns.Server's defaultMsgAcceptFunc, on the raw header. */
export function acceptAction(bytes: Uint8Array): AcceptAction {
  const flags = readU16(bytes, 2);
  if ((flags & FLAG_QR) !== 0) return 'ignore';
  const opcode = opcodeOf(flags);
  if (opcode !== OPCODE_QUERY && opcode !== OPCODE_NOTIFY) return 'notimp';
  if (readU16(bytes, 4) !== 1) return 'reject';
  if (readU16(bytes, 6) > 1) return 'reject';
  if (readU16(bytes, 8) > 1) return 'reject';
  if (readU16(bytes, 10) > 2) return 'reject';
  return 'accept';
}

/**
 * The reply dns.Server writes for a rejected query: the query's header bits with QR set, AA and Z cleared,
 * opcode QUERY and rcode FORMERR (NOTIMP keeps the opcode), no records and no question.
 */
export function rejectReply(bytes: Uint8Array, notImplemented: boolean): Uint8Array {
  const flags = readU16(bytes, 2);
  const opcode = opcodeOf(flags);
  // QR | keep TC, RD, RA, AD, CD | drop AA (0x0400) and Z (0x0040).
  let out = FLAG_QR | (flags & (FLAG_TC | FLAG_RD | FLAG_RA | 0x0020 | FLAG_CD));
  out |= notImplemented ? (opcode << 11) | RCODE_NOTIMP : RCODE_FORMERR;
  const b = new Uint8Array(HEADER_LEN);
  writeU16(b, 0, readU16(bytes, 0));
  writeU16(b, 2, out);
  writeU32(b, 4, 0);
  writeU32(b, 8, 0);
  return b;
}
