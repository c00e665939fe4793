// `docker swarm`, `docker node`, `docker service` and `docker stack` on a node, worded as docker CLI 28 words
// them: daemon errors as "Error response from daemon: …" (exit 1), the manager-only commands refused on workers
// with Docker's message, tables through the CLI's tabwriter, --format templates over the CLI's contexts.

import { DockerError } from '../../docker/errors.ts';
import { humanDuration } from '../../docker/format/container.ts';
import { GoStruct, type GoMap, type GoValue } from '../../docker/format/govalue.ts';
import { formatInspectJson, formatInspectTemplate, formatRows, naturalSort, wallTime } from '../../docker/format/network.ts';
import { TemplateError } from '../../docker/format/template.ts';
import { isTerminal, type SwarmCluster } from '../../docker/swarm/cluster.ts';
import { parseCompose, composeToStack, ComposeError } from '../../docker/swarm/compose.ts';
import { swarmOf, type NodeSwarm } from '../../docker/swarm/node.ts';
import type { PortConfig, ServiceRecord, ServiceSpec, SwarmNodeRecord, TaskRecord } from '../../docker/swarm/types.ts';
import { SECOND } from '../../sim/time.ts';
import type { DockerNode } from '../../docker/world.ts';
import type { CommandContext } from '../interpreter.ts';
import type { DockerLab } from '../lab-host.ts';
import { command, CommandExit, parseCommand, type CommandSpec } from './command-spec.ts';
import type { Parsed } from './flags.ts';

interface S {
  readonly ctx: CommandContext;
  readonly node: DockerNode;
  readonly lab: DockerLab;
  readonly me: NodeSwarm;
}

const NOT_MANAGER = "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
const NOT_IN_SWARM_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

/** Every subcommand's flags and arguments (docker CLI 28's; flags the lab ignores are accepted all the same). */
const COMMANDS = {
  'swarm init': command('swarm init', '[OPTIONS]', 'advertise-addr= listen-addr= data-path-addr= force-new-cluster default-addr-pool=* default-addr-pool-mask-length= task-history-limit= availability= autolock'),
  'swarm join-token': command('swarm join-token', '[OPTIONS] (worker|manager)', 'quiet|q rotate', '=1'),
  'swarm join': command('swarm join', '[OPTIONS] HOST:PORT', 'token= advertise-addr= listen-addr= data-path-addr= availability=', '=1'),
  'swarm leave': command('swarm leave', '[OPTIONS]', 'force|f'),
  'node ls': command('node ls', '[OPTIONS]', 'quiet|q format= filter|f=*'),
  'node inspect': command('node inspect', '[OPTIONS] self|NODE [NODE...]', 'format|f= pretty', 1),
  'node update': command('node update', '[OPTIONS] NODE', 'availability= role= label-add=* label-rm=*', '=1'),
  'node promote': command('node promote', 'NODE [NODE...]', '', 1),
  'node demote': command('node demote', 'NODE [NODE...]', '', 1),
  'node rm': command('node rm', '[OPTIONS] NODE [NODE...]', 'force|f', 1),
  'node ps': command('node ps', '[OPTIONS] [NODE...]', 'format= no-trunc quiet|q filter|f=*'),
  'service create': command(
    'service create',
    '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    'name= replicas= mode= network=* publish|p=* endpoint-mode= constraint=* env|e=* label|l=* container-label=* detach|d quiet|q hostname= ' +
      'restart-condition= restart-delay= restart-max-attempts= mount=* update-parallelism= update-delay= with-registry-auth entrypoint= workdir|w= ' +
      'user|u= dns=* limit-memory= reserve-memory= limit-cpu=',
    1,
    { interspersed: false },
  ),
  'service ls': command('service ls', '[OPTIONS]', 'quiet|q format= filter|f=*'),
  'service ps': command('service ps', '[OPTIONS] SERVICE [SERVICE...]', 'quiet|q format= filter|f=* no-trunc no-resolve', 1),
  'service inspect': command('service inspect', '[OPTIONS] SERVICE [SERVICE...]', 'format|f= pretty', 1),
  'service scale': command('service scale', 'SERVICE=REPLICAS [SERVICE=REPLICAS...]', 'detach|d', 1),
  'service update': command(
    'service update',
    '[OPTIONS] SERVICE',
    'image= replicas= publish-add=* publish-rm=* network-add=* network-rm=* constraint-add=* constraint-rm=* env-add=* env-rm=* endpoint-mode= ' +
      'force detach|d quiet|q args= restart-condition= update-parallelism= update-delay= label-add=* label-rm=* container-label-add=* container-label-rm=*',
    '=1',
  ),
  'service rm': command('service rm', 'SERVICE [SERVICE...]', '', 1),
  'service logs': command('service logs', '[OPTIONS] SERVICE|TASK', 'follow|f tail|n= timestamps|t no-task-ids no-trunc raw no-resolve since= details', '=1'),
  'stack deploy': command('stack deploy', '[OPTIONS] STACK', 'compose-file|c=* prune resolve-image= with-registry-auth detach|d quiet|q', '=1'),
  'stack ls': command('stack ls', '[OPTIONS]', 'format='),
  'stack services': command('stack services', '[OPTIONS] STACK', 'quiet|q format= filter|f=*', '=1'),
  'stack ps': command('stack ps', '[OPTIONS] STACK', 'quiet|q format= filter|f=* no-trunc no-resolve', '=1'),
  'stack rm': command('stack rm', '[OPTIONS] STACK [STACK...]', 'detach|d', 1),
} satisfies Record<string, CommandSpec>;

