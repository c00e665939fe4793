// IPVS as the swarm routing mesh uses it (docker-networking.md §7.3/§7.4): in ingress_sbox, mangle PREROUTING
// marks the published port with a fwmark, an IPVS fwmark service (rr, Masq) picks a task, nat POSTROUTING
// `-m ipvs --ipvs -d 10.0.0.0/24 -j SNAT --to-source <sbox ingress IP>` hides the client, and the replies are
// un-NATed by conntrack (SNAT) and by IPVS's own connection table (the VIP).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import * as tcp from '../../common/wire/tcp.ts';
import { Random } from '../../sim/random.ts';
import { iptablesLine } from '../netfilter/iptables.ts';
import { readIp } from '../netfilter/ipbytes.ts';
import { Netfilter, type HookResult, type PacketMeta } from '../netfilter/netfilter.ts';
import { checksumsValid, ip, tcpPacket, udpPacket } from '../netfilter/testing.ts';
import { Ipvs } from './ipvs.ts';
import { ipvsadm, NO_IPVS_MESSAGE } from './ipvsadm.ts';

function addrs(b: Uint8Array): string {
  const i = readIp(b)!;
  return `${formatIpv4(i.src)}:${i.sport} > ${formatIpv4(i.dst)}:${i.dport}`;
}

/** ingress_sbox: eth0 on the ingress overlay (10.0.0.2), eth1 on docker_gwbridge (172.18.0.2). */
function ingressSbox(): { nf: Netfilter; ipvs: Ipvs; clock: { now: number } } {
  const clock = { now: 0 };
  const local = new Set([ip('10.0.0.2'), ip('172.18.0.2'), ip('127.0.0.1')]);
  const primary: Record<string, number> = { eth0: ip('10.0.0.2'), eth1: ip('172.18.0.2') };
  const nf = new Netfilter({ now: () => clock.now, random: new Random(3).fork('sbox'), isLocalAddress: (a) => local.has(a), primaryAddress: (d) => primary[d] });
  const ipvs = new Ipvs({ now: () => clock.now });
  nf.attachIpvs(ipvs);
  for (const line of ['-t mangle -A PREROUTING -p tcp --dport 8080 -j MARK --set-mark 256', '-t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2']) {
    const r = iptablesLine(nf, line);
    assert.equal(r.exitCode, 0, r.stderr);
  }
  for (const args of ['-A -f 256 -s rr', '-a -f 256 -r 10.0.0.5 -m -w 1', '-a -f 256 -r 10.0.0.6 -m -w 1']) {
    const r = ipvsadm(ipvs, args.split(' '));
    assert.equal(r.exitCode, 0, r.stderr);
  }
  return { nf, ipvs, clock };
}

/** Request path of the sbox: PREROUTING, INPUT (IPVS takes it), then OUTPUT and POSTROUTING towards eth0. */
function request(nf: Netfilter, pkt: Uint8Array): HookResult {
  const pre = nf.hook('PREROUTING', pkt, { inDev: 'eth1', mark: 0 });
  assert.equal(pre.verdict, 'accept');
  const inp = nf.hook('INPUT', pre.packet, pre.meta);
  assert.equal(inp.verdict, 'accept');
  assert.equal(inp.reroute, true, 'IPVS took the packet at LOCAL_IN');
  const meta: PacketMeta = { ...inp.meta, outDev: 'eth0' };
  const out = nf.hook('OUTPUT', inp.packet, meta);
  return nf.hook('POSTROUTING', out.packet, out.meta);
}

/** Reply path: from a task on eth0, routed back to the client on eth1. */
function reply(nf: Netfilter, pkt: Uint8Array): HookResult {
  const pre = nf.hook('PREROUTING', pkt, { inDev: 'eth0', mark: 0 });
  const fwd = nf.hook('FORWARD', pre.packet, { ...pre.meta, outDev: 'eth1' });
  return nf.hook('POSTROUTING', fwd.packet, fwd.meta);
}

