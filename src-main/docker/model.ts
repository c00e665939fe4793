// The Container Network Model as libnetwork has it: a Network (one driver, its IPAM state) holds Endpoints; an
// Endpoint joins one Sandbox (a container's network namespace); a Sandbox has endpoints on several networks.
// NetworkRegistry is the daemon's network table: create / remove / look up with Docker's checks and errors, and
// endpoint creation (addresses, MAC, DNS names). No packets here: the daemon plugs these objects into net/.

import type { Ipv4Address } from '../common/wire/ipv4-address.ts';
import type { MacAddress } from '../common/wire/mac.ts';
import { parseMac } from '../common/wire/mac.ts';
import type { Random } from '../sim/random.ts';
import type { Time } from '../sim/time.ts';
import { DockerError, conflict, forbidden, invalidParameter } from './errors.ts';
import type { DriverName, DriverOptions } from './driver-options.ts';
import {
  BRIDGE_DEFAULT_BRIDGE,
  BRIDGE_ENABLE_ICC,
  BRIDGE_ENABLE_IP_MASQUERADE,
  BRIDGE_HOST_BINDING_IPV4,
  BRIDGE_NAME,
  DRIVER_MTU,
  OVERLAY_VXLANID_LIST,
  driverScope,
  parseDriverOptions,
} from './driver-options.ts';
import { findNetwork, generateId, truncateId } from './ids.ts';
import type { NetworkLookupPath } from './ids.ts';
import type { Ipam, IpamConfig, IpamInfo } from './ipam.ts';
import {
  ERR_IP_ON_PREDEFINED,
  allocateNetworkPools,
  assignEndpointAddress,
  checkStaticAddress,
  joinErrors,
  releaseNetworkPools,
  splitByFamily,
  validateIpamConfig,
} from './ipam.ts';
import { endpointMac } from './mac.ts';
import type { Addr, Family, Prefix } from './prefix.ts';
import { formatAddr, overlaps, parseAddr, toIpv4 } from './prefix.ts';
import type { EngineBehaviour } from './version.ts';
import { LEGACY_VXLAN_ID_START, VniAllocator } from './vni.ts';

export type NetworkScope = 'local' | 'global' | 'swarm';

/** Names the daemon reserves for its own networks (runconfig.IsPreDefinedNetwork). */
export const PREDEFINED_NETWORK_NAMES: readonly string[] = ['bridge', 'host', 'none', 'default'];

/** NetworkMode(name).IsUserDefined(): anything but default/bridge/host/none/container:… */
export function isUserDefinedNetworkName(name: string): boolean {
  return !PREDEFINED_NETWORK_NAMES.includes(name) && !name.startsWith('container:');
}

export interface EndpointAddress<A> {
  readonly address: A;
  readonly prefixLength: number;
  /** The pool it came from (to release it). */
  readonly info: IpamInfo;
}

export interface Endpoint {
  readonly id: string;
  /** The container's name (no "/"), or `gateway_<cid12>`, `ingress-endpoint`, `<net>-endpoint`. */
  readonly name: string;
  readonly networkId: string;
  /** The key under which inspect lists it ("Containers"): container ID, `ingress-sbox`, `lb-<net>`. */
  readonly key: string;
  readonly ipv4?: EndpointAddress<Ipv4Address>;
  /** IPv6 in canonical text. */
  readonly ipv6?: EndpointAddress<string>;
  readonly mac: MacAddress;
  /** Network-scoped aliases (--network-alias / --alias). */
  readonly aliases: readonly string[];
  /** Names the embedded DNS answers for this endpoint (≥25 DNSNames): [name, aliases…, short ID, hostname]. */
  readonly dnsNames: readonly string[];
  /** The addresses the user asked for (IPAMConfig in inspect). */
  readonly requestedIpv4?: string;
  readonly requestedIpv6?: string;
  /** Order of creation on its network (stable listing). */
  readonly seq: number;
}

/** A container's network namespace (libnetwork Sandbox). */
export interface Sandbox {
  readonly id: string;
  readonly containerId: string;
  /** /var/run/docker/netns/<id12> (§1). */
  readonly key: string;
  /** Endpoint IDs in join order. */
  readonly endpoints: string[];
}

