// Compose files for `docker stack deploy`: a YAML subset parser (block mappings and sequences, plain / quoted
// scalars, flow sequences and maps on one line, comments, `|`/`>` blocks) that reports errors as the docker CLI's
// YAML library does ("yaml: line N: …"), and the conversion of a version-3 file into the swarm objects the CLI
// creates (cli/compose/convert): networks `<stack>_<name>` (`<stack>_default`, driver overlay), services
// `<stack>_<name>` labelled com.docker.stack.namespace, each with its short name as an alias on its networks.

import { SECOND } from '../../sim/time.ts';
import type { PortConfig, ServiceSpec } from './types.ts';

export class ComposeError extends Error {}

export type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

function stripComment(s: string): string {
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (q) {
      if (ch === q) q = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") q = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

function scalar(raw: string, no: number): Yaml {
  const t = raw.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new ComposeError(`yaml: line ${no}: found unexpected end of stream`);
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new ComposeError(`yaml: line ${no}: found unexpected end of stream`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (t.startsWith('[')) return flowSeq(t, no);
  if (t.startsWith('{')) return flowMap(t, no);
  if (t === 'true' || t === 'yes') return true;
  if (t === 'false' || t === 'no') return false;
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^-?\d+\.\d+$/.test(t)) return Number(t);
  return t;
}

function splitFlow(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let q: string | undefined;
  let cur = '';
  for (const ch of inner) {
    if (q) {
      cur += ch;
      if (ch === q) q = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") q = ch;
    if (ch === '[' || ch === '{') depth++;
    if (ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

function flowSeq(t: string, no: number): Yaml[] {
  if (!t.endsWith(']')) throw new ComposeError(`yaml: line ${no}: did not find expected ',' or ']'`);
  return splitFlow(t.slice(1, -1)).map((p) => scalar(p, no));
}

function flowMap(t: string, no: number): { [k: string]: Yaml } {
  if (!t.endsWith('}')) throw new ComposeError(`yaml: line ${no}: did not find expected ',' or '}'`);
  const out: { [k: string]: Yaml } = {};
  for (const p of splitFlow(t.slice(1, -1))) {
    const i = p.indexOf(':');
    if (i < 0) throw new ComposeError(`yaml: line ${no}: did not find expected ':'`);
    out[String(scalar(p.slice(0, i), no))] = scalar(p.slice(i + 1), no);
  }
  return out;
}

/** Parses the YAML subset compose files use. */
export function parseYaml(text: string): Yaml {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.includes('\t') && /^\s*\t/.test(raw)) throw new ComposeError(`yaml: line ${i + 1}: found character that cannot start any token`);
    const body = stripComment(raw).replace(/\s+$/, '');
    if (body.trim() === '' || body.trim() === '---') return;
    lines.push({ no: i + 1, indent: body.length - body.trimStart().length, text: body.trim() });
  });
  if (lines.length === 0) return null;
  const [v, next] = block(lines, 0, lines[0]!.indent);
  if (next < lines.length) {
    const l = lines[next]!;
    throw new ComposeError(`yaml: line ${l.no}: did not find expected key`);
  }
  return v;
}

function keyOf(text: string): { key: string; rest: string } | undefined {
  let q: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === q) q = undefined;
      continue;
    }
    if ((ch === '"' || ch === "'") && i === 0) q = ch;
    if (ch === ':' && (i + 1 === text.length || text[i + 1] === ' ')) {
      const k = text.slice(0, i).trim();
      return { key: k.startsWith('"') || k.startsWith("'") ? String(scalar(k, 0)) : k, rest: text.slice(i + 1).trim() };
    }
  }
  return undefined;
}

