// A Content-Encoding body decoded as Wireshark decodes it (epan/tvbuff_zlib.c tvb_uncompress, used by its HTTP
// dissector for gzip and deflate alike), so the detail tree shows what tshark shows, which is more forgiving than
// the RFCs (gunzip, unzlib here refuse what they do not hold to):
//  - whatever the coding says, the bytes are taken as zlib when their first two bytes are a zlib header, as gzip
//    when they start 1f 8b (its header skipped by hand: method 8, MTIME/XFL/OS, the extra field, file name and
//    comment; a header CRC is not skipped), else as raw DEFLATE;
//  - gzip's data is inflated raw, so its trailer (CRC-32, length) is never checked and what follows the DEFLATE
//    stream is ignored; a zlib stream's Adler-32 is checked by zlib;
//  - input that ends early gives what was decoded up to there (a body cut by the capture); a data error gives
//    nothing, as zlib's output of that call is dropped (Wireshark's buffer outsizes small bodies), and zlib data
//    that fails is tried again as raw DEFLATE from the first byte;
//  - nothing decoded is a failure.
// Failing, it throws the InflateError of the strict decoder for the same bytes when there is one (it says why).

import { decodeContent, type ContentCoding } from './content-coding.ts';
import { adler32 } from './checksums.ts';
import { InflateError } from './error.ts';
import { inflateRaw, type InflateOptions } from './inflate.ts';
import { looksLikeZlib } from './zlib.ts';

const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

type Attempt = { ok: Uint8Array } | { failed: InflateError };

/** Raw DEFLATE from `start` as zlib's inflate loop gives it to Wireshark. */
function raw(body: Uint8Array, start: number, options: InflateOptions, check?: (out: Uint8Array, end: number) => boolean): Attempt {
  try {
    const { output, end } = inflateRaw(body, start, options);
    if (check && !check(output, end)) return { failed: new InflateError('zlib', end, 'Adler-32 mismatch') };
    return { ok: output };
  } catch (e) {
    if (!(e instanceof InflateError)) throw e;
    if (e.truncated && e.partial !== undefined && e.partial.length > 0) return { ok: e.partial };
    return { failed: e };
  }
}

/** Where DEFLATE data starts after a gzip header, as Wireshark skips it; undefined when it gives up. */
function gzipDataStart(body: Uint8Array): number | undefined {
  if (body[2] !== 8) return undefined;
  const flags = body[3] ?? 0;
  let c = 10;
  if (flags & FEXTRA) c += 2 + ((body[c] ?? 0) | ((body[c + 1] ?? 0) << 8));
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    while (c < body.length && body[c] !== 0) c++;
    c++;
  }
  return c > body.length ? undefined : c;
}

function attempt(body: Uint8Array, options: InflateOptions): Attempt {
  if (looksLikeZlib(body)) {
    const z = raw(body, 2, options, (out, end) => end + 4 > body.length || ((body[end]! << 24) | (body[end + 1]! << 16) | (body[end + 2]! << 8) | body[end + 3]!) >>> 0 === adler32(out));
    return 'ok' in z ? z : raw(body, 0, options);
  }
  if (body[0] === 0x1f && body[1] === 0x8b) {
    const start = gzipDataStart(body);
    return start === undefined ? { failed: new InflateError('gzip', 2, 'not a gzip header Wireshark reads') } : raw(body, start, options);
  }
  return raw(body, 0, options);
}

/** The decoded body, as tshark shows it; throws InflateError (why, from the strict decoder) where tshark fails. */
export function uncompressAsWireshark(coding: ContentCoding, body: Uint8Array, options: InflateOptions = {}): Uint8Array {
  const a = attempt(body, options);
  if ('ok' in a && a.ok.length > 0) return a.ok;
  // The strict decoder's refusal says best what is wrong; one it would accept fails here only for decoding to nothing.
  decodeContent(coding, body, options);
  throw 'failed' in a ? a.failed : new InflateError(coding === 'gzip' ? 'gzip' : 'deflate', 0, 'nothing to decompress: the body decodes to no bytes');
}
