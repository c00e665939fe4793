// A VXLAN device as Linux has it (drivers/net/vxlan/vxlan_core.c), configured the way Docker's overlay driver
// does (libnetwork createVxlan: `learning proxy l2miss l3miss`, dstport 4789, MTU 1450) or as a plain flood-list
// VTEP (`learning` + all-zeros FDB entries).
//
// The device lives in one namespace (where its bridge is: Docker's overlay sandbox) and its UDP socket, outer
// routing and neighbour resolution in another, the "underlay" namespace (where it was created: the host; Docker
// moves the device into the sandbox afterwards, the socket stays). In the reference both are the node namespace.
//
// Transmit (vxlan_xmit), for each frame the bridge hands to the port:
//   - proxy on and an ARP request (arp_reduce): answered from the namespace's neighbour table on this device (the
//     permanent `ip neigh` entries Docker installs per remote peer) with a reply that looks like the peer's own
//     (Ethernet src = the peer MAC), received back on this device; no entry → an L3MISS event and the frame is
//     dropped. Nothing goes to the underlay (facts 3.2).
//   - otherwise the FDB entry of the destination MAC, else the all-zeros entry (the flood list), else the frame is
//     dropped (an L2MISS event for unicast). An entry holds a list of remote VTEPs; copies go to the second, third,
//     ... remote and the original to the first, which is the order of `bridge fdb append` reversed for two peers
//     (facts 3.2: the copy to .13 leaves before the one to .12).
// Encapsulation (vxlan_xmit_one + udp_tunnel_xmit_skb) per remote, facts 3.1:
//   outer IPv4 TOS 0 (inner ECN mapped), TTL = ip_default_ttl, DF clear, ID from the kernel's hashed
//   per-destination counter; UDP dst 4789, checksum filled (udpcsum), source port = udp_flow_src_port(flow hash)
//   in [32768, 60999]: the socket's hash when the packet carries one (TCP/UDP sockets, sk_txhash), else the
//   symmetric header hash (ICMP, ARP, fragments); VXLAN flags 0x08 + VNI. The underlay namespace routes it and
//   resolves the VTEP's MAC by ARP, the packet waiting in the neighbour queue.
// Receive (vxlan_rcv): UDP 4789 in the underlay namespace → the device with the VNI; a frame from our own MAC is
// dropped; with `learning`, the inner source MAC is learned against the outer source address (static entries
// never move); then the frame enters the device (and so the bridge), the outer hash, mark and conntrack dropped.

