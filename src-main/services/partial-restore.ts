// Restoring one node, or one container, from a snapshot and leaving the rest of the lab as it is. The replay design
// cannot splice a part of another world into this one, so the restore is done the way a person would: the docker
// commands that bring that node's (or container's) Docker objects and files to what the snapshot holds — containers
// removed and run again with their options, networks removed and created, files written with printf — are run in
// the lab, and so journaled and replayed like anything typed.
//
// What it gives back: the node itself (address, engine), its user-defined local networks (driver, IPAM, options,
// flags), its containers (configuration, networks with aliases and addresses asked for, published ports, state
// running / created / exited), the text files of the node and of its running containers.
// What it cannot: a recreated container is a new one (new ID, MAC unless asked for, creation time, addresses from
// IPAM unless asked for, exit code); the kernel's learned state (ARP and MAC tables, conntrack and NAT entries,
// TCP connections, IPVS) is whatever the lab has, not the snapshot's; swarm membership, services, tasks and
// swarm-scoped networks are left alone; binary files (tcpdump -w) and files of containers that never ran are not
// written; a changed /etc/docker/daemon.json is written but the daemon is not restarted.
import type { ConsoleTarget } from '../common/api/types.ts';
import type { Vfs } from '../common/vfs.ts';
import type { Container } from '../docker/daemon/container.ts';
import type { Daemon } from '../docker/daemon/daemon.ts';
import type { Network } from '../docker/model.ts';
import type { DockerWorld } from '../docker/world.ts';
import { shellQuote } from '../lab/shell-quote.ts';
import { binaryFiles } from '../shell/nettools/index.ts';

/** One command of a partial restore, with what it ended with. */
export interface RestoreStep {
  readonly target: ConsoleTarget;
  readonly line: string;
  readonly exit: number;
}

/** Runs one line at a target of the lab being restored (journaled), resolving with its exit and output. */
export type Exec = (target: ConsoleTarget, line: string) => Promise<{ exit: number; output: string }>;

export interface PartialRestoreResult {
  readonly steps: RestoreStep[];
  /** What was left as it is, in sentences. */
  readonly notRestored: string[];
}

/** Longest printf argument per command: journal lines stay far below their 64 KiB. */
const PRINTF_CHUNK = 8 * 1024;
/** Paths that fileLines() writes bare (rm -rf, mkdir -p, printf … >): files at any other path are left as they are. */
const SAFE_PATH = /^\/[A-Za-z0-9_@%+=:,./-]*$/;
/** Files Docker writes into every container for its own identity and networks: the new container's are right. */
const DOCKER_MANAGED = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf']);

/**
 * Brings node `node` of the lab (`current()`: the lab's world as it is now, read again after each command) to what
 * world `snap` holds; with `container`, only that container. Commands go through `exec`.
 */
