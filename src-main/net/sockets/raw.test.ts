// Raw IPv4 sockets: copies of locally delivered datagrams (header included) beside the protocol's own handling,
// the bound-address and connected-peer filters, protocol unreachable held back by a raw socket, and sends with the
// socket's TTL from the address connect() picked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as icmp from '../../common/wire/icmp.ts';
import * as ipv4 from '../../common/wire/ipv4.ts';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { ms } from '../../sim/time.ts';
import { routed } from '../testing/topologies.ts';
import type { RawDatagram } from './raw.ts';

const ip = parseIpv4;

test('raw ICMP socket: a time exceeded from the router arrives whole (IP header first), and ping still sees its error', () => {
  const { lab, a } = routed(31);
  const raw = a.raw.open(ipv4.PROTO_ICMP);
  const got: RawDatagram[] = [];
  raw.onDatagram = (d) => got.push(d);
  const ping = a.ping.open();
  const errors: number[] = [];
  ping.onError = (e) => errors.push(e.type);
  ping.ttl = 1;
  ping.sendEcho(ip('10.2.0.2'), 1, new Uint8Array(8));
  lab.run(ms(5));
  assert.equal(got.length, 1);
  const v = ipv4.parse(got[0]!.data);
  assert.deepEqual([v.src, v.dst, v.protocol, v.ttl], [ip('10.1.0.1'), ip('10.1.0.2'), ipv4.PROTO_ICMP, 64]);
  assert.deepEqual([v.payload[0], v.payload[1]], [icmp.TYPE_TIME_EXCEEDED, 0]);
  assert.deepEqual([got[0]!.from, got[0]!.to], [ip('10.1.0.1'), ip('10.1.0.2')]);
  assert.deepEqual(errors, [icmp.TYPE_TIME_EXCEEDED], 'the kernel still dispatches the error to the ping socket');
});

test('raw socket filters: bound to another address or connected to another peer, it sees nothing', () => {
  const { lab, a, b } = routed(32);
  a.addAddress('eth0', '10.1.0.9/24');
  const bound = a.raw.open(ipv4.PROTO_ICMP);
  assert.equal(bound.bind(ip('10.1.0.9')), undefined);
  assert.equal(bound.bind(ip('10.7.7.7')), 'EADDRNOTAVAIL');
  const peer = a.raw.open(ipv4.PROTO_ICMP);
  assert.equal(peer.connect(ip('10.2.0.99')), undefined);
  const any = a.raw.open(ipv4.PROTO_ICMP);
  const seen = { bound: 0, peer: 0, any: 0 };
  bound.onDatagram = () => seen.bound++;
  peer.onDatagram = () => seen.peer++;
  any.onDatagram = () => seen.any++;
  // b's echo requests to 10.1.0.2 come back as kernel replies; the raw sockets see the requests arriving
  const p = b.ping.open();
  p.sendEcho(ip('10.1.0.2'), 1, new Uint8Array(4));
  lab.run(ms(5));
  assert.deepEqual(seen, { bound: 0, peer: 0, any: 1 });
  any.close();
  p.sendEcho(ip('10.1.0.2'), 2, new Uint8Array(4));
  lab.run(ms(10));
  assert.equal(seen.any, 1, 'a closed socket gets nothing');
});

test('a raw socket for a protocol nobody handles keeps the kernel from sending protocol unreachable', () => {
  const { lab, a, b } = routed(33);
  const capA = lab.capture(a.device('eth0'), { filter: (f) => f.data[23] === ipv4.PROTO_ICMP });
  const send = b.raw.open(99);
  send.sendto(Uint8Array.of(1, 2, 3), ip('10.1.0.2'));
  lab.run(ms(5));
  const unreach = capA.frames.filter((f) => f.data[14 + 20] === icmp.TYPE_DEST_UNREACHABLE);
  assert.equal(unreach.length, 1, 'nobody listens: protocol unreachable');
  assert.equal(unreach[0]!.data[14 + 21], icmp.UNREACH_PROTOCOL);
  const recv = a.raw.open(99);
  const data: Uint8Array[] = [];
  recv.onDatagram = (d) => data.push(d.data);
  send.sendto(Uint8Array.of(4, 5, 6), ip('10.1.0.2'));
  lab.run(ms(10));
  assert.equal(capA.frames.filter((f) => f.data[14 + 20] === icmp.TYPE_DEST_UNREACHABLE).length, 1, 'no second unreachable');
  assert.deepEqual([...ipv4.parse(data[0]!).payload], [4, 5, 6]);
});

test('raw send: connect picks the source (ENETUNREACH without a route), IP_TTL and the connected socket\'s own IP IDs', () => {
  const { lab, a, r } = routed(34);
  const capR = lab.capture(r.device('eth-a'), { filter: (f) => f.data[23] === ipv4.PROTO_ICMP });
  const s = a.raw.open(ipv4.PROTO_ICMP);
  assert.equal(s.connect(ip('192.0.2.1')), undefined, 'the default route reaches it');
  const lonely = r.raw.open(ipv4.PROTO_ICMP);
  assert.equal(lonely.connect(ip('192.0.2.1')), 'ENETUNREACH', 'r has no default route');
  assert.equal(s.localAddress, ip('10.1.0.2'));
  s.ttl = 3;
  const echo = icmp.encode({ kind: 'echoRequest', identifier: 7, sequence: 1, data: new Uint8Array(4) });
  assert.ok(s.sendto(echo).ok);
  assert.ok(s.sendto(echo, ip('10.2.0.2')).ok);
  lab.run(ms(5));
  const sent = capR.frames.map((f) => ipv4.parse(f.data.subarray(14))).filter((v) => v.src === ip('10.1.0.2'));
  assert.deepEqual(sent.map((v) => [v.dst, v.ttl]), [[ip('192.0.2.1'), 3], [ip('10.2.0.2'), 3]]);
  assert.equal((sent[1]!.identification - sent[0]!.identification) & 0xffff, 1, 'one counter for every datagram of the socket');
});
