// `docker node ls|inspect|update|promote|demote|rm|ps`.

import { GoStruct, type GoMap, type GoValue } from '../../../docker/format/govalue.ts';
import { formatRows, naturalSort, wallTime } from '../../../docker/format/network.ts';
import type { SwarmCluster } from '../../../docker/swarm/cluster.ts';
import { swarmOf } from '../../../docker/swarm/node.ts';
import type { SwarmNodeRecord } from '../../../docker/swarm/types.ts';
import { type S, parse, fail, daemonError, managerCluster } from './context.ts';
import { printInspect, title, toGo } from './print.ts';
import { printTasks } from './tasks.ts';

function managerStatus(c: SwarmCluster, n: SwarmNodeRecord): string {
  if (n.role !== 'manager') return '';
  if (n.id === c.leaderId) return 'Leader';
  return n.state === 'down' ? 'Unreachable' : 'Reachable';
}

function nodeContext(c: SwarmCluster, n: SwarmNodeRecord, selfId: string): GoStruct {
  const values: Record<string, GoValue> = {
    ID: n.id,
    Self: n.id === selfId,
    Hostname: n.hostname,
    Status: title(n.state),
    Availability: title(n.availability),
    ManagerStatus: managerStatus(c, n),
    TLSStatus: 'Ready',
    EngineVersion: n.engine,
  };
  return new GoStruct('*formatter.nodeContext', {}, { methods: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (): GoValue => v])), marshalJson: () => ({ ...values, Self: n.id === selfId }) });
}

const NODE_HEADERS: GoMap = { ID: 'ID', Self: '', Hostname: 'HOSTNAME', Status: 'STATUS', Availability: 'AVAILABILITY', ManagerStatus: 'MANAGER STATUS', TLSStatus: 'TLS STATUS', EngineVersion: 'ENGINE VERSION' };

function nodeInspectValue(x: S, c: SwarmCluster, n: SwarmNodeRecord): GoValue {
  const clock = x.lab.world.wallClock;
  return toGo({
    ID: n.id,
    Version: { Index: 9 },
    CreatedAt: wallTime(clock, n.created).toString(),
    UpdatedAt: wallTime(clock, n.updated).toString(),
    Spec: { Labels: n.labels, Role: n.role, Availability: n.availability },
    Description: { Hostname: n.hostname, Platform: { Architecture: 'x86_64', OS: 'linux' }, Engine: { EngineVersion: n.engine } },
    Status: { State: n.state, ...(n.message ? { Message: n.message } : {}), Addr: n.addr },
    ...(n.role === 'manager' ? { ManagerStatus: { ...(n.id === c.leaderId ? { Leader: true } : {}), Reachability: n.state === 'down' ? 'unreachable' : 'reachable', Addr: `${n.addr}:2377` } } : {}),
  });
}

function nodePretty(x: S, c: SwarmCluster, n: SwarmNodeRecord): string {
  const when = wallTime(x.lab.world.wallClock, n.created).toString();
  let out = `ID:\t\t\t${n.id}\nHostname:              \t${n.hostname}\nJoined at:             \t${when}\nStatus:\n State:\t\t\t${title(n.state)}\n`;
  if (n.message) out += ` Message:              \t${n.message}\n`;
  out += ` Availability:         \t${title(n.availability)}\n Address:\t\t${n.addr}\n`;
  if (n.role === 'manager') out += `Manager Status:\n Address:\t\t${n.addr}:2377\n Raft Status:\t\t${n.state === 'down' ? 'Unreachable' : 'Reachable'}\n Leader:\t\t${n.id === c.leaderId ? 'Yes' : 'No'}\n`;
  out += `Platform:\n Operating System:\tlinux\n Architecture:\t\tx86_64\nResources:\n CPUs:\t\t\t1\n Memory:\t\t1.958GiB\nPlugins:\n Log:\t\tawslogs, fluentd, gcplogs, gelf, journald, json-file, local, splunk, syslog\n Network:\t\tbridge, host, ipvlan, macvlan, null, overlay\n Volume:\t\tlocal\nEngine Version:\t\t${n.engine}\nTLS Info:\n TrustRoot:\n\n Issuer Subject:\tMBMxETAPBgNVBAMTCHN3YXJtLWNh\n Issuer Public Key:\tMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n`;
  return out;
}

