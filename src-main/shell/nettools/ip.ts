// `ip` (iproute2 6.1 on the gnu userlands, busybox 1.36's iproute2-compatible applet on alpine/busybox), and
// busybox's `ifconfig` and `route -n`, reading the machine's namespace.
//
// iproute2: "2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default " with
// " qlen N" when the device has a queue length (lo, a node's NIC; Docker creates its veths with txqueuelen 0),
// "link-netnsid 0" after a veth whose peer is in another namespace, "mode DEFAULT" in `ip link`, a trailing space
// after routes and neighbours. busybox: no "group default" nor "mode", no link-netnsid, M-DOWN when the peer's
// ifindex is not an up device of this namespace, routes without "proto kernel" and with "scope link  src".

import { formatIpv4, parseCidr, parseIpv4, prefixMask, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { formatMac } from '../../common/wire/mac.ts';
import type { Machine } from '../../docker/machine.ts';
import type { NetDevice } from '../../net/device.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { Route } from '../../net/route.ts';
import type { Veth } from '../../net/veth.ts';
import type { VxlanDevice } from '../../net/vxlan.ts';
import type { IpvlanDevice } from '../../net/ipvlan.ts';
import type { MacvlanDevice } from '../../net/macvlan.ts';
import type { VlanDevice } from '../../net/vlan.ts';
import type { CommandContext, CommandImpl } from '../interpreter.ts';

type Dialect = 'iproute2' | 'busybox';

interface DevView {
  readonly dev: NetDevice;
  /** "@if7", "@veth1", or "" */
  readonly at: string;
  readonly netnsid: number | undefined;
  readonly mdown: boolean;
  readonly qlen: number;
  readonly qdisc: string;
  readonly state: string;
}

/** Which peer namespaces a namespace has ids for, in order of first use (link-netnsid). */
const nsids = new WeakMap<NetNamespace, NetNamespace[]>();

function netnsid(ns: NetNamespace, peer: NetNamespace): number {
  let list = nsids.get(ns);
  if (list === undefined) {
    list = [];
    nsids.set(ns, list);
  }
  let i = list.indexOf(peer);
  if (i < 0) {
    list.push(peer);
    i = list.length - 1;
  }
  return i;
}

function view(m: Machine, dev: NetDevice): DevView {
  const ns = m.ns;
  let at = '';
  let id: number | undefined;
  let mdown = false;
  if (dev.kind === 'veth') {
    const peer = (dev as Veth).peer;
    if (peer !== undefined) {
      const local = ns.deviceList.find((d) => d.ifindex === peer.ifindex);
      if (peer.host === dev.host) at = `@${peer.name}`;
      else {
        at = `@if${peer.ifindex}`;
        id = netnsid(ns, peer.host as NetNamespace);
      }
      mdown = local === undefined || !local.adminUp;
    }
  } else if (dev.kind === 'macvlan' || dev.kind === 'ipvlan' || dev.kind === 'vlan') {
    // IFLA_LINK: the lower device, by name in the same namespace, else by ifindex with the link-netnsid.
    const lower = (dev as MacvlanDevice | IpvlanDevice | VlanDevice).lower;
    const local = ns.deviceList.find((d) => d.ifindex === lower.ifindex);
    if (lower.host === dev.host) at = `@${lower.name}`;
    else {
      at = `@if${lower.ifindex}`;
      id = netnsid(ns, lower.host as NetNamespace);
    }
    mdown = local === undefined || !local.adminUp;
  }
  const physical = m.kind !== 'container' && dev.kind === 'veth' && /^(eth|enp|ens)\d/.test(dev.name);
  const qlen = dev.kind === 'loopback' || physical ? 1000 : 0;
  const qdisc = physical ? 'pfifo_fast' : 'noqueue';
  const state = dev.kind === 'loopback' ? 'UNKNOWN' : !dev.adminUp ? 'DOWN' : !dev.carrier ? 'DOWN' : dev.kind === 'vxlan' ? 'UNKNOWN' : 'UP';
  return { dev, at, netnsid: id, mdown, qlen, qdisc, state };
}

function linkLine2(v: DevView, d: Dialect): string {
  const dev = v.dev;
  if (dev.kind === 'loopback') return '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00';
  const nsid = d === 'iproute2' && v.netnsid !== undefined ? ` link-netnsid ${v.netnsid}` : '';
  return `    link/ether ${formatMac(dev.mac)} brd ff:ff:ff:ff:ff:ff${nsid}`;
}

function linkLine1(v: DevView, d: Dialect, what: 'addr' | 'link'): string {
  const dev = v.dev;
  const flags = dev.flags();
  if (d === 'busybox' && v.mdown && v.at !== '') flags.push('M-DOWN');
  const master = dev.master !== undefined ? ` master ${dev.master.name}` : '';
  const head = `${dev.ifindex}: ${dev.name}${v.at}: <${flags.join(',')}> mtu ${dev.mtu} qdisc ${v.qdisc}${master} state ${v.state}`;
  if (d === 'busybox') return `${head} ${v.qlen ? `qlen ${v.qlen}` : ''}`;
  return `${head}${what === 'link' ? ' mode DEFAULT' : ''} group default ${v.qlen ? `qlen ${v.qlen}` : ''}`;
}

function addrLines(ns: NetNamespace, dev: NetDevice, oneline: boolean): string[] {
  const out: string[] = [];
  for (const a of ns.addresses) {
    if (a.dev !== dev) continue;
    const brd = a.broadcast !== 0 && !dev.isLoopback ? ` brd ${formatIpv4(a.broadcast)}` : '';
    const body = `inet ${formatIpv4(a.address)}/${a.prefixLength}${brd} scope ${a.scope} ${dev.name}`;
    if (oneline) out.push(`${dev.ifindex}: ${dev.name}    ${body}\\       valid_lft forever preferred_lft forever`);
    else out.push(`    ${body}`, '       valid_lft forever preferred_lft forever');
  }
  return out;
}

/**
 * A container's IPv6 view: the kernel gives every new namespace ::1 on lo, and Docker (≥26) turns IPv6 off on the
 * interfaces of IPv4-only endpoints, so lo's ::1 is the only inet6 address (busybox prints no flag after the scope;
 * iproute2 on a 6.x kernel shows lo's "noprefixroute").
 */
function inet6Lines(m: Machine, dev: NetDevice, d: Dialect, oneline: boolean): string[] {
  if (m.kind !== 'container' || !dev.isLoopback) return [];
  const body = `inet6 ::1/128 scope host${d === 'iproute2' ? ' noprefixroute' : ''} `;
  if (oneline) return [`${dev.ifindex}: ${dev.name}    ${body}\\       valid_lft forever preferred_lft forever`];
  return [`    ${body}`, '       valid_lft forever preferred_lft forever'];
}

function vxlanDetails(dev: VxlanDevice): string {
  const parts = [`vxlan id ${dev.vni}`];
  if (dev.local !== 0) parts.push(`local ${formatIpv4(dev.local)}`);
  if (dev.oif !== undefined) parts.push(`dev ${dev.oif}`);
  parts.push(`srcport ${dev.portRange[0]} ${dev.portRange[1] + 1}`, `dstport ${dev.dstport}`);
  if (!dev.learning) parts.push('nolearning');
  if (dev.proxy) parts.push('proxy');
  if (dev.l2miss) parts.push('l2miss');
  if (dev.l3miss) parts.push('l3miss');
  parts.push(dev.ttl === 0 ? 'ttl auto' : `ttl ${dev.ttl}`, `ageing ${Math.round(dev.ageing / 1e9)}`, dev.udpCsum ? 'udpcsum' : 'noudpcsum', 'noudp6zerocsumtx noudp6zerocsumrx');
  return `    ${parts.join(' ')} `;
}

/** `ip -d`: what follows link/ether on its line, and the kind's own lines. */
function details(v: DevView): { tail: string; lines: string[] } {
  const dev = v.dev;
  const maxmtu = dev.kind === 'loopback' ? 0 : 65535;
  const tail = ` promiscuity ${dev.promiscuity}  allmulti 0 minmtu ${dev.kind === 'loopback' ? 0 : 68} maxmtu ${maxmtu} `;
  const lines: string[] = [];
  if (dev.kind === 'vxlan') lines.push(vxlanDetails(dev as VxlanDevice));
  else if (dev.kind === 'veth') lines.push('    veth ');
  else if (dev.kind === 'macvlan') lines.push(`    macvlan mode ${(dev as MacvlanDevice).mode} bcqueuelen 1000 usedbcqueuelen 1000 `);
  else if (dev.kind === 'ipvlan') lines.push(`    ipvlan  mode ${(dev as IpvlanDevice).mode} ${(dev as IpvlanDevice).flag} `);
  else if (dev.kind === 'vlan') lines.push(`    vlan protocol 802.1Q id ${(dev as VlanDevice).vid} <REORDER_HDR> `);
  else if (dev.kind === 'bridge') lines.push('    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768 vlan_filtering 0 vlan_protocol 802.1Q ');
  if (dev.master !== undefined) lines.push('    bridge_slave state forwarding priority 32 cost 2 hairpin off guard off root_block off fastleave off learning on flood on ');
  return { tail, lines };
}

// ------------------------------------------------------------------------------------------ routes & neighbours

function routeLine(r: Route, d: Dialect, table: 'main' | 'local'): string {
  const parts: string[] = [];
  if (table === 'local' || r.type !== 'unicast') parts.push(r.type);
  parts.push(r.prefixLength === 0 && r.dst === 0 ? 'default' : r.prefixLength === 32 ? formatIpv4(r.dst) : `${formatIpv4(r.dst)}/${r.prefixLength}`);
  if (r.gateway !== undefined) parts.push('via', formatIpv4(r.gateway));
  if (r.dev !== undefined) parts.push('dev', r.dev.name);
  if (d === 'iproute2' && r.protocol !== 'boot') parts.push('proto', r.protocol);
  if (r.scope !== 'global') parts.push('scope', r.scope + (d === 'busybox' && r.src !== undefined ? ' ' : ''));
  if (r.src !== undefined) parts.push('src', formatIpv4(r.src));
  if (r.metric !== 0) parts.push('metric', String(r.metric));
  if (r.mtu !== undefined) parts.push('mtu', String(r.mtu));
  if (r.dev !== undefined && !r.dev.carrier && r.type === 'unicast') parts.push('linkdown');
  return parts.join(' ') + ' ';
}

/** A table's routes in the order `ip route`, `route -n` and `netstat -r` list them. */
export function sortedRoutes(ns: NetNamespace, table: 'main' | 'local'): Route[] {
  return [...(table === 'main' ? ns.mainTable : ns.localTable).list()].sort((a, b) => a.dst - b.dst || a.prefixLength - b.prefixLength || a.metric - b.metric);
}

const NUD_VALID = new Set(['reachable', 'stale', 'delay', 'probe', 'permanent', 'noarp']);

// ------------------------------------------------------------------------------------------ the command

export function ipCommand(machine: Machine): CommandImpl {
  return (ctx) => runIp(machine, ctx);
}

function runIp(m: Machine, ctx: CommandContext): number {
  const d: Dialect = m.userland === 'busybox' ? 'busybox' : 'iproute2';
  const args = ctx.argv.slice(1);
  let oneline = false;
  let detail = false;
  let brief = false;
  while (args.length > 0 && args[0]!.startsWith('-')) {
    const a = args.shift()!;
    if (a === '-4' || a === '-s' || a === '-c' || a === '-color' || a === '-n' || a === '-stats') continue;
    if (a === '-6') return 0;
    if (a === '-o' || a === '-oneline') oneline = true;
    else if (a === '-d' || a === '-details') detail = true;
    else if (a === '-br' || a === '-brief') brief = true;
    else {
      ctx.stderr(d === 'iproute2' ? `Option "${a}" is unknown, try "ip -help".\n` : `ip: invalid option -- '${a.slice(1, 2)}'\n`);
      return d === 'iproute2' ? 255 : 1;
    }
  }
  const obj = args.shift() ?? '';
  const fail = (iproute: string, bb: string, code = 1): number => {
    ctx.stderr((d === 'iproute2' ? iproute : bb) + '\n');
    return code;
  };
  const devNotFound = (name: string): number => fail(`Device "${name}" does not exist.`, `ip: can't find device '${name}'`);
  const is = (word: string, full: string, min = 1): boolean => word.length >= min && full.startsWith(word);
  if (obj === '') return fail('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }', 'BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.\n\nUsage: ip [OPTIONS] address|route|link|neigh|rule [ARGS]', d === 'iproute2' ? 255 : 1);

  if (is(obj, 'address') || is(obj, 'link')) {
    const isLink = is(obj, 'link');
    const cmd = args[0] === undefined || ['show', 'list', 'ls', 'lst', 'sh'].includes(args[0]) ? 'show' : args[0];
    if (cmd === 'show') {
      if (args.length > 0) args.shift();
      let devName: string | undefined;
      let upOnly = false;
      while (args.length > 0) {
        const w = args.shift()!;
        if (w === 'dev') devName = args.shift();
        else if (w === 'up') upOnly = true;
        else devName = w;
      }
      let devs = m.ns.deviceList;
      if (devName !== undefined) {
        if (!m.ns.hasDevice(devName)) return devNotFound(devName);
        devs = [m.ns.device(devName)];
      }
      if (upOnly) devs = devs.filter((x) => x.adminUp);
      const v4 = ctx.argv.includes('-4');
      const out: string[] = [];
      for (const dev of devs) {
        const v = view(m, dev);
        if (brief) {
          const addrs = m.ns.addresses.filter((a) => a.dev === dev).map((a) => `${formatIpv4(a.address)}/${a.prefixLength} `);
          out.push(`${(dev.name + v.at).padEnd(16)} ${v.state.padEnd(14)} ${isLink ? formatMac(dev.mac) + ' <' + dev.flags().join(',') + '> ' : addrs.join('')}`);
          continue;
        }
        if (!isLink && oneline) {
          if (!v4) out.push(`${dev.ifindex}: ${dev.name}${v.at}: <${dev.flags().join(',')}> mtu ${dev.mtu} qdisc ${v.qdisc} state ${v.state}\\${linkLine2(v, d).replace(/^ {4}/, '    ')}`);
          out.push(...addrLines(m.ns, dev, true));
          if (!v4) out.push(...inet6Lines(m, dev, d, true));
          continue;
        }
        if (v4 && !isLink && !m.ns.addresses.some((a) => a.dev === dev)) continue;
        if (oneline) {
          out.push(`${linkLine1(v, d, 'link')}\\${linkLine2(v, d)}`);
          continue;
        }
        const first = linkLine1(v, d, isLink ? 'link' : 'addr');
        if (v4 && !isLink) {
          out.push(d === 'iproute2' && v.netnsid !== undefined ? `${first}${first.endsWith(' ') ? '' : ' '}link-netnsid ${v.netnsid}` : first);
          out.push(...addrLines(m.ns, dev, false));
          continue;
        }
        if (detail) {
          const x = details(v);
          out.push(first, linkLine2(v, d) + x.tail, ...x.lines);
        } else out.push(first, linkLine2(v, d));
        if (!isLink) out.push(...addrLines(m.ns, dev, false), ...inet6Lines(m, dev, d, false));
      }
      for (const l of out) ctx.stdout(l + '\n');
      return 0;
    }
    // Changes: ip link set DEV up|down|mtu N|master BR|nomaster; ip addr add|del CIDR dev DEV.
    if (isLink && cmd === 'set') {
      args.shift();
      let name = args.shift();
      if (name === 'dev') name = args.shift();
      if (name === undefined || !m.ns.hasDevice(name)) return devNotFound(name ?? '');
      const dev = m.ns.device(name);
      while (args.length > 0) {
        const w = args.shift()!;
        if (w === 'up') dev.up();
        else if (w === 'down') dev.down();
        else if (w === 'mtu') dev.mtu = Number(args.shift());
        else if (w === 'promisc') dev.promiscuity += args.shift() === 'on' ? 1 : dev.promiscuity > 0 ? -1 : 0;
        else return fail(`Error: either "dev" is duplicate, or "${w}" is a garbage.`, `ip: invalid argument '${w}' to 'ip'`);
      }
      return 0;
    }
    if (!isLink && (cmd === 'add' || cmd === 'del' || cmd === 'delete')) {
      args.shift();
      const cidr = args.shift() ?? '';
      let name: string | undefined;
      while (args.length > 0) {
        const w = args.shift()!;
        if (w === 'dev') name = args.shift();
      }
      if (name === undefined) return fail('Not enough information: "dev" argument is required.', "ip: need 'dev'");
      if (!m.ns.hasDevice(name)) return fail(`Cannot find device "${name}"`, `ip: can't find device '${name}'`);
      try {
        if (cmd === 'add') m.ns.addAddress(name, cidr.includes('/') ? cidr : `${cidr}/32`);
        else m.ns.delAddress(name, cidr.includes('/') ? cidr : `${cidr}/32`);
      } catch (e) {
        const msg = (e as Error).message.replace(/ \(.*\)$/, '');
        return fail(cmd === 'add' ? 'RTNETLINK answers: File exists' : 'RTNETLINK answers: Cannot assign requested address', msg.startsWith('RTNETLINK') ? `ip: ${msg}` : `ip: ${msg}`, 2);
      }
      return 0;
    }
    return fail(`Command "${cmd}" is unknown, try "ip ${isLink ? 'link' : 'address'} help".`, `ip: unknown command '${cmd}'`, d === 'iproute2' ? 255 : 1);
  }

  if (is(obj, 'route')) {
    const cmd = args[0] === undefined || ['show', 'list', 'ls', 'sh'].includes(args[0]) ? 'show' : args[0];
    if (cmd === 'show') {
      if (args.length > 0) args.shift();
      let table: 'main' | 'local' = 'main';
      let devName: string | undefined;
      // A prefix selects the route with exactly that destination ("default" is 0.0.0.0/0), as `ip route show PREFIX`.
      let exact: { dst: number; len: number } | undefined;
      while (args.length > 0) {
        const w = args.shift()!;
        if (w === 'table') table = args.shift() === 'local' ? 'local' : 'main';
        else if (w === 'dev') devName = args.shift();
        else if (w === 'default' || w === '0/0' || w === 'all') exact = w === 'all' ? undefined : { dst: 0, len: 0 };
        else {
          const text = w === 'exact' || w === 'root' || w === 'match' ? (args.shift() ?? '') : w;
          const [a, l] = text.split('/') as [string, string | undefined];
          const addr = parseAddr(a);
          if (addr === undefined) return fail(`Error: any valid prefix is expected rather than "${text}".`, `ip: an inet prefix is expected rather than "${text}"`);
          exact = { dst: addr, len: l === undefined ? 32 : Number(l) };
        }
      }
      if (devName !== undefined && !m.ns.hasDevice(devName)) return fail(`Cannot find device "${devName}"`, `ip: can't find device '${devName}'`);
      for (const r of sortedRoutes(m.ns, table)) {
        if (devName !== undefined && r.dev?.name !== devName) continue;
        if (exact !== undefined && (r.dst !== exact.dst || r.prefixLength !== exact.len)) continue;
        const line = routeLine(r, d, table);
        ctx.stdout((devName !== undefined ? line.replace(` dev ${devName}`, '') : line) + '\n');
      }
      return 0;
    }
    if (cmd === 'get') {
      const dst = parseAddr(args[1] ?? '');
      if (dst === undefined) return fail(`Error: inet prefix is expected rather than "${args[1] ?? ''}".`, `ip: an inet address is expected rather than "${args[1] ?? ''}"`);
      const r = m.ns.routeOutput(dst);
      if (r === undefined) return fail('RTNETLINK answers: Network is unreachable', 'ip: RTNETLINK answers: Network is unreachable', 2);
      const local = m.ns.isLocalAddress(dst);
      const gw = r.gateway !== undefined ? ` via ${formatIpv4(r.gateway)}` : '';
      ctx.stdout(`${local ? 'local ' : ''}${formatIpv4(dst)}${gw} dev ${local ? 'lo' : r.dev.name} src ${formatIpv4(r.src)} ${d === 'iproute2' ? 'uid 0 ' : ''}\n    cache ${local ? '<local> ' : ''}\n`);
      return 0;
    }
    if (cmd === 'add' || cmd === 'del' || cmd === 'delete' || cmd === 'replace') {
      args.shift();
      const dst = args.shift() ?? '';
      const o: { via?: string; dev?: string; metric?: number; src?: string } = {};
      while (args.length > 0) {
        const w = args.shift()!;
        const v = args.shift();
        if (v === undefined) break;
        if (w === 'via') o.via = v;
        else if (w === 'dev') o.dev = v;
        else if (w === 'metric') o.metric = Number(v);
        else if (w === 'src') o.src = v;
      }
      try {
        if (cmd === 'add') m.ns.addRoute(dst, o);
        else {
          const { address, prefixLength } = dst === 'default' ? { address: 0, prefixLength: 0 } : dst.includes('/') ? parseCidr(dst) : { address: parseIpv4(dst), prefixLength: 32 };
          const n = m.ns.mainTable.delete({ dst: address, prefixLength });
          if (n === 0) return fail('RTNETLINK answers: No such process', 'ip: RTNETLINK answers: No such process', 2);
          if (cmd === 'replace') m.ns.addRoute(dst, o);
        }
      } catch (e) {
        const msg = (e as Error).message.replace(/ \(.*\)$/, '');
        return fail(msg.startsWith('RTNETLINK') ? msg : 'RTNETLINK answers: Network is unreachable', `ip: ${msg}`, 2);
      }
      return 0;
    }
    return fail(`Command "${cmd}" is unknown, try "ip route help".`, `ip: unknown command '${cmd}'`, d === 'iproute2' ? 255 : 1);
  }

  if (is(obj, 'neighbour') || is(obj, 'neighbor')) {
    const cmd = args[0] === undefined || ['show', 'list', 'ls', 'sh'].includes(args[0]) ? 'show' : args[0];
    if (cmd !== 'show') return fail(`Command "${cmd}" is unknown, try "ip neigh help".`, `ip: unknown command '${cmd}'`, d === 'iproute2' ? 255 : 1);
    if (args.length > 0) args.shift();
    let devName: string | undefined;
    while (args.length > 0) {
      const w = args.shift()!;
      if (w === 'dev') devName = args.shift();
    }
    for (const e of m.ns.neigh.list()) {
      if (e.state === 'none') continue;
      if (devName !== undefined && e.dev.name !== devName) continue;
      const ll = NUD_VALID.has(e.state) ? ` lladdr ${formatMac(e.mac)}` : '';
      const dev = devName !== undefined ? '' : ` dev ${e.dev.name}`;
      if (d === 'busybox') ctx.stdout(`${formatIpv4(e.ip)}${dev}${ll} ref 1 used 0/0/0 probes ${e.state === 'failed' ? 3 : 0} ${e.state.toUpperCase()}\n`);
      else ctx.stdout(`${formatIpv4(e.ip)}${dev}${ll} ${e.state.toUpperCase()} \n`);
    }
    return 0;
  }
  return fail(`Object "${obj}" is unknown, try "ip help".`, `ip: unknown object '${obj}'`, d === 'iproute2' ? 255 : 1);
}

function parseAddr(s: string): Ipv4Address | undefined {
  try {
    return parseIpv4(s);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------ busybox ifconfig, route

function scaled(n: number): string {
  const ext = ['', 'Ki', 'Mi', 'Gi', 'Ti'];
  let int = n;
  let frac = 0;
  let e = 0;
  for (let i = 0; i < 4; i++) {
    if (int >= 1024) {
      frac = Math.floor(((int % 1024) * 10) / 1024);
      int = Math.floor(int / 1024);
      e++;
    }
  }
  return `${n} (${int}.${frac} ${ext[e]}B)`;
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export function ifconfigCommand(machine: Machine): CommandImpl {
  return (ctx) => {
    const args = ctx.argv.slice(1);
    const all = args[0] === '-a';
    if (all) args.shift();
    let devs = [...machine.ns.deviceList].sort((a, b) => naturalCompare(a.name, b.name));
    if (args[0] !== undefined) {
      const name = args[0];
      if (!machine.ns.hasDevice(name)) {
        ctx.stderr(`ifconfig: ${name}: error fetching interface information: Device not found\n`);
        return 1;
      }
      devs = [machine.ns.device(name)];
    } else if (!all) devs = devs.filter((d) => d.adminUp);
    for (const dev of devs) {
      const lo = dev.kind === 'loopback';
      const v = view(machine, dev);
      const c = dev.counters;
      const lines: string[] = [];
      lines.push(lo ? `${dev.name.padEnd(10)}Link encap:Local Loopback  ` : `${dev.name.padEnd(10)}Link encap:Ethernet  HWaddr ${formatMac(dev.mac).toUpperCase()}  `);
      const a = machine.ns.addresses.find((x) => x.dev === dev);
      if (a !== undefined) {
        const mask = formatIpv4(prefixMask(a.prefixLength));
        lines.push(lo || a.broadcast === 0 ? `          inet addr:${formatIpv4(a.address)}  Mask:${mask}` : `          inet addr:${formatIpv4(a.address)}  Bcast:${formatIpv4(a.broadcast)}  Mask:${mask}`);
      }
      const flags: string[] = [];
      if (dev.adminUp) flags.push('UP');
      if (!lo) flags.push('BROADCAST');
      if (lo) flags.push('LOOPBACK');
      if (dev.adminUp && dev.carrier) flags.push('RUNNING');
      if (dev.promiscuity > 0) flags.push('PROMISC');
      if (!lo) flags.push('MULTICAST');
      lines.push(`          ${flags.join(' ')}  MTU:${dev.mtu}  Metric:1`);
      lines.push(`          RX packets:${c.rxPackets} errors:${c.rxErrors} dropped:${c.rxDropped} overruns:0 frame:0`);
      lines.push(`          TX packets:${c.txPackets} errors:${c.txErrors} dropped:${c.txDropped} overruns:0 carrier:0`);
      lines.push(`          collisions:0 txqueuelen:${v.qlen} `);
      lines.push(`          RX bytes:${scaled(c.rxBytes)}  TX bytes:${scaled(c.txBytes)}`);
      ctx.stdout(lines.join('\n') + '\n\n');
    }
    return 0;
  };
}

export function routeCommand(machine: Machine): CommandImpl {
  return (ctx) => {
    const args = ctx.argv.slice(1);
    const numeric = args.some((a) => /^-\w*n/.test(a));
    ctx.stdout('Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n');
    for (const r of sortedRoutes(machine.ns, 'main')) {
      if (r.type !== 'unicast' || r.dev === undefined) continue;
      const name = (a: Ipv4Address, isDst: boolean): string => (numeric ? formatIpv4(a) : a === 0 ? (isDst ? 'default' : '*') : formatIpv4(a));
      let flags = 'U';
      if (r.gateway !== undefined) flags += 'G';
      if (r.prefixLength === 32) flags += 'H';
      const dst = name(r.dst, true).padEnd(15);
      const gw = name(r.gateway ?? 0, false).padEnd(15);
      const mask = formatIpv4(prefixMask(r.prefixLength)).padEnd(16);
      ctx.stdout(`${dst} ${gw} ${mask}${flags.padEnd(6)}${String(r.metric).padEnd(6)} ${'0'.padEnd(2)} ${'0'.padStart(7)} ${r.dev.name}\n`);
    }
    return 0;
  };
}
