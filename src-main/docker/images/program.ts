// Shared pieces of the images' programs (daemon/contracts.ts ContainerProgram): the wall clock of a program (virtual
// time + the lab's epoch, never Date.now), log-line timestamps in the formats the services print, name lookups
// through the container's own resolver (its /etc/hosts and /etc/resolv.conf, real DNS on the wire: glibc for the
// Debian-based images, musl for busybox ones), and `serviceProgram`, which turns "open these listeners" into a
// ContainerProgram that closes them on stop.

import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { lookupHost, type LookupResult } from '../../net/apps/resolver.ts';
import type { ContainerProgram, ProgramContext } from '../daemon/contracts.ts';
import type { Machine } from '../machine.ts';

/** Wall-clock nanoseconds now, as the container sees it. */
export function wallNs(ctx: ProgramContext): number {
  return ctx.machine.ns.env.epochNs + ctx.clock.now();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const p2 = (n: number): string => String(n).padStart(2, '0');

/** The UTC fields of a wall-clock instant. */
export function utc(ns: number): { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number; mon: string } {
  const t = new Date(Math.floor(ns / 1e6));
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), s: t.getUTCSeconds(), ms: t.getUTCMilliseconds(), mon: MONTHS[t.getUTCMonth()]! };
}

/** nginx error log: "2025/05/03 10:00:00". */
export function nginxLogTime(ns: number): string {
  const u = utc(ns);
  return `${u.y}/${p2(u.mo)}/${p2(u.d)} ${p2(u.h)}:${p2(u.mi)}:${p2(u.s)}`;
}

/** Common log format: "03/May/2025:10:00:00 +0000". */
export function clfTime(ns: number): string {
  const u = utc(ns);
  return `${p2(u.d)}/${u.mon}/${u.y}:${p2(u.h)}:${p2(u.mi)}:${p2(u.s)} +0000`;
}

/** Redis: "03 May 2025 10:00:00.000". */
export function redisLogTime(ns: number): string {
  const u = utc(ns);
  return `${p2(u.d)} ${u.mon} ${u.y} ${p2(u.h)}:${p2(u.mi)}:${p2(u.s)}.${String(u.ms).padStart(3, '0')}`;
}

/** A file of the machine, or undefined. */
export function readFileOr(machine: Machine, path: string): string | undefined {
  try {
    return machine.fs.isFile(path) ? machine.fs.readFile(path) : undefined;
  } catch {
    return undefined;
  }
}

/** How a program looks a host name up (injectable in tests). */
export type HostLookup = (machine: Machine, name: string, onDone: (r: LookupResult) => void) => void;

/** getaddrinfo in the container: its hosts file, its resolv.conf, its libc, queries from its namespace. */
export const containerLookup: HostLookup = (machine, name, onDone) => {
  lookupHost(
    machine.ns,
    name,
    {
      libc: machine.userland === 'busybox' ? 'musl' : 'glibc',
      hosts: readFileOr(machine, '/etc/hosts'),
      resolvConf: readFileOr(machine, '/etc/resolv.conf'),
      random: machine.random.fork(`getaddrinfo`),
    },
    onDone,
  );
};

/** The first address of a lookup result, if any. */
export function firstAddress(r: LookupResult): Ipv4Address | undefined {
  return r.status === 'ok' ? r.addresses[0] : undefined;
}

/** Something a service opened and must close on stop. */
export interface Closable {
  close(): void;
}

/**
 * A daemon-style ContainerProgram: `open` starts the service (listeners, timers) and returns what to close on
 * stop; the program keeps running until stopped. An exception in `open` ends the container with status 1.
 */
export function serviceProgram(open: (ctx: ProgramContext) => readonly Closable[]): ContainerProgram {
  let held: readonly Closable[] = [];
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    for (const c of held) c.close();
    held = [];
  };
  return {
    start(ctx: ProgramContext): void {
      stopped = false;
      held = open(ctx);
      ctx.signal.onStop(stop);
    },
    stop,
  };
}
