// pcapng (draft-ietf-opsawg-pcapng): blocks, each
//    0   4   block type
//    4   4   block total length (multiple of 4, the whole block)
//    8   …   body, then options
//  end-4 4   block total length again
// Options: code u16, length u16, value padded to 4 bytes; the list ends with opt_endofopt (code 0, length 0).
//
// Section Header Block (type 0x0A0D0D0A, a palindrome so it reads the same in either byte order):
//    8 byte-order magic 0x1A2B3C4D (u32), 12 major 1 (u16), 14 minor 0 (u16), 16 section length (i64, -1 = unknown),
//   24 options: opt_comment 1, shb_hardware 2, shb_os 3, shb_userappl 4
// Interface Description Block (type 1):
//    8 linktype (u16), 10 reserved (u16), 12 snaplen (u32, 0 = none), 16 options: if_name 2, if_description 3,
//   if_tsresol 9 (1 byte: MSB 0 → 10^-v s, MSB 1 → 2^-v s; default 6 = µs), if_fcslen 13, if_tsoffset 14 (i64 s)
// Enhanced Packet Block (type 6):
//    8 interface id (u32), 12 timestamp high (u32), 16 timestamp low (u32), 20 captured length, 24 original length,
//   28 data padded to 4, options: opt_comment 1, epb_flags 2 (u32; bits 0-1 direction 1 = in, 2 = out),
//   epb_packetid 5 (u64)
// Simple Packet Block (type 3): 8 original length, 12 data (captured length = min(original, block room, snaplen)),
//   interface 0, no timestamp.
// Packet Block (type 2, obsolete): like the EPB with a u16 interface id and u16 drop count at 8 and 10.
//
// The writer writes little-endian, one section, timestamps in nanoseconds (if_tsresol 9) since 1970: virtual
// time plus the epoch offset.

import { ChunkOut } from './chunk.ts';
import { CaptureError, toBigNs } from './error.ts';
import type { Nanos } from './error.ts';
import { LINKTYPE_ETHERNET, PCAP_DEFAULT_SNAPLEN } from './pcap.ts';
import type { ReadOptions } from './pcap.ts';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_PB = 0x00000002;
export const BT_SPB = 0x00000003;
export const BT_NRB = 0x00000004;
export const BT_ISB = 0x00000005;
export const BT_EPB = 0x00000006;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const OPT_ENDOFOPT = 0;
export const OPT_COMMENT = 1;
export const SHB_HARDWARE = 2;
export const SHB_OS = 3;
export const SHB_USERAPPL = 4;
export const IF_NAME = 2;
export const IF_DESCRIPTION = 3;
export const IF_TSRESOL = 9;
export const IF_FCSLEN = 13;
export const IF_TSOFFSET = 14;
export const EPB_FLAGS = 2;
export const EPB_PACKETID = 5;

/** epb_flags direction bits (0-1). */
export const EPB_FLAG_INBOUND = 1;
export const EPB_FLAG_OUTBOUND = 2;

export type Direction = 'in' | 'out';

const SHB = { type: 0, length: 4, bom: 8, major: 12, minor: 14, sectionLength: 16, options: 24 } as const;
const IDB = { linktype: 8, reserved: 10, snaplen: 12, options: 16 } as const;
const EPB = { interfaceId: 8, tsHigh: 12, tsLow: 16, capLen: 20, origLen: 24, data: 28 } as const;
const PB = { interfaceId: 8, drops: 10, tsHigh: 12, tsLow: 16, capLen: 20, origLen: 24, data: 28 } as const;
const SPB = { origLen: 8, data: 12 } as const;

const pad4 = (n: number): number => (n + 3) & ~3;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

// ---------------------------------------------------------------------------------------------------------------
// Writing

export interface PcapngWriterOptions {
  /** shb_userappl; default "Flotilla". Empty string: no option. */
  userappl?: string;
  hardware?: string;
  os?: string;
  /** opt_comment on the section. */
  comment?: string;
  /** Wall-clock nanoseconds since 1970 that virtual time 0 maps to. Default 0. */
  epochNs?: Nanos;
}

