import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from './queue.ts';

function drain<T>(q: EventQueue<T>): T[] {
  const out: T[] = [];
  for (let x = q.pop(); x !== undefined; x = q.pop()) out.push(x);
  return out;
}

test('orders by time, then priority, then insertion', () => {
  const q = new EventQueue<string>();
  q.push(20, 0, 'd');
  q.push(10, 5, 'c');
  q.push(10, 0, 'a');
  q.push(10, 0, 'b');
  q.push(10, -3, 'first-at-10');
  q.push(5, 100, 'earliest');
  assert.equal(q.size, 6);
  assert.equal(q.peekTime(), 5);
  assert.deepEqual(drain(q), ['earliest', 'first-at-10', 'a', 'b', 'c', 'd']);
  assert.equal(q.pop(), undefined);
  assert.equal(q.peekTime(), undefined);
});

test('many equal keys keep insertion order through growth', () => {
  const q = new EventQueue<number>();
  for (let i = 0; i < 1000; i++) q.push(7, 0, i);
  assert.deepEqual(drain(q), Array.from({ length: 1000 }, (_, i) => i));
});

test('matches a sort on random input (heap invariant)', () => {
  // A tiny LCG so the test needs nothing from random.ts.
  let x = 12345;
  const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16;
  const q = new EventQueue<number>();
  const ref: { t: number; p: number; i: number }[] = [];
  for (let i = 0; i < 5000; i++) {
    const t = next() % 50;
    const p = (next() % 5) - 2;
    q.push(t, p, i);
    ref.push({ t, p, i });
    if (i % 7 === 0) {
      // interleave pops
      ref.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
      assert.equal(q.pop(), ref.shift()!.i);
    }
  }
  ref.sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
  assert.deepEqual(drain(q), ref.map((r) => r.i));
});

test('clear empties the queue', () => {
  const q = new EventQueue<string>();
  q.push(1, 0, 'a');
  q.push(2, 0, 'b');
  q.clear();
  assert.equal(q.size, 0);
  assert.equal(q.pop(), undefined);
  q.push(3, 0, 'c');
  assert.deepEqual(drain(q), ['c']);
});
