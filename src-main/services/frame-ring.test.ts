import assert from 'node:assert/strict';
import test from 'node:test';
import { FrameRing, type TappedFrame } from './live-captures.ts';

const frame = (i: number, size = 10): TappedFrame => ({ ts: i, netns: 'n', dev: 'eth0', direction: 'in', journey: i, data: new Uint8Array(size) });
const journeys = (ring: FrameRing) => [...ring].map((f) => f.journey);

test('a full ring drops its oldest tenth at once, then fills up to its bound again', () => {
  const ring = new FrameRing(100, 1 << 20);
  for (let i = 1; i <= 100; i++) ring.push(frame(i));
  assert.deepEqual([ring.length, ring.dropped], [100, 0]);
  ring.push(frame(101));
  assert.deepEqual([ring.length, ring.dropped], [90, 11]);
  assert.deepEqual(journeys(ring).slice(0, 2), [12, 13]);
  for (let i = 102; i <= 111; i++) ring.push(frame(i));
  assert.deepEqual([ring.length, ring.dropped], [100, 11], 'no drop until the bound is passed again');
  assert.deepEqual([...ring.since(ring.pushed - 3)].map((f) => f.journey), [109, 110, 111]);
});

test('the byte bound drops a tenth of the bytes; a ring under ten frames drops one at a time', () => {
  const bytes = new FrameRing(1000, 1000);
  for (let i = 1; i <= 10; i++) bytes.push(frame(i, 100));
  bytes.push(frame(11, 100));
  assert.deepEqual([bytes.length, bytes.bytes], [9, 900]);
  const small = new FrameRing(6, 1 << 20);
  for (let i = 1; i <= 9; i++) small.push(frame(i));
  assert.deepEqual(journeys(small), [4, 5, 6, 7, 8, 9]);
  // A single frame bigger than the byte bound is kept alone.
  const huge = new FrameRing(10, 50);
  huge.push(frame(1, 20));
  huge.push(frame(2, 80));
  assert.deepEqual(journeys(huge), [2]);
});