export async function restorePart(snap: DockerWorld, current: () => DockerWorld, exec: Exec, node: string, container?: string): Promise<PartialRestoreResult> {
  const steps: RestoreStep[] = [];
  const notRestored: string[] = [];
  const run = async (target: ConsoleTarget, line: string): Promise<number> => {
    const r = await exec(target, line);
    steps.push({ target, line, exit: r.exit });
    return r.exit;
  };
  const ws: ConsoleTarget = { kind: 'workstation' };
  const at: ConsoleTarget = { kind: 'node', node };
  const sNode = snap.node(node);
  let cNode = current().node(node);

  if (container === undefined) {
    if (!sNode) {
      if (cNode) await run(ws, `docker-machine rm -f ${shellQuote(node)}`);
      return { steps, notRestored };
    }
    if (!cNode) {
      await run(ws, `flotilla node add ${shellQuote(node)} --ip ${sNode.ipText}/${sNode.lan.prefixLength} --engine ${shellQuote(sNode.engine)}`);
      cNode = current().node(node);
      if (!cNode) throw new Error(`node ${node} could not be added again`);
      notRestored.push(`node ${node} was added again with flotilla node add (docker-machine ls shows the generic driver)`);
    }
  } else if (!sNode) throw new Error(`the snapshot has no node named ${node}`);
  else if (!cNode) throw new Error(`the lab has no node named ${node} (restore the node first)`);
  if (!sNode.daemon.running) notRestored.push(`the Docker daemon of ${node} is stopped in the snapshot: containers are restored as if it ran`);

  const sd = sNode.daemon;
  const sContainers = userContainers(sd, notRestored).filter((c) => container === undefined || c.name === container);
  const cContainers = () => userContainers(current().node(node)!.daemon, []).filter((c) => container === undefined || c.name === container);
  if (container !== undefined && sContainers.length === 0 && cContainers().length === 0) {
    throw new Error(`neither the snapshot nor the lab has a container named ${container} on ${node}`);
  }

  // Networks: the snapshot's as `docker network create` lines, by name.
  const sNets = new Map(localNetworks(sd, notRestored).map((n) => [n.name, createLine(n)]));
  const cNets = () => new Map(localNetworks(current().node(node)!.daemon, []).map((n) => [n.name, createLine(n)]));
  const changedNets = new Set([...cNets()].filter(([name, line]) => container === undefined && sNets.get(name) !== line).map(([name]) => name));

  // Containers that go: not in the snapshot, different from it, or on a network that is made again.
  const wanted = new Map(sContainers.map((c) => [c.name, describe(sd, c)]));
  const recreate = new Set<string>();
  for (const c of cContainers()) {
    const d = current().node(node)!.daemon;
    const same = wanted.get(c.name) === describe(d, c) && !networkNames(d, c).some((n) => changedNets.has(n));
    if (!same) await run(at, `docker rm -f ${shellQuote(c.name)}`);
    if (!same && wanted.has(c.name)) recreate.add(c.name);
  }
  for (const c of sContainers) if (!cContainers().some((x) => x.name === c.name)) recreate.add(c.name);

  if (container === undefined) for (const name of changedNets) await run(at, `docker network rm ${shellQuote(name)}`);
  // Networks the snapshot has and the lab lacks now (for one container: only those it is on).
  const needed = container === undefined ? [...sNets.keys()] : sContainers.flatMap((c) => networkNames(sd, c)).filter((n) => sNets.has(n));
  for (const name of needed) if (!cNets().has(name)) await run(at, sNets.get(name)!);

  for (const c of [...sContainers].sort((a, b) => a.created - b.created)) {
    if (recreate.has(c.name)) {
      for (const line of recreateLines(sd, c)) await run(at, line);
    }
    const now = current().node(node)!.daemon;
    const live = now.containerList().find((x) => x.name === c.name);
    if (live?.running && c.status !== 'created') {
      for (const line of fileLines(c.machine.fs, live.machine.fs, DOCKER_MANAGED)) await run(at, `docker exec ${shellQuote(c.name)} sh -c ${shellQuote(line)}`);
    } else if (c.status === 'created') notRestored.push(`files of container ${c.name} (it never ran)`);
    if (recreate.has(c.name) && (c.status === 'exited' || c.status === 'dead')) await run(at, `docker stop ${shellQuote(c.name)}`);
    if (binaryFiles(c.machine.fs).size > 0) notRestored.push(`binary files of container ${c.name} (captures written with tcpdump -w)`);
  }

  if (container === undefined) {
    const nodeFs = current().node(node)!.machine.fs;
    for (const line of fileLines(sNode.machine.fs, nodeFs)) await run(at, line);
    if (binaryFiles(sNode.machine.fs).size > 0) notRestored.push(`binary files of node ${node} (captures written with tcpdump -w)`);
  }
  notRestored.push('ARP and MAC tables, conntrack and NAT entries, TCP connections and IPVS state are the lab\'s, not the snapshot\'s');
  if (recreate.size > 0) notRestored.push(`recreated containers (${[...recreate].join(', ')}) have new IDs, creation times and MACs, and addresses from IPAM unless they were asked for`);
  return { steps, notRestored };
}

/** The containers a person made (swarm tasks are the swarm's business). */
function userContainers(d: Daemon, notes: string[]): Container[] {
  return d.containerList().filter((c) => {
    const task = c.config.labels?.['com.docker.swarm.task.id'] !== undefined || /^\S+\.\d+\.[a-z0-9]{25}$/.test(c.name);
    if (task) notes.push(`swarm task ${c.name}`);
    return !task;
  });
}

/** The user-defined networks of one node (not the predefined ones, not swarm-scoped ones). */
function localNetworks(d: Daemon, notes: string[]): Network[] {
  return d.registry
    .list()
    .filter((n) => {
      if (n.predefined || n.name === 'docker_gwbridge') return false;
      if (n.scope === 'swarm' || n.ingress) {
        notes.push(`swarm network ${n.name}`);
        return false;
      }
      return true;
    })
    .sort((a, b) => a.created - b.created);
}

