// The canvas's gestures as the docker commands they stand for: where each runs (a console target), the line, and
// the line that undoes it. Pure: the editor (editor.svelte.ts) runs them through lab.exec, so every gesture is
// journaled with the console commands and replays like them.
import type { ConsoleTarget, RuntimeContainer, RuntimeNetwork } from '../../../src-main/common/api/index.ts';
import { shellWord } from './shell-word.ts';

export interface Command {
  target: ConsoleTarget;
  line: string;
}

export interface Gesture {
  /** What the history and the log call it: "connect es to dev". */
  label: string;
  do: Command;
  /** Commands that finish it, run in order once `do` succeeded (a pasted container joining its other networks). */
  also?: Command[];
  /** The inverse command; absent when the gesture cannot be undone (a removed node loses its containers). */
  undo?: Command;
  /** Commands that finish the undo, run in order after it (networks a paste created, removed after its container). */
  undoAlso?: Command[];
}

export type NetworkKind = 'bridge' | 'internal' | 'macvlan' | 'overlay';

/** The images the palette offers, and the command each is started with so it keeps running. */
export const CATALOG: readonly { image: string; title: string; args?: string; flags?: string }[] = [
  { image: 'nginx', title: 'nginx — web server' },
  { image: 'httpd', title: 'httpd — Apache web server' },
  { image: 'redis', title: 'redis — key-value store' },
  { image: 'elasticsearch:2', title: 'elasticsearch:2 — search' },
  { image: 'alpine', title: 'alpine — a shell (kept running with -it)', flags: '-dit' },
  { image: 'jpetazzo/trainingwheels', title: 'trainingwheels — web app on 5000' },
];

const WS: ConsoleTarget = { kind: 'workstation' };
const on = (node: string): ConsoleTarget => ({ kind: 'node', node });

/** The shell's own quoting is not needed: every name passed here matched Docker's name rule. */
export function createNode(name: string): Gesture {
  return { label: `create node ${name}`, do: { target: WS, line: `docker-machine create ${name}` }, undo: { target: WS, line: `docker-machine rm -f ${name}` } };
}

export function removeNode(name: string): Gesture {
  return { label: `remove node ${name}`, do: { target: WS, line: `docker-machine rm -f ${name}` } };
}

export function runLine(name: string, image: string, network?: string): string {
  const entry = CATALOG.find((c) => c.image === image);
  const parts = ['docker run', entry?.flags ?? '-d', `--name ${name}`];
  if (network) parts.push(`--net ${network}`);
  parts.push(image);
  if (entry?.args) parts.push(entry.args);
  return parts.join(' ');
}

export function runContainer(node: string, name: string, image: string, network?: string): Gesture {
  return {
    label: `run ${image} as ${name}${network ? ` on ${network}` : ''}`,
    do: { target: on(node), line: runLine(name, image, network) },
    undo: { target: on(node), line: `docker rm -f ${name}` },
  };
}

/** Removing a container: its undo starts one like it again (same name, image and first network). */
export function removeContainer(node: string, c: RuntimeContainer): Gesture {
  const first = c.networks[0]?.network;
  const net = first && first !== 'bridge' ? first : undefined;
  return { label: `remove container ${c.name}`, do: { target: on(node), line: `docker rm -f ${c.name}` }, undo: { target: on(node), line: runLine(c.name, c.image, net) } };
}

export interface NetworkSpec {
  name: string;
  kind: NetworkKind;
  subnet?: string;
  gateway?: string;
  /** Overlays only: standalone containers may join it. */
  attachable?: boolean;
}

export function networkLine(s: NetworkSpec): string {
  const parts = ['docker network create'];
  if (s.kind === 'macvlan') parts.push('-d macvlan');
  if (s.kind === 'overlay') parts.push('-d overlay');
  if (s.kind === 'overlay' && s.attachable) parts.push('--attachable');
  if (s.kind === 'internal') parts.push('--internal');
  if (s.subnet) parts.push(`--subnet ${s.subnet}`);
  if (s.gateway) parts.push(`--gateway ${s.gateway}`);
  if (s.kind === 'macvlan') parts.push('-o parent=eth0');
  parts.push(s.name);
  return parts.join(' ');
}

