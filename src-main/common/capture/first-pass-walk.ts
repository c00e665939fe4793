// The first pass's walk over one frame's raw bytes, with no state across frames: the half of the import that can
// run apart from the other, so a worker thread walks a big file while the main thread runs the stateful half on
// the frames walked so far (store/walk-worker.ts). It follows the dissectors' path through Ethernet/802.1Q, IPv4, UDP, VXLAN (inner Ethernet),
// ICMP and TCP and writes what it found into the index's columns:
//
// - the display filter columns (protocols, IPv4 addresses, UDP and TCP ports), with EXACT when they hold all of
//   the frame's values of those fields;
// - in scratch, what the stateful half (first-pass.ts) needs to finish the frame, in columns that half overwrites
//   with their final values: the frame's OP_* in httpKind, TCP's flags in tcpDir, its raw sequence and
//   acknowledgement numbers in tcpSeq and tcpAck, its window scale option in tcpShift, an echo's id and sequence in
//   icmpReq, and where HTTP's payload starts and ends (offsets into the bytes walked) in httpNeed and httpPrev;
// - OP_DISSECT for a frame it is not sure of (IPv4 fragments, payload on a port another dissector claims, link
//   types other than Ethernet, frames cut short by the snaplen, more headers than the columns hold), which the
//   stateful half gives to the full dissector; such a frame's columns are left untouched but for tcp.stream's
//   "none", which the walk writes for every frame but TCP's (the index does not fill a column ahead).
// A frame it stops at as malformed keeps the columns up to there, without EXACT.
//
// The functions here are self-contained (no imported or module-level binding inside them, their constants written
// out), because store/walk-worker.ts builds its worker from their source text. The values they write are the
// constants of frame-index.ts; first-pass-walk.test.ts holds the two together.

import type { FrameColumns } from './frame-index.ts';

/** Per key of a dissector table, what the walk makes of it (first-pass.ts builds the tables). */
export const WALK_UNKNOWN = 0;
export const WALK_NONE = 1;
export const WALK_KNOWN = 2;
export const WALK_VXLAN = 3;
export const WALK_STATELESS = 4;

/** What the stateful half does with a frame (the walk's scratch value of httpKind). */
export const OP_NONE = 0;
export const OP_TCP = 1;
/** TCP with payload on a port HTTP's dissector takes. */
export const OP_TCP_HTTP = 2;
export const OP_ECHO_REQUEST = 3;
export const OP_ECHO_REPLY = 4;
export const OP_DISSECT = 5;

/** The dissector tables as the walk reads them: WALK_* per ethertype, IP protocol, UDP port and TCP port. */
export interface WalkTables {
  readonly ether: Uint8Array;
  readonly proto: Uint8Array;
  readonly udp: Uint8Array;
  readonly tcp: Uint8Array;
}

/** The index columns the walk writes (FrameIndexBuilder has them all): what a worker is handed of an index. */
export const WALK_COLUMNS = [
  'offset',
  'iface',
  'tsRelNs',
  'caplen',
  'lenXor',
  'protos',
  'ipSrc0',
  'ipDst0',
  'ipSrc1',
  'ipDst1',
  'tcpSeq',
  'tcpAck',
  'icmpReq',
  'tcpStream',
  'httpNeed',
  'httpPrev',
  'tcpShift',
  'tcpSport',
  'tcpDport',
  'udpSport0',
  'udpDport0',
  'udpSport1',
  'udpDport1',
  'ipCount',
  'udpCount',
  'tcpDir',
  'httpKind',
] as const satisfies readonly (keyof FrameColumns)[];

export type WalkColumns = Pick<FrameColumns, (typeof WALK_COLUMNS)[number]>;

/**
 * Walks frame `i`, its bytes `d[start, end)` of `origLen` bytes on the wire, and writes its columns (all but the
 * record's own: offset, times, lengths). Only columns of what the frame holds are written: the others keep the
 * empty values the index starts with.
 */
