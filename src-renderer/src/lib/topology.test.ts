import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabRuntimeState, RuntimeContainer } from '../../../src-main/common/api/index.ts';
import { CONTAINER_H, CONTAINER_W, containerTone, layoutTopology, perRow } from './topology.ts';

const web: RuntimeContainer = {
  id: 'c1',
  name: 'web',
  image: 'nginx',
  state: 'running',
  exitCode: 0,
  networkMode: 'dev',
  networks: [{ networkId: 'n2', network: 'dev', iface: 'eth0', ip: '172.18.0.2/16', mac: '02:42:ac:12:00:02', aliases: [], frames: 0 }],
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
    swarm: null,
    daemon: 'running' as const,
    frames: 0,
    networks: [
      { id: 'n1', name: 'bridge', driver: 'bridge', scope: 'local', subnet: '172.17.0.0/16', gateway: '172.17.0.1', bridge: 'docker0', internal: false, vni: null, ingress: false },
      { id: 'n2', name: 'dev', driver: 'bridge', scope: 'local', subnet: '172.18.0.0/16', gateway: '172.18.0.1', bridge: 'br-0123456789ab', internal: false, vni: null, ingress: false },
      { id: 'n3', name: 'host', driver: 'host', scope: 'local', subnet: null, gateway: null, bridge: null, internal: false, vni: null, ingress: false },
      { id: 'n4', name: 'none', driver: 'null', scope: 'local', subnet: null, gateway: null, bridge: null, internal: false, vni: null, ingress: false },
    ],
    containers: i === 0 ? [web, { ...web, id: 'c2', name: 'old', state: 'exited' as const, exitCode: 137, networks: [], ports: [] }] : [],
  })),
  services: [],
};

