// Compose files in and out of labs. In: the file is parsed (docker/swarm/compose.ts's YAML parser, whose errors carry
// the line), planned into command lines (lab/compose-import.ts, whose errors carry the field path), and the lines are
// run in a fresh headless lab — `docker-machine create` at the workstation, then the node's commands — so the journal
// holds what a person would have typed, at the virtual times it took, with their real exit statuses. Out: the lab is
// replayed headlessly and one node's daemon is read back as compose (lab/compose-export.ts).
import { FlotillaError } from '../common/api/errors.ts';
import type { ConsoleTarget, JournalEntry, LabDocument } from '../common/api/types.ts';
import type { Container } from '../docker/daemon/container.ts';
import type { Daemon } from '../docker/daemon/daemon.ts';
import { ComposeError, parseYaml } from '../docker/swarm/compose.ts';
import { formatCompose, type ComposeNetworkModel, type ComposeServiceModel } from '../lab/compose-export.ts';
import { planCompose, type ComposeValue } from '../lab/compose-import.ts';
import { shellQuote } from '../lab/shell-quote.ts';
import { DEFAULT_SEED, emptyDocument, parseLabDocument } from '../lab/document.ts';
import { formatLabYaml } from '../lab/lab-yaml.ts';
import { SECOND } from '../sim/time.ts';
import { Interrupt } from '../shell/interrupt.ts';
import { createDockerLab } from './lab-world.ts';
import { nodeSummary, replayDocument, shellFor } from './replay.ts';
import { swarmOf } from '../docker/swarm/node.ts';

export interface ComposeImportOptions {
  /** The node the lab gets (default node1). */
  readonly node?: string;
  /** Names the default network (`<project>_default`) of services that list no network. */
  readonly project?: string;
  readonly seed?: number;
}

export { looksLikeCompose } from '../common/api/compose-contract.ts';

/** The YAML of a compose file; a syntax error names the file and line. */
export function parseComposeText(text: string, where: string): ComposeValue {
  try {
    return parseYaml(text);
  } catch (err) {
    if (err instanceof ComposeError) throw new FlotillaError('invalid-argument', `${where}: ${err.message}`);
    throw err;
  }
}

/** The lab a compose file describes, as a document whose journal builds it on one node. */
export async function composeToDocument(text: string, where: string, opts: ComposeImportOptions = {}): Promise<LabDocument> {
  const parsed = parseComposeText(text, where);
  const node = opts.node ?? 'node1';
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(node)) throw new FlotillaError('invalid-argument', `--node: invalid node name "${node}"`);
  const project = (opts.project ?? 'lab').toLowerCase().replace(/[^a-z0-9_-]+/g, '') || 'lab';
  const plan = planCompose(parsed, where, { project });
  return runSteps(
    [
      { console: 1, target: { kind: 'workstation' }, line: `docker-machine create ${shellQuote(node)}` },
      ...[...plan.networkLines, ...plan.containerLines].map((line) => ({ console: 2, target: { kind: 'node', node } as ConsoleTarget, line })),
    ],
    where,
    opts.seed ?? DEFAULT_SEED,
  );
}

export interface LabStep {
  readonly console: number;
  readonly target: ConsoleTarget;
  readonly line: string;
}

/** Runs `steps` in a fresh headless lab, a person's second apart, and journals them; any failing line is refused
 * with its output. `settle` is virtual time left to run after the last line (tasks starting, say). */
export async function runSteps(steps: readonly LabStep[], where: string, seed: number, settle = 0): Promise<LabDocument> {
  const lab = createDockerLab(seed);
  const journal: JournalEntry[] = [];
  try {
    const opened = new Set<number>();
    for (const step of steps) {
      const shell = shellFor(lab, step.target);
      if (!shell) throw new FlotillaError('internal', `${where}: ${step.target.kind === 'workstation' ? 'the workstation' : `node ${(step.target as { node: string }).node}`} is not there to run \`${step.line}\``);
      if (!opened.has(step.console)) {
        opened.add(step.console);
        journal.push({ t: lab.world.scheduler.now, console: step.console, target: step.target, line: '', exit: 0 });
      }
      const t = lab.world.scheduler.now;
      const signal = new Interrupt();
      const result = await lab.clock.complete(shell.run(step.line, { signal, abandon: signal }));
      journal.push({ t, console: step.console, target: step.target, line: step.line, exit: result.exit });
      if (result.exit !== 0) {
        const output = result.output.map((c) => c.text).join('').trim();
        throw new FlotillaError('invalid-argument', `${where}: \`${step.line.split('\n')[0]}\` failed (exit ${result.exit})${output ? `: ${output}` : ''}`);
      }
      await lab.clock.advance(SECOND); // a person types the next line
    }
    if (settle > 0) await lab.clock.advance(settle);
    const doc: LabDocument = { ...emptyDocument(seed), time: lab.world.scheduler.now, nodes: nodeSummary(lab.world), journal };
    return parseLabDocument(doc, where);
  } finally {
    lab.world.dispose();
  }
}

