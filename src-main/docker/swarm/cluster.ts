// A swarm as its managers keep it (swarmkit's raft store, shared by the managers of one swarm: the lab does not
// replicate it message by message) and the leader's loops over it:
//   allocator    networks (subnet from 10.0.0.0/8 by /24, gateway, VNI from 4096 — ingress first), service VIPs,
//                task and node-attachment addresses, all serial ("next after last"), published ports from 30000;
//   orchestrator replicated (slots 1..N) and global (one per eligible node) services: missing tasks created, extra
//                ones shut down, failed ones restarted after the restart delay, tasks of Down or drained nodes
//                replaced, rolling updates one slot at a time;
//   scheduler    pending tasks to the eligible node with the fewest tasks of the service, then fewest tasks overall
//                (swarmkit nodeLess), constraints node.role / node.hostname / node.id / node.ip / node.labels.*;
//   dispatcher   (SwarmManager, on the leader's node) the sessions of the agents over TCP 2377: joins, heartbeats
//                (period 5 s; a node is Down after 3 periods without one, swarmkit's GracePeriodMultiplier),
//                assignments down, task status up.

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { TcpListener } from '../../net/tcp/stack.ts';
import type { Random } from '../../sim/random.ts';
import type { EventHandle, Scheduler } from '../../sim/scheduler.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { conflict, DockerError, forbidden, invalidParameter, notFound } from '../errors.ts';
import { generateSwarmId, joinToken, swarmCaDigest, randomBytes } from '../ids.ts';
import { allocateNetworkPools, Ipam, releaseNetworkPools, type IpamInfo } from '../ipam.ts';
import { formatAddr, formatPrefix } from '../prefix.ts';
import { engineBehaviour } from '../version.ts';
import { VniAllocator } from '../vni.ts';
import type { OverlayKey } from '../daemon/overlay.ts';
import { FramedConnection, type WireMessage } from './wire.ts';
import type { PortConfig, ServiceRecord, ServiceSpec, SwarmNetworkRecord, SwarmNodeRecord, TaskAssignment, TaskRecord, TaskState } from './types.ts';
import { stateRank } from './types.ts';

export const SWARM_PORT = 2377;
export const HEARTBEAT_PERIOD: Time = 5 * SECOND;
export const GRACE_MULTIPLIER = 3;
/** Task history kept per slot (swarm init --task-history-limit, default 5). */
export const TASK_HISTORY_LIMIT = 5;
const RECONCILE_DELAY: Time = 50 * MILLISECOND;

const TERMINAL: ReadonlySet<TaskState> = new Set(['complete', 'shutdown', 'failed', 'rejected', 'remove', 'orphaned']);

export function isTerminal(s: TaskState): boolean {
  return TERMINAL.has(s);
}

export class SwarmCluster {
  readonly id: string;
  readonly caDigest: string;
  workerToken: string;
  managerToken: string;
  readonly nodes = new Map<string, SwarmNodeRecord>();
  readonly networks = new Map<string, SwarmNetworkRecord>();
  readonly services = new Map<string, ServiceRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly ipam = new Ipam({ behaviour: engineBehaviour() });
  readonly pools = new Map<string, IpamInfo[]>();
  readonly vnis = new VniAllocator();
  readonly ports = new Map<string, string>();
  readonly key: OverlayKey;
  leaderId = '';
  manager: SwarmManager | undefined;
  private nextPort = 30000;
  /** Called when anything changed (the leader reconciles). */
  onChange: (() => void) | undefined;

  constructor(
    readonly ids: Random,
    readonly created: Time,
  ) {
    this.id = generateSwarmId(ids);
    this.caDigest = swarmCaDigest(ids);
    this.workerToken = joinToken(ids, this.caDigest);
    this.managerToken = joinToken(ids, this.caDigest);
    this.key = { key: randomBytes(ids, 16), tag: ids.int(1, 0x7fffffff) };
  }

  newId(): string {
    return generateSwarmId(this.ids);
  }

