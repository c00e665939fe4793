// Decompression checked byte for byte against node:zlib: gzip, zlib and raw DEFLATE at levels 0, 1, 6 and 9 and
// with the fixed-code, Huffman-only and run-length strategies, over empty, one-byte, text, seeded random and long
// repetitive inputs; gzip's optional header fields and several members; and each kind of bad input refused with
// an InflateError that says what is wrong and where (truncation, checksums, block type, code tables, back
// references, the output cap).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { adler32, crc32, decodableCoding, decodeContent, gunzip, inflateRaw, InflateError, unzlib } from './index.ts';

/** xorshift32: the same bytes on every run. */
function random(seed: number, n: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const enc = (s: string) => new TextEncoder().encode(s);
const TEXT = enc(
  Array.from({ length: 400 }, (_, i) => `${i}: The quick brown fox jumps over the lazy dog; packets ${(i * 7919) % 1013} and ${(i * 104729) % 65521} went by.\n`).join(''),
);
const REPETITIVE = (() => {
  // 300 KiB with repeats both near and far beyond the 32 KiB window, so distances of every size occur.
  const unit = random(7, 40_000);
  const out = new Uint8Array(300 * 1024);
  for (let i = 0; i < out.length; i++) out[i] = i % 3 === 0 ? unit[i % unit.length]! : 'abcabcabd'.charCodeAt(i % 9);
  return out;
})();
const INPUTS: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['one byte', new Uint8Array([0x41])],
  ['text', TEXT],
  ['random 10 KiB', random(0x1234, 10 * 1024)],
  ['random 70 KiB (stored blocks longer than 65535 at level 0)', random(0xbeef, 70 * 1024)],
  ['300 KiB repetitive', REPETITIVE],
];
const SETTINGS: [string, zlib.ZlibOptions][] = [
  ...[0, 1, 6, 9].map((level): [string, zlib.ZlibOptions] => [`level ${level}`, { level }]),
  ['Z_FIXED', { level: 6, strategy: zlib.constants.Z_FIXED }],
  ['Z_HUFFMAN_ONLY', { level: 6, strategy: zlib.constants.Z_HUFFMAN_ONLY }],
  ['Z_RLE', { level: 6, strategy: zlib.constants.Z_RLE }],
  ['Z_FILTERED, small window and memory', { level: 9, strategy: zlib.constants.Z_FILTERED, windowBits: 9, memLevel: 1 }],
];

/** Runs f and returns the InflateError it throws (failing the test if it throws anything else, or nothing). */
function refusal(f: () => unknown): InflateError {
  try {
    f();
  } catch (e) {
    if (e instanceof InflateError) return e;
    throw e;
  }
  assert.fail('expected an InflateError');
}

/** Fixed-Huffman blocks written by hand (RFC 1951 3.2.6), for streams zlib would never make. */
class FixedWriter {
  private bits: number[] = [];
  /** `n` bits of v, least significant first (header fields, extra bits). */
  put(v: number, n: number): this {
    for (let i = 0; i < n; i++) this.bits.push((v >> i) & 1);
    return this;
  }
  /** A Huffman code, most significant bit first. */
  code(c: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) this.bits.push((c >> i) & 1);
    return this;
  }
  literal(sym: number): this {
    if (sym < 144) return this.code(0x30 + sym, 8);
    if (sym < 256) return this.code(0x190 + sym - 144, 9);
    if (sym < 280) return this.code(sym - 256, 7);
    return this.code(0xc0 + sym - 280, 8);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.bits.length / 8));
    this.bits.forEach((b, i) => (out[i >> 3]! |= b << (i & 7)));
    return out;
  }
}

