// The overlay scenarios of ../shared/reference/linux (facts §1, 3.1, 3.2, 3.4, 3.6) rebuilt with the scenario API,
// following build-lab.sh: an underlay namespace `ul` with bridge `ulbr`; nodes n1..n3 whose eth0 (192.168.99.11-13,
// 02:99:00:00:00:1N) hangs off ulbr; in each node a bridge br0 (10.0.1.1/24 on every node, as Docker does,
// 02:b0:00:00:00:0N, MTU 1450) with a VXLAN device vxlan0 (VNI 4097, dstport 4789, 02:5e:00:00:00:0N, MTU 1450)
// and two containers (c1,c2 on n1; c3,c4 on n2; c5,c6 on n3: eth0 10.0.1.(K+1)/24, MAC 02:42:0a:00:01:XX, MTU
// 1450, no default route).
//   mode "docker": exactly libnetwork's createVxlan (learning proxy l2miss l3miss) plus, per remote container, a
//   permanent neighbour entry and an FDB entry pointing at its VTEP (peerAdd);
//   mode "flood": learning only, and the all-zeros FDB entry appended once per other VTEP (n1: .12 then .13).
// One kernel runs everything, as on the reference VM (so the header flow hash, and with it the ICMP/ARP outer
// source port, is the same in both directions). Each capture starts as the script's did: the lab settles for
// 3 s (br0's IGMP reports pass), neighbour caches of the containers' and nodes' eth0 are flushed, then tcpdump
// starts and the traffic follows.

import { ms, s, us, type Time } from '../sim/time.ts';
import type { Bridge } from './bridge.ts';
import type { Capture } from './capture.ts';
import type { NetNamespace } from './namespace.ts';
import { NetLab } from './scenario.ts';
import { ping, type PingResult } from './sockets/ping.ts';
import { addVxlan, type VxlanDevice } from './vxlan.ts';
import { curl, httpServer, type CurlResult } from './apps/http.ts';
import { programEncryption } from './esp/xfrm.ts';

export type OverlayMode = 'docker' | 'flood';

export const NODES = ['n1', 'n2', 'n3'] as const;
export const CONTAINERS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'] as const;
export const NODE_OF: Record<string, string> = { c1: 'n1', c2: 'n1', c3: 'n2', c4: 'n2', c5: 'n3', c6: 'n3' };
export const VTEP: Record<string, string> = { n1: '192.168.99.11', n2: '192.168.99.12', n3: '192.168.99.13' };
export const VNI = 4097;

/** c1 → 10.0.1.2 */
export const cip = (c: string): string => `10.0.1.${Number(c.slice(1)) + 1}`;
/** c1 → 02:42:0a:00:01:02 */
export const cmac = (c: string): string => `02:42:0a:00:01:${(Number(c.slice(1)) + 1).toString(16).padStart(2, '0')}`;

export interface OverlayOptions {
  /** The overlay MTU (1450; 1424 on encrypted overlays). */
  mtu?: number;
}

export interface OverlayLab {
  readonly lab: NetLab;
  readonly mode: OverlayMode;
  readonly ul: NetNamespace;
  readonly ulbr: Bridge;
  readonly node: Record<string, NetNamespace>;
  readonly br0: Record<string, Bridge>;
  readonly vxlan0: Record<string, VxlanDevice>;
  readonly c: Record<string, NetNamespace>;
}

/** build_underlay + build_overlay_bridge + build_vxlan MODE, all at virtual time 0. */
export function buildOverlay(seed: number, mode: OverlayMode, opts: OverlayOptions = {}): OverlayLab {
  const mtu = opts.mtu ?? 1450;
  const lab = new NetLab({ seed });
  const ul = lab.namespace('ul');
  const ulbr = ul.addBridge('ulbr');
  const node: Record<string, NetNamespace> = {};
  for (const [i, n] of NODES.entries()) {
    const ns = lab.namespace(n);
    lab.vethPair(ns, 'eth0', ul, `p-${n}`, { macA: `02:99:00:00:00:1${i + 1}`, master: ulbr });
    ns.addAddress('eth0', `${VTEP[n]}/24`);
    node[n] = ns;
  }
  const br0: Record<string, Bridge> = {};
  for (const [i, n] of NODES.entries()) {
    br0[n] = node[n]!.addBridge('br0', { mac: `02:b0:00:00:00:0${i + 1}`, mtu, addresses: ['10.0.1.1/24'] });
  }
  const c: Record<string, NetNamespace> = {};
  for (const name of CONTAINERS) {
    const n = NODE_OF[name]!;
    const ns = lab.namespace(name);
    lab.vethPair(ns, 'eth0', node[n]!, `veth-${name}`, { macA: cmac(name), mtu, master: br0[n]! });
    ns.addAddress('eth0', `${cip(name)}/24`);
    c[name] = ns;
  }
  const vxlan0: Record<string, VxlanDevice> = {};
  for (const [i, n] of NODES.entries()) {
    const docker = mode === 'docker';
    const vx = addVxlan(node[n]!, 'vxlan0', { mac: `02:5e:00:00:00:0${i + 1}`, mtu, vni: VNI, dstport: 4789, learning: true, proxy: docker, l2miss: docker, l3miss: docker, master: br0[n]! });
    vxlan0[n] = vx;
    if (docker) {
      for (const name of CONTAINERS) {
        const m = NODE_OF[name]!;
        if (m !== n) vx.peerAdd(cip(name), cmac(name), VTEP[m]!);
      }
    } else {
      for (const m of NODES) if (m !== n) vx.fdbAppend('00:00:00:00:00:00', VTEP[m]!);
    }
  }
  return { lab, mode, ul, ulbr, node, br0, vxlan0, c };
}

