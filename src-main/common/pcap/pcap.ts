// Classic libpcap files (draft-ietf-opsawg-pcap; tcpdump's and Wireshark's "pcap").
//
// File header, 24 bytes, in the writer's byte order (we write little-endian, as tcpdump does on x86):
//   off size field
//    0   4   magic          0xa1b2c3d4 (µs timestamps) or 0xa1b23c4d (ns timestamps)
//    4   2   version_major  2
//    6   2   version_minor  4
//    8   4   thiszone       0 (always; readers ignore it)
//   12   4   sigfigs        0
//   16   4   snaplen        longest frame kept per record
//   20   4   linktype       low 16 bits the LINKTYPE_*; bit 26 set = bits 28..31 give the FCS length in 16-bit words
// Record header, 16 bytes, then incl_len bytes of frame:
//    0   4   ts_sec         seconds since 1970-01-01 UTC
//    4   4   ts_frac        micro- or nanoseconds within that second, by the magic
//    8   4   incl_len       bytes stored (caplen), at most snaplen
//   12   4   orig_len       bytes on the wire
// Virtual time is integer nanoseconds from 0; the writers add an epoch offset so virtual 0 lands on a chosen
// wall-clock instant (default 1970-01-01T00:00:00Z).

import { ChunkOut } from './chunk.ts';
import { CaptureError, toBigNs } from './error.ts';
import type { Nanos } from './error.ts';

export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
export const PCAP_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;
export const PCAP_DEFAULT_SNAPLEN = 262144;

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

/** caplen above this is refused whatever the header's snaplen says (a hostile file cannot make us trust 4 GiB). */
export const PCAP_MAX_CAPLEN = 16 * 1024 * 1024;

const HDR = { magic: 0, versionMajor: 4, versionMinor: 6, thiszone: 8, sigfigs: 12, snaplen: 16, linktype: 20 } as const;
const REC = { tsSec: 0, tsFrac: 4, inclLen: 8, origLen: 12 } as const;

export type TsResolution = 'ns' | 'us';

export interface PcapWriterOptions {
  /** LINKTYPE_* of every record; default LINKTYPE_ETHERNET. */
  linktype?: number;
  /** Longest frame stored; longer frames are truncated (orig_len keeps the real length). Default 262144. */
  snaplen?: number;
  /** Timestamp resolution: 'ns' (magic 0xa1b23c4d, the default) or 'us' (0xa1b2c3d4; sub-µs digits are cut). */
  resolution?: TsResolution;
  /** Wall-clock nanoseconds since 1970 that virtual time 0 maps to. Default 0. */
  epochNs?: Nanos;
}

export interface PcapPacketIn {
  /** Virtual time in nanoseconds. */
  tsNs: Nanos;
  data: Uint8Array;
  /** Length on the wire; default data.length. */
  origLen?: number;
}

function u32Option(what: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min || v > 0xffffffff) throw new RangeError(`${what} must be an integer in ${min}..4294967295, got ${v}`);
  return v;
}

/** Splits nanosecond timestamps (virtual time + epoch) into seconds and fractions, exactly, without bigint for numbers. */
class TsSplitter {
  sec = 0;
  frac = 0;
  private readonly eSec: number;
  private readonly eNs: number;
  private readonly epoch: bigint;

  constructor(
    epochNs: Nanos,
    private readonly micro: boolean,
  ) {
    this.epoch = toBigNs('epochNs', epochNs);
    // floor division, so a negative epoch still gives a fraction in 0..1e9-1
    let s = this.epoch / 1_000_000_000n;
    let f = this.epoch % 1_000_000_000n;
    if (f < 0n) {
      f += 1_000_000_000n;
      s -= 1n;
    }
    this.eSec = Number(s);
    this.eNs = Number(f);
  }

  split(ts: Nanos): void {
    let sec: number;
    let ns: number;
    if (typeof ts === 'number' && Number.isSafeInteger(ts)) {
      sec = Math.floor(ts / 1e9);
      ns = ts - sec * 1e9;
      if (ns < 0) {
        ns += 1e9;
        sec -= 1;
      } else if (ns >= 1e9) {
        ns -= 1e9;
        sec += 1;
      }
      sec += this.eSec;
      ns += this.eNs;
      if (ns >= 1e9) {
        ns -= 1e9;
        sec += 1;
      }
    } else {
      const total = toBigNs('timestamp', ts) + this.epoch;
      if (total < 0n || total >= 0x1_0000_0000n * 1_000_000_000n) throw this.range(total);
      sec = Number(total / 1_000_000_000n);
      ns = Number(total % 1_000_000_000n);
    }
    if (sec < 0 || sec > 0xffffffff) throw this.range(BigInt(sec) * 1_000_000_000n + BigInt(ns));
    this.sec = sec;
    this.frac = this.micro ? Math.floor(ns / 1000) : ns;
  }

