// Follow stream (Wireshark's Analyze → Follow): the conversation of one TCP or UDP stream as the two sides'
// bytes, in the order they were delivered; for HTTP also its requests and responses, for DNS its queries and
// answers in words (over UDP, or over TCP where each message has a 2-byte length before it). A stream is picked by
// a frame in it, or by its index (tcp.stream, udp.stream). For DNS a frame in a TCP stream (even inside VXLAN)
// follows that stream, and a stream index is the UDP one unless the target names the transport (stepping from a
// DNS-over-TCP stream to the next must stay on TCP).

import type { DnsExchangeView, FollowChunk, FollowEndpoint, FollowProtocol, FollowResult, FollowTransport, HttpMessageView } from '../api/capture-analysis-types.ts';
import { FlotillaError } from '../api/errors.ts';
import type { FieldValue, FieldValues } from '../dissect/index.ts';
import { formatIpv4 } from '../wire/ipv4-address.ts';
import type { AnalysisIndex } from './analysis-index.ts';
import { dnsExchanges, type DnsDatagram } from './dns-exchange.ts';
import { pairHttp, parseHttpMessages, type ByteOrigin } from './http-messages.ts';
import { TcpReassembler, type Direction, type Piece } from './tcp-reassembly.ts';

/** Payload bytes a follow carries (both directions together); past it the result says `truncated`. */
export const FOLLOW_BYTES_MAX = 4 * 1024 * 1024;

export interface FollowTarget {
  /** A frame of the stream (1-based). */
  number?: number;
  /** Or the stream's index. */
  stream?: number;
  /** The kind of stream: only DNS has a choice (by default a frame's TCP stream if it has one, else UDP). */
  transport?: FollowTransport;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function last(values: FieldValues, name: string): FieldValue | undefined {
  const list = values.get(name);
  return list?.[list.length - 1];
}

/** The innermost network address of a frame (IPv4 or IPv6), or at a given layer when the lists line up. */
function address(values: FieldValues, src: boolean, layer?: number): string {
  const v4 = values.get(src ? 'ip.src' : 'ip.dst');
  if (v4 && v4.length > 0) return formatIpv4(v4[layer !== undefined && layer < v4.length ? layer : v4.length - 1] as number);
  return String(last(values, src ? 'ipv6.src' : 'ipv6.dst') ?? '');
}

function sameEndpoint(a: FollowEndpoint, b: FollowEndpoint): boolean {
  return a.address === b.address && a.port === b.port;
}

/** Pieces → chunks: neighbouring data of one side merge; bytes past the limit are left out. */
class ChunkWriter {
  readonly chunks: FollowChunk[] = [];
  readonly bytes: [number, number] = [0, 0];
  truncated = false;
  #kept = 0;
  #open: { dir: Direction; frames: number[]; time: number; parts: Uint8Array[] } | null = null;

  constructor(private readonly merge: boolean) {}

  data(dir: Direction, frame: number, time: number, data: Uint8Array): void {
    this.bytes[dir] += data.length;
    if (this.#kept + data.length > FOLLOW_BYTES_MAX) {
      this.truncated = true;
      return;
    }
    this.#kept += data.length;
    const o = this.#open;
    if (this.merge && o && o.dir === dir) {
      if (o.frames[o.frames.length - 1] !== frame) o.frames.push(frame);
      o.parts.push(data);
      return;
    }
    this.#close();
    this.#open = { dir, frames: [frame], time, parts: [data] };
  }

  gap(dir: Direction, frame: number, time: number, missing: number): void {
    this.#close();
    this.chunks.push({ dir, frames: [frame], timeRelative: time, data: '', missing });
  }

  finish(): void {
    this.#close();
  }

  #close(): void {
    const o = this.#open;
    if (!o) return;
    this.#open = null;
    const size = o.parts.reduce((n, p) => n + p.length, 0);
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of o.parts) {
      all.set(p, at);
      at += p.length;
    }
    this.chunks.push({ dir: o.dir, frames: o.frames, timeRelative: o.time, data: toBase64(all) });
  }
}

function notIn(what: string, number: number): FlotillaError {
  return new FlotillaError('invalid-argument', `number: frame ${number} is not part of a ${what} stream`, 'number');
}

