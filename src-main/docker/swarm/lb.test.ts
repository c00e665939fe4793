// The east-west load balancer of a container sandbox (lb.ts) and the ping-to-VIP rule of engines 1.13–18.05:
// the rule comes and goes with the service, a ping to the VIP is answered inside the sandbox without a frame on the
// wire, and the per-version switches (EngineBehaviour) that decide where a task's VIP lives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetLab } from '../../net/scenario.ts';
import { enableNetfilter } from '../../net/netfilter-glue.ts';
import { ping, type PingResult } from '../../net/sockets/ping.ts';
import { ms, s } from '../../sim/time.ts';
import { engineBehaviour } from '../version.ts';
import { LbSandbox } from './lb.ts';
import type { EndpointRecord } from './types.ts';

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
  }
});
