// TCP glued into a namespace: the TcpStack of tcp/ (a Linux-faithful state machine that knows nothing of devices)
// becomes the namespace's transport for protocol 6, and gets its IPv4 layer (TcpIpLayer) from the namespace:
//
//   socket --TcpStack--> TcpIpLayer.send --> routeOutput + sendIpv4 (OUTPUT, POSTROUTING, neighbour, device)
//   device --> ipv4Input --> local delivery --> TcpTransport.deliver --> TcpStack.input
//   ICMP error about a segment we sent --> icmp.ts errorInput --> TcpTransport.icmpError --> tcp_v4_err
//
// What the glue carries from the segment to the IP header, as Linux's ip_queue_xmit does:
//   - DF on every segment (TCP sockets run path MTU discovery) and the socket's own IP ID counter (inet_id, random
//     start, +1 per segment), or 0 where TCP says so (SYN-ACK of a request socket, control-socket RST): facts 3.6;
//   - the socket's flow hash (sk_txhash) in the packet, so a VXLAN device derives the outer source port from it
//     (facts 3.1: one stable port per direction and connection);
//   - the route's MTU (a learned PMTU included) for the MSS, and the route's source address for connect().
// A segment that does not fit the route MTU any more is not sent; the kernel answers itself with a frag-needed
// (ip_fragment → icmp_send to the local sender), which this glue hands to TCP directly.

