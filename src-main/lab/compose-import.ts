// Compose → lab: the command lines a person would type to build what a compose file describes on one node —
// `docker network create …` for its networks, then `docker run -d …` (and `docker network connect …` for further
// networks) for its services, in compose's order: networks first, services by depends_on, then by name. The YAML
// itself is parsed elsewhere (docker/swarm/compose.ts); this takes the parsed value and checks it field by field,
// so an error names its place: `services.web.ports[0]: …`.
import { bool, dependsOn, fail, IPV4, IPV4_SUBNET, keyValues, kind, list, mapping, NAME, portNumber, scalarText, str, type ComposeValue } from './compose-values.ts';
import { shellQuote } from './shell-quote.ts';

export type { ComposeValue } from './compose-values.ts';

export interface ComposePlan {
  /** `docker swarm init` when an overlay network needs a swarm, then the networks, in order. */
  readonly networkLines: string[];
  /** The containers (`docker run -d …`, then `docker network connect …` for each further network). */
  readonly containerLines: string[];
}

export interface ComposePlanOptions {
  /** Names the network of services that list none (compose's `<project>_default`). */
  readonly project: string;
}

const TOP_KEYS = ['version', 'name', 'services', 'networks'];
const SERVICE_KEYS = ['image', 'container_name', 'command', 'ports', 'networks', 'environment', 'hostname', 'depends_on', 'restart', 'labels', 'expose', 'network_mode', 'links', 'deploy'];
const NETWORK_KEYS = ['name', 'driver', 'internal', 'attachable', 'ipam', 'driver_opts', 'labels'];

