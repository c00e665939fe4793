// ICMP datagram ("ping") sockets as Linux gives them (net/ipv4/ping.c) to iputils ping when ping_group_range
// allows it (Docker's default). The echo identifier is the socket's "port": the kernel assigns it on the first
// send from a per-namespace rover (+1 per socket, skipping ids in use), so successive ping runs in one namespace
// get consecutive ids (facts 3.4: 0x7c5b, 0x7c5d, 0x7c5f, 0x7c60 in c1; 0x4f80, 0x4f81 in d1). The rover's start
// is drawn from the seed. The kernel fills in the id and the checksum; replies come back by id.

import * as icmp from '../../common/wire/icmp.ts';
import { PROTO_ICMP } from '../../common/wire/ipv4.ts';
import { readU16 } from '../../common/wire/bytes.ts';
import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Random } from '../../sim/random.ts';
import type { Time } from '../../sim/time.ts';
import type { IcmpErrorInfo, Ipv4Info, PmtuDisc, SendResult } from '../contracts.ts';
import type { Packet } from '../packet.ts';
import type { NetNamespace } from '../namespace.ts';

export interface EchoReply {
  readonly from: Ipv4Address;
  readonly id: number;
  readonly seq: number;
  readonly ttl: number;
  readonly data: Uint8Array;
  /** Virtual receive time. */
  readonly at: Time;
  /** Journey id of the reply packet. */
  readonly journey: number;
}

/** An ICMP error about one of this socket's echo requests (IP_RECVERR). */
export interface PingError {
  readonly from: Ipv4Address;
  readonly type: number;
  readonly code: number;
  readonly mtu: number;
  readonly seq: number;
  readonly at: Time;
}

export class PingSockets {
  private rover: number;
  private readonly byId = new Map<number, PingSocket>();

  constructor(
    readonly ns: NetNamespace,
    random: Random,
  ) {
    this.rover = random.below(0x10000);
  }

  open(): PingSocket {
    return new PingSocket(this);
  }

  /** @internal ping_get_port(ident 0): the next free id after the rover. */
  autobind(sock: PingSocket): number {
    for (let i = 0; i < 0x10000; i++) {
      let id = (this.rover + 1 + i) & 0xffff;
      if (id === 0) id = 1;
      if (!this.byId.has(id)) {
        this.rover = id;
        this.byId.set(id, sock);
        return id;
      }
    }
    throw new Error('ping: no free ICMP identifiers');
  }

  /** @internal */
  release(id: number): void {
    this.byId.delete(id);
  }

  /** ping_rcv. Called by the kernel's ICMP input for an echo reply. */
  deliverReply(ip: Ipv4Info, id: number, seq: number, data: Uint8Array, pkt: Packet): void {
    const s = this.byId.get(id);
    if (s === undefined) return;
    s.onReply?.({ from: ip.src, id, seq, ttl: ip.ttl, data: data.slice(), at: this.ns.env.scheduler.now, journey: pkt.journey });
  }

  /** ping_err. Called by the kernel's ICMP input for an error quoting one of our echo requests. */
  error(err: IcmpErrorInfo): void {
    const q = err.quoted.payload;
    if (q.length < 8 || q[0] !== icmp.TYPE_ECHO_REQUEST) return;
    const s = this.byId.get(readU16(q, 4));
    s?.onError?.({ from: err.from, type: err.type, code: err.code, mtu: err.mtu, seq: readU16(q, 6), at: this.ns.env.scheduler.now });
  }
}

export class PingSocket {
  /** The echo identifier (the socket's port); assigned on the first send. */
  id: number | undefined = undefined;
  pmtudisc: PmtuDisc = 'want';
  ttl: number | undefined = undefined;
  tos = 0;
  onReply: ((r: EchoReply) => void) | undefined = undefined;
  onError: ((e: PingError) => void) | undefined = undefined;

  constructor(private readonly table: PingSockets) {}

  /** sendto(): one echo request with the kernel's id and checksum. */
  sendEcho(dst: Ipv4Address, seq: number, data: Uint8Array): SendResult {
    const ns = this.table.ns;
    const route = ns.routeOutput(dst);
    if (route === undefined) return { ok: false, error: 'ENETUNREACH' };
    this.id ??= this.table.autobind(this);
    const msg = icmp.encode({ kind: 'echoRequest', identifier: this.id, sequence: seq, data });
    return ns.sendIpv4({ route, dst, protocol: PROTO_ICMP, tos: this.tos, pmtudisc: this.pmtudisc, ...(this.ttl !== undefined ? { ttl: this.ttl } : {}) }, msg);
  }

  close(): void {
    if (this.id !== undefined) this.table.release(this.id);
    this.onReply = undefined;
    this.onError = undefined;
  }
}
