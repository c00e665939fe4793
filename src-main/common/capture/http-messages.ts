// HTTP/1.x messages read back from one reassembled direction of a TCP stream (Follow HTTP stream): start line,
// headers, and the body as Content-Length, chunked transfer coding or the connection's close delimits it
// (RFC 9112 6.3), its content coding (gzip, deflate) undone for the text. Requests and responses are then paired
// in order, as HTTP/1.1 pipelining answers them.

import type { HttpExchange, HttpMessageView } from '../api/capture-analysis-types.ts';
import { decodableCoding, InflateError, uncompressAsWireshark } from '../compress/index.ts';
import type { Direction } from './tcp-reassembly.ts';
import { dechunk } from '../wire/http-chunked.ts';
import { latin1, lineFeed } from '../wire/http-message.ts';

/** Body text kept per message. */
export const HTTP_BODY_TEXT_MAX = 64 * 1024;

const REQUEST = /^[A-Z]+ \S+ HTTP\/\d\.\d$/;
const STATUS = /^HTTP\/\d\.\d \d{3}( .*)?$/;

/** Where a direction's bytes came from: `at` is the offset of the frame's first byte in the direction. */
export interface ByteOrigin {
  at: number;
  frame: number;
  time: number;
}

/** The offset just past the blank line that ends the headers, or -1. */
function headersEnd(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) {
    if (b[i] !== 10) continue;
    if (b[i + 1] === 10) return i + 2;
    if (b[i + 1] === 13 && b[i + 2] === 10) return i + 3;
  }
  return -1;
}

function isText(contentType: string | null, body: Uint8Array): boolean {
  if (contentType !== null) {
    const t = contentType.toLowerCase();
    return t.startsWith('text/') || /json|xml|javascript|x-www-form-urlencoded/.test(t);
  }
  for (let i = 0; i < Math.min(body.length, 512); i++) {
    const c = body[i]!;
    if (c < 9 || (c > 13 && c < 32)) return false;
  }
  return true;
}


function framesOf(origins: readonly ByteOrigin[], start: number, end: number): { frames: number[]; time: number } {
  const frames: number[] = [];
  let time = 0;
  for (let i = 0; i < origins.length; i++) {
    const o = origins[i]!;
    const oEnd = i + 1 < origins.length ? origins[i + 1]!.at : Number.POSITIVE_INFINITY;
    if (oEnd <= start || o.at >= end) continue;
    if (frames.length === 0) time = o.time;
    if (frames[frames.length - 1] !== o.frame) frames.push(o.frame);
  }
  return { frames, time };
}

/**
 * The messages in one direction's bytes, in order. `noBody(i)` says the i-th response has no body whatever its
 * headers say (it answers a HEAD). Bytes that do not start a message end the reading.
 */
export function parseHttpMessages(bytes: Uint8Array, dir: Direction, origins: readonly ByteOrigin[], noBody: (i: number) => boolean = () => false): HttpMessageView[] {
  const out: HttpMessageView[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const le = lineFeed(bytes, pos);
    const startLine = latin1(bytes, pos, le < 0 ? Math.min(bytes.length, pos + 2048) : le).replace(/\r$/, '');
    const kind = REQUEST.test(startLine) ? 'request' : STATUS.test(startLine) ? 'response' : null;
    if (kind === null) break;
    const he = headersEnd(bytes, pos);
    const headers: [string, string][] = [];
    const headText = latin1(bytes, le < 0 ? bytes.length : le + 1, he < 0 ? bytes.length : he);
    for (const line of headText.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    const header = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? null;
    const contentType = header('content-type');
    let body: Uint8Array = new Uint8Array(0);
    let end = bytes.length;
    let complete = he >= 0;
    if (he >= 0) {
      const status = kind === 'response' ? Number(startLine.split(' ')[1]) : 0;
      const bodyless = kind === 'response' && (status < 200 || status === 204 || status === 304 || noBody(out.filter((m) => m.kind === 'response').length));
      const length = header('content-length');
      if (bodyless) end = he;
      else if ((header('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
        const d = dechunk(bytes, he);
        if (d) ({ body, end } = d);
        else {
          body = bytes.subarray(he);
          complete = false;
        }
      } else if (length !== null && /^\d+$/.test(length)) {
        end = Math.min(bytes.length, he + Number(length));
        complete = he + Number(length) <= bytes.length;
        body = bytes.subarray(he, end);
      } else if (kind === 'request') end = he;
      else body = bytes.subarray(he); // delimited by the connection's close
    }
    const { frames, time } = framesOf(origins, pos, end);
    const encoding = header('content-encoding');
    const coding = body.length > 0 ? decodableCoding(encoding) : null;
    let shown: Uint8Array | null = (encoding ?? 'identity').toLowerCase() === 'identity' ? body : null;
    let decoded: HttpMessageView['decoded'];
    if (coding !== null) {
      try {
        shown = uncompressAsWireshark(coding, body);
        decoded = { coding: encoding!, length: shown.length, error: null };
      } catch (e) {
        if (!(e instanceof InflateError)) throw e;
        decoded = { coding: encoding!, length: null, error: e.message };
      }
    }
    const text = shown !== null && shown.length > 0 && isText(contentType, shown) ? shown : null;
    out.push({
      dir,
      kind,
      frames,
      timeRelative: time,
      startLine,
      headers,
      contentType,
      bodyLength: body.length,
      bodyText: text ? new TextDecoder('utf-8').decode(text.subarray(0, HTTP_BODY_TEXT_MAX)) : null,
      ...(decoded ? { decoded } : {}),
      complete,
    });
    pos = end;
  }
  return out;
}

/** Requests and responses paired in order (a response with no request, or the reverse, stands alone). */
export function pairHttp(messages: readonly HttpMessageView[]): HttpExchange[] {
  const requests = messages.filter((m) => m.kind === 'request');
  const responses = messages.filter((m) => m.kind === 'response');
  const out: HttpExchange[] = [];
  for (let i = 0; i < Math.max(requests.length, responses.length); i++) out.push({ request: requests[i] ?? null, response: responses[i] ?? null });
  return out;
}