test('routing mesh: fwmark service, rr over 2 tasks for 4 connections, SNAT to the sbox, replies un-NATed', () => {
  const { nf } = ingressSbox();
  const chosen: string[] = [];
  for (let i = 0; i < 4; i++) {
    const cport = 60000 + 2 * i;
    const r = request(nf, tcpPacket({ src: '172.18.0.1', dst: '172.18.0.2', sport: cport, dport: 8080, flags: tcp.SYN }));
    assert.equal(r.verdict, 'accept');
    const info = readIp(r.packet)!;
    chosen.push(formatIpv4(info.dst));
    assert.equal(addrs(r.packet), `10.0.0.2:${cport} > ${formatIpv4(info.dst)}:8080`, 'SNAT to the sbox ingress IP, port kept');
    assert.ok(checksumsValid(r.packet));
    const task = formatIpv4(info.dst);
    const sa = reply(nf, tcpPacket({ src: task, dst: '10.0.0.2', sport: 8080, dport: cport, flags: tcp.SYN | tcp.ACK }));
    assert.equal(sa.verdict, 'accept');
    assert.equal(addrs(sa.packet), `172.18.0.2:8080 > 172.18.0.1:${cport}`, 'the client sees the VIP answer');
    assert.ok(checksumsValid(sa.packet));
    const ack = request(nf, tcpPacket({ src: '172.18.0.1', dst: '172.18.0.2', sport: cport, dport: 8080, flags: tcp.ACK }));
    assert.equal(formatIpv4(readIp(ack.packet)!.dst), task, 'the flow sticks to its real server');
    assert.ok(checksumsValid(ack.packet));
  }
  // Destinations are kept newest first (list_add_rcu in __ip_vs_update_dest) and rr starts at the list head:
  // the task added last (c2 = 10.0.0.6) is chosen first, then they alternate per connection.
  assert.deepEqual(chosen, ['10.0.0.6', '10.0.0.5', '10.0.0.6', '10.0.0.5']);
  // One conntrack entry per connection: original = client -> VIP, reply = task -> sbox (IPVS + SNAT).
  const lines = nf.conntrack.list();
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'tcp      6 432000 ESTABLISHED src=172.18.0.1 dst=172.18.0.2 sport=60000 dport=8080 src=10.0.0.6 dst=10.0.0.2 sport=8080 dport=60000 [ASSURED] mark=0 use=1');
});

test('ipvsadm -Ln: header, FWM service, destinations sorted, ActiveConn/InActConn follow the TCP states', () => {
  const { nf, ipvs, clock } = ingressSbox();
  for (let i = 0; i < 4; i++) {
    const cport = 50000 + i;
    const r = request(nf, tcpPacket({ src: '172.18.0.1', dst: '172.18.0.2', sport: cport, dport: 8080, flags: tcp.SYN }));
    const task = formatIpv4(readIp(r.packet)!.dst);
    reply(nf, tcpPacket({ src: task, dst: '10.0.0.2', sport: 8080, dport: cport, flags: tcp.SYN | tcp.ACK }));
    if (i < 3) request(nf, tcpPacket({ src: '172.18.0.1', dst: '172.18.0.2', sport: cport, dport: 8080, flags: tcp.ACK }));
  }
  const out = ipvsadm(ipvs, ['-Ln']);
  assert.equal(out.exitCode, 0);
  assert.equal(
    out.stdout,
    [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'FWM  256 rr',
      '  -> 10.0.0.5:0                   Masq    1      1          1         ',
      '  -> 10.0.0.6:0                   Masq    1      2          0         ',
      '',
    ].join('\n'),
  );
  const conns = ipvsadm(ipvs, ['-L', '-n', '-c'], clock.now).stdout.split('\n');
  assert.equal(conns[0], 'IPVS connection entries');
  assert.equal(conns[1], 'pro expire state       source             virtual            destination');
  assert.equal(conns[2], 'TCP 15:00  ESTABLISHED 172.18.0.1:50000   172.18.0.2:8080    10.0.0.6:8080');
  assert.equal(conns[5], 'TCP 01:00  SYN_RECV    172.18.0.1:50003   172.18.0.2:8080    10.0.0.5:8080');
  // SYN_RECV expires after 60 s, ESTABLISHED after 15 minutes.
  clock.now += 60e9;
  assert.match(ipvsadm(ipvs, ['-Ln']).stdout, /10\.0\.0\.5:0 {19}Masq {4}1 {6}1 {10}0 {9}\n/);
  clock.now += 840e9;
  assert.match(ipvsadm(ipvs, ['-Ln']).stdout, /10\.0\.0\.6:0 {19}Masq {4}1 {6}0 {10}0 {9}\n/);
  assert.equal(ipvs.connections().length, 0);
  assert.equal(ipvsadm(ipvs, ['-S', '-n']).stdout, '-A -f 256 -s rr\n-a -f 256 -r 10.0.0.5:0 -m -w 1\n-a -f 256 -r 10.0.0.6:0 -m -w 1\n');
});

