// What a lab rebuilt by replay under its consoles keeps going (LabRuntime.swapLab): across a step back, a ping still
// running in a console goes on there — its console.run ends with the whole ping, and the lines after the rewind
// reach the console after a notice — and a live capture of a container's eth0 moves to the rebuilt lab, the first
// frame after the rewind saying so; across a snapshot restored at a console, a capture goes on as well, and one whose
// container the snapshot has not ends, its last frame saying why.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConsoleOutput } from '../../src-main/common/api/types.ts';
import type { Core } from '../../src-main/services/core.ts';
import { expertErrors, fieldRows, hasErrors, writeTemp } from '../tshark.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
const output = new Map<string, string>();
const busy: { consoleId: string; busy: boolean; prompt?: string }[] = [];
before(() => {
  ({ core, dispose } = tempCore());
  core.subscribe((event, payload) => {
    if (event === 'onConsoleBusy') busy.push(payload as (typeof busy)[number]);
    if (event !== 'onConsoleOutput') return;
    const o = payload as ConsoleOutput;
    output.set(o.consoleId, (output.get(o.consoleId) ?? '') + o.data);
  });
});
after(() => dispose());

async function labWithTwoContainers(name: string): Promise<{ labId: string; ws: string; n1: string }> {
  const api = core.api;
  const { id: labId } = await api.labs.create({ name });
  await api.lab.start({ labId });
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  const ws = (await api.console.open({ labId, target: { kind: 'workstation' } })).consoleId;
  assert.equal((await api.console.run({ consoleId: ws, line: 'docker-machine create node1' })).exit, 0);
  const n1 = (await api.console.open({ labId, target: { kind: 'node', node: 'node1' } })).consoleId;
  for (const line of ['docker run -d --name c1 alpine sleep 100000', 'docker run -d --name c2 alpine sleep 100000']) {
    assert.equal((await api.console.run({ consoleId: n1, line })).exit, 0, line);
  }
  return { labId, ws, n1 };
}

/** The capture as exported, checked by tshark: its rows (number, ICMP type, comment). */
async function exported(id: string): Promise<{ number: number; icmp: string; comment: string }[]> {
  const bytes = Buffer.from((await core.api.captures.export({ id, format: 'pcapng' })).data, 'base64');
  const file = writeTemp(`${id}.pcapng`, bytes);
  const report = expertErrors(file);
  assert.ok(!hasErrors(report), report);
  return fieldRows(file, ['frame.number', 'icmp.type', 'frame.comment'] as const).map((r) => ({ number: Number(r['frame.number']), icmp: r['icmp.type'], comment: r['frame.comment'] }));
}

test('a step back: the running ping goes on in its console, and the live capture goes on recording', async () => {
  const api = core.api;
  const { labId, n1 } = await labWithTwoContainers('Step back');
  const cap = await api.captures.start({ labId, target: { node: 'node1', container: 'c1', interface: 'eth0' } });
  await api.lab.stepMode({ labId, on: true, limit: 10_000 });

  const mark = (output.get(n1) ?? '').length;
  const pinging = api.console.run({ consoleId: n1, line: 'docker exec c1 ping -c 4 172.17.0.3' });
  let step = await api.lab.step({ labId });
  // To the first echo reply c1 receives.
  while (!(step.current?.info.includes('reply') && step.current.where === 'node1/c1' && step.current.direction === 'in')) step = await api.lab.step({ labId });

  // Back across instants: the lab is rebuilt by replay (the reply has not reached c1 there yet).
  let back = await api.lab.stepBack({ labId });
  while (back.lastRewind === null) back = await api.lab.stepBack({ labId });
  assert.deepEqual(back.lastRewind.divergences, []);

  await api.lab.clock({ labId, action: 'play', speed: 50 });
  const done = await pinging;
  assert.equal(done.exit, 0, 'the ping ends in the rebuilt lab, and its console.run with it');
  assert.equal(done.prompt, 'docker@node1:~$ ');
  await new Promise((resolve) => setImmediate(resolve));
  const printed = (output.get(n1) ?? '').slice(mark);
  const notice = printed.indexOf('[flotilla: the lab stepped back, to ');
  assert.ok(notice >= 0, printed);
  assert.match(printed.slice(notice), /`docker exec c1 ping -c 4 172\.17\.0\.3` goes on there\]\n/);
  assert.match(printed.slice(notice), /seq=3 ttl=64/, 'the lines after the rewind reach the console');
  assert.match(printed.slice(notice), /4 packets transmitted, 4 packets received, 0% packet loss/);

  // The console is free again, and the journal knows how the adopted line ended (a restart replays to the same place).
  assert.equal((await api.console.run({ consoleId: n1, line: 'echo free' })).exit, 0);

  await api.captures.stop({ id: cap.id });
  const rows = await exported(cap.id);
  const marked = rows.filter((r) => r.comment !== '');
  assert.equal(marked.length, 1, JSON.stringify(marked));
  assert.match(marked[0]!.comment, /^the lab stepped back, to \d+\.\d{3} s of virtual time: the frames from here on are the rebuilt lab's$/);
  const before = marked[0]!.number - 1;
  assert.ok(rows.slice(0, before).some((r) => r.icmp === '0'), `the first echo reply was recorded before the rewind: ${JSON.stringify(rows)}`);
  const after = rows.filter((r) => r.number > before);
  assert.ok(after.filter((r) => r.icmp === '8').length >= 3, `echo requests after the rewind: ${JSON.stringify(after)}`);
  assert.ok(after.filter((r) => r.icmp === '0').length >= 4, 'every reply reaches c1 in the rebuilt lab');

  await api.lab.stop({ labId });
  const doc = (await api.labs.open({ id: labId })).document;
  const entry = doc.journal.find((e) => e.line === 'docker exec c1 ping -c 4 172.17.0.3')!;
  assert.equal(entry.exit, 0, 'the adopted line was journaled as ended');
});

