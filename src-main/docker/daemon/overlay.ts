// The overlay driver's plumbing on one node (libnetwork drivers/overlay, docker-networking.md §6.3-6.5): per swarm
// network a namespace `1-<nid[:10]>` holding a bridge br0 with the subnet's gateway address and a VXLAN device
// vxlan0 (the network's VNI, dstport 4789, `learning proxy l2miss l3miss`, no flood entry, MTU 1450 or 1424 when
// encrypted) whose UDP socket lives in the node's namespace; per endpoint a veth pair, `vethN` on br0 in the
// overlay namespace and `ethN` in the container. Remote peers are programmed as Docker's peerAdd does: a permanent
// neighbour entry (IP → MAC) on vxlan0 and an FDB entry (MAC → VTEP); nothing else, so unknown destinations are
// dropped, never flooded. The sandbox is created on the first join on this node and destroyed with the last
// leave. `--opt encrypted` adds ESP transport-mode SAs between this node and every peer VTEP (net/esp/xfrm.ts).

import { formatMac, parseMac } from '../../common/wire/mac.ts';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import type { Bridge } from '../../net/bridge.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { NetLab } from '../../net/scenario.ts';
import type { Veth } from '../../net/veth.ts';
import { addVxlan, type VxlanDevice } from '../../net/vxlan.ts';
import { programEncryption } from '../../net/esp/xfrm.ts';
import type { Random } from '../../sim/random.ts';
import { bridgeDeviceMac, kernelRandomMac } from '../mac.ts';

export interface OverlayNetworkInfo {
  readonly id: string;
  readonly vni: number;
  /** "10.0.1.0/24". */
  readonly subnet: string;
  /** "10.0.1.1". */
  readonly gateway: string;
  readonly encrypted: boolean;
  readonly mtu: number;
}

export interface OverlayPeer {
  readonly ip: string;
  readonly mac: string;
  readonly vtep: string;
}

export interface OverlaySandbox {
  readonly info: OverlayNetworkInfo;
  readonly ns: NetNamespace;
  readonly br: Bridge;
  readonly vx: VxlanDevice;
  /** Endpoint veths in the sandbox (name → the container-side device). */
  readonly ports: Map<string, Veth>;
  /** Remote peers programmed, by IP. */
  readonly peers: Map<string, OverlayPeer>;
  /** VTEPs with ESP SAs (encrypted networks). */
  readonly encryptedTo: Set<string>;
  nextVeth: number;
}

export interface OverlayNode {
  readonly name: string;
  /** The node's namespace (the underlay: eth0, the VXLAN sockets, ESP). */
  readonly ns: NetNamespace;
  /** The data-path (advertise) address. */
  readonly vtep: string;
}

/** The encryption key the managers hand out (networking:ipsec) and its tag. */
export interface OverlayKey {
  readonly key: Uint8Array;
  readonly tag: number;
}

export class OverlayDriver {
  readonly sandboxes = new Map<string, OverlaySandbox>();

  constructor(
    private readonly lab: NetLab,
    private readonly node: OverlayNode,
    private readonly random: Random,
  ) {}

  /** The overlay namespace's name (/var/run/docker/netns/1-<nid[:10]>). */
  static sandboxName(networkId: string): string {
    return `1-${networkId.slice(0, 10)}`;
  }

  get(networkId: string): OverlaySandbox | undefined {
    return this.sandboxes.get(networkId);
  }

  /** The network's sandbox on this node, created (br0 + vxlan0) when it is not there yet. */
  ensure(info: OverlayNetworkInfo): OverlaySandbox {
    const have = this.sandboxes.get(info.id);
    if (have) return have;
    const key = `${this.node.name}/${OverlayDriver.sandboxName(info.id)}`;
    const ns = this.lab.namespace(key, { kernel: this.node.name });
    const bits = info.subnet.slice(info.subnet.indexOf('/') + 1);
    const br = ns.addBridge('br0', { mac: bridgeDeviceMac(this.random), mtu: info.mtu, addresses: [`${info.gateway}/${bits}`] });
    const vx = addVxlan(ns, 'vxlan0', {
      vni: info.vni,
      dstport: 4789,
      underlay: this.node.ns,
      local: this.node.vtep,
      learning: true,
      proxy: true,
      l2miss: true,
      l3miss: true,
      mtu: info.mtu,
      mac: kernelRandomMac(this.random),
      master: br,
    });
    const sb: OverlaySandbox = { info, ns, br, vx, ports: new Map(), peers: new Map(), encryptedTo: new Set(), nextVeth: 0 };
    this.sandboxes.set(info.id, sb);
    return sb;
  }