export function walkFrame(d: Uint8Array, start: number, end: number, origLen: number, linktype: number, i: number, t: WalkTables, c: WalkColumns): void {
  // WALK_* and OP_* above; frame-index.ts's PROTO_BITS, EXACT, NAMES_IP and MAX_LAYERS (2).
  const UNKNOWN = 0;
  const NONE = 1;
  const KNOWN = 2;
  const VXLAN = 3;
  const STATELESS = 4;
  const P_ETH = 1;
  const P_VLAN = 2;
  const P_ARP = 4;
  const P_IP = 8;
  const P_ICMP = 16;
  const P_TCP = 32;
  const P_UDP = 64;
  const P_VXLAN = 128;
  const P_DNS = 256;
  const EXACT = 0x8000;
  const NAMES_IP = 0x4000;
  /** VXLAN in VXLAN deeper than this is left to the dissector. */
  const MAX_DEPTH = 4;

  // tcp.stream: none (NO_TCP), unless the frame is TCP the stateful half numbers, or the dissector's frame
  // (OP_DISSECT) whose analysis it writes over this.
  if (linktype !== 1 || origLen > end - start) {
    c.httpKind[i] = 5; // OP_DISSECT
    c.tcpStream[i] = -1;
    return;
  }
  let protos = 0;
  let exact = true;
  let unsure = false;
  let namesIp = false;
  // Up to two IPv4 headers and two UDP headers (UDP header k is always in IPv4 header k: a second IPv4 header
  // comes only from VXLAN, inside the first UDP header).
  let nIp = 0;
  let src0 = 0;
  let dst0 = 0;
  let src1 = 0;
  let dst1 = 0;
  let nUdp = 0;
  let usp0 = 0;
  let udp0 = 0;
  let usp1 = 0;
  let udp1 = 0;
  let op = 0;
  let sp = 0;
  let dp = 0;
  let seq = 0;
  let ack = 0;
  let flags = 0;
  let shift = -1;
  let ps = 0;
  let pe = 0;

  let s = start;
  let e = end;
  let depth = 0;
  // One Ethernet header per round: VXLAN's inner frame is the next round, over the UDP payload.
  for (;;) {
    if (e - s < 14) {
      exact = false;
      break;
    }
    protos |= P_ETH;
    namesIp = false;
    let type = (d[s + 12]! << 8) | d[s + 13]!;
    let o = s + 14;
    if (type === 0x8100) {
      if (e - s < 18) {
        exact = false;
        break;
      }
      protos |= P_VLAN;
      type = (d[o + 2]! << 8) | d[o + 3]!;
      o += 4;
    }
    const ek = t.ether[type]!;
    if (ek === UNKNOWN) {
      unsure = true;
      break;
    }
    if (ek === STATELESS) {
      // ARP: its protocol field is there when its header reads as arp.ts's ArpView.check reads it.
      const n = e - o;
      if (n >= 8 && ((d[o]! << 8) | d[o + 1]!) === 1 && ((d[o + 2]! << 8) | d[o + 3]!) === 0x0800 && d[o + 4] === 6 && d[o + 5] === 4 && n >= 28) protos |= P_ARP;
      else exact = false;
      break;
    }
    if (ek !== KNOWN) break;

    // IPv4
    const len = e - o;
    if (len < 20) {
      exact = false;
      break;
    }
    const b0 = d[o]!;
    const hl = (b0 & 0x0f) * 4;
    if (b0 >>> 4 !== 4 || hl < 20 || len < hl) {
      exact = false;
      break;
    }
    const total = (d[o + 2]! << 8) | d[o + 3]!;
    if (total < hl || total > len) {
      exact = false;
      break;
    }
    // A fragment: reassembly is the dissector's.
    if ((((d[o + 6]! << 8) | d[o + 7]!) & 0x3fff) !== 0) {
      unsure = true;
      break;
    }
    const proto = d[o + 9]!;
    const pk = t.proto[proto]!;
    if (pk === UNKNOWN) {
      unsure = true;
      break;
    }
    const src = ((d[o + 12]! << 24) | (d[o + 13]! << 16) | (d[o + 14]! << 8) | d[o + 15]!) >>> 0;
    const dst = ((d[o + 16]! << 24) | (d[o + 17]! << 16) | (d[o + 18]! << 8) | d[o + 19]!) >>> 0;
    protos |= P_IP;
    // More headers than the columns hold: the dissector's frame (the UDP inside needs this header's addresses).
    if (nIp === 2) {
      unsure = true;
      break;
    }
    if (nIp === 0) {
      src0 = src;
      dst0 = dst;
    } else {
      src1 = src;
      dst1 = dst;
    }
    nIp++;
    namesIp = true;
    // IGMP, ESP, ICMPv6: their fields are the dissector's to tell.
    if (pk !== KNOWN) {
      if (pk !== NONE) exact = false;
      break;
    }
    const a = o + hl;
    const z = o + total;

    if (proto === 1) {
      // ICMP: errors quote a datagram the dissector reads without touching its tables; other types keep no state.
      if (z - a < 4) {
        exact = false;
        break;
      }
      protos |= P_ICMP;
      const type = d[a]!;
      if (type !== 0 && type !== 8) {
        exact = false;
        break;
      }
      if (z - a < 8 || op !== 0) {
        unsure = true;
        break;
      }
      op = type === 8 ? 3 : 4; // OP_ECHO_REQUEST, OP_ECHO_REPLY
      sp = (d[a + 4]! << 8) | d[a + 5]!;
      dp = (d[a + 6]! << 8) | d[a + 7]!;
      break;
    }

    if (proto === 6) {
      // TCP
      if (z - a < 20) {
        exact = false;
        break;
      }
      protos |= P_TCP;
      const thl = (d[a + 12]! >>> 4) * 4;
      if (thl < 20 || z - a < thl) {
        exact = false;
        break;
      }
      // The options as wire/tcp.ts parseOptions reads them: a bad one stops the dissector before its analysis.
      let sh = -1;
      let bad = false;
      const oe = a + thl;
      for (let k = a + 20; k < oe; ) {
        const kind = d[k]!;
        if (kind === 0) break;
        if (kind === 1) {
          k++;
          continue;
        }
        if (k + 1 >= oe) {
          bad = true;
          break;
        }
        const l = d[k + 1]!;
        if (l < 2 || k + l > oe) {
          bad = true;
          break;
        }
        // Kinds of a fixed length (MSS 4, window scale 3, SACK permitted 2, timestamps 10); SACK blocks of 8.
        const fixed = kind === 2 ? 4 : kind === 3 ? 3 : kind === 4 ? 2 : kind === 8 ? 10 : -1;
        if ((fixed >= 0 && l !== fixed) || (kind === 5 && ((l - 2) % 8 !== 0 || l === 2))) {
          bad = true;
          break;
        }
        if (kind === 3) sh = d[k + 2]!;
        k += l;
      }
      if (bad) {
        exact = false;
        break;
      }
      const tsp = (d[a]! << 8) | d[a + 1]!;
      const tdp = (d[a + 2]! << 8) | d[a + 3]!;
      if (op !== 0) {
        unsure = true;
        break;
      }
      op = 1; // OP_TCP
      // Payload on a port a dissector claims: HTTP's the stateful half follows (the lower port first, as callPorts).
      if (z > oe) {
        let k = t.tcp[tsp < tdp ? tsp : tdp]!;
        if (k === NONE) k = t.tcp[tsp < tdp ? tdp : tsp]!;
        if (k === UNKNOWN) {
          unsure = true;
          break;
        }
        if (k === KNOWN) op = 2; // OP_TCP_HTTP
        ps = oe;
        pe = z;
      }
      sp = tsp;
      dp = tdp;
      seq = ((d[a + 4]! << 24) | (d[a + 5]! << 16) | (d[a + 6]! << 8) | d[a + 7]!) >>> 0;
      ack = ((d[a + 8]! << 24) | (d[a + 9]! << 16) | (d[a + 10]! << 8) | d[a + 11]!) >>> 0;
      flags = d[a + 13]! & 0x17; // FIN, SYN, RST, ACK
      shift = sh;
      break;
    }

    // UDP
    if (z - a < 8) {
      exact = false;
      break;
    }
    const usp = (d[a]! << 8) | d[a + 1]!;
    const udp = (d[a + 2]! << 8) | d[a + 3]!;
    const ulen = (d[a + 4]! << 8) | d[a + 5]!;
    if (ulen < 8 || a + ulen > z) {
      exact = false;
      break;
    }
    protos |= P_UDP;
    if (nUdp === 2) {
      unsure = true;
      break;
    }
    if (nUdp === 0) {
      usp0 = usp;
      udp0 = udp;
    } else {
      usp1 = usp;
      udp1 = udp;
    }
    nUdp++;
    const upe = a + ulen;
    if (upe <= a + 8) break;
    // The lower port's dissector first, as callPorts.
    let k = t.udp[usp < udp ? usp : udp]!;
    if (k === NONE) k = t.udp[usp < udp ? udp : usp]!;
    if (k === UNKNOWN) {
      unsure = true;
      break;
    }
    if (k === VXLAN) {
      const v = a + 8;
      if (upe - v < 8) {
        exact = false;
        break;
      }
      protos |= P_VXLAN;
      if (upe === v + 8) break;
      if (depth >= MAX_DEPTH) {
        unsure = true;
        break;
      }
      depth++;
      s = v + 8;
      e = upe;
      continue;
    }
    if (k === STATELESS) {
      // DNS: its protocol field is there once its header is.
      if (upe - a - 8 < 12) exact = false;
      else protos |= P_DNS;
      break;
    }
    exact = false; // a payload no port claims: the heuristics' to take (DNS's)
    break;
  }

  if (unsure) {
    c.httpKind[i] = 5; // OP_DISSECT
    c.tcpStream[i] = -1;
    return;
  }
  // A frame's columns start empty and each is written once: only what the frame holds is stored, as writing every
  // column of every frame costs more in memory traffic than the walk.
  if (nIp > 0) {
    c.ipCount[i] = nIp;
    c.ipSrc0[i] = src0;
    c.ipDst0[i] = dst0;
    if (nIp > 1) {
      c.ipSrc1[i] = src1;
      c.ipDst1[i] = dst1;
    }
  }
  if (nUdp > 0) {
    c.udpCount[i] = nUdp;
    c.udpSport0[i] = usp0;
    c.udpDport0[i] = udp0;
    if (nUdp > 1) {
      c.udpSport1[i] = usp1;
      c.udpDport1[i] = udp1;
    }
  }
  if (op !== 0) {
    c.httpKind[i] = op;
    if (op <= 2) {
      c.tcpSport[i] = sp;
      c.tcpDport[i] = dp;
      c.tcpSeq[i] = seq;
      c.tcpAck[i] = ack;
      c.tcpDir[i] = flags;
      c.tcpShift[i] = shift;
      if (op === 2) {
        c.httpNeed[i] = ps;
        c.httpPrev[i] = pe;
      }
    } else {
      c.icmpReq[i] = ((sp << 16) | dp) >>> 0;
      c.tcpStream[i] = -1;
    }
  } else c.tcpStream[i] = -1;
  c.protos[i] = exact ? (protos | EXACT | (namesIp ? NAMES_IP : 0)) >>> 0 : protos;
}

