// What `docker ps`, `docker inspect` (containers) and `docker port` print, as the Docker 28 CLI formats them.

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import { formatMac } from '../../common/wire/mac.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { Container, PortMapping } from '../daemon/container.ts';
import type { Daemon } from '../daemon/daemon.ts';
import { truncateId } from '../ids.ts';
import { formatAddr } from '../prefix.ts';
import type { GoMap, GoValue } from './govalue.ts';
import { GoStruct, NIL_MAP, NIL_SLICE } from './govalue.ts';
import { formatRows, wallTime, type WallClock } from './network.ts';

/** go-units HumanDuration. */
export function humanDuration(d: Time): string {
  const seconds = Math.floor(d / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(seconds / 3600 / 24 / 365)} years`;
}

/** The STATUS column. */
export function containerStatusText(c: Container, now: Time): string {
  switch (c.status) {
    case 'created':
      return 'Created';
    case 'running':
      return `Up ${humanDuration(now - (c.startedAt ?? now))}`;
    case 'paused':
      return `Up ${humanDuration(now - (c.startedAt ?? now))} (Paused)`;
    case 'restarting':
      return `Restarting (${c.exitCode}) ${humanDuration(now - (c.finishedAt ?? now))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'exited':
      return `Exited (${c.exitCode}) ${humanDuration(now - (c.finishedAt ?? now))} ago`;
  }
}

/** The PORTS column (DisplayablePorts): published first as ip:port->port/proto, then exposed-only ports. */
/**
 * The PORTS column: the container's port list as the API gives it (running containers only: the daemon clears
 * NetworkSettings.Ports when networking is released, and only bridge-like endpoints report exposed ports and
 * bindings), formatted as docker/cli's DisplayablePorts does: sorted (private port, IP, public port, type); bindings
 * whose host port equals the container port, and bare exposed ports, grouped into ranges per IP and protocol and
 * listed first, in order of first appearance; other bindings after them.
 */