function pickStream(ix: AnalysisIndex, kind: 'tcp' | 'udp', target: FollowTarget, what: string): number {
  const streams = kind === 'tcp' ? ix.tcpStream : ix.udpStream;
  if (target.number !== undefined) {
    if (target.number > ix.count) throw new FlotillaError('not-found', `The capture has ${ix.count} frames; there is no frame ${target.number}.`, 'number');
    const s = streams[target.number - 1]!;
    if (s < 0) throw notIn(what, target.number);
    return s;
  }
  const s = target.stream ?? 0;
  let found = false;
  for (let i = 0; i < ix.count && !found; i++) found = kind === 'tcp' ? streams[i] === s : ix.inUdpStream(i, s);
  if (!found) throw new FlotillaError('not-found', `The capture has no ${kind}.stream ${s}.`, 'stream');
  return s;
}

function followTcp(ix: AnalysisIndex, protocol: FollowProtocol, stream: number): FollowResult {
  const r = new TcpReassembler();
  let nodes: [FollowEndpoint, FollowEndpoint] | undefined;
  let frames = 0;
  for (let i = 0; i < ix.count; i++) {
    if (ix.tcpStream[i] !== stream) continue;
    frames++;
    const { values } = ix.fields(i);
    const src = { address: address(values, true), port: values.get('tcp.srcport')![0] as number };
    const dst = { address: address(values, false), port: values.get('tcp.dstport')![0] as number };
    nodes ??= [src, dst];
    const payload = values.get('tcp.payload')?.[0];
    r.push({
      frame: i + 1,
      time: ix.time[i]!,
      dir: sameEndpoint(src, nodes[0]) ? 0 : 1,
      seq: values.get('tcp.seq_raw')![0] as number,
      ack: values.get('tcp.ack_raw')![0] as number,
      flags: values.get('tcp.flags')![0] as number,
      payload: payload instanceof Uint8Array ? payload : new Uint8Array(0),
    });
  }
  const pieces = r.finish();
  const w = new ChunkWriter(true);
  for (const p of pieces) {
    if (p.kind === 'data') w.data(p.dir, p.frame, p.time, p.data);
    else w.gap(p.dir, p.frame, p.time, p.missing);
  }
  w.finish();
  const result: FollowResult = { protocol, stream, filter: `tcp.stream eq ${stream}`, nodes: nodes!, bytes: w.bytes, frames, chunks: w.chunks, truncated: w.truncated };
  if (protocol === 'http') result.http = httpOf(pieces);
  if (protocol === 'dns') result.dns = dnsExchanges(dnsOverTcp(pieces));
  return result;
}

/**
 * Each direction's delivered bytes cut at their 2-byte length prefixes (RFC 1035 4.2.2) into DNS messages, both
 * sides merged in the order their last byte arrived (the frame that completed a message answers for it). A gap
 * loses the framing, so a side is read only up to its first gap; a message cut short at the end is left out.
 */
function dnsOverTcp(pieces: readonly Piece[]): DnsDatagram[] {
  const out: DnsDatagram[] = [];
  for (const dir of [0, 1] as const) {
    const mine: Extract<Piece, { kind: 'data' }>[] = [];
    for (const p of pieces) {
      if (p.dir !== dir) continue;
      if (p.kind === 'gap') break;
      mine.push(p);
    }
    const size = mine.reduce((n, p) => n + p.data.length, 0);
    if (size > FOLLOW_BYTES_MAX) continue;
    const bytes = new Uint8Array(size);
    const ends: number[] = [];
    let at = 0;
    for (const p of mine) {
      bytes.set(p.data, at);
      at += p.data.length;
      ends.push(at);
    }
    let piece = 0;
    for (let m = 0; m + 2 <= size; ) {
      const end = m + 2 + ((bytes[m]! << 8) | bytes[m + 1]!);
      if (end > size) break;
      while (ends[piece]! < end) piece++;
      out.push({ frame: mine[piece]!.frame, time: mine[piece]!.time, payload: bytes.subarray(m + 2, end) });
      m = end;
    }
  }
  return out.sort((a, b) => a.frame - b.frame);
}

