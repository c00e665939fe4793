// A lab's whole state as canonical text, and its SHA-256: what snapshot restore must give back. Two labs with the
// same digest print the same thing to every command that reads state. It covers
//   - Docker: per node, the daemon's containers (docker inspect) and networks (docker network inspect), and the
//     swarm (nodes, services, tasks) of each cluster;
//   - files: every file of the workstation, of each node and of each container (text and binary);
//   - the kernel, per network namespace: addresses, routes, ARP (ip neigh), bridge and VXLAN forwarding tables,
//     iptables (every table), conntrack, IPVS services and connections, and TCP connections with their sequence
//     state;
//   - the virtual time.
// Each part is printed by the same code the lab's own tools use, sorted where the order means nothing, so the text
// diffs readably when two labs differ. It only reads (the tables' expired entries go, as a read by the tool would).
import { createHash } from 'node:crypto';
import { formatIpv4 } from '../common/wire/ipv4-address.ts';
import { formatMac } from '../common/wire/mac.ts';
import type { Vfs } from '../common/vfs.ts';
import { containerInspectValue } from '../docker/format/container.ts';
import { formatInspectJson, networkInspectValue } from '../docker/format/network.ts';
import { swarmOf } from '../docker/swarm/node.ts';
import type { DockerWorld } from '../docker/world.ts';
import type { Bridge } from '../net/bridge.ts';
import type { NetNamespace } from '../net/namespace.ts';
import { netfilterOf } from '../net/netfilter-glue.ts';
import type { VxlanDevice } from '../net/vxlan.ts';
import { binaryFiles } from '../shell/nettools/index.ts';

/** The state as sections (title → text), in a fixed order. */
export function describeState(world: DockerWorld): Map<string, string> {
  const out = new Map<string, string>();
  out.set('time', String(world.scheduler.now));
  out.set('files workstation', files(world.workstation.fs));
  for (const node of world.nodeList()) {
    const d = node.daemon;
    out.set(`node ${node.name}`, `${node.ipText} engine ${node.engine} daemon ${d.running ? 'running' : 'stopped'} swarm ${d.swarm?.role ?? 'none'}`);
    out.set(`files ${node.name}`, files(node.machine.fs));
    const containers = [...d.containers.values()].sort((a, b) => cmp(a.id, b.id));
    out.set(`containers ${node.name}`, formatInspectJson(containers.map((c) => containerInspectValue(d, c, d.now))));
    for (const c of containers) out.set(`files ${node.name}/${c.name}`, files(c.machine.fs));
    const networks = d.registry.list().sort((a, b) => cmp(a.id, b.id));
    out.set(`networks ${node.name}`, formatInspectJson(networks.map((n) => networkInspectValue(n, d.behaviour, d.wallClock))));
  }
  // Only when a swarm was ever made (swarmOf would make its bookkeeping otherwise).
  if (world.nodeList().some((n) => n.daemon.swarm !== undefined)) {
    const clusters = [...swarmOf(world).clusters.values()].sort((a, b) => cmp(a.id, b.id));
    for (const c of clusters) {
      const rows = (m: Map<string, unknown>) => [...m.entries()].sort(([a], [b]) => cmp(a, b)).map(([k, v]) => `${k} ${stable(v)}`).join('\n');
      out.set(`swarm ${c.id}`, [`leader ${c.leaderId}`, rows(c.nodes), rows(c.services), rows(c.tasks), rows(c.networks)].join('\n'));
    }
  }
  for (const ns of [...world.lab.namespaces].sort((a, b) => cmp(a.name, b.name))) out.set(`netns ${ns.name}`, kernel(ns));
  return out;
}

/** The state as one text (sections in order, each under its title). */
export function stateText(world: DockerWorld): string {
  return [...describeState(world)].map(([title, text]) => `## ${title}\n${text}\n`).join('');
}

/** SHA-256 of stateText, as hex. */
export function stateDigest(world: DockerWorld): string {
  return createHash('sha256').update(stateText(world)).digest('hex');
}

function kernel(ns: NetNamespace): string {
  const now = ns.env.scheduler.now;
  const lines: string[] = [...ns.formatAddr(), ...ns.formatRoutes('main'), ...ns.formatRoutes('local'), ...ns.neigh.format().sort()];
  for (const dev of ns.deviceList) {
    if (dev.kind === 'bridge') {
      const fdb = (dev as Bridge).fdb.list(now).map((e) => `fdb ${formatMac(e.mac)} ${e.port.name} ${e.local ? 'permanent' : e.isStatic ? 'static' : `updated ${e.updated}`}`);
      lines.push(...fdb.sort());
    } else if (dev.kind === 'vxlan') lines.push(...(dev as VxlanDevice).fdbShow().map((l) => `vxlan ${dev.name} ${l}`).sort());
  }
  const fw = netfilterOf(ns);
  if (fw) {
    for (const table of ['raw', 'mangle', 'nat', 'filter']) lines.push(fw.iptables(['-t', table, '-S', '-v']).stdout);
    lines.push(...fw.conntrack(['-L']).stdout.split('\n').sort());
    lines.push(fw.ipvsadm(['-Ln']).stdout, ...fw.ipvsadm(['-Lnc']).stdout.split('\n').sort());
  }
  const tcp = ns.tcp.sockets().map((s) => {
    const i = s.info();
    return `tcp ${formatIpv4(s.localAddress)}:${s.localPort} ${formatIpv4(s.remoteAddress)}:${s.remotePort} ${i.state} una ${i.sndUna} nxt ${i.sndNxt} rcv ${i.rcvNxt} cwnd ${i.cwnd} wnd ${i.sndWnd}/${i.rcvWnd}`;
  });
  lines.push(...tcp.sort());
  return lines.join('\n');
}

/** Every file of a machine: path, then its text (or the SHA-256 of a binary file's bytes). */
function files(fs: Vfs): string {
  const binary = binaryFiles(fs);
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of [...fs.list(dir)].sort((a, b) => cmp(a.name, b.name))) {
      const p = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
      if (e.kind === 'dir') {
        out.push(`${p}/`);
        walk(p);
      } else {
        const bytes = binary.get(p);
        out.push(bytes ? `${p} binary ${createHash('sha256').update(bytes).digest('hex')}` : `${p} ${JSON.stringify(fs.readFile(p))}`);
      }
    }
  };
  walk('/');
  return out.join('\n');
}

/** JSON with object keys sorted (Maps and Sets as sorted arrays), so equal values print equally. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => {
    if (value instanceof Map) return [...value.entries()].sort(([a], [b]) => cmp(String(a), String(b)));
    if (value instanceof Set) return [...value].map((x) => JSON.stringify(x)).sort();
    if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => cmp(a, b)));
    }
    return value;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
