// Netfilter in a namespace: connects the iptables/conntrack/NAT implementation of netfilter/ (and optionally the
// IPVS of ipvs/) to the five IPv4 hook points of a NetNamespace, plus br_netfilter for its bridges. Opt-in:
//
//   const fw = enableNetfilter(ns, { ipvs: true });
//   fw.iptables('-t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
//   fw.bridgeNfCallIptables = true;            // sysctl net.bridge.bridge-nf-call-iptables=1 (Docker sets it)
//   fw.conntrack(['-L']);  fw.ipvsadm(['-Ln']);
//
// What the glue does for the IP layer (netfilter/netfilter.ts states the contract):
// - one adapter per hook point runs Netfilter.hook() on the IPv4 bytes at pkt.l3, writes a rewritten packet back
//   into the Packet, and keeps the returned meta in pkt.nf for the next hook of the same packet. A packet that
//   crosses into another namespace arrives with pkt.nf cleared (veth.ts), so it starts with a fresh meta.
// - nf_defrag_ipv4: fragments are reassembled at PREROUTING, before conntrack (conntrack's own queue: a timeout
//   sends no ICMP, as ip_expire skips it for IP_DEFRAG_CONNTRACK_IN). The largest fragment is remembered
//   (IPCB frag_max_size) so the bridge can refragment the same way (br_nf_dev_queue_xmit).
// - reroute at PREROUTING and OUTPUT: the IP layer already routes again when the destination changed. reroute at
//   INPUT means IPVS took the packet (ip_vs_nat_xmit): it is not delivered; it is routed by its new destination,
//   its TTL decremented when it leaves the host (decrement_ttl), and it goes through OUTPUT and POSTROUTING as a
//   locally sent packet with its meta.
// - reject: the packet is dropped and buildRejectReply's ICMP error or RST goes out through OUTPUT and
//   POSTROUTING with meta { mark: 0, ct: reject.relatedCt } (nf_send_unreach / nf_send_reset, nf_ct_attach);
//   the source is the offending packet's destination when it is local, else the route's (icmp_send).
// - MASQUERADE's address is the out device's address for the destination (inet_select_addr), REDIRECT's the in
//   device's primary one; addrtype LOCAL/BROADCAST come from the local routing table.
// - br_netfilter (net/bridge/br_netfilter_hooks.c) when bridgeNfCallIptables is on: an IPv4 frame arriving on a
//   bridge port passes PREROUTING with in = the bridge (meta.physInDev = the port); a frame forwarded to another
//   port passes FORWARD (in = out = the bridge, physInDev/physOutDev = the ports) and POSTROUTING (out = the
//   bridge). A frame the bridge passes up to the host already had its PREROUTING, so the IP layer skips it
//   (ip_sabotage_in). When PREROUTING DNATs a frame to an address that is not behind this bridge, the frame is
//   handed to the IP layer (destination MAC = the bridge, br_nf_pre_routing_finish).

