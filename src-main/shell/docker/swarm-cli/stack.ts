// `docker stack deploy|ls|services|ps|rm`.

import { GoStruct, type GoValue } from '../../../docker/format/govalue.ts';
import { formatRows, naturalSort } from '../../../docker/format/network.ts';
import { parseCompose, composeToStack } from '../../../docker/swarm/compose.ts';
import { type S, parse, fail, daemonError, managerCluster } from './context.ts';
import { printTasks } from './tasks.ts';
import { serviceContext, SERVICE_HEADERS } from './service-format.ts';

const STACK_LABEL = 'com.docker.stack.namespace';

export async function stack(x: S, argv: string[]): Promise<number> {
  const sub = argv.shift();
  const { ctx, me } = x;
  switch (sub) {
    case 'deploy':
    case 'up': {
      const p = parse(x, 'stack deploy', argv);
      const c = managerCluster(x);
      const name = p.args[0]!;
      const files = p.lists.get('compose-file') ?? [];
      if (files.length === 0) {
        ctx.stderr('Please specify a Compose file (with --compose-file).\n');
        return 1;
      }
      let text: string;
      try {
        text = ctx.fs.readFile(files[0]!, ctx.cwd);
      } catch {
        ctx.stderr(`open ${files[0]!}: no such file or directory\n`);
        return 1;
      }
      let plan: ReturnType<typeof composeToStack>;
      try {
        plan = composeToStack(parseCompose(text, files[0]!), name);
      } catch (e) {
        return fail(x, e);
      }
      for (const nw of plan.networks) {
        if (c.findNetwork(nw.name)?.name === nw.name) continue;
        if (nw.external) {
          if (!c.findNetwork(nw.name)) daemonError(x, `network "${nw.name}" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed`);
          continue;
        }
        ctx.stdout(`Creating network ${nw.name}\n`);
        try {
          me.createNetwork({ name: nw.name, driver: nw.driver, attachable: nw.attachable, internal: nw.internal, options: nw.options, labels: { [STACK_LABEL]: name }, ...(nw.subnet ? { ipam: { config: [{ subnet: nw.subnet }] } } : {}) });
        } catch (e) {
          return fail(x, e);
        }
      }
      for (const sv of plan.services) {
        const existing = [...c.services.values()].find((o) => o.spec.name === sv.name);
        try {
          if (existing) {
            ctx.stdout(`Updating service ${sv.name} (id: ${existing.id})\n`);
            c.manager!.updateService(existing, sv);
          } else {
            ctx.stdout(`Creating service ${sv.name}\n`);
            c.manager!.createService(sv);
          }
        } catch (e) {
          return fail(x, e);
        }
      }
      return 0;
    }
    case 'ls':
    case 'list': {
      const p = parse(x, 'stack ls', argv);
      const c = managerCluster(x);
      const stacks = new Map<string, number>();
      for (const sv of c.services.values()) {
        const ns = sv.spec.labels[STACK_LABEL];
        if (ns !== undefined) stacks.set(ns, (stacks.get(ns) ?? 0) + 1);
      }
      const rows = naturalSort([...stacks.entries()], ([n]) => n).map(([n, count]) => {
        const values: Record<string, GoValue> = { Name: n, Services: String(count), Orchestrator: 'Swarm', Namespace: '' };
        return new GoStruct('*formatter.stackContext', {}, { methods: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (): GoValue => v])), marshalJson: () => ({ ...values }) });
      });
      const fmt = p.strings.get('format') ?? '';
      try {
        ctx.stdout(formatRows(fmt === '' ? 'table {{.Name}}\t{{.Services}}' : fmt, rows, { Name: 'NAME', Services: 'SERVICES', Orchestrator: 'ORCHESTRATOR', Namespace: 'NAMESPACE' }));
      } catch (e) {
        return fail(x, e);
      }
      return 0;
    }
    case 'services': {
      const p = parse(x, 'stack services', argv);
      const c = managerCluster(x);
      const list = naturalSort([...c.services.values()].filter((sv) => sv.spec.labels[STACK_LABEL] === p.args[0]), (sv) => sv.spec.name);
      if (list.length === 0) {
        ctx.stderr(`Nothing found in stack: ${p.args[0]!}\n`);
        return 0;
      }
      const fmt = p.strings.get('format') ?? '';
      const format = p.bools.has('quiet') ? '{{.ID}}' : fmt === '' ? 'table {{.ID}}\t{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}\t{{.Ports}}' : fmt;
      try {
        ctx.stdout(formatRows(format, list.map((sv) => serviceContext(c, sv, true)), SERVICE_HEADERS));
      } catch (e) {
        return fail(x, e);
      }
      return 0;
    }
    case 'ps': {
      const p = parse(x, 'stack ps', argv);
      const c = managerCluster(x);
      const ids = new Set([...c.services.values()].filter((sv) => sv.spec.labels[STACK_LABEL] === p.args[0]).map((sv) => sv.id));
      if (ids.size === 0) {
        ctx.stderr(`nothing found in stack: ${p.args[0]!}\n`);
        return 1;
      }
      return printTasks(x, c, [...c.tasks.values()].filter((t) => ids.has(t.serviceId)), p);
    }
    case 'rm':
    case 'remove':
    case 'down': {
      const p = parse(x, 'stack rm', argv);
      const c = managerCluster(x);
      for (const name of p.args) {
        const svcs = naturalSort([...c.services.values()].filter((sv) => sv.spec.labels[STACK_LABEL] === name), (sv) => sv.spec.name);
        const nets = naturalSort([...c.networks.values()].filter((n) => n.labels[STACK_LABEL] === name), (n) => n.name);
        if (svcs.length === 0 && nets.length === 0) {
          ctx.stderr(`Nothing found in stack: ${name}\n`);
          continue;
        }
        for (const sv of svcs) {
          ctx.stdout(`Removing service ${sv.spec.name}\n`);
          c.manager!.removeService(sv);
        }
        for (const n of nets) {
          ctx.stdout(`Removing network ${n.name}\n`);
          const local = me.daemon.registry.get(n.id);
          try {
            if (local) me.removeNetwork(local);
            else c.removeNetworkRecord(n);
          } catch (e) {
            ctx.stderr(`Failed to remove network ${n.id}: ${e instanceof Error ? e.message : String(e)}\n`);
          }
        }
      }
      return 0;
    }
    default:
      ctx.stdout('\nUsage:  docker stack [OPTIONS] COMMAND\n\nManage Swarm stacks\n\nCommands:\n  config      Outputs the final config file, after doing merges and interpolations\n  deploy      Deploy a new stack or update an existing stack\n  ls          List stacks\n  ps          List the tasks in the stack\n  rm          Remove one or more stacks\n  services    List the services in the stack\n');
      return sub === undefined ? 0 : 1;
  }
}
