// HTTP/1.x (tcp.port 80, 8080, …): request and status lines, headers, and the body gathered from as many
// segments as Content-Length says. As in Wireshark, the segments before the last are "[TCP segment of a
// reassembled PDU]" (protocol TCP) and the last one shows HTTP with the reassembled message as a second data
// source. Chunked bodies and bodies delimited by the connection's close are taken as what the segment holds.
// A body sent gzip- or deflate-encoded is decoded, as Wireshark does, into a data source of its own.
import { decodableCoding, decodeContent, InflateError } from '../../compress/index.ts';
import { fields } from '../registry.ts';
import { callNamed, registerDissector, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.http;

const PORTS = [80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710];
const METHODS = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) \S+ HTTP\/\d\.\d$/;
const STATUS = /^HTTP\/\d\.\d \d{3}( .*)?$/;
const MAX_PDU = 4 * 1024 * 1024;

interface Pending {
  chunks: Uint8Array[];
  frames: number[];
  size: number;
  /** Header length + Content-Length, once the headers are complete. */
  need: number | undefined;
}

type Outcome =
  | { kind: 'segment'; firstLine?: string }
  | { kind: 'complete'; pdu: Uint8Array; frames: number[] }
  | { kind: 'continuation' };

interface HttpState {
  pending: Map<string, Pending>;
}

function ascii(b: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) out += String.fromCharCode(b[i]!);
  return out;
}

function headerEnd(b: Uint8Array): number {
  for (let i = 3; i < b.length; i++) if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) return i + 1;
  return -1;
}

function firstLineOf(b: Uint8Array): string {
  let e = 0;
  while (e < b.length && e < 2048 && b[e] !== 13 && b[e] !== 10) e++;
  return ascii(b, 0, e);
}

function looksLikeHttp(b: Uint8Array): boolean {
  const line = firstLineOf(b);
  return METHODS.test(line) || STATUS.test(line);
}

/** The body length the headers announce (0 when none applies). */
function bodyLength(head: string): number {
  const first = head.slice(0, head.indexOf('\r\n'));
  const status = STATUS.test(first) ? Number(first.split(' ')[1]) : undefined;
  if (status !== undefined && (status < 200 || status === 204 || status === 304)) return 0;
  const m = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
  return m ? Math.min(Number(m[1]), MAX_PDU) : 0;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function firstPass(pkt: Packet, payload: Uint8Array): Outcome {
  const st = pkt.ctx.protoState<HttpState>('http', () => ({ pending: new Map() }));
  const key = `${pkt.tcpStream}/${pkt.tcpDir}`;
  let p = st.pending.get(key);
  if (!p) {
    if (!looksLikeHttp(payload)) return { kind: 'continuation' };
    p = { chunks: [], frames: [], size: 0, need: undefined };
    st.pending.set(key, p);
  }
  p.chunks.push(payload.slice());
  p.frames.push(pkt.number);
  p.size += payload.length;
  const all = p.chunks.length === 1 ? p.chunks[0]! : concat(p.chunks, p.size);
  if (p.need === undefined) {
    const he = headerEnd(all);
    if (he >= 0) p.need = he + bodyLength(ascii(all, 0, he));
  }
  if ((p.need !== undefined && p.size >= p.need) || p.size > MAX_PDU) {
    st.pending.delete(key);
    const pdu = all.subarray(0, Math.min(p.need ?? p.size, p.size));
    return { kind: 'complete', pdu, frames: p.frames };
  }
  return p.frames.length === 1 && p.need !== undefined ? { kind: 'segment', firstLine: firstLineOf(all) } : { kind: 'segment' };
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
  while (pos < hEnd) {
    let le = pos;
    while (le < hEnd && buf[s + le] !== 10) le++;
    const lineEnd = Math.min(le + 1, hEnd);
    const line = ascii(msg, pos, le).replace(/\r$/, '');
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
      }
    }
    pos = lineEnd;
  }
  let info = `${first} `;
  if (hEnd < msg.length) {
    if (mediaType) info += ` (${mediaType})`;
    if (contentEncoding !== '' && contentEncoding.toLowerCase() !== 'identity') dissectEncodedBody(buf, s + hEnd, e, contentEncoding, mediaType, pkt, t, tree);
    else dissectBody(buf, s + hEnd, e, mediaType, pkt, t, tree);
  }
  return info;
}

/** The body at buf[s, e) as it is: File Data, then the text or data in it. */
function dissectBody(buf: Uint8Array, s: number, e: number, mediaType: string, pkt: Packet, http: Item, tree: Item): void {
  http.add(F.file_data, s, e, buf.subarray(s, e), `File Data: ${e - s} bytes`);
  if (mediaType.startsWith('text/')) {
    pkt.layers.push('data-text-lines');
    tree.text(`Line-based text data: ${mediaType}`, s, e);
  } else {
    callNamed('data', buf, s, e, pkt, tree);
  }
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
      decoded = decodeContent(known, encoded);
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
