// Bad input and faults of the library: a process killed at any moment during a save or a snapshot leaves every
// committed snapshot intact; one process at a time runs a lab (a lease in the library); a read-only library is
// refused with its path; a save that fails while a lab runs keeps the lab running and says why (onLibraryError).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import DatabaseConstructor from 'better-sqlite3';
import { FlotillaError } from '../../src-main/common/api/errors.ts';
import { createCore } from '../../src-main/services/core.ts';
import { Library, randomId } from '../../src-main/store/library.ts';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const opts = { now: () => new Date(), newId: randomId };

/** A deterministic list of delays (ms) from a seed: a small LCG, so a failure can be reproduced. */
function delays(seed: number, count: number, max: number): number[] {
  let x = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push(x % max);
  }
  return out;
}

interface Run {
  labId: string | undefined;
  snaps: [string, number][];
  lastN: number;
}

/** Runs the child on `dir`, kills it `delay` ms after it is ready, and returns what it said it committed. */
function runAndKill(dir: string, labId: string | undefined, startN: number, delay: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', CHILD, dir, ...(labId === undefined ? [] : [labId, String(startN)])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { labId, snaps: [], lastN: startN };
    let buffer = '';
    let stderr = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).split(' ');
        buffer = buffer.slice(nl + 1); // a line without its \n yet was not known committed: left in the buffer
        if (line[0] === 'lab') run.labId = line[1];
        else if (line[0] === 'snap') {
          run.snaps.push([line[1]!, Number(line[2])]);
          run.lastN = Math.max(run.lastN, Number(line[2]));
        } else if (line[0] === 'ready' && !timer) timer = setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}/${signal}: ${stderr}`));
      else resolve(run);
    });
  });
}

/** The library after a kill: SQLite's integrity check passes and every committed snapshot reads back whole. */
function checkLibrary(dir: string, labId: string, committed: Map<string, number>): void {
  const file = path.join(dir, 'library.sqlite');
  const lib = Library.open(file, opts); // recovers the WAL
  try {
    const raw = new DatabaseConstructor(file, { readonly: true });
    try {
      assert.deepEqual(raw.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
      assert.deepEqual(raw.pragma('foreign_key_check'), []);
    } finally {
      raw.close();
    }
    lib.getLab(labId); // the lab's document parses
    const listed = new Set(lib.listSnapshots(labId).map((s) => s.id));
    for (const [id, n] of committed) {
      assert.ok(listed.has(id), `snapshot ${id} (document ${n}) is listed`);
      const snap = lib.getSnapshot(id);
      assert.equal(snap.document.time, n);
      const canvas = snap.document.canvas as { n: number; fill: string };
      assert.equal(canvas.n, n);
      assert.equal(canvas.fill, String(n % 10).repeat((n * 7919) % 20_000));
    }
  } finally {
    lib.close();
  }
}

test('killed at random points mid-save and mid-snapshot, many times: every committed snapshot is intact', async () => {
  const LANES = 4;
  const KILLS_PER_LANE = 8;
  const lanes = Array.from({ length: LANES }, async (_, lane) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-crash-'));
    try {
      let labId: string | undefined;
      let n = 1;
      const committed = new Map<string, number>();
      for (const delay of delays(0x5eed + lane, KILLS_PER_LANE, 250)) {
        const run = await runAndKill(dir, labId, n, delay);
        labId = run.labId;
        assert.ok(labId, 'the child created its lab before it was killed');
        for (const [id, at] of run.snaps) committed.set(id, at);
        n = run.lastN + 1;
        checkLibrary(dir, labId, committed);
      }
      return committed.size;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  const counts = await Promise.all(lanes);
  assert.ok(counts.every((c) => c > 0), `snapshots were committed in every lane: ${counts.join(', ')}`);
});

test('one process at a time runs a lab: a second Core on the same library is told where it is open', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-lease-'));
  const a = createCore({ shell: 'cli', home });
  const b = createCore({ shell: 'cli', home });
  try {
    const labId = (await a.api.labs.create({ name: 'Shared' })).id;
    await a.api.lab.start({ labId });
    const conflict = { code: 'conflict', message: `This lab is open in another Flotilla window (pid ${process.pid}).` };
    await assert.rejects(b.api.lab.start({ labId }), conflict);
    await assert.rejects(b.api.lab.start({ labId }), conflict, 'still held');
    await a.api.lab.start({ labId }); // the holder may start it again
    await a.api.lab.stop({ labId });
    await b.api.lab.start({ labId }); // released
    await assert.rejects(a.api.lab.start({ labId }), conflict);

    // A lease whose process is gone, or whose heartbeat is stale, is free.
    await b.api.lab.stop({ labId });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const raw = new DatabaseConstructor(path.join(home, path.basename(a.libraryPath)));
    try {
      const put = raw.prepare('INSERT OR REPLACE INTO lab_leases (lab_id, pid, token, heartbeat_ms) VALUES (?, ?, ?, ?)');
      put.run(labId, dead, 'x'.repeat(32), Date.now());
      await a.api.lab.start({ labId });
      await a.api.lab.stop({ labId });
      put.run(labId, process.pid, 'y'.repeat(32), Date.now() - 60_000);
      await b.api.lab.start({ labId });
      await b.api.lab.stop({ labId });
      put.run(labId, process.pid, 'z'.repeat(32), Date.now());
      await assert.rejects(a.api.lab.start({ labId }), conflict, 'a live, fresh lease stands');
    } finally {
      raw.close();
    }
  } finally {
    a.close();
    b.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a read-only library (file or folder) is refused with a message naming it', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-ro-'));
  const file = path.join(home, 'library.sqlite');
  try {
    Library.open(file, opts).close();
    chmodSync(file, 0o444);
    chmodSync(home, 0o555);
    assert.throws(() => Library.open(file, opts), (err: unknown) => {
      assert.ok(err instanceof FlotillaError);
      assert.equal(err.code, 'unsupported');
      assert.equal(err.message, `The Flotilla library (${file}) cannot be written: the file is read-only. Make it writable, or set FLOTILLA_HOME to use another library.`);
      return true;
    });
    chmodSync(file, 0o644);
    assert.throws(() => createCore({ shell: 'cli', home }), {
      code: 'unsupported',
      message: `The Flotilla library (${file}) cannot be written: its folder ${home} is read-only. Make it writable, or set FLOTILLA_HOME to use another library.`,
    });
  } finally {
    chmodSync(home, 0o755);
    chmodSync(file, 0o644);
    rmSync(home, { recursive: true, force: true });
  }
});

test('a save that fails while the lab runs keeps it running and says why (onLibraryError); the next save works', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-full-'));
  const core = createCore({ shell: 'cli', home, busyTimeoutMs: 50 });
  const errors: { labId: string | null; message: string }[] = [];
  core.subscribe((event, payload) => event === 'onLibraryError' && errors.push(payload as (typeof errors)[number]));
  const raw = new DatabaseConstructor(core.libraryPath);
  try {
    const labId = (await core.api.labs.create({ name: 'Kept' })).id;
    await core.api.lab.start({ labId });
    const ws = await core.api.console.open({ labId, target: { kind: 'workstation' } });
    await core.api.console.run({ consoleId: ws.consoleId, line: 'echo before' });
    raw.exec('BEGIN IMMEDIATE'); // another process holds the write lock, as a stuck or full disk would
    const message = `Could not save to the Flotilla library (${core.libraryPath}): another process holds it locked. The lab stays open in memory; the next change tries again.`;
    await assert.rejects(core.api.snapshots.save({ labId, name: 'Locked' }), {
      code: 'internal',
      message: `Could not write the lab before the snapshot: ${message}`,
    });
    assert.deepEqual(errors, [{ labId, message }]);
    await core.api.console.run({ consoleId: ws.consoleId, line: 'echo during' });
    assert.ok(await core.api.lab.state({ labId }), 'still running');
    raw.exec('COMMIT');
    await core.api.snapshots.save({ labId, name: 'Unlocked' });
    const lines = (await core.api.labs.open({ id: labId })).document.journal.map((e) => e.line);
    assert.ok(lines.includes('echo during'), 'the work done while the library was locked was kept and saved');
  } finally {
    raw.close();
    core.close();
    rmSync(home, { recursive: true, force: true });
  }
});
