// A capture's frame index as columns of typed arrays, no object per frame: where each frame's bytes are, its
// times and lengths, and what the first pass worked out across frames (TCP relative numbers, the ICMP request an
// echo reply answers), so the packet list can dissect any page of rows without replaying the frames before it; and
// what simple display filters and the analyses read (protocols present, IPv4 addresses, ports, tcp.stream and
// udp.stream: fast-filter.ts, analysis-index.ts), so they run without a dissection per frame.
// Stored in blocks of BLOCK_FRAMES frames, each block one blob with every column back to back.

/**
 * Frames per stored block (a page of rows reads one or two). Small enough that a cold page's block costs little
 * to read (about 90 bytes a frame), big enough that a million frames are a few hundred rows.
 */
export const BLOCK_FRAMES = 4096;

/** Frame kinds: FAST rows are dissected at view time from the columns; SPECIAL rows were kept whole at import. */
export const KIND_FAST = 0;
export const KIND_SPECIAL = 1;

/** httpKind: what HTTP's first pass made of the frame's TCP payload (0: HTTP did not see it). */
export const HTTP_CONTINUATION = 1;
/** A segment of a longer message, "[TCP segment of a reassembled PDU]". */
export const HTTP_SEGMENT = 2;
/** The first segment of a longer message whose head it holds whole (Info starts with its first line). */
export const HTTP_FIRST_SEGMENT = 3;
/** The segment that completes a message (of httpNeed bytes, from this frame back along httpPrev). */
export const HTTP_COMPLETE = 4;

/** tcpStream of a frame without a TCP analysis. */
export const NO_TCP = -1;

/**
 * protos: which protocols a frame holds, one bit each (the protocol fields a display filter tests), and EXACT when
 * the filter columns (protos, addresses, ports, streams) hold all the frame's values of the fields FILTER_FIELDS
 * names; a frame without it is dissected to be filtered.
 */
export const PROTO_BITS = { eth: 1, vlan: 2, arp: 4, ip: 8, icmp: 16, tcp: 32, udp: 64, vxlan: 128, dns: 256, http: 512 } as const;
export const EXACT = 0x8000;
/** With EXACT: the Source and Destination columns are the last IPv4 header's addresses (no Ethernet header after it). */
export const NAMES_IP = 0x4000;
/** IPv4 headers, and UDP headers, the filter columns hold per frame (VXLAN's outer and inner). */
export const MAX_LAYERS = 2;

type Column = Float64Array | Uint32Array | Int32Array | Int16Array | Uint16Array | Uint8Array;
type ColumnCtor = Float64ArrayConstructor | Uint32ArrayConstructor | Int32ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

/**
 * The columns, in their stored order. A capture file is at most 4 GiB (a typed array's limit where the index was
 * made, and more than an import or a live capture may hold), so offsets are 32-bit; the original length is
 * stored as origLen XOR caplen, zero for a frame captured whole, so for most captures its pages are never
 * written. Each byte a frame takes here is memory the import faults in and writes (origLenOf reads the length).
 */
const COLUMNS = [
  ['offset', Uint32Array],
  ['tsRelNs', Float64Array],
  ['caplen', Uint32Array],
  ['lenXor', Uint32Array],
  ['iface', Uint32Array],
  ['protos', Uint16Array],
  /** ip.src and ip.dst of the first MAX_LAYERS IPv4 headers (ipCount of them), outer first. */
  ['ipSrc0', Uint32Array],
  ['ipDst0', Uint32Array],
  ['ipSrc1', Uint32Array],
  ['ipDst1', Uint32Array],
  /** udp.stream of the first MAX_LAYERS UDP headers (udpCount of them; -1: a header without one, as an ICMP error's). */
  ['udpStream0', Int32Array],
  ['udpStream1', Int32Array],
  ['tcpStream', Int32Array],
  ['tcpSeq', Uint32Array],
  ['tcpAck', Uint32Array],
  ['icmpReq', Uint32Array],
  /** HTTP: the PDU's length (a complete message), and the previous frame of the same PDU (0: none). */
  ['httpNeed', Uint32Array],
  ['httpPrev', Uint32Array],
  /** Window scale as tcp.ts keeps it: -1 unknown, -2 not used, else the shift (the multiplier is 2^shift). */
  ['tcpShift', Int16Array],
  /** Ports: TCP's, and those of the first MAX_LAYERS UDP headers. */
  ['tcpSport', Uint16Array],
  ['tcpDport', Uint16Array],
  ['udpSport0', Uint16Array],
  ['udpDport0', Uint16Array],
  ['udpSport1', Uint16Array],
  ['udpDport1', Uint16Array],
  ['kind', Uint8Array],
  ['ipCount', Uint8Array],
  ['udpCount', Uint8Array],
  ['tcpDir', Uint8Array],
  ['httpKind', Uint8Array],
] as const satisfies readonly (readonly [string, ColumnCtor])[];

type ColumnName = (typeof COLUMNS)[number][0];

