// One TCP connection: the RFC 9293 state machine with the Linux 6.x behaviours a capture shows.
//
// Structure follows the kernel so each rule can be checked against its source: tcp_rcv_state_process /
// tcp_rcv_synsent_state_process (input), tcp_ack (sender), tcp_data_queue (receiver), __tcp_ack_snd_check and
// tcp_send_delayed_ack (ACK policy), tcp_select_window / __tcp_select_window (advertised window),
// tcp_write_xmit + Nagle/Minshall (output), tcp_retransmit_timer, tcp_probe_timer, tcp_fin, tcp_time_wait.
//
// Simplifications: Reno/NewReno with SACK scoreboard instead of CUBIC+RACK/PRR;
// no TLP, F-RTO, SACK compression, SYN cookies, urgent data, TFO, ECN; SACK blocks only on pure ACKs.

import {
  ACK,
  FIN,
  PSH,
  RST,
  SYN,
  encode,
  linuxDataOptions,
  linuxSynOptions,
  type TcpOption,
  type TcpSegment,
} from '../../common/wire/tcp.ts';
import {
  DEFAULT_SCALING_RATIO,
  MS,
  RMEM_TO_WIN_SCALE,
  TCP_ATO_MIN,
  TCP_DELACK_MAX,
  TCP_DELACK_MIN,
  TCP_MAX_QUICKACKS,
  TCP_MIN_MSS,
  TCP_MSS_DEFAULT,
  TCP_RTO_MAX,
  TCP_RTO_MIN,
  TCP_TIMEOUT_INIT,
  TCPOLEN_TSTAMP_ALIGNED,
  TcpError,
  after,
  alignUp,
  icmpUnreachErrno,
  before,
  notAfter,
  roundDown,
  seqAdd,
  seqDiff,
  type TcpErrorCode,
  type TcpState,
} from './types.ts';
import type { TcpListener, TcpStackInternals } from './stack.ts';
import { SocketHolders } from '../sockets/owner.ts';

/** One skb: a segment in the write queue (unsent) or the retransmit queue (sent, not yet cumulatively acked). */
interface TxSeg {
  seq: number;
  buf: Uint8Array;
  len: number;
  syn: boolean;
  fin: boolean;
  psh: boolean;
  /** Time of the last (re)transmission, ns. */
  sentAt: number;
  everRetrans: boolean;
  /** A retransmission of it is in flight (Linux TCPCB_SACKED_RETRANS). */
  retransOut: boolean;
  sacked: boolean;
  lost: boolean;
}

function endSeq(s: TxSeg): number {
  return seqAdd(s.seq, s.len + (s.syn ? 1 : 0) + (s.fin ? 1 : 0));
}

interface RxChunk {
  data: Uint8Array;
  truesize: number;
}

interface OfoSeg {
  seq: number;
  data: Uint8Array;
  fin: boolean;
}

interface SackBlock {
  left: number;
  right: number;
}

/** Options of a received segment, parsed once. */
export interface RxOpts {
  mss?: number;
  wscale?: number;
  sackOk: boolean;
  tsVal?: number;
  tsEcr?: number;
  sack: SackBlock[];
}

export function parseOpts(options: readonly TcpOption[]): RxOpts {
  const o: RxOpts = { sackOk: false, sack: [] };
  for (const opt of options) {
    switch (opt.kind) {
      case 'mss':
        o.mss = opt.value;
        break;
      case 'windowScale':
        o.wscale = Math.min(opt.shift, 14);
        break;
      case 'sackPermitted':
        o.sackOk = true;
        break;
      case 'timestamps':
        o.tsVal = opt.tsVal;
        o.tsEcr = opt.tsEcr;
        break;
      case 'sack':
        for (const b of opt.blocks) o.sack.push({ left: b.left, right: b.right });
        break;
      default:
        break;
    }
  }
  return o;
}

/**
 * Bytes of kernel memory (skb->truesize) a received segment of `len` payload bytes is charged for. The kernel value
 * depends on the driver; this model (sk_buff + shared info overhead of 768 plus the data rounded to 512) reproduces
 * the receive windows of reference/linux 04-overlay-http connection 2 (507, 506, 528, 550, 572): it gives
 * scaling_ratio = 1398*256/2304 = 155 after the first full-sized segment.
 */
export function rxTruesize(len: number): number {
  return 768 + alignUp(Math.max(len, 1), 512);
}

let nextSocketId = 1;

export interface TcpSocketInfo {
  state: TcpState;
  sndUna: number;
  sndNxt: number;
  rcvNxt: number;
  cwnd: number;
  ssthresh: number;
  srttNs: number;
  rtoNs: number;
  mss: number;
  sndWnd: number;
  rcvWnd: number;
  retransmits: number;
}

export class TcpSocket {
  readonly id = nextSocketId++;
  state: TcpState = 'CLOSED';
  localAddress = 0;
  localPort = 0;
  remoteAddress = 0;
  remotePort = 0;

  // ---- application callbacks ----
  /** The handshake completed (active or passive open). */
  onConnect: (() => void) | undefined;
  /**
   * In-order data. When set, data is handed over (and consumed) as it arrives; otherwise it waits for read() and
   * occupies the receive buffer, closing the window.
   */
  onData: ((data: Uint8Array) => void) | undefined;
  /** Data is waiting for read() (only when onData is not set). */
  onReadable: (() => void) | undefined;
  /** The peer sent FIN and every byte before it has been delivered. */
  onEnd: (() => void) | undefined;
  /** All written data has been acknowledged. */
  onDrain: (() => void) | undefined;
  /** The connection failed (refused, reset, timed out). onClose follows. */
  onError: ((err: TcpError) => void) | undefined;
  /** The connection is finished for the application (CLOSED, or TIME_WAIT which lingers for 60 s). */
  onClose: ((err?: TcpError) => void) | undefined;

  /** TCP_NODELAY. */
  noDelay = false;
  /** sk_err_soft: the last ICMP error that did not end the connection (read by the application, as SO_ERROR does). */
  softError: TcpErrorCode | undefined = undefined;
  /** The processes holding this socket's descriptor: none while it waits in an accept queue, and none after close()
   * (an orphan finishing FIN_WAIT or in TIME_WAIT belongs to no process). */
  readonly holders = new SocketHolders();

  // ---- internals ----
  /** @internal */ readonly stack: TcpStackInternals;
  /** @internal */ listener: TcpListener | undefined;
  /** @internal set by the stack while the socket is in its tables. */
  hashed = false;
  /** @internal the local port came from bind(), not the ephemeral range. */
  boundExplicitly = false;
  private closeNotified = false;
  private appClosed = false; // close() called: orphan
  private rcvShutdown = false; // FIN received and delivered
  private ipId = 0;
  private txHash = 0;
  /** icsk_pmtu_cookie: the path MTU the MSS was last synced to. */
  private pmtuCookie = 0;
  private requestSock = false; // SYN_RECEIVED of a passive open: SYN-ACKs carry IP ID 0

  // send side
  private iss = 0;
  private sndUna = 0;
  private sndNxt = 0;
  private writeSeq = 0;
  private sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private maxWindow = 0;
  private sndWscale = 0;
  private pushedSeq = 0;
  private sndSml = 0;
  private rtx: TxSeg[] = [];
  private wq: TxSeg[] = [];
  private pending: Uint8Array[] = []; // written before the handshake finished
  private finQueued = false;
  private mssCache = 536;
  private peerMss = 536;
  private advmss = 536;
  private cwnd = 10;
  private ssthresh = 0x7fffffff;
  private cwndCnt = 0;
  private caState: 'open' | 'disorder' | 'recovery' | 'loss' = 'open';
  private highSeq = 0;
  private dupAcks = 0;
  private isCwndLimited = false;
  private srtt = 0; // ns, 0 = no sample yet
  private rttvar = 0;
  private rto = TCP_TIMEOUT_INIT;
  private backoff = 0;
  private retransmits = 0; // consecutive RTO expirations (icsk_retransmits)
  private totalRetrans = 0;
  private probesOut = 0;
  private rtoTimer: { cancel(): void } | undefined;
  private probeTimer: { cancel(): void } | undefined;

  // receive side
  private irs = 0;
  private rcvNxt = 0;
  private rcvWup = 0;
  private rcvWnd = 0;
  private rcvWscale = 0;
  private rcvSsthresh = 0;
  private windowClamp = 0;
  private rcvbuf: number;
  private scalingRatio = DEFAULT_SCALING_RATIO;
  private rmemAlloc = 0;
  private copiedSeq = 0;
  private rxq: RxChunk[] = [];
  private ofo: OfoSeg[] = [];
  private sacks: SackBlock[] = [];
  private dsack: SackBlock | undefined;
  private rcvMss = TCP_MSS_DEFAULT;
  private rcvqSpace = 0;
  private rcvqSeq = 0;
  private rcvqTime = 0;
  private rcvRtt = 0;
  private finReceived = false;
  private endDelivered = false;

  // delayed ACK engine (inet_connection_sock icsk_ack)
  private ackScheduled = false;
  private ackNow = false;
  private ackPushed = 0; // 1 = ICSK_ACK_PUSHED, 2 = PUSHED2
  private quick = 0;
  private pingpong = 0;
  private ato = 0;
  private lrcvtime = 0;
  private delackTimer: { cancel(): void } | undefined;
  private delackAt = 0;

  // options
  private tsOk = false;
  private sackOk = false;
  private wscaleOk = false;
  private tsOffset = 0;
  private tsRecent = 0;
  private tsRecentValid = false;

  private timeWaitTimer: { cancel(): void } | undefined;
  private finWait2Timer: { cancel(): void } | undefined;

  /** @internal Use TcpStack.connect or a listener. */
  constructor(stack: TcpStackInternals) {
    this.stack = stack;
    this.rcvbuf = stack.config.rmem[1];
  }

  // =====================================================================================================
  // Application API
  // =====================================================================================================