export interface PcapngInterfaceIn {
  name?: string;
  description?: string;
  /** LINKTYPE_*; default Ethernet. */
  linktype?: number;
  /** Default 262144; 0 = no limit. Longer frames are truncated. */
  snaplen?: number;
}

export interface PcapngPacketOptions {
  /** Length on the wire; default the frame length. */
  origLen?: number;
  /** Sets the direction bits of epb_flags. */
  direction?: Direction;
  /** Raw epb_flags (OR-ed with the direction bits). */
  flags?: number;
  /** epb_packetid: the hops of one packet across interfaces share it. */
  packetId?: bigint | number;
  /** opt_comment. */
  comment?: string;
}

export interface PcapngPacketIn extends PcapngPacketOptions {
  /** Interface id (index in the interfaces given to writePcapng). */
  interface: number;
  /** Virtual time in nanoseconds. */
  tsNs: Nanos;
  data: Uint8Array;
}

interface Opt {
  code: number;
  bytes: Uint8Array | null; // null: numeric, written by the caller
  len: number;
}

function strOpt(code: number, s: string | undefined, what: string): Opt[] {
  if (s === undefined || s === '') return [];
  const bytes = utf8.encode(s);
  if (bytes.length > 0xffff) throw new RangeError(`${what} is ${bytes.length} bytes of UTF-8; an option holds at most 65535`);
  return [{ code, bytes, len: bytes.length }];
}

/** Bytes an option list takes, with its opt_endofopt; 0 for no options. */
function optsLength(opts: readonly Opt[]): number {
  if (opts.length === 0) return 0;
  let n = 4;
  for (const o of opts) n += 4 + pad4(o.len);
  return n;
}

/** Writes byte-valued options and the end marker; padding bytes are zeroed. Returns the offset after them. */
function putOpts(view: DataView, buf: Uint8Array, at: number, opts: readonly Opt[]): number {
  if (opts.length === 0) return at;
  for (const o of opts) {
    view.setUint16(at, o.code, true);
    view.setUint16(at + 2, o.len, true);
    if (o.bytes) buf.set(o.bytes, at + 4);
    buf.fill(0, at + 4 + o.len, at + 4 + pad4(o.len));
    at += 4 + pad4(o.len);
  }
  view.setUint32(at, 0, true); // opt_endofopt: code 0, length 0
  return at + 4;
}

function u32(what: string, v: number, min = 0): number {
  if (!Number.isInteger(v) || v < min || v > 0xffffffff) throw new RangeError(`${what} must be an integer in ${min}..4294967295, got ${v}`);
  return v;
}

interface WriterInterface {
  snaplen: number;
}

/** Streaming pcapng writer: `header()` (SHB), `interfaceBlock()` per interface (ids 0, 1, 2… in call order), then
 *  `packet()` per frame; concatenate the returned chunks. Interfaces may be added between packets. */
export class PcapngWriter {
  private readonly out = new ChunkOut();
  private readonly ifaces: WriterInterface[] = [];
  private readonly epoch: bigint;
  private readonly eHi: number;
  private readonly eLo: number;
  private readonly shbOpts: Opt[];
  private hi = 0;
  private lo = 0;

  constructor(opts: PcapngWriterOptions = {}) {
    this.epoch = toBigNs('epochNs', opts.epochNs ?? 0);
    if (this.epoch < 0n || this.epoch >= 1n << 64n) throw new RangeError(`epochNs must be in 0..2^64-1, got ${this.epoch}`);
    this.eHi = Number(this.epoch >> 32n);
    this.eLo = Number(this.epoch & 0xffffffffn);
    this.shbOpts = [
      ...strOpt(OPT_COMMENT, opts.comment, 'comment'),
      ...strOpt(SHB_HARDWARE, opts.hardware, 'hardware'),
      ...strOpt(SHB_OS, opts.os, 'os'),
      ...strOpt(SHB_USERAPPL, opts.userappl ?? 'Flotilla', 'userappl'),
    ];
  }

  get interfaceCount(): number {
    return this.ifaces.length;
  }