/** flush_neigh: cold ARP caches on every container's and node's eth0 (permanent entries survive). */
export function flushNeigh(o: OverlayLab): void {
  for (const ns of Object.values(o.c)) ns.neigh.flush(ns.device('eth0'));
  for (const ns of Object.values(o.node)) ns.neigh.flush(ns.device('eth0'));
}

/** Settles the lab (3 s), flushes the caches and starts the named captures; returns the instant traffic may start. */
function prepare(o: OverlayLab, taps: Record<string, () => Capture>, caps: Record<string, Capture>): Time {
  o.lab.run(s(3));
  flushNeigh(o);
  for (const [k, f] of Object.entries(taps)) caps[k] = f();
  return o.lab.now + s(1); // cap_start waits for tcpdump, then sleeps 1 s
}

export interface OverlayPingRun {
  readonly o: OverlayLab;
  /** tcpdump -i eth0 in n1, -i br0 in n1 and in n2. */
  readonly underlay: Capture;
  readonly n1br0: Capture;
  readonly n2br0: Capture;
  readonly pings: PingResult[];
}

/** Scenario 01 (docker or flood): c1 runs `ping -c 3 -i 1 -W 1 10.0.1.5`; the captures run 10 s. */
export function runOverlayPing(seed: number, mode: OverlayMode): OverlayPingRun {
  const o = buildOverlay(seed, mode);
  const caps: Record<string, Capture> = {};
  const start = prepare(o, { underlay: () => o.lab.capture(o.node.n1!.device('eth0')), n1br0: () => o.lab.capture(o.br0.n1!), n2br0: () => o.lab.capture(o.br0.n2!) }, caps);
  const pings: PingResult[] = [];
  o.lab.at(start, () => ping(o.c.c1!, '10.0.1.5', { count: 3, interval: s(1), timeout: s(1) }, (r) => pings.push(r)));
  o.lab.run(start + s(10));
  for (const c of Object.values(caps)) c.stop();
  return { o, underlay: caps.underlay!, n1br0: caps.n1br0!, n2br0: caps.n2br0!, pings };
}

export interface OverlayArpMissRun {
  readonly o: OverlayLab;
  readonly underlay: Capture;
  readonly n1br0: Capture;
  readonly pings: PingResult[];
}

/** Scenario 01d (docker mode): `ping -c 1 -W 1 10.0.1.50`, an address no peer has; 3 s of capture. */
export function runOverlayArpMiss(seed: number): OverlayArpMissRun {
  const o = buildOverlay(seed, 'docker');
  const caps: Record<string, Capture> = {};
  const start = prepare(o, { underlay: () => o.lab.capture(o.node.n1!.device('eth0')), n1br0: () => o.lab.capture(o.br0.n1!) }, caps);
  const pings: PingResult[] = [];
  o.lab.at(start, () => ping(o.c.c1!, '10.0.1.50', { count: 1, timeout: s(1) }, (r) => pings.push(r)));
  o.lab.run(start + s(4));
  for (const c of Object.values(caps)) c.stop();
  return { o, underlay: caps.underlay!, n1br0: caps.n1br0!, pings };
}

export interface OverlayMtuRun {
  readonly o: OverlayLab;
  readonly underlay: Capture;
  readonly pings: PingResult[];
}

/**
 * Scenario 01c (docker mode): `ping -c 1 -W 1 -M do -s 1422` (the largest DF ping: 1450 inner, 1514 outer), then
 * `-M do -s 1423` (refused locally: EMSGSIZE, mtu=1450; it still takes an echo id), then `-M dont -s 1423`
 * (fragmented by the sender) 1.0106 s after the first, as in the reference.
 */