/** `docker network create` of `n` with every option it was made with. */
export function createLine(n: Network): string {
  const args = ['docker', 'network', 'create'];
  if (n.driver !== 'bridge') args.push('-d', n.driver);
  for (const c of n.ipamConfigV4) {
    if (c.subnet) args.push('--subnet', c.subnet);
    if (c.ipRange) args.push('--ip-range', c.ipRange);
    if (c.gateway) args.push('--gateway', c.gateway);
    for (const [k, v] of Object.entries(c.auxAddresses ?? {})) args.push('--aux-address', `${k}=${v}`);
  }
  if (n.enableIPv6) args.push('--ipv6');
  if (n.internal) args.push('--internal');
  if (n.attachable) args.push('--attachable');
  if (n.ipamDriver !== 'default' && n.ipamDriver !== '') args.push('--ipam-driver', n.ipamDriver);
  for (const [k, v] of Object.entries(n.ipamOptions ?? {})) args.push('--ipam-opt', `${k}=${v}`);
  for (const [k, v] of Object.entries(n.options)) args.push('-o', `${k}=${v}`);
  for (const [k, v] of Object.entries(n.labels)) args.push('--label', `${k}=${v}`);
  args.push(n.name);
  return args.map(shellQuote).join(' ');
}

/** A network as Docker finds one by what the user typed: its name, else its full ID, else a unique ID prefix. */
function findNetwork(d: Daemon, term: string): Network | undefined {
  const all = d.registry.list();
  const prefixed = all.filter((n) => n.id.startsWith(term));
  return all.find((n) => n.name === term) ?? all.find((n) => n.id === term) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
}

function networkNames(d: Daemon, c: Container): string[] {
  return [...c.networks.keys()].map((id) => d.registry.get(id)?.name ?? id);
}

/** What makes two containers the same for a restore: how they were run, their networks, their state. */
function describe(d: Daemon, c: Container): string {
  const state = c.status === 'paused' || c.status === 'restarting' ? 'running' : c.status === 'dead' ? 'exited' : c.status;
  const own = (a: string) => a !== c.name && a !== c.id.slice(0, 12);
  const nets = [...c.networks].map(([id, ec]) => `${d.registry.get(id)?.name ?? id}:${JSON.stringify({ ...ec, aliases: ec.aliases.filter(own) })}`);
  return `${recreateLines(d, c).join('\n')}\n${state}\n${nets.join(',')}`;
}

/** The commands that make container `c` again as it was run (and connected since). */
export function recreateLines(d: Daemon, c: Container): string[] {
  const cfg = c.config;
  const args = ['docker', c.status === 'created' ? 'create' : 'run'];
  if (c.status !== 'created') args.push('-d');
  args.push('--name', c.name);
  const names = networkNames(d, c);
  const mode = cfg.networkMode ?? 'default';
  const userMode = mode !== 'default' && mode !== 'bridge' && mode !== 'host' && mode !== 'none' && !mode.startsWith('container:');
  // The network it was run on, by name (it may have been given by ID), with that network's settings.
  const first = userMode ? (findNetwork(d, mode)?.name ?? mode) : undefined;
  if (mode !== 'default') args.push('--network', first ?? mode);
  const firstId = first === undefined ? undefined : d.registry.list().find((n) => n.name === first)?.id;
  const firstCfg = (firstId && c.networks.get(firstId)) ?? cfg.networks?.get(mode);
  if (firstCfg && first !== undefined) {
    for (const a of firstCfg.aliases) if (a !== c.name && a !== c.id.slice(0, 12)) args.push('--network-alias', a);
    if (firstCfg.ipv4) args.push('--ip', firstCfg.ipv4);
    if (firstCfg.ipv6) args.push('--ip6', firstCfg.ipv6);
  }
  if (cfg.macAddress) args.push('--mac-address', cfg.macAddress);
  if (cfg.hostname) args.push('--hostname', cfg.hostname);
  if (cfg.domainname) args.push('--domainname', cfg.domainname);
  for (const e of cfg.env ?? []) args.push('-e', e);
  for (const p of cfg.publish ?? []) {
    const host = p.hostPortEnd !== undefined ? `${p.hostPort}-${p.hostPortEnd}` : p.hostPort === 0 ? '' : String(p.hostPort);
    args.push('-p', `${p.hostIp ? `${p.hostIp}:` : ''}${host}${host || p.hostIp ? ':' : ''}${p.containerPort}/${p.proto}`);
  }
  if (cfg.publishAll) args.push('-P');
  for (const e of cfg.expose ?? []) args.push('--expose', e);
  for (const l of cfg.links ?? []) args.push('--link', l);
  for (const x of cfg.dns ?? []) args.push('--dns', x);
  for (const x of cfg.dnsSearch ?? []) args.push('--dns-search', x);
  for (const x of cfg.dnsOptions ?? []) args.push('--dns-option', x);
  for (const x of cfg.extraHosts ?? []) args.push('--add-host', x);
  if (cfg.restart && cfg.restart.name !== 'no') args.push('--restart', cfg.restart.name === 'on-failure' && cfg.restart.maxRetries > 0 ? `on-failure:${cfg.restart.maxRetries}` : cfg.restart.name);
  if (cfg.autoRemove) args.push('--rm');
  if (cfg.tty) args.push('-t');
  if (cfg.interactive) args.push('-i');
  for (const [k, v] of Object.entries(cfg.labels ?? {})) args.push('--label', `${k}=${v}`);
  if (cfg.workdir) args.push('--workdir', cfg.workdir);
  if (cfg.stopTimeout !== undefined) args.push('--stop-timeout', String(cfg.stopTimeout));
  if (cfg.entrypoint !== undefined) args.push('--entrypoint', cfg.entrypoint);
  args.push(cfg.image, ...(cfg.cmd ?? []));
  const lines = [args.map(shellQuote).join(' ')];
  // Networks it was connected to since, and the one it was run on if it left it.
  for (const [id, ec] of c.networks) {
    const name = d.registry.get(id)?.name;
    if (name === undefined || name === first || (mode === 'default' && name === 'bridge') || name === mode) continue;
    const connect = ['docker', 'network', 'connect'];
    for (const a of ec.aliases) if (a !== c.name && a !== c.id.slice(0, 12)) connect.push('--alias', a);
    if (ec.ipv4) connect.push('--ip', ec.ipv4);
    connect.push(name, c.name);
    lines.push(connect.map(shellQuote).join(' '));
  }
  const onFirst = first !== undefined ? names.includes(first) : mode === 'default' ? names.includes('bridge') : true;
  if (!onFirst && (first ?? (mode === 'default' ? 'bridge' : undefined)) !== undefined) {
    lines.push(['docker', 'network', 'disconnect', first ?? 'bridge', c.name].map(shellQuote).join(' '));
  }
  return lines;
}

