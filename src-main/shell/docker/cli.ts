// The `docker` command line of a node: network (create, ls, inspect, rm, prune, connect, disconnect), run, create,
// start, stop, restart, rm, kill, ps, exec, inspect, logs, port, version, info (info.ts) — and the `container`/`network`
// management forms. Errors print as the docker CLI prints them: daemon errors as "Error response from daemon: …"
// (exit 1; `docker run`/`create` prefix "docker: " and exit 125), flag errors as "unknown flag: --x\nSee 'docker
// run --help'." (exit 125).

import { Container } from '../../docker/daemon/container.ts';
import type { ContainerConfig, EndpointConfig, LogChunk, RestartPolicyName } from '../../docker/daemon/container.ts';
import type { Daemon } from '../../docker/daemon/daemon.ts';
import { validImageRef } from '../../docker/daemon/images.ts';
import { parsePublish, type PortBinding } from '../../docker/daemon/ports.ts';
import { DockerError } from '../../docker/errors.ts';
import { containerInspectValue, listContainers } from '../../docker/format/container.ts';
import type { GoStruct } from '../../docker/format/govalue.ts';
import { formatInspectJson, formatInspectTemplate, listNetworks, networkInspectValue } from '../../docker/format/network.ts';
import { TemplateError } from '../../docker/format/template.ts';
import { cliIpamConfig } from '../../docker/ipam.ts';
import type { Network } from '../../docker/model.ts';
import type { DockerNode } from '../../docker/world.ts';
import { SECOND } from '../../sim/time.ts';
import { INTERRUPTED, type CommandContext, type CommandImpl } from '../interpreter.ts';
import type { DockerLab } from '../lab-host.ts';
import { FlagError, parseFlags, type FlagSpec, type Parsed } from './flags.ts';
import { dockerInfo } from './info.ts';
import { dockerVersion } from './version-command.ts';
import { clientTimestamp, formatMessage, messagesOf, selectMessages, TimestampError, type LogsOptions } from './logs-options.ts';
import { swarmCli } from './swarm-cli.ts';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

interface Cli {
  readonly ctx: CommandContext;
  readonly node: DockerNode;
  readonly daemon: Daemon;
  readonly lab: DockerLab;
}

const b = (name: string, short?: string, aliases?: string[]): FlagSpec => ({ name, kind: 'bool', ...(short ? { short } : {}), ...(aliases ? { aliases } : {}) });
const s = (name: string, short?: string, aliases?: string[]): FlagSpec => ({ name, kind: 'string', ...(short ? { short } : {}), ...(aliases ? { aliases } : {}) });
const l = (name: string, short?: string, aliases?: string[]): FlagSpec => ({ name, kind: 'list', ...(short ? { short } : {}), ...(aliases ? { aliases } : {}) });

/** cobra's Use of each command (docker/cli v28): what follows "docker PATH " in usage lines. */
const USE: Readonly<Record<string, string>> = {
  'network create': '[OPTIONS] NETWORK',
  'network connect': '[OPTIONS] NETWORK CONTAINER',
  'network disconnect': '[OPTIONS] NETWORK CONTAINER',
  'network inspect': '[OPTIONS] NETWORK [NETWORK...]',
  'network rm': 'NETWORK [NETWORK...]',
  'network ls': '[OPTIONS]',
  'network prune': '[OPTIONS]',
  run: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  create: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  exec: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  port: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  rm: '[OPTIONS] CONTAINER [CONTAINER...]',
  stop: '[OPTIONS] CONTAINER [CONTAINER...]',
  start: '[OPTIONS] CONTAINER [CONTAINER...]',
  restart: '[OPTIONS] CONTAINER [CONTAINER...]',
  kill: '[OPTIONS] CONTAINER [CONTAINER...]',
  logs: '[OPTIONS] CONTAINER',
  ps: '[OPTIONS]',
  inspect: '[OPTIONS] NAME|ID [NAME|ID...]',
};

/** The docker CLI of 28.0 and newer words usage errors as cobra does (cli/cobra.go FlagErrorFunc, cli/required.go). */
function cli28(cli: Cli): boolean {
  return cli.daemon.behaviour.version.major >= 28;
}

function useLine(path: string): string {
  const use = USE[path];
  return use !== undefined ? `docker ${path} ${use}` : `docker ${path}`;
}

function flags(cli: Cli, path: string, argv: readonly string[], specs: readonly FlagSpec[], interspersed = true): Parsed {
  try {
    const p = parseFlags(argv, specs, interspersed);
    if (p.bools.has('help')) {
      cli.ctx.stdout(`\nUsage:  ${useLine(path)}\n\n`);
      throw new Exit(0);
    }
    return p;
  } catch (e) {
    if (e instanceof FlagError) {
      if (cli28(cli)) cli.ctx.stderr(`${e.message}\n\nUsage:  ${useLine(path)}\n\nRun 'docker ${path} --help' for more information\n`);
      else cli.ctx.stderr(`${e.message}\nSee 'docker ${path} --help'.\n`);
      throw new Exit(125);
    }
    throw e;
  }
}