test('a TCP VIP service: non-SYN packets without a connection go to the local stack; UDP is scheduled on any packet', () => {
  const clock = { now: 0 };
  const ipvs = new Ipvs({ now: () => clock.now });
  for (const a of ['-A -t 10.0.1.100:8080 -s rr', '-a -t 10.0.1.100:8080 -r 10.0.1.5 -m', '-a -t 10.0.1.100:8080 -r 10.0.1.6:9090 -m -w 2', '-A -u 10.0.1.100:53 -s wrr', '-a -u 10.0.1.100:53 -r 10.0.1.5 -m']) {
    assert.equal(ipvsadm(ipvs, a.split(' ')).exitCode, 0, a);
  }
  const ack = tcpPacket({ src: '10.0.1.2', dst: '10.0.1.100', sport: 40000, dport: 8080, flags: tcp.ACK });
  assert.equal(ipvs.request(ack, readIp(ack)!, 0), undefined);
  const syn = tcpPacket({ src: '10.0.1.2', dst: '10.0.1.100', sport: 40000, dport: 8080, flags: tcp.SYN });
  const r = ipvs.request(syn, readIp(syn)!, 0);
  assert.ok(r !== undefined && r !== 'drop');
  assert.equal(addrs(r.packet), '10.0.1.2:40000 > 10.0.1.6:9090', 'the real server port replaces the VIP port');
  assert.ok(checksumsValid(r.packet));
  const back = tcpPacket({ src: '10.0.1.6', dst: '10.0.1.2', sport: 9090, dport: 40000, flags: tcp.SYN | tcp.ACK });
  assert.equal(addrs(ipvs.reply(back, readIp(back)!)!), '10.0.1.100:8080 > 10.0.1.2:40000');
  const dns = udpPacket('10.0.1.2', '10.0.1.100', 33333, 53);
  const d = ipvs.request(dns, readIp(dns)!, 0);
  assert.ok(d !== undefined && d !== 'drop');
  assert.equal(addrs(d.packet), '10.0.1.2:33333 > 10.0.1.5:53');
  assert.ok(checksumsValid(d.packet));
  const other = udpPacket('10.0.1.2', '10.0.1.99', 33333, 53);
  assert.equal(ipvs.request(other, readIp(other)!, 0), undefined, 'not a VIP');
  assert.equal(
    ipvsadm(ipvs, ['-L', '-n']).stdout,
    [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  10.0.1.100:8080 rr',
      '  -> 10.0.1.5:8080                Masq    1      0          0         ',
      '  -> 10.0.1.6:9090                Masq    2      0          1         ',
      'UDP  10.0.1.100:53 wrr',
      '  -> 10.0.1.5:53                  Masq    1      0          1         ',
      '',
    ].join('\n'),
  );
  assert.match(ipvsadm(ipvs, ['-L']).stdout, /TCP {2}10\.0\.1\.100:http-alt rr\n/);
});