describe('inflate against node:zlib', () => {
  for (const [name, input] of INPUTS) {
    it(`decodes ${name} in every format and setting`, () => {
      for (const [setting, opts] of SETTINGS) {
        const what = `${name}, ${setting}`;
        assert.deepEqual(gunzip(zlib.gzipSync(input, opts)), input, `gzip, ${what}`);
        assert.deepEqual(unzlib(zlib.deflateSync(input, opts)), input, `zlib, ${what}`);
        const raw = zlib.deflateRawSync(input, opts);
        const r = inflateRaw(raw);
        assert.deepEqual(r.output, input, `raw, ${what}`);
        assert.equal(r.end, raw.length, `raw end, ${what}`);
      }
    });
  }

  it('checks its CRC-32 and Adler-32 against zlib’s', () => {
    for (const [, input] of INPUTS) {
      assert.equal(crc32(input), zlib.crc32(input));
      const z = zlib.deflateSync(input);
      assert.equal(adler32(input), z.readUInt32BE(z.length - 4));
    }
    // Continued over two halves, as gzip's header CRC and a streaming caller would.
    assert.equal(crc32(TEXT, 100, TEXT.length, crc32(TEXT, 0, 100)), crc32(TEXT));
    assert.equal(adler32(TEXT, 100, TEXT.length, adler32(TEXT, 0, 100)), adler32(TEXT));
  });

  it('reads the optional gzip header fields (FEXTRA, FNAME, FCOMMENT, FHCRC) and several members', () => {
    const body = zlib.gzipSync(TEXT).subarray(10);
    const head = [0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 1, 2, 3, 4, 0, 3, 5, 0, ...enc('AB\x03\x00x'), ...enc('name.txt\0'), ...enc('a comment\0')];
    const hcrc = zlib.crc32(new Uint8Array(head)) & 0xffff;
    const full = new Uint8Array([...head, hcrc & 0xff, hcrc >> 8, ...body]);
    assert.deepEqual(new Uint8Array(zlib.gunzipSync(full)), TEXT, 'zlib agrees the header is good');
    assert.deepEqual(gunzip(full), TEXT);
    const bad = full.slice();
    bad[head.length]! ^= 1;
    assert.match(refusal(() => gunzip(bad)).message, new RegExp(`^gzip: header CRC mismatch: .* \\(at byte ${head.length}\\)$`));

    const two = new Uint8Array([...zlib.gzipSync(enc('first, ')), ...zlib.gzipSync(enc('second'))]);
    assert.equal(new TextDecoder().decode(gunzip(two)), 'first, second');
  });

  it('decodes HTTP content codings: gzip, x-gzip, zlib-wrapped and raw deflate', () => {
    assert.deepEqual(decodeContent('gzip', zlib.gzipSync(TEXT)), TEXT);
    assert.deepEqual(decodeContent('deflate', zlib.deflateSync(TEXT)), TEXT);
    assert.deepEqual(decodeContent('deflate', zlib.deflateRawSync(TEXT)), TEXT);
    assert.deepEqual(
      ['gzip', ' X-GZIP', 'Deflate', 'identity', 'br', 'gzip, br', null].map(decodableCoding),
      ['gzip', 'gzip', 'deflate', null, null, null, null],
    );
  });
});

