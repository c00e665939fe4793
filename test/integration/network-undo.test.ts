// Undoing the removal of a network from the canvas creates it again exactly: the command the canvas builds from the
// lab state (gestures.ts removeNetwork) is run in a real lab, and `docker network inspect` after the round trip
// matches the original but for its ID and creation time — attachable, internal, subnets, gateways, ranges, -o
// options and labels, for a swarm overlay and for local networks.
import assert from 'node:assert/strict';
import test from 'node:test';
import type { LabRuntimeState } from '../../src-main/common/api/types.ts';
import { labStateView } from '../../src-main/services/lab-state.ts';
import { createDockerLab } from '../../src-main/services/lab-world.ts';
import type { DockerLab } from '../../src-main/shell/lab-host.ts';
import { removeNetwork } from '../../src-renderer/src/lib/gestures.ts';

async function ok(lab: DockerLab, where: string, cmd: string): Promise<string> {
  const shell = lab.shellFor(where === '' ? { kind: 'workstation' } : { kind: 'node', name: where })!;
  const r = await lab.complete(shell.run(cmd));
  const out = r.output.map((c) => c.text).join('');
  assert.equal(r.exit, 0, `${where}$ ${cmd}\n${out}`);
  return out;
}

const view = (lab: DockerLab): LabRuntimeState => labStateView('lab', lab.world, { time: lab.world.scheduler.now, running: false, speed: 1 });

/** inspect without what a new network always gets anew: its ID, creation time and (as Docker's serial allocator
 * does) an overlay's next VNI. */
async function inspect(lab: DockerLab, node: string, name: string): Promise<unknown> {
  const [nw] = JSON.parse(await ok(lab, node, `docker network inspect ${name}`)) as Record<string, unknown>[];
  const { Id: _id, Created: _created, Options: options, ...rest } = nw!;
  const { 'com.docker.network.driver.overlay.vxlanid_list': _vni, ...opts } = (options ?? {}) as Record<string, string>;
  return { ...rest, Options: opts };
}

async function roundTrip(lab: DockerLab, node: string, name: string): Promise<string> {
  const before = await inspect(lab, node, name);
  const nw = view(lab).nodes.find((n) => n.name === node)!.networks.find((n) => n.name === name)!;
  const g = removeNetwork(node, nw);
  await ok(lab, node, g.do.line);
  await ok(lab, node, g.undo!.line);
  assert.deepEqual(await inspect(lab, node, name), before, g.undo!.line);
  return g.undo!.line;
}

test('a swarm overlay comes back attachable, internal or encrypted, with its subnet, options and labels', async () => {
  const lab = createDockerLab(5);
  await ok(lab, '', 'docker-machine create m1');
  await ok(lab, 'm1', 'docker swarm init --advertise-addr 192.168.99.100');
  await ok(lab, 'm1', 'docker network create -d overlay --attachable --subnet 10.0.9.0/24 --gateway 10.0.9.254 -o encrypted --label tier=back ov');
  await ok(lab, 'm1', 'docker network create -d overlay --internal hidden');
  const line = await roundTrip(lab, 'm1', 'ov');
  assert.match(line, /--attachable/);
  assert.doesNotMatch(line, /vxlanid/, 'the VNI is the manager’s choice, not a flag');
  // A pool the manager chose is chosen again, not pinned.
  assert.doesNotMatch(await roundTrip(lab, 'm1', 'hidden'), /--subnet/);
});

test('local networks come back with their ranges, gateways, bridge options and labels', async () => {
  const lab = createDockerLab(6);
  await ok(lab, '', 'docker-machine create n1');
  await ok(lab, 'n1', 'docker network create --internal --subnet 10.5.0.0/24 --ip-range 10.5.0.128/25 --gateway 10.5.0.254 -o com.docker.network.bridge.name=br-lab --label "owner=ops team" back');
  await ok(lab, 'n1', 'docker network create -d macvlan --subnet 192.168.50.0/24 -o parent=eth0 -o macvlan_mode=bridge mv');
  await ok(lab, 'n1', 'docker network create plain');
  await roundTrip(lab, 'n1', 'back');
  await roundTrip(lab, 'n1', 'mv');
  assert.equal(await roundTrip(lab, 'n1', 'plain'), 'docker network create plain');
});

test('the daemon’s own networks carry no create settings', () => {
  const lab = createDockerLab(7);
  return ok(lab, '', 'docker-machine create n1').then(() => {
    const bridge = view(lab).nodes[0]!.networks.find((n) => n.name === 'bridge')!;
    assert.equal(bridge.create, undefined);
  });
});