export function sandboxKey(sandboxId: string): string {
  return `/var/run/docker/netns/${sandboxId.slice(0, 12)}`;
}

export class Network {
  readonly endpoints = new Map<string, Endpoint>();
  constructor(
    readonly id: string,
    readonly name: string,
    readonly driver: DriverName,
    readonly scope: NetworkScope,
    readonly driverOptions: DriverOptions,
    /** The options inspect shows (the user's -o, or the daemon's for the default bridge). */
    readonly options: Readonly<Record<string, string>>,
    readonly labels: Readonly<Record<string, string>>,
    readonly flags: { readonly internal: boolean; readonly attachable: boolean; readonly ingress: boolean; readonly configOnly: boolean; readonly configFrom: string },
    readonly enableIPv4: boolean,
    readonly enableIPv6: boolean,
    readonly ipamDriver: string,
    /** IPAM options (null when the daemon passed none, as for the predefined networks). */
    readonly ipamOptions: Readonly<Record<string, string>> | null,
    /** The user's IPAM config entries per family (empty when the pool was chosen dynamically). */
    readonly ipamConfigV4: readonly IpamConfig[],
    readonly ipamConfigV6: readonly IpamConfig[],
    readonly ipv4: readonly IpamInfo[],
    readonly ipv6: readonly IpamInfo[],
    /** Virtual time of creation. */
    readonly created: Time,
    /** bridge, host, none (created by the daemon; cannot be removed). */
    readonly predefined: boolean,
    /** The Linux bridge device (docker0, br-<id12>, docker_gwbridge) for bridge networks. */
    readonly bridgeName: string | undefined,
    /** VXLAN IDs, one per IPv4 subnet (overlay). */
    readonly vnis: readonly number[],
  ) {}

  get internal(): boolean {
    return this.flags.internal;
  }
  get attachable(): boolean {
    return this.flags.attachable;
  }
  get ingress(): boolean {
    return this.flags.ingress;
  }

  /** The gateway of the first pool of a family (undefined for --internal networks when asked with `forEndpoint`). */
  gateway(family: Family): Addr | undefined {
    return (family === 4 ? this.ipv4 : this.ipv6)[0]?.gateway;
  }

  subnets(family: Family): Prefix[] {
    return (family === 4 ? this.ipv4 : this.ipv6).map((i) => i.pool.subnet);
  }

  /** The user's --subnet values (both families), which `--ip` needs (§2.5). */
  userSubnets(): string[] {
    return [...this.ipamConfigV4, ...this.ipamConfigV6].map((c) => c.subnet ?? '').filter((s) => s !== '');
  }

  /** Endpoints in creation order. */
  endpointList(): Endpoint[] {
    return [...this.endpoints.values()].sort((a, b) => a.seq - b.seq);
  }
}

export interface CreateNetworkRequest {
  readonly name: string;
  readonly driver?: string;
  /** --scope (local, swarm, global). */
  readonly scope?: string;
  readonly internal?: boolean;
  readonly attachable?: boolean;
  readonly ingress?: boolean;
  readonly enableIPv4?: boolean;
  readonly enableIPv6?: boolean;
  readonly ipam?: { readonly driver?: string; readonly config?: readonly IpamConfig[]; readonly options?: Readonly<Record<string, string>> | null };
  readonly options?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  /** ≤24: refuse a duplicate name only when set (the docker CLI always sets it). */
  readonly checkDuplicate?: boolean;
  /** A swarm network instantiated on this node by the executor: the manager's ID, subnets and VNIs. */
  readonly managed?: { readonly id: string; readonly vnis?: readonly number[] };
  /** A global-scope network of the key-value store (≤22, docker/kvstore/): its ID when read from the store, its VNIs. */
  readonly store?: { readonly id?: string; readonly vnis: readonly number[] };
}

export type SwarmRole = 'none' | 'worker' | 'manager';

export interface RegistryOptions {
  readonly behaviour: EngineBehaviour;
  readonly ipam: Ipam;
  /** The daemon's random stream; the registry forks 'network-ids', 'endpoint-ids' and 'macs' from it. */
  readonly rng: Random;
  /** The virtual clock. */
  readonly now: () => Time;
  /** Host routes and nameservers a dynamic local pool must avoid (§2.2). */
  readonly reserved?: () => readonly Prefix[];
  readonly swarmRole?: () => SwarmRole;
  /** ≤22 with cluster-store configured: `-d overlay` makes a global-scope KV-store overlay. */
  readonly clusterStore?: () => boolean;
}