import * as ipv4 from '../common/wire/ipv4.ts';
import * as icmpWire from '../common/wire/icmp.ts';
import { ETHERTYPE_IPV4, HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import { readU16 } from '../common/wire/bytes.ts';
import { isMulticastIpv4, readIpv4, IPV4_BROADCAST, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { writeMac } from '../common/wire/mac.ts';
import type { BridgeNetfilter, HookPoint, HookState, LinkEndpoint, Verdict } from './contracts.ts';
import type { NetDevice } from './device.ts';
import { fragment, Reassembler } from './fragment.ts';
import { icmpSendError } from './icmp.ts';
import { ipOutput } from './ipv4-output.ts';
import type { NetNamespace } from './namespace.ts';
import { Packet } from './packet.ts';
import { Netfilter, type HookResult, type PacketMeta, type RejectDescription } from './netfilter/netfilter.ts';
import { conntrackCommand, type ConntrackCommandResult } from './netfilter/conntrack-cmd.ts';
import type { CtTimeouts } from './netfilter/conntrack.ts';
import { iptables, splitWords, type CommandResult, type IptablesOptions } from './netfilter/iptables.ts';
import { PROTO_ICMP, readIp } from './netfilter/ipbytes.ts';
import { buildRejectReply } from './netfilter/reject.ts';
import type { AddrType, HookName } from './netfilter/rules.ts';
import { Ipvs } from './ipvs/ipvs.ts';
import { ipvsadm, NO_IPVS_MESSAGE } from './ipvs/ipvsadm.ts';

export interface EnableNetfilterOptions {
  /** Attach IPVS (ip_vs loaded in this namespace): `ipvsadm` works and services take packets. */
  readonly ipvs?: boolean;
  /** net.bridge.bridge-nf-call-iptables (default 0 here; Docker sets 1). */
  readonly bridgeNfCallIptables?: boolean;
  readonly conntrackTimeouts?: CtTimeouts;
  /** How iptables names itself in messages. */
  readonly iptablesOptions?: IptablesOptions;
}

/** The meta the glue keeps in pkt.nf: netfilter's plus br_netfilter's per-packet facts. */
export interface GlueMeta extends PacketMeta {
  /** The bridge port a bridged frame came in on (physdev-in), kept for INPUT/FORWARD of routed frames too. */
  readonly physInDev?: string;
  /** The bridge port a bridged frame leaves through (physdev-out), FORWARD/POSTROUTING of the bridge only. */
  readonly physOutDev?: string;
  /** br_netfilter already ran PREROUTING for this frame: the IP layer skips it (ip_sabotage_in). */
  readonly bridged?: boolean;
  /** The largest fragment's IP length when the packet was reassembled here (IPCB(skb)->frag_max_size). */
  readonly fragMax?: number;
}

const HOOK_NAMES: Readonly<Record<HookPoint, HookName>> = {
  prerouting: 'PREROUTING',
  input: 'INPUT',
  forward: 'FORWARD',
  output: 'OUTPUT',
  postrouting: 'POSTROUTING',
};

/** Below everything but raw-like users: the glue stands for every table of the namespace at once. */
const GLUE_PRIORITY = -300;

/** Neighbour states with a usable MAC (NUD_VALID). */
const VALID_NUD: ReadonlySet<string> = new Set(['permanent', 'noarp', 'reachable', 'probe', 'stale', 'delay']);

const installed = new WeakMap<NetNamespace, NamespaceNetfilter>();

/** Turns netfilter on in `ns` (idempotent: a second call returns the same instance, adding IPVS if asked). */
export function enableNetfilter(ns: NetNamespace, opts: EnableNetfilterOptions = {}): NamespaceNetfilter {
  let fw = installed.get(ns);
  if (fw === undefined) {
    fw = new NamespaceNetfilter(ns, opts);
    installed.set(ns, fw);
  } else if (opts.ipvs === true) {
    fw.enableIpvs();
  }
  if (opts.bridgeNfCallIptables !== undefined) fw.bridgeNfCallIptables = opts.bridgeNfCallIptables;
  return fw;
}

/** The netfilter of `ns`, if enabled. */
export function netfilterOf(ns: NetNamespace): NamespaceNetfilter | undefined {
  return installed.get(ns);
}

export class NamespaceNetfilter implements BridgeNetfilter {
  readonly nf: Netfilter;
  private ipvsInstance: Ipvs | undefined;
  private readonly unregister: (() => void)[] = [];
  private readonly defrag: Reassembler;
  /** Largest fragment seen per reassembly queue (same key as the Reassembler's). */
  private readonly fragSizes = new Map<string, number>();
  private callIptables = false;
  private readonly iptOpts: IptablesOptions;

  constructor(
    readonly ns: NetNamespace,
    opts: EnableNetfilterOptions = {},
  ) {
    this.iptOpts = opts.iptablesOptions ?? {};
    const sched = ns.env.scheduler;
    this.nf = new Netfilter({
      now: () => sched.now,
      random: ns.random.fork('netfilter'),
      isLocalAddress: (a) => ns.isLocalAddress(a),
      primaryAddress: (dev, dst) => this.primaryAddress(dev, dst),
      addressType: (a) => this.addressType(a),
      ...(opts.conntrackTimeouts !== undefined ? { conntrackTimeouts: opts.conntrackTimeouts } : {}),
    });
    this.defrag = new Reassembler(
      (delay, fn) => {
        const h = sched.schedule(delay, fn);
        return { cancel: () => h.cancel() };
      },
      () => undefined,
    );
    if (opts.ipvs === true) this.enableIpvs();
    for (const point of Object.keys(HOOK_NAMES) as HookPoint[]) {
      this.unregister.push(ns.netfilter.register(point, { name: 'iptables', priority: GLUE_PRIORITY, fn: (pkt, state) => this.ipHook(point, pkt, state) }));
    }
    if (opts.bridgeNfCallIptables === true) this.bridgeNfCallIptables = true;
  }

  /** The IPVS table, when loaded. */
  get ipvs(): Ipvs | undefined {
    return this.ipvsInstance;
  }

  /** modprobe ip_vs: attaches IPVS to this namespace's hooks. */
  enableIpvs(): Ipvs {
    if (this.ipvsInstance === undefined) {
      const sched = this.ns.env.scheduler;
      this.ipvsInstance = new Ipvs({ now: () => sched.now });
      this.nf.attachIpvs(this.ipvsInstance);
    }
    return this.ipvsInstance;
  }

  /** sysctl net.bridge.bridge-nf-call-iptables. */
  get bridgeNfCallIptables(): boolean {
    return this.callIptables;
  }

  set bridgeNfCallIptables(on: boolean) {
    this.callIptables = on;
    this.ns.bridgeNf = on ? this : undefined;
  }

  /** Unregisters every hook (the rules, conntrack and IPVS tables stay in `nf` / `ipvs`). */
  disable(): void {
    for (const u of this.unregister.splice(0)) u();
    if (this.ns.bridgeNf === this) this.ns.bridgeNf = undefined;
    installed.delete(this.ns);
  }

  // --------------------------------------------------------------------------------------------- commands

  /** `iptables ARGS` (a line is split as a shell would). */
  iptables(args: string | readonly string[]): CommandResult {
    return iptables(this.nf, typeof args === 'string' ? splitWords(args) : args, this.iptOpts);
  }

  /** `conntrack ARGS`. */
  conntrack(args: string | readonly string[]): ConntrackCommandResult {
    return conntrackCommand(this.nf, typeof args === 'string' ? splitWords(args) : args);
  }

  /** `ipvsadm ARGS` ("Can't initialize ipvs" when IPVS is not loaded). */
  ipvsadm(args: string | readonly string[]): CommandResult {
    if (this.ipvsInstance === undefined) return { stdout: '', stderr: NO_IPVS_MESSAGE, exitCode: 2 };
    return ipvsadm(this.ipvsInstance, typeof args === 'string' ? splitWords(args) : args, this.ns.env.scheduler.now);
  }

  // ------------------------------------------------------------------------------------------ IPv4 hooks

  private ipHook(point: HookPoint, pkt: Packet, state: HookState): Verdict {
    let prev = pkt.nf as GlueMeta | undefined;
    if (point === 'prerouting') {
      if (prev?.bridged === true) {
        // ip_sabotage_in: br_netfilter already ran PREROUTING for this frame.
        pkt.nf = { ...prev, bridged: false };
        return 'accept';
      }
      if (isFragment(pkt)) {
        if (!this.reassemble(pkt)) return 'stolen';
        prev = pkt.nf as GlueMeta | undefined;
      }
    }
    const meta: GlueMeta = { ...prev, mark: pkt.mark, inDev: state.inDev?.name, outDev: state.outDev?.name, physOutDev: undefined };
    const r = this.apply(HOOK_NAMES[point], pkt, meta);
    switch (r.verdict) {
      case 'accept':
        if (point === 'input' && r.reroute === true) {
          this.ipvsTransmit(pkt);
          return 'stolen';
        }
        return 'accept';
      case 'drop':
        return 'drop';
      case 'reject':
        if (r.reject !== undefined) this.sendReject(r.reject);
        return 'drop';
    }
  }

  /** Runs one hook on the IPv4 bytes at pkt.l3 and carries the result back into the packet. */
  private apply(hook: HookName, pkt: Packet, meta: GlueMeta): HookResult {
    const total = readU16(pkt.data, pkt.l3 + 2);
    const bytes = pkt.data.subarray(pkt.l3, pkt.l3 + total);
    const r = this.nf.hook(hook, bytes, meta);
    if (r.packet !== bytes) writeBack(pkt, r.packet);
    pkt.nf = r.meta;
    pkt.mark = r.meta.mark;
    return r;
  }

  /** nf_defrag_ipv4 in place: false while the datagram is incomplete (the fragment is held). */
  private reassemble(pkt: Packet): boolean {
    const v = ipv4.Ipv4View.check(pkt.data.subarray(pkt.l3));
    const key = `${v.src}>${v.dst}/${v.protocol}#${v.identification}`;
    const max = Math.max(this.fragSizes.get(key) ?? 0, v.totalLen);
    this.fragSizes.set(key, max);
    const whole = this.defrag.add(pkt);
    if (whole === undefined) {
      if (this.defrag.pending === 0) this.fragSizes.clear();
      return false;
    }
    this.fragSizes.delete(key);
    if (this.defrag.pending === 0) this.fragSizes.clear();
    pkt.setData(whole.data);
    pkt.l2 = whole.l2;
    pkt.l3 = whole.l3;
    pkt.l4 = whole.l4;
    pkt.journey = whole.journey;
    pkt.nf = { ...(pkt.nf as GlueMeta | undefined), mark: pkt.mark, fragMax: max };
    return true;
  }

  /** IPVS took the packet at LOCAL_IN (ip_vs_nat_xmit): route it to the real server as a local packet. */
  private ipvsTransmit(pkt: Packet): void {
    const ns = this.ns;
    let dst = readIpv4(pkt.data, pkt.l3 + 16);
    let route = ns.routeOutput(dst);
    if (route === undefined) {
      ns.stats.inc('ipvs.no_route');
      return;
    }
    if (route.type !== 'local') {
      if (pkt.data[pkt.l3 + 8]! <= 1) {
        icmpSendError(ns, pkt, icmpWire.TYPE_TIME_EXCEEDED, icmpWire.TIME_EXCEEDED_TTL);
        return;
      }
      ipv4.decrementTtl(pkt.writable(), pkt.l3);
    }
    if (ns.netfilter.active('output')) {
      if (ns.netfilter.run(pkt, { hook: 'output', inDev: undefined, outDev: route.dev, netns: ns.name }) !== 'accept') return;
      const now = readIpv4(pkt.data, pkt.l3 + 16);
      if (now !== dst) {
        dst = now;
        route = ns.routeOutput(dst);
        if (route === undefined) return;
      }
    }
    ipOutput(ns, pkt, route, false);
  }

  /** nf_send_unreach / nf_send_reset: the answer to a REJECT, sent as a local packet carrying the related ct. */
  private sendReject(rd: RejectDescription): void {
    const ns = this.ns;
    const off = readIp(rd.offending);
    if (off === undefined) return;
    const to = off.src;
    if (to === 0 || to === IPV4_BROADCAST || isMulticastIpv4(to)) return;
    const saddr = rd.with === 'tcp-reset' || ns.isLocalAddress(off.dst) ? off.dst : undefined;
    let route = ns.routeOutput(to, saddr !== undefined ? { src: saddr } : {});
    if (route === undefined) return;
    const src = saddr ?? route.src;
    const ident = rd.with === 'tcp-reset' ? undefined : ns.kernel.idents.select(ns.kernel.clock.jiffies, src, to, PROTO_ICMP);
    const bytes = buildReply(rd, src, ident, route.mtu);
    if (bytes === undefined) return;
    const data = new Uint8Array(ETH_HLEN + bytes.length);
    data.set(bytes, ETH_HLEN);
    const pkt = new Packet(data, ns.env.journeys.take());
    pkt.l3 = ETH_HLEN;
    pkt.l4 = ETH_HLEN + (bytes[0]! & 0x0f) * 4;
    pkt.nf = rd.relatedCt !== undefined ? { mark: 0, ct: rd.relatedCt } : { mark: 0 };
    if (ns.netfilter.active('output')) {
      if (ns.netfilter.run(pkt, { hook: 'output', inDev: undefined, outDev: route.dev, netns: ns.name }) !== 'accept') return;
      const dst = readIpv4(pkt.data, pkt.l3 + 16);
      if (dst !== to) {
        route = ns.routeOutput(dst, { src: readIpv4(pkt.data, pkt.l3 + 12) });
        if (route === undefined) return;
      }
    }
    ipOutput(ns, pkt, route, false);
  }

  // --------------------------------------------------------------------------------------- br_netfilter

  /** br_nf_pre_routing (+ br_nf_pre_routing_finish). */
  preRouting(bridge: LinkEndpoint, port: LinkEndpoint, pkt: Packet): boolean {
    if (!this.callIptables || pkt.length < ETH_HLEN + ipv4.HEADER_LEN || readU16(pkt.data, pkt.l2 + 12) !== ETHERTYPE_IPV4) return true;
    pkt.l3 = pkt.l2 + ETH_HLEN;
    // br_validate_ipv4: a bad header is dropped here, as ip_rcv would.
    let v: ipv4.Ipv4View;
    try {
      v = ipv4.Ipv4View.check(pkt.data.subarray(pkt.l3));
    } catch {
      this.ns.stats.inc('ip.in_hdr_errors');
      return false;
    }
    if (!v.checksumValid) {
      this.ns.stats.inc('ip.in_csum_errors');
      return false;
    }
    pkt.trim(pkt.l3 + v.totalLen);
    pkt.l4 = pkt.l3 + v.headerLen;
    if (v.moreFragments || v.fragmentOffset !== 0) {
      if (!this.reassemble(pkt)) return false;
    }
    const dst0 = readIpv4(pkt.data, pkt.l3 + 16);
    const prev = pkt.nf as GlueMeta | undefined;
    const meta: GlueMeta = { ...prev, mark: pkt.mark, inDev: bridge.name, outDev: undefined, physInDev: port.name, physOutDev: undefined, bridged: false };
    const r = this.apply('PREROUTING', pkt, meta);
    if (r.verdict !== 'accept') {
      if (r.verdict === 'reject' && r.reject !== undefined) this.sendReject(r.reject);
      return false;
    }
    pkt.nf = { ...(pkt.nf as GlueMeta), bridged: true };
    const dst = readIpv4(pkt.data, pkt.l3 + 16);
    if (dst !== dst0 && !isMulticastIpv4(dst)) this.afterBridgeDnat(bridge, pkt, dst);
    return true;
  }

  /**
   * br_nf_pre_routing_finish after a DNAT: a new destination behind the same bridge is bridged to its MAC when
   * the neighbour is known; anything else is handed to the IP layer (destination MAC = the bridge's, PACKET_HOST).
   */
  private afterBridgeDnat(bridge: LinkEndpoint, pkt: Packet, dst: Ipv4Address): void {
    const ns = this.ns;
    const route = ns.isLocalAddress(dst) ? undefined : ns.routeForward(dst);
    let mac = bridge.mac;
    if (route !== undefined && route.dev === bridge) {
      const e = ns.neigh.lookup(bridge as NetDevice, route.gateway ?? dst);
      if (e !== undefined && VALID_NUD.has(e.state)) mac = e.mac;
    }
    writeMac(pkt.writable(), pkt.l2, mac);
    if (mac === bridge.mac) pkt.pktType = 'host';
  }

  /** br_nf_forward_ip + br_nf_post_routing (+ br_nf_dev_queue_xmit's refragmentation). */
  forward(bridge: LinkEndpoint, inPort: LinkEndpoint, outPort: LinkEndpoint, pkt: Packet): boolean {
    const prev = pkt.nf as GlueMeta | undefined;
    if (!this.callIptables || prev?.bridged !== true || pkt.l3 < 0 || readU16(pkt.data, pkt.l2 + 12) !== ETHERTYPE_IPV4) return true;
    let r = this.apply('FORWARD', pkt, { ...prev, mark: pkt.mark, inDev: bridge.name, outDev: bridge.name, physInDev: inPort.name, physOutDev: outPort.name });
    if (r.verdict !== 'accept') {
      if (r.verdict === 'reject' && r.reject !== undefined) this.sendReject(r.reject);
      return false;
    }
    r = this.apply('POSTROUTING', pkt, { ...(r.meta as GlueMeta), mark: pkt.mark, inDev: undefined, outDev: bridge.name, physOutDev: outPort.name });
    if (r.verdict !== 'accept') return false;
    const fragMax = (r.meta as GlueMeta).fragMax;
    // The frame leaves the namespace's bridge: what conntrack attached is reset (skb_scrub_packet on the veth).
    pkt.nf = undefined;
    const total = readU16(pkt.data, pkt.l3 + 2);
    if (fragMax !== undefined && total > fragMax) {
      for (const f of fragment(pkt, fragMax, () => this.ns.env.journeys.take())) outPort.transmit(f);
      return false;
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------- addresses

  private primaryAddress(devName: string, dst?: Ipv4Address): Ipv4Address | undefined {
    if (!this.ns.hasDevice(devName)) return undefined;
    const a = this.ns.selectSource(this.ns.device(devName), dst ?? 0);
    return a === 0 ? undefined : a;
  }

  private addressType(a: Ipv4Address): AddrType {
    if (a === IPV4_BROADCAST) return 'BROADCAST';
    if (isMulticastIpv4(a)) return 'MULTICAST';
    const t = this.ns.localTable.lookup(a)?.type;
    if (t === 'local') return 'LOCAL';
    if (t === 'broadcast') return 'BROADCAST';
    const m = this.ns.mainTable.lookup(a)?.type;
    if (m === 'blackhole') return 'BLACKHOLE';
    if (m === 'unreachable') return 'UNREACHABLE';
    if (m === 'prohibit') return 'PROHIBIT';
    return 'UNICAST';
  }
}

function isFragment(pkt: Packet): boolean {
  return (readU16(pkt.data, pkt.l3 + 6) & 0x3fff) !== 0;
}

/** Puts a rewritten IPv4 packet (NAT, IPVS) back into the Packet at pkt.l3. */
function writeBack(pkt: Packet, bytes: Uint8Array): void {
  const end = pkt.l3 + bytes.length;
  if (end === pkt.data.length) {
    pkt.writable().set(bytes, pkt.l3);
    return;
  }
  const data = new Uint8Array(end);
  data.set(pkt.data.subarray(0, pkt.l3), 0);
  data.set(bytes, pkt.l3);
  pkt.setData(data);
}

function buildReply(rd: RejectDescription, src: Ipv4Address, ident: number | undefined, mtu: number): Uint8Array | undefined {
  return buildRejectReply(rd, { src, ...(ident !== undefined ? { ident } : {}), mtu });
}
