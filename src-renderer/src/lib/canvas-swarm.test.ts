// The canvas's swarm view and its big-lab aids, as plain functions: overlay lanes and spans, service marks, find,
// level of detail, the minimap's geometry and link rates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabRuntimeState, RuntimeContainer, RuntimeNetwork, RuntimeNode } from '../../../src-main/common/api/index.ts';
import { findMatches, hitBounds } from './find.ts';
import { formatRate, linkRates } from './link-activity.ts';
import { containerPaths, lodFor, wiringPath } from './lod.ts';
import { miniFit, viewCentredAt, viewForKey, viewRect } from './minimap.ts';
import { CONTAINER_H, CONTAINER_W, layoutTopology, overlayLanes, overlayPath, riserX, taskMarks } from './topology.ts';

const net = (id: string, name: string, over: Partial<RuntimeNetwork> = {}): RuntimeNetwork => ({
  id,
  name,
  driver: 'bridge',
  scope: 'local',
  subnet: '172.17.0.0/16',
  gateway: '172.17.0.1',
  bridge: 'docker0',
  internal: false,
  vni: null,
  ingress: false,
  ...over,
});
const INGRESS = net('ing', 'ingress', { driver: 'overlay', scope: 'swarm', subnet: '10.255.0.0/16', bridge: null, vni: 4096, ingress: true });
const OV = net('ov', 'ov', { driver: 'overlay', scope: 'swarm', subnet: '10.0.9.0/24', bridge: null, vni: 4097 });

let macs = 0;
function container(id: string, name: string, nets: [RuntimeNetwork, string][], frames = 0, state: RuntimeContainer['state'] = 'running'): RuntimeContainer {
  return {
    id,
    name,
    image: 'nginx',
    state,
    exitCode: 0,
    networkMode: 'default',
    networks: nets.map(([n, ip], i) => ({ networkId: n.id, network: n.name, iface: `eth${i}`, ip, mac: `02:42:0a:00:09:${(++macs).toString(16).padStart(2, '0')}`, aliases: [], frames })),
    ports: [],
  };
}

function node(i: number, networks: RuntimeNetwork[], containers: RuntimeContainer[], frames = 0): RuntimeNode {
  return {
    name: `sw${i}`,
    address: `192.168.99.${100 + i}`,
    lan: 'ul',
    engine: '1.12.0',
    swarmRole: i === 1 ? 'manager' : 'worker',
    swarm: { id: `n${i}`, role: i === 1 ? 'manager' : 'worker', leader: i === 1, state: 'ready', availability: 'active' },
    daemon: 'running',
    frames,
    networks,
    containers,
  };
}

/** Three nodes; the overlay reaches sw1 and sw3 (each runs a task of `web`), the ingress network all three. */
function swarm(frames = 0, time = 0): LabRuntimeState {
  const bridge = net('b', 'bridge');
  return {
    labId: 'x',
    clock: { time, running: true, speed: 1 },
    lans: [{ name: 'ul', cidr: '192.168.99.0/24' }],
    workstation: { name: 'workstation', interfaces: [{ lan: 'ul', iface: 'vboxnet0', ip: '192.168.99.1' }] },
    nodes: [
      node(1, [bridge, INGRESS, OV], [container('t1', 'web.1.aaa', [[OV, '10.0.9.3/24']], frames), container('x1', 'db', [[bridge, '172.17.0.2/16']])], frames * 3),
      node(2, [bridge, INGRESS], [container('x2', 'cache', [[bridge, '172.17.0.2/16']], 0, 'exited')]),
      node(3, [bridge, INGRESS, OV], [container('t2', 'web.2.bbb', [[OV, '10.0.9.4/24']], frames)]),
    ],
    services: [
      {
        id: 's1',
        name: 'web',
        image: 'nginx',
        mode: 'replicated',
        desired: 2,
        running: 2,
        ports: [{ protocol: 'tcp', target: 80, published: 8080, mode: 'ingress' }],
        vips: [{ network: 'ov', addr: '10.0.9.2/24' }],
        tasks: [
          { id: 'k1', slot: 1, node: 'sw1', containerId: 't1', state: 'running' },
          { id: 'k2', slot: 2, node: 'sw3', containerId: 't2', state: 'running' },
          { id: 'k3', slot: 3, node: null, containerId: '', state: 'pending' },
        ],
      },
    ],
  };
}

