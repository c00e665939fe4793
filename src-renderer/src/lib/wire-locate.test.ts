import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabRuntimeState, RuntimeContainer, RuntimeNetwork, RuntimeNode } from '../../../src-main/common/api/index.ts';
import { layoutTopology } from './topology.ts';
import { CHIP_H, locateSpot, placeLabels } from './wire-locate.ts';

const net = (id: string, name: string, driver: string, bridge: string | null, extra: Partial<RuntimeNetwork> = {}): RuntimeNetwork => ({
  id,
  name,
  driver,
  scope: 'local',
  subnet: '10.0.0.0/24',
  gateway: '10.0.0.1',
  bridge,
  internal: false,
  vni: null,
  ingress: false,
  ...extra,
});

const c1: RuntimeContainer = {
  id: 'cid1',
  name: 'c1',
  image: 'alpine',
  state: 'running',
  exitCode: 0,
  networkMode: 'default',
  networks: [
    { networkId: 'n1', network: 'bridge', iface: 'eth0', ip: '172.17.0.2/16', mac: '02:42:ac:11:00:02', aliases: [], frames: 0 },
    { networkId: 'abcdef0123456789', network: 'ov', iface: 'eth1', ip: '10.0.1.2/24', mac: '02:42:0a:00:01:02', aliases: [], frames: 0 },
  ],
  ports: [],
};

const node = (name: string, i: number, containers: RuntimeContainer[]): RuntimeNode => ({
  name,
  address: `192.168.99.${100 + i}`,
  lan: 'ul',
  engine: '28.0.0',
  swarmRole: null,
  swarm: null,
  daemon: 'running',
  frames: 0,
  networks: [net('n1', 'bridge', 'bridge', 'docker0'), net('abcdef0123456789', 'ov', 'overlay', null, { scope: 'swarm', vni: 4097 })],
  containers,
});

const state: LabRuntimeState = {
  labId: 'x',
  clock: { time: 0, running: true, speed: 1 },
  lans: [{ name: 'ul', cidr: '192.168.99.0/24' }],
  workstation: { name: 'workstation', interfaces: [{ lan: 'ul', iface: 'vboxnet0', ip: '192.168.99.1' }] },
  nodes: [node('node1', 0, [c1]), node('node2', 1, [])],
  services: [],
};

const t = layoutTopology(state);
const n1 = t.nodes[0]!;
const n2 = t.nodes[1]!;
const docker0 = n1.bars.find((b) => b.network.name === 'bridge')!;
const ov = n1.bars.find((b) => b.network.name === 'ov')!;
const ep0 = n1.endpoints.find((e) => e.key === 'cid1:n1')!;
const ep1 = n1.endpoints.find((e) => e.key === 'cid1:abcdef0123456789')!;

test("a container's own interface is where its endpoint line meets it; its veth's host end is on the bridge", () => {
  assert.deepEqual(locateSpot(t, { netns: 'node1/0a1b2c3d4e5f', interface: 'eth0', node: 'node1', container: 'c1' }), { x: ep0.x, y: ep0.y2 });
  assert.deepEqual(locateSpot(t, { netns: 'node1/0a1b2c3d4e5f', interface: 'eth1', node: 'node1', container: 'c1' }), { x: ep1.x, y: ep1.y2 });
  assert.deepEqual(locateSpot(t, { netns: 'node1', interface: 'veth1a2b3c4', node: 'node1', container: 'c1' }), { x: ep0.x, y: ep0.y1 });
  // Without placement hints, "NODE/CONTAINER" by name.
  assert.deepEqual(locateSpot(t, { netns: 'node1/c1', interface: 'eth1' }), { x: ep1.x, y: ep1.y2 });
});

test("bridges, the overlay's sandbox devices, the node's eth0 and the LAN's port for it", () => {
  assert.deepEqual(locateSpot(t, { netns: 'node1', interface: 'docker0' }), { x: n1.uplink.x, y: docker0.y });
  assert.deepEqual(locateSpot(t, { netns: 'node1/1-abcdef0123', interface: 'br0', node: 'node1' }), { x: n1.uplink.x - 24, y: ov.y });
  assert.deepEqual(locateSpot(t, { netns: 'node1/1-abcdef0123', interface: 'vxlan0', node: 'node1' }), { x: n1.uplink.x + 24, y: ov.y });
  // The overlay's lb_<9 of its ID> sandbox (18.06+), beyond br0 on the same bar.
  assert.deepEqual(locateSpot(t, { netns: 'node1/lb_abcdef012', interface: 'eth0', node: 'node1' }), { x: n1.uplink.x - 48, y: ov.y });
  assert.deepEqual(locateSpot(t, { netns: 'node2', interface: 'eth0' }), { x: n2.uplink.x, y: n2.y });
  assert.deepEqual(locateSpot(t, { netns: 'ul', interface: 'p-node2' }), { x: n2.uplink.x, y: n2.uplink.y1 });
  const ws = t.workstation.links[0]!;
  assert.deepEqual(locateSpot(t, { netns: 'workstation', interface: 'vboxnet0' }), { x: ws.x, y: ws.y1 });
});

test("a moved node moves its spots; the LAN's end of its uplink moves only sideways", () => {
  const offsets = { node2: { dx: 40, dy: 25 } };
  assert.deepEqual(locateSpot(t, { netns: 'node2', interface: 'eth0' }, offsets), { x: n2.uplink.x + 40, y: n2.y + 25 });
  assert.deepEqual(locateSpot(t, { netns: 'ul', interface: 'p-node2' }, offsets), { x: n2.uplink.x + 40, y: n2.uplink.y1 });
});

test('a namespace the layout does not have is nowhere', () => {
  assert.equal(locateSpot(t, { netns: 'node9', interface: 'eth0' }), null);
  // A node's device that belongs to no bar: the node's header.
  assert.deepEqual(locateSpot(t, { netns: 'node1', interface: 'lo' }), { x: n1.x + n1.w / 2, y: n1.y + 28 });
});

test('label chips: first to the left, then alternating sides, and a chip moves up past one it would cover', () => {
  const chips = placeLabels([
    { x: 100, y: 100, label: '1' },
    { x: 100, y: 100, label: '2' },
    { x: 104, y: 102, label: '3' },
    null,
    { x: 300, y: 100, label: '' },
  ]);
  const [a, b, c, none, empty] = chips;
  assert.ok(a && b && c);
  assert.ok(a.x + a.w <= 100, 'the first chip ends left of its spot');
  assert.ok(b.x >= 100, 'the second starts right of its spot');
  assert.equal(a.y, 76);
  assert.equal(b.y, 76, 'sides differ, so no clash');
  // The third is on the left again, over the first: it moves up one row and clears it.
  assert.ok(c.x < a.x + a.w && a.x < c.x + c.w, 'the third overlaps the first horizontally');
  assert.ok(c.y + CHIP_H <= a.y, 'and sits above it');
  assert.equal(none, null);
  assert.equal(empty, null);
});