export function node(x: S, argv: string[]): number {
  const sub = argv.shift();
  const { ctx, me } = x;
  switch (sub) {
    case 'ls':
    case 'list': {
      const p = parse(x, 'node ls', argv);
      const c = managerCluster(x);
      let list = naturalSort([...c.nodes.values()], (n) => n.hostname);
      for (const f of p.lists.get('filter') ?? []) {
        const [k, v] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)];
        list = list.filter((n) => (k === 'role' ? n.role === v : k === 'name' ? n.hostname.includes(v) : k === 'id' ? n.id.startsWith(v) : k === 'membership' ? v === 'accepted' : true));
      }
      const fmt = p.strings.get('format') ?? '';
      const format = p.bools.has('quiet') ? '{{.ID}}' : fmt === '' || fmt === 'table' ? 'table {{.ID}} {{if .Self}}*{{else}} {{ end }}\t{{.Hostname}}\t{{.Status}}\t{{.Availability}}\t{{.ManagerStatus}}\t{{.EngineVersion}}' : fmt;
      try {
        ctx.stdout(formatRows(format, list.map((n) => nodeContext(c, n, me.nodeId)), NODE_HEADERS));
      } catch (e) {
        return fail(x, e);
      }
      return 0;
    }
    case 'inspect': {
      const p = parse(x, 'node inspect', argv);
      const c = managerCluster(x);
      const recs: SwarmNodeRecord[] = [];
      try {
        for (const a of p.args) recs.push(a === 'self' ? c.nodes.get(me.nodeId)! : c.findNode(a));
      } catch (e) {
        return fail(x, e);
      }
      if (p.bools.has('pretty')) {
        ctx.stdout(recs.map((n) => nodePretty(x, c, n)).join('\n'));
        return 0;
      }
      return printInspect(x, p.strings.get('format'), recs.map((n) => nodeInspectValue(x, c, n) as GoStruct));
    }
    case 'update': {
      const p = parse(x, 'node update', argv);
      const c = managerCluster(x);
      let n: SwarmNodeRecord;
      try {
        n = c.findNode(p.args[0]!);
      } catch (e) {
        return fail(x, e);
      }
      const av = p.strings.get('availability');
      if (av !== undefined) {
        if (!['active', 'pause', 'drain'].includes(av.toLowerCase())) {
          ctx.stderr(`invalid argument "${av}" for "--availability" flag: invalid availability: ${av}\nSee 'docker node update --help'.\n`);
          return 125;
        }
        n.availability = av.toLowerCase() as SwarmNodeRecord['availability'];
      }
      const role = p.strings.get('role');
      if (role !== undefined) {
        const err = setRole(x, c, n, role as 'worker' | 'manager');
        if (err) daemonError(x, err);
      }
      for (const kv of p.lists.get('label-add') ?? []) n.labels[kv.split('=')[0]!] = kv.includes('=') ? kv.slice(kv.indexOf('=') + 1) : '';
      for (const k of p.lists.get('label-rm') ?? []) delete n.labels[k];
      n.updated = me.now;
      c.onChange?.();
      ctx.stdout(`${p.args[0]!}\n`);
      return 0;
    }
    case 'promote':
    case 'demote': {
      const p = parse(x, sub === 'promote' ? 'node promote' : 'node demote', argv);
      const c = managerCluster(x);
      for (const a of p.args) {
        let n: SwarmNodeRecord;
        try {
          n = c.findNode(a);
        } catch (e) {
          return fail(x, e);
        }
        if (sub === 'promote' && n.role === 'manager') {
          ctx.stdout(`Node ${a} is already a manager.\n`);
          continue;
        }
        if (sub === 'demote' && n.role === 'worker') {
          ctx.stdout(`Node ${a} is already a worker.\n`);
          continue;
        }
        const err = setRole(x, c, n, sub === 'promote' ? 'manager' : 'worker');
        if (err) daemonError(x, err);
        ctx.stdout(sub === 'promote' ? `Node ${a} promoted to a manager in the swarm.\n` : `Manager ${a} demoted in the swarm.\n`);
      }
      return 0;
    }
    case 'rm':
    case 'remove': {
      const p = parse(x, 'node rm', argv);
      const c = managerCluster(x);
      for (const a of p.args) {
        let n: SwarmNodeRecord;
        try {
          n = c.findNode(a);
        } catch (e) {
          return fail(x, e);
        }
        if (n.state !== 'down' && !p.bools.has('force')) daemonError(x, `rpc error: code = FailedPrecondition desc = node ${n.id} is not down and can't be removed`);
        if (n.role === 'manager') daemonError(x, `rpc error: code = FailedPrecondition desc = node ${n.id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`);
        c.nodes.delete(n.id);
        c.onChange?.();
        ctx.stdout(`${a}\n`);
      }
      return 0;
    }
    case 'ps': {
      const p = parse(x, 'node ps', argv);
      const c = managerCluster(x);
      let n: SwarmNodeRecord;
      try {
        n = p.args[0] === undefined || p.args[0] === 'self' ? c.nodes.get(me.nodeId)! : c.findNode(p.args[0]);
      } catch (e) {
        return fail(x, e);
      }
      const tasks = [...c.tasks.values()].filter((t) => t.nodeId === n.id);
      return printTasks(x, c, tasks, p);
    }
    default:
      ctx.stdout('\nUsage:  docker node COMMAND\n\nManage Swarm nodes\n\nCommands:\n  demote      Demote one or more nodes from manager in the swarm\n  inspect     Display detailed information on one or more nodes\n  ls          List nodes in the swarm\n  promote     Promote one or more nodes to manager in the swarm\n  ps          List tasks running on one or more nodes, defaults to current node\n  rm          Remove one or more nodes from the swarm\n  update      Update a node\n');
      return sub === undefined ? 0 : 1;
  }
}

function setRole(x: S, c: SwarmCluster, n: SwarmNodeRecord, role: 'worker' | 'manager'): string | undefined {
  if (n.role === role) return undefined;
  if (role === 'worker') {
    if (c.managers().length <= 1) return 'rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm';
    if (n.id === c.leaderId) return 'rpc error: code = FailedPrecondition desc = attempting to demote the leader; transfer leadership first';
  }
  n.role = role;
  const ns = swarmOf(x.lab.world).byNodeId(n.id);
  if (ns) {
    ns.role = role;
    if (role === 'manager') for (const nw of c.networks.values()) ns.instantiate(nw);
  }
  return undefined;
}