test('overlays get one lane each, user overlays first and the ingress network last, at one height in every node', () => {
  const s = swarm();
  assert.deepEqual([...overlayLanes(s)], [['ov', 0], ['ing', 1]]);
  const t = layoutTopology(s, 3);
  assert.equal(t.rows, 1);
  assert.deepEqual(t.overlays.map((o) => [o.network.name, o.lane, o.nodes]), [['ov', 0, ['sw1', 'sw3']], ['ingress', 1, ['sw1', 'sw2', 'sw3']]]);
  const [a, b, c] = t.nodes as [(typeof t.nodes)[0], (typeof t.nodes)[0], (typeof t.nodes)[0]];
  const barOf = (n: typeof a, id: string) => n.bars.find((x) => x.key === id);
  assert.equal(barOf(a, 'ov')!.y, barOf(c, 'ov')!.y, 'the overlay at one height');
  assert.equal(barOf(b, 'ov'), undefined, 'no bar where the overlay does not reach');
  assert.equal(barOf(a, 'ing')!.y, barOf(b, 'ing')!.y);
  // Local networks come after every lane, so sw2's bridge sits where sw1's does although it lacks the overlay.
  assert.equal(barOf(a, 'b')!.y, barOf(b, 'b')!.y);
  assert.ok(barOf(a, 'ov')!.y < barOf(a, 'ing')!.y && barOf(a, 'ing')!.y < barOf(a, 'b')!.y);
  assert.deepEqual([barOf(a, 'ov')!.lane, barOf(a, 'b')!.lane], [0, null]);
  // The task's endpoint line reaches the overlay's bar.
  const ep = a.endpoints.find((e) => e.key === 't1:ov')!;
  assert.equal(ep.y1, barOf(a, 'ov')!.y);
  assert.equal(ep.label, 'eth0 10.0.9.3');
});

test('an overlay is one path through the bars of the nodes it reaches; over several rows, a riser joins them', () => {
  const s = swarm();
  const one = layoutTopology(s, 3);
  const boxes = new Map(one.nodes.map((b) => [b.key, b]));
  const zero = () => ({ dx: 0, dy: 0 });
  const ov = one.overlays[0]!;
  const d = overlayPath(ov, boxes, zero, riserX(one, 0));
  const [a, , c] = one.nodes;
  const y = a!.bars.find((x) => x.key === 'ov')!.y;
  assert.equal(d, `M${a!.x + 18} ${y}L${a!.x + 18} ${y}H${a!.x + a!.w - 18}L${c!.x + 18} ${y}H${c!.x + c!.w - 18}`);
  // A moved node carries its bar.
  const moved = overlayPath(ov, boxes, (k) => (k === 'sw3' ? { dx: 100, dy: 20 } : { dx: 0, dy: 0 }), riserX(one, 0));
  assert.ok(moved.endsWith(`L${c!.x + 118} ${y + 20}H${c!.x + c!.w + 82}`), moved);
  // Stacked in one column: three rows, each with its own piece, and a riser right of the nodes.
  const tall = layoutTopology(s, 0.2);
  assert.equal(tall.rows, 3);
  const path = overlayPath(tall.overlays[0]!, new Map(tall.nodes.map((b) => [b.key, b])), zero, riserX(tall, 0));
  assert.equal(path.match(/M/g)!.length, 3, 'two rows and the riser');
  const rx = riserX(tall, 0);
  assert.ok(rx > Math.max(...tall.nodes.map((b) => b.x + b.w)) && rx < tall.bounds.x + tall.bounds.w, 'inside the bounds, right of the nodes');
  assert.ok(riserX(tall, 1) > rx, 'lanes side by side');
});

