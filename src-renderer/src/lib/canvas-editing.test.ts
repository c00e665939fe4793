// The canvas's editing comforts, as pure functions: the force layout (the same lab, the same picture), snapping to
// the grid, copy/paste as docker command lines, the shortcut table and spatial focus.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeContainer, RuntimeNetwork, RuntimeNode } from '../../../src-main/common/api/index.ts';
import { copyContainer, copyName, freeHostPort, freeIpam, missingNetworks, pasteContainer, pasteLines, pasteNote, shellWord } from './clipboard.ts';
import { forceLayout, forceLinksOf, seeded, type ForceItem } from './force-layout.ts';
import { createService, networkLine, serviceLine, validateService } from './gestures.ts';
import { SHORTCUTS, shortcutFor, type KeyLike } from './shortcuts.ts';
import { snapOffset, snapValue } from './snap.ts';
import { nearestInDirection, nearestTo } from './spatial.ts';

const items: ForceItem[] = Array.from({ length: 6 }, (_, i) => ({ key: `node${i + 1}`, x: (i % 3) * 400 - 600, y: Math.floor(i / 3) * 300, w: 300 + i * 20, h: 200 }));
const overlap = (a: ForceItem & { dx: number; dy: number }, b: ForceItem & { dx: number; dy: number }) =>
  a.x + a.dx < b.x + b.dx + b.w && b.x + b.dx < a.x + a.dx + a.w && a.y + a.dy < b.y + b.dy + b.h && b.y + b.dy < a.y + a.dy + a.h;

test('the force layout is deterministic: the same lab and seed give the same offsets, another seed others', () => {
  const links = [{ a: 'node1', b: 'node5' }, { a: 'node2', b: 'node6' }];
  const one = forceLayout(items, links, 7);
  assert.deepEqual(forceLayout(items, links, 7), one);
  assert.notDeepEqual(forceLayout(items, links, 8), one);
  assert.deepEqual(Object.keys(one), items.map((i) => i.key));
  for (const o of Object.values(one)) assert.ok(Number.isInteger(o.dx) && Number.isInteger(o.dy));
  // Pushed apart by their size: no two node boxes overlap.
  const placed = items.map((it) => ({ ...it, ...(one[it.key] as { dx: number; dy: number }) }));
  for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) assert.ok(!overlap(placed[i]!, placed[j]!), `${placed[i]!.key} overlaps ${placed[j]!.key}`);
  // Linked nodes end nearer each other than the unlinked pair that started as far apart.
  const centre = (k: string) => {
    const p = placed.find((x) => x.key === k)!;
    return { x: p.x + p.dx + p.w / 2, y: p.y + p.dy + p.h / 2 };
  };
  const dist = (a: string, b: string) => Math.hypot(centre(a).x - centre(b).x, centre(a).y - centre(b).y);
  const free = forceLayout(items, [], 7);
  const freeCentre = (k: string) => {
    const p = items.find((x) => x.key === k)!;
    return { x: p.x + free[k]!.dx + p.w / 2, y: p.y + free[k]!.dy + p.h / 2 };
  };
  assert.ok(dist('node1', 'node5') < Math.hypot(freeCentre('node1').x - freeCentre('node5').x, freeCentre('node1').y - freeCentre('node5').y));
});

test('the seeded generator repeats itself and stays in [0, 1)', () => {
  const a = seeded(42);
  const b = seeded(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(Array.from({ length: 1000 }, () => b()), xs);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(xs).size > 990);
});

test('force links join nodes that share an overlay, and a swarm to its first manager', () => {
  const n = (name: string, swarmRole: 'manager' | 'worker' | null, nets: string[]) => ({ name, swarmRole, networks: nets.map((id) => ({ id, driver: id.startsWith('ov') ? 'overlay' : 'bridge' })) });
  const links = forceLinksOf([n('m1', 'manager', ['ov1', 'br']), n('w1', 'worker', ['ov1', 'br']), n('w2', 'worker', []), n('solo', null, ['br', 'ov2'])]);
  assert.deepEqual(links, [{ a: 'm1', b: 'w1' }, { a: 'm1', b: 'w2' }]);
});