  /** Bytes written but not yet acknowledged (incl. not yet sent). */
  get bufferedAmount(): number {
    let n = 0;
    for (const p of this.pending) n += p.length;
    const syn = this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED' ? 1 : 0;
    const fin = this.finQueued && this.pending.length === 0 ? 1 : 0;
    return Math.max(0, n + seqDiff(this.writeSeq, this.sndUna) - syn - fin);
  }

  /** Bytes received in order and not yet read. */
  get readableLength(): number {
    let n = 0;
    for (const c of this.rxq) n += c.data.length;
    return n;
  }

  /**
   * Recv-Q and Send-Q as the kernel reports a connection (tcp_diag_get_info, /proc/net/tcp): received bytes not yet
   * read (rcv_nxt - copied_seq, so a FIN the application has not read yet counts 1) and written bytes not yet
   * acknowledged (write_seq - snd_una, so an unacknowledged SYN or FIN counts 1). A request socket (SYN_RECV of a
   * passive open) and TIME_WAIT report 0 and 0, as their minisockets do.
   */
  queues(): { readonly recv: number; readonly send: number } {
    if (this.state === 'CLOSED' || this.state === 'TIME_WAIT' || (this.requestSock && this.state === 'SYN_RECEIVED')) return { recv: 0, send: 0 };
    const finRead = this.endDelivered ? 1 : 0;
    return { recv: Math.max(0, seqDiff(this.rcvNxt, this.copiedSeq) - finRead), send: Math.max(0, seqDiff(this.writeSeq, this.sndUna)) };
  }

  /** A snapshot of the control block, for tests and the UI. */
  info(): TcpSocketInfo {
    return {
      state: this.state,
      sndUna: this.sndUna,
      sndNxt: this.sndNxt,
      rcvNxt: this.rcvNxt,
      cwnd: this.cwnd,
      ssthresh: this.ssthresh,
      srttNs: this.srtt,
      rtoNs: this.rto,
      mss: this.mssCache,
      sndWnd: this.sndWnd,
      rcvWnd: this.rcvWnd,
      retransmits: this.totalRetrans,
    };
  }

  /** Queues `data` for sending. Returns false once the socket can no longer send (after end/close/reset). */
  write(data: Uint8Array): boolean {
    if (this.finQueued || this.appClosed) return false;
    switch (this.state) {
      case 'SYN_SENT':
      case 'SYN_RECEIVED':
        if (data.length > 0) this.pending.push(data.slice());
        return true;
      case 'ESTABLISHED':
      case 'CLOSE_WAIT':
        if (data.length === 0) return true;
        this.stack.run(() => {
          this.queueData(data);
          this.pushPending(false);
        });
        return true;
      default:
        return false;
    }
  }

  /** Reads up to `max` bytes of received data (when onData is not used). */
  read(max = Infinity): Uint8Array {
    const parts: Uint8Array[] = [];
    let n = 0;
    while (this.rxq.length > 0 && n < max) {
      const c = this.rxq[0]!;
      const take = Math.min(c.data.length, max - n);
      if (take === c.data.length) {
        this.rxq.shift();
        this.rmemAlloc -= c.truesize;
        parts.push(c.data);
      } else {
        parts.push(c.data.subarray(0, take));
        c.data = c.data.subarray(take);
      }
      n += take;
    }
    const out = new Uint8Array(n);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    if (n > 0) {
      this.copiedSeq = seqAdd(this.copiedSeq, n);
      this.stack.run(() => this.afterRead(n));
    }
    return out;
  }

  /** shutdown(SHUT_WR): sends FIN after the queued data. */
  end(): void {
    this.stack.run(() => this.shutdownWrite());
  }

  /**
   * close(): like Linux tcp_close. With unread received data the connection is reset; otherwise FIN is sent (if
   * not yet) and the socket becomes an orphan that finishes the close on its own.
   */
  close(): void {
    this.stack.run(() => {
      if (this.appClosed) return;
      this.appClosed = true;
      this.holders.release();
      this.onData = undefined;
      this.onReadable = undefined;
      if (this.state === 'CLOSED' || this.state === 'TIME_WAIT') return;
      if (this.state === 'SYN_SENT') {
        this.destroy();
        return;
      }
      if (this.readableLength > 0 || this.hasUnreadOfo()) {
        // tcp_close: "data was lost" -> RST (RFC 2525 2.17), state CLOSED.
        this.sendActiveReset();
        this.destroy();
        return;
      }
      this.shutdownWrite();
      if (this.state === 'FIN_WAIT_2') this.armFinWait2();
    });
  }

  /** Aborts the connection with RST (SO_LINGER 0 + close). */
  abort(): void {
    this.stack.run(() => {
      this.appClosed = true;
      this.holders.release();
      if (this.state === 'CLOSED') return;
      if (this.state !== 'SYN_SENT' && this.state !== 'TIME_WAIT' && this.state !== 'LISTEN') this.sendActiveReset();
      this.destroy();
    });
  }

  /**
   * @internal tcp_v4_err: an ICMP error quoting a segment of this connection whose sequence number was `seq`.
   * Frag-needed (3/4) is path MTU discovery: `pathMtu` is the route's MTU after the PMTU update; when it is below
   * the MTU the MSS was synced to, the MSS shrinks (tcp_sync_mss) and the segments that no longer fit are marked
   * lost and resent in pieces (tcp_simple_retransmit). Other unreachables and time exceeded end a connection that
   * is still opening (connect() fails with the converted errno) and are only a soft error once established.
   */
  icmpError(type: number, code: number, seq: number, pathMtu: number): void {
    this.stack.run(() => {
      if (this.state === 'CLOSED' || this.state === 'LISTEN') return;
      if (this.requestSock && this.state === 'SYN_RECEIVED') {
        // tcp_req_err: only about our SYN-ACK; net/host unreachable and time exceeded drop the request silently.
        if (seq !== this.iss) return;
        const abort = type === 11 || type === 12 || (type === 3 && (code === 0 || code === 1));
        if (abort) this.destroy();
        return;
      }
      if (!(notAfter(this.sndUna, seq) && notAfter(seq, this.sndNxt))) return; // LINUX_MIB_OUTOFWINDOWICMPS
      if (type === 3 && code === 4) {
        this.mtuReduced(pathMtu);
        return;
      }
      let err: { code: TcpErrorCode; fatal: boolean };
      if (type === 3) {
        if (code > 15) return;
        err = icmpUnreachErrno(code);
      } else if (type === 11) {
        err = { code: 'EHOSTUNREACH', fatal: false };
      } else {
        return;
      }
      if (this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED') {
        this.fail(err.code, `ICMP type ${type} code ${code} during connect`);
        return;
      }
      this.softError = err.code; // no IP_RECVERR: a soft error only
    });
  }

