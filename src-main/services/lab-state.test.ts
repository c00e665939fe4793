// The running lab as the window sees it: overlays (one network ID on every node it reaches, with its VNI), the
// ingress network, swarm node standing, services with their tasks, and the frame counters behind link activity.
import assert from 'node:assert/strict';
import test from 'node:test';
import type { LabRuntimeState, RuntimeNode } from '../common/api/types.ts';
import { SECOND } from '../sim/time.ts';
import type { DockerLab } from '../shell/lab-host.ts';
import { ok } from '../shell/testing/docker-lab.ts';
import { createDockerLab } from './lab-world.ts';
import { labStateView } from './lab-state.ts';

const view = (lab: DockerLab): LabRuntimeState => labStateView('lab', lab.world, { time: lab.world.scheduler.now, running: false, speed: 1 });
const node = (s: LabRuntimeState, name: string): RuntimeNode => s.nodes.find((n) => n.name === name)!;

/** sw1 (leader) and sw2 (worker) in a swarm, an overlay `ov` and a service `web` of two replicas publishing 8080. */
async function swarmLab(): Promise<DockerLab> {
  const lab = createDockerLab(11);
  for (const n of ['sw1', 'sw2']) await ok(lab, '', `docker-machine create ${n}`);
  await ok(lab, 'sw1', 'docker swarm init --advertise-addr 192.168.99.100');
  const token = (await ok(lab, 'sw1', 'docker swarm join-token -q worker')).trim();
  await ok(lab, 'sw2', `docker swarm join --token ${token} 192.168.99.100:2377`);
  await ok(lab, 'sw1', 'docker network create -d overlay --subnet 10.0.9.0/24 ov');
  await ok(lab, 'sw1', 'docker service create --name web --replicas 2 --network ov -p 8080:80 nginx');
  await lab.advance(20 * SECOND);
  return lab;
}

test('outside a swarm: no swarm standing, no services, bridges without a VNI', async () => {
  const lab = createDockerLab(3);
  await ok(lab, '', 'docker-machine create solo');
  const s = view(lab);
  const n = node(s, 'solo');
  assert.equal(n.swarm, null);
  assert.deepEqual(s.services, []);
  assert.ok(n.networks.length > 0);
  for (const nw of n.networks) assert.deepEqual([nw.vni, nw.ingress], [null, false], nw.name);
});

test('a swarm: roles, the leader, readiness and drain on each node', async () => {
  const lab = await swarmLab();
  let s = view(lab);
  const [a, b] = [node(s, 'sw1').swarm!, node(s, 'sw2').swarm!];
  assert.deepEqual([a.role, a.leader, a.state, a.availability], ['manager', true, 'ready', 'active']);
  assert.deepEqual([b.role, b.leader, b.state, b.availability], ['worker', false, 'ready', 'active']);
  assert.notEqual(a.id, b.id);
  await ok(lab, 'sw1', 'docker node update --availability drain sw2');
  s = view(lab);
  assert.equal(node(s, 'sw2').swarm!.availability, 'drain');
  // Powered off, the worker misses its heartbeats and the managers mark it down.
  await ok(lab, '', 'docker-machine stop sw2');
  await lab.advance(30 * SECOND);
  s = view(lab);
  assert.equal(node(s, 'sw2').swarm?.state, 'down');
  assert.equal(node(s, 'sw1').swarm!.state, 'ready');
});

test('overlays: one network ID on every node it reaches, with its VNI and subnet; the ingress network is marked', async () => {
  const lab = await swarmLab();
  const s = view(lab);
  const ovs = s.nodes.map((n) => n.networks.find((w) => w.name === 'ov'));
  assert.ok(ovs.every((w) => w !== undefined), 'ov on both nodes (each runs a task)');
  const [o1, o2] = ovs as [NonNullable<(typeof ovs)[0]>, NonNullable<(typeof ovs)[0]>];
  assert.equal(o1.id, o2.id);
  assert.deepEqual([o1.driver, o1.scope, o1.subnet, o1.ingress], ['overlay', 'swarm', '10.0.9.0/24', false]);
  assert.ok(o1.vni !== null && o1.vni >= 4096, `VNI ${o1.vni}`);
  assert.equal(o1.vni, o2.vni);
  const ingress = node(s, 'sw1').networks.find((w) => w.name === 'ingress');
  assert.ok(ingress && ingress.ingress && ingress.vni !== null && ingress.driver === 'overlay');
  // The VNI is what inspect says.
  const listed = (await ok(lab, 'sw1', "docker network inspect -f '{{index .Options \"com.docker.network.driver.overlay.vxlanid_list\"}}' ov")).trim();
  assert.equal(String(o1.vni), listed);
});

