import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHUNKS_INCOMPLETE, CHUNKS_MALFORMED, dechunk, scanChunks } from './http-chunked.ts';

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

test('a size line that is not hex is malformed; a message cut short is incomplete and resumes at the line it stopped on', () => {
  assert.equal(scanChunks(enc('zz\r\nabc\r\n0\r\n\r\n'), 0).end, CHUNKS_MALFORMED);
  assert.equal(scanChunks(enc('5x\r\nhello\r\n'), 0).end, CHUNKS_MALFORMED);
  assert.equal(scanChunks(enc('fffffffffffffff\r\n'), 0).end, CHUNKS_MALFORMED);
  const cut = scanChunks(enc('5\r\nhello\r\n3\r\nab'), 0);
  assert.deepEqual([cut.end, cut.resume], [CHUNKS_INCOMPLETE, 10]);
  assert.equal(dechunk(enc('5\r\nhello\r\n0\r\nX: 1\r\n'), 0), null);
});

test('read a piece at a time, resuming where the last try stopped, it ends where one reading of the whole ends', () => {
  const whole = enc('a\r\n0123456789\r\n1\r\nx\n0\r\nT: 1\r\nU: 2\r\n\r\n');
  const end = scanChunks(whole, 0).end;
  assert.equal(end, whole.length);
  for (let step = 1; step <= 7; step++) {
    let resume = 0;
    let found = CHUNKS_INCOMPLETE;
    for (let have = step; found === CHUNKS_INCOMPLETE; have = Math.min(whole.length, have + step)) {
      const scan = scanChunks(whole.subarray(0, have), resume);
      found = scan.end;
      resume = scan.resume;
      if (have === whole.length) break;
    }
    assert.equal(found, end, `pieces of ${step}`);
  }
});
