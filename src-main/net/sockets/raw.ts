// Raw IPv4 sockets (net/ipv4/raw.c), socket(AF_INET, SOCK_RAW, protocol) without IP_HDRINCL, as traceroute and
// busybox's ICMP tools open them:
//
// - Receive (raw_local_deliver, run by local delivery after reassembly and the INPUT hook, before the protocol's own
//   handler): every socket of the datagram's protocol gets a copy of the whole datagram, IP header included, unless
//   it is bound to another local address (inet_rcv_saddr) or connected to another peer (inet_daddr). The kernel
//   still hands the datagram to its protocol afterwards (ICMP answers echoes and dispatches errors, UDP finds its
//   socket); only a protocol with no handler of its own is different: a raw socket that took the datagram stops the
//   protocol unreachable the kernel would otherwise send.
// - Send (raw_sendmsg): the caller's bytes are the payload of one IPv4 datagram of the socket's protocol (the caller
//   computes its own checksum), routed from the bound address, with the socket's IP_TTL, TOS and IP_MTU_DISCOVER.
// - connect (ip4_datagram_connect): routes to the peer, takes the route's source as the local address when unbound
//   (what getsockname then shows), and gives the socket its own IP ID counter and flow hash, as for UDP.
// Not modelled: ICMP_FILTER, SO_BINDTODEVICE, IP_HDRINCL, the receive buffer's limit, IP_RECVERR on raw sockets.

import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Random } from '../../sim/random.ts';
import type { Time } from '../../sim/time.ts';
import type { Ipv4Info, Ipv4SendRequest, PmtuDisc, SendResult } from '../contracts.ts';
import type { NetNamespace } from '../namespace.ts';
import type { Packet } from '../packet.ts';
import { SocketHolders, type SocketProcess } from './owner.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** One datagram as recvfrom() on a raw IPv4 socket returns it. */
export interface RawDatagram {
  /** The whole datagram from its IP header on (ip_hl tells where the payload starts). */
  readonly data: Uint8Array;
  /** recvfrom's address: the datagram's source. */
  readonly from: Ipv4Address;
  /** Its destination (IP_PKTINFO's ipi_addr). */
  readonly to: Ipv4Address;
  /** Virtual time it was queued on the socket. */
  readonly at: Time;
  readonly journey: number;
}

export class RawSockets {
  private readonly byProtocol = new Map<number, RawSocket[]>();

  constructor(
    readonly ns: NetNamespace,
    readonly random: Random,
  ) {}

  /** socket(AF_INET, SOCK_RAW, protocol); `owner` is the process holding the descriptor. */
  open(protocol: number, owner?: SocketProcess): RawSocket {
    const s = new RawSocket(this, protocol);
    if (owner !== undefined) s.holders.open(owner);
    const list = this.byProtocol.get(protocol) ?? [];
    list.push(s);
    this.byProtocol.set(protocol, list);
    return s;
  }

  /** Open raw sockets, for socket views. */
  sockets(): RawSocket[] {
    return [...this.byProtocol.values()].flat();
  }

  /** @internal */
  remove(sock: RawSocket): void {
    const list = this.byProtocol.get(sock.protocol);
    if (list === undefined) return;
    const i = list.indexOf(sock);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byProtocol.delete(sock.protocol);
  }

  /**
   * raw_local_deliver: a copy of the datagram (from pkt.l3 to `end`) for each matching socket, in the order they
   * were opened. True when at least one socket matched (raw_v4_input's "delivered").
   */
  deliver(pkt: Packet, ip: Ipv4Info, end: number): boolean {
    if (this.byProtocol.size === 0) return false;
    const list = this.byProtocol.get(ip.protocol);
    if (list === undefined) return false;
    let delivered = false;
    for (const s of [...list]) {
      if (s.localAddress !== 0 && s.localAddress !== ip.dst) continue;
      if (s.remote !== undefined && s.remote !== ip.src) continue;
      delivered = true;
      s.onDatagram?.({ data: pkt.data.slice(pkt.l3, end), from: ip.src, to: ip.dst, at: this.ns.env.scheduler.now, journey: pkt.journey });
    }
    return delivered;
  }
}

export class RawSocket {
  localAddress: Ipv4Address = 0;
  /** The connected peer (inet_daddr), if any. */
  remote: Ipv4Address | undefined = undefined;
  /** IP_TTL; undefined = the namespace's ip_default_ttl. */
  ttl: number | undefined = undefined;
  tos = 0;
  pmtudisc: PmtuDisc = 'want';
  onDatagram: ((d: RawDatagram) => void) | undefined = undefined;
  readonly holders = new SocketHolders();
  private ident: number | undefined = undefined;
  private txhash = 0;
  private closed = false;

  constructor(
    private readonly table: RawSockets,
    readonly protocol: number,
  ) {}

  /** raw_bind: a local address of this namespace, or 0 (any); else EADDRNOTAVAIL. */
  bind(addr: Ipv4Address): 'EADDRNOTAVAIL' | undefined {
    if (addr !== 0 && !this.table.ns.isLocalAddress(addr)) return 'EADDRNOTAVAIL';
    this.localAddress = addr;
    return undefined;
  }

  /** ip4_datagram_connect: ENETUNREACH without a route; else the peer is fixed and an unbound socket gets the
   * route's source address. */
  connect(addr: Ipv4Address): 'ENETUNREACH' | undefined {
    const ns = this.table.ns;
    const route = ns.routeOutput(addr, this.localAddress !== 0 ? { src: this.localAddress } : {});
    if (route === undefined) return 'ENETUNREACH';
    if (this.localAddress === 0) this.localAddress = route.src;
    this.remote = addr;
    this.ident = this.table.random.below(0x10000);
    this.txhash = this.table.random.nextU32() || 1;
    return undefined;
  }

  /** raw_sendmsg: `data` becomes the payload of one datagram of this socket's protocol to `dst` (the peer if
   * omitted). */
  sendto(data: Uint8Array, dst: Ipv4Address | undefined = this.remote): SendResult {
    if (dst === undefined) throw new Error('EDESTADDRREQ');
    const ns = this.table.ns;
    const route = ns.routeOutput(dst, this.localAddress !== 0 ? { src: this.localAddress } : {});
    if (route === undefined) return { ok: false, error: 'ENETUNREACH' };
    const req: Writable<Ipv4SendRequest> = { route, dst, src: this.localAddress !== 0 ? this.localAddress : route.src, protocol: this.protocol, tos: this.tos, pmtudisc: this.pmtudisc };
    if (this.ttl !== undefined) req.ttl = this.ttl;
    // ip_select_ident: a connected socket (inet_daddr set) numbers its datagrams itself, whatever the destination.
    if (this.remote !== undefined) {
      req.socketIdent = this.nextIdent;
      req.hash = this.txhash;
    }
    return ns.sendIpv4(req, data);
  }

  private readonly nextIdent = (): number => (this.ident = ((this.ident ?? 0) + 1) & 0xffff);

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.holders.release();
    this.table.remove(this);
    this.onDatagram = undefined;
  }
}
