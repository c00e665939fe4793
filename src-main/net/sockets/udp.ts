// UDP sockets (net/ipv4/udp.c): bind (ephemeral ports from ip_local_port_range, 32768–60999, picked at random
// from the namespace's seeded stream as udp_lib_get_port does), connect, sendto/send with a full checksum, receive
// callbacks, and port unreachable (sent by IPv4 input) when nothing listens. An unconnected socket leaves the IP
// ID to the kernel's hashed counter; connect() gives the socket its own random ID counter and flow hash
// (inet_id, sk_txhash), as Linux does.

import * as udp from '../../common/wire/udp.ts';
import { PROTO_UDP } from '../../common/wire/ipv4.ts';
import { readU16 } from '../../common/wire/bytes.ts';
import { fold, pseudoHeaderSum, sum } from '../../common/wire/checksum.ts';
import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Random } from '../../sim/random.ts';
import type { IcmpErrorInfo, Ipv4Info, Ipv4SendRequest, PmtuDisc, SendResult, TransportProtocol } from '../contracts.ts';
import type { Packet } from '../packet.ts';
import type { NetNamespace } from '../namespace.ts';
import { SocketHolders, type SocketProcess } from './owner.ts';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** routeOutput's options for an unbound socket (shared: routeOutput only reads them). */
const NO_ROUTE_OPTS: { src?: Ipv4Address } = Object.freeze({});

export interface UdpMessage {
  readonly data: Uint8Array;
  readonly from: Ipv4Address;
  readonly fromPort: number;
  readonly to: Ipv4Address;
  readonly toPort: number;
  readonly ttl: number;
  readonly tos: number;
  readonly journey: number;
}

export interface UdpError {
  readonly from: Ipv4Address;
  readonly type: number;
  readonly code: number;
  readonly mtu: number;
  /** Where the datagram that caused it was going. */
  readonly dst: Ipv4Address;
  readonly dstPort: number;
}

export class UdpProtocol implements TransportProtocol {
  readonly protocol = PROTO_UDP;
  private readonly byPort = new Map<number, UdpSocket[]>();

  constructor(
    readonly ns: NetNamespace,
    readonly random: Random,
  ) {}

  /** socket(); `owner` is the process that holds it (none for a kernel socket such as VXLAN's). */
  open(owner?: SocketProcess): UdpSocket {
    const s = new UdpSocket(this);
    if (owner !== undefined) s.holders.open(owner);
    return s;
  }

  /** The bound sockets, by port in the order the ports were first bound, for `ss`-like views. */
  sockets(): UdpSocket[] {
    return [...this.byPort.values()].flat();
  }

  /** @internal udp_lib_get_port. */
  bindPort(sock: UdpSocket, addr: Ipv4Address, port: number): number {
    if (port === 0) {
      const [lo, hi] = this.ns.sysctl.localPortRange;
      const n = hi - lo + 1;
      const start = this.random.below(n);
      for (let i = 0; i < n; i++) {
        const p = lo + ((start + i) % n);
        if (!this.conflicts(addr, p)) return this.insert(sock, p);
      }
      throw new Error('EADDRINUSE: no free ephemeral port');
    }
    if (this.conflicts(addr, port)) throw new Error(`EADDRINUSE: ${port}`);
    return this.insert(sock, port);
  }

  private conflicts(addr: Ipv4Address, port: number): boolean {
    return (this.byPort.get(port) ?? []).some((s) => s.localAddress === 0 || addr === 0 || s.localAddress === addr);
  }

  private insert(sock: UdpSocket, port: number): number {
    const list = this.byPort.get(port) ?? [];
    list.push(sock);
    this.byPort.set(port, list);
    return port;
  }

  /** @internal */
  unbind(sock: UdpSocket): void {
    const list = this.byPort.get(sock.localPort);
    if (list === undefined) return;
    const i = list.indexOf(sock);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byPort.delete(sock.localPort);
  }

