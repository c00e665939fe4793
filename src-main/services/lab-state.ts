// The running lab as the window sees it: a plain, JSON-safe view of the Docker world (LabRuntimeState), read on
// demand. Nothing here keeps state; lab-runtime.ts diffs successive views and throttles what it sends.
import type {
  LabClockState,
  LabRuntimeState,
  RuntimeContainer,
  RuntimeNetwork,
  RuntimeNode,
  RuntimeService,
  RuntimeSwarmNode,
} from '../common/api/types.ts';
import { formatIpv4 } from '../common/wire/ipv4-address.ts';
import { formatMac } from '../common/wire/mac.ts';
import type { Container } from '../docker/daemon/container.ts';
import type { Daemon } from '../docker/daemon/daemon.ts';
import type { Network } from '../docker/model.ts';
import { formatAddr, formatPrefix } from '../docker/prefix.ts';
import type { SwarmCluster } from '../docker/swarm/cluster.ts';
import { NodeSwarm } from '../docker/swarm/node.ts';
import type { DockerNode, DockerWorld } from '../docker/world.ts';
import type { NetNamespace } from '../net/namespace.ts';
import { networkCreateView } from './network-create-view.ts';

/** Frames a device received and sent: the counters the device keeps anyway, read only when a state is made. */
function framesOf(ns: NetNamespace, ifname: string | undefined): number {
  if (ifname === undefined || !ns.hasDevice(ifname)) return 0;
  const c = ns.device(ifname).counters;
  return c.rxPackets + c.txPackets;
}

function networkView(nw: Network, swarm: SwarmCluster | undefined): RuntimeNetwork {
  const pool = nw.ipv4[0];
  const create = networkCreateView(nw, swarm?.networks.get(nw.id));
  return {
    id: nw.id,
    name: nw.name,
    driver: nw.driver,
    scope: nw.scope,
    subnet: pool ? formatPrefix(pool.pool.subnet) : null,
    gateway: pool?.gateway ? formatAddr(pool.gateway) : null,
    bridge: nw.bridgeName ?? null,
    internal: nw.internal,
    vni: nw.driver === 'overlay' ? (nw.vnis[0] ?? null) : null,
    ingress: nw.ingress,
    ...(create ? { create } : {}),
  };
}

function containerView(daemon: Daemon, c: Container): RuntimeContainer {
  return {
    id: c.id,
    name: c.name,
    image: c.config.image,
    state: c.status,
    exitCode: c.exitCode,
    networkMode: c.networkMode,
    networks: c.attachments.map((a) => {
      const ep = a.endpoint;
      return {
        networkId: a.networkId,
        network: daemon.networkById(a.networkId)?.name ?? a.networkId.slice(0, 12),
        iface: a.ifname ?? null,
        ip: ep.ipv4 ? `${formatIpv4(ep.ipv4.address)}/${ep.ipv4.prefixLength}` : null,
        mac: a.ifname === undefined ? null : formatMac(ep.mac),
        aliases: [...ep.aliases],
        frames: framesOf(c.machine.ns, a.ifname),
      };
    }),
    ports: c.ports.filter((p) => !p.ipv6).map((p) => ({ containerPort: p.containerPort, proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort })),
    env: [...(c.config.env ?? [])],
    cmd: [...(c.config.cmd ?? [])],
    tty: c.config.tty === true,
    interactive: c.config.interactive === true,
  };
}

function swarmNodeView(n: DockerNode): RuntimeSwarmNode | null {
  const sw = n.daemon.swarm;
  if (!(sw instanceof NodeSwarm)) return null;
  const rec = sw.record();
  if (!rec) return null;
  return { id: rec.id, role: rec.role, leader: sw.isLeader(), state: rec.state, availability: rec.availability };
}

function nodeView(n: DockerNode): RuntimeNode {
  const d = n.daemon;
  return {
    name: n.name,
    address: n.ipText,
    lan: n.lan.name,
    engine: n.engine,
    swarmRole: d.swarm?.role ?? null,
    swarm: swarmNodeView(n),
    daemon: d.running ? 'running' : 'stopped',
    frames: framesOf(n.machine.ns, 'eth0'),
    networks: d.running ? d.registry.list().map((nw) => networkView(nw, d.swarm instanceof NodeSwarm ? d.swarm.cluster : undefined)) : [],
    containers: [...d.containers.values()].map((c) => containerView(d, c)),
  };
}

/** The swarms the lab's nodes are in, each once. */
function clustersOf(world: DockerWorld): SwarmCluster[] {
  const out = new Set<SwarmCluster>();
  for (const n of world.nodeList()) {
    const sw = n.daemon.swarm;
    if (sw instanceof NodeSwarm && sw.cluster) out.add(sw.cluster);
  }
  return [...out];
}

function servicesView(cluster: SwarmCluster): RuntimeService[] {
  return [...cluster.services.values()].map((s) => {
    const tasks = cluster.tasksOf(s.id).filter((t) => t.desired === 'running');
    return {
      id: s.id,
      name: s.spec.name,
      image: s.spec.image,
      mode: s.spec.mode,
      desired: s.spec.mode === 'replicated' ? s.spec.replicas : tasks.length,
      running: tasks.filter((t) => t.state === 'running').length,
      ports: s.ports.map((p) => ({ protocol: p.protocol, target: p.target, published: p.published, mode: p.mode })),
      vips: s.vips.map((v) => ({ network: cluster.networks.get(v.networkId)?.name ?? v.networkId.slice(0, 12), addr: v.addr })),
      tasks: tasks.map((t) => ({
        id: t.id,
        slot: t.slot,
        node: t.nodeId === undefined ? null : (cluster.nodes.get(t.nodeId)?.hostname ?? null),
        containerId: t.containerId,
        state: t.state,
      })),
    };
  });
}

export function labStateView(labId: string, world: DockerWorld, clock: LabClockState): LabRuntimeState {
  const ws = world.workstation;
  return {
    labId,
    clock,
    lans: world.lans.map((l) => ({ name: l.name, cidr: l.cidr })),
    workstation: {
      name: ws.hostname(),
      interfaces: world.lans.map((l) => ({ lan: l.name, iface: l.workstationIf, ip: formatIpv4(l.workstationIp) })),
    },
    nodes: world.nodeList().map(nodeView),
    services: clustersOf(world).flatMap(servicesView),
  };
}
