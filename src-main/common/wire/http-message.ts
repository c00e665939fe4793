// An HTTP/1.x message's start as the dissector and the import's walk both read it from the bytes of a TCP
// payload: whether it starts a message (a request or status line), its first line, where its head ends. One
// reading for both, so the walk comes to the dissector's outcome.

/** A message bigger than this is taken as complete (reassembly gives up waiting for the rest). */
export const MAX_PDU = 4 * 1024 * 1024;
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

const METHOD_BYTES = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'].map((m) => Array.from(m, (c) => c.charCodeAt(0)));
/** What a regex's \s takes among the characters 0-255. */
const SPACE = new Uint8Array(256);
for (const c of [9, 10, 11, 12, 13, 32, 160]) SPACE[c] = 1;
const isDigit = (x: number | undefined) => x !== undefined && x >= 48 && x <= 57;

/**
 * Whether `b` starts a message: its first line (firstLineOf's) is a request line,
 * /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) \S+ HTTP\/\d\.\d$/, or a status line (STATUS), read on
 * the bytes: no text is made, as the import asks this of every TCP payload that may start a message.
 */
export function looksLikeHttp(b: Uint8Array): boolean {
  return looksLikeHttpAt(b, 0, b.length);
}

/**
 * looksLikeHttp of the bytes b[s, z), read in place: the import asks it of a payload inside the file's bytes, and
 * a view of it would cost more than the reading.
 */
export function looksLikeHttpAt(b: Uint8Array, s: number, z: number): boolean {
  return startLineEnd(b, s, z) >= 0;
}

/**
 * Where the first line of b[s, z) ends (its CR or LF, or where looksLikeHttp stops looking) when it starts a
 * message, else -1: a reader of the head may start after it.
 */
export function startLineEnd(b: Uint8Array, s: number, z: number): number {
  // Most payloads (a body's later segments) fail on their first byte.
  if (z - s < 5 || LINE_START[b[s]!] === 0) return -1;
  const lim = z - s < 2048 ? z : s + 2048;
  let e = s;
  while (e < lim && b[e] !== 13 && b[e] !== 10) e++;
  return statusLineAt(b, s, e) || requestLine(b, s, e) ? e : -1;
}

/** STATUS on the line b[s, e): "HTTP/d.d ddd", then the end or a space and anything. */
export function statusLineAt(b: Uint8Array, s: number, e: number): boolean {
  return e - s >= 12 && isVersion(b, s) && b[s + 8] === 32 && isDigit(b[s + 9]) && isDigit(b[s + 10]) && isDigit(b[s + 11]) && (e - s === 12 || b[s + 12] === 32);
}

/** The request line's regex on b[s, e): a method, a space, a target of no blanks, a space, "HTTP/d.d" that ends the line. */
function requestLine(b: Uint8Array, s: number, e: number): boolean {
  for (let j = 0; j < METHOD_BYTES.length; j++) {
    const m = METHOD_BYTES[j]!;
    let k = 0;
    while (k < m.length && s + k < e && b[s + k] === m[k]) k++;
    if (k < m.length || s + k >= e || b[s + k] !== 32) continue;
    let w = s + k + 1;
    while (w < e && SPACE[b[w]!] === 0) w++;
    return w > s + k + 1 && w + 9 === e && b[w] === 32 && isVersion(b, w + 1);
  }
  return false;
}

/** "HTTP/d.d" at b[i..]. */
export function isVersion(b: Uint8Array, i: number): boolean {
  return b[i] === 72 && b[i + 1] === 84 && b[i + 2] === 84 && b[i + 3] === 80 && b[i + 4] === 47 && isDigit(b[i + 5]) && b[i + 6] === 46 && isDigit(b[i + 7]);
}
