// TCP (RFC 9293) header and options: MSS, SACK-permitted, SACK, timestamps, NOP, window scale, EOL.
//
//  0     2     4    8    12        13    14     16     18     20
//  |sport|dport|seq |ack |doff/rsv|flags|window|cksum |urgent| options ... | payload
//
// Options are emitted in the order given and padded with EOL (zero) to a multiple of 4; parsing stops at EOL.
// linuxSynOptions / linuxDataOptions give the layouts Linux sends (reference/linux/facts.md 3.6).
// The checksum covers the IPv4 pseudo header, so emit needs the addresses.

import { readU16, readU32, writeU16, writeU32 } from './bytes.ts';
import { finish, fold, pseudoHeaderSum, sum } from './checksum.ts';
import { requireBytes, requireRoom, WireError } from './error.ts';
import { PROTO_TCP } from './ipv4.ts';
import type { PseudoHeader } from './udp.ts';

const P = 'tcp';

export const FIN = 0x001;
export const SYN = 0x002;
export const RST = 0x004;
export const PSH = 0x008;
export const ACK = 0x010;
export const URG = 0x020;
export const ECE = 0x040;
export const CWR = 0x080;
/** The former NS bit, now AccECN's AE (RFC 9768). */
export const AE = 0x100;

export const OPT_EOL = 0;
export const OPT_NOP = 1;
export const OPT_MSS = 2;
export const OPT_WINDOW_SCALE = 3;
export const OPT_SACK_PERMITTED = 4;
export const OPT_SACK = 5;
export const OPT_TIMESTAMPS = 8;

export const field = {
  SRC_PORT: 0,
  DST_PORT: 2,
  SEQ: 4,
  ACK: 8,
  DATA_OFFSET: 12,
  FLAGS: 12, // low 9 bits of the 16-bit word at 12
  WINDOW: 14,
  CHECKSUM: 16,
  URGENT: 18,
  OPTIONS: 20,
} as const;

export const HEADER_LEN = 20;
export const MAX_OPTIONS_LEN = 40;

export type TcpOption =
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'windowScale'; readonly shift: number }
  | { readonly kind: 'sackPermitted' }
  | { readonly kind: 'sack'; readonly blocks: readonly { readonly left: number; readonly right: number }[] }
  | { readonly kind: 'timestamps'; readonly tsVal: number; readonly tsEcr: number }
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

export interface TcpSegment {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** Bitwise OR of FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE. */
  readonly flags: number;
  /** The raw 16-bit window field (before scaling). */
  readonly window: number;
  readonly urgentPointer: number;
  readonly options: readonly TcpOption[];
  readonly payload: Uint8Array;
}

/** The SYN / SYN-ACK option layout of Linux: MSS, SACK_PERM, TS, NOP, WS (kinds 2,4,8,1,3; 20 bytes). */
export function linuxSynOptions(mss: number, tsVal: number, tsEcr: number, windowShift: number): TcpOption[] {
  return [
    { kind: 'mss', value: mss },
    { kind: 'sackPermitted' },
    { kind: 'timestamps', tsVal, tsEcr },
    { kind: 'nop' },
    { kind: 'windowScale', shift: windowShift },
  ];
}

/** The layout of every later Linux segment: NOP, NOP, TS (12 bytes). */
export function linuxDataOptions(tsVal: number, tsEcr: number): TcpOption[] {
  return [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsVal, tsEcr }];
}

/** "SYN, ACK" in tshark's order of the flag names. */
export function formatFlags(flags: number): string {
  const names: [number, string][] = [
    [AE, 'AE'],
    [CWR, 'CWR'],
    [ECE, 'ECE'],
    [URG, 'URG'],
    [ACK, 'ACK'],
    [PSH, 'PSH'],
    [RST, 'RST'],
    [SYN, 'SYN'],
    [FIN, 'FIN'],
  ];
  return names
    .filter(([bit]) => (flags & bit) !== 0)
    .map(([, n]) => n)
    .join(', ');
}

export class TcpView {
  private constructor(readonly bytes: Uint8Array) {}

  /** Checks the header and the data offset; the segment is all of `bytes` (its length comes from IP). */
  static check(bytes: Uint8Array): TcpView {
    requireBytes(P, 'header', 0, HEADER_LEN, bytes.length);
    const hl = (bytes[field.DATA_OFFSET]! >>> 4) * 4;
    if (hl < HEADER_LEN) throw new WireError(P, 'hdr_len', field.DATA_OFFSET, `data offset ${hl} is below 20`);
    requireBytes(P, 'options', field.OPTIONS, hl - HEADER_LEN, bytes.length);
    return new TcpView(bytes);
  }

