import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, parseIpv4 } from '../common/wire/ipv4-address.ts';
import { NetLab } from './scenario.ts';

function setup() {
  const lab = new NetLab({ seed: 1 });
  const ns = lab.namespace('r');
  const peer = lab.namespace('peer');
  lab.vethPair(ns, 'eth0', peer, 'p0');
  lab.vethPair(ns, 'eth1', peer, 'p1');
  ns.addAddress('eth0', '10.0.0.2/24');
  ns.addAddress('eth1', '192.168.1.2/24');
  return { lab, ns };
}

test('routing: longest prefix wins, then the lowest metric', () => {
  const { ns } = setup();
  ns.addRoute('default', { via: '10.0.0.1' });
  ns.addRoute('10.1.0.0/16', { via: '192.168.1.1' });
  ns.addRoute('10.1.2.0/24', { via: '10.0.0.9' });
  ns.addRoute('10.1.2.128/25', { via: '10.0.0.7', metric: 100 });
  ns.addRoute('10.1.2.128/25', { via: '192.168.1.7', metric: 50 });
  const via = (d: string) => {
    const r = ns.routeOutput(parseIpv4(d))!;
    return `${r.gateway === undefined ? 'direct' : formatIpv4(r.gateway)} ${r.dev.name} ${formatIpv4(r.src)}`;
  };
  assert.equal(via('8.8.8.8'), '10.0.0.1 eth0 10.0.0.2');
  assert.equal(via('10.1.9.9'), '192.168.1.1 eth1 192.168.1.2');
  assert.equal(via('10.1.2.3'), '10.0.0.9 eth0 10.0.0.2');
  assert.equal(via('10.1.2.200'), '192.168.1.7 eth1 192.168.1.2');
  assert.equal(via('10.0.0.77'), 'direct eth0 10.0.0.2');
  assert.equal(ns.routeOutput(parseIpv4('10.0.0.2'))!.type, 'local');
  assert.equal(ns.routeOutput(parseIpv4('10.0.0.2'))!.dev.name, 'lo');
  assert.equal(ns.routeOutput(parseIpv4('10.0.0.255'))!.type, 'broadcast');
  assert.deepEqual(ns.formatRoutes(), [
    'default via 10.0.0.1 dev eth0',
    '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2',
    '10.1.0.0/16 via 192.168.1.1 dev eth1',
    '10.1.2.0/24 via 10.0.0.9 dev eth0',
    '10.1.2.128/25 via 192.168.1.7 dev eth1 metric 50',
    '10.1.2.128/25 via 10.0.0.7 dev eth0 metric 100',
    '192.168.1.0/24 dev eth1 proto kernel scope link src 192.168.1.2',
  ]);
  assert.ok(ns.formatRoutes('local').includes('local 10.0.0.2 dev eth0 proto kernel scope host src 10.0.0.2'));
  assert.ok(ns.formatRoutes('local').includes('broadcast 10.0.0.255 dev eth0 proto kernel scope link src 10.0.0.2'));
});

test('routing: a device going down takes its routes; no route means ENETUNREACH', () => {
  const { ns } = setup();
  ns.addRoute('default', { via: '10.0.0.1' });
  assert.throws(() => ns.addRoute('default', { via: '10.0.0.1' }), /File exists/);
  assert.throws(() => ns.addRoute('172.16.0.0/12', { via: '172.16.0.1' }), /unreachable/);
  ns.device('eth0').down();
  assert.equal(ns.routeOutput(parseIpv4('8.8.8.8')), undefined);
  assert.equal(ns.isLocalAddress(parseIpv4('10.0.0.2')), false);
  ns.device('eth0').up();
  assert.equal(ns.routeOutput(parseIpv4('10.0.0.5'))!.dev.name, 'eth0');
  assert.equal(ns.routeOutput(parseIpv4('8.8.8.8')), undefined, 'the user route went with the device');
});