/** Daemon settings that shape the default bridge (dockerd flags / daemon.json). */
export interface DefaultBridgeConfig {
  /** --bip "172.17.0.1/16": subnet and gateway of docker0. */
  readonly bip?: string;
  /** --fixed-cidr: the ip-range of the default bridge. */
  readonly fixedCidr?: string;
  readonly mtu?: number;
  readonly icc?: boolean;
  readonly ipMasq?: boolean;
  /** --ip: default host binding for published ports. */
  readonly ip?: string;
}

export interface CreateEndpointRequest {
  /** Endpoint name: the container name without "/". */
  readonly name: string;
  /** Key in inspect's Containers (container ID, or the LB/ingress sandbox key). */
  readonly key: string;
  /** The container ID (for the short-ID DNS name); omitted for LB endpoints. */
  readonly containerId?: string;
  readonly hostname?: string;
  /** --ip / --ip6 (already validated with endpointSettingsError). */
  readonly ipv4?: string;
  readonly ipv6?: string;
  /** --mac-address. */
  readonly mac?: string;
  readonly aliases?: readonly string[];
  /** Serial allocation (swarm allocator semantics). */
  readonly serial?: boolean;
  /** ipvlan: the parent's MAC. */
  readonly parentMac?: MacAddress;
  /** No DNS names (a swarm lb-<net> endpoint: only NetworkDB records name things on a swarm network). */
  readonly anonymous?: boolean;
}

/** The daemon's network table. */
export class NetworkRegistry {
  private readonly networks = new Map<string, Network>();
  private readonly b: EngineBehaviour;
  private readonly ids: Random;
  private readonly epIds: Random;
  private readonly macs: Random;
  private readonly legacyVnis = new VniAllocator(LEGACY_VXLAN_ID_START);
  private epSeq = 0;

  constructor(private readonly o: RegistryOptions) {
    this.b = o.behaviour;
    this.ids = o.rng.fork('network-ids');
    this.epIds = o.rng.fork('endpoint-ids');
    this.macs = o.rng.fork('macs');
  }

  get ipam(): Ipam {
    return this.o.ipam;
  }

  /** Networks in creation order. */
  list(): Network[] {
    return [...this.networks.values()];
  }

  get(id: string): Network | undefined {
    return this.networks.get(id);
  }

  byName(name: string): Network | undefined {
    return this.list().find((n) => n.name === name);
  }

  /** Name / full ID / ID prefix, with Docker's errors (see ids.findNetwork). */
  find(term: string, path: NetworkLookupPath = 'api'): Network {
    return findNetwork(term, this.list(), path);
  }

  /** The daemon's start: `bridge` (docker0), `host` and `none` (§1, §2.7, §4.1). */
  createPredefined(cfg: DefaultBridgeConfig = {}): { bridge: Network; host: Network; none: Network } {
    const host = this.insert({ name: 'host', driver: 'host', options: {}, ipamOptions: null }, true);
    const none = this.insert({ name: 'none', driver: 'null', options: {}, ipamOptions: null }, true);
    const bridge = this.createDefaultBridge(cfg);
    return { bridge, host, none };
  }

  /** (Re)creates the default bridge; a daemon restart gives it a new ID (§1). */
  createDefaultBridge(cfg: DefaultBridgeConfig = {}): Network {
    const old = this.byName('bridge');
    if (old) this.drop(old);
    const options: Record<string, string> = {
      [BRIDGE_DEFAULT_BRIDGE]: 'true',
      [BRIDGE_ENABLE_ICC]: String(cfg.icc ?? true),
      [BRIDGE_ENABLE_IP_MASQUERADE]: String(cfg.ipMasq ?? true),
      [BRIDGE_HOST_BINDING_IPV4]: cfg.ip ?? '0.0.0.0',
      [BRIDGE_NAME]: 'docker0',
      [DRIVER_MTU]: String(cfg.mtu ?? 1500),
    };
    let config: IpamConfig[] = [];
    if (cfg.bip) {
      const slash = cfg.bip.indexOf('/');
      const gw = cfg.bip.slice(0, slash);
      const p = parseAddr(gw);
      const bits = Number(cfg.bip.slice(slash + 1));
      if (!p || !(bits >= 0 && bits <= 32)) throw invalidParameter(`invalid bip ${cfg.bip}`);
      const net = formatAddr({ family: 4, value: p.value & ~((1n << BigInt(32 - bits)) - 1n) });
      config = [{ subnet: `${net}/${bits}`, gateway: gw, ...(cfg.fixedCidr ? { ipRange: cfg.fixedCidr } : {}) }];
    }
    return this.insert({ name: 'bridge', driver: 'bridge', options, ipamOptions: null, v4: config }, true);
  }

