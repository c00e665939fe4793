// What dockerd makes of /etc/docker/daemon.json at start beyond the settings themselves: the directives a version
// no longer knows (the key-value-store options were removed in 23.0, docker-networking.md §0 and §6.8, so a newer
// dockerd refuses to start with them, as it does with any directive it does not know), and the deprecation warnings
// 20.10 logs for them (moby#40510: `The "cluster-store" option is deprecated. To be removed soon.`). The daemon's
// journal (what `journalctl -u docker` shows) is kept here too.

import type { Time } from '../../sim/time.ts';
import type { EngineBehaviour } from '../version.ts';

export const DAEMON_JSON = '/etc/docker/daemon.json';

/** The key-value-store directives (dockerd flags --cluster-store, --cluster-advertise, --cluster-store-opt). */
const CLUSTER_KEYS = ['cluster-store', 'cluster-advertise', 'cluster-store-opts'] as const;

/**
 * Why dockerd refuses to start with this configuration (its message, as printed before it exits 1), or undefined.
 * Directives unknown to the version are listed sorted (Go ranges over a map; the lab keeps one order).
 */
export function daemonConfigError(config: Readonly<Record<string, unknown>>, b: EngineBehaviour): string | undefined {
  if (b.clusterStore) return undefined;
  const unknown = CLUSTER_KEYS.filter((k) => k in config).sort();
  if (unknown.length === 0) return undefined;
  return `unable to configure the Docker daemon with file ${DAEMON_JSON}: the following directives don't match any configuration option: ${unknown.join(', ')}`;
}

/** The warnings a version that still has them logs for the deprecated directives. */
export function daemonConfigWarnings(config: Readonly<Record<string, unknown>>, b: EngineBehaviour): string[] {
  if (!b.clusterStore) return [];
  return ['cluster-advertise', 'cluster-store', 'cluster-store-opts'].filter((k) => k in config).map((k) => `The "${k === 'cluster-store-opts' ? 'cluster-store-opt' : k}" option is deprecated. To be removed soon.`);
}

/** One line of the node's journal. */
export interface JournalEntry {
  readonly at: Time;
  /** "dockerd[1234]", "systemd[1]". */
  readonly ident: string;
  readonly text: string;
}

/** A logrus text line as dockerd writes it: `time="2025-01-01T00:00:02.000000000Z" level=warning msg="..."`. */
export function logrusLine(wallNs: number, level: string, msg: string): string {
  const ms = Math.floor(wallNs / 1e6);
  const iso = new Date(ms).toISOString().slice(0, 19);
  const frac = String(Math.floor(wallNs % 1e9)).padStart(9, '0');
  return `time="${iso}.${frac}Z" level=${level} msg=${JSON.stringify(msg)}`;
}
