import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4 } from '../common/wire/ipv4-address.ts';
import { ms, s, SECOND } from '../sim/time.ts';
import { ping, type PingResult } from './sockets/ping.ts';
import { pointToPoint } from './testing/topologies.ts';

function pair(seed = 5) {
  const { lab, a, b } = pointToPoint(seed, { name: 'a', address: '10.0.0.1/24', mac: '02:00:00:00:00:0a' }, { name: 'b', address: '10.0.0.2/24', mac: '02:00:00:00:00:0b' });
  const cap = lab.capture(a.device('eth0'));
  return { lab, a, b, cap };
}

const state = (ns: ReturnType<typeof pair>['a'], ip: string) => ns.neigh.lookup(ns.device('eth0'), parseIpv4(ip))?.state;
const arps = (cap: ReturnType<typeof pair>['cap']) => cap.frames.filter((f) => f.data[12] === 0x08 && f.data[13] === 0x06);

test('neighbour: request → STALE, reply → REACHABLE; STALE used → DELAY → unicast PROBE ~5 s later → REACHABLE', () => {
  const { lab, a, b, cap } = pair();
  ping(a, '10.0.0.2', { count: 1 });
  lab.run(ms(1));
  assert.equal(state(a, '10.0.0.2'), 'reachable', 'learned from the reply');
  assert.equal(state(b, '10.0.0.1'), 'delay', 'learned from the request (STALE), then used for the echo reply');
  lab.run(s(4.9));
  assert.equal(arps(cap).length, 2);
  lab.run(s(6));
  const probe = arps(cap)[2]!;
  assert.ok(probe, 'b probes a');
  const dt = (probe.ts - arps(cap)[0]!.ts) / SECOND;
  assert.ok(dt >= 5 && dt < 5.3, `probe after ${dt} s (delay_first_probe_time + timer-wheel rounding)`);
  // unicast to a's MAC, target MAC zero
  assert.equal(probe.data.subarray(0, 6).join(','), '2,0,0,0,0,10');
  assert.equal(probe.data.subarray(32, 38).join(','), '0,0,0,0,0,0');
  assert.equal(state(b, '10.0.0.1'), 'reachable', 'answered');
  assert.equal(arps(cap).length, 4);
});

test('neighbour: REACHABLE lapses to STALE after reachable_time in [15, 45) s', () => {
  for (const seed of [1, 2, 3]) {
    const { lab, a } = pair(seed);
    ping(a, '10.0.0.2', { count: 1 });
    lab.run(s(14.9));
    assert.equal(state(a, '10.0.0.2'), 'reachable');
    let t = 15;
    while (state(a, '10.0.0.2') === 'reachable' && t < 47) lab.run(s((t += 0.25)));
    assert.equal(state(a, '10.0.0.2'), 'stale');
    assert.ok(t >= 15 && t <= 46, `became STALE at ${t} s`);
  }
});

test('neighbour: an unanswered address gets 3 broadcasts 1 s apart, then FAILED and host unreachable', () => {
  const { lab, a, cap } = pair();
  let result: PingResult | undefined;
  ping(a, '10.0.0.50', { count: 1, timeout: s(5) }, (r) => (result = r));
  lab.run(s(2.5));
  assert.equal(state(a, '10.0.0.50'), 'incomplete');
  lab.run(s(6));
  const reqs = arps(cap);
  assert.equal(reqs.length, 3);
  for (const f of reqs) assert.equal(f.data.subarray(0, 6).join(','), '255,255,255,255,255,255');
  for (let i = 1; i < 3; i++) {
    const gap = (reqs[i]!.ts - reqs[i - 1]!.ts) / SECOND;
    assert.ok(gap >= 1 && gap < 1.04, `gap ${gap}`);
  }
  assert.equal(state(a, '10.0.0.50'), 'failed');
  assert.ok(result);
  assert.equal(result.received, 0);
  assert.match(result.lines[0]!, /^From 10\.0\.0\.1 icmp_seq=1 Destination Host Unreachable$/);
  assert.ok(a.neigh.format().includes('10.0.0.50 dev eth0 FAILED'));
});

test('neighbour: packets wait in the queue while INCOMPLETE and leave on the reply', () => {
  const { lab, a, b, cap } = pair();
  const rx: string[] = [];
  const sock = b.udp.open();
  sock.bind(0, 9999);
  sock.onMessage = (m) => rx.push(new TextDecoder().decode(m.data));
  const tx = a.udp.open();
  for (const w of ['one', 'two', 'three']) tx.sendto(new TextEncoder().encode(w), parseIpv4('10.0.0.2'), 9999);
  lab.run(ms(1));
  assert.deepEqual(rx, ['one', 'two', 'three']);
  assert.equal(arps(cap).length, 2);
  assert.ok(tx.localPort >= 32768 && tx.localPort <= 60999);
});