  /** `docker network create` (and the executor's instantiation of swarm networks). */
  create(req: CreateNetworkRequest): Network {
    const b = this.b;
    const configs = req.ipam?.config ?? [];
    if (b.validatesIpamConfig) validateIpamConfig(configs, req.enableIPv6 ?? false);
    if (PREDEFINED_NETWORK_NAMES.includes(req.name)) throw forbidden(`operation is not permitted on predefined ${req.name} network `);
    if (req.name === '') throw invalidParameter('invalid name: name is empty');
    const dup = this.byName(req.name);
    if (dup && (b.duplicateNameConflict || (req.checkDuplicate ?? true))) {
      throw b.duplicateNameConflict ? conflict(`network with name ${req.name} already exists`) : forbidden(`network with name ${req.name} already exists`);
    }
    const driver = req.driver === undefined || req.driver === '' ? 'bridge' : req.driver;
    let scope: NetworkScope = 'local';
    if (driver === 'overlay' || driverScope(driver as DriverName) === 'global') {
      if (req.scope === 'local') throw forbidden(`cannot downgrade network scope for ${driver} networks`);
      if (req.managed) scope = 'swarm';
      else if (req.store || (this.o.clusterStore?.() && b.clusterStore)) scope = 'global';
      else if ((this.o.swarmRole?.() ?? 'none') === 'worker') {
        throw forbidden('Cannot create a multi-host network from a worker node. Please create the network from a manager node.');
      } else {
        throw forbidden('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.');
      }
    } else if (req.scope === 'swarm') {
      if ((this.o.swarmRole?.() ?? 'none') === 'none') throw forbidden('cannot create a swarm scoped network when swarm is not active');
      scope = 'swarm';
    } else if (req.scope === 'global') scope = 'global';
    if (req.ingress && scope === 'local') throw forbidden('Ingress network can only be global scope network');
    if (req.enableIPv4 === false && scope === 'swarm') throw invalidParameter('IPv4 cannot be disabled in a Swarm scoped network');
    if (!['bridge', 'host', 'null', 'macvlan', 'ipvlan', 'overlay'].includes(driver)) parseDriverOptions(driver, {}, false);
    const { v4, v6 } = splitByFamily(configs);
    return this.insert(
      {
        name: req.name,
        driver: driver as DriverName,
        scope,
        options: req.options ?? {},
        labels: req.labels ?? {},
        internal: req.internal ?? false,
        attachable: req.attachable ?? false,
        ingress: req.ingress ?? false,
        enableIPv4: req.enableIPv4 ?? true,
        enableIPv6: req.enableIPv6 ?? false,
        ipamDriver: req.ipam?.driver || 'default',
        ipamOptions: req.ipam?.options === undefined ? {} : req.ipam.options,
        v4,
        v6,
        ...(req.managed ? { id: req.managed.id, vnis: req.managed.vnis ?? [] } : {}),
        ...(req.store ? { ...(req.store.id !== undefined ? { id: req.store.id } : {}), vnis: req.store.vnis } : {}),
      },
      false,
    );
  }

