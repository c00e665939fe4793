// The engine benchmark's workload, built with the scenario API: the topology and traffic of
// ../shared/bench/ns3/docker-like.cc (topo=bridge, underlay=p2p), so Flotilla and ns-3 run the same thing.
//
//   H hosts (one emulated kernel each, namespace `hN`, ip_forward on), each with a bridge docker0 172.(17+N).0.1/16
//   and C containers (namespaces on the host's kernel) whose eth0 172.(17+N).0.(c+2)/16 is a veth into docker0,
//   default route via .1. Routed variant: the hosts are joined by a full mesh of point-to-point links (a veth pair
//   per pair of hosts, 10.99.L.0/30, 5 µs one way as ns-3's p2p channel) and each host routes the other hosts'
//   container /16s via the peer. Container veths have 1 µs one way (ns-3's CSMA links: 100 ns + 51 ns at 10 Gb/s).
//
//   Overlay variant (Docker's overlay driver, as reference-overlay.ts builds it): the same underlay links, but the
//   containers share one subnet 10.0.0.0/24 (10.0.0.(2+10·N+c), MTU 1450) on a bridge br0 (10.0.0.1/24) per host
//   with a VXLAN device vxlan0 (VNI 4097, learning proxy l2miss l3miss, MTU 1450) and, per remote container, the
//   permanent neighbour and FDB entries libnetwork's peerAdd installs, pointing at the remote host's address on
//   the link between the two hosts. Frames cross the same three links, encapsulated on the underlay one.
//
//   Traffic: every container runs a UDP echo server on port 9 and one connected client per container on the other
//   hosts (C·(H-1) per container); each client sends ceil(requests / clients) 18-byte payloads (64-byte frames with
//   FCS, as ns-3 counts them; 60 bytes here, Linux has no FCS), one per `interval`, the starts staggered over one
//   interval from 10 ms, as docker-like.cc does. Each datagram crosses 3 links: container veth, underlay, remote
//   container veth. ARP is resolved on the wire (ns-3 pre-populates its caches; here the few dozen ARP frames of
//   the first milliseconds are counted like any other frame).
//
// A frame-hop is one frame transmitted over one link: the sum of the veths' tx_packets (a bridge's own tx
// counter is not a link; its ports' veths are).

import { parseIpv4, type Ipv4Address } from '../src-main/common/wire/ipv4-address.ts';
import type { NetDevice } from '../src-main/net/device.ts';
import type { NetNamespace } from '../src-main/net/namespace.ts';
import { NetLab } from '../src-main/net/scenario.ts';
import type { UdpSocket } from '../src-main/net/sockets/udp.ts';
import { addVxlan } from '../src-main/net/vxlan.ts';
import { MICROSECOND, MILLISECOND, type Time } from '../src-main/sim/time.ts';

export interface DockerLikeOptions {
  hosts?: number;
  containers?: number;
  /** Total echo requests over all clients (datagrams = 2×). */
  requests?: number;
  /** Per-client interval between requests. */
  interval?: Time;
  seed?: number;
  /** 'routed' (as ns-3: host routes over point-to-point links) or 'overlay' (VXLAN between the hosts, as Docker). */
  underlay?: 'routed' | 'overlay';
  /** Called with the lab after the topology is built and before traffic runs (captures, checks). */
  onBuilt?: (lab: NetLab) => void;
}

export interface DockerLikeResult {
  /** Wall-clock seconds of lab.run (topology building excluded, as ns-3's run_s excludes setup). */
  runS: number;
  /** CPU seconds (user + system) of lab.run. */
  runCpuS: number;
  setupS: number;
  events: number;
  clientTx: number;
  serverRx: number;
  clientRx: number;
  datagrams: number;
  frameHops: number;
  simTimeS: number;
  lastRxS: number;
  lab: NetLab;
}

const PORT = 9;

/** Whether buildDockerLike can build the VXLAN overlay variant (set when net/vxlan.ts is wired in). */
export const OVERLAY_WIRED = true;

export interface DockerLikeLab {
  hostNs: NetNamespace[];
  containerNs: NetNamespace[][];
  containerIp: Ipv4Address[][];
}

