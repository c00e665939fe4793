// NetworkDB on one node, reduced: the endpoint records of every swarm network (overlay peers, service
// membership, names) as this node knows them, and the memberlist-like gossip that spreads them over port 7946:
//   UDP  {t:'ping'} to every peer each second (memberlist's probe interval), answered by {t:'ack'}; a peer that
//        has not answered for SUSPECT_AFTER is declared failed and its records are dropped here (NetworkDB deletes
//        a failed node's entries), so services stop sending to its tasks;
//   UDP  {t:'ev'} an endpoint record added or deleted, sent to every peer at once (the broadcast queue);
//   TCP  {t:'pp'} push-pull every 30 s and when a failed peer answers again: each side sends the records it owns,
//        the other side replaces its copy of them (anti-entropy after lost datagrams).
// Every datagram and connection crosses the underlay between the nodes' advertise addresses.

import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { UdpSocket } from '../../net/sockets/udp.ts';
import type { TcpListener } from '../../net/tcp/stack.ts';
import type { EventHandle, Scheduler } from '../../sim/scheduler.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { EndpointRecord } from './types.ts';
import { endpointKey } from './types.ts';
import { decodeDatagram, encodeDatagram, FramedConnection, type WireMessage } from './wire.ts';

export const GOSSIP_PORT = 7946;
export const PROBE_INTERVAL: Time = 1 * SECOND;
export const PUSH_PULL_INTERVAL: Time = 30 * SECOND;
export const SUSPECT_AFTER: Time = 5 * SECOND;

/** The endpoint table as one node sees it. */
export class NetDb {
  private readonly records = new Map<string, EndpointRecord>();
  /** A network's records changed (networkId). */
  onChange: ((networkId: string) => void) | undefined;

  constructor(readonly selfId: string) {}

  all(): EndpointRecord[] {
    return [...this.records.values()];
  }

  byNetwork(networkId: string): EndpointRecord[] {
    return this.all().filter((r) => r.networkId === networkId);
  }

  own(): EndpointRecord[] {
    return this.all().filter((r) => r.nodeId === this.selfId);
  }

  add(r: EndpointRecord): void {
    const k = endpointKey(r);
    const old = this.records.get(k);
    if (old && JSON.stringify(old) === JSON.stringify(r)) return;
    this.records.set(k, r);
    this.onChange?.(r.networkId);
  }

  delete(r: { networkId: string; endpointId: string }): void {
    if (this.records.delete(endpointKey(r))) this.onChange?.(r.networkId);
  }

  /** Replaces what we know of `nodeId`'s records (push-pull), or drops them all (`recs` empty: a failed node). */
  replaceNode(nodeId: string, recs: readonly EndpointRecord[]): void {
    if (nodeId === this.selfId) return;
    const changed = new Set<string>();
    const keep = new Set(recs.map(endpointKey));
    for (const [k, r] of [...this.records]) {
      if (r.nodeId === nodeId && !keep.has(k)) {
        this.records.delete(k);
        changed.add(r.networkId);
      }
    }
    for (const r of recs) {
      const k = endpointKey(r);
      const old = this.records.get(k);
      if (old && JSON.stringify(old) === JSON.stringify(r)) continue;
      this.records.set(k, r);
      changed.add(r.networkId);
    }
    for (const n of changed) this.onChange?.(n);
  }

  clear(): void {
    const nets = new Set(this.all().map((r) => r.networkId));
    this.records.clear();
    for (const n of nets) this.onChange?.(n);
  }
}

export interface GossipPeer {
  readonly id: string;
  readonly addr: string;
}

interface PeerState {
  lastAck: Time;
  failed: boolean;
  /** A push-pull has been done since we first heard from it (memberlist's join does one at once). */
  synced: boolean;
}

export class Gossip {
  private udp: UdpSocket | undefined;
  private tcp: TcpListener | undefined;
  private probeTimer: EventHandle | undefined;
  private ppTimer: EventHandle | undefined;
  private readonly peerState = new Map<string, PeerState>();
  private seq = 0;
  running = false;