  /** The Section Header Block. */
  header(): Uint8Array {
    const n = 28 + optsLength(this.shbOpts);
    const at = this.out.reserve(n);
    const { view, buf } = this.out;
    view.setUint32(at + SHB.type, BT_SHB, true);
    view.setUint32(at + SHB.length, n, true);
    view.setUint32(at + SHB.bom, PCAPNG_BYTE_ORDER_MAGIC, true);
    view.setUint16(at + SHB.major, 1, true);
    view.setUint16(at + SHB.minor, 0, true);
    view.setBigInt64(at + SHB.sectionLength, -1n, true);
    putOpts(view, buf, at + SHB.options, this.shbOpts);
    view.setUint32(at + n - 4, n, true);
    return buf.subarray(at, at + n);
  }

  /** An Interface Description Block; the interface's id is the number of interfaces added before it. */
  interfaceBlock(desc: PcapngInterfaceIn = {}): Uint8Array {
    const linktype = desc.linktype ?? LINKTYPE_ETHERNET;
    if (!Number.isInteger(linktype) || linktype < 0 || linktype > 0xffff) throw new RangeError(`linktype must be an integer in 0..65535, got ${linktype}`);
    const snaplen = u32('snaplen', desc.snaplen ?? PCAP_DEFAULT_SNAPLEN);
    const opts: Opt[] = [
      ...strOpt(IF_NAME, desc.name, 'if_name'),
      ...strOpt(IF_DESCRIPTION, desc.description, 'if_description'),
      { code: IF_TSRESOL, bytes: Uint8Array.of(9), len: 1 },
    ];
    const n = 20 + optsLength(opts);
    const at = this.out.reserve(n);
    const { view, buf } = this.out;
    view.setUint32(at, BT_IDB, true);
    view.setUint32(at + 4, n, true);
    view.setUint16(at + IDB.linktype, linktype, true);
    view.setUint16(at + IDB.reserved, 0, true);
    view.setUint32(at + IDB.snaplen, snaplen, true);
    putOpts(view, buf, at + IDB.options, opts);
    view.setUint32(at + n - 4, n, true);
    this.ifaces.push({ snaplen });
    return buf.subarray(at, at + n);
  }

  /** Bytes the EPB for this frame and these options takes. */
  packetLength(interfaceId: number, frameLen: number, opts: PcapngPacketOptions = {}): number {
    const iface = this.iface(interfaceId);
    const caplen = iface.snaplen === 0 ? frameLen : Math.min(frameLen, iface.snaplen);
    let o = 0;
    if (opts.direction !== undefined || opts.flags !== undefined) o += 8;
    if (opts.packetId !== undefined) o += 12;
    if (opts.comment !== undefined && opts.comment !== '') o += 4 + pad4(utf8.encode(opts.comment).length);
    return 32 + pad4(caplen) + (o === 0 ? 0 : o + 4);
  }

  /** An Enhanced Packet Block. The view stays valid. */
  packet(interfaceId: number, tsNs: Nanos, frame: Uint8Array, opts: PcapngPacketOptions = {}): Uint8Array {
    const p = this.prepare(interfaceId, tsNs, frame, opts);
    const at = this.out.reserve(p.n);
    this.put(this.out.view, this.out.buf, at, interfaceId, frame, p);
    return this.out.buf.subarray(at, at + p.n);
  }

  /** Writes an EPB into `buf` at `offset`; returns the bytes written. */
  emitPacket(buf: Uint8Array, offset: number, interfaceId: number, tsNs: Nanos, frame: Uint8Array, opts: PcapngPacketOptions = {}): number {
    const p = this.prepare(interfaceId, tsNs, frame, opts);
    if (!Number.isInteger(offset) || offset < 0 || offset + p.n > buf.length) {
      throw new RangeError(`buffer too small: needs ${p.n} bytes at offset ${offset}, buffer holds ${buf.length}`);
    }
    this.put(new DataView(buf.buffer, buf.byteOffset, buf.byteLength), buf, offset, interfaceId, frame, p);
    return p.n;
  }