  // ------------------------------------------------------------------------------------------- networks

  /** Allocates a swarm overlay (manager's ovmanager + cnmallocator). Throws Docker's errors. */
  addNetwork(o: { name: string; subnet?: string; gateway?: string; attachable?: boolean; internal?: boolean; ingress?: boolean; options?: Record<string, string>; labels?: Record<string, string> }, now: Time): SwarmNetworkRecord {
    for (const n of this.networks.values()) {
      if (n.name === o.name) throw conflict(`network with name ${o.name} already exists`);
      if (o.ingress && n.ingress) throw conflict(`rpc error: code = AlreadyExists desc = ingress network (${n.id}) is already present`);
    }
    if (o.ingress && o.attachable) throw invalidParameter('rpc error: code = InvalidArgument desc = ingress network cannot be attachable');
    const id = this.newId();
    const cfg = o.subnet ? [{ subnet: o.subnet, ...(o.gateway ? { gateway: o.gateway } : {}) }] : [];
    const pools = allocateNetworkPools(this.ipam, { name: o.name, space: 'GlobalDefault', family: 4, configs: cfg, serial: true });
    const info = pools[0]!;
    const opts = o.options ?? {};
    let vni: number;
    const fixed = opts['com.docker.network.driver.overlay.vxlanid_list'];
    if (fixed !== undefined) {
      vni = Number(fixed.split(',')[0]);
      this.vnis.reserve(vni);
    } else vni = this.vnis.allocate();
    const rec: SwarmNetworkRecord = {
      id,
      name: o.name,
      subnet: formatPrefix(info.pool.subnet),
      gateway: info.gateway ? formatAddr(info.gateway) : '',
      vni,
      attachable: o.attachable ?? false,
      internal: o.internal ?? false,
      ingress: o.ingress ?? false,
      encrypted: opts.encrypted !== undefined,
      options: opts,
      labels: o.labels ?? {},
      created: now,
      userSubnet: o.subnet !== undefined,
    };
    this.networks.set(id, rec);
    this.pools.set(id, pools);
    return rec;
  }

  removeNetworkRecord(nw: SwarmNetworkRecord): void {
    if (nw.ingress) {
      for (const s of this.services.values()) if (s.spec.ports.some((p) => p.mode === 'ingress')) throw forbidden(`rpc error: code = FailedPrecondition desc = ingress network cannot be removed because service ${s.id} depends on it`);
    }
    for (const s of this.services.values()) {
      if (s.networkIds.includes(nw.id)) throw forbidden(`rpc error: code = FailedPrecondition desc = network ${nw.id} is in use by service ${s.id}`);
    }
    releaseNetworkPools(this.ipam, this.pools.get(nw.id) ?? []);
    this.pools.delete(nw.id);
    this.vnis.release(nw.vni);
    this.networks.delete(nw.id);
  }

  ingressNetwork(): SwarmNetworkRecord | undefined {
    return [...this.networks.values()].find((n) => n.ingress);
  }

  findNetwork(term: string): SwarmNetworkRecord | undefined {
    const list = [...this.networks.values()];
    return list.find((n) => n.id === term) ?? list.find((n) => n.name === term) ?? list.find((n) => n.id.startsWith(term));
  }

  /** The next serial address of a network ("10.0.1.5/24"). */
  allocateAddress(networkId: string, preferred?: string): string {
    const info = this.pools.get(networkId)?.[0];
    if (!info) throw notFound(`network ${networkId} not found`);
    const pref = preferred ? { family: 4 as const, value: BigInt(preferred.split('.').reduce((a, b) => a * 256 + Number(b), 0)) } : undefined;
    const a = this.ipam.requestAddress(info.pool, pref, true);
    return `${formatAddr(a)}/${info.pool.subnet.bits}`;
  }

