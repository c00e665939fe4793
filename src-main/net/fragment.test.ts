// Fragmentation sizes and DF rules of facts 3.4 (ping -M do/dont across an MTU 1450 link).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ipv4 from '../common/wire/ipv4.ts';
import { ms, s } from '../sim/time.ts';
import { ping, type PingResult } from './sockets/ping.ts';
import { pointToPoint } from './testing/topologies.ts';

function setup() {
  const { lab, a } = pointToPoint(11, { name: 'c1', address: '10.0.1.2/24' }, { name: 'c4', address: '10.0.1.5/24' }, 1450);
  const cap = lab.capture(a.device('eth0'), { filter: (f) => f.data[12] === 0x08 && f.data[13] === 0x00 });
  const ip = (i: number) => ipv4.parse(cap.frames[i]!.data.subarray(14));
  return { lab, a, cap, ip };
}

test('fragments: -M dont -s 1423 goes as IP 1444 (MF, offset 0) + 27 (offset 1424), one ID; the reply likewise', () => {
  const { lab, a, cap, ip } = setup();
  let r: PingResult | undefined;
  ping(a, '10.0.1.5', { count: 1, size: 1423, pmtudisc: 'dont' }, (x) => (r = x));
  lab.run(ms(10));
  assert.equal(r?.received, 1);
  assert.deepEqual(cap.frames.map((f) => f.data.length), [1458, 41, 1458, 41]);
  const [f0, f1, g0, g1] = [ip(0), ip(1), ip(2), ip(3)];
  assert.deepEqual([f0.moreFragments, f0.fragmentOffset, f0.dontFragment], [true, 0, false]);
  assert.deepEqual([f1.moreFragments, f1.fragmentOffset, f1.dontFragment], [false, 1424, false]);
  assert.equal(f0.identification, f1.identification);
  assert.notEqual(f0.identification, 0);
  assert.deepEqual([g0.moreFragments, g0.fragmentOffset, g1.fragmentOffset], [true, 0, 1424]);
  assert.equal(g0.identification, g1.identification);
  assert.equal(r.replies[0]!.bytes, 1431);
});

test('fragments: -M do -s 1422 is the largest DF ping (IP 1450, ID 0); -s 1423 is refused locally', () => {
  const { lab, a, cap, ip } = setup();
  let ok: PingResult | undefined;
  ping(a, '10.0.1.5', { count: 1, size: 1422, pmtudisc: 'do' }, (x) => (ok = x));
  lab.run(ms(10));
  assert.equal(ok?.received, 1);
  assert.equal(cap.frames[0]!.data.length, 1464);
  assert.deepEqual([ip(0).dontFragment, ip(0).identification], [true, 0]);
  assert.equal(ip(1).dontFragment, false, 'the kernel reply has DF clear');
  assert.notEqual(ip(1).identification, 0);
  const n = cap.frames.length;
  let refused: PingResult | undefined;
  ping(a, '10.0.1.5', { count: 1, size: 1423, pmtudisc: 'do' }, (x) => (refused = x));
  lab.run(s(1));
  assert.equal(cap.frames.length, n, 'nothing is sent');
  assert.deepEqual(refused?.lines, ['ping: local error: message too long, mtu=1450']);
});

test('fragments: the default (want) sets DF only when the datagram fits', () => {
  const { lab, a, ip } = setup();
  ping(a, '10.0.1.5', { count: 1, size: 56 });
  lab.run(ms(10));
  assert.equal(ip(0).dontFragment, true);
  assert.notEqual(ip(0).identification, 0, 'ignore_df: the hashed counter, not 0');
  ping(a, '10.0.1.5', { count: 1, size: 2000 });
  lab.run(ms(20));
  assert.equal(ip(2).dontFragment, false);
  assert.equal(ip(2).moreFragments, true);
});
