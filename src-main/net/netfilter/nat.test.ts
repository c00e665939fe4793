// NAT as Docker uses it (docker-networking.md §4.3/§4.4): DNAT for a published port, MASQUERADE for outbound
// traffic, replies un-NATed from the conntrack entry, clashing source ports remapped, ICMP errors translated.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readU16 } from '../../common/wire/bytes.ts';
import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import * as tcp from '../../common/wire/tcp.ts';
import { conntrackCommand } from './conntrack-cmd.ts';
import { iptablesLine } from './iptables.ts';
import { readIp } from './ipbytes.ts';
import { checksumsValid, dockerRules, forward, icmpEcho, icmpError, input, ip, output, tcpPacket, testHost, udpPacket } from './testing.ts';

function addrs(b: Uint8Array): string {
  const i = readIp(b)!;
  return `${formatIpv4(i.src)}:${i.sport} > ${formatIpv4(i.dst)}:${i.dport}`;
}

test('published port: DNAT on the first packet, replies un-NATed, later packets never traverse nat', () => {
  const h = testHost();
  dockerRules(h);
  const client = '192.168.99.1';
  const syn = tcpPacket({ src: client, dst: '192.168.99.100', sport: 50000, dport: 8080, flags: tcp.SYN });
  const r1 = forward(h, syn, 'eth0', 'docker0');
  assert.equal(r1.verdict, 'accept');
  assert.equal(addrs(r1.packet), '192.168.99.1:50000 > 172.17.0.2:80');
  assert.ok(checksumsValid(r1.packet));
  assert.equal(addrs(syn), '192.168.99.1:50000 > 192.168.99.100:8080', 'the input bytes are not modified');
  assert.equal(r1.meta.ct?.info, 'NEW');

  const synAck = tcpPacket({ src: '172.17.0.2', dst: client, sport: 80, dport: 50000, flags: tcp.SYN | tcp.ACK, ack: 1001 });
  const r2 = forward(h, synAck, 'docker0', 'eth0');
  assert.equal(r2.verdict, 'accept');
  assert.equal(addrs(r2.packet), '192.168.99.100:8080 > 192.168.99.1:50000');
  assert.ok(checksumsValid(r2.packet));
  assert.equal(r2.meta.ct?.info, 'ESTABLISHED');

  for (let i = 0; i < 3; i++) {
    const ack = tcpPacket({ src: client, dst: '192.168.99.100', sport: 50000, dport: 8080, flags: tcp.ACK | tcp.PSH, payload: new Uint8Array(100) });
    const r = forward(h, ack, 'eth0', 'docker0');
    assert.equal(r.verdict, 'accept');
    assert.equal(addrs(r.packet), '192.168.99.1:50000 > 172.17.0.2:80');
    assert.ok(checksumsValid(r.packet));
  }
  const dnat = h.nf.table('nat').chain('DOCKER')!.rules[1]!;
  assert.deepEqual(dnat.counters, { packets: 1, bytes: 60 }, 'only the first packet met the DNAT rule');
  const [e] = h.nf.conntrack.entries();
  assert.equal(e?.tcpState, 'ESTABLISHED');
  assert.equal(e?.assured, true);
  assert.deepEqual(h.nf.conntrack.list(), [
    'tcp      6 432000 ESTABLISHED src=192.168.99.1 dst=192.168.99.100 sport=50000 dport=8080 src=172.17.0.2 dst=192.168.99.1 sport=80 dport=50000 [ASSURED] mark=0 use=1',
  ]);
});

test('outside traffic straight to the container IP is dropped by the raw table (≥28 direct-routing protection)', () => {
  const h = testHost();
  dockerRules(h);
  const r = forward(h, tcpPacket({ src: '192.168.99.1', dst: '172.17.0.2', sport: 50001, dport: 80, flags: tcp.SYN }), 'eth0', 'docker0');
  assert.equal(r.verdict, 'drop');
  assert.equal(h.nf.table('raw').chain('PREROUTING')!.rules[0]!.counters.packets, 1);
});

