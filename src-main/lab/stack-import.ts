// A compose file with `deploy` checked as a stack before it is deployed: `docker stack deploy` refuses little up
// front and names no place, so this reads every field the emulated deploy honours and refuses the rest with its
// path (`services.web.deploy.replicas: …`). The file itself goes to the manager unchanged (lab's journal holds it
// as a here-document), so what is checked here is only what the deploy will read.
import {
  bool,
  dependsOn,
  fail,
  IPV4_SUBNET,
  keyValues,
  list,
  mapping,
  NAME,
  onlyKeys,
  portNumber,
  scalarText,
  str,
  whole,
  type ComposeValue,
  type Obj,
} from './compose-values.ts';

const TOP_KEYS = ['version', 'name', 'services', 'networks'];
/** container_name, depends_on, restart and expose are ignored by `docker stack deploy` (it says so), not refused. */
const SERVICE_KEYS = ['image', 'command', 'environment', 'ports', 'networks', 'deploy', 'hostname', 'labels', 'container_name', 'depends_on', 'restart', 'expose'];
const DEPLOY_KEYS = ['mode', 'replicas', 'endpoint_mode', 'placement', 'labels', 'restart_policy'];
const NETWORK_KEYS = ['name', 'driver', 'attachable', 'internal', 'ipam', 'driver_opts', 'labels'];
const CONSTRAINT = /^\s*(node\.(id|hostname|role|ip|platform\.os|platform\.arch|labels\.[A-Za-z0-9_.-]+))\s*(==|!=)\s*\S.*$/;
export const DURATION = /^(\d+(\.\d+)?)(ms|s|m|h)$/;

export interface StackCheck {
  /** The services' names in the file, sorted. */
  readonly services: string[];
  /** The networks the stack creates (the file's names), sorted. */
  readonly networks: string[];
}

/** Checks a parsed compose file as a stack; throws FlotillaError naming the file and the field. */
export function checkStack(doc: ComposeValue, where: string): StackCheck {
  const root = mapping(doc, where, '(root)', true);
  onlyKeys(root, TOP_KEYS, where, '', true);
  const services = mapping(root.services ?? null, where, 'services', true);
  if (Object.keys(services).length === 0) fail(where, 'services', 'no services defined');
  const nets = root.networks === undefined || root.networks === null ? {} : mapping(root.networks, where, 'networks');
  for (const [key, raw] of Object.entries(nets)) {
    const f = `networks.${key}`;
    if (!NAME.test(key)) fail(where, f, `invalid network name "${key}"`);
    const d = raw === null ? {} : mapping(raw, where, f);
    onlyKeys(d, NETWORK_KEYS, where, f);
    if (d.name !== undefined && !NAME.test(str(d.name, where, `${f}.name`))) fail(where, `${f}.name`, `invalid network name "${String(d.name)}"`);
    if (d.driver !== undefined && str(d.driver, where, `${f}.driver`) !== 'overlay') fail(where, `${f}.driver`, `a stack's networks are overlay networks, got "${String(d.driver)}"`);
    bool(d.attachable, where, `${f}.attachable`);
    bool(d.internal, where, `${f}.internal`);
    if (d.driver_opts !== undefined && d.driver_opts !== null) for (const [k, v] of Object.entries(mapping(d.driver_opts, where, `${f}.driver_opts`))) scalarText(v, where, `${f}.driver_opts.${k}`);
    if (d.labels !== undefined && d.labels !== null) keyValues(d.labels, where, `${f}.labels`);
    if (d.ipam !== undefined && d.ipam !== null) {
      const ipam = mapping(d.ipam, where, `${f}.ipam`);
      onlyKeys(ipam, ['config'], where, `${f}.ipam`);
      const configs = ipam.config === undefined || ipam.config === null ? [] : list(ipam.config, where, `${f}.ipam.config`);
      if (configs.length > 1) fail(where, `${f}.ipam.config`, 'a stack network takes one subnet here');
      configs.forEach((c, i) => {
        const cf = `${f}.ipam.config[${i}]`;
        const m = mapping(c, where, cf);
        onlyKeys(m, ['subnet'], where, cf);
        if (m.subnet === undefined) fail(where, `${cf}.subnet`, 'is missing');
        const subnet = str(m.subnet, where, `${cf}.subnet`);
        if (!IPV4_SUBNET.test(subnet)) fail(where, `${cf}.subnet`, `invalid IPv4 subnet "${subnet}"`);
      });
    }
  }
  for (const [svc, raw] of Object.entries(services)) checkService(svc, mapping(raw, where, `services.${svc}`, true), nets, services, where);
  return { services: Object.keys(services).sort(), networks: Object.keys(nets).sort() };
}