  get srcPort(): number {
    return readU16(this.bytes, field.SRC_PORT);
  }
  get dstPort(): number {
    return readU16(this.bytes, field.DST_PORT);
  }
  get seq(): number {
    return readU32(this.bytes, field.SEQ);
  }
  get ack(): number {
    return readU32(this.bytes, field.ACK);
  }
  get headerLen(): number {
    return (this.bytes[field.DATA_OFFSET]! >>> 4) * 4;
  }
  get flags(): number {
    return readU16(this.bytes, field.FLAGS) & 0x1ff;
  }
  get window(): number {
    return readU16(this.bytes, field.WINDOW);
  }
  get checksum(): number {
    return readU16(this.bytes, field.CHECKSUM);
  }
  get urgentPointer(): number {
    return readU16(this.bytes, field.URGENT);
  }
  get rawOptions(): Uint8Array {
    return this.bytes.subarray(HEADER_LEN, this.headerLen);
  }
  get options(): TcpOption[] {
    return parseOptions(this.rawOptions);
  }
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLen);
  }
  checksumValid(ph: PseudoHeader): boolean {
    return fold(sum(this.bytes, 0, this.bytes.length, pseudoHeaderSum(ph.src, ph.dst, PROTO_TCP, this.bytes.length))) === 0xffff;
  }
}

const FIXED_LEN: Partial<Record<number, number>> = { [OPT_MSS]: 4, [OPT_WINDOW_SCALE]: 3, [OPT_SACK_PERMITTED]: 2, [OPT_TIMESTAMPS]: 10 };

/** Parses raw option bytes (offsets in errors count from the start of the TCP header). */
export function parseOptions(raw: Uint8Array): TcpOption[] {
  const out: TcpOption[] = [];
  let i = 0;
  while (i < raw.length) {
    const type = raw[i]!;
    if (type === OPT_EOL) break;
    if (type === OPT_NOP) {
      out.push({ kind: 'nop' });
      i++;
      continue;
    }
    const at = HEADER_LEN + i;
    if (i + 1 >= raw.length) throw new WireError(P, 'option_len', at + 1, `option ${type} has no length octet`);
    const len = raw[i + 1]!;
    if (len < 2) throw new WireError(P, 'option_len', at + 1, `option ${type} has length ${len}, below 2`);
    if (i + len > raw.length) throw new WireError(P, 'option_len', at + 1, `option ${type} of length ${len} runs past the header`);
    const fixed = FIXED_LEN[type];
    if (fixed !== undefined && len !== fixed) throw new WireError(P, 'option_len', at + 1, `option ${type} has length ${len}, expected ${fixed}`);
    const d = i + 2;
    switch (type) {
      case OPT_MSS:
        out.push({ kind: 'mss', value: readU16(raw, d) });
        break;
      case OPT_WINDOW_SCALE:
        out.push({ kind: 'windowScale', shift: raw[d]! });
        break;
      case OPT_SACK_PERMITTED:
        out.push({ kind: 'sackPermitted' });
        break;
      case OPT_TIMESTAMPS:
        out.push({ kind: 'timestamps', tsVal: readU32(raw, d), tsEcr: readU32(raw, d + 4) });
        break;
      case OPT_SACK: {
        if ((len - 2) % 8 !== 0 || len === 2) throw new WireError(P, 'option_len', at + 1, `SACK option length ${len} is not 2 + 8n`);
        const blocks: { left: number; right: number }[] = [];
        for (let b = d; b < i + len; b += 8) blocks.push({ left: readU32(raw, b), right: readU32(raw, b + 4) });
        out.push({ kind: 'sack', blocks });
        break;
      }
      default:
        out.push({ kind: 'unknown', type, data: raw.subarray(d, i + len) });
    }
    i += len;
  }
  return out;
}

function optionLen(o: TcpOption): number {
  switch (o.kind) {
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'windowScale':
      return 3;
    case 'sackPermitted':
      return 2;
    case 'timestamps':
      return 10;
    case 'sack':
      return 2 + 8 * o.blocks.length;
    case 'unknown':
      return 2 + o.data.length;
  }
}

/** Bytes the options take, padded to a multiple of 4. */
export function optionsLen(options: readonly TcpOption[]): number {
  let n = 0;
  for (const o of options) n += optionLen(o);
  return (n + 3) & ~3;
}

export function headerLen(s: TcpSegment): number {
  return HEADER_LEN + optionsLen(s.options);
}

export function bufferLen(s: TcpSegment): number {
  return headerLen(s) + s.payload.length;
}

export function parse(bytes: Uint8Array): TcpSegment {
  const v = TcpView.check(bytes);
  return {
    srcPort: v.srcPort,
    dstPort: v.dstPort,
    seq: v.seq,
    ack: v.ack,
    flags: v.flags,
    window: v.window,
    urgentPointer: v.urgentPointer,
    options: v.options,
    payload: v.payload,
  };
}

