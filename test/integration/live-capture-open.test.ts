// A live capture open in the capture view: its flushes append to the stored file and extend the open session
// (its context, pass and cached filter results carry on) instead of writing the ring whole and dissecting it all
// again; what the session then gives (rows, detail trees, filter results) is what a fresh session of the stored
// file gives. A ring that drops frames is still written whole, and its session adopts the new file.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isFastFilter } from '../../src-main/common/capture/fast-filter.ts';
import { compileFilter, type DisplayFilter, type FieldValues } from '../../src-main/common/dissect/index.ts';
import { readCapture } from '../../src-main/common/pcap/index.ts';
import { CaptureService } from '../../src-main/services/capture-service.ts';
import type { Core } from '../../src-main/services/core.ts';
import { EventHub } from '../../src-main/services/events.ts';
import { framesToPcapng, type TappedFrame } from '../../src-main/services/live-captures.ts';
import { CaptureAppender, CaptureStore, parseOrRefuse } from '../../src-main/store/captures.ts';
import { Library, randomId } from '../../src-main/store/library.ts';
import { sharedPath } from '../shared-path.ts';
import { tempCoreWithCaptureTotals, until, twoNodeLab } from './helpers.ts';

/** Calls per capture id: whole writes of the store, appends, and what the capture service's sessions were told. */
const calls = { whole: new Map<string, number>(), appends: new Map<string, number>(), adopt: new Map<string, number>(), extend: new Map<string, number>() };
const bump = (m: Map<string, number>, id: string) => m.set(id, (m.get(id) ?? 0) + 1);
const count = (m: Map<string, number>, id: string) => m.get(id) ?? 0;

// Spies on the prototypes (this file runs in a process of its own): which path each flush took, deterministically.
const { replace, appender } = CaptureStore.prototype;
CaptureStore.prototype.replace = function (this: CaptureStore, ...args: Parameters<CaptureStore['replace']>) {
  bump(calls.whole, args[0]);
  return replace.apply(this, args);
};
CaptureStore.prototype.appender = function (this: CaptureStore, ...args: Parameters<CaptureStore['appender']>) {
  bump(calls.whole, args[0]);
  return appender.apply(this, args);
};
const { append } = CaptureAppender.prototype;
CaptureAppender.prototype.append = function (this: CaptureAppender, ...args: Parameters<CaptureAppender['append']>) {
  bump(calls.appends, this.id);
  return append.apply(this, args);
};
const { adopt, extend } = CaptureService.prototype;
CaptureService.prototype.adopt = function (this: CaptureService, ...args: Parameters<CaptureService['adopt']>) {
  bump(calls.adopt, args[0]);
  return adopt.apply(this, args);
};
CaptureService.prototype.extend = function (this: CaptureService, ...args: Parameters<CaptureService['extend']>) {
  // Counted when an open session took the frames (and was kept).
  const open = this.isOpen(args[0]);
  extend.apply(this, args);
  if (open && this.isOpen(args[0])) bump(calls.extend, args[0]);
};

/** Filters the index's columns cannot answer: they need the session's pass. */
const FILTERS = ['icmp.type == 8', 'ip.ttl < 64 && !arp'];

let core: Core;
let dispose: () => void;
let totals: Map<string, number>;
before(() => {
  for (const text of FILTERS) {
    const f = compileFilter(text);
    assert.ok(f.ok && !isFastFilter(f.filter), `${text} must need the session`);
  }
  ({ core, dispose, totals } = tempCoreWithCaptureTotals());
});
after(() => dispose());

/** Capture `id` as core's open session gives it, against a fresh session of the stored file (another service). */
async function assertSameAsFresh(id: string, what: string): Promise<number> {
  const lib = Library.open(core.libraryPath, { now: () => new Date(), newId: () => 'unused' });
  const fresh = new CaptureService(lib, new EventHub()).handlers();
  try {
    const total = lib.captures.get(id).packetCount;
    const mine = await core.api.captures.frames({ id, offset: 0, limit: total + 1 });
    assert.equal(mine.total, total, `${what}: the open capture's total`);
    assert.deepEqual(mine.rows, (await fresh['captures.frames']({ id, offset: 0, limit: total + 1 })).rows, `${what}: rows`);
    // The filters first: both sessions then have passed every frame, and the detail trees are of the same pass.
    for (const filter of FILTERS) {
      const a = await core.api.captures.frames({ id, offset: 0, limit: total + 1, filter });
      const b = await fresh['captures.frames']({ id, offset: 0, limit: total + 1, filter });
      assert.deepEqual(a, b, `${what}: ${filter}`);
    }
    for (let n = 1; n <= total; n++) assert.deepEqual(await core.api.captures.frame({ id, number: n }), await fresh['captures.frame']({ id, number: n }), `${what}: frame ${n}`);
    return total;
  } finally {
    lib.close();
  }
}

