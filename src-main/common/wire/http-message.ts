// An HTTP/1.x message's start as the dissector and the import's walk both read it from the bytes of a TCP
// payload: whether it starts a message (a request or status line), its first line, where its head ends. One
// reading for both, so the walk comes to the dissector's outcome.

/** A message bigger than this is taken as complete (reassembly gives up waiting for the rest). */
export const MAX_PDU = 4 * 1024 * 1024;
const METHODS = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) \S+ HTTP\/\d\.\d$/;
/** A status line ("HTTP/1.1 200 OK"). */
export const STATUS = /^HTTP\/\d\.\d \d{3}( .*)?$/;

/** Bytes as characters 0-255 (Latin-1, as a header's text is read). */
export function latin1(b: Uint8Array, s: number, e: number): string {
  let out = '';
  if (e - s <= 256) {
    for (let i = s; i < e; i++) out += String.fromCharCode(b[i]!);
    return out;
  }
  for (let i = s; i < e; i += 8192) out += String.fromCharCode.apply(null, b.subarray(i, Math.min(e, i + 8192)) as unknown as number[]);
  return out;
}

/** The index of the LF that ends the line starting at `from`, or -1. */
export function lineFeed(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) if (b[i] === 10) return i;
  return -1;
}

/** Where the head ends (just after its CRLF CRLF), or -1 when it has not all come. */
export function headerEnd(b: Uint8Array): number {
  // From LF to LF by indexOf (native, many bytes a step) rather than a test of every byte.
  for (let i = b.indexOf(10, 3); i >= 0; i = b.indexOf(10, i + 1)) if (b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  return -1;
}

/** The first line (up to CR or LF, at most 2048 bytes). */
export function firstLineOf(b: Uint8Array): string {
  let e = 0;
  while (e < b.length && e < 2048 && b[e] !== 13 && b[e] !== 10) e++;
  return latin1(b, 0, e);
}

/** First bytes a request line (a method) or a status line ("HTTP/") can start with. */
const LINE_START = new Uint8Array(256);
for (const c of 'GPDHOCT') LINE_START[c.charCodeAt(0)] = 1;

/** Whether `b` starts a message: its first line is a request line or a status line. */
export function looksLikeHttp(b: Uint8Array): boolean {
  // Most payloads (a body's later segments) fail on their first byte: no text made for them.
  if (b.length < 5 || LINE_START[b[0]!] === 0) return false;
  const line = firstLineOf(b);
  return METHODS.test(line) || STATUS.test(line);
}
