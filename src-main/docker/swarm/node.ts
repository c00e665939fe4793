// Swarm mode on one node: `swarm init / join / leave`, the agent (its session with the leader over TCP 2377:
// heartbeats every 5 s, assignments in, task status out, tasks run as containers with realistic delays), the
// gossip and endpoint table (gossip.ts), and the daemon hooks (daemon/swarm-hooks.ts) that make swarm networks
// real here: instantiated when a task or an attachable container needs them, plumbed by the overlay driver
// (daemon/overlay.ts), docker_gwbridge for every overlay container, the ingress sandbox with the routing mesh's
// rules (lb.ts), the east-west load balancer (lb.ts: engines ≥18.06 in a per-overlay lb-<net> sandbox built like the
// ingress one, older engines in each container), DNS for services and tasks.

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import { formatMac } from '../../common/wire/mac.ts';
import { enableNetfilter } from '../../net/netfilter-glue.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { EventHandle } from '../../sim/scheduler.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import type { Attachment, Container, ContainerConfig, EndpointConfig } from '../daemon/container.ts';
import { OverlayDriver, type OverlayNetworkInfo } from '../daemon/overlay.ts';
import type { SwarmHooks } from '../daemon/swarm-hooks.ts';
import { endpointMtu, parseOverlayOptions } from '../driver-options.ts';
import { DockerError, forbidden, invalidParameter } from '../errors.ts';
import { vethName } from '../ids.ts';
import { kernelRandomMac } from '../mac.ts';
import type { CreateNetworkRequest, Endpoint, Network } from '../model.ts';
import { formatAddr } from '../prefix.ts';
import type { DockerNode, DockerWorld } from '../world.ts';
import { SWARM_PORT, SwarmCluster, SwarmManager, HEARTBEAT_PERIOD, type ManagerHost } from './cluster.ts';
import { Gossip, NetDb } from './gossip.ts';
import { FWMARK_START, LbSandbox } from './lb.ts';
import type { EndpointRecord, SwarmNetworkRecord, SwarmNodeRecord, TaskAssignment, TaskState } from './types.ts';
import { FramedConnection, type WireMessage } from './wire.ts';

/** How long `docker swarm join` waits for the manager (daemon/cluster swarmConnectTimeout). */
export const JOIN_TIMEOUT: Time = 20 * SECOND;
/** Image pull for a task (first time on a node) and the container's start. */
export const PULL_DELAY: Time = 1500 * MILLISECOND;
export const START_DELAY: Time = 300 * MILLISECOND;

const NOT_IN_SWARM = 'This node is not part of a swarm';
/** daemon/cluster: the legacy key-value store and swarm mode exclude each other (moby#27583). */
const CLUSTER_STORE_CONFLICT = '--cluster-store and --cluster-advertise daemon configurations are incompatible with swarm mode';
const ALREADY_IN_SWARM = 'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.';

/** The swarms of a world and each node's swarm side. */
export class SwarmWorld {
  readonly clusters = new Map<string, SwarmCluster>();
  private readonly nodes = new Map<string, NodeSwarm>();

  constructor(readonly world: DockerWorld) {
    // a node that powers off loses its swarm side with it; powered on, it comes back as the same member
    world.powerHooks.push({ off: (node) => this.nodes.get(node.name)?.suspend(), on: (node) => this.nodes.get(node.name)?.resume() });
  }

  of(node: DockerNode): NodeSwarm {
    let n = this.nodes.get(node.name);
    if (!n || n.node !== node) {
      n = new NodeSwarm(this, node);
      this.nodes.set(node.name, n);
    }
    return n;
  }

  byNodeId(id: string): NodeSwarm | undefined {
    return [...this.nodes.values()].find((n) => n.nodeId === id && n.cluster !== undefined);
  }

  members(cluster: SwarmCluster): NodeSwarm[] {
    return [...this.nodes.values()].filter((n) => n.cluster === cluster);
  }
}

const worlds = new WeakMap<DockerWorld, SwarmWorld>();

export function swarmOf(world: DockerWorld): SwarmWorld {
  let s = worlds.get(world);
  if (!s) {
    s = new SwarmWorld(world);
    worlds.set(world, s);
  }
  return s;
}

interface LocalTask {
  a: TaskAssignment;
  state: TaskState;
  containerId: string;
  stopping: boolean;
}

/** A per-overlay load-balancer sandbox `lb-<net>` (engines ≥18.06). */
interface LbNetSandbox {
  readonly ns: NetNamespace;
  readonly lb: LbSandbox;
  /** The node's LB address as the manager allocated it ("10.0.1.5/24"). */
  readonly cidr: string;
  readonly endpointId: string;
  readonly veth: string;
  readonly record: EndpointRecord;
}

interface PlumbedEndpoint {
  readonly networkId: string;
  readonly sandboxVeth: string;
  readonly record: EndpointRecord;
  readonly attachable?: string;
}

export class NodeSwarm implements SwarmHooks {
  cluster: SwarmCluster | undefined;
  nodeId = '';
  role: 'worker' | 'manager' = 'worker';
  manager: SwarmManager | undefined;
  gossip: Gossip | undefined;
  db: NetDb | undefined;
  readonly overlay: OverlayDriver;
  private conn: FramedConnection | undefined;
  private hbTimer: EventHandle | undefined;
  private reconnectTimer: EventHandle | undefined;
  private leaderAddr = '';
  private readonly tasks = new Map<string, LocalTask>();
  /** Container ID → the task it runs. */
  private readonly taskOfContainer = new Map<string, TaskAssignment>();
  private readonly plumbed = new Map<string, PlumbedEndpoint>();
  private readonly lbs = new Map<string, LbSandbox>();
  private readonly marks = new Map<string, number>();
  private nextMark = FWMARK_START;
  private pulled = new Set<string>();
  private creatingTask = false;
  private ingressSbox: { ns: NetNamespace; lb: LbSandbox; gwIp: string; ingressIp: string; veth: string; hostVeth: string } | undefined;
  private readonly ingressPorts = new Set<string>();
  /** Engines ≥18.06: the lb-<net> sandbox of each overlay this node has joined, by network ID (§6.5, §7.3). */
  private readonly lbSboxes = new Map<string, LbNetSandbox>();
  /** How many lb-<net> sandboxes each network has had here (a re-created one gets a fresh namespace). */
  private readonly lbGen = new Map<string, number>();
  addr = '';
  /** Powered off (flotilla node stop): nothing runs until resume(). */
  suspended = false;
  private wasManager = false;
  private ingressGen = 0;