import * as arpWire from '../common/wire/arp.ts';
import * as udpWire from '../common/wire/udp.ts';
import * as vxlanWire from '../common/wire/vxlan.ts';
import { readU16, writeU16 } from '../common/wire/bytes.ts';
import { ETHERTYPE_ARP, HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import { PROTO_UDP } from '../common/wire/ipv4.ts';
import { formatIpv4, isLoopbackIpv4, isMulticastIpv4, parseIpv4, readIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { formatMac, isMulticastMac, parseMac, readMac, writeMac, MAC_ZERO, type MacAddress } from '../common/wire/mac.ts';
import { SECOND, type Time } from '../sim/time.ts';
import type { Ipv4Info } from './contracts.ts';
import { NetDevice, type DeviceKind } from './device.ts';
import { flowHash, flowSourcePort } from './flow-hash.ts';
import { NeighbourTable } from './neighbour.ts';
import { Packet } from './packet.ts';
import type { NetNamespace } from './namespace.ts';
import type { UdpSocket } from './sockets/udp.ts';

export interface VxlanOptions {
  /** VXLAN network identifier (Docker: 4096 for ingress, then 4097, ...). */
  vni: number;
  /** dstport: the UDP port of the VTEPs (and of our socket). Default 4789. */
  dstport?: number;
  /** local: the outer source address; default the underlay route's source. */
  local?: string | Ipv4Address;
  /** The namespace of the UDP socket and the outer routing; default the device's own. */
  underlay?: NetNamespace;
  /** dev: the underlay device outer packets must leave through. */
  dev?: string;
  /** Learn inner source MAC → outer source address from received packets. Default true (Linux default). */
  learning?: boolean;
  /** Answer ARP requests from the neighbour table (ARP suppression). */
  proxy?: boolean;
  /** Report unknown unicast destinations (netlink RTM_GETNEIGH on the FDB). */
  l2miss?: boolean;
  /** Report ARP requests for addresses the neighbour table does not hold. */
  l3miss?: boolean;
  /** Outer TTL; 0 = auto (ip_default_ttl of the underlay, 64). */
  ttl?: number;
  /** Outer TOS; default 0. */
  tos?: number;
  /** Fill the outer UDP checksum (the kernel default, facts 3.1). Default true. */
  udpCsum?: boolean;
  /** Source port range; default the underlay's ip_local_port_range. */
  portRange?: readonly [number, number];
  /** FDB ageing of learned entries (300 s). */
  ageing?: Time;
  /** MTU; default 1450 (1500 − 50). */
  mtu?: number;
  mac?: string | MacAddress;
}

/** One FDB entry: a MAC and the VTEPs behind it (bridge fdb ... dev vxlan0 dst IP self). */
export interface VxlanFdbEntry {
  readonly mac: MacAddress;
  /** Remote VTEPs in list order (add/replace sets one; append adds at the tail). 0 = bridge-local. */
  readonly remotes: Ipv4Address[];
  /** permanent (added by the user) or reachable (learned). */
  readonly state: 'permanent' | 'reachable';
  updated: Time;
  used: Time;
}

/** A netlink miss notification (what `ip monitor` prints for a vxlan device). */
export interface VxlanMiss {
  readonly kind: 'l2miss' | 'l3miss';
  readonly at: Time;
  readonly mac?: MacAddress;
  readonly ip?: Ipv4Address;
}

/** The per-(namespace, port) UDP socket shared by the VXLAN devices using it (struct vxlan_sock). */
interface VxlanSock {
  readonly ns: NetNamespace;
  readonly sock: UdpSocket;
  readonly devices: Map<number, VxlanDevice>;
}

const socks = new WeakMap<NetNamespace, Map<number, VxlanSock>>();

export class VxlanDevice extends NetDevice {
  readonly kind: DeviceKind = 'vxlan';
  readonly vni: number;
  readonly dstport: number;
  readonly underlay: NetNamespace;
  readonly local: Ipv4Address;
  readonly learning: boolean;
  readonly proxy: boolean;
  readonly l2miss: boolean;
  readonly l3miss: boolean;
  readonly ttl: number;
  readonly tos: number;
  readonly udpCsum: boolean;
  readonly portRange: readonly [number, number];
  readonly ageing: Time;
  readonly oif: string | undefined;
  /** L2MISS / L3MISS notifications, in order. */
  readonly misses: VxlanMiss[] = [];
  onMiss: ((m: VxlanMiss) => void) | undefined = undefined;
  private readonly fdb = new Map<MacAddress, VxlanFdbEntry>();
  private vsock: VxlanSock | undefined = undefined;

  constructor(
    readonly ns: NetNamespace,
    name: string,
    mac: MacAddress,
    opts: VxlanOptions,
  ) {
    super(ns, name, mac, opts.mtu ?? 1450);
    if (!Number.isInteger(opts.vni) || opts.vni < 0 || opts.vni > 0xffffff) throw new Error(`vxlan: VNI out of range: ${opts.vni}`);
    this.vni = opts.vni;
    this.dstport = opts.dstport ?? vxlanWire.UDP_PORT;
    this.underlay = opts.underlay ?? ns;
    this.local = opts.local === undefined ? 0 : typeof opts.local === 'string' ? parseIpv4(opts.local) : opts.local;
    this.learning = opts.learning ?? true;
    this.proxy = opts.proxy ?? false;
    this.l2miss = opts.l2miss ?? false;
    this.l3miss = opts.l3miss ?? false;
    this.ttl = opts.ttl ?? 0;
    this.tos = opts.tos ?? 0;
    this.udpCsum = opts.udpCsum ?? true;
    this.portRange = opts.portRange ?? this.underlay.sysctl.localPortRange;
    this.ageing = opts.ageing ?? 300 * SECOND;
    this.oif = opts.dev;
  }

  private get now(): Time {
    return this.host.env.scheduler.now;
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** vxlan_open → vxlan_sock_add: join (or create) the UDP socket of the underlay for our port. */
  protected override opened(): void {
    let byPort = socks.get(this.underlay);
    if (byPort === undefined) {
      byPort = new Map();
      socks.set(this.underlay, byPort);
    }
    let vs = byPort.get(this.dstport);
    if (vs === undefined) {
      const sock = this.underlay.udp.open();
      sock.bind(0, this.dstport);
      const created: VxlanSock = { ns: this.underlay, sock, devices: new Map() };
      sock.encapRcv = (pkt, ip) => vxlanRcv(created, pkt, ip);
      vs = created;
      byPort.set(this.dstport, vs);
    }
    const other = vs.devices.get(this.vni);
    if (other !== undefined && other !== this) throw new Error(`RTNETLINK answers: File exists (VNI ${this.vni} on port ${this.dstport} is ${other.name})`);
    vs.devices.set(this.vni, this);
    this.vsock = vs;
  }

  override down(): this {
    super.down();
    const vs = this.vsock;
    if (vs !== undefined) {
      vs.devices.delete(this.vni);
      this.vsock = undefined;
      if (vs.devices.size === 0) {
        vs.sock.close();
        socks.get(this.underlay)?.delete(this.dstport);
      }
    }
    return this;
  }

  // ------------------------------------------------------------------------------------------------ FDB

  /** bridge fdb add|replace MAC dev DEV dst IP self permanent: the entry points at one VTEP. */
  fdbAdd(mac: string | MacAddress, dst: string | Ipv4Address): void {
    const m = typeof mac === 'string' ? parseMac(mac) : mac;
    this.fdb.set(m, { mac: m, remotes: [ip(dst)], state: 'permanent', updated: this.now, used: this.now });
  }

  /** bridge fdb append MAC dev DEV dst IP self permanent: one more VTEP for the MAC (the flood list for 00:00:00:00:00:00). */
  fdbAppend(mac: string | MacAddress, dst: string | Ipv4Address): void {
    const m = typeof mac === 'string' ? parseMac(mac) : mac;
    const d = ip(dst);
    const e = this.fdb.get(m);
    if (e === undefined) {
      this.fdbAdd(m, d);
      return;
    }
    if (!e.remotes.includes(d)) e.remotes.push(d);
  }

  /** bridge fdb del MAC dev DEV [dst IP] self. */
  fdbDelete(mac: string | MacAddress, dst?: string | Ipv4Address): boolean {
    const m = typeof mac === 'string' ? parseMac(mac) : mac;
    const e = this.fdb.get(m);
    if (e === undefined) return false;
    if (dst !== undefined) {
      const i = e.remotes.indexOf(ip(dst));
      if (i < 0) return false;
      e.remotes.splice(i, 1);
      if (e.remotes.length > 0) return true;
    }
    return this.fdb.delete(m);
  }

  /** The live entry for `mac` (learned entries age out after `ageing`). */
  fdbLookup(mac: MacAddress): VxlanFdbEntry | undefined {
    const e = this.fdb.get(mac);
    if (e === undefined) return undefined;
    if (e.state !== 'permanent' && e.updated + this.ageing <= this.now) {
      this.fdb.delete(mac);
      return undefined;
    }
    return e;
  }

  /** `bridge fdb show dev vxlan0` lines (the self entries). */
  fdbShow(): string[] {
    const out: string[] = [];
    for (const e of [...this.fdb.values()]) {
      if (this.fdbLookup(e.mac) === undefined) continue;
      for (const r of e.remotes) out.push(`${formatMac(e.mac)} dst ${formatIpv4(r)} self${e.state === 'permanent' ? ' permanent' : ''}`);
    }
    return out;
  }

  /** ip neigh add IP lladdr MAC dev DEV nud permanent (what libnetwork's peerAdd installs for the proxy). */
  neighAdd(ipAddr: string | Ipv4Address, mac: string | MacAddress): void {
    this.ns.neigh.addStatic(this, ip(ipAddr), typeof mac === 'string' ? parseMac(mac) : mac);
  }

  /** libnetwork peerAdd: the permanent neighbour entry and the FDB entry for a remote endpoint. */
  peerAdd(ipAddr: string | Ipv4Address, mac: string | MacAddress, vtep: string | Ipv4Address): void {
    this.neighAdd(ipAddr, mac);
    this.fdbAdd(mac, vtep);
  }

  // ------------------------------------------------------------------------------------------- transmit

  /** vxlan_xmit: a frame from the bridge (or the host) to the overlay. */
  protected xmit(pkt: Packet): boolean {
    if (pkt.length > this.mtu + ETH_HLEN) {
      this.counters.txDropped++;
      return false;
    }
    const type = readU16(pkt.data, pkt.l2 + 12);
    if (this.proxy && type === ETHERTYPE_ARP) {
      this.arpReduce(pkt);
      return true;
    }
    const dstMac = readMac(pkt.data, pkt.l2);
    let f = this.fdbLookup(dstMac);
    if (f === undefined) {
      f = this.fdbLookup(MAC_ZERO);
      if (f === undefined) {
        if (this.l2miss && !isMulticastMac(dstMac)) this.miss({ kind: 'l2miss', at: this.now, mac: dstMac });
        this.counters.txDropped++;
        return false;
      }
    }
    f.used = this.now;
    const remotes = f.remotes;
    for (let i = 1; i < remotes.length; i++) this.xmitOne(pkt.clone(), remotes[i]!);
    if (remotes.length > 0) this.xmitOne(pkt, remotes[0]!);
    return true;
  }

  /** arp_reduce: answer an ARP request from the neighbour table, or report an L3 miss; never forward. */
  private arpReduce(pkt: Packet): void {
    let a: arpWire.ArpPacket;
    try {
      a = arpWire.parse(pkt.data.subarray(pkt.l2 + ETH_HLEN));
    } catch {
      return;
    }
    if (a.operation !== arpWire.OP_REQUEST) return;
    const tip = a.targetIp;
    if (isLoopbackIpv4(tip) || isMulticastIpv4(tip)) return;
    const n = this.ns.neigh.lookup(this, tip);
    if (n === undefined) {
      if (this.l3miss) this.miss({ kind: 'l3miss', at: this.now, ip: tip });
      return;
    }
    if (!NeighbourTable.isConnected(n)) return;
    const f = this.fdbLookup(n.mac);
    if (f !== undefined && f.remotes[0] === 0) return; // a bridge-local neighbour
    // arp_create(ARPOP_REPLY, ..., dest_ip = sip, src_ip = tip, dest_hw = sha, src_hw = n->ha, target_hw = sha)
    const data = new Uint8Array(ETH_HLEN + arpWire.PACKET_LEN);
    writeMac(data, 0, a.senderMac);
    writeMac(data, 6, n.mac);
    writeU16(data, 12, ETHERTYPE_ARP);
    arpWire.emit({ operation: arpWire.OP_REPLY, senderMac: n.mac, senderIp: tip, targetMac: a.senderMac, targetIp: a.senderIp }, data, ETH_HLEN);
    const reply = new Packet(data, this.host.env.journeys.take());
    reply.l3 = ETH_HLEN;
    // netif_rx(reply): the reply enters the stack through this device on the next softirq run.
    this.host.env.scheduler.schedule(this.host.env.vethLatency, () => this.receive(reply));
  }

  private miss(m: VxlanMiss): void {
    this.misses.push(m);
    this.onMiss?.(m);
  }

  /** vxlan_xmit_one: encapsulate for one remote VTEP and send it from the underlay namespace. */
  private xmitOne(pkt: Packet, dst: Ipv4Address): void {
    const ul = this.underlay;
    if (dst === 0) return; // a bridge-local entry: nothing to tunnel to
    if (ul.isLocalAddress(dst)) {
      // vxlan_encap_bypass: a VTEP of this host; hand the frame to the device with our VNI directly.
      const peer = this.vsock?.devices.get(this.vni);
      if (peer !== undefined && peer !== this) peer.receive(this.decapCopy(pkt));
      return;
    }
    const route = ul.routeOutput(dst, { ...(this.local !== 0 ? { src: this.local } : {}), ...(this.oif !== undefined ? { oif: this.oif } : {}) });
    if (route === undefined) {
      this.counters.txErrors++;
      return;
    }
    const src = this.local !== 0 ? this.local : route.src;
    if (pkt.hash === 0) pkt.hash = flowHash(this.host.kernel, pkt.data, pkt.l2);
    const sport = flowSourcePort(pkt.hash, this.portRange[0], this.portRange[1]);
    const inner = pkt.frame;
    const vx = vxlanWire.encode({ vni: this.vni, payload: inner });
    const udpBytes = udpWire.encode({ srcPort: sport, dstPort: this.dstport, payload: vx }, this.udpCsum ? { src, dst } : undefined);
    // ip_tunnel_ecn_encap: the outer ECN follows the inner (CE becomes ECT(0)).
    const innerTos = readU16(pkt.data, pkt.l2 + 12) === 0x0800 ? pkt.data[pkt.l2 + ETH_HLEN + 1]! : 0;
    const ecn = (innerTos & 3) === 3 ? 2 : innerTos & 3;
    const xnet = ul !== this.ns;
    const r = ul.sendIpv4(
      {
        route,
        dst,
        src,
        protocol: PROTO_UDP,
        tos: (this.tos & ~3) | ecn,
        ttl: this.ttl !== 0 ? this.ttl : ul.sysctl.defaultTtl,
        pmtudisc: 'dont',
        journey: pkt.journey,
        ...(!xnet && pkt.mark !== 0 ? { mark: pkt.mark } : {}),
      },
      udpBytes,
    );
    if (!r.ok) this.counters.txErrors++;
  }

  /** A private copy of a frame for local delivery (encap bypass). */
  private decapCopy(pkt: Packet): Packet {
    const p = new Packet(pkt.frame.slice(), pkt.journey);
    p.l3 = ETH_HLEN;
    return p;
  }

  // -------------------------------------------------------------------------------------------- receive

  /** vxlan_set_mac + vxlan_snoop: true when the frame must be dropped. */
  snoop(outerSrc: Ipv4Address, srcMac: MacAddress): boolean {
    if (srcMac === this.mac) return true; // our own frame looped back
    if (!this.learning || isMulticastMac(srcMac) || srcMac === MAC_ZERO) return false;
    const f = this.fdbLookup(srcMac);
    if (f !== undefined) {
      if (f.remotes[0] === outerSrc) {
        f.updated = this.now;
        return false;
      }
      if (f.state === 'permanent') return true; // static entries never migrate: drop
      f.remotes.length = 0;
      f.remotes.push(outerSrc);
      f.updated = this.now;
      return false;
    }
    this.fdb.set(srcMac, { mac: srcMac, remotes: [outerSrc], state: 'reachable', updated: this.now, used: this.now });
    return false;
  }
}

/** vxlan_rcv: a UDP datagram for our port in the underlay namespace. */
function vxlanRcv(vs: VxlanSock, pkt: Packet, _info: Ipv4Info): void {
  const udpLen = readU16(pkt.data, pkt.l4 + 4);
  let v: vxlanWire.VxlanView;
  try {
    v = vxlanWire.VxlanView.check(pkt.data.subarray(pkt.l4 + udpWire.HEADER_LEN, pkt.l4 + udpLen));
  } catch {
    vs.ns.stats.inc('vxlan.bad_header'); // vxlan_rcv: "invalid vxlan flags" or too short
    return;
  }
  const dev = vs.devices.get(v.vni);
  const innerStart = pkt.l4 + udpWire.HEADER_LEN + vxlanWire.HEADER_LEN;
  const innerEnd = pkt.l4 + udpLen;
  if (dev === undefined || !dev.running || innerEnd - innerStart < ETH_HLEN) {
    vs.ns.stats.inc('vxlan.no_vni');
    return;
  }
  const srcMac = readMac(pkt.data, innerStart + 6);
  if (dev.snoop(readIpv4(pkt.data, pkt.l3 + 12), srcMac)) {
    dev.counters.rxDropped++;
    return;
  }
  // iptunnel_pull_header: the inner frame, with the outer hash, mark and conntrack state gone.
  const inner = new Packet(pkt.data.subarray(innerStart, innerEnd), pkt.journey);
  inner.l3 = ETH_HLEN;
  dev.receive(inner);
}

function ip(a: string | Ipv4Address): Ipv4Address {
  return typeof a === 'string' ? parseIpv4(a) : a;
}

/**
 * ip link add NAME [address MAC] mtu MTU type vxlan id VNI dstport PORT [local IP] [dev DEV] [learning] [proxy]
 * [l2miss] [l3miss], created in `ns` (its socket and outer routing live in `opts.underlay`, default `ns`), and
 * optionally enslaved to `master` and brought up.
 */
export function addVxlan(ns: NetNamespace, name: string, opts: VxlanOptions & { master?: { addPort(dev: NetDevice): unknown }; up?: boolean }): VxlanDevice {
  const mac = opts.mac === undefined ? undefined : typeof opts.mac === 'string' ? parseMac(opts.mac) : opts.mac;
  const dev = ns.addDevice(new VxlanDevice(ns, name, mac ?? randomLocalMac(ns, name), opts));
  opts.master?.addPort(dev);
  if (opts.up ?? true) dev.up();
  return dev;
}

function randomLocalMac(ns: NetNamespace, name: string): MacAddress {
  const r = ns.random.fork(`mac:${name}`);
  const hi = (r.nextU32() & 0xfeff) | 0x0200;
  return hi * 0x1_0000_0000 + (r.nextU32() >>> 0);
}
