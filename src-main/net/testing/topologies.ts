// The small topologies the net tests build again and again, by name, so that a test says which world it runs in
// and spells out only what it changes. Every builder creates its namespaces, devices, addresses and routes in one
// fixed order, so a test on a builder is as deterministic as one that wrote the same calls out.
//
//   pointToPoint   two namespaces on one veth pair
//   routed         a — r — b: two /24s and a forwarding namespace between them
//   switched       namespaces on veth ports of one bridge (the building block of the ones below; onBridge adds one)
//   twoOnBridge    a and b on br0 in namespace h
//   lanPair        h (192.168.99.11) and cl (192.168.99.1) on the underlay switch ulbr
//   dockerNode     a Docker node on the underlay switch: eth0, docker0 with container c1, the workstation ws

import type { Bridge } from '../bridge.ts';
import type { NetNamespace } from '../namespace.ts';
import { NetLab } from '../scenario.ts';

type RouteOptions = Parameters<NetNamespace['addRoute']>[1];

/** One namespace on a veth pair: its end `dev` (default eth0) gets `mac`, `address` and the default route. */
export interface HostSpec {
  readonly name: string;
  /** The emulated kernel (host) of the namespace; default the lab's one kernel. */
  readonly kernel?: string;
  readonly dev?: string;
  /** The peer end, a port of the bridge (default veth-NAME). */
  readonly port?: string;
  readonly mac?: string;
  readonly mtu?: number;
  /** ADDRESS/PREFIX on `dev`. */
  readonly address?: string;
  readonly defaultRoute?: RouteOptions;
}

/** The bridge of `switched`: `bridge` in namespace `ns`, with its MAC and addresses. */
export interface SwitchSpec {
  readonly ns: string;
  readonly bridge: string;
  readonly kernel?: string;
  readonly mac?: string;
  readonly addresses?: string[];
}

export interface Switched {
  readonly sw: NetNamespace;
  readonly br: Bridge;
  /** The namespaces of `hosts`, in their order. */
  readonly hosts: NetNamespace[];
}

/** Bridge `s.bridge` in namespace `s.ns` (made if new) with each of `hosts` on a veth whose peer is a port of it. */
export function switched(lab: NetLab, s: SwitchSpec, hosts: readonly HostSpec[]): Switched {
  const sw = lab.namespace(s.ns, { kernel: s.kernel });
  const br = sw.addBridge(s.bridge, { mac: s.mac, addresses: s.addresses });
  return { sw, br, hosts: hosts.map((h) => onBridge(lab, br, h)) };
}

/** Host `h` (its namespace made if new) on a veth whose peer, in the bridge's namespace, is a port of `br`. */
export function onBridge(lab: NetLab, br: Bridge, h: HostSpec): NetNamespace {
  const ns = lab.namespace(h.name, { kernel: h.kernel });
  const dev = h.dev ?? 'eth0';
  lab.vethPair(ns, dev, br.host as NetNamespace, h.port ?? `veth-${h.name}`, { macA: h.mac, mtu: h.mtu, master: br });
  if (h.address !== undefined) ns.addAddress(dev, h.address);
  if (h.defaultRoute !== undefined) ns.addRoute('default', h.defaultRoute);
  return ns;
}

/** One end of `pointToPoint`: a namespace with eth0 at ADDRESS/PREFIX. */
export interface End {
  readonly name: string;
  readonly address: string;
  readonly mac?: string;
}

/** Two namespaces joined by one veth pair (eth0 at both ends, MTU `mtu`), addressed on one subnet. */
export function pointToPoint(seed: number, a: End, b: End, mtu?: number): { lab: NetLab; a: NetNamespace; b: NetNamespace } {
  const lab = new NetLab({ seed });
  const na = lab.namespace(a.name);
  const nb = lab.namespace(b.name);
  lab.vethPair(na, 'eth0', nb, 'eth0', { macA: a.mac, macB: b.mac, mtu });
  na.addAddress('eth0', a.address);
  nb.addAddress('eth0', b.address);
  return { lab, a: na, b: nb };
}