/** A run of classic pcap records to walk. */
export interface PcapWalk {
  readonly bytes: Uint8Array;
  /** Where the first record's header starts in `bytes`. */
  readonly at: number;
  /** The first record's frame number (0-based), and how many records at most to walk (the columns' room). */
  readonly first: number;
  readonly max: number;
  readonly littleEndian: boolean;
  /** 1 for nanosecond timestamps, 1000 for microseconds. */
  readonly scale: number;
  /** The file's first timestamp (seconds and fraction), from which tsRelNs counts. */
  readonly sec0: number;
  readonly frac0: number;
  readonly linktype: number;
  /** The largest captured length a record may have (PcapReader's limit). */
  readonly caplenLimit: number;
}

/** Where a walk stopped: the frame number and byte after the last record walked; damaged at a bad record. */
export interface PcapWalked {
  readonly next: number;
  readonly at: number;
  /** The largest tsRelNs met (records need not be in time order). */
  readonly maxRel: number;
  readonly damaged: boolean;
}

/**
 * Walks records from `job.at` to the end of the bytes, or `job.max` of them: each record's columns, then
 * walkFrame. A record whose header is cut short, or whose captured length is over the limit or past the end, is
 * damage, as PcapReader reads it: the walk stops before it.
 */
export function walkPcapRecords(job: PcapWalk, t: WalkTables, c: WalkColumns): PcapWalked {
  const d = job.bytes;
  const n = d.length;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const le = job.littleEndian;
  const scale = job.scale;
  const sec0 = job.sec0;
  const frac0 = job.frac0;
  const linktype = job.linktype;
  const limit = job.caplenLimit;
  const offset = c.offset;
  const tsRelNs = c.tsRelNs;
  const caplens = c.caplen;
  const lenXors = c.lenXor;
  let at = job.at;
  let maxRel = 0;
  let i = job.first;
  const last = job.first + job.max;
  let caplen = at + 16 <= n ? view.getUint32(at + 8, le) : 0;
  for (; i < last && at < n; i++) {
    const start = at + 16;
    if (start > n) return { next: i, at, maxRel, damaged: true };
    if (caplen > limit || start + caplen > n) return { next: i, at, maxRel, damaged: true };
    // The next record's length, read a round early: records are a chain no prefetcher follows, so its header is
    // usually on a line not loaded yet, and this frame's walk below runs while that line comes from memory.
    const next = start + caplen;
    const nextCaplen = next + 16 <= n ? view.getUint32(next + 8, le) : 0;
    const sec = view.getUint32(at, le);
    const frac = view.getUint32(at + 4, le);
    const origLen = view.getUint32(at + 12, le);
    const rel = (sec - sec0) * 1e9 + (frac - frac0) * scale;
    if (rel > maxRel) maxRel = rel;
    offset[i] = start;
    tsRelNs[i] = rel;
    caplens[i] = caplen;
    if (origLen !== caplen) lenXors[i] = origLen ^ caplen;
    walkFrame(d, start, next, origLen, linktype, i, t, c);
    at = next;
    caplen = nextCaplen;
  }
  return { next: i, at, maxRel, damaged: false };
}