  /** @internal used by writePcapng with one view over the whole output (sized by packetLength) */
  putPacket(view: DataView, buf: Uint8Array, at: number, interfaceId: number, tsNs: Nanos, frame: Uint8Array, opts: PcapngPacketOptions): number {
    const p = this.prepare(interfaceId, tsNs, frame, opts);
    this.put(view, buf, at, interfaceId, frame, p);
    return p.n;
  }

  private iface(id: number): WriterInterface {
    const iface = Number.isInteger(id) ? this.ifaces[id] : undefined;
    if (!iface) throw new RangeError(`interface ${id} has no interface block (${this.ifaces.length} written)`);
    return iface;
  }

  private prepare(interfaceId: number, tsNs: Nanos, frame: Uint8Array, o: PcapngPacketOptions): Prepared {
    const iface = this.iface(interfaceId);
    const caplen = iface.snaplen === 0 ? frame.length : Math.min(frame.length, iface.snaplen);
    const origLen = o.origLen ?? frame.length;
    if (!Number.isInteger(origLen) || origLen < frame.length || origLen > 0xffffffff) {
      throw new RangeError(`origLen must be an integer from the frame length (${frame.length}) to 4294967295, got ${origLen}`);
    }
    let flags: number | undefined;
    if (o.direction !== undefined || o.flags !== undefined) {
      flags = u32('flags', o.flags ?? 0);
      if (o.direction === 'in') flags = (flags & ~3) | EPB_FLAG_INBOUND;
      else if (o.direction === 'out') flags = (flags & ~3) | EPB_FLAG_OUTBOUND;
      else if (o.direction !== undefined) throw new RangeError(`direction must be 'in' or 'out', got ${String(o.direction)}`);
      flags >>>= 0;
    }
    const packetId: bigint | number | undefined = o.packetId;
    if (typeof packetId === 'bigint') {
      if (packetId < 0n || packetId >= 1n << 64n) throw new RangeError(`packetId must be in 0..2^64-1, got ${packetId}`);
    } else if (packetId !== undefined && !(Number.isSafeInteger(packetId) && packetId >= 0)) {
      throw new RangeError(`packetId must be in 0..2^64-1 (a number up to 2^53-1), got ${packetId}`);
    }
    const comment = o.comment === undefined || o.comment === '' ? undefined : strOpt(OPT_COMMENT, o.comment, 'comment')[0];
    this.split(tsNs);
    let optLen = 0;
    if (flags !== undefined) optLen += 8;
    if (packetId !== undefined) optLen += 12;
    if (comment) optLen += 4 + pad4(comment.len);
    if (optLen > 0) optLen += 4;
    return { n: 32 + pad4(caplen) + optLen, caplen, origLen, flags, packetId, comment };
  }

  private split(ts: Nanos): void {
    let hi: number;
    let lo: number;
    if (typeof ts === 'number' && Number.isSafeInteger(ts)) {
      const tHi = Math.floor(ts / 4294967296);
      lo = ts - tHi * 4294967296 + this.eLo;
      hi = tHi + this.eHi;
      if (lo >= 4294967296) {
        lo -= 4294967296;
        hi += 1;
      }
    } else {
      const total = toBigNs('timestamp', ts) + this.epoch;
      hi = total < 0n ? -1 : Number(total >> 32n);
      lo = Number(total & 0xffffffffn);
    }
    if (hi < 0 || hi > 0xffffffff) throw new RangeError(`timestamp ${ts} ns (+ epoch ${this.epoch}) is outside 0..2^64-1 ns since 1970`);
    this.hi = hi;
    this.lo = lo;
  }

