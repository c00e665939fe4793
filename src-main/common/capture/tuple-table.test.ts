import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TupleTable } from './tuple-table.ts';

/** xorshift32: a seeded source of words for the model check. */
function words(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

test('tuple table: agrees with a Map over many sets, overwrites and misses, through growth', () => {
  const next = words(7);
  const t = new TupleTable(4);
  const model = new Map<string, number>();
  // A small pool of keys so sets overwrite and gets hit; the words include ones above 2^31.
  const pool: [number, number, number][] = Array.from({ length: 3000 }, () => [next(), next() & 0xff, next()]);
  for (let i = 0; i < 20_000; i++) {
    const k = pool[next() % pool.length]!;
    if (next() % 3 === 0) {
      t.set(k[0], k[1], k[2], i);
      model.set(k.join(), i);
    } else assert.equal(t.get(k[0], k[1], k[2]), model.get(k.join()) ?? -1);
  }
  assert.equal(t.size, model.size);
  const seen = new Map<string, number>();
  t.forEach((a, b, c, v) => seen.set([a, b, c].join(), v));
  assert.deepEqual(new Map([...seen].sort()), new Map([...model].sort()));
});

test('tuple table: keys that differ in one word only are apart; the same words given signed find the entry', () => {
  const t = new TupleTable();
  t.set(0x0a000001, 0x0a000002, (80 << 16) | 40000, 1);
  t.set(0x0a000001, 0x0a000002, (80 << 16) | 40001, 2);
  t.set(0x0a000001, 0x0a000003, (80 << 16) | 40000, 3);
  t.set(0xc0a80001, 0x0a000002, (80 << 16) | 40000, 4);
  assert.equal(t.get(0x0a000001, 0x0a000002, (80 << 16) | 40000), 1);
  assert.equal(t.get(0x0a000001, 0x0a000002, (80 << 16) | 40001), 2);
  assert.equal(t.get(0x0a000001, 0x0a000003, (80 << 16) | 40000), 3);
  // (port << 16) is negative for ports from 32768; the caller's words may come signed or unsigned.
  t.set(0xc0a80001, 0x0a000002, (50000 << 16) | 53, 5);
  assert.equal(t.get(0xc0a80001 | 0, 0x0a000002, ((50000 << 16) | 53) >>> 0), 5);
  assert.equal(t.get(0xc0a80001, 0x0a000002, (50000 << 16) | 54), -1);
  assert.equal(t.size, 5);
});

test('tuple table: clear empties it, and a big table cleared while nearly empty still works', () => {
  const t = new TupleTable();
  for (let i = 0; i < 10_000; i++) t.set(i, i * 7, i * 13, i);
  t.clear();
  assert.equal(t.size, 0);
  assert.equal(t.get(5, 35, 65), -1);
  t.set(5, 35, 65, 9);
  t.clear();
  assert.equal(t.get(5, 35, 65), -1);
  for (let i = 0; i < 5000; i++) t.set(i, 1, 2, i);
  for (let i = 0; i < 5000; i++) assert.equal(t.get(i, 1, 2), i);
});