/** The subcommand's flags and arguments; what is wrong is written as docker writes it and ends the command. */
function parse(x: S, path: keyof typeof COMMANDS, argv: readonly string[]): Parsed {
  return parseCommand(COMMANDS[path], argv, x.ctx);
}

function fail(x: S, e: unknown): never {
  if (e instanceof CommandExit) throw e;
  if (e instanceof DockerError) x.ctx.stderr(`${e.cliText()}\n`);
  else if (e instanceof TemplateError || e instanceof ComposeError) x.ctx.stderr(`${e.message}\n`);
  else x.ctx.stderr(`${e instanceof Error ? e.message : String(e)}\n`);
  throw new CommandExit(1);
}

/** `inspect` output: the --format template over every value, or the JSON array. */
function printInspect(x: S, format: string | undefined, values: GoStruct[]): number {
  try {
    x.ctx.stdout(format ? formatInspectTemplate(format, values) : formatInspectJson(values));
  } catch (e) {
    return fail(x, e);
  }
  return 0;
}

function daemonError(x: S, msg: string): never {
  x.ctx.stderr(`Error response from daemon: ${msg}\n`);
  throw new CommandExit(1);
}

/** The cluster, for commands only managers answer. */
function managerCluster(x: S): SwarmCluster {
  const c = x.me.cluster;
  if (!c) daemonError(x, NOT_IN_SWARM_MANAGER);
  if (x.me.role !== 'manager') daemonError(x, NOT_MANAGER);
  return c;
}

function sleep(x: S, ns: number): Promise<void> {
  return x.lab.world.clock.sleep(ns);
}

const title = (t: string): string => (t === '' ? '' : t[0]!.toUpperCase() + t.slice(1));

function imageShown(image: string): string {
  const last = image.slice(image.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') ? image : `${image}:latest`;
}

function toGo(v: unknown, typeName = 'swarm.Object'): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((e) => toGo(e));
  if (v instanceof GoStruct) return v;
  const fields: Record<string, GoValue> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) fields[k] = toGo(val);
  return new GoStruct(typeName, fields);
}

// ---------------------------------------------------------------------------------------------------- swarm

async function swarm(x: S, argv: string[]): Promise<number> {
  const sub = argv.shift();
  const { ctx, me } = x;
  switch (sub) {
    case 'init': {
      const p = parse(x, 'swarm init', argv);
      let id: string;
      try {
        id = me.init({ ...(p.strings.has('advertise-addr') ? { advertiseAddr: p.strings.get('advertise-addr')! } : {}) });
      } catch (e) {
        return fail(x, e);
      }
      const c = me.cluster!;
      ctx.stdout(`Swarm initialized: current node (${id}) is now a manager.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token ${c.workerToken} ${me.addr}:2377\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n`);
      return 0;
    }
    case 'join-token': {
      const p = parse(x, 'swarm join-token', argv);
      const role = p.args[0]!;
      if (role !== 'worker' && role !== 'manager') {
        ctx.stderr(`unknown role ${role}\n`);
        return 1;
      }
      const c = managerCluster(x);
      if (p.bools.has('rotate')) {
        const fresh = (c.ids.fork(`rotate@${me.now}`), c);
        void fresh;
        ctx.stdout(`Successfully rotated ${role} join token.\n\n`);
      }
      const token = role === 'worker' ? c.workerToken : c.managerToken;
      const leader = c.nodes.get(c.leaderId);
      if (p.bools.has('quiet')) ctx.stdout(`${token}\n`);
      else ctx.stdout(`To add a ${role} to this swarm, run the following command:\n\n    docker swarm join --token ${token} ${leader?.addr ?? me.addr}:2377\n\n`);
      return 0;
    }
    case 'join': {
      const p = parse(x, 'swarm join', argv);
      try {
        const role = await me.join(p.strings.get('token') ?? '', p.args[0]!, { ...(p.strings.has('advertise-addr') ? { advertiseAddr: p.strings.get('advertise-addr')! } : {}) });
        ctx.stdout(`This node joined a swarm as a ${role}.\n`);
      } catch (e) {
        return fail(x, e);
      }
      return 0;
    }
    case 'leave': {
      const p = parse(x, 'swarm leave', argv);
      try {
        await me.leave(p.bools.has('force'));
      } catch (e) {
        return fail(x, e);
      }
      ctx.stdout('Node left the swarm.\n');
      return 0;
    }
    case 'update':
    case 'unlock':
    case 'unlock-key':
    case 'ca':
      managerCluster(x);
      return 0;
    default:
      ctx.stdout('\nUsage:  docker swarm COMMAND\n\nManage Swarm\n\nCommands:\n  ca          Display and rotate the root CA\n  init        Initialize a swarm\n  join        Join a swarm as a node and/or manager\n  join-token  Manage join tokens\n  leave       Leave the swarm\n  unlock      Unlock swarm\n  unlock-key  Manage the unlock key\n  update      Update the swarm\n\nRun \'docker swarm COMMAND --help\' for more information on a command.\n');
      return sub === undefined ? 0 : 1;
  }
}