  constructor(
    private readonly ns: NetNamespace,
    private readonly self: GossipPeer,
    private readonly scheduler: Scheduler,
    readonly db: NetDb,
    private readonly peers: () => GossipPeer[],
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const udp = this.ns.udp.open();
    udp.bind(0, GOSSIP_PORT);
    udp.onMessage = (m) => this.datagram(m.data);
    this.udp = udp;
    this.tcp = this.ns.tcp.listen(GOSSIP_PORT, { backlog: 128 });
    this.tcp.onConnection = (sock) => {
      const conn = new FramedConnection(sock, true);
      conn.onMessage = (m) => {
        if (m.t !== 'pp') return;
        this.pushPullIn(m);
        conn.send(this.pushPullMessage());
        conn.close();
      };
    };
    this.probeTimer = this.scheduler.schedule(PROBE_INTERVAL, () => this.probe());
    this.ppTimer = this.scheduler.schedule(PUSH_PULL_INTERVAL, () => this.pushPullAll());
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.probeTimer?.cancel();
    this.ppTimer?.cancel();
    this.udp?.close();
    this.tcp?.close();
    this.udp = undefined;
    this.tcp = undefined;
    this.peerState.clear();
  }

  private state(id: string): PeerState {
    let s = this.peerState.get(id);
    if (!s) {
      s = { lastAck: this.scheduler.now, failed: false, synced: false };
      this.peerState.set(id, s);
    }
    return s;
  }

  private send(addr: string, m: WireMessage): void {
    if (!this.udp) return;
    try {
      this.udp.sendto(encodeDatagram(m), parseIpv4(addr), GOSSIP_PORT);
    } catch {
      // no route: the datagram is lost, as on a host without a route
    }
  }

  /** An endpoint record added (or deleted) here: applied locally and broadcast. */
  publish(op: 'add' | 'del', r: EndpointRecord): void {
    if (op === 'add') this.db.add(r);
    else this.db.delete(r);
    if (!this.running) return;
    for (const p of this.peers()) if (p.id !== this.self.id) this.send(p.addr, { t: 'ev', from: this.self.id, op, rec: r });
  }

  private probe(): void {
    if (!this.running) return;
    const now = this.scheduler.now;
    for (const p of this.peers()) {
      if (p.id === this.self.id) continue;
      const st = this.state(p.id);
      if (!st.failed && now - st.lastAck > SUSPECT_AFTER) {
        st.failed = true;
        this.db.replaceNode(p.id, []);
      }
      this.send(p.addr, { t: 'ping', from: this.self.id, seq: ++this.seq });
    }
    this.probeTimer = this.scheduler.schedule(PROBE_INTERVAL, () => this.probe());
  }

  private alive(id: string, addr: string): void {
    const st = this.state(id);
    st.lastAck = this.scheduler.now;
    if (st.failed) {
      st.failed = false;
      st.synced = true;
      this.pushPull(addr);
    } else if (!st.synced) {
      // first contact: a full state exchange right away (the lower ID opens it), so a node that joins learns the
      // records already there (ingress sandboxes, tasks) without waiting for the periodic push-pull
      st.synced = true;
      if (this.self.id < id) this.pushPull(addr);
    }
  }

  private datagram(data: Uint8Array): void {
    const m = decodeDatagram(data);
    if (!m || typeof m.from !== 'string') return;
    const peer = this.peers().find((p) => p.id === m.from);
    if (!peer) return;
    switch (m.t) {
      case 'ping':
        this.alive(peer.id, peer.addr);
        this.send(peer.addr, { t: 'ack', from: this.self.id, seq: m.seq as number });
        return;
      case 'ack':
        this.alive(peer.id, peer.addr);
        return;
      case 'ev': {
        const r = m.rec as EndpointRecord;
        if (r.nodeId !== peer.id) return;
        if (m.op === 'add') this.db.add(r);
        else this.db.delete(r);
        return;
      }
      default:
        return;
    }
  }

  private pushPullMessage(): WireMessage {
    return { t: 'pp', from: this.self.id, recs: this.db.own() };
  }

  private pushPullIn(m: WireMessage): void {
    if (typeof m.from !== 'string') return;
    this.db.replaceNode(m.from, (m.recs as EndpointRecord[] | undefined) ?? []);
  }

  /** Push-pull with one peer over TCP 7946. */
  pushPull(addr: string): void {
    if (!this.running) return;
    let conn: FramedConnection;
    try {
      conn = new FramedConnection(this.ns.tcp.connect(addr, GOSSIP_PORT), false);
    } catch {
      return;
    }
    conn.onOpen = () => conn.send(this.pushPullMessage());
    conn.onMessage = (m) => {
      if (m.t === 'pp') this.pushPullIn(m);
      conn.close();
    };
  }

  private pushPullAll(): void {
    if (!this.running) return;
    for (const p of this.peers()) if (p.id !== this.self.id && !this.state(p.id).failed) this.pushPull(p.addr);
    this.ppTimer = this.scheduler.schedule(PUSH_PULL_INTERVAL, () => this.pushPullAll());
  }
}