const align8 = (n: number) => (n + 7) & ~7;

export interface FrameColumns {
  offset: Uint32Array;
  tsRelNs: Float64Array;
  caplen: Uint32Array;
  lenXor: Uint32Array;
  iface: Uint32Array;
  protos: Uint16Array;
  ipSrc0: Uint32Array;
  ipDst0: Uint32Array;
  ipSrc1: Uint32Array;
  ipDst1: Uint32Array;
  udpStream0: Int32Array;
  udpStream1: Int32Array;
  tcpStream: Int32Array;
  tcpSeq: Uint32Array;
  tcpAck: Uint32Array;
  icmpReq: Uint32Array;
  httpNeed: Uint32Array;
  httpPrev: Uint32Array;
  tcpShift: Int16Array;
  tcpSport: Uint16Array;
  tcpDport: Uint16Array;
  udpSport0: Uint16Array;
  udpDport0: Uint16Array;
  udpSport1: Uint16Array;
  udpDport1: Uint16Array;
  kind: Uint8Array;
  ipCount: Uint8Array;
  udpCount: Uint8Array;
  tcpDir: Uint8Array;
  httpKind: Uint8Array;
}

/** Columns of `count` frames (arrays may be longer while growing). */
export interface FrameIndex extends FrameColumns {
  count: number;
}

/**
 * Every column of `capacity` frames in one buffer. A big buffer is mapped fresh from the system, its pages zero and
 * faulted in only when written; thirty smaller ones come from the allocator's reused memory, which it must zero
 * first, all at once: for a million frames that took 10 to 40 ms before the import's walk could start.
 */
function allocate(capacity: number, shared = false): FrameColumns {
  let size = 0;
  for (const [, Ctor] of COLUMNS) size += align8(capacity * Ctor.BYTES_PER_ELEMENT);
  // (The cast: a union of typed array constructors takes only their common ArrayBuffer overload.)
  const buffer = (shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size)) as ArrayBuffer;
  return columnViews(buffer, 0, capacity, COLUMNS) as FrameColumns;
}

/** Views of `n` frames' columns laid out as `columns` lays them (each 8-byte aligned) in `buffer` from `at` on. */
function columnViews(buffer: ArrayBuffer, at: number, n: number, columns: readonly (readonly [ColumnName, ColumnCtor])[]): Record<ColumnName, Column> {
  const out: Partial<Record<ColumnName, Column>> = {};
  for (const [name, Ctor] of columns) {
    out[name] = new Ctor(buffer, at, n);
    at += align8(n * Ctor.BYTES_PER_ELEMENT);
  }
  return out as Record<ColumnName, Column>;
}

/** Grows by doubling while frames are appended. */
export class FrameIndexBuilder implements FrameIndex {
  count = 0;
  offset!: Uint32Array;
  tsRelNs!: Float64Array;
  caplen!: Uint32Array;
  lenXor!: Uint32Array;
  iface!: Uint32Array;
  protos!: Uint16Array;
  ipSrc0!: Uint32Array;
  ipDst0!: Uint32Array;
  ipSrc1!: Uint32Array;
  ipDst1!: Uint32Array;
  udpStream0!: Int32Array;
  udpStream1!: Int32Array;
  tcpStream!: Int32Array;
  tcpSeq!: Uint32Array;
  tcpAck!: Uint32Array;
  icmpReq!: Uint32Array;
  httpNeed!: Uint32Array;
  httpPrev!: Uint32Array;
  tcpShift!: Int16Array;
  tcpSport!: Uint16Array;
  tcpDport!: Uint16Array;
  udpSport0!: Uint16Array;
  udpDport0!: Uint16Array;
  udpSport1!: Uint16Array;
  udpDport1!: Uint16Array;
  kind!: Uint8Array;
  ipCount!: Uint8Array;
  udpCount!: Uint8Array;
  tcpDir!: Uint8Array;
  httpKind!: Uint8Array;

  /** Columns on SharedArrayBuffers, which a worker thread writes too (store/walk-worker.ts). */
  readonly shared: boolean;

  /**
   * Every column starts zero, and nothing is filled here: tcpStream's NO_TCP is written by the walk of each frame
   * (first-pass-walk.ts), and a udp.stream column holds a value only where udpCount says its UDP header is.
   */
  constructor(capacity = 1024, shared = false) {
    this.shared = shared;
    Object.assign(this, allocate(Math.max(16, capacity), shared));
  }

  /**
   * Appends frame `count` (zeroed analysis columns) and returns its index. Only what every frame
   * has is written here: the first pass writes what a frame holds, and a column it leaves keeps its empty value.
   */
  add(offset: number, tsRelNs: number, caplen: number, origLen: number, iface: number): number {
    const i = this.count;
    if (i === this.offset.length) this.#grow(i * 2);
    this.offset[i] = offset;
    this.tsRelNs[i] = tsRelNs;
    this.caplen[i] = caplen;
    if (origLen !== caplen) this.lenXor[i] = origLen ^ caplen;
    this.iface[i] = iface;
    this.count = i + 1;
    return i;
  }

