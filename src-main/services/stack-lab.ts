// Stack files in and out of labs. In: the file is checked (lab/stack-import.ts, errors with the field path), then a
// swarm is built the way a person would build it — `docker-machine create` × N, `docker swarm init` on the first,
// `docker swarm join` from the others — the file is written on the manager with a here-document, and `docker stack
// deploy -c FILE STACK` runs there; the journal holds those lines. Out: the lab is replayed headlessly and the
// swarm's services are read back from the manager's store (lab/stack-export.ts).
import { STACK_NODES_MAX } from '../common/api/compose-contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { ConsoleTarget, LabDocument } from '../common/api/types.ts';
import { swarmOf } from '../docker/swarm/node.ts';
import type { ServiceRecord, SwarmNetworkRecord } from '../docker/swarm/types.ts';
import type { SwarmCluster } from '../docker/swarm/cluster.ts';
import { shellQuote } from '../lab/shell-quote.ts';
import { DEFAULT_SEED } from '../lab/document.ts';
import { formatLabYaml } from '../lab/lab-yaml.ts';
import { formatStack, type StackNetworkModel, type StackServiceModel } from '../lab/stack-export.ts';
import { checkStack, heredocDelimiter } from '../lab/stack-import.ts';
import { SECOND } from '../sim/time.ts';
import { parseComposeText, runSteps, type LabStep } from './compose-lab.ts';
import { replayDocument } from './replay.ts';

/** A journal line holds at most 64 KiB; the here-document carries the file in one. */
const STACK_FILE_MAX = 60 * 1024;
const STACK_LABEL = 'com.docker.stack.namespace';

export interface StackImportOptions {
  /** The stack's name (`docker stack deploy … NAME`). */
  readonly stack: string;
  /** Swarm nodes (default 1); node1 is the manager. */
  readonly nodes?: number;
  readonly seed?: number;
}

/** The lab a stack file describes: a swarm of N nodes with the stack deployed on it. */
export async function stackToDocument(text: string, where: string, opts: StackImportOptions): Promise<LabDocument> {
  const stack = opts.stack;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/.test(stack)) throw new FlotillaError('invalid-argument', `--stack: invalid stack name "${stack}" (letters, digits, - and _)`, 'stack');
  const nodes = opts.nodes ?? 1;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > STACK_NODES_MAX) throw new FlotillaError('invalid-argument', `--nodes: must be a whole number from 1 to ${STACK_NODES_MAX}, got ${String(opts.nodes)}`, 'nodes');
  if (text.length > STACK_FILE_MAX) throw new FlotillaError('invalid-argument', `${where}: the file is larger than ${STACK_FILE_MAX / 1024} KiB, too big to place on the manager`);
  checkStack(parseComposeText(text, where), where);
  const names = Array.from({ length: nodes }, (_, i) => `node${i + 1}`);
  const ws: ConsoleTarget = { kind: 'workstation' };
  const manager: ConsoleTarget = { kind: 'node', node: names[0]! };
  const file = `${stack}.yml`;
  const body = text.endsWith('\n') ? text : `${text}\n`;
  const eof = heredocDelimiter(body);
  const steps: LabStep[] = [
    ...names.map((n) => ({ console: 1, target: ws, line: `docker-machine create ${n}` })),
    { console: 2, target: manager, line: 'docker swarm init' },
    ...names.slice(1).map((n) => ({
      console: 1,
      target: ws,
      line: `docker-machine ssh ${n} docker swarm join --token $(docker-machine ssh ${names[0]} docker swarm join-token -q worker) $(docker-machine ip ${names[0]}):2377`,
    })),
    { console: 2, target: manager, line: `cat > ${shellQuote(file)} <<'${eof}'\n${body}${eof}` },
    { console: 2, target: manager, line: `docker stack deploy -c ${shellQuote(file)} ${shellQuote(stack)}` },
  ];
  // the tasks get scheduled and started: what `docker stack services` shows a few seconds later
  return runSteps(steps, where, opts.seed ?? DEFAULT_SEED, 10 * SECOND);
}

/** stackToDocument as lab.yaml text (what `labs.import` takes). */
export async function stackToLabYaml(text: string, where: string, name: string, opts: StackImportOptions): Promise<string> {
  return formatLabYaml(name, await stackToDocument(text, where, opts));
}