function u(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

function writeOptions(options: readonly TcpOption[], buf: Uint8Array, start: number, end: number): void {
  let i = start;
  for (const o of options) {
    const at = i - start + HEADER_LEN;
    switch (o.kind) {
      case 'nop':
        buf[i++] = OPT_NOP;
        break;
      case 'mss':
        if (!u(o.value, 0xffff)) throw new WireError(P, 'option.mss', at, `MSS out of range: ${o.value}`);
        buf[i] = OPT_MSS;
        buf[i + 1] = 4;
        writeU16(buf, i + 2, o.value);
        i += 4;
        break;
      case 'windowScale':
        if (!u(o.shift, 255)) throw new WireError(P, 'option.wscale', at, `window scale out of range: ${o.shift}`);
        buf[i] = OPT_WINDOW_SCALE;
        buf[i + 1] = 3;
        buf[i + 2] = o.shift;
        i += 3;
        break;
      case 'sackPermitted':
        buf[i] = OPT_SACK_PERMITTED;
        buf[i + 1] = 2;
        i += 2;
        break;
      case 'timestamps':
        if (!u(o.tsVal, 0xffff_ffff) || !u(o.tsEcr, 0xffff_ffff)) throw new WireError(P, 'option.timestamps', at, 'timestamp out of range');
        buf[i] = OPT_TIMESTAMPS;
        buf[i + 1] = 10;
        writeU32(buf, i + 2, o.tsVal);
        writeU32(buf, i + 6, o.tsEcr);
        i += 10;
        break;
      case 'sack':
        if (o.blocks.length === 0) throw new WireError(P, 'option.sack', at, 'SACK option without blocks');
        buf[i] = OPT_SACK;
        buf[i + 1] = 2 + 8 * o.blocks.length;
        i += 2;
        for (const b of o.blocks) {
          if (!u(b.left, 0xffff_ffff) || !u(b.right, 0xffff_ffff)) throw new WireError(P, 'option.sack', at, 'SACK edge out of range');
          writeU32(buf, i, b.left);
          writeU32(buf, i + 4, b.right);
          i += 8;
        }
        break;
      case 'unknown':
        if (!u(o.type, 255) || o.type === OPT_EOL || o.type === OPT_NOP) throw new WireError(P, 'option.kind', at, `bad option kind ${o.type}`);
        buf[i] = o.type;
        buf[i + 1] = 2 + o.data.length;
        buf.set(o.data, i + 2);
        i += 2 + o.data.length;
        break;
    }
  }
  buf.fill(OPT_EOL, i, end);
}

/** Writes header, options and payload at `offset` with the checksum over the pseudo header; returns the bytes written. */
export function emit(s: TcpSegment, buf: Uint8Array, offset: number, pseudo: PseudoHeader): number {
  if (!u(s.srcPort, 0xffff)) throw new WireError(P, 'srcport', field.SRC_PORT, `port out of range: ${s.srcPort}`);
  if (!u(s.dstPort, 0xffff)) throw new WireError(P, 'dstport', field.DST_PORT, `port out of range: ${s.dstPort}`);
  if (!u(s.seq, 0xffff_ffff)) throw new WireError(P, 'seq', field.SEQ, `sequence number out of range: ${s.seq}`);
  if (!u(s.ack, 0xffff_ffff)) throw new WireError(P, 'ack', field.ACK, `acknowledgment number out of range: ${s.ack}`);
  if (!u(s.flags, 0x1ff)) throw new WireError(P, 'flags', field.FLAGS, `flags out of range: 0x${s.flags.toString(16)}`);
  if (!u(s.window, 0xffff)) throw new WireError(P, 'window_size', field.WINDOW, `window out of range: ${s.window}`);
  if (!u(s.urgentPointer, 0xffff)) throw new WireError(P, 'urgent_pointer', field.URGENT, `urgent pointer out of range: ${s.urgentPointer}`);
  const ol = optionsLen(s.options);
  if (ol > MAX_OPTIONS_LEN) throw new WireError(P, 'options', field.OPTIONS, `options need ${ol} bytes, at most 40 fit`);
  const hl = HEADER_LEN + ol;
  const len = hl + s.payload.length;
  requireRoom(P, buf, offset, len);
  const o = offset;
  writeU16(buf, o + field.SRC_PORT, s.srcPort);
  writeU16(buf, o + field.DST_PORT, s.dstPort);
  writeU32(buf, o + field.SEQ, s.seq);
  writeU32(buf, o + field.ACK, s.ack);
  writeU16(buf, o + field.FLAGS, ((hl >>> 2) << 12) | s.flags);
  writeU16(buf, o + field.WINDOW, s.window);
  writeU16(buf, o + field.CHECKSUM, 0);
  writeU16(buf, o + field.URGENT, s.urgentPointer);
  writeOptions(s.options, buf, o + HEADER_LEN, o + hl);
  buf.set(s.payload, o + hl);
  writeU16(buf, o + field.CHECKSUM, finish(sum(buf, o, o + len, pseudoHeaderSum(pseudo.src, pseudo.dst, PROTO_TCP, len))));
  return len;
}

export function encode(s: TcpSegment, pseudo: PseudoHeader): Uint8Array {
  const buf = new Uint8Array(bufferLen(s));
  emit(s, buf, 0, pseudo);
  return buf;
}