/** Prints a daemon or CLI error and exits 1 (or `code`). */
function fail(cli: Cli, e: unknown, code = 1, prefix = ''): never {
  if (e instanceof Exit) throw e;
  if (e instanceof DockerError) cli.ctx.stderr(`${prefix}${e.cliText()}\n`);
  else if (e instanceof TemplateError) cli.ctx.stderr(`${e.message}\n`);
  else cli.ctx.stderr(`${prefix}${e instanceof Error ? e.message : String(e)}\n`);
  throw new Exit(code);
}

/**
 * The positional-argument checks of cobra commands: `exact` (ExactArgs), `max` (RequiresRangeArgs), else
 * RequiresMinArgs; NoArgs is `min` 0 with `max` 0. Exit status 1 (a plain error).
 */
function needArgs(cli: Cli, path: string, args: readonly string[], min: number, _usage: string, exact = false, max?: number): void {
  const hi = exact ? min : max;
  if (args.length >= min && (hi === undefined || args.length <= hi)) return;
  const plural = (n: number): string => `argument${n === 1 ? '' : 's'}`;
  if (cli28(cli)) {
    const head = `docker: 'docker ${path}'`;
    const usage = `\n\nUsage:  ${useLine(path)}\n\n`;
    if (hi === 0) cli.ctx.stderr(`${head} accepts no arguments${usage}Run 'docker ${path} --help' for more information\n`);
    else if (exact) cli.ctx.stderr(`${head} requires ${min} ${plural(min)}${usage}Run 'docker ${path} --help' for more information\n`);
    else if (hi !== undefined) cli.ctx.stderr(`${head} requires at least ${min} and at most ${hi} ${plural(hi)}${usage}Run 'docker ${path} --help' for more information\n`);
    else cli.ctx.stderr(`${head} requires at least ${min} ${plural(min)}${usage}See 'docker ${path} --help' for more information\n`);
    throw new Exit(1);
  }
  const what = hi === 0 ? 'no arguments' : exact ? `exactly ${min} ${plural(min)}` : hi !== undefined ? `at least ${min} and at most ${hi} ${plural(hi)}` : `at least ${min} ${plural(min)}`;
  cli.ctx.stderr(hi === 0 ? `"docker ${path}" accepts no arguments.\nSee 'docker ${path} --help'.\n\nUsage:  ${useLine(path)}\n\n` : `"docker ${path}" requires ${what}.\nSee 'docker ${path} --help'.\n\nUsage:  ${useLine(path)}\n\n`);
  throw new Exit(1);
}

// -------------------------------------------------------------------------------------------------- network

function networkFilters(list: readonly string[]): (n: Network) => boolean {
  const fs = list.map((f) => {
    const i = f.indexOf('=');
    return { key: f.slice(0, i), value: f.slice(i + 1) };
  });
  return (n) =>
    ['name', 'id', 'driver', 'type', 'scope', 'label'].every((key) => {
      const vals = fs.filter((f) => f.key === key).map((f) => f.value);
      if (vals.length === 0) return true;
      return vals.some((v) => {
        switch (key) {
          case 'name':
            return n.name.includes(v);
          case 'id':
            return n.id.startsWith(v);
          case 'driver':
            return n.driver === v;
          case 'type':
            return v === 'builtin' ? n.predefined : !n.predefined;
          case 'scope':
            return n.scope === v;
          default: {
            const [k, val] = v.split('=');
            return k !== undefined && n.labels[k] !== undefined && (val === undefined || n.labels[k] === val);
          }
        }
      });
    });
}