test('MASQUERADE: a container reaches the outside behind the node address; the reply is un-NATed', () => {
  const h = testHost();
  dockerRules(h);
  const q = udpPacket('172.17.0.2', '8.8.8.8', 40000, 53);
  const r1 = forward(h, q, 'docker0', 'eth0');
  assert.equal(r1.verdict, 'accept');
  assert.equal(addrs(r1.packet), '192.168.99.100:40000 > 8.8.8.8:53', 'the source port is kept when it is free');
  assert.ok(checksumsValid(r1.packet));
  const a = udpPacket('8.8.8.8', '192.168.99.100', 53, 40000);
  const r2 = forward(h, a, 'eth0', 'docker0');
  assert.equal(r2.verdict, 'accept', 'DOCKER-CT accepts ESTABLISHED replies');
  assert.equal(addrs(r2.packet), '8.8.8.8:53 > 172.17.0.2:40000');
  assert.ok(checksumsValid(r2.packet));
  assert.deepEqual(h.nf.conntrack.list(), ['udp      17 30 src=172.17.0.2 dst=8.8.8.8 sport=40000 dport=53 src=8.8.8.8 dst=192.168.99.100 sport=53 dport=40000 mark=0 use=1']);
});

test('a clashing MASQUERADE tuple gets another source port, chosen deterministically from the seed', () => {
  const run = (seed: number): number => {
    const h = testHost(seed);
    dockerRules(h);
    forward(h, udpPacket('172.17.0.2', '8.8.8.8', 40000, 53), 'docker0', 'eth0');
    const r = forward(h, udpPacket('172.17.0.3', '8.8.8.8', 40000, 53), 'docker0', 'eth0');
    assert.equal(r.verdict, 'accept');
    const i = readIp(r.packet)!;
    assert.equal(formatIpv4(i.src), '192.168.99.100');
    assert.ok(checksumsValid(r.packet));
    // The reply to the remapped port reaches the second container.
    const back = forward(h, udpPacket('8.8.8.8', '192.168.99.100', 53, i.sport), 'eth0', 'docker0');
    assert.equal(addrs(back.packet), `8.8.8.8:53 > 172.17.0.3:40000`);
    assert.ok(checksumsValid(back.packet));
    // ...and the first container's reply still reaches the first one.
    const back1 = forward(h, udpPacket('8.8.8.8', '192.168.99.100', 53, 40000), 'eth0', 'docker0');
    assert.equal(addrs(back1.packet), `8.8.8.8:53 > 172.17.0.2:40000`);
    return i.sport;
  };
  const p1 = run(1);
  assert.notEqual(p1, 40000);
  assert.ok(p1 >= 1024 && p1 <= 65535, `remapped into 1024-65535 (got ${p1})`);
  assert.equal(run(1), p1, 'same seed, same port');
  assert.notEqual(run(2), p1, 'another seed picks another port');
});

test("a local socket's port is remapped too when a masqueraded flow already holds it (null binding)", () => {
  const h = testHost();
  dockerRules(h);
  forward(h, udpPacket('172.17.0.2', '8.8.8.8', 40000, 53), 'docker0', 'eth0');
  const r = output(h, udpPacket('192.168.99.100', '8.8.8.8', 40000, 53), 'eth0');
  assert.equal(r.verdict, 'accept');
  assert.notEqual(readIp(r.packet)!.sport, 40000);
  assert.ok(checksumsValid(r.packet));
  assert.equal(h.nf.conntrack.size, 2);
});