export function planCompose(doc: ComposeValue, where: string, opts: ComposePlanOptions): ComposePlan {
  const root = mapping(doc, where, '(root)');
  for (const k of Object.keys(root)) if (!TOP_KEYS.includes(k) && !k.startsWith('x-')) fail(where, k, `not supported by Flotilla's compose import (it reads ${TOP_KEYS.join(', ')})`);
  const servicesRaw = mapping(root.services ?? null, where, 'services', true);
  if (Object.keys(servicesRaw).length === 0) fail(where, 'services', 'no services defined');

  // networks
  const networkLines: string[] = [];
  const netNames = new Map<string, string>();
  const overlay: string[] = [];
  const netDefs = root.networks === undefined || root.networks === null ? {} : mapping(root.networks, where, 'networks');
  for (const [key, raw] of Object.entries(netDefs)) {
    const f = `networks.${key}`;
    const d = raw === null ? {} : mapping(raw, where, f);
    for (const k of Object.keys(d)) if (!NETWORK_KEYS.includes(k)) fail(where, `${f}.${k}`, 'not supported by Flotilla\'s compose import');
    const name = d.name === undefined ? key : str(d.name, where, `${f}.name`);
    if (!NAME.test(name)) fail(where, d.name === undefined ? f : `${f}.name`, `invalid network name "${name}"`);
    netNames.set(key, name);
    const driver = d.driver === undefined ? 'bridge' : str(d.driver, where, `${f}.driver`);
    if (driver !== 'bridge' && driver !== 'overlay') fail(where, `${f}.driver`, `must be bridge or overlay, got "${driver}"`);
    const args = ['docker', 'network', 'create'];
    if (driver === 'overlay') {
      args.push('-d', 'overlay');
      overlay.push(key);
    }
    if (bool(d.internal, where, `${f}.internal`)) args.push('--internal');
    // Standalone containers join an overlay network only when it is attachable.
    if (bool(d.attachable, where, `${f}.attachable`) || driver === 'overlay') args.push('--attachable');
    if (d.driver_opts !== undefined && d.driver_opts !== null) {
      for (const [k, v] of Object.entries(mapping(d.driver_opts, where, `${f}.driver_opts`))) args.push('-o', `${k}=${scalarText(v, where, `${f}.driver_opts.${k}`)}`);
    }
    if (d.labels !== undefined && d.labels !== null) for (const l of keyValues(d.labels, where, `${f}.labels`)) args.push('--label', l);
    if (d.ipam !== undefined && d.ipam !== null) {
      const ipam = mapping(d.ipam, where, `${f}.ipam`);
      for (const k of Object.keys(ipam)) if (k !== 'config' && k !== 'driver') fail(where, `${f}.ipam.${k}`, 'not supported by Flotilla\'s compose import');
      if (ipam.driver !== undefined && str(ipam.driver, where, `${f}.ipam.driver`) !== 'default') fail(where, `${f}.ipam.driver`, 'only the default IPAM driver is emulated');
      const configs = ipam.config === undefined || ipam.config === null ? [] : list(ipam.config, where, `${f}.ipam.config`);
      configs.forEach((c, i) => {
        const cf = `${f}.ipam.config[${i}]`;
        const m = mapping(c, where, cf);
        for (const k of Object.keys(m)) if (!['subnet', 'gateway', 'ip_range'].includes(k)) fail(where, `${cf}.${k}`, 'not supported by Flotilla\'s compose import');
        if (m.subnet === undefined) fail(where, `${cf}.subnet`, 'is missing');
        const subnet = str(m.subnet, where, `${cf}.subnet`);
        if (!IPV4_SUBNET.test(subnet)) fail(where, `${cf}.subnet`, `invalid IPv4 subnet "${subnet}"`);
        args.push('--subnet', subnet);
        if (m.ip_range !== undefined) args.push('--ip-range', str(m.ip_range, where, `${cf}.ip_range`));
        if (m.gateway !== undefined) {
          const gw = str(m.gateway, where, `${cf}.gateway`);
          if (!IPV4.test(gw)) fail(where, `${cf}.gateway`, `invalid IPv4 address "${gw}"`);
          args.push('--gateway', gw);
        }
      });
    }
    args.push(name);
    networkLines.push(args.map(shellQuote).join(' '));
  }
  if (overlay.length > 0) networkLines.unshift('docker swarm init');

  // services, in dependency order
  const deps = new Map<string, string[]>();
  for (const [svc, raw] of Object.entries(servicesRaw)) {
    const f = `services.${svc}`;
    const d = mapping(raw, where, f);
    const names = dependsOn(d.depends_on, where, `${f}.depends_on`);
    for (const n of names) if (!(n in servicesRaw)) fail(where, `${f}.depends_on`, `service "${svc}" depends on undefined service "${n}"`);
    // a link needs its target running first, as depends_on does
    const links = d.links === undefined || d.links === null ? [] : list(d.links, where, `${f}.links`).map((x, i) => str(x, where, `${f}.links[${i}]`));
    links.forEach((l, i) => {
      const target = l.split(':')[0]!;
      if (!(target in servicesRaw)) fail(where, `${f}.links[${i}]`, `service "${svc}" links to undefined service "${target}"`);
      if (!names.includes(target)) names.push(target);
    });
    deps.set(svc, names);
  }
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (svc: string, path: string[]) => {
    if (state.get(svc) === 'done') return;
    if (state.get(svc) === 'visiting') fail(where, `services.${svc}.depends_on`, `dependency cycle: ${[...path, svc].join(' → ')}`);
    state.set(svc, 'visiting');
    for (const d of [...deps.get(svc)!].sort()) visit(d, [...path, svc]);
    state.set(svc, 'done');
    order.push(svc);
  };
  for (const svc of Object.keys(servicesRaw).sort()) visit(svc, []);

  const containerLines: string[] = [];
  const containerNames = new Set<string>();
  let needDefault = false;
  const defaultNet = `${opts.project}_default`;
  for (const svc of order) {
    const f = `services.${svc}`;
    const d = mapping(servicesRaw[svc]!, where, f);
    for (const k of Object.keys(d)) if (!SERVICE_KEYS.includes(k) && !k.startsWith('x-')) fail(where, `${f}.${k}`, 'not supported by Flotilla\'s compose import');
    if (d.image === undefined) fail(where, `${f}.image`, 'is missing (Flotilla cannot build images: give an image)');
    // on one node `deploy` is ignored, as docker-compose ignores it (it is for `docker stack deploy`)
    if (d.deploy !== undefined) mapping(d.deploy, where, `${f}.deploy`);
    const image = str(d.image, where, `${f}.image`);
    const name = d.container_name === undefined ? svc : str(d.container_name, where, `${f}.container_name`);
    if (!NAME.test(name)) fail(where, d.container_name === undefined ? f : `${f}.container_name`, `invalid container name "${name}"`);
    if (containerNames.has(name)) fail(where, `${f}.container_name`, `the name "${name}" is already used by another service`);
    containerNames.add(name);
    const run = ['docker', 'run', '-d', '--name', name];
    if (d.hostname !== undefined) run.push('--hostname', str(d.hostname, where, `${f}.hostname`));
    if (d.restart !== undefined) {
      const r = str(d.restart, where, `${f}.restart`);
      if (!/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(r)) fail(where, `${f}.restart`, `must be no, always, unless-stopped or on-failure, got "${r}"`);
      run.push('--restart', r);
    }
    if (d.environment !== undefined && d.environment !== null) for (const e of keyValues(d.environment, where, `${f}.environment`)) run.push('-e', e);
    if (d.labels !== undefined && d.labels !== null) for (const l of keyValues(d.labels, where, `${f}.labels`)) run.push('--label', l);
    if (d.expose !== undefined && d.expose !== null) list(d.expose, where, `${f}.expose`).forEach((x, i) => run.push('--expose', scalarText(x, where, `${f}.expose[${i}]`)));
    if (d.links !== undefined && d.links !== null) {
      list(d.links, where, `${f}.links`).forEach((x, i) => {
        const [target, alias] = str(x, where, `${f}.links[${i}]`).split(':') as [string, string | undefined];
        // compose links by service; docker run links by container name
        const c = mapping(servicesRaw[target]!, where, `services.${target}`);
        const cname = c.container_name === undefined ? target : str(c.container_name, where, `services.${target}.container_name`);
        run.push('--link', `${cname}:${alias ?? target}`);
      });
    }

    // networks: the first on `docker run`, the others through `docker network connect`
    const attach: { net: string; aliases: string[]; ip?: string }[] = [];
    if (d.network_mode !== undefined) {
      if (d.networks !== undefined) fail(where, `${f}.network_mode`, '"network_mode" and "networks" cannot be combined');
      const mode = str(d.network_mode, where, `${f}.network_mode`);
      if (!['bridge', 'host', 'none'].includes(mode)) fail(where, `${f}.network_mode`, `must be bridge, host or none, got "${mode}"`);
      run.push('--network', mode);
    } else {
      const n = d.networks;
      const entries: [string, ComposeValue, string][] =
        n === undefined || n === null ? [] : Array.isArray(n) ? n.map((x, i) => [str(x, where, `${f}.networks[${i}]`), null, `${f}.networks[${i}]`]) : Object.entries(mapping(n, where, `${f}.networks`)).map(([k, v]) => [k, v, `${f}.networks.${k}`]);
      for (const [key, v, nf] of entries) {
        const net = netNames.get(key);
        if (net === undefined) fail(where, nf, `service "${svc}" refers to undefined network ${key}`);
        const m = v === null ? {} : mapping(v, where, nf);
        for (const k of Object.keys(m)) if (k !== 'aliases' && k !== 'ipv4_address') fail(where, `${nf}.${k}`, 'not supported by Flotilla\'s compose import');
        const aliases = m.aliases === undefined || m.aliases === null ? [] : list(m.aliases, where, `${nf}.aliases`).map((a, i) => str(a, where, `${nf}.aliases[${i}]`));
        if (name !== svc && !aliases.includes(svc)) aliases.unshift(svc);
        const ip = m.ipv4_address === undefined ? undefined : str(m.ipv4_address, where, `${nf}.ipv4_address`);
        if (ip !== undefined && !IPV4.test(ip)) fail(where, `${nf}.ipv4_address`, `invalid IPv4 address "${ip}"`);
        attach.push({ net, aliases, ...(ip !== undefined ? { ip } : {}) });
      }
      if (attach.length === 0) {
        needDefault = true;
        attach.push({ net: defaultNet, aliases: name !== svc ? [svc] : [] });
      }
      const first = attach[0]!;
      run.push('--network', first.net);
      for (const a of first.aliases) run.push('--network-alias', a);
      if (first.ip) run.push('--ip', first.ip);
    }
    if (d.ports !== undefined && d.ports !== null) list(d.ports, where, `${f}.ports`).forEach((p, i) => run.push('-p', portSpec(p, where, `${f}.ports[${i}]`)));
    run.push(image);
    const cmd = d.command;
    const cmdText = cmd === undefined || cmd === null ? '' : Array.isArray(cmd) ? cmd.map((c, i) => shellQuote(scalarText(c, where, `${f}.command[${i}]`))).join(' ') : scalarText(cmd, where, `${f}.command`);
    containerLines.push(run.map(shellQuote).join(' ') + (cmdText === '' ? '' : ` ${cmdText}`));
    for (const a of attach.slice(1)) {
      const c = ['docker', 'network', 'connect'];
      for (const al of a.aliases) c.push('--alias', al);
      if (a.ip) c.push('--ip', a.ip);
      c.push(a.net, name);
      containerLines.push(c.map(shellQuote).join(' '));
    }
  }
  if (needDefault && ![...netNames.values()].includes(defaultNet)) networkLines.push(`docker network create ${shellQuote(defaultNet)}`);
  return { networkLines, containerLines };
}