export function runOverlayMtu(seed: number): OverlayMtuRun {
  const o = buildOverlay(seed, 'docker');
  const caps: Record<string, Capture> = {};
  const start = prepare(o, { underlay: () => o.lab.capture(o.node.n1!.device('eth0')) }, caps);
  const pings: PingResult[] = [];
  const c1 = o.c.c1!;
  o.lab.at(start, () => ping(c1, '10.0.1.5', { count: 1, size: 1422, pmtudisc: 'do', timeout: s(1) }, (r) => pings.push(r)));
  o.lab.at(start + ms(5), () => ping(c1, '10.0.1.5', { count: 1, size: 1423, pmtudisc: 'do', timeout: s(1) }, (r) => pings.push(r)));
  o.lab.at(start + us(1_010_600), () => ping(c1, '10.0.1.5', { count: 1, size: 1423, pmtudisc: 'dont', timeout: s(1) }, (r) => pings.push(r)));
  o.lab.run(start + s(2));
  for (const c of Object.values(caps)) c.stop();
  return { o, underlay: caps.underlay!, pings };
}

export interface OverlayHttpRun {
  readonly o: OverlayLab;
  /** tcpdump -i eth0 in n1 and in c1. */
  readonly underlay: Capture;
  readonly c1eth0: Capture;
  readonly results: CurlResult[];
}

const enc = new TextEncoder();
/** The reference's two files: a 14-byte hello and a 4000-byte body. */
export const HTTP_FILES: ReadonlyMap<string, Uint8Array> = new Map([
  ['/hello.txt', enc.encode('hello overlay\n')],
  ['/4k.txt', enc.encode('0123456789abcdef'.repeat(250))],
]);

/**
 * Scenario 04 (docker mode): python http.server on 10.0.1.5:8080 in c4; c1 runs curl for /hello.txt, and
 * 0.521 s later (the reference's gap: `sleep 0.5` plus curl's start-up) for /4k.txt.
 */
export function runOverlayHttp(seed: number): OverlayHttpRun {
  const o = buildOverlay(seed, 'docker');
  httpServer(o.c.c4!, { port: 8080, address: '10.0.1.5', files: HTTP_FILES });
  const caps: Record<string, Capture> = {};
  const start = prepare(o, { underlay: () => o.lab.capture(o.node.n1!.device('eth0')), c1eth0: () => o.lab.capture(o.c.c1!.device('eth0')) }, caps);
  const results: CurlResult[] = [];
  const c1 = o.c.c1!;
  o.lab.at(start, () => curl(c1, 'http://10.0.1.5:8080/hello.txt', {}, (r) => results.push(r)));
  o.lab.at(start + us(520_920), () => curl(c1, 'http://10.0.1.5:8080/4k.txt', {}, (r) => results.push(r)));
  o.lab.run(start + s(1.5));
  for (const c of Object.values(caps)) c.stop();
  return { o, underlay: caps.underlay!, c1eth0: caps.c1eth0!, results };
}

/** The swarm's 16-byte `networking:ipsec` key and its tag in the encrypted-overlay scenario. */
export const IPSEC_KEY = Uint8Array.from({ length: 16 }, (_, i) => (i * 17 + 3) & 0xff);
export const IPSEC_TAG = 0x2a;

export interface EncryptedPingRun {
  readonly o: OverlayLab;
  readonly underlay: Capture;
  readonly n1br0: Capture;
  readonly pings: PingResult[];
}

/**
 * An encrypted overlay (`--opt encrypted`, docker-networking.md 6.7): docker mode with MTU 1424 and, between every
 * pair of nodes, ESP transport-mode SAs for the VXLAN datagrams (programEncryption). c1 pings c4 three times.
 */
export function runEncryptedOverlayPing(seed: number, opts: { size?: number; pmtudisc?: 'do' | 'want' | 'dont' } = {}): EncryptedPingRun {
  const o = buildOverlay(seed, 'docker', { mtu: 1424 });
  for (const n of NODES) {
    for (const m of NODES) if (m !== n) programEncryption(o.node[n]!, VTEP[n]!, VTEP[m]!, { key: IPSEC_KEY, tag: IPSEC_TAG, vni: VNI });
  }
  const caps: Record<string, Capture> = {};
  const start = prepare(o, { underlay: () => o.lab.capture(o.node.n1!.device('eth0')), n1br0: () => o.lab.capture(o.br0.n1!) }, caps);
  const pings: PingResult[] = [];
  o.lab.at(start, () => ping(o.c.c1!, '10.0.1.5', { count: 3, timeout: s(1), ...(opts.size !== undefined ? { size: opts.size } : {}), ...(opts.pmtudisc !== undefined ? { pmtudisc: opts.pmtudisc } : {}) }, (r) => pings.push(r)));
  o.lab.run(start + s(4));
  for (const c of Object.values(caps)) c.stop();
  return { o, underlay: caps.underlay!, n1br0: caps.n1br0!, pings };
}