function network(cli: Cli, argv: string[]): number {
  const { ctx, daemon } = cli;
  const sub = argv.shift();
  switch (sub) {
    case 'create': {
      const p = flags(cli, 'network create', argv, [
        s('driver', 'd'),
        l('opt', 'o'),
        l('label'),
        b('internal'),
        b('ipv6'),
        s('ipv4'),
        b('attachable'),
        b('ingress'),
        s('scope'),
        b('config-only'),
        s('config-from'),
        s('ipam-driver'),
        l('ipam-opt'),
        l('subnet'),
        l('ip-range'),
        l('gateway'),
        l('aux-address'),
      ]);
      needArgs(cli, 'network create', p.args, 1, 'NETWORK', true);
      const kv = (list: readonly string[]): Record<string, string> => Object.fromEntries(list.map((x) => [x.slice(0, x.indexOf('=') < 0 ? x.length : x.indexOf('=')), x.includes('=') ? x.slice(x.indexOf('=') + 1) : '']));
      try {
        const config = cliIpamConfig({
          subnets: p.lists.get('subnet') ?? [],
          ipRanges: p.lists.get('ip-range') ?? [],
          gateways: p.lists.get('gateway') ?? [],
          auxAddresses: (p.lists.get('aux-address') ?? []).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)] as const),
        });
        const nw = daemon.createNetwork({
          name: p.args[0]!,
          driver: p.strings.get('driver') ?? 'bridge',
          ...(p.strings.has('scope') ? { scope: p.strings.get('scope')! } : {}),
          internal: p.bools.has('internal'),
          attachable: p.bools.has('attachable'),
          ingress: p.bools.has('ingress'),
          enableIPv6: p.bools.has('ipv6'),
          ...(p.strings.has('ipv4') ? { enableIPv4: p.strings.get('ipv4') !== 'false' } : {}),
          ipam: { driver: p.strings.get('ipam-driver') ?? 'default', config, options: kv(p.lists.get('ipam-opt') ?? []) },
          options: kv(p.lists.get('opt') ?? []),
          labels: kv(p.lists.get('label') ?? []),
          checkDuplicate: true,
        });
        ctx.stdout(`${nw.id}\n`);
      } catch (e) {
        fail(cli, e);
      }
      return 0;
    }
    case 'ls':
    case 'list': {
      const p = flags(cli, 'network ls', argv, [b('quiet', 'q'), b('no-trunc'), s('format'), l('filter', 'f')]);
      needArgs(cli, 'network ls', p.args, 0, '', false, 0);
      const nets = daemon.registry.list().filter(networkFilters(p.lists.get('filter') ?? []));
      try {
        ctx.stdout(listNetworks(nets, daemon.wallClock, { format: p.strings.get('format') ?? '', quiet: p.bools.has('quiet'), noTrunc: p.bools.has('no-trunc') }));
      } catch (e) {
        fail(cli, e);
      }
      return 0;
    }
    case 'inspect': {
      const p = flags(cli, 'network inspect', argv, [s('format', 'f'), b('verbose', 'v')]);
      needArgs(cli, 'network inspect', p.args, 1, 'NETWORK [NETWORK...]');
      const values: GoStruct[] = [];
      const errors: string[] = [];
      for (const a of p.args) {
        try {
          values.push(networkInspectValue(daemon.findNetwork(a, 'api'), daemon.behaviour, daemon.wallClock));
        } catch (e) {
          if (e instanceof DockerError) errors.push(e.cliText());
          else throw e;
        }
      }
      try {
        const f = p.strings.get('format');
        if (f) ctx.stdout(formatInspectTemplate(f, values));
        else ctx.stdout(formatInspectJson(values));
      } catch (e) {
        fail(cli, e);
      }
      // inspect.Inspect: the output is flushed first, then the errors joined (printed by main on stderr).
      for (const e of errors) ctx.stderr(`${e}\n`);
      return errors.length > 0 ? 1 : 0;
    }
    case 'rm':
    case 'remove': {
      const p = flags(cli, 'network rm', argv, [b('force', 'f')]);
      needArgs(cli, 'network rm', p.args, 1, 'NETWORK [NETWORK...]');
      let status = 0;
      for (const a of p.args) {
        try {
          daemon.removeNetwork(a);
          ctx.stdout(`${a}\n`);
        } catch (e) {
          if (e instanceof DockerError && p.bools.has('force') && e.errorClass === 'notFound') continue;
          if (e instanceof DockerError) ctx.stderr(`${e.cliText()}\n`);
          else throw e;
          status = 1;
        }
      }
      return status;
    }
    case 'prune': {
      const p = flags(cli, 'network prune', argv, [b('force', 'f'), l('filter')]);
      needArgs(cli, 'network prune', p.args, 0, '', false, 0);
      if (!p.bools.has('force')) {
        ctx.stdout('WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ');
        const answer = ctx.readLine();
        if (answer === null || !/^y/i.test(answer.trim())) {
          ctx.stdout('\n');
          return 0;
        }
      }
      const removed = daemon.pruneNetworks();
      // The report ends in a newline and is printed with Fprintln: a blank line follows the names.
      if (removed.length > 0) ctx.stdout(`Deleted Networks:\n${removed.map((n) => `${n}\n`).join('')}\n`);
      return 0;
    }
    case 'connect': {
      const p = flags(cli, 'network connect', argv, [s('ip'), s('ip6'), l('alias'), l('link'), l('link-local-ip'), l('driver-opt'), s('gw-priority')]);
      needArgs(cli, 'network connect', p.args, 2, 'NETWORK CONTAINER', true);
      try {
        daemon.connect(p.args[0]!, p.args[1]!, {
          aliases: p.lists.get('alias') ?? [],
          ...(p.strings.has('ip') ? { ipv4: p.strings.get('ip')! } : {}),
          ...(p.strings.has('ip6') ? { ipv6: p.strings.get('ip6')! } : {}),
          ...(p.lists.has('link') ? { links: p.lists.get('link')! } : {}),
          ...(p.strings.has('gw-priority') ? { gwPriority: Number(p.strings.get('gw-priority')) } : {}),
        });
      } catch (e) {
        fail(cli, e);
      }
      return 0;
    }
    case 'disconnect': {
      const p = flags(cli, 'network disconnect', argv, [b('force', 'f')]);
      needArgs(cli, 'network disconnect', p.args, 2, 'NETWORK CONTAINER', true);
      try {
        daemon.disconnect(p.args[0]!, p.args[1]!, p.bools.has('force'));
      } catch (e) {
        fail(cli, e);
      }
      return 0;
    }
    default:
      ctx.stdout('\nUsage:  docker network COMMAND\n\nManage networks\n\nCommands:\n  connect     Connect a container to a network\n  create      Create a network\n  disconnect  Disconnect a container from a network\n  inspect     Display detailed information on one or more networks\n  ls          List networks\n  prune       Remove all unused networks\n  rm          Remove one or more networks\n\nRun \'docker network COMMAND --help\' for more information on a command.\n');
      return sub === undefined ? 0 : 1;
  }
}

// ---------------------------------------------------------------------------------------------- run / create

