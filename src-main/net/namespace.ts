// A network namespace: its devices (lo first, ifindex 1), IPv4 addresses, local and main routing tables,
// neighbour table, netfilter hooks, sysctls, transport registry and sockets. It is the network layer of gVisor's
// contracts: NetworkInput for its devices, NetworkOutput for its sockets and transports.

import { ETHERTYPE_ARP, ETHERTYPE_IPV4, HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import { readU16 } from '../common/wire/bytes.ts';
import { formatIpv4, inSubnet, networkOf, parseCidr, parseIpv4, prefixMask, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { formatMac, parseMac, type MacAddress } from '../common/wire/mac.ts';
import type { Random } from '../sim/random.ts';
import { ALL_HOSTS, Igmp } from './igmp.ts';
import { arpInput, arpSolicit } from './arp.ts';
import { Bridge } from './bridge.ts';
import type { BridgeNetfilter, Ipv4SendRequest, LinkEndpoint, NetworkInput, NetworkOutput, OutputRoute, SendResult, TransportProtocol } from './contracts.ts';
import { randomMac, type DeviceHost, type NetDevice, type Tap } from './device.ts';
import type { Kernel, NetEnv } from './env.ts';
import { Reassembler } from './fragment.ts';
import { icmpSendError } from './icmp.ts';
import { ipv4Input } from './ipv4-input.ts';
import { routeOutput, sendIpv4, sendResolved } from './ipv4-output.ts';
import { Loopback } from './loopback.ts';
import { NeighbourTable } from './neighbour.ts';
import { Netfilter } from './netfilter.ts';
import type { Packet } from './packet.ts';
import type { PmtuCache } from './pmtu.ts';
import { RoutingTable, type Route } from './route.ts';
import { TcpTransport } from './tcp-transport.ts';
import { PingSockets } from './sockets/icmp-ping.ts';
import { RawSockets } from './sockets/raw.ts';
import { UdpProtocol } from './sockets/udp.ts';
import { Veth } from './veth.ts';

export interface InterfaceAddress {
  readonly dev: NetDevice;
  readonly address: Ipv4Address;
  readonly prefixLength: number;
  readonly broadcast: Ipv4Address;
  readonly scope: 'global' | 'host';
}

/** The sysctls that change behaviour on the wire (/proc/sys/net/ipv4/...). */
export interface Sysctls {
  ipForward: boolean;
  defaultTtl: number;
  icmpEchoIgnoreAll: boolean;
  icmpEchoIgnoreBroadcasts: boolean;
  /** ip_local_port_range. */
  localPortRange: [number, number];
}

/** Drop and event counters by name (ip.martian, arp.bad, ...), for tests and `nstat`-like views. */
export class Stats {
  private readonly m = new Map<string, number>();
  inc(name: string, n = 1): void {
    this.m.set(name, (this.m.get(name) ?? 0) + n);
  }
  get(name: string): number {
    return this.m.get(name) ?? 0;
  }
  entries(): [string, number][] {
    return [...this.m.entries()].sort();
  }
}

export class NetNamespace implements DeviceHost, NetworkInput, NetworkOutput {
  readonly env: NetEnv;
  readonly random: Random;
  readonly lo: Loopback;
  readonly localTable = new RoutingTable('local');
  readonly mainTable = new RoutingTable('main');
  readonly neigh: NeighbourTable;
  readonly netfilter = new Netfilter();
  /** br_netfilter for this namespace's bridges (set by netfilter-glue.ts with bridge-nf-call-iptables). */
  bridgeNf: BridgeNetfilter | undefined = undefined;
  readonly transports = new Map<number, TransportProtocol>();
  readonly sysctl: Sysctls = { ipForward: false, defaultTtl: 64, icmpEchoIgnoreAll: false, icmpEchoIgnoreBroadcasts: true, localPortRange: [32768, 60999] };
  readonly stats = new Stats();
  readonly anyTaps = new Set<Tap>();
  readonly frags: Reassembler;
  readonly pmtu: PmtuCache = new Map();
  readonly ping: PingSockets;
  /** Raw IPv4 sockets (SOCK_RAW): copies of the datagrams delivered here, by protocol. */
  readonly raw: RawSockets;
  readonly udp: UdpProtocol;
  /** TCP sockets: ns.tcp.connect(dst, port), ns.tcp.listen(port). */
  readonly tcp: TcpTransport;
  readonly igmp: Igmp;
  private readonly devices = new Map<string, NetDevice>();
  private readonly addrs: InterfaceAddress[] = [];
  private readonly groups = new Map<number, Set<Ipv4Address>>();
  private nextIfindex = 1;

  constructor(
    readonly kernel: Kernel,
    readonly name: string,
  ) {
    this.env = kernel.env;
    this.random = kernel.random.fork(`netns:${name}`);
    const clock = kernel.clock;
    this.neigh = new NeighbourTable(
      {
        clock,
        solicit: (e, mac, queued) => arpSolicit(this, e, mac, queued),
        sendResolved: (dev, pkt, mac) => sendResolved(dev, pkt, mac),
        unreachable: (pkt) => icmpSendError(this, pkt, 3, 1),
      },
      this.random.fork('neigh'),
    );
    this.frags = new Reassembler(
      (delay, fn) => clock.timer(delay, fn),
      (first) => icmpSendError(this, first, 11, 1),
    );
    this.igmp = new Igmp(this, this.random.fork('igmp'));
    this.ping = new PingSockets(this, this.random.fork('ping'));
    this.raw = new RawSockets(this, this.random.fork('raw'));
    this.udp = new UdpProtocol(this, this.random.fork('udp'));
    this.transports.set(this.udp.protocol, this.udp);
    this.tcp = new TcpTransport(this, this.random.fork('tcp'));
    this.transports.set(this.tcp.protocol, this.tcp);
    this.lo = this.addDevice(new Loopback(this));
    this.addAddress('lo', '127.0.0.1/8');
  }

  // ---------------------------------------------------------------------------------------------- devices

  allocIfindex(): number {
    while ([...this.devices.values()].some((d) => d.ifindex === this.nextIfindex)) this.nextIfindex++;
    return this.nextIfindex++;
  }

  addDevice<D extends NetDevice>(dev: D): D {
    if (this.devices.has(dev.name)) throw new Error(`RTNETLINK answers: File exists (${dev.name} in ${this.name})`);
    this.devices.set(dev.name, dev);
    return dev;
  }

  /** The device called `name`; throws if there is none (as `ip` says "Cannot find device"). */
  device(name: string): NetDevice {
    const d = this.devices.get(name);
    if (d === undefined) throw new Error(`Cannot find device "${name}" in ${this.name}`);
    return d;
  }

  hasDevice(name: string): boolean {
    return this.devices.has(name);
  }

  /**
   * ip link del NAME: the device goes down (its routes and neighbours go), leaves its master, loses its addresses
   * and its taps, and its name is free again. Deleting one end of a veth pair deletes the peer too, as Linux does.
   */
  removeDevice(name: string): void {
    const dev = this.device(name);
    if (dev.isLoopback) throw new Error('RTNETLINK answers: Operation not supported');
    dev.down();
    dev.setMaster(undefined);
    dev.uninit();
    for (let i = this.addrs.length - 1; i >= 0; i--) {
      const a = this.addrs[i]!;
      if (a.dev !== dev) continue;
      this.addrs.splice(i, 1);
      this.localTable.delete({ dev, src: a.address });
    }
    this.localTable.delete({ dev });
    this.mainTable.delete({ dev });
    dev.taps.clear();
    this.devices.delete(name);
    if (dev instanceof Veth && (dev.peer as Veth | undefined) !== undefined) {
      const peer = dev.peer;
      const host = peer.host as NetNamespace;
      if (host.devices.get(peer.name) === peer) host.removeDevice(peer.name);
    }
  }

  get deviceList(): NetDevice[] {
    return [...this.devices.values()].sort((a, b) => a.ifindex - b.ifindex);
  }

  /** ip link add NAME type bridge [address MAC]; brought up and given addresses when asked. */
  addBridge(name: string, opts: { mac?: string | MacAddress; addresses?: string[]; mtu?: number; up?: boolean } = {}): Bridge {
    const br = this.addDevice(new Bridge(this, name, this.macOf(opts.mac), opts.mtu));
    for (const a of opts.addresses ?? []) this.addAddress(br, a);
    if (opts.up ?? true) br.up();
    return br;
  }

  /** @internal used by NetLab.vethPair */
  createVeth(name: string, mac: string | MacAddress | undefined, mtu: number): Veth {
    return this.addDevice(new Veth(this, name, this.macOf(mac), mtu));
  }

  private macOf(mac: string | MacAddress | undefined): MacAddress {
    if (mac === undefined) return randomMac(() => this.random.nextU32());
    return typeof mac === 'string' ? parseMac(mac) : mac;
  }

  deviceStateChanged(dev: NetDevice): void {
    if (dev.adminUp) {
      for (const a of this.addrs) if (a.dev === dev) this.addKernelRoutes(a);
      this.joinGroup(dev, ALL_HOSTS);
    } else {
      this.localTable.delete({ dev });
      this.mainTable.delete({ dev });
      this.neigh.flush(dev);
      this.groups.delete(dev.ifindex);
    }
  }

  joinGroup(dev: NetDevice, group: Ipv4Address): void {
    let set = this.groups.get(dev.ifindex);
    if (set === undefined) {
      set = new Set();
      this.groups.set(dev.ifindex, set);
    }
    if (set.has(group)) return;
    set.add(group);
    this.igmp.groupAdded(dev, group);
  }

  hasGroup(dev: LinkEndpoint, group: Ipv4Address): boolean {
    return this.groups.get(dev.ifindex)?.has(group) ?? false;
  }

  // -------------------------------------------------------------------------------------------- addresses

  /** ip addr add CIDR dev DEV: also the local, broadcast and connected routes while DEV is up. */
  addAddress(devName: string | NetDevice, cidr: string): InterfaceAddress {
    const dev = typeof devName === 'string' ? this.device(devName) : devName;
    const { address, prefixLength } = parseCidr(cidr);
    if (this.addrs.some((a) => a.dev === dev && a.address === address)) throw new Error(`RTNETLINK answers: File exists (${cidr} on ${dev.name})`);
    const broadcast = prefixLength >= 31 ? 0 : (networkOf(address, prefixLength) | ~prefixMask(prefixLength)) >>> 0;
    // the scope follows the address, not the device (iproute2 default_scope, devinet inet_set_ifa): a VIP that
    // libnetwork puts on lo over netlink is `scope global lo`
    const a: InterfaceAddress = { dev, address, prefixLength, broadcast, scope: address >>> 24 === 127 ? 'host' : 'global' };
    this.addrs.push(a);
    if (dev.adminUp) this.addKernelRoutes(a);
    return a;
  }

  /** ip addr del CIDR dev DEV. */
  delAddress(devName: string, cidr: string): void {
    const dev = this.device(devName);
    const { address } = parseCidr(cidr);
    const i = this.addrs.findIndex((a) => a.dev === dev && a.address === address);
    if (i < 0) throw new Error('RTNETLINK answers: Cannot assign requested address');
    this.addrs.splice(i, 1);
    this.localTable.delete({ dev, src: address });
    this.mainTable.delete({ dev, src: address, protocol: 'kernel' });
  }

  get addresses(): readonly InterfaceAddress[] {
    return this.addrs;
  }

  /** fib_add_ifaddr. */
  private addKernelRoutes(a: InterfaceAddress): void {
    const dev = a.dev;
    const net = networkOf(a.address, a.prefixLength);
    const base = { dev, src: a.address, metric: 0, protocol: 'kernel' as const };
    const tryAdd = (t: RoutingTable, r: Route): void => {
      if (!t.list().some((x) => x.dst === r.dst && x.prefixLength === r.prefixLength && x.dev === r.dev && x.type === r.type)) t.add(r);
    };
    if (dev.isLoopback && a.prefixLength < 32) tryAdd(this.localTable, { ...base, dst: net, prefixLength: a.prefixLength, type: 'local', scope: 'host' });
    tryAdd(this.localTable, { ...base, dst: a.address, prefixLength: 32, type: 'local', scope: 'host' });
    if (a.broadcast !== 0) tryAdd(this.localTable, { ...base, dst: a.broadcast, prefixLength: 32, type: 'broadcast', scope: 'link' });
    if (!dev.isLoopback && a.prefixLength < 32) tryAdd(this.mainTable, { ...base, dst: net, prefixLength: a.prefixLength, type: 'unicast', scope: 'link' });
  }

  isLocalAddress(a: Ipv4Address): boolean {
    return this.localTable.lookup(a)?.type === 'local';
  }

  /** inet_select_addr: the device's primary address in dst's subnet, else its first, else any global one. */
  selectSource(dev: LinkEndpoint, dst: Ipv4Address): Ipv4Address {
    let first: Ipv4Address | undefined;
    for (const a of this.addrs) {
      if (a.dev !== dev) continue;
      if (inSubnet(dst, a.address, a.prefixLength)) return a.address;
      first ??= a.address;
    }
    if (first !== undefined) return first;
    for (const a of this.addrs) if (a.scope === 'global' && a.dev.adminUp) return a.address;
    return 0;
  }

  // ---------------------------------------------------------------------------------------------- routes

  /**
   * ip route add: `addRoute('default', { via: '172.17.0.1' })`, `addRoute('10.0.0.0/8', { dev: 'eth1' })`,
   * `addRoute('10.9.0.0/16', { type: 'blackhole' })`.
   */
  addRoute(dst: string, opts: { via?: string; dev?: string; src?: string; metric?: number; mtu?: number; type?: Route['type']; protocol?: Route['protocol'] } = {}): Route {
    const { address, prefixLength } = dst === 'default' ? { address: 0, prefixLength: 0 } : dst.includes('/') ? parseCidr(dst) : { address: parseIpv4(dst), prefixLength: 32 };
    const type = opts.type ?? 'unicast';
    const gateway = opts.via !== undefined ? parseIpv4(opts.via) : undefined;
    let dev = opts.dev !== undefined ? this.device(opts.dev) : undefined;
    if (type === 'unicast' && dev === undefined) {
      if (gateway === undefined) throw new Error('ip route: need a device or a gateway');
      const r = this.mainTable.lookup(gateway);
      if (r === undefined || r.gateway !== undefined || r.dev === undefined) throw new Error(`RTNETLINK answers: Network is unreachable (gateway ${opts.via})`);
      dev = r.dev as NetDevice;
    }
    const route: Route = {
      dst: networkOf(address, prefixLength),
      prefixLength,
      type,
      dev,
      ...(gateway !== undefined ? { gateway } : {}),
      ...(opts.src !== undefined ? { src: parseIpv4(opts.src) } : {}),
      ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}),
      metric: opts.metric ?? 0,
      scope: gateway !== undefined || type !== 'unicast' ? 'global' : 'link',
      protocol: opts.protocol ?? 'boot',
    };
    return this.mainTable.add(route);
  }

  routeOutput(dst: Ipv4Address, opts?: { src?: Ipv4Address; oif?: string }): OutputRoute | undefined {
    return routeOutput(this, dst, opts);
  }

  /** The route a forwarded packet takes (main table only). */
  routeForward(dst: Ipv4Address): OutputRoute | undefined {
    const r = this.mainTable.lookup(dst);
    if (r === undefined || r.type !== 'unicast' || r.dev === undefined) return undefined;
    const pmtu = this.pmtu.get(dst);
    const mtu = Math.min(r.mtu ?? r.dev.mtu, pmtu !== undefined && pmtu.expires > this.env.scheduler.now ? pmtu.mtu : Infinity);
    return { dev: r.dev, src: r.src ?? this.selectSource(r.dev, dst), gateway: r.gateway, mtu, type: 'unicast' };
  }

  sendIpv4(req: Ipv4SendRequest, payload: Uint8Array): SendResult {
    return sendIpv4(this, req, payload);
  }

  // -------------------------------------------------------------------------------------------------- input

  deliverFrame(dev: LinkEndpoint, pkt: Packet): void {
    if (pkt.length < ETH_HLEN) return;
    const type = readU16(pkt.data, pkt.l2 + 12);
    pkt.l3 = pkt.l2 + ETH_HLEN;
    if (type === ETHERTYPE_IPV4) ipv4Input(this, dev as NetDevice, pkt);
    else if (type === ETHERTYPE_ARP) arpInput(this, dev as NetDevice, pkt);
    else this.stats.inc('link.unknown_ethertype');
  }

  // ------------------------------------------------------------------------------------------------- views

  /** `ip -4 addr` (abridged to what the shell shows). */
  formatAddr(): string[] {
    const out: string[] = [];
    for (const d of this.deviceList) {
      const state = d.isLoopback ? 'UNKNOWN' : d.adminUp && d.carrier ? 'UP' : 'DOWN';
      const master = d.master !== undefined ? ` master ${d.master.name}` : '';
      out.push(`${d.ifindex}: ${d.name}: <${d.flags().join(',')}> mtu ${d.mtu} qdisc noqueue${master} state ${state}`);
      out.push(d.isLoopback ? '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00' : `    link/ether ${formatMac(d.mac)} brd ff:ff:ff:ff:ff:ff`);
      for (const a of this.addrs) {
        if (a.dev !== d) continue;
        const brd = a.broadcast !== 0 ? ` brd ${formatIpv4(a.broadcast)}` : '';
        out.push(`    inet ${formatIpv4(a.address)}/${a.prefixLength}${brd} scope ${a.scope} ${d.name}`);
      }
    }
    return out;
  }

  /** `ip route` (main table). */
  formatRoutes(table: 'main' | 'local' = 'main'): string[] {
    return (table === 'main' ? this.mainTable : this.localTable).format();
  }
}
