// The event queue: a 4-ary min-heap ordered by (time, priority, insertion sequence). (Four children per node: half
// the depth of a binary heap, so fewer moves per push and pop; the order is a strict total order, so any heap
// shape pops the same sequence.)
// Keys live in parallel typed arrays and items in one plain array, so a push allocates nothing per entry
// (beyond an occasional doubling of capacity). Equal (time, priority) pairs pop in insertion order, which makes
// same-time events run in a fixed, reproducible order (as ns-3 and OMNeT++ do).

import type { Time } from './time.ts';

const INITIAL_CAPACITY = 64;

export class EventQueue<T> {
  private times = new Float64Array(INITIAL_CAPACITY);
  private prios = new Int32Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private items: (T | undefined)[] = new Array<T | undefined>(INITIAL_CAPACITY);
  private count = 0;
  private nextSeq = 0;

  /** Number of entries held (cancelled-but-not-yet-popped entries included; the queue knows nothing of them). */
  get size(): number {
    return this.count;
  }

  /**
   * Adds `item` at `time` with `priority` (a signed 32-bit integer; lower runs first at equal times).
   * Returns the entry's insertion sequence number.
   */
  push(time: Time, priority: number, item: T): number {
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    // Sift up with a hole: move parents down until the new key's place is found.
    let i = this.count++;
    const times = this.times;
    const prios = this.prios;
    const seqs = this.seqs;
    const items = this.items;
    while (i > 0) {
      const p = (i - 1) >> 2;
      const pt = times[p]!;
      if (pt < time || (pt === time && (prios[p]! < priority || (prios[p] === priority && seqs[p]! < seq)))) break;
      times[i] = pt;
      prios[i] = prios[p]!;
      seqs[i] = seqs[p]!;
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    prios[i] = priority;
    seqs[i] = seq;
    items[i] = item;
    return seq;
  }

  /** Time of the first entry, or undefined when empty. */
  peekTime(): Time | undefined {
    return this.count > 0 ? this.times[0] : undefined;
  }

  /** The first entry's item, or undefined when empty. */
  peek(): T | undefined {
    return this.count > 0 ? this.items[0] : undefined;
  }

  /** Removes and returns the first entry's item, or undefined when empty. */
  pop(): T | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const items = this.items;
    const top = items[0];
    const last = n - 1;
    this.count = last;
    if (last > 0) {
      const times = this.times;
      const prios = this.prios;
      const seqs = this.seqs;
      const t = times[last]!;
      const pr = prios[last]!;
      const sq = seqs[last]!;
      const it = items[last];
      // Sift the former last entry down from the root: move the least of up to four children up while it is less.
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= last) break;
        let c = first;
        let ct = times[c]!;
        const end = first + 4 < last ? first + 4 : last;
        for (let j = first + 1; j < end; j++) {
          const jt = times[j]!;
          if (jt < ct || (jt === ct && (prios[j]! < prios[c]! || (prios[j] === prios[c] && seqs[j]! < seqs[c]!)))) {
            c = j;
            ct = jt;
          }
        }
        if (t < ct || (t === ct && (pr < prios[c]! || (pr === prios[c] && sq < seqs[c]!)))) break;
        times[i] = ct;
        prios[i] = prios[c]!;
        seqs[i] = seqs[c]!;
        items[i] = items[c];
        i = c;
      }
      times[i] = t;
      prios[i] = pr;
      seqs[i] = sq;
      items[i] = it;
    }
    items[last] = undefined; // let the item be collected
    return top;
  }

  /** Drops every entry. The sequence counter keeps counting, so order stays by insertion across a clear. */
  clear(): void {
    this.items.fill(undefined, 0, this.count);
    this.count = 0;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const times = new Float64Array(cap);
    times.set(this.times);
    const prios = new Int32Array(cap);
    prios.set(this.prios);
    const seqs = new Float64Array(cap);
    seqs.set(this.seqs);
    this.times = times;
    this.prios = prios;
    this.seqs = seqs;
    this.items.length = cap;
  }
}
