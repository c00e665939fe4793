// Routing between two subnets through a namespace with ip_forward: TTL decrement, time exceeded,
// frag-needed, and UDP port unreachable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ipv4 from '../common/wire/ipv4.ts';
import { parseIpv4 } from '../common/wire/ipv4-address.ts';
import { ms } from '../sim/time.ts';
import { ping, type PingResult } from './sockets/ping.ts';
import type { UdpError } from './sockets/udp.ts';
import { routed } from './testing/topologies.ts';

function setup() {
  const { lab, r, a, b } = routed(21, 1400);
  const capB = lab.capture(b.device('eth0'), { filter: (f) => f.data[12] === 0x08 && f.data[13] === 0x00 });
  const capA = lab.capture(a.device('eth0'), { filter: (f) => f.data[12] === 0x08 && f.data[13] === 0x00 });
  return { lab, r, a, b, capA, capB };
}

test('forwarding: TTL 64 arrives as 63, the reply comes back as 63, journey ids follow the packet', () => {
  const { lab, a, capA, capB } = setup();
  let res: PingResult | undefined;
  ping(a, '10.2.0.2', { count: 1 }, (x) => (res = x));
  lab.run(ms(5));
  assert.equal(res?.received, 1);
  assert.equal(res.replies[0]!.ttl, 63);
  assert.equal(ipv4.parse(capB.frames[0]!.data.subarray(14)).ttl, 63);
  assert.equal(capB.frames[0]!.journey, capA.frames[0]!.journey);
});

test('forwarding: TTL 1 gets time exceeded from the router (TOS 0xc0, quote of the datagram)', () => {
  const { lab, a, capA, capB } = setup();
  let res: PingResult | undefined;
  ping(a, '10.2.0.2', { count: 1, ttl: 1, timeout: ms(100) }, (x) => (res = x));
  lab.run(ms(200));
  assert.equal(capB.frames.length, 0);
  assert.deepEqual(res?.lines, ['From 10.1.0.1 icmp_seq=1 Time to live exceeded']);
  const err = ipv4.parse(capA.frames[1]!.data.subarray(14));
  assert.equal(err.dscp << 2, 0xc0);
  assert.equal(err.payload[0], 11);
  assert.equal(err.payload.length, 8 + 84);
});

test('forwarding: TTL 1 to a destination the router has no route for gets net unreachable, not time exceeded', () => {
  const { lab, a } = setup();
  let res: PingResult | undefined;
  ping(a, '192.0.2.1', { count: 1, ttl: 1, timeout: ms(100) }, (x) => (res = x));
  lab.run(ms(200));
  assert.deepEqual(res?.lines, ['From 10.1.0.1 icmp_seq=1 Destination Net Unreachable']);
});

test('forwarding: DF over the next-hop MTU gets frag-needed with the MTU', () => {
  const { lab, a } = setup();
  let res: PingResult | undefined;
  ping(a, '10.2.0.2', { count: 1, size: 1422, pmtudisc: 'do', timeout: ms(100) }, (x) => (res = x));
  lab.run(ms(200));
  assert.deepEqual(res?.lines, ['From 10.1.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)']);
});

test('udp: sendto/recv across the router; nothing listening → port unreachable', () => {
  const { lab, a, b, capA } = setup();
  const server = b.udp.open();
  server.bind(0, 53);
  const got: string[] = [];
  server.onMessage = (m) => {
    got.push(new TextDecoder().decode(m.data));
    server.sendto(m.data, m.from, m.fromPort);
  };
  const client = a.udp.open();
  const echoes: string[] = [];
  const errors: UdpError[] = [];
  client.onMessage = (m) => echoes.push(`${m.fromPort}:${new TextDecoder().decode(m.data)}`);
  client.onError = (e) => errors.push(e);
  client.sendto(new TextEncoder().encode('hello'), parseIpv4('10.2.0.2'), 53);
  lab.run(ms(5));
  assert.deepEqual(got, ['hello']);
  assert.deepEqual(echoes, ['53:hello']);
  client.sendto(new TextEncoder().encode('anyone?'), parseIpv4('10.2.0.2'), 5353);
  lab.run(ms(10));
  assert.equal(errors.length, 1);
  assert.deepEqual([errors[0]!.type, errors[0]!.code, errors[0]!.dstPort], [3, 3, 5353]);
  const icmpErr = ipv4.parse(capA.frames[capA.frames.length - 1]!.data.subarray(14));
  assert.equal(icmpErr.protocol, 1);
  assert.equal(icmpErr.ttl, 63, 'sent by b with TTL 64, forwarded once');
});