  releaseAddress(networkId: string, cidr: string): void {
    const info = this.pools.get(networkId)?.[0];
    if (!info) return;
    const ip = cidr.split('/')[0]!;
    try {
      this.ipam.releaseAddress(info.pool, { family: 4, value: BigInt(ip.split('.').reduce((a, b) => a * 256 + Number(b), 0)) });
    } catch {
      // already released
    }
  }

  // ---------------------------------------------------------------------------------------------- ports

  /**
   * Reserves the published ports of a service (ingress or host mode) and returns them as the service's Endpoint
   * shows them: an ingress port given without a published port gets one from 30000 up (swarmkit's port allocator),
   * kept across updates for the same target; the spec keeps 0, as Docker's does. Host-mode ports stay 0.
   */
  reservePorts(serviceId: string, serviceName: string, ports: readonly PortConfig[], before: readonly PortConfig[] = []): PortConfig[] {
    const taken: string[] = [];
    const out: PortConfig[] = [];
    try {
      for (const p of ports) {
        let published = p.published;
        if (published === 0 && p.mode === 'ingress') {
          const kept = before.find((o) => o.mode === 'ingress' && o.target === p.target && o.protocol === p.protocol && o.published !== 0 && !taken.includes(`${o.protocol}/${o.published}`) && (this.ports.get(`${o.protocol}/${o.published}`) ?? serviceId) === serviceId);
          if (kept) published = kept.published;
          else {
            while (this.ports.has(`${p.protocol}/${this.nextPort}`) || taken.includes(`${p.protocol}/${this.nextPort}`)) this.nextPort++;
            published = this.nextPort++;
          }
        }
        out.push({ ...p, published });
        if (published === 0) continue;
        const k = `${p.protocol}/${published}`;
        const owner = this.ports.get(k);
        if (owner !== undefined && owner !== serviceId) {
          const o = this.services.get(owner);
          throw invalidParameter(`port '${published}' is already in use by service '${o?.spec.name ?? owner}' (${owner}) as ${p.mode === 'host' ? 'a host-published port' : 'an ingress port'}`);
        }
        this.ports.set(k, serviceId);
        taken.push(k);
      }
    } catch (e) {
      for (const k of taken) if (this.ports.get(k) === serviceId) this.ports.delete(k);
      throw e;
    }
    return out;
  }

  releasePorts(serviceId: string): void {
    for (const [k, v] of [...this.ports]) if (v === serviceId) this.ports.delete(k);
  }

  // ---------------------------------------------------------------------------------------------- views

  nodeByHostname(h: string): SwarmNodeRecord | undefined {
    return [...this.nodes.values()].find((n) => n.hostname === h && !n.left);
  }

  findNode(term: string): SwarmNodeRecord {
    if (term === '') throw notFound(`node  not found`);
    const list = [...this.nodes.values()];
    const exact = list.find((n) => n.id === term);
    if (exact) return exact;
    const byName = list.filter((n) => n.hostname === term);
    if (byName.length === 1) return byName[0]!;
    const byPrefix = list.filter((n) => n.id.startsWith(term));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byName.length > 1 || byPrefix.length > 1) throw invalidParameter(`node ${term} is ambiguous (${Math.max(byName.length, byPrefix.length)} matches found)`);
    throw notFound(`node ${term} not found`);
  }

  findService(term: string): ServiceRecord {
    const list = [...this.services.values()];
    const s = list.find((x) => x.id === term) ?? list.find((x) => x.spec.name === term) ?? list.filter((x) => x.id.startsWith(term)).at(0);
    if (!s) throw notFound(`service ${term} not found`);
    return s;
  }

  tasksOf(serviceId: string): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => t.serviceId === serviceId);
  }

  managers(): SwarmNodeRecord[] {
    return [...this.nodes.values()].filter((n) => n.role === 'manager' && !n.left);
  }

  /** The assignment of a task for its node's agent. */
  assignment(t: TaskRecord): TaskAssignment | undefined {
    const s = this.services.get(t.serviceId);
    if (!s || t.nodeId === undefined) return undefined;
    const spec = s.spec;
    const nets = t.networks.map((a) => {
      const nw = this.networks.get(a.networkId)!;
      const sn = spec.networks.find((x) => this.findNetwork(x.target)?.id === a.networkId);
      const vip = s.vips.find((v) => v.networkId === a.networkId)?.addr;
      return { network: nw, addr: a.addr, aliases: sn?.aliases ?? [], ...(vip ? { vip } : {}) };
    });
    return {
      id: t.id,
      serviceId: s.id,
      serviceName: spec.name,
      slot: t.slot,
      nodeId: t.nodeId,
      desired: t.desired,
      image: spec.image,
      args: spec.args,
      env: spec.env,
      labels: spec.containerLabels,
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      endpointMode: spec.endpointMode,
      networks: nets,
      ports: s.ports,
    };
  }
}

