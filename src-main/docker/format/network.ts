// What `docker network ls` and `docker network inspect` print, as the Docker 28 CLI formats the API's answers:
// - ls: rows sorted by name (natural order), IDs truncated to 12 unless --no-trunc, the default table
//   "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}" through the CLI's tabwriter, -q, --format (table, json, raw);
// - inspect: the network.Inspect JSON (field order, 4-space indent, "[" … "]"), or -f templates executed on the
//   typed value first and on the raw JSON (missingkey=error) when that fails, as the CLI's TemplateInspector does.

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import { formatMac } from '../../common/wire/mac.ts';
import { SECOND } from '../../sim/time.ts';
import type { Time } from '../../sim/time.ts';
import { truncateId } from '../ids.ts';
import type { Network } from '../model.ts';
import { formatAddr, formatPrefix } from '../prefix.ts';
import type { EngineBehaviour } from '../version.ts';
import { marshalGoJson } from './gojson.ts';
import type { GoMap, GoValue } from './govalue.ts';
import { GoStruct, GoTime, NIL_MAP, NIL_SLICE } from './govalue.ts';
import { tabwrite } from './tabwriter.ts';
import { HEADER_FUNCS, TemplateError, parseDockerTemplate } from './template.ts';
import type { Template } from './template.ts';

/** Maps virtual time to wall-clock time: the Unix second at which the lab's virtual time 0 lies. */
export interface WallClock {
  readonly epochUnixSeconds: number;
}

export function wallTime(clock: WallClock, t: Time): GoTime {
  const sec = Math.floor(t / SECOND);
  return new GoTime(clock.epochUnixSeconds + sec, t - sec * SECOND);
}

/** fvbommel/sortorder NaturalLess, as `docker network ls` sorts names. */
export function naturalLess(a: string, b: string): boolean {
  const dig = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c1 = a[i]!;
    const c2 = b[j]!;
    const d1 = dig(c1);
    const d2 = dig(c2);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (c1 !== c2) return c1 < c2;
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === '0') i++;
    while (j < b.length && b[j] === '0') j++;
    const nz1 = i;
    const nz2 = j;
    while (i < a.length && dig(a[i])) i++;
    while (j < b.length && dig(b[j])) j++;
    if (i - nz1 !== j - nz2) return i - nz1 < j - nz2;
    const n1 = a.slice(nz1, i);
    const n2 = b.slice(nz2, j);
    if (n1 !== n2) return n1 < n2;
    if (nz1 !== nz2) return nz1 < nz2;
  }
  return a.length - i < b.length - j;
}

export function naturalSort<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...items].sort((x, y) => (naturalLess(key(x), key(y)) ? -1 : naturalLess(key(y), key(x)) ? 1 : 0));
}

// ---- the network.Inspect value ----

export interface InspectExtras {
  /** NetworkDB peers of a swarm overlay ({Name, IP}). */
  readonly peers?: readonly { name: string; ip: string }[];
}

/** buildIPAMResources: the user's config echoed when given, else the allocated subnets and gateways. */
function ipamConfigs(nw: Network): GoStruct[] {
  const out: GoStruct[] = [];
  const cfg = (subnet: string, ipRange: string, gateway: string, aux: Readonly<Record<string, string>> | undefined): GoStruct =>
    new GoStruct('network.IPAMConfig', { Subnet: subnet, IPRange: ipRange, Gateway: gateway, AuxAddress: aux ? { ...aux } : NIL_MAP }, { json: { AuxAddress: 'AuxiliaryAddresses' }, omitEmpty: ['Subnet', 'IPRange', 'Gateway', 'AuxAddress'] });
  for (const [confs, infos] of [
    [nw.ipamConfigV4, nw.ipv4],
    [nw.ipamConfigV6, nw.ipv6],
  ] as const) {
    const user = confs.filter((c) => (c.subnet ?? '') !== '');
    if (user.length > 0) for (const c of user) out.push(cfg(c.subnet ?? '', c.ipRange ?? '', c.gateway ?? '', c.auxAddresses));
    else for (const i of infos) out.push(cfg(formatPrefix(i.pool.subnet), '', i.gateway ? formatAddr(i.gateway) : '', undefined));
  }
  return out;
}

/** The typed network.Inspect of a network (Engine API ≥1.48 field set; EnableIPv4 only from 28.0). */
export function networkInspectValue(nw: Network, b: EngineBehaviour, clock: WallClock, extras: InspectExtras = {}): GoStruct {
  const containers: Record<string, GoValue> = {};
  for (const ep of nw.endpointList()) {
    containers[ep.key] = new GoStruct('network.EndpointResource', {
      Name: ep.name,
      EndpointID: ep.id,
      MacAddress: nw.driver === 'host' || nw.driver === 'null' ? '' : formatMac(ep.mac),
      IPv4Address: ep.ipv4 ? `${formatIpv4(ep.ipv4.address)}/${ep.ipv4.prefixLength}` : '',
      IPv6Address: ep.ipv6 ? `${ep.ipv6.address}/${ep.ipv6.prefixLength}` : '',
    });
  }
  const configs = ipamConfigs(nw);
  const fields: Record<string, GoValue> = {
    Name: nw.name,
    ID: nw.id,
    Created: wallTime(clock, nw.created),
    Scope: nw.scope,
    Driver: nw.driver,
    ...(b.enableIPv4Field ? { EnableIPv4: nw.enableIPv4 } : {}),
    EnableIPv6: nw.enableIPv6,
    IPAM: new GoStruct('network.IPAM', {
      Driver: nw.ipamDriver,
      Options: nw.ipamOptions === null ? NIL_MAP : { ...nw.ipamOptions },
      Config: configs.length > 0 ? configs : NIL_SLICE,
    }),
    Internal: nw.internal,
    Attachable: nw.attachable,
    Ingress: nw.ingress,
    ConfigFrom: new GoStruct('network.ConfigReference', { Network: nw.flags.configFrom }),
    ConfigOnly: nw.flags.configOnly,
    Containers: containers,
    Options: { ...nw.options },
    Labels: { ...nw.labels },
    Peers: extras.peers ? extras.peers.map((p) => new GoStruct('network.PeerInfo', { Name: p.name, IP: p.ip })) : NIL_SLICE,
    Services: NIL_MAP,
  };
  return new GoStruct('network.Inspect', fields, { json: { ID: 'Id' }, omitEmpty: ['Peers', 'Services'] });
}

