// HTTP/1.x (tcp.port 80, 8080, …): request and status lines, headers, and the body gathered from as many
// segments as Content-Length says. As in Wireshark, the segments before the last are "[TCP segment of a
// reassembled PDU]" (protocol TCP) and the last one shows HTTP with the reassembled message as a second data
// source. A chunked body is gathered until its last chunk and trailer (wire/http-chunked.ts), shown chunk by chunk
// and de-chunked into a data source of its own; a body delimited by the connection's close is taken as what the
// segment holds. A body sent gzip- or deflate-encoded is decoded, as Wireshark does, into a data source of its own.
import { decodableCoding, InflateError, uncompressAsWireshark } from '../../compress/index.ts';
import { concatBytes } from '../../wire/bytes.ts';
import { dechunk, readOnChunks, type GatheredMessage } from '../../wire/http-chunked.ts';
import { firstLineOf, headerEnd, latin1, looksLikeHttp, MAX_PDU, STATUS } from '../../wire/http-message.ts';
import { bytesToText } from '../field.ts';
import { fields } from '../registry.ts';
import { callNamed, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.http;

const PORTS = [80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710];

/** need: header length + Content-Length once the headers are complete; for a chunked body, once its end is in. */
interface Pending extends GatheredMessage {
  frames: number[];
}

type Outcome =
  | { kind: 'segment'; firstLine?: string }
  | { kind: 'complete'; pdu: Uint8Array; frames: number[] }
  | { kind: 'continuation' };

interface HttpState {
  /**
   * The message each stream and direction (pendingKey) is gathering. An ended one is set to undefined rather
   * than deleted: a Map that gains and loses a key per message reallocates its table over and over (the import's
   * first pass ends about one message per four frames on HTTP traffic, and drops ended ones' keys in bulk).
   */
  pending: Map<number, Pending | undefined>;
}

/** A response that has no body whatever its headers say (1xx, 204, 304). */
function bodyless(head: string): boolean {
  const first = head.slice(0, head.indexOf('\r\n'));
  const status = STATUS.test(first) ? Number(first.split(' ')[1]) : undefined;
  return status !== undefined && (status < 200 || status === 204 || status === 304);
}

/** The body length the headers announce (0 when none applies). */
function bodyLength(head: string): number {
  if (bodyless(head)) return 0;
  const m = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  return m ? Math.min(Number(m[1]), MAX_PDU) : 0;
}

/** Whether the body is sent chunked (Transfer-Encoding names chunked; it wins over a Content-Length). */
function chunkedBody(head: string): boolean {
  return !bodyless(head) && /\r\ntransfer-encoding:[^\r\n]*chunked/i.test(head);
}

/**
 * The pending map's key of a TCP stream and direction: a number, as the import's first pass (capture/first-pass.ts)
 * looks one up for every HTTP segment, and a text per connection cost it more than the lookup.
 */
export function pendingKey(stream: number, dir: number): number {
  return stream * 2 + dir;
}

function firstPass(pkt: Packet, payload: Uint8Array): Outcome {
  const st = pkt.ctx.protoState<HttpState>('http', () => ({ pending: new Map() }));
  const key = pendingKey(pkt.tcpStream, pkt.tcpDir);
  let p = st.pending.get(key);
  if (!p) {
    if (!looksLikeHttp(payload)) return { kind: 'continuation' };
    p = { chunks: [], frames: [], size: 0, need: undefined };
    st.pending.set(key, p);
  }
  p.chunks.push(payload.slice());
  p.frames.push(pkt.number);
  p.size += payload.length;
  // The segments are joined only to find the head's end and, once, for the whole message: a long body's segments
  // are not copied again at each one.
  const whole = () => (p.chunks.length === 1 ? p.chunks[0]! : concatBytes(p.chunks, p.size));
  if (p.need === undefined && p.chunkAt === undefined) {
    const all = whole();
    const he = headerEnd(all);
    if (he >= 0) {
      const head = latin1(all, 0, he);
      if (chunkedBody(head)) p.chunkAt = he;
      else p.need = he + bodyLength(head);
    }
  }
  readOnChunks(p);
  if ((p.need !== undefined && p.size >= p.need) || p.size > MAX_PDU) {
    st.pending.set(key, undefined);
    const pdu = whole().subarray(0, Math.min(p.need ?? p.size, p.size));
    return { kind: 'complete', pdu, frames: p.frames };
  }
  const headIn = p.need !== undefined || p.chunkAt !== undefined;
  return p.frames.length === 1 && headIn ? { kind: 'segment', firstLine: firstLineOf(p.chunks[0]!) } : { kind: 'segment' };
}

function dissectHttp(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  let out: Outcome | undefined;
  if (pkt.inError) out = looksLikeHttp(data.subarray(start, end)) ? { kind: 'complete', pdu: data.subarray(start, end), frames: [pkt.number] } : { kind: 'continuation' };
  else if (pkt.firstPass) {
    out = firstPass(pkt, data.subarray(start, end));
    pkt.ctx.setFrameData(pkt.number, 'http', out);
  } else {
    out = pkt.ctx.frameData<Outcome>(pkt.number, 'http') ?? { kind: 'continuation' };
  }
  if (out.kind === 'segment') {
    if (out.firstLine !== undefined) pkt.info = `${out.firstLine} `;
    pkt.pduSegment = true;
    return;
  }
  pkt.layers.push('http');
  pkt.protocol = 'HTTP';
  if (out.kind === 'continuation') {
    pkt.info = 'Continuation';
    tree.add(F.proto, start, end, data.subarray(start, end), 'Hypertext Transfer Protocol').text('Continuation', start, end);
    return;
  }
  // The message: in this frame when one segment held it all, else in a reassembled data source.
  let buf = data;
  let s = start;
  let e = end;
  const b = pkt.builder;
  const saved = b.source;
  if (out.frames.length > 1) {
    tree.text(`[${out.frames.length} Reassembled TCP Segments (${out.pdu.length} bytes): ${out.frames.map((n) => '#' + n).join(', ')}]`, start, end, { generated: true });
    b.sources.push({ name: `Reassembled TCP (${out.pdu.length} bytes)`, bytes: out.pdu });
    b.source = b.sources.length - 1;
    buf = out.pdu;
    s = 0;
    e = out.pdu.length;
  } else {
    e = start + out.pdu.length;
  }
  try {
    pkt.info = dissectMessage(buf, s, e, pkt, tree);
  } finally {
    b.source = saved;
  }
}

/** Adds the HTTP items for a whole message at buf[s, e); returns the Info text. */
function dissectMessage(buf: Uint8Array, s: number, e: number, pkt: Packet, tree: Item): string {
  const msg = buf.subarray(s, e);
  const he = headerEnd(msg);
  const hEnd = he < 0 ? msg.length : he;
  const t = tree.add(F.proto, s, e, msg, 'Hypertext Transfer Protocol');
  let pos = 0;
  let first = '';
  let mediaType = '';
  let contentEncoding = '';
  let chunked = false;
  while (pos < hEnd) {
    let le = pos;
    while (le < hEnd && buf[s + le] !== 10) le++;
    const lineEnd = Math.min(le + 1, hEnd);
    const line = latin1(msg, pos, le).replace(/\r$/, '');
    if (line === '') {
      t.text('\\r\\n', s + pos, s + lineEnd);
      pos = lineEnd;
      continue;
    }
    const item = t.text(`${line}\\r\\n`, s + pos, s + lineEnd);
    if (pos === 0) {
      first = line;
      const parts = line.split(' ');
      if (STATUS.test(line)) {
        t.add(F.response, s, s, true, undefined, { hidden: true });
        item.add(F.response_version, s, s + parts[0]!.length, parts[0]!);
        item.add(F.code, s, s + line.length, Number(parts[1]));
        item.add(F.phrase, s, s + line.length, parts.slice(2).join(' '));
      } else {
        t.add(F.request, s, s, true, undefined, { hidden: true });
        item.add(F.method, s, s + parts[0]!.length, parts[0]!);
        item.add(F.uri, s, s + line.length, parts[1] ?? '');
        item.add(F.request_version, s, s + line.length, parts[2] ?? '');
      }
    } else {
      const colon = line.indexOf(':');
      const name = colon < 0 ? '' : line.slice(0, colon).toLowerCase();
      const value = colon < 0 ? '' : line.slice(colon + 1).trim();
      if (name === 'host') item.add(F.host, s + pos, s + lineEnd, value);
      else if (name === 'content-type') {
        item.add(F.content_type, s + pos, s + lineEnd, value);
        mediaType = value.split(';')[0]!.trim().toLowerCase();
      } else if (name === 'content-length' && /^\d+$/.test(value)) item.add(F.content_length, s + pos, s + lineEnd, Number(value));
      else if (name === 'content-encoding') {
        item.add(F.content_encoding, s + pos, s + lineEnd, value);
        contentEncoding = value;
      } else if (name === 'transfer-encoding' && /chunked/i.test(value)) chunked = true;
    }
    pos = lineEnd;
  }
  let info = `${first} `;
  if (hEnd < msg.length) {
    if (mediaType) info += ` (${mediaType})`;
    const body = (b: Uint8Array, bs: number, be: number) => {
      if (contentEncoding !== '' && contentEncoding.toLowerCase() !== 'identity') dissectEncodedBody(b, bs, be, contentEncoding, mediaType, pkt, t, tree);
      else dissectBody(b, bs, be, mediaType, pkt, t, tree);
    };
    const d = chunked ? dechunk(buf.subarray(0, e), s + hEnd) : null;
    if (d) dissectChunked(buf, d, t, pkt, body);
    else body(buf, s + hEnd, e);
  }
  return info;
}

/**
 * A chunked body as Wireshark shows it: "HTTP chunked response" with each "Data chunk (N octets)" and the "End of
 * chunked encoding", then the body de-chunked as a data source of its own ("De-chunked entity body"), which the
 * body's items (File Data, text, decoding) point into.
 */
function dissectChunked(buf: Uint8Array, d: NonNullable<ReturnType<typeof dechunk>>, http: Item, pkt: Packet, body: (b: Uint8Array, s: number, e: number) => void): void {
  const first = d.chunks[0]?.line ?? d.last;
  const ct = http.text('HTTP chunked response', first, d.end);
  d.chunks.forEach((c, k) => {
    const next = d.chunks[k + 1]?.line ?? d.last;
    const dc = ct.text(`Data chunk (${c.size} octets)`, c.line, next);
    dc.text(`Chunk size: ${c.size} octets`, c.line, c.data);
    dc.text(`Chunk data: ${bytesToText(buf.subarray(c.data, c.data + c.size))}`, c.data, c.data + c.size);
    if (next > c.data + c.size) dc.text(`Chunk boundary: ${bytesToText(buf.subarray(c.data + c.size, next))}`, c.data + c.size, next);
  });
  let lastEnd = d.last;
  while (lastEnd < d.end && buf[lastEnd] !== 10) lastEnd++;
  ct.text('End of chunked encoding', d.last, lastEnd + 1).text('Chunk size: 0 octets', d.last, lastEnd + 1);
  // The blank line that ends the trailer.
  const blank = d.end - 2 > lastEnd && buf[d.end - 2] === 13 ? d.end - 2 : d.end - 1;
  ct.text('\\r\\n', blank, d.end);
  if (d.body.length === 0) return;
  const b = pkt.builder;
  const saved = b.source;
  b.sources.push({ name: `De-chunked entity body (${d.body.length} bytes)`, bytes: d.body });
  b.source = b.sources.length - 1;
  try {
    body(d.body, 0, d.body.length);
  } finally {
    b.source = saved;
  }
}

/** The body at buf[s, e) as it is: File Data, then the text or data in it. */
function dissectBody(buf: Uint8Array, s: number, e: number, mediaType: string, pkt: Packet, http: Item, tree: Item): void {
  http.add(F.file_data, s, e, buf.subarray(s, e), `File Data: ${e - s} bytes`);
  if (mediaType.startsWith('text/')) {
    pkt.layers.push('data-text-lines');
    textLines(buf, s, e, mediaType, tree);
  } else {
    callNamed('data', buf, s, e, pkt, tree);
  }
}

/** Lines a text body shows one by one (a bigger body's rest is counted in one item, so a tree stays small). */
const MAX_TEXT_LINES = 10_000;
/** Wireshark's longest item label (ITEM_LABEL_LENGTH less its NUL): a longer one is cut and marked. */
const MAX_LABEL = 239;

/** A line as Wireshark labels it (format_text): control characters escaped, cut and marked when too long. */
function lineLabel(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e && out.length <= MAX_LABEL; i++) {
    const c = b[i]!;
    if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 32 || c === 127) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  // label_mark_truncated: " [truncated]" before the text, the whole cut to the label's size (as tshark 4.0 prints).
  return out.length > MAX_LABEL ? ` [truncated]${out.slice(0, 226)}` : out;
}