/** Every directory and text file of a file system: path → content (undefined for a directory). */
function listFiles(fs: Vfs): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const binary = binaryFiles(fs);
  const walk = (dir: string): void => {
    for (const e of fs.list(dir)) {
      const p = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
      if (e.kind === 'dir') {
        out.set(p, undefined);
        walk(p);
      } else if (!binary.has(p)) out.set(p, fs.readFile(p));
    }
  };
  walk('/');
  return out;
}

/** Shell lines (sh, bash or busybox ash) that turn file system `from` into `to` for text files and folders (but
 * the paths in `keep`, left as they are). */
export function fileLines(to: Vfs, from: Vfs, keep: ReadonlySet<string> = new Set()): string[] {
  const want = listFiles(to);
  const have = listFiles(from);
  for (const p of keep) {
    want.delete(p);
    have.delete(p);
  }
  const lines: string[] = [];
  const gone = [...have.keys()].filter((p) => !want.has(p) && SAFE_PATH.test(p)).sort();
  // Deepest first is not needed: rm -rf of a folder takes what is in it; skip what an earlier line took.
  const removed: string[] = [];
  for (const p of gone) {
    if (removed.some((r) => p.startsWith(`${r}/`))) continue;
    removed.push(p);
    lines.push(`rm -rf ${p}`);
  }
  for (const [p, text] of [...want].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!SAFE_PATH.test(p)) continue;
    if (text === undefined) {
      if (!have.has(p) || have.get(p) !== undefined) lines.push(`mkdir -p ${p}`);
      continue;
    }
    if (have.get(p) === text) continue;
    if (text.length === 0) {
      lines.push(`: > ${p}`);
      continue;
    }
    const chars = Array.from(text); // by code point: a chunk never splits a character
    for (let i = 0; i < chars.length; i += PRINTF_CHUNK) {
      lines.push(`printf '${octal(chars.slice(i, i + PRINTF_CHUNK).join(''))}' ${i === 0 ? '>' : '>>'} ${p}`);
    }
  }
  return lines;
}

/**
 * Text as a printf format (in single quotes) that prints it: letters, digits, spaces and non-ASCII characters as
 * they are (the shells' files hold text, not bytes), every other ASCII character as \NNN.
 */
function octal(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += /[A-Za-z0-9 ]/.test(ch) || code > 0x7f ? ch : `\\${code.toString(8).padStart(3, '0')}`;
  }
  return out;
}
