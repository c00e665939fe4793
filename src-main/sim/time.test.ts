import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatTime, MAX_TIME, ms, ns, s, splitSeconds, toSeconds, us } from './time.ts';

test('unit helpers produce integer nanoseconds', () => {
  assert.equal(ns(5), 5);
  assert.equal(us(1), 1_000);
  assert.equal(ms(1), 1_000_000);
  assert.equal(s(1), 1_000_000_000);
  assert.equal(ms(1.5), 1_500_000);
  assert.equal(s(0.1), 100_000_000); // 0.1 * 1e9 rounds to an exact integer
  assert.equal(us(0.0004), 0); // rounds to the nearest nanosecond
  assert.equal(toSeconds(s(2.5)), 2.5);
});

test('values beyond 2^53 ns are refused', () => {
  assert.throws(() => s(1e7), RangeError); // 1e16 ns > MAX_SAFE_INTEGER
  assert.throws(() => ms(Number.NaN), RangeError);
  assert.equal(MAX_TIME, 9007199254740991);
  assert.ok(s(100 * 86400) < MAX_TIME); // 100 days fit
});

test('formatting', () => {
  assert.equal(formatTime(0), '0.000000000');
  assert.equal(formatTime(s(12) + 345_678), '12.000345678');
  assert.equal(formatTime(-ms(1)), '-0.001000000');
  assert.equal(formatTime(MAX_TIME), '9007199.254740991');
  assert.deepEqual(splitSeconds(s(3) + 7), { sec: 3, nsec: 7 });
  assert.equal(formatDuration(0), '0ns');
  assert.equal(formatDuration(850), '850ns');
  assert.equal(formatDuration(us(12.5)), '12.5us');
  assert.equal(formatDuration(ms(1.02)), '1.02ms');
  assert.equal(formatDuration(s(3)), '3s');
  assert.equal(formatDuration(-s(2.5)), '-2.5s');
});
