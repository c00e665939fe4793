// Lab → compose: a plain description of one node's networks and containers written as a compose file
// (format 2.4, which carries ipam gateways, internal/attachable networks and fixed addresses, and which both
// docker-compose 1.x and Compose v2 read). Every string is double-quoted, so nothing in a name or a command is
// misread as YAML.

import { yamlKey, yamlString } from './yaml-text.ts';

export interface ComposeNetworkModel {
  readonly name: string;
  readonly driver: string;
  readonly internal: boolean;
  readonly attachable: boolean;
  readonly ipam: readonly { subnet?: string; gateway?: string; ipRange?: string }[];
}

export interface ComposeServiceModel {
  readonly name: string;
  readonly image: string;
  readonly hostname?: string;
  readonly command?: readonly string[];
  readonly environment: readonly string[];
  /** bridge, host, none, or undefined when it is on user networks. */
  readonly networkMode?: string;
  readonly networks: readonly { name: string; aliases: string[]; ipv4Address?: string }[];
  /** Short syntax: "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/udp]". */
  readonly ports: readonly string[];
  /** no | always | unless-stopped | on-failure[:N] (undefined: no). */
  readonly restart?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Ports exposed beyond the image's ("80", "53/udp"). */
  readonly expose: readonly string[];
  /** Services started before this one. */
  readonly dependsOn: readonly string[];
  /** "SERVICE[:ALIAS]" on the default bridge. */
  readonly links: readonly string[];
}

const q = yamlString;
const key = yamlKey;

export function formatCompose(networks: readonly ComposeNetworkModel[], services: readonly ComposeServiceModel[], comment?: string): string {
  const out: string[] = [];
  if (comment) out.push(...comment.split('\n').map((l) => `# ${l}`));
  out.push('version: "2.4"', 'services:');
  if (services.length === 0) out[out.length - 1] += ' {}';
  for (const s of services) {
    out.push(`  ${key(s.name)}:`, `    image: ${q(s.image)}`, `    container_name: ${q(s.name)}`);
    if (s.hostname) out.push(`    hostname: ${q(s.hostname)}`);
    if (s.restart && s.restart !== 'no') out.push(`    restart: ${q(s.restart)}`);
    if (s.dependsOn.length > 0) out.push(`    depends_on: [${s.dependsOn.map(q).join(', ')}]`);
    if (s.links.length > 0) out.push(`    links: [${s.links.map(q).join(', ')}]`);
    if (s.command && s.command.length > 0) out.push(`    command: [${s.command.map(q).join(', ')}]`);
    if (s.environment.length > 0) {
      out.push('    environment:');
      for (const e of s.environment) out.push(`      - ${q(e)}`);
    }
    const labels = Object.entries(s.labels);
    if (labels.length > 0) {
      out.push('    labels:');
      for (const [k, v] of labels) out.push(`      ${q(k)}: ${q(v)}`);
    }
    if (s.expose.length > 0) out.push(`    expose: [${s.expose.map(q).join(', ')}]`);
    if (s.networkMode) out.push(`    network_mode: ${q(s.networkMode)}`);
    if (s.networks.length > 0) {
      out.push('    networks:');
      for (const n of s.networks) {
        if (n.aliases.length === 0 && !n.ipv4Address) {
          out.push(`      ${key(n.name)}: {}`);
          continue;
        }
        out.push(`      ${key(n.name)}:`);
        if (n.aliases.length > 0) {
          out.push('        aliases:');
          for (const a of n.aliases) out.push(`          - ${q(a)}`);
        }
        if (n.ipv4Address) out.push(`        ipv4_address: ${q(n.ipv4Address)}`);
      }
    }
    if (s.ports.length > 0) {
      out.push('    ports:');
      for (const p of s.ports) out.push(`      - ${q(p)}`);
    }
  }
  if (networks.length > 0) {
    out.push('networks:');
    for (const n of networks) {
      out.push(`  ${key(n.name)}:`, `    name: ${q(n.name)}`, `    driver: ${q(n.driver)}`);
      if (n.internal) out.push('    internal: true');
      if (n.attachable) out.push('    attachable: true');
      if (n.ipam.length > 0) {
        out.push('    ipam:', '      config:');
        for (const c of n.ipam) {
          const fields = [c.subnet ? `subnet: ${q(c.subnet)}` : undefined, c.ipRange ? `ip_range: ${q(c.ipRange)}` : undefined, c.gateway ? `gateway: ${q(c.gateway)}` : undefined].filter((x): x is string => x !== undefined);
          if (fields.length === 0) continue;
          out.push(`        - ${fields[0]}`, ...fields.slice(1).map((x) => `          ${x}`));
        }
      }
    }
  }
  return out.join('\n') + '\n';
}