// ------------------------------------------------------------------------------------------------ constraints

/** swarmkit constraint.Parse + Match over a node: `key==value` / `key!=value`. */
export function parseConstraint(c: string): { key: string; op: '==' | '!='; value: string } {
  const m = /^\s*([^=!\s]+)\s*(==|!=)\s*(.+?)\s*$/.exec(c);
  if (!m) throw invalidParameter(`rpc error: code = InvalidArgument desc = constraint expected one operator from ==, !=`);
  return { key: m[1]!.toLowerCase(), op: m[2] as '==' | '!=', value: m[3]! };
}

export function nodeMatches(n: SwarmNodeRecord, constraints: readonly string[]): boolean {
  for (const c of constraints) {
    const { key, op, value } = parseConstraint(c);
    let actual: string | undefined;
    if (key === 'node.id') actual = n.id;
    else if (key === 'node.hostname') actual = n.hostname;
    else if (key === 'node.role') actual = n.role;
    else if (key === 'node.ip') actual = n.addr;
    else if (key === 'node.platform.os') actual = 'linux';
    else if (key === 'node.platform.arch') actual = 'x86_64';
    else if (key.startsWith('node.labels.')) actual = n.labels[key.slice('node.labels.'.length)];
    else actual = undefined;
    const eq = actual !== undefined && actual.toLowerCase() === value.toLowerCase();
    if (op === '==' ? !eq : eq) return false;
  }
  return true;
}

// -------------------------------------------------------------------------------------------------- manager

interface Session {
  readonly conn: FramedConnection;
  nodeId: string;
  lastSent: string;
}

/** How the manager reaches its own node (set by docker/swarm/node.ts). */
export interface ManagerHost {
  readonly ns: NetNamespace;
  readonly scheduler: Scheduler;
  readonly random: Random;
  /** A node asked to join with a valid token: make it a member (its ingress address, record). */
  admit(req: { hostname: string; addr: string; engine: string; role: SwarmNodeRecord['role'] }): SwarmNodeRecord;
}

/** The leader's dispatcher and reconciliation loop. */
export class SwarmManager {
  private listener: TcpListener | undefined;
  private readonly sessions = new Set<Session>();
  private readonly heartbeatTimers = new Map<string, EventHandle>();
  private reconcileTimer: EventHandle | undefined;
  private readonly restartAt = new Map<string, Time>();
  stopped = false;

  constructor(
    readonly cluster: SwarmCluster,
    private readonly host: ManagerHost,
  ) {
    cluster.manager = this;
    cluster.onChange = () => this.kick();
  }

  get now(): Time {
    return this.host.scheduler.now;
  }

  start(): void {
    this.listener = this.host.ns.tcp.listen(SWARM_PORT, { backlog: 128 });
    this.listener.onConnection = (sock) => this.accept(new FramedConnection(sock, true));
  }

  stop(): void {
    this.stopped = true;
    this.listener?.close();
    for (const s of this.sessions) s.conn.abort();
    this.sessions.clear();
    for (const h of this.heartbeatTimers.values()) h.cancel();
    this.heartbeatTimers.clear();
    this.reconcileTimer?.cancel();
  }