test('snapping puts the node corner (base + offset) on the grid', () => {
  assert.equal(snapValue(35), 24);
  assert.equal(snapValue(37), 48);
  assert.ok(Object.is(snapValue(-5), 0));
  const base = { x: -157.5, y: 13 };
  const o = snapOffset(base, { dx: 10, dy: -30 });
  assert.ok(Number.isInteger((base.x + o.dx) / 24));
  assert.ok(Number.isInteger((base.y + o.dy) / 24));
  assert.deepEqual(o, { dx: 13.5, dy: -37 });
  assert.deepEqual(snapOffset({ x: 0, y: 0 }, { dx: 47, dy: 13 }, 10), { dx: 50, dy: 10 });
});

const container = (over: Partial<RuntimeContainer> = {}): RuntimeContainer => ({
  id: 'c0ffee000000',
  name: 'web',
  image: 'nginx',
  state: 'running',
  exitCode: 0,
  networkMode: 'front',
  networks: [
    { networkId: 'a', network: 'front', iface: 'eth0', ip: '10.0.0.2/24', mac: null, aliases: ['www', 'site'], frames: 0 },
    { networkId: 'b', network: 'back', iface: 'eth1', ip: '10.0.1.2/24', mac: null, aliases: [], frames: 0 },
  ],
  ports: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }],
  env: ['MODE=prod', 'GREETING=hello world'],
  cmd: ['nginx', '-g', "daemon off;"],
  tty: false,
  interactive: false,
  ...over,
});
const node = (name: string, nets: string[], containers: RuntimeContainer[] = []): RuntimeNode =>
  ({ name, networks: nets.map((n) => ({ id: n, name: n, driver: 'bridge' })), containers }) as unknown as RuntimeNode;

test('a pasted container: a fresh name, the same image, networks, aliases, env and command, and a free host port', () => {
  const c = container();
  const copy = copyContainer('node1', c);
  const here = node('node1', ['bridge', 'front', 'back'], [c]);
  const name = copyName(copy, ['web', 'web-1']);
  assert.equal(name, 'web-2');
  assert.deepEqual(pasteLines(copy, name, here), [
    "docker run -d --name web-2 --net front --network-alias www --network-alias site -p 8081:80 -e MODE=prod -e 'GREETING=hello world' nginx nginx -g 'daemon off;'",
    'docker network connect back web-2',
  ]);
  // On another node the same host port is free; networks that node lacks are left out.
  const there = node('node2', ['bridge', 'back']);
  assert.deepEqual(pasteLines(copy, 'web-1', there), ["docker run -d --name web-1 --net back -p 8080:80 -e MODE=prod -e 'GREETING=hello world' nginx nginx -g 'daemon off;'"]);
  const g = pasteContainer(copy, name, here);
  assert.equal(g.do.line.startsWith('docker run'), true);
  assert.deepEqual(g.also?.map((x) => x.line), ['docker network connect back web-2']);
  assert.deepEqual(g.undo, { target: { kind: 'node', node: 'node1' }, line: 'docker rm -f web-2' });
  // A shell kept running with -it keeps its flags; a udp port keeps its protocol.
  const sh = copyContainer('node1', container({ name: 'client', image: 'alpine', networks: [], tty: true, interactive: true, env: [], cmd: [], ports: [{ containerPort: 53, proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353 }] }));
  assert.deepEqual(pasteLines(sh, 'client-1', node('node1', ['bridge'])), ['docker run -dit --name client-1 -p 127.0.0.1:5353:53/udp alpine']);
});