test('a small lab: nodes side by side in one row under the LAN, bridges as bars, containers below with endpoint lines and ports', () => {
  const t = layoutTopology(state);
  assert.equal(t.nodes.length, 2);
  assert.equal(t.rows, 1);
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

function lab(nodes: number, perNode: number): LabRuntimeState {
  const base = state.nodes[0]!;
  return {
    ...state,
    nodes: Array.from({ length: nodes }, (_, i) => ({
      ...base,
      name: `node${i + 1}`,
      address: `192.168.99.${100 + i}`,
      containers: Array.from({ length: perNode }, (_, j) => ({ ...web, id: `c${i}-${j}`, name: `c${i}-${j}` })),
    })),
  };
}

test('a big lab wraps its nodes into rows shaped like the viewport, each row under its LAN segment', () => {
  for (const aspect of [1, 16 / 10, 2.5]) {
    const t = layoutTopology(lab(50, 20), aspect);
    const rowsY = [...new Set(t.nodes.map((b) => b.y))].sort((a, b) => a - b);
    assert.equal(rowsY.length, t.rows);
    assert.ok(t.rows > 1, 'more than one row');
    const ratio = t.bounds.w / t.bounds.h;
    assert.ok(Math.abs(Math.log(ratio / aspect)) < Math.log(2.2), `aspect ${ratio} near ${aspect}`);
    // No two nodes overlap (with their port pills), and all lie inside the bounds.
    for (const [i, a] of t.nodes.entries()) {
      assert.ok(a.x >= t.bounds.x && a.x + a.w <= t.bounds.x + t.bounds.w && a.y >= t.bounds.y && a.y + a.h <= t.bounds.y + t.bounds.h);
      for (const b of t.nodes.slice(i + 1)) {
        const apart = a.x + a.w < b.x || b.x + b.w < a.x || a.y + a.h + 20 < b.y || b.y + b.h + 20 < a.y;
        assert.ok(apart, `${a.key} and ${b.key} overlap`);
      }
    }
    // Nodes in order, row by row; each row's uplinks reach its own LAN segment, just above it.
    const lan = t.lans[0]!;
    assert.equal(lan.segments.length, t.rows);
    for (const b of t.nodes) {
      const r = rowsY.indexOf(b.y);
      const seg = lan.segments[r]!;
      assert.equal(b.uplink.y1, seg.y);
      assert.ok(seg.y < b.y && (r === 0 || seg.y > rowsY[r - 1]! + CONTAINER_H));
      assert.ok(seg.x1 <= b.x && seg.x2 >= b.x + b.w);
    }
    assert.ok(t.nodes[0]!.y === rowsY[0] && t.nodes.at(-1)!.y === rowsY.at(-1));
    // The trunk joins the segments; the workstation sits on top, on the first.
    assert.deepEqual([lan.trunk.y1, lan.trunk.y2], [lan.segments[0]!.y, lan.segments.at(-1)!.y]);
    assert.ok(t.workstation.y < lan.segments[0]!.y);
    assert.ok(Math.abs(t.bounds.y + t.bounds.h / 2) < 1e-9);
  }
  // A wider viewport, fewer rows.
  assert.ok(layoutTopology(lab(50, 20), 3).rows < layoutTopology(lab(50, 20), 1).rows);
});

test('container tones', () => {
  assert.equal(containerTone(web), 'ok');
  assert.equal(containerTone({ ...web, state: 'exited', exitCode: 0 }), 'idle');
  assert.equal(containerTone({ ...web, state: 'exited', exitCode: 1 }), 'bad');
  assert.equal(containerTone({ ...web, state: 'created' }), 'warn');
});

test('a node with many containers wraps them into rows of at most six; lines to lower rows run down channels and never cross a card or a turn', () => {
  assert.deepEqual([1, 6, 7, 12, 13, 20].map(perRow), [1, 6, 4, 6, 5, 5]);
  const base = lab(1, 20);
  // Every other container on both bridges, a few with published ports.
  const node = { ...base.nodes[0]!, containers: base.nodes[0]!.containers.map((c, j) => (j % 2 ? { ...c, networks: [...c.networks, { ...c.networks[0]!, networkId: 'n1', network: 'bridge', iface: 'eth1', ip: `172.17.0.${j + 2}/16` }], ports: [] } : c)) };
  const one = layoutTopology({ ...base, nodes: [node] });
  const b = one.nodes[0]!;
  const rowsY = [...new Set(b.containers.map((c) => c.y))].sort((p, q) => p - q);
  assert.equal(rowsY.length, 4, '20 containers, 4 rows of 5');
  assert.ok(b.w < 5.5 * (CONTAINER_W + 60) && b.h < b.w, `a compact block ${b.w}×${b.h}`);
  const cards = b.containers;
  for (const [i, c] of cards.entries()) {
    assert.ok(c.x >= b.x && c.x + CONTAINER_W <= b.x + b.w && c.y + CONTAINER_H <= b.y + b.h, `${c.key} inside its node`);
    for (const d of cards.slice(i + 1)) assert.ok(c.x + CONTAINER_W < d.x || d.x + CONTAINER_W < c.x || c.y + CONTAINER_H < d.y || d.y + CONTAINER_H < c.y, `${c.key} and ${d.key} overlap`);
  }
  const within = (v: number, a: number, z: number) => v > Math.min(a, z) && v < Math.max(a, z);
  const bar = (id: string) => b.bars.find((x) => x.key === id)!;
  assert.equal(b.endpoints.length, 30);
  for (const e of b.endpoints) {
    const [cid, nid] = e.key.split(':') as [string, string];
    const own = cards.find((c) => c.key === cid)!;
    assert.equal(e.y1, bar(nid).y, 'from its bar');
    assert.equal(e.y2, own.y, "to its container's top");
    assert.ok(e.dropX > own.x && e.dropX < own.x + CONTAINER_W);
    assert.ok(e.x > bar(nid).x1 && e.x < bar(nid).x2, 'leaves the bar where the bar is');
    if (own.y === rowsY[0]) assert.deepEqual([e.x, e.bendY], [e.dropX, e.y2], 'first row: straight down');
    else assert.ok(e.x < own.x && e.bendY < own.y && e.bendY > rowsY[rowsY.indexOf(own.y) - 1]! + CONTAINER_H, 'below: down a channel left of its column, turning in the gap above its card');
    // The run down and the turn cross no card.
    for (const c of cards) {
      assert.ok(!(e.x > c.x && e.x < c.x + CONTAINER_W && c.y < e.bendY), `${e.key} runs through ${c.key}`);
      assert.ok(!(e.bendY > c.y && e.bendY < c.y + CONTAINER_H && Math.max(e.x, e.dropX) > c.x && Math.min(e.x, e.dropX) < c.x + CONTAINER_W) || c === own, `${e.key} turns through ${c.key}`);
    }
    // No other line's vertical run crosses this one's turn.
    for (const f of b.endpoints) {
      if (f === e || e.x === e.dropX) continue;
      const runs = [
        [f.x, f.y1, f.bendY],
        [f.dropX, f.bendY, f.y2],
      ] as const;
      for (const [x, ya, yb] of runs) assert.ok(!(within(x, e.x, e.dropX) && within(e.bendY, ya, yb)), `${f.key} crosses the turn of ${e.key}`);
    }
  }
  // Port pills sit under their own card.
  for (const p of b.ports) {
    const c = cards.find((x) => p.key.startsWith(`${x.key}:`))!;
    assert.ok(p.y > c.y + CONTAINER_H && p.x === c.x + CONTAINER_W / 2);
  }
});