import { readU16, readU32 } from '../common/wire/bytes.ts';
import { PROTO_TCP } from '../common/wire/ipv4.ts';
import { parseIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import type { Random } from '../sim/random.ts';
import type { IcmpErrorInfo, Ipv4Info, TransportProtocol } from './contracts.ts';
import type { Packet } from './packet.ts';
import type { NetNamespace } from './namespace.ts';
import { TcpStack, type TcpListener } from './tcp/stack.ts';
import { SocketHolders, type SocketProcess } from './sockets/owner.ts';
import type { TcpSocket } from './tcp/socket.ts';
import { TcpError, type TcpConfig, type TcpIpLayer, type TcpOutSegment } from './tcp/types.ts';

export interface TcpConnectOptions {
  /** bind() to this address first; default: the route's source address. */
  localAddress?: string | Ipv4Address;
  /** bind() to this port first; default: an ephemeral port chosen as __inet_hash_connect does (even ports). */
  localPort?: number;
  /** TCP_NODELAY. */
  noDelay?: boolean;
  /** The process whose socket() this is. */
  owner?: SocketProcess;
}

export interface TcpListenOptions {
  /** Bind address; default 0.0.0.0. */
  address?: string | Ipv4Address;
  /** listen() backlog (python's http.server uses 5). */
  backlog?: number;
  /** The process whose socket() this is: it holds the listener and accept()s its connections. */
  owner?: SocketProcess;
}

/**
 * An IPv6 listening socket (bound to `::`), such as docker-proxy's twin of every published port or nginx's
 * `listen [::]:80`. The lab carries no IPv6 (no addresses, routes or neighbours), so nothing ever connects to it:
 * it exists so that socket listings show what a Linux host shows, and holds its port and its descriptors.
 */
export class Tcp6Listener {
  readonly holders = new SocketHolders();
  /** Always `::` (the lab binds no other IPv6 address). */
  readonly address = '::';

  /** @internal */
  constructor(
    private readonly transport: TcpTransport,
    readonly port: number,
    readonly backlog: number,
  ) {}

  close(): void {
    this.holders.release();
    this.transport.closeListener6(this);
  }
}

const addr = (a: string | Ipv4Address): Ipv4Address => (typeof a === 'string' ? parseIpv4(a) : a);

/** The TCP of one namespace: `ns.tcp.connect(...)`, `ns.tcp.listen(...)`. */
export class TcpTransport implements TransportProtocol {
  readonly protocol = PROTO_TCP;
  readonly stack: TcpStack;
  private readonly listeners6: Tcp6Listener[] = [];

  constructor(
    readonly ns: NetNamespace,
    random: Random,
    config: Partial<TcpConfig> = {},
  ) {
    const sched = ns.env.scheduler;
    const layer: TcpIpLayer = {
      now: () => sched.now,
      schedule: (delayNs, fn) => {
        const h = sched.schedule(delayNs, fn);
        return { cancel: () => void h.cancel() };
      },
      random,
      send: (seg) => this.output(seg),
      routeMtu: (dst) => ns.routeOutput(dst)?.mtu ?? 576,
      sourceAddress: (dst) => ns.routeOutput(dst)?.src,
    };
    this.stack = new TcpStack(layer, { localPortRange: ns.sysctl.localPortRange, ...config });
  }

  // ------------------------------------------------------------------------------------------ socket API

  /** socket() + connect(): the SYN leaves now (after ARP if needed). Throws ENETUNREACH without a route. */
  connect(dst: string | Ipv4Address, port: number, opts: TcpConnectOptions = {}): TcpSocket {
    const remote = addr(dst);
    const local = opts.localAddress !== undefined ? addr(opts.localAddress) : undefined;
    const route = this.ns.routeOutput(remote, local !== undefined ? { src: local } : {});
    if (route === undefined) throw new TcpError('ENETUNREACH', `no route to ${dst}`);
    return this.stack.connect({
      remoteAddress: remote,
      remotePort: port,
      localAddress: local ?? route.src,
      ...(opts.localPort !== undefined ? { localPort: opts.localPort } : {}),
      ...(opts.noDelay !== undefined ? { noDelay: opts.noDelay } : {}),
      ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
    });
  }

  /** socket() + bind() + listen(). */
  listen(port: number, opts: TcpListenOptions = {}): TcpListener {
    return this.stack.listen({
      port,
      address: opts.address !== undefined ? addr(opts.address) : 0,
      ...(opts.backlog !== undefined ? { backlog: opts.backlog } : {}),
      ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
    });
  }

  /** socket(AF_INET6) + bind(`::`, port) + listen(): see Tcp6Listener. EADDRINUSE when `::` already has the port. */
  listen6(port: number, opts: { backlog?: number; owner?: SocketProcess } = {}): Tcp6Listener {
    if (this.listeners6.some((l) => l.port === port)) throw new TcpError('EADDRINUSE', `port ${port} is already listening on ::`);
    const l = new Tcp6Listener(this, port, Math.min(opts.backlog ?? 4096, this.stack.config.somaxconn));
    if (opts.owner !== undefined) l.holders.open(opts.owner);
    this.listeners6.push(l);
    return l;
  }

  /** @internal */
  closeListener6(l: Tcp6Listener): void {
    const i = this.listeners6.indexOf(l);
    if (i >= 0) this.listeners6.splice(i, 1);
  }

  /** Every connection (request sockets and TIME_WAIT included), for `ss`-like views. */
  sockets(): TcpSocket[] {
    return this.stack.sockets();
  }

  /** The IPv4 listening sockets, in the order they were opened. */
  listeners(): TcpListener[] {
    return this.stack.listening();
  }

  /** The IPv6 listening sockets (Tcp6Listener), in the order they were opened. */
  ipv6Listeners(): readonly Tcp6Listener[] {
    return this.listeners6;
  }

  // ---------------------------------------------------------------------------------------- IPv4 output

  /** ip_queue_xmit for one segment. */
  private output(seg: TcpOutSegment): void {
    const ns = this.ns;
    const route = ns.routeOutput(seg.dst, { src: seg.src });
    if (route === undefined) {
      ns.stats.inc('tcp.out_no_route');
      return; // the segment is lost; TCP's retransmission timer runs on
    }
    const r = ns.sendIpv4(
      {
        route,
        dst: seg.dst,
        src: seg.src,
        protocol: PROTO_TCP,
        pmtudisc: seg.df ? 'do' : 'dont',
        socketIdent: () => seg.ipId ?? 0,
        ...(seg.hash !== undefined && seg.hash !== 0 ? { hash: seg.hash } : {}),
      },
      seg.bytes,
    );
    if (!r.ok && r.error === 'EMSGSIZE') {
      // ip_fragment refuses a DF segment over the MTU and sends the sender (us) a frag-needed.
      ns.stats.inc('ip.frag_fails');
      const mtu = r.mtu ?? route.mtu;
      const b = seg.bytes;
      ns.env.scheduler.schedule(0, () => this.stack.icmpError(seg.src, readU16(b, 0), seg.dst, readU16(b, 2), 3, 4, readU32(b, 4), mtu));
    }
  }

  // ---------------------------------------------------------------------------------------- IPv4 input

  /** tcp_v4_rcv. Always true: a segment nobody owns is answered with RST by TCP, never with ICMP. */
  deliver(pkt: Packet, ip: Ipv4Info): boolean {
    if (ip.broadcast) {
      this.ns.stats.inc('tcp.in_not_host');
      return true; // tcp_v4_rcv: pkt_type != PACKET_HOST
    }
    this.stack.input(ip.src, ip.dst, pkt.data.subarray(pkt.l4));
    return true;
  }

  /** tcp_v4_err: the quoted header names the connection (ports) and the segment (sequence number). */
  icmpError(err: IcmpErrorInfo): void {
    const q = err.quoted.payload;
    if (q.length < 8) return;
    let pathMtu = 0;
    if (err.type === 3 && err.code === 4) pathMtu = this.ns.routeOutput(err.quoted.dst, { src: err.quoted.src })?.mtu ?? err.mtu;
    this.stack.icmpError(err.quoted.src, readU16(q, 0), err.quoted.dst, readU16(q, 2), err.type, err.code, readU32(q, 4), pathMtu);
  }
}