  private put(view: DataView, buf: Uint8Array, at: number, interfaceId: number, frame: Uint8Array, p: Prepared): void {
    view.setUint32(at, BT_EPB, true);
    view.setUint32(at + 4, p.n, true);
    view.setUint32(at + EPB.interfaceId, interfaceId, true);
    view.setUint32(at + EPB.tsHigh, this.hi, true);
    view.setUint32(at + EPB.tsLow, this.lo, true);
    view.setUint32(at + EPB.capLen, p.caplen, true);
    view.setUint32(at + EPB.origLen, p.origLen, true);
    const d = at + EPB.data;
    buf.set(p.caplen === frame.length ? frame : frame.subarray(0, p.caplen), d);
    let q = d + p.caplen;
    const padded = d + pad4(p.caplen);
    while (q < padded) buf[q++] = 0;
    if (p.flags !== undefined || p.packetId !== undefined || p.comment) {
      if (p.flags !== undefined) {
        view.setUint16(q, EPB_FLAGS, true);
        view.setUint16(q + 2, 4, true);
        view.setUint32(q + 4, p.flags, true);
        q += 8;
      }
      if (p.packetId !== undefined) {
        view.setUint16(q, EPB_PACKETID, true);
        view.setUint16(q + 2, 8, true);
        if (typeof p.packetId === 'number') {
          view.setUint32(q + 4, p.packetId % 4294967296, true);
          view.setUint32(q + 8, Math.floor(p.packetId / 4294967296), true);
        } else {
          view.setBigUint64(q + 4, p.packetId, true);
        }
        q += 12;
      }
      q = putOpts(view, buf, q, p.comment ? [p.comment] : []);
      if (!p.comment) {
        view.setUint32(q, 0, true); // opt_endofopt
        q += 4;
      }
    }
    view.setUint32(q, p.n, true);
  }
}

interface Prepared {
  n: number;
  caplen: number;
  origLen: number;
  flags: number | undefined;
  packetId: bigint | number | undefined;
  comment: Opt | undefined;
}