/** The lab's swarm services as a stack file, from the lab's replayed state. */
export async function documentToStack(doc: LabDocument, opts: { labName?: string } = {}): Promise<string> {
  const { lab } = await replayDocument(doc);
  try {
    const clusters = [...swarmOf(lab.world).clusters.values()];
    const cluster = clusters.find((c) => c.services.size > 0) ?? clusters[0];
    if (!cluster) throw new FlotillaError('invalid-argument', 'the lab has no swarm: nothing to export as a stack (export its containers with --compose)');
    if (cluster.services.size === 0) throw new FlotillaError('invalid-argument', 'the lab\'s swarm has no services: nothing to export as a stack');
    const { networks, services, stack } = stackModel(cluster);
    const comment = `Exported by Flotilla${opts.labName ? ` from the lab "${opts.labName}"` : ''}${stack ? `: docker stack deploy -c FILE ${stack}` : ''}.`;
    return formatStack(networks, services, comment);
  } finally {
    lab.world.dispose();
  }
}

/** The swarm's services and the user networks they use; one stack's own names lose its `<stack>_` prefix. */
export function stackModel(cluster: SwarmCluster): { networks: StackNetworkModel[]; services: StackServiceModel[]; stack: string | undefined } {
  const records = [...cluster.services.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  const stacks = new Set(records.map((r) => r.spec.labels[STACK_LABEL]));
  const stack = stacks.size === 1 ? [...stacks][0] : undefined;
  const strip = (name: string): string => (stack !== undefined && name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name);
  const used = new Map<string, SwarmNetworkRecord>();
  const netOf = (target: string): SwarmNetworkRecord | undefined => cluster.networks.get(target) ?? [...cluster.networks.values()].find((n) => n.name === target);
  const services = records.map((r): StackServiceModel => serviceModel(r, stack, strip, netOf, used));
  const networks = [...used.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((n): StackNetworkModel => {
      const own = stack !== undefined && n.labels[STACK_LABEL] === stack && n.name.startsWith(`${stack}_`);
      const labels = Object.fromEntries(Object.entries(n.labels).filter(([k]) => k !== STACK_LABEL));
      return { key: own ? strip(n.name) : n.name, ...(own ? {} : { name: n.name }), attachable: n.attachable, internal: n.internal, ...(n.userSubnet ? { subnet: n.subnet } : {}), options: { ...n.options }, labels };
    });
  return { networks, services, stack };
}

function serviceModel(
  r: ServiceRecord,
  stack: string | undefined,
  strip: (name: string) => string,
  netOf: (target: string) => SwarmNetworkRecord | undefined,
  used: Map<string, SwarmNetworkRecord>,
): StackServiceModel {
  const s = r.spec;
  const key = strip(s.name);
  const networks: { key: string; aliases: string[] }[] = [];
  for (const n of s.networks) {
    const rec = netOf(n.target);
    if (!rec || rec.ingress) continue;
    // a stack's services on <stack>_default only: the file says nothing, as the user wrote nothing
    if (stack !== undefined && rec.name === `${stack}_default` && rec.labels[STACK_LABEL] === stack && s.networks.length === 1) continue;
    used.set(rec.id, rec);
    const own = stack !== undefined && rec.labels[STACK_LABEL] === stack && rec.name.startsWith(`${stack}_`);
    networks.push({ key: own ? strip(rec.name) : rec.name, aliases: n.aliases.filter((a) => a !== key && a !== s.name) });
  }
  return {
    key,
    image: s.image,
    command: [...s.args],
    ...(s.hostname ? { hostname: s.hostname } : {}),
    environment: [...s.env],
    ports: s.ports.map((p) => ({ target: p.target, ...(p.published ? { published: p.published } : {}), protocol: p.protocol, mode: p.mode })),
    networks,
    mode: s.mode,
    replicas: s.replicas,
    endpointMode: s.endpointMode,
    constraints: [...s.constraints],
    labels: Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== STACK_LABEL)),
    containerLabels: Object.fromEntries(Object.entries(s.containerLabels).filter(([k]) => k !== STACK_LABEL)),
    restartCondition: s.restartCondition,
    restartDelay: s.restartDelay,
  };
}
