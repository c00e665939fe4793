// Docker's default IPAM driver (libnetwork ipams/defaultipam, ipam in ≤26), address for address:
// - predefined pools (§2.1) split into subnets, chosen round-robin (≤26) or lowest-free (≥27) (§2.2);
// - static subnets with the overlap rules and the ip-range quirk (§2.3);
// - addresses inside a pool: network/broadcast reserved, first-available or serial, reuse after release (§2.4);
// - the network-level sequence of libnetwork's ipamAllocateVersion (pool, gateway, aux addresses) and the checks
//   the CLI and the API make before it (§2.3, §10.1), and `--ip` validation (§2.5).
// Two address spaces, LocalDefault and GlobalDefault (swarm), each with IPv4 and IPv6 state.

import type { RandomSource } from '../sim/random.ts';
import { DockerError, cliError, forbidden, internal, invalidParameter, notFound } from './errors.ts';
import type { EngineBehaviour } from './version.ts';
import type { Addr, Family, Prefix } from './prefix.ts';
import {
  addrOf,
  bitLen,
  comparePrefix,
  contains,
  familyName,
  firstAddr,
  formatAddr,
  formatPrefix,
  isMasked,
  lastAddr,
  masked,
  overlaps,
  parseAddr,
  parsePrefix,
  prefixKey,
} from './prefix.ts';

export type AddressSpaceName = 'LocalDefault' | 'GlobalDefault';

/** One entry of default-address-pools: `base` split into subnets of prefix length `size`. */
export interface PoolSpec {
  readonly base: string;
  readonly size: number;
}