  private accept(conn: FramedConnection): void {
    const s: Session = { conn, nodeId: '', lastSent: '' };
    this.sessions.add(s);
    conn.onClose = () => this.sessions.delete(s);
    conn.onMessage = (m) => this.onMessage(s, m);
  }

  private onMessage(s: Session, m: WireMessage): void {
    const c = this.cluster;
    switch (m.t) {
      case 'join': {
        const token = String(m.token ?? '');
        const role = token === c.workerToken ? 'worker' : token === c.managerToken ? 'manager' : undefined;
        if (!role) {
          s.conn.send({ t: 'error', message: 'rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster' });
          return;
        }
        const rec = this.host.admit({ hostname: String(m.hostname), addr: String(m.addr), engine: String(m.engine), role });
        s.nodeId = rec.id;
        s.conn.send({ t: 'welcome', nodeId: rec.id, role, cluster: c.id });
        this.heartbeat(rec.id);
        this.kick();
        return;
      }
      case 'session': {
        const id = String(m.nodeId);
        const rec = c.nodes.get(id);
        if (!rec || rec.left) {
          s.conn.send({ t: 'error', message: 'node not registered' });
          return;
        }
        for (const other of this.sessions) if (other !== s && other.nodeId === id) other.conn.abort();
        s.nodeId = id;
        s.lastSent = '';
        this.heartbeat(id);
        for (const st of (m.statuses as unknown[] | undefined) ?? []) this.status(id, st as Record<string, unknown>);
        this.kick();
        return;
      }
      case 'hb':
        if (s.nodeId !== '') {
          this.heartbeat(s.nodeId);
          s.conn.send({ t: 'hb-ack', period: HEARTBEAT_PERIOD });
        }
        return;
      case 'status':
        if (s.nodeId !== '') this.status(s.nodeId, m);
        return;
      default:
        return;
    }
  }

  /** A heartbeat (or a session) from a node: Ready, and its Down timer restarts. */
  private heartbeat(nodeId: string): void {
    const rec = this.cluster.nodes.get(nodeId);
    if (!rec) return;
    if (rec.state !== 'ready') {
      rec.state = 'ready';
      rec.message = '';
      rec.updated = this.now;
      this.kick();
    }
    this.heartbeatTimers.get(nodeId)?.cancel();
    this.heartbeatTimers.set(
      nodeId,
      this.host.scheduler.schedule(HEARTBEAT_PERIOD * GRACE_MULTIPLIER, () => {
        this.heartbeatTimers.delete(nodeId);
        const r = this.cluster.nodes.get(nodeId);
        if (!r || r.state === 'down') return;
        r.state = 'down';
        r.message = 'heartbeat failure';
        r.updated = this.now;
        this.kick();
      }),
    );
  }

  private status(nodeId: string, m: Record<string, unknown>): void {
    const t = this.cluster.tasks.get(String(m.taskId));
    if (!t || t.nodeId !== nodeId) return;
    const state = String(m.state) as TaskState | 'gone';
    if (state === 'gone') {
      if (t.desired === 'remove') this.deleteTask(t);
      return;
    }
    if (stateRank(state) <= stateRank(t.state) && !(state === 'running' && t.state === 'running')) return;
    if (state === t.state) return;
    t.state = state;
    t.stateAt = this.now;
    if (typeof m.err === 'string') t.err = m.err;
    if (typeof m.message === 'string') t.message = m.message;
    if (typeof m.containerId === 'string' && m.containerId !== '') t.containerId = m.containerId;
    if (typeof m.exitCode === 'number') t.exitCode = m.exitCode;
    this.kick();
  }

  /** Reconciles soon (changes arriving together are handled together, as swarmkit batches store events). */
  kick(): void {
    if (this.stopped || this.reconcileTimer?.pending) return;
    this.reconcileTimer = this.host.scheduler.schedule(RECONCILE_DELAY, () => this.reconcile());
  }

  // ------------------------------------------------------------------------------------------- reconcile

