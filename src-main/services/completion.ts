// Tab completion for the consoles: the word at the cursor, and what may stand there — a command name, a docker /
// docker-machine subcommand or flag, the name of a container, network, node or image of the lab, or a path in the
// console machine's files. Tables, not parsing of the CLIs: the flags listed are the ones a tutorial uses.
import type { Completions } from '../common/api/types.ts';
import type { DockerNode, DockerWorld } from '../docker/world.ts';
import type { Shell } from '../shell/interpreter.ts';

export interface CompletionScope {
  readonly shell: Shell;
  readonly world: DockerWorld;
  /** The node whose docker CLI this console talks to (node consoles). */
  readonly node?: DockerNode;
}

const DOCKER = ['attach', 'container', 'create', 'exec', 'images', 'info', 'inspect', 'kill', 'logs', 'network', 'node', 'port', 'ps', 'pull', 'restart', 'rm', 'run', 'service', 'stack', 'start', 'stop', 'swarm', 'version'];
const DOCKER_NETWORK = ['connect', 'create', 'disconnect', 'inspect', 'ls', 'prune', 'rm'];
const DOCKER_SWARM = ['init', 'join', 'join-token', 'leave', 'update'];
const DOCKER_SERVICE = ['create', 'inspect', 'logs', 'ls', 'ps', 'rm', 'scale', 'update'];
const DOCKER_NODE = ['demote', 'inspect', 'ls', 'promote', 'ps', 'rm', 'update'];
const MACHINE = ['create', 'inspect', 'ip', 'ls', 'rm', 'ssh', 'status', 'url'];
const RUN_FLAGS = ['--add-host', '--detach', '--dns', '--entrypoint', '--env', '--expose', '--hostname', '--interactive', '--ip', '--link', '--mac-address', '--name', '--net', '--network', '--network-alias', '--publish', '--publish-all', '--restart', '--rm', '--tty', '--workdir', '-d', '-e', '-h', '-i', '-it', '-P', '-p', '-t', '-w'];
const FLAGS: Readonly<Record<string, readonly string[]>> = {
  run: RUN_FLAGS,
  create: RUN_FLAGS,
  ps: ['--all', '--filter', '--format', '--no-trunc', '--quiet', '-a', '-f', '-q'],
  exec: ['--detach', '--env', '--interactive', '--tty', '--workdir', '-d', '-e', '-i', '-it', '-t', '-w'],
  inspect: ['--format', '--type', '-f'],
  logs: ['--follow', '--tail', '--timestamps', '-f', '-t'],
  rm: ['--force', '--volumes', '-f', '-v'],
  stop: ['--time', '-t'],
  restart: ['--time', '-t'],
  kill: ['--signal', '-s'],
  'network create': ['--attachable', '--aux-address', '--driver', '--gateway', '--internal', '--ip-range', '--ipv6', '--label', '--opt', '--scope', '--subnet', '-d', '-o'],
  'network ls': ['--filter', '--format', '--no-trunc', '--quiet', '-f', '-q'],
  'network inspect': ['--format', '--verbose', '-f', '-v'],
  'network connect': ['--alias', '--ip', '--link'],
  'network disconnect': ['--force', '-f'],
  'network rm': ['--force', '-f'],
};
/** Flags whose value is the next word (for `docker SUB` and `docker network SUB`). */
const VALUE_FLAGS = new Set(['--add-host', '--alias', '--aux-address', '--dns', '--entrypoint', '--env', '--expose', '--filter', '--format', '--gateway', '--hostname', '--ip', '--ip-range', '--label', '--link', '--mac-address', '--name', '--net', '--network', '--network-alias', '--opt', '--publish', '--restart', '--scope', '--signal', '--subnet', '--tail', '--time', '--type', '--workdir', '-e', '-f', '-h', '-o', '-p', '-s', '-w']);
/** Short flags that take a value in some subcommands only. */
const valueFlag = (sub: string | undefined, flag: string): boolean =>
  VALUE_FLAGS.has(flag) || (flag === '--driver' || (flag === '-d' && sub === 'network')) || (flag === '-t' && (sub === 'stop' || sub === 'restart'));
const CONTAINER_SUBS = new Set(['attach', 'exec', 'inspect', 'kill', 'logs', 'port', 'restart', 'rm', 'start', 'stop']);
const HOST_TOOLS = new Set(['ping', 'curl', 'wget', 'nslookup', 'dig', 'host', 'traceroute', 'nc']);
const SEPARATORS = new Set([';', '|', '||', '&&', '&', '(', ')', '{', '}', '!', 'then', 'do', 'else']);

