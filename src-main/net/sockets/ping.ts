// What iputils ping (20221126) does on the wire with an ICMP datagram socket: one echo request per interval
// (1 s), seq from 1, 56 data bytes = a 16-byte struct timeval of the send time (tv_sec, tv_usec as 64-bit
// little-endian) followed by the bytes 0x10, 0x11, ... (byte i of the data is i & 0xff). With -c N it stops
// after N requests, and exits when every request is answered or has failed, or after the linger time (-W,
// 10 s) from the last request. The shell layer formats the results later.

import { formatIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import type { PmtuDisc } from '../contracts.ts';
import type { NetNamespace } from '../namespace.ts';
import type { EchoReply, PingError } from './icmp-ping.ts';

export interface PingOptions {
  /** -c: number of requests (default 1 here; iputils' default is "forever"). */
  count?: number;
  /** -i: interval between requests (default 1 s). */
  interval?: Time;
  /** -s: data bytes (default 56). */
  size?: number;
  /** -M: do | want | dont (default want). */
  pmtudisc?: PmtuDisc;
  /** -t. */
  ttl?: number;
  /** -W: how long to wait for replies after the last request (default 10 s). */
  timeout?: Time;
}

export interface PingReplyLine {
  readonly seq: number;
  readonly from: Ipv4Address;
  readonly bytes: number;
  readonly ttl: number;
  readonly rtt: Time;
}

export interface PingResult {
  readonly dst: Ipv4Address;
  /** The echo id the kernel assigned (undefined if nothing could be sent). */
  id: number | undefined;
  transmitted: number;
  received: number;
  errors: number;
  readonly replies: PingReplyLine[];
  /** Lines as iputils prints them, in order ("64 bytes from ...", "From ... Destination Host Unreachable", ...). */
  readonly lines: string[];
  /** Journey ids of the requests, by seq. */
  readonly requestJourneys: Map<number, number>;
  done: boolean;
  startedAt: Time;
  endedAt: Time | undefined;
}

export interface PingRun {
  readonly result: PingResult;
  stop(): void;
}

/** Starts a ping from `ns` now; `onDone` runs when it exits. */
export function ping(ns: NetNamespace, dst: string | Ipv4Address, opts: PingOptions = {}, onDone?: (r: PingResult) => void): PingRun {
  const sched = ns.env.scheduler;
  const target = typeof dst === 'string' ? parseIpv4(dst) : dst;
  const count = opts.count ?? 1;
  const interval = opts.interval ?? SECOND;
  const size = opts.size ?? 56;
  const linger = opts.timeout ?? 10 * SECOND;
  const sock = ns.ping.open();
  sock.pmtudisc = opts.pmtudisc ?? 'want';
  if (opts.ttl !== undefined) sock.ttl = opts.ttl;
  const result: PingResult = { dst: target, id: undefined, transmitted: 0, received: 0, errors: 0, replies: [], lines: [], requestJourneys: new Map(), done: false, startedAt: sched.now, endedAt: undefined };
  const sentAt = new Map<number, Time>();
  const answered = new Set<number>();
  let seq = 0;
  let next: EventHandle | undefined;
  let lingerTimer: EventHandle | undefined;

  const finish = (): void => {
    if (result.done) return;
    result.done = true;
    result.endedAt = sched.now;
    next?.cancel();
    lingerTimer?.cancel();
    sock.close();
    onDone?.(result);
  };
  const maybeFinish = (): void => {
    if (seq >= count && result.received + result.errors >= count) finish();
  };

  sock.onReply = (r: EchoReply) => {
    if (result.done || answered.has(r.seq) || !sentAt.has(r.seq)) return;
    answered.add(r.seq);
    result.received++;
    const rtt = r.at - sentAt.get(r.seq)!;
    result.replies.push({ seq: r.seq, from: r.from, bytes: r.data.length + 8, ttl: r.ttl, rtt });
    result.lines.push(`${r.data.length + 8} bytes from ${formatIpv4(r.from)}: icmp_seq=${r.seq} ttl=${r.ttl} time=${formatRtt(rtt)} ms`);
    maybeFinish();
  };
  sock.onError = (e: PingError) => {
    if (result.done) return;
    result.errors++;
    result.lines.push(`From ${formatIpv4(e.from)} icmp_seq=${e.seq} ${errorText(e)}`);
    maybeFinish();
  };

  const sendOne = (): void => {
    next = undefined;
    seq++;
    const data = payload(size, ns.env.epochNs + sched.now);
    sentAt.set(seq, sched.now);
    const r = sock.sendEcho(target, seq, data);
    result.id = sock.id;
    if (r.ok) {
      result.transmitted++;
      result.requestJourneys.set(seq, r.journey);
    } else {
      result.errors++;
      result.lines.push(r.error === 'EMSGSIZE' ? `ping: local error: message too long, mtu=${r.mtu}` : `ping: sendmsg: ${r.error}`);
    }
    if (seq < count) next = sched.schedule(interval, sendOne);
    else lingerTimer = sched.schedule(linger, finish);
    maybeFinish();
  };
  sendOne();
  return { result, stop: finish };
}

/** The iputils payload: timeval of `wallNs` (when size >= 16), then byte i = i & 0xff. */
export function payload(size: number, wallNs: number): Uint8Array {
  const d = new Uint8Array(size);
  for (let i = 0; i < size; i++) d[i] = i & 0xff;
  if (size >= 16) {
    const sec = Math.floor(wallNs / SECOND);
    const usec = Math.floor((wallNs - sec * SECOND) / 1000);
    const v = new DataView(d.buffer);
    v.setBigUint64(0, BigInt(sec), true);
    v.setBigUint64(8, BigInt(usec), true);
  }
  return d;
}

function formatRtt(t: Time): string {
  const msv = t / 1e6;
  return msv >= 100 ? msv.toFixed(0) : msv >= 10 ? msv.toFixed(1) : msv.toFixed(3);
}

function errorText(e: PingError): string {
  if (e.type === 3) {
    const texts: Record<number, string> = { 0: 'Destination Net Unreachable', 1: 'Destination Host Unreachable', 2: 'Destination Protocol Unreachable', 3: 'Destination Port Unreachable', 4: `Frag needed and DF set (mtu = ${e.mtu})`, 13: 'Packet filtered' };
    return texts[e.code] ?? `Dest Unreachable, Bad Code: ${e.code}`;
  }
  if (e.type === 11) return e.code === 0 ? 'Time to live exceeded' : 'Frag reassembly time exceeded';
  return `type ${e.type} code ${e.code}`;
}