const RUN_FLAGS: readonly FlagSpec[] = [
  b('detach', 'd'),
  b('interactive', 'i'),
  b('tty', 't'),
  b('rm'),
  s('name'),
  l('network', undefined, ['net']),
  l('network-alias', undefined, ['net-alias']),
  s('ip'),
  s('ip6'),
  s('mac-address'),
  l('link'),
  l('publish', 'p'),
  b('publish-all', 'P'),
  l('expose'),
  l('env', 'e'),
  l('env-file'),
  s('hostname', 'h'),
  s('domainname'),
  l('dns'),
  l('dns-search'),
  l('dns-option', undefined, ['dns-opt']),
  l('add-host'),
  s('restart'),
  s('entrypoint'),
  s('workdir', 'w'),
  l('label', 'l'),
  s('stop-timeout'),
  b('privileged'),
  l('cap-add'),
  l('cap-drop'),
  l('volume', 'v'),
  l('mount'),
  s('user', 'u'),
  b('init'),
  s('platform'),
  s('pull'),
  s('memory', 'm'),
  s('cpus'),
  s('log-driver'),
  l('log-opt'),
  l('sysctl'),
  l('device'),
  b('read-only'),
  s('stop-signal'),
  s('shm-size'),
  l('tmpfs'),
  l('ulimit'),
  l('security-opt'),
  b('quiet', 'q'),
];

/** --network's advanced syntax: name=x,alias=a,ip=…,gw-priority=N. */
function parseNetworkFlag(v: string): { name: string; ec: Partial<EndpointConfig> & { aliases: string[] } } {
  if (!v.includes('=')) return { name: v, ec: { aliases: [] } };
  let name = '';
  const ec: { aliases: string[]; ipv4?: string; ipv6?: string; mac?: string; gwPriority?: number } = { aliases: [] };
  for (const part of v.split(',')) {
    const i = part.indexOf('=');
    const k = part.slice(0, i);
    const val = part.slice(i + 1);
    if (k === 'name') name = val;
    else if (k === 'alias') ec.aliases.push(val);
    else if (k === 'ip') ec.ipv4 = val;
    else if (k === 'ip6') ec.ipv6 = val;
    else if (k === 'mac-address') ec.mac = val;
    else if (k === 'gw-priority') ec.gwPriority = Number(val);
    else if (k !== 'driver-opt' && k !== 'link-local-ip') throw new FlagError(`invalid field key ${k}`);
  }
  return { name, ec };
}