  reconcile(): void {
    if (this.stopped) return;
    this.orchestrate();
    this.allocate();
    this.schedule();
    this.dispatch();
  }

  private eligible(n: SwarmNodeRecord, s: ServiceRecord): boolean {
    return !n.left && n.state === 'ready' && n.availability === 'active' && nodeMatches(n, s.spec.constraints);
  }

  private newTask(s: ServiceRecord, slot: number, nodeId?: string): TaskRecord {
    const t: TaskRecord = {
      id: this.cluster.newId(),
      serviceId: s.id,
      slot,
      nodeId,
      desired: 'running',
      state: 'new',
      stateAt: this.now,
      created: this.now,
      message: 'created',
      err: '',
      networks: [],
      containerId: '',
      exitCode: 0,
      specVersion: s.version,
    };
    this.cluster.tasks.set(t.id, t);
    return t;
  }

  private shutdown(t: TaskRecord): void {
    if (t.desired === 'running') t.desired = 'shutdown';
    if (!t.nodeId || stateRank(t.state) < stateRank('assigned')) {
      // never reached a node: it simply ends
      if (!isTerminal(t.state)) {
        t.state = 'shutdown';
        t.stateAt = this.now;
      }
    }
  }

  private orchestrate(): void {
    const c = this.cluster;
    const now = this.now;
    for (const s of c.services.values()) {
      const tasks = c.tasksOf(s.id).filter((t) => t.desired !== 'remove');
      const live = (t: TaskRecord): boolean => t.desired === 'running';
      // tasks on nodes that are gone, down or drained are replaced (the old one is told to shut down)
      for (const t of tasks) {
        if (!live(t) || t.nodeId === undefined) continue;
        const n = c.nodes.get(t.nodeId);
        if (!n || n.left || n.state === 'down' || n.availability === 'drain' || (s.spec.mode === 'global' && !nodeMatches(n, s.spec.constraints))) {
          this.shutdown(t);
        }
      }
      // failed tasks restart after the delay (restart condition any / on-failure)
      for (const t of tasks) {
        if (!live(t) || !isTerminal(t.state)) continue;
        const cond = s.spec.restartCondition;
        const restart = cond === 'any' || (cond === 'on-failure' && t.state === 'failed');
        if (!restart) {
          t.desired = 'shutdown';
          continue;
        }
        const due = this.restartAt.get(t.id) ?? t.stateAt + s.spec.restartDelay;
        this.restartAt.set(t.id, due);
        if (now < due) {
          this.host.scheduler.schedule(due - now, () => this.kick());
          continue;
        }
        this.restartAt.delete(t.id);
        t.desired = 'shutdown';
      }
      const running = c.tasksOf(s.id).filter((t) => t.desired === 'running');
      if (s.spec.mode === 'replicated') {
        const bySlot = new Map<number, TaskRecord[]>();
        for (const t of running) bySlot.set(t.slot, [...(bySlot.get(t.slot) ?? []), t]);
        for (let slot = 1; slot <= s.spec.replicas; slot++) {
          if (!bySlot.has(slot)) this.newTask(s, slot);
        }
        for (const [slot, list] of bySlot) if (slot > s.spec.replicas) for (const t of list) this.shutdown(t);
        // rolling update: one slot at a time (parallelism 1), the next once the new task runs
        const updating = running.some((t) => t.specVersion === s.version && t.state !== 'running' && !isTerminal(t.state) && running.some((o) => o.slot === t.slot && o !== t));
        if (!updating) {
          const stale = running.filter((t) => t.specVersion < s.version && t.slot <= s.spec.replicas).sort((a, b) => a.slot - b.slot)[0];
          if (stale) {
            this.shutdown(stale);
            this.newTask(s, stale.slot);
          }
        }
      } else {
        for (const n of c.nodes.values()) {
          const mine = running.filter((t) => t.nodeId === n.id);
          if (this.eligible(n, s) && mine.length === 0) this.newTask(s, 0, n.id);
          if (mine.length > 0 && mine.some((t) => t.specVersion < s.version)) {
            for (const t of mine) this.shutdown(t);
            if (this.eligible(n, s)) this.newTask(s, 0, n.id);
          }
        }
      }
      // history limit per slot
      const bySlotAll = new Map<string, TaskRecord[]>();
      for (const t of c.tasksOf(s.id)) {
        const k = s.spec.mode === 'global' ? (t.nodeId ?? '') : String(t.slot);
        bySlotAll.set(k, [...(bySlotAll.get(k) ?? []), t]);
      }
      for (const list of bySlotAll.values()) {
        const old = list.filter((t) => t.desired !== 'running' && isTerminal(t.state)).sort((a, b) => a.created - b.created);
        while (list.length > TASK_HISTORY_LIMIT && old.length > 0) {
          const t = old.shift()!;
          list.splice(list.indexOf(t), 1);
          this.deleteTask(t);
        }
      }
    }
  }