  /** tcp_v4_mtu_reduced + tcp_sync_mss + tcp_simple_retransmit. */
  private mtuReduced(pathMtu: number): void {
    if (this.state === 'TIME_WAIT' || pathMtu <= 0 || this.pmtuCookie <= pathMtu) return;
    this.pmtuCookie = pathMtu;
    // tcp_mtu_to_mss: IP and TCP headers, the peer's MSS clamp, the 48-byte floor, then the timestamp option.
    let mss = Math.min(pathMtu - 40, this.peerMss);
    mss = Math.max(mss, 48);
    const tsLen = this.tsOk || this.state === 'SYN_SENT' ? TCPOLEN_TSTAMP_ALIGNED : 0;
    mss = Math.max(mss - tsLen, 8);
    if (mss >= this.mssCache) return;
    this.mssCache = mss;
    if (this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED') return;
    let lost = false;
    this.rtx = this.resegment(this.rtx, mss, () => (lost = true));
    this.wq = this.resegment(this.wq, mss, undefined);
    if (!lost) return;
    if (this.caState !== 'loss') {
      this.highSeq = this.sndNxt;
      this.caState = 'loss';
    }
    this.retransmitLost(false);
    if (this.rtoTimer === undefined) this.armRto();
  }

  /** Cuts every segment longer than `mss` into mss-sized pieces (tcp_fragment); `lost` marks the pieces lost. */
  private resegment(list: TxSeg[], mss: number, lost: (() => void) | undefined): TxSeg[] {
    if (!list.some((s) => s.len > mss)) return list;
    const out: TxSeg[] = [];
    for (const s of list) {
      if (s.len <= mss || s.syn) {
        out.push(s);
        continue;
      }
      for (let off = 0; off < s.len; off += mss) {
        const n = Math.min(mss, s.len - off);
        const p = this.newSeg(seqAdd(s.seq, off), mss);
        p.buf.set(s.buf.subarray(off, off + n));
        p.len = n;
        const last = off + n >= s.len;
        p.psh = last && s.psh;
        p.fin = last && s.fin;
        p.sentAt = s.sentAt;
        p.everRetrans = s.everRetrans;
        p.sacked = s.sacked;
        if (lost !== undefined && !s.sacked) {
          p.lost = true;
          p.retransOut = false;
          lost();
        }
        out.push(p);
      }
    }
    return out;
  }

  // =====================================================================================================
  // Opening
  // =====================================================================================================

  /** @internal Active open (tcp_v4_connect + tcp_connect). */
  startConnect(): void {
    const st = this.stack;
    const cfg = st.config;
    this.ipId = st.ip.random.nextU32() & 0xffff;
    this.txHash = st.ip.random.nextU32() || 1;
    this.iss = st.isn(this.localAddress, this.remoteAddress, this.localPort, this.remotePort);
    this.tsOffset = st.tsOffset(this.localAddress, this.remoteAddress, this.localPort, this.remotePort);
    const mtu = st.ip.routeMtu(this.remoteAddress);
    this.pmtuCookie = mtu;
    this.advmss = mtu - 40;
    this.mssCache = this.advmss;
    // tcp_connect_init -> tcp_select_initial_window(space = tcp_full_space, mss = advmss).
    this.initialWindow(this.advmss, cfg.windowScaling);
    this.rcvSsthresh = this.rcvWnd;
    this.sendSyn('SYN_SENT');
  }

  /** @internal Passive open: a SYN reached a listener (tcp_conn_request + tcp_make_synack). */
  startPassive(seg: TcpSegment, opts: RxOpts, isnHint: number | undefined): void {
    const st = this.stack;
    this.requestSock = true;
    this.ipId = st.ip.random.nextU32() & 0xffff; // the child's inet_id
    this.txHash = st.ip.random.nextU32() || 1;
    this.takePeerSyn(seg, opts);
    this.iss = isnHint ?? st.isn(this.localAddress, this.remoteAddress, this.localPort, this.remotePort);
    this.tsOffset = st.tsOffset(this.localAddress, this.remoteAddress, this.localPort, this.remotePort);
    const mtu = st.ip.routeMtu(this.remoteAddress);
    this.pmtuCookie = mtu;
    this.advmss = mtu - 40;
    this.peerMss = opts.mss ?? TCP_MSS_DEFAULT;
    // tcp_openreq_init_rwin: the window is quantized to the MSS less the timestamp option (64308 = 46 x 1398).
    this.initialWindow(this.advmss - (this.tsOk ? TCPOLEN_TSTAMP_ALIGNED : 0), this.wscaleOk);
    this.rcvSsthresh = this.rcvWnd;
    if (this.tsOk) this.advmss -= TCPOLEN_TSTAMP_ALIGNED;
    this.mssCache = Math.min(this.peerMss, mtu - 40) - (this.tsOk ? TCPOLEN_TSTAMP_ALIGNED : 0);
    this.sndWnd = seg.window; // never scaled in a SYN
    this.sndWl1 = seg.seq;
    this.maxWindow = this.sndWnd;
    this.sendSyn('SYN_RECEIVED');
  }

  /** The receive side of both handshake halves: the peer's ISN, and the options its SYN offers that we use too. */
  private takePeerSyn(seg: TcpSegment, opts: RxOpts): void {
    const cfg = this.stack.config;
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.rcvWup = this.rcvNxt;
    this.copiedSeq = this.rcvNxt;
    this.tsOk = cfg.timestamps && opts.tsVal !== undefined;
    this.sackOk = cfg.sack && opts.sackOk;
    this.wscaleOk = cfg.windowScaling && opts.wscale !== undefined;
    this.sndWscale = this.wscaleOk ? opts.wscale! : 0;
    if (this.tsOk) {
      this.tsRecent = opts.tsVal!;
      this.tsRecentValid = true;
    }
  }

  /** The send side of both handshake halves: sequence state from the ISS, then the SYN (a SYN-ACK once in
   * SYN_RECEIVED) on the retransmission queue with its timer armed. */
  private sendSyn(state: 'SYN_SENT' | 'SYN_RECEIVED'): void {
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
    this.writeSeq = seqAdd(this.iss, 1);
    this.pushedSeq = this.writeSeq;
    this.sndSml = this.iss;
    this.rto = TCP_TIMEOUT_INIT;
    this.setState(state);
    const syn = this.newSeg(this.iss, 0);
    syn.syn = true;
    this.rtx.push(syn);
    this.transmit(syn, false);
    this.sndNxt = endSeq(syn);
    this.armRto();
  }

  /**
   * tcp_select_initial_window with tcp_rmem[1] = 131072: space = tcp_full_space = rcvbuf * scaling_ratio / 256 =
   * 65536, rounded down to a multiple of the MSS: SYN 46 x 1410 = 64860 and SYN-ACK 46 x 1398 = 64308 on a 1450
   * overlay (reference 04/05), 44 x 1460 = 64240 and 45 x 1448 = 65160 on MTU 1500 (facts.md 3.6). The scale is
   * ilog2(max(space, tcp_rmem[2], rmem_max)) - 15 = ilog2(6291456) - 15 = 7.
   */
  private initialWindow(mss: number, wscaleOk: boolean): void {
    let space = this.winFromSpace(this.rcvbuf);
    let clamp = 65535 << 14;
    space = Math.min(clamp, space);
    if (space > mss) space = roundDown(space, mss);
    this.rcvWnd = space;
    this.rcvWscale = 0;
    if (wscaleOk) {
      const cfg = this.stack.config;
      let s = Math.max(space, cfg.rmem[2], cfg.rmemMax);
      s = Math.min(s, clamp);
      this.rcvWscale = Math.max(0, Math.min(14, Math.floor(Math.log2(s)) - 15));
    }
    clamp = Math.min(65535 * 2 ** this.rcvWscale, clamp);
    this.windowClamp = clamp;
  }

  private newSeg(seq: number, cap: number): TxSeg {
    return { seq, buf: new Uint8Array(cap), len: 0, syn: false, fin: false, psh: false, sentAt: -1, everRetrans: false, retransOut: false, sacked: false, lost: false };
  }

  // =====================================================================================================
  // Output
  // =====================================================================================================

  private tsNow(): number {
    return (Math.floor(this.stack.ip.now() / MS) + this.tsOffset) >>> 0;
  }

  /** Builds and sends one segment carrying `seg` (or a bare control segment when seg is undefined). */
  private emit(flags: number, seq: number, payload: Uint8Array, options: TcpOption[], ipId: number | undefined): void {
    const ack = (flags & ACK) !== 0 ? this.rcvNxt : 0;
    let window = 0;
    if ((flags & RST) === 0) {
      window = (flags & SYN) !== 0 ? Math.min(this.rcvWnd, 65535) : this.selectWindow();
    }
    const s: TcpSegment = {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq,
      ack,
      flags,
      window,
      urgentPointer: 0,
      options,
      payload,
    };
    const bytes = encode(s, { src: this.localAddress, dst: this.remoteAddress });
    this.stack.ip.send({ src: this.localAddress, dst: this.remoteAddress, bytes, df: true, ipId: ipId ?? this.nextIpId(), hash: this.txHash });
  }

  private nextIpId(): number {
    const id = this.ipId;
    this.ipId = (this.ipId + 1) & 0xffff;
    return id;
  }

  private dataOptions(withSack: boolean): TcpOption[] {
    const opts: TcpOption[] = this.tsOk ? linuxDataOptions(this.tsNow(), this.tsRecentValid ? this.tsRecent : 0) : [];
    if (withSack && this.sackOk) {
      const blocks: SackBlock[] = [];
      if (this.dsack) blocks.push(this.dsack);
      for (const b of this.sacks) blocks.push(b);
      const max = this.tsOk ? 3 : 4;
      if (blocks.length > 0) {
        opts.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: blocks.slice(0, max) });
      }
    }
    return opts;
  }

  /** Sends (or resends) a queued segment. */
  private transmit(s: TxSeg, retrans: boolean): void {
    const now = this.stack.ip.now();
    let flags = 0;
    let options: TcpOption[];
    let ipId: number | undefined;
    if (s.syn) {
      flags = SYN;
      if (this.state !== 'SYN_SENT') flags |= ACK;
      const tsv = this.tsNow();
      const cfg = this.stack.config;
      if (this.state === 'SYN_SENT') {
        // tcp_syn_options: MSS, SACK_PERM, TS, NOP, WS (Linux packs SACK_PERM into the TS word).
        options = synOptions(this.advmss, cfg.sack, cfg.timestamps ? tsv : undefined, 0, cfg.windowScaling ? this.rcvWscale : undefined);
      } else {
        // tcp_synack_options: only what the peer offered.
        options = synOptions(this.advmss + (this.tsOk ? TCPOLEN_TSTAMP_ALIGNED : 0), this.sackOk, this.tsOk ? tsv : undefined, this.tsRecent, this.wscaleOk ? this.rcvWscale : undefined);
        if (this.requestSock) ipId = 0;
      }
    } else {
      flags = ACK;
      if (s.psh) flags |= PSH;
      if (s.fin) flags |= FIN;
      options = this.dataOptions(false);
    }
    if (!s.syn && s.len > 0 && !retrans) {
      // tcp_event_data_sent: a reply within ato of the last received segment counts towards pingpong.
      if (this.ato !== 0 && now - this.lrcvtime < this.ato) this.pingpong = Math.min(this.pingpong + 1, 255);
      if (s.len < this.mssCache) this.sndSml = endSeq(s); // tcp_minshall_update
    }
    if (retrans) {
      s.everRetrans = true;
      s.retransOut = true;
      this.totalRetrans++;
    }
    s.sentAt = now;
    this.emit(flags, s.seq, s.buf.subarray(0, s.len), options, ipId);
    if ((flags & ACK) !== 0) this.ackSent();
  }

  /** tcp_send_ack: a bare ACK with the current window and (when out-of-order data is held) SACK blocks. */
  private sendAck(): void {
    if (this.state === 'CLOSED' || this.state === 'SYN_SENT' || this.state === 'LISTEN') return;
    this.emit(ACK, this.sndNxt, new Uint8Array(0), this.dataOptions(true), undefined);
    this.dsack = undefined;
    this.ackSent();
  }

  /** tcp_event_ack_sent: the pending delayed ACK is served. */
  private ackSent(): void {
    if (this.quick > 0) {
      const pkts = this.ackScheduled ? 1 : 0;
      if (pkts >= this.quick) {
        this.quick = 0;
        this.ato = TCP_ATO_MIN;
      } else this.quick -= pkts;
    }
    this.ackScheduled = false;
    this.ackNow = false;
    this.ackPushed = 0;
    this.delackTimer?.cancel();
    this.delackTimer = undefined;
  }

  /** tcp_send_active_reset: RST|ACK with seq = snd_nxt, no options. */
  private sendActiveReset(): void {
    this.emit(RST | ACK, this.sndNxt, new Uint8Array(0), [], undefined);
  }

  // ---- window selection (tcp_select_window / __tcp_select_window) ----

  private winFromSpace(space: number): number {
    return Math.floor((Math.max(space, 0) * this.scalingRatio) / 2 ** RMEM_TO_WIN_SCALE);
  }

  private tcpSpace(): number {
    return this.winFromSpace(this.rcvbuf - this.rmemAlloc);
  }

  private receiveWindow(): number {
    const w = seqDiff(seqAdd(this.rcvWup, this.rcvWnd), this.rcvNxt);
    return w < 0 ? 0 : w;
  }

  private rawSelectWindow(): number {
    let mss = this.rcvMss;
    let freeSpace = this.tcpSpace();
    const allowed = this.winFromSpace(this.rcvbuf);
    const full = Math.min(this.windowClamp, allowed);
    if (mss > full) {
      mss = full;
      if (mss <= 0) return 0;
    }
    if (freeSpace < full >> 1) {
      this.quick = 0;
      freeSpace = roundDown(freeSpace, 2 ** this.rcvWscale);
      if (freeSpace < allowed >> 4 || freeSpace < mss) return 0;
    }
    if (freeSpace > this.rcvSsthresh) freeSpace = this.rcvSsthresh;
    if (this.rcvWscale) return alignUp(freeSpace, 2 ** this.rcvWscale);
    let window = this.rcvWnd;
    if (window <= freeSpace - mss || window > freeSpace) window = roundDown(freeSpace, mss);
    else if (mss === full && freeSpace > window + (full >> 1)) window = freeSpace;
    return window;
  }

  /** The window field for an outgoing segment; never shrinks the right edge already offered. */
  private selectWindow(): number {
    const cur = this.receiveWindow();
    let w = this.rawSelectWindow();
    if (w < cur) w = alignUp(cur, 2 ** this.rcvWscale);
    this.rcvWnd = w;
    this.rcvWup = this.rcvNxt;
    w = Math.min(w, 65535 * 2 ** this.rcvWscale);
    return Math.floor(w / 2 ** this.rcvWscale);
  }

  // ---- sending data ----

  private queueData(data: Uint8Array): void {
    let off = 0;
    const mss = this.mssCache;
    let tail = this.wq.length > 0 ? this.wq[this.wq.length - 1]! : undefined;
    if (tail && (tail.fin || tail.syn)) tail = undefined;
    if (tail && tail.len < mss) tail.psh = false; // tcp_sendmsg clears PSH on the skb it appends to
    while (off < data.length) {
      if (!tail || tail.len >= mss) {
        tail = this.newSeg(this.writeSeq, mss);
        this.wq.push(tail);
      }
      const n = Math.min(mss - tail.len, data.length - off);
      tail.buf.set(data.subarray(off, off + n), tail.len);
      tail.len += n;
      off += n;
      this.writeSeq = seqAdd(this.writeSeq, n);
      // forced_push: more than half the largest window seen written since the last PSH.
      if (tail.len >= mss && off < data.length && after(this.writeSeq, seqAdd(this.pushedSeq, this.maxWindow >> 1))) {
        tail.psh = true;
        this.pushedSeq = this.writeSeq;
      }
    }
    if (tail) {
      tail.psh = true; // tcp_push -> tcp_mark_push on the last skb of the write
      this.pushedSeq = this.writeSeq;
    }
  }

  private shutdownWrite(): void {
    if (this.finQueued) return;
    switch (this.state) {
      case 'SYN_RECEIVED':
      case 'ESTABLISHED':
        this.setState('FIN_WAIT_1');
        break;
      case 'CLOSE_WAIT':
        this.setState('LAST_ACK');
        break;
      case 'SYN_SENT':
        this.destroy();
        return;
      default:
        return;
    }
    this.finQueued = true;
    if (this.pending.length > 0) return; // flushed at establishment, FIN follows
    // tcp_send_fin: piggyback on the unsent tail skb, else a new FIN skb.
    const tail = this.wq.length > 0 ? this.wq[this.wq.length - 1]! : undefined;
    if (tail && !tail.syn) {
      tail.fin = true;
    } else {
      const f = this.newSeg(this.writeSeq, 0);
      f.fin = true;
      this.wq.push(f);
    }
    this.writeSeq = seqAdd(this.writeSeq, 1);
    if (this.state !== 'SYN_RECEIVED' && this.wq.length > 0) this.pushPending(true);
  }

  private inFlight(): number {
    let n = 0;
    for (const s of this.rtx) if (!s.sacked && (!s.lost || s.retransOut)) n++;
    return n;
  }

  private wndEnd(): number {
    return seqAdd(this.sndUna, this.sndWnd);
  }

  /** tcp_write_xmit: sends what cwnd, the peer's window and Nagle allow. */
  private pushPending(nagleOff: boolean): void {
    if (this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED' || this.state === 'CLOSED') return;
    let sent = false;
    while (this.wq.length > 0) {
      const s = this.wq[0]!;
      const finOnly = s.fin && s.len === 0;
      if (!finOnly && this.inFlight() >= this.cwnd) {
        this.isCwndLimited = true;
        break;
      }
      if (after(seqAdd(s.seq, s.len), this.wndEnd())) break;
      const isLast = this.wq.length === 1;
      if (isLast && !nagleOff && !this.nagleTest(s)) break;
      this.wq.shift();
      this.transmit(s, false);
      this.rtx.push(s);
      this.sndNxt = endSeq(s);
      sent = true;
      if (this.rtoTimer === undefined) this.armRto();
    }
    if (sent) {
      this.probeTimer?.cancel();
      this.probeTimer = undefined;
      this.probesOut = 0;
    }
    this.checkProbeTimer();
  }

  /** tcp_nagle_test with the Minshall variant: hold a partial segment while a small one is unacknowledged. */
  private nagleTest(s: TxSeg): boolean {
    if (s.fin) return true;
    if (s.len >= this.mssCache) return true;
    if (this.noDelay) return true;
    const packetsOut = this.rtx.length > 0;
    const minshall = after(this.sndSml, this.sndUna) && notAfter(this.sndSml, this.sndNxt);
    return !(packetsOut && minshall);
  }

  private checkProbeTimer(): void {
    // tcp_check_probe_timer: nothing in flight, data waiting, window closed.
    if (this.rtx.length === 0 && this.wq.length > 0 && this.probeTimer === undefined && this.stateSends()) {
      const when = Math.min(this.rto * 2 ** this.probesOut, TCP_RTO_MAX);
      this.probeTimer = this.stack.timer(Math.max(when, TCP_RTO_MIN), () => this.probeTimeout());
    }
  }

  private stateSends(): boolean {
    return this.state === 'ESTABLISHED' || this.state === 'CLOSE_WAIT' || this.state === 'FIN_WAIT_1' || this.state === 'LAST_ACK' || this.state === 'CLOSING';
  }

  /** tcp_probe_timer -> tcp_write_wakeup / tcp_xmit_probe_skb. */
  private probeTimeout(): void {
    this.probeTimer = undefined;
    if (this.rtx.length > 0 || this.wq.length === 0 || !this.stateSends()) {
      this.probesOut = 0;
      return;
    }
    if (this.probesOut >= this.stack.config.retries2) {
      this.fail('ETIMEDOUT', 'zero window probes unanswered');
      return;
    }
    const s = this.wq[0]!;
    const room = seqDiff(this.wndEnd(), s.seq);
    if (room > 0 && s.len > 0) {
      // The window opened a little: send what fits (tcp_write_wakeup splits the skb).
      if (room < s.len) this.splitHead(room);
      const h = this.wq.shift()!;
      this.transmit(h, false);
      this.rtx.push(h);
      this.sndNxt = endSeq(h);
      this.armRto();
    } else {
      // Window probe: an ACK carrying seq snd_una - 1, so the receiver must answer with its window.
      this.emit(ACK, seqAdd(this.sndUna, -1), new Uint8Array(0), this.dataOptions(false), undefined);
      this.ackSent();
    }
    this.probesOut++;
    const when = Math.min(this.rto * 2 ** this.probesOut, TCP_RTO_MAX);
    if (this.rtx.length === 0) this.probeTimer = this.stack.timer(when, () => this.probeTimeout());
  }

  private splitHead(n: number): void {
    const s = this.wq[0]!;
    const a = this.newSeg(s.seq, n);
    a.buf.set(s.buf.subarray(0, n));
    a.len = n;
    const b = this.newSeg(seqAdd(s.seq, n), Math.max(this.mssCache, s.len - n));
    b.buf.set(s.buf.subarray(n, s.len));
    b.len = s.len - n;
    b.psh = s.psh;
    b.fin = s.fin;
    this.wq.splice(0, 1, a, b);
  }

  // ---- retransmission timer (RFC 6298 with Linux's floor) ----

  private armRto(): void {
    this.rtoTimer?.cancel();
    this.rtoTimer = this.stack.timer(Math.min(this.rto * 2 ** this.backoff, TCP_RTO_MAX), () => this.rtoTimeout());
  }

  private stopRto(): void {
    this.rtoTimer?.cancel();
    this.rtoTimer = undefined;
  }

  /**
   * RTT sample (tcp_rtt_estimator): RFC 6298 2.2/2.3 in nanoseconds, with Linux's lower bound on the variance term:
   * RTO = SRTT + max(4 * RTTVAR, TCP_RTO_MIN = 200 ms), at most 120 s.
   */
  private rttSample(r: number): void {
    if (r <= 0) r = 1000;
    if (this.srtt === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.rto = Math.min(Math.round(this.srtt + Math.max(4 * this.rttvar, TCP_RTO_MIN)), TCP_RTO_MAX);
  }

  private rtoTimeout(): void {
    this.rtoTimer = undefined;
    if (this.rtx.length === 0) return;
    this.txHash = this.stack.ip.random.nextU32() || 1; // sk_rethink_txhash on every RTO
    const cfg = this.stack.config;
    const head = this.rtx[0]!;
    if (this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED') {
      const limit = this.state === 'SYN_SENT' ? cfg.synRetries : cfg.synackRetries;
      if (this.retransmits >= limit) {
        this.fail('ETIMEDOUT', this.state === 'SYN_SENT' ? 'connect timed out' : 'SYN-ACK retries exhausted');
        return;
      }
      this.retransmits++;
      this.backoff++;
      this.transmit(head, true);
      this.armRto();
      return;
    }
    if (this.retransmits >= cfg.retries2) {
      this.fail('ETIMEDOUT', 'retransmissions unanswered');
      return;
    }
    // tcp_enter_loss: Reno ssthresh, cwnd = in flight + 1 after marking everything lost.
    if (this.caState !== 'loss' || this.retransmits === 0) {
      this.ssthresh = Math.max(this.cwnd >> 1, 2);
    }
    for (const s of this.rtx) {
      if (!s.sacked) s.lost = true;
      s.retransOut = false;
    }
    this.cwnd = this.inFlight() + 1;
    this.cwndCnt = 0;
    this.caState = 'loss';
    this.highSeq = this.sndNxt;
    this.dupAcks = 0;
    this.retransmits++;
    this.backoff++;
    this.retransmitLost(true);
    this.armRto();
  }

  /** tcp_xmit_retransmit_queue: resend segments marked lost while cwnd allows (always the first when forced). */
  private retransmitLost(force: boolean): void {
    for (const s of this.rtx) {
      if (!s.lost || s.sacked || s.retransOut) continue;
      if (!force && this.inFlight() >= this.cwnd) break;
      force = false;
      this.transmit(s, true);
    }
  }

  // =====================================================================================================
  // Input
  // =====================================================================================================

  /** @internal A segment for this connection (4-tuple matched by the stack). */
  segmentArrives(seg: TcpSegment): void {
    const opts = parseOpts(seg.options);
    switch (this.state) {
      case 'CLOSED':
      case 'LISTEN':
        return;
      case 'SYN_SENT':
        this.synSentArrives(seg, opts);
        return;
      case 'TIME_WAIT':
        this.timeWaitArrives(seg, opts);
        return;
      default:
        this.synchronizedArrives(seg, opts);
    }
  }

  private synSentArrives(seg: TcpSegment, opts: RxOpts): void {
    const ackf = (seg.flags & ACK) !== 0;
    if (ackf && (notAfter(seg.ack, this.iss) || after(seg.ack, this.sndNxt))) {
      if ((seg.flags & RST) === 0) this.stack.sendReset(this.localAddress, this.remoteAddress, seg, 0);
      return;
    }
    if ((seg.flags & RST) !== 0) {
      if (ackf) this.fail('ECONNREFUSED', 'connection refused');
      return;
    }
    if ((seg.flags & SYN) === 0) return;
    this.takePeerSyn(seg, opts);
    if (!this.wscaleOk) {
      this.rcvWscale = 0;
      this.windowClamp = Math.min(this.windowClamp, 65535);
    }
    this.peerMss = opts.mss ?? TCP_MSS_DEFAULT;
    const mtuMss = Math.min(this.advmss, this.pmtuCookie - 40);
    if (this.tsOk) this.advmss -= TCPOLEN_TSTAMP_ALIGNED; // tcp_rcv_synsent_state_process
    this.mssCache = Math.min(this.peerMss, mtuMss) - (this.tsOk ? TCPOLEN_TSTAMP_ALIGNED : 0);
    this.sndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.sndWl2 = seg.ack;
    this.maxWindow = this.sndWnd;
    this.lrcvtime = this.stack.ip.now();
    if (ackf) {
      this.ackAdvance(seg.ack, opts);
      this.finishConnect();
      this.sendAck();
      this.flushPending();
      return;
    }
    // Simultaneous open: SYN_RECEIVED and a SYN-ACK with our original ISN.
    this.setState('SYN_RECEIVED');
    this.rto = TCP_TIMEOUT_INIT;
    this.backoff = 0;
    this.retransmits = 0;
    const syn = this.rtx[0];
    if (syn) {
      this.transmit(syn, false);
      this.armRto();
    }
  }

  /** tcp_finish_connect / the SYN_RECV -> ESTABLISHED step: tcp_init_transfer. */
  private finishConnect(): void {
    this.setState('ESTABLISHED');
    this.requestSock = false;
    this.retransmits = 0;
    this.backoff = 0;
    this.initBufferSpace();
    this.initRcvMss();
    this.cwnd = this.stack.config.initCwnd;
    const now = this.stack.ip.now();
    this.rcvqTime = now;
    this.rcvqSeq = this.copiedSeq;
    this.post(() => {
      this.onConnect?.();
    });
    if (this.listener) this.listener.established(this);
  }

  /**
   * tcp_init_buffer_space with tcp_app_win = 31: window_clamp = tcp_full_space - advmss ("force reservation of one
   * segment"), rcv_ssthresh = min(rcv_ssthresh, window_clamp). This gives the server's 502 (64256 = ALIGN(65536 -
   * 1398, 128)); the client keeps advertising 507 only because tcp_select_window never shrinks the 64860 it offered
   * in the SYN (ALIGN(64860, 128) = 64896).
   */
  private initBufferSpace(): void {
    const maxwin = this.winFromSpace(this.rcvbuf);
    if (this.windowClamp >= maxwin) {
      this.windowClamp = maxwin;
      if (maxwin > 4 * this.advmss) this.windowClamp = Math.max(maxwin - Math.floor(maxwin / 2 ** 31), 4 * this.advmss);
    }
    if (this.windowClamp > 2 * this.advmss && this.windowClamp + this.advmss > maxwin) this.windowClamp = Math.max(2 * this.advmss, maxwin - this.advmss);
    this.rcvSsthresh = Math.min(this.rcvSsthresh, this.windowClamp);
    this.rcvqSpace = Math.min(this.rcvSsthresh, this.rcvWnd, this.stack.config.initCwnd * this.advmss);
  }

  /** tcp_initialize_rcv_mss. */
  private initRcvMss(): void {
    let hint = Math.min(this.advmss, this.mssCache);
    hint = Math.min(hint, Math.floor(this.rcvWnd / 2));
    hint = Math.min(hint, TCP_MSS_DEFAULT);
    this.rcvMss = Math.max(hint, TCP_MIN_MSS);
  }

  private flushPending(): void {
    const p = this.pending;
    this.pending = [];
    for (const d of p) this.queueData(d);
    if (this.finQueued) {
      this.finQueued = false;
      const st = this.state;
      // re-run shutdown from the synchronized state the FIN was asked in
      if (st === 'FIN_WAIT_1') this.state = 'ESTABLISHED';
      else if (st === 'LAST_ACK') this.state = 'CLOSE_WAIT';
      this.shutdownWrite();
    }
    this.pushPending(false);
  }

  /** PAWS (RFC 7323 5): a timestamp older than TS.Recent marks an old duplicate. */
  private pawsReject(seg: TcpSegment, opts: RxOpts): boolean {
    if (!this.tsOk || !this.tsRecentValid || opts.tsVal === undefined) return false;
    if ((seg.flags & RST) !== 0) return false;
    return seqDiff(opts.tsVal, this.tsRecent) < 0;
  }

  private synchronizedArrives(seg: TcpSegment, opts: RxOpts): void {
    const flags = seg.flags;
    const segLen = seg.payload.length + ((flags & SYN) !== 0 ? 1 : 0) + ((flags & FIN) !== 0 ? 1 : 0);
    const segEnd = seqAdd(seg.seq, segLen);

    // A retransmitted SYN on a request socket: resend the SYN-ACK (tcp_check_req -> inet_rtx_syn_ack).
    if (this.state === 'SYN_RECEIVED' && (flags & (SYN | ACK | RST)) === SYN && seg.seq === this.irs) {
      const synack = this.rtx[0];
      if (synack && synack.syn) this.transmit(synack, true);
      return;
    }

    if (this.pawsReject(seg, opts)) {
      this.sendAck(); // tcp_send_dupack
      return;
    }

    // 1. Sequence check (tcp_sequence): the segment must overlap the receive window.
    const acceptable = !before(segEnd, this.rcvWup) && !after(seg.seq, seqAdd(this.rcvNxt, this.receiveWindow()));
    if (!acceptable) {
      if ((flags & RST) === 0) {
        this.enterQuickack();
        this.sendAck();
      }
      return;
    }

    // 2. RST (RFC 5961 3.2): only an exact match resets; otherwise challenge ACK.
    if ((flags & RST) !== 0) {
      if (seg.seq === this.rcvNxt || (this.state === 'SYN_RECEIVED' && this.requestSock)) {
        this.resetReceived();
      } else {
        this.sendAck();
      }
      return;
    }

    // Timestamps: update TS.Recent for a segment at the left edge (tcp_replace_ts_recent).
    if (this.tsOk && opts.tsVal !== undefined && notAfter(seg.seq, this.rcvWup)) {
      this.tsRecent = opts.tsVal;
      this.tsRecentValid = true;
    }

    // 3. SYN in a synchronized state: challenge ACK (RFC 5961 4), except the simultaneous-open SYN-ACK.
    if ((flags & SYN) !== 0) {
      const simOpen = this.state === 'SYN_RECEIVED' && !this.requestSock && (flags & ACK) !== 0 && seqAdd(seg.seq, 1) === this.rcvNxt && seg.ack === this.sndNxt;
      if (!simOpen) {
        this.sendAck();
        return;
      }
    }

    // 4. ACK.
    if ((flags & ACK) === 0) return;
    if (this.state === 'SYN_RECEIVED') {
      if (this.listener && this.listener.acceptQueueFull()) return; // tcp_abort_on_overflow = 0: drop the ACK
      if (notAfter(seg.ack, this.sndUna) || after(seg.ack, this.sndNxt)) {
        this.stack.sendReset(this.localAddress, this.remoteAddress, seg, 0);
        return;
      }
      this.sndWnd = seg.window * 2 ** this.sndWscale;
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
      this.maxWindow = Math.max(this.maxWindow, this.sndWnd);
      this.ackAdvance(seg.ack, opts);
      this.finishConnect();
      this.flushPending();
    } else {
      const r = this.ackArrives(seg, opts);
      if (r === 'drop') return;
    }
    if (this.state === 'CLOSED') return;

    const finAcked = this.finQueued && this.wq.length === 0 && this.rtx.length === 0 && this.sndUna === this.writeSeq;
    switch (this.state) {
      case 'FIN_WAIT_1':
        if (finAcked) {
          this.setState('FIN_WAIT_2');
          if (this.appClosed) this.armFinWait2();
        }
        break;
      case 'CLOSING':
        if (finAcked) {
          this.enterTimeWait();
          return;
        }
        break;
      case 'LAST_ACK':
        if (finAcked) {
          this.destroy();
          return;
        }
        break;
      default:
        break;
    }

    // 6. Data and 7. FIN.
    if (seg.payload.length > 0 || (flags & FIN) !== 0) {
      if (this.state === 'ESTABLISHED' || this.state === 'FIN_WAIT_1' || this.state === 'FIN_WAIT_2' || this.state === 'SYN_RECEIVED') {
        // An orphan that shut down receiving resets on new data (tcp_rcv_state_process, RFC 1122 4.2.2.13).
        if (this.appClosed && seg.payload.length > 0 && after(seqAdd(seg.seq, seg.payload.length), this.rcvNxt)) {
          this.sendActiveReset();
          this.destroy();
          return;
        }
        this.dataQueue(seg, opts);
      } else if (!before(seg.seq, this.rcvNxt) || after(segEnd, this.rcvNxt)) {
        // Data after the peer's FIN: nothing to accept; acknowledge what we have.
        this.sendAck();
        return;
      } else {
        // A retransmission of data/FIN we already have (e.g. our ACK was lost): D-SACK it and ACK at once.
        this.dsackFor(seg.seq, segEnd);
        this.enterQuickack();
        this.sendAck();
        return;
      }
    }
    const now = this.state as TcpState; // dataQueue may have moved the state on
    if (now === 'CLOSED' || now === 'TIME_WAIT') return;
    this.pushPending(false);
    this.ackSndCheck();
  }

  private resetReceived(): void {
    // tcp_reset: the error depends on the state.
    const code: TcpErrorCode = this.state === 'SYN_SENT' ? 'ECONNREFUSED' : this.state === 'CLOSE_WAIT' ? 'EPIPE' : 'ECONNRESET';
    if (this.requestSock) {
      this.destroy();
      return;
    }
    this.fail(code, 'connection reset by peer');
  }

  /** tcp_ack for synchronized states. */
  private ackArrives(seg: TcpSegment, opts: RxOpts): 'ok' | 'drop' {
    const ack = seg.ack;
    if (after(ack, this.sndNxt)) {
      // Acks data we never sent: RFC 9293 3.10.7.4 says send an ACK and drop.
      this.sendAck();
      return 'drop';
    }
    if (before(ack, this.sndUna)) {
      // Old duplicate ACK: ignore the ACK but still accept data in it.
      return 'ok';
    }
    const priorUna = this.sndUna;
    const priorWnd = this.sndWnd;
    // Window update (tcp_may_update_window).
    const nwin = seg.window * 2 ** this.sndWscale;
    if (after(ack, this.sndUna) || after(seg.seq, this.sndWl1) || (seg.seq === this.sndWl1 && (nwin > this.sndWnd || nwin === 0))) {
      this.sndWnd = nwin;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (nwin > this.maxWindow) this.maxWindow = nwin;
    }
    let newlySacked = 0;
    if (this.sackOk && opts.sack.length > 0) newlySacked = this.processSack(opts.sack);
    const advanced = after(ack, priorUna);
    if (advanced) this.ackAdvance(ack, opts);
    const isDup = !advanced && seg.payload.length === 0 && (seg.flags & FIN) === 0 && nwin === priorWnd && this.rtx.length > 0;
    this.congestion(advanced, isDup, newlySacked, priorUna);
    if (this.rtx.length === 0 && this.finQueued && this.wq.length === 0) {
      // everything incl. FIN acknowledged
    }
    return 'ok';
  }

  /** Marks SACKed segments; returns how many became SACKed. */
  private processSack(blocks: readonly SackBlock[]): number {
    let n = 0;
    for (const b of blocks) {
      if (!after(b.right, this.sndUna) || after(b.right, this.sndNxt)) continue; // D-SACK or bogus
      for (const s of this.rtx) {
        if (s.sacked) continue;
        if (!before(s.seq, b.left) && notAfter(endSeq(s), b.right)) {
          s.sacked = true;
          s.retransOut = false;
          n++;
        }
      }
    }
    return n;
  }

  /** snd_una moves to `ack`: clean the retransmit queue (tcp_clean_rtx_queue), sample the RTT (Karn). */
  private ackAdvance(ack: number, opts: RxOpts): void {
    const now = this.stack.ip.now();
    let sample = -1;
    let acked = 0;
    while (this.rtx.length > 0) {
      const s = this.rtx[0]!;
      const e = endSeq(s);
      if (after(e, ack)) {
        if (after(ack, s.seq) && s.len > 0 && !s.syn) {
          // partial ack of a segment (after a split): trim it
          const n = seqDiff(ack, s.seq);
          s.buf = s.buf.slice(n, s.len);
          s.len -= n;
          s.seq = ack;
        }
        break;
      }
      this.rtx.shift();
      if (!s.everRetrans && s.sentAt >= 0) sample = now - s.sentAt;
      if (!s.sacked) acked++;
    }
    if (sample < 0 && this.tsOk && opts.tsEcr !== undefined && opts.tsEcr !== 0 && this.retransmits === 0) {
      const ms = seqDiff(this.tsNow(), opts.tsEcr);
      if (ms >= 0 && ms < 3_600_000) sample = ms * MS;
    }
    this.sndUna = ack;
    if (sample >= 0) this.rttSample(sample);
    this.backoff = 0;
    this.retransmits = 0;
    this.probesOut = 0;
    this.lastAcked = acked;
    if (this.rtx.length > 0) this.armRto();
    else this.stopRto();
    if (after(this.sndSml, this.sndUna) === false) this.sndSml = this.sndUna;
    if (this.rtx.length === 0 && this.wq.length === 0 && this.pending.length === 0 && this.state !== 'SYN_SENT' && this.state !== 'SYN_RECEIVED') {
      this.post(() => this.onDrain?.());
    }
  }

  private lastAcked = 0;

  /** Reno congestion control with a NewReno/SACK recovery (RFC 5681, 6582, 6675 IsLost with DupThresh 3). */
  private congestion(advanced: boolean, isDup: boolean, newlySacked: number, _priorUna: number): void {
    if (this.state === 'SYN_RECEIVED' || this.state === 'SYN_SENT') return;
    if (isDup || newlySacked > 0) this.dupAcks++;
    if (advanced) {
      const acked = this.lastAcked;
      if (this.caState === 'recovery' || this.caState === 'loss') {
        if (!before(this.sndUna, this.highSeq)) {
          // Recovery complete.
          if (this.caState === 'recovery') this.cwnd = Math.max(this.ssthresh, 2);
          this.caState = 'open';
          this.dupAcks = 0;
          for (const s of this.rtx) s.lost = false;
        } else if (this.caState === 'recovery') {
          // Partial ACK: the new head is lost too (RFC 6582).
          const head = this.rtx[0];
          if (head && !head.sacked && !head.retransOut) head.lost = true;
        } else {
          // Loss state: slow start while retransmitting the marked segments.
          this.growCwnd(acked);
        }
      } else {
        this.dupAcks = 0;
        this.caState = 'open';
        if (this.isCwndLimited || this.inFlight() + acked >= this.cwnd) this.growCwnd(acked);
      }
      this.isCwndLimited = false;
    }
    // Loss detection by SACK / dupacks.
    if (this.caState === 'open' || this.caState === 'disorder') {
      this.markLostBySack();
      const headLost = this.rtx.length > 0 && this.rtx[0]!.lost;
      if (this.dupAcks >= 3 || headLost) {
        const head = this.rtx[0];
        if (head && !head.sacked) head.lost = true;
        this.ssthresh = Math.max(this.cwnd >> 1, 2);
        this.cwnd = this.ssthresh;
        this.cwndCnt = 0;
        this.caState = 'recovery';
        this.highSeq = this.sndNxt;
        this.retransmitLost(true); // fast retransmit
        this.armRto();
        return;
      } else if (this.dupAcks > 0) this.caState = 'disorder';
    } else if (this.caState === 'recovery') {
      this.markLostBySack();
    }
    if (this.caState === 'recovery' || this.caState === 'loss') this.retransmitLost(false);
  }

  /** RFC 6675 IsLost: a segment with at least three SACKed segments above it is lost. */
  private markLostBySack(): void {
    if (!this.sackOk) return;
    let sackedAbove = 0;
    for (let i = this.rtx.length - 1; i >= 0; i--) {
      const s = this.rtx[i]!;
      if (s.sacked) sackedAbove++;
      else if (sackedAbove >= 3 && !s.retransOut) s.lost = true;
    }
  }

  /** Slow start (tcp_slow_start) and congestion avoidance (tcp_cong_avoid_ai), in segments. */
  private growCwnd(acked: number): void {
    if (this.cwnd < this.ssthresh) {
      const c = Math.min(this.cwnd + acked, this.ssthresh);
      acked -= c - this.cwnd;
      this.cwnd = c;
      if (acked <= 0) return;
    }
    this.cwndCnt += acked;
    if (this.cwndCnt >= this.cwnd) {
      const d = Math.floor(this.cwndCnt / this.cwnd);
      this.cwndCnt -= d * this.cwnd;
      this.cwnd += d;
    }
  }

  // ---- receiving data (tcp_data_queue) ----

  private enterQuickack(): void {
    // tcp_enter_quickack_mode
    this.incrQuickack(TCP_MAX_QUICKACKS);
    this.pingpong = 0;
    this.ato = TCP_ATO_MIN;
  }

  private incrQuickack(max: number): void {
    let q = Math.floor(this.rcvWnd / (2 * this.rcvMss));
    if (q === 0) q = 2;
    q = Math.min(q, max);
    if (q > this.quick) this.quick = q;
  }

  private dsackFor(left: number, right: number): void {
    if (this.sackOk) this.dsack = { left, right };
  }

  private dataQueue(seg: TcpSegment, opts: RxOpts): void {
    let seq = seg.seq;
    let data = seg.payload;
    let fin = (seg.flags & FIN) !== 0;
    // Trim what we already have.
    if (before(seq, this.rcvNxt)) {
      const dup = seqDiff(this.rcvNxt, seq);
      if (dup >= data.length + (fin ? 1 : 0)) {
        this.dsackFor(seq, seqAdd(seq, data.length));
        this.enterQuickack();
        this.sendAck();
        return;
      }
      this.dsackFor(seq, this.rcvNxt);
      data = data.subarray(Math.min(dup, data.length));
      seq = this.rcvNxt;
    }
    // Trim beyond the window (keep the part that fits).
    const wndRight = seqAdd(this.rcvNxt, this.receiveWindow());
    if (after(seqAdd(seq, data.length), wndRight)) {
      const keep = Math.max(0, seqDiff(wndRight, seq));
      if (keep < data.length) {
        data = data.subarray(0, keep);
        fin = false;
      }
    }
    if (data.length === 0 && !fin) {
      // Zero window probe or a segment entirely outside the window: ACK immediately.
      this.sendAck();
      return;
    }
    if (seq === this.rcvNxt) {
      if (data.length > 0) {
        this.eventDataRecv(data.length, opts);
        this.queueRx(data);
        this.rcvNxt = seqAdd(this.rcvNxt, data.length);
      }
      if (fin) this.finArrives();
      if (this.ofo.length > 0) {
        this.drainOfo();
        // RFC 5681 4.2: ACK at once when a gap is filled.
        if (this.ofo.length === 0) this.ackNow = true;
      }
      this.updateSacks();
      if (data.length > 0) this.post(() => this.deliver());
      return;
    }
    // Out of order: keep it, answer with an immediate (SACK) dup ACK.
    this.addOfo(seq, data, fin);
    this.ackScheduled = true;
    this.enterQuickack();
    this.sendAck();
  }

  private addOfo(seq: number, data: Uint8Array, fin: boolean): void {
    // Insert keeping order; drop bytes already held (simple overlap trimming against neighbours).
    const segEnd = seqAdd(seq, data.length);
    for (const o of this.ofo) {
      if (!after(seq, o.seq) && !before(segEnd, seqAdd(o.seq, o.data.length)) && seq === o.seq && data.length <= o.data.length) {
        this.dsackFor(seq, segEnd);
        return;
      }
    }
    let i = 0;
    while (i < this.ofo.length && before(this.ofo[i]!.seq, seq)) i++;
    this.ofo.splice(i, 0, { seq, data: data.slice(), fin });
    // SACK block bookkeeping: the block containing this segment goes first (RFC 2018 4).
    const blocks = this.ofoBlocks();
    const first = blocks.find((b) => !after(b.left, seq) && !before(b.right, segEnd));
    const rest = this.sacks.filter((b) => blocks.some((x) => x.left === b.left && x.right === b.right) && !(first && b.left === first.left && b.right === first.right));
    const merged: SackBlock[] = [];
    if (first) merged.push(first);
    for (const b of rest) merged.push(b);
    for (const b of blocks) if (!merged.some((m) => m.left === b.left && m.right === b.right)) merged.push(b);
    this.sacks = merged;
  }

  /** Contiguous ranges held out of order. */
  private ofoBlocks(): SackBlock[] {
    const out: SackBlock[] = [];
    for (const o of this.ofo) {
      const l = o.seq;
      const r = seqAdd(o.seq, o.data.length + (o.fin ? 1 : 0));
      const last = out[out.length - 1];
      if (last && !after(l, last.right)) {
        if (after(r, last.right)) last.right = r;
      } else out.push({ left: l, right: r });
    }
    return out;
  }

  private updateSacks(): void {
    if (this.ofo.length === 0) {
      this.sacks = [];
      return;
    }
    const blocks = this.ofoBlocks();
    const kept = this.sacks
      .map((b) => blocks.find((x) => !after(x.left, b.left) && !before(x.right, b.right)))
      .filter((b): b is SackBlock => b !== undefined);
    const out: SackBlock[] = [];
    for (const b of [...kept, ...blocks]) if (!out.some((m) => m.left === b.left && m.right === b.right)) out.push(b);
    this.sacks = out;
  }

  private drainOfo(): void {
    let progressed = true;
    while (progressed && this.ofo.length > 0) {
      progressed = false;
      const o = this.ofo[0]!;
      const oEnd = seqAdd(o.seq, o.data.length);
      if (after(o.seq, this.rcvNxt)) break;
      this.ofo.shift();
      progressed = true;
      if (!after(oEnd, this.rcvNxt)) {
        if (o.fin && oEnd === this.rcvNxt && !this.finReceived) this.finArrives();
        continue;
      }
      const part = o.data.subarray(seqDiff(this.rcvNxt, o.seq));
      this.queueRx(part);
      this.rcvNxt = oEnd;
      if (o.fin) this.finArrives();
      this.post(() => this.deliver());
    }
  }

  private hasUnreadOfo(): boolean {
    return this.ofo.length > 0;
  }

  private queueRx(data: Uint8Array): void {
    const ts = rxTruesize(data.length);
    this.rxq.push({ data: data.slice(), truesize: ts });
    this.rmemAlloc += ts;
  }

  /** tcp_event_data_recv: ATO estimation, rcv_mss / scaling_ratio, receive window growth. */
  private eventDataRecv(len: number, opts: RxOpts): void {
    const now = this.stack.ip.now();
    this.ackScheduled = true;
    this.measureRcvMss(len);
    this.rcvRttMeasure(opts);
    if (this.ato === 0) {
      this.incrQuickack(TCP_MAX_QUICKACKS);
      this.ato = TCP_ATO_MIN;
    } else {
      const m = now - this.lrcvtime;
      if (m <= TCP_ATO_MIN / 2) this.ato = (this.ato >> 1) + TCP_ATO_MIN / 2;
      else if (m < this.ato) this.ato = Math.min((this.ato >> 1) + m, this.rto);
      else if (m > this.rto) this.incrQuickack(TCP_MAX_QUICKACKS);
    }
    this.lrcvtime = now;
    if (len >= 128) this.growWindow(len);
  }

  /** tcp_rcv_rtt_measure_ts: the receiver's RTT estimate from echoed timestamps (for buffer auto-tuning). */
  private rcvRttMeasure(opts: RxOpts): void {
    if (!this.tsOk || opts.tsEcr === undefined || opts.tsEcr === 0) return;
    const d = seqDiff(this.tsNow(), opts.tsEcr);
    if (d < 0 || d > 60_000) return;
    const sample = Math.max(d, 1) * MS;
    this.rcvRtt = this.rcvRtt === 0 ? sample : Math.round(this.rcvRtt + (sample - this.rcvRtt) / 8);
  }

  /** tcp_measure_rcv_mss including the scaling_ratio update of Linux 6.x. */
  private measureRcvMss(len: number): void {
    if (len >= this.rcvMss) {
      if (len !== this.rcvMss) {
        const old = this.scalingRatio;
        this.scalingRatio = Math.max(1, Math.floor((len * 2 ** RMEM_TO_WIN_SCALE) / rxTruesize(len)));
        if (old !== this.scalingRatio) {
          this.setWindowClamp(this.winFromSpace(this.rcvbuf));
          if (this.windowClamp < this.rcvSsthresh) this.rcvSsthresh = this.windowClamp;
        }
      }
      this.rcvMss = Math.min(len, this.advmss);
    } else {
      // A small segment: remember it was pushed (ICSK_ACK_PUSHED, then PUSHED2).
      this.ackPushed = this.ackPushed > 0 ? 2 : 1;
    }
  }

  /** tcp_set_window_clamp. */
  private setWindowClamp(val: number): void {
    const nc = Math.max(2304, val); // SOCK_MIN_RCVBUF / 2
    const old = this.windowClamp;
    if (nc === old) return;
    this.windowClamp = nc;
    if (nc < old) this.rcvSsthresh = Math.min(this.rcvSsthresh, nc);
    else this.rcvSsthresh = Math.max(Math.min(this.rcvWnd, nc), this.rcvSsthresh);
  }

  /** tcp_grow_window. */
  private growWindow(len: number): void {
    const room = Math.min(this.windowClamp, this.tcpSpace()) - this.rcvSsthresh;
    if (room <= 0) return;
    const truesize = rxTruesize(len);
    let incr: number;
    if (this.winFromSpace(truesize) <= len) incr = 2 * this.advmss;
    else {
      let t = this.winFromSpace(truesize) >> 1;
      let w = this.winFromSpace(this.stack.config.rmem[2]) >> 1;
      incr = 0;
      while (this.rcvSsthresh <= w) {
        if (t <= len) {
          incr = 2 * this.rcvMss;
          break;
        }
        t >>= 1;
        w >>= 1;
      }
    }
    if (incr) {
      incr = Math.max(incr, 2 * len);
      this.rcvSsthresh += Math.min(room, incr);
      this.quick |= 1;
    }
  }

  /** tcp_fin. */
  private finArrives(): void {
    if (this.finReceived) return;
    this.finReceived = true;
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.ackScheduled = true;
    switch (this.state) {
      case 'SYN_RECEIVED':
      case 'ESTABLISHED':
        this.setState('CLOSE_WAIT');
        this.pingpong = Math.max(this.pingpong, 1); // inet_csk_enter_pingpong_mode: the ACK waits for our reply
        break;
      case 'FIN_WAIT_1':
        this.sendAck();
        this.setState('CLOSING');
        break;
      case 'FIN_WAIT_2':
        this.sendAck();
        this.enterTimeWait();
        break;
      default:
        break;
    }
    this.post(() => this.deliver());
  }

  /** Hands data (and then end-of-stream) to the application. */
  private deliver(): void {
    if (this.onData) {
      let n = 0;
      while (this.rxq.length > 0 && this.onData) {
        const c = this.rxq.shift()!;
        this.rmemAlloc -= c.truesize;
        n += c.data.length;
        this.copiedSeq = seqAdd(this.copiedSeq, c.data.length);
        this.onData(c.data);
      }
      if (n > 0) this.afterRead(n);
    } else if (this.rxq.length > 0) {
      this.onReadable?.();
    }
    if (this.finReceived && this.rxq.length === 0 && !this.endDelivered && this.ofo.length === 0) {
      this.endDelivered = true;
      this.rcvShutdown = true;
      this.onEnd?.();
    }
  }

  /** After the application consumed data: tcp_rcv_space_adjust and tcp_cleanup_rbuf. */
  private afterRead(copied: number): void {
    if (this.state === 'CLOSED' || this.state === 'TIME_WAIT') return;
    this.rcvSpaceAdjust();
    let timeToAck = false;
    if (this.ackScheduled) {
      if (seqDiff(this.rcvNxt, this.rcvWup) > this.rcvMss || (copied > 0 && (this.ackPushed === 2 || (this.ackPushed === 1 && this.pingpong < 1)) && this.rmemAlloc === 0)) timeToAck = true;
    }
    if (!timeToAck && copied > 0 && !this.rcvShutdown && !this.finReceived) {
      const now = this.receiveWindow();
      if (2 * now <= this.windowClamp) {
        const nw = this.rawSelectWindow();
        if (nw && nw >= 2 * now) timeToAck = true;
      }
    }
    if (timeToAck) this.sendAck();
  }

  /** tcp_rcv_space_adjust (dynamic right-sizing of the receive buffer), once per receiver RTT estimate. */
  private rcvSpaceAdjust(): void {
    const now = this.stack.ip.now();
    const rtt = this.srtt > 0 ? this.srtt : this.rcvRtt;
    if (rtt <= 0 || now - this.rcvqTime < rtt) return;
    const copied = seqDiff(this.copiedSeq, this.rcvqSeq);
    if (copied > this.rcvqSpace) {
      let rcvwin = copied * 2 + 16 * this.advmss;
      const grow = Math.floor((rcvwin * (copied - this.rcvqSpace)) / Math.max(this.rcvqSpace, 1));
      rcvwin += grow * 2;
      const rcvbuf = Math.min(Math.floor((rcvwin * 2 ** RMEM_TO_WIN_SCALE) / this.scalingRatio), this.stack.config.rmem[2]);
      if (rcvbuf > this.rcvbuf) {
        this.rcvbuf = rcvbuf;
        this.windowClamp = this.winFromSpace(rcvbuf);
      }
      this.rcvqSpace = copied;
    }
    this.rcvqSeq = this.copiedSeq;
    this.rcvqTime = now;
  }

  /** __tcp_ack_snd_check. */
  private ackSndCheck(): void {
    if (!this.ackScheduled) return;
    const inQuick = this.quick > 0 && this.pingpong < 1;
    const moreThanOneFull = seqDiff(this.rcvNxt, this.rcvWup) > this.rcvMss && (seqDiff(this.rcvNxt, this.copiedSeq) < 1 || this.rawSelectWindow() >= this.rcvWnd);
    if (moreThanOneFull || inQuick || this.ackNow) {
      this.sendAck();
      return;
    }
    if (this.ofo.length > 0) {
      this.sendAck();
      return;
    }
    this.sendDelayedAck();
  }

  /** tcp_send_delayed_ack. */
  private sendDelayedAck(): void {
    let ato = this.ato;
    if (ato > TCP_DELACK_MIN) {
      let maxAto = 500 * MS; // HZ / 2
      if (this.pingpong >= 1 || this.ackPushed > 0) maxAto = TCP_DELACK_MAX;
      if (this.srtt > 0) {
        const rtt = Math.max(this.srtt, TCP_DELACK_MIN);
        if (rtt < maxAto) maxAto = rtt;
      }
      ato = Math.min(ato, maxAto);
    }
    ato = Math.min(ato, TCP_DELACK_MAX);
    if (ato === 0) ato = TCP_DELACK_MIN;
    const at = this.stack.ip.now() + ato;
    if (this.delackTimer !== undefined && this.delackAt <= at) return;
    this.delackTimer?.cancel();
    this.delackAt = at;
    this.delackTimer = this.stack.timer(ato, () => this.delackTimeout());
  }

  /** tcp_delack_timer_handler. */
  private delackTimeout(): void {
    this.delackTimer = undefined;
    if (!this.ackScheduled || this.state === 'CLOSED' || this.state === 'TIME_WAIT') return;
    if (this.pingpong < 1) this.ato = Math.min(this.ato * 2, this.rto);
    else {
      this.pingpong = 0;
      this.ato = TCP_ATO_MIN;
    }
    this.sendAck();
  }

  // =====================================================================================================
  // Closing
  // =====================================================================================================

  private armFinWait2(): void {
    if (this.finWait2Timer) return;
    this.finWait2Timer = this.stack.timer(this.stack.config.finTimeoutNs, () => {
      this.finWait2Timer = undefined;
      if (this.state === 'FIN_WAIT_2') this.destroy();
    });
  }

  /** tcp_time_wait: the connection lingers 60 s, answering retransmitted FINs. */
  private enterTimeWait(): void {
    this.stopTimers();
    this.setState('TIME_WAIT');
    this.rtx = [];
    this.wq = [];
    // tcp_time_wait: a minisocket takes the connection's place and the full socket is done, so whatever descriptor
    // the application still has refers to a closed socket; the TIME_WAIT entry has no inode and no process.
    this.holders.release();
    this.timeWaitTimer = this.stack.timer(this.stack.config.timeWaitNs, () => this.timeWaitExpired());
    this.notifyClose(undefined);
  }

  private timeWaitExpired(): void {
    this.timeWaitTimer = undefined;
    this.state = 'CLOSED';
    this.stack.unhash(this);
  }

  /** tcp_timewait_state_process. */
  private timeWaitArrives(seg: TcpSegment, opts: RxOpts): void {
    const flags = seg.flags;
    const paws = this.pawsReject(seg, opts);
    const segLen = seg.payload.length + ((flags & SYN) !== 0 ? 1 : 0) + ((flags & FIN) !== 0 ? 1 : 0);
    if (!paws && seg.seq === this.rcvNxt && (segLen === 0 || (flags & RST) !== 0)) {
      // In-window: only a reset or a bare ACK. net.ipv4.tcp_rfc1337 = 0: the RST ends TIME_WAIT.
      if ((flags & RST) !== 0) {
        this.timeWaitTimer?.cancel();
        this.timeWaitExpired();
        return;
      }
      if (this.tsOk && opts.tsVal !== undefined) this.tsRecent = opts.tsVal;
      return;
    }
    if ((flags & SYN) !== 0 && (flags & (ACK | RST)) === 0 && !paws) {
      const newer = after(seg.seq, this.rcvNxt) || (this.tsOk && opts.tsVal !== undefined && seqDiff(opts.tsVal, this.tsRecent) > 0);
      if (newer) {
        // TCP_TW_SYN: a new incarnation; its ISN starts beyond the old one (snd_nxt + 65535 + 2).
        const isn = seqAdd(this.sndNxt, 65535 + 2);
        this.timeWaitTimer?.cancel();
        this.timeWaitExpired();
        this.stack.reincarnate(seg, this.localAddress, this.remoteAddress, isn);
        return;
      }
    }
    if ((flags & RST) !== 0) return;
    // Out of window (e.g. a retransmitted FIN): restart the 2MSL timer and ACK from the control socket (IP ID 0).
    if (paws || (flags & ACK) !== 0) {
      this.timeWaitTimer?.cancel();
      this.timeWaitTimer = this.stack.timer(this.stack.config.timeWaitNs, () => this.timeWaitExpired());
    }
    this.emit(ACK, this.sndNxt, new Uint8Array(0), this.dataOptions(false), 0);
  }

  private stopTimers(): void {
    this.stopRto();
    this.probeTimer?.cancel();
    this.probeTimer = undefined;
    this.delackTimer?.cancel();
    this.delackTimer = undefined;
    this.finWait2Timer?.cancel();
    this.finWait2Timer = undefined;
  }

  private fail(code: TcpErrorCode, message: string): void {
    const err = new TcpError(code, message);
    const wasOpenToApp = !this.requestSock;
    this.destroy(err);
    if (wasOpenToApp) this.post(() => this.onError?.(err));
  }

  /** tcp_done: CLOSED, out of the tables, timers off. */
  private destroy(err?: TcpError): void {
    this.stopTimers();
    this.timeWaitTimer?.cancel();
    this.timeWaitTimer = undefined;
    this.state = 'CLOSED';
    this.rtx = [];
    this.wq = [];
    // Out of the tables the socket is no longer listed; its descriptor is dropped with it, as applications here
    // never read a dead socket again (on Linux the number stays taken until they close() it).
    this.holders.release();
    this.stack.unhash(this);
    if (this.listener) this.listener.dropped(this);
    if (!this.requestSock) this.notifyClose(err);
  }

  private notifyClose(err: TcpError | undefined): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.post(() => this.onClose?.(err));
  }

  private setState(s: TcpState): void {
    this.state = s;
  }

  private post(fn: () => void): void {
    this.stack.post(fn);
  }
}

function synOptions(mss: number, sack: boolean, tsVal: number | undefined, tsEcr: number, wscale: number | undefined): TcpOption[] {
  if (sack && tsVal !== undefined && wscale !== undefined) return linuxSynOptions(mss, tsVal, tsEcr, wscale);
  // tcp_options_write for partial sets: MSS; TS preceded by SACK_PERM or NOP,NOP; WS as NOP,WS; lone SACK_PERM as NOP,NOP,SACK_PERM.
  const o: TcpOption[] = [{ kind: 'mss', value: mss }];
  if (tsVal !== undefined) {
    if (sack) o.push({ kind: 'sackPermitted' });
    else o.push({ kind: 'nop' }, { kind: 'nop' });
    o.push({ kind: 'timestamps', tsVal, tsEcr });
  }
  if (wscale !== undefined) o.push({ kind: 'nop' }, { kind: 'windowScale', shift: wscale });
  if (sack && tsVal === undefined) o.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sackPermitted' });
  return o;
}