test('ICMP echo through MASQUERADE keeps its identifier; the reply comes back to the container', () => {
  const h = testHost();
  dockerRules(h);
  const r1 = forward(h, icmpEcho('172.17.0.2', '1.1.1.1', 0x0b0b, 1), 'docker0', 'eth0');
  assert.equal(addrs(r1.packet), '192.168.99.100:2827 > 1.1.1.1:2827');
  assert.ok(checksumsValid(r1.packet));
  const r2 = forward(h, icmpEcho('1.1.1.1', '192.168.99.100', 0x0b0b, 1, true), 'eth0', 'docker0');
  assert.equal(r2.verdict, 'accept');
  assert.equal(formatIpv4(readIp(r2.packet)!.dst), '172.17.0.2');
  assert.ok(checksumsValid(r2.packet));
  assert.deepEqual(h.nf.conntrack.list(), ['icmp     1 30 src=172.17.0.2 dst=1.1.1.1 type=8 code=0 id=2827 src=1.1.1.1 dst=192.168.99.100 type=0 code=0 id=2827 mark=0 use=1']);
  // A second container pinging with the same id gets another id on the wire.
  const r3 = forward(h, icmpEcho('172.17.0.3', '1.1.1.1', 0x0b0b, 1), 'docker0', 'eth0');
  assert.notEqual(readIp(r3.packet)!.sport, 0x0b0b);
  assert.ok(checksumsValid(r3.packet));
});

test('an ICMP error about a masqueraded flow is RELATED and translated back, quoted packet included', () => {
  const h = testHost();
  dockerRules(h);
  const out = forward(h, udpPacket('172.17.0.2', '8.8.8.8', 40000, 53), 'docker0', 'eth0');
  const err = icmpError('8.8.8.8', '192.168.99.100', 3, out.packet);
  const r = forward(h, err, 'eth0', 'docker0');
  assert.equal(r.verdict, 'accept', 'DOCKER-CT accepts RELATED');
  assert.equal(r.meta.ct?.info, 'RELATED');
  const o = readIp(r.packet)!;
  assert.equal(formatIpv4(o.dst), '172.17.0.2');
  assert.ok(checksumsValid(r.packet), 'outer IP and ICMP checksums');
  const inner = r.packet.subarray(o.headerLen + 8);
  assert.equal(addrs(inner), '172.17.0.2:40000 > 8.8.8.8:53');
  assert.ok(checksumsValid(inner), 'quoted IP and UDP checksums');
});

test('an ICMP error about nothing tracked is INVALID: DOCKER-CT does not accept it and FORWARD drops it', () => {
  const h = testHost();
  dockerRules(h);
  const stray = udpPacket('192.168.99.100', '8.8.8.8', 41000, 53);
  const r = forward(h, icmpError('8.8.8.8', '172.17.0.2', 3, stray), 'eth0', 'docker0');
  assert.equal(r.verdict, 'drop');
  assert.equal(r.meta.ct, undefined);
});

test('conntrack timeouts follow the injected clock: UDP 30 s unreplied, 120 s once a stream; ICMP 30 s', () => {
  const h = testHost();
  dockerRules(h);
  forward(h, udpPacket('172.17.0.2', '8.8.8.8', 40000, 53), 'docker0', 'eth0');
  h.now += 29e9;
  assert.equal(h.nf.conntrack.size, 1);
  h.now += 1e9;
  assert.equal(h.nf.conntrack.size, 0, 'unreplied UDP expires after 30 s');

  forward(h, udpPacket('172.17.0.2', '8.8.8.8', 40001, 53), 'docker0', 'eth0');
  forward(h, udpPacket('8.8.8.8', '192.168.99.100', 53, 40001), 'eth0', 'docker0');
  h.now += 3e9;
  forward(h, udpPacket('172.17.0.2', '8.8.8.8', 40001, 53), 'docker0', 'eth0');
  const [e] = h.nf.conntrack.entries();
  assert.equal(e?.assured, true, 'traffic both ways after 2 s: ASSURED');
  h.now += 119e9;
  assert.equal(h.nf.conntrack.size, 1);
  h.now += 1e9;
  assert.equal(h.nf.conntrack.size, 0, 'stream timeout 120 s');

  forward(h, icmpEcho('172.17.0.2', '1.1.1.1', 1, 1), 'docker0', 'eth0');
  h.now += 30e9;
  assert.equal(h.nf.conntrack.size, 0, 'ICMP 30 s');
});

