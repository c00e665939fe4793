// readHead reads a head in one pass as headerEnd and http.ts's text regexes read it: where it ends, and what body
// follows (none for 1xx/204/304, chunked, Content-Length), on chosen heads and on 30,000 mutated ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerEnd, latin1, MAX_PDU, startLineEnd, STATUS } from '../wire/http-message.ts';
import { CHUNKED_BODY, readHead, readHeadAt } from './http-head.ts';
import { concatBytes } from '../wire/bytes.ts';

/** http.ts's reading of a head's text (bodyless, chunkedBody, bodyLength), as the oracle. */
function truth(b: Uint8Array): { he: number; body?: number } {
  const he = headerEnd(b);
  if (he < 0) return { he };
  const head = latin1(b, 0, he);
  const first = head.slice(0, head.indexOf('\r\n'));
  const status = STATUS.test(first) ? Number(first.split(' ')[1]) : undefined;
  const bodyless = status !== undefined && (status < 200 || status === 204 || status === 304);
  if (bodyless) return { he, body: 0 };
  if (/\r\ntransfer-encoding:[^\r\n]*chunked/i.test(head)) return { he, body: CHUNKED_BODY };
  const m = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  return { he, body: m ? Math.min(Number(m[1]), MAX_PDU) : 0 };
}

/** Bytes around a head read in place (readHeadAt), that would end it or give it a body were they read. */
const BEFORE = Uint8Array.from('\r\n\r\nX', (c) => c.charCodeAt(0));
const AFTER = Uint8Array.from('\r\n\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n', (c) => c.charCodeAt(0));

/** Heads read() also read from the end of their start line. */
let startLines = 0;

/** readHead's answer, which readHeadAt gives too for the same bytes inside others. */
function read(b: Uint8Array): { he: number; body?: number } {
  const out = { body: NaN };
  const he = readHead(b, out);
  const inPlace = { body: NaN };
  const all = concatBytes([BEFORE, b, AFTER]);
  const heAt = readHeadAt(all, BEFORE.length, BEFORE.length + b.length, inPlace);
  assert.deepEqual(heAt < 0 ? { he: heAt } : { he: heAt, body: inPlace.body }, he < 0 ? { he } : { he, body: out.body }, 'read in place');
  // From the end of a start line (as the import reads a message's first segment).
  const lineEnd = startLineEnd(all, BEFORE.length, BEFORE.length + b.length);
  if (lineEnd >= 0) {
    const after = { body: NaN };
    const heAfter = readHeadAt(all, BEFORE.length, BEFORE.length + b.length, after, lineEnd);
    assert.deepEqual(heAfter < 0 ? { he: heAfter } : { he: heAfter, body: after.body }, he < 0 ? { he } : { he, body: out.body }, 'read after the start line');
    startLines++;
  }
  return he < 0 ? { he } : { he, body: out.body };
}

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const HEADS = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world!',
  'HTTP/1.1 200 OK\r\ncontent-length:\t 7\r\nContent-Length: 9\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: x\r\nContent-Length: 9\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, CHUNKED\r\nContent-Length: 5\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
  'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
  'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n',
  'HTTP/1.1 101 Switching\r\n\r\n',
  'HTTP/1.1 200\r\nContent-Length: 99999999999\r\n\r\n',
  'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n',
  'HTTP/1.1 200 OK\r\n\r\n',
  '\r\n\r\n',
  'POST /x HTTP/1.1\r\nX-Content-Length: 4\r\n\r\n',
  'POST /x HTTP/1.1\r\nContent-Length : 4\r\n\r\n',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n chunked\r\n\r\n',
  'HTTP/1.1 200 OK\n\nContent-Length: 4\r\n\r\n',
];

test('readHead (and readHeadAt in place) ends the head and reads its body as headerEnd and http.ts do', () => {
  for (const h of HEADS) assert.deepEqual(read(bytes(h)), truth(bytes(h)), JSON.stringify(h));
});

test('readHead on 30,000 mutated heads reads as headerEnd and http.ts do', () => {
  let seed = 11;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  const alphabet = '\r\n\t :0123456789chunkedCHUNKEDlengthLENGTHtransfer-encodingcontent-';
  let ended = 0;
  for (let n = 0; n < 30_000; n++) {
    const b = bytes(HEADS[n % HEADS.length]!);
    for (let j = 0, k = 1 + Math.floor(next() * 4); j < k; j++) {
      const at = Math.floor(next() * b.length);
      b[at] = next() < 0.8 ? alphabet.charCodeAt(Math.floor(next() * alphabet.length)) : Math.floor(next() * 256);
    }
    const want = truth(b);
    if (want.he >= 0) ended++;
    assert.deepEqual(read(b), want, JSON.stringify(String.fromCharCode(...b)));
  }
  assert.ok(ended > 10_000, `most mutated heads still end (${ended})`);
  assert.ok(startLines > 10_000, `most mutated heads still start a message (${startLines})`);
});