/** `-p` for a short ("8080:80", "127.0.0.1:53:53/udp") or long ({target, published, protocol, host_ip}) port. */
function portSpec(p: ComposeValue, where: string, f: string): string {
  if (p !== null && typeof p === 'object' && !Array.isArray(p)) {
    for (const k of Object.keys(p)) if (!['target', 'published', 'protocol', 'host_ip', 'mode'].includes(k)) fail(where, `${f}.${k}`, 'not supported by Flotilla\'s compose import');
    if (p.target === undefined) fail(where, `${f}.target`, 'is missing');
    const target = portNumber(p.target, where, `${f}.target`);
    const published = p.published === undefined || p.published === null ? undefined : portNumber(p.published, where, `${f}.published`);
    const proto = p.protocol === undefined ? 'tcp' : str(p.protocol, where, `${f}.protocol`);
    if (proto !== 'tcp' && proto !== 'udp') fail(where, `${f}.protocol`, `must be tcp or udp, got "${proto}"`);
    if (p.mode !== undefined && p.mode !== 'host' && p.mode !== 'ingress') fail(where, `${f}.mode`, 'must be host or ingress');
    const hostIp = p.host_ip === undefined ? undefined : str(p.host_ip, where, `${f}.host_ip`);
    return `${hostIp ? `${hostIp}:` : ''}${published !== undefined ? `${published}:` : hostIp ? ':' : ''}${target}${proto === 'udp' ? '/udp' : ''}`;
  }
  if (typeof p !== 'string' && typeof p !== 'number') fail(where, f, `must be a string, a number or a mapping, got ${kind(p)}`);
  const s = String(p);
  const m = /^(?:(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(\d+(?:-\d+)?)?:)?(\d+)(?:\/(tcp|udp))?$/.exec(s);
  if (!m) fail(where, f, `invalid port "${s}" (expected [[HOST_IP:]HOST_PORT:]CONTAINER_PORT[/tcp|udp])`);
  for (const n of [m[2], m[3]].filter((x): x is string => x !== undefined).flatMap((x) => x.split('-'))) {
    if (Number(n) < 1 || Number(n) > 65535) fail(where, f, `port ${n} is out of range 1-65535`);
  }
  return s.replace(/\/tcp$/, '');
}