  /** __udp4_lib_rcv. Called by IPv4 local delivery; false = no socket (port unreachable follows). */
  deliver(pkt: Packet, ip: Ipv4Info): boolean {
    // UdpView.check and its checksum status, read in place (no view or subarray per datagram).
    const d = pkt.data;
    const o = pkt.l4;
    const have = o >= 0 && o <= d.length ? d.length - o : 0;
    const len = have >= udp.HEADER_LEN ? readU16(d, o + 4) : 0;
    if (have < udp.HEADER_LEN || len < udp.HEADER_LEN || len > have) {
      this.ns.stats.inc('udp.in_errors');
      return true;
    }
    if (readU16(d, o + 6) !== 0 && fold(sum(d, o, o + len, pseudoHeaderSum(ip.src, ip.dst, PROTO_UDP, len))) !== 0xffff) {
      this.ns.stats.inc('udp.in_csum_errors');
      return true;
    }
    const srcPort = readU16(d, o);
    const dstPort = readU16(d, o + 2);
    const candidates = this.byPort.get(dstPort);
    if (candidates === undefined || candidates.length === 0) {
      this.ns.stats.inc('udp.no_ports');
      return false;
    }
    // Best match: a connected socket for this peer, then an exact local address, then the wildcard.
    let best: UdpSocket | undefined;
    let bestScore = -1;
    for (const s of candidates) {
      if (s.localAddress !== 0 && s.localAddress !== ip.dst && !ip.broadcast) continue;
      if (s.remote !== undefined && (s.remote.addr !== ip.src || s.remote.port !== srcPort)) continue;
      const score = (s.remote !== undefined ? 4 : 0) + (s.localAddress !== 0 ? 2 : 0);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    if (best === undefined) {
      this.ns.stats.inc('udp.no_ports');
      return false;
    }
    if (best.encapRcv !== undefined) {
      best.encapRcv(pkt, ip);
      return true;
    }
    best.onMessage?.({ data: d.slice(o + udp.HEADER_LEN, o + len), from: ip.src, fromPort: srcPort, to: ip.dst, toPort: dstPort, ttl: ip.ttl, tos: ip.tos, journey: pkt.journey });
    return true;
  }

  /** __udp4_lib_err: hand the error to the socket that sent the quoted datagram. */
  icmpError(err: IcmpErrorInfo): void {
    const q = err.quoted.payload;
    if (q.length < 4) return;
    const sport = readU16(q, 0);
    const dport = readU16(q, 2);
    const s = (this.byPort.get(sport) ?? []).find((x) => x.localAddress === 0 || x.localAddress === err.quoted.src);
    s?.onError?.({ from: err.from, type: err.type, code: err.code, mtu: err.mtu, dst: err.quoted.dst, dstPort: dport });
  }
}

export class UdpSocket {
  localAddress: Ipv4Address = 0;
  localPort = 0;
  remote: { addr: Ipv4Address; port: number } | undefined = undefined;
  pmtudisc: PmtuDisc = 'want';
  ttl: number | undefined = undefined;
  tos = 0;
  onMessage: ((m: UdpMessage) => void) | undefined = undefined;
  onError: ((e: UdpError) => void) | undefined = undefined;
  /**
   * udp_sk(sk)->encap_rcv: a tunnel socket (VXLAN) takes the whole packet, after the checksum check, with pkt.l4 at
   * the UDP header, instead of a datagram for onMessage.
   */
  encapRcv: ((pkt: Packet, ip: Ipv4Info) => void) | undefined = undefined;
  /** The processes holding this socket's descriptor (none for a kernel socket). */
  readonly holders = new SocketHolders();
  private ident: number | undefined = undefined;
  private txhash = 0;

  constructor(private readonly proto: UdpProtocol) {}

  /** bind(addr, port); port 0 picks an ephemeral one. Returns the port. */
  bind(addr: Ipv4Address = 0, port = 0): number {
    if (this.localPort !== 0) throw new Error('EINVAL: already bound');
    this.localAddress = addr;
    this.localPort = this.proto.bindPort(this, addr, port);
    return this.localPort;
  }

  /** connect(): fixes the peer; the socket gets its own IP ID counter and flow hash. */
  connect(addr: Ipv4Address, port: number): void {
    if (this.localPort === 0) this.bind();
    this.remote = { addr, port };
    this.ident = this.proto.random.below(0x10000);
    this.txhash = this.proto.random.nextU32() || 1;
  }

  send(data: Uint8Array): SendResult {
    if (this.remote === undefined) throw new Error('EDESTADDRREQ');
    return this.sendto(data, this.remote.addr, this.remote.port);
  }

  sendto(data: Uint8Array, addr: Ipv4Address, port: number): SendResult {
    const ns = this.proto.ns;
    if (this.localPort === 0) this.bind();
    const route = ns.routeOutput(addr, this.localAddress !== 0 ? { src: this.localAddress } : NO_ROUTE_OPTS);
    if (route === undefined) return { ok: false, error: 'ENETUNREACH' };
    const src = this.localAddress !== 0 ? this.localAddress : route.src;
    const bytes = udp.encode({ srcPort: this.localPort, dstPort: port, payload: data }, { src, dst: addr });
    // ip_select_ident and skb_set_hash_from_sk: a connected socket (inet_daddr set) numbers and hashes every datagram
    // with its own counter and sk_txhash, also one that sendto() aims elsewhere (traceroute's probes to port+seq).
    const connected = this.remote !== undefined;
    // Built field by field (no spreads, no closure per datagram: the ident counter is one bound function per socket).
    const req: Writable<Ipv4SendRequest> = { route, dst: addr, src, protocol: PROTO_UDP, tos: this.tos, pmtudisc: this.pmtudisc };
    if (this.ttl !== undefined) req.ttl = this.ttl;
    if (connected) {
      req.socketIdent = this.nextIdent;
      req.hash = this.txhash;
    }
    return ns.sendIpv4(req, bytes);
  }

  /** inet_id++ of a connected socket. */
  private readonly nextIdent = (): number => (this.ident = ((this.ident ?? 0) + 1) & 0xffff);

  close(): void {
    this.holders.release();
    if (this.localPort !== 0) this.proto.unbind(this);
    this.onMessage = undefined;
    this.onError = undefined;
  }
}
