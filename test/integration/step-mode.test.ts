// Step mode through the contract, on a lab where one container pings another on node1's docker0: turned on, the
// lab pauses; each step stops at the next packet event (in time order, the first being c1's ARP request); a step
// back rebuilds the lab by replay and stepping forward again meets the same event with the same bytes; the list
// filters by protocol and display filter; each event explains itself; play resumes and the ping completes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { StepState } from '../../src-main/common/api/step-types.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore, until } from './helpers.ts';

let core: Core;
let dispose: () => void;
const published: StepState[] = [];
before(() => {
  ({ core, dispose } = tempCore());
  core.subscribe((event, payload) => {
    if (event === 'onStepState') published.push((payload as { state: StepState }).state);
  });
});
after(() => dispose());

test('step mode: step, step back, step again, filter, explain, play', async () => {
  const api = core.api;
  const { id: labId } = await api.labs.create({ name: 'Steps' });
  await api.lab.start({ labId });
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
  assert.equal((await api.console.run({ consoleId: ws.consoleId, line: 'docker-machine create node1' })).exit, 0);
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  for (const line of ['docker run -d --name c1 alpine sleep 100000', 'docker run -d --name c2 alpine sleep 100000']) {
    assert.equal((await api.console.run({ consoleId: n1.consoleId, line })).exit, 0, line);
  }

  await assert.rejects(api.lab.stepBack({ labId }), (e: Error & { code?: string }) => e.code === 'conflict' && /Step mode is off/.test(e.message));
  const on = await api.lab.stepMode({ labId, on: true, limit: 1000 });
  assert.equal(on.on, true);
  assert.equal(on.running, false, 'step mode pauses the clock');
  assert.equal(on.limit, 1000);
  assert.equal((await api.lab.state({ labId })).clock.running, false);

  // The ping starts while the lab is paused: it waits for the steps.
  const pinging = api.console.run({ consoleId: n1.consoleId, line: 'docker exec c1 ping -c 3 172.17.0.3' });
  void pinging.catch(() => undefined);

  const steps: StepState[] = [];
  for (let i = 0; i < 8; i++) steps.push(await api.lab.step({ labId }));
  const seqs = steps.map((s) => s.current?.seq);
  assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8], 'one event per step');
  const events = steps.map((s) => s.current!);
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.timeNs >= events[i - 1]!.timeNs, 'events in time order');
  const first = events[0]!;
  assert.equal(first.protocol, 'ARP');
  assert.match(first.info, /Who has 172\.17\.0\.3\? Tell 172\.17\.0\.2/);
  assert.equal(first.where, 'node1/c1');
  assert.equal(first.interface, 'eth0');
  assert.equal(first.direction, 'out');
  assert.ok(events.some((e) => e.where === 'node1' && e.interface === 'docker0'), `the bridge sees it: ${events.map((e) => `${e.where}:${e.interface}`).join(' ')}`);
  assert.ok(published.some((s) => s.current?.seq === 8), 'onStepState tells the window');

  // Back one event, then forward: the same event, the same bytes.
  const at8 = await api.lab.stepEvent({ labId, seq: 8 });
  const back = await api.lab.stepBack({ labId });
  assert.equal(back.current?.seq, 7);
  assert.ok(back.lastRewind !== null || back.current.timeNs === at8.event.timeNs, 'across instants the lab was rebuilt');
  if (back.lastRewind) {
    assert.equal(back.lastRewind.timeNs, back.current.timeNs);
    assert.ok(back.timeNs === back.current.timeNs, `the clock is back at event 7's instant: ${back.timeNs} vs ${back.current.timeNs}`);
  }
  const again = await api.lab.step({ labId });
  assert.equal(again.current?.seq, 8);
  const at8again = await api.lab.stepEvent({ labId, seq: 8 });
  assert.deepEqual(at8again.event, at8.event);
  assert.equal(at8again.bytes, at8.bytes);
  assert.deepEqual(again.lastRewind?.divergences ?? [], []);

  // Back across several instants to the very first event, then forward to where we were: nothing diverges.
  for (let i = 0; i < 7; i++) await api.lab.stepBack({ labId });
  const atFirst = await api.lab.stepState({ labId });
  assert.equal(atFirst.current?.seq, 1);
  assert.equal(atFirst.canStepBack, false);
  await assert.rejects(api.lab.stepBack({ labId }), (e: Error & { code?: string }) => e.code === 'conflict' && /no earlier event/.test(e.message));
  for (let i = 0; i < 7; i++) await api.lab.step({ labId });
  const back8 = await api.lab.stepState({ labId });
  assert.equal(back8.current?.seq, 8);
  assert.deepEqual(back8.lastRewind?.divergences, []);
  assert.equal((await api.lab.stepEvent({ labId, seq: 8 })).bytes, at8.bytes);

  // The explanation of the ARP request, and its detail tree.
  const arp = await api.lab.stepEvent({ labId, seq: 1 });
  assert.deepEqual(arp.explanation.map((l) => l.protocol), ['eth', 'arp']);
  assert.match(arp.explanation[1]!.text, /172\.17\.0\.2 asks who has 172\.17\.0\.3/);
  assert.ok(arp.tree.some((n) => n.label.startsWith('Address Resolution Protocol')), arp.tree.map((n) => n.label).join(' | '));
  await assert.rejects(api.lab.stepEvent({ labId, seq: 999 }), (e: Error & { code?: string }) => e.code === 'not-found');

  // Play: the ping completes, and step mode records every event on the way.
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  await until('three echo replies reach c1', async () => {
    const page = await api.lab.events({ labId, offset: 0, limit: 1000, filter: 'icmp.type == 0 && ip.dst == 172.17.0.2' });
    return page.events.filter((e) => e.where === 'node1/c1' && e.direction === 'in').length >= 3;
  }, 30_000, 20);
  const all = await api.lab.events({ labId, offset: 0, limit: 1000 });
  assert.deepEqual(all.events.map((e) => e.seq), all.events.map((_, i) => i + 1), 'no gap in the list');
  const arpOnly = await api.lab.events({ labId, offset: 0, limit: 1000, protocols: ['arp'] });
  assert.ok(arpOnly.matched >= 2 && arpOnly.events.every((e) => e.protocol === 'ARP'));
  const icmpOnly = await api.lab.events({ labId, offset: 0, limit: 1000, protocols: ['icmp'] });
  assert.ok(icmpOnly.matched >= 12, `icmp events: ${icmpOnly.matched}`);
  assert.equal(arpOnly.matched + icmpOnly.matched, (await api.lab.events({ labId, offset: 0, limit: 1000, protocols: ['arp', 'icmp'] })).matched);
  const bad = await api.lab.events({ labId, offset: 0, limit: 10, filter: 'icmp.type ==' });
  assert.equal(bad.matched, 0);
  assert.ok(bad.filterError && bad.filterError.start >= 0, JSON.stringify(bad.filterError));

  // Off: the taps go and the list with them.
  const off = await api.lab.stepMode({ labId, on: false });
  assert.equal(off.on, false);
  assert.equal((await api.lab.events({ labId, offset: 0, limit: 10 })).total, 0);
});