export function createNetwork(node: string, s: NetworkSpec): Gesture {
  return { label: `create network ${s.name}`, do: { target: on(node), line: networkLine(s) }, undo: { target: on(node), line: `docker network rm ${s.name}` } };
}

/** The command that creates `n` again as it was made: every flag its create settings carry (the lab state's
 * `create`), or, when a state lacks them, what the palette's form could have given. `ipam` replaces the subnets
 * (a copy of the network on a node where its own subnet is taken). */
export function recreateLine(n: RuntimeNetwork, ipam?: NonNullable<RuntimeNetwork['create']>['ipam']): string {
  const c = n.create;
  if (!c) {
    const kind: NetworkKind = n.driver === 'macvlan' ? 'macvlan' : n.driver === 'overlay' ? 'overlay' : n.internal ? 'internal' : 'bridge';
    const pool = ipam?.[0] ?? (n.subnet ? { subnet: n.subnet, ...(n.gateway ? { gateway: n.gateway } : {}) } : undefined);
    return networkLine({ name: n.name, kind, ...(pool ? { subnet: pool.subnet, ...(pool.gateway ? { gateway: pool.gateway } : {}) } : {}) });
  }
  const parts = ['docker network create'];
  if (n.driver !== 'bridge') parts.push(`-d ${shellWord(n.driver)}`);
  if (c.attachable) parts.push('--attachable');
  if (n.internal) parts.push('--internal');
  if (c.ipv6) parts.push('--ipv6');
  for (const p of ipam ?? c.ipam) {
    parts.push(`--subnet ${shellWord(p.subnet)}`);
    if (p.ipRange) parts.push(`--ip-range ${shellWord(p.ipRange)}`);
    if (p.gateway) parts.push(`--gateway ${shellWord(p.gateway)}`);
    for (const [k, v] of Object.entries(p.auxAddresses ?? {})) parts.push(`--aux-address ${shellWord(`${k}=${v}`)}`);
  }
  for (const [k, v] of Object.entries(c.options)) parts.push(`-o ${shellWord(v === '' ? k : `${k}=${v}`)}`);
  for (const [k, v] of Object.entries(c.labels)) parts.push(`--label ${shellWord(`${k}=${v}`)}`);
  parts.push(shellWord(n.name));
  return parts.join(' ');
}

export function removeNetwork(node: string, n: RuntimeNetwork): Gesture {
  return { label: `remove network ${n.name}`, do: { target: on(node), line: `docker network rm ${n.name}` }, undo: { target: on(node), line: recreateLine(n) } };
}

export interface ServiceSpec {
  name: string;
  image: string;
  replicas: number;
  /** Published on every node through the routing mesh: "8080:80". */
  publish?: string;
  network?: string;
}

/** Images a service can run: those that keep running by themselves (a shell would exit at once without -it). */
export const SERVICE_IMAGES = CATALOG.filter((c) => c.flags === undefined);

export function serviceLine(s: ServiceSpec): string {
  const entry = CATALOG.find((c) => c.image === s.image);
  const parts = ['docker service create', `--name ${s.name}`, `--replicas ${s.replicas}`];
  if (s.publish) parts.push(`-p ${s.publish}`);
  if (s.network) parts.push(`--network ${s.network}`);
  parts.push(s.image);
  if (entry?.args) parts.push(entry.args);
  return parts.join(' ');
}

/** Creating a service on a manager; undone by removing it (its tasks go with it). */
export function createService(manager: string, s: ServiceSpec): Gesture {
  return { label: `create service ${s.name}`, do: { target: on(manager), line: serviceLine(s) }, undo: { target: on(manager), line: `docker service rm ${s.name}` } };
}

export interface ServiceFormErrors {
  name?: string;
  replicas?: string;
  publish?: string;
}

