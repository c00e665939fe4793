// Decompression for bytes off the wire (HTTP bodies), in plain TypeScript so the renderer can use it: raw DEFLATE
// and its gzip and zlib wrappers, each refusing bad or oversized input with an InflateError.
//
//   import { decodeContent, decodableCoding } from '../compress/index.ts';

export { adler32, crc32 } from './checksums.ts';
export { decodableCoding, decodeContent, type ContentCoding } from './content-coding.ts';
export { InflateError, type CompressedFormat } from './error.ts';
export { gunzip } from './gzip.ts';
export { DEFAULT_MAX_OUTPUT, inflateRaw, type Inflated, type InflateOptions } from './inflate.ts';
export { looksLikeZlib, unzlib } from './zlib.ts';
export { uncompressAsWireshark } from './wireshark-uncompress.ts';