  private insert(
    s: {
      name: string;
      driver: DriverName;
      scope?: NetworkScope;
      options: Readonly<Record<string, string>>;
      labels?: Readonly<Record<string, string>>;
      internal?: boolean;
      attachable?: boolean;
      ingress?: boolean;
      enableIPv4?: boolean;
      enableIPv6?: boolean;
      ipamDriver?: string;
      ipamOptions: Readonly<Record<string, string>> | null;
      v4?: readonly IpamConfig[];
      v6?: readonly IpamConfig[];
      id?: string;
      vnis?: readonly number[];
    },
    predefined: boolean,
  ): Network {
    const internal = s.internal ?? false;
    const driverOptions = parseDriverOptions(s.driver, s.options, internal);
    const id = s.id ?? generateId(this.ids);
    const scope = s.scope ?? 'local';
    const enableIPv4 = s.enableIPv4 ?? true;
    const enableIPv6 = s.enableIPv6 ?? false;
    const v4cfg = s.v4 ?? [];
    const v6cfg = s.v6 ?? [];
    let bridgeName: string | undefined;
    if (driverOptions.kind === 'bridge') {
      bridgeName = driverOptions.bridgeName ?? `br-${id.slice(0, 12)}`;
      const other = this.list().find((n) => n.driver === 'bridge' && n.bridgeName === bridgeName);
      if (other) throw forbidden(`cannot create network ${id} (${bridgeName}): conflicts with network ${other.id} (${other.bridgeName ?? ''}): networks have same bridge name`);
    }
    if (driverOptions.kind === 'macvlan' && driverOptions.parent) this.checkMacvlanParent(driverOptions.parent, driverOptions.mode);
    const special = s.driver === 'host' || s.driver === 'null';
    const space = scope === 'local' ? 'LocalDefault' : 'GlobalDefault';
    // ≥28 GetSkipGwAlloc: --internal, no parent (the driver's own "internal"), ipvlan l3/l3s (default dev route).
    const vlanNoGw = (driverOptions.kind === 'macvlan' || driverOptions.kind === 'ipvlan') && this.b.version.major >= 28 && (driverOptions.parent === undefined || (driverOptions.kind === 'ipvlan' && driverOptions.mode !== 'l2'));
    const skipGateway = (internal || vlanNoGw) && (s.driver === 'macvlan' || s.driver === 'ipvlan');
    const reserved = scope === 'local' ? (this.o.reserved?.() ?? []) : [];
    let ipv4: IpamInfo[] = [];
    let ipv6: IpamInfo[] = [];
    if (!special) {
      if (enableIPv4) ipv4 = allocateNetworkPools(this.o.ipam, { name: s.name, space, family: 4, configs: v4cfg, reserved: reserved.filter((r) => r.family === 4), skipGateway });
      if (enableIPv6) {
        try {
          ipv6 = allocateNetworkPools(this.o.ipam, { name: s.name, space, family: 6, configs: v6cfg, reserved: reserved.filter((r) => r.family === 6), skipGateway });
        } catch (e) {
          releaseNetworkPools(this.o.ipam, ipv4);
          throw e;
        }
      }
    }
    const release = (): void => {
      releaseNetworkPools(this.o.ipam, ipv6);
      releaseNetworkPools(this.o.ipam, ipv4);
    };
    if (driverOptions.kind === 'bridge') {
      // The bridge driver refuses a subnet overlapping another bridge network's (reachable through the ip-range quirk).
      for (const n of this.list()) {
        if (n.driver !== 'bridge') continue;
        for (const [fam, mine] of [[4, ipv4] as const, [6, ipv6] as const]) {
          if (mine.some((i) => n.subnets(fam).some((p) => overlaps(p, i.pool.subnet)))) {
            release();
            throw forbidden(`cannot create network ${id} (${bridgeName ?? ''}): conflicts with network ${n.id} (${n.bridgeName ?? ''}): networks have overlapping IPv${fam}`);
          }
        }
      }
      if (ipv4.length > 1 || ipv6.length > 1) {
        release();
        throw forbidden("bridge driver doesn't support multiple subnets");
      }
    }
    let vnis: readonly number[] = s.vnis ?? [];
    let options = s.options;
    if (driverOptions.kind === 'overlay' && scope === 'global' && vnis.length === 0) {
      // ≤22 KV-store overlay: VNIs from 256 (§6.2).
      vnis = ipv4.map(() => this.legacyVnis.allocate());
    }
    if (driverOptions.kind === 'overlay' && vnis.length > 0 && scope !== 'global' && options[OVERLAY_VXLANID_LIST] === undefined) {
      options = { ...options, [OVERLAY_VXLANID_LIST]: vnis.join(',') };
    }
    const nw = new Network(
      id,
      s.name,
      s.driver,
      scope,
      driverOptions,
      options,
      s.labels ?? {},
      { internal, attachable: s.attachable ?? false, ingress: s.ingress ?? false, configOnly: false, configFrom: '' },
      enableIPv4,
      enableIPv6,
      s.ipamDriver ?? 'default',
      s.ipamOptions,
      v4cfg,
      v6cfg,
      ipv4,
      ipv6,
      this.o.now(),
      predefined,
      bridgeName,
      vnis,
    );
    this.networks.set(id, nw);
    return nw;
  }