test('wrr interleaves by weight; weight 0 quiesces a server; a service without servers drops', () => {
  const ipvs = new Ipvs({ now: () => 0 });
  ipvs.addService({ kind: 'fwmark', fwmark: 300 }, 'wrr');
  ipvs.addDest({ kind: 'fwmark', fwmark: 300 }, { addr: ip('10.0.0.7'), port: 0, weight: 1, forward: 'Masq' });
  ipvs.addDest({ kind: 'fwmark', fwmark: 300 }, { addr: ip('10.0.0.8'), port: 0, weight: 3, forward: 'Masq' });
  const pick = (i: number, mark = 300): string => {
    const p = udpPacket('10.0.0.1', '10.0.0.100', 20000 + i, 53);
    const r = ipvs.request(p, readIp(p)!, mark);
    if (r === undefined || r === 'drop') return String(r);
    return formatIpv4(readIp(r.packet)!.dst);
  };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => pick(i)), ['10.0.0.8', '10.0.0.8', '10.0.0.8', '10.0.0.7', '10.0.0.8', '10.0.0.8', '10.0.0.8', '10.0.0.7']);
  ipvs.addService({ kind: 'fwmark', fwmark: 301 }, 'rr');
  ipvs.addDest({ kind: 'fwmark', fwmark: 301 }, { addr: ip('10.0.0.9'), port: 0, weight: 0, forward: 'Masq' });
  assert.equal(pick(100, 301), 'drop');
  assert.equal(pick(101, 999), 'undefined', 'no service for that mark');
});

test('ipvsadm errors, and the message when the kernel has no IPVS (reference/linux/facts.md §4)', () => {
  const none = ipvsadm(undefined, ['-Ln']);
  assert.equal(none.exitCode, 2);
  assert.equal(none.stderr, NO_IPVS_MESSAGE);
  assert.ok(none.stderr.startsWith("Can't initialize ipvs: Protocol not available\n"));
  const ipvs = new Ipvs({ now: () => 0 });
  assert.equal(
    ipvsadm(ipvs, ['-Ln']).stdout,
    'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
    'no services: only the header',
  );
  const run = (a: string): [number, string] => {
    const r = ipvsadm(ipvs, a.split(' '));
    return [r.exitCode, r.stderr];
  };
  assert.deepEqual(run('-A -t 10.0.0.1:80 -s rr'), [0, '']);
  assert.deepEqual(run('-A -t 10.0.0.1:80 -s rr'), [1, 'Service already exists\n']);
  assert.deepEqual(run('-A -t 10.0.0.2:80 -s bogus'), [1, 'Scheduler or persistence engine not found\n']);
  assert.deepEqual(run('-a -t 10.0.0.9:80 -r 10.0.0.5 -m'), [1, 'Service not defined\n']);
  assert.deepEqual(run('-a -t 10.0.0.1:80 -r 10.0.0.5 -m'), [0, '']);
  assert.deepEqual(run('-a -t 10.0.0.1:80 -r 10.0.0.5 -m'), [1, 'Destination already exists\n']);
  assert.deepEqual(run('-d -t 10.0.0.1:80 -r 10.0.0.6'), [1, 'No such destination\n']);
  assert.deepEqual(run('-D -t 10.0.0.3:80'), [1, 'No such service\n']);
  assert.deepEqual(run('-a -t 10.0.0.1:80 -m'), [2, "You need to supply the 'real-server' option for the 'add-server' command\n"]);
  assert.deepEqual(run('-A -t 10.0.0.x:80'), [2, 'illegal virtual server address[:port] specified\n']);
  assert.deepEqual(run('-L -t 10.0.0.3:80'), [1, 'No such service\n']);
  assert.deepEqual(run('-e -t 10.0.0.1:80 -r 10.0.0.5 -w 0'), [0, '']);
  assert.match(ipvsadm(ipvs, ['-Ln']).stdout, /-> 10\.0\.0\.5:80 {18}Masq {4}0 {6}/);
  assert.deepEqual(run('-C'), [0, '']);
  assert.equal(ipvs.listServices().length, 0);
});
