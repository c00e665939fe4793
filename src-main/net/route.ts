// Routing tables with longest-prefix match (net/ipv4/fib_*). A namespace has a local table (its own addresses
// and the subnet broadcasts, consulted first) and a main table (connected routes, added with addresses while
// the device is up, and the routes the user adds). Among routes of equal prefix length the lowest metric wins,
// then the earliest added. Routes whose device is down are skipped.

import { formatIpv4, prefixMask, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import type { NetDevice } from './device.ts';

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'unreachable' | 'blackhole' | 'prohibit';
export type RouteScope = 'global' | 'link' | 'host';
export type RouteProtocol = 'kernel' | 'boot' | 'static';

export interface Route {
  readonly dst: Ipv4Address;
  readonly prefixLength: number;
  readonly type: RouteType;
  readonly dev: NetDevice | undefined;
  readonly gateway?: Ipv4Address;
  /** Preferred source address. */
  readonly src?: Ipv4Address;
  readonly metric: number;
  readonly scope: RouteScope;
  readonly protocol: RouteProtocol;
  /** Route MTU (ip route ... mtu N), overriding the device's. */
  readonly mtu?: number;
}

export class RoutingTable {
  private routes: Route[] = [];
  /** prefixMask of each route, index for index (-1 where the prefix length is invalid: lookup asks prefixMask, which throws). */
  private masks: number[] = [];
  private seq = 0;
  private readonly order = new WeakMap<Route, number>();

  constructor(readonly name: 'main' | 'local') {}

  add(r: Route): Route {
    if (this.routes.some((x) => same(x, r))) throw new Error(`RTNETLINK answers: File exists (${formatRoute(r)})`);
    this.order.set(r, this.seq++);
    this.routes.push(r);
    // Longest prefix first, then lowest metric, then insertion order: lookup takes the first usable match.
    this.routes.sort((a, b) => b.prefixLength - a.prefixLength || a.metric - b.metric || this.order.get(a)! - this.order.get(b)!);
    this.reindex();
    return r;
  }

  /** Removes the routes matching every given field; returns how many. */
  delete(match: Partial<Route>): number {
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => !matches(r, match));
    this.reindex();
    return before - this.routes.length;
  }

  /** Longest-prefix match for `dst` over routes whose device is up (or that have none: blackhole etc.). */
  lookup(dst: Ipv4Address, oif?: NetDevice): Route | undefined {
    const routes = this.routes;
    const masks = this.masks;
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i]!;
      const m = masks[i]!;
      if (((dst & (m >= 0 ? m : prefixMask(r.prefixLength))) >>> 0) !== r.dst) continue;
      if (r.dev !== undefined && !r.dev.running) continue;
      if (oif !== undefined && r.dev !== oif) continue;
      return r;
    }
    return undefined;
  }

  private reindex(): void {
    this.masks = this.routes.map((r) => (Number.isInteger(r.prefixLength) && r.prefixLength >= 0 && r.prefixLength <= 32 ? prefixMask(r.prefixLength) : -1));
  }

  list(): readonly Route[] {
    return this.routes;
  }

  /** `ip route show` lines (for the local table: `ip route show table local`). */
  format(): string[] {
    const rows = [...this.routes].sort((a, b) => a.dst - b.dst || a.prefixLength - b.prefixLength || a.metric - b.metric);
    // ip route prints the default route(s) first, then by prefix.
    return rows.map((r) => formatRoute(r, this.name === 'local'));
  }
}

function same(a: Route, b: Route): boolean {
  // Linux refuses a second route with the same prefix, TOS and priority (EEXIST) unless told to append.
  return a.dst === b.dst && a.prefixLength === b.prefixLength && a.metric === b.metric && (a.type === b.type || a.dev === b.dev);
}

function matches(r: Route, m: Partial<Route>): boolean {
  for (const k of Object.keys(m) as (keyof Route)[]) if (m[k] !== undefined && r[k] !== m[k]) return false;
  return true;
}

export function formatRoute(r: Route, showType = false): string {
  const parts: string[] = [];
  if (showType || r.type !== 'unicast') parts.push(r.type);
  parts.push(r.prefixLength === 0 && r.dst === 0 ? 'default' : r.prefixLength === 32 ? formatIpv4(r.dst) : `${formatIpv4(r.dst)}/${r.prefixLength}`);
  if (r.gateway !== undefined) parts.push('via', formatIpv4(r.gateway));
  if (r.dev !== undefined) parts.push('dev', r.dev.name);
  if (r.protocol !== 'boot') parts.push('proto', r.protocol);
  if (r.scope !== 'global') parts.push('scope', r.scope);
  if (r.src !== undefined) parts.push('src', formatIpv4(r.src));
  if (r.metric !== 0) parts.push('metric', String(r.metric));
  if (r.mtu !== undefined) parts.push('mtu', String(r.mtu));
  if (r.dev !== undefined && !r.dev.carrier && r.type === 'unicast') parts.push('linkdown');
  return parts.join(' ');
}