test('service tasks: marks by container with the service colour; a task without a container has none', () => {
  const marks = taskMarks(swarm().services);
  assert.deepEqual([...marks], [['t1', { service: 's1', colour: 0, label: 'web.1' }], ['t2', { service: 's1', colour: 0, label: 'web.2' }]]);
  const t = layoutTopology(swarm(), 3);
  assert.deepEqual(t.nodes.flatMap((b) => b.containers.map((c) => [c.container.name, c.task?.label ?? null])), [['web.1.aaa', 'web.1'], ['db', null], ['cache', null], ['web.2.bbb', 'web.2']]);
  assert.equal(t.services.get('s1')!.colour, 0);
  const global = taskMarks([{ ...swarm().services[0]!, mode: 'global' }]);
  assert.equal(global.get('t1')!.label, 'web');
});

test('find: by node, container and network name, IP and MAC; exact matches first; an overlay once', () => {
  const s = swarm();
  assert.deepEqual(findMatches(s, ''), []);
  assert.deepEqual(findMatches(s, 'sw2').map((h) => [h.kind, h.node, h.name]), [['node', 'sw2', 'sw2']]);
  assert.deepEqual(findMatches(s, 'DB').map((h) => [h.kind, h.name]), [['container', 'db']], 'case-insensitive');
  assert.deepEqual(findMatches(s, '10.0.9.4').map((h) => [h.kind, h.node, h.name, h.text]), [['container', 'sw3', 'web.2.bbb', 'web.2.bbb · 10.0.9.4']]);
  const mac = s.nodes[2]!.containers[0]!.networks[0]!.mac!;
  assert.deepEqual(findMatches(s, mac.toUpperCase()).map((h) => [h.name, h.text, h.exact]), [['web.2.bbb', `web.2.bbb · ${mac}`, true]]);
  // The overlay once although two nodes have it; each node's bridge separately.
  assert.deepEqual(findMatches(s, 'ov').map((h) => [h.kind, h.node]), [['network', 'sw1']]);
  assert.equal(findMatches(s, 'bridge').filter((h) => h.kind === 'network').length, 3);
  // "172.17.0.2" is an exact address of two containers; "172.17.0" only a part of it: exact ones lead.
  const hits = findMatches(s, '172.17.0.2');
  assert.deepEqual(hits.map((h) => [h.name, h.exact]), [['db', true], ['cache', true]]);
  const mixed = findMatches(s, 'web.1.aaa');
  assert.equal(mixed[0]!.exact, true);
  assert.deepEqual(findMatches(s, '10.0.9.').map((h) => h.exact), [false, false, false], 'ov subnet and the two tasks');
});

test('find: a hit zooms to its container, bar or node, moved with its node', () => {
  const s = swarm();
  const t = layoutTopology(s, 3);
  const [hit] = findMatches(s, 'web.2.bbb');
  const c = t.nodes[2]!.containers[0]!;
  const b = hitBounds(t, hit!, () => ({ dx: 10, dy: 5 }))!;
  assert.ok(b.x < c.x + 10 && b.x + b.w > c.x + 10 + CONTAINER_W && b.y < c.y + 5 && b.y + b.h > c.y + 5 + CONTAINER_H);
  const nodeHit = hitBounds(t, findMatches(s, 'sw2')[0]!, () => ({ dx: 0, dy: 0 }))!;
  assert.deepEqual(nodeHit, { x: t.nodes[1]!.x, y: t.nodes[1]!.y, w: t.nodes[1]!.w, h: t.nodes[1]!.h });
  assert.equal(hitBounds(t, { kind: 'node', node: 'gone', name: 'gone', text: '', exact: true }, () => ({ dx: 0, dy: 0 })), null);
});

