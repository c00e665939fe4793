// The contract between TCP and the layers around it, the tunables (Linux 6.x defaults), and small helpers.
//
//   socket users (HTTP client/server models, shell tools) --TcpStack.connect/listen, TcpSocket--> TCP
//   TCP --TcpIpLayer.send--> IPv4 (routing, IP header, fragmentation refusal because DF, devices)
//   IPv4 --TcpStack.input(src, dst, bytes)--> TCP     (after the IP header is stripped and the packet is local)
//
// TCP owns nothing global: time, timers and randomness come in through TcpIpLayer.

import type { RandomSource } from '../../sim/random.ts';

/** What TCP needs from the IPv4 layer below it. Implemented by the IPv4 layer (or a test link). */
export interface TcpIpLayer {
  /** Virtual time now, in nanoseconds. Called by TCP for timestamps, RTT samples and the ISN clock. */
  now(): number;
  /** Runs `fn` after `delayNs` (a non-negative integer). Called by TCP for its timers; it cancels what it no longer needs. */
  schedule(delayNs: number, fn: () => void): { cancel(): void };
  /** The seeded stream TCP draws from (secrets for ISN/port/TS hashes, IP ID starts, port perturbation). */
  random: RandomSource;
  /** Called by TCP to hand one finished segment (header + options + payload, checksum filled) to IPv4. */
  send(segment: TcpOutSegment): void;
  /** The path MTU towards `dst` (route MTU or a learned PMTU). Called by TCP at connect/accept to derive the MSS. */
  routeMtu(dst: number): number;
  /** Optional: the source address Linux would pick for `dst` (used when connect() names no local address). */
  sourceAddress?(dst: number): number | undefined;
}

/** One segment from TCP to IPv4. */
export interface TcpOutSegment {
  readonly src: number;
  readonly dst: number;
  /** TCP header + options + payload, checksum over the IPv4 pseudo header already filled in. */
  readonly bytes: Uint8Array;
  /** Don't Fragment: Linux sets it on every TCP segment (PMTU discovery, facts.md 3.6). */
  readonly df: boolean;
  /**
   * The IPv4 identification Linux would write: a TCP socket owns a counter (random start, +1 per segment), the
   * SYN-ACK of a request socket and the RST/ACK replies of the control socket carry 0 (facts.md 3.6,
   * `tcp_sk_init`: "enforce IP_DF and IPID==0 for RST and ACK sent in SYN-RECV and TIME-WAIT state").
   * The IPv4 layer should use it when present.
   */
  readonly ipId?: number;
  /**
   * The socket's flow hash (sk_txhash): random per socket, kept by the child of a request socket, re-drawn after an
   * RTO (sk_rethink_txhash). VXLAN derives the outer UDP source port from it, which is why each direction of each
   * connection has its own stable port (facts.md 3.1). Absent for control-socket RSTs.
   */
  readonly hash?: number;
}

/** Tunables, named after their sysctls. Defaults are Linux 6.x defaults (the reference kernel is 6.18). */
export interface TcpConfig {
  /** net.ipv4.tcp_rmem: min, default (initial sk_rcvbuf), max. Docker containers: 4096 131072 6291456. */
  rmem: readonly [number, number, number];
  /** net.core.rmem_max (only used to pick the window scale). */
  rmemMax: number;
  /** net.ipv4.ip_local_port_range. */
  localPortRange: readonly [number, number];
  /** net.ipv4.tcp_syn_retries. */
  synRetries: number;
  /** net.ipv4.tcp_synack_retries. */
  synackRetries: number;
  /** net.ipv4.tcp_retries2 (retransmissions of established data before giving up). */
  retries2: number;
  /** TIME_WAIT length (TCP_TIMEWAIT_LEN, 60 s, not tunable on Linux). */
  timeWaitNs: number;
  /** net.ipv4.tcp_fin_timeout: how long an orphaned socket stays in FIN_WAIT_2. */
  finTimeoutNs: number;
  /** net.ipv4.tcp_max_syn_backlog. */
  maxSynBacklog: number;
  /** net.core.somaxconn (caps listen backlogs). */
  somaxconn: number;
  /** Initial congestion window in segments (TCP_INIT_CWND). */
  initCwnd: number;
  /** net.ipv4.tcp_timestamps, tcp_sack, tcp_window_scaling. */
  timestamps: boolean;
  sack: boolean;
  windowScaling: boolean;
}