describe('inflate refuses bad input, saying what and where', () => {
  // Copies, not Buffers: a Buffer's slice() is a view, and these tests change bytes of their copies.
  const gz = new Uint8Array(zlib.gzipSync(TEXT));

  it('refuses every truncation of a gzip, zlib and raw stream as truncated', () => {
    for (const [name, full, decode] of [
      ['gzip', gz, gunzip],
      ['zlib', zlib.deflateSync(TEXT), unzlib],
      ['raw', zlib.deflateRawSync(TEXT, { level: 0 }), (b: Uint8Array) => inflateRaw(b)],
    ] as const) {
      for (let n = 0; n < full.length; n++) {
        const e = refusal(() => decode(full.subarray(0, n)));
        assert.match(e.reason, /^truncated: /, `${name} cut at ${n}: ${e.message}`);
        assert.ok(e.offset >= 0 && e.offset <= n, `${name} cut at ${n}: offset ${e.offset}`);
      }
    }
  });

  it('refuses a wrong CRC-32, length, Adler-32 or zlib header, and trailing bytes', () => {
    const crc = gz.slice();
    crc[crc.length - 8]! ^= 0xff;
    assert.match(refusal(() => gunzip(crc)).message, new RegExp(`^gzip: CRC-32 mismatch: trailer says 0x[0-9a-f]{8}, data gives 0x[0-9a-f]{8} \\(at byte ${gz.length - 8}\\)$`));
    const len = gz.slice();
    len[len.length - 1]! ^= 1;
    assert.match(refusal(() => gunzip(len)).message, new RegExp(`^gzip: length mismatch: trailer says \\d+ bytes, data gives ${TEXT.length} \\(at byte ${gz.length - 4}\\)$`));
    assert.match(refusal(() => gunzip(new Uint8Array([...gz, 0]))).message, /^gzip: 1 byte of trailing data after the gzip member/);
    assert.match(refusal(() => gunzip(enc('hello, not gzip'))).message, /^gzip: not gzip: starts 0x68 0x65, expected 0x1f 0x8b \(at byte 0\)$/);
    const method = gz.slice();
    method[2] = 7;
    assert.match(refusal(() => gunzip(method)).message, /unsupported compression method 7 .*\(at byte 2\)$/);
    const reserved = gz.slice();
    reserved[3] = 0x20;
    assert.match(refusal(() => gunzip(reserved)).message, /reserved flag bits set .*\(at byte 3\)$/);

    const z = new Uint8Array(zlib.deflateSync(TEXT));
    const adler = z.slice();
    adler[adler.length - 1]! ^= 1;
    assert.match(refusal(() => unzlib(adler)).message, /^zlib: Adler-32 mismatch: /);
    assert.match(refusal(() => unzlib(new Uint8Array([0x78, 0x9d, ...z.subarray(2)]))).message, /^zlib: header check failed/);
    assert.match(refusal(() => unzlib(new Uint8Array([0x78, 0xbb, 0, 0, 0, 1, 3, 0]))).message, /^zlib: a preset dictionary is required/);
  });

  it('refuses block type 3, a stored length that does not match its complement, and a bad code table', () => {
    assert.equal(refusal(() => inflateRaw(new Uint8Array([0x07]))).message, 'deflate: invalid block type 3 (at byte 0)');
    const inGzip = gz.slice();
    inGzip[10] = (inGzip[10]! & ~0x06) | 0x06; // the first block's BTYPE bits to 11
    assert.equal(refusal(() => gunzip(inGzip)).message, 'deflate: invalid block type 3 (at byte 10)');
    assert.match(refusal(() => inflateRaw(new Uint8Array([0x01, 5, 0, 0xfa, 0xfe, 1, 2, 3, 4, 5]))).message, /^deflate: stored block length 5 does not match its complement 65274 \(at byte 1\)$/);
    // A dynamic block whose code length code gives all 19 symbols one-bit codes.
    const over = new FixedWriter().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(15, 4);
    for (let i = 0; i < 19; i++) over.put(1, 3);
    assert.equal(refusal(() => inflateRaw(over.bytes())).message, 'deflate: over-subscribed code length code lengths (at byte 0)');
    // A dynamic block whose literal/length code is complete but has no end-of-block: HLIT 257, HDIST 1, HCLEN 5
    // (lengths for 16, 17, 18, 0 and 8: the code length code is {0: code 0, 8: code 1}), then bytes 0-255 each
    // with an 8-bit code, end-of-block and the one distance with none.
    const noEnd = new FixedWriter().put(1, 1).put(2, 2).put(0, 5).put(0, 5).put(1, 4).put(0, 3).put(0, 3).put(0, 3).put(1, 3).put(1, 3);
    for (let i = 0; i < 256; i++) noEnd.code(1, 1);
    noEnd.code(0, 1).code(0, 1);
    assert.match(refusal(() => inflateRaw(noEnd.bytes())).message, /^deflate: no code for end-of-block/);
  });

  it('refuses a back reference before the start of the output, and the fixed code’s unused symbols', () => {
    // "a", then length 3 (symbol 257) at distance 2 (distance symbol 1): one byte too far.
    const far = new FixedWriter().put(1, 1).put(1, 2).literal(0x61).literal(257).code(1, 5).literal(256);
    assert.equal(refusal(() => inflateRaw(far.bytes())).message, 'deflate: distance 2 reaches back before the start of the output (1 bytes so far) (at byte 1)');
    const sym286 = new FixedWriter().put(1, 1).put(1, 2).literal(0x61).literal(286);
    assert.match(refusal(() => inflateRaw(sym286.bytes())).message, /^deflate: invalid length symbol 286/);
    const dist30 = new FixedWriter().put(1, 1).put(1, 2).literal(0x61).literal(257).code(30, 5);
    assert.match(refusal(() => inflateRaw(dist30.bytes())).message, /^deflate: invalid distance symbol 30/);
    // The same stream, but the distance 1 that is there: "aaaa".
    const ok = new FixedWriter().put(1, 1).put(1, 2).literal(0x61).literal(257).code(0, 5).literal(256);
    assert.equal(new TextDecoder().decode(inflateRaw(ok.bytes()).output), 'aaaa');
  });

  it('stops at the output cap: a decompression bomb is refused without decoding it all', () => {
    assert.deepEqual(gunzip(gz, { maxOutput: TEXT.length }), TEXT);
    assert.match(refusal(() => gunzip(gz, { maxOutput: TEXT.length - 1 })).message, new RegExp(`^gzip: output exceeds the limit of ${TEXT.length - 1} bytes`));
    assert.match(refusal(() => inflateRaw(zlib.deflateRawSync(TEXT), 0, { maxOutput: 1000 })).message, /^deflate: output exceeds the limit of 1000 bytes \(at byte \d+\)$/);
    // 1 GiB of zeros in about a megabyte: refused at the default cap.
    const bomb = zlib.gzipSync(new Uint8Array(256 * 1024 * 1024), { level: 9 });
    assert.ok(bomb.length < 300_000);
    assert.match(refusal(() => gunzip(bomb)).message, /^gzip: output exceeds the limit of 8388608 bytes/);
    // Two members whose sum passes the cap, each under it.
    const half = zlib.gzipSync(new Uint8Array(600));
    assert.match(refusal(() => gunzip(new Uint8Array([...half, ...half]), { maxOutput: 1000 })).message, /^gzip: output exceeds the limit of 1000 bytes/);
  });
});
