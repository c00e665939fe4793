// The one error the capture readers throw for bad bytes. It names where the damage is — the record (pcap) or
// block (pcapng) number, counted from 1 as Wireshark counts frames, and the absolute byte offset in the file —
// and how many packets were read before it, so an import can say "read 16 packets, stopped at byte 1234".

export type CaptureFormat = 'pcap' | 'pcapng';

export class CaptureError extends Error {
  constructor(
    readonly format: CaptureFormat | 'unknown',
    /** What was being read: "header", "record" (pcap) or "block" (pcapng). */
    readonly unit: 'header' | 'record' | 'block',
    /** 1-based number of the record or block; 0 for the file header. */
    readonly index: number,
    /** Absolute byte offset in the file where the bad record, block or field starts. */
    readonly offset: number,
    /** Packets successfully read before the error. */
    readonly packetsRead: number,
    /** What is wrong, in plain words. */
    readonly reason: string,
  ) {
    super(
      format === 'unknown' ? reason : unit === 'header' ? `${format} header at byte ${offset}: ${reason}` : `${unit} ${index} at byte ${offset}: ${reason}`,
    );
    this.name = 'CaptureError';
  }
}

/** Timestamps the writers accept: integer nanoseconds of virtual time, as a number or a bigint. */
export type Nanos = bigint | number;

/** Turns a number or bigint of nanoseconds into a bigint, refusing fractions and non-finite values. */
export function toBigNs(what: string, v: Nanos): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isInteger(v)) throw new RangeError(`${what} must be an integer number of nanoseconds, got ${v}`);
  return BigInt(v);
}