  private checkMacvlanParent(parent: string, mode: string): void {
    for (const n of this.list()) {
      const o = n.driverOptions;
      if (o.kind !== 'macvlan' || o.parent !== parent) continue;
      if (!this.b.macvlanSharedParent) throw forbidden(`network dm-${n.id.slice(0, 12)} is already using parent interface ${parent}`);
      if (mode === 'passthru') throw forbidden(`cannot use mode passthru, macvlan network ${n.id} is already using parent interface ${parent}`);
      if (o.mode === 'passthru') throw forbidden(`macvlan network ${n.id} is already using parent interface ${parent} in mode passthru`);
    }
  }

  /** `docker network rm` of one argument: the network removed, or Docker's error. */
  remove(term: string): Network {
    const nw = this.find(term, 'api');
    if (nw.predefined || PREDEFINED_NETWORK_NAMES.includes(nw.name)) throw forbidden(`${nw.name} is a pre-defined network and cannot be removed`);
    const eps = nw.endpointList();
    if (eps.length > 0) {
      const detail = this.b.activeEndpointsList
        ? `network ${nw.name} has active endpoints (${eps.map((e) => `name:${JSON.stringify(e.name)} id:${JSON.stringify(truncateId(e.id))}`).join(', ')})`
        : `network ${nw.name} id ${nw.id} has active endpoints`;
      throw forbidden(`error while removing network: ${detail}`);
    }
    this.drop(nw);
    return nw;
  }

  private drop(nw: Network): void {
    for (const ep of nw.endpointList()) this.deleteEndpoint(nw, ep.id);
    releaseNetworkPools(this.o.ipam, nw.ipv6);
    releaseNetworkPools(this.o.ipam, nw.ipv4);
    if (nw.scope === 'global') for (const v of nw.vnis) this.legacyVnis.release(v);
    this.networks.delete(nw.id);
  }

  /**
   * validateEndpointSettings (≥25) for a container joining `nw` with these settings: undefined when fine, else
   * "invalid endpoint settings:\n<problems>" (docker run wraps it as `invalid config for network <name>: …`).
   */
  endpointSettingsError(nw: Network, s: { ipv4?: string; ipv6?: string; aliases?: readonly string[]; mac?: string }): string | undefined {
    const errs: string[] = [];
    const hasStatic = (s.ipv4 ?? '') !== '' || (s.ipv6 ?? '') !== '';
    if (!isUserDefinedNetworkName(nw.name)) {
      if (hasStatic) errs.push(ERR_IP_ON_PREDEFINED);
      if ((s.aliases ?? []).length > 0) errs.push('network-scoped alias is supported only for containers in user defined networks');
    }
    if (s.ipv4 && !(parseAddr(s.ipv4)?.family === 4)) errs.push(`invalid IPv4 address: ${s.ipv4}`);
    if (s.ipv6 && !(parseAddr(s.ipv6)?.family === 6)) errs.push(`invalid IPv6 address: ${s.ipv6}`);
    if (isUserDefinedNetworkName(nw.name) || errs.length === 0) {
      for (const [text, fam] of [[s.ipv4, 4], [s.ipv6, 6]] as const) {
        if (!text || parseAddr(text)?.family !== fam) continue;
        const e = checkStaticAddress(text, nw.userSubnets(), fam);
        if (e) errs.push(e);
      }
    }
    if (s.mac) {
      try {
        parseMac(s.mac);
      } catch {
        return `invalid MAC address ${s.mac}`;
      }
    }
    return errs.length > 0 ? `invalid endpoint settings:\n${joinErrors(errs)}` : undefined;
  }

