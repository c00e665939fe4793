// Swarm services → a stack file (compose format 3.8, which `docker stack deploy` and `docker-compose config` both
// read): what `docker stack deploy -c FILE STACK` needs to create the same services again. Addresses and ports the
// swarm chose are left out (the model carries only what the user gave). Every string is double-quoted.

import { yamlKey, yamlString } from './yaml-text.ts';

export interface StackNetworkModel {
  /** The key in the file (the stack's own networks lose their `<stack>_` prefix). */
  readonly key: string;
  /** Set when the network's name is not `<stack>_<key>` (a network made outside the stack). */
  readonly name?: string;
  readonly attachable: boolean;
  /** No egress from the network (`internal: true`). */
  readonly internal: boolean;
  /** Only a subnet the user gave. */
  readonly subnet?: string;
  readonly options: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

export interface StackServiceModel {
  readonly key: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly hostname?: string;
  readonly environment: readonly string[];
  readonly ports: readonly { target: number; published?: number; protocol: 'tcp' | 'udp'; mode: 'ingress' | 'host' }[];
  /** By file key, with the aliases beyond the service's own name. */
  readonly networks: readonly { key: string; aliases: readonly string[] }[];
  readonly mode: 'replicated' | 'global';
  readonly replicas: number;
  readonly endpointMode: 'vip' | 'dnsrr';
  readonly constraints: readonly string[];
  /** The service's labels (`deploy.labels`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Its containers' labels (the service's `labels`). */
  readonly containerLabels: Readonly<Record<string, string>>;
  readonly restartCondition: 'any' | 'on-failure' | 'none';
  /** Nanoseconds. */
  readonly restartDelay: number;
}

const q = yamlString;
const key = yamlKey;

/** A Go duration for `ns` ("5s", "1m30s", "500ms"). */
export function goDuration(ns: number): string {
  if (ns % 1e9 !== 0) return `${ns / 1e6}ms`;
  let s = ns / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

function mapBlock(out: string[], indent: string, title: string, m: Readonly<Record<string, string>>): void {
  const entries = Object.entries(m).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return;
  out.push(`${indent}${title}:`);
  for (const [k, v] of entries) out.push(`${indent}  ${q(k)}: ${q(v)}`);
}

export function formatStack(networks: readonly StackNetworkModel[], services: readonly StackServiceModel[], comment?: string): string {
  const out: string[] = [];
  if (comment) out.push(...comment.split('\n').map((l) => `# ${l}`));
  out.push('version: "3.8"', 'services:');
  if (services.length === 0) out[out.length - 1] += ' {}';
  for (const s of services) {
    out.push(`  ${key(s.key)}:`, `    image: ${q(s.image)}`);
    if (s.command.length > 0) out.push(`    command: [${s.command.map(q).join(', ')}]`);
    if (s.hostname) out.push(`    hostname: ${q(s.hostname)}`);
    if (s.environment.length > 0) {
      out.push('    environment:');
      for (const e of s.environment) out.push(`      - ${q(e)}`);
    }
    mapBlock(out, '    ', 'labels', s.containerLabels);
    if (s.ports.length > 0) {
      out.push('    ports:');
      for (const p of s.ports) {
        out.push(`      - target: ${p.target}`);
        if (p.published !== undefined) out.push(`        published: ${p.published}`);
        out.push(`        protocol: ${p.protocol}`, `        mode: ${p.mode}`);
      }
    }
    if (s.networks.length > 0) {
      out.push('    networks:');
      for (const n of s.networks) out.push(n.aliases.length === 0 ? `      ${key(n.key)}: {}` : `      ${key(n.key)}:\n        aliases: [${n.aliases.map(q).join(', ')}]`);
    }
    out.push('    deploy:', `      mode: ${s.mode}`);
    if (s.mode === 'replicated') out.push(`      replicas: ${s.replicas}`);
    out.push(`      endpoint_mode: ${s.endpointMode}`);
    if (s.constraints.length > 0) out.push('      placement:', `        constraints: [${s.constraints.map(q).join(', ')}]`);
    mapBlock(out, '      ', 'labels', s.labels);
    out.push('      restart_policy:', `        condition: ${s.restartCondition}`, `        delay: ${goDuration(s.restartDelay)}`);
  }
  if (networks.length > 0) {
    out.push('networks:');
    for (const n of networks) {
      out.push(`  ${key(n.key)}:`);
      if (n.name) out.push(`    name: ${q(n.name)}`);
      out.push('    driver: overlay');
      if (n.attachable) out.push('    attachable: true');
      if (n.internal) out.push('    internal: true');
      mapBlock(out, '    ', 'driver_opts', n.options);
      mapBlock(out, '    ', 'labels', n.labels);
      if (n.subnet) out.push('    ipam:', '      config:', `        - subnet: ${q(n.subnet)}`);
    }
  }
  return out.join('\n') + '\n';
}