/** The JSON the daemon sends, decoded into plain maps (the CLI's raw fallback for templates). */
function rawOf(v: GoStruct): GoValue {
  return JSON.parse(marshalGoJson(v)) as GoValue;
}

/** `docker network inspect` without -f: an indented JSON array ("[]" when empty) and a newline. */
export function formatInspectJson(values: readonly GoValue[]): string {
  if (values.length === 0) return '[]\n';
  return `${marshalGoJson(values as GoValue, { indent: '    ' })}\n`;
}

/**
 * `inspect -f`: per element the template on the typed value; on an execution error, again on the raw JSON with
 * missingkey=error (errors then read "template parsing error: …"). Each element's output ends with a newline.
 */
export function formatInspectTemplate(format: string, values: readonly GoStruct[]): string {
  const tmpl = parseDockerTemplate(format);
  let out = '';
  for (const v of values) {
    try {
      out += `${tmpl.execute(v)}\n`;
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      try {
        out += `${tmpl.execute(rawOf(v), { missingKeyError: true })}\n`;
      } catch (e2) {
        if (e2 instanceof TemplateError) throw new TemplateError(`template parsing error: ${e2.message}`);
        throw e2;
      }
    }
  }
  return out;
}

export function inspectNetworks(networks: readonly Network[], b: EngineBehaviour, clock: WallClock, format?: string): string {
  const values = networks.map((n) => networkInspectValue(n, b, clock));
  return format ? formatInspectTemplate(format, values) : formatInspectJson(values);
}

// ---- docker network ls ----

export const DEFAULT_NETWORK_TABLE_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

const NETWORK_HEADERS: GoMap = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv4: 'IPV4',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
};

export interface ListOptions {
  /** --format ("" or undefined: the default table). */
  readonly format?: string;
  readonly quiet?: boolean;
  readonly noTrunc?: boolean;
}

/** The formatter's networkContext for one network. */
export function networkListContext(nw: Network, clock: WallClock, trunc: boolean): GoStruct {
  const labels = Object.keys(nw.labels)
    .sort()
    .map((k) => `${k}=${nw.labels[k]!}`)
    .join(',');
  const values: Record<string, string> = {
    ID: trunc ? truncateId(nw.id) : nw.id,
    Name: nw.name,
    Driver: nw.driver,
    Scope: nw.scope,
    IPv4: String(nw.enableIPv4),
    IPv6: String(nw.enableIPv6),
    Internal: String(nw.internal),
    Labels: labels,
    CreatedAt: wallTime(clock, nw.created).toString(),
  };
  return new GoStruct('*network.networkContext', {}, {
    methods: {
      ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, (): GoValue => v])),
      Label: (name) => (typeof name === 'string' ? (nw.labels[name] ?? '') : ''),
    },
    marshalJson: () => ({ ...values }),
  });
}

/** formatter.Format selection for `network ls` (NewNetworkFormat). */
function listFormat(o: ListOptions): string {
  const f = o.format ?? '';
  if (f === '' || f === 'table') return o.quiet ? '{{.ID}}' : DEFAULT_NETWORK_TABLE_FORMAT;
  if (f === 'raw') return o.quiet ? 'network_id: {{.ID}}' : 'network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n';
  if (f === 'json') return '{{json .}}';
  return f;
}

/**
 * The formatter.Context.Write of the docker CLI over rows: "table" prefix stripped, spaces trimmed, literal \t and
 * \n turned into tab and newline, one line per row; a table gets its header (the template run on the header
 * names with HeaderFunctions) and goes through the tabwriter.
 */
export function formatRows(format: string, rows: readonly GoValue[], headers: GoMap): string {
  const isTable = format.startsWith('table');
  let f = isTable ? format.slice('table'.length) : format;
  f = f.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const tmpl: Template = parseDockerTemplate(f);
  let body = '';
  for (const r of rows) {
    try {
      body += `${tmpl.execute(r)}\n`;
    } catch (e) {
      if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`);
      throw e;
    }
  }
  if (!isTable) return body;
  let header: string;
  try {
    header = tmpl.withFuncs(HEADER_FUNCS).execute(headers);
  } catch {
    header = '';
  }
  return tabwrite(`${header}\n${body}`);
}

/** `docker network ls` output. */
export function listNetworks(networks: readonly Network[], clock: WallClock, o: ListOptions = {}): string {
  const sorted = naturalSort(networks, (n) => n.name);
  const rows = sorted.map((n) => networkListContext(n, clock, !o.noTrunc));
  return formatRows(listFormat(o), rows, NETWORK_HEADERS);
}