/** The words of the command at the cursor (quotes are not parsed: completion is a convenience, not the shell). */
function wordsBefore(text: string): string[] {
  const tokens = text.match(/\|\||&&|[;|&()]|[^\s;|&()]+/g) ?? [];
  let start = 0;
  tokens.forEach((t, i) => {
    if (SEPARATORS.has(t)) start = i + 1;
  });
  return tokens.slice(start);
}

function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort();
}

function containerNames(node: DockerNode | undefined): string[] {
  return node?.daemon.running ? [...node.daemon.containers.values()].map((c) => c.name) : [];
}

function networkNames(node: DockerNode | undefined): string[] {
  return node?.daemon.running ? node.daemon.registry.list().map((n) => n.name) : [];
}

function imageNames(world: DockerWorld): string[] {
  return world.imageCatalog.list().map((i) => i.name);
}

function paths(shell: Shell, word: string): string[] {
  const slash = word.lastIndexOf('/');
  const dir = slash < 0 ? '' : word.slice(0, slash + 1);
  try {
    return shell.fs.list(dir === '' ? '.' : dir, shell.cwd).map((e) => `${dir}${e.name}${e.kind === 'dir' ? '/' : ''}`);
  } catch {
    return [];
  }
}

/** What may stand where `word` is, given the words before it. */
function candidates(scope: CompletionScope, before: string[], word: string): string[] {
  const { shell, world, node } = scope;
  if (before.length === 0) {
    if (word.includes('/')) return paths(shell, word);
    return [...shell.commands.keys()];
  }
  const [cmd, ...args] = before as [string, ...string[]];
  const prev = before[before.length - 1] as string;
  switch (cmd) {
    case 'docker': {
      const first = args.find((a) => !a.startsWith('-'));
      const positional = args.filter((a, i) => !a.startsWith('-') && !(i > 0 && valueFlag(first, args[i - 1] as string)));
      let sub = positional[0];
      if (sub === 'container') sub = positional[1];
      if (sub === undefined) return word.startsWith('-') ? ['--help', '--version'] : DOCKER;
      if (prev === '--net' || prev === '--network') return networkNames(node);
      if (valueFlag(sub, prev)) return [];
      const group = sub === 'network' ? 'network' : sub === 'swarm' ? 'swarm' : sub === 'service' ? 'service' : sub === 'node' ? 'node' : undefined;
      if (group !== undefined) {
        const verb = positional[1];
        if (verb === undefined) return group === 'network' ? DOCKER_NETWORK : group === 'swarm' ? DOCKER_SWARM : group === 'service' ? DOCKER_SERVICE : DOCKER_NODE;
        if (word.startsWith('-')) return [...(FLAGS[`${group} ${verb}`] ?? [])];
        if (group !== 'network') return [];
        if (verb === 'connect' || verb === 'disconnect') return positional.length === 2 ? networkNames(node) : containerNames(node);
        if (verb === 'inspect' || verb === 'rm') return networkNames(node);
        return [];
      }
      if (word.startsWith('-')) return [...(FLAGS[sub] ?? [])];
      if (sub === 'run' || sub === 'create') return positional.length === 1 ? imageNames(world) : paths(shell, word);
      if (CONTAINER_SUBS.has(sub)) return sub === 'exec' && positional.length > 1 ? [] : containerNames(node);
      return [];
    }
    case 'docker-machine': {
      const positional = args.filter((a) => !a.startsWith('-'));
      if (positional.length === 0) return word.startsWith('-') ? [] : MACHINE;
      if (positional.length === 1 && positional[0] !== 'create' && positional[0] !== 'ls') return world.nodeList().map((n) => n.name);
      return [];
    }
    case 'flotilla':
      return args.length === 0 ? ['node'] : args.length === 1 && args[0] === 'node' ? ['add'] : args.length >= 3 ? ['--engine', '--ip'] : [];
    case 'systemctl':
      return args.length === 0 ? ['is-active', 'restart', 'start', 'stop'] : args.length === 1 ? ['docker'] : [];
    default:
      if (HOST_TOOLS.has(cmd) && !word.startsWith('-') && !word.includes('/')) {
        return [...world.nodeList().map((n) => n.name), ...containerNames(node)];
      }
      return paths(shell, word);
  }
}

/** The completions of the word that ends at `cursor` in `line`. */
export function complete(scope: CompletionScope, line: string, cursor: number): Completions {
  const at = Math.max(0, Math.min(cursor, line.length));
  const head = line.slice(0, at);
  const m = /[^\s;|&()]*$/.exec(head);
  const word = m ? m[0] : '';
  const start = at - word.length;
  const all = candidates(scope, wordsBefore(head.slice(0, start)), word);
  return { start, end: at, candidates: sortedUnique(all.filter((c) => c.startsWith(word))) };
}
