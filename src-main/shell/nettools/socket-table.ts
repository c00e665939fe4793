// The Internet sockets of a machine's network namespace as the kernel lists them to socket tools, shared by
// busybox netstat (which reads /proc/net/tcp, tcp6, udp, udp6) and iproute2's ss (inet_diag over netlink):
//
// - order: the listening sockets, then the connection table (request sockets in SYN_RECV, connections, TIME_WAIT),
//   IPv4 before IPv6, as /proc/net/tcp walks the listening hash before the established one (the lab keeps each
//   table in the order sockets entered it, where the kernel's order follows its hashes);
// - queues, two ways (net/ipv4/tcp_ipv4.c get_tcp4_sock, tcp_diag.c tcp_diag_get_info): for a connection both give
//   rcv_nxt - copied_seq and write_seq - snd_una; for a listener /proc gives the accept queue's length and 0, and
//   inet_diag the accept queue's length and its maximum (the listen() backlog capped by somaxconn); request sockets,
//   TIME_WAIT and UDP sockets (whose datagrams the lab hands over at once) show 0 and 0;
// - UDP sockets are TCP_CLOSE unless connected (ESTABLISHED); kernel sockets (VXLAN's) and unbound ones are listed
//   and not listed as Linux does (bound: listed; no process);
// - the owners a tool can see: the processes of the tool's own PID namespace (net/sockets/owner.ts);
// - names: /etc/services for ports (the machine's file; the lab's hosts and Alpine-based containers ship Debian's
//   netbase list, of which SERVICES below is the part a lab meets, and Debian's slim images ship none) and the
//   resolver (/etc/hosts, then a PTR query on the wire) for addresses.

import { formatIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Machine } from '../../docker/machine.ts';
import type { SocketOwner } from '../../net/sockets/owner.ts';
import type { TcpState } from '../../net/tcp/types.ts';

/** The kernel's TCP state names (include/net/tcp_states.h), which both tools translate. */
export type KernelState = 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'TIME_WAIT' | 'CLOSE' | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'CLOSING';

export interface SocketEntry {
  readonly proto: 'tcp' | 'udp';
  readonly family: 4 | 6;
  readonly state: KernelState;
  /** Numeric text: "0.0.0.0", "172.17.0.2", "::". */
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  /** 0 for a listener or an unconnected UDP socket. */
  readonly remotePort: number;
  /** The IPv4 addresses as numbers, for name lookups (undefined for IPv6). */
  readonly local4?: Ipv4Address;
  readonly remote4?: Ipv4Address;
  /** /proc/net/tcp's rx_queue and tx_queue. */
  readonly procRecvQ: number;
  readonly procSendQ: number;
  /** inet_diag's idiag_rqueue and idiag_wqueue. */
  readonly diagRecvQ: number;
  readonly diagSendQ: number;
  /** The holders in the viewer's PID namespace, in the order they came to hold the socket. */
  readonly owners: readonly SocketOwner[];
}

const STATE: Readonly<Record<TcpState, KernelState>> = {
  CLOSED: 'CLOSE',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN_SENT',
  SYN_RECEIVED: 'SYN_RECV',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2',
  CLOSE_WAIT: 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
};

/** The holders `viewer` can see in /proc: those of its own PID namespace. */
function visible(owners: readonly SocketOwner[], viewer: Machine): readonly SocketOwner[] {
  return owners.filter((o) => o.process.pidNamespace === viewer);
}

/** The TCP sockets of the viewer's namespace: IPv4 listeners, IPv4 connections, IPv6 listeners. */
export function tcpSockets(viewer: Machine): SocketEntry[] {
  const tcp = viewer.ns.tcp;
  const out: SocketEntry[] = [];
  for (const l of tcp.listeners()) {
    out.push({
      proto: 'tcp',
      family: 4,
      state: 'LISTEN',
      localAddress: formatIpv4(l.address >>> 0),
      localPort: l.port,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      local4: l.address >>> 0,
      remote4: 0,
      procRecvQ: l.pendingConnections,
      procSendQ: 0,
      diagRecvQ: l.pendingConnections,
      diagSendQ: l.backlog,
      owners: visible(l.holders.owners, viewer),
    });
  }
  for (const s of tcp.sockets()) {
    if (s.state === 'CLOSED' || s.state === 'LISTEN') continue;
    const q = s.queues();
    out.push({
      proto: 'tcp',
      family: 4,
      state: STATE[s.state],
      localAddress: formatIpv4(s.localAddress >>> 0),
      localPort: s.localPort,
      remoteAddress: formatIpv4(s.remoteAddress >>> 0),
      remotePort: s.remotePort,
      local4: s.localAddress >>> 0,
      remote4: s.remoteAddress >>> 0,
      procRecvQ: q.recv,
      procSendQ: q.send,
      diagRecvQ: q.recv,
      diagSendQ: q.send,
      owners: visible(s.holders.owners, viewer),
    });
  }
  for (const l of tcp.ipv6Listeners()) {
    out.push({
      proto: 'tcp',
      family: 6,
      state: 'LISTEN',
      localAddress: l.address,
      localPort: l.port,
      remoteAddress: '::',
      remotePort: 0,
      procRecvQ: 0,
      procSendQ: 0,
      diagRecvQ: 0,
      diagSendQ: l.backlog,
      owners: visible(l.holders.owners, viewer),
    });
  }
  return out;
}