  constructor(
    readonly sw: SwarmWorld,
    readonly node: DockerNode,
  ) {
    this.overlay = new OverlayDriver(sw.world.lab, { name: node.name, ns: node.machine.ns, get vtep() { return node.ipText; } }, sw.world.random.fork(`overlay:${node.name}`));
  }

  get daemon() {
    return this.node.daemon;
  }

  get ns(): NetNamespace {
    return this.node.machine.ns;
  }

  get now(): Time {
    return this.sw.world.scheduler.now;
  }

  get active(): boolean {
    return this.cluster !== undefined;
  }

  private sleep(t: Time): Promise<void> {
    return this.sw.world.clock.sleep(t);
  }

  /** The node's own record in the cluster. */
  record(): SwarmNodeRecord | undefined {
    return this.cluster?.nodes.get(this.nodeId);
  }

  isLeader(): boolean {
    return this.cluster !== undefined && this.cluster.leaderId === this.nodeId;
  }

  // ----------------------------------------------------------------------------------------- membership

  /** The address to advertise: the given one, else the only global address of a non-Docker interface. */
  private advertiseAddress(given?: string): string {
    if (given !== undefined && given !== '') {
      const ip = given.replace(/:\d+$/, '');
      if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return ip;
      const dev = this.ns.addresses.find((a) => a.dev.name === ip);
      if (dev) return formatIpv4(dev.address);
      throw invalidParameter(`interface ${ip} has no usable IPv4 address`);
    }
    const cands = this.ns.addresses.filter((a) => a.scope === 'global' && !/^(lo|docker\d*|docker_gwbridge|br-.*|veth.*)$/.test(a.dev.name));
    const devs = new Set(cands.map((a) => a.dev.name));
    if (devs.size > 1) {
      const list = cands.map((a) => `${formatIpv4(a.address)} on ${a.dev.name}`);
      throw invalidParameter(`could not choose an IP address to advertise since this system has multiple addresses on different interfaces (${list.join(' and ')})`);
    }
    if (cands.length === 0) throw invalidParameter('could not find the system\'s IP address - specify one with --advertise-addr');
    return formatIpv4(cands[0]!.address);
  }

  /** `docker swarm init`: a new swarm with this node as its leader. Returns the node ID. */
  init(o: { advertiseAddr?: string } = {}): string {
    if (this.active) throw new DockerError(ALREADY_IN_SWARM, 'unavailable');
    if (this.daemon.clusterStore) throw new DockerError(CLUSTER_STORE_CONFLICT, 'unavailable');
    const addr = this.advertiseAddress(o.advertiseAddr);
    const w = this.sw.world;
    const cluster = new SwarmCluster(w.random.fork(`swarm:${this.node.name}@${this.now}`), this.now);
    this.sw.clusters.set(cluster.id, cluster);
    cluster.addNetwork({ name: 'ingress', ingress: true }, this.now);
    const host: ManagerHost = { ns: this.ns, scheduler: w.scheduler, random: cluster.ids, admit: (r) => this.admit(cluster, r) };
    const rec = this.admit(cluster, { hostname: this.node.name, addr, engine: this.node.engine, role: 'manager' });
    cluster.leaderId = rec.id;
    const mgr = new SwarmManager(cluster, host);
    mgr.start();
    this.manager = mgr;
    this.activate(cluster, rec.id, 'manager', addr, addr);
    return rec.id;
  }

  /** The leader admits a node (join): its record and its address on the ingress network. */
  private admit(cluster: SwarmCluster, r: { hostname: string; addr: string; engine: string; role: SwarmNodeRecord['role'] }): SwarmNodeRecord {
    const old = [...cluster.nodes.values()].find((n) => n.hostname === r.hostname && !n.left);
    if (old) old.left = true;
    const ingress = cluster.ingressNetwork();
    const rec: SwarmNodeRecord = {
      id: cluster.newId(),
      hostname: r.hostname,
      addr: r.addr,
      role: r.role,
      availability: 'active',
      state: 'unknown',
      message: '',
      engine: r.engine,
      created: this.now,
      updated: this.now,
      ingressIp: ingress ? cluster.allocateAddress(ingress.id).split('/')[0]! : '',
      labels: {},
      left: false,
    };
    cluster.nodes.set(rec.id, rec);
    return rec;
  }