  /** CreateEndpoint: addresses (lowest free, or `--ip`), the MAC of the driver and version, DNS names. */
  createEndpoint(nw: Network, req: CreateEndpointRequest): Endpoint {
    for (const e of nw.endpoints.values()) {
      if (e.name === req.name) throw forbidden(`endpoint with name ${req.name} already exists in network ${nw.name}`);
    }
    const ipam = this.o.ipam;
    let ipv4: EndpointAddress<Ipv4Address> | undefined;
    let ipv6: EndpointAddress<string> | undefined;
    const special = nw.driver === 'host' || nw.driver === 'null';
    if (!special && nw.enableIPv4 && nw.ipv4.length > 0) {
      const pref = req.ipv4 ? parseAddr(req.ipv4) : undefined;
      const { info, address } = assignEndpointAddress(ipam, nw, nw.ipv4, 4, pref, req.serial ?? false);
      ipv4 = { address: toIpv4(address), prefixLength: info.pool.subnet.bits, info };
    }
    if (!special && nw.enableIPv6 && nw.ipv6.length > 0) {
      const pref = req.ipv6 ? parseAddr(req.ipv6) : undefined;
      try {
        const { info, address } = assignEndpointAddress(ipam, nw, nw.ipv6, 6, pref, req.serial ?? false);
        ipv6 = { address: formatAddr(address), prefixLength: info.pool.subnet.bits, info };
      } catch (e) {
        if (ipv4) ipam.releaseAddress(ipv4.info.pool, { family: 4, value: BigInt(ipv4.address) });
        throw e;
      }
    }
    const d = nw.driverOptions.kind;
    const mac = special
      ? 0
      : endpointMac(
          this.b,
          {
            driver: d === 'overlay' ? 'overlay' : d === 'macvlan' ? 'macvlan' : d === 'ipvlan' ? 'ipvlan' : 'bridge',
            ...(ipv4 ? { ipv4: ipv4.address } : {}),
            ...(req.mac ? { requested: parseMac(req.mac) } : {}),
            ...(req.parentMac !== undefined ? { parentMac: req.parentMac } : {}),
          },
          this.macs,
        );
    const aliases = [...(req.aliases ?? [])];
    const ep: Endpoint = {
      id: generateId(this.epIds),
      name: req.name,
      networkId: nw.id,
      key: req.key,
      ...(ipv4 ? { ipv4 } : {}),
      ...(ipv6 ? { ipv6 } : {}),
      mac,
      aliases,
      dnsNames: isUserDefinedNetworkName(nw.name) && req.anonymous !== true ? buildDnsNames(req.name, aliases, req.containerId, req.hostname) : [],
      ...(req.ipv4 ? { requestedIpv4: req.ipv4 } : {}),
      ...(req.ipv6 ? { requestedIpv6: req.ipv6 } : {}),
      seq: this.epSeq++,
    };
    nw.endpoints.set(ep.id, ep);
    return ep;
  }

  /** Deletes an endpoint and releases its addresses (they are reused lowest-first, §2.4). */
  deleteEndpoint(nw: Network, endpointId: string): void {
    const ep = nw.endpoints.get(endpointId);
    if (!ep) throw new DockerError(`endpoint ${endpointId} not found`, 'notFound');
    if (ep.ipv4) this.o.ipam.releaseAddress(ep.ipv4.info.pool, { family: 4, value: BigInt(ep.ipv4.address) });
    if (ep.ipv6) {
      const a = parseAddr(ep.ipv6.address);
      if (a) this.o.ipam.releaseAddress(ep.ipv6.info.pool, a);
    }
    nw.endpoints.delete(endpointId);
  }
}

/** buildEndpointDNSNames: [name, aliases…, short ID, hostname], de-duplicated in order. */
export function buildDnsNames(name: string, aliases: readonly string[], containerId?: string, hostname?: string): string[] {
  const out: string[] = [];
  const push = (s: string | undefined): void => {
    if (s && !out.includes(s)) out.push(s);
  };
  push(name.startsWith('/') ? name.slice(1) : name);
  for (const a of aliases) push(a);
  if (containerId) push(truncateId(containerId));
  push(hostname);
  return out;
}
