import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from './random.ts';

const draw = (r: Random, n: number): number[] => Array.from({ length: n }, () => r.nextU32());

test('xoshiro128** core matches values worked by hand from state [1,2,3,4]', () => {
  // result = rotl(s1 * 5, 7) * 9: 10 -> 1280 * 9 = 11520; then s1 = 0 -> 0; then s1 = 1029 -> 5145*128*9.
  assert.deepEqual(draw(Random.fromState(1, 2, 3, 4), 5), [11520, 0, 5927040, 70819200, 2031721883]);
  assert.throws(() => Random.fromState(0, 0, 0, 0), RangeError);
});

test('literal first values pin the seed and fork derivation', () => {
  assert.deepEqual(draw(new Random(42), 4), [1195147044, 2366626543, 3669442084, 162755668]);
  assert.deepEqual(draw(new Random(42).fork('n1'), 4), [670640065, 732588464, 2605360957, 1006444246]);
  assert.deepEqual(draw(new Random(42).fork('n2'), 4), [2595277024, 355632064, 3404914699, 1129486265]);
  assert.deepEqual(draw(new Random(42).fork('n1').fork('tcp'), 3), [2703480670, 3090774632, 2319737277]);
  assert.equal(new Random(42).fork('n1').fork('tcp').int(32768, 60999), 45350);
  assert.equal(new Random(42).fork('n1').fork('tcp').nextFloat(), 0.6294531428786146);
  assert.deepEqual(new Random(7).shuffle([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [10, 2, 3, 7, 1, 9, 6, 8, 4, 5]);
  // Seeds above 2^32 use their high bits too.
  assert.equal(new Random(2 ** 40 + 5).nextU32(), 3285496629);
  assert.equal(new Random(5).nextU32(), 3500349948);
});

test('same seed, same sequence; different seeds differ', () => {
  assert.deepEqual(draw(new Random(1234), 100), draw(new Random(1234), 100));
  assert.notDeepEqual(draw(new Random(1234), 10), draw(new Random(1235), 10));
});

test('forks: same name same stream, different names different streams, independent of parent use', () => {
  const root = new Random(99);
  const a1 = root.fork('a');
  draw(root, 1000); // using the parent does not move its forks
  const a2 = root.fork('a');
  assert.deepEqual(draw(a1, 50), draw(a2, 50));
  assert.notDeepEqual(draw(root.fork('a'), 10), draw(root.fork('b'), 10));
  assert.notDeepEqual(draw(root.fork('ab'), 10), draw(root.fork('a').fork('b'), 10));
  assert.notDeepEqual(draw(root.fork(''), 10), draw(new Random(99), 10));
  assert.equal(root.fork('n1').fork('tcp').path, 'n1/tcp');
  assert.equal(root.fork('x').seed, 99);
});

test('int is inclusive, in range, and roughly uniform', () => {
  const r = new Random(5);
  const counts = new Array<number>(6).fill(0);
  for (let i = 0; i < 60_000; i++) {
    const v = r.int(1, 6);
    assert.ok(v >= 1 && v <= 6 && Number.isInteger(v));
    counts[v - 1]!++;
  }
  for (const c of counts) assert.ok(c > 9_000 && c < 11_000, `count ${c}`);
  assert.equal(r.int(3, 3), 3);
  const full = r.int(0, 2 ** 32 - 1);
  assert.ok(full >= 0 && full < 2 ** 32);
  assert.throws(() => r.int(5, 4), RangeError);
  assert.throws(() => r.int(0, 2 ** 32), RangeError);
  assert.throws(() => r.int(0.5, 2), RangeError);
});

test('nextFloat is in [0, 1)', () => {
  const r = new Random(8);
  let sum = 0;
  for (let i = 0; i < 10_000; i++) {
    const f = r.nextFloat();
    assert.ok(f >= 0 && f < 1);
    sum += f;
  }
  assert.ok(Math.abs(sum / 10_000 - 0.5) < 0.02);
});

test('shuffle is a permutation; pick and fill', () => {
  const r = new Random(3);
  const a = Array.from({ length: 100 }, (_, i) => i);
  const b = r.shuffle([...a]);
  assert.notDeepEqual(b, a);
  assert.deepEqual([...b].sort((x, y) => x - y), a);
  assert.deepEqual(r.shuffle([]), []);
  assert.ok(['x', 'y'].includes(r.pick(['x', 'y'])));
  assert.throws(() => r.pick([]), RangeError);
  const bytes = new Random(42).fill(new Uint8Array(6));
  // The first word 1195147044 = 0x473c7f24, written little-endian, then the low bytes of the second.
  assert.deepEqual([...bytes.subarray(0, 4)], [0x24, 0x7f, 0x3c, 0x47]);
});

test('bad seeds are refused', () => {
  assert.throws(() => new Random(-1), RangeError);
  assert.throws(() => new Random(1.5), RangeError);
  assert.throws(() => new Random(2 ** 53), RangeError);
});