export const MS = 1_000_000;
export const SEC = 1_000_000_000;

export const DEFAULT_CONFIG: TcpConfig = {
  rmem: [4096, 131072, 6291456],
  rmemMax: 212992,
  localPortRange: [32768, 60999],
  synRetries: 6,
  synackRetries: 5,
  retries2: 15,
  timeWaitNs: 60 * SEC,
  finTimeoutNs: 60 * SEC,
  maxSynBacklog: 128,
  somaxconn: 4096,
  initCwnd: 10,
  timestamps: true,
  sack: true,
  windowScaling: true,
};

/** Linux timer constants (include/net/tcp.h). */
export const TCP_TIMEOUT_INIT = 1 * SEC; // initial RTO (RFC 6298 2.1)
export const TCP_RTO_MIN = 200 * MS;
export const TCP_RTO_MAX = 120 * SEC;
export const TCP_DELACK_MIN = 40 * MS;
export const TCP_DELACK_MAX = 200 * MS;
export const TCP_ATO_MIN = 40 * MS;
export const TCP_MAX_QUICKACKS = 16;
export const TCP_MSS_DEFAULT = 536;
export const TCP_MIN_MSS = 88;
/** NOP,NOP,TS: the 12 option bytes on every segment after the handshake when timestamps are on. */
export const TCPOLEN_TSTAMP_ALIGNED = 12;
/** TCP_RMEM_TO_WIN_SCALE: scaling_ratio is a fraction of 256. */
export const RMEM_TO_WIN_SCALE = 8;
/** TCP_DEFAULT_SCALING_RATIO: half of the receive buffer is assumed to be payload until skbs are measured. */
export const DEFAULT_SCALING_RATIO = 128;

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT';

export type TcpErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ETIMEDOUT'
  | 'EPIPE'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ECONNABORTED'
  | 'ENETUNREACH'
  | 'EHOSTUNREACH'
  | 'ENOPROTOOPT'
  | 'EHOSTDOWN'
  | 'EOPNOTSUPP';

/**
 * icmp_err_convert (net/ipv4/icmp.c): the errno a destination-unreachable code maps to; `fatal` errors end a
 * connection that is still opening. Frag-needed (4) is not an error for TCP (PMTU discovery handles it).
 */
export function icmpUnreachErrno(code: number): { code: TcpErrorCode; fatal: boolean } {
  switch (code) {
    case 0:
    case 6:
    case 9:
    case 11:
      return { code: 'ENETUNREACH', fatal: code === 0 || code === 6 || code === 9 };
    case 2:
      return { code: 'ENOPROTOOPT', fatal: true };
    case 3:
      return { code: 'ECONNREFUSED', fatal: true };
    case 5:
      return { code: 'EOPNOTSUPP', fatal: false };
    case 7:
      return { code: 'EHOSTDOWN', fatal: true };
    case 1:
    case 8:
    case 10:
    case 13:
      return { code: 'EHOSTUNREACH', fatal: true };
    default:
      return { code: 'EHOSTUNREACH', fatal: false };
  }
}

export class TcpError extends Error {
  constructor(
    readonly code: TcpErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'TcpError';
  }
}

// ---- 32-bit sequence arithmetic (RFC 9293 3.4) ----

export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
/** a - b as a signed 32-bit distance. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}
export function before(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}
export function after(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}
/** a <= b in sequence space. */
export function notAfter(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function alignUp(v: number, to: number): number {
  return Math.ceil(v / to) * to;
}
export function roundDown(v: number, to: number): number {
  return Math.floor(v / to) * to;
}