test('TCP tracking: SYN_SENT 120 s, ESTABLISHED 5 days, TIME_WAIT 120 s after FIN/FIN/ACK', () => {
  const h = testHost();
  dockerRules(h);
  const c2s = (flags: number): Uint8Array => tcpPacket({ src: '172.17.0.2', dst: '93.184.216.34', sport: 45000, dport: 80, flags });
  const s2c = (flags: number): Uint8Array => tcpPacket({ src: '93.184.216.34', dst: '192.168.99.100', sport: 80, dport: 45000, flags });
  forward(h, c2s(tcp.SYN), 'docker0', 'eth0');
  assert.match(h.nf.conntrack.list()[0]!, /^tcp {6}6 120 SYN_SENT .* \[UNREPLIED\] /);
  forward(h, s2c(tcp.SYN | tcp.ACK), 'eth0', 'docker0');
  assert.equal(h.nf.conntrack.entries()[0]!.tcpState, 'SYN_RECV');
  assert.match(h.nf.conntrack.list()[0]!, /^tcp {6}6 60 SYN_RECV /);
  forward(h, c2s(tcp.ACK), 'docker0', 'eth0');
  assert.match(h.nf.conntrack.list()[0]!, /^tcp {6}6 432000 ESTABLISHED .* \[ASSURED\] mark=0 use=1$/);
  h.now += 432000e9 - 1;
  assert.equal(h.nf.conntrack.size, 1);
  forward(h, c2s(tcp.FIN | tcp.ACK), 'docker0', 'eth0');
  assert.equal(h.nf.conntrack.entries()[0]!.tcpState, 'FIN_WAIT');
  forward(h, s2c(tcp.FIN | tcp.ACK), 'eth0', 'docker0');
  assert.equal(h.nf.conntrack.entries()[0]!.tcpState, 'LAST_ACK');
  forward(h, c2s(tcp.ACK), 'docker0', 'eth0');
  assert.equal(h.nf.conntrack.entries()[0]!.tcpState, 'TIME_WAIT');
  h.now += 119e9;
  assert.equal(h.nf.conntrack.size, 1);
  h.now += 1e9;
  assert.equal(h.nf.conntrack.size, 0);
});

test('a SYN that is not answered expires after 120 s; a stray SYN-ACK creates nothing', () => {
  const h = testHost();
  dockerRules(h);
  forward(h, tcpPacket({ src: '172.17.0.2', dst: '10.9.9.9', sport: 45001, dport: 443, flags: tcp.SYN }), 'docker0', 'eth0');
  h.now += 120e9;
  assert.equal(h.nf.conntrack.size, 0);
  const r = forward(h, tcpPacket({ src: '10.9.9.9', dst: '192.168.99.100', sport: 443, dport: 45002, flags: tcp.SYN | tcp.ACK }), 'eth0', 'docker0');
  assert.equal(r.meta.ct, undefined);
  assert.equal(h.nf.conntrack.size, 0);
});

test('the host reaches a published port on its own address through nat OUTPUT (reroute), not on 127.0.0.1', () => {
  const h = testHost();
  dockerRules(h);
  const r = output(h, tcpPacket({ src: '192.168.99.100', dst: '192.168.99.100', sport: 51000, dport: 8080, flags: tcp.SYN }), 'lo');
  assert.equal(r.verdict, 'accept');
  assert.equal(addrs(r.packet), '192.168.99.100:51000 > 172.17.0.2:80');
  const lo = h.nf.hook('OUTPUT', tcpPacket({ src: '127.0.0.1', dst: '127.0.0.1', sport: 51001, dport: 8080, flags: tcp.SYN }), { outDev: 'lo', mark: 0 });
  assert.equal(lo.reroute, undefined);
  assert.equal(addrs(lo.packet), '127.0.0.1:51001 > 127.0.0.1:8080', 'docker-proxy answers on loopback');
  const first = h.nf.hook('OUTPUT', tcpPacket({ src: '192.168.99.100', dst: '192.168.99.100', sport: 51002, dport: 8080, flags: tcp.SYN }), { outDev: 'lo', mark: 0 });
  assert.equal(first.reroute, true, 'OUTPUT DNAT asks for a new route');
});