function parseRestart(v: string): { name: RestartPolicyName; maxRetries: number } {
  const [name, n] = v.split(':') as [string, string | undefined];
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name)) throw new DockerError(`invalid restart policy '${name}'`, 'invalidParameter', 'cli');
  if (n !== undefined && name !== 'on-failure') throw new DockerError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`, 'invalidParameter', 'cli');
  return { name: name as RestartPolicyName, maxRetries: n !== undefined ? Number(n) : 0 };
}

function containerConfig(p: Parsed, image: string, cmd: string[]): ContainerConfig {
  const nets = (p.lists.get('network') ?? []).map(parseNetworkFlag);
  const predefined = (n: string): boolean => ['bridge', 'host', 'none', 'default'].includes(n) || n.startsWith('container:');
  if (nets.length > 1 && nets.some((n) => predefined(n.name))) throw new DockerError('conflicting options: cannot attach both user-defined and non-user-defined network-modes', 'invalidParameter', 'cli');
  const networks = new Map<string, EndpointConfig>();
  const aliases = p.lists.get('network-alias') ?? [];
  const first = nets[0]?.name;
  for (const [i, n] of nets.entries()) {
    const ec: EndpointConfig = { ...n.ec, aliases: i === 0 ? [...n.ec.aliases, ...aliases] : n.ec.aliases };
    networks.set(n.name, i === 0 && p.strings.has('ip') ? { ...ec, ipv4: p.strings.get('ip')! } : i === 0 && p.strings.has('ip6') ? { ...ec, ipv6: p.strings.get('ip6')! } : ec);
  }
  if (first === undefined && (aliases.length > 0 || p.strings.has('ip') || p.strings.has('ip6'))) {
    networks.set('bridge', { aliases, ...(p.strings.has('ip') ? { ipv4: p.strings.get('ip')! } : {}), ...(p.strings.has('ip6') ? { ipv6: p.strings.get('ip6')! } : {}) });
  }
  const publish: PortBinding[] = [];
  for (const spec of p.lists.get('publish') ?? []) publish.push(...parsePublish(spec));
  const kv = (list: readonly string[]): Record<string, string> => Object.fromEntries(list.map((x) => [x.split('=')[0]!, x.slice(x.indexOf('=') + 1)]));
  return {
    image,
    cmd,
    ...(p.strings.has('name') ? { name: p.strings.get('name')! } : {}),
    ...(p.strings.has('entrypoint') ? { entrypoint: p.strings.get('entrypoint')! } : {}),
    env: p.lists.get('env') ?? [],
    ...(p.strings.has('hostname') ? { hostname: p.strings.get('hostname')! } : {}),
    ...(p.strings.has('domainname') ? { domainname: p.strings.get('domainname')! } : {}),
    networkMode: first === undefined ? 'default' : first,
    networks,
    publish,
    publishAll: p.bools.has('publish-all'),
    expose: p.lists.get('expose') ?? [],
    links: p.lists.get('link') ?? [],
    ...(p.lists.has('dns') ? { dns: p.lists.get('dns')! } : {}),
    ...(p.lists.has('dns-search') ? { dnsSearch: p.lists.get('dns-search')! } : {}),
    ...(p.lists.has('dns-option') ? { dnsOptions: p.lists.get('dns-option')! } : {}),
    ...(p.lists.has('add-host') ? { extraHosts: p.lists.get('add-host')! } : {}),
    ...(p.strings.has('restart') ? { restart: parseRestart(p.strings.get('restart')!) } : {}),
    autoRemove: p.bools.has('rm'),
    tty: p.bools.has('tty'),
    interactive: p.bools.has('interactive'),
    labels: kv(p.lists.get('label') ?? []),
    ...(p.strings.has('mac-address') ? { macAddress: p.strings.get('mac-address')! } : {}),
    ...(p.strings.has('stop-timeout') ? { stopTimeout: Number(p.strings.get('stop-timeout')) } : {}),
    ...(p.strings.has('stop-signal') ? { stopSignal: p.strings.get('stop-signal')! } : {}),
    ...(p.bools.has('init') ? { init: true } : {}),
  };
}

/**
 * Where the console's Ctrl-C goes while `docker run` (attached) or `docker exec` holds it, as with docker/cli: with
 * -i and -t the terminal is raw and ^C goes down the container's tty, so the process gets SIGINT (hijack.go
 * setupInput); `docker run` without -t proxies SIGINT to the container's process (--sig-proxy, which TTY mode turns
 * off); otherwise SIGINT ends the CLI itself (130) and the process goes on in the container, nobody reading it.
 */
function sigintReachesProcess(ctx: CommandContext, tty: boolean, interactive: boolean, run: boolean): boolean {
  return ctx.signal !== undefined && ((tty && interactive) || (run && !tty));
}

/** `work` (the attached process's status), unless Ctrl-C ends the CLI first: then `detach` stops the copying of the
 * process's output and the status is 130, as a shell reports a client killed by SIGINT. */
function untilInterrupted(ctx: CommandContext, work: Promise<number>, detach: () => void): Promise<number> {
  const signal = ctx.signal;
  if (signal === undefined) return work;
  return new Promise((resolve, reject) => {
    const interrupted = (): void => {
      detach();
      resolve(INTERRUPTED);
    };
    if (signal.aborted) return interrupted();
    signal.addEventListener('abort', interrupted, { once: true });
    work.then(
      (code) => {
        signal.removeEventListener('abort', interrupted);
        resolve(code);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', interrupted);
        reject(e);
      },
    );
  });
}

/** How long `docker logs -f` follows when nothing can interrupt it (a transcript, a background job): it then ends
 * as if Ctrl-C had come, as tcpdump does in that case, so a replay never waits forever on a container that runs on. */
const UNINTERRUPTIBLE_FOLLOW = 60 * SECOND;

/**
 * `docker logs -f` after the log so far: the container's new output as it comes (as `text` writes it: the options'
 * timestamps, details and --until), until its process ends (the daemon
 * closes the stream: exit 0, whatever the container's status) or Ctrl-C ends the CLI (130, as a shell reports a
 * client killed by SIGINT). Every way out removes all it registered, so nothing keeps writing to the console.
 */
function followLogs(cli: Cli, c: Container, text: (chunk: LogChunk) => string): Promise<number> {
  const { ctx } = cli;
  const copy = (chunk: LogChunk): void => (chunk.stream === 'stdout' ? ctx.stdout : ctx.stderr)(text(chunk));
  let resolve!: (code: number) => void;
  const followed = new Promise<number>((r) => (resolve = r));
  const end = (): void => {
    c.outputListeners.delete(copy);
    c.exitListeners.delete(exited);
    limit?.cancel();
  };
  // Every way out removes all that was added before it returns: the process ending, the time limit, and Ctrl-C
  // (untilInterrupted, as for an attached container).
  const stop = (code: number): void => {
    end();
    resolve(code);
  };
  const exited = (): void => stop(0);
  const limit = ctx.signal === undefined ? cli.lab.world.scheduler.schedule(UNINTERRUPTIBLE_FOLLOW, () => stop(INTERRUPTED)) : undefined;
  c.outputListeners.add(copy);
  c.exitListeners.add(exited);
  return untilInterrupted(ctx, followed, end);
}

async function runOrCreate(cli: Cli, argv: string[], run: boolean): Promise<number> {
  const { ctx, daemon } = cli;
  const path = run ? 'run' : 'create';
  const specs = run ? RUN_FLAGS : RUN_FLAGS.filter((f) => f.name !== 'detach' && f.name !== 'rm').concat([b('rm')]);
  const p = flags(cli, path, argv, specs, false);
  if (p.args.length < 1) {
    if (cli28(cli)) needArgs(cli, path, p.args, 1, '');
    ctx.stderr(`docker: "${path}" requires at least 1 argument.\nSee 'docker ${path} --help'.\n\nUsage:  ${useLine(path)}\n\n`);
    return 125;
  }
  const image = p.args[0]!;
  const runFail = (e: unknown): never => {
    if (e instanceof Exit) throw e;
    const text = e instanceof DockerError ? e.cliText() : e instanceof Error ? e.message : String(e);
    if (!cli28(cli)) {
      ctx.stderr(`docker: ${text}\nSee 'docker ${path} --help'.\n`);
      throw new Exit(125);
    }
    // 28: `docker create` returns the daemon's error as is (exit 1); run wraps it (toStatusError), and both wrap the
    // CLI's own checks (withHelp): "docker: …\n\nRun 'docker run --help' for more information", exit 125.
    if (!run && e instanceof DockerError && e.source === 'daemon') {
      ctx.stderr(`${text}\n`);
      throw new Exit(1);
    }
    ctx.stderr(`docker: ${text}\n\nRun 'docker ${path} --help' for more information\n`);
    throw new Exit(125);
  };
  if (!validImageRef(image)) runFail(new DockerError(`invalid reference format${/[A-Z]/.test(image) ? ': repository name (library/' + image + ') must be lowercase' : ''}`, 'invalidParameter', 'cli'));
  let c: Container;
  try {
    const cfg = containerConfig(p, image, p.args.slice(1));
    if (cfg.networkMode === 'host' && (cfg.publish ?? []).length > 0) ctx.stderr('WARNING: Published ports are discarded when using host network mode\n');
    c = daemon.createContainer(cfg);
  } catch (e) {
    return runFail(e);
  }
  if (c.image.unmodelled) ctx.stderr(`flotilla: the image ${image} has no modelled service; it runs as a plain container with a shell\n`);
  if (!run) {
    ctx.stdout(`${c.id}\n`);
    return 0;
  }
  const detach = p.bools.has('detach');
  const listener = (chunk: { stream: 'stdout' | 'stderr'; text: string }): void => {
    if (chunk.stream === 'stdout') ctx.stdout(chunk.text);
    else ctx.stderr(chunk.text);
  };
  if (!detach) c.outputListeners.add(listener);
  const proxied = !detach && sigintReachesProcess(ctx, p.bools.has('tty'), p.bools.has('interactive'), true);
  try {
    await daemon.startContainer(c.id, proxied && ctx.signal ? { interrupt: ctx.signal } : {});
  } catch (e) {
    c.outputListeners.delete(listener);
    if (c.config.autoRemove) {
      try {
        daemon.removeContainer(c.id, true);
      } catch {
        // already gone
      }
    }
    return runFail(e);
  }
  if (detach) {
    ctx.stdout(`${c.id}\n`);
    return 0;
  }
  const exited = c.wait();
  const code = await (proxied ? exited : untilInterrupted(ctx, exited, () => c.outputListeners.delete(listener)));
  c.outputListeners.delete(listener);
  return code;
}

// -------------------------------------------------------------------------------------------- containers

function forEachContainer(cli: Cli, args: readonly string[], fn: (term: string) => void | Promise<void>): Promise<number> {
  return (async () => {
    let status = 0;
    for (const a of args) {
      try {
        await fn(a);
        cli.ctx.stdout(`${a}\n`);
      } catch (e) {
        if (e instanceof DockerError) {
          cli.ctx.stderr(`${e.cliText()}\n`);
          status = 1;
        } else throw e;
      }
    }
    return status;
  })();
}

function psFilter(d: Daemon, filters: readonly string[]): (c: Container) => boolean {
  const fs = filters.map((f) => ({ key: f.slice(0, f.indexOf('=')), value: f.slice(f.indexOf('=') + 1) }));
  return (c) =>
    fs.every(({ key, value }) => {
      switch (key) {
        case 'name':
          return new RegExp(value).test(c.name);
        case 'id':
          return c.id.startsWith(value);
        case 'status':
          return c.status === value;
        case 'ancestor':
          return c.config.image === value || c.config.image.split(':')[0] === value;
        case 'network':
          return [...c.networks.keys()].some((id) => id.startsWith(value) || d.networkById(id)?.name === value);
        case 'label': {
          const [k, v] = value.split('=');
          return k !== undefined && c.config.labels?.[k] !== undefined && (v === undefined || c.config.labels[k] === v);
        }
        case 'exited':
          return c.status === 'exited' && String(c.exitCode) === value;
        default:
          return true;
      }
    });
}

async function exec(cli: Cli, argv: string[]): Promise<number> {
  const { ctx, daemon } = cli;
  const p = flags(cli, 'exec', argv, [b('detach', 'd'), b('interactive', 'i'), b('tty', 't'), l('env', 'e'), s('workdir', 'w'), s('user', 'u'), b('privileged')], false);
  needArgs(cli, 'exec', p.args, 2, 'CONTAINER COMMAND [ARG...]');
  let c: Container;
  try {
    c = daemon.findContainer(p.args[0]!);
  } catch (e) {
    return fail(cli, e);
  }
  if (!c.running || c.status === 'restarting') {
    ctx.stderr(`Error response from daemon: container ${c.id} is not running\n`);
    return 1;
  }
  const env = new Map<string, string>();
  for (const e of p.lists.get('env') ?? []) env.set(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
  const detach = p.bools.has('detach');
  const interactive = p.bools.has('interactive');
  // -d: the process runs on in the container, its output goes nowhere (nothing is attached); so after a Ctrl-C
  // that ended the CLI rather than the process.
  let attached = !detach;
  const copy = (sink: (t: string) => void) => (t: string): void => {
    if (attached) sink(t);
  };
  const proxied = !detach && sigintReachesProcess(ctx, p.bools.has('tty'), interactive, false);
  const work = daemon.runCommand(c, p.args.slice(1), { stdout: copy(ctx.stdout), stderr: copy(ctx.stderr), stdin: interactive && !detach ? ctx.stdin : '' }, undefined, env, proxied ? ctx.signal : undefined);
  if (detach) return 0;
  return proxied ? work : untilInterrupted(ctx, work, () => (attached = false));
}

function inspect(cli: Cli, argv: string[]): number {
  const { ctx, daemon } = cli;
  const p = flags(cli, 'inspect', argv, [s('format', 'f'), s('type'), b('size', 's')]);
  needArgs(cli, 'inspect', p.args, 1, '[OPTIONS] NAME|ID [NAME|ID...]');
  const type = p.strings.get('type') ?? '';
  const values: GoStruct[] = [];
  const errors: string[] = [];
  for (const a of p.args) {
    let v: GoStruct | undefined;
    if (type === '' || type === 'container') {
      try {
        v = containerInspectValue(daemon, daemon.findContainer(a), daemon.now);
      } catch {
        v = undefined;
      }
    }
    if (!v && (type === '' || type === 'network')) {
      try {
        v = networkInspectValue(daemon.findNetwork(a, 'api'), daemon.behaviour, daemon.wallClock);
      } catch {
        v = undefined;
      }
    }
    if (v) values.push(v);
    else errors.push(`Error: No such ${type === '' ? 'object' : type}: ${a}`);
  }
  try {
    const f = p.strings.get('format');
    if (f) ctx.stdout(formatInspectTemplate(f, values));
    else ctx.stdout(formatInspectJson(values));
  } catch (e) {
    fail(cli, e);
  }
  for (const e of errors) ctx.stderr(`${e}\n`);
  return errors.length > 0 ? 1 : 0;
}

function port(cli: Cli, argv: string[]): number {
  const { ctx, daemon } = cli;
  const p = flags(cli, 'port', argv, []);
  needArgs(cli, 'port', p.args, 1, 'CONTAINER [PRIVATE_PORT[/PROTO]]', false, 2);
  let c: Container;
  try {
    c = daemon.findContainer(p.args[0]!);
  } catch (e) {
    return fail(cli, e);
  }
  const map = daemon.portMap(c);
  const fmt = (m: { hostIp: string; hostPort: number; ipv6: boolean }): string => `${m.ipv6 ? `[${m.hostIp}]` : m.hostIp}:${m.hostPort}`;
  if (p.args[1] !== undefined) {
    const key = p.args[1].includes('/') ? p.args[1] : `${p.args[1]}/tcp`;
    const list = map.get(key);
    if (!list || list.length === 0) {
      ctx.stderr(`Error: No public port '${key}' published for ${p.args[0]!}\n`);
      return 1;
    }
    for (const m of list) ctx.stdout(`${fmt(m)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const [k, list] of map) for (const m of list) lines.push(`${k} -> ${fmt(m)}`);
  for (const line of lines) ctx.stdout(`${line}\n`);
  return 0;
}

