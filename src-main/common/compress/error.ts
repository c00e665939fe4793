// The one error the decompressors throw for bad or hostile bytes: it names the format, what is wrong and the byte
// offset (in the bytes handed to the outermost call: a gzip member's CRC error points into the gzip stream), so the
// HTTP dissector can say why a body did not decode and a fuzz test can tell a controlled refusal from a crash.

export type CompressedFormat = 'deflate' | 'gzip' | 'zlib';

export class InflateError extends Error {
  constructor(
    /** The layer that refused: raw DEFLATE (RFC 1951), its gzip (RFC 1952) or zlib (RFC 1950) wrapper. */
    readonly format: CompressedFormat,
    /** Byte offset of the offending field or code in the input. */
    readonly offset: number,
    /** What is wrong, in plain words. */
    readonly reason: string,
  ) {
    super(`${format}: ${reason} (at byte ${offset})`);
    this.name = 'InflateError';
  }

  /** What raw DEFLATE had put out before it stopped (inflateRaw sets it): zlib hands such output on too. */
  partial: Uint8Array | undefined;

  /** The input ended before the data did (rather than holding something wrong). */
  get truncated(): boolean {
    return this.reason.startsWith('truncated');
  }
}
