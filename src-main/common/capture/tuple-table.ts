// A hash table from three 32-bit words (two IPv4 addresses and a pair of 16-bit numbers: ports, or an echo's id
// and sequence) to a non-negative integer, in typed arrays with open addressing. The import's first pass looks up
// a conversation for most frames; a text key per lookup (formatting, hashing and then collecting a string) cost
// more than the rest of the walk, and numbers hash and compare in a few instructions with nothing to collect.

const EMPTY = -1;
/** Grown when more than half the slots are taken (short probe runs). */
const MAX_LOAD = 0.5;

export class TupleTable {
  #keys: Uint32Array;
  #values: Int32Array;
  #mask: number;
  #size = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots * MAX_LOAD < capacity) slots *= 2;
    this.#keys = new Uint32Array(slots * 3);
    this.#values = new Int32Array(slots).fill(EMPTY);
    this.#mask = slots - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** The value of key (a, b, c), or -1 when there is none. */
  get(a: number, b: number, c: number): number {
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    for (let s = hash(a, b, c) & mask; ; s = (s + 1) & mask) {
      const v = values[s]!;
      if (v === EMPTY) return EMPTY;
      const k = s * 3;
      if (keys[k] === a >>> 0 && keys[k + 1] === b >>> 0 && keys[k + 2] === c >>> 0) return v;
    }
  }

  /** Sets key (a, b, c) to `value` (>= 0). */
  set(a: number, b: number, c: number, value: number): void {
    if (this.#size + 1 > (this.#mask + 1) * MAX_LOAD) this.#grow();
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    for (let s = hash(a, b, c) & mask; ; s = (s + 1) & mask) {
      const k = s * 3;
      if (values[s] === EMPTY) {
        keys[k] = a;
        keys[k + 1] = b;
        keys[k + 2] = c;
        values[s] = value;
        this.#size++;
        return;
      }
      if (keys[k] === a >>> 0 && keys[k + 1] === b >>> 0 && keys[k + 2] === c >>> 0) {
        values[s] = value;
        return;
      }
    }
  }

  clear(): void {
    if (this.#size === 0) return;
    // A table that grew big once and now holds little is made small again, so clearing often stays cheap.
    if (this.#values.length > 4096 && this.#size * 8 < this.#values.length) {
      this.#keys = new Uint32Array(4096 * 3);
      this.#values = new Int32Array(4096);
      this.#mask = 4095;
    }
    this.#values.fill(EMPTY);
    this.#size = 0;
  }

  /** Every entry as (a, b, c, value), in slot order. */
  forEach(fn: (a: number, b: number, c: number, value: number) => void): void {
    const keys = this.#keys;
    const values = this.#values;
    for (let s = 0; s < values.length; s++) {
      const v = values[s]!;
      if (v !== EMPTY) fn(keys[s * 3]!, keys[s * 3 + 1]!, keys[s * 3 + 2]!, v);
    }
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const slots = values.length * 2;
    this.#keys = new Uint32Array(slots * 3);
    this.#values = new Int32Array(slots).fill(EMPTY);
    this.#mask = slots - 1;
    this.#size = 0;
    for (let s = 0; s < values.length; s++) if (values[s] !== EMPTY) this.set(keys[s * 3]!, keys[s * 3 + 1]!, keys[s * 3 + 2]!, values[s]!);
  }
}

/** A mix of the three words (multiply-xorshift), so neighbouring addresses and ports spread over the slots. */
function hash(a: number, b: number, c: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h;
}