/** Each direction's delivered bytes (gaps left out) read as HTTP messages, paired request to response. */
function httpOf(pieces: readonly Piece[]): FollowResult['http'] {
  const sides = [0, 1].map((dir) => {
    const mine = pieces.filter((p): p is Extract<Piece, { kind: 'data' }> => p.kind === 'data' && p.dir === dir);
    const origins: ByteOrigin[] = [];
    let size = 0;
    for (const p of mine) {
      if (size + p.data.length > FOLLOW_BYTES_MAX) break;
      origins.push({ at: size, frame: p.frame, time: p.time });
      size += p.data.length;
    }
    const bytes = new Uint8Array(size);
    mine.slice(0, origins.length).forEach((p, k) => bytes.set(p.data, origins[k]!.at));
    return { dir: dir as Direction, bytes, origins };
  });
  const first: HttpMessageView[] = sides.flatMap((s) => parseHttpMessages(s.bytes, s.dir, s.origins));
  const requests = first.filter((m) => m.kind === 'request');
  // A response to HEAD has no body whatever its Content-Length says: read again knowing the requests.
  const head = (i: number) => requests[i]?.startLine.startsWith('HEAD ') ?? false;
  const messages = requests.some((m) => m.startLine.startsWith('HEAD ')) ? sides.flatMap((s) => parseHttpMessages(s.bytes, s.dir, s.origins, head)) : first;
  return pairHttp(messages);
}

function followUdp(ix: AnalysisIndex, protocol: FollowProtocol, stream: number): FollowResult {
  let nodes: [FollowEndpoint, FollowEndpoint] | undefined;
  let frames = 0;
  const w = new ChunkWriter(false);
  const datagrams: DnsDatagram[] = [];
  for (let i = 0; i < ix.count; i++) {
    if (!ix.inUdpStream(i, stream)) continue;
    frames++;
    const { values } = ix.fields(i);
    const streams = values.get('udp.stream') ?? [];
    const layer = Math.max(0, streams.lastIndexOf(stream));
    const at = <T>(name: string): T | undefined => {
      const list = values.get(name);
      return list?.[list.length === streams.length ? layer : list.length - 1] as T | undefined;
    };
    const src = { address: address(values, true, layer), port: at<number>('udp.srcport') ?? 0 };
    const dst = { address: address(values, false, layer), port: at<number>('udp.dstport') ?? 0 };
    nodes ??= [src, dst];
    const payload = at<Uint8Array>('udp.payload') ?? new Uint8Array(0);
    w.data(sameEndpoint(src, nodes[0]) ? 0 : 1, i + 1, ix.time[i]!, payload);
    if (protocol === 'dns') datagrams.push({ frame: i + 1, time: ix.time[i]!, payload });
  }
  w.finish();
  const result: FollowResult = { protocol, stream, filter: `udp.stream eq ${stream}`, nodes: nodes!, bytes: w.bytes, frames, chunks: w.chunks, truncated: w.truncated };
  if (protocol === 'dns') result.dns = dnsExchanges(datagrams) satisfies DnsExchangeView[];
  return result;
}

/**
 * Follows the TCP (tcp, http) or UDP (udp, dns) stream of `target`; DNS follows TCP when `target.transport` says
 * so, or, without it, when the frame is in a TCP stream.
 */
export function followStream(ix: AnalysisIndex, protocol: FollowProtocol, target: FollowTarget): FollowResult {
  const fixed = protocol === 'dns' ? undefined : protocol === 'udp' ? 'udp' : 'tcp';
  if (fixed && target.transport && target.transport !== fixed) {
    throw new FlotillaError('invalid-argument', `transport: a ${protocol.toUpperCase()} stream is followed over ${fixed.toUpperCase()}, not ${target.transport.toUpperCase()}`, 'transport');
  }
  const what = { tcp: 'TCP', http: 'TCP (HTTP)', udp: 'UDP', dns: 'UDP (DNS)' }[protocol];
  if (protocol === 'tcp' || protocol === 'http') return followTcp(ix, protocol, pickStream(ix, 'tcp', target, what));
  const n = target.number;
  const overTcp = target.transport ? target.transport === 'tcp' : protocol === 'dns' && n !== undefined && n >= 1 && n <= ix.count && ix.tcpStream[n - 1]! >= 0;
  if (protocol === 'dns' && overTcp) return followTcp(ix, protocol, pickStream(ix, 'tcp', target, 'TCP (DNS)'));
  return followUdp(ix, protocol, pickStream(ix, 'udp', target, what));
}
