// HTTP content codings (RFC 9110 8.4.1) this code can undo: gzip (and its old name x-gzip) and deflate. "deflate"
// is meant to be zlib-wrapped, but some servers send raw DEFLATE; like Wireshark, both are accepted.

import { gunzip } from './gzip.ts';
import { inflateRaw, type InflateOptions } from './inflate.ts';
import { InflateError } from './error.ts';
import { looksLikeZlib, unzlib } from './zlib.ts';

export type ContentCoding = 'gzip' | 'deflate';

/** The coding a Content-Encoding value names when it is one this code decodes, else null (identity, br, a list). */
export function decodableCoding(contentEncoding: string | null | undefined): ContentCoding | null {
  const c = (contentEncoding ?? '').trim().toLowerCase();
  if (c === 'gzip' || c === 'x-gzip') return 'gzip';
  if (c === 'deflate') return 'deflate';
  return null;
}

/** Undoes `coding` on `body`; throws InflateError when the body does not decode. */
export function decodeContent(coding: ContentCoding, body: Uint8Array, options: InflateOptions = {}): Uint8Array {
  if (coding === 'gzip') return gunzip(body, options);
  if (looksLikeZlib(body)) return unzlib(body, options);
  const { output, end } = inflateRaw(body, 0, options);
  if (end < body.length) throw new InflateError('deflate', end, `${body.length - end} bytes of trailing data after the DEFLATE stream`);
  return output;
}
