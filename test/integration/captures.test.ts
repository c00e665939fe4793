// The capture service through the contract: import, paging, display filters (errors with positions), the detail
// tree's byte ranges, export round trips, events.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { DetailNode } from '../../src-main/common/api/capture-types.ts';
import { FlotillaError } from '../../src-main/common/api/errors.ts';
import { writePcap } from '../../src-main/common/pcap/index.ts';
import { createCore, type Core } from '../../src-main/services/core.ts';
import { sharedPath } from '../shared-path.ts';
import { tempCore } from './helpers.ts';

let core: Core;
let dispose: () => void;
before(() => ({ core, dispose } = tempCore()));
after(() => dispose());

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const file = (name: string) => new Uint8Array(readFileSync(sharedPath('reference', 'linux', name)));
const OVERLAY = '01-overlay-ping-docker-underlay-n1eth0.pcap';

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof FlotillaError && e.code === code && message.test(e.message));
}

function find(nodes: DetailNode[], pred: (n: DetailNode) => boolean): DetailNode | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    const c = find(n.children, pred);
    if (c) return c;
  }
  return undefined;
}

test('import, list, page, filter, events', async () => {
  const seen: unknown[] = [];
  const off = core.api.onCapturesChanged((p) => seen.push(p));
  const c = await core.api.captures.import({ name: OVERLAY, dataBase64: b64(file(OVERLAY)) });
  off();
  assert.deepEqual(seen, [{}]);
  assert.equal(c.packetCount, 10);
  assert.deepEqual((await core.api.captures.list({})).map((x) => x.id), [c.id]);

  const all = await core.api.captures.frames({ id: c.id, offset: 0, limit: 100 });
  assert.equal(all.total, 10);
  assert.equal(all.matched, 10);
  assert.deepEqual(all.rows.map((r) => r.number), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const page = await core.api.captures.frames({ id: c.id, offset: 8, limit: 5 });
  assert.deepEqual(page.rows.map((r) => r.number), [9, 10]);

  const icmp = await core.api.captures.frames({ id: c.id, offset: 0, limit: 100, filter: 'icmp' });
  assert.equal(icmp.matched, 6);
  assert.deepEqual(icmp.rows.map((r) => r.number), [3, 4, 5, 6, 7, 8]);
  const second = await core.api.captures.frames({ id: c.id, offset: 2, limit: 2, filter: 'icmp' });
  assert.deepEqual(second.rows.map((r) => r.number), [5, 6]);
  const vni = await core.api.captures.frames({ id: c.id, offset: 0, limit: 100, filter: 'vxlan && icmp.type == 0' });
  assert.deepEqual(vni.rows.map((r) => r.number), [4, 6, 8]);

  const bad = await core.api.captures.frames({ id: c.id, offset: 0, limit: 100, filter: '  ip.adr == 1' });
  assert.equal(bad.matched, 0);
  assert.deepEqual(bad.rows, []);
  assert.deepEqual(bad.filterError, { message: '"ip.adr" is neither a field nor a protocol name.', start: 2, end: 8 });
  const syntax = await core.api.captures.frames({ id: c.id, offset: 0, limit: 100, filter: 'ip.src == ' });
  assert.ok(syntax.filterError && syntax.filterError.start >= 7, JSON.stringify(syntax.filterError));
});

test('a frame: the tree with byte ranges inside the frame, the inner ICMP under VXLAN, the bytes', async () => {
  const c = await core.api.captures.import({ name: 'again', dataBase64: b64(file(OVERLAY)) });
  const d = await core.api.captures.frame({ id: c.id, number: 3 });
  const bytes = Buffer.from(d.sources[0]!.bytes, 'base64');
  assert.equal(bytes.length, 148);
  const labels = d.tree.map((n) => n.label);
  assert.match(labels[0]!, /^Frame 3: 148 bytes on wire/);
  assert.ok(labels.includes('Virtual eXtensible Local Area Network'), labels.join(' | '));
  assert.equal(labels.filter((l) => l.startsWith('Internet Protocol Version 4')).length, 2, 'outer and inner IPv4');
  assert.equal(labels.at(-1), 'Internet Control Message Protocol');
  const vni = find(d.tree, (n) => n.abbrev === 'vxlan.vni')!;
  assert.equal(vni.value, '4097');
  assert.deepEqual([vni.start, vni.end], [46, 49]);
  const type = find(d.tree, (n) => n.abbrev === 'icmp.type')!;
  assert.equal(bytes[type.start], 8, 'the inner ICMP type byte is an echo request');
  const check = (nodes: DetailNode[]) => {
    for (const n of nodes) {
      assert.ok(n.start >= 0 && n.start <= n.end && n.end <= bytes.length, `${n.label}: [${n.start}, ${n.end})`);
      check(n.children);
    }
  };
  check(d.tree);
  await rejectsWith(core.api.captures.frame({ id: c.id, number: 11 }), 'not-found', /has 10 frames/);
});

test('a refused file says what and where; an unknown capture is not-found', async () => {
  const good = file(OVERLAY);
  await rejectsWith(core.api.captures.import({ name: 'x', dataBase64: b64(good.subarray(0, 100)) }), 'invalid-argument', /record 2 at byte 82: .*read 1 packet before it/);
  await rejectsWith(core.api.captures.import({ name: 'x', dataBase64: b64(new Uint8Array([1, 2, 3, 4, 5, 6])) }), 'invalid-argument', /not a pcap or pcapng file/);
  await rejectsWith(core.api.captures.frames({ id: 'f'.repeat(32), offset: 0, limit: 1 }), 'not-found', /No capture/);
  await rejectsWith(core.api.captures.import({ name: 'x', labId: 'f'.repeat(32), dataBase64: b64(good) }), 'not-found', /No lab/);
});

test('export pcap and pcapng, re-import: the same rows; delete', async () => {
  const c = await core.api.captures.import({ name: 'round.pcap', dataBase64: b64(file('04-overlay-http-c1eth0.pcap')) });
  const rows = (await core.api.captures.frames({ id: c.id, offset: 0, limit: 1000 })).rows;
  for (const format of ['pcap', 'pcapng'] as const) {
    const out = await core.api.captures.export({ id: c.id, format });
    assert.equal(out.fileName, `round.${format}`);
    const back = await core.api.captures.import({ name: out.fileName, dataBase64: out.data });
    assert.equal(back.format, format);
    assert.deepEqual((await core.api.captures.frames({ id: back.id, offset: 0, limit: 1000 })).rows, rows);
    await core.api.captures.delete({ id: back.id });
  }
  await core.api.captures.delete({ id: c.id });
  await rejectsWith(core.api.captures.frame({ id: c.id, number: 1 }), 'not-found', /No capture/);
});

test('a lab keeps its captures (events name the lab); deleting the lab deletes them', async () => {
  const lab = await core.api.labs.create({ name: 'Capture lab' });
  const seen: unknown[] = [];
  const off = core.api.onCapturesChanged((p) => seen.push(p));
  const frames = Array.from({ length: 50 }, (_, i) => ({ tsNs: BigInt(i) * 1_000_000n, data: new Uint8Array(64).fill(i) }));
  const c = await core.api.captures.import({ name: 'gen', labId: lab.id, dataBase64: b64(writePcap(frames)) });
  off();
  assert.deepEqual(seen, [{ labId: lab.id }]);
  assert.deepEqual((await core.api.captures.list({ labId: lab.id })).map((x) => x.id), [c.id]);
  const p = await core.api.captures.frames({ id: c.id, offset: 45, limit: 10 });
  assert.deepEqual(p.rows.map((r) => r.number), [46, 47, 48, 49, 50]);
  assert.equal(p.rows[0]!.timeRelative, 0.045);
  await core.api.labs.delete({ id: lab.id });
  assert.ok((await core.api.captures.list({})).every((x) => x.id !== c.id));
});

test('after a restart the stored capture pages, filters and dissects from the library alone', async () => {
  const { core: first, home, dispose: done } = tempCore();
  try {
    const c = await first.api.captures.import({ name: 'dns', dataBase64: b64(file('03-overlay-dns-c1eth0.pcap')) });
    const before = await first.api.captures.frames({ id: c.id, offset: 0, limit: 1000, filter: 'dns' });
    const detail = await first.api.captures.frame({ id: c.id, number: before.rows.at(-1)!.number });
    first.close();
    const again = createCore({ shell: 'cli', home });
    try {
      assert.deepEqual(await again.api.captures.frames({ id: c.id, offset: 0, limit: 1000, filter: 'dns' }), before);
      assert.deepEqual(await again.api.captures.frame({ id: c.id, number: detail.number }), detail);
    } finally {
      again.close();
    }
  } finally {
    done();
  }
});