  /**
   * Joins an endpoint: a veth pair with `ifname` (MAC, address, the network's MTU) in `target` and `vethN` on br0.
   * Returns the container-side device and the sandbox-side name.
   */
  attach(info: OverlayNetworkInfo, target: NetNamespace, ifname: string, mac: string, cidr: string): { dev: Veth; sandboxVeth: string } {
    const sb = this.ensure(info);
    let name = `veth${sb.nextVeth++}`;
    while (sb.ns.hasDevice(name)) name = `veth${sb.nextVeth++}`;
    const [dev] = this.lab.vethPair(target, ifname, sb.ns, name, { macA: mac, macB: kernelRandomMac(this.random), mtu: info.mtu, master: sb.br });
    target.addAddress(ifname, cidr);
    sb.ports.set(name, dev);
    return { dev, sandboxVeth: name };
  }

  /** Leaves: the veth pair goes; the sandbox goes with its last endpoint (returns true then). */
  detach(networkId: string, sandboxVeth: string): boolean {
    const sb = this.sandboxes.get(networkId);
    if (!sb) return false;
    if (sb.ns.hasDevice(sandboxVeth)) sb.ns.removeDevice(sandboxVeth);
    sb.ports.delete(sandboxVeth);
    if (sb.ports.size > 0) return false;
    this.destroy(networkId);
    return true;
  }

  /** Removes a network's sandbox (vxlan0 closes its VNI on the node's socket). */
  destroy(networkId: string): void {
    const sb = this.sandboxes.get(networkId);
    if (!sb) return;
    for (const name of [...sb.ports.keys()]) if (sb.ns.hasDevice(name)) sb.ns.removeDevice(name);
    if (sb.ns.hasDevice('vxlan0')) sb.ns.removeDevice('vxlan0');
    if (sb.ns.hasDevice('br0')) sb.ns.removeDevice('br0');
    this.sandboxes.delete(networkId);
  }

  /** Programs the remote peers of a network (peerAdd / peerDelete): exactly `peers`, minus this node's own. */
  setPeers(networkId: string, peers: readonly OverlayPeer[], key?: OverlayKey): void {
    const sb = this.sandboxes.get(networkId);
    if (!sb) return;
    const want = new Map<string, OverlayPeer>();
    for (const p of peers) if (p.vtep !== this.node.vtep) want.set(p.ip, p);
    for (const [ip, p] of sb.peers) {
      const w = want.get(ip);
      if (w && w.mac === p.mac && w.vtep === p.vtep) continue;
      sb.ns.neigh.delete(sb.vx, parseIpv4(ip));
      sb.vx.fdbDelete(parseMac(p.mac));
      sb.peers.delete(ip);
    }
    for (const [ip, p] of want) {
      if (sb.peers.has(ip)) continue;
      sb.vx.peerAdd(ip, p.mac, p.vtep);
      sb.peers.set(ip, p);
      if (sb.info.encrypted && key && !sb.encryptedTo.has(p.vtep)) {
        programEncryption(this.node.ns, this.node.vtep, p.vtep, { key: key.key, tag: key.tag, vni: sb.info.vni });
        sb.encryptedTo.add(p.vtep);
      }
    }
  }

  /** `bridge fdb show` style lines of a network's vxlan0 (tests). */
  describe(networkId: string): string[] {
    const sb = this.sandboxes.get(networkId);
    if (!sb) return [];
    return [...sb.peers.values()].map((p) => `${p.ip} ${formatMac(parseMac(p.mac))} dst ${p.vtep}`);
  }
}