export function buildDockerLike(lab: NetLab, hosts: number, containers: number, underlay: 'routed' | 'overlay' = 'routed'): DockerLikeLab {
  return underlay === 'overlay' ? buildOverlay(lab, hosts, containers) : buildRouted(lab, hosts, containers);
}

function buildRouted(lab: NetLab, hosts: number, containers: number): DockerLikeLab {
  const hostNs: NetNamespace[] = [];
  const containerNs: NetNamespace[][] = [];
  const containerIp: Ipv4Address[][] = [];
  for (let h = 0; h < hosts; h++) {
    const kernel = `host${h}`;
    const hn = lab.namespace(`h${h}`, { kernel });
    hn.sysctl.ipForward = true;
    const br = hn.addBridge('docker0', { addresses: [`172.${17 + h}.0.1/16`] });
    hostNs.push(hn);
    const cs: NetNamespace[] = [];
    const ips: Ipv4Address[] = [];
    for (let c = 0; c < containers; c++) {
      const cn = lab.namespace(`c${h}-${c}`, { kernel });
      lab.vethPair(cn, 'eth0', hn, `veth${c}`, { master: br });
      cn.addAddress('eth0', `172.${17 + h}.0.${c + 2}/16`);
      cn.addRoute('default', { via: `172.${17 + h}.0.1` });
      cs.push(cn);
      ips.push(parseIpv4(`172.${17 + h}.0.${c + 2}`));
    }
    containerNs.push(cs);
    containerIp.push(ips);
  }
  let link = 0;
  for (let a = 0; a < hosts; a++) {
    for (let b = a + 1; b < hosts; b++) {
      const na = hostNs[a]!;
      const nb = hostNs[b]!;
      lab.vethPair(na, `u${b}`, nb, `u${a}`, { latency: 5 * MICROSECOND });
      na.addAddress(`u${b}`, `10.99.${link}.1/30`);
      nb.addAddress(`u${a}`, `10.99.${link}.2/30`);
      na.addRoute(`172.${17 + b}.0.0/16`, { via: `10.99.${link}.2` });
      nb.addRoute(`172.${17 + a}.0.0/16`, { via: `10.99.${link}.1` });
      link++;
    }
  }
  return { hostNs, containerNs, containerIp };
}

const OVERLAY_MTU = 1450;
const VNI = 4097;
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

function buildOverlay(lab: NetLab, hosts: number, containers: number): DockerLikeLab {
  if (hosts * containers + 2 > 254) throw new Error('overlay: at most 252 containers in 10.0.0.0/24');
  const hostNs: NetNamespace[] = [];
  const containerNs: NetNamespace[][] = [];
  const containerIp: Ipv4Address[][] = [];
  const containerMac: string[][] = [];
  const bridges = [];
  for (let h = 0; h < hosts; h++) {
    const kernel = `host${h}`;
    const hn = lab.namespace(`h${h}`, { kernel });
    const br = hn.addBridge('br0', { mac: `02:b0:00:00:00:${hex2(h + 1)}`, mtu: OVERLAY_MTU, addresses: ['10.0.0.1/24'] });
    hostNs.push(hn);
    bridges.push(br);
    const cs: NetNamespace[] = [];
    const ips: Ipv4Address[] = [];
    const macs: string[] = [];
    for (let c = 0; c < containers; c++) {
      const x = 2 + h * containers + c;
      const cn = lab.namespace(`c${h}-${c}`, { kernel });
      const mac = `02:42:0a:00:00:${hex2(x)}`;
      lab.vethPair(cn, 'eth0', hn, `veth${c}`, { macA: mac, mtu: OVERLAY_MTU, master: br });
      cn.addAddress('eth0', `10.0.0.${x}/24`);
      cs.push(cn);
      ips.push(parseIpv4(`10.0.0.${x}`));
      macs.push(mac);
    }
    containerNs.push(cs);
    containerIp.push(ips);
    containerMac.push(macs);
  }
  // The underlay: the same point-to-point mesh; vtep[a][b] = host b's address on the a–b link.
  const vtep: string[][] = Array.from({ length: hosts }, () => new Array<string>(hosts).fill(''));
  let link = 0;
  for (let a = 0; a < hosts; a++) {
    for (let b = a + 1; b < hosts; b++) {
      lab.vethPair(hostNs[a]!, `u${b}`, hostNs[b]!, `u${a}`, { latency: 5 * MICROSECOND });
      hostNs[a]!.addAddress(`u${b}`, `10.99.${link}.1/30`);
      hostNs[b]!.addAddress(`u${a}`, `10.99.${link}.2/30`);
      vtep[a]![b] = `10.99.${link}.2`;
      vtep[b]![a] = `10.99.${link}.1`;
      link++;
    }
  }
  for (let h = 0; h < hosts; h++) {
    const vx = addVxlan(hostNs[h]!, 'vxlan0', { mac: `02:5e:00:00:00:${hex2(h + 1)}`, mtu: OVERLAY_MTU, vni: VNI, dstport: 4789, learning: true, proxy: true, l2miss: true, l3miss: true, master: bridges[h]! });
    for (let h2 = 0; h2 < hosts; h2++) {
      if (h2 === h) continue;
      for (let c = 0; c < containers; c++) vx.peerAdd(containerIp[h2]![c]!, containerMac[h2]![c]!, vtep[h]![h2]!);
    }
  }
  return { hostNs, containerNs, containerIp };
}