// ----------------------------------------------------------------------------------------------------- node

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

function node(x: S, argv: string[]): number {
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

// -------------------------------------------------------------------------------------------------- service

function portsText(ports: readonly PortConfig[]): string {
  return ports.map((p) => `${p.mode === 'host' ? '' : '*'}:${p.published}->${p.target}/${p.protocol}`).join(', ');
}

function replicasText(c: SwarmCluster, svc: ServiceRecord): string {
  const running = c.tasksOf(svc.id).filter((t) => t.desired === 'running' && t.state === 'running').length;
  if (svc.spec.mode === 'global') {
    const want = c.tasksOf(svc.id).filter((t) => t.desired === 'running').length;
    return `${running}/${want}`;
  }
  return `${running}/${svc.spec.replicas}`;
}

function serviceContext(c: SwarmCluster, svc: ServiceRecord, trunc: boolean): GoStruct {
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

const SERVICE_HEADERS: GoMap = { ID: 'ID', Name: 'NAME', Mode: 'MODE', Replicas: 'REPLICAS', Image: 'IMAGE', Ports: 'PORTS' };
const TASK_HEADERS: GoMap = { ID: 'ID', Name: 'NAME', Image: 'IMAGE', Node: 'NODE', DesiredState: 'DESIRED STATE', CurrentState: 'CURRENT STATE', Error: 'ERROR', Ports: 'PORTS' };

function taskName(c: SwarmCluster, t: TaskRecord): string {
  const svc = c.services.get(t.serviceId);
  const name = svc?.spec.name ?? t.serviceId;
  return t.slot === 0 ? `${name}.${t.nodeId ?? ''}` : `${name}.${t.slot}`;
}

function printTasks(x: S, c: SwarmCluster, tasks: TaskRecord[], p: Parsed): number {
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

/** --publish in the short form (8080:80[/udp]) or the long one (published=8080,target=80,mode=host,protocol=udp). */
export function parseServicePublish(spec: string): PortConfig {
  if (spec.includes('=')) {
    let published = 0;
    let target = 0;
    let mode: PortConfig['mode'] = 'ingress';
    let protocol: PortConfig['protocol'] = 'tcp';
    for (const part of spec.split(',')) {
      const [k, v] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
      if (k === 'published') published = Number(v);
      else if (k === 'target') target = Number(v);
      else if (k === 'mode') {
        if (v !== 'host' && v !== 'ingress') throw new DockerError(`invalid publish mode value (${v}): must be either "ingress" or "host"`, 'invalidParameter', 'cli');
        mode = v;
      } else if (k === 'protocol') protocol = v === 'udp' ? 'udp' : 'tcp';
      else throw new DockerError(`invalid field key ${k}`, 'invalidParameter', 'cli');
    }
    if (!target) throw new DockerError('missing mandatory field "target"', 'invalidParameter', 'cli');
    return { published, target, mode, protocol };
  }
  let rest = spec;
  let protocol: PortConfig['protocol'] = 'tcp';
  if (rest.includes('/')) {
    protocol = rest.slice(rest.indexOf('/') + 1) === 'udp' ? 'udp' : 'tcp';
    rest = rest.slice(0, rest.indexOf('/'));
  }
  const parts = rest.split(':');
  const target = Number(parts[parts.length - 1]);
  const published = parts.length > 1 ? Number(parts[parts.length - 2]) : 0;
  if (!Number.isInteger(target) || target <= 0 || !Number.isInteger(published)) throw new DockerError(`invalid containerPort: ${parts[parts.length - 1]!}`, 'invalidParameter', 'cli');
  return { published, target, mode: 'ingress', protocol };
}

function networkSpec(v: string): { target: string; aliases: string[] } {
  if (!v.includes('=')) return { target: v, aliases: [] };
  let target = '';
  const aliases: string[] = [];
  for (const part of v.split(',')) {
    const [k, val] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
    if (k === 'name') target = val;
    else if (k === 'alias') aliases.push(val);
  }
  return { target, aliases };
}

function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new DockerError(`invalid argument "${v}" for "--restart-delay" flag: time: invalid duration "${v}"`, 'invalidParameter', 'cli');
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * (unit === 'ms' ? 1e6 : unit === 's' ? 1e9 : unit === 'm' ? 60e9 : 3600e9));
}

/** Waits as `docker service create/update/scale` does without --detach, then prints the progress it saw last. */
async function converge(x: S, c: SwarmCluster, svcId: string): Promise<void> {
  const deadline = x.me.now + 120 * SECOND;
  const state = (): { done: boolean; tasks: TaskRecord[]; want: number } => {
    const svc = c.services.get(svcId);
    if (!svc) return { done: true, tasks: [], want: 0 };
    const tasks = c.tasksOf(svcId).filter((t) => t.desired === 'running' && t.specVersion === svc.version);
    const want = svc.spec.mode === 'global' ? tasks.length : svc.spec.replicas;
    const running = tasks.filter((t) => t.state === 'running').length;
    const stale = c.tasksOf(svcId).some((t) => t.desired !== 'running' && !isTerminal(t.state) && t.nodeId !== undefined && c.nodes.get(t.nodeId)?.state === 'ready');
    return { done: running === want && !stale, tasks, want };
  };
  await sleep(x, 100 * 1e6);
  for (;;) {
    const st = state();
    if (st.done) {
      await sleep(x, 5 * SECOND);
      if (state().done) break;
    }
    if (x.me.now > deadline) break;
    await sleep(x, 100 * 1e6);
  }
  const st = state();
  const running = st.tasks.filter((t) => t.state === 'running').length;
  let out = `overall progress: ${running} out of ${st.want} tasks \n`;
  const ordered = [...st.tasks].sort((a, bb) => a.slot - bb.slot);
  ordered.forEach((t, i) => {
    const label = t.slot === 0 ? `${(c.nodes.get(t.nodeId ?? '')?.id ?? '').slice(0, 12)}` : `${i + 1}/${st.want}`;
    const bar = t.state === 'running' ? '[==================================================>] ' : '';
    out += `${label}: ${t.err !== '' ? t.err : t.state.padEnd(9)} ${bar}\n`;
  });
  out += st.done ? 'verify: Service converged \n' : '';
  x.ctx.stdout(out);
}

async function service(x: S, argv: string[]): Promise<number> {
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

function generatedServiceName(me: NodeSwarm): string {
  const adjectives = ['admiring', 'brave', 'eager', 'focused', 'gallant', 'happy', 'jolly', 'keen', 'nifty', 'quirky'];
  const names = ['turing', 'hopper', 'lovelace', 'curie', 'noether', 'ritchie', 'thompson', 'wozniak', 'liskov', 'knuth'];
  const r = me.sw.world.random.fork(`service-name@${me.now}`);
  return `${adjectives[r.below(adjectives.length)]!}_${names[r.below(names.length)]!}`;
}

function serviceInspectValue(x: S, c: SwarmCluster, svc: ServiceRecord): GoValue {
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

/** `--label k=v` lists (a bare `k` is an empty value). */
function keyValues(list: readonly string[]): Record<string, string> {
  return Object.fromEntries(list.map((kv) => (kv.includes('=') ? [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] : [kv, ''])));
}

function servicePretty(c: SwarmCluster, svc: ServiceRecord): string {
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

// ---------------------------------------------------------------------------------------------------- stack

const STACK_LABEL = 'com.docker.stack.namespace';

async function stack(x: S, argv: string[]): Promise<number> {
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

/** `docker swarm|node|service|stack ...` on a node. */
export async function swarmCli(sub: 'swarm' | 'node' | 'service' | 'stack', ctx: CommandContext, dockerNode: DockerNode, lab: DockerLab, argv: string[]): Promise<number> {
  const x: S = { ctx, node: dockerNode, lab, me: swarmOf(lab.world).of(dockerNode) };
  try {
    switch (sub) {
      case 'swarm':
        return await swarm(x, argv);
      case 'node':
        return node(x, argv);
      case 'service':
        return await service(x, argv);
      case 'stack':
        return await stack(x, argv);
    }
  } catch (e) {
    if (e instanceof CommandExit) return e.code;
    if (e instanceof DockerError) {
      ctx.stderr(`${e.cliText()}\n`);
      return 1;
    }
    throw e;
  }
}
