// The key-value-store overlay of Docker ≤22 on one node (libnetwork with a global datastore, docker-networking.md
// §6.8): a daemon started with `cluster-store: consul://ADDR:8500` and `cluster-advertise: IFACE|IP:PORT` keeps its
// global-scope networks and their endpoints in consul, over real HTTP on the underlay (consul.ts):
//
//   docker/nodes/<advertise>                                   the node's discovery entry
//   docker/network/v1.0/network/<nid>                          the network (name, subnet, gateway, options ...)
//   docker/network/v1.0/overlay/network/<nid>                  the overlay driver's config (its VNI)
//   docker/network/v1.0/endpoint/<nid>/<eid>                   each endpoint, on any node: name, IP, MAC, locator
//   docker/network/v1.0/bitseq/vxlan-id                        the VNIs handed out (serial from 256, §6.2)
//   docker/network/v1.0/bitseq/GlobalDefault/<subnet>          the addresses handed out in a network's subnet
//
// Allocation is compare-and-swap (PUT ?cas=ModifyIndex, retried when another daemon won), as libnetwork's
// AtomicPut of its bitmaps. Each daemon watches the whole tree with a blocking query (GET ?recurse&index=N) and, on
// every change, brings its network table in line (a network created on one node appears on every node configured
// with the same store, scope global; one removed goes), programs its overlay sandboxes' remote peers (the neighbour
// and FDB entries of vxlan0 — real 20.10 learnt them with serf gossip; here they come from the endpoint records,
// whose locator is the peer's VTEP) and answers names of containers on other nodes. Containers on a global overlay
// get eth1 on docker_gwbridge, as with swarm overlays. Network creation answers from the watched copy of the store
// and writes it through (a `docker network create` does not wait on consul); an endpoint's address is allocated in
// the store before its container starts.

