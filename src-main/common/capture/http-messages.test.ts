// HTTP/1.x messages read back from a direction's bytes: Content-Length, chunked coding, HEAD, pipelining, a body
// delimited by the close, a message the stream cut short, gzip and deflate bodies decoded; and which frames carried
// each message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { pairHttp, parseHttpMessages, type ByteOrigin } from './http-messages.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const one: ByteOrigin[] = [{ at: 0, frame: 1, time: 0 }];

describe('HTTP messages', () => {
  it('reads pipelined requests and pairs them with their responses in order, HEAD’s without a body', () => {
    const requests = parseHttpMessages(bytes('GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\n'), 0, one);
    assert.deepEqual(
      requests.map((m) => m.startLine),
      ['GET /a HTTP/1.1', 'HEAD /b HTTP/1.1'],
    );
    const text = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n';
    const origins: ByteOrigin[] = [
      { at: 0, frame: 5, time: 1 },
      { at: 41, frame: 6, time: 2 },
    ];
    const head = (i: number) => requests[i]?.startLine.startsWith('HEAD ') ?? false;
    const responses = parseHttpMessages(bytes(text), 1, origins, head);
    assert.deepEqual(
      responses.map((m) => [m.bodyLength, m.bodyText, m.complete, m.frames]),
      [
        [3, 'abc', true, [5]],
        [0, null, true, [6]],
      ],
    );
    const pairs = pairHttp([...requests, ...responses]);
    assert.equal(pairs.length, 2);
    assert.equal(pairs[1]!.request?.startLine, 'HEAD /b HTTP/1.1');
    assert.equal(pairs[1]!.response?.headers[0]![1], '900');
  });

  it('decodes a chunked body with trailers, then reads the next message', () => {
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-T: 1\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n';
    const m = parseHttpMessages(bytes(text), 1, one);
    assert.equal(m.length, 2);
    assert.equal(m[0]!.bodyText, 'hello, world');
    assert.equal(m[0]!.bodyLength, 12);
    assert.equal(m[1]!.startLine, 'HTTP/1.1 204 No Content');
  });

  it('takes a response without a length to the end of the stream, and marks one cut short', () => {
    const close = parseHttpMessages(bytes('HTTP/1.0 200 OK\r\n\r\nall of it'), 1, one);
    assert.equal(close[0]!.bodyText, 'all of it');
    const cut = parseHttpMessages(bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), 1, one);
    assert.deepEqual([cut[0]!.complete, cut[0]!.bodyLength], [false, 3]);
    const noHeadersEnd = parseHttpMessages(bytes('GET / HTTP/1.1\r\nHost: x\r\n'), 0, one);
    assert.equal(noHeadersEnd[0]!.complete, false);
  });

  it('decodes a gzip or deflate body for its text, and leaves a coding it does not know as binary', () => {
    const deflated = deflateRawSync(bytes('raw deflate, as some servers send it'));
    const m = parseHttpMessages(new Uint8Array([...bytes(`HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: ${deflated.length}\r\n\r\n`), ...deflated]), 1, one);
    assert.deepEqual([m[0]!.bodyText, m[0]!.bodyLength, m[0]!.decoded], ['raw deflate, as some servers send it', deflated.length, { coding: 'deflate', length: 36, error: null }]);
    const br = parseHttpMessages(bytes('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc'), 1, one);
    assert.deepEqual([br[0]!.bodyText, br[0]!.decoded], [null, undefined]);
    // Cut short, it gives what came decoded (as Wireshark); of an unknown method, nothing and why.
    const cut = gzipSync(bytes('cut short')).subarray(0, 15);
    const part = parseHttpMessages(new Uint8Array([...bytes('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n'), ...cut]), 1, one);
    assert.deepEqual([part[0]!.bodyText, part[0]!.decoded], ['cut ', { coding: 'gzip', length: 4, error: null }]);
    const unknown = gzipSync(bytes('method 7'));
    unknown[2] = 7;
    const bad = parseHttpMessages(new Uint8Array([...bytes('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n'), ...unknown]), 1, one);
    assert.deepEqual([bad[0]!.bodyText, bad[0]!.decoded?.length], [null, null]);
    assert.match(bad[0]!.decoded!.error!, /^gzip: unsupported compression method 7/);
  });

  it('stops at bytes that do not start a message, and keeps binary bodies out of the text', () => {
    assert.deepEqual(parseHttpMessages(bytes('\x16\x03\x01 TLS'), 0, one), []);
    const bin = new Uint8Array([...bytes('HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 4\r\n\r\n'), 0x89, 0x50, 0x4e, 0x47]);
    const m = parseHttpMessages(bin, 1, one);
    assert.deepEqual([m[0]!.bodyLength, m[0]!.bodyText, m[0]!.contentType], [4, null, 'image/png']);
  });
});
