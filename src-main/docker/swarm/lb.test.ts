// The east-west load balancer of a container sandbox (lb.ts) and the ping-to-VIP rule of engines 1.13–18.05:
// the rule comes and goes with the service, a ping to the VIP is answered inside the sandbox without a frame on the
// wire, and the per-version switches (EngineBehaviour) that decide where a task's VIP lives. Then the 18.06+
// lb-<net> sandbox (kind 'lb'): the VIP held on its endpoint, the client's ARP and ping answered there, TCP
// balanced round robin with the LB address as the source the backends see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { formatMac } from '../../common/wire/mac.ts';
import { NetLab } from '../../net/scenario.ts';
import { enableNetfilter } from '../../net/netfilter-glue.ts';
import { switched } from '../../net/testing/topologies.ts';
import { ping, type PingResult } from '../../net/sockets/ping.ts';
import { ms, s } from '../../sim/time.ts';
import { engineBehaviour } from '../version.ts';
import { LbSandbox } from './lb.ts';
import type { EndpointRecord } from './types.ts';
import type { NetNamespace } from '../../net/namespace.ts';

const NET = 'n1';

function record(ip: string, over: Partial<EndpointRecord> = {}): EndpointRecord {
  return { networkId: NET, endpointId: `ep-${ip}`, nodeId: 'node', vtep: '192.168.99.100', name: `web.${ip}`, ip, mac: '02:42:0a:00:01:09', aliases: [], serviceName: 'web', serviceId: 'svc1', endpointMode: 'vip', vip: '10.0.1.2/24', ...over };
}

/** A client sandbox on 10.0.1.0/24 whose eth0 leads to a namespace that answers nothing (counts frames). */
function sandbox(pingDnat: boolean) {
  const lab = new NetLab({ seed: 7 });
  const c = lab.namespace('client');
  const peer = lab.namespace('peer');
  lab.vethPair(c, 'eth0', peer, 'veth0');
  c.addAddress('eth0', '10.0.1.9/24');
  const fw = enableNetfilter(c, { ipvs: true });
  let next = 256;
  const lb = new LbSandbox(fw, 'container', () => next++, pingDnat);
  lb.addNetwork(NET, '10.0.1.0/24', '10.0.1.9');
  return { lab, c, fw, lb, frames: () => peer.device('veth0').counters.rxPackets };
}

function pingVip(lab: NetLab, c: ReturnType<typeof sandbox>['c'], at: number): PingResult[] {
  const out: PingResult[] = [];
  lab.at(ms(at), () => ping(c, '10.0.1.2', { count: 2, timeout: s(4) }, (r) => out.push(r)));
  return out;
}

test('1.13–18.05: the VIP ping rule is added with the service and answered in the sandbox itself', () => {
  const sb = sandbox(true);
  sb.lb.sync(NET, [record('10.0.1.3'), record('10.0.1.4')]);
  assert.deepEqual(sb.lb.errors, []);
  const nat = sb.fw.iptables('-t nat -S OUTPUT').stdout.trim().split('\n');
  assert.deepEqual(nat, ['-P OUTPUT ACCEPT', '-A OUTPUT -d 10.0.1.2/32 -p icmp -m icmp --icmp-type 8 -j DNAT --to-destination 127.0.0.1']);
  const pings = pingVip(sb.lab, sb.c, 100);
  sb.lab.run(s(8));
  assert.equal(pings[0]!.received, 2);
  assert.match(pings[0]!.lines[0]!, /^64 bytes from 10\.0\.1\.2: icmp_seq=1 /);
  assert.equal(sb.frames(), 0, 'no ARP and no echo request leaves the sandbox');
  // TCP/UDP balancing is untouched: the IPVS service still has both tasks
  assert.match(sb.fw.ipvsadm('-Ln').stdout, /FWM {2}256 rr\n {2}-> 10\.0\.1\.3:0 +Masq +1 .*\n {2}-> 10\.0\.1\.4:0 +Masq +1 /);
});

test('the ping rule leaves with the service; then the VIP is asked for by ARP and nobody answers', () => {
  const sb = sandbox(true);
  sb.lb.sync(NET, [record('10.0.1.3')]);
  sb.lb.sync(NET, []);
  assert.deepEqual(sb.lb.errors, []);
  assert.deepEqual(sb.fw.iptables('-t nat -S OUTPUT').stdout.trim().split('\n'), ['-P OUTPUT ACCEPT']);
  const pings = pingVip(sb.lab, sb.c, 100);
  sb.lab.run(s(8));
  assert.equal(pings[0]!.received, 0);
  assert.ok(sb.frames() > 0, 'ARP requests for the VIP went out');
});

