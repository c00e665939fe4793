// State that lives across the frames of one capture, as Wireshark's conversations and per-frame protocol data:
// TCP stream indexes and relative sequence numbers, ICMP/DNS request–response matching, IPv4 reassembly, HTTP
// bodies spread over segments. Frames are first seen in order (the packet list's one pass); seeing a frame again
// (the detail tree of a selected frame, a display filter) reads what the first pass recorded, so the answers do
// not depend on the order frames are revisited.
//
// Each protocol keeps its own state object under its name (`protoState`), so the context knows nothing of TCP.

export class CaptureContext {
  /** Timestamp of the first frame seen (frame.time_relative counts from it). */
  firstTsNs: bigint | undefined;
  /** The highest frame number seen so far. */
  lastNumber = 0;
  private readonly perFrame = new Map<number, Map<string, unknown>>();
  private readonly protos = new Map<string, unknown>();

  /** Marks frame `number` as being dissected; returns true the first time (the first pass). */
  begin(number: number, tsNs: bigint): boolean {
    if (this.firstTsNs === undefined) this.firstTsNs = tsNs;
    if (number > this.lastNumber) {
      this.lastNumber = number;
      return true;
    }
    return false;
  }

  /** A protocol's cross-frame state, created on first use. */
  protoState<T>(name: string, init: () => T): T {
    let s = this.protos.get(name) as T | undefined;
    if (s === undefined) {
      s = init();
      this.protos.set(name, s);
    }
    return s;
  }

  /** What the first pass recorded for frame `number` under `key`. */
  frameData<T>(number: number, key: string): T | undefined {
    return this.perFrame.get(number)?.get(key) as T | undefined;
  }

  setFrameData(number: number, key: string, value: unknown): void {
    let m = this.perFrame.get(number);
    if (!m) {
      m = new Map();
      this.perFrame.set(number, m);
    }
    m.set(key, value);
  }
}