export function displayablePorts(d: Daemon, c: Container): string {
  if (!c.running || c.attachments.every((a) => a.ifname === undefined)) return '';
  interface ApiPort {
    ip: string;
    priv: number;
    pub: number;
    type: string;
  }
  const ports: ApiPort[] = [];
  const published = new Set<string>();
  for (const p of c.ports) {
    ports.push({ ip: p.hostIp, priv: p.containerPort, pub: p.hostPort, type: p.proto });
    published.add(`${p.containerPort}/${p.proto}`);
  }
  for (const e of d.exposedPorts(c)) {
    if (published.has(e)) continue;
    const [port, type] = e.split('/') as [string, string];
    ports.push({ ip: '', priv: Number(port), pub: 0, type });
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  ports.sort((a, b) => a.priv - b.priv || cmp(a.ip, b.ip) || a.pub - b.pub || cmp(a.type, b.type));
  const hostPort = (ip: string, port: string): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  const formGroup = (key: string, first: number, last: number): string => {
    const i = key.lastIndexOf('/');
    const ip = i >= 0 ? key.slice(0, i) : '';
    const type = i >= 0 ? key.slice(i + 1) : key;
    let group = first === last ? String(first) : `${first}-${last}`;
    if (ip !== '') group = `${hostPort(ip, group)}->${group}`;
    return `${group}/${type}`;
  };
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const p of ports) {
    let key = p.type;
    if (p.ip !== '') {
      if (p.pub !== p.priv) {
        hostMappings.push(`${hostPort(p.ip, String(p.pub))}->${p.priv}/${p.type}`);
        continue;
      }
      key = `${p.ip}/${p.type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: p.priv, last: p.priv });
      continue;
    }
    if (p.priv === g.last + 1) {
      g.last = p.priv;
      continue;
    }
    result.push(formGroup(key, g.first, g.last));
    // Go re-assigns the map entry: the key keeps its place in the order of first creation.
    groups.set(key, { first: p.priv, last: p.priv });
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...hostMappings].join(', ');
}

function quotedCommand(c: Container, trunc: boolean): string {
  let cmd = c.argv.join(' ');
  if (trunc && [...cmd].length > 20) cmd = `${[...cmd].slice(0, 19).join('')}…`;
  return JSON.stringify(cmd);
}

export function containerListContext(d: Daemon, c: Container, now: Time, clock: WallClock, trunc: boolean): GoStruct {
  const networks = c.attachments.length > 0 ? c.attachments.map((a) => d.networkById(a.networkId)?.name ?? '') : [...c.networks.keys()].map((id) => d.networkById(id)?.name ?? '');
  const values: Record<string, string> = {
    ID: trunc ? truncateId(c.id) : c.id,
    Image: c.config.image,
    Command: quotedCommand(c, trunc),
    CreatedAt: wallTime(clock, c.created).toString(),
    RunningFor: `${humanDuration(now - c.created)} ago`,
    Ports: displayablePorts(d, c),
    State: c.status,
    Status: containerStatusText(c, now),
    Size: '0B',
    Names: c.name,
    Labels: Object.entries(c.config.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    Mounts: '',
    Networks: networks.sort().join(','),
    LocalVolumes: '0',
  };
  return new GoStruct('*formatter.ContainerContext', {}, {
    methods: {
      ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (): GoValue => v])),
      Label: (name) => (typeof name === 'string' ? (c.config.labels?.[name] ?? '') : ''),
    },
    marshalJson: () => ({ ...values }),
  });
}

const CONTAINER_HEADERS: GoMap = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
  LocalVolumes: 'LOCAL VOLUMES',
};

export const DEFAULT_CONTAINER_TABLE_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

export function listContainers(d: Daemon, containers: readonly Container[], now: Time, o: { format?: string; quiet?: boolean; noTrunc?: boolean }): string {
  let f = o.format ?? '';
  if (f === '' || f === 'table') f = o.quiet ? '{{.ID}}' : DEFAULT_CONTAINER_TABLE_FORMAT;
  else if (f === 'json') f = '{{json .}}';
  const rows = containers.map((c) => containerListContext(d, c, now, d.wallClock, !o.noTrunc));
  return formatRows(f, rows, CONTAINER_HEADERS);
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

function portsValue(c: Container, exposed: readonly string[]): GoMap {
  const m: Record<string, GoValue> = {};
  for (const e of exposed) m[e] = NIL_SLICE;
  const by = new Map<string, PortMapping[]>();
  for (const p of c.ports) {
    const k = `${p.containerPort}/${p.proto}`;
    by.set(k, [...(by.get(k) ?? []), p]);
  }
  for (const [k, list] of by) m[k] = list.map((p) => new GoStruct('nat.PortBinding', { HostIp: p.hostIp, HostPort: String(p.hostPort) }));
  return m;
}

/** The container.InspectResponse of `docker inspect` (the fields tutorials read). */
export function containerInspectValue(d: Daemon, c: Container, _now: Time): GoStruct {
  const clock = d.wallClock;
  const t = (x: Time | undefined): GoValue => (x === undefined ? GO_ZERO_TIME : wallTime(clock, x).rfc3339Nano());
  const running = c.running;
  const exposed = d.exposedPorts(c);
  const networks: Record<string, GoValue> = {};
  const ids = running ? c.attachments.map((a) => a.networkId) : [...c.networks.keys()];
  let main: { ip: string; prefix: number; gw: string; mac: string } | undefined;
  for (const id of ids) {
    const nw = d.networkById(id);
    if (!nw) continue;
    const att = c.attachments.find((a) => a.networkId === id);
    const ec = c.networks.get(id) ?? att?.config;
    const ep = att?.endpoint;
    const ip = ep?.ipv4 ? formatIpv4(ep.ipv4.address) : '';
    const gwAddr = nw.internal || !ep?.ipv4 ? undefined : nw.ipv4[0]?.gateway;
    const gw = gwAddr ? formatAddr(gwAddr) : '';
    const mac = ep && nw.driver !== 'host' && nw.driver !== 'null' ? formatMac(ep.mac) : '';
    if (nw.name === 'bridge' && ep?.ipv4) main = { ip, prefix: ep.ipv4.prefixLength, gw, mac };
    const userDefined = !['bridge', 'host', 'none'].includes(nw.name);
    const ipamCfg = ec?.ipv4 || ec?.ipv6 ? new GoStruct('network.EndpointIPAMConfig', { IPv4Address: ec.ipv4 ?? '', IPv6Address: ec.ipv6 ?? '' }, { omitEmpty: ['IPv4Address', 'IPv6Address'] }) : null;
    const fields: Record<string, GoValue> = {
      IPAMConfig: ipamCfg,
      Links: ec?.links && ec.links.length > 0 ? [...ec.links] : NIL_SLICE,
      Aliases: ec && ec.aliases.length > 0 ? [...ec.aliases] : NIL_SLICE,
      MacAddress: mac,
      DriverOpts: NIL_MAP,
      ...(d.behaviour.enableIPv4Field ? { GwPriority: ec?.gwPriority ?? 0 } : {}),
      NetworkID: nw.id,
      EndpointID: ep?.id ?? '',
      Gateway: gw,
      IPAddress: ip,
      IPPrefixLen: ep?.ipv4?.prefixLength ?? 0,
      IPv6Gateway: '',
      GlobalIPv6Address: ep?.ipv6?.address ?? '',
      GlobalIPv6PrefixLen: ep?.ipv6?.prefixLength ?? 0,
      ...(d.behaviour.dnsNamesField ? { DNSNames: userDefined && ep ? [...ep.dnsNames] : NIL_SLICE } : {}),
    };
    networks[nw.name] = new GoStruct('network.EndpointSettings', fields);
  }
  const state = new GoStruct('container.State', {
    Status: c.status,
    Running: running,
    Paused: c.status === 'paused',
    Restarting: c.status === 'restarting',
    OOMKilled: false,
    Dead: c.status === 'dead',
    Pid: c.pid,
    ExitCode: c.exitCode,
    Error: c.error,
    StartedAt: t(c.startedAt),
    FinishedAt: t(c.finishedAt),
  });
  const env = [...d.envOf(c)].map(([k, v]) => `${k}=${v}`);
  const mode = c.config.networkMode ?? 'default';
  const portBindings: Record<string, GoValue> = {};
  for (const p of c.config.publish ?? []) {
    const k = `${p.containerPort}/${p.proto}`;
    const prev = (portBindings[k] as GoValue[] | undefined) ?? [];
    portBindings[k] = [...prev, new GoStruct('nat.PortBinding', { HostIp: p.hostIp, HostPort: p.hostPort === 0 ? '' : String(p.hostPort) })];
  }
  const sbKey = c.sandboxId ? `/var/run/docker/netns/${c.sandboxId.slice(0, 12)}` : '';
  return new GoStruct('container.InspectResponse', {
    Id: c.id,
    Created: wallTime(clock, c.created).rfc3339Nano(),
    Path: c.argv[0] ?? '',
    Args: c.argv.slice(1),
    State: state,
    Image: `sha256:${c.id.split('').reverse().join('')}`,
    ResolvConfPath: `/var/lib/docker/containers/${c.id}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${c.id}/hostname`,
    HostsPath: `/var/lib/docker/containers/${c.id}/hosts`,
    LogPath: `/var/lib/docker/containers/${c.id}/${c.id}-json.log`,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    HostConfig: new GoStruct('container.HostConfig', {
      NetworkMode: mode === 'default' ? 'bridge' : mode,
      PortBindings: portBindings,
      RestartPolicy: new GoStruct('container.RestartPolicy', { Name: c.config.restart?.name ?? 'no', MaximumRetryCount: c.config.restart?.maxRetries ?? 0 }),
      AutoRemove: c.config.autoRemove ?? false,
      Dns: [...(c.config.dns ?? [])],
      DnsOptions: [...(c.config.dnsOptions ?? [])],
      DnsSearch: [...(c.config.dnsSearch ?? [])],
      ExtraHosts: c.config.extraHosts ? [...c.config.extraHosts] : NIL_SLICE,
      Links: c.config.links ? [...c.config.links] : NIL_SLICE,
      PublishAllPorts: c.config.publishAll ?? false,
      // *bool, omitempty: there only with --init.
      ...(c.config.init ? { Init: true } : {}),
    }),
    Config: new GoStruct('container.Config', {
      Hostname: c.machine.hostname(),
      Domainname: c.config.domainname ?? '',
      User: '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ExposedPorts: exposed.length > 0 ? Object.fromEntries(exposed.map((e) => [e, {}])) : NIL_MAP,
      Tty: c.config.tty ?? false,
      OpenStdin: c.config.interactive ?? false,
      Env: env,
      Cmd: c.argv.slice((c.image.entrypoint ?? []).length),
      Image: c.config.image,
      WorkingDir: c.image.workdir ?? '',
      Entrypoint: c.image.entrypoint && c.image.entrypoint.length > 0 ? [...c.image.entrypoint] : NIL_SLICE,
      Labels: { ...(c.config.labels ?? {}) },
      // omitempty: --stop-signal, else the image's STOPSIGNAL.
      ...((c.config.stopSignal ?? c.image.stopSignal) !== undefined ? { StopSignal: c.config.stopSignal ?? c.image.stopSignal! } : {}),
    }),
    NetworkSettings: new GoStruct('container.NetworkSettings', {
      Bridge: '',
      SandboxID: running ? c.sandboxId : '',
      SandboxKey: running ? sbKey : '',
      Ports: portsValue(c, running ? exposed : []),
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: main ? (c.attachments.find((a) => d.networkById(a.networkId)?.name === 'bridge')?.endpoint.id ?? '') : '',
      Gateway: main?.gw ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: main?.ip ?? '',
      IPPrefixLen: main?.prefix ?? 0,
      IPv6Gateway: '',
      MacAddress: main?.mac ?? '',
      Networks: networks,
    }),
  });
}
