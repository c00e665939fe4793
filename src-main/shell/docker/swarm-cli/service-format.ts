// A service as `docker service ls` and `docker service inspect [--pretty]` show it.

import { GoStruct, type GoMap, type GoValue } from '../../../docker/format/govalue.ts';
import { wallTime } from '../../../docker/format/network.ts';
import type { SwarmCluster } from '../../../docker/swarm/cluster.ts';
import type { PortConfig, ServiceRecord } from '../../../docker/swarm/types.ts';
import type { S } from './context.ts';
import { imageShown, toGo, portsText } from './print.ts';

function replicasText(c: SwarmCluster, svc: ServiceRecord): string {
  const running = c.tasksOf(svc.id).filter((t) => t.desired === 'running' && t.state === 'running').length;
  if (svc.spec.mode === 'global') {
    const want = c.tasksOf(svc.id).filter((t) => t.desired === 'running').length;
    return `${running}/${want}`;
  }
  return `${running}/${svc.spec.replicas}`;
}

export function serviceContext(c: SwarmCluster, svc: ServiceRecord, trunc: boolean): GoStruct {
  const values: Record<string, GoValue> = {
    ID: trunc ? svc.id.slice(0, 12) : svc.id,
    Name: svc.spec.name,
    Mode: svc.spec.mode,
    Replicas: replicasText(c, svc),
    Image: imageShown(svc.spec.image),
    Ports: portsText(svc.ports.filter((p) => p.published !== 0)),
  };
  return new GoStruct('*formatter.serviceContext', {}, { methods: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (): GoValue => v])), marshalJson: () => ({ ...values }) });
}

export const SERVICE_HEADERS: GoMap = { ID: 'ID', Name: 'NAME', Mode: 'MODE', Replicas: 'REPLICAS', Image: 'IMAGE', Ports: 'PORTS' };

export function serviceInspectValue(x: S, c: SwarmCluster, svc: ServiceRecord): GoValue {
  const clock = x.lab.world.wallClock;
  const spec = svc.spec;
  const specValue = {
    Name: spec.name,
    Labels: sortedMap(spec.labels),
    TaskTemplate: {
      ContainerSpec: { Image: spec.image, ...(Object.keys(spec.containerLabels).length > 0 ? { Labels: sortedMap(spec.containerLabels) } : {}), ...(spec.args.length > 0 ? { Args: spec.args } : {}), ...(spec.env.length > 0 ? { Env: spec.env } : {}), Init: false, StopGracePeriod: 10000000000, DNSConfig: {}, Isolation: 'default' },
      Resources: { Limits: {}, Reservations: {} },
      RestartPolicy: { Condition: spec.restartCondition, Delay: spec.restartDelay, MaxAttempts: 0 },
      Placement: spec.constraints.length > 0 ? { Constraints: spec.constraints, Platforms: [{ Architecture: 'amd64', OS: 'linux' }] } : { Platforms: [{ Architecture: 'amd64', OS: 'linux' }] },
      ...(spec.networks.length > 0 ? { Networks: spec.networks.map((n) => ({ Target: c.findNetwork(n.target)?.id ?? n.target, ...(n.aliases.length > 0 ? { Aliases: n.aliases } : {}) })) } : {}),
      ForceUpdate: 0,
      Runtime: 'container',
    },
    Mode: spec.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: spec.replicas } },
    UpdateConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5000000000, MaxFailureRatio: 0, Order: 'stop-first' },
    RollbackConfig: { Parallelism: 1, FailureAction: 'pause', Monitor: 5000000000, MaxFailureRatio: 0, Order: 'stop-first' },
    EndpointSpec: { Mode: spec.endpointMode, ...(spec.ports.length > 0 ? { Ports: spec.ports.map(portValue) } : {}) },
  };
  return toGo({
    ID: svc.id,
    Version: { Index: 10 + svc.version },
    CreatedAt: wallTime(clock, svc.created).toString(),
    UpdatedAt: wallTime(clock, svc.updated).toString(),
    Spec: specValue,
    Endpoint: {
      Spec: { Mode: spec.endpointMode, ...(spec.ports.length > 0 ? { Ports: spec.ports.map(portValue) } : {}) },
      ...(svc.ports.length > 0 ? { Ports: svc.ports.map(portValue) } : {}),
      VirtualIPs: svc.vips.map((v) => ({ NetworkID: v.networkId, Addr: v.addr })),
    },
  });
}

/** swarm.PortConfig: PublishedPort is omitempty (a spec's port the swarm chooses has none). */
function portValue(p: PortConfig): Record<string, unknown> {
  return { Protocol: p.protocol, TargetPort: p.target, ...(p.published !== 0 ? { PublishedPort: p.published } : {}), PublishMode: p.mode };
}

/** A label map in Go's printing order (sorted keys): toGo keeps an object's insertion order. */
function sortedMap(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}


export function servicePretty(c: SwarmCluster, svc: ServiceRecord): string {
  const spec = svc.spec;
  let out = `\nID:\t\t${svc.id}\nName:\t\t${spec.name}\n`;
  if (Object.keys(spec.labels).length > 0) out += `Labels:\n${Object.entries(sortedMap(spec.labels)).map(([k, v]) => ` ${k}=${v}\n`).join('')}`;
  out += spec.mode === 'global' ? 'Service Mode:\tGlobal\n' : `Service Mode:\tReplicated\n Replicas:\t${spec.replicas}\n`;
  out += 'Placement:\n';
  if (spec.constraints.length > 0) out += ` Constraints:\t[${spec.constraints.join(' ')}]\n`;
  out += 'UpdateConfig:\n Parallelism:\t1\n On failure:\tpause\n Monitoring Period: 5s\n Max failure ratio: 0\n Update order:      stop-first\n';
  out += 'RollbackConfig:\n Parallelism:\t1\n On failure:\tpause\n Monitoring Period: 5s\n Max failure ratio: 0\n Rollback order:    stop-first\n';
  out += `ContainerSpec:\n Image:\t\t${imageShown(spec.image)}\n`;
  if (spec.args.length > 0) out += ` Args:\t\t${spec.args.join(' ')} \n`;
  out += ' Init:\t\tfalse\nResources:\n';
  if (spec.networks.length > 0) out += `Networks:\t${spec.networks.map((n) => c.findNetwork(n.target)?.name ?? n.target).join(' ')} \n`;
  out += `Endpoint Mode:\t${spec.endpointMode}\n`;
  if (svc.ports.length > 0) out += `Ports:\n${svc.ports.map((p) => ` PublishedPort = ${p.published}\n  Protocol = ${p.protocol}\n  TargetPort = ${p.target}\n  PublishMode = ${p.mode}\n`).join('')}`;
  return `${out}\n`;
}
