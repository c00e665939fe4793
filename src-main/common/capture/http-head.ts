// What follows an HTTP message's head, read from its raw bytes as http.ts reads it from the head's text: no body
// (1xx, 204, 304), a chunked body, or Content-Length's; so the import's walk (first-pass.ts) comes to the
// dissector's outcome without a dissection, and mostly without making text. The message's start (its first line,
// where the head ends) is wire/http-message.ts's, shared with the dissector.

import { latin1, MAX_PDU, STATUS } from '../wire/http-message.ts';

const CONTENT_LENGTH = Array.from('\r\ncontent-length:', (c) => c.charCodeAt(0));

/** What follows a head `b[0, he)` that ends in CRLF CRLF: a chunked body (CHUNKED_BODY), else its length. */
export const CHUNKED_BODY = -1;
export function bodyOf(b: Uint8Array, he: number): number {
  if (bodylessHead(b)) return 0;
  return chunkedHead(b, he) ? CHUNKED_BODY : bodyLengthOf(b, he);
}

/**
 * http.ts's bodyLength(ascii(head)) of a head that is not bodyless: the first "\r\ncontent-length:" (any case)
 * followed by blanks and digits.
 */
function bodyLengthOf(b: Uint8Array, he: number): number {
  const n = CONTENT_LENGTH.length;
  for (let i = 0; i + n <= he; i++) {
    // Only at a line's start (most bytes fail here, without a call).
    if (b[i] !== 13 || b[i + 1] !== 10 || !matchesAt(b, i, CONTENT_LENGTH)) continue;
    let j = i + n;
    while (j < he && (b[j] === 32 || b[j] === 9)) j++;
    let v = 0;
    let digits = 0;
    while (j < he && b[j]! >= 48 && b[j]! <= 57) {
      v = v * 10 + (b[j]! - 48);
      digits++;
      j++;
    }
    if (digits > 0) return Math.min(v, MAX_PDU);
  }
  return 0;
}

/** http.ts's bodyless(): a status line of 1xx, 204 or 304 (the head `b` has a CRLF). */
function bodylessHead(b: Uint8Array): boolean {
  // Only a status line can say so (a request's line does not start "HTTP/"): no text made for requests.
  if (b[0] !== 72 || b[1] !== 84 || b[2] !== 84 || b[3] !== 80 || b[4] !== 47) return false;
  let le = 0;
  while (!(b[le] === 13 && b[le + 1] === 10)) le++;
  const first = latin1(b, 0, le);
  const status = STATUS.test(first) ? Number(first.split(' ')[1]) : undefined;
  return status !== undefined && (status < 200 || status === 204 || status === 304);
}

/** Whether `pattern` (lower case) is at b[i..]: its letters in either case (a regex's "i"), the rest as they are. */
function matchesAt(b: Uint8Array, i: number, pattern: readonly number[]): boolean {
  for (let k = 0; k < pattern.length; k++) {
    const x = b[i + k];
    const c = pattern[k]!;
    if (x !== c && !(c >= 97 && c <= 122 && x === c - 32)) return false;
  }
  return true;
}

const TRANSFER_ENCODING = Array.from('\r\ntransfer-encoding:', (c) => c.charCodeAt(0));
const CHUNKED = Array.from('chunked', (c) => c.charCodeAt(0));

/**
 * http.ts's chunkedBody(ascii(head)) of a head that is not bodyless: a "\r\ntransfer-encoding:" (any case) whose
 * line holds "chunked" (any case).
 */
function chunkedHead(b: Uint8Array, he: number): boolean {
  const n = TRANSFER_ENCODING.length;
  for (let i = 0; i + n <= he; i++) {
    if (b[i] !== 13 || b[i + 1] !== 10 || !matchesAt(b, i, TRANSFER_ENCODING)) continue;
    for (let j = i + n; j + CHUNKED.length <= he && b[j] !== 13 && b[j] !== 10; j++) if (matchesAt(b, j, CHUNKED)) return true;
  }
  return false;
}