  private allocate(): void {
    const c = this.cluster;
    for (const t of c.tasks.values()) {
      if (t.state !== 'new') continue;
      const s = c.services.get(t.serviceId);
      if (!s) continue;
      t.networks = s.networkIds.map((id) => ({ networkId: id, addr: c.allocateAddress(id) }));
      t.state = 'pending';
      t.stateAt = this.now;
      t.message = 'pending task scheduling';
    }
    // addresses of tasks that ended are given back (serial allocation reuses them only after the wrap)
    for (const t of c.tasks.values()) {
      if (t.desired !== 'running' && isTerminal(t.state) && t.networks.length > 0) {
        for (const a of t.networks) c.releaseAddress(a.networkId, a.addr);
        t.networks = t.networks.map((a) => ({ ...a, addr: a.addr }));
        (t as { released?: boolean }).released = true;
      }
    }
  }

  private schedule(): void {
    const c = this.cluster;
    const pending = [...c.tasks.values()].filter((t) => t.state === 'pending' && t.desired === 'running').sort((a, b) => a.created - b.created || a.slot - b.slot);
    for (const t of pending) {
      const s = c.services.get(t.serviceId)!;
      if (t.nodeId !== undefined) {
        const n = c.nodes.get(t.nodeId);
        if (n && this.eligible(n, s)) this.assign(t, n.id);
        continue;
      }
      const active = (nid: string, sid?: string): number => [...c.tasks.values()].filter((x) => x.nodeId === nid && x.desired === 'running' && !isTerminal(x.state) && (sid === undefined || x.serviceId === sid)).length;
      const candidates = [...c.nodes.values()].filter((n) => this.eligible(n, s));
      if (candidates.length === 0) {
        const total = [...c.nodes.values()].filter((n) => !n.left).length;
        const ready = [...c.nodes.values()].filter((n) => !n.left && n.state === 'ready' && n.availability === 'active');
        t.err = ready.length === 0 ? `no suitable node (${total} node${total === 1 ? '' : 's'} not available for new tasks)` : `no suitable node (scheduling constraints not satisfied on ${total} node${total === 1 ? '' : 's'})`;
        t.message = 'pending task scheduling';
        continue;
      }
      candidates.sort((a, b) => active(a.id, s.id) - active(b.id, s.id) || active(a.id) - active(b.id) || (a.hostname < b.hostname ? -1 : 1));
      this.assign(t, candidates[0]!.id);
    }
  }

  private assign(t: TaskRecord, nodeId: string): void {
    t.nodeId = nodeId;
    t.state = 'assigned';
    t.stateAt = this.now;
    t.err = '';
    t.message = 'scheduler assigned task to node';
  }

  private dispatch(): void {
    for (const s of this.sessions) {
      if (s.nodeId === '' || s.conn.isClosed) continue;
      const list = [...this.cluster.tasks.values()]
        .filter((t) => t.nodeId === s.nodeId && stateRank(t.state) >= stateRank('assigned'))
        .map((t) => this.cluster.assignment(t))
        .filter((a): a is TaskAssignment => a !== undefined);
      const text = JSON.stringify(list);
      if (text === s.lastSent) continue;
      s.lastSent = text;
      s.conn.send({ t: 'assign', tasks: list });
    }
  }