/** A whole pcapng file (one section) in one exactly-sized allocation. */
export function writePcapng(capture: { interfaces: readonly PcapngInterfaceIn[]; packets: Iterable<PcapngPacketIn> }, opts: PcapngWriterOptions = {}): Uint8Array {
  const w = new PcapngWriter(opts);
  const head: Uint8Array[] = [w.header()];
  for (const i of capture.interfaces) head.push(w.interfaceBlock(i));
  const list = Array.isArray(capture.packets) ? (capture.packets as PcapngPacketIn[]) : [...capture.packets];
  let size = 0;
  for (const h of head) size += h.length;
  for (const p of list) size += w.packetLength(p.interface, p.data.length, p);
  const out = new Uint8Array(size);
  let at = 0;
  for (const h of head) {
    out.set(h, at);
    at += h.length;
  }
  const view = new DataView(out.buffer);
  for (const p of list) at += w.putPacket(view, out, at, p.interface, p.tsNs, p.data, p);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export interface PcapngSection {
  byteOrder: 'le' | 'be';
  versionMajor: number;
  versionMinor: number;
  /** Byte offset of the section's SHB. */
  offset: number;
  userappl?: string;
  hardware?: string;
  os?: string;
  comment?: string;
}

export interface PcapngInterface {
  /** Index of the section (0-based) that described it. */
  section: number;
  /** Its interface id within that section. */
  id: number;
  linktype: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Raw if_tsresol byte (6 when absent). */
  tsresol: number;
  /** if_tsoffset in seconds, added to every timestamp (0 when absent). */
  tsOffsetSec: bigint;
  /** if_fcslen: bytes of FCS at the end of each frame, when given. */
  fcsLength?: number;
}

export interface PcapngPacket {
  /** Index into the file's `interfaces` (across sections). */
  interface: number;
  /** Nanoseconds since 1970. A simple packet block has no timestamp: it gets the previous packet's (or 0n). */
  tsNs: bigint;
  /** The stored bytes: a subarray of the file, not a copy. */
  data: Uint8Array;
  origLen: number;
  /** epb_flags / pack_flags, when present. */
  flags?: number;
  /** From the direction bits of the flags. */
  direction?: Direction;
  /** epb_packetid, when present. */
  packetId?: bigint;
  /** opt_comment; several comments are joined with "\n". */
  comment?: string;
  /** Which block it came from. */
  block: 'epb' | 'spb' | 'pb';
}

export interface PcapngFile {
  format: 'pcapng';
  sections: PcapngSection[];
  interfaces: PcapngInterface[];
  packets: PcapngPacket[];
  /** Blocks read but not interpreted (name resolution, statistics, custom, unknown types). */
  skippedBlocks: number;
  error?: CaptureError;
}

interface IfaceRead {
  global: number;
  snaplen: number;
  /** ticks → ns: multiply by mul then, if shift > 0, shift right (2^-v) or divide by div (10^-v, v > 9). */
  mul: bigint;
  div: bigint;
  shift: bigint;
  offsetNs: bigint;
}

/** Incremental reader over the bytes of one pcapng file: `next()` returns one packet at a time, or null at the end.
 *  `sections` and `interfaces` grow as their blocks are passed. */
export class PcapngReader implements Iterable<PcapngPacket> {
  readonly sections: PcapngSection[] = [];
  readonly interfaces: PcapngInterface[] = [];
  /** Byte offset of the next block. */
  offset = 0;
  /** Blocks read so far. */
  blocks = 0;
  /** Packets returned so far. */
  count = 0;
  skippedBlocks = 0;
  private readonly view: DataView;
  private le = true;
  private sectionIfaces: IfaceRead[] = [];
  private lastTs = 0n;

  /** Throws CaptureError if the file does not start with a good section header block. */
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4 || this.view.getUint32(0, true) !== BT_SHB) {
      const got = bytes.length < 4 ? `only ${bytes.length} bytes` : `block type 0x${this.view.getUint32(0, false).toString(16).padStart(8, '0')}`;
      throw new CaptureError('pcapng', 'block', 1, 0, 0, `not a section header block (${got})`);
    }
  }

  private fail(at: number, reason: string): CaptureError {
    return new CaptureError('pcapng', 'block', this.blocks + 1, at, this.count, reason);
  }

  /** The next packet, or null at a clean end of file. Throws CaptureError at damage; the reader then stays put. */
  next(): PcapngPacket | null {
    const b = this.bytes;
    const v = this.view;
    for (;;) {
      const at = this.offset;
      if (at >= b.length) return null;
      if (at + 12 > b.length) throw this.fail(at, `truncated block header: ${b.length - at} bytes left, a block takes at least 12`);
      const typeLe = v.getUint32(at, true);
      if (typeLe === BT_SHB) this.readByteOrder(at);
      const le = this.le;
      const type = v.getUint32(at, le);
      const len = v.getUint32(at + 4, le);
      if (len < 12) throw this.fail(at, `block length ${len} is less than 12`);
      if (len % 4 !== 0) throw this.fail(at, `block length ${len} is not a multiple of 4`);
      if (at + len > b.length) throw this.fail(at, `truncated block: length ${len} but only ${b.length - at} bytes remain`);
      const trailer = v.getUint32(at + len - 4, le);
      if (trailer !== len) throw this.fail(at, `trailing block length ${trailer} differs from leading ${len}`);
      let packet: PcapngPacket | null = null;
      switch (type) {
        case BT_SHB:
          this.readShb(at, len);
          break;
        case BT_IDB:
          this.readIdb(at, len);
          break;
        case BT_EPB:
          packet = this.readEpb(at, len, false);
          break;
        case BT_PB:
          packet = this.readEpb(at, len, true);
          break;
        case BT_SPB:
          packet = this.readSpb(at, len);
          break;
        default:
          this.skippedBlocks++;
      }
      this.offset = at + len;
      this.blocks++;
      if (packet) {
        this.count++;
        this.lastTs = packet.tsNs;
        return packet;
      }
    }
  }

  *[Symbol.iterator](): Iterator<PcapngPacket> {
    for (let p = this.next(); p !== null; p = this.next()) yield p;
  }

  private readByteOrder(at: number): void {
    if (at + 12 > this.bytes.length) throw this.fail(at, 'truncated section header block');
    const bom = this.view.getUint32(at + SHB.bom, true);
    if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.le = true;
    else if (bom === 0x4d3c2b1a) this.le = false;
    else throw this.fail(at, `bad byte-order magic 0x${this.view.getUint32(at + SHB.bom, false).toString(16).padStart(8, '0')} at byte ${at + SHB.bom}`);
  }

  /** Walks the options of a block from `start` to `end`, calling `each(code, valueOffset, valueLength)`. */
  private options(blockAt: number, start: number, end: number, each: (code: number, at: number, len: number) => void): void {
    const v = this.view;
    let p = start;
    while (p + 4 <= end) {
      const code = v.getUint16(p, this.le);
      const len = v.getUint16(p + 2, this.le);
      if (code === OPT_ENDOFOPT) return;
      if (p + 4 + len > end) throw this.fail(blockAt, `option ${code} at byte ${p} has length ${len}, past the end of the block's options at byte ${end}`);
      each(code, p + 4, len);
      p += 4 + pad4(len);
    }
  }

  private str(at: number, len: number): string {
    let end = at + len;
    while (end > at && this.bytes[end - 1] === 0) end--; // some writers NUL-terminate
    return utf8Decoder.decode(this.bytes.subarray(at, end));
  }

  private readShb(at: number, len: number): void {
    if (len < 28) throw this.fail(at, `section header block length ${len} is less than 28`);
    const v = this.view;
    const major = v.getUint16(at + SHB.major, this.le);
    const minor = v.getUint16(at + SHB.minor, this.le);
    if (major !== 1) throw this.fail(at, `unsupported pcapng version ${major}.${minor} (expected 1.x)`);
    const section: PcapngSection = { byteOrder: this.le ? 'le' : 'be', versionMajor: major, versionMinor: minor, offset: at };
    this.options(at, at + SHB.options, at + len - 4, (code, p, n) => {
      if (code === OPT_COMMENT) section.comment = section.comment === undefined ? this.str(p, n) : `${section.comment}\n${this.str(p, n)}`;
      else if (code === SHB_HARDWARE) section.hardware = this.str(p, n);
      else if (code === SHB_OS) section.os = this.str(p, n);
      else if (code === SHB_USERAPPL) section.userappl = this.str(p, n);
    });
    this.sections.push(section);
    this.sectionIfaces = [];
  }

  private readIdb(at: number, len: number): void {
    if (len < 20) throw this.fail(at, `interface description block length ${len} is less than 20`);
    const v = this.view;
    const iface: PcapngInterface = {
      section: this.sections.length - 1,
      id: this.sectionIfaces.length,
      linktype: v.getUint16(at + IDB.linktype, this.le),
      snaplen: v.getUint32(at + IDB.snaplen, this.le),
      tsresol: 6,
      tsOffsetSec: 0n,
    };
    this.options(at, at + IDB.options, at + len - 4, (code, p, n) => {
      switch (code) {
        case IF_NAME:
          iface.name = this.str(p, n);
          break;
        case IF_DESCRIPTION:
          iface.description = this.str(p, n);
          break;
        case IF_TSRESOL:
          if (n !== 1) throw this.fail(at, `if_tsresol at byte ${p - 4} has length ${n}, expected 1`);
          iface.tsresol = this.bytes[p]!;
          break;
        case IF_TSOFFSET:
          if (n !== 8) throw this.fail(at, `if_tsoffset at byte ${p - 4} has length ${n}, expected 8`);
          iface.tsOffsetSec = v.getBigInt64(p, this.le);
          break;
        case IF_FCSLEN:
          if (n !== 1) throw this.fail(at, `if_fcslen at byte ${p - 4} has length ${n}, expected 1`);
          iface.fcsLength = this.bytes[p]!;
          break;
      }
    });
    const r = iface.tsresol;
    const exp = BigInt(r & 0x7f);
    let mul = 1n;
    let div = 1n;
    let shift = 0n;
    if (r & 0x80) {
      mul = 1_000_000_000n;
      shift = exp;
    } else if (exp <= 9n) {
      mul = 10n ** (9n - exp);
    } else {
      div = 10n ** (exp - 9n);
    }
    this.interfaces.push(iface);
    this.sectionIfaces.push({ global: this.interfaces.length - 1, snaplen: iface.snaplen, mul, div, shift, offsetNs: iface.tsOffsetSec * 1_000_000_000n });
  }

  private ifaceFor(at: number, id: number): IfaceRead {
    const r = this.sectionIfaces[id];
    if (!r) throw this.fail(at, `interface id ${id} has no interface description block in this section (${this.sectionIfaces.length} described)`);
    return r;
  }

  private readEpb(at: number, len: number, obsolete: boolean): PcapngPacket {
    if (len < 32) throw this.fail(at, `packet block length ${len} is less than 32`);
    const v = this.view;
    const le = this.le;
    const id = obsolete ? v.getUint16(at + PB.interfaceId, le) : v.getUint32(at + EPB.interfaceId, le);
    const iface = this.ifaceFor(at, id);
    const caplen = v.getUint32(at + EPB.capLen, le);
    if (caplen > len - 32) throw this.fail(at, `captured length ${caplen} does not fit in block length ${len}`);
    if (iface.snaplen !== 0 && caplen > iface.snaplen) throw this.fail(at, `captured length ${caplen} exceeds the interface's snaplen ${iface.snaplen}`);
    let ticks = (BigInt(v.getUint32(at + EPB.tsHigh, le)) << 32n) | BigInt(v.getUint32(at + EPB.tsLow, le));
    ticks *= iface.mul;
    if (iface.shift) ticks >>= iface.shift;
    else if (iface.div !== 1n) ticks /= iface.div;
    const d = at + EPB.data;
    const packet: PcapngPacket = {
      interface: iface.global,
      tsNs: ticks + iface.offsetNs,
      data: this.bytes.subarray(d, d + caplen),
      origLen: v.getUint32(at + EPB.origLen, le),
      block: obsolete ? 'pb' : 'epb',
    };
    this.options(at, d + pad4(caplen), at + len - 4, (code, p, n) => {
      if (code === EPB_FLAGS) {
        if (n !== 4) throw this.fail(at, `epb_flags at byte ${p - 4} has length ${n}, expected 4`);
        const flags = v.getUint32(p, le);
        packet.flags = flags;
        if ((flags & 3) === EPB_FLAG_INBOUND) packet.direction = 'in';
        else if ((flags & 3) === EPB_FLAG_OUTBOUND) packet.direction = 'out';
      } else if (code === EPB_PACKETID && !obsolete) {
        if (n !== 8) throw this.fail(at, `epb_packetid at byte ${p - 4} has length ${n}, expected 8`);
        packet.packetId = v.getBigUint64(p, le);
      } else if (code === OPT_COMMENT) {
        packet.comment = packet.comment === undefined ? this.str(p, n) : `${packet.comment}\n${this.str(p, n)}`;
      }
    });
    return packet;
  }

  private readSpb(at: number, len: number): PcapngPacket {
    if (len < 16) throw this.fail(at, `simple packet block length ${len} is less than 16`);
    const iface = this.ifaceFor(at, 0);
    const origLen = this.view.getUint32(at + SPB.origLen, this.le);
    let caplen = Math.min(origLen, len - 16);
    if (iface.snaplen !== 0) caplen = Math.min(caplen, iface.snaplen);
    const d = at + SPB.data;
    return { interface: iface.global, tsNs: this.lastTs, data: this.bytes.subarray(d, d + caplen), origLen, block: 'spb' };
  }
}

/** Reads a whole pcapng file. Throws CaptureError on damage unless `partial` is set. */
export function readPcapng(bytes: Uint8Array, opts: ReadOptions = {}): PcapngFile {
  const r = new PcapngReader(bytes);
  const packets: PcapngPacket[] = [];
  const file: PcapngFile = { format: 'pcapng', sections: r.sections, interfaces: r.interfaces, packets, skippedBlocks: 0 };
  try {
    for (let p = r.next(); p !== null; p = r.next()) packets.push(p);
  } catch (e) {
    if (!opts.partial || !(e instanceof CaptureError)) throw e;
    file.error = e;
  }
  file.skippedBlocks = r.skippedBlocks;
  return file;
}
