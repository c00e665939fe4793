// elasticsearch:2 (2.4.6 on openjdk 8): HTTP on 9200 through Netty 3 (no Date, no Server header, keep-alive), the
// 2.x banner on `/` pretty-printed as RestMainAction renders it, with a node name drawn from the Marvel characters
// 2.x names nodes after, cluster health, `_cat/health`, and "No handler found" for the rest; start-up log lines.

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import type { ProgramContext } from '../daemon/contracts.ts';
import { serveHttp, type HttpRequest, type HttpResponse } from './http-server.ts';
import { serviceProgram, utc, wallNs } from './program.ts';

export const ES_VERSION = '2.4.6';
export const ES_BUILD_HASH = '5376dca9f70f3abef96a77f4bb22720ace8240fd';
export const ES_BUILD_TIMESTAMP = '2017-07-18T12:17:44Z';
export const LUCENE_VERSION = '5.5.4';

/** Node names in the style of Elasticsearch 2.x (config/names.txt: Marvel characters). */
export const MARVEL_NAMES: readonly string[] = [
  'Lady Mastermind', 'Tyrannus', 'Blackheart', 'Jack Flag', 'Silver Sable', 'Quicksilver', 'Madame Web', 'Cloak', 'Dagger', 'Forge',
  'Nightcrawler', 'Banshee', 'Sunfire', 'Thunderbird', 'Warpath', 'Moondragon', 'Mantis', 'Nova', 'Darkhawk', 'Speedball',
  'Firestar', 'Jubilee', 'Karma', 'Magma', 'Cannonball', 'Sunspot', 'Wolfsbane', 'Mirage', 'Cypher', 'Warlock',
  'Longshot', 'Dazzler', 'Havok', 'Polaris', 'Multiple Man', 'Strong Guy', 'Siryn', 'Rictor', 'Shatterstar', 'Domino',
  'Cable', 'Bishop', 'Sage', 'Marrow', 'Maggott', 'Stacy X', 'Doctor Druid', 'Hellcat', 'Valkyrie', 'Nighthawk',
  'Gargoyle', 'Beast', 'Wonder Man', 'Tigra', 'Moon Knight', 'Living Lightning', 'Spider-Woman', 'U.S. Agent', 'Machine Man', 'Jocasta',
];

const json = (body: string): HttpResponse => ({ status: 200, headers: [['Content-Type', 'application/json; charset=UTF-8']], body });

function esLogTime(ns: number): string {
  const u = utc(ns);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${u.y}-${p(u.mo)}-${p(u.d)} ${p(u.h)}:${p(u.mi)}:${p(u.s)},${p(u.ms, 3)}`;
}

function base64url(random: { nextU32(): number }, n: number): string {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = '';
  for (let i = 0; i < n; i++) s += a[random.nextU32() & 63];
  return s;
}

/** The banner JSON of GET / (pretty, trailing newline). */
export function esBanner(name: string, clusterUuid: string): string {
  return `{
  "name" : "${name}",
  "cluster_name" : "elasticsearch",
  "cluster_uuid" : "${clusterUuid}",
  "version" : {
    "number" : "${ES_VERSION}",
    "build_hash" : "${ES_BUILD_HASH}",
    "build_timestamp" : "${ES_BUILD_TIMESTAMP}",
    "build_snapshot" : false,
    "lucene_version" : "${LUCENE_VERSION}"
  },
  "tagline" : "You Know, for Search"
}
`;
}

/** elasticsearch on 9200. */
export const elasticsearchProgram = () =>
  serviceProgram((ctx: ProgramContext) => {
    const rnd = ctx.machine.random.fork('elasticsearch');
    const nameArg = ctx.args.find((a) => a.startsWith('-Des.node.name=') || a.startsWith('--node.name='));
    const name = nameArg !== undefined ? nameArg.slice(nameArg.indexOf('=') + 1) : MARVEL_NAMES[rnd.below(MARVEL_NAMES.length)]!;
    const uuid = base64url(rnd, 22);
    const nodeId = base64url(rnd, 22);
    const ipEntry = ctx.machine.ns.addresses.find((a) => !a.dev.isLoopback);
    const ip = ipEntry !== undefined ? formatIpv4(ipEntry.address) : '127.0.0.1';
    const t = esLogTime(wallNs(ctx));
    const line = (cat: string, msg: string): void => ctx.log(`[${t}][INFO ][${cat.padEnd(25)}] [${name}] ${msg}`);
    line('node', `version[${ES_VERSION}], pid[1], build[${ES_BUILD_HASH.slice(0, 7)}/${ES_BUILD_TIMESTAMP}]`);
    line('node', 'initializing ...');
    line('plugins', 'modules [reindex, lang-expression, lang-groovy], plugins [], sites []');
    line('node', 'initialized');
    line('node', 'starting ...');
    line('transport', `publish_address {${ip}:9300}, bound_addresses {[::]:9300}`);
    line('discovery', `elasticsearch/${nodeId}`);
    line('cluster.service', `new_master {${name}}{${nodeId}}{${ip}}{${ip}:9300}, reason: zen-disco-join(elected_as_master, [0] joins received)`);
    line('http', `publish_address {${ip}:9200}, bound_addresses {[::]:9200}`);
    line('node', 'started');
    line('gateway', 'recovered [0] indices into cluster_state');
    const health = (): string =>
      `{"cluster_name":"elasticsearch","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":0,"active_shards":0,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}`;
    const handle = (req: HttpRequest): HttpResponse => {
      const pretty = /(^|&)pretty(=|&|$)/.test(req.query);
      if (req.path === '/' && (req.method === 'GET' || req.method === 'HEAD')) return json(esBanner(name, uuid));
      if (req.path === '/_cluster/health' && req.method === 'GET') {
        const h = health();
        return json(pretty ? prettyJson(h) : h);
      }
      if (req.path === '/_cat/health' && req.method === 'GET') {
        const u = utc(req.wallNs);
        const p = (n: number): string => String(n).padStart(2, '0');
        return { status: 200, headers: [['Content-Type', 'text/plain; charset=UTF-8']], body: `${Math.floor(req.wallNs / 1e9)} ${p(u.h)}:${p(u.mi)}:${p(u.s)} elasticsearch green 1 1 0 0 0 0 0 0 - 100.0% \n` };
      }
      return { status: 400, headers: [['Content-Type', 'text/plain; charset=UTF-8']], body: `No handler found for uri [${req.target}] and method [${req.method}]` };
    };
    // The entrypoint and bin/elasticsearch exec the JVM.
    ctx.process.exec('java', '/usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java');
    const server = serveHttp(ctx.machine.ns, { port: 9200, owner: ctx.process }, handle);
    const transport = ctx.machine.ns.tcp.listen(9300, { backlog: 128, owner: ctx.process });
    return [server, transport];
  });

/** Jackson's pretty printer as ES 2 configures it ("key" : value, two-space indent). */
export function prettyJson(text: string): string {
  const v: unknown = JSON.parse(text);
  const out = (x: unknown, ind: string): string => {
    if (Array.isArray(x)) return x.length === 0 ? '[ ]' : `[ ${x.map((e) => out(e, ind)).join(', ')} ]`;
    if (x !== null && typeof x === 'object') {
      const entries = Object.entries(x as Record<string, unknown>);
      if (entries.length === 0) return '{ }';
      const inner = ind + '  ';
      return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)} : ${out(e, inner)}`).join(',\n')}\n${ind}}`;
    }
    return JSON.stringify(x);
  };
  return out(v, '') + '\n';
}