test('a looped-back packet keeps its conntrack entry through PREROUTING and INPUT', () => {
  const h = testHost();
  const o = output(h, udpPacket('127.0.0.1', '127.0.0.1', 5000, 6000), 'lo');
  const i1 = h.nf.hook('PREROUTING', o.packet, { ...o.meta, inDev: 'lo' });
  const i2 = h.nf.hook('INPUT', i1.packet, i1.meta);
  assert.equal(i2.meta.ct?.entry, o.meta.ct?.entry);
  assert.equal(h.nf.conntrack.size, 1);
  const back = input(h, udpPacket('127.0.0.1', '127.0.0.1', 6000, 5000), 'lo');
  assert.equal(back.meta.ct?.info, 'ESTABLISHED');
  assert.equal(readU16(back.packet, 22), 5000);
  void ip;
});

test('REDIRECT in a task container: the ingress port is redirected to the exposed port on the incoming address', () => {
  // docker-networking.md §7.4 step 5: nat PREROUTING -d <task ingress IP> -p tcp --dport 8080 -j REDIRECT --to-port 80
  const h = testHost();
  h.ipt('-t nat -A PREROUTING -d 172.18.0.1 -p tcp --dport 8080 -j REDIRECT --to-ports 80');
  const r = input(h, tcpPacket({ src: '10.0.0.2', dst: '172.18.0.1', sport: 60000, dport: 8080, flags: tcp.SYN }), 'br-x');
  assert.equal(addrs(r.packet), '10.0.0.2:60000 > 172.18.0.1:80');
  assert.ok(checksumsValid(r.packet));
  const back = output(h, tcpPacket({ src: '172.18.0.1', dst: '10.0.0.2', sport: 80, dport: 60000, flags: tcp.SYN | tcp.ACK }), 'br-x');
  assert.equal(addrs(back.packet), '172.18.0.1:8080 > 10.0.0.2:60000');
  assert.ok(checksumsValid(back.packet));
  assert.match(iptablesLine(h.nf, '-t nat -L PREROUTING -n').stdout, /REDIRECT {3}tcp {2}-- {2}0\.0\.0\.0\/0 {12}172\.18\.0\.1 {11}tcp dpt:8080 redir ports 80\n/);
});

test('conntrack -L / -C / -F', () => {
  const h = testHost();
  dockerRules(h);
  forward(h, udpPacket('172.17.0.2', '8.8.8.8', 40000, 53), 'docker0', 'eth0');
  forward(h, icmpEcho('172.17.0.2', '1.1.1.1', 9, 1), 'docker0', 'eth0');
  const l = conntrackCommand(h.nf, ['-L']);
  assert.equal(l.stdout.split('\n').length, 3);
  assert.equal(l.stderr, 'conntrack v1.4.6 (conntrack-tools): 2 flow entries have been shown.\n');
  assert.equal(conntrackCommand(h.nf, ['-L', '-p', 'icmp']).stdout, 'icmp     1 30 src=172.17.0.2 dst=1.1.1.1 type=8 code=0 id=9 [UNREPLIED] src=1.1.1.1 dst=192.168.99.100 type=0 code=0 id=9 mark=0 use=1\n');
  assert.equal(conntrackCommand(h.nf, ['-C']).stdout, '2\n');
  assert.equal(conntrackCommand(h.nf, ['-F']).stderr, 'conntrack v1.4.6 (conntrack-tools): connection tracking table has been emptied.\n');
  assert.equal(h.nf.conntrack.size, 0);
});
