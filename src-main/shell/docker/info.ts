// `docker info [-f FORMAT]`: the client's and the daemon's view of one lab node, laid out as docker/cli's
// prettyPrintInfo does (cli/command/system/info.go), with the counts, swarm membership and name from the lab.
// The machine facts (kernel, OS, CPUs, memory) are the lab's fixed hardware for the node's driver: a docker-machine
// VirtualBox node is a Boot2Docker VM of docker-machine's defaults (1 CPU, 1 GiB), any other node an Ubuntu host.

import type { Daemon } from '../../docker/daemon/daemon.ts';
import { GoStruct, NIL_PTR, NIL_SLICE, type GoValue } from '../../docker/format/govalue.ts';
import { swarmOf } from '../../docker/swarm/node.ts';
import { atLeast, type EngineVersion } from '../../docker/version.ts';
import type { DockerNode } from '../../docker/world.ts';
import type { CommandContext } from '../interpreter.ts';
import type { DockerLab } from '../lab-host.ts';
import { runFormatOnly } from './format-only.ts';

interface Hardware {
  readonly kernel: string;
  readonly os: string;
  readonly cpus: number;
  readonly memBytes: number;
  readonly cgroupDriver: string;
  readonly cgroupVersion: string;
}

function hardwareOf(node: DockerNode): Hardware {
  if (node.driver === 'virtualbox') {
    // boot2docker's last kernel line (4.19) and TinyCore 10.1; the release is named after the engine it ships.
    return { kernel: '4.19.130-boot2docker', os: `Boot2Docker ${node.engine} (TCL 10.1)`, cpus: 1, memBytes: 1044131840, cgroupDriver: 'cgroupfs', cgroupVersion: '1' };
  }
  return { kernel: '6.8.0-85-generic', os: 'Ubuntu 24.04.3 LTS', cpus: 2, memBytes: 4101312512, cgroupDriver: 'systemd', cgroupVersion: '2' };
}