/** composeToDocument as lab.yaml text (what `labs.import` takes). */
export async function composeToLabYaml(text: string, where: string, name: string, opts: ComposeImportOptions = {}): Promise<string> {
  return formatLabYaml(name, await composeToDocument(text, where, { project: name, ...opts }));
}

/** One node of the lab (default: the first) as compose YAML, from the lab's replayed state. */
export async function documentToCompose(doc: LabDocument, opts: { node?: string; labName?: string } = {}): Promise<string> {
  const { lab } = await replayDocument(doc);
  try {
    const nodes = lab.world.nodeList();
    if (nodes.length === 0) throw new FlotillaError('invalid-argument', 'the lab has no nodes: nothing to export as compose');
    const node = opts.node === undefined ? nodes[0]! : lab.world.node(opts.node);
    if (!node) throw new FlotillaError('not-found', `--node: the lab has no node "${opts.node}" (it has ${nodes.map((n) => n.name).join(', ')})`);
    const d = node.daemon;
    if (!d.running) throw new FlotillaError('invalid-argument', `node ${node.name}: its Docker daemon is stopped`);
    const swarm = swarmOf(lab.world).of(node).cluster;
    const networks: ComposeNetworkModel[] = d.registry
      .list()
      .filter((n) => !n.predefined && !n.flags.ingress && n.name !== 'docker_gwbridge' && (n.driver === 'bridge' || n.driver === 'overlay'))
      // in the order they were made: made again in that order, they get the same pools
      .sort((a, b) => a.created - b.created)
      .map((n) => {
        // An overlay's pool comes from the swarm unless the user gave one: writing it down would pin what Docker chose.
        const rec = n.driver === 'overlay' ? swarm?.networks.get(n.id) : undefined;
        const ipam = rec && !rec.userSubnet ? [] : n.ipamConfigV4;
        return {
          name: n.name,
          driver: n.driver,
          internal: n.internal,
          attachable: n.flags.attachable,
          ipam: ipam.map((c) => ({ ...(c.subnet ? { subnet: c.subnet } : {}), ...(c.gateway && !(rec && isFirstHost(c.subnet, c.gateway)) ? { gateway: c.gateway } : {}), ...(c.ipRange ? { ipRange: c.ipRange } : {}) })),
        };
      });
    const known = new Set(networks.map((n) => n.name));
    const inRunOrder = [...d.containers.values()];
    const order = new Map(inRunOrder.map((c, i) => [c.name, i]));
    const after = dependencies(inRunOrder);
    const services = [...inRunOrder].sort((a, b) => a.name.localeCompare(b.name)).map((c) => serviceOf(d, c, known, [...(after.get(c.name) ?? [])].sort((a, b) => order.get(a)! - order.get(b)!)));
    const comment = `Exported by Flotilla${opts.labName ? ` from the lab "${opts.labName}"` : ''}, node ${node.name}.`;
    return formatCompose(networks, services, comment);
  } finally {
    lab.world.dispose();
  }
}

/** Is `gateway` the first host of `subnet` (Docker's default, so not worth writing down)? */
function isFirstHost(subnet: string | undefined, gateway: string): boolean {
  const m = subnet === undefined ? null : /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(subnet);
  if (!m) return false;
  const n = (Number(m[1]) * 2 ** 24 + Number(m[2]) * 2 ** 16 + Number(m[3]) * 2 ** 8 + Number(m[4])) & ~(2 ** (32 - Number(m[5])) - 1);
  const first = (n >>> 0) + 1;
  return [first >>> 24, (first >>> 16) & 255, (first >>> 8) & 255, first & 255].join('.') === gateway;
}

