// The running lab as the window sees it: a plain, JSON-safe view of the Docker world (LabRuntimeState), read on
// demand. Nothing here keeps state; lab-runtime.ts diffs successive views and throttles what it sends.
import type {
  LabClockState,
  LabRuntimeState,
  RuntimeContainer,
  RuntimeNetwork,
  RuntimeNode,
} from '../common/api/types.ts';
import { formatIpv4 } from '../common/wire/ipv4-address.ts';
import { formatMac } from '../common/wire/mac.ts';
import type { Container } from '../docker/daemon/container.ts';
import type { Daemon } from '../docker/daemon/daemon.ts';
import type { Network } from '../docker/model.ts';
import { formatAddr, formatPrefix } from '../docker/prefix.ts';
import type { DockerNode, DockerWorld } from '../docker/world.ts';

function networkView(nw: Network): RuntimeNetwork {
  const pool = nw.ipv4[0];
  return {
    id: nw.id,
    name: nw.name,
    driver: nw.driver,
    scope: nw.scope,
    subnet: pool ? formatPrefix(pool.pool.subnet) : null,
    gateway: pool?.gateway ? formatAddr(pool.gateway) : null,
    bridge: nw.bridgeName ?? null,
    internal: nw.internal,
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
      };
    }),
    ports: c.ports.filter((p) => !p.ipv6).map((p) => ({ containerPort: p.containerPort, proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort })),
  };
}

function nodeView(n: DockerNode): RuntimeNode {
  const d = n.daemon;
  return {
    name: n.name,
    address: n.ipText,
    lan: n.lan.name,
    engine: n.engine,
    swarmRole: d.swarm?.role ?? null,
    daemon: d.running ? 'running' : 'stopped',
    networks: d.running ? d.registry.list().map(networkView) : [],
    containers: [...d.containers.values()].map((c) => containerView(d, c)),
  };
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
  };
}
