// Data types of the capture analyses that cross the contract, as Wireshark's Analyze and Statistics menus have
// them: follow stream (TCP, UDP, HTTP, DNS), the flow (sequence) diagram and the I/O graph. Bytes as base64.

import type { FilterProblem } from './capture-types.ts';

export type FollowProtocol = 'tcp' | 'udp' | 'http' | 'dns';

/** The kind of stream a follow reads: TCP (tcp, http, DNS over TCP) or UDP (udp, dns). */
export type FollowTransport = 'tcp' | 'udp';

/** 0: the side that sent the stream's first frame (the client, as Wireshark's "Node 0"); 1: the other. */
export type FollowDirection = 0 | 1;

export interface FollowEndpoint {
  address: string;
  port: number;
}

/** A run of bytes one side sent, in the order the stream delivered them, or a gap the capture lacks. */
export interface FollowChunk {
  dir: FollowDirection;
  /** The frames whose payload makes up the chunk. */
  frames: number[];
  /** Seconds since the capture's first frame, of the chunk's first frame. */
  timeRelative: number;
  /** The bytes, base64 ('' for a gap). */
  data: string;
  /** For a gap: how many bytes of the sequence space the capture does not hold. */
  missing?: number;
}

/** One HTTP/1.x message read from a reassembled direction of the stream. */
export interface HttpMessageView {
  dir: FollowDirection;
  kind: 'request' | 'response';
  frames: number[];
  timeRelative: number;
  /** "GET /hello.txt HTTP/1.1", "HTTP/1.0 200 OK". */
  startLine: string;
  headers: [string, string][];
  contentType: string | null;
  /** Body bytes the message carries (after de-chunking). */
  bodyLength: number;
  /** The body as text when there is one and it is text (cut at a limit), else null; decoded when `decoded` says so. */
  bodyText: string | null;
  /**
   * Set when the body has a Content-Encoding that is undone here (gzip, deflate): the coding as sent, the decoded
   * size (null when decoding failed) and why it failed (null when it worked). bodyLength stays the encoded size.
   */
  decoded?: { coding: string; length: number | null; error: string | null };
  /** False when the stream ended before the message did. */
  complete: boolean;
}

export interface HttpExchange {
  request: HttpMessageView | null;
  response: HttpMessageView | null;
}

/** A DNS query and its answer, in words. */
export interface DnsExchangeView {
  id: number;
  queryFrame: number | null;
  responseFrame: number | null;
  timeRelative: number;
  /** "Which IPv4 address (A) has web?" */
  question: string;
  /** "web is at 10.0.1.100", "nosuch.example does not exist (No such name)". */
  answers: string[];
  /** Milliseconds from the query to its response. */
  elapsedMs: number | null;
}

export interface FollowResult {
  protocol: FollowProtocol;
  /** tcp.stream or udp.stream. */
  stream: number;
  /** The display filter that shows the stream ("tcp.stream eq 0"). */
  filter: string;
  nodes: [FollowEndpoint, FollowEndpoint];
  /** Payload bytes each node sent. */
  bytes: [number, number];
  /** Frames in the stream. */
  frames: number;
  chunks: FollowChunk[];
  /** The stream holds more than a follow carries: the rest is left out. */
  truncated: boolean;
  /** For 'http': requests and their responses, in order. */
  http?: HttpExchange[];
  /** For 'dns': each query and its response. */
  dns?: DnsExchangeView[];
}

/** One arrow of the flow diagram: a frame from one endpoint column to another. */
export interface FlowItem {
  number: number;
  timeRelative: number;
  /** Indexes into FlowPage.nodes. */
  from: number;
  to: number;
  /** The arrow's label ("SYN", "GET /", "Echo (ping) request id=0x7c60, seq=1", "Standard query A web"). */
  label: string;
  /** The frame's Info column (Wireshark's Comment). */
  comment: string;
  protocol: string;
  /** Transport ports, drawn at the arrow's ends. */
  srcPort?: number;
  dstPort?: number;
}

export interface FlowPage {
  /** Frames in the capture. */
  total: number;
  /** Frames the filter passes (every frame without one). */
  matched: number;
  offset: number;
  /** The endpoint columns, in the order the matched frames first show them (the same for every page). */
  nodes: string[];
  items: FlowItem[];
  filterError?: FilterProblem;
}

export interface IoSeries {
  /** The display filter ('' for every frame). */
  filter: string;
  /** Per interval: frames and bytes (frame.len). */
  frames: number[];
  bytes: number[];
  /** The filter did not compile (the series is empty). */
  filterError?: FilterProblem;
}

export interface IoGraph {
  /** Seconds per interval (chosen, or picked for the capture's length). */
  interval: number;
  /** Seconds from the first frame to the last. */
  duration: number;
  series: IoSeries[];
}