/** depends_on for each container: what it links to, and what keeps the order the containers were run in when
 * compose's own order (dependencies first, then by name) would not give it back. */
export function dependencies(inRunOrder: readonly Container[]): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>(inRunOrder.map((c) => [c.name, new Set<string>()]));
  const names = new Set(inRunOrder.map((c) => c.name));
  for (const c of inRunOrder) for (const l of c.config.links ?? []) if (names.has(l.split(':')[0]!)) deps.get(c.name)!.add(l.split(':')[0]!);
  const wanted = inRunOrder.map((c) => c.name);
  if (composeOrder(deps).join('\n') === wanted.join('\n')) return deps;
  // Descents in name order need an edge each; when that is not enough, chain them all.
  const minimal = new Map([...deps].map(([k, v]) => [k, new Set(v)]));
  wanted.forEach((n, i) => i > 0 && wanted[i - 1]!.localeCompare(n) > 0 && minimal.get(n)!.add(wanted[i - 1]!));
  if (composeOrder(minimal).join('\n') === wanted.join('\n')) return minimal;
  wanted.forEach((n, i) => i > 0 && deps.get(n)!.add(wanted[i - 1]!));
  return deps;
}

/** The order compose import runs services in (lab/compose-import.ts): dependencies first, then by name. */
function composeOrder(deps: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of [...(deps.get(n) ?? [])].sort()) visit(d);
    order.push(n);
  };
  for (const n of [...deps.keys()].sort()) visit(n);
  return order;
}

function serviceOf(d: Daemon, c: Container, known: Set<string>, dependsOn: string[]): ComposeServiceModel {
  const cfg = c.config;
  const mode = cfg.networkMode ?? 'default';
  const nets: { name: string; aliases: string[]; ipv4Address?: string }[] = [];
  let networkMode: string | undefined;
  if (mode === 'default' || mode === 'bridge' || mode === 'host' || mode === 'none') networkMode = mode === 'default' ? 'bridge' : mode;
  if (c.attachments.length > 0) {
    for (const a of c.attachments) {
      const net = d.networkById(a.networkId);
      if (!net || !known.has(net.name)) continue;
      // the address the user asked for: an overlay's endpoint holds the one the swarm allocated
      const asked = net.driver === 'overlay' ? c.networks.get(a.networkId)?.ipv4 : a.endpoint.requestedIpv4;
      nets.push({ name: net.name, aliases: a.endpoint.aliases.filter((x) => x !== c.name), ...(asked ? { ipv4Address: asked } : {}) });
    }
  } else if (!networkMode && known.has(mode)) {
    // not running: the networks it was created with
    const ep = cfg.networks?.get(mode);
    nets.push({ name: mode, aliases: [...(ep?.aliases ?? [])].filter((x) => x !== c.name), ...(ep?.ipv4 ? { ipv4Address: ep.ipv4 } : {}) });
  }
  if (nets.length > 0) networkMode = undefined;
  const ports = (cfg.publish ?? []).map((p) => {
    const host = p.hostPort === 0 ? '' : p.hostPortEnd !== undefined ? `${p.hostPort}-${p.hostPortEnd}` : String(p.hostPort);
    return `${p.hostIp ? `${p.hostIp}:${host}:` : host ? `${host}:` : ''}${p.containerPort}${p.proto === 'udp' ? '/udp' : ''}`;
  });
  const restart = cfg.restart && cfg.restart.name !== 'no' ? (cfg.restart.name === 'on-failure' && cfg.restart.maxRetries > 0 ? `on-failure:${cfg.restart.maxRetries}` : cfg.restart.name) : undefined;
  return {
    name: c.name,
    image: cfg.image,
    ...(cfg.hostname ? { hostname: cfg.hostname } : {}),
    ...(cfg.cmd && cfg.cmd.length > 0 ? { command: [...cfg.cmd] } : {}),
    environment: [...(cfg.env ?? [])],
    ...(networkMode ? { networkMode } : {}),
    networks: nets,
    ports,
    ...(restart ? { restart } : {}),
    labels: { ...(cfg.labels ?? {}) },
    expose: [...(cfg.expose ?? [])].map((e) => e.replace(/\/tcp$/, '')),
    dependsOn,
    links: (cfg.links ?? []).map((l) => {
      const [name, alias] = l.split(':') as [string, string | undefined];
      return alias === undefined || alias === name ? name : `${name}:${alias}`;
    }),
  };
}
