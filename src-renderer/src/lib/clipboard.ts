// Copy and paste of containers: what a copy keeps of a running container (its image, networks with their aliases,
// published ports, environment, command, -t/-i), and the docker commands that start another like it — a fresh
// name, a host port that is free on the node it lands on (or none), the first network in `docker run`, the others
// joined by `docker network connect`. Pure, so the command lines are unit-tested.
import type { RuntimeContainer, RuntimeNetwork, RuntimeNode } from '../../../src-main/common/api/index.ts';
import { formatIp, nameOfImage, nextName, parseCidr, parseIp, recreateLine, type Command, type Gesture } from './gestures.ts';
import { shellWord } from './shell-word.ts';

export interface ContainerCopy {
  /** Where it was copied from (its name starts the copies' names). */
  from: { node: string; name: string };
  image: string;
  /** In join order; the default bridge is left out (a container lands there anyway). `network` is the network as
   * it was on the node copied from (a paste elsewhere can create one like it). */
  networks: { name: string; aliases: string[]; network?: RuntimeNetwork }[];
  /** The ID of the swarm ingress network of the node copied from: a node with the same one is in the same swarm. */
  swarm?: string;
  ports: { containerPort: number; proto: string; hostIp: string; hostPort: number }[];
  env: string[];
  cmd: string[];
  tty: boolean;
  interactive: boolean;
}

/** `networks`: the networks of the node copied from. */
export function copyContainer(node: string, c: RuntimeContainer, networks: readonly RuntimeNetwork[] = []): ContainerCopy {
  const ingress = networks.find((n) => n.ingress)?.id;
  return {
    from: { node, name: c.name },
    ...(ingress ? { swarm: ingress } : {}),
    image: c.image,
    networks: c.networks
      .filter((e) => e.network !== 'bridge' && e.network !== 'host' && e.network !== 'none')
      .map((e) => {
        const network = networks.find((n) => n.id === e.networkId);
        return { name: e.network, aliases: [...e.aliases], ...(network ? { network } : {}) };
      }),
    ports: c.ports.map((p) => ({ ...p })),
    env: [...(c.env ?? [])],
    cmd: [...(c.cmd ?? [])],
    tty: c.tty === true,
    interactive: c.interactive === true,
  };
}

export { shellWord };

/** Host ports already published on a node, as "port/proto". */
function usedPorts(node: RuntimeNode): Set<string> {
  return new Set(node.containers.flatMap((c) => c.ports.map((p) => `${p.hostPort}/${p.proto}`)));
}

/** The same host port when it is free on the node, else the next free one above it (none past 65535). */
export function freeHostPort(want: number, proto: string, used: Set<string>): number | null {
  for (let p = want; p <= 65535; p++) if (!used.has(`${p}/${proto}`)) return p;
  return null;
}

/** The name a copy gets: the original's name and a number, unique in the lab. */
export function copyName(copy: ContainerCopy, taken: Iterable<string>): string {
  const base = copy.from.name.replace(/-\d+$/, '') || nameOfImage(copy.image);
  return nextName(`${base}-`, taken);
}

/** Whether a container on `target` can join the copy's network `name`: the node has it, or it is a swarm network of
 * the node's own swarm (a worker gets an attachable one when a container joins it). */
function reachable(copy: ContainerCopy, target: RuntimeNode, name: string): boolean {
  if (target.networks.some((n) => n.name === name)) return true;
  const net = copy.networks.find((n) => n.name === name)?.network;
  return net?.scope === 'swarm' && copy.swarm !== undefined && target.networks.some((n) => n.ingress && n.id === copy.swarm);
}

export interface MissingNetworks {
  /** User networks the target lacks that it can have: created there like the original (a free subnet). */
  creatable: RuntimeNetwork[];
  /** Networks it lacks and cannot have here (an overlay on a node that is no swarm manager): left out. */
  skipped: string[];
}

/** The copy's networks that `target` lacks. */
export function missingNetworks(copy: ContainerCopy, target: RuntimeNode): MissingNetworks {
  const out: MissingNetworks = { creatable: [], skipped: [] };
  for (const n of copy.networks) {
    if (reachable(copy, target, n.name)) continue;
    const net = n.network;
    const canCreate = net?.create !== undefined && (net.driver !== 'overlay' || target.swarmRole === 'manager');
    if (canCreate) out.creatable.push(net);
    else out.skipped.push(n.name);
  }
  return out;
}

/**
 * The subnets `net` is created with on a node where `taken` (CIDRs) are in use: its own when free, else the next
 * free block of the same size, its gateway and ranges moved with it. Empty when the daemon chose its pool (it
 * chooses a free one again); null when no free block is left.
 */