test('a step back to before a command ended: the window is told its console is busy again, until the command ends', async () => {
  const api = core.api;
  const { labId, n1 } = await labWithTwoContainers('Busy again');
  await api.lab.stepMode({ labId, on: true, limit: 10_000 });
  let ended = false;
  const pinging = api.console.run({ consoleId: n1, line: 'docker exec c1 ping -c 2 172.17.0.3' });
  void pinging.then(() => (ended = true));
  while (!ended) {
    await api.lab.step({ labId });
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal((await pinging).exit, 0);
  assert.deepEqual(busy.filter((b) => b.consoleId === n1), [], 'the window ran that line itself');

  // Back across the instant it ended: in the rebuilt lab the ping runs again, in a console the window thinks idle.
  let back = await api.lab.stepBack({ labId });
  while (back.lastRewind === null) back = await api.lab.stepBack({ labId });
  assert.deepEqual(busy.filter((b) => b.consoleId === n1), [{ consoleId: n1, busy: true }]);
  const mark = (output.get(n1) ?? '').length;
  await assert.rejects(api.console.run({ consoleId: n1, line: 'echo early' }), /still running/);
  // Back once more: the command is adopted again, and the window hears of no end in between.
  back = await api.lab.stepBack({ labId });
  while (back.lastRewind === null) back = await api.lab.stepBack({ labId });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(busy.filter((b) => b.consoleId === n1), [{ consoleId: n1, busy: true }]);

  await api.lab.clock({ labId, action: 'play', speed: 50 });
  while (busy.filter((b) => b.consoleId === n1).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(busy.filter((b) => b.consoleId === n1).slice(1), [{ consoleId: n1, busy: false, prompt: 'docker@node1:~$ ' }]);
  assert.match((output.get(n1) ?? '').slice(mark), /2 packets transmitted, 2 packets received/, 'its end reached the console before the busy: false');
  assert.equal((await api.console.run({ consoleId: n1, line: 'echo free' })).exit, 0, 'the console is free once it is told so');
  await api.lab.stop({ labId });
});

test('a snapshot restored at a console: a capture goes on, one on a container the snapshot lacks ends', async () => {
  const api = core.api;
  const { labId, ws, n1 } = await labWithTwoContainers('Restore');
  assert.equal((await api.console.run({ consoleId: ws, line: 'flotilla snapshot save base' })).exit, 0);
  assert.equal((await api.console.run({ consoleId: n1, line: 'docker run -d --name c3 alpine sleep 100000' })).exit, 0);
  const kept = await api.captures.start({ labId, target: { node: 'node1', container: 'c1', interface: 'eth0' } });
  const gone = await api.captures.start({ labId, target: { node: 'node1', container: 'c3', interface: 'eth0' } });
  assert.equal((await api.console.run({ consoleId: n1, line: 'docker exec c1 ping -c 1 172.17.0.4' })).exit, 0);

  assert.equal((await api.console.run({ consoleId: ws, line: 'flotilla snapshot restore base' })).exit, 0);
  const listed = await api.captures.list({ labId });
  assert.equal(listed.find((c) => c.id === gone.id)!.recording, undefined, 'the capture of c3 ended');
  assert.equal(listed.find((c) => c.id === kept.id)!.recording, true);

  assert.equal((await api.console.run({ consoleId: n1, line: 'docker exec c1 ping -c 2 172.17.0.3' })).exit, 0);
  await api.captures.stop({ id: kept.id });
  const rows = await exported(kept.id);
  const marked = rows.filter((r) => r.comment !== '');
  assert.equal(marked.length, 1, JSON.stringify(marked));
  assert.match(marked[0]!.comment, /^snapshot base was restored, to \d+\.\d{3} s of virtual time: the frames from here on are the rebuilt lab's$/);
  const before = marked[0]!.number - 1;
  assert.ok(rows.slice(0, before).some((r) => r.icmp === '0'), 'the ping before the restore was recorded');
  assert.ok(rows.filter((r) => r.number > before && r.icmp === '0').length >= 2, 'the pings after the restore are recorded');

  const ended = await exported(gone.id);
  assert.ok(ended.length >= 2, 'c3 was pinged before the restore');
  assert.deepEqual(ended.slice(0, -1).map((r) => r.comment), ended.slice(0, -1).map(() => ''));
  assert.match(ended[ended.length - 1]!.comment, /^the recording ended after this frame: snapshot base was restored, to \d+\.\d{3} s of virtual time, which has no interface eth0 in netns node1\/[0-9a-f]+$/);
  await api.lab.stop({ labId });
});