  /** Frames the columns have room for. */
  get capacity(): number {
    return this.offset.length;
  }

  /** Room for `capacity` frames (the columns copied into longer ones; never shorter). */
  reserve(capacity: number): void {
    if (capacity > this.offset.length) this.#grow(capacity);
  }

  #grow(capacity: number): void {
    const next = allocate(capacity, this.shared);
    for (const [name] of COLUMNS) (next[name] as Column).set(this[name] as Column);
    Object.assign(this, next);
  }
}

/** Frame `i`'s length on the wire. */
export function origLenOf(ix: Pick<FrameColumns, 'caplen' | 'lenXor'>, i: number): number {
  return (ix.lenXor[i]! ^ ix.caplen[i]!) >>> 0;
}

/** An empty index (a capture of no frames). */
export function emptyIndex(): FrameIndex {
  return new FrameIndexBuilder(16);
}

/** Bytes of one block of `n` frames (in the layout of `columns`). */
function blockSize(n: number, columns: readonly (readonly [ColumnName, ColumnCtor])[] = COLUMNS): number {
  let size = 0;
  for (const [, Ctor] of columns) size += align8(n * Ctor.BYTES_PER_ELEMENT);
  return size;
}

/**
 * The columns as a library written before the present layout stores them: offsets as 64-bit floats, the original
 * length itself where lenXor is now, and the protocol bits in 32 bits with EXACT and NAMES_IP at the top. Such a
 * block (told apart by its size) is read and converted, so the library's captures open as they did.
 */
const V1_COLUMNS: readonly (readonly [ColumnName, ColumnCtor])[] = COLUMNS.map(([name, Ctor]) => [name, name === 'offset' ? Float64Array : name === 'protos' ? Uint32Array : Ctor]);
const V1_EXACT = 0x8000_0000;
const V1_NAMES_IP = 0x4000_0000;

function decodeV1Block(blob: Uint8Array, n: number): FrameIndex {
  const buf = new ArrayBuffer(blob.length);
  new Uint8Array(buf).set(blob);
  const out = allocate(n);
  const v1 = columnViews(buf, 0, n, V1_COLUMNS);
  for (const [name] of V1_COLUMNS) {
    const col = v1[name];
    if (name === 'protos') for (let i = 0; i < n; i++) out.protos[i] = (col[i]! & 0x3fff) | (col[i]! & V1_EXACT ? EXACT : 0) | (col[i]! & V1_NAMES_IP ? NAMES_IP : 0);
    else (out[name] as Column).set(col);
  }
  // The original lengths were stored as they are.
  for (let i = 0; i < n; i++) out.lenXor[i] = (out.lenXor[i]! ^ out.caplen[i]!) >>> 0;
  return { ...out, count: n };
}

/** Block `seq` (frames seq*BLOCK_FRAMES ..) as one blob. */
export function encodeBlock(index: FrameIndex, seq: number): Uint8Array {
  const from = seq * BLOCK_FRAMES;
  const n = Math.min(BLOCK_FRAMES, index.count - from);
  const out = new Uint8Array(blockSize(n));
  let at = 0;
  for (const [name, Ctor] of COLUMNS) {
    const col = index[name] as Column;
    const bytes = n * Ctor.BYTES_PER_ELEMENT;
    out.set(new Uint8Array(col.buffer, col.byteOffset + from * Ctor.BYTES_PER_ELEMENT, bytes), at);
    at += align8(bytes);
  }
  return out;
}

/** How many blocks an index of `count` frames is stored in. */
export function blockCount(count: number): number {
  return Math.ceil(count / BLOCK_FRAMES);
}

/** One stored block back as columns of `n` frames: views of the blob when it is 8-byte aligned, else of a copy. */
export function decodeBlock(blob: Uint8Array, n: number): FrameIndex {
  if (blob.length === blockSize(n, V1_COLUMNS)) return decodeV1Block(blob, n);
  if (blob.length !== blockSize(n)) throw new Error(`a frame index block of ${n} frames has ${blob.length} bytes, expected ${blockSize(n)}`);
  let buf: ArrayBuffer;
  let at = 0;
  if (blob.byteOffset % 8 === 0) {
    buf = blob.buffer as ArrayBuffer;
    at = blob.byteOffset;
  } else {
    buf = new ArrayBuffer(blob.length);
    new Uint8Array(buf).set(blob);
  }
  return { ...(columnViews(buf, at, n, COLUMNS) as FrameColumns), count: n };
}

/** Blocks decoded in order, joined into one index. */
export function joinBlocks(blocks: readonly FrameIndex[]): FrameIndex {
  let count = 0;
  for (const b of blocks) count += b.count;
  const out = allocate(count);
  let at = 0;
  for (const b of blocks) {
    for (const [name] of COLUMNS) (out[name] as Column).set((b[name] as Column).subarray(0, b.count), at);
    at += b.count;
  }
  return { ...out, count };
}