test('services: name, mode, replicas running of desired, published ports, VIPs, and tasks on the nodes with their containers', async () => {
  const lab = await swarmLab();
  const s = view(lab);
  assert.equal(s.services.length, 1);
  const web = s.services[0]!;
  assert.deepEqual([web.name, web.image, web.mode, web.desired, web.running], ['web', 'nginx', 'replicated', 2, 2]);
  assert.deepEqual(web.ports, [{ protocol: 'tcp', target: 80, published: 8080, mode: 'ingress' }]);
  assert.deepEqual(web.vips.map((v) => v.network).sort(), ['ingress', 'ov']);
  assert.ok(web.vips.every((v) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(v.addr)), JSON.stringify(web.vips));
  assert.ok(web.vips.find((v) => v.network === 'ov')!.addr.startsWith('10.0.9.'));
  assert.deepEqual(web.tasks.map((t) => t.slot).sort(), [1, 2]);
  assert.deepEqual(web.tasks.map((t) => t.node).sort(), ['sw1', 'sw2'], 'spread over both nodes');
  for (const t of web.tasks) {
    assert.equal(t.state, 'running');
    const c = node(s, t.node!).containers.find((x) => x.id === t.containerId);
    assert.ok(c, `task ${t.id}'s container on ${t.node}`);
    assert.match(c.name, new RegExp(`^web\\.${t.slot}\\.`));
  }
  // Scaled down, the state follows.
  await ok(lab, 'sw1', 'docker service scale web=1');
  await lab.advance(20 * SECOND);
  const after = view(lab).services[0]!;
  assert.deepEqual([after.desired, after.running, after.tasks.length], [1, 1, 1]);
});

test('link counters: frames through a container endpoint and through the nodes\' eth0 grow as a ping crosses the overlay', async () => {
  const lab = createDockerLab(5);
  for (const n of ['sw1', 'sw2']) await ok(lab, '', `docker-machine create ${n}`);
  await ok(lab, 'sw1', 'docker swarm init --advertise-addr 192.168.99.100');
  const token = (await ok(lab, 'sw1', 'docker swarm join-token -q worker')).trim();
  await ok(lab, 'sw2', `docker swarm join --token ${token} 192.168.99.100:2377`);
  await ok(lab, 'sw1', 'docker network create -d overlay --attachable net1');
  await ok(lab, 'sw1', 'docker run -d --name ca --network net1 alpine sleep 1d');
  await ok(lab, 'sw2', 'docker run -d --name cb --network net1 alpine sleep 1d');
  await lab.advance(2 * SECOND);
  const ep = (s: LabRuntimeState, n: string, c: string) => node(s, n).containers.find((x) => x.name === c)!.networks.find((e) => e.network === 'net1')!;
  const before = view(lab);
  await ok(lab, 'sw1', 'docker exec ca ping -c 3 cb');
  const after = view(lab);
  for (const [n, c] of [['sw1', 'ca'], ['sw2', 'cb']] as const) {
    const d = ep(after, n, c).frames - ep(before, n, c).frames;
    assert.ok(d >= 6, `${c}: 3 requests and 3 replies at least, saw ${d}`);
  }
  for (const n of ['sw1', 'sw2']) assert.ok(node(after, n).frames - node(before, n).frames >= 6, `${n} eth0 carried the tunnelled ping`);
  // A container on no network has no link to count.
  await ok(lab, 'sw1', 'docker run -d --name lone --network none alpine sleep 1d');
  const lone = node(view(lab), 'sw1').containers.find((x) => x.name === 'lone')!;
  assert.ok(lone.networks.every((e) => e.frames === 0));
});
