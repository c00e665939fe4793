// Output chunks for the streaming writers. Each record or block is emitted once, straight into the current chunk
// with DataView writes, and handed out as a subarray of it. A chunk is never written twice: when the next record
// does not fit, a fresh chunk is allocated (twice the last size, up to MAX_CHUNK) and the old one lives on only
// through the views already handed out. So a returned Uint8Array stays valid forever and no bytes are copied.

const FIRST_CHUNK = 64 * 1024;
const MAX_CHUNK = 4 * 1024 * 1024;

export class ChunkOut {
  buf: Uint8Array;
  view: DataView;
  private pos = 0;
  private nextSize: number;

  constructor(firstSize: number = FIRST_CHUNK) {
    this.buf = new Uint8Array(firstSize);
    this.view = new DataView(this.buf.buffer);
    this.nextSize = Math.min(firstSize * 2, MAX_CHUNK);
  }

  /** Reserves `n` contiguous bytes in `buf` and returns their offset; `buf`/`view` may change on this call. */
  reserve(n: number): number {
    if (this.pos + n > this.buf.length) {
      const size = Math.max(this.nextSize, n);
      this.nextSize = Math.min(this.nextSize * 2, MAX_CHUNK);
      this.buf = new Uint8Array(size);
      this.view = new DataView(this.buf.buffer);
      this.pos = 0;
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
}