  deleteTask(t: TaskRecord): void {
    if (!(t as { released?: boolean }).released) for (const a of t.networks) this.cluster.releaseAddress(a.networkId, a.addr);
    this.cluster.tasks.delete(t.id);
    this.restartAt.delete(t.id);
  }

  // ------------------------------------------------------------------------------------------- service API

  createService(spec: ServiceSpec): ServiceRecord {
    const c = this.cluster;
    if (!/^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/.test(spec.name) || spec.name.length > 63) {
      throw invalidParameter(`rpc error: code = InvalidArgument desc = name must be valid as a DNS name component`);
    }
    if ([...c.services.values()].some((s) => s.spec.name === spec.name)) throw conflict(`rpc error: code = AlreadyExists desc = service ${spec.name} already exists`);
    if (spec.endpointMode === 'dnsrr' && spec.ports.some((p) => p.mode === 'ingress')) {
      throw invalidParameter(`rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode`);
    }
    for (const con of spec.constraints) parseConstraint(con);
    const id = c.newId();
    const networkIds: string[] = [];
    for (const n of spec.networks) {
      const nw = c.findNetwork(n.target);
      if (!nw) throw notFound(`network ${n.target} not found`);
      if (nw.ingress) throw invalidParameter(`rpc error: code = InvalidArgument desc = Service cannot be explicitly attached to the ingress network "${nw.name}"`);
      if (!networkIds.includes(nw.id)) networkIds.push(nw.id);
    }
    const ingress = c.ingressNetwork();
    if (spec.ports.some((p) => p.mode === 'ingress') && ingress) networkIds.unshift(ingress.id);
    const ports = c.reservePorts(id, spec.name, spec.ports);
    const s: ServiceRecord = { id, spec, previous: undefined, version: 1, created: this.now, updated: this.now, vips: [], networkIds, ports };
    if (spec.endpointMode === 'vip') for (const nid of networkIds) s.vips.push({ networkId: nid, addr: c.allocateAddress(nid) });
    c.services.set(id, s);
    this.kick();
    return s;
  }

  updateService(s: ServiceRecord, next: ServiceSpec, force = false): void {
    const c = this.cluster;
    const before = JSON.stringify(s.spec);
    if (next.endpointMode === 'dnsrr' && next.ports.some((p) => p.mode === 'ingress')) {
      throw invalidParameter(`rpc error: code = InvalidArgument desc = EndpointSpec: port published with ingress mode can't be used with dnsrr mode`);
    }
    const held = [...c.ports].filter(([, v]) => v === s.id).map(([k]) => k);
    c.releasePorts(s.id);
    try {
      s.ports = c.reservePorts(s.id, next.name, next.ports, s.ports);
    } catch (e) {
      for (const k of held) c.ports.set(k, s.id);
      throw e;
    }
    // the service's own labels and its replica count are not part of a task: changing them restarts nothing
    const onlyScale = JSON.stringify({ ...s.spec, replicas: 0, labels: {} }) === JSON.stringify({ ...next, replicas: 0, labels: {} });
    s.previous = JSON.parse(before) as ServiceSpec;
    s.spec = next;
    s.updated = this.now;
    if (!onlyScale || force) s.version++;
    this.kick();
  }

  removeService(s: ServiceRecord): void {
    const c = this.cluster;
    c.services.delete(s.id);
    c.releasePorts(s.id);
    for (const v of s.vips) c.releaseAddress(v.networkId, v.addr);
    // the agents remove the containers of tasks no longer assigned to them
    for (const t of c.tasksOf(s.id)) this.deleteTask(t);
    this.kick();
  }
}

export function formatIp(a: number): string {
  return formatIpv4(a);
}

export { DockerError };