/** The built-in local pools [M28:libnetwork/ipamutils/utils.go] (§2.1): 15 /16s then 16 /20s. */
export const DEFAULT_LOCAL_POOLS: readonly PoolSpec[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/16', size: 16 },
  { base: '172.19.0.0/16', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

/** The swarm (global) pool: 10.0.0.0/8 in /24s (§2.1). */
export const DEFAULT_GLOBAL_POOLS: readonly PoolSpec[] = [{ base: '10.0.0.0/8', size: 24 }];

/** The IPAM option that makes address allocation serial (§2.4) [M28:libnetwork/ipamapi/labels.go]. */
export const SERIAL_OPTION = 'com.docker.network.ipam.serial';

/** A host-unique ULA /48 (fd00::/8 + 40 bits) as ≥27 appends it (§2.1). `globalId` is the 40-bit value. */
export function ulaPool(globalId: number): PoolSpec {
  const g = BigInt(Math.floor(globalId)) & ((1n << 40n) - 1n);
  const v = (0xfdn << 120n) | (g << 80n);
  return { base: `${formatAddr({ family: 6, value: v })}/48`, size: 64 };
}

/** A ULA pool with its 40-bit global ID drawn from the stream (stands in for sha256 of the daemon's host ID). */
export function randomUlaPool(rng: RandomSource): PoolSpec {
  return ulaPool(rng.nextU32() * 256 + (rng.nextU32() & 0xff));
}

interface SplitPool {
  readonly base: Prefix;
  readonly size: number;
}

function splitPool(spec: PoolSpec): SplitPool {
  const p = parsePrefix(spec.base);
  if (!p) throw new RangeError(`invalid base pool ${spec.base}`);
  if (!Number.isInteger(spec.size) || spec.size < p.bits || spec.size > bitLen(p.family)) {
    throw new RangeError(`invalid pools size: ${spec.size}`);
  }
  return { base: masked(p), size: spec.size };
}

function countOf(pool: SplitPool): number {
  const n = pool.size - pool.base.bits;
  return n >= 40 ? 2 ** 40 : 2 ** n;
}

function nth(pool: SplitPool, i: number): Prefix {
  const step = 1n << BigInt(bitLen(pool.base.family) - pool.size);
  return { family: pool.base.family, addr: pool.base.addr + BigInt(i) * step, bits: pool.size };
}

/** The next aligned prefix of length `size` that starts after `p` ends (netiputil.PrefixAfter). */
function prefixAfter(p: Prefix, size: number): Prefix {
  const granularity = Math.min(size, p.bits);
  const step = 1n << BigInt(bitLen(p.family) - granularity);
  const start = (firstAddr(p) & ~(step - 1n)) + step;
  return { family: p.family, addr: start, bits: size };
}

// ---- addresses inside a pool ----

/**
 * The allocation state of one subnet: a sparse bitmap over host ordinals [0, n) with bitmap.Sequence's "current"
 * position for serial allocation.
 */
class AddressBitmap {
  private readonly used = new Set<bigint>();
  /** Where a serial scan starts next (bitmap `curr`): one past the last "any" allocation. */
  private curr = 0n;
  constructor(readonly n: bigint) {}

  get unselected(): bigint {
    return this.n - BigInt(this.used.size);
  }

  isSet(o: bigint): boolean {
    return this.used.has(o);
  }

  /** Sets a specific ordinal; false when it was already set. */
  set(o: bigint): boolean {
    if (this.used.has(o)) return false;
    this.used.add(o);
    return true;
  }

  unset(o: bigint): void {
    this.used.delete(o);
  }

  private firstFree(from: bigint): bigint | undefined {
    for (let o = from; o < this.n; o++) if (!this.used.has(o)) return o;
    return undefined;
  }

  /** bitmap.SetAnyInRange(start, end, serial): getAvailableFromCurrent, then curr = ordinal + 1. */
  setAnyInRange(start: bigint, end: bigint, serial: boolean): bigint | undefined {
    const curr = serial ? this.curr : 0n;
    let found: bigint | undefined;
    if (curr !== 0n && curr > start) {
      const o = this.firstFree(curr);
      if (o !== undefined && o <= end) found = o;
    }
    if (found === undefined) {
      const o = this.firstFree(start);
      if (o === undefined || o > end) return undefined;
      found = o;
    }
    this.used.add(found);
    this.curr = found + 1n;
    return found;
  }
}

interface PoolData {
  readonly subnet: Prefix;
  readonly addrs: AddressBitmap;
  /** ip-range children, by prefix text. */
  readonly children: Set<string>;
  /** Created implicitly by an ip-range request: released with its last child. */
  autoRelease: boolean;
}

function newPoolData(subnet: Prefix): PoolData {
  const hostBits = bitLen(subnet.family) - subnet.bits;
  // A uint64 bitmap: /64 and bigger IPv6 subnets are capped at 2^64-1 addresses, as in Go.
  const n = hostBits >= 64 ? (1n << 64n) - 1n : 1n << BigInt(hostBits);
  const addrs = new AddressBitmap(n);
  // Network address (not on IPv4 /31, /32) and the IPv6 subnet-router anycast; IPv4 broadcast.
  if (!(subnet.family === 4 && n <= 2n)) addrs.set(0n);
  if (subnet.family === 4 && n > 2n) addrs.set(n - 1n);
  return { subnet, addrs, children: new Set(), autoRelease: false };
}

/** An allocated pool, as the IPAM driver returns it (PoolID, Pool). */
export interface AllocatedPool {
  /** "LocalDefault/172.18.0.0/16" or "LocalDefault/10.2.0.0/16/10.2.2.0/24". */
  readonly poolId: string;
  readonly space: AddressSpaceName;
  readonly subnet: Prefix;
  readonly range?: Prefix;
}

export interface PoolRequest {
  readonly space: AddressSpaceName;
  readonly family: Family;
  /** The user's --subnet (as text), if any. */
  readonly pool?: string;
  /** The user's --ip-range, if any (only with pool). */
  readonly subPool?: string;
  /** Prefixes a predefined choice must not overlap (host routes, nameservers) (§2.2). */
  readonly exclude?: readonly Prefix[];
}

class AddrSpace {
  readonly subnets = new Map<string, PoolData>();
  readonly predefined: SplitPool[];
  private startIndex = 0;
  private readonly total: number;

  constructor(
    readonly name: AddressSpaceName,
    readonly family: Family,
    specs: readonly PoolSpec[],
    private readonly behaviour: EngineBehaviour,
  ) {
    let pools = specs.map(splitPool).filter((p) => p.base.family === family);
    if (behaviour.subnetAllocator === 'lowest-free') {
      // ≥27 sorts the predefined pools and drops those overlapping an earlier one (newAddrSpace).
      pools.sort((a, b) => comparePrefix(a.base, b.base));
      const kept: SplitPool[] = [];
      for (const p of pools) if (!kept.some((k) => overlaps(k.base, p.base))) kept.push(p);
      pools = kept;
    }
    this.predefined = pools;
    this.total = pools.reduce((n, p) => n + countOf(p), 0);
  }

  private at(index: number): Prefix {
    let i = index;
    for (const p of this.predefined) {
      const c = countOf(p);
      if (i < c) return nth(p, i);
      i -= c;
    }
    throw new RangeError('predefined index out of range');
  }

  overlapsAny(p: Prefix): boolean {
    for (const d of this.subnets.values()) if (overlaps(d.subnet, p)) return true;
    return false;
  }

  /** ≤26 allocatePredefinedPool: rotate the list by the start index, first entry neither taken nor overlapping. */
  private roundRobin(): Prefix | undefined {
    for (let i = 0; i < this.total; i++) {
      const nw = this.at((this.startIndex + i) % this.total);
      if (this.subnets.has(prefixKey(nw))) continue;
      if (!this.overlapsAny(nw)) {
        const next = this.startIndex + i + 1;
        this.startIndex = next >= this.total ? 0 : next;
        return nw;
      }
    }
    return undefined;
  }

  /** ≥27 allocatePredefinedPool: the first aligned sub-prefix, in sorted pool order, overlapping nothing. */
  private lowestFree(exclude: readonly Prefix[]): Prefix | undefined {
    const blockers = [...[...this.subnets.values()].map((d) => d.subnet), ...exclude.filter((e) => e.family === this.family)];
    for (const pool of this.predefined) {
      let cand = nth(pool, 0);
      const end = lastAddr(pool.base);
      while (firstAddr(cand) <= end) {
        const b = blockers.find((x) => overlaps(x, cand));
        if (!b) return cand;
        const after = prefixAfter(b, pool.size);
        cand = firstAddr(after) > firstAddr(cand) ? after : prefixAfter(cand, pool.size);
      }
    }
    return undefined;
  }

  allocatePredefined(exclude: readonly Prefix[]): Prefix {
    const nw = this.behaviour.subnetAllocator === 'lowest-free' ? this.lowestFree(exclude) : this.roundRobin();
    if (!nw) throw noMorePools(this.behaviour, this.family);
    this.subnets.set(prefixKey(nw), newPoolData(nw));
    return nw;
  }

  /** allocateSubnet: a static pool (and ip-range child) with the overlap rules of §2.3. */
  allocateSubnet(nw: Prefix, sub: Prefix | undefined): void {
    const existing = this.subnets.get(prefixKey(nw));
    if (existing && (!sub || existing.children.has(prefixKey(sub)))) throw poolOverlap(this.behaviour);
    if (!sub) {
      if (this.overlapsAny(nw)) throw poolOverlap(this.behaviour);
      this.subnets.set(prefixKey(nw), newPoolData(nw));
      return;
    }
    let pp = existing;
    if (!pp) {
      pp = newPoolData(nw);
      pp.autoRelease = true;
      this.subnets.set(prefixKey(nw), pp);
    }
    pp.children.add(prefixKey(sub));
  }

  release(nw: Prefix, sub: Prefix | undefined): void {
    const key = prefixKey(nw);
    const p = this.subnets.get(key);
    if (!p) throw notFound(`cannot find address pool for poolID:${formatPrefix(nw)}${sub ? `/${formatPrefix(sub)}` : ''}`);
    if (sub) {
      p.children.delete(prefixKey(sub));
      if (p.children.size === 0 && p.autoRelease) this.subnets.delete(key);
      return;
    }
    this.subnets.delete(key);
  }
}

function poolOverlap(b: EngineBehaviour): DockerError {
  return forbidden(`${b.poolRequestPrefix ? 'invalid pool request: ' : ''}Pool overlaps with other one on this address space`);
}

function noMorePools(b: EngineBehaviour, f: Family): DockerError {
  return b.noMoreSubnetsMessage
    ? invalidParameter('all predefined address pools have been fully subnetted')
    : notFound(`could not find an available, non-overlapping IPv${f} address pool among the defaults to assign to the network`);
}

/** Messages of ipamapi/contract.go, capitalised before 25.0 (§0). */
export function ipamErrorText(b: EngineBehaviour, which: 'outOfRange' | 'noAvailable' | 'inUse' | 'invalidPool' | 'invalidSubPool'): string {
  const lc = b.lowercaseIpamErrors;
  switch (which) {
    case 'outOfRange':
      return lc ? 'requested address is out of range' : 'Requested address is out of range';
    case 'noAvailable':
      return lc ? 'no available addresses on this pool' : 'No available addresses on this pool';
    case 'inUse':
      return 'Address already in use';
    case 'invalidPool':
      return lc ? 'invalid address pool' : 'Invalid Address Pool';
    case 'invalidSubPool':
      return lc ? 'invalid address subpool' : 'Invalid Address SubPool';
  }
}

/** An IPAM error with its kind, so callers can tell "pool full" from "taken" as libnetwork does with errors.Is. */
export class IpamError extends DockerError {
  constructor(
    readonly kind: 'outOfRange' | 'noAvailable' | 'inUse',
    message: string,
  ) {
    super(message, kind === 'noAvailable' ? 'unavailable' : kind === 'inUse' ? 'forbidden' : 'invalidParameter');
  }
}

export interface IpamOptions {
  readonly behaviour: EngineBehaviour;
  /** daemon.json default-address-pools (replaces the built-in local pools). */
  readonly localPools?: readonly PoolSpec[];
  /** swarm init --default-addr-pool / --default-addr-pool-mask-length. */
  readonly globalPools?: readonly PoolSpec[];
  /** The ULA pool ≥27 appends when no local pool is IPv6 (see ulaPool / randomUlaPool). */
  readonly ula?: PoolSpec;
}

/** The default IPAM driver of one daemon. */
export class Ipam {
  readonly behaviour: EngineBehaviour;
  private readonly spaces = new Map<string, AddrSpace>();

  constructor(opts: IpamOptions) {
    this.behaviour = opts.behaviour;
    let local = [...(opts.localPools ?? DEFAULT_LOCAL_POOLS)];
    if (opts.behaviour.ulaDefaultPool && opts.ula && !local.some((p) => parsePrefix(p.base)?.family === 6)) local = [...local, opts.ula];
    const global = opts.globalPools ?? DEFAULT_GLOBAL_POOLS;
    for (const f of [4, 6] as const) {
      this.spaces.set(`LocalDefault/${f}`, new AddrSpace('LocalDefault', f, local, opts.behaviour));
      this.spaces.set(`GlobalDefault/${f}`, new AddrSpace('GlobalDefault', f, global, opts.behaviour));
    }
  }

  private space(name: AddressSpaceName, f: Family): AddrSpace {
    return this.spaces.get(`${name}/${f}`)!;
  }

  /** The predefined pools of a space in the order the allocator walks them. */
  predefinedPools(name: AddressSpaceName, f: Family): { base: string; size: number }[] {
    return this.space(name, f).predefined.map((p) => ({ base: formatPrefix(p.base), size: p.size }));
  }

  /** Every allocated subnet of a space (static and predefined). */
  allocatedSubnets(name: AddressSpaceName, f: Family): Prefix[] {
    return [...this.space(name, f).subnets.values()].map((d) => d.subnet);
  }

  /** RequestPool. A static pool is masked; its ip-range (if any) must be of the same family. */
  requestPool(req: PoolRequest): AllocatedPool {
    const b = this.behaviour;
    if (req.pool === undefined || req.pool === '') {
      if (req.subPool) throw invalidParameter(ipamErrorText(b, 'invalidSubPool'));
      const nw = this.space(req.space, req.family).allocatePredefined(req.exclude ?? []);
      return { poolId: `${req.space}/${formatPrefix(nw)}`, space: req.space, subnet: nw };
    }
    const p = parsePrefix(req.pool);
    if (!p) throw invalidParameter(ipamErrorText(b, 'invalidPool'));
    const nw = masked(p);
    let sub: Prefix | undefined;
    if (req.subPool) {
      const s = parsePrefix(req.subPool);
      if (!s) throw invalidParameter(ipamErrorText(b, 'invalidSubPool'));
      if (s.family !== nw.family) throw invalidParameter('pool and subpool are of incompatible address families');
      sub = masked(s);
      // A range bigger than its subnet is ignored (moby#44968).
      if (sub.bits < nw.bits) sub = nw;
    }
    this.space(req.space, nw.family).allocateSubnet(nw, sub);
    return { poolId: `${req.space}/${formatPrefix(nw)}${sub ? `/${formatPrefix(sub)}` : ''}`, space: req.space, subnet: nw, ...(sub ? { range: sub } : {}) };
  }

  releasePool(pool: AllocatedPool): void {
    this.space(pool.space, pool.subnet.family).release(pool.subnet, pool.range);
  }

  private data(pool: AllocatedPool): PoolData {
    const d = this.space(pool.space, pool.subnet.family).subnets.get(prefixKey(pool.subnet));
    if (!d || (pool.range && !d.children.has(prefixKey(pool.range)))) {
      throw notFound(`cannot find address pool for poolID:${pool.poolId}`);
    }
    return d;
  }

  /**
   * RequestAddress (getAddress): the preferred address if given (anywhere in the subnet, even outside the range),
   * else the first free one of the range (or subnet) — from the start, or after the last one when `serial`.
   */
  requestAddress(pool: AllocatedPool, preferred?: Addr, serial = false): Addr {
    const b = this.behaviour;
    const d = this.data(pool);
    const base = firstAddr(d.subnet);
    if (preferred && !contains(d.subnet, preferred)) throw new IpamError('outOfRange', ipamErrorText(b, 'outOfRange'));
    if (d.addrs.unselected === 0n) throw new IpamError('noAvailable', ipamErrorText(b, 'noAvailable'));
    let ordinal: bigint | undefined;
    if (preferred) {
      ordinal = preferred.value - base;
      if (!d.addrs.set(ordinal)) throw new IpamError('inUse', ipamErrorText(b, 'inUse'));
    } else {
      const r = pool.range ?? d.subnet;
      ordinal = d.addrs.setAnyInRange(firstAddr(r) - base, lastAddr(r) - base, serial);
      if (ordinal === undefined) throw new IpamError('noAvailable', ipamErrorText(b, 'noAvailable'));
    }
    return { family: d.subnet.family, value: base + ordinal };
  }

  releaseAddress(pool: AllocatedPool, address: Addr): void {
    const d = this.data(pool);
    if (!contains(d.subnet, address)) throw new IpamError('outOfRange', ipamErrorText(this.behaviour, 'outOfRange'));
    d.addrs.unset(address.value - firstAddr(d.subnet));
  }

  /** True when the address is allocated (or reserved) in the pool's subnet. */
  isAllocated(pool: AllocatedPool, address: Addr): boolean {
    const d = this.data(pool);
    return contains(d.subnet, address) && d.addrs.isSet(address.value - firstAddr(d.subnet));
  }
}

// ---- network-level configuration ----

/** One IPAM.Config entry as the API carries it (strings, as the user typed them). */
export interface IpamConfig {
  readonly subnet?: string;
  readonly ipRange?: string;
  readonly gateway?: string;
  readonly auxAddresses?: Readonly<Record<string, string>>;
}

/** What `docker network create` collected from --subnet, --ip-range, --gateway, --aux-address (in order). */
export interface CliIpamOptions {
  readonly subnets: readonly string[];
  readonly ipRanges: readonly string[];
  readonly gateways: readonly string[];
  readonly auxAddresses: readonly (readonly [string, string])[];
}

/** Go's net.ParseCIDR, for the CLI's checks: undefined and the Go error text when invalid. */
function goParseCidr(s: string): { ip: Addr; net: Prefix } | string {
  const p = parsePrefix(s);
  if (!p) return `invalid CIDR address: ${s}`;
  return { ip: addrOf(p), net: masked(p) };
}

/** subnetMatches of the docker CLI: does `subnet` contain `data` (an address or a CIDR's address)? */
function subnetMatches(subnet: string, data: string): boolean {
  const s = goParseCidr(subnet);
  if (typeof s === 'string') throw cliError(`invalid subnet: ${s}`);
  let ip: Addr | undefined;
  if (data.includes('/')) {
    const d = goParseCidr(data);
    if (typeof d === 'string') throw cliError(d);
    ip = d.ip;
  } else ip = parseAddr(data);
  return ip !== undefined && contains(s.net, ip);
}

/**
 * The docker CLI's createIPAMConfig [CLI28:cli/command/network/create.go]: pairs each --ip-range, --gateway and
 * --aux-address with the --subnet that contains it, with the CLI's own error messages.
 */
export function cliIpamConfig(o: CliIpamOptions): IpamConfig[] {
  if (o.subnets.length < o.ipRanges.length || o.subnets.length < o.gateways.length) {
    throw cliError('every ip-range or gateway must have a corresponding subnet');
  }
  const data = new Map<string, { subnet: string; ipRange?: string; gateway?: string; aux: Record<string, string> }>();
  for (const s of o.subnets) {
    for (const k of data.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) throw cliError('multiple overlapping subnet configuration is not supported');
    }
    data.set(s, { subnet: s, aux: {} });
  }
  for (const r of o.ipRanges) {
    let match = false;
    for (const s of o.subnets) {
      if (!subnetMatches(s, r)) continue;
      const d = data.get(s)!;
      if (d.ipRange !== undefined) throw cliError(`cannot configure multiple ranges (${r}, ${d.ipRange}) on the same subnet (${s})`);
      d.ipRange = r;
      match = true;
    }
    if (!match) throw cliError(`no matching subnet for range ${r}`);
  }
  for (const g of o.gateways) {
    let match = false;
    for (const s of o.subnets) {
      if (!subnetMatches(s, g)) continue;
      const d = data.get(s)!;
      if (d.gateway !== undefined) throw cliError(`cannot configure multiple gateways (${g}, ${d.gateway}) for the same subnet (${s})`);
      d.gateway = g;
      match = true;
    }
    if (!match) throw cliError(`no matching subnet for gateway ${g}`);
  }
  for (const [key, aa] of o.auxAddresses) {
    let match = false;
    for (const s of o.subnets) {
      if (!subnetMatches(s, aa)) continue;
      data.get(s)!.aux[key] = aa;
      match = true;
    }
    if (!match) throw cliError(`no matching subnet for aux-address ${aa}`);
  }
  return [...data.values()].map((d) => ({
    subnet: d.subnet,
    ...(d.ipRange !== undefined ? { ipRange: d.ipRange } : {}),
    ...(d.gateway !== undefined ? { gateway: d.gateway } : {}),
    auxAddresses: d.aux,
  }));
}

/** Go's multierror.Join text: one error alone, several as "* a\n* b". */
export function joinErrors(errs: readonly string[]): string {
  if (errs.length === 1) return errs[0]!.trim();
  return `* ${errs.map((e) => e.replace(/\n/g, '\n\t')).join('\n* ')}`;
}

function validateAddress(address: string | undefined, subnet: Prefix): string | undefined {
  if (address === undefined || address === '') return undefined;
  const a = parseAddr(address);
  if (!a) return 'invalid address';
  if (a.family !== subnet.family) return `parent subnet is an ${familyName(subnet.family)} block`;
  if (!contains(subnet, a)) return `parent subnet ${formatPrefix(subnet)} doesn't contain this address`;
  return undefined;
}

/**
 * The API's ValidateIPAM (≥25) [M28:api/types/network/ipam.go]: every problem found, as
 * "invalid network config:\n<joined errors>" (400). IPv6 entries are only checked when IPv6 is enabled.
 */
export function validateIpamConfig(configs: readonly IpamConfig[], enableIPv6: boolean): void {
  const errs: string[] = [];
  for (const cfg of configs) {
    const subnet = parsePrefix(cfg.subnet ?? '');
    if (!subnet) {
      errs.push(`invalid subnet ${cfg.subnet ?? ''}: invalid CIDR block notation`);
      continue;
    }
    if (!enableIPv6 && subnet.family === 6) continue;
    if (!isMasked(subnet)) errs.push(`invalid subnet ${formatPrefix(subnet)}: it should be ${formatPrefix(masked(subnet))}`);
    if (cfg.ipRange !== undefined && cfg.ipRange !== '') {
      const r = parsePrefix(cfg.ipRange);
      if (!r) errs.push(`invalid ip-range ${cfg.ipRange}: invalid CIDR block notation`);
      else if (r.family !== subnet.family) errs.push(`invalid ip-range ${cfg.ipRange}: parent subnet is an ${familyName(subnet.family)} block`);
      else {
        if (r.bits < subnet.bits) errs.push(`invalid ip-range ${cfg.ipRange}: CIDR block is bigger than its parent subnet ${formatPrefix(subnet)}`);
        if (!isMasked(r)) errs.push(`invalid ip-range ${formatPrefix(r)}: it should be ${formatPrefix(masked(r))}`);
        if (!overlaps(subnet, r)) errs.push(`invalid ip-range ${cfg.ipRange}: parent subnet ${formatPrefix(subnet)} doesn't contain ip-range`);
      }
    }
    const g = validateAddress(cfg.gateway, subnet);
    if (g) errs.push(`invalid gateway ${cfg.gateway ?? ''}: ${g}`);
    for (const [name, aux] of Object.entries(cfg.auxAddresses ?? {})) {
      const e = validateAddress(aux, subnet);
      if (e) errs.push(`invalid auxiliary address ${name}: ${e}`);
    }
  }
  if (errs.length > 0) throw invalidParameter(`invalid network config:\n${joinErrors(errs)}`);
}

/** Splits configs by the family of their subnet (the daemon's getIpamConfig; ≤24 reports a bad subnet here). */
export function splitByFamily(configs: readonly IpamConfig[]): { v4: IpamConfig[]; v6: IpamConfig[] } {
  const v4: IpamConfig[] = [];
  const v6: IpamConfig[] = [];
  for (const c of configs) {
    const p = parsePrefix(c.subnet ?? '');
    if (!p) throw invalidParameter(`Invalid subnet ${c.subnet ?? ''} : invalid CIDR address: ${c.subnet ?? ''}`);
    (p.family === 4 ? v4 : v6).push(c);
  }
  return { v4, v6 };
}

/** What the network holds per allocated pool (libnetwork IpamInfo). */
export interface IpamInfo {
  readonly pool: AllocatedPool;
  /** The user's config entry this came from ({} for a dynamically chosen pool). */
  readonly config: IpamConfig;
  readonly gateway?: Addr;
  readonly auxAddresses: Readonly<Record<string, Addr>>;
}

export interface NetworkIpamRequest {
  readonly name: string;
  readonly space: AddressSpaceName;
  readonly family: Family;
  /** The user's configs of this family ([] → one dynamic pool). */
  readonly configs: readonly IpamConfig[];
  /** Host routes and nameservers a dynamic local pool must avoid (ignored for the global space). */
  readonly reserved?: readonly Prefix[];
  /** The driver asks for no gateway address (e.g. macvlan/ipvlan --internal, bridge inhibit_ipv4). */
  readonly skipGateway?: boolean;
  /** Serial allocation of the gateway (swarm networks). */
  readonly serial?: boolean;
}

/**
 * libnetwork's ipamAllocateVersion for one family: per config a pool (dynamic ones avoiding `reserved` on local
 * networks), then the gateway (the user's, else the first free address of the pool or its range), then the
 * auxiliary addresses (must lie in the subnet; reserved when free). Everything is released again on failure.
 */
export function allocateNetworkPools(ipam: Ipam, req: NetworkIpamRequest): IpamInfo[] {
  const configs = req.configs.length > 0 ? req.configs : [{}];
  const out: IpamInfo[] = [];
  try {
    for (const cfg of configs) {
      if (cfg.gateway !== undefined && cfg.gateway !== '' && !parseAddr(cfg.gateway)) {
        throw invalidParameter(`invalid gateway address ${cfg.gateway} in Ipam configuration`);
      }
      const pool = requestPoolAvoiding(ipam, req, cfg);
      const info = { pool, config: cfg, auxAddresses: {} as Record<string, Addr> } as { pool: AllocatedPool; config: IpamConfig; gateway?: Addr; auxAddresses: Record<string, Addr> };
      out.push(info);
      if ((cfg.gateway !== undefined && cfg.gateway !== '') || !req.skipGateway) {
        const pref = cfg.gateway ? parseAddr(cfg.gateway) : undefined;
        try {
          info.gateway = ipam.requestAddress(pool, pref, req.serial ?? false);
        } catch (e) {
          if (e instanceof DockerError) throw internal(`failed to allocate gateway (${cfg.gateway ?? ''}): ${e.message}`);
          throw e;
        }
      }
      for (const [k, v] of Object.entries(cfg.auxAddresses ?? {})) {
        const ip = parseAddr(v);
        if (!ip) throw invalidParameter(`non parsable secondary ip address (${k}:${v}) passed for network ${req.name}`);
        if (!contains(pool.subnet, ip)) throw forbidden(`auxiliary address: (${k}:${v}) must belong to the master pool: ${formatPrefix(pool.subnet)}`);
        try {
          info.auxAddresses[k] = ipam.requestAddress(pool, ip);
        } catch (e) {
          if (e instanceof IpamError && e.kind === 'outOfRange') continue;
          if (e instanceof DockerError) throw internal(`failed to allocate secondary ip address (${k}:${v}): ${e.message}`);
          throw e;
        }
      }
    }
  } catch (e) {
    releaseNetworkPools(ipam, out);
    throw e;
  }
  return out;
}

function requestPoolAvoiding(ipam: Ipam, req: NetworkIpamRequest, cfg: IpamConfig): AllocatedPool {
  const reserved = req.space === 'GlobalDefault' ? [] : (req.reserved ?? []);
  const base = { space: req.space, family: req.family, ...(cfg.subnet ? { pool: cfg.subnet } : {}), ...(cfg.ipRange ? { subPool: cfg.ipRange } : {}) };
  if (cfg.subnet || ipam.behaviour.subnetAllocator === 'lowest-free') return ipam.requestPool({ ...base, exclude: reserved });
  // ≤26 (requestPoolHelper): a dynamic local pool overlapping the host is held while the next is tried, then
  // released — which also advances the round-robin start index past it.
  const held: AllocatedPool[] = [];
  try {
    for (;;) {
      const p = ipam.requestPool(base);
      if (!reserved.some((r) => overlaps(r, p.subnet))) return p;
      held.push(p);
    }
  } finally {
    for (const h of held) ipam.releasePool(h);
  }
}

/** Releases the gateway, aux addresses and pools of a network (ipamReleaseVersion). */
export function releaseNetworkPools(ipam: Ipam, infos: readonly IpamInfo[]): void {
  for (const info of infos) {
    if (info.gateway) ipam.releaseAddress(info.pool, info.gateway);
    for (const a of Object.values(info.auxAddresses)) {
      try {
        ipam.releaseAddress(info.pool, a);
      } catch {
        // an aux address outside the range was never reserved
      }
    }
    ipam.releasePool(info.pool);
  }
}

/**
 * An endpoint's address of one family (libnetwork assignAddressVersion): with `preferred` (`--ip`), the pool whose
 * subnet holds it; else the first pool with a free address. Errors as libnetwork words them.
 */
export function assignEndpointAddress(ipam: Ipam, network: { name: string; id: string }, infos: readonly IpamInfo[], family: Family, preferred?: Addr, serial = false): { info: IpamInfo; address: Addr } {
  for (const info of infos) {
    if (preferred && !contains(info.pool.subnet, preferred)) continue;
    try {
      return { info, address: ipam.requestAddress(info.pool, preferred, serial) };
    } catch (e) {
      if (!(e instanceof IpamError) || e.kind !== 'noAvailable' || preferred) throw e;
    }
  }
  if (preferred) {
    throw invalidParameter(`${ipam.behaviour.lowercaseIpamErrors ? 'invalid' : 'Invalid'} address ${formatAddr(preferred)}: It does not belong to any of this network's subnets`);
  }
  return throwNoAddresses(family, network);
}

function throwNoAddresses(family: Family, network: { name: string; id: string }): never {
  throw new DockerError(`no available IPv${family} addresses on this network's address pools: ${network.name} (${network.id})`, 'unavailable');
}

// ---- --ip / --ip6 checks (§2.5) ----

/** The runconfig error for `--ip` on bridge/host/none. */
export const ERR_IP_ON_PREDEFINED = 'user specified IP address is supported on user defined networks only';
export const ERR_IP_WITHOUT_SUBNET = 'user specified IP address is supported only when connecting to networks with user configured subnets';

/**
 * validateEndpointIPAddress [M28:api/types/network/endpoint.go]: `--ip` needs a user-configured subnet of its family
 * that contains it. Returns the message, or undefined when fine. `userSubnets` are the network's --subnet values.
 */
export function checkStaticAddress(address: string, userSubnets: readonly string[], family: Family): string | undefined {
  const a = parseAddr(address);
  let staticSubnet = false;
  for (const s of userSubnets) {
    const p = parsePrefix(s);
    if (!p || p.family !== family) continue;
    staticSubnet = true;
    if (a && contains(p, a)) return undefined;
  }
  if (staticSubnet) return `no configured subnet or ip-range contain the IP address ${address}`;
  return ERR_IP_WITHOUT_SUBNET;
}

/** Parses `--ip` / `--ip6` text ("invalid IPv4 address: x" otherwise). */
export function parseStaticAddress(text: string, family: Family): Addr {
  const a = parseAddr(text);
  if (!a || a.family !== family) throw invalidParameter(`invalid IPv${family} address: ${text}`);
  return a;
}

// ---- host-reserved prefixes (§2.2) ----

export interface HostRoute {
  /** Destination prefix ("default" routes have none). */
  readonly dst?: string;
  /** True for routes without a gateway (scope link / on-link). */
  readonly onLink: boolean;
}

/**
 * netutils.InferReservedNetworks: the host's nameservers (as /32 or /128) and its on-link route destinations (≥23;
 * before 23 every route with a destination counted). Dynamic local pools avoid these; static subnets do not.
 */
export function inferReservedNetworks(routes: readonly HostRoute[], nameservers: readonly string[], b: EngineBehaviour, family: Family = 4): Prefix[] {
  const out: Prefix[] = [];
  const onLinkOnly = b.version.major >= 23;
  for (const r of routes) {
    if (!r.dst || r.dst === 'default') continue;
    if (onLinkOnly && !r.onLink) continue;
    const p = parsePrefix(r.dst);
    if (p && p.family === family) out.push(masked(p));
  }
  for (const ns of nameservers) {
    const a = parseAddr(ns);
    if (a && a.family === family) out.push({ family, addr: a.value, bits: bitLen(family) });
  }
  return out;
}