function checkService(svc: string, d: Obj, nets: Obj, services: Obj, where: string): void {
  const f = `services.${svc}`;
  if (!NAME.test(svc)) fail(where, f, `invalid service name "${svc}"`);
  onlyKeys(d, SERVICE_KEYS, where, f, true);
  if (d.image === undefined) fail(where, `${f}.image`, 'is missing (Flotilla cannot build images: give an image)');
  str(d.image, where, `${f}.image`);
  if (d.hostname !== undefined) str(d.hostname, where, `${f}.hostname`);
  const cmd = d.command;
  if (cmd !== undefined && cmd !== null) {
    if (Array.isArray(cmd)) cmd.forEach((c, i) => scalarText(c, where, `${f}.command[${i}]`));
    else scalarText(cmd, where, `${f}.command`);
  }
  if (d.environment !== undefined && d.environment !== null) keyValues(d.environment, where, `${f}.environment`);
  if (d.labels !== undefined && d.labels !== null) keyValues(d.labels, where, `${f}.labels`);
  for (const n of dependsOn(d.depends_on, where, `${f}.depends_on`)) if (!(n in services)) fail(where, `${f}.depends_on`, `service "${svc}" depends on undefined service "${n}"`);
  const n = d.networks;
  const entries: [string, ComposeValue, string][] =
    n === undefined || n === null ? [] : Array.isArray(n) ? n.map((x, i) => [str(x, where, `${f}.networks[${i}]`), null, `${f}.networks[${i}]`]) : Object.entries(mapping(n, where, `${f}.networks`)).map(([k, v]) => [k, v, `${f}.networks.${k}`]);
  for (const [key, v, nf] of entries) {
    if (!(key in nets)) fail(where, nf, `service "${svc}" refers to undefined network ${key}`);
    const m = v === null ? {} : mapping(v, where, nf);
    onlyKeys(m, ['aliases'], where, nf);
    if (m.aliases !== undefined && m.aliases !== null) list(m.aliases, where, `${nf}.aliases`).forEach((a, i) => str(a, where, `${nf}.aliases[${i}]`));
  }
  const deploy = d.deploy === undefined || d.deploy === null ? {} : mapping(d.deploy, where, `${f}.deploy`);
  const df = `${f}.deploy`;
  onlyKeys(deploy, DEPLOY_KEYS, where, df);
  const mode = deploy.mode === undefined ? 'replicated' : str(deploy.mode, where, `${df}.mode`);
  if (mode !== 'replicated' && mode !== 'global') fail(where, `${df}.mode`, `must be replicated or global, got "${mode}"`);
  if (deploy.replicas !== undefined) {
    if (mode === 'global') fail(where, `${df}.replicas`, 'replicas can only be used with replicated mode');
    whole(deploy.replicas, where, `${df}.replicas`, 0, 1000);
  }
  const endpoint = deploy.endpoint_mode === undefined ? 'vip' : str(deploy.endpoint_mode, where, `${df}.endpoint_mode`);
  if (endpoint !== 'vip' && endpoint !== 'dnsrr') fail(where, `${df}.endpoint_mode`, `must be vip or dnsrr, got "${endpoint}"`);
  if (deploy.placement !== undefined && deploy.placement !== null) {
    const p = mapping(deploy.placement, where, `${df}.placement`);
    onlyKeys(p, ['constraints'], where, `${df}.placement`);
    const cons = p.constraints === undefined || p.constraints === null ? [] : list(p.constraints, where, `${df}.placement.constraints`);
    cons.forEach((c, i) => {
      const text = str(c, where, `${df}.placement.constraints[${i}]`);
      if (!CONSTRAINT.test(text)) fail(where, `${df}.placement.constraints[${i}]`, `"${text}" is not a constraint Flotilla knows (node.role, node.hostname, node.id, node.ip, node.platform.os, node.labels.NAME, with == or !=)`);
    });
  }
  if (deploy.labels !== undefined && deploy.labels !== null) keyValues(deploy.labels, where, `${df}.labels`);
  if (deploy.restart_policy !== undefined && deploy.restart_policy !== null) {
    const r = mapping(deploy.restart_policy, where, `${df}.restart_policy`);
    onlyKeys(r, ['condition', 'delay'], where, `${df}.restart_policy`);
    if (r.condition !== undefined) {
      const c = str(r.condition, where, `${df}.restart_policy.condition`);
      if (!['none', 'on-failure', 'any'].includes(c)) fail(where, `${df}.restart_policy.condition`, `must be none, on-failure or any, got "${c}"`);
    }
    if (r.delay !== undefined && !DURATION.test(scalarText(r.delay, where, `${df}.restart_policy.delay`))) fail(where, `${df}.restart_policy.delay`, `must be a duration such as 5s or 500ms, got ${JSON.stringify(r.delay)}`);
  }
  const ports = d.ports === undefined || d.ports === null ? [] : list(d.ports, where, `${f}.ports`);
  ports.forEach((p, i) => {
    const pf = `${f}.ports[${i}]`;
    if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
      onlyKeys(p, ['target', 'published', 'protocol', 'mode'], where, pf);
      if (p.target === undefined) fail(where, `${pf}.target`, 'is missing');
      portNumber(p.target, where, `${pf}.target`);
      if (p.published !== undefined && p.published !== null) portNumber(p.published, where, `${pf}.published`);
      const proto = p.protocol === undefined ? 'tcp' : str(p.protocol, where, `${pf}.protocol`);
      if (proto !== 'tcp' && proto !== 'udp') fail(where, `${pf}.protocol`, `must be tcp or udp, got "${proto}"`);
      const pm = p.mode === undefined ? 'ingress' : str(p.mode, where, `${pf}.mode`);
      if (pm !== 'ingress' && pm !== 'host') fail(where, `${pf}.mode`, `must be ingress or host, got "${pm}"`);
      if (pm === 'ingress' && endpoint === 'dnsrr') fail(where, `${pf}.mode`, 'a port published in ingress mode cannot be used with endpoint_mode dnsrr');
      return;
    }
    const s = typeof p === 'string' || typeof p === 'number' ? String(p) : fail(where, pf, 'must be a string, a number or a mapping');
    const m = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(s);
    if (!m) fail(where, pf, `invalid port "${s}" for a stack (expected [PUBLISHED:]TARGET[/tcp|udp])`);
    for (const x of [m[1], m[2]]) if (x !== undefined && (Number(x) < 1 || Number(x) > 65535)) fail(where, pf, `port ${x} is out of range 1-65535`);
    if (endpoint === 'dnsrr') fail(where, pf, 'a port published in ingress mode cannot be used with endpoint_mode dnsrr');
  });
}

/** A here-document delimiter that no line of `text` equals. */
export function heredocDelimiter(text: string): string {
  const lines = new Set(text.split('\n'));
  let d = 'EOF';
  for (let i = 1; lines.has(d); i++) d = `EOF${i}`;
  return d;
}