/** A run of pcapng Enhanced Packet Blocks to walk, in one section whose interfaces all count time alike. */
export interface PcapngWalk {
  readonly bytes: Uint8Array;
  /** Where the first block starts in `bytes`. */
  readonly at: number;
  readonly first: number;
  readonly max: number;
  readonly littleEndian: boolean;
  /** Per interface id of the section: its link type, snaplen (0: none) and index among the file's interfaces. */
  readonly linktypes: readonly number[];
  readonly snaplens: readonly number[];
  readonly globals: readonly number[];
  /** Nanoseconds per timestamp unit (1000 for if_tsresol 6, 1 for 9). */
  readonly unitNs: number;
  /** The first packet's timestamp in those units, split as the block stores it. */
  readonly tsHigh0: number;
  readonly tsLow0: number;
}

/** Where a pcapng walk stopped: before `at`, a block it leaves to PcapngReader (any but a plain EPB), or the end. */
export interface PcapngWalked {
  readonly next: number;
  readonly at: number;
  readonly maxRel: number;
}

/**
 * Walks Enhanced Packet Blocks from `job.at` while they are plain: whole, of the section's interfaces, within the
 * snaplen, without options (a block with options, or any other block, is PcapngReader's to read and check: the
 * walk stops there, and a damaged block is the reader's to refuse). Each frame's record columns, then walkFrame.
 */