test('level of detail: thresholds, and a node drawn as one path per state colour at the lowest', () => {
  assert.deepEqual([lodFor(1), lodFor(0.6), lodFor(0.59), lodFor(0.3), lodFor(0.29), lodFor(0.04)], ['high', 'high', 'mid', 'mid', 'low', 'low']);
  const t = layoutTopology(swarm(), 3);
  const p1 = containerPaths(t.nodes[0]!);
  assert.deepEqual(p1.map((p) => p.tone), ['ok']);
  assert.equal(p1[0]!.d.match(/M/g)!.length, 2, 'both containers in one path');
  assert.deepEqual(containerPaths(t.nodes[1]!).map((p) => p.tone), ['idle']);
  const c = t.nodes[0]!.containers[0]!;
  assert.ok(p1[0]!.d.startsWith(`M${c.x} ${c.y}h${CONTAINER_W}v${CONTAINER_H}h${-CONTAINER_W}z`));
  assert.equal(wiringPath(t.nodes[0]!).match(/M/g)!.length, t.nodes[0]!.endpoints.length);
});

test('minimap: the lab fits its box, the view is a rectangle in it, and a point in it centres the view there', () => {
  const fit = miniFit({ x: -1000, y: -500, w: 2000, h: 1000 }, 200, 120, 10);
  assert.equal(fit.k, 0.09);
  // The lab's centre is the minimap's centre.
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);
  near((0 - fit.x) * fit.k, 100);
  near((0 - fit.y) * fit.k, 60);
  const view = { x: 700, y: 450, k: 0.5 };
  assert.deepEqual(viewRect(view, 1400, 900), { x: -1400, y: -900, w: 2800, h: 1800 });
  const v = viewCentredAt(fit, 100, 60, 0.5, 1400, 900);
  assert.equal(v.k, 0.5);
  near(v.x, 700);
  near(v.y, 450);
  const right = viewCentredAt(fit, 190, 60, 1, 1400, 900);
  assert.ok(Math.abs(right.x - (700 - 1000)) < 1e-9, 'the right edge of the lab at the centre');
  // Keys: an arrow moves what is shown a fifth of the screen that way (Shift: half); Enter centres the lab.
  const lab = { x: -1000, y: -500, w: 2000, h: 1000 };
  const shown = (v: { x: number; y: number; k: number }) => viewRect(v, 1400, 900);
  assert.deepEqual(shown(viewForKey('ArrowRight', false, view, lab, 1400, 900)!), { ...shown(view), x: shown(view).x + 0.2 * 1400 / 0.5 });
  assert.deepEqual(shown(viewForKey('ArrowUp', true, view, lab, 1400, 900)!), { ...shown(view), y: shown(view).y - 0.5 * 900 / 0.5 });
  const centred = viewForKey('Enter', false, { x: 5, y: 7, k: 2 }, { ...lab, x: 0 }, 1400, 900)!;
  const r = shown(centred);
  assert.equal(centred.k, 2);
  near(r.x + r.w / 2, 1000);
  near(r.y + r.h / 2, 0);
  assert.equal(viewForKey('a', false, view, lab, 1400, 900), null);
});

test('link rates: frames per second of virtual time between two states, only links that carried frames', () => {
  assert.equal(linkRates(null, swarm(10, 1e9)).size, 0);
  const r = linkRates(swarm(0, 0), swarm(10, 2e9));
  assert.equal(r.get('ep:t1:ov'), 5);
  assert.equal(r.get('ep:t2:ov'), 5);
  assert.equal(r.get('node:sw1'), 15);
  assert.equal(r.has('ep:x1:b'), false, 'idle');
  assert.equal(r.has('node:sw2'), false);
  // No time between two states of a running clock: the last rates stand; once it is paused, nothing is lit (a step
  // while paused moves time, and shows what that step carried); a counter that went back says nothing.
  assert.equal(linkRates(swarm(10, 2e9), swarm(10, 2e9), r), r);
  const paused = (s: ReturnType<typeof swarm>) => ({ ...s, clock: { ...s.clock, running: false } });
  assert.equal(linkRates(swarm(10, 2e9), paused(swarm(10, 2e9)), r).size, 0);
  assert.equal(linkRates(paused(swarm(0, 0)), paused(swarm(10, 2e9)), r).get('ep:t1:ov'), 5);
  assert.equal(linkRates(swarm(10, 2e9), swarm(4, 3e9)).size, 0);
  assert.deepEqual([formatRate(5), formatRate(0.25), formatRate(12.6)], ['5 fps', '0.3 fps', '13 fps']);
});
