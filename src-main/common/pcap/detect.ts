// One entry point for imported captures: tells pcap from pcapng by the first four bytes and returns one shape.
// A pcap file becomes one interface (index 0) carrying the file's link type and snaplen.

import { CaptureError } from './error.ts';
import type { CaptureFormat } from './error.ts';
import { PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO, PcapReader } from './pcap.ts';
import type { PcapHeader, ReadOptions } from './pcap.ts';
import { BT_SHB, readPcapng } from './pcapng.ts';
import type { Direction, PcapngInterface } from './pcapng.ts';

export interface CaptureInterface {
  linktype: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Bytes of FCS at the end of each frame, when the file says. */
  fcsLength?: number;
}

export interface CapturePacket {
  /** Index into `interfaces`. */
  interface: number;
  /** Nanoseconds since 1970. */
  tsNs: bigint;
  /** Stored bytes: a subarray of the file, not a copy. */
  data: Uint8Array;
  origLen: number;
  flags?: number;
  direction?: Direction;
  packetId?: bigint;
  comment?: string;
}

export interface Capture {
  format: CaptureFormat;
  /** pcap: 'le'/'be' of the file; pcapng: of its first section. */
  byteOrder: 'le' | 'be';
  interfaces: CaptureInterface[];
  packets: CapturePacket[];
  /** With `partial`: the damage that stopped reading; `packets` holds what came before it. */
  error?: CaptureError;
}

const makePacket = (tsNs: bigint, data: Uint8Array, origLen: number): CapturePacket => ({ interface: 0, tsNs, data, origLen });

/** Which format the bytes claim to be by their magic, or null. */
export function detectFormat(bytes: Uint8Array): CaptureFormat | null {
  if (bytes.length < 4) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const le = v.getUint32(0, true);
  const be = v.getUint32(0, false);
  if (le === BT_SHB) return 'pcapng';
  for (const m of [PCAP_MAGIC_MICRO, PCAP_MAGIC_NANO]) if (le === m || be === m) return 'pcap';
  return null;
}

/** The one interface of a classic pcap file, as readCapture gives it. */
export function pcapInterfaceOf(h: PcapHeader): CaptureInterface {
  const iface: CaptureInterface = { linktype: h.linktype, snaplen: h.snaplen };
  if (h.fcsLength !== undefined) iface.fcsLength = h.fcsLength;
  return iface;
}

/** A pcapng interface, as readCapture gives it. */
export function captureInterfaceOf(i: PcapngInterface): CaptureInterface {
  const o: CaptureInterface = { linktype: i.linktype, snaplen: i.snaplen };
  if (i.name !== undefined) o.name = i.name;
  if (i.description !== undefined) o.description = i.description;
  if (i.fcsLength !== undefined) o.fcsLength = i.fcsLength;
  return o;
}

/** Reads a pcap or pcapng file into one normalized shape. Throws CaptureError (also for anything else). */
export function readCapture(bytes: Uint8Array, opts: ReadOptions = {}): Capture {
  const format = detectFormat(bytes);
  if (format === 'pcap') {
    const r = new PcapReader(bytes);
    const h = r.header;
    const packets: CapturePacket[] = [];
    const c: Capture = { format, byteOrder: h.byteOrder, interfaces: [pcapInterfaceOf(h)], packets };
    try {
      for (let p = r.nextWith(makePacket); p !== null; p = r.nextWith(makePacket)) packets.push(p);
    } catch (e) {
      if (!opts.partial || !(e instanceof CaptureError)) throw e;
      c.error = e;
    }
    return c;
  }
  if (format === 'pcapng') {
    const f = readPcapng(bytes, opts);
    const interfaces = f.interfaces.map(captureInterfaceOf);
    // PcapngPacket is a CapturePacket plus `block`; hand the same objects out
    const c: Capture = { format, byteOrder: f.sections[0]?.byteOrder ?? 'le', interfaces, packets: f.packets };
    if (f.error) c.error = f.error;
    return c;
  }
  const first = Array.from(bytes.subarray(0, 4), (x) => x.toString(16).padStart(2, '0')).join('');
  const what = bytes.length < 4 ? `the file has only ${bytes.length} byte${bytes.length === 1 ? '' : 's'}` : `the first 4 bytes are 0x${first}`;
  throw new CaptureError('unknown', 'header', 0, 0, 0, `not a pcap or pcapng file: ${what}`);
}
