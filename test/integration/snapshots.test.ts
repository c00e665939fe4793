// Labs that last: the journal replays byte for byte, snapshots restore a running lab (the same commands print the
// same output), diffs say what changed, and labs travel as .flotilla files and lab.yaml — bad files change nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { ConsoleOutput, LabDocument } from '../../src-main/common/api/types.ts';
import type { Core } from '../../src-main/services/core.ts';
import { replayDocument } from '../../src-main/services/replay.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let home: string;
let dispose: () => void;
const output = new Map<string, string>();
before(() => {
  ({ core, home, dispose } = tempCore());
  core.subscribe((event, payload) => {
    if (event === 'onConsoleOutput') {
      const o = payload as ConsoleOutput;
      output.set(o.consoleId, (output.get(o.consoleId) ?? '') + o.data);
    }
  });
});
after(() => dispose());

/** Runs a line in a console and returns what it printed. */
async function run(consoleId: string, line: string): Promise<string> {
  const mark = (output.get(consoleId) ?? '').length;
  const r = await core.api.console.run({ consoleId, line });
  await new Promise((resolve) => setImmediate(resolve));
  return `${(output.get(consoleId) ?? '').slice(mark)}[exit ${r.exit}]`;
}

let labId: string;
let s1: string;
let s2: string;
let atSnapshot: string[];
const PROBES = ['docker ps -a --format "{{.ID}} {{.Names}} {{.Image}} {{.Networks}}"', 'docker network ls', 'ip neigh', 'echo $$'];

test('every console line is journaled; a headless replay prints the same output byte for byte', async () => {
  const api = core.api;
  labId = (await api.labs.create({ name: 'Lasting' })).id;
  await api.lab.start({ labId });
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
  const printed: string[] = [];
  printed.push(await run(ws.consoleId, 'docker-machine create node1'));
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  for (const line of ['docker network create dev', 'docker run -d --name web --net dev nginx', 'docker run --rm --net dev alpine ping -c 2 web', 'cd /tmp', 'pwd', 'sleep 3 &', 'echo $$']) {
    printed.push(await run(n1.consoleId, line));
  }
  await api.lab.clock({ labId, action: 'pause' });
  const doc = (await api.snapshots.save({ labId, name: 'S1' })) && (await api.labs.open({ id: labId })).document;
  s1 = (await api.snapshots.list({ labId }))[0]!.id;
  assert.equal(doc.version, 2);
  assert.deepEqual(doc.nodes.map((n) => [n.name, n.address]), [['node1', '192.168.99.100']]);
  const lines = doc.journal.filter((e) => e.line !== '').map((e) => e.line);
  assert.deepEqual(lines.slice(0, 3), ['docker-machine create node1', 'docker network create dev', 'docker run -d --name web --net dev nginx']);
  assert.ok(doc.journal.every((e, i) => i === 0 || e.t >= doc.journal[i - 1]!.t), 'in virtual-time order');
  assert.ok(doc.time >= doc.journal.at(-1)!.t);

  // Replayed headlessly, each line prints exactly what the live console printed (ping's times included).
  const replayed = new Map<number, string>();
  const r = await replayDocument(doc, { onLineDone: (i, text, exit) => replayed.set(i, `${text}[exit ${exit}]`) });
  try {
    assert.deepEqual(r.divergences, []);
    const order = doc.journal.flatMap((e, i) => (e.line === '' ? [] : [i]));
    assert.deepEqual(order.map((i) => replayed.get(i)), printed, JSON.stringify(doc.journal.map((e) => [e.t, e.console, e.line, e.exit]).concat([...replayed.entries()].map(([i, s]) => [i, s.slice(0, 20)]) as never)));
    assert.match(printed[3]!, /2 packets transmitted, 2 (packets )?received/);
  } finally {
    r.lab.world.dispose();
  }
});

test('snapshot, change the lab, restore: the same commands print what they printed at snapshot time', async () => {
  const api = core.api;
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  atSnapshot = [];
  // The lab is paused: these read state without moving the clock.
  for (const line of PROBES) atSnapshot.push(await run(n1.consoleId, line));
  s1 = (await api.snapshots.save({ labId, name: 'S1b' })).id;

  await api.lab.clock({ labId, action: 'play', speed: 50 });
  assert.match(await run(n1.consoleId, 'docker network create other'), /\[exit 0\]$/);
  assert.match(await run(n1.consoleId, 'docker run -d --name web2 --net other nginx'), /\[exit 0\]$/);
  assert.match(await run(n1.consoleId, 'docker stop web'), /\[exit 0\]$/);
  await api.lab.clock({ labId, action: 'pause' });
  s2 = (await api.snapshots.save({ labId, name: 'S2' })).id;
  assert.notDeepEqual(await run(n1.consoleId, PROBES[0]!), atSnapshot[0]);

  const lab = await api.snapshots.restore({ id: s1 });
  assert.equal(lab.document.journal.at(-1)!.line, PROBES.at(-1));
  const state = await api.lab.state({ labId });
  assert.equal(state.clock.running, false, 'a paused lab stays paused');
  const again = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  const now: string[] = [];
  for (const line of PROBES) now.push(await run(again.consoleId, line));
  // $$ is the new console's own pid; everything else matches.
  assert.deepEqual(now.slice(0, 3), atSnapshot.slice(0, 3));
});

