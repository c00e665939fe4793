import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHUNKS_INCOMPLETE, CHUNKS_MALFORMED, dechunk, readOnChunks, scanChunks, type GatheredMessage } from './http-chunked.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('chunked coding: the body de-chunked, each chunk where it is, and where the message ends', () => {
  const b = enc('HEAD\r\n\r\n5\r\nhello\r\n1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT');
  const d = dechunk(b, 8)!;
  assert.equal(text(d.body), 'helloabcdefghijklmnopqrstuvwxyz');
  assert.deepEqual(d.chunks, [
    { line: 8, data: 11, size: 5 },
    { line: 18, data: 33, size: 26 },
  ]);
  assert.equal(text(b.subarray(d.last, d.end)), '0\r\nX-Trailer: 1\r\n\r\n');
  assert.equal(text(b.subarray(d.end)), 'NEXT');
});

test('chunked coding read leniently: bare LF line ends, no CRLF after the data, blanks around the size', () => {
  assert.equal(text(dechunk(enc('3\nabc\n 2 \r\nde0\n\n'), 0)!.body), 'abcde');
  assert.equal(dechunk(enc('0\r\n\r\n'), 0)!.body.length, 0);
});

test('a size line that is not hex is malformed; a message cut short is incomplete and says where to read on', () => {
  assert.equal(scanChunks(enc('zz\r\nabc\r\n0\r\n\r\n'), 0).end, CHUNKS_MALFORMED);
  assert.equal(scanChunks(enc('5x\r\nhello\r\n'), 0).end, CHUNKS_MALFORMED);
  assert.equal(scanChunks(enc('fffffffffffffff\r\n'), 0).end, CHUNKS_MALFORMED);
  // Cut in a size line: reading goes on at that line; cut in a chunk's data: at the data's end, past the bytes in hand.
  const line = scanChunks(enc('5\r\nhello\r\n3'), 0);
  assert.deepEqual([line.end, line.resume, line.afterData], [CHUNKS_INCOMPLETE, 10, false]);
  const cut = scanChunks(enc('5\r\nhello\r\n3\r\nab'), 0);
  assert.deepEqual([cut.end, cut.resume, cut.afterData], [CHUNKS_INCOMPLETE, 16, true]);
  assert.equal(scanChunks(enc('5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n'), cut.resume, undefined, true).end, 23);
  assert.equal(dechunk(enc('5\r\nhello\r\n0\r\nX: 1\r\n'), 0), null);
});

test('gathered a segment at a time, reading on where the last try stopped, it ends where one reading of the whole ends', () => {
  // A long chunk among short ones: the reading waits at its data's end without reading the data again.
  const whole = enc(`a\r\n0123456789\r\n12c\r\n${'x'.repeat(300)}\r\n1\r\nx\n0\r\nT: 1\r\nU: 2\r\n\r\n`);
  const end = scanChunks(whole, 0).end;
  assert.equal(end, whole.length);
  for (const step of [1, 2, 3, 5, 7, 64, 301]) {
    const m: GatheredMessage = { chunks: [], size: 0, need: undefined, chunkAt: 0 };
    for (let at = 0; at < whole.length && m.need === undefined; at += step) {
      const piece = whole.subarray(at, Math.min(whole.length, at + step));
      m.chunks.push(piece);
      m.size += piece.length;
      readOnChunks(m);
    }
    assert.equal(m.need, end, `pieces of ${step}`);
  }
  // A broken size line met a segment at a time: the message is what came.
  const broken: GatheredMessage = { chunks: [enc('5\r\nhel'), enc('lo\r\nzz\r\n')], size: 15, need: undefined, chunkAt: 0 };
  readOnChunks(broken);
  assert.equal(broken.need, 15);
});
