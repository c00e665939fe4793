import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabRuntimeState, RuntimeContainer } from '../../../src-main/common/api/index.ts';
import { CONTAINER_H, containerTone, layoutTopology } from './topology.ts';

const web: RuntimeContainer = {
  id: 'c1',
  name: 'web',
  image: 'nginx',
  state: 'running',
  exitCode: 0,
  networkMode: 'dev',
  networks: [{ networkId: 'n2', network: 'dev', iface: 'eth0', ip: '172.18.0.2/16', mac: '02:42:ac:12:00:02', aliases: [] }],
  ports: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }],
};

const state: LabRuntimeState = {
  labId: 'x',
  clock: { time: 0, running: true, speed: 1 },
  lans: [{ name: 'ul', cidr: '192.168.99.0/24' }],
  workstation: { name: 'workstation', interfaces: [{ lan: 'ul', iface: 'vboxnet0', ip: '192.168.99.1' }] },
  nodes: ['node1', 'node2'].map((name, i) => ({
    name,
    address: `192.168.99.${100 + i}`,
    lan: 'ul',
    engine: '28.0.0',
    swarmRole: null,
    daemon: 'running' as const,
    networks: [
      { id: 'n1', name: 'bridge', driver: 'bridge', scope: 'local', subnet: '172.17.0.0/16', gateway: '172.17.0.1', bridge: 'docker0', internal: false },
      { id: 'n2', name: 'dev', driver: 'bridge', scope: 'local', subnet: '172.18.0.0/16', gateway: '172.18.0.1', bridge: 'br-0123456789ab', internal: false },
      { id: 'n3', name: 'host', driver: 'host', scope: 'local', subnet: null, gateway: null, bridge: null, internal: false },
      { id: 'n4', name: 'none', driver: 'null', scope: 'local', subnet: null, gateway: null, bridge: null, internal: false },
    ],
    containers: i === 0 ? [web, { ...web, id: 'c2', name: 'old', state: 'exited' as const, exitCode: 137, networks: [], ports: [] }] : [],
  })),
};

test('nodes side by side under the LAN, bridges as bars, containers below with endpoint lines and ports', () => {
  const t = layoutTopology(state);
  assert.equal(t.nodes.length, 2);
  const [a, b] = t.nodes as [NonNullable<(typeof t.nodes)[0]>, NonNullable<(typeof t.nodes)[0]>];
  assert.ok(a.x + a.w < b.x, 'no overlap');
  assert.equal(a.y, b.y);
  assert.deepEqual(a.bars.map((x) => x.network.name), ['bridge', 'dev'], 'host and none are not segments');
  const lan = t.lans[0]!;
  assert.ok(lan.y < a.y && lan.x1 <= a.x && lan.x2 >= b.x + b.w);
  assert.equal(a.uplink.y1, lan.y);
  assert.equal(a.uplink.label, 'eth0 192.168.99.100');
  assert.ok(t.workstation.y < lan.y);
  assert.deepEqual(t.workstation.links.map((l) => [l.label, l.y2]), [['vboxnet0 192.168.99.1', lan.y]]);
  const [c1] = a.containers;
  assert.ok(c1 && c1.y > a.bars[1]!.y && c1.y + CONTAINER_H < a.y + a.h);
  assert.deepEqual(a.endpoints.map((e) => [e.label, e.y1 === a.bars[1]!.y, e.y2 === c1.y]), [['eth0 172.18.0.2', true, true]]);
  assert.deepEqual(a.ports.map((p) => [p.text, p.y]), [['8080→80/tcp', a.y + a.h]]);
  // Centred on the origin.
  assert.ok(Math.abs(t.bounds.y + t.bounds.h / 2) < 1e-9);
});

test('container tones', () => {
  assert.equal(containerTone(web), 'ok');
  assert.equal(containerTone({ ...web, state: 'exited', exitCode: 0 }), 'idle');
  assert.equal(containerTone({ ...web, state: 'exited', exitCode: 1 }), 'bad');
  assert.equal(containerTone({ ...web, state: 'created' }), 'warn');
});
