// A live capture's flushes append to the stored capture while they can, and write it whole when they must (the
// ring dropped frames, a new interface came); after every flush the library holds what importing the capture's
// own file gives: the same index blocks, kept rows, page rows and filter results.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { compileFilter } from '../../src-main/common/dissect/index.ts';
import type { Core } from '../../src-main/services/core.ts';
import { Library } from '../../src-main/store/library.ts';
import { tempCoreWithCaptureTotals, until, twoNodeLab } from './helpers.ts';

let core: Core;
let dispose: () => void;
let totals: Map<string, number>;
before(() => {
  ({ core, dispose, totals } = tempCoreWithCaptureTotals());
});
after(() => dispose());

function storedOf(file: string, id: string) {
  const db = new Database(file, { readonly: true });
  try {
    const { key } = db.prepare<[string], { key: number }>('SELECT key FROM captures WHERE id = ?').get(id)!;
    const index = db.prepare<[number], { seq: number; bytes: Buffer }>('SELECT seq, bytes FROM capture_index WHERE capture_key = ? ORDER BY seq').all(key);
    const rows = db.prepare<[number], object>('SELECT number, source, destination, protocol, info, colour FROM capture_rows WHERE capture_key = ? ORDER BY number').all(key);
    return { index, rows };
  } finally {
    db.close();
  }
}

/** The live capture `id` as stored, against its own file imported into a library of its own. */
function assertSameAsImport(id: string, what: string): number {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-append-it-'));
  const live = Library.open(core.libraryPath, { now: () => new Date(), newId: () => 'unused' });
  const other = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: () => 'f'.repeat(32) });
  try {
    const mine = live.captures.get(id);
    const imported = other.captures.import({ name: 'again', source: 'import' }, live.captures.readFile(id));
    assert.deepEqual([mine.packetCount, mine.byteSize, mine.duration, mine.interfaces], [imported.packetCount, imported.byteSize, imported.duration, imported.interfaces], what);
    assert.deepEqual(storedOf(core.libraryPath, id), storedOf(path.join(dir, 'library.sqlite'), imported.id), `${what}: index blocks and kept rows`);
    assert.deepEqual(live.captures.rows(id, 1, mine.packetCount), other.captures.rows(imported.id, 1, mine.packetCount), `${what}: rows`);
    for (const text of ['icmp', 'arp', 'udp', 'ip.src == 192.168.99.100']) {
      const f = compileFilter(text);
      if (!f.ok) throw new Error(text);
      assert.deepEqual(live.captures.matchFast(id, f.filter), other.captures.matchFast(imported.id, f.filter), `${what}: ${text}`);
    }
    return mine.packetCount;
  } finally {
    live.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('flushes that append and flushes that rewrite store what an import of the file stores', async () => {
  const api = core.api;
  const { labId } = await twoNodeLab(core, 'Append');

  // eth0 of node1 keeps its one interface and its every frame: its flushes after the first append.
  const eth0 = await api.captures.start({ labId, target: { node: 'node1', interface: 'eth0' } });
  // Every device of node1, a small ring: new veths come with each container, and the ring drops frames.
  const any = await api.captures.start({ labId, target: { node: 'node1', interface: 'any' }, limit: { packets: 40 } });
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  let seen = 0;
  for (let k = 1; k <= 4; k++) {
    const ping = await api.console.run({ consoleId: n1.consoleId, line: `docker run --name c${k} alpine ping -c 2 192.168.99.101` });
    assert.equal(ping.exit, 0);
    await until(`frames of round ${k}`, () => (totals.get(eth0.id) ?? 0) >= seen + 4);
    // Let the flush timers run out so that what is stored is the whole ring.
    await new Promise((r) => setTimeout(r, 600));
    seen = assertSameAsImport(eth0.id, `eth0, round ${k}`);
    assert.equal(seen, totals.get(eth0.id));
    const n = assertSameAsImport(any.id, `any, round ${k}`);
    assert.ok(n <= 40);
  }
  assert.ok(seen >= 16, `eth0 frames: ${seen}`);
  await api.captures.stop({ id: eth0.id });
  await api.captures.stop({ id: any.id });
  assertSameAsImport(eth0.id, 'eth0, stopped');
  assertSameAsImport(any.id, 'any, stopped');
});