  private range(total: bigint): RangeError {
    return new RangeError(`timestamp ${total} ns since 1970 is outside what pcap can store (0 .. 2^32 seconds)`);
  }
}

function emitHeader(view: DataView, at: number, magic: number, snaplen: number, linktype: number): void {
  view.setUint32(at + HDR.magic, magic, true);
  view.setUint16(at + HDR.versionMajor, 2, true);
  view.setUint16(at + HDR.versionMinor, 4, true);
  view.setInt32(at + HDR.thiszone, 0, true);
  view.setUint32(at + HDR.sigfigs, 0, true);
  view.setUint32(at + HDR.snaplen, snaplen, true);
  view.setUint32(at + HDR.linktype, linktype, true);
}

/** Streaming pcap writer: `header()` once, then `record()` per frame; concatenate the returned chunks. */
export class PcapWriter {
  readonly linktype: number;
  readonly snaplen: number;
  readonly resolution: TsResolution;
  readonly magic: number;
  private readonly ts: TsSplitter;
  private readonly out = new ChunkOut();

  constructor(opts: PcapWriterOptions = {}) {
    this.linktype = u32Option('linktype', opts.linktype ?? LINKTYPE_ETHERNET, 0);
    this.snaplen = u32Option('snaplen', opts.snaplen ?? PCAP_DEFAULT_SNAPLEN, 1);
    this.resolution = opts.resolution ?? 'ns';
    if (this.resolution !== 'ns' && this.resolution !== 'us') throw new RangeError(`resolution must be 'ns' or 'us', got ${String(this.resolution)}`);
    this.magic = this.resolution === 'ns' ? PCAP_MAGIC_NANO : PCAP_MAGIC_MICRO;
    this.ts = new TsSplitter(opts.epochNs ?? 0, this.resolution === 'us');
  }

  /** The 24-byte file header. */
  header(): Uint8Array {
    const at = this.out.reserve(PCAP_HEADER_LEN);
    emitHeader(this.out.view, at, this.magic, this.snaplen, this.linktype);
    return this.out.buf.subarray(at, at + PCAP_HEADER_LEN);
  }

  /** Writes the 24-byte header into `buf` at `offset`; returns the bytes written. */
  emitHeader(buf: Uint8Array, offset = 0): number {
    checkRoom(buf, offset, PCAP_HEADER_LEN);
    emitHeader(new DataView(buf.buffer, buf.byteOffset, buf.byteLength), offset, this.magic, this.snaplen, this.linktype);
    return PCAP_HEADER_LEN;
  }

  /** Bytes a record of a `frameLen`-byte frame takes (after truncation to snaplen). */
  recordLength(frameLen: number): number {
    return PCAP_RECORD_HEADER_LEN + Math.min(frameLen, this.snaplen);
  }

  /** One record: a 16-byte header and the frame, truncated to snaplen. The view stays valid. */
  record(tsNs: Nanos, frame: Uint8Array, origLen: number = frame.length): Uint8Array {
    const n = this.recordLength(frame.length);
    this.checkRecord(frame, origLen);
    this.ts.split(tsNs); // before reserving, so a bad timestamp leaves no hole
    const at = this.out.reserve(n);
    this.put(this.out.view, this.out.buf, at, frame, origLen);
    return this.out.buf.subarray(at, at + n);
  }

  /** Writes one record into `buf` at `offset`; returns the bytes written. */
  emitRecord(buf: Uint8Array, offset: number, tsNs: Nanos, frame: Uint8Array, origLen: number = frame.length): number {
    const n = this.recordLength(frame.length);
    checkRoom(buf, offset, n);
    this.checkRecord(frame, origLen);
    this.ts.split(tsNs);
    this.put(new DataView(buf.buffer, buf.byteOffset, buf.byteLength), buf, offset, frame, origLen);
    return n;
  }