test('a paste onto a node lacking networks creates them like the originals (a free subnet) or joins only what is there', () => {
  const net = (id: string, name: string, over: Partial<RuntimeNetwork>): RuntimeNetwork => ({ id, name, driver: 'bridge', scope: 'local', subnet: null, gateway: null, bridge: null, internal: false, vni: null, ingress: false, ...over });
  const create = (over: Partial<NonNullable<RuntimeNetwork['create']>> = {}) => ({ attachable: false, ipv6: false, options: {}, labels: {}, ipam: [], ...over });
  const front = net('f1', 'front', { subnet: '10.0.0.0/24', internal: true, create: create({ ipam: [{ subnet: '10.0.0.0/24', ipRange: '10.0.0.128/25', gateway: '10.0.0.254' }], options: { 'com.docker.network.bridge.enable_icc': 'false' }, labels: { tier: 'web' } }) });
  const back = net('b1', 'back', { subnet: '172.20.0.0/16', create: create() });
  const ov = net('o1', 'ov', { driver: 'overlay', scope: 'swarm', create: create({ attachable: true }) });
  const ingress = net('ing', 'ingress', { driver: 'overlay', scope: 'swarm', ingress: true });
  const c = container({
    networks: [
      { networkId: 'f1', network: 'front', iface: 'eth0', ip: '10.0.0.130/24', mac: null, aliases: ['www'], frames: 0 },
      { networkId: 'b1', network: 'back', iface: 'eth1', ip: '172.20.0.2/16', mac: null, aliases: [], frames: 0 },
      { networkId: 'o1', network: 'ov', iface: 'eth2', ip: '10.0.9.3/24', mac: null, aliases: [], frames: 0 },
    ],
    ports: [],
    env: [],
    cmd: [],
  });
  const copy = copyContainer('m1', c, [front, back, ov, ingress]);
  // A worker of the same swarm joins the overlay by itself; 10.0.0.0/16 there takes front's subnet.
  const worker = { name: 'w1', swarmRole: 'worker', networks: [net('x', 'bridge', { subnet: '172.17.0.0/16' }), net('y', 'lab', { subnet: '10.0.0.0/16' }), ingress], containers: [] } as unknown as RuntimeNode;
  const missing = missingNetworks(copy, worker);
  assert.deepEqual([missing.creatable.map((n) => n.name), missing.skipped], [['front', 'back'], []]);
  const g = pasteContainer(copy, 'web-1', worker, true);
  assert.deepEqual([g.do.line, ...(g.also ?? []).map((x) => x.line)], [
    'docker network create --internal --subnet 10.1.0.0/24 --ip-range 10.1.0.128/25 --gateway 10.1.0.254 -o com.docker.network.bridge.enable_icc=false --label tier=web front',
    'docker network create back',
    'docker run -d --name web-1 --net front --network-alias www nginx',
    'docker network connect back web-1',
    'docker network connect ov web-1',
  ]);
  assert.deepEqual([g.undo?.line, ...(g.undoAlso ?? []).map((x) => x.line)], ['docker rm -f web-1', 'docker network rm back', 'docker network rm front']);
  assert.equal(pasteNote('w1', missing, true), '# paste: created front, back on w1');
  // Joining only what is there: the overlay.
  const only = pasteContainer(copy, 'web-1', worker, false);
  assert.deepEqual([only.do.line, only.undoAlso], ['docker run -d --name web-1 --net ov nginx', undefined]);
  assert.equal(pasteNote('w1', missing, false), '# paste: w1 lacks front, back: joined only the networks it has');
  // A node outside the swarm cannot have the overlay: it is left out, and said so.
  const solo = { name: 'solo', swarmRole: null, networks: [net('x', 'bridge', {})], containers: [] } as unknown as RuntimeNode;
  const m2 = missingNetworks(copy, solo);
  assert.deepEqual([m2.creatable.map((n) => n.name), m2.skipped], [['front', 'back'], ['ov']]);
  assert.equal(pasteNote('solo', m2, true), '# paste: created front, back on solo; left out ov (solo cannot have it)');
  // front's own subnet is free there: kept.
  assert.match(pasteContainer(copy, 'web-1', solo, true).do.line, /--subnet 10\.0\.0\.0\/24 --ip-range 10\.0\.0\.128\/25 --gateway 10\.0\.0\.254/);
  assert.equal(freeIpam(front, ['0.0.0.0/0']), null);
});

test('a host port taken up to 65535 is left out of the paste', () => {
  assert.equal(freeHostPort(65535, 'tcp', new Set(['65535/tcp'])), null);
  assert.equal(freeHostPort(80, 'tcp', new Set(['80/udp'])), 80);
  assert.equal(shellWord("it's"), `'it'\\''s'`);
});