test('1.12 and 18.06+: no ping rule, the VIP is not answered by the sandbox', () => {
  const sb = sandbox(false);
  sb.lb.sync(NET, [record('10.0.1.3')]);
  assert.deepEqual(sb.fw.iptables('-t nat -S OUTPUT').stdout.trim().split('\n'), ['-P OUTPUT ACCEPT']);
  const pings = pingVip(sb.lab, sb.c, 100);
  sb.lab.run(s(8));
  assert.equal(pings[0]!.received, 0);
});

test('dnsrr services have no VIP and so no ping rule', () => {
  const sb = sandbox(true);
  sb.lb.sync(NET, [record('10.0.1.3', { endpointMode: 'dnsrr', vip: undefined as never })]);
  assert.deepEqual(sb.fw.iptables('-t nat -S OUTPUT').stdout.trim().split('\n'), ['-P OUTPUT ACCEPT']);
});

test('engine versions: where the task VIP lives and whether pings to VIPs are DNATed (libnetwork per moby tag)', () => {
  const cases: [string, 'iface' | 'lo' | 'none', boolean][] = [
    ['1.12.0', 'iface', false],
    ['1.12.6', 'iface', false],
    ['1.13.0', 'iface', true],
    ['17.06.2', 'iface', true],
    ['17.07.0', 'iface', true],
    ['17.09.0', 'lo', true],
    ['18.05.0', 'lo', true],
    ['18.06.0', 'none', false],
    ['20.10.24', 'none', false],
    ['28.5.2', 'none', false],
  ];
  for (const [v, where, dnat] of cases) {
    const b = engineBehaviour(v);
    assert.equal(b.taskVipAddress, where, v);
    assert.equal(b.vipPingDnat, dnat, v);
    // the lb-<net> sandbox comes with 18.06, exactly where the task VIPs go away
    assert.equal(b.lbSandbox, where === 'none', v);
  }
});

/**
 * One overlay segment as br0 sees it: a client container (10.0.1.9), the node's lb-n1 sandbox (LB IP 10.0.1.5,
 * forwarding on as node.ts sets it) and two tasks of `web` (10.0.1.3, 10.0.1.4) listening on 80, each recording
 * the source address of the connections it accepts.
 */
function lbSegment() {
  const lab = new NetLab({ seed: 9 });
  const hosts = [
    { name: 'client', mac: '02:42:0a:00:01:09', address: '10.0.1.9/24' },
    { name: 'lb', mac: '02:42:0a:00:01:05', address: '10.0.1.5/24' },
    { name: 't1', mac: '02:42:0a:00:01:03', address: '10.0.1.3/24' },
    { name: 't2', mac: '02:42:0a:00:01:04', address: '10.0.1.4/24' },
  ];
  const seg = switched(lab, { ns: 'ov', bridge: 'br0' }, hosts);
  const [client, lbNs, t1, t2] = seg.hosts as [NetNamespace, NetNamespace, NetNamespace, NetNamespace];
  lbNs.sysctl.ipForward = true;
  const seen: Record<'t1' | 't2', string[]> = { t1: [], t2: [] };
  for (const [name, ns] of [['t1', t1], ['t2', t2]] as const) {
    ns.tcp.listen(80).onConnection = (sock) => {
      seen[name].push(formatIpv4(sock.remoteAddress));
      sock.end();
    };
  }
  const fw = enableNetfilter(lbNs, { ipvs: true });
  let next = 256;
  const lb = new LbSandbox(fw, 'lb', () => next++, false, {
    add: (vip) => lbNs.addAddress('eth0', `${vip}/32`),
    del: (vip) => lbNs.delAddress('eth0', `${vip}/32`),
  });
  lb.addNetwork(NET, '10.0.1.0/24', '10.0.1.5');
  return { lab, client, lbNs, fw, lb, seen };
}

const eth0Addresses = (ns: NetNamespace): string[] => ns.addresses.filter((a) => a.dev.name === 'eth0').map((a) => `${formatIpv4(a.address)}/${a.prefixLength}`);