  /** @internal used by writePcap with one view over the whole output */
  putRecord(view: DataView, buf: Uint8Array, at: number, tsNs: Nanos, frame: Uint8Array, origLen: number): number {
    this.checkRecord(frame, origLen);
    this.ts.split(tsNs);
    return this.put(view, buf, at, frame, origLen);
  }

  private checkRecord(frame: Uint8Array, origLen: number): void {
    if (!Number.isInteger(origLen) || origLen < frame.length || origLen > 0xffffffff) {
      throw new RangeError(`origLen must be an integer from the frame length (${frame.length}) to 4294967295, got ${origLen}`);
    }
  }

  private put(view: DataView, buf: Uint8Array, at: number, frame: Uint8Array, origLen: number): number {
    const caplen = Math.min(frame.length, this.snaplen);
    view.setUint32(at + REC.tsSec, this.ts.sec, true);
    view.setUint32(at + REC.tsFrac, this.ts.frac, true);
    view.setUint32(at + REC.inclLen, caplen, true);
    view.setUint32(at + REC.origLen, origLen, true);
    buf.set(caplen === frame.length ? frame : frame.subarray(0, caplen), at + PCAP_RECORD_HEADER_LEN);
    return PCAP_RECORD_HEADER_LEN + caplen;
  }
}

function checkRoom(buf: Uint8Array, offset: number, need: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + need > buf.length) {
    throw new RangeError(`buffer too small: needs ${need} bytes at offset ${offset}, buffer holds ${buf.length}`);
  }
}

