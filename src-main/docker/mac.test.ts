import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMac, isLocalMac, isMulticastMac } from '../common/wire/mac.ts';
import { parseIpv4 } from '../common/wire/ipv4-address.ts';
import { Random } from '../sim/random.ts';
import { bridgeDeviceMac, endpointMac, macFromIpv4, randomMac } from './mac.ts';
import { engineBehaviour } from './version.ts';

const rng = (): Random => new Random(7).fork('mac');

test('§3 ≤27 bridge: 02:42 + IPv4 (172.17.0.2 → 02:42:ac:11:00:02)', () => {
  const b = engineBehaviour('27.5.1');
  assert.equal(formatMac(endpointMac(b, { driver: 'bridge', ipv4: parseIpv4('172.17.0.2') }, rng())), '02:42:ac:11:00:02');
  assert.equal(formatMac(endpointMac(b, { driver: 'macvlan', ipv4: parseIpv4('192.168.1.10') }, rng())), '02:42:c0:a8:01:0a');
  assert.equal(formatMac(endpointMac(engineBehaviour('20.10.24'), { driver: 'bridge', ipv4: parseIpv4('172.18.0.2') }, rng())), '02:42:ac:12:00:02');
  assert.equal(formatMac(macFromIpv4(undefined)), '02:42:00:00:00:00');
});

test('§3 ≥28 bridge and macvlan: random, unicast, locally administered, bytes 0..254', () => {
  const b = engineBehaviour('28.0.0');
  const r = rng();
  const seen = new Set<number>();
  for (let i = 0; i < 300; i++) {
    const m = endpointMac(b, { driver: i % 2 ? 'bridge' : 'macvlan', ipv4: parseIpv4('172.18.0.2') }, r);
    assert.ok(isLocalMac(m) && !isMulticastMac(m), formatMac(m));
    assert.ok(!formatMac(m).split(':').includes('ff'));
    assert.ok(!formatMac(m).startsWith('02:42:ac:12'));
    seen.add(m);
  }
  assert.equal(seen.size, 300);
  assert.match(formatMac(randomMac(rng())), /^[0-9a-f][26ae]:/);
  assert.equal(randomMac(rng()), randomMac(rng()));
});

test('§3 overlay always 02:42 + IPv4 (docs sample 10.0.0.3 → 02:42:0a:00:00:03), also ≥28', () => {
  for (const v of ['20.10.24', '28.5.2', '29.0.0']) {
    assert.equal(formatMac(endpointMac(engineBehaviour(v), { driver: 'overlay', ipv4: parseIpv4('10.0.0.3') }, rng())), '02:42:0a:00:00:03');
  }
});

test('§3 --mac-address wins; ipvlan takes the parent MAC; bridge devices random', () => {
  const b = engineBehaviour('28.5.2');
  assert.equal(endpointMac(b, { driver: 'bridge', requested: 0x0242_0a00_0099 }, rng()), 0x0242_0a00_0099);
  assert.equal(endpointMac(b, { driver: 'ipvlan', parentMac: 0x0800_2712_3456 }, rng()), 0x0800_2712_3456);
  assert.ok(isLocalMac(bridgeDeviceMac(rng())));
});
