// Property test: mutated gzip streams (bit flips, byte substitutions, cuts, inserted, deleted and repeated runs,
// from a seeded xorshift generator) never make gunzip throw anything but an InflateError pointing inside its
// input, never hang (the test's timeout: common code reads no clock) and never pass its output cap; and whatever it
// accepts, node:zlib accepts with the same bytes. The Wireshark reading (uncompressAsWireshark) holds to the same
// bounds on every mutant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { gunzip, InflateError, uncompressAsWireshark } from './index.ts';

const SEED = 0x9a1f_2026;
const MUTANTS = 4000;
const CAP = 256 * 1024;

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

test('mutated gzip streams are refused with an InflateError or decoded as zlib decodes them', { timeout: 120_000 }, () => {
  const next = xorshift(SEED);
  const below = (n: number) => next() % Math.max(1, n);
  const text = new TextEncoder().encode('GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n'.repeat(30) + 'abcdefghij'.repeat(50));
  const noise = Uint8Array.from({ length: 3000 }, () => next() & 0xff);
  const corpus = [
    zlib.gzipSync(text, { level: 9 }),
    zlib.gzipSync(text, { level: 1, strategy: zlib.constants.Z_FIXED }),
    zlib.gzipSync(text, { level: 0 }),
    zlib.gzipSync(noise, { level: 6, strategy: zlib.constants.Z_HUFFMAN_ONLY }),
    zlib.gzipSync(new Uint8Array(5000), { level: 9, strategy: zlib.constants.Z_RLE }),
    zlib.gzipSync(new Uint8Array(0)),
  ].map((b) => new Uint8Array(b));

  let refused = 0;
  let accepted = 0;
  for (let i = 0; i < MUTANTS; i++) {
    let m = corpus[i % corpus.length]!.slice();
    for (let k = 1 + below(3); k > 0; k--) {
      const at = below(m.length);
      switch (below(6)) {
        case 0:
          m[at]! ^= 1 << below(8);
          break;
        case 1:
          m[at] = next() & 0xff;
          break;
        case 2:
          m = m.slice(0, at);
          break;
        case 3:
          m = new Uint8Array([...m.subarray(0, at), ...Uint8Array.from({ length: 1 + below(8) }, () => next() & 0xff), ...m.subarray(at)]);
          break;
        case 4:
          m = new Uint8Array([...m.subarray(0, at), ...m.subarray(at + 1 + below(16))]);
          break;
        default:
          // A run repeated in place: back references and block headers land on wrong bit positions.
          m = new Uint8Array([...m.subarray(0, at), ...m.subarray(at, at + 1 + below(64)), ...m.subarray(at)]);
      }
    }
    let out: Uint8Array | undefined;
    try {
      out = gunzip(m, { maxOutput: CAP });
    } catch (e) {
      if (!(e instanceof InflateError)) throw new Error(`mutant ${i} threw ${String(e)}`, { cause: e });
      assert.ok(e.offset >= 0 && e.offset <= m.length, `mutant ${i}: offset ${e.offset} outside its ${m.length} bytes (${e.message})`);
      refused++;
    }
    if (out) {
      accepted++;
      assert.ok(out.length <= CAP);
      assert.deepEqual(out, new Uint8Array(zlib.gunzipSync(m)), `mutant ${i}: zlib decodes it differently`);
    }
    // Wireshark's reading takes more (no trailer check, what came before a cut), stops at the first member, and
    // otherwise refuses with an InflateError too; what gunzip accepts it reads as the same bytes or their start.
    for (const coding of ['gzip', 'deflate'] as const) {
      let lenient: Uint8Array | undefined;
      try {
        lenient = uncompressAsWireshark(coding, m, { maxOutput: CAP });
      } catch (e) {
        if (!(e instanceof InflateError)) throw new Error(`mutant ${i} (${coding}, as Wireshark) threw ${String(e)}`, { cause: e });
      }
      if (lenient) assert.ok(lenient.length > 0 && lenient.length <= CAP);
      if (out && lenient && coding === 'gzip') assert.deepEqual(lenient, out.subarray(0, lenient.length), `mutant ${i}: not the start of what gunzip gives`);
      if (out && out.length > 0 && coding === 'gzip') assert.ok(lenient, `mutant ${i}: gunzip takes it, the Wireshark reading does not`);
    }
  }
  assert.equal(refused + accepted, MUTANTS);
  // Most mutants are caught (by a checksum, if nothing else); a few change only what gzip does not check (MTIME, OS).
  assert.ok(refused > MUTANTS / 2, `${refused} refused`);
});
