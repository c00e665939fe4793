// The one error every wire parser and emitter throws for bad bytes: it names the protocol, the field and the
// byte offset (relative to the start of the bytes handed to that protocol's parse/emit), so a dissector can point
// at the exact byte and a fuzz test can tell a controlled refusal from a crash.

export class WireError extends Error {
  constructor(
    /** Short protocol name as in display filters: "eth", "arp", "ip", "icmp", "udp", "tcp", "vxlan", "dns". */
    readonly protocol: string,
    /** The field being read or checked, e.g. "ihl", "total_length", "options". */
    readonly field: string,
    /** Byte offset of that field within the protocol's bytes. */
    readonly offset: number,
    /** What is wrong, in plain words. */
    readonly reason: string,
  ) {
    super(`${protocol}: ${reason} (field ${field} at offset ${offset})`);
    this.name = 'WireError';
  }
}

/** Throws a WireError if fewer than `need` bytes are available from `offset` in a buffer of `have` bytes. */
export function requireBytes(protocol: string, field: string, offset: number, need: number, have: number): void {
  if (offset + need > have) {
    throw new WireError(protocol, field, offset, `truncated: needs ${need} byte${need === 1 ? '' : 's'} at offset ${offset}, only ${Math.max(0, have - offset)} available`);
  }
}

/** The check an emitter makes before writing: the destination must hold `need` bytes from `offset`. */
export function requireRoom(protocol: string, buf: Uint8Array, offset: number, need: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + need > buf.length) {
    throw new WireError(protocol, 'buffer', offset, `buffer too small: needs ${need} bytes at offset ${offset}, buffer holds ${buf.length}`);
  }
}