export function walkPcapngEpbs(job: PcapngWalk, t: WalkTables, c: WalkColumns): PcapngWalked {
  const d = job.bytes;
  const n = d.length;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const le = job.littleEndian;
  const linktypes = job.linktypes;
  const snaplens = job.snaplens;
  const globals = job.globals;
  const ids = linktypes.length;
  const unit = job.unitNs;
  const offset = c.offset;
  const tsRelNs = c.tsRelNs;
  const caplens = c.caplen;
  const lenXors = c.lenXor;
  const ifaceCol = c.iface;
  const hi0 = job.tsHigh0;
  const lo0 = job.tsLow0;
  let at = job.at;
  let maxRel = 0;
  let i = job.first;
  const last = job.first + job.max;
  for (; i < last && at + 32 <= n; i++) {
    // EPB: type 6, length, interface id, timestamp high and low, captured and original lengths, data, length.
    if (view.getUint32(at, le) !== 6) break;
    const len = view.getUint32(at + 4, le);
    const caplen = view.getUint32(at + 20, le);
    if (len !== 32 + ((caplen + 3) & ~3) || at + len > n || view.getUint32(at + len - 4, le) !== len) break;
    const id = view.getUint32(at + 8, le);
    if (id >= ids) break;
    const snaplen = snaplens[id]!;
    if (snaplen !== 0 && caplen > snaplen) break;
    const rel = ((view.getUint32(at + 12, le) - hi0) * 4294967296 + (view.getUint32(at + 16, le) - lo0)) * unit;
    if (rel > maxRel) maxRel = rel;
    const origLen = view.getUint32(at + 24, le);
    const start = at + 28;
    offset[i] = start;
    tsRelNs[i] = rel;
    caplens[i] = caplen;
    if (origLen !== caplen) lenXors[i] = origLen ^ caplen;
    ifaceCol[i] = globals[id]!;
    walkFrame(d, start, start + caplen, origLen, linktypes[id]!, i, t, c);
    at += len;
  }
  return { next: i, at, maxRel };
}

/** Where a walk run elsewhere ended: as walkPcapRecords's result, or lost (nothing written past `next` is to be trusted). */
export interface WalkedElsewhere extends PcapWalked {
  readonly lost: boolean;
}

/**
 * Walks records on another thread (store/walk-worker.ts), the bytes and columns on SharedArrayBuffers, while
 * `onFrames(from, to)` is called on this one for each run of frames it has written, in order.
 */
export interface PcapWalker {
  /** Whether it can take a walk now. */
  ready(): boolean;
  walk(job: PcapWalk, tables: WalkTables, columns: WalkColumns, onFrames: (from: number, to: number) => void): WalkedElsewhere;
  /** walkPcapngEpbs's walk, run by run until a block it leaves to the reader, the end, or the columns' room. */
  walkPcapng(job: PcapngWalk, tables: WalkTables, columns: WalkColumns, onFrames: (from: number, to: number) => void): WalkedElsewhere;
}