export function freeIpam(net: RuntimeNetwork, taken: readonly string[]): NonNullable<RuntimeNetwork['create']>['ipam'] | null {
  const used = taken.map((t) => parseCidr(t)).filter((c) => typeof c !== 'string');
  const out: NonNullable<RuntimeNetwork['create']>['ipam'] = [];
  for (const p of net.create?.ipam ?? []) {
    const c = parseCidr(p.subnet);
    if (typeof c === 'string') continue; // IPv6: the daemon's checks apply there
    const size = 2 ** (32 - c.bits);
    const clash = (base: number) => used.some((u) => base < u.base + 2 ** (32 - u.bits) && u.base < base + size);
    let base = c.base;
    while (clash(base)) {
      base += size;
      if (base + size > 2 ** 32) return null;
    }
    used.push({ base, bits: c.bits });
    const move = (ip: string) => formatIp((parseIp(ip) ?? c.base) - c.base + base);
    const moveCidr = (r: string) => `${move(r.split('/')[0] as string)}/${r.split('/')[1] ?? '32'}`;
    out.push({
      subnet: `${formatIp(base)}/${c.bits}`,
      ...(p.ipRange ? { ipRange: moveCidr(p.ipRange) } : {}),
      ...(p.gateway ? { gateway: move(p.gateway) } : {}),
      ...(p.auxAddresses ? { auxAddresses: Object.fromEntries(Object.entries(p.auxAddresses).map(([k, v]) => [k, move(v)])) } : {}),
    });
  }
  return out;
}

/** The commands that create the copy's missing networks on `target`, in the copy's order. */
export function createMissingLines(networks: readonly RuntimeNetwork[], target: RuntimeNode): string[] {
  const taken = target.networks.map((n) => n.subnet).filter((s): s is string => s !== null);
  const lines: string[] = [];
  for (const n of networks) {
    const ipam = freeIpam(n, taken);
    lines.push(recreateLine(n, ipam ?? undefined));
    for (const p of ipam ?? []) taken.push(p.subnet);
  }
  return lines;
}

/** The paste as commands on `target`: docker run, then one docker network connect per further network. `created`:
 * networks the paste creates first (the target lacked them). */
export function pasteLines(copy: ContainerCopy, name: string, target: RuntimeNode, created: readonly string[] = []): string[] {
  const flags = `-d${copy.interactive ? 'i' : ''}${copy.tty ? 't' : ''}`;
  const parts = ['docker run', flags, `--name ${shellWord(name)}`];
  // Networks of the copy that the target node lacks (pasted onto another node) are left out rather than fail.
  const nets = copy.networks.filter((n) => created.includes(n.name) || reachable(copy, target, n.name));
  const [first, ...rest] = nets;
  if (first) {
    parts.push(`--net ${shellWord(first.name)}`);
    for (const a of first.aliases) parts.push(`--network-alias ${shellWord(a)}`);
  }
  const used = usedPorts(target);
  for (const p of copy.ports) {
    const host = freeHostPort(p.hostPort, p.proto, used);
    if (host === null) continue;
    used.add(`${host}/${p.proto}`);
    const ip = p.hostIp === '0.0.0.0' || p.hostIp === '' ? '' : `${p.hostIp}:`;
    parts.push(`-p ${ip}${host}:${p.containerPort}${p.proto === 'tcp' ? '' : `/${p.proto}`}`);
  }
  for (const e of copy.env) parts.push(`-e ${shellWord(e)}`);
  parts.push(shellWord(copy.image));
  for (const a of copy.cmd) parts.push(shellWord(a));
  const lines = [parts.join(' ')];
  for (const n of rest) lines.push(['docker network connect', ...n.aliases.map((a) => `--alias ${shellWord(a)}`), shellWord(n.name), shellWord(name)].join(' '));
  return lines;
}

/**
 * Pasting as a gesture: undone by removing the new container (which leaves its networks too). With `create`, the
 * networks the target lacks are created first (and removed again by the undo); without, the container joins only
 * those the target has.
 */
export function pasteContainer(copy: ContainerCopy, name: string, target: RuntimeNode, create = false): Gesture {
  const on = { kind: 'node', node: target.name } as const;
  const cmd = (line: string): Command => ({ target: on, line });
  const made = create ? missingNetworks(copy, target).creatable : [];
  const lines = [...createMissingLines(made, target), ...pasteLines(copy, name, target, made.map((n) => n.name))];
  const [first, ...rest] = lines as [string, ...string[]];
  const removeMade = made.map((n) => cmd(`docker network rm ${shellWord(n.name)}`)).reverse();
  return {
    label: `paste ${copy.from.name} as ${name}${made.length ? ` (creating ${made.map((n) => n.name).join(', ')})` : ''}`,
    do: cmd(first),
    ...(rest.length ? { also: rest.map(cmd) } : {}),
    undo: cmd(`docker rm -f ${shellWord(name)}`),
    ...(removeMade.length ? { undoAlso: removeMade } : {}),
  };
}

/** What the command log says of a paste onto a node that lacked some of the copy's networks. */
export function pasteNote(target: string, missing: MissingNetworks, created: boolean): string | null {
  const names = (xs: readonly string[]) => xs.join(', ');
  const parts: string[] = [];
  if (missing.creatable.length) {
    const ns = names(missing.creatable.map((n) => n.name));
    parts.push(created ? `created ${ns} on ${target}` : `${target} lacks ${ns}: joined only the networks it has`);
  }
  if (missing.skipped.length) parts.push(`left out ${names(missing.skipped)} (${target} cannot have ${missing.skipped.length > 1 ? 'them' : 'it'})`);
  return parts.length ? `# paste: ${parts.join('; ')}` : null;
}