test('snapshots.diff: journal lines, containers and networks added, removed, changed', async () => {
  const d = await core.api.snapshots.diff({ a: s1, b: s2 });
  assert.deepEqual(d.journal.removed, []);
  assert.deepEqual(d.journal.added.filter((e) => e.line !== '').map((e) => e.line).slice(0, 3), [
    'docker network create other',
    'docker run -d --name web2 --net other nginx',
    'docker stop web',
  ]);
  assert.deepEqual(d.networks.added, ['node1/other']);
  assert.deepEqual(d.containers.added, ['node1/web2']);
  assert.equal(d.containers.changed.length, 1);
  assert.match(d.containers.changed[0]!, /^node1\/web: nginx running .* → nginx exited/);
  assert.deepEqual(d.nodes, { added: [], removed: [], changed: [] });
  const back = await core.api.snapshots.diff({ a: s2, b: s1 });
  assert.deepEqual(back.containers.removed, ['node1/web2']);
});

test('a lab survives a restart: lab.stop saves, lab.start replays to the same state', async () => {
  const api = core.api;
  const before = await api.lab.state({ labId });
  await api.lab.stop({ labId });
  const doc = (await api.labs.open({ id: labId })).document;
  assert.ok(doc.time >= before.clock.time);
  const after = await api.lab.start({ labId });
  assert.deepEqual(after.nodes, before.nodes);
  assert.ok(after.clock.time >= doc.time, 'replayed up to the saved time, then live');
  await api.lab.stop({ labId });
});

test('a .flotilla file carries the lab and its snapshots; importing it gives an identical lab', async () => {
  const api = core.api;
  const file = await api.labs.export({ id: labId, format: 'flotilla' });
  assert.equal(file.name, 'Lasting.flotilla');
  const imported = await api.labs.import({ name: file.name, dataBase64: file.dataBase64 });
  assert.equal(imported.name, 'Lasting (2)');
  assert.notEqual(imported.id, labId);
  assert.deepEqual((await api.labs.open({ id: imported.id })).document, (await api.labs.open({ id: labId })).document);
  const snaps = (id: string) => api.snapshots.list({ labId: id }).then((l) => l.map((s) => s.name).sort());
  assert.deepEqual(await snaps(imported.id), await snaps(labId));
});

test('lab.yaml round trip: text that imports back to the same document', async () => {
  const api = core.api;
  const file = await api.labs.export({ id: labId, format: 'yaml' });
  const text = Buffer.from(file.dataBase64, 'base64').toString('utf8');
  assert.match(text, /^name: Lasting$/m);
  assert.match(text, /^ {4}line: "docker network create dev"$/m);
  const imported = await api.labs.import({ name: 'shared.lab.yaml', dataBase64: file.dataBase64 });
  assert.deepEqual((await api.labs.open({ id: imported.id })).document, (await api.labs.open({ id: labId })).document);
});

test('bad lab files are refused with what and where, and nothing in the library changes', async () => {
  const api = core.api;
  const good = Buffer.from((await api.labs.export({ id: labId, format: 'flotilla' })).dataBase64, 'base64');
  const yaml = Buffer.from((await api.labs.export({ id: labId, format: 'yaml' })).dataBase64, 'base64').toString('utf8');
  const before = JSON.stringify(await api.labs.list());
  const refuse = async (name: string, bytes: Uint8Array, message: RegExp) => {
    await assert.rejects(api.labs.import({ name, dataBase64: Buffer.from(bytes).toString('base64') }), (e: Error) => {
      assert.match(e.message, message);
      return true;
    });
  };
  await refuse('cut.flotilla', good.subarray(0, Math.floor(good.length / 2)), /^cut\.flotilla: the file is truncated/);
  await refuse('junk.flotilla', new Uint8Array([0xff, 0xfe, 1, 2, 3]), /^junk\.flotilla: not a lab file/);
  await refuse('bad.lab.yaml', Buffer.from(yaml.replace(/^seed: \d+$/m, 'seed: lots')), /^bad\.lab\.yaml: seed: must be a whole number/);
  await refuse('bad2.lab.yaml', Buffer.from(yaml.replace(/^version: 2$/m, 'version: 9')), /newer Flotilla \(document version 9\); this Flotilla reads up to version 2/);
  await refuse('bad3.lab.yaml', Buffer.from(yaml.replace('    console: 1\n', '    console: one\n')), /journal\[0\]\.console: must be a whole number/);
  await refuse('indent.lab.yaml', Buffer.from('name: x\n  version: 2\n'), /^indent\.lab\.yaml:2: /);
  // A library, not a lab file.
  const library = await import('node:fs').then((fs) => fs.readFileSync(path.join(home, 'library.sqlite3'), { flag: 'r' })).catch(() => undefined);
  if (library) await refuse('library.flotilla', library, /not a Flotilla lab file|truncated|damaged/);
  assert.equal(JSON.stringify(await api.labs.list()), before);
  writeFileSync(path.join(home, 'unused'), '');
});

test('a version 1 lab in the library reads as version 2 and starts', async () => {
  const doc: LabDocument = (await core.api.labs.open({ id: labId })).document;
  assert.equal(doc.version, 2);
});
