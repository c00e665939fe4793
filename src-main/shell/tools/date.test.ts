import assert from 'node:assert/strict';
import test from 'node:test';
import { strftime } from './date.ts';

test('strftime: the conversions scripts use, in UTC; unknown ones written as they are', () => {
  const ns = Date.UTC(2024, 1, 29, 13, 5, 9) * 1e6 + 250_000_000;
  assert.equal(strftime('%a %b %e %H:%M:%S %Z %Y', ns), 'Thu Feb 29 13:05:09 UTC 2024');
  assert.equal(strftime('%F %T %z', ns), '2024-02-29 13:05:09 +0000');
  assert.equal(strftime('%s.%N', ns), '1709211909.250000000');
  assert.equal(strftime('%j %u %w %y %C %I %l %p %P', ns), '060 4 4 24 20 01  1 PM pm');
  assert.equal(strftime('%D %R %r', ns), '02/29/24 13:05 01:05:09 PM');
  assert.equal(strftime('%e|%k', Date.UTC(2024, 0, 5, 7) * 1e6), ' 5| 7');
  assert.equal(strftime('100%% %Q', ns), '100% %Q');
});