test('18.06+ lb-<net>: the VIP is a /32 on the endpoint, marked in mangle INPUT, SNAT to the LB IP once per network', () => {
  const sb = lbSegment();
  sb.lb.sync(NET, [record('10.0.1.3'), record('10.0.1.4'), record('10.0.1.7', { serviceId: 'svc2', serviceName: 'db', endpointMode: 'dnsrr', vip: undefined as never })]);
  assert.deepEqual(sb.lb.errors, []);
  assert.deepEqual(eth0Addresses(sb.lbNs), ['10.0.1.5/24', '10.0.1.2/32'], 'the vip service only: dnsrr has no VIP');
  assert.deepEqual(sb.fw.iptables('-t mangle -S INPUT').stdout.trim().split('\n'), ['-P INPUT ACCEPT', '-A INPUT -d 10.0.1.2/32 -j MARK --set-xmark 0x100/0xffffffff']);
  assert.deepEqual(sb.fw.iptables('-t mangle -S OUTPUT').stdout.trim().split('\n'), ['-P OUTPUT ACCEPT'], 'nothing in OUTPUT: that was the client model');
  assert.deepEqual(sb.fw.iptables('-t nat -S POSTROUTING').stdout.trim().split('\n'), ['-P POSTROUTING ACCEPT', '-A POSTROUTING -d 10.0.1.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.1.5']);
  assert.deepEqual(sb.fw.iptables('-t nat -S OUTPUT').stdout.trim().split('\n'), ['-P OUTPUT ACCEPT'], 'no ping DNAT: the VIP is a local address here');
  assert.match(sb.fw.ipvsadm('-Ln').stdout, /FWM {2}256 rr\n {2}-> 10\.0\.1\.3:0 +Masq +1 .*\n {2}-> 10\.0\.1\.4:0 +Masq +1 /);
  // the service goes: its VIP, mark rule and IPVS service go with it; the network's SNAT rule stays
  sb.lb.sync(NET, []);
  assert.deepEqual(sb.lb.errors, []);
  assert.deepEqual(eth0Addresses(sb.lbNs), ['10.0.1.5/24']);
  assert.deepEqual(sb.fw.iptables('-t mangle -S INPUT').stdout.trim().split('\n'), ['-P INPUT ACCEPT']);
  assert.doesNotMatch(sb.fw.ipvsadm('-Ln').stdout, /FWM/);
  sb.lb.removeNetwork(NET);
  assert.deepEqual(sb.lb.errors, []);
  assert.deepEqual(sb.fw.iptables('-t nat -S POSTROUTING').stdout.trim().split('\n'), ['-P POSTROUTING ACCEPT']);
});

test('18.06+ lb-<net>: the client ARPs for the VIP and the lb sandbox answers it and its ping', () => {
  const sb = lbSegment();
  sb.lb.sync(NET, [record('10.0.1.3'), record('10.0.1.4')]);
  const pings = pingVip(sb.lab, sb.client, 100);
  sb.lab.run(s(8));
  assert.equal(pings[0]!.received, 2);
  assert.match(pings[0]!.lines[0]!, /^64 bytes from 10\.0\.1\.2: icmp_seq=1 /);
  const n = sb.client.neigh.lookup(sb.client.device('eth0'), parseIpv4('10.0.1.2'));
  assert.equal(n?.mac === undefined ? undefined : formatMac(n.mac), '02:42:0a:00:01:05', "the VIP resolves to the lb endpoint's MAC");
});

test('18.06+ lb-<net>: TCP to the VIP alternates over the tasks and every task sees the LB IP as the source', () => {
  const sb = lbSegment();
  sb.lb.sync(NET, [record('10.0.1.3'), record('10.0.1.4')]);
  const done: string[] = [];
  for (const at of [100, 400, 700, 1000]) {
    sb.lab.at(ms(at), () => {
      const sock = sb.client.tcp.connect('10.0.1.2', 80);
      sock.onEnd = () => {
        done.push(`${formatIpv4(sock.remoteAddress)}:${sock.remotePort}`);
        sock.end();
      };
    });
  }
  sb.lab.run(s(3));
  assert.deepEqual(done, ['10.0.1.2:80', '10.0.1.2:80', '10.0.1.2:80', '10.0.1.2:80'], 'the client talks to the VIP throughout');
  assert.deepEqual(sb.seen, { t1: ['10.0.1.5', '10.0.1.5'], t2: ['10.0.1.5', '10.0.1.5'] });
});

test('an lb sandbox needs its VIP aliases, and only it takes them', () => {
  const fw = enableNetfilter(new NetLab({ seed: 1 }).namespace('x'), { ipvs: true });
  assert.throws(() => new LbSandbox(fw, 'lb', () => 256));
  assert.throws(() => new LbSandbox(fw, 'container', () => 256, false, { add: () => undefined, del: () => undefined }));
});
