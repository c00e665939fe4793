// A full disk under the library (SQLITE_FULL, made with PRAGMA max_page_count): saving says so in plain words, the
// lab keeps running with everything typed in memory, a snapshot is refused with the same reason, and once there
// is room again the next save writes it all.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Library, randomId } from '../store/library.ts';
import { EventHub } from './events.ts';
import { LabFiles } from './lab-files.ts';
import { LiveLabs } from './live-service.ts';

test('a full disk: a clear message, nothing lost, and a later save succeeds once there is room', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-disk-full-'));
  const library = Library.open(path.join(home, 'library.db'), { now: () => new Date(), newId: randomId });
  const hub = new EventHub();
  const errors: { labId: string | null; message: string }[] = [];
  hub.subscribe((event, payload) => {
    if (event === 'onLibraryError') errors.push(payload as { labId: string | null; message: string });
  });
  const live = new LiveLabs(library, hub, randomId);
  const files = new LabFiles(library, hub, live);
  try {
    const { id: labId } = library.createLab('Full');
    const rt = await live.start(labId, { paused: true });
    const ws = rt.openConsole({ kind: 'workstation' });
    const session = rt.console(ws.consoleId)!;
    assert.equal((await session.run('docker-machine create node1')).exit, 0);
    assert.ok(live.save(labId));

    // No room left: the next line is long enough to need new pages.
    library.setMaxPageCount(library.pageCount);
    const big = `echo ${'x'.repeat(20_000)}`;
    assert.equal((await session.run(big)).exit, 0);
    assert.equal(live.save(labId), false);
    const why = `Could not save to the Flotilla library (${library.path}): the disk is full. The lab stays open in memory; the next change tries again.`;
    assert.equal(live.saveErrors.get(labId), why);
    assert.deepEqual(errors.at(-1), { labId, message: why });
    // Nothing lost: the running lab has the line, and still runs.
    assert.ok(rt.document().journal.some((e) => e.line === big));
    assert.ok(!library.getLab(labId).document.journal.some((e) => e.line === big), 'not on disk yet');
    assert.equal((await session.run('docker-machine ls -q')).exit, 0);
    assert.throws(() => files.saveSnapshot(labId, 'while full'), { message: `Could not write the lab before the snapshot: ${why}` });
    assert.deepEqual(library.listSnapshots(labId), []);

    // A stopped lab's snapshot fails on the snapshot row itself, in the same words.
    library.setMaxPageCount(1_000_000);
    const { id: idle } = library.createLab('Idle');
    library.setMaxPageCount(library.pageCount);
    assert.throws(() => {
      for (let i = 0; i < 50; i++) files.saveSnapshot(idle, `s${i} ${'y'.repeat(90)}`);
    }, { message: `Could not save the snapshot to the Flotilla library (${library.path}): the disk is full.` });

    // Room again: the next save writes everything kept in memory.
    library.setMaxPageCount(1_000_000);
    assert.ok(live.save(labId));
    assert.equal(live.saveErrors.has(labId), false);
    const saved = library.getLab(labId).document;
    assert.ok(saved.journal.some((e) => e.line === big));
    assert.ok(saved.journal.some((e) => e.line === 'docker-machine ls -q'));
    assert.equal(files.saveSnapshot(labId, 'after').name, 'after');
  } finally {
    live.dispose();
    library.close();
    rmSync(home, { recursive: true, force: true });
  }
});
