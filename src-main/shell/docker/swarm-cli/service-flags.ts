// What `docker service create/update` flags turn into.

import { DockerError } from '../../../docker/errors.ts';
import type { NodeSwarm } from '../../../docker/swarm/node.ts';
import type { PortConfig } from '../../../docker/swarm/types.ts';

/** --publish in the short form (8080:80[/udp]) or the long one (published=8080,target=80,mode=host,protocol=udp). */
export function parseServicePublish(spec: string): PortConfig {
  if (spec.includes('=')) {
    let published = 0;
    let target = 0;
    let mode: PortConfig['mode'] = 'ingress';
    let protocol: PortConfig['protocol'] = 'tcp';
    for (const part of spec.split(',')) {
      const [k, v] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
      if (k === 'published') published = Number(v);
      else if (k === 'target') target = Number(v);
      else if (k === 'mode') {
        if (v !== 'host' && v !== 'ingress') throw new DockerError(`invalid publish mode value (${v}): must be either "ingress" or "host"`, 'invalidParameter', 'cli');
        mode = v;
      } else if (k === 'protocol') protocol = v === 'udp' ? 'udp' : 'tcp';
      else throw new DockerError(`invalid field key ${k}`, 'invalidParameter', 'cli');
    }
    if (!target) throw new DockerError('missing mandatory field "target"', 'invalidParameter', 'cli');
    return { published, target, mode, protocol };
  }
  let rest = spec;
  let protocol: PortConfig['protocol'] = 'tcp';
  if (rest.includes('/')) {
    protocol = rest.slice(rest.indexOf('/') + 1) === 'udp' ? 'udp' : 'tcp';
    rest = rest.slice(0, rest.indexOf('/'));
  }
  const parts = rest.split(':');
  const target = Number(parts[parts.length - 1]);
  const published = parts.length > 1 ? Number(parts[parts.length - 2]) : 0;
  if (!Number.isInteger(target) || target <= 0 || !Number.isInteger(published)) throw new DockerError(`invalid containerPort: ${parts[parts.length - 1]!}`, 'invalidParameter', 'cli');
  return { published, target, mode: 'ingress', protocol };
}

export function networkSpec(v: string): { target: string; aliases: string[] } {
  if (!v.includes('=')) return { target: v, aliases: [] };
  let target = '';
  const aliases: string[] = [];
  for (const part of v.split(',')) {
    const [k, val] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
    if (k === 'name') target = val;
    else if (k === 'alias') aliases.push(val);
  }
  return { target, aliases };
}

export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new DockerError(`invalid argument "${v}" for "--restart-delay" flag: time: invalid duration "${v}"`, 'invalidParameter', 'cli');
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * (unit === 'ms' ? 1e6 : unit === 's' ? 1e9 : unit === 'm' ? 60e9 : 3600e9));
}

export function generatedServiceName(me: NodeSwarm): string {
  const adjectives = ['admiring', 'brave', 'eager', 'focused', 'gallant', 'happy', 'jolly', 'keen', 'nifty', 'quirky'];
  const names = ['turing', 'hopper', 'lovelace', 'curie', 'noether', 'ritchie', 'thompson', 'wozniak', 'liskov', 'knuth'];
  const r = me.sw.world.random.fork(`service-name@${me.now}`);
  return `${adjectives[r.below(adjectives.length)]!}_${names[r.below(names.length)]!}`;
}
/** `--label k=v` lists (a bare `k` is an empty value). */
export function keyValues(list: readonly string[]): Record<string, string> {
  return Object.fromEntries(list.map((kv) => (kv.includes('=') ? [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] : [kv, ''])));
}