import { formatIpv4, parseCidr, parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { formatMac } from '../../common/wire/mac.ts';
import type { NetLab } from '../../net/scenario.ts';
import type { Random } from '../../sim/random.ts';
import type { EventHandle, Scheduler } from '../../sim/scheduler.ts';
import { SECOND } from '../../sim/time.ts';
import type { ClusterStoreHooks } from '../daemon/cluster-store-hooks.ts';
import type { Attachment, Container, EndpointConfig } from '../daemon/container.ts';
import type { Daemon } from '../daemon/daemon.ts';
import { OverlayDriver, type OverlayNetworkInfo } from '../daemon/overlay.ts';
import { endpointMtu } from '../driver-options.ts';
import { DockerError, forbidden, invalidParameter } from '../errors.ts';
import type { CreateNetworkRequest, Endpoint, Network } from '../model.ts';
import { formatPrefix } from '../prefix.ts';
import { LEGACY_VXLAN_ID_START } from '../vni.ts';
import { ConsulClient, type KvPair } from './consul.ts';

export const KV_ROOT = 'docker/network/v1.0/';
const NODES = 'docker/nodes/';
const VXLAN_KEY = `${KV_ROOT}bitseq/vxlan-id`;
/** How long a blocking watch waits before it asks again (libkv leaves consul's default). */
const WATCH_WAIT = '5m';
const dec = new TextDecoder();

/** A network as the store keeps it. */
export interface KvNetworkRecord {
  readonly id: string;
  readonly name: string;
  readonly networkType: 'overlay';
  readonly scope: 'global';
  readonly subnet: string;
  readonly gateway: string;
  readonly internal: boolean;
  readonly attachable: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly options: Readonly<Record<string, string>>;
  readonly userSubnet: boolean;
}

/** An endpoint as the store keeps it (any node's). */
export interface KvEndpointRecord {
  readonly id: string;
  readonly name: string;
  readonly networkId: string;
  /** "10.0.9.2/24". */
  readonly addr: string;
  readonly mac: string;
  /** The node's advertise address: where VXLAN for this endpoint goes. */
  readonly locator: string;
  readonly aliases: readonly string[];
}

interface Plumbed {
  readonly networkId: string;
  readonly sandboxVeth: string;
  readonly record: KvEndpointRecord;
}

export interface KvAgentOptions {
  readonly lab: NetLab;
  readonly scheduler: Scheduler;
  readonly random: Random;
  /** "consul://192.168.99.100:8500". */
  readonly store: string;
  /** "eth0:2376" or "192.168.99.101:2376" (default: the address of the route to the store). */
  readonly advertise: string | undefined;
  /** A line for the daemon's journal. */
  readonly log: (level: 'info' | 'warning' | 'error', msg: string) => void;
}

/** Parses `consul://host:port[/path]`; throws Docker's error for anything else. */
export function parseStoreUrl(url: string): { backend: string; host: string; port: number } {
  const m = /^([a-z0-9]+):\/\/([^/:]+)(?::(\d+))?(\/.*)?$/.exec(url);
  if (!m) throw invalidParameter(`invalid cluster-store ${url}`);
  return { backend: m[1]!, host: m[2]!, port: Number(m[3] ?? 8500) };
}

export class KvStoreAgent implements ClusterStoreHooks {
  readonly client: ConsulClient;
  readonly overlay: OverlayDriver;
  /** What the watch last read: networks and endpoints by ID, the address bitmaps by subnet. */
  readonly networks = new Map<string, KvNetworkRecord>();
  readonly vnis = new Map<string, number>();
  readonly endpoints = new Map<string, KvEndpointRecord>();
  private readonly addrBits = new Map<string, Set<string>>();
  private vxlanLast = LEGACY_VXLAN_ID_START - 1;
  private readonly reserved = new Map<string, string>();
  /** Networks this node created that the watch has not read back yet. */
  private readonly pendingNetworks = new Set<string>();
  private readonly plumbed = new Map<string, Plumbed>();
  private index = 0;
  private synced = false;
  private lastError = '';
  private stopped = false;
  private retry: EventHandle | undefined;
  private readonly readyWaiters: (() => void)[] = [];
  private firstDone = false;
  readonly advertise: string;
  readonly storeUrl: string;

  constructor(
    readonly daemon: Daemon,
    private readonly o: KvAgentOptions,
  ) {
    const { backend, host, port } = parseStoreUrl(o.store);
    this.storeUrl = o.store;
    if (backend !== 'consul') o.log('warning', `the lab models the consul backend only; treating ${backend}://${host}:${port} as consul`);
    this.client = new ConsulClient(daemon.ns, o.scheduler, host, port);
    this.advertise = this.advertiseAddress(o.advertise, host);
    const vtep = this.advertise.split(':')[0]!;
    this.overlay = new OverlayDriver(o.lab, { name: daemon.name, ns: daemon.ns, vtep }, o.random.fork(`kv-overlay:${daemon.name}`));
  }

  /** The data-path address (the advertise address without its port). */
  get vtep(): string {
    return this.advertise.split(':')[0]!;
  }

  private advertiseAddress(given: string | undefined, storeHost: string): string {
    const ns = this.daemon.ns;
    if (given === undefined || given === '') {
      const src = ns.routeOutput(parseIpv4(storeHost))?.src;
      return `${src !== undefined ? formatIpv4(src) : '0.0.0.0'}:2376`;
    }
    const i = given.lastIndexOf(':');
    const host = i >= 0 ? given.slice(0, i) : given;
    const port = i >= 0 ? given.slice(i + 1) : '2376';
    if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return `${host}:${port}`;
    const a = ns.addresses.find((x) => x.dev.name === host && x.scope === 'global');
    if (!a) throw new DockerError(`discovery advertise parsing failed (no available advertise IP address in interface (${given}))`, 'invalidParameter');
    return `${formatIpv4(a.address)}:${port}`;
  }

  // ----------------------------------------------------------------------------------------- lifecycle

  /** Registers the node and starts the watch. */
  start(): void {
    this.client.put(`${NODES}${this.advertise}`, '', {}, (err) => {
      if (err) this.o.log('error', `discovery error: ${err}`);
    });
    this.watch();
  }

  stop(): void {
    this.stopped = true;
    this.retry?.cancel();
    this.client.close();
    for (const id of [...this.overlay.sandboxes.keys()]) this.overlay.destroy(id);
    this.releaseReady();
  }

  ready(): Promise<void> {
    if (this.firstDone) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  private releaseReady(): void {
    this.firstDone = true;
    for (const r of this.readyWaiters.splice(0)) r();
  }

  private watch(): void {
    if (this.stopped) return;
    this.client.get(KV_ROOT, { recurse: true, index: this.index, wait: WATCH_WAIT }, (err, list) => {
      if (this.stopped) return;
      if (err || !list) {
        this.lastError = `Get "http://${this.client.address}/v1/kv/${KV_ROOT}?recurse=": ${err ?? 'no response'}`;
        this.o.log('error', `Failed to watch the store: ${this.lastError}`);
        this.retry = this.o.scheduler.schedule(SECOND, () => this.watch());
        return;
      }
      this.lastError = '';
      this.index = list.index;
      this.apply(list.pairs);
      this.synced = true;
      this.releaseReady();
      this.watch();
    });
  }

  /** Brings the network table, the peers and the names in line with what the store holds. */
  private apply(pairs: readonly KvPair[]): void {
    const nets = new Map<string, KvNetworkRecord>();
    const vnis = new Map<string, number>();
    const eps = new Map<string, KvEndpointRecord>();
    this.addrBits.clear();
    for (const p of pairs) {
      const rel = p.key.slice(KV_ROOT.length);
      const text = dec.decode(p.value);
      try {
        if (rel.startsWith('network/')) {
          const r = JSON.parse(text) as KvNetworkRecord;
          nets.set(r.id, r);
        } else if (rel.startsWith('overlay/network/')) {
          const r = JSON.parse(text) as { subnets: { vni: number }[] };
          vnis.set(rel.slice('overlay/network/'.length), r.subnets[0]?.vni ?? 0);
        } else if (rel.startsWith('endpoint/')) {
          const r = JSON.parse(text) as KvEndpointRecord;
          eps.set(r.id, r);
        } else if (rel === 'bitseq/vxlan-id') {
          const r = JSON.parse(text) as { last: number };
          this.vxlanLast = Math.max(this.vxlanLast, r.last);
        } else if (rel.startsWith('bitseq/GlobalDefault/')) {
          const r = JSON.parse(text) as { allocated: string[] };
          this.addrBits.set(rel.slice('bitseq/GlobalDefault/'.length), new Set(r.allocated));
        }
      } catch {
        // a record the lab does not read
      }
    }
    // keep what this node wrote and the store has not echoed yet
    for (const [id, r] of this.networks) if (!nets.has(id) && this.pendingNetworks.has(id)) nets.set(id, r);
    for (const [id, v] of this.vnis) if (!vnis.has(id) && this.pendingNetworks.has(id)) vnis.set(id, v);
    for (const p of this.plumbed.values()) if (!eps.has(p.record.id)) eps.set(p.record.id, p.record);
    for (const id of [...this.pendingNetworks]) if (pairs.some((p) => p.key === `${KV_ROOT}network/${id}`)) this.pendingNetworks.delete(id);
    this.networks.clear();
    for (const [k, v] of nets) this.networks.set(k, v);
    this.vnis.clear();
    for (const [k, v] of vnis) this.vnis.set(k, v);
    this.endpoints.clear();
    for (const [k, v] of eps) this.endpoints.set(k, v);
    const reg = this.daemon.registry;
    for (const r of this.networks.values()) {
      if (reg.get(r.id)) continue;
      if (reg.byName(r.name)) continue;
      try {
        reg.create({
          name: r.name,
          driver: 'overlay',
          internal: r.internal,
          attachable: r.attachable,
          ipam: { driver: 'default', config: [{ subnet: r.subnet, gateway: r.gateway }], options: {} },
          options: r.options,
          labels: r.labels,
          store: { id: r.id, vnis: [this.vnis.get(r.id) ?? 0] },
        });
      } catch (e) {
        this.o.log('error', `failed to add network ${r.name} from the store: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    for (const nw of reg.list()) {
      if (nw.scope !== 'global' || this.networks.has(nw.id)) continue;
      this.overlay.destroy(nw.id);
      if (nw.endpoints.size > 0) continue;
      try {
        reg.remove(nw.id);
      } catch {
        // still in use here
      }
    }
    for (const nid of this.overlay.sandboxes.keys()) this.syncPeers(nid);
  }

  private syncPeers(networkId: string): void {
    const peers = [...this.endpoints.values()].filter((e) => e.networkId === networkId).map((e) => ({ ip: e.addr.split('/')[0]!, mac: e.mac, vtep: e.locator }));
    this.overlay.setPeers(networkId, peers);
  }

  private notReady(): DockerError {
    return new DockerError(this.lastError !== '' ? this.lastError : `datastore for scope "global" is not initialized `, 'internal');
  }

  /** Writes a key; failures go to the journal. */
  private write(key: string, value: unknown): void {
    this.client.put(key, JSON.stringify(value), {}, (err) => {
      if (err) this.o.log('error', `failed to write ${key} to the store: ${err}`);
    });
  }

  private remove(key: string, recurse = false): void {
    this.client.delete(key, { recurse }, (err) => {
      if (err) this.o.log('error', `failed to delete ${key} from the store: ${err}`);
    });
  }

  /** A compare-and-swap update of a JSON key: `change` gets the current value (undefined when absent). */
  private atomicUpdate<T>(key: string, change: (cur: T | undefined) => T | undefined, done: (err: string | undefined) => void, attempt = 0): void {
    this.client.get(key, {}, (err, list) => {
      if (err || !list) return done(err ?? 'no response');
      const pair = list.pairs.find((p) => p.key === key);
      let cur: T | undefined;
      try {
        cur = pair ? (JSON.parse(dec.decode(pair.value)) as T) : undefined;
      } catch {
        cur = undefined;
      }
      const next = change(cur);
      if (next === undefined) return done(undefined);
      this.client.put(key, JSON.stringify(next), { cas: pair?.modifyIndex ?? 0 }, (err2, ok) => {
        if (err2) return done(err2);
        if (ok) return done(undefined);
        if (attempt >= 8) return done('failed to update the store: too many concurrent updates');
        this.atomicUpdate(key, change, done, attempt + 1);
      });
    });
  }

  // ------------------------------------------------------------------------------------------ networks

  createNetwork(req: CreateNetworkRequest): Network {
    if (!this.synced) throw this.notReady();
    const reg = this.daemon.registry;
    if ([...this.networks.values()].some((n) => n.name === req.name) || reg.byName(req.name)) throw forbidden(`network with name ${req.name} already exists`);
    const cfg = req.ipam?.config?.[0];
    const taken = [...this.networks.values()].map((n) => parseCidr(n.subnet));
    let subnet: string;
    let gateway: string;
    if (cfg?.subnet) {
      const p = parseCidr(cfg.subnet);
      if (taken.some((t) => overlap(t, p))) throw forbidden('Pool overlaps with other one on this address space');
      subnet = `${formatIpv4(p.address)}/${p.prefixLength}`;
      gateway = cfg.gateway ?? formatIpv4((p.address + 1) >>> 0);
    } else {
      // the GlobalDefault pool: 10.0.0.0/8 in /24s, the first one free
      let chosen: string | undefined;
      for (let i = 0; i < 65536 && chosen === undefined; i++) {
        const net = (parseIpv4('10.0.0.0') + i * 256) >>> 0;
        if (!taken.some((t) => overlap(t, { address: net, prefixLength: 24 }))) chosen = formatIpv4(net);
      }
      if (chosen === undefined) throw forbidden('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
      subnet = `${chosen}/24`;
      gateway = formatIpv4((parseIpv4(chosen) + 1) >>> 0);
    }
    const used = new Set(this.vnis.values());
    let vni = this.vxlanLast + 1;
    while (used.has(vni)) vni++;
    const nw = reg.create({
      ...req,
      driver: 'overlay',
      ipam: { driver: req.ipam?.driver ?? 'default', config: [{ subnet, gateway }], options: req.ipam?.options ?? {} },
      store: { vnis: [vni] },
    });
    this.vxlanLast = vni;
    const rec: KvNetworkRecord = {
      id: nw.id,
      name: nw.name,
      networkType: 'overlay',
      scope: 'global',
      subnet,
      gateway,
      internal: nw.internal,
      attachable: nw.attachable,
      labels: nw.labels,
      options: nw.options,
      userSubnet: cfg?.subnet !== undefined,
    };
    this.networks.set(nw.id, rec);
    this.vnis.set(nw.id, vni);
    this.pendingNetworks.add(nw.id);
    this.atomicUpdate<{ last: number; allocated: number[] }>(
      VXLAN_KEY,
      (cur) => ({ last: vni, allocated: [...new Set([...(cur?.allocated ?? []), vni])].sort((a, b) => a - b) }),
      (err) => {
        if (err) this.o.log('error', `failed to allocate vxlan id: ${err}`);
      },
    );
    this.write(`${KV_ROOT}overlay/network/${nw.id}`, { mtu: 0, secure: false, subnets: [{ subnetIP: subnet, gwIP: `${gateway}/${subnet.split('/')[1]!}`, vni }] });
    this.write(`${KV_ROOT}bitseq/GlobalDefault/${subnet}`, { allocated: [] });
    this.write(`${KV_ROOT}network/${nw.id}`, rec);
    return nw;
  }

  removeNetwork(nw: Network): void {
    const busy = [...this.endpoints.values()].some((e) => e.networkId === nw.id);
    if (busy || nw.endpoints.size > 0) throw forbidden(`error while removing network: network ${nw.name} id ${nw.id} has active endpoints`);
    const rec = this.networks.get(nw.id);
    const vni = this.vnis.get(nw.id);
    this.daemon.registry.remove(nw.id);
    this.overlay.destroy(nw.id);
    this.networks.delete(nw.id);
    this.vnis.delete(nw.id);
    this.remove(`${KV_ROOT}network/${nw.id}`);
    this.remove(`${KV_ROOT}overlay/network/${nw.id}`);
    this.remove(`${KV_ROOT}endpoint/${nw.id}/`, true);
    if (rec) this.remove(`${KV_ROOT}bitseq/GlobalDefault/${rec.subnet}`);
    if (vni !== undefined) {
      this.atomicUpdate<{ last: number; allocated: number[] }>(
        VXLAN_KEY,
        (cur) => (cur ? { last: cur.last, allocated: cur.allocated.filter((v) => v !== vni) } : undefined),
        (err) => {
          if (err) this.o.log('error', `failed to release vxlan id ${vni}: ${err}`);
        },
      );
    }
  }

  private globalNetworksOf(c: Container): Network[] {
    return [...c.networks.keys()].map((id) => this.daemon.registry.get(id)).filter((n): n is Network => n !== undefined && n.scope === 'global' && n.driver === 'overlay');
  }

  /** The lowest free host address of a network's subnet, given the ones taken. */
  private freeAddress(rec: KvNetworkRecord, taken: ReadonlySet<string>, want?: string): string | undefined {
    const p = parseCidr(rec.subnet);
    if (want !== undefined) return taken.has(want) ? undefined : want;
    const size = 2 ** (32 - p.prefixLength);
    for (let i = 1; i < size - 1; i++) {
      const a = formatIpv4((p.address + i) >>> 0);
      if (a === rec.gateway || taken.has(a)) continue;
      return a;
    }
    return undefined;
  }

  private takenIn(rec: KvNetworkRecord): Set<string> {
    const s = new Set(this.addrBits.get(rec.subnet) ?? []);
    for (const e of this.endpoints.values()) if (e.networkId === rec.id) s.add(e.addr.split('/')[0]!);
    for (const [k, ip] of this.reserved) if (k.endsWith(`/${rec.id}`)) s.add(ip);
    return s;
  }

  prepareStart(c: Container): Promise<void> {
    const nets = this.globalNetworksOf(c);
    if (nets.length === 0) return Promise.resolve();
    if (!this.synced) return Promise.reject(this.notReady());
    return new Promise((resolve, reject) => {
      let left = nets.length;
      let failed = false;
      for (const nw of nets) {
        const rec = this.networks.get(nw.id);
        if (!rec) {
          left--;
          continue;
        }
        const want = c.networks.get(nw.id)?.ipv4;
        let chosen: string | undefined;
        this.atomicUpdate<{ allocated: string[] }>(
          `${KV_ROOT}bitseq/GlobalDefault/${rec.subnet}`,
          (cur) => {
            const taken = new Set(cur?.allocated ?? []);
            for (const e of this.endpoints.values()) if (e.networkId === rec.id) taken.add(e.addr.split('/')[0]!);
            chosen = this.freeAddress(rec, taken, want);
            if (chosen === undefined) return undefined;
            return { allocated: [...(cur?.allocated ?? []), chosen] };
          },
          (err) => {
            if (failed) return;
            if (err || chosen === undefined) {
              failed = true;
              reject(err ? new DockerError(err, 'internal') : forbidden(want ? 'Address already in use' : `no available IPv4 addresses on this network's address pools: ${nw.name} (${nw.id})`));
              return;
            }
            this.reserved.set(`${c.id}/${nw.id}`, chosen);
            if (--left === 0) resolve();
          },
        );
      }
      if (left === 0) resolve();
    });
  }

  endpointConfig(c: Container, nw: Network, ec: EndpointConfig): EndpointConfig {
    const key = `${c.id}/${nw.id}`;
    let ip = this.reserved.get(key);
    if (ip === undefined) {
      // `docker network connect` of a running container: from the watched copy, written through
      const rec = this.networks.get(nw.id);
      if (!rec) return ec;
      ip = this.freeAddress(rec, this.takenIn(rec), ec.ipv4);
      if (ip === undefined) throw forbidden(ec.ipv4 ? 'Address already in use' : `no available IPv4 addresses on this network's address pools: ${nw.name} (${nw.id})`);
      const got = ip;
      this.reserved.set(key, got);
      this.atomicUpdate<{ allocated: string[] }>(
        `${KV_ROOT}bitseq/GlobalDefault/${rec.subnet}`,
        (cur) => ({ allocated: [...new Set([...(cur?.allocated ?? []), got])] }),
        (err) => {
          if (err) this.o.log('error', `failed to record address ${got}: ${err}`);
        },
      );
    }
    return { ...ec, ipv4: ip };
  }

  private info(nw: Network): OverlayNetworkInfo {
    const rec = this.networks.get(nw.id);
    const sub = nw.ipv4[0]?.pool.subnet;
    const subnet = rec?.subnet ?? (sub ? formatPrefix(sub) : '');
    return { id: nw.id, vni: this.vnis.get(nw.id) ?? nw.vnis[0] ?? 0, subnet, gateway: rec?.gateway ?? '', encrypted: false, mtu: endpointMtu(nw.driverOptions) };
  }

  plumb(c: Container, nw: Network, ep: Endpoint, ec: EndpointConfig, ifname: string): Attachment {
    const cidr = `${formatIpv4(ep.ipv4!.address)}/${ep.ipv4!.prefixLength}`;
    const mac = formatMac(ep.mac);
    const { dev, sandboxVeth } = this.overlay.attach(this.info(nw), c.machine.ns, ifname, mac, cidr);
    const record: KvEndpointRecord = { id: ep.id, name: ep.name, networkId: nw.id, addr: cidr, mac, locator: this.vtep, aliases: [...ec.aliases] };
    this.plumbed.set(`${c.id}/${nw.id}`, { networkId: nw.id, sandboxVeth, record });
    this.endpoints.set(ep.id, record);
    this.syncPeers(nw.id);
    this.write(`${KV_ROOT}endpoint/${nw.id}/${ep.id}`, record);
    return { networkId: nw.id, endpoint: ep, config: ec, ifname, hostVeth: dev };
  }

  sandboxJoined(c: Container): void {
    const d = this.daemon;
    const globals = c.attachments.filter((a) => d.networkById(a.networkId)?.scope === 'global');
    if (globals.length === 0) return;
    const needGw = globals.some((a) => !d.networkById(a.networkId)!.internal);
    const hasGw = c.attachments.some((a) => d.networkById(a.networkId)?.driver === 'bridge');
    if (!needGw || hasGw) return;
    const gw =
      d.registry.byName('docker_gwbridge') ??
      d.createNetwork({
        name: 'docker_gwbridge',
        driver: 'bridge',
        options: { 'com.docker.network.bridge.name': 'docker_gwbridge', 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
        checkDuplicate: true,
      });
    d.join(c, gw, { aliases: [] }, `gateway_${c.id.slice(0, 12)}`);
  }

  leaving(c: Container, nw: Network, _a: Attachment): void {
    const key = `${c.id}/${nw.id}`;
    const p = this.plumbed.get(key);
    const ip = this.reserved.get(key);
    this.reserved.delete(key);
    if (p) {
      this.plumbed.delete(key);
      this.endpoints.delete(p.record.id);
      this.overlay.detach(nw.id, p.sandboxVeth);
      this.remove(`${KV_ROOT}endpoint/${nw.id}/${p.record.id}`);
    }
    const rec = this.networks.get(nw.id);
    if (rec && ip !== undefined && !this.stopped) {
      this.atomicUpdate<{ allocated: string[] }>(
        `${KV_ROOT}bitseq/GlobalDefault/${rec.subnet}`,
        (cur) => (cur ? { allocated: cur.allocated.filter((x) => x !== ip) } : undefined),
        (err) => {
          if (err) this.o.log('error', `failed to release address ${ip}: ${err}`);
        },
      );
    }
  }

  lookup(_c: Container, nw: Network, name: string, family: 4 | 6): string[] | undefined {
    const n = name.toLowerCase();
    const hits = [...this.endpoints.values()].filter((e) => e.networkId === nw.id && (e.name.toLowerCase() === n || e.aliases.some((a) => a.toLowerCase() === n)));
    if (hits.length === 0) return undefined;
    return family === 6 ? [] : [...new Set(hits.map((e) => e.addr.split('/')[0]!))];
  }
}

function overlap(a: { address: number; prefixLength: number }, b: { address: number; prefixLength: number }): boolean {
  const bits = Math.min(a.prefixLength, b.prefixLength);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((a.address & mask) >>> 0) === ((b.address & mask) >>> 0);
}