// ------------------------------------------------------------------------------------------------ dispatch

async function dispatch(cli: Cli, argv: string[]): Promise<number> {
  const { ctx, daemon } = cli;
  while (argv[0] !== undefined && argv[0].startsWith('-') && argv[0] !== '--help' && argv[0] !== '-v' && argv[0] !== '--version') {
    const a = argv.shift()!;
    if (a === '-H' || a === '--host' || a === '-c' || a === '--context' || a === '-l' || a === '--log-level' || a === '--config') argv.shift();
  }
  let sub = argv.shift();
  if (sub === 'container') {
    sub = argv.shift();
    if (sub === 'ls' || sub === 'list') sub = 'ps';
    if (sub === 'remove') sub = 'rm';
  }
  if (!daemon.running && sub !== undefined && sub !== 'version' && sub !== '--version' && sub !== '-v') {
    ctx.stderr('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n');
    return 1;
  }
  switch (sub) {
    case 'network':
      return network(cli, argv);
    case 'swarm':
    case 'node':
    case 'service':
    case 'stack':
      return swarmCli(sub, ctx, cli.node, cli.lab, argv);
    case 'run':
      return runOrCreate(cli, argv, true);
    case 'create':
      return runOrCreate(cli, argv, false);
    case 'start': {
      const p = flags(cli, 'start', argv, [b('attach', 'a'), b('interactive', 'i')]);
      needArgs(cli, 'start', p.args, 1, 'CONTAINER [CONTAINER...]');
      return forEachContainer(cli, p.args, async (t) => {
        await daemon.startContainer(t);
      });
    }
    case 'stop':
    case 'restart': {
      const p = flags(cli, sub, argv, [s('time', 't'), s('timeout'), s('signal', 's')]);
      needArgs(cli, sub, p.args, 1, 'CONTAINER [CONTAINER...]');
      const t = p.strings.get('time') ?? p.strings.get('timeout');
      const secs = t !== undefined ? Number(t) : undefined;
      const isRestart = sub === 'restart';
      return forEachContainer(cli, p.args, async (x) => {
        if (isRestart) await daemon.restartContainer(x, secs);
        else await daemon.stopContainer(x, secs, p.strings.get('signal'));
      });
    }
    case 'kill': {
      const p = flags(cli, 'kill', argv, [s('signal', 's')]);
      needArgs(cli, 'kill', p.args, 1, 'CONTAINER [CONTAINER...]');
      return forEachContainer(cli, p.args, (x) => void daemon.killContainer(x, p.strings.get('signal') ?? 'KILL'));
    }
    case 'rm': {
      const p = flags(cli, 'rm', argv, [b('force', 'f'), b('volumes', 'v'), b('link', 'l')]);
      needArgs(cli, 'rm', p.args, 1, 'CONTAINER [CONTAINER...]');
      return forEachContainer(cli, p.args, (x) => void daemon.removeContainer(x, p.bools.has('force')));
    }
    case 'ps': {
      const p = flags(cli, 'ps', argv, [b('all', 'a'), b('quiet', 'q'), b('no-trunc'), s('format'), l('filter', 'f'), b('latest', 'l'), s('last', 'n'), b('size', 's')]);
      needArgs(cli, 'ps', p.args, 0, '', false, 0);
      let list = daemon.containerList();
      if (!p.bools.has('all') && !p.bools.has('latest') && !p.strings.has('last')) list = list.filter((c) => c.running);
      list = list.filter(psFilter(daemon, p.lists.get('filter') ?? []));
      if (p.bools.has('latest')) list = list.slice(0, 1);
      if (p.strings.has('last')) list = list.slice(0, Number(p.strings.get('last')));
      try {
        ctx.stdout(listContainers(daemon, list, daemon.now, { format: p.strings.get('format') ?? '', quiet: p.bools.has('quiet'), noTrunc: p.bools.has('no-trunc') }));
      } catch (e) {
        fail(cli, e);
      }
      return 0;
    }
    case 'exec':
      return exec(cli, argv);
    case 'inspect':
      return inspect(cli, argv);
    case 'logs': {
      const p = flags(cli, 'logs', argv, [b('follow', 'f'), s('tail', 'n'), b('timestamps', 't'), s('since'), s('until'), b('details')]);
      needArgs(cli, 'logs', p.args, 1, 'CONTAINER', true);
      let c: Container;
      try {
        c = daemon.findContainer(p.args[0]!);
      } catch (e) {
        return fail(cli, e);
      }
      const clock = daemon.wallClock.epochUnixSeconds;
      const wallNs = (at: number): bigint => BigInt(clock) * 1_000_000_000n + BigInt(Math.round(at));
      let o: LogsOptions;
      try {
        const when = (flag: 'since' | 'until'): bigint | undefined => {
          const v = p.strings.get(flag);
          if (v === undefined || v === '') return undefined;
          try {
            return clientTimestamp(v, wallNs(daemon.now));
          } catch (e) {
            if (e instanceof TimestampError) throw new TimestampError(`invalid value for "${flag}": ${e.message}`);
            throw e;
          }
        };
        const since = when('since');
        const until = when('until');
        o = { timestamps: p.bools.has('timestamps'), details: p.bools.has('details'), ...(p.strings.has('tail') ? { tail: p.strings.get('tail')! } : {}), ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
      } catch (e) {
        if (!(e instanceof TimestampError)) throw e;
        ctx.stderr(`${e.message}\n`);
        return 1;
      }
      for (const m of selectMessages(messagesOf(c.logs, wallNs), o)) (m.stream === 'stdout' ? ctx.stdout : ctx.stderr)(formatMessage(m, o));
      // dockerd follows only a running container's log (daemon/logs.go: a stopped one's is read to its end and the
      // stream closes), so -f on a created or exited container returns at once, as without it; so does one whose
      // --until has passed.
      if (!p.bools.has('follow') || (c.status !== 'running' && c.status !== 'paused')) return 0;
      if (o.until !== undefined && o.until <= wallNs(daemon.now)) return 0;
      return followLogs(cli, c, (chunk) => messagesOf([chunk], wallNs).filter((m) => o.until === undefined || m.ns <= o.until).map((m) => formatMessage(m, o)).join(''));
    }
    case 'port':
      return port(cli, argv);
    case 'info':
      return dockerInfo(ctx, cli.lab, cli.node, daemon, argv);
    case 'version':
    case '--version':
    case '-v': {
      const v = cli.node.engine;
      if (sub !== 'version') {
        ctx.stdout(`Docker version ${v}, build flotilla\n`);
        return 0;
      }
      return dockerVersion(ctx, cli.node, daemon, argv);
    }
    case undefined:
    case '--help':
      ctx.stdout('\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n');
      return 0;
    default:
      ctx.stderr(`docker: unknown command: docker ${sub}\n\nRun 'docker --help' for more information\n`);
      return 1;
  }
}

/** The `docker` command of a node. */
export function dockerCommand(lab: DockerLab, node: DockerNode): CommandImpl {
  return async (ctx) => {
    const cli: Cli = { ctx, node, daemon: node.daemon, lab };
    try {
      return await dispatch(cli, ctx.argv.slice(1));
    } catch (e) {
      if (e instanceof Exit) return e.code;
      if (e instanceof DockerError) {
        ctx.stderr(`${e.cliText()}\n`);
        return 1;
      }
      throw e;
    }
  };
}

export { Container };