/** A whole pcap file in one exactly-sized allocation. */
export function writePcap(packets: Iterable<PcapPacketIn>, opts: PcapWriterOptions = {}): Uint8Array {
  const w = new PcapWriter(opts);
  const list = Array.isArray(packets) ? (packets as PcapPacketIn[]) : [...packets];
  let size = PCAP_HEADER_LEN;
  for (const p of list) size += w.recordLength(p.data.length);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  emitHeader(view, 0, w.magic, w.snaplen, w.linktype);
  let at = PCAP_HEADER_LEN;
  for (const p of list) at += w.putRecord(view, out, at, p.tsNs, p.data, p.origLen ?? p.data.length);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

export interface PcapHeader {
  byteOrder: 'le' | 'be';
  resolution: TsResolution;
  versionMajor: number;
  versionMinor: number;
  thiszone: number;
  snaplen: number;
  /** LINKTYPE_* (low 16 bits of the header's link type field). */
  linktype: number;
  /** Bytes of FCS at the end of each frame when the header says so (bit 26 of the link type field), else undefined. */
  fcsLength: number | undefined;
}

export interface PcapPacket {
  /** Nanoseconds since 1970 (µs files are scaled up). */
  tsNs: bigint;
  /** The stored bytes: a subarray of the file, not a copy. */
  data: Uint8Array;
  origLen: number;
}

export interface PcapFile extends PcapHeader {
  format: 'pcap';
  packets: PcapPacket[];
  /** With `partial`: the damage that stopped reading (the packets before it are in `packets`). */
  error?: CaptureError;
}

export interface ReadOptions {
  /** Return the packets read up to the damage and the error in `error`, instead of throwing. Default false. */
  partial?: boolean;
}

/** Incremental reader over the bytes of one pcap file: `next()` returns one packet at a time, or null at the end. */
export class PcapReader implements Iterable<PcapPacket> {
  readonly header: PcapHeader;
  /** Byte offset of the next record. */
  offset = PCAP_HEADER_LEN;
  /** Packets returned so far. */
  count = 0;
  private readonly view: DataView;
  private readonly le: boolean;
  private readonly fracScale: bigint;
  private readonly limit: number;

  /** Throws CaptureError if the header is bad. */
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4) throw new CaptureError('pcap', 'header', 0, 0, 0, `truncated file header: ${bytes.length} of ${PCAP_HEADER_LEN} bytes`);
    const magicLe = this.view.getUint32(0, true);
    const magicBe = this.view.getUint32(0, false);
    let le: boolean;
    let resolution: TsResolution;
    if (magicLe === PCAP_MAGIC_MICRO || magicBe === PCAP_MAGIC_MICRO) {
      le = magicLe === PCAP_MAGIC_MICRO;
      resolution = 'us';
    } else if (magicLe === PCAP_MAGIC_NANO || magicBe === PCAP_MAGIC_NANO) {
      le = magicLe === PCAP_MAGIC_NANO;
      resolution = 'ns';
    } else {
      throw new CaptureError('pcap', 'header', 0, 0, 0, `bad magic 0x${magicBe.toString(16).padStart(8, '0')}`);
    }
    if (bytes.length < PCAP_HEADER_LEN) throw new CaptureError('pcap', 'header', 0, 0, 0, `truncated file header: ${bytes.length} of ${PCAP_HEADER_LEN} bytes`);
    const v = this.view;
    const versionMajor = v.getUint16(HDR.versionMajor, le);
    const versionMinor = v.getUint16(HDR.versionMinor, le);
    if (versionMajor !== 2) throw new CaptureError('pcap', 'header', 0, HDR.versionMajor, 0, `unsupported version ${versionMajor}.${versionMinor} (expected 2.x)`);
    const snaplen = v.getUint32(HDR.snaplen, le);
    const ltField = v.getUint32(HDR.linktype, le);
    this.le = le;
    this.fracScale = resolution === 'ns' ? 1n : 1000n;
    // snaplen 0 (some writers) means "no limit": fall back to the absurdity bound
    this.limit = snaplen === 0 || snaplen > PCAP_MAX_CAPLEN ? PCAP_MAX_CAPLEN : snaplen;
    this.header = {
      byteOrder: le ? 'le' : 'be',
      resolution,
      versionMajor,
      versionMinor,
      thiszone: v.getInt32(HDR.thiszone, le),
      snaplen,
      linktype: ltField & 0xffff,
      fcsLength: ltField & 0x04000000 ? ((ltField >>> 28) & 0xf) * 2 : undefined,
    };
  }

  /** The next packet, or null at a clean end of file. Throws CaptureError at damage; the reader then stays put. */
  next(): PcapPacket | null {
    return this.nextWith(makePacket);
  }

  /** Like next(), but builds the packet object with `make` (so callers with their own shape allocate once). */
  nextWith<T>(make: (tsNs: bigint, data: Uint8Array, origLen: number) => T): T | null {
    const at = this.offset;
    const b = this.bytes;
    if (at >= b.length) return null;
    const n = this.count + 1;
    if (at + PCAP_RECORD_HEADER_LEN > b.length) {
      throw new CaptureError('pcap', 'record', n, at, this.count, `truncated record header: ${b.length - at} of ${PCAP_RECORD_HEADER_LEN} bytes`);
    }
    const v = this.view;
    const le = this.le;
    const caplen = v.getUint32(at + REC.inclLen, le);
    if (caplen > this.limit) {
      const why = this.limit === this.header.snaplen ? `caplen ${caplen} exceeds snaplen ${this.header.snaplen}` : `caplen ${caplen} is absurd (limit ${this.limit})`;
      throw new CaptureError('pcap', 'record', n, at, this.count, why);
    }
    const start = at + PCAP_RECORD_HEADER_LEN;
    if (start + caplen > b.length) {
      throw new CaptureError('pcap', 'record', n, at, this.count, `truncated record: caplen ${caplen} but only ${b.length - start} bytes remain`);
    }
    const sec = v.getUint32(at + REC.tsSec, le);
    const frac = v.getUint32(at + REC.tsFrac, le);
    this.offset = start + caplen;
    this.count = n;
    return make(BigInt(sec) * 1_000_000_000n + BigInt(frac) * this.fracScale, b.subarray(start, start + caplen), v.getUint32(at + REC.origLen, le));
  }

  *[Symbol.iterator](): Iterator<PcapPacket> {
    for (let p = this.next(); p !== null; p = this.next()) yield p;
  }
}

const makePacket = (tsNs: bigint, data: Uint8Array, origLen: number): PcapPacket => ({ tsNs, data, origLen });

/** Reads a whole pcap file. Throws CaptureError on damage unless `partial` is set. */
export function readPcap(bytes: Uint8Array, opts: ReadOptions = {}): PcapFile {
  const r = new PcapReader(bytes); // a bad header always throws: there is nothing to return
  const packets: PcapPacket[] = [];
  const file: PcapFile = { format: 'pcap', ...r.header, packets };
  try {
    for (let p = r.next(); p !== null; p = r.next()) packets.push(p);
  } catch (e) {
    if (!opts.partial || !(e instanceof CaptureError)) throw e;
    file.error = e;
  }
  return file;
}