/** Every veth of the lab (each is one end of a link). */
export function links(lab: NetLab): NetDevice[] {
  return lab.namespaces.flatMap((ns) => ns.deviceList.filter((d) => d.kind === 'veth'));
}

export function frameHops(lab: NetLab): number {
  let n = 0;
  for (const d of links(lab)) n += d.counters.txPackets;
  return n;
}

export function runDockerLike(opts: DockerLikeOptions = {}): DockerLikeResult {
  const hosts = opts.hosts ?? 3;
  const containers = opts.containers ?? 10;
  const requests = opts.requests ?? 166_800;
  const interval = opts.interval ?? MILLISECOND;
  const t0 = performance.now();
  const lab = new NetLab({ seed: opts.seed ?? 1 });
  const { containerNs, containerIp } = buildDockerLike(lab, hosts, containers, opts.underlay ?? 'routed');

  let clientTx = 0;
  let serverRx = 0;
  let clientRx = 0;
  let lastRx = 0;
  for (const row of containerNs) {
    for (const ns of row) {
      const server = ns.udp.open();
      server.bind(0, PORT);
      server.onMessage = (m) => {
        serverRx++;
        server.sendto(m.data, m.from, m.fromPort);
      };
    }
  }
  const nClients = hosts * containers * (hosts - 1) * containers;
  const perClient = Math.ceil(requests / nClients);
  const payload = new Uint8Array(18);
  const sched = lab.scheduler;
  let k = 0;
  for (let h = 0; h < hosts; h++) {
    for (let c = 0; c < containers; c++) {
      const ns = containerNs[h]![c]!;
      for (let h2 = 0; h2 < hosts; h2++) {
        if (h2 === h) continue;
        for (let c2 = 0; c2 < containers; c2++) {
          const sock: UdpSocket = ns.udp.open();
          sock.connect(containerIp[h2]![c2]!, PORT);
          sock.onMessage = () => {
            clientRx++;
            lastRx = sched.now;
          };
          let left = perClient;
          const send = (): void => {
            sock.send(payload);
            clientTx++;
            if (--left > 0) sched.schedule(interval, send);
          };
          lab.at(10 * MILLISECOND + Math.floor((interval * k) / nClients), send);
          k++;
        }
      }
    }
  }
  opts.onBuilt?.(lab);
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  const before = sched.executed;
  // Runs to idle: the last echo lands ~a millisecond after the last request; timers (ARP reachability, IGMP)
  // still pending then are far in the future, so run until the traffic is over instead of to idle.
  const end = 10 * MILLISECOND + perClient * interval + 100 * MILLISECOND;
  lab.run(end);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return {
    runS: (t2 - t1) / 1000,
    runCpuS: (cpu.user + cpu.system) / 1e6,
    setupS: (t1 - t0) / 1000,
    events: sched.executed - before,
    clientTx,
    serverRx,
    clientRx,
    datagrams: clientTx + serverRx,
    frameHops: frameHops(lab),
    simTimeS: lab.now / 1e9,
    lastRxS: lastRx / 1e9,
    lab,
  };
}

