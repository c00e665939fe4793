// TCP reassembly for "Follow TCP stream": each direction's bytes put back in sequence order, as Wireshark's follow
// does. A segment wholly below what was delivered is a retransmission and is dropped; one that overlaps gives
// only its new bytes (the first copy wins); one above is held until the bytes before it come. When the other
// side acknowledges past a hole, or the stream ends, the capture has lost those bytes: the hole becomes a gap of
// that many bytes and what was held is delivered after it. Sequence numbers are compared modulo 2^32.

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const ACK = 0x10;

export type Direction = 0 | 1;

/** One segment as the capture holds it. */
export interface TcpSegment {
  frame: number;
  /** Seconds since the capture's first frame. */
  time: number;
  dir: Direction;
  /** Raw 32-bit sequence and acknowledgment numbers. */
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}

/** Delivered bytes of one direction (`data`), or a hole of `missing` bytes; `offset` is where in its direction. */
export type Piece =
  | { kind: 'data'; dir: Direction; frame: number; time: number; offset: number; data: Uint8Array }
  | { kind: 'gap'; dir: Direction; frame: number; time: number; offset: number; missing: number };

/** What happened to a segment with payload (for the tests, and a count in the view). */
export type SegmentFate = 'in-order' | 'out-of-order' | 'retransmission' | 'overlap';

interface Held {
  offset: number;
  frame: number;
  time: number;
  data: Uint8Array;
}

interface Side {
  /** Raw sequence number of the direction's first payload byte (ISN + 1), once known. */
  base: number | undefined;
  /** Offset of the next byte to deliver. */
  next: number;
  /** Segments above `next`, sorted by offset. */
  held: Held[];
  /** Offset just past the FIN, when one was seen. */
  finAt: number | undefined;
}

/** Signed distance from `b` to `a` in sequence space (wraps at 2^32). */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpReassembler {
  readonly pieces: Piece[] = [];
  readonly fates = new Map<number, SegmentFate>();
  readonly #sides: [Side, Side] = [
    { base: undefined, next: 0, held: [], finAt: undefined },
    { base: undefined, next: 0, held: [], finAt: undefined },
  ];

  /** Whether each direction sent its FIN. */
  get finished(): [boolean, boolean] {
    return [this.#sides[0].finAt !== undefined, this.#sides[1].finAt !== undefined];
  }

  push(seg: TcpSegment): void {
    const side = this.#sides[seg.dir];
    if ((seg.flags & SYN) !== 0) {
      if (side.base === undefined) side.base = (seg.seq + 1) >>> 0;
    } else if (side.base === undefined) {
      side.base = seg.seq;
    }
    const start = seqDiff((seg.flags & SYN) !== 0 ? (seg.seq + 1) >>> 0 : seg.seq, side.base);
    const end = start + seg.payload.length;
    if ((seg.flags & FIN) !== 0 && side.finAt === undefined) side.finAt = end + 1;
    // The other side's data below this acknowledgment was received before this segment was sent: a hole there is
    // the capture's, not the wire's.
    if ((seg.flags & ACK) !== 0) {
      const otherDir: Direction = seg.dir === 0 ? 1 : 0;
      const other = this.#sides[otherDir];
      if (other.base !== undefined) this.#flushBelow(otherDir, seqDiff(seg.ack, other.base));
    }
    if (seg.payload.length > 0) this.#take(seg.dir, start, seg);
  }

  /** Delivers whatever is still held, after gaps for the holes (the stream ended). */
  finish(): Piece[] {
    for (const dir of [0, 1] as const) this.#flushBelow(dir, Number.POSITIVE_INFINITY);
    return this.pieces;
  }

  #take(dir: Direction, start: number, seg: TcpSegment): void {
    const side = this.#sides[dir];
    const end = start + seg.payload.length;
    if (end <= side.next) {
      this.fates.set(seg.frame, 'retransmission');
      return;
    }
    if (start > side.next) {
      this.fates.set(seg.frame, 'out-of-order');
      const h: Held = { offset: start, frame: seg.frame, time: seg.time, data: seg.payload };
      let i = side.held.length;
      while (i > 0 && side.held[i - 1]!.offset > start) i--;
      side.held.splice(i, 0, h);
      return;
    }
    this.fates.set(seg.frame, start < side.next ? 'overlap' : 'in-order');
    this.#deliver(dir, start, seg.frame, seg.time, seg.payload);
    this.#drain(dir);
  }

  #deliver(dir: Direction, start: number, frame: number, time: number, data: Uint8Array): void {
    const side = this.#sides[dir];
    const fresh = data.subarray(side.next - start);
    if (fresh.length === 0) return;
    this.pieces.push({ kind: 'data', dir, frame, time, offset: side.next, data: fresh });
    side.next += fresh.length;
  }

  /** Delivers held segments that now start at or below `next`. */
  #drain(dir: Direction): void {
    const side = this.#sides[dir];
    while (side.held.length > 0 && side.held[0]!.offset <= side.next) {
      const h = side.held.shift()!;
      if (h.offset + h.data.length > side.next) this.#deliver(dir, h.offset, h.frame, h.time, h.data);
    }
  }

  /** Holes below `limit` are declared lost: a gap, then the held bytes after it. */
  #flushBelow(dir: Direction, limit: number): void {
    const side = this.#sides[dir];
    while (side.held.length > 0 && side.held[0]!.offset < limit) {
      const h = side.held[0]!;
      if (h.offset > side.next) {
        const missing = h.offset - side.next;
        this.pieces.push({ kind: 'gap', dir, frame: h.frame, time: h.time, offset: side.next, missing });
        side.next = h.offset;
      }
      this.#drain(dir);
    }
  }
}
