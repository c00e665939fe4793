// What follows an HTTP message's head, read from its raw bytes as http.ts reads it from the head's text: no body
// (1xx, 204, 304), a chunked body, or Content-Length's; so the import's walk (first-pass.ts) comes to the
// dissector's outcome without a dissection, and mostly without making text. The message's start (its first line,
// where the head ends) is wire/http-message.ts's, shared with the dissector.

import { isVersion, MAX_PDU, statusLineAt } from '../wire/http-message.ts';

const CONTENT_LENGTH = Array.from('\r\ncontent-length:', (c) => c.charCodeAt(0));

/** What follows a head: a chunked body (CHUNKED_BODY), else its length. */
export const CHUNKED_BODY = -1;

/** What readHead found after the head it ended. */
export interface HeadBody {
  body: number;
}

/**
 * The head of a message that starts at b[0], read in one pass over its lines: where it ends (just after its
 * CRLF CRLF, as wire/http-message.ts's headerEnd; -1 when it has not all come), and in `out.body` what follows it
 * as http.ts reads the head's text: no body for a 1xx, 204 or 304 status (its bodyless), a chunked body when a
 * Transfer-Encoding line names chunked (its chunkedBody, which wins), else the first Content-Length with digits
 * (its bodyLength), else 0.
 */
export function readHead(b: Uint8Array, out: HeadBody): number {
  return readHeadAt(b, 0, b.length, out);
}

/**
 * readHead of a message whose bytes so far are b[s, z), read in place (a segment's payload inside the file's
 * bytes); where the head ends counts from s. `from`: where its first line ends, when known (startLineEnd's).
 */
export function readHeadAt(b: Uint8Array, s: number, z: number, out: HeadBody, from = s): number {
  let length = -1;
  let chunked = false;
  // Every CR LF has one of its two bytes at an odd distance from `from`: looking at those alone finds them all, in
  // order (and none starts before `from`, the first line's end).
  for (let k = from + 1; k < z; k += 2) {
    // Most bytes of a head are letters, digits and punctuation (above CR): one comparison passes them, two a step.
    while (k + 2 < z && b[k]! > 13 && b[k + 2]! > 13) k += 4;
    if (k >= z) break;
    const x = b[k]!;
    if (x > 13) continue;
    let i: number;
    if (x === 10) {
      if (b[k - 1] !== 13) continue;
      i = k - 1;
    } else if (x === 13) {
      if (k + 1 >= z || b[k + 1] !== 10) continue;
      i = k;
    } else continue;
    if (i + 3 >= z) break;
    // CR LF at i: the head's end, or a header line at i + 2 (the name's first letter picks the one to compare).
    const c = b[i + 2]!;
    if (c === 13) {
      if (b[i + 3] === 10) {
        out.body = bodylessHead(b, s) ? 0 : chunked ? CHUNKED_BODY : length < 0 ? 0 : length;
        return i + 4 - s;
      }
      continue;
    }
    const l = c | 0x20;
    if (l === 116) {
      if (!chunked && matchesAt(b, i, z, TRANSFER_ENCODING) && namesChunked(b, i + TRANSFER_ENCODING.length, z)) chunked = true;
    } else if (l === 99 && length < 0 && matchesAt(b, i, z, CONTENT_LENGTH)) length = contentLengthAt(b, i + CONTENT_LENGTH.length, z);
  }
  return -1;
}

/** After "content-length:": blanks, then digits (http.ts's regex); -1 when no digit follows. */
function contentLengthAt(b: Uint8Array, j: number, end: number): number {
  while (j < end && (b[j] === 32 || b[j] === 9)) j++;
  let v = 0;
  let digits = 0;
  while (j < end && b[j]! >= 48 && b[j]! <= 57) {
    v = v * 10 + (b[j]! - 48);
    digits++;
    j++;
  }
  return digits > 0 ? Math.min(v, MAX_PDU) : -1;
}

/**
 * http.ts's bodyless(): a status line of 1xx, 204 or 304 (the head at b[s..] has a CRLF). Its STATUS regex,
 * /^HTTP\/\d\.\d \d{3}( .*)?$/, read on the bytes: "." takes any byte but CR and LF.
 */
function bodylessHead(b: Uint8Array, s: number): boolean {
  // Only a status line can say so (a request's line does not start "HTTP/").
  if (!isVersion(b, s)) return false;
  // The line up to the head's first CR LF: a lone CR or LF in it fails the regex's "."
  let le = s;
  while (!(b[le] === 13 && b[le + 1] === 10)) le++;
  if (!statusLineAt(b, s, le)) return false;
  for (let k = s + 13; k < le; k++) if (b[k] === 10 || b[k] === 13) return false;
  const status = (b[s + 9]! - 48) * 100 + (b[s + 10]! - 48) * 10 + (b[s + 11]! - 48);
  return status < 200 || status === 204 || status === 304;
}

/** Whether `pattern` (lower case) is at b[i..end): its letters in either case (a regex's "i"), the rest as they are. */
function matchesAt(b: Uint8Array, i: number, end: number, pattern: readonly number[]): boolean {
  if (i + pattern.length > end) return false;
  for (let k = 0; k < pattern.length; k++) {
    const x = b[i + k];
    const c = pattern[k]!;
    if (x !== c && !(c >= 97 && c <= 122 && x === c - 32)) return false;
  }
  return true;
}

const TRANSFER_ENCODING = Array.from('\r\ntransfer-encoding:', (c) => c.charCodeAt(0));
const CHUNKED = Array.from('chunked', (c) => c.charCodeAt(0));

/** http.ts's /\r\ntransfer-encoding:[^\r\n]*chunked/i after the header's name: "chunked" (any case) on its line. */
function namesChunked(b: Uint8Array, from: number, end: number): boolean {
  for (let j = from; j + CHUNKED.length <= end && b[j] !== 13 && b[j] !== 10; j++) if (matchesAt(b, j, end, CHUNKED)) return true;
  return false;
}