/** Checks a new service as the person types: a unique valid name, 0..100 replicas, a published port as P:T. */
export function validateService(s: { name: string; replicas: string; publish: string }, taken: Iterable<string>): ServiceFormErrors {
  const errors: ServiceFormErrors = {};
  if (s.name === '') errors.name = 'a name is needed';
  else if (!NAME.test(s.name)) errors.name = 'letters, digits, _ . - only, starting with a letter or digit';
  else if (new Set(taken).has(s.name)) errors.name = `a service named ${s.name} exists`;
  if (!/^\d{1,3}$/.test(s.replicas) || Number(s.replicas) > 100) errors.replicas = 'a whole number from 0 to 100';
  if (s.publish !== '') {
    const m = /^(\d{1,5}):(\d{1,5})(\/(tcp|udp))?$/.exec(s.publish);
    if (!m) errors.publish = 'published:target, such as 8080:80';
    else if ([m[1], m[2]].some((p) => Number(p) < 1 || Number(p) > 65535)) errors.publish = 'ports are 1 to 65535';
  }
  return errors;
}

export function connect(node: string, network: string, container: string): Gesture {
  return {
    label: `connect ${container} to ${network}`,
    do: { target: on(node), line: `docker network connect ${network} ${container}` },
    undo: { target: on(node), line: `docker network disconnect ${network} ${container}` },
  };
}

export function disconnect(node: string, network: string, container: string): Gesture {
  const c = connect(node, network, container);
  return { label: `disconnect ${container} from ${network}`, do: c.undo as Command, undo: c.do };
}

/** The first of prefix1, prefix2, ... not taken. */
export function nextName(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

/** A Docker-friendly name from an image: "jpetazzo/trainingwheels:latest" → "trainingwheels". */
export function nameOfImage(image: string): string {
  return (image.split('/').pop() ?? image).replace(/:.*$/, '').replace(/[^a-zA-Z0-9_.-]/g, '') || 'c';
}

// ------------------------------------------------------------------------------------------ validation

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function parseIp(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((a, p) => a * 256 + p, 0);
}

export function parseCidr(s: string): { base: number; bits: number } | string {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s);
  if (!m) return 'a subnet is written as address/prefix, such as 10.10.0.0/24';
  const ip = parseIp(m[1] as string);
  if (ip === null) return `${m[1]} is not an IPv4 address`;
  const bits = Number(m[2]);
  if (bits > 30) return 'the prefix must be at most /30 (room for a gateway and a container)';
  const size = 2 ** (32 - bits);
  if (ip % size !== 0) return `${s} has host bits set (did you mean ${formatIp(ip - (ip % size))}/${bits}?)`;
  return { base: ip, bits };
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface NetworkFormErrors {
  name?: string;
  subnet?: string;
  gateway?: string;
}

/** Checks a new network as the person types: the name unique and valid, the subnet a CIDR, the gateway inside it. */
export function validateNetwork(s: { name: string; subnet: string; gateway: string }, taken: Iterable<string>): NetworkFormErrors {
  const errors: NetworkFormErrors = {};
  if (s.name === '') errors.name = 'a name is needed';
  else if (!NAME.test(s.name)) errors.name = 'letters, digits, _ . - only, starting with a letter or digit';
  else if (new Set(taken).has(s.name)) errors.name = `a network named ${s.name} exists on this node`;
  const cidr = s.subnet === '' ? null : parseCidr(s.subnet);
  if (typeof cidr === 'string') errors.subnet = cidr;
  if (s.gateway !== '') {
    const gw = parseIp(s.gateway);
    if (gw === null) errors.gateway = `${s.gateway} is not an IPv4 address`;
    else if (cidr === null) errors.gateway = 'a gateway needs a subnet';
    else if (typeof cidr !== 'string') {
      const size = 2 ** (32 - cidr.bits);
      if (gw < cidr.base || gw >= cidr.base + size) errors.gateway = `${s.gateway} is outside ${s.subnet}`;
      else if (gw === cidr.base || gw === cidr.base + size - 1) errors.gateway = `${s.gateway} is the subnet's network or broadcast address`;
    }
  }
  return errors;
}