test('a live capture open in the view appends and extends its session; a dropping ring is written whole', async () => {
  const api = core.api;
  const { labId } = await twoNodeLab(core, 'Open');

  // eth0 of node1 keeps every frame; its twin keeps 6 and drops the rest.
  const whole = await api.captures.start({ labId, target: { node: 'node1', interface: 'eth0' } });
  const small = await api.captures.start({ labId, target: { node: 'node1', interface: 'eth0' }, limit: { packets: 6 } });
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  let seen = 0;
  for (let k = 1; k <= 4; k++) {
    const before = { whole: count(calls.whole, whole.id), appends: count(calls.appends, whole.id), adopt: count(calls.adopt, whole.id), extend: count(calls.extend, whole.id) };
    const smallWhole = count(calls.whole, small.id);
    const smallAdopt = count(calls.adopt, small.id);
    await api.lab.clock({ labId, action: 'play', speed: 50 });
    assert.equal((await api.console.run({ consoleId: n1.consoleId, line: `docker run --name c${k} alpine ping -c 2 192.168.99.101` })).exit, 0);
    await until(`frames of round ${k}`, () => (totals.get(whole.id) ?? 0) >= seen + 4);
    // The lab paused, let the flush timers run out: what is stored is the whole ring, and no frame comes while
    // the open session and a fresh one are compared.
    await api.lab.clock({ labId, action: 'pause' });
    await new Promise((r) => setTimeout(r, 600));
    if (k === 1) {
      // Not open yet: the first flush wrote the ring whole (nothing was stored to append to), nobody adopted it.
      assert.ok(count(calls.whole, whole.id) > before.whole);
      assert.equal(count(calls.adopt, whole.id), 0);
    } else {
      // Open (asked for below): every flush appended and extended the session; none wrote or dissected it all.
      assert.equal(count(calls.whole, whole.id), before.whole, `round ${k}: no whole write of the open capture`);
      assert.equal(count(calls.adopt, whole.id), before.adopt, `round ${k}: no session adopted`);
      assert.ok(count(calls.appends, whole.id) > before.appends, `round ${k}: appended`);
      assert.equal(count(calls.extend, whole.id) - before.extend, count(calls.appends, whole.id) - before.appends, `round ${k}: every append extended the open session`);
      // The small ring dropped frames: written whole, and its open session adopted the new file each time.
      assert.ok(count(calls.whole, small.id) > smallWhole, `round ${k}: the dropping ring was written whole`);
      assert.ok(count(calls.adopt, small.id) > smallAdopt, `round ${k}: its session adopted the new file`);
    }
    seen = await assertSameAsFresh(whole.id, `whole, round ${k}`);
    assert.equal(seen, totals.get(whole.id));
    const n = await assertSameAsFresh(small.id, `small, round ${k}`);
    assert.equal(n, 6);
  }
  assert.ok(seen >= 16, `frames: ${seen}`);
  await api.captures.stop({ id: whole.id });
  await api.captures.stop({ id: small.id });
  await assertSameAsFresh(whole.id, 'whole, stopped');
  await assertSameAsFresh(small.id, 'small, stopped');
});

test('an extended session tests only the new frames for a cached filter, and gives what a fresh one gives', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-extend-it-'));
  const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
  try {
    const packets = readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', '02-bridge-docker0-arp-icmp.pcap')))).packets;
    const known = [{ netns: 'node1', dev: 'docker0' }];
    const tapped = (i: number): TappedFrame => ({ ts: i * 1_000_000, ...known[0]!, direction: i % 2 === 0 ? 'in' : 'out', journey: i, data: packets[i % packets.length]!.data });
    const ring: TappedFrame[] = [];
    for (let i = 0; i < 50; i++) ring.push(tapped(i));
    const head = framesToPcapng([], 0, known).length;
    const { id } = lib.captures.insert({ name: 'grows', source: 'lab' }, parseOrRefuse(framesToPcapng([], 0, known)));
    const store = lib.captures.appender(id, parseOrRefuse(framesToPcapng(ring, 0, known)));
    const service = new CaptureService(lib, new EventHub());
    let tested = 0;
    const counting = (text: string): DisplayFilter => {
      const f = compileFilter(text);
      if (!f.ok) throw new Error(text);
      return { text: f.filter.text, fields: f.filter.fields, test: (v: FieldValues) => (tested++, f.filter.test(v)) };
    };
    const text = 'icmp.type == 8';
    await service.matchNumbers(id, text, counting(text));
    assert.equal(tested, 50, 'the first filter tests every frame');
    assert.ok(service.isOpen(id));
    // Several appends, one of them growing the file past the session's buffer more than once over.
    for (const growth of [7, 1, 120, 3]) {
      const fresh: TappedFrame[] = [];
      for (let i = 0; i < growth; i++) fresh.push(tapped(ring.length + i));
      ring.push(...fresh);
      const before = store.count;
      const appended = parseOrRefuse(framesToPcapng(fresh, 0, known));
      store.append(appended, head);
      service.extend(id, before, appended, head);
      tested = 0;
      const mine = await service.matchNumbers(id, text, counting(text));
      assert.equal(tested, growth, 'an extended cached result tests only the new frames');
      const other = new CaptureService(lib, new EventHub());
      assert.deepEqual(mine, await other.matchNumbers(id, text, counting(text)), `after ${ring.length} frames: a fresh session's result`);
      // The session's file is the stored one, byte for byte, its frames views of it at their offsets.
      const parsed = service.parsed(id);
      assert.deepEqual(parsed.bytes, lib.captures.readFile(id));
      const again = parseOrRefuse(lib.captures.readFile(id));
      assert.equal(parsed.capture.packets.length, again.capture.packets.length);
      assert.deepEqual([parsed.firstTsNs, parsed.lastTsNs], [again.firstTsNs, again.lastTsNs]);
      parsed.capture.packets.forEach((p, i) => {
        const q = again.capture.packets[i]!;
        assert.equal(p.data.buffer, parsed.bytes.buffer, `frame ${i + 1} is a view of the session's file`);
        assert.equal(p.data.byteOffset - parsed.bytes.byteOffset, q.data.byteOffset - again.bytes.byteOffset, `frame ${i + 1}'s offset`);
        assert.deepEqual({ ...p, data: [...p.data] }, { ...q, data: [...q.data] }, `frame ${i + 1}`);
      });
    }
    assert.ok((await service.matchNumbers(id, text, counting(text))).length > 0, 'the reference file has echo requests');
  } finally {
    lib.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
