import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LabSummary } from '../../../src-main/common/api/index.ts';
import { syntheticLab } from '../../../bench/synthetic-lab.ts';
import { driverBreakdown, labCounts, nodeCountOf } from './lab-counts.ts';

test('the header counts each node’s local networks and a swarm network once, by driver; host and none are not networks', () => {
  const s = syntheticLab(6, 4);
  const c = labCounts(s);
  assert.deepEqual([c.nodes, c.containers], [6, 24]);
  // Per node a default bridge and a user bridge; the ingress and backend overlays once for the lab.
  assert.deepEqual(c.byDriver, [['bridge', 12], ['overlay', 2]]);
  assert.equal(c.networks, 14);
  assert.equal(driverBreakdown(c), '12 bridge · 2 overlay');
  const node = s.nodes[0]!;
  const extra = { ...node, networks: [...node.networks, { ...node.networks[0]!, id: 'h', name: 'host', driver: 'host', bridge: null }, { ...node.networks[0]!, id: 'm', name: 'lan', driver: 'macvlan', bridge: null }] };
  const more = labCounts({ ...s, nodes: [extra, ...s.nodes.slice(1)] });
  assert.deepEqual(more.byDriver, [['bridge', 12], ['overlay', 2], ['macvlan', 1]]);
  assert.deepEqual(labCounts(null), { nodes: 0, containers: 0, networks: 0, byDriver: [] });
});

test('a sidebar entry counts the running lab’s nodes when it is that lab, else the saved document’s', () => {
  const summary: LabSummary = { id: 'a', name: 'a', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', nodeCount: 0, snapshotCount: 0 };
  const state = syntheticLab(3, 1);
  assert.equal(nodeCountOf(summary, { labId: 'a', state }), 3);
  assert.equal(nodeCountOf({ ...summary, nodeCount: 2 }, { labId: 'b', state }), 2, 'another lab runs');
  assert.equal(nodeCountOf({ ...summary, nodeCount: 2 }, { labId: 'a', state: null }), 2, 'not started yet');
  assert.equal(nodeCountOf({ ...summary, nodeCount: 2 }, null), 2);
});