/** go-units BytesSize: binary units, 4 significant digits ("995.8MiB", "3.82GiB"). */
export function bytesSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toPrecision(4))}${units[i]!}`;
}

/** The engine ID (a UUID since 23.0): stable per node, derived from its name so no random stream is consumed. */
function engineId(name: string): string {
  let hex = '';
  let h = 0x811c9dc5;
  for (let round = 0; hex.length < 32; round++) {
    for (const ch of `${name}/${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  hex = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${'89ab'[parseInt(hex[16]!, 16) & 3]!}${hex.slice(17, 32)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface SwarmFacts {
  readonly state: 'inactive' | 'active';
  readonly nodeId: string;
  readonly nodeAddr: string;
  readonly isManager: boolean;
  readonly clusterId: string;
  readonly managers: number;
  readonly nodes: number;
  readonly managerAddrs: readonly string[];
}

function swarmFacts(lab: DockerLab, node: DockerNode): SwarmFacts {
  const ns = swarmOf(lab.world).of(node);
  const c = ns.cluster;
  if (!c) return { state: 'inactive', nodeId: '', nodeAddr: '', isManager: false, clusterId: '', managers: 0, nodes: 0, managerAddrs: [] };
  const managers = c.managers();
  return {
    state: 'active',
    nodeId: ns.nodeId,
    nodeAddr: ns.addr,
    isManager: ns.role === 'manager',
    clusterId: c.id,
    managers: managers.length,
    nodes: [...c.nodes.values()].filter((n) => !n.left).length,
    managerAddrs: managers.map((m) => `${m.addr}:2377`).sort(),
  };
}

/** Everything `docker info` shows, as its Go value (system.Info plus the client's part), for -f and the layout. */
export function infoValue(lab: DockerLab, node: DockerNode, daemon: Daemon): GoStruct {
  const all = daemon.containerList();
  const running = all.filter((c) => c.status === 'running' || c.status === 'restarting').length;
  const paused = all.filter((c) => c.status === 'paused').length;
  const images = new Set(all.map((c) => c.config.image)).size;
  const hw = hardwareOf(node);
  const sw = swarmFacts(lab, node);
  const v = daemon.behaviour.version;
  const insecure = atLeast(v, 27) ? ['::1/128', '127.0.0.0/8'] : ['127.0.0.0/8'];
  const remote: GoValue = sw.state === 'active' ? sw.managerAddrs.map((a) => new GoStruct('swarm.Peer', { NodeID: '', Addr: a })) : NIL_SLICE;
  const swarm = new GoStruct('swarm.Info', {
    NodeID: sw.nodeId,
    NodeAddr: sw.nodeAddr,
    LocalNodeState: sw.state,
    ControlAvailable: sw.isManager,
    Error: '',
    RemoteManagers: remote,
    Nodes: sw.nodes,
    Managers: sw.managers,
    Cluster: sw.state === 'active' ? new GoStruct('swarm.ClusterInfo', { ID: sw.clusterId }) : NIL_PTR,
  });
  const client = new GoStruct('clientInfo', { Debug: false, Context: 'default', Plugins: NIL_SLICE, Warnings: NIL_SLICE });
  return new GoStruct('info', {
    ID: engineId(node.name),
    Containers: all.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: all.length - running - paused,
    Images: images,
    Driver: 'overlay2',
    Debug: false,
    LoggingDriver: 'json-file',
    CgroupDriver: hw.cgroupDriver,
    CgroupVersion: hw.cgroupVersion,
    KernelVersion: hw.kernel,
    OperatingSystem: hw.os,
    OSType: 'linux',
    Architecture: 'x86_64',
    NCPU: hw.cpus,
    MemTotal: hw.memBytes,
    DockerRootDir: '/var/lib/docker',
    Name: node.name,
    ServerVersion: node.engine,
    ExperimentalBuild: false,
    LiveRestoreEnabled: false,
    InsecureRegistries: insecure,
    Swarm: swarm,
    ClientInfo: client,
  });
}

const f = (v: GoStruct, k: string): GoValue => v.fields[k] ?? null;

/** The text of `docker info` without a format, as the CLI of engine `v` lays it out. */
export function formatInfo(info: GoStruct, v: EngineVersion): string {
  const sw = f(info, 'Swarm') as GoStruct;
  const out: string[] = [
    ` Containers: ${String(f(info, 'Containers'))}`,
    `  Running: ${String(f(info, 'ContainersRunning'))}`,
    `  Paused: ${String(f(info, 'ContainersPaused'))}`,
    `  Stopped: ${String(f(info, 'ContainersStopped'))}`,
    ` Images: ${String(f(info, 'Images'))}`,
    ` Server Version: ${String(f(info, 'ServerVersion'))}`,
    ' Storage Driver: overlay2',
    '  Backing Filesystem: extfs',
    '  Supports d_type: true',
    ` Logging Driver: ${String(f(info, 'LoggingDriver'))}`,
    ` Cgroup Driver: ${String(f(info, 'CgroupDriver'))}`,
    ...(atLeast(v, 20, 10) ? [` Cgroup Version: ${String(f(info, 'CgroupVersion'))}`] : []),
    ' Plugins:',
    '  Volume: local',
    '  Network: bridge host ipvlan macvlan null overlay',
    '  Log: awslogs fluentd gcplogs gelf journald json-file local splunk syslog',
    ` Swarm: ${String(f(sw, 'LocalNodeState'))}`,
  ];
  if (f(sw, 'LocalNodeState') === 'active') {
    const isManager = f(sw, 'ControlAvailable') === true;
    out.push(`  NodeID: ${String(f(sw, 'NodeID'))}`, `  Is Manager: ${String(isManager)}`);
    if (isManager) {
      out.push(
        `  ClusterID: ${String(f(f(sw, 'Cluster') as GoStruct, 'ID'))}`,
        `  Managers: ${String(f(sw, 'Managers'))}`,
        `  Nodes: ${String(f(sw, 'Nodes'))}`,
        '  Data Path Port: 4789',
        '  Orchestration:',
        '   Task History Retention Limit: 5',
        '  Raft:',
        '   Snapshot Interval: 10000',
        '   Number of Old Snapshots to Retain: 0',
        '   Heartbeat Tick: 1',
        '   Election Tick: 10',
        '  Dispatcher:',
        '   Heartbeat Period: 5 seconds',
        '  CA Configuration:',
        '   Expiry Duration: 3 months',
        '   Force Rotate: 0',
        '  Autolock Managers: false',
        '  Root Rotation In Progress: false',
      );
    }
    out.push(`  Node Address: ${String(f(sw, 'NodeAddr'))}`, '  Manager Addresses:');
    for (const p of f(sw, 'RemoteManagers') as readonly GoStruct[]) out.push(`   ${String(f(p, 'Addr'))}`);
  }
  out.push(
    ` Kernel Version: ${String(f(info, 'KernelVersion'))}`,
    ` Operating System: ${String(f(info, 'OperatingSystem'))}`,
    ` OSType: ${String(f(info, 'OSType'))}`,
    ` Architecture: ${String(f(info, 'Architecture'))}`,
    ` CPUs: ${String(f(info, 'NCPU'))}`,
    ` Total Memory: ${bytesSize(f(info, 'MemTotal') as number)}`,
    ` Name: ${String(f(info, 'Name'))}`,
    ` ID: ${String(f(info, 'ID'))}`,
    ` Docker Root Dir: ${String(f(info, 'DockerRootDir'))}`,
    ' Debug Mode: false',
    ' Experimental: false',
    ' Insecure Registries:',
    ...(f(info, 'InsecureRegistries') as readonly string[]).map((r) => `  ${r}`),
    ' Live Restore Enabled: false',
  );
  // Before 19.03 the CLI printed the server's lines alone, one level less indented; since, a client part first.
  if (!atLeast(v, 19, 3)) return `${out.map((line) => line.slice(1)).join('\n')}\n`;
  const client = ['Client:', ` Version:    ${String(f(info, 'ServerVersion'))}`, ' Context:    default', ' Debug Mode: false', '', 'Server:'];
  return `${[...client, ...out].join('\n')}\n`;
}

/** `docker info` on a node whose daemon runs (the dispatcher answers for a stopped one). */
export function dockerInfo(ctx: CommandContext, lab: DockerLab, node: DockerNode, daemon: Daemon, argv: readonly string[]): number {
  return runFormatOnly(ctx, argv, {
    name: 'info',
    description: 'Display system-wide information',
    value: () => infoValue(lab, node, daemon),
    plain: (info) => formatInfo(info, daemon.behaviour.version),
  });
}