/** The bound UDP sockets of the viewer's namespace (all IPv4: the lab has no IPv6 datagram sockets). */
export function udpSockets(viewer: Machine): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const s of viewer.ns.udp.sockets()) {
    const r = s.remote;
    out.push({
      proto: 'udp',
      family: 4,
      state: r !== undefined ? 'ESTABLISHED' : 'CLOSE',
      localAddress: formatIpv4(s.localAddress >>> 0),
      localPort: s.localPort,
      remoteAddress: formatIpv4((r?.addr ?? 0) >>> 0),
      remotePort: r?.port ?? 0,
      local4: s.localAddress >>> 0,
      remote4: (r?.addr ?? 0) >>> 0,
      procRecvQ: 0,
      procSendQ: 0,
      diagRecvQ: 0,
      diagSendQ: 0,
      owners: visible(s.holders.owners, viewer),
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------- /etc/services

/**
 * The part of Debian's netbase /etc/services (the list Alpine's alpine-baselayout-data ships too) that ports of a
 * Docker lab meet: well-known services, databases, Docker's own API ports. A machine whose file system holds
 * /etc/services uses its own file instead.
 */
export const SERVICES = [
  'ftp-data\t20/tcp',
  'ftp\t\t21/tcp',
  'ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol',
  'telnet\t\t23/tcp',
  'smtp\t\t25/tcp\t\tmail',
  'domain\t\t53/tcp\t\t\t\t# Domain Name Server',
  'domain\t\t53/udp',
  'bootps\t\t67/udp',
  'bootpc\t\t68/udp',
  'tftp\t\t69/udp',
  'http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP',
  'pop3\t\t110/tcp\t\tpop-3\t\t# POP version 3',
  'sunrpc\t\t111/tcp\t\tportmapper\t# RPC 4.0 portmapper',
  'sunrpc\t\t111/udp\t\tportmapper',
  'ntp\t\t123/udp\t\t\t\t# Network Time Protocol',
  'imap2\t\t143/tcp\t\timap\t\t# Interim Mail Access P 2 and 4',
  'snmp\t\t161/udp\t\t\t\t# Simple Net Mgmt Protocol',
  'https\t\t443/tcp\t\t\t\t# http protocol over TLS/SSL',
  'https\t\t443/udp\t\t\t\t# HTTP/3',
  'imaps\t\t993/tcp\t\t\t\t# IMAP over SSL',
  'pop3s\t\t995/tcp\t\t\t\t# POP-3 over SSL',
  'openvpn\t\t1194/tcp',
  'openvpn\t\t1194/udp',
  'docker\t\t2375/tcp\t\t\t# Docker REST API (plain)',
  'docker-s\t2376/tcp\t\t\t# Docker REST API (ssl)',
  'mysql\t\t3306/tcp',
  'postgresql\t5432/tcp\tpostgres\t# PostgreSQL Database',
  'redis\t\t6379/tcp',
  'http-alt\t8080/tcp\twebcache\t# WWW caching service',
  '',
].join('\n');

/** Whether the image or host behind `m` ships /etc/services when its own file system does not say (see above). */
function shipsServices(m: Machine): boolean {
  return m.kind !== 'container' || m.userland === 'busybox';
}

function table(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (fields.length < 2) continue;
    const m = /^(\d+)\/(\w+)$/.exec(fields[1]!);
    if (m === null) continue;
    const key = `${Number(m[1])}/${m[2]!}`;
    // getservbyport returns the first line that matches.
    if (!out.has(key)) out.set(key, fields[0]!);
  }
  return out;
}

const builtin = table(SERVICES);

/** getservbyport over the machine's /etc/services as it is now (read once per command, as the tools do). */
export type ServiceLookup = (port: number, proto: 'tcp' | 'udp') => string | undefined;

export function servicesOf(m: Machine): ServiceLookup {
  const t = servicesTable(m);
  return (port, proto) => t.get(`${port}/${proto}`);
}

/** getservbyname(name, proto): the port of a service name (or of one of its aliases), or undefined. */
export function servicePortOf(m: Machine): (name: string, proto: 'tcp' | 'udp') => number | undefined {
  const text = m.fs.isFile('/etc/services') ? m.fs.readFile('/etc/services') : shipsServices(m) ? SERVICES : '';
  const byName = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*$/, '').trim().split(/\s+/);
    const m2 = /^(\d+)\/(\w+)$/.exec(fields[1] ?? '');
    if (m2 === null) continue;
    for (const name of [fields[0]!, ...fields.slice(2)]) {
      const key = `${name}/${m2[2]!}`;
      if (!byName.has(key)) byName.set(key, Number(m2[1]));
    }
  }
  return (name, proto) => byName.get(`${name}/${proto}`);
}

function servicesTable(m: Machine): Map<string, string> {
  return m.fs.isFile('/etc/services') ? table(m.fs.readFile('/etc/services')) : shipsServices(m) ? builtin : new Map<string, string>();
}
