// The task table of `docker node ps`, `docker service ps` and `docker stack ps`.

import { humanDuration } from '../../../docker/format/container.ts';
import { GoStruct, type GoMap, type GoValue } from '../../../docker/format/govalue.ts';
import { formatRows } from '../../../docker/format/network.ts';
import type { SwarmCluster } from '../../../docker/swarm/cluster.ts';
import type { TaskRecord } from '../../../docker/swarm/types.ts';
import type { Parsed } from '../flags.ts';
import { type S, fail } from './context.ts';
import { title, imageShown, portsText } from './print.ts';

const TASK_HEADERS: GoMap = { ID: 'ID', Name: 'NAME', Image: 'IMAGE', Node: 'NODE', DesiredState: 'DESIRED STATE', CurrentState: 'CURRENT STATE', Error: 'ERROR', Ports: 'PORTS' };

export function taskName(c: SwarmCluster, t: TaskRecord): string {
  const svc = c.services.get(t.serviceId);
  const name = svc?.spec.name ?? t.serviceId;
  return t.slot === 0 ? `${name}.${t.nodeId ?? ''}` : `${name}.${t.slot}`;
}

export function printTasks(x: S, c: SwarmCluster, tasks: TaskRecord[], p: Parsed): number {
  const trunc = !p.bools.has('no-trunc');
  let list = tasks;
  for (const f of p.lists.get('filter') ?? []) {
    const [k, v] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)];
    if (k === 'desired-state') list = list.filter((t) => t.desired === v || (v === 'running' && t.desired === 'running'));
    else if (k === 'node') list = list.filter((t) => t.nodeId !== undefined && (c.nodes.get(t.nodeId)?.hostname === v || t.nodeId.startsWith(v)));
    else if (k === 'name') list = list.filter((t) => taskName(c, t).startsWith(v));
  }
  const groups = new Map<string, TaskRecord[]>();
  for (const t of list) {
    const k = `${t.serviceId}/${t.slot === 0 ? (t.nodeId ?? '') : t.slot}`;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  const sortedGroups = [...groups.values()].sort((a, bb) => {
    const na = taskName(c, a[0]!);
    const nb = taskName(c, bb[0]!);
    const sa = a[0]!.slot;
    const sb = bb[0]!.slot;
    return na.split('.')[0]! < nb.split('.')[0]! ? -1 : na.split('.')[0]! > nb.split('.')[0]! ? 1 : sa - sb || (na < nb ? -1 : 1);
  });
  const now = x.me.now;
  const rows: GoStruct[] = [];
  for (const g of sortedGroups) {
    g.sort((a, bb) => bb.created - a.created);
    g.forEach((t, i) => {
      const svc = c.services.get(t.serviceId);
      const n = t.nodeId ? c.nodes.get(t.nodeId) : undefined;
      const ago = humanDuration(now - t.stateAt).toLowerCase();
      const values: Record<string, GoValue> = {
        ID: trunc ? t.id.slice(0, 12) : t.id,
        Name: i === 0 ? taskName(c, t) : ` \\_ ${taskName(c, t)}`,
        Image: imageShown(svc?.spec.image ?? ''),
        Node: n?.hostname ?? '',
        DesiredState: title(t.desired),
        CurrentState: `${title(t.state)} ${ago} ago`,
        Error: t.err === '' ? '' : trunc && t.err.length > 29 ? `"${t.err.slice(0, 28)}…"` : `"${t.err}"`,
        Ports: portsText((svc?.ports ?? []).filter((pp) => pp.mode === 'host' && t.state === 'running')),
      };
      rows.push(new GoStruct('*formatter.taskContext', {}, { methods: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (): GoValue => v])), marshalJson: () => ({ ...values }) }));
    });
  }
  const fmt = p.strings.get('format') ?? '';
  const format = p.bools.has('quiet') ? '{{.ID}}' : fmt === '' || fmt === 'table' ? 'table {{.ID}}\t{{.Name}}\t{{.Image}}\t{{.Node}}\t{{.DesiredState}}\t{{.CurrentState}}\t{{.Error}}\t{{.Ports}}' : fmt;
  try {
    x.ctx.stdout(formatRows(format, rows, TASK_HEADERS));
  } catch (e) {
    return fail(x, e);
  }
  return 0;
}