  /** `docker swarm join --token T ADDR[:2377]`: resolves with the role, or rejects with Docker's error. */
  join(token: string, remote: string, o: { advertiseAddr?: string } = {}): Promise<'worker' | 'manager'> {
    if (this.active) return Promise.reject(new DockerError(ALREADY_IN_SWARM, 'unavailable'));
    if (this.daemon.clusterStore) return Promise.reject(new DockerError(CLUSTER_STORE_CONFLICT, 'unavailable'));
    if (!/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/.test(token)) return Promise.reject(invalidParameter('invalid join token'));
    const [host, portText] = remote.includes(':') ? (remote.split(':') as [string, string]) : [remote, String(SWARM_PORT)];
    const port = Number(portText);
    let addr: string;
    try {
      addr = o.advertiseAddr ? this.advertiseAddress(o.advertiseAddr) : formatIpv4(this.ns.routeOutput(this.parseIp(host))?.src ?? 0);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      let done = false;
      let conn: FramedConnection;
      const finish = (err: DockerError | undefined, role?: 'worker' | 'manager'): void => {
        if (done) return;
        done = true;
        timer.cancel();
        if (err) {
          conn?.abort();
          reject(err);
        } else resolve(role!);
      };
      const timer = this.sw.world.scheduler.schedule(JOIN_TIMEOUT, () =>
        finish(new DockerError('Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.', 'unavailable')),
      );
      try {
        conn = new FramedConnection(this.ns.tcp.connect(host, port), false);
      } catch {
        finish(new DockerError('Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.', 'unavailable'));
        return;
      }
      conn.onOpen = () => conn.send({ t: 'join', token, hostname: this.node.name, addr, engine: this.node.engine });
      conn.onMessage = (m) => {
        if (m.t === 'error') {
          finish(invalidParameter(String(m.message)));
          return;
        }
        if (m.t === 'welcome') {
          const cluster = this.sw.clusters.get(String(m.cluster));
          if (!cluster) {
            finish(invalidParameter('rpc error: code = Unavailable desc = the swarm is gone'));
            return;
          }
          const role = m.role === 'manager' ? 'manager' : 'worker';
          this.activate(cluster, String(m.nodeId), role, addr, host, conn);
          finish(undefined, role);
        }
      };
    });
  }

  private parseIp(text: string): number {
    return text.split('.').reduce((a, b) => a * 256 + Number(b), 0) >>> 0;
  }

  /** Becomes a member: hooks into the daemon, docker_gwbridge, ingress, gossip, the agent's session. */
  private activate(cluster: SwarmCluster, nodeId: string, role: 'worker' | 'manager', addr: string, leaderAddr: string, conn?: FramedConnection): void {
    this.cluster = cluster;
    this.nodeId = nodeId;
    this.role = role;
    this.addr = addr;
    this.leaderAddr = leaderAddr;
    const db = new NetDb(nodeId);
    this.db = db;
    db.onChange = (nid) => this.networkChanged(nid);
    this.gossip = new Gossip(this.ns, { id: nodeId, addr }, this.sw.world.scheduler, db, () =>
      [...cluster.nodes.values()].filter((n) => !n.left).map((n) => ({ id: n.id, addr: n.addr })),
    );
    this.gossip.start();
    this.ensureGwbridge();
    this.daemon.swarm = this;
    if (role === 'manager') for (const nw of cluster.networks.values()) this.instantiate(nw);
    this.setupIngress();
    if (conn) this.bindSession(conn);
    else this.connectSession();
  }

  /** `docker swarm leave [--force]`. */
  async leave(force: boolean): Promise<void> {
    const c = this.cluster;
    if (!c) throw new DockerError(NOT_IN_SWARM, 'unavailable');
    if (this.role === 'manager' && !force) {
      const managers = c.managers();
      if (managers.length <= 1) {
        throw new DockerError('You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message. ', 'unavailable');
      }
      throw new DockerError('You are attempting to leave the swarm on a node that is participating as a manager. Removing this node leaves ' + (managers.length - 1) + ' managers out of ' + managers.length + '. Without a Raft quorum your swarm will be inaccessible. The only way to restore a swarm that has lost consensus is to reinitialize it with `--force-new-cluster`. Use `--force` to suppress this message.', 'unavailable');
    }
    this.deactivate();
    await Promise.resolve();
  }

  private deactivate(): void {
    const c = this.cluster;
    if (!c) return;
    this.hbTimer?.cancel();
    this.reconnectTimer?.cancel();
    this.conn?.abort();
    this.conn = undefined;
    for (const t of this.tasks.values()) {
      try {
        if (t.containerId) this.daemon.removeContainer(t.containerId, true);
      } catch {
        // gone already
      }
    }
    this.tasks.clear();
    for (const ctr of [...this.daemon.containers.values()]) {
      if (ctr.running && ctr.attachments.some((a) => this.daemon.networkById(a.networkId)?.scope === 'swarm')) {
        try {
          this.daemon.removeContainer(ctr.id, true);
        } catch {
          // ignore
        }
      }
    }
    this.teardownIngress();
    this.gossip?.stop();
    for (const nw of this.daemon.registry.list()) if (nw.scope === 'swarm') this.forgetNetwork(nw.id);
    const rec = c.nodes.get(this.nodeId);
    if (rec) {
      rec.left = this.role !== 'manager' ? rec.left : true;
      if (this.role === 'manager') c.nodes.delete(rec.id);
    }
    if (this.manager) {
      this.manager.stop();
      this.manager = undefined;
      if (c.managers().length === 0) this.sw.clusters.delete(c.id);
    }
    this.daemon.swarm = undefined;
    this.cluster = undefined;
    this.db = undefined;
    this.gossip = undefined;
    this.nodeId = '';
  }

  /**
   * The machine powers off: timers stop and connections vanish without a word on the wire (the NIC is down); the
   * tasks here die with it (the daemon's shutdown follows). The managers notice only by the missing heartbeats.
   */
  suspend(): void {
    if (!this.cluster || this.suspended) return;
    this.suspended = true;
    this.hbTimer?.cancel();
    this.reconnectTimer?.cancel();
    const conn = this.conn;
    this.conn = undefined;
    conn?.abort();
    this.gossip?.stop();
    this.wasManager = this.manager !== undefined;
    this.manager?.stop();
    this.manager = undefined;
    for (const t of this.tasks.values()) {
      t.stopping = true;
      if (!['complete', 'failed', 'rejected'].includes(t.state)) t.state = 'shutdown';
    }
    this.teardownIngress();
    for (const id of [...this.lbSboxes.keys()]) this.teardownLb(id);
  }

  /** Powered on (after the daemon started): the same member again — gossip, ingress, the agent's session. */
  resume(): void {
    const c = this.cluster;
    if (!c || !this.suspended) return;
    this.suspended = false;
    if (this.wasManager) {
      const w = this.sw.world;
      const mgr = new SwarmManager(c, { ns: this.ns, scheduler: w.scheduler, random: c.ids, admit: (r) => this.admit(c, r) });
      mgr.start();
      this.manager = mgr;
    }
    for (const [id, t] of [...this.tasks]) {
      if (t.containerId) this.taskOfContainer.delete(t.containerId);
      this.tasks.delete(id);
      // reported once the session is back: the task ended with the machine
      this.pendingStatuses.push({ taskId: t.a.id, state: t.state, containerId: t.containerId });
    }
    this.activate(c, this.nodeId, this.role, this.addr, this.leaderAddr);
  }

  private pendingStatuses: { taskId: string; state: TaskState; containerId: string }[] = [];

  // -------------------------------------------------------------------------------------------- agent

  private connectSession(): void {
    if (!this.cluster) return;
    let conn: FramedConnection;
    try {
      conn = new FramedConnection(this.ns.tcp.connect(this.leaderAddr, SWARM_PORT), false);
    } catch {
      this.reconnectTimer = this.sw.world.scheduler.schedule(2 * SECOND, () => this.connectSession());
      return;
    }
    conn.onOpen = () => {
      const statuses = [...this.pendingStatuses.splice(0), ...[...this.tasks.values()].map((t) => ({ taskId: t.a.id, state: t.state, containerId: t.containerId }))];
      conn.send({ t: 'session', nodeId: this.nodeId, statuses });
    };
    this.bindSession(conn);
  }

  private bindSession(conn: FramedConnection): void {
    this.conn = conn;
    conn.onMessage = (m) => this.onManagerMessage(m);
    conn.onClose = () => {
      if (this.conn !== conn) return;
      this.conn = undefined;
      this.hbTimer?.cancel();
      if (this.cluster) this.reconnectTimer = this.sw.world.scheduler.schedule(2 * SECOND, () => this.connectSession());
    };
    this.scheduleHeartbeat(HEARTBEAT_PERIOD);
  }

  private scheduleHeartbeat(period: Time): void {
    this.hbTimer?.cancel();
    this.hbTimer = this.sw.world.scheduler.schedule(period, () => {
      if (!this.conn || this.conn.isClosed) return;
      this.conn.send({ t: 'hb', nodeId: this.nodeId });
      this.scheduleHeartbeat(period);
    });
  }

  private report(t: LocalTask, state: TaskState, extra: { err?: string; message?: string; exitCode?: number } = {}): void {
    t.state = state;
    this.conn?.send({ t: 'status', taskId: t.a.id, state, containerId: t.containerId, ...extra });
  }

  private onManagerMessage(m: WireMessage): void {
    if (m.t !== 'assign') return;
    const list = (m.tasks as TaskAssignment[] | undefined) ?? [];
    const ids = new Set(list.map((a) => a.id));
    for (const a of list) {
      const have = this.tasks.get(a.id);
      if (!have) {
        if (a.desired !== 'running') continue;
        const t: LocalTask = { a, state: 'assigned', containerId: '', stopping: false };
        this.tasks.set(a.id, t);
        void this.runTask(t);
        continue;
      }
      have.a = a;
      if (a.desired !== 'running' && !have.stopping) void this.stopTask(have);
    }
    for (const [id, t] of [...this.tasks]) {
      if (ids.has(id)) continue;
      this.tasks.delete(id);
      t.stopping = true;
      if (t.containerId) {
        try {
          this.daemon.removeContainer(t.containerId, true);
        } catch {
          // already gone
        }
        this.taskOfContainer.delete(t.containerId);
      }
    }
  }

  private async runTask(t: LocalTask): Promise<void> {
    const a = t.a;
    this.report(t, 'accepted');
    this.report(t, 'preparing');
    const first = !this.pulled.has(a.image);
    this.pulled.add(a.image);
    await this.sleep(first ? PULL_DELAY : 100 * MILLISECOND);
    if (t.stopping || !this.tasks.has(a.id)) return;
    this.report(t, 'ready');
    this.report(t, 'starting');
    let c: Container;
    try {
      for (const n of a.networks) this.instantiate(n.network);
      const networks = new Map<string, EndpointConfig>();
      for (const n of a.networks) networks.set(n.network.id, { aliases: [...n.aliases], ipv4: n.addr.split('/')[0]! });
      const name = `${a.serviceName}.${a.slot === 0 ? a.nodeId : String(a.slot)}.${a.id}`;
      const labels: Record<string, string> = {
        ...a.labels,
        'com.docker.swarm.node.id': a.nodeId,
        'com.docker.swarm.service.id': a.serviceId,
        'com.docker.swarm.service.name': a.serviceName,
        'com.docker.swarm.task': '',
        'com.docker.swarm.task.id': a.id,
        'com.docker.swarm.task.name': name,
      };
      const hostPorts = a.ports.filter((p) => p.mode === 'host');
      const cfg: ContainerConfig = {
        name,
        image: a.image,
        cmd: a.args,
        env: a.env,
        ...(a.hostname ? { hostname: a.hostname } : {}),
        networkMode: a.networks[0]?.network.id ?? 'default',
        networks,
        labels,
        publish: hostPorts.map((p) => ({ hostIp: '', hostPort: p.published, containerPort: p.target, proto: p.protocol })),
      };
      this.creatingTask = true;
      try {
        c = this.daemon.createContainer(cfg);
      } finally {
        this.creatingTask = false;
      }
      t.containerId = c.id;
      this.taskOfContainer.set(c.id, a);
      await this.sleep(START_DELAY);
      if (t.stopping || !this.tasks.has(a.id)) {
        this.daemon.removeContainer(c.id, true);
        return;
      }
      await this.daemon.startContainer(c.id);
    } catch (e) {
      this.report(t, 'rejected', { err: e instanceof Error ? e.message : String(e) });
      return;
    }
    this.report(t, 'running', { message: 'started' });
    c.exitListeners.add((code) => {
      if (t.stopping || t.state !== 'running') return;
      if (code === 0) this.report(t, 'complete', { exitCode: 0, message: 'finished' });
      else this.report(t, 'failed', { exitCode: code, err: `task: non-zero exit (${code})`, message: 'started' });
    });
  }

  private async stopTask(t: LocalTask): Promise<void> {
    t.stopping = true;
    if (t.containerId) {
      try {
        await this.daemon.stopContainer(t.containerId, 10);
      } catch {
        // gone
      }
    }
    if (t.state === 'running' || t.state === 'starting') this.report(t, 'shutdown', { message: 'shutdown' });
    else if (!['complete', 'failed', 'rejected'].includes(t.state)) this.report(t, 'shutdown');
  }

  // ------------------------------------------------------------------------------------------ networks

  private info(rec: SwarmNetworkRecord): OverlayNetworkInfo {
    const opts = parseOverlayOptions(rec.options);
    return { id: rec.id, vni: rec.vni, subnet: rec.subnet, gateway: rec.gateway, encrypted: rec.encrypted, mtu: endpointMtu(opts) };
  }

  /** The swarm network in this daemon's table (created from the manager's record when missing). */
  instantiate(rec: SwarmNetworkRecord): Network {
    const have = this.daemon.registry.get(rec.id);
    if (have) return have;
    return this.daemon.registry.create({
      name: rec.name,
      driver: 'overlay',
      internal: rec.internal,
      attachable: rec.attachable,
      ingress: rec.ingress,
      ipam: { driver: 'default', config: [{ subnet: rec.subnet, gateway: rec.gateway }], options: {} },
      options: rec.options,
      labels: rec.labels,
      managed: { id: rec.id, vnis: [rec.vni] },
    });
  }

  /** Drops a swarm network from this daemon's table (its endpoints gone). */
  private forgetNetwork(id: string): void {
    this.teardownLb(id);
    const nw = this.daemon.registry.get(id);
    if (!nw) return;
    this.overlay.destroy(id);
    for (const ep of nw.endpointList()) nw.endpoints.delete(ep.id);
    try {
      this.daemon.registry.remove(id);
    } catch {
      // predefined or still in use
    }
  }

  /** Workers keep a swarm network only while something here uses it. */
  private maybeForget(id: string): void {
    const rec = this.cluster?.networks.get(id);
    const nw = this.daemon.registry.get(id);
    const wanted = [...this.tasks.values()].some((t) => !t.stopping && t.a.networks.some((n) => n.network.id === id));
    // the lb-<net> sandbox goes with the node's last other endpoint on the network (libnetwork network.delete), on
    // managers too, although their copy of the network stays here
    const lb = this.lbSboxes.get(id);
    if (lb && nw && !wanted && nw.endpointList().every((e) => e.id === lb.endpointId)) this.teardownLb(id);
    if (this.role === 'manager' && rec) return;
    if (rec?.ingress) return;
    if (!nw || nw.endpoints.size > 0) return;
    if (wanted) return;
    this.forgetNetwork(id);
  }

  private networkChanged(networkId: string): void {
    const db = this.db;
    if (!db) return;
    const recs = db.byNetwork(networkId);
    this.overlay.setPeers(networkId, recs.map((r) => ({ ip: r.ip.split('/')[0]!, mac: r.mac, vtep: r.vtep })), this.cluster?.key);
    for (const lb of this.lbs.values()) lb.sync(networkId, recs);
    this.lbSboxes.get(networkId)?.lb.sync(networkId, recs);
    const ingress = this.cluster?.ingressNetwork();
    if (ingress && networkId === ingress.id && this.ingressSbox) {
      this.ingressSbox.lb.sync(networkId, recs);
      this.syncIngressPorts(recs);
    }
  }

  // ---------------------------------------------------------------------------------- docker_gwbridge

  private ensureGwbridge(): Network {
    const d = this.daemon;
    const have = d.registry.byName('docker_gwbridge');
    if (have) return have;
    return d.createNetwork({
      name: 'docker_gwbridge',
      driver: 'bridge',
      options: { 'com.docker.network.bridge.name': 'docker_gwbridge', 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
      checkDuplicate: true,
    });
  }

  // ------------------------------------------------------------------------------------------ ingress

  private fw(): ReturnType<typeof enableNetfilter> {
    return this.daemon.firewall.fw;
  }

  private setupIngress(): void {
    const c = this.cluster!;
    const ingress = c.ingressNetwork();
    const me = c.nodes.get(this.nodeId);
    if (!ingress || !me) return;
    const nw = this.instantiate(ingress);
    const gw = this.ensureGwbridge();
    // a node that powered off and on again gets a fresh sandbox (the old one went with the machine)
    const key = `ingress_sbox${this.ingressGen++ === 0 ? '' : `@${this.ingressGen}`}`;
    // eth0 on ingress
    const { ns, ep, sandboxVeth } = this.overlaySandbox(ingress, nw, key, { name: 'ingress-endpoint', key: 'ingress-sbox' }, me.ingressIp);
    ns.sysctl.ipForward = true;
    // eth1 on docker_gwbridge
    const gep = this.daemon.registry.createEndpoint(gw, { name: 'gateway_ingress-sbox', key: 'ingress-sbox' });
    const br = this.daemon.bridgeOf(gw)!;
    let hname = vethName(this.sw.world.random.fork(`ingress-veth:${this.node.name}@${this.now}`));
    while (this.ns.hasDevice(hname)) hname = `${hname.slice(0, 10)}x`;
    this.sw.world.lab.vethPair(ns, 'eth1', this.ns, hname, { macA: gep.mac, macB: kernelRandomMac(this.sw.world.random.fork(`gwmac:${this.node.name}`)), master: br });
    const gwIp = formatIpv4(gep.ipv4!.address);
    ns.addAddress('eth1', `${gwIp}/${gep.ipv4!.prefixLength}`);
    ns.addRoute('default', { via: formatAddr(gw.ipv4[0]!.gateway!), dev: 'eth1' });
    const lb = new LbSandbox(enableNetfilter(ns, { ipvs: true }), 'ingress', (k) => this.mark(k));
    lb.addNetwork(ingress.id, ingress.subnet, me.ingressIp);
    this.ingressSbox = { ns, lb, gwIp, ingressIp: me.ingressIp, veth: sandboxVeth, hostVeth: hname };
    // host: DOCKER-INGRESS (nat and filter), masquerade of local clients into docker_gwbridge
    const fw = this.fw();
    const v28 = this.daemon.firewall.layout === 'v28';
    for (const line of [
      '-t nat -N DOCKER-INGRESS',
      '-t nat -I PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS',
      '-t nat -I OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS',
      '-t nat -A DOCKER-INGRESS -j RETURN',
      '-t nat -I POSTROUTING -m addrtype --src-type LOCAL -o docker_gwbridge -j MASQUERADE',
      '-N DOCKER-INGRESS',
      v28 ? '-I DOCKER-FORWARD -j DOCKER-INGRESS' : '-I FORWARD -j DOCKER-INGRESS',
      '-A DOCKER-INGRESS -j RETURN',
    ]) {
      const r = fw.iptables(line);
      if (r.exitCode !== 0) this.daemon.firewall.errors.push(`iptables ${line}: ${r.stderr.trim()}`);
    }
    this.gossip?.publish('add', {
      networkId: ingress.id,
      endpointId: ep.id,
      nodeId: this.nodeId,
      vtep: this.addr,
      name: 'ingress-endpoint',
      ip: me.ingressIp,
      mac: macText(ep.mac),
      aliases: [],
      anonymous: true,
    });
  }

  /**
   * A load-balancer sandbox's namespace `<node>/<key>` with its one endpoint `eth0` on the overlay at `ip`: the
   * common part of ingress-sbox and of the per-overlay lb-<net> sandboxes (libnetwork createLoadBalancerSandbox).
   */
  private overlaySandbox(rec: SwarmNetworkRecord, nw: Network, key: string, ep: { name: string; key: string; anonymous?: boolean }, ip: string): { ns: NetNamespace; ep: Endpoint; sandboxVeth: string } {
    const ns = this.sw.world.lab.namespace(`${this.node.name}/${key}`, { kernel: this.node.name });
    const e = this.daemon.registry.createEndpoint(nw, { name: ep.name, key: ep.key, ipv4: ip, ...(ep.anonymous === true ? { anonymous: true } : {}) });
    const { sandboxVeth } = this.overlay.attach(this.info(rec), ns, 'eth0', macText(e.mac), `${ip}/${rec.subnet.split('/')[1]!}`);
    return { ns, ep: e, sandboxVeth };
  }

  private teardownIngress(): void {
    const sb = this.ingressSbox;
    if (!sb) return;
    for (const k of [...this.ingressPorts]) this.ingressPortRules(k, false);
    const ingress = this.cluster?.ingressNetwork();
    if (ingress) this.overlay.detach(ingress.id, sb.veth);
    if (this.ns.hasDevice(sb.hostVeth)) this.ns.removeDevice(sb.hostVeth);
    const gw = this.daemon.registry.byName('docker_gwbridge');
    if (gw) for (const ep of gw.endpointList()) if (ep.key === 'ingress-sbox') this.daemon.registry.deleteEndpoint(gw, ep.id);
    this.ingressSbox = undefined;
  }

  // ------------------------------------------------------------------------- lb-<net> (engines ≥18.06)

  /**
   * The node's lb-<net> sandbox, made when the node first joins the network (a task or an attachable container;
   * §6.5 lazy instantiation), modelled on ingress-sbox. Its LB IP is a node attachment the manager allocates from the
   * network's IPAM (§6.5). The document fixes no moment for that allocation, only a sample (§9.2: a task at .3, the
   * lb endpoint at .5); the emulator allocates it at the node's first join, right after the joining endpoint's own
   * address (a task's came with the task, an attachable container's just before) — the simplest rule that fits the
   * sample (VIP .2, two tasks .3 and .4, then the nodes' lb endpoints in the order they join).
   */
  private ensureLbSandbox(rec: SwarmNetworkRecord, nw: Network): void {
    const cl = this.cluster;
    if (!cl || rec.ingress || !this.daemon.behaviour.lbSandbox || this.lbSboxes.has(rec.id)) return;
    const cidr = cl.allocateAddress(rec.id);
    const ip = cidr.split('/')[0]!;
    const gen = this.lbGen.get(rec.id) ?? 0;
    this.lbGen.set(rec.id, gen + 1);
    // sandbox ID lb_<nid> (§1: its netns name is 12 characters, lb_ + 9 of the network ID)
    const key = `lb_${rec.id.slice(0, 9)}${gen === 0 ? '' : `@${gen + 1}`}`;
    const name = `${rec.name}-endpoint`;
    const { ns, ep, sandboxVeth } = this.overlaySandbox(rec, nw, key, { name, key: `lb-${rec.name}`, anonymous: true }, ip);
    // as in ingress-sbox: a backend's reply, de-SNATed back to the client's address, is forwarded (IPVS restores the
    // VIP as its source on the way), which needs ip_forward in this namespace
    ns.sysctl.ipForward = true;
    const lb = new LbSandbox(enableNetfilter(ns, { ipvs: true }), 'lb', (k) => this.mark(k), false, {
      add: (vip) => {
        if (ns.hasDevice('eth0')) ns.addAddress('eth0', `${vip}/32`);
      },
      del: (vip) => {
        if (ns.addresses.some((a) => a.dev.name === 'eth0' && formatIpv4(a.address) === vip)) ns.delAddress('eth0', `${vip}/32`);
      },
    });
    lb.addNetwork(rec.id, rec.subnet, ip);
    // gossiped like ingress-endpoint: the other nodes learn where the LB IP lives (their tasks answer it), no DNS name
    const record: EndpointRecord = { networkId: rec.id, endpointId: ep.id, nodeId: this.nodeId, vtep: this.addr, name, ip, mac: macText(ep.mac), aliases: [], anonymous: true };
    this.lbSboxes.set(rec.id, { ns, lb, cidr, endpointId: ep.id, veth: sandboxVeth, record });
    this.gossip?.publish('add', record);
    lb.sync(rec.id, this.db?.byNetwork(rec.id) ?? []);
    for (const e of lb.errors) this.daemon.firewall.errors.push(`lb-${rec.name}: ${e}`);
  }

  /** The lb-<net> sandbox goes (libnetwork deleteLoadBalancerSandbox, with the network's last other endpoint). */
  private teardownLb(networkId: string): void {
    const sb = this.lbSboxes.get(networkId);
    if (!sb) return;
    this.lbSboxes.delete(networkId);
    sb.lb.removeNetwork(networkId);
    this.overlay.detach(networkId, sb.veth);
    const nw = this.daemon.registry.get(networkId);
    if (nw?.endpoints.has(sb.endpointId)) this.daemon.registry.deleteEndpoint(nw, sb.endpointId);
    this.gossip?.publish('del', sb.record);
    this.cluster?.releaseAddress(networkId, sb.cidr);
  }

  private syncIngressPorts(recs: readonly EndpointRecord[]): void {
    const want = new Set<string>();
    for (const r of recs) for (const p of r.ingressPorts ?? []) if (p.mode === 'ingress') want.add(`${p.protocol}/${p.published}`);
    for (const k of [...this.ingressPorts]) if (!want.has(k)) this.ingressPortRules(k, false);
    for (const k of want) if (!this.ingressPorts.has(k)) this.ingressPortRules(k, true);
  }

  private ingressPortRules(k: string, add: boolean): void {
    const sb = this.ingressSbox;
    if (!sb) return;
    const [proto, port] = k.split('/') as [string, string];
    const fw = this.fw();
    const lines = [
      `-t nat ${add ? '-I' : '-D'} DOCKER-INGRESS -p ${proto} -m ${proto} --dport ${port} -j DNAT --to-destination ${sb.gwIp}:${port}`,
      `${add ? '-I' : '-D'} DOCKER-INGRESS -m state --state RELATED,ESTABLISHED -p ${proto} -m ${proto} --sport ${port} -j ACCEPT`,
      `${add ? '-I' : '-D'} DOCKER-INGRESS -p ${proto} -m ${proto} --dport ${port} -j ACCEPT`,
    ];
    for (const l of lines) {
      const r = fw.iptables(l);
      if (r.exitCode !== 0) this.daemon.firewall.errors.push(`iptables ${l}: ${r.stderr.trim()}`);
    }
    if (add) this.ingressPorts.add(k);
    else this.ingressPorts.delete(k);
  }

  private mark(key: string): number {
    let m = this.marks.get(key);
    if (m === undefined) {
      m = this.nextMark++;
      this.marks.set(key, m);
    }
    return m;
  }

  // ------------------------------------------------------------------------------------------ hooks

  createNetwork(req: CreateNetworkRequest): Network | undefined {
    const driver = req.driver === undefined || req.driver === '' ? 'bridge' : req.driver;
    if (driver !== 'overlay' && req.scope !== 'swarm') return undefined;
    if (this.role !== 'manager') throw forbidden('Cannot create a multi-host network from a worker node. Please create the network from a manager node.');
    const c = this.cluster!;
    if (PREDEFINED.includes(req.name)) throw forbidden(`operation is not permitted on predefined ${req.name} network `);
    const local = this.daemon.registry.byName(req.name);
    if (local) throw conflictName(req.name);
    parseOverlayOptions(req.options ?? {});
    const cfg = req.ipam?.config?.[0];
    const rec = c.addNetwork(
      {
        name: req.name,
        ...(cfg?.subnet ? { subnet: cfg.subnet } : {}),
        ...(cfg?.gateway ? { gateway: cfg.gateway } : {}),
        attachable: req.attachable ?? false,
        internal: req.internal ?? false,
        ingress: req.ingress ?? false,
        options: { ...(req.options ?? {}) },
        labels: { ...(req.labels ?? {}) },
      },
      this.now,
    );
    for (const m of this.sw.members(c)) if (m.role === 'manager') m.instantiate(rec);
    if (rec.ingress) for (const m of this.sw.members(c)) if (m.role !== 'manager') m.instantiate(rec);
    return this.daemon.registry.get(rec.id)!;
  }

  removeNetwork(nw: Network): boolean {
    const c = this.cluster;
    const rec = c?.networks.get(nw.id);
    if (!c || !rec) return false;
    if (this.role !== 'manager') throw forbidden(`network ${nw.name} is a swarm network and can only be removed from a manager node`);
    const inUse = (this.db?.byNetwork(rec.id) ?? []).find((r) => !r.anonymous && r.serviceId === undefined);
    if (inUse) throw forbidden(`rpc error: code = FailedPrecondition desc = network ${rec.id} is in use by task ${inUse.endpointId.slice(0, 25)}`);
    c.removeNetworkRecord(rec);
    for (const m of this.sw.members(c)) {
      const local = m.daemon.registry.get(rec.id);
      if (local && [...local.endpoints.values()].every((e) => e.key === 'ingress-sbox' || e.key === `lb-${rec.name}`)) m.forgetNetwork(rec.id);
    }
    return true;
  }

  prepareNetwork(term: string): void {
    const c = this.cluster;
    if (!c || this.creatingTask) return;
    let local: Network | undefined;
    try {
      local = this.daemon.registry.find(term, 'daemon');
    } catch {
      local = undefined;
    }
    if (local && local.scope !== 'swarm') return;
    const rec = local ? c.networks.get(local.id) : c.findNetwork(term);
    if (!rec) return;
    if (!rec.attachable) throw forbidden(`Could not attach to network ${term}: rpc error: code = PermissionDenied desc = network ${term} not manually attachable`);
    this.instantiate(rec);
  }

  endpointConfig(c: Container, nw: Network, ec: EndpointConfig): EndpointConfig {
    if (this.taskOfContainer.has(c.id) || nw.ingress) return ec;
    const cl = this.cluster;
    if (!cl || !cl.networks.has(nw.id)) return ec;
    const addr = cl.allocateAddress(nw.id, ec.ipv4);
    return { ...ec, ipv4: addr.split('/')[0]! };
  }

  plumb(c: Container, nw: Network, ep: Endpoint, ec: EndpointConfig, ifname: string): Attachment {
    const cl = this.cluster!;
    const rec = cl.networks.get(nw.id)!;
    const cidr = `${formatIpv4(ep.ipv4!.address)}/${ep.ipv4!.prefixLength}`;
    const { dev, sandboxVeth } = this.overlay.attach(this.info(rec), c.machine.ns, ifname, macText(ep.mac), cidr);
    const task = this.taskOfContainer.get(c.id);
    const tn = task?.networks.find((n) => n.network.id === nw.id);
    const record: EndpointRecord = {
      networkId: nw.id,
      endpointId: ep.id,
      nodeId: this.nodeId,
      vtep: this.addr,
      name: c.name,
      ip: formatIpv4(ep.ipv4!.address),
      mac: macText(ep.mac),
      aliases: task ? [...(tn?.aliases ?? [])] : [...ec.aliases],
      ...(task
        ? {
            serviceName: task.serviceName,
            serviceId: task.serviceId,
            endpointMode: task.endpointMode,
            ...(tn?.vip ? { vip: tn.vip } : {}),
            ...(nw.ingress ? { ingressPorts: task.ports.filter((p) => p.mode === 'ingress') } : {}),
          }
        : {}),
    };
    this.plumbed.set(`${c.id}/${nw.id}`, { networkId: nw.id, sandboxVeth, record, ...(task ? {} : { attachable: `${formatIpv4(ep.ipv4!.address)}/${ep.ipv4!.prefixLength}` }) });
    this.overlay.setPeers(nw.id, (this.db?.byNetwork(nw.id) ?? []).map((r) => ({ ip: r.ip, mac: r.mac, vtep: r.vtep })), cl.key);
    this.gossip?.publish('add', record);
    this.ensureLbSandbox(rec, nw);
    return { networkId: nw.id, endpoint: ep, config: ec, ifname, hostVeth: dev };
  }

  sandboxJoined(c: Container): void {
    const d = this.daemon;
    const swarmAtts = c.attachments.filter((a) => d.networkById(a.networkId)?.scope === 'swarm');
    if (swarmAtts.length === 0) return;
    const needGw = swarmAtts.some((a) => !d.networkById(a.networkId)!.internal && !d.networkById(a.networkId)!.ingress) || swarmAtts.every((a) => d.networkById(a.networkId)!.ingress);
    const hasGw = c.attachments.some((a) => d.networkById(a.networkId)?.driver === 'bridge');
    if (needGw && !hasGw) {
      const gw = this.ensureGwbridge();
      d.join(c, gw, { aliases: [] }, `gateway_${c.id.slice(0, 12)}`);
    }
    const task = this.taskOfContainer.get(c.id);
    const fw = enableNetfilter(c.machine.ns, { ipvs: true });
    // ingress: the published port is redirected to the target port on the task's ingress address
    const ingress = this.cluster?.ingressNetwork();
    if (task && ingress) {
      const att = c.attachments.find((a) => a.networkId === ingress.id);
      if (att?.endpoint.ipv4) {
        for (const p of task.ports.filter((x) => x.mode === 'ingress')) {
          fw.iptables(`-t nat -A PREROUTING -d ${formatIpv4(att.endpoint.ipv4.address)}/32 -p ${p.protocol} -m ${p.protocol} --dport ${p.published} -j REDIRECT --to-ports ${p.target}`);
        }
      }
    }
    if (task) this.addTaskVips(c, task);
    // 18.06+: east-west load balancing happens in the node's lb-<net> sandboxes, nothing in the container
    if (d.behaviour.lbSandbox) return;
    // before: in the container itself, on each swarm network (not ingress)
    let lb = this.lbs.get(c.id);
    if (!lb) {
      lb = new LbSandbox(fw, 'container', (k) => this.mark(k), d.behaviour.vipPingDnat);
      this.lbs.set(c.id, lb);
    }
    for (const a of swarmAtts) {
      const nw = d.networkById(a.networkId)!;
      if (nw.ingress || !a.endpoint.ipv4) continue;
      const rec = this.cluster?.networks.get(nw.id);
      if (!rec) continue;
      lb.addNetwork(nw.id, rec.subnet, formatIpv4(a.endpoint.ipv4.address));
      lb.sync(nw.id, this.db?.byNetwork(nw.id) ?? []);
    }
  }

  /**
   * Before 18.06 a task holds its own service's VIP on every network it is on, as a /32 (libnetwork
   * populateNetworkResources): on that network's interface (1.12–17.07), then on lo (17.09–18.05); the ingress VIP
   * included. Held locally, the VIP answers ARP (arp_ignore 0) and ICMP like any address of the task.
   */
  private addTaskVips(c: Container, task: TaskAssignment): void {
    const where = this.daemon.behaviour.taskVipAddress;
    if (where === 'none' || task.endpointMode !== 'vip') return;
    for (const tn of task.networks) {
      const att = c.attachments.find((x) => x.networkId === tn.network.id);
      if (!tn.vip || !att?.ifname) continue;
      const dev = where === 'lo' ? 'lo' : att.ifname;
      const vip = tn.vip.split('/')[0]!;
      if (!c.machine.ns.addresses.some((x) => x.dev.name === dev && formatIpv4(x.address) === vip)) c.machine.ns.addAddress(dev, `${vip}/32`);
    }
  }

  /** releaseOSSboxResources: the task's VIP leaves with its endpoint. */
  private removeTaskVip(c: Container, nw: Network, a: Attachment): void {
    const task = this.taskOfContainer.get(c.id);
    const vip = task?.networks.find((n) => n.network.id === nw.id)?.vip?.split('/')[0];
    const where = this.daemon.behaviour.taskVipAddress;
    if (vip === undefined || where === 'none' || !a.ifname) return;
    const dev = where === 'lo' ? 'lo' : a.ifname;
    if (c.machine.ns.addresses.some((x) => x.dev.name === dev && formatIpv4(x.address) === vip)) c.machine.ns.delAddress(dev, `${vip}/32`);
  }

  leaving(c: Container, nw: Network, a: Attachment): void {
    const key = `${c.id}/${nw.id}`;
    const p = this.plumbed.get(key);
    this.removeTaskVip(c, nw, a);
    this.lbs.get(c.id)?.removeNetwork(nw.id);
    if (c.attachments.filter((x) => this.daemon.networkById(x.networkId)?.scope === 'swarm').length <= 1) this.lbs.delete(c.id);
    if (!p) return;
    this.plumbed.delete(key);
    this.gossip?.publish('del', p.record);
    this.overlay.detach(nw.id, p.sandboxVeth);
    if (p.attachable) this.cluster?.releaseAddress(nw.id, p.attachable);
    // the daemon deletes the endpoint right after; a worker then drops the network if nothing else uses it
    this.sw.world.scheduler.schedule(0, () => this.maybeForget(nw.id));
  }

  lookup(_c: Container, nw: Network, name: string, family: 4 | 6): string[] | undefined {
    if (nw.ingress || !this.db) return undefined;
    const recs = this.db.byNetwork(nw.id).filter((r) => !r.anonymous);
    const n = name.toLowerCase();
    const ips = (list: readonly EndpointRecord[]): string[] => (family === 6 ? [] : [...new Set(list.map((r) => r.ip))]);
    const direct = recs.filter((r) => r.name.toLowerCase() === n || (r.serviceId === undefined && r.aliases.some((x) => x.toLowerCase() === n)) || r.endpointId.slice(0, 12) === n);
    if (direct.length > 0) return ips(direct);
    const services = new Map<string, EndpointRecord[]>();
    for (const r of recs) if (r.serviceId !== undefined) services.set(r.serviceId, [...(services.get(r.serviceId) ?? []), r]);
    for (const list of services.values()) {
      const first = list[0]!;
      const names = [first.serviceName ?? '', ...first.aliases].map((x) => x.toLowerCase());
      if (names.includes(n)) {
        if (first.endpointMode === 'dnsrr' || first.vip === undefined) return ips(list);
        return family === 6 ? [] : [first.vip.split('/')[0]!];
      }
      if (names.some((x) => `tasks.${x}` === n)) return ips(list);
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------ views

  /** A service's tasks running here (tests). */
  localTasks(): TaskAssignment[] {
    return [...this.tasks.values()].map((t) => t.a);
  }

  sessionOpen(): boolean {
    return this.conn !== undefined && !this.conn.isClosed && this.conn.open;
  }
}

const PREDEFINED = ['bridge', 'host', 'none', 'default'];

function conflictName(name: string): DockerError {
  return new DockerError(`network with name ${name} already exists`, 'conflict');
}

function macText(mac: number): string {
  return formatMac(mac);
}
