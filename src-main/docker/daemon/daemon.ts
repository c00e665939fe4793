// The Docker daemon of one node: the network table (NetworkRegistry) and its drivers plumbed into the node's
// namespace (bridge devices, veth pairs, addresses, routes, iptables), the containers and their lifecycle
// (create, start, stop, kill, restart, rm), their sandboxes (a namespace each), /etc/hosts, /etc/resolv.conf,
// the embedded DNS server of containers on user-defined networks, published ports (DNAT + docker-proxy) and the
// main process (an image's program, or a command line run by the shell layer's CommandRunner).
//
// Every failure is a DockerError carrying Docker's message; nothing here prints. The CLI (shell/docker/) formats.

import { formatIpv4, parseIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { Vfs } from '../../common/vfs.ts';
import type { Bridge } from '../../net/bridge.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { NetLab } from '../../net/scenario.ts';
import type { TcpSocket } from '../../net/tcp/socket.ts';
import type { TcpListener } from '../../net/tcp/stack.ts';
import type { Tcp6Listener } from '../../net/tcp-transport.ts';
import { SocketProcess } from '../../net/sockets/owner.ts';
import type { Veth } from '../../net/veth.ts';
import type { Random } from '../../sim/random.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { BRIDGE_ENABLE_ICC, BRIDGE_ENABLE_IP_MASQUERADE, BRIDGE_HOST_BINDING_IPV4 } from '../driver-options.ts';
import { conflict, DockerError, forbidden, internal, invalidParameter } from '../errors.ts';
import type { WallClock } from '../format/network.ts';
import { findContainer, generateContainerName, generateId, nameConflictError, truncateId, validateContainerName, vethName } from '../ids.ts';
import { inferReservedNetworks, Ipam, type PoolSpec } from '../ipam.ts';
import { bridgeDeviceMac, kernelRandomMac } from '../mac.ts';
import { isUserDefinedNetworkName, NetworkRegistry, type CreateNetworkRequest, type DefaultBridgeConfig, type Network } from '../model.ts';
import { formatAddr, formatPrefix } from '../prefix.ts';
import { engineBehaviour, parseEngineVersion, type EngineBehaviour, type EngineVersion } from '../version.ts';
import { commandHandles, IGNORED_BY_DEFAULT, INTERACTIVE_SHELL, parseSignal, processCommand, SignalInterrupt, SIGINT, SIGKILL, SIGQUIT, SIGTERM } from './signals.ts';
import { Container, type Attachment, type ContainerConfig, type EndpointConfig, type PortMapping } from './container.ts';
import {
  EMBEDDED_DNS_ADDRESS,
  type CommandRunner,
  type ContainerProgram,
  type DnsRecords,
  type DnsUpstream,
  type EmbeddedDnsFactory,
  type EmbeddedDnsServer,
  type ImageCatalog,
  type ImageDefinition,
  type ProcessInterrupt,
  type ProgramContext,
  type StopSignal,
  type VirtualClock,
} from './contracts.ts';
import { hostsFile, internalResolvConf, legacyResolvConf, parseResolvConf, type HostsEntry } from './files.ts';
import { DockerFirewall, programResolverRules } from './firewall.ts';
import { parseImageRef, unmodelledImage } from './images.ts';
import { PortAllocator, parseExposed, type PortBinding, type Proto } from './ports.ts';
import { isVlanDriverNetwork, vlanDeviceRoute, vlanProvidesGateway, VlanDrivers } from './macvlan.ts';
import { SimMachine } from './sim-machine.ts';
import type { SwarmHooks } from './swarm-hooks.ts';
import type { ClusterStoreHooks } from './cluster-store-hooks.ts';
import { daemonConfigError, daemonConfigWarnings, logrusLine, type JournalEntry } from './daemon-config.ts';

/** What the world gives each daemon. */
export interface DaemonHost {
  readonly lab: NetLab;
  readonly clock: VirtualClock;
  readonly wallClock: WallClock;
  images(): ImageCatalog;
  dns(): EmbeddedDnsFactory | undefined;
  runner(): CommandRunner | undefined;
  /** The key-value-store overlay for a daemon started with `cluster-store` (docker/kvstore/). */
  clusterStore?(d: Daemon): ClusterStoreHooks | undefined;
}

export interface DaemonOptions {
  readonly name: string;
  /** The node's machine (its namespace holds eth0, docker0, the bridges). */
  readonly machine: SimMachine;
  readonly version: string;
  readonly random: Random;
}

/** daemon.json keys the emulation follows. */
export interface DaemonConfig {
  readonly bip?: string;
  readonly 'fixed-cidr'?: string;
  readonly mtu?: number;
  readonly icc?: boolean;
  readonly 'ip-masq'?: boolean;
  readonly ip?: string;
  readonly iptables?: boolean;
  readonly 'userland-proxy'?: boolean;
  readonly 'default-address-pools'?: readonly { base: string; size: number }[];
  readonly dns?: readonly string[];
  readonly 'cluster-store'?: string;
  readonly 'cluster-advertise'?: string;
}

/** The endpoint settings of `docker network connect`. */
export interface ConnectOptions {
  readonly aliases?: readonly string[];
  readonly ipv4?: string;
  readonly ipv6?: string;
  readonly links?: readonly string[];
  readonly gwPriority?: number;
}

interface Proxy {
  readonly listener: TcpListener | Tcp6Listener;
  readonly sockets: Set<TcpSocket>;
}

interface RunningProcess {
  readonly program?: ContainerProgram;
  /** A command line's interrupt, fired when a signal reaches a command that handles it (signals.ts). */
  interrupt?: SignalInterrupt;
  /** The command a command line runs as (ping for `sh -c 'ping x'`): what a signal finds there. */
  command?: string;
  readonly stop: StopController;
  dns?: EmbeddedDnsServer;
  readonly proxies: Proxy[];
}

class StopController implements StopSignal {
  stopped = false;
  private readonly fns: (() => void)[] = [];
  onStop(fn: () => void): void {
    if (this.stopped) fn();
    else this.fns.push(fn);
  }
  fire(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const f of this.fns.splice(0)) {
      try {
        f();
      } catch {
        // a program's stop hook failing does not stop the daemon
      }
    }
  }
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class Daemon {
  readonly name: string;
  readonly machine: SimMachine;
  readonly version: EngineVersion;
  readonly behaviour: EngineBehaviour;
  registry!: NetworkRegistry;
  firewall!: DockerFirewall;
  config: DaemonConfig = {};
  readonly containers = new Map<string, Container>();
  private ports!: PortAllocator;
  private readonly bridges = new Map<string, Bridge>();
  /** macvlan and ipvlan plumbing (macvlan.ts). */
  private readonly vlanDrivers: VlanDrivers;
  private readonly processes = new Map<string, RunningProcess>();
  private readonly rng: Random;
  private readonly ids: Random;
  private readonly names: Random;
  private readonly netRandom: Random;
  private pidCounter = 1000;
  private sandboxSeq = 0;
  running = false;
  /** Swarm mode (docker/swarm/ sets it while the node is in a swarm). */
  swarm: SwarmHooks | undefined;
  /** The key-value-store overlay (≤22 with `cluster-store`), while the daemon runs. */
  clusterStore: ClusterStoreHooks | undefined;
  /** What `journalctl -u docker` shows of dockerd. */
  readonly journal: JournalEntry[] = [];
  private dockerdPid = 0;

  constructor(
    private readonly host: DaemonHost,
    o: DaemonOptions,
  ) {
    this.name = o.name;
    this.machine = o.machine;
    this.version = parseEngineVersion(o.version);
    this.behaviour = engineBehaviour(this.version);
    this.rng = o.random;
    this.ids = o.random.fork('container-ids');
    this.names = o.random.fork('container-names');
    this.netRandom = o.random.fork('plumbing');
    this.vlanDrivers = new VlanDrivers(this.machine.ns, this.behaviour, () => this.registry.list());
  }

  get ns(): NetNamespace {
    return this.machine.ns;
  }

  get now(): Time {
    return this.host.lab.scheduler.now;
  }

  get wallClock(): WallClock {
    return this.host.wallClock;
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** dockerd starts: reads /etc/docker/daemon.json, programs the firewall, creates bridge, host and none. */
  start(): void {
    if (this.running) return;
    const config = this.readConfig();
    this.dockerdPid = this.dockerdPid === 0 ? 600 + this.rng.fork('dockerd-pid').int(0, 300) : this.dockerdPid + 23;
    const refused = daemonConfigError(config as Readonly<Record<string, unknown>>, this.behaviour);
    if (refused !== undefined) {
      this.journalLine(refused);
      throw new DockerError(refused, 'internal');
    }
    for (const w of daemonConfigWarnings(config as Readonly<Record<string, unknown>>, this.behaviour)) this.log('warning', w);
    this.config = config;
    // user networks survive a restart (local-kv.db); global ones come back from the cluster store
    const previous = this.registry === undefined ? [] : this.registry.list().filter((n) => !n.predefined && n.scope !== 'global');
    const b = this.behaviour;
    const pools = this.config['default-address-pools'] as PoolSpec[] | undefined;
    const ipam = new Ipam({ behaviour: b, ...(pools ? { localPools: pools } : {}) });
    const fresh = this.registry === undefined;
    this.registry = new NetworkRegistry({
      behaviour: b,
      ipam,
      rng: fresh ? this.rng.fork('registry') : this.rng.fork(`registry@${this.now}`),
      now: () => this.now,
      reserved: () => this.reservedPrefixes(),
      clusterStore: () => this.config['cluster-store'] !== undefined,
      swarmRole: () => this.swarm?.role ?? 'none',
    });
    this.firewall ??= new DockerFirewall(this.ns, this.version);
    this.ports = new PortAllocator(() => this.ns.sysctl.localPortRange);
    const cfg: DefaultBridgeConfig = {
      ...(this.config.bip ? { bip: this.config.bip } : {}),
      ...(this.config['fixed-cidr'] ? { fixedCidr: this.config['fixed-cidr'] } : {}),
      ...(this.config.mtu !== undefined ? { mtu: this.config.mtu } : {}),
      ...(this.config.icc !== undefined ? { icc: this.config.icc } : {}),
      ...(this.config['ip-masq'] !== undefined ? { ipMasq: this.config['ip-masq'] } : {}),
      ...(this.config.ip ? { ip: this.config.ip } : {}),
    };
    const { bridge } = this.registry.createPredefined(cfg);
    this.plumbNetwork(bridge);
    for (const n of previous) {
      this.registry.create({
        name: n.name,
        driver: n.driver,
        internal: n.internal,
        attachable: n.attachable,
        ingress: n.ingress,
        enableIPv6: n.enableIPv6,
        ipam: { driver: n.ipamDriver, config: n.ipamConfigV4.concat(n.ipamConfigV6), options: n.ipamOptions },
        options: n.options,
        labels: n.labels,
        ...(n.scope === 'swarm' ? { managed: { id: n.id, vnis: n.vnis } } : {}),
      });
    }
    for (const nw of this.registry.list()) if (!nw.predefined) this.plumbNetwork(nw);
    this.running = true;
    if (this.config['cluster-store'] !== undefined) this.clusterStore = this.host.clusterStore?.(this);
  }

  /** A dockerd line in the journal (logrus format). */
  log(level: 'info' | 'warning' | 'error', msg: string): void {
    this.journalLine(logrusLine(this.host.wallClock.epochUnixSeconds * 1e9 + this.now, level, msg));
  }

  private journalLine(text: string): void {
    this.journal.push({ at: this.now, ident: `dockerd[${this.dockerdPid}]`, text });
  }

  private readConfig(): DaemonConfig {
    const fs = this.machine.fs;
    if (!fs.isFile('/etc/docker/daemon.json')) return {};
    const text = fs.readFile('/etc/docker/daemon.json').trim();
    if (text === '') return {};
    try {
      return JSON.parse(text) as DaemonConfig;
    } catch {
      return {};
    }
  }

  /** Host on-link routes and nameservers a dynamic local pool must avoid (§2.2). */
  private reservedPrefixes(): ReturnType<typeof inferReservedNetworks> {
    const routes = this.ns.mainTable
      .list()
      .filter((r) => r.dev !== undefined && r.gateway === undefined && r.type === 'unicast' && !this.isDockerBridge(r.dev.name))
      .map((r) => ({ dst: `${formatIpv4(r.dst)}/${r.prefixLength}`, onLink: true }));
    let nameservers: string[] = [];
    try {
      nameservers = parseResolvConf(this.machine.fs.readFile('/etc/resolv.conf')).nameservers;
    } catch {
      nameservers = [];
    }
    return inferReservedNetworks(routes as never, nameservers, this.behaviour);
  }

  private isDockerBridge(dev: string): boolean {
    return [...this.bridges.values()].some((b) => b.name === dev);
  }

  /** systemctl stop docker: every container stops (as at shutdown), the networks' devices go. */
  shutdown(): void {
    for (const c of this.containers.values()) if (c.running) this.teardown(c, 143, true);
    for (const nw of this.registry.list()) this.unplumbNetwork(nw);
    this.clusterStore?.stop();
    this.clusterStore = undefined;
    this.running = false;
  }

  /** systemctl restart docker: containers stop; the default bridge is re-created (new ID); restart policies apply. */
  restart(): void {
    const wasRunning = [...this.containers.values()].filter((c) => c.running);
    this.shutdown();
    this.start();
    this.applyRestartPolicies(wasRunning);
  }

  /** After a start: the containers that were running come back as their restart policy says. */
  applyRestartPolicies(wasRunning: readonly Container[]): void {
    for (const c of wasRunning) {
      const p = c.config.restart?.name ?? 'no';
      if (p === 'always' || (p === 'unless-stopped' && !c.manuallyStopped)) void this.startContainer(c.id).catch(() => undefined);
    }
  }

  // ------------------------------------------------------------------------------------------- networks

  /** `docker network create`. */
  createNetwork(req: CreateNetworkRequest): Network {
    if (req.managed === undefined && this.swarm) {
      const swarmNet = this.swarm.createNetwork(req);
      if (swarmNet) return swarmNet;
    }
    if (this.clusterStore && req.driver === 'overlay' && req.scope !== 'local' && req.scope !== 'swarm') return this.clusterStore.createNetwork(req);
    const nw = this.registry.create(req);
    try {
      this.plumbNetwork(nw);
    } catch (e) {
      this.registry.remove(nw.id);
      throw e;
    }
    return nw;
  }

  /** `docker network rm` of one name or ID. */
  removeNetwork(term: string): Network {
    const found = this.swarm ? this.registry.find(term, 'api') : undefined;
    if (found && found.scope === 'swarm' && this.swarm?.removeNetwork(found)) return found;
    const global = this.clusterStore ? this.registry.find(term, 'api') : undefined;
    if (global && global.scope === 'global' && this.clusterStore) {
      this.clusterStore.removeNetwork(global);
      return global;
    }
    const nw = this.registry.remove(term);
    this.unplumbNetwork(nw);
    return nw;
  }

  /** `docker network prune`: local networks without endpoints that are not predefined; names in creation order. */
  pruneNetworks(): string[] {
    const out: string[] = [];
    for (const nw of this.registry.list()) {
      if (nw.predefined || nw.scope !== 'local' || nw.endpoints.size > 0) continue;
      if (this.configuredUsers(nw).length > 0) continue;
      this.removeNetwork(nw.id);
      out.push(nw.name);
    }
    return out;
  }

  /** Containers configured for a network (running or not). */
  configuredUsers(nw: Network): Container[] {
    return [...this.containers.values()].filter((c) => c.networks.has(nw.id));
  }

  findNetwork(term: string, path: 'api' | 'daemon' = 'daemon'): Network {
    return this.registry.find(term, path);
  }

  networkById(id: string): Network | undefined {
    return this.registry.get(id);
  }

  /** The Linux bridge device of a bridge network. */
  bridgeOf(nw: Network): Bridge | undefined {
    return this.bridges.get(nw.id);
  }

  private plumbNetwork(nw: Network): void {
    if (isVlanDriverNetwork(nw)) return this.vlanDrivers.plumb(nw);
    const o = nw.driverOptions;
    if (o.kind !== 'bridge' || nw.bridgeName === undefined) return;
    const ns = this.ns;
    const gw = nw.ipv4[0]?.gateway;
    const prefix = nw.ipv4[0]?.pool.subnet;
    const mtu = o.mtu ?? (o.defaultBridge ? (this.config.mtu ?? 1500) : 1500);
    const br = ns.hasDevice(nw.bridgeName)
      ? (ns.device(nw.bridgeName) as Bridge)
      : ns.addBridge(nw.bridgeName, { mac: bridgeDeviceMac(this.netRandom), mtu, ...(gw && prefix && !o.inhibitIpv4 ? { addresses: [`${formatAddr(gw)}/${prefix.bits}`] } : {}) });
    this.bridges.set(nw.id, br);
    if (prefix) {
      this.firewall.bridgeRules({ bridge: br.name, subnet: formatPrefix(prefix), icc: o.enableIcc, masquerade: o.enableIpMasquerade, internal: nw.internal }, true);
    }
  }

  private unplumbNetwork(nw: Network): void {
    if (isVlanDriverNetwork(nw)) return this.vlanDrivers.unplumb(nw);
    const br = this.bridges.get(nw.id);
    if (!br) return;
    const o = nw.driverOptions;
    const prefix = nw.ipv4[0]?.pool.subnet;
    if (o.kind === 'bridge' && prefix) {
      this.firewall.bridgeRules({ bridge: br.name, subnet: formatPrefix(prefix), icc: o.enableIcc, masquerade: o.enableIpMasquerade, internal: nw.internal }, false);
    }
    if (this.ns.hasDevice(br.name)) this.ns.removeDevice(br.name);
    this.bridges.delete(nw.id);
  }

  // ----------------------------------------------------------------------------------------- containers

  findContainer(term: string): Container {
    return findContainer(term, this.containers.values());
  }

  /** Containers as `docker ps -a` lists them: newest first. */
  containerList(): Container[] {
    return [...this.containers.values()].sort((a, b) => b.created - a.created || (b.id < a.id ? -1 : 1));
  }

  /** The image definition for a reference ("elasticsearch:2"); unknown images run as plain containers. */
  imageFor(ref: string): ImageDefinition {
    return this.host.images().lookup(ref) ?? unmodelledImage(parseImageRef(ref).repository);
  }

  /** `docker create` (and the first half of `docker run`). Validates, names, and records the container. */
  createContainer(cfg: ContainerConfig): Container {
    const b = this.behaviour;
    const image = this.imageFor(cfg.image);
    let name: string | undefined;
    if (cfg.name !== undefined && cfg.name !== '') {
      name = validateContainerName(cfg.name);
      const owner = [...this.containers.values()].find((c) => c.name === name);
      if (owner) throw nameConflictError(name, owner.id);
    }
    const mode = cfg.networkMode ?? 'default';
    // Validation of the network mode and endpoint settings (runconfig, validateNetworkingConfig).
    if (mode.startsWith('container:')) {
      const target = mode.slice('container:'.length);
      if (target === '') throw invalidParameter('invalid network mode: invalid container format container:<name|id>');
      if (cfg.hostname) throw invalidParameter('conflicting options: hostname and the network mode');
      if ((cfg.links ?? []).length > 0) throw invalidParameter("conflicting options: container type network can't be used with links. This would result in undefined behavior");
      if ((cfg.dns ?? []).length > 0) throw invalidParameter('conflicting options: dns and the network mode');
      if ((cfg.extraHosts ?? []).length > 0) throw invalidParameter('conflicting options: custom host-to-IP mapping and the network mode');
      if ((cfg.publish ?? []).length > 0 || cfg.publishAll) throw invalidParameter('conflicting options: port publishing and the container type network mode');
      if ((cfg.expose ?? []).length > 0) throw invalidParameter('conflicting options: port exposing and the container type network mode');
      if (cfg.macAddress) throw invalidParameter('conflicting options: mac-address and the network mode');
      this.findContainer(target);
    }
    if (!mode.startsWith('container:') && mode !== 'host' && !isUserDefinedNetworkName(mode === 'default' ? 'bridge' : mode)) {
      // registerLinks: legacy links on the default bridge name existing containers.
      for (const l of cfg.links ?? []) {
        const target = l.split(':')[0]!.replace(/^\//, '');
        try {
          this.findContainer(target);
        } catch (e) {
          if (e instanceof DockerError) throw invalidParameter(`could not get container for ${target}: ${e.message}`);
          throw e;
        }
      }
    }
    if (mode === 'host' && (cfg.links ?? []).length > 0) {
      throw invalidParameter("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    }
    const netIds: [Network, EndpointConfig][] = [];
    if (!mode.startsWith('container:')) {
      const first = mode === 'default' ? 'bridge' : mode;
      const list: [string, EndpointConfig][] = [[first, cfg.networks?.get(first) ?? { aliases: [] }]];
      for (const [n, ec] of cfg.networks ?? []) if (n !== first) list.push([n, ec]);
      for (const [term, ec] of list) {
        this.swarm?.prepareNetwork(term);
        const nw = this.findNetwork(term);
        const err = b.validatesIpamConfig
          ? this.registry.endpointSettingsError(nw, { ...(ec.ipv4 ? { ipv4: ec.ipv4 } : {}), ...(ec.ipv6 ? { ipv6: ec.ipv6 } : {}), aliases: ec.aliases, ...(ec.mac ? { mac: ec.mac } : {}) })
          : undefined;
        if (err) throw invalidParameter(`invalid config for network ${term}: ${err}`);
        netIds.push([nw, ec]);
      }
      if (netIds.length > 1 && netIds.some(([n]) => n.driver === 'null')) {
        throw invalidParameter('container cannot be connected to multiple networks with one of the networks in private (none) mode');
      }
      if (netIds.length > 1 && netIds.some(([n]) => n.driver === 'host')) {
        throw invalidParameter('container cannot be disconnected from host network or connected to host network');
      }
    }
    const id = this.newContainerId();
    name ??= generateContainerName(this.names, id, (n) => [...this.containers.values()].some((c) => c.name === n));
    const entry = cfg.entrypoint !== undefined ? (cfg.entrypoint === '' ? [] : [cfg.entrypoint]) : [...(image.entrypoint ?? [])];
    const cmd = cfg.cmd !== undefined && cfg.cmd.length > 0 ? [...cfg.cmd] : cfg.entrypoint !== undefined ? [] : [...image.cmd];
    const fs = containerFs(image);
    const hostname = cfg.hostname || truncateId(id);
    const machine = new SimMachine('container', `${this.name}/${name}`, this.ns, fs, image.userland, this.rng.fork(`container:${id}`), hostname);
    const c = new Container(id, name, cfg, image, this.now, machine, this.name, [...entry, ...cmd]);
    for (const [nw, ec] of netIds) c.networks.set(nw.id, ec);
    this.containers.set(id, c);
    return c;
  }

  private newContainerId(): string {
    for (;;) {
      const id = generateId(this.ids);
      if (!this.containers.has(id)) return id;
    }
  }

  /** `docker start`: a new sandbox, the networks joined, files written, ports published, the main process started.
   * `interrupt` is SIGINT for a main process that is a command line: an attached `docker run` proxies the console's
   * Ctrl-C there (sig-proxy), so `ping` prints its statistics and the container exits with ping's status. */
  async startContainer(term: string, opts: { readonly interrupt?: ProcessInterrupt } = {}): Promise<Container> {
    const c = this.findContainer(term);
    if (c.running) return c;
    if (c.status === 'removing') throw conflict(`container is marked for removal and cannot be started`);
    await this.clusterStore?.prepareStart(c);
    try {
      this.setupSandbox(c);
    } catch (e) {
      this.teardownNetworking(c);
      if (e instanceof DockerError && this.behaviour.startErrorPrefix && !e.message.startsWith('failed to set up container networking')) {
        throw new DockerError(`failed to set up container networking: ${e.message}`, e.errorClass);
      }
      throw e;
    }
    c.status = 'running';
    c.exitCode = 0;
    c.error = '';
    c.startedAt = this.now;
    c.finishedAt = undefined;
    c.pid = this.pidCounter += 17;
    c.manuallyStopped = false;
    this.launch(c, opts.interrupt);
    return c;
  }

  private setupSandbox(c: Container): void {
    const b = this.behaviour;
    const joined = c.joinsContainer;
    c.sandboxId = generateId(this.netRandom);
    c.nextIfIndex = 0;
    if (joined !== undefined) {
      const other = this.findContainer(joined);
      if (other.id === c.id) throw invalidParameter('cannot join own network namespace');
      if (!other.running) throw conflict(`cannot join network namespace of a non running container: container ${other.name} is ${other.status === 'created' ? 'created' : 'exited'}`);
      c.machine.setNamespace(other.machine.ns);
      c.machine.setHostname(other.machine.hostname());
      for (const f of ['/etc/hosts', '/etc/resolv.conf', '/etc/hostname']) {
        if (other.machine.fs.isFile(f)) c.machine.fs.writeFile(f, other.machine.fs.readFile(f));
      }
      return;
    }
    const nets = [...c.networks.keys()].map((id) => this.registry.get(id)).filter((n): n is Network => n !== undefined);
    if (nets.some((n) => n.driver === 'host')) {
      c.machine.setNamespace(this.ns);
      c.machine.setHostname(c.config.hostname || this.machine.hostname());
      c.machine.fs.writeFile('/etc/hosts', this.machine.fs.readFile('/etc/hosts'));
      c.machine.fs.writeFile('/etc/resolv.conf', this.machine.fs.readFile('/etc/resolv.conf'));
      c.machine.fs.writeFile('/etc/hostname', `${c.machine.hostname()}\n`);
      const nw = nets.find((n) => n.driver === 'host')!;
      const ep = this.registry.createEndpoint(nw, { name: c.name, key: c.id, containerId: c.id });
      c.attachments.push({ networkId: nw.id, endpoint: ep, config: c.networks.get(nw.id)!, ifname: undefined });
      return;
    }
    if (!nets.some((n) => isUserDefinedNetworkName(n.name))) {
      for (const l of c.config.links ?? []) {
        const [target, alias] = l.split(':') as [string, string | undefined];
        let child: Container | undefined;
        try {
          child = this.findContainer(target);
        } catch {
          child = undefined;
        }
        if (child && !child.running) throw invalidParameter(`Cannot link to a non running container: /${child.name} AS /${c.name}/${alias ?? child.name}`);
      }
    }
    const key = `${this.name}/${c.sandboxId.slice(0, 12)}`;
    const ns = this.host.lab.namespace(key, { kernel: key });
    ns.sysctl.localPortRange = [32768, 60999];
    c.machine.setNamespace(ns);
    c.machine.setHostname(c.config.hostname || truncateId(c.id));
    for (const nw of nets) this.join(c, nw, c.networks.get(nw.id)!);
    this.swarm?.sandboxJoined(c);
    this.clusterStore?.sandboxJoined(c);
    this.updateGateway(c);
    this.writeEtcFiles(c);
    this.publishPorts(c);
    if (b.randomEndpointMac) this.announce(c);
  }

  /** Connects a (running) container's sandbox to a network: endpoint, veth pair, address. */
  join(c: Container, nw: Network, ecIn: EndpointConfig, endpointName?: string): Attachment {
    const ns = c.machine.ns;
    const ec = nw.scope === 'swarm' && this.swarm ? this.swarm.endpointConfig(c, nw, ecIn) : nw.scope === 'global' && this.clusterStore ? this.clusterStore.endpointConfig(c, nw, ecIn) : ecIn;
    const ep = this.registry.createEndpoint(nw, {
      name: endpointName ?? c.name,
      key: c.id,
      containerId: c.id,
      ...(c.config.hostname ? { hostname: c.config.hostname } : {}),
      ...(ec.ipv4 ? { ipv4: ec.ipv4 } : {}),
      ...(ec.ipv6 ? { ipv6: ec.ipv6 } : {}),
      ...(ec.mac || c.config.macAddress ? { mac: ec.mac ?? c.config.macAddress } : {}),
      ...(isVlanDriverNetwork(nw) && nw.driver === 'ipvlan' && this.vlanDrivers.parentMac(nw) !== undefined ? { parentMac: this.vlanDrivers.parentMac(nw)! } : {}),
      aliases: ec.aliases,
    });
    let att: Attachment;
    if (nw.driver === 'null') {
      att = { networkId: nw.id, endpoint: ep, config: ec, ifname: undefined };
    } else if (nw.driverOptions.kind === 'bridge') {
      const br = this.bridges.get(nw.id);
      if (!br) throw internal(`network ${nw.name} has no bridge`);
      const ifname = this.nextIfname(c, nw.driverOptions.containerIfacePrefix ?? 'eth');
      let hostName = vethName(this.netRandom);
      while (this.ns.hasDevice(hostName)) hostName = vethName(this.netRandom);
      const mtu = br.mtu;
      const [cside, hside] = this.host.lab.vethPair(ns, ifname, this.ns, hostName, { macA: ep.mac, macB: kernelRandomMac(this.netRandom), mtu, master: br });
      void cside;
      if (ep.ipv4) ns.addAddress(ifname, `${formatIpv4(ep.ipv4.address)}/${ep.ipv4.prefixLength}`);
      att = { networkId: nw.id, endpoint: ep, config: ec, ifname, hostVeth: hside as Veth, hostVethName: hostName };
      if (ep.ipv4 && !nw.internal && nw.driverOptions.gatewayModeIpv4 === 'nat') this.firewall.directAccessRule(br.name, formatIpv4(ep.ipv4.address), true);
    } else if (nw.driver === 'overlay' && nw.scope === 'swarm' && this.swarm) {
      att = this.swarm.plumb(c, nw, ep, ec, this.nextIfname(c, 'eth'));
    } else if (nw.driver === 'overlay' && nw.scope === 'global' && this.clusterStore) {
      att = this.clusterStore.plumb(c, nw, ep, ec, this.nextIfname(c, 'eth'));
    } else if (isVlanDriverNetwork(nw)) {
      const ifname = this.nextIfname(c, 'eth');
      try {
        this.vlanDrivers.join(nw, ep, ns, ifname);
      } catch (e) {
        this.registry.deleteEndpoint(nw, ep.id);
        throw e;
      }
      att = { networkId: nw.id, endpoint: ep, config: ec, ifname };
    } else {
      // Drivers without plumbing here: the endpoint exists, no device.
      att = { networkId: nw.id, endpoint: ep, config: ec, ifname: undefined };
    }
    c.attachments.push(att);
    return att;
  }

  private nextIfname(c: Container, prefix: string): string {
    if (this.behaviour.interfaceGapFill) {
      for (let i = 0; ; i++) if (!c.machine.ns.hasDevice(`${prefix}${i}`)) return `${prefix}${i}`;
    }
    for (;;) {
      const n = `${prefix}${c.nextIfIndex++}`;
      if (!c.machine.ns.hasDevice(n)) return n;
    }
  }

  /** Endpoints sorted as libnetwork's sandbox keeps them (§4.5). */
  sortedAttachments(c: Container): Attachment[] {
    const key = (a: Attachment): [number, number, number, number, string] => {
      const nw = this.registry.get(a.networkId);
      const gw = nw && this.providesGateway(nw) ? 1 : 0;
      return [-(a.config.gwPriority ?? 0), nw?.name === 'docker_gwbridge' ? 1 : 0, nw?.internal ? 1 : 0, -gw, nw?.name ?? ''];
    };
    return [...c.attachments].sort((x, y) => {
      const a = key(x);
      const b = key(y);
      for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
      return a[4] < b[4] ? -1 : a[4] > b[4] ? 1 : 0;
    });
  }

  private providesGateway(nw: Network): boolean {
    if (nw.internal) return false;
    if (nw.driverOptions.kind === 'bridge') return nw.ipv4[0]?.gateway !== undefined;
    if (isVlanDriverNetwork(nw)) return vlanProvidesGateway(nw, this.behaviour);
    return false;
  }

  /** The default route via the first gateway-providing endpoint. */
  private updateGateway(c: Container): void {
    const ns = c.machine.ns;
    if (c.joinsContainer !== undefined || ns === this.ns) return;
    ns.mainTable.delete({ dst: 0, prefixLength: 0 });
    for (const a of this.sortedAttachments(c)) {
      const nw = this.registry.get(a.networkId);
      if (!nw || !this.providesGateway(nw) || a.ifname === undefined) continue;
      const aux = nw.ipv4[0]?.auxAddresses['DefaultGatewayIPv4'];
      const gw = aux ?? nw.ipv4[0]!.gateway!;
      if (vlanDeviceRoute(nw)) ns.addRoute('default', { dev: a.ifname });
      else ns.addRoute('default', { via: formatAddr(gw), dev: a.ifname });
      return;
    }
  }

  /** ≥28: unsolicited ARP when an interface comes up (a gratuitous request for its own address). */
  private announce(_c: Container): void {
    // Left to the packet engine's neighbour code when it exposes gratuitous ARP; nothing is sent for now.
  }

  private writeEtcFiles(c: Container): void {
    const fs = c.machine.fs;
    const b = this.behaviour;
    const hostResolv = this.machine.fs.isFile('/etc/resolv.conf') ? this.machine.fs.readFile('/etc/resolv.conf') : '';
    const overrides = { ...(c.config.dns ? { dns: c.config.dns } : {}), ...(c.config.dnsSearch ? { dnsSearch: c.config.dnsSearch } : {}), ...(c.config.dnsOptions ? { dnsOptions: c.config.dnsOptions } : {}) };
    if (this.needsResolver(c)) fs.writeFile('/etc/resolv.conf', internalResolvConf(b, hostResolv, overrides).text);
    else fs.writeFile('/etc/resolv.conf', legacyResolvConf(b, hostResolv, overrides));
    fs.writeFile('/etc/hostname', `${c.machine.hostname()}\n`);
    this.writeHosts(c);
  }

  private writeHosts(c: Container): void {
    const extra: HostsEntry[] = (c.config.extraHosts ?? []).map((h) => {
      const i = h.lastIndexOf(':');
      return { ip: h.slice(i + 1), names: h.slice(0, i) };
    });
    const links: HostsEntry[] = [];
    for (const l of c.config.links ?? []) {
      const [target, alias] = l.split(':') as [string, string | undefined];
      let other: Container;
      try {
        other = this.findContainer(target);
      } catch {
        continue;
      }
      const bridge = this.registry.byName('bridge');
      const ep = other.attachments.find((a) => a.networkId === bridge?.id)?.endpoint;
      if (!ep?.ipv4) continue;
      const al = alias ?? other.name;
      let names = `${al} ${other.machine.hostname()}`;
      if (al !== other.name) names += ` ${other.name}`;
      links.push({ ip: formatIpv4(ep.ipv4.address), names });
    }
    const own: HostsEntry[] = [];
    for (const a of c.attachments) {
      const nw = this.registry.get(a.networkId);
      if (!nw || nw.ingress || nw.name === 'docker_gwbridge' || !a.endpoint.ipv4) continue;
      const h = c.machine.hostname();
      own.push({ ip: formatIpv4(a.endpoint.ipv4.address), names: c.config.domainname ? `${h}.${c.config.domainname} ${h}` : h });
    }
    c.machine.fs.writeFile('/etc/hosts', hostsFile(this.behaviour, { ipv6: this.ipv6Enabled(c), extra, own, links }));
  }

  /**
   * Whether the container "supports IPv6" as libnetwork decides it (≥26, sandbox_linux.go IPv6Enabled): its lo has ::1,
   * which the lab's kernels (IPv6 enabled, as a stock Linux host) give every new namespace; host mode follows the host.
   */
  private ipv6Enabled(c: Container): boolean {
    return c.machine.ns !== this.ns || c.attachments.some((a) => a.endpoint.ipv6 !== undefined);
  }

  /** True when the container joined a user-defined network (the embedded resolver serves it). */
  private needsResolver(c: Container): boolean {
    return c.attachments.some((a) => {
      const nw = this.registry.get(a.networkId);
      return nw !== undefined && isUserDefinedNetworkName(nw.name) && nw.driver !== 'host' && nw.driver !== 'null';
    });
  }

  // ------------------------------------------------------------------------------------------ ports

  /** The bindings a container asks for: -p, and -P over the image's and --expose's ports (§4.4). */
  private requestedBindings(c: Container): PortBinding[] {
    const out = [...(c.config.publish ?? [])];
    if (c.config.publishAll) {
      const exposed = [...c.image.exposedPorts, ...(c.config.expose ?? [])];
      const seen = new Set(out.map((p) => `${p.containerPort}/${p.proto}`));
      for (const e of exposed) {
        const { port, proto } = parseExposed(e.includes('/') ? e : `${e}/tcp`);
        if (seen.has(`${port}/${proto}`)) continue;
        seen.add(`${port}/${proto}`);
        out.push({ hostIp: '', hostPort: 0, containerPort: port, proto });
      }
    }
    return out;
  }

  private publishPorts(c: Container): void {
    const bindings = this.requestedBindings(c);
    if (bindings.length === 0) return;
    const gwAtt = this.sortedAttachments(c).find((a) => {
      const nw = this.registry.get(a.networkId);
      return nw !== undefined && this.providesGateway(nw);
    });
    if (!gwAtt || !gwAtt.endpoint.ipv4) return;
    const nw = this.registry.get(gwAtt.networkId)!;
    if (nw.driverOptions.kind !== 'bridge') return;
    const br = this.bridges.get(nw.id)!;
    const cip = formatIpv4(gwAtt.endpoint.ipv4.address);
    const defaultIp = nw.driverOptions.hostBindingIpv4 ?? nw.options[BRIDGE_HOST_BINDING_IPV4] ?? '';
    const proc = this.processFor(c);
    for (const bnd of bindings) {
      const hostIp = bnd.hostIp !== '' ? bnd.hostIp : defaultIp === '0.0.0.0' ? '' : defaultIp;
      if (hostIp.includes(':')) continue;
      let port: number;
      try {
        port = this.ports.request(hostIp, bnd.proto, bnd.hostPort, bnd.hostPortEnd);
      } catch (e) {
        if (e instanceof DockerError) {
          throw new DockerError(`driver failed programming external connectivity on endpoint ${c.name} (${gwAtt.endpoint.id}): ${e.message}`, 'internal');
        }
        throw e;
      }
      const shownIp = hostIp === '' ? '0.0.0.0' : hostIp;
      c.ports.push({ containerPort: bnd.containerPort, proto: bnd.proto, hostIp: shownIp, hostPort: port, ipv6: false });
      if (hostIp === '') c.ports.push({ containerPort: bnd.containerPort, proto: bnd.proto, hostIp: '::', hostPort: port, ipv6: true });
      this.firewall.portRules({ bridge: br.name, proto: bnd.proto, hostIp, hostPort: port, containerIp: cip, containerPort: bnd.containerPort }, true);
      if (this.config['userland-proxy'] !== false && bnd.proto === 'tcp') {
        const proxy = this.startProxy(hostIp, port, gwAtt.endpoint.ipv4.address, bnd.containerPort);
        if (proxy) proc.proxies.push(proxy);
        // The [::] twin of `docker port` has its own docker-proxy; the lab carries no IPv6, so its listener only
        // holds the port and shows in socket listings.
        const twin = hostIp === '' ? this.startProxy6(port) : undefined;
        if (twin) proc.proxies.push(twin);
      }
    }
  }

  /** Releases the container's ports and ends its docker-proxy processes (`proc`: teardown has already forgotten it). */
  private unpublishPorts(c: Container, proc: RunningProcess | undefined): void {
    const gwAtt = this.sortedAttachments(c).find((a) => {
      const nw = this.registry.get(a.networkId);
      return nw !== undefined && this.providesGateway(nw);
    });
    const nw = gwAtt ? this.registry.get(gwAtt.networkId) : undefined;
    const br = nw ? this.bridges.get(nw.id) : undefined;
    for (const p of c.ports) {
      if (p.ipv6) continue;
      const hostIp = p.hostIp === '0.0.0.0' ? '' : p.hostIp;
      this.ports.release(hostIp, p.proto, p.hostPort);
      if (br && gwAtt?.endpoint.ipv4) {
        this.firewall.portRules({ bridge: br.name, proto: p.proto, hostIp, hostPort: p.hostPort, containerIp: formatIpv4(gwAtt.endpoint.ipv4.address), containerPort: p.containerPort }, false);
      }
    }
    c.ports.length = 0;
    for (const px of proc?.proxies.splice(0) ?? []) {
      px.listener.close();
      for (const s of px.sockets) s.abort();
    }
  }

  /**
   * A docker-proxy process (one per published port and address family) and the descriptor its listener has once it
   * serves (cmd/docker-proxy main_linux.go, built with a Go whose netpoller takes an epoll fd and an eventfd): since
   * 28 dockerd passes the socket as fd 4 with the status pipe as fd 3; net.FileListener dups it above the poller's
   * 5 and 6, to 7, and both inherited fds are closed. Before, docker-proxy's own socket() got fd 4 (3 being the
   * pipe, closed once it reported), and the poller came after it.
   */
  private proxyProcess(): { process: SocketProcess; listenFd: number } {
    // dockerd spawns it while the container starts, from the node's single PID space.
    const process = new SocketProcess(this.machine, (this.pidCounter += 6), 'docker-proxy', '/usr/bin/docker-proxy', [0, 1, 2, 5, 6]);
    return { process, listenFd: this.behaviour.proxyListenFd ? 7 : 4 };
  }

  /** docker-proxy: listens on the host port in the node namespace and relays each connection to the container. */
  private startProxy(hostIp: string, hostPort: number, containerIp: Ipv4Address, containerPort: number): Proxy | undefined {
    let listener: TcpListener;
    const { process, listenFd } = this.proxyProcess();
    try {
      // listen(fd, -1) by dockerd, or Go's net.Listen in docker-proxy: the backlog is net.core.somaxconn either way.
      listener = this.ns.tcp.listen(hostPort, hostIp !== '' ? { address: hostIp } : {});
    } catch {
      return undefined;
    }
    listener.holders.open(process, listenFd);
    listener.acceptor = process;
    const sockets = new Set<TcpSocket>();
    listener.onConnection = (client) => {
      sockets.add(client);
      let upstream: TcpSocket;
      try {
        upstream = this.ns.tcp.connect(containerIp, containerPort, { owner: process });
      } catch {
        client.abort();
        sockets.delete(client);
        return;
      }
      sockets.add(upstream);
      relay(client, upstream, sockets);
    };
    return { listener, sockets };
  }

  /** docker-proxy for `[::]:hostPort` (see Tcp6Listener: nothing reaches it in the lab). */
  private startProxy6(hostPort: number): Proxy | undefined {
    const { process, listenFd } = this.proxyProcess();
    let listener: Tcp6Listener;
    try {
      listener = this.ns.tcp.listen6(hostPort);
    } catch {
      return undefined;
    }
    listener.holders.open(process, listenFd);
    return { listener, sockets: new Set() };
  }

  // ------------------------------------------------------------------------------------ main process

  private processFor(c: Container): RunningProcess {
    let p = this.processes.get(c.id);
    if (!p) {
      p = { stop: new StopController(), proxies: [] };
      this.processes.set(c.id, p);
    }
    return p;
  }

  /** The container's process environment. */
  envOf(c: Container): Map<string, string> {
    const env = new Map<string, string>();
    env.set('PATH', c.image.env?.PATH ?? DEFAULT_PATH);
    env.set('HOSTNAME', c.machine.hostname());
    for (const [k, v] of Object.entries(c.image.env ?? {})) env.set(k, v);
    for (const e of c.config.env ?? []) {
      const i = e.indexOf('=');
      if (i < 0) continue;
      env.set(e.slice(0, i), e.slice(i + 1));
    }
    if (c.config.tty) env.set('TERM', 'xterm');
    if (!env.has('HOME')) env.set('HOME', '/root');
    return env;
  }

  private launch(c: Container, interrupt: ProcessInterrupt | undefined): void {
    const proc = this.processFor(c);
    this.startResolver(c, proc);
    const program = c.image.program?.(c.argv);
    const clock = this.host.clock;
    const exit = (code: number): void => this.processExited(c, proc, code);
    // sig-proxy: the console's Ctrl-C is a SIGINT to the main process, which takes it as PID 1 does.
    interrupt?.addEventListener('abort', () => {
      if (this.processes.get(c.id) === proc && c.running) this.deliver(c, SIGINT);
    }, { once: true });
    if (program) {
      const ctx: ProgramContext = {
        machine: c.machine,
        container: { id: c.id, name: c.name, image: c.config.image, node: this.name },
        env: this.envOf(c),
        args: c.argv,
        // PID 1 of the container's PID namespace (the machine stands for it: tools there see this process).
        process: new SocketProcess(c.machine, 1, baseName(c.argv[0] ?? ''), c.argv[0] ?? ''),
        clock,
        signal: proc.stop,
        log: (line) => c.emit('stdout', line.endsWith('\n') ? line : `${line}\n`, this.now),
        logError: (line) => c.emit('stderr', line.endsWith('\n') ? line : `${line}\n`, this.now),
        exit,
        run: (argv, io) => this.runCommand(c, argv, io, proc.stop),
      };
      (proc as { program?: ContainerProgram }).program = program;
      try {
        const r = program.start(ctx);
        if (r instanceof Promise) r.catch((e: unknown) => {
          c.emit('stderr', `${e instanceof Error ? e.message : String(e)}\n`, this.now);
          exit(1);
        });
      } catch (e) {
        c.emit('stderr', `${e instanceof Error ? e.message : String(e)}\n`, this.now);
        exit(1);
      }
      return;
    }
    if (c.argv.length > 0 && (c.config.interactive || c.config.tty) && isBareShell(c.argv)) {
      // `docker run -dit alpine ash`: the shell waits on its terminal (or open stdin) until the container stops.
      proc.command = INTERACTIVE_SHELL;
      return;
    }
    if (c.argv.length === 0) {
      c.emit('stderr', 'docker: Error response from daemon: no command specified\n', this.now);
      exit(127);
      return;
    }
    const runner = this.host.runner();
    proc.command = processCommand(c.argv);
    if (!runner) {
      // No shell layer (unit tests of the daemon): the process runs until stopped.
      return;
    }
    proc.interrupt = new SignalInterrupt();
    void runner
      .run(c.machine, c.argv, { stdout: (t) => c.emit('stdout', t, this.now), stderr: (t) => c.emit('stderr', t, this.now) }, { env: this.envOf(c), signal: proc.stop, interrupt: proc.interrupt, ...(c.image.workdir ? { cwd: c.image.workdir } : {}) })
      .then(exit, (e: unknown) => {
        c.emit('stderr', `${e instanceof Error ? e.message : String(e)}\n`, this.now);
        exit(1);
      });
  }

  /** Runs argv in the container's shell (exec, entrypoint scripts); `interrupt` is its SIGINT (`docker exec -it`'s
   * terminal hands it the console's Ctrl-C). */
  runCommand(c: Container, argv: readonly string[], io: { stdout(t: string): void; stderr(t: string): void; stdin?: string }, signal?: StopSignal, env?: ReadonlyMap<string, string>, interrupt?: ProcessInterrupt): Promise<number> {
    const runner = this.host.runner();
    if (!runner) return Promise.resolve(127);
    const e = new Map(this.envOf(c));
    for (const [k, v] of env ?? []) e.set(k, v);
    return runner.run(c.machine, argv, io, { env: e, ...(signal ? { signal } : {}), ...(interrupt ? { interrupt } : {}), ...(c.image.workdir ? { cwd: c.image.workdir } : {}) });
  }

  /** The main process ended (by itself, or killed): networking is torn down, the restart policy decides. */
  private processExited(c: Container, proc: RunningProcess, code: number): void {
    if (this.processes.get(c.id) !== proc || !c.running) return;
    // The kernel sends what the exiting process's sockets still hold (the FIN of each close) at once; Docker removes
    // the sandbox's devices only after containerd has reported the exit. A millisecond of virtual time lets those
    // last segments leave the container before its veth goes.
    const exitedAt = this.now;
    void this.host.clock.sleep(MILLISECOND).then(() => {
      if (this.processes.get(c.id) === proc && c.running) this.afterExit(c, code, exitedAt);
    });
  }

  /**
   * The main process has exited (at `exitedAt`, the container's FinishedAt) and its last packets are out: tear down,
   * then the restart policy decides.
   */
  private afterExit(c: Container, code: number, exitedAt: Time): void {
    this.teardown(c, code, false);
    c.finishedAt = exitedAt;
    const policy = c.config.restart?.name ?? 'no';
    const max = c.config.restart?.maxRetries ?? 0;
    const restart = !c.manuallyStopped && (policy === 'always' || policy === 'unless-stopped' || (policy === 'on-failure' && code !== 0 && (max === 0 || c.restartCount < max)));
    if (restart && this.containers.has(c.id)) {
      c.status = 'restarting';
      const delay = 100 * MILLISECOND * 2 ** Math.min(c.restartCount, 10);
      c.restartCount++;
      void this.host.clock.sleep(delay).then(() => {
        if (c.status !== 'restarting' || !this.containers.has(c.id)) return;
        c.status = 'exited';
        this.startContainer(c.id).catch((e: unknown) => {
          c.error = e instanceof Error ? e.message : String(e);
        });
      });
      return;
    }
    if (c.config.autoRemove) this.forget(c);
  }

  private teardown(c: Container, code: number, byDaemon: boolean): void {
    const proc = this.processes.get(c.id);
    this.processes.delete(c.id);
    proc?.stop.fire();
    proc?.program?.stop?.();
    proc?.dns?.stop();
    this.unpublishPorts(c, proc);
    this.teardownNetworking(c);
    c.status = 'exited';
    c.exitCode = code;
    c.pid = 0;
    c.finishedAt = this.now;
    if (byDaemon) c.manuallyStopped = c.manuallyStopped || false;
    for (const l of [...c.exitListeners]) l(code);
  }

  private teardownNetworking(c: Container): void {
    for (const a of c.attachments.splice(0)) this.leave(c, a);
  }

  private leave(c: Container, a: Attachment): void {
    const nw = this.registry.get(a.networkId);
    if (nw && nw.scope === 'swarm') this.swarm?.leaving(c, nw, a);
    if (nw && nw.scope === 'global') this.clusterStore?.leaving(c, nw, a);
    if (a.hostVethName !== undefined && this.ns.hasDevice(a.hostVethName)) this.ns.removeDevice(a.hostVethName);
    const ns = c.machine.ns;
    if (a.ifname !== undefined && ns !== this.ns && ns.hasDevice(a.ifname)) ns.removeDevice(a.ifname);
    if (nw) {
      const br = this.bridges.get(nw.id);
      if (br && a.endpoint.ipv4 && !nw.internal) this.firewall.directAccessRule(br.name, formatIpv4(a.endpoint.ipv4.address), false);
      if (nw.endpoints.has(a.endpoint.id)) this.registry.deleteEndpoint(nw, a.endpoint.id);
    }
  }

  // -------------------------------------------------------------------------------------- stop / kill / rm

  /**
   * `docker stop`: the stop signal (-s, --stop-signal, the image's STOPSIGNAL, else SIGTERM) as PID 1 takes it
   * (deliver), then SIGKILL (exit 137) if the container still runs after the timeout: a shell command as PID 1
   * ignores SIGTERM and waits it out; with --init, or a program that handles it, the container ends at once.
   */
  async stopContainer(term: string, timeoutSeconds?: number, signal?: string): Promise<Container> {
    // The API checks a given signal before it looks for the container.
    const given = signal !== undefined ? parseSignal(signal) : undefined;
    const c = this.findContainer(term);
    const sig = given ?? parseSignal(c.config.stopSignal ?? c.image.stopSignal ?? 'SIGTERM');
    c.manuallyStopped = true;
    if (c.status === 'restarting') {
      c.status = 'exited';
      return c;
    }
    if (!c.running) return c;
    const proc = this.processes.get(c.id);
    this.deliver(c, sig);
    const t = timeoutSeconds ?? c.config.stopTimeout ?? 10;
    // Until the process ends (it may still, having handled the signal or by itself) or the timeout passes.
    if (c.running && t > 0) await Promise.race([c.wait(), this.host.clock.sleep(t * SECOND)]);
    if (c.running && this.processes.get(c.id) === proc) this.exitOnSignal(c, 128 + SIGKILL);
    return c;
  }

  /** `docker kill` (SIGKILL by default; -s another, which the main process takes as PID 1 does: deliver). */
  killContainer(term: string, signal = 'KILL'): Container {
    const sig = parseSignal(signal);
    const c = this.findContainer(term);
    if (!c.running) throw conflict(`cannot kill container: ${term}: container ${c.id} is not running`);
    c.manuallyStopped = true;
    this.deliver(c, sig);
    return c;
  }

  /**
   * Signal `sig` to the container's main process, as the kernel delivers it to PID 1 (signals.ts): SIGKILL ends it
   * (137); a program says what it does (ContainerProgram.signal); a command line's command gets it as its interrupt
   * if it handles it, and otherwise ignores it, unless docker-init is PID 1 (--init): then the command dies of it.
   */
  private deliver(c: Container, sig: number): void {
    const proc = this.processes.get(c.id);
    if (!proc || !c.running) return;
    if (sig === SIGKILL) return this.exitOnSignal(c, 128 + SIGKILL);
    if (proc.program) {
      const code = proc.program.signal ? proc.program.signal(sig) : sig === SIGTERM || sig === SIGINT || sig === SIGQUIT ? 0 : undefined;
      if (code !== undefined) this.exitOnSignal(c, code);
      return;
    }
    if (proc.command !== undefined && commandHandles(proc.command, sig)) proc.interrupt?.fire(sig);
    else if (c.config.init && !IGNORED_BY_DEFAULT.has(sig)) this.exitOnSignal(c, 128 + sig);
  }

  /** The main process ended by a signal (or its program's handling of one) with `code`. */
  private exitOnSignal(c: Container, code: number): void {
    this.teardown(c, code, false);
    if (c.config.autoRemove) this.forget(c);
  }

  async restartContainer(term: string, timeoutSeconds?: number): Promise<Container> {
    const c = this.findContainer(term);
    if (c.running) await this.stopContainer(c.id, timeoutSeconds);
    await this.startContainer(c.id);
    c.manuallyStopped = false;
    return c;
  }

  /** `docker rm [-f]`. */
  removeContainer(term: string, force = false): Container {
    const c = this.findContainer(term);
    if (c.running) {
      if (!force) {
        throw conflict(`cannot remove container "/${c.name}": container is running: stop the container before removing or force remove`);
      }
      c.manuallyStopped = true;
      this.teardown(c, 137, false);
    }
    this.forget(c);
    return c;
  }

  private forget(c: Container): void {
    this.containers.delete(c.id);
    c.status = 'removing';
  }

  // -------------------------------------------------------------------------------------- connect

  /** `docker network connect`. */
  connect(netTerm: string, containerTerm: string, o: ConnectOptions = {}): void {
    this.swarm?.prepareNetwork(netTerm);
    const nw = this.findNetwork(netTerm);
    const c = this.findContainer(containerTerm);
    if (c.status === 'removing') throw conflict(`Container ${c.id} is marked for removal and cannot be connected or disconnected to the network`);
    const mode = c.networkMode;
    if (mode.startsWith('container:') || mode === 'host') {
      if (nw.driver === 'host' && mode === 'host') throw forbidden(`endpoint with name ${c.name} already exists in network host`);
      throw forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
    }
    if (nw.driver === 'host') {
      throw forbidden(this.behaviour.activeEndpointsList ? 'cannot connect container to host network - container must be created in host network mode' : 'container cannot be disconnected from host network or connected to host network');
    }
    const hasNone = [...c.networks.keys()].some((id) => this.registry.get(id)?.driver === 'null');
    if (nw.driver === 'null' || hasNone) throw forbidden('container cannot be connected to multiple networks with one of the networks in private (none) mode');
    if (c.networks.has(nw.id)) throw forbidden(`endpoint with name ${c.name} already exists in network ${nw.name}`);
    const ec: EndpointConfig = {
      aliases: o.aliases ?? [],
      ...(o.ipv4 ? { ipv4: o.ipv4 } : {}),
      ...(o.ipv6 ? { ipv6: o.ipv6 } : {}),
      ...(o.links ? { links: o.links } : {}),
      ...(o.gwPriority !== undefined ? { gwPriority: o.gwPriority } : {}),
    };
    if (this.behaviour.validatesIpamConfig) {
      const err = this.registry.endpointSettingsError(nw, { ...(o.ipv4 ? { ipv4: o.ipv4 } : {}), ...(o.ipv6 ? { ipv6: o.ipv6 } : {}), aliases: ec.aliases });
      if (err) throw invalidParameter(err);
    }
    if (c.running) {
      const att = this.join(c, nw, ec);
      void att;
      this.swarm?.sandboxJoined(c);
      this.clusterStore?.sandboxJoined(c);
      this.updateGateway(c);
      if (this.needsResolver(c)) {
        const proc = this.processFor(c);
        if (!proc.dns) {
          this.startResolver(c, proc);
          this.writeEtcFiles(c);
        } else this.writeHosts(c);
      } else this.writeHosts(c);
    }
    c.networks.set(nw.id, ec);
  }

  /** `docker network disconnect [-f]`. */
  disconnect(netTerm: string, containerTerm: string, _force = false): void {
    const nw = this.findNetwork(netTerm);
    const c = this.findContainer(containerTerm);
    if (nw.driver === 'host' && c.networkMode === 'host') {
      throw forbidden(this.behaviour.activeEndpointsList ? 'cannot disconnect container from host network - container was created in host network mode' : 'container cannot be disconnected from host network or connected to host network');
    }
    if (!c.networks.has(nw.id)) {
      throw forbidden(c.running ? `container ${c.id} is not connected to network ${nw.name}` : `container ${c.id} is not connected to the network ${nw.name}`);
    }
    if (c.running) {
      const i = c.attachments.findIndex((a) => a.networkId === nw.id);
      if (i >= 0) {
        const [a] = c.attachments.splice(i, 1);
        this.leave(c, a!);
      }
      this.updateGateway(c);
      this.writeHosts(c);
    }
    c.networks.delete(nw.id);
  }

  // -------------------------------------------------------------------------------------- embedded DNS

  private startResolver(c: Container, proc: RunningProcess): void {
    if (proc.dns || !this.needsResolver(c) || c.joinsContainer !== undefined) return;
    const factory = this.host.dns();
    const ns = c.machine.ns;
    const [lo, hi] = ns.sysctl.localPortRange;
    const r = c.machine.random.fork(`resolver@${this.sandboxSeq++}`);
    const udpPort = r.int(lo, hi);
    let tcpPort = r.int(lo, hi);
    if (tcpPort === udpPort) tcpPort = udpPort + 1;
    programResolverRules(ns, udpPort, tcpPort);
    if (!factory) return;
    proc.dns = factory({ machine: c.machine, records: this.dnsRecordsFor(c), address: parseIpv4(EMBEDDED_DNS_ADDRESS), udpPort, tcpPort, clock: this.host.clock });
  }

  /** The container's view of names (§5.2, §5.3). */
  dnsRecordsFor(c: Container): DnsRecords {
    const userNdots = (c.config.dnsOptions ?? []).some((o) => o.startsWith('ndots:'));
    return {
      userNdots,
      lookup: (name, family) => this.resolveName(c, name, family),
      reverse: (address) => this.resolveAddress(c, address),
      upstreams: () => this.upstreamsFor(c),
    };
  }

  private userNetworksOf(c: Container): Network[] {
    const out: Network[] = [];
    for (const a of this.sortedAttachments(c)) {
      const nw = this.registry.get(a.networkId);
      if (nw && isUserDefinedNetworkName(nw.name) && !nw.ingress) out.push(nw);
    }
    return out;
  }

  resolveName(c: Container, rawName: string, family: 4 | 6): string[] | undefined {
    const name = rawName.replace(/\.$/, '').toLowerCase();
    if (name === '') return undefined;
    const nets = this.userNetworksOf(c);
    const candidates: [string, Network | undefined][] = [[name, undefined]];
    const parts = name.split('.');
    for (let i = parts.length - 1; i >= 1; i--) {
      const host = parts.slice(0, i).join('.');
      const netName = parts.slice(i).join('.');
      const nw = nets.find((n) => n.name.toLowerCase() === netName);
      if (nw) candidates.push([host, nw]);
    }
    for (const [n, only] of candidates) {
      for (const nw of only ? [only] : nets) {
        // container-scoped link aliases first
        const ec = c.networks.get(nw.id);
        for (const l of ec?.links ?? []) {
          const [target, alias] = l.split(':') as [string, string | undefined];
          if ((alias ?? target).toLowerCase() !== n) continue;
          const ep = nw.endpointList().find((e) => e.name.toLowerCase() === target.toLowerCase());
          if (ep) return addressesOf([ep], family);
        }
        if (nw.scope === 'swarm' && this.swarm) {
          const swarmAnswer = this.swarm.lookup(c, nw, n, family);
          if (swarmAnswer) return swarmAnswer;
        }
        if (nw.scope === 'global' && this.clusterStore) {
          const storeAnswer = this.clusterStore.lookup(c, nw, n, family);
          if (storeAnswer) return storeAnswer;
        }
        const eps = nw.endpointList().filter((e) => e.dnsNames.some((d) => d.toLowerCase() === n));
        if (eps.length > 0) return addressesOf(eps, family);
      }
    }
    return undefined;
  }

  resolveAddress(c: Container, address: string): string | undefined {
    for (const nw of this.userNetworksOf(c)) {
      for (const ep of nw.endpointList()) {
        if ((ep.ipv4 && formatIpv4(ep.ipv4.address) === address) || ep.ipv6?.address === address) {
          const first = ep.dnsNames[0];
          if (first) return `${first}.${nw.name}`;
        }
      }
    }
    return undefined;
  }

  private upstreamsFor(c: Container): DnsUpstream[] {
    const external = c.attachments.some((a) => {
      const nw = this.registry.get(a.networkId);
      return nw !== undefined && !nw.internal;
    });
    const hostText = this.machine.fs.isFile('/etc/resolv.conf') ? this.machine.fs.readFile('/etc/resolv.conf') : '';
    const custom = (c.config.dns ?? []).length > 0;
    const servers = custom ? [...(c.config.dns ?? [])] : parseResolvConf(hostText).nameservers.filter((n) => !n.includes(':'));
    const out: DnsUpstream[] = [];
    for (const s of servers) {
      if (s === EMBEDDED_DNS_ADDRESS) continue;
      const loop = s.startsWith('127.');
      if (!custom && loop && !external && this.behaviour.version.major >= 26) continue;
      if (!external && !custom) continue;
      out.push({ address: parseIpv4(s), port: 53, ns: loop && !custom ? this.ns : c.machine.ns });
      if (out.length === 3) break;
    }
    return out;
  }

  // -------------------------------------------------------------------------------------- views

  /** `docker port` data: "80/tcp" → ["0.0.0.0:32768", "[::]:32768"]. */
  portMap(c: Container): Map<string, PortMapping[]> {
    const out = new Map<string, PortMapping[]>();
    for (const p of c.ports) {
      const k = `${p.containerPort}/${p.proto}`;
      const l = out.get(k) ?? [];
      l.push(p);
      out.set(k, l);
    }
    return out;
  }

  /** Exposed ports of a container (image EXPOSE + --expose + published), "80/tcp" strings. */
  exposedPorts(c: Container): string[] {
    const s = new Set<string>();
    for (const e of c.image.exposedPorts) s.add(e.includes('/') ? e : `${e}/tcp`);
    for (const e of c.config.expose ?? []) s.add(e.includes('/') ? e : `${e}/tcp`);
    for (const p of c.config.publish ?? []) s.add(`${p.containerPort}/${p.proto}`);
    return [...s];
  }

  /** The bridge-network option values inspect shows for a network's settings. */
  static bridgeFlags(nw: Network): { icc: boolean; masq: boolean } {
    return { icc: nw.options[BRIDGE_ENABLE_ICC] !== 'false', masq: nw.options[BRIDGE_ENABLE_IP_MASQUERADE] !== 'false' };
  }
}

/** "/docker-entrypoint.sh" → "docker-entrypoint.sh". */
function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** A shell with no script or -c: `sh`, `/bin/ash`, `bash` (it reads commands from its terminal). */
function isBareShell(argv: readonly string[]): boolean {
  const base = argv[0]!.slice(argv[0]!.lastIndexOf('/') + 1);
  return ['sh', 'ash', 'bash', 'dash', 'zsh'].includes(base) && argv.slice(1).every((a) => a === '-l' || a === '-i' || a === '--login');
}

function addressesOf(eps: readonly { ipv4?: { address: Ipv4Address }; ipv6?: { address: string } }[], family: 4 | 6): string[] {
  const out: string[] = [];
  for (const e of eps) {
    const a = family === 4 ? (e.ipv4 ? formatIpv4(e.ipv4.address) : undefined) : e.ipv6?.address;
    if (a !== undefined && !out.includes(a)) out.push(a);
  }
  return out;
}

/** A container's file system: the base layout of its userland plus the image's files. */
export function containerFs(image: ImageDefinition): Vfs {
  const fs = Vfs.with(['/bin', '/etc', '/root', '/tmp', '/var', '/usr/bin', '/usr/local/bin', '/proc', '/sys', '/home', '/run']);
  fs.writeFile('/etc/os-release', image.userland === 'busybox' ? 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n' : 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
  for (const [p, data] of Object.entries(image.files ?? {})) {
    const dir = p.slice(0, p.lastIndexOf('/')) || '/';
    fs.mkdir(dir, '/', { parents: true });
    fs.writeFile(p, data);
  }
  return fs;
}

/** docker-proxy's copy loop between two TCP connections, with half-close both ways. */
function relay(a: TcpSocket, b: TcpSocket, set: Set<TcpSocket>): void {
  const pending: Uint8Array[] = [];
  let bConnected = false;
  b.onConnect = () => {
    bConnected = true;
    for (const d of pending.splice(0)) b.write(d);
  };
  a.onData = (d) => {
    if (bConnected) b.write(d);
    else pending.push(d);
  };
  b.onData = (d) => a.write(d);
  a.onEnd = () => (bConnected ? b.end() : b.close());
  b.onEnd = () => a.end();
  const done = (s: TcpSocket, other: TcpSocket) => (): void => {
    set.delete(s);
    if (set.has(other)) other.end();
  };
  a.onClose = done(a, b);
  b.onClose = done(b, a);
  b.onError = () => a.abort();
  a.onError = () => b.abort();
}

export type { Proto };