/** "Line-based text data: TYPE (N lines)" with each line as an item, as Wireshark's data-text-lines shows a body. */
function textLines(b: Uint8Array, s: number, e: number, mediaType: string, tree: Item): void {
  const starts: number[] = [];
  for (let i = s; i < e; ) {
    starts.push(i);
    while (i < e && b[i] !== 10) i++;
    i++;
  }
  const t = tree.text(`Line-based text data: ${mediaType} (${starts.length} lines)`, s, e);
  const shown = Math.min(starts.length, MAX_TEXT_LINES);
  for (let k = 0; k < shown; k++) {
    const ls = starts[k]!;
    const le = k + 1 < starts.length ? starts[k + 1]! : e;
    t.text(lineLabel(b, ls, le), ls, le);
  }
  if (shown < starts.length) t.text(`[${starts.length - shown} more lines]`, starts[shown]!, e, { generated: true });
}

/**
 * A body with a Content-Encoding, as Wireshark shows it: "Content-encoded entity body (gzip): N bytes -> M bytes"
 * over the encoded bytes, and the decoded body as a new data source ("Uncompressed entity body") that File Data and
 * the text or data point into. When it does not decode, the item says so and why, with the encoded bytes as Data
 * under it and no File Data (as Wireshark).
 */
function dissectEncodedBody(buf: Uint8Array, s: number, e: number, coding: string, mediaType: string, pkt: Packet, http: Item, tree: Item): void {
  const encoded = buf.subarray(s, e);
  const label = `Content-encoded entity body (${coding}): ${encoded.length} bytes`;
  const known = decodableCoding(coding);
  let decoded: Uint8Array | undefined;
  let problem = '';
  let at = s;
  if (known === null) problem = `${coding} is not a coding this dissector decodes (gzip and deflate are)`;
  else {
    try {
      decoded = uncompressAsWireshark(known, encoded);
    } catch (err) {
      if (!(err instanceof InflateError)) throw err;
      problem = err.message;
      at = Math.min(s + err.offset, e - 1);
    }
  }
  if (decoded === undefined) {
    const et = http.text(`${label} [Error: Decompression failed]`, s, e);
    // Where the decoder stopped: the byte it names, so the hex pane shows it.
    et.text(`[Decompression failed: ${problem}]`, at, at + 1, { generated: true });
    callNamed('data', buf, s, e, pkt, et);
    return;
  }
  http.text(`${label} -> ${decoded.length} bytes`, s, e);
  const b = pkt.builder;
  const saved = b.source;
  b.sources.push({ name: 'Uncompressed entity body', bytes: decoded });
  b.source = b.sources.length - 1;
  try {
    dissectBody(decoded, 0, decoded.length, mediaType, pkt, http, tree);
  } finally {
    b.source = saved;
  }
}

for (const port of PORTS) registerDissector('tcp.port', port, dissectHttp);