function block(lines: Line[], i: number, indent: number): [Yaml, number] {
  const first = lines[i]!;
  if (first.text === '-' || first.text.startsWith('- ')) {
    const out: Yaml[] = [];
    while (i < lines.length && lines[i]!.indent === indent && (lines[i]!.text === '-' || lines[i]!.text.startsWith('- '))) {
      const l = lines[i]!;
      const content = l.text === '-' ? '' : l.text.slice(2).trim();
      const innerIndent = indent + (l.text.length - l.text.slice(1).trimStart().length);
      if (content === '') {
        if (i + 1 < lines.length && lines[i + 1]!.indent > indent) {
          const [v, n] = block(lines, i + 1, lines[i + 1]!.indent);
          out.push(v);
          i = n;
        } else {
          out.push(null);
          i++;
        }
        continue;
      }
      if (keyOf(content) && !content.startsWith('{') && !content.startsWith('[') && !content.startsWith('"')) {
        // "- key: value" starts a mapping whose keys sit at innerIndent
        const synthetic: Line[] = [{ no: l.no, indent: innerIndent, text: content }];
        let j = i + 1;
        while (j < lines.length && lines[j]!.indent > indent) synthetic.push(lines[j++]!);
        const [v, n] = block(synthetic, 0, innerIndent);
        if (n < synthetic.length) throw new ComposeError(`yaml: line ${synthetic[n]!.no}: did not find expected key`);
        out.push(v);
        i = j;
        continue;
      }
      out.push(scalar(content, l.no));
      i++;
    }
    if (i < lines.length && lines[i]!.indent > indent) throw new ComposeError(`yaml: line ${lines[i]!.no}: did not find expected '-' indicator`);
    return [out, i];
  }
  const out: { [k: string]: Yaml } = {};
  while (i < lines.length && lines[i]!.indent === indent) {
    const l = lines[i]!;
    if (l.text.startsWith('- ')) throw new ComposeError(`yaml: line ${l.no}: did not find expected key`);
    const kv = keyOf(l.text);
    if (!kv) throw new ComposeError(`yaml: line ${l.no}: could not find expected ':'`);
    if (kv.key in out) throw new ComposeError(`yaml: line ${l.no}: mapping key "${kv.key}" already defined`);
    if (kv.rest === '' || kv.rest === '|' || kv.rest === '>') {
      if (i + 1 < lines.length && lines[i + 1]!.indent > indent) {
        if (kv.rest === '|' || kv.rest === '>') {
          let j = i + 1;
          const parts: string[] = [];
          while (j < lines.length && lines[j]!.indent > indent) parts.push(lines[j++]!.text);
          out[kv.key] = kv.rest === '|' ? `${parts.join('\n')}\n` : `${parts.join(' ')}\n`;
          i = j;
          continue;
        }
        const [v, n] = block(lines, i + 1, lines[i + 1]!.indent);
        out[kv.key] = v;
        i = n;
      } else if (i + 1 < lines.length && lines[i + 1]!.indent === indent && lines[i + 1]!.text.startsWith('- ')) {
        const [v, n] = block(lines, i + 1, indent);
        out[kv.key] = v;
        i = n;
      } else {
        out[kv.key] = null;
        i++;
      }
      continue;
    }
    if (kv.rest.includes(': ') && !kv.rest.startsWith('"') && !kv.rest.startsWith("'") && !kv.rest.startsWith('{')) {
      throw new ComposeError(`yaml: line ${l.no}: mapping values are not allowed in this context`);
    }
    out[kv.key] = scalar(kv.rest, l.no);
    i++;
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new ComposeError(`yaml: line ${lines[i]!.no}: mapping values are not allowed in this context`);
  return [out, i];
}

// ------------------------------------------------------------------------------------------------ compose

export interface ComposeFile {
  readonly where: string;
  readonly doc: { [k: string]: Yaml };
}

export function parseCompose(text: string, where: string): ComposeFile {
  const doc = parseYaml(text);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ComposeError(`Top-level object must be a mapping`);
  const allowed = ['version', 'services', 'networks', 'volumes', 'secrets', 'configs', 'name'];
  for (const k of Object.keys(doc)) if (!allowed.includes(k) && !k.startsWith('x-')) throw new ComposeError(`(root) Additional property ${k} is not allowed`);
  return { where, doc };
}

export interface StackNetwork {
  readonly name: string;
  readonly driver: string;
  readonly attachable: boolean;
  /** `internal: true`: no egress (no docker_gwbridge for the tasks' containers). */
  readonly internal: boolean;
  readonly external: boolean;
  readonly options: Record<string, string>;
  readonly subnet?: string;
}

const SERVICE_KEYS = ['image', 'command', 'entrypoint', 'environment', 'ports', 'networks', 'deploy', 'hostname', 'labels', 'build', 'container_name', 'depends_on', 'volumes', 'restart', 'healthcheck', 'logging', 'working_dir', 'user', 'expose', 'dns', 'init', 'stop_grace_period'];

function asMap(v: Yaml | undefined, where: string): { [k: string]: Yaml } {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ComposeError(`${where} must be a mapping`);
  return v;
}

function asList(v: Yaml | undefined): Yaml[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function words(v: Yaml | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v).split(/\s+/).filter((w) => w !== '');
}

/** Labels as a mapping or a list of `key=value` (compose's ListOrDict). */
function labelMap(v: Yaml | undefined, where: string): Record<string, string> {
  if (Array.isArray(v)) return Object.fromEntries(v.map(String).map((kv) => (kv.includes('=') ? [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] : [kv, ''])));
  return Object.fromEntries(Object.entries(asMap(v, where)).map(([a, b]) => [a, b === null ? '' : String(b)]));
}

/** A Go duration as compose files write them ("5s", "1m30s", "500ms"). */
function duration(v: string, where: string): number {
  const unit: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let rest = v;
  while (rest !== '') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (!m) throw new ComposeError(`${where} must be a duration: time: invalid duration "${v}"`);
    total += Number(m[1]) * unit[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

/** The networks and services `docker stack deploy -c FILE STACK` creates. */
export function composeToStack(f: ComposeFile, stack: string): { networks: StackNetwork[]; services: ServiceSpec[] } {
  const doc = f.doc;
  const services = asMap(doc.services, 'services');
  if (Object.keys(services).length === 0) throw new ComposeError(`${f.where}: no services found`);
  const netDefs = asMap(doc.networks, 'networks');
  const networks: StackNetwork[] = [];
  const netName = new Map<string, string>();
  for (const [k, v] of Object.entries(netDefs)) {
    const d = asMap(v, `networks.${k}`);
    const external = d.external === true || (typeof d.external === 'object' && d.external !== null);
    const name = typeof d.name === 'string' ? d.name : external ? k : `${stack}_${k}`;
    netName.set(k, name);
    const ipam = asMap(d.ipam, `networks.${k}.ipam`);
    const cfg = asList(ipam.config)[0];
    const subnet = cfg && typeof cfg === 'object' && !Array.isArray(cfg) && typeof cfg.subnet === 'string' ? cfg.subnet : undefined;
    const opts = Object.fromEntries(Object.entries(asMap(d.driver_opts, `networks.${k}.driver_opts`)).map(([a, b]) => [a, String(b ?? '')]));
    networks.push({ name, driver: typeof d.driver === 'string' ? d.driver : 'overlay', attachable: d.attachable === true, internal: d.internal === true, external, options: opts, ...(subnet ? { subnet } : {}) });
  }
  const out: ServiceSpec[] = [];
  let needDefault = false;
  for (const [svc, v] of Object.entries(services)) {
    const d = asMap(v, `services.${svc}`);
    for (const k of Object.keys(d)) if (!SERVICE_KEYS.includes(k) && !k.startsWith('x-')) throw new ComposeError(`services.${svc} Additional property ${k} is not allowed`);
    if (typeof d.image !== 'string') throw new ComposeError(`Service ${svc} has neither an image nor a build context specified. At least one must be provided.`);
    const deploy = asMap(d.deploy, `services.${svc}.deploy`);
    const env: string[] = [];
    const e = d.environment;
    if (Array.isArray(e)) env.push(...e.map(String));
    else for (const [k, val] of Object.entries(asMap(e, `services.${svc}.environment`))) env.push(`${k}=${val === null ? '' : String(val)}`);
    const ports: PortConfig[] = [];
    for (const p of asList(d.ports)) {
      if (typeof p === 'object' && p !== null && !Array.isArray(p)) {
        ports.push({ target: Number(p.target), published: Number(p.published ?? 0), protocol: p.protocol === 'udp' ? 'udp' : 'tcp', mode: p.mode === 'host' ? 'host' : 'ingress' });
        continue;
      }
      const t = String(p);
      const [hp, rest] = t.includes('/') ? (t.split('/') as [string, string]) : [t, 'tcp'];
      const parts = hp.split(':');
      const target = Number(parts[parts.length - 1]);
      if (!Number.isInteger(target) || target <= 0) throw new ComposeError(`services.${svc}.ports contains an invalid type, it should be a number, or an object`);
      ports.push({ target, published: parts.length > 1 ? Number(parts[parts.length - 2]) : 0, protocol: rest === 'udp' ? 'udp' : 'tcp', mode: 'ingress' });
    }
    const nets: { target: string; aliases: string[] }[] = [];
    const n = d.networks;
    const entries: [string, Yaml][] = Array.isArray(n) ? n.map((x) => [String(x), null]) : Object.entries(asMap(n, `services.${svc}.networks`));
    for (const [k, val] of entries) {
      if (!netName.has(k)) throw new ComposeError(`service "${svc}" refers to undefined network ${k}: invalid compose project`);
      const aliases = val && typeof val === 'object' && !Array.isArray(val) ? asList(val.aliases).map(String) : [];
      nets.push({ target: netName.get(k)!, aliases: [svc, ...aliases] });
    }
    if (nets.length === 0) {
      needDefault = true;
      nets.push({ target: `${stack}_default`, aliases: [svc] });
    }
    const placement = asMap(deploy.placement, `services.${svc}.deploy.placement`);
    const restart = asMap(deploy.restart_policy, `services.${svc}.deploy.restart_policy`);
    const mode = deploy.mode === 'global' ? 'global' : 'replicated';
    out.push({
      name: `${stack}_${svc}`,
      image: d.image,
      args: words(d.command),
      env,
      mode,
      replicas: deploy.replicas === undefined || deploy.replicas === null ? 1 : Number(deploy.replicas),
      networks: nets,
      ports,
      endpointMode: deploy.endpoint_mode === 'dnsrr' ? 'dnsrr' : 'vip',
      constraints: asList(placement.constraints).map(String),
      // as cli/compose/convert does: deploy.labels on the service, labels on its containers, both namespaced
      labels: { ...labelMap(deploy.labels, `services.${svc}.deploy.labels`), 'com.docker.stack.namespace': stack },
      containerLabels: { ...labelMap(d.labels, `services.${svc}.labels`), 'com.docker.stack.namespace': stack },
      restartCondition: restart.condition === 'none' ? 'none' : restart.condition === 'on-failure' ? 'on-failure' : 'any',
      restartDelay: restart.delay === undefined || restart.delay === null ? 5 * SECOND : duration(String(restart.delay), `services.${svc}.deploy.restart_policy.delay`),
      ...(typeof d.hostname === 'string' ? { hostname: d.hostname } : {}),
    });
  }
  if (needDefault && !networks.some((x) => x.name === `${stack}_default`)) networks.unshift({ name: `${stack}_default`, driver: 'overlay', attachable: false, internal: false, external: false, options: {} });
  return { networks, services: out };
}
