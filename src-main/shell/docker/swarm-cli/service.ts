// `docker service create|ls|ps|inspect|scale|update|rm|logs`.

import { DockerError } from '../../../docker/errors.ts';
import type { GoStruct } from '../../../docker/format/govalue.ts';
import { formatRows, naturalSort } from '../../../docker/format/network.ts';
import type { ServiceRecord, ServiceSpec, TaskRecord } from '../../../docker/swarm/types.ts';
import { SECOND } from '../../../sim/time.ts';
import { type S, parse, fail, daemonError, managerCluster } from './context.ts';
import { printInspect } from './print.ts';
import { taskName, printTasks } from './tasks.ts';
import { serviceContext, SERVICE_HEADERS, serviceInspectValue, servicePretty } from './service-format.ts';
import { parseServicePublish, networkSpec, parseDuration, generatedServiceName, keyValues } from './service-flags.ts';
import { converge } from './converge.ts';

export async function service(x: S, argv: string[]): Promise<number> {
  const sub = argv.shift();
  const { ctx, me } = x;
  switch (sub) {
    case 'create': {
      const p = parse(x, 'service create', argv);
      const c = managerCluster(x);
      const replicasText0 = p.strings.get('replicas');
      const mode = (p.strings.get('mode') ?? 'replicated') as ServiceSpec['mode'];
      if (mode !== 'replicated' && mode !== 'global') daemonError(x, `rpc error: code = InvalidArgument desc = invalid mode: ${String(mode)}`);
      if (mode === 'global' && replicasText0 !== undefined) {
        ctx.stderr('replicas can only be used with replicated or replicated-job mode\n');
        return 1;
      }
      let spec: ServiceSpec;
      try {
        spec = {
          name: p.strings.get('name') ?? '',
          image: p.args[0]!,
          args: p.args.slice(1),
          env: p.lists.get('env') ?? [],
          mode,
          replicas: replicasText0 !== undefined ? Number(replicasText0) : 1,
          networks: (p.lists.get('network') ?? []).map(networkSpec),
          ports: (p.lists.get('publish') ?? []).map(parseServicePublish),
          endpointMode: (p.strings.get('endpoint-mode') ?? 'vip') as 'vip' | 'dnsrr',
          constraints: p.lists.get('constraint') ?? [],
          labels: keyValues(p.lists.get('label') ?? []),
          containerLabels: keyValues(p.lists.get('container-label') ?? []),
          restartCondition: (p.strings.get('restart-condition') ?? 'any') as ServiceSpec['restartCondition'],
          restartDelay: p.strings.has('restart-delay') ? parseDuration(p.strings.get('restart-delay')!) : 5 * SECOND,
          ...(p.strings.has('hostname') ? { hostname: p.strings.get('hostname')! } : {}),
        };
      } catch (e) {
        return fail(x, e);
      }
      if (!Number.isInteger(spec.replicas) || spec.replicas < 0) {
        ctx.stderr(`invalid argument "${replicasText0 ?? ''}" for "--replicas" flag: strconv.ParseUint: parsing "${replicasText0 ?? ''}": invalid syntax\nSee 'docker service create --help'.\n`);
        return 125;
      }
      if (spec.endpointMode !== 'vip' && spec.endpointMode !== 'dnsrr') daemonError(x, `rpc error: code = InvalidArgument desc = invalid endpoint mode: ${spec.endpointMode as string}`);
      if (spec.name === '') spec.name = generatedServiceName(me);
      let svc: ServiceRecord;
      try {
        svc = c.manager!.createService(spec);
      } catch (e) {
        return fail(x, e);
      }
      ctx.stdout(`${svc.id}\n`);
      if (!p.bools.has('detach') && !p.bools.has('quiet')) await converge(x, c, svc.id);
      return 0;
    }
    case 'ls':
    case 'list': {
      const p = parse(x, 'service ls', argv);
      const c = managerCluster(x);
      let list = naturalSort([...c.services.values()], (sv) => sv.spec.name);
      for (const f of p.lists.get('filter') ?? []) {
        const [k, v] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)];
        if (k === 'name') list = list.filter((sv) => sv.spec.name.startsWith(v));
        else if (k === 'label') {
          const [lk, lv] = v.split('=');
          list = list.filter((sv) => sv.spec.labels[lk!] !== undefined && (lv === undefined || sv.spec.labels[lk!] === lv));
        } else if (k === 'mode') list = list.filter((sv) => sv.spec.mode === v);
      }
      const fmt = p.strings.get('format') ?? '';
      const format = p.bools.has('quiet') ? '{{.ID}}' : fmt === '' || fmt === 'table' ? 'table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}' : fmt;
      try {
        ctx.stdout(formatRows(format, list.map((sv) => serviceContext(c, sv, true)), SERVICE_HEADERS));
      } catch (e) {
        return fail(x, e);
      }
      return 0;
    }
    case 'ps': {
      const p = parse(x, 'service ps', argv);
      const c = managerCluster(x);
      const tasks: TaskRecord[] = [];
      for (const a of p.args) {
        try {
          tasks.push(...c.tasksOf(c.findService(a).id));
        } catch {
          ctx.stderr(`no such service: ${a}\n`);
          return 1;
        }
      }
      return printTasks(x, c, tasks, p);
    }
    case 'inspect': {
      const p = parse(x, 'service inspect', argv);
      const c = managerCluster(x);
      const svcs: ServiceRecord[] = [];
      for (const a of p.args) {
        try {
          svcs.push(c.findService(a));
        } catch {
          ctx.stderr(`Error: no such service: ${a}\n`);
          return 1;
        }
      }
      if (p.bools.has('pretty')) {
        ctx.stdout(svcs.map((sv) => servicePretty(c, sv)).join('\n'));
        return 0;
      }
      return printInspect(x, p.strings.get('format'), svcs.map((sv) => serviceInspectValue(x, c, sv) as GoStruct));
    }
    case 'scale': {
      const p = parse(x, 'service scale', argv);
      for (const a of p.args) {
        const m = /^([^=]+)=(.*)$/.exec(a);
        if (!m || !/^\d+$/.test(m[2]!)) {
          ctx.stderr(`Invalid scale specifier '${a}'.\nSee 'docker service scale --help'.\n\nUsage:  docker service scale SERVICE=REPLICAS [SERVICE=REPLICAS...]\n\nScale one or multiple replicated services\n`);
          return 1;
        }
      }
      const c = managerCluster(x);
      let status = 0;
      for (const a of p.args) {
        const [name, n] = a.split('=') as [string, string];
        let svc: ServiceRecord;
        try {
          svc = c.findService(name);
        } catch (e) {
          ctx.stderr(`${e instanceof DockerError ? e.cliText() : String(e)}\n`);
          status = 1;
          continue;
        }
        if (svc.spec.mode === 'global') {
          ctx.stderr(`${name}: scale can only be used with replicated or replicated-job mode\n`);
          status = 1;
          continue;
        }
        c.manager!.updateService(svc, { ...svc.spec, replicas: Number(n) });
        ctx.stdout(`${name} scaled to ${n}\n`);
        if (!p.bools.has('detach')) await converge(x, c, svc.id);
      }
      return status;
    }
    case 'update': {
      const p = parse(x, 'service update', argv);
      const c = managerCluster(x);
      let svc: ServiceRecord;
      try {
        svc = c.findService(p.args[0]!);
      } catch (e) {
        return fail(x, e);
      }
      const next: ServiceSpec = JSON.parse(JSON.stringify(svc.spec)) as ServiceSpec;
      if (p.strings.has('image')) next.image = p.strings.get('image')!;
      if (p.strings.has('replicas')) next.replicas = Number(p.strings.get('replicas'));
      if (p.strings.has('args')) next.args = p.strings.get('args')!.split(/\s+/).filter((a) => a !== '');
      if (p.strings.has('endpoint-mode')) next.endpointMode = p.strings.get('endpoint-mode') as 'vip' | 'dnsrr';
      if (p.strings.has('restart-condition')) next.restartCondition = p.strings.get('restart-condition') as ServiceSpec['restartCondition'];
      try {
        for (const pr of p.lists.get('publish-rm') ?? []) next.ports = next.ports.filter((pp) => String(pp.target) !== pr.split(':').at(-1) && String(pp.published) !== pr.split(':')[0]);
        for (const pa of p.lists.get('publish-add') ?? []) next.ports.push(parseServicePublish(pa));
      } catch (e) {
        return fail(x, e);
      }
      for (const k of p.lists.get('label-rm') ?? []) delete next.labels[k];
      Object.assign(next.labels, keyValues(p.lists.get('label-add') ?? []));
      for (const k of p.lists.get('container-label-rm') ?? []) delete next.containerLabels[k];
      Object.assign(next.containerLabels, keyValues(p.lists.get('container-label-add') ?? []));
      for (const cr of p.lists.get('constraint-rm') ?? []) next.constraints = next.constraints.filter((k) => k !== cr);
      next.constraints.push(...(p.lists.get('constraint-add') ?? []));
      next.env = [...next.env.filter((e) => !(p.lists.get('env-rm') ?? []).includes(e.split('=')[0]!)), ...(p.lists.get('env-add') ?? [])];
      if ((p.lists.get('network-add') ?? []).length > 0 || (p.lists.get('network-rm') ?? []).length > 0) {
        next.networks = next.networks.filter((n) => !(p.lists.get('network-rm') ?? []).includes(n.target));
        next.networks.push(...(p.lists.get('network-add') ?? []).map(networkSpec));
        svc.networkIds = svc.networkIds.filter((id) => c.networks.get(id)?.ingress || next.networks.some((n) => c.findNetwork(n.target)?.id === id));
        for (const n of next.networks) {
          const nw = c.findNetwork(n.target);
          if (!nw) daemonError(x, `network ${n.target} not found`);
          if (!svc.networkIds.includes(nw.id)) {
            svc.networkIds.push(nw.id);
            if (next.endpointMode === 'vip') svc.vips.push({ networkId: nw.id, addr: c.allocateAddress(nw.id) });
          }
        }
      }
      try {
        c.manager!.updateService(svc, next, p.bools.has('force'));
      } catch (e) {
        return fail(x, e);
      }
      ctx.stdout(`${p.args[0]!}\n`);
      if (!p.bools.has('detach') && !p.bools.has('quiet')) await converge(x, c, svc.id);
      return 0;
    }
    case 'rm':
    case 'remove': {
      const p = parse(x, 'service rm', argv);
      const c = managerCluster(x);
      let status = 0;
      for (const a of p.args) {
        try {
          c.manager!.removeService(c.findService(a));
          ctx.stdout(`${a}\n`);
        } catch (e) {
          ctx.stderr(`${e instanceof DockerError ? e.cliText() : String(e)}\n`);
          status = 1;
        }
      }
      return status;
    }
    case 'logs': {
      const p = parse(x, 'service logs', argv);
      const c = managerCluster(x);
      let svc: ServiceRecord;
      try {
        svc = c.findService(p.args[0]!);
      } catch {
        ctx.stderr(`Error response from daemon: service ${p.args[0]!} not found\n`);
        return 1;
      }
      const lines: { at: number; text: string }[] = [];
      for (const t of c.tasksOf(svc.id)) {
        const n = t.nodeId ? c.nodes.get(t.nodeId) : undefined;
        const dn = n ? x.lab.world.node(n.hostname) : undefined;
        const ctr = dn && t.containerId ? dn.daemon.containers.get(t.containerId) : undefined;
        if (!ctr || !n) continue;
        const prefix = p.bools.has('raw') ? '' : `${taskName(c, t)}.${p.bools.has('no-task-ids') ? '' : t.id.slice(0, 12)}@${n.hostname}    | `.replace('.@', '@');
        for (const ch of ctr.logs) for (const ln of ch.text.split(/(?<=\n)/)) if (ln !== '') lines.push({ at: ch.at, text: `${prefix}${ln.endsWith('\n') ? ln : `${ln}\n`}` });
      }
      lines.sort((a, bb) => a.at - bb.at);
      for (const ln of lines) ctx.stdout(ln.text);
      return 0;
    }
    default:
      ctx.stdout('\nUsage:  docker service COMMAND\n\nManage Swarm services\n\nCommands:\n  create      Create a new service\n  inspect     Display detailed information on one or more services\n  logs        Fetch the logs of a service or task\n  ls          List services\n  ps          List the tasks of one or more services\n  rm          Remove one or more services\n  rollback    Revert changes to a service\'s configuration\n  scale       Scale one or multiple replicated services\n  update      Update a service\n');
      return sub === undefined ? 0 : 1;
  }
}
