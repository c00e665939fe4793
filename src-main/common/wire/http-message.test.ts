// looksLikeHttp reads the first line on its bytes; the regexes it stands for decide the same for every line here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from './bytes.ts';
import { firstLineOf, looksLikeHttp, looksLikeHttpAt } from './http-message.ts';

const REQUEST = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) \S+ HTTP\/\d\.\d$/;
const STATUS = /^HTTP\/\d\.\d \d{3}( .*)?$/;
const truth = (b: Uint8Array) => b.length >= 5 && 'GPDHOCT'.includes(String.fromCharCode(b[0]!)) && (REQUEST.test(firstLineOf(b)) || STATUS.test(firstLineOf(b)));
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

const LINES = [
  'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /hello.txt HTTP/1.0',
  'POST /x?y=1 HTTP/1.1\r\n',
  'PATCH /a HTTP/2.0\n',
  'GET  / HTTP/1.1\r\n',
  'GET /\ta HTTP/1.1\r\n',
  'GET /\xa0 HTTP/1.1\r\n',
  'GET / HTTP/1.1 \r\n',
  'GET / HTTP/1.12\r\n',
  'GET / HTTP/x.1\r\n',
  'GETS / HTTP/1.1\r\n',
  'get / HTTP/1.1\r\n',
  'GET\r\n',
  'GET \r\n',
  'GET / HTTP/1.',
  'HTTP/1.1 200 OK\r\n',
  'HTTP/1.0 204\r\n',
  'HTTP/1.1 200OK\r\n',
  'HTTP/1.1 20 OK\r\n',
  'HTTP/1.1 2000 OK\r\n',
  'HTTP/1.1 200 \x85weird\r\n',
  'HTTP/1.1 200 tab\there\r\n',
  'HTTP/1.1 200 lone\rcr\n',
  'HTTP/1.1  200 OK\r\n',
  'HTTPS/1.1 200 OK\r\n',
  'DELETE /r HTTP/1.1',
  'CONNECT host:443 HTTP/1.1\r\n',
  'OPTIONS * HTTP/1.1\r\n',
  'TRACE / HTTP/1.1\r\n',
  'HEAD /x HTTP/1.1\r\n',
  'PUT /y HTTP/1.1\r\n',
  `GET /${'a'.repeat(2030)} HTTP/1.1\r\n`,
  `GET /${'a'.repeat(2040)} HTTP/1.1\r\n`,
  'Ok',
];

/** looksLikeHttpAt on `b` inside other bytes, which would complete a cut line were they read. */
function inPlace(b: Uint8Array): boolean {
  const before = bytes('GET ');
  const after = bytes('T / HTTP/1.1\r\n');
  return looksLikeHttpAt(concatBytes([before, b, after]), before.length, before.length + b.length);
}

test('looksLikeHttp decides as the request and status regexes on their first line', () => {
  for (const line of LINES) assert.equal(looksLikeHttp(bytes(line)), truth(bytes(line)), JSON.stringify(line.slice(0, 40)));
});

test('looksLikeHttpAt decides in place as looksLikeHttp on the bytes alone', () => {
  const cut = ['GET / HTTP/1.', 'HTTP/1.1 20', 'GE', 'OPTIONS', 'DELETE /x', 'HTTP/1.1 200 OK'];
  for (const line of [...LINES, ...cut]) assert.equal(inPlace(bytes(line)), looksLikeHttp(bytes(line)), JSON.stringify(line.slice(0, 40)));
  assert.equal(looksLikeHttp(bytes('GET / HTTP/1.')), false);
});

test('looksLikeHttp on 20,000 mutated lines decides as the regexes', () => {
  let seed = 7;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  const alphabet = ' \t\r\n\xa0./:0123456789HTTPGETOSUDLACNRXa';
  let yes = 0;
  for (let n = 0; n < 20_000; n++) {
    const b = bytes(LINES[n % LINES.length]!);
    const k = 1 + Math.floor(next() * 3);
    for (let j = 0; j < k; j++) {
      const at = Math.floor(next() * Math.min(b.length, 24));
      b[at] = next() < 0.7 ? alphabet.charCodeAt(Math.floor(next() * alphabet.length)) : Math.floor(next() * 256);
    }
    const want = truth(b);
    if (want) yes++;
    assert.equal(looksLikeHttp(b), want, JSON.stringify(String.fromCharCode(...b.subarray(0, 40))));
    assert.equal(inPlace(b), want, `in place: ${JSON.stringify(String.fromCharCode(...b.subarray(0, 40)))}`);
  }
  assert.ok(yes > 1000, `some mutated lines still start a message (${yes})`);
});
