// Stack files through labs, in process: the replayed swarm of an imported stack runs the file's services with
// their tasks, and a lab's services exported and imported back as a stack give the same services.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabDocument } from '../common/api/types.ts';
import { swarmOf } from '../docker/swarm/node.ts';
import { replayDocument } from './replay.ts';
import { documentToStack, stackToDocument } from './stack-lab.ts';

const FILE = `version: "3.8"
services:
  web:
    image: traefik/whoami
    environment: [A=1]
    labels: [com.example.role=web]
    ports: ["8000:80", "81"]
    networks:
      front:
        aliases: [www]
      back: {}
    deploy:
      replicas: 2
      labels: { tier: front }
      restart_policy: { condition: none }
  cache:
    image: redis
    networks: [back]
    deploy:
      mode: global
      endpoint_mode: dnsrr
      placement:
        constraints: [node.role != manager]
networks:
  front:
    attachable: true
  back:
    internal: true
`;

/** The swarm's services as the manager stores them (ids, versions and times aside), and their running tasks. */
async function services(doc: LabDocument): Promise<{ specs: unknown[]; running: Record<string, number> }> {
  const { lab, divergences } = await replayDocument(doc);
  try {
    assert.deepEqual(divergences, []);
    const cluster = [...swarmOf(lab.world).clusters.values()][0]!;
    const records = [...cluster.services.values()].sort((a, b) => a.spec.name.localeCompare(b.spec.name));
    const running: Record<string, number> = {};
    for (const r of records) running[r.spec.name] = cluster.tasksOf(r.id).filter((t) => t.state === 'running').length;
    const netName = (target: string) => cluster.networks.get(target)?.name ?? target;
    return { specs: records.map((r) => ({ ...r.spec, networks: r.spec.networks.map((n) => ({ ...n, target: netName(n.target) })) })), running };
  } finally {
    lab.world.dispose();
  }
}

test('a stack on three nodes: the services run their tasks; exported and imported back, the same services', async () => {
  const doc = await stackToDocument(FILE, 'app.yml', { stack: 'app', nodes: 3 });
  assert.deepEqual(doc.nodes.map((n) => n.name), ['node1', 'node2', 'node3']);
  const first = await services(doc);
  // web: 2 replicas; cache: global on the two workers only
  assert.deepEqual(first.running, { app_cache: 2, app_web: 2 });
  const exported = await documentToStack(doc, { labName: 'app' });
  const again = await stackToDocument(exported, 'app-out.yml', { stack: 'app', nodes: 3 });
  assert.deepEqual(await services(again), first);
  assert.equal(await documentToStack(again, { labName: 'app' }), exported);
});

test('an imported stack: container labels on the tasks, no egress from an internal network, chosen ports not exported', async () => {
  const doc = await stackToDocument(FILE, 'app.yml', { stack: 'app', nodes: 2 });
  const { lab } = await replayDocument(doc);
  try {
    const cluster = [...swarmOf(lab.world).clusters.values()][0]!;
    const web = cluster.findService('app_web');
    // `labels` go on the containers, `deploy.labels` on the service; both carry the stack's namespace
    assert.deepEqual(web.spec.containerLabels, { 'com.example.role': 'web', 'com.docker.stack.namespace': 'app' });
    assert.deepEqual(web.spec.labels, { tier: 'front', 'com.docker.stack.namespace': 'app' });
    // "81": the swarm picks the published port; the Endpoint shows it, the spec keeps none
    assert.deepEqual(web.spec.ports.map((p) => p.published), [8000, 0]);
    assert.deepEqual(web.ports.map((p) => p.published), [8000, 30000]);
    assert.equal(cluster.networks.get(cluster.findNetwork('app_back')!.id)!.internal, true);
    const containers = (svc: string) =>
      lab.world.nodeList().flatMap((n) => [...n.daemon.containers.values()].filter((c) => c.running && c.config.labels?.['com.docker.swarm.service.name'] === svc).map((c) => ({ n, c })));
    const webs = containers('app_web');
    assert.equal(webs.length, 2);
    for (const { c } of webs) {
      assert.equal(c.config.labels?.['com.example.role'], 'web');
      assert.equal(c.config.labels?.tier, undefined);
    }
    // cache is on the internal network only: no docker_gwbridge endpoint, no default route
    const caches = containers('app_cache');
    assert.equal(caches.length, 1);
    for (const { n, c } of caches) {
      assert.deepEqual(c.attachments.map((a) => n.daemon.networkById(a.networkId)?.name), ['app_back']);
      assert.equal(c.machine.ns.formatRoutes().filter((r) => r.startsWith('default')).length, 0);
    }
    // web has a non-internal network too: its gateway is docker_gwbridge
    for (const { n, c } of webs) assert.ok(c.attachments.some((a) => n.daemon.networkById(a.networkId)?.name === 'docker_gwbridge'));
  } finally {
    lab.world.dispose();
  }
  const exported = await documentToStack(doc);
  assert.ok(exported.includes('\n    labels:\n      "com.example.role": "web"\n'), exported);
  assert.ok(exported.includes('\n  back:\n    driver: overlay\n    internal: true\n'), exported);
  assert.ok(exported.includes('- target: 81\n        protocol: tcp\n        mode: ingress\n'), exported);
  assert.doesNotMatch(exported, /30000/);
});

test('a lab without a swarm, or without services, has no stack to export', async () => {
  const { composeToDocument } = await import('./compose-lab.ts');
  const doc = await composeToDocument('services:\n  web:\n    image: nginx\n', 'one.yml');
  await assert.rejects(documentToStack(doc), /the lab has no swarm: nothing to export as a stack/);
});