/**
 * a (10.1.0.2/24) — r — b (10.2.0.2/24): r forwards (ip_forward=1) between its ends eth-a (10.1.0.1) and eth-b
 * (10.2.0.1); a and b route everything via r. `mtuB` is the MTU of the b link.
 */
export function routed(seed: number, mtuB?: number): { lab: NetLab; a: NetNamespace; r: NetNamespace; b: NetNamespace } {
  const lab = new NetLab({ seed });
  const a = lab.namespace('a');
  const r = lab.namespace('r');
  const b = lab.namespace('b');
  r.sysctl.ipForward = true;
  lab.vethPair(a, 'eth0', r, 'eth-a');
  lab.vethPair(b, 'eth0', r, 'eth-b', { mtu: mtuB });
  a.addAddress('eth0', '10.1.0.2/24');
  r.addAddress('eth-a', '10.1.0.1/24');
  b.addAddress('eth0', '10.2.0.2/24');
  r.addAddress('eth-b', '10.2.0.1/24');
  a.addRoute('default', { via: '10.1.0.1' });
  b.addRoute('default', { via: '10.2.0.1' });
  return { lab, a, r, b };
}

/** a (10.0.0.2/24) and b (10.0.0.3/24) on bridge br0 (no address) in namespace h, through ports veth-a and veth-b. */
export function twoOnBridge(seed: number): { lab: NetLab; h: NetNamespace; br: Bridge; a: NetNamespace; b: NetNamespace } {
  const lab = new NetLab({ seed });
  const { sw, br, hosts } = switched(lab, { ns: 'h', bridge: 'br0', mac: '02:b0:00:00:00:01' }, [
    { name: 'a', mac: '02:42:0a:00:00:02', address: '10.0.0.2/24' },
    { name: 'b', mac: '02:42:0a:00:00:03', address: '10.0.0.3/24' },
  ]);
  return { lab, h: sw, br, a: hosts[0]!, b: hosts[1]! };
}

/** The node's and the workstation's ends on the underlay switch (ulbr in namespace ul). */
const NODE: HostSpec = { name: 'node', port: 'p-node', mac: '02:99:00:00:00:11', address: '192.168.99.11/24' };
const WS: HostSpec = { name: 'ws', port: 'p-ws', mac: '02:99:00:00:00:01', address: '192.168.99.1/24' };

/** h (192.168.99.11) and cl (192.168.99.1) on the underlay switch ulbr (namespace ul), through p-h and p-cl. */
export function lanPair(seed: number): { lab: NetLab; h: NetNamespace; cl: NetNamespace } {
  const lab = new NetLab({ seed });
  const { hosts } = switched(lab, { ns: 'ul', bridge: 'ulbr' }, [
    { ...NODE, name: 'h', port: 'p-h' },
    { ...WS, name: 'cl', port: 'p-cl' },
  ]);
  return { lab, h: hosts[0]!, cl: hosts[1]! };
}

export interface DockerNode {
  readonly lab: NetLab;
  readonly node: NetNamespace;
  readonly docker0: Bridge;
  readonly c1: NetNamespace;
  readonly ws: NetNamespace;
}

/**
 * A Docker node on the underlay switch ulbr (namespace ul): node (eth0 192.168.99.11, ip_forward on) with docker0
 * 172.17.0.1/16 and container c1 172.17.0.2 on it (veth-c1, default route via docker0); the workstation ws
 * 192.168.99.1 on the switch too. No firewall: the tests program their own.
 */
export function dockerNode(seed: number): DockerNode {
  const lab = new NetLab({ seed });
  const ul = switched(lab, { ns: 'ul', bridge: 'ulbr' }, [NODE]);
  const node = ul.hosts[0]!;
  node.sysctl.ipForward = true;
  const { br: docker0, hosts } = switched(lab, { ns: 'node', bridge: 'docker0', mac: '02:42:ac:11:00:01', addresses: ['172.17.0.1/16'] }, [
    { name: 'c1', mac: '02:42:ac:11:00:02', address: '172.17.0.2/16', defaultRoute: { via: '172.17.0.1' } },
  ]);
  const ws = onBridge(lab, ul.br, WS);
  return { lab, node, docker0, c1: hosts[0]!, ws };
}
