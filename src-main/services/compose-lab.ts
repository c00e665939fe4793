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
import { planCompose, shellQuote, type ComposeValue } from '../lab/compose-import.ts';
import { DEFAULT_SEED, emptyDocument, parseLabDocument } from '../lab/document.ts';
import { formatLabYaml } from '../lab/lab-yaml.ts';
import { SECOND } from '../sim/time.ts';
import { Interrupt } from '../shell/interrupt.ts';
import { createDockerLab } from './lab-world.ts';
import { nodeSummary, replayDocument, shellFor } from './replay.ts';

export interface ComposeImportOptions {
  /** The node the lab gets (default node1). */
  readonly node?: string;
  /** Names the default network (`<project>_default`) of services that list no network. */
  readonly project?: string;
  readonly seed?: number;
}

/** Does `text` look like a compose file (top-level `services:`) rather than a lab.yaml (`journal:`)? */
export function looksLikeCompose(text: string): boolean {
  return /^services\s*:/m.test(text) && !/^journal\s*:/m.test(text);
}

/** The lab a compose file describes, as a document whose journal builds it on one node. */
export async function composeToDocument(text: string, where: string, opts: ComposeImportOptions = {}): Promise<LabDocument> {
  let parsed: ComposeValue;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    if (err instanceof ComposeError) throw new FlotillaError('invalid-argument', `${where}: ${err.message}`);
    throw err;
  }
  const node = opts.node ?? 'node1';
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-]*$/.test(node)) throw new FlotillaError('invalid-argument', `--node: invalid node name "${node}"`);
  const project = (opts.project ?? 'lab').toLowerCase().replace(/[^a-z0-9_-]+/g, '') || 'lab';
  const plan = planCompose(parsed, where, { project });
  const seed = opts.seed ?? DEFAULT_SEED;
  const lab = createDockerLab(seed);
  const journal: JournalEntry[] = [];
  try {
    const steps: { console: number; target: ConsoleTarget; line: string }[] = [
      { console: 1, target: { kind: 'workstation' }, line: `docker-machine create ${shellQuote(node)}` },
      ...[...plan.networkLines, ...plan.containerLines].map((line) => ({ console: 2, target: { kind: 'node', node } as ConsoleTarget, line })),
    ];
    const opened = new Set<number>();
    for (const step of steps) {
      const shell = shellFor(lab, step.target);
      if (!shell) throw new FlotillaError('internal', `${where}: node ${node} is not there to run \`${step.line}\``);
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
        throw new FlotillaError('invalid-argument', `${where}: \`${step.line}\` failed (exit ${result.exit})${output ? `: ${output}` : ''}`);
      }
      await lab.clock.advance(SECOND); // a person types the next line
    }
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
    const networks: ComposeNetworkModel[] = d.registry
      .list()
      .filter((n) => !n.predefined && !n.flags.ingress && n.name !== 'docker_gwbridge' && (n.driver === 'bridge' || n.driver === 'overlay'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => ({
        name: n.name,
        driver: n.driver,
        internal: n.internal,
        attachable: n.flags.attachable,
        ipam: n.ipamConfigV4.map((c) => ({ ...(c.subnet ? { subnet: c.subnet } : {}), ...(c.gateway ? { gateway: c.gateway } : {}), ...(c.ipRange ? { ipRange: c.ipRange } : {}) })),
      }));
    const known = new Set(networks.map((n) => n.name));
    const services = [...d.containers.values()].sort((a, b) => a.name.localeCompare(b.name)).map((c) => serviceOf(d, c, known));
    const comment = `Exported by Flotilla${opts.labName ? ` from the lab "${opts.labName}"` : ''}, node ${node.name}.`;
    return formatCompose(networks, services, comment);
  } finally {
    lab.world.dispose();
  }
}

function serviceOf(d: Daemon, c: Container, known: Set<string>): ComposeServiceModel {
  const cfg = c.config;
  const mode = cfg.networkMode ?? 'default';
  const nets: { name: string; aliases: string[]; ipv4Address?: string }[] = [];
  let networkMode: string | undefined;
  if (mode === 'default' || mode === 'bridge' || mode === 'host' || mode === 'none') networkMode = mode === 'default' ? 'bridge' : mode;
  if (c.attachments.length > 0) {
    for (const a of c.attachments) {
      const net = d.networkById(a.networkId);
      if (!net || !known.has(net.name)) continue;
      nets.push({ name: net.name, aliases: a.endpoint.aliases.filter((x) => x !== c.name), ...(a.endpoint.requestedIpv4 ? { ipv4Address: a.endpoint.requestedIpv4 } : {}) });
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
  return {
    name: c.name,
    image: cfg.image,
    ...(cfg.hostname ? { hostname: cfg.hostname } : {}),
    ...(cfg.cmd && cfg.cmd.length > 0 ? { command: [...cfg.cmd] } : {}),
    environment: [...(cfg.env ?? [])],
    ...(networkMode ? { networkMode } : {}),
    networks: nets,
    ports,
  };
}