test('overlay networks and services from the palette are the commands a swarm manager types', () => {
  assert.equal(networkLine({ name: 'ov', kind: 'overlay', attachable: true, subnet: '10.20.0.0/24' }), 'docker network create -d overlay --attachable --subnet 10.20.0.0/24 ov');
  assert.equal(networkLine({ name: 'ov', kind: 'overlay' }), 'docker network create -d overlay ov');
  assert.equal(serviceLine({ name: 'web', image: 'nginx', replicas: 3, publish: '8080:80', network: 'ov' }), 'docker service create --name web --replicas 3 -p 8080:80 --network ov nginx');
  assert.deepEqual(createService('m1', { name: 'web', image: 'nginx', replicas: 1 }).undo, { target: { kind: 'node', node: 'm1' }, line: 'docker service rm web' });
  assert.deepEqual(validateService({ name: 'web', replicas: '2', publish: '8080:80' }, []), {});
  assert.deepEqual(Object.keys(validateService({ name: 'web', replicas: 'x', publish: '80' }, ['web'])), ['name', 'replicas', 'publish']);
  assert.match(validateService({ name: 'w', replicas: '1', publish: '0:80' }, []).publish ?? '', /1 to 65535/);
});

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

test('the shortcut map: every action has a key, and keys map to one action each', () => {
  assert.equal(shortcutFor(key('z', { ctrlKey: true })), 'undo');
  assert.equal(shortcutFor(key('Z', { ctrlKey: true, shiftKey: true })), 'redo');
  assert.equal(shortcutFor(key('y', { metaKey: true })), 'redo');
  assert.equal(shortcutFor(key('c', { ctrlKey: true })), 'copy');
  assert.equal(shortcutFor(key('v', { ctrlKey: true })), 'paste');
  assert.equal(shortcutFor(key('d', { ctrlKey: true })), 'duplicate');
  assert.equal(shortcutFor(key('a', { ctrlKey: true })), 'selectAll');
  assert.equal(shortcutFor(key('l')), 'tidyLayout');
  assert.equal(shortcutFor(key('L', { shiftKey: true })), 'forceLayout');
  assert.equal(shortcutFor(key('g')), 'snap');
  assert.equal(shortcutFor(key('n')), 'newNote');
  assert.equal(shortcutFor(key('?', { shiftKey: true })), 'help');
  assert.equal(shortcutFor(key('0')), 'fit');
  assert.equal(shortcutFor(key('Backspace')), 'delete');
  assert.equal(shortcutFor(key('ArrowLeft')), 'focusLeft');
  assert.equal(shortcutFor(key('ArrowLeft', { shiftKey: true })), 'moveLeft');
  assert.equal(shortcutFor(key('ArrowLeft', { ctrlKey: true })), 'panLeft');
  assert.equal(shortcutFor(key('x')), null);
  assert.equal(shortcutFor(key('z', { ctrlKey: true, altKey: true })), null);
  // No two entries claim the same key with the same modifiers.
  const seen = new Map<string, string>();
  for (const sc of SHORTCUTS)
    for (const k of Array.isArray(sc.key) ? sc.key : [sc.key])
      for (const shift of sc.shift === 'any' ? [true, false] : [sc.shift]) {
        const id = `${sc.mod}/${shift}/${k}`;
        assert.ok(!seen.has(id) || seen.get(id) === sc.action, `${id} is both ${seen.get(id)} and ${sc.action}`);
        seen.set(id, sc.action);
      }
});

test('spatial focus goes to the nearest item that way, preferring the one level with it', () => {
  const from = { x: 0, y: 0, w: 100, h: 50 };
  const items = [
    { x: 300, y: 0, w: 100, h: 50 }, // right, level
    { x: 150, y: 200, w: 100, h: 50 }, // right-ish, far below
    { x: 0, y: 120, w: 100, h: 50 }, // below
    { x: -200, y: 10, w: 100, h: 50 }, // left
  ];
  assert.equal(nearestInDirection(from, items, 'right'), 0);
  assert.equal(nearestInDirection(from, items, 'down'), 2);
  assert.equal(nearestInDirection(from, items, 'left'), 3);
  assert.equal(nearestInDirection(from, items, 'up'), -1);
  assert.equal(nearestInDirection(from, [from], 'right'), -1);
  assert.equal(nearestTo({ x: 40, y: 150 }, items), 2);
  assert.equal(nearestTo({ x: 0, y: 0 }, []), -1);
});
