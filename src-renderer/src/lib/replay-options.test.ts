import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAddressMap } from './replay-options.ts';

test('an address map: one pair per line, with an arrow, ->, a comma or spaces; blank lines skipped', () => {
  assert.deepEqual(parseAddressMap(''), { ok: true, pairs: [] });
  assert.deepEqual(parseAddressMap('172.17.0.2 → 192.168.99.100\n\n  10.0.0.1->10.0.0.2 \n1.2.3.4, 5.6.7.8\n9.9.9.9 8.8.8.8'), {
    ok: true,
    pairs: [
      ['172.17.0.2', '192.168.99.100'],
      ['10.0.0.1', '10.0.0.2'],
      ['1.2.3.4', '5.6.7.8'],
      ['9.9.9.9', '8.8.8.8'],
    ],
  });
});

test('a bad line is named with what is wrong', () => {
  assert.deepEqual(parseAddressMap('1.2.3.4 → 5.6.7.8\n10.0.0.1'), { ok: false, error: 'Line 2: write "from → to" (two addresses), not "10.0.0.1".' });
  assert.deepEqual(parseAddressMap('1.2.3.4 → 5.6.7.256'), { ok: false, error: 'Line 1: 5.6.7.256 is not an IPv4 address.' });
  assert.deepEqual(parseAddressMap('a → b → c'), { ok: false, error: 'Line 1: write "from → to" (two addresses), not "a → b → c".' });
  const many = Array.from({ length: 257 }, (_, i) => `10.0.${i >> 8}.${i & 255} → 10.1.0.1`).join('\n');
  assert.deepEqual(parseAddressMap(many), { ok: false, error: 'At most 256 address pairs (there are 257).' });
});
