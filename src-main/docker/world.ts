// The Docker world of one lab: a NetLab (seeded), the underlay LAN(s) — a bridge `ulbr` in an underlay namespace
// (`ul`, `ul1`, ...) as in the reference lab — the workstation on every LAN (192.168.99.1/24 on the host-only LAN,
// interface vboxnet0), and the nodes: each a Machine (GNU userland, hostname = its name, files /etc/hosts,
// /etc/resolv.conf, /etc/docker/daemon.json) running a Daemon, with eth0 on its LAN.
//
// Addresses: docker-machine nodes get 192.168.99.100, .101, ... as VirtualBox's host-only DHCP hands them out;
// `addNode(name, { ip: '192.168.1.10/24' })` puts a node on that LAN (created on first use; the workstation joins it
// at its first free address). docker-networking.md says nothing about boot2docker's NAT interface (eth0 10.0.2.15 on
// a real docker-machine VM, with the host-only one as eth1), so a node has one interface, eth0, on its LAN; its
// default route goes to the workstation's address there.
//
// The world is where the other parts plug in: `images` (docker/images/), `dns` (docker/dns/), and `runner` (the
// shell layer's CommandRunner) are set by the composition root.

import { Vfs } from '../common/vfs.ts';
import { formatIpv4, parseCidr, parseIpv4, networkOf, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import type { Bridge } from '../net/bridge.ts';
import type { NetNamespace } from '../net/namespace.ts';
import { NetLab } from '../net/scenario.ts';
import { Random } from '../sim/random.ts';
import { Scheduler } from '../sim/scheduler.ts';
import { MICROSECOND, type Time } from '../sim/time.ts';
import type { CommandRunner, EmbeddedDnsFactory, EmbeddedDnsServer, ImageCatalog, VirtualClock } from './daemon/contracts.ts';
import type { ClusterStoreHooks } from './daemon/cluster-store-hooks.ts';
import type { Container } from './daemon/container.ts';
import { Daemon, type DaemonHost } from './daemon/daemon.ts';
import { KvStoreAgent } from './kvstore/agent.ts';
import { StaticImageCatalog } from './daemon/images.ts';
import { SimMachine } from './daemon/sim-machine.ts';
import type { WallClock } from './format/network.ts';
import { CURRENT_ENGINE_VERSION, parseEngineVersion, formatEngineVersion } from './version.ts';

/** 2025-01-01T00:00:00Z: the wall-clock instant of virtual time 0 (dates in inspect, ping timestamps). */
export const DEFAULT_EPOCH_UNIX_SECONDS = 1_735_689_600;

/** One-way latency of each underlay veth (node↔switch): two hops each way give a ~0.4 ms ping between nodes. */
export const UNDERLAY_LATENCY: Time = 100 * MICROSECOND;

export interface DockerWorldOptions {
  readonly seed?: number;
  /** Share a scheduler (the lab host's). */
  readonly scheduler?: Scheduler;
  /** The clock programs and the daemon sleep on; default: one over the scheduler (no settling). */
  readonly clock?: VirtualClock;
  readonly epochUnixSeconds?: number;
  readonly images?: ImageCatalog;
  readonly dns?: EmbeddedDnsFactory;
  readonly runner?: CommandRunner;
  readonly underlayLatency?: Time;
}

export interface AddNodeOptions {
  /** "192.168.1.10/24": the underlay address (default: the next DHCP address of 192.168.99.0/24). */
  readonly ip?: string;
  /** Docker Engine version (default: the current one). */
  readonly engine?: string;
  /** docker-machine driver shown by `docker-machine ls`. */
  readonly driver?: string;
}

/** A LAN of the underlay: a switch (bridge) in its own namespace. */
export class Lan {
  readonly hosts = new Map<Ipv4Address, string>();
  nextDhcp: number;

  constructor(
    readonly name: string,
    readonly ns: NetNamespace,
    readonly bridge: Bridge,
    readonly network: Ipv4Address,
    readonly prefixLength: number,
    /** The workstation's interface on this LAN. */
    public workstationIf: string,
    public workstationIp: Ipv4Address,
  ) {
    this.nextDhcp = (network + 100) >>> 0;
  }

  contains(a: Ipv4Address): boolean {
    return networkOf(a, this.prefixLength) === this.network;
  }

  get cidr(): string {
    return `${formatIpv4(this.network)}/${this.prefixLength}`;
  }
}

export class DockerNode {
  /** The machine is on (flotilla node stop / docker-machine stop power it off). */
  powered = true;
  /** Containers running when the machine powered off (their restart policies apply at the next boot). */
  runningAtPowerOff: readonly Container[] = [];

  constructor(
    readonly name: string,
    readonly machine: SimMachine,
    readonly daemon: Daemon,
    readonly lan: Lan,
    readonly ip: Ipv4Address,
    readonly engine: string,
    readonly driver: string,
    readonly created: Time,
  ) {}

  get ipText(): string {
    return formatIpv4(this.ip);
  }

  /** docker-machine's URL column. */
  get url(): string {
    return `tcp://${this.ipText}:2376`;
  }

  /** docker-machine's STATE: the machine's power (a stopped or failed daemon shows in DOCKER and ERRORS). */
  get state(): 'Running' | 'Stopped' {
    return this.powered ? 'Running' : 'Stopped';
  }
}

class SchedulerSleepClock implements VirtualClock {
  constructor(private readonly s: Scheduler) {}
  now(): Time {
    return this.s.now;
  }
  sleep(ns: Time): Promise<void> {
    return new Promise((r) => {
      this.s.schedule(Math.max(0, Math.round(ns)), r);
    });
  }
}

export class DockerWorld implements DaemonHost {
  readonly lab: NetLab;
  readonly random: Random;
  readonly wallClock: WallClock;
  readonly workstation: SimMachine;
  readonly lans: Lan[] = [];
  readonly nodes = new Map<string, DockerNode>();
  clock: VirtualClock;
  imageCatalog: ImageCatalog;
  dnsFactory: EmbeddedDnsFactory | undefined;
  commandRunner: CommandRunner | undefined;
  private readonly latency: Time;
  private workstationDns: EmbeddedDnsServer[] = [];
  /** What else lives on a node and goes down and up with it (swarm mode registers here). */
  readonly powerHooks: { off(node: DockerNode): void; on(node: DockerNode): void }[] = [];

  constructor(o: DockerWorldOptions = {}) {
    const seed = o.seed ?? 1;
    const epoch = o.epochUnixSeconds ?? DEFAULT_EPOCH_UNIX_SECONDS;
    this.lab = new NetLab({ seed, scheduler: o.scheduler ?? new Scheduler(), epochNs: epoch * 1e9 });
    this.random = new Random(seed).fork('docker-world');
    this.wallClock = { epochUnixSeconds: epoch };
    this.clock = o.clock ?? new SchedulerSleepClock(this.lab.scheduler);
    this.imageCatalog = o.images ?? new StaticImageCatalog();
    this.dnsFactory = o.dns;
    this.commandRunner = o.runner;
    this.latency = o.underlayLatency ?? UNDERLAY_LATENCY;
    const wsNs = this.lab.namespace('workstation', { kernel: 'workstation' });
    const fs = Vfs.with(['/tmp', '/home/user', '/etc'], {
      '/etc/hosts': '127.0.0.1\tlocalhost\n127.0.1.1\tworkstation\n',
      '/etc/hostname': 'workstation\n',
    });
    this.workstation = new SimMachine('workstation', 'workstation', wsNs, fs, 'gnu', this.random.fork('workstation'), 'workstation');
    this.lanFor(parseIpv4('192.168.99.0'), 24, parseIpv4('192.168.99.1'));
  }

  get scheduler(): Scheduler {
    return this.lab.scheduler;
  }

  // DaemonHost
  images(): ImageCatalog {
    return this.imageCatalog;
  }
  dns(): EmbeddedDnsFactory | undefined {
    return this.dnsFactory;
  }
  runner(): CommandRunner | undefined {
    return this.commandRunner;
  }
  clusterStore(d: Daemon): ClusterStoreHooks | undefined {
    const store = d.config['cluster-store'];
    if (store === undefined || !d.behaviour.clusterStore) return undefined;
    try {
      const agent = new KvStoreAgent(d, {
        lab: this.lab,
        scheduler: this.scheduler,
        random: this.random.fork(`kv:${d.name}@${this.scheduler.now}`),
        store,
        advertise: d.config['cluster-advertise'],
        log: (level, msg) => d.log(level, msg),
      });
      agent.start();
      return agent;
    } catch (e) {
      d.log('error', e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  /** The LAN holding `network/prefix`, created (with the workstation on it) when new. */
  private lanFor(network: Ipv4Address, prefixLength: number, workstationIp?: Ipv4Address): Lan {
    const existing = this.lans.find((l) => l.network === network && l.prefixLength === prefixLength);
    if (existing) return existing;
    const name = this.lans.length === 0 ? 'ul' : `ul${this.lans.length}`;
    const ns = this.lab.namespace(name, { kernel: name });
    const bridge = ns.addBridge('ulbr', { mac: this.macFor(`${name}/ulbr`) });
    bridge.multicastSnooping = false;
    const wsIf = this.lans.length === 0 ? 'vboxnet0' : `vboxnet${this.lans.length}`;
    const lan = new Lan(name, ns, bridge, network, prefixLength, wsIf, workstationIp ?? ((network + 1) >>> 0));
    this.lans.push(lan);
    this.lab.vethPair(this.workstation.ns, wsIf, ns, `p-${wsIf}`, { macA: this.macFor(`workstation/${wsIf}`), master: bridge, latency: this.latency });
    return lan;
  }

  /** Puts the workstation on a LAN at its first free address (after the LAN is known to need it). */
  private attachWorkstation(lan: Lan, taken: Ipv4Address): void {
    const ws = this.workstation.ns;
    if (ws.addresses.some((a) => a.dev.name === lan.workstationIf)) {
      if (lan.workstationIp !== taken) return;
      // the node asked for the workstation's address: move the workstation to the next free one
      ws.delAddress(lan.workstationIf, `${formatIpv4(lan.workstationIp)}/${lan.prefixLength}`);
    }
    let ip = lan.workstationIp;
    while (ip === taken || lan.hosts.has(ip)) ip = (ip + 1) >>> 0;
    lan.workstationIp = ip;
    lan.hosts.set(ip, 'workstation');
    ws.addAddress(lan.workstationIf, `${formatIpv4(ip)}/${lan.prefixLength}`);
  }

  private macFor(key: string): string {
    const r = this.random.fork(`mac:${key}`);
    const b = [0x08, 0x00, 0x27, r.int(0, 255), r.int(0, 255), r.int(0, 255)];
    return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
  }

  node(name: string): DockerNode | undefined {
    return this.nodes.get(name);
  }

  /** Creates a node (a Docker host) and starts its daemon. Throws Error with a user-facing message on bad input. */
  addNode(name: string, o: AddNodeOptions = {}): DockerNode {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/.test(name)) throw new Error(`Error creating machine: Invalid hostname specified. Allowed hostname chars are: 0-9a-zA-Z . -`);
    if (this.nodes.has(name)) throw new Error(`Host already exists: "${name}"`);
    const engine = formatEngineVersion(parseEngineVersion(o.engine ?? CURRENT_ENGINE_VERSION));
    let lan: Lan;
    let ip: Ipv4Address;
    if (o.ip !== undefined) {
      const { address, prefixLength } = parseCidr(o.ip.includes('/') ? o.ip : `${o.ip}/24`);
      lan = this.lans.find((l) => l.contains(address) && l.prefixLength === prefixLength) ?? this.lanFor(networkOf(address, prefixLength), prefixLength);
      if (lan.hosts.has(address) && lan.hosts.get(address) !== 'workstation') throw new Error(`address ${formatIpv4(address)} is already used by ${lan.hosts.get(address)!}`);
      ip = address;
    } else {
      lan = this.lans[0]!;
      while (lan.hosts.has(lan.nextDhcp)) lan.nextDhcp = (lan.nextDhcp + 1) >>> 0;
      ip = lan.nextDhcp;
      lan.nextDhcp = (lan.nextDhcp + 1) >>> 0;
    }
    this.attachWorkstation(lan, ip);
    lan.hosts.set(ip, name);
    const ns = this.lab.namespace(name, { kernel: name });
    this.lab.vethPair(ns, 'eth0', lan.ns, `p-${name}`, { macA: this.macFor(`${name}/eth0`), master: lan.bridge, latency: this.latency });
    ns.addAddress('eth0', `${formatIpv4(ip)}/${lan.prefixLength}`);
    ns.addRoute('default', { via: formatIpv4(lan.workstationIp), dev: 'eth0' });
    const fs = Vfs.with(['/etc/docker', '/root', '/home/docker', '/tmp', '/var/lib/docker', '/var/run/docker/netns'], {
      '/etc/hosts': `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n`,
      '/etc/hostname': `${name}\n`,
      '/etc/resolv.conf': `nameserver ${formatIpv4(lan.workstationIp)}\n`,
      '/etc/docker/daemon.json': '{}\n',
    });
    const machine = new SimMachine('node', name, ns, fs, 'gnu', this.random.fork(`node:${name}`), name);
    const daemon = new Daemon(this, { name, machine, version: engine, random: this.random.fork(`daemon:${name}`) });
    daemon.start();
    const node = new DockerNode(name, machine, daemon, lan, ip, engine, o.driver ?? 'virtualbox', this.lab.scheduler.now);
    this.nodes.set(name, node);
    return node;
  }

  /** Removes a node: its daemon stops, its link to the LAN goes. */
  removeNode(name: string): void {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`Host does not exist: "${name}"`);
    n.daemon.shutdown();
    if (n.machine.ns.hasDevice('eth0')) n.machine.ns.removeDevice('eth0');
    n.lan.hosts.delete(n.ip);
    this.nodes.delete(name);
  }

  /** Pulls (up = false) or plugs back (up = true) a node's underlay cable: the switch port of its eth0. */
  setLink(name: string, up: boolean): void {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`Host does not exist: "${name}"`);
    const port = n.lan.ns.device(`p-${name}`);
    if (up) port.up();
    else port.down();
  }

  /**
   * Powers a node off: its NIC goes down (nothing more leaves or arrives, no goodbye on the wire), what runs on it
   * stops — swarm mode first, then the daemon and its containers.
   */
  stopNode(name: string): void {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`Host does not exist: "${name}"`);
    if (!n.powered) return;
    n.machine.ns.device('eth0').down();
    n.powered = false;
    n.runningAtPowerOff = [...n.daemon.containers.values()].filter((c) => c.running);
    for (const h of this.powerHooks) h.off(n);
    if (n.daemon.running) n.daemon.shutdown();
  }

  /** Powers a node on: eth0 and its default route come back, dockerd starts, then swarm mode rejoins. */
  startNode(name: string): void {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`Host does not exist: "${name}"`);
    if (n.powered) return;
    n.powered = true;
    const ns = n.machine.ns;
    ns.device('eth0').up();
    if (!ns.mainTable.list().some((r) => r.prefixLength === 0)) ns.addRoute('default', { via: formatIpv4(n.lan.workstationIp), dev: 'eth0' });
    try {
      n.daemon.start();
    } catch {
      return; // dockerd refused its configuration (the journal says why)
    }
    n.daemon.applyRestartPolicies(n.runningAtPowerOff);
    n.runningAtPowerOff = [];
    for (const h of this.powerHooks) h.on(n);
  }

  /** True when the node's underlay cable is plugged in. */
  linkUp(name: string): boolean {
    const n = this.nodes.get(name);
    return n !== undefined && n.lan.ns.device(`p-${name}`).running;
  }

  /** Nodes in creation order. */
  nodeList(): DockerNode[] {
    return [...this.nodes.values()];
  }

  /** Stops the resolvers the world runs for the workstation (tests). */
  dispose(): void {
    for (const d of this.workstationDns.splice(0)) d.stop();
  }
}
