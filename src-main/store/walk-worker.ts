// A worker thread that walks classic pcap records (common/capture/first-pass-walk.ts) ahead of the main thread, so an import
// uses both cores: the worker reads each record and its headers and writes the columns, while the main thread
// runs the stateful half of the first pass (common/capture/first-pass.ts) on the frames the worker has finished. Both see the
// same memory: the file's bytes and the index's columns are on SharedArrayBuffers, and the worker publishes how
// many frames it has written through an Atomics counter the main thread waits on. So indexCapture stays
// synchronous, and gives what the walk on one thread gives. The store hands it to indexCapture (a PcapWalker).
//
// The worker is built from the source text of walkFrame and walkPcapRecords (self-contained functions), so it
// needs no file of its own: the same code runs under tsx, in the Electron bundle and in the browser host. It is
// started ahead (warmWalkWorker) and kept, unref'd; an import that finds it not ready yet walks on one thread.

import { Worker } from 'node:worker_threads';
import { walkFrame, walkPcapRecords, type PcapWalk, type PcapWalker, type WalkColumns, type WalkedElsewhere, type WalkTables } from '../common/capture/first-pass-walk.ts';

/** ctl[STATE]: what the worker is doing with the present job. */
const STATE = 0;
/** ctl[PROGRESS]: frames written so far (the job's first frame + those walked). */
const PROGRESS = 1;
const RUNNING = 1;
const DONE = 2;
const DAMAGED = 3;
const FAILED = 4;
/** Frames walked between two publications of PROGRESS. */
const RUN_FRAMES = 2048;
/** Milliseconds without progress after which the worker is taken as lost. */
const STALL_MS = 5000;

function workerSource(): string {
  return `'use strict';
// keepNames' helper, as the transpiled functions below may call it.
const __name = (f) => f;
${walkFrame.toString()}
${walkPcapRecords.toString()}
const { parentPort, workerData } = require('node:worker_threads');
Atomics.store(workerData.ready, 0, 1);
parentPort.on('message', (m) => {
  const { job, tables, columns, ctl, out } = m;
  let at = job.at;
  let i = job.first;
  let maxRel = 0;
  let state = ${DONE};
  try {
    const end = job.first + job.max;
    while (i < end && at < job.bytes.length) {
      const r = walkPcapRecords({ ...job, at, first: i, max: Math.min(${RUN_FRAMES}, end - i) }, tables, columns);
      if (r.maxRel > maxRel) maxRel = r.maxRel;
      i = r.next;
      at = r.at;
      Atomics.store(ctl, ${PROGRESS}, i);
      Atomics.notify(ctl, ${PROGRESS});
      if (r.damaged) {
        state = ${DAMAGED};
        break;
      }
    }
  } catch (e) {
    state = ${FAILED};
  }
  out[0] = at;
  out[1] = maxRel;
  Atomics.store(ctl, ${STATE}, state);
  Atomics.store(ctl, ${PROGRESS}, i);
  Atomics.notify(ctl, ${PROGRESS});
});
`;
}

let worker: Worker | undefined;
let ready: Int32Array | undefined;
let lost = false;
let jobs = 0;

/** Walks handed to the worker so far (for tests). */
export function walkWorkerJobs(): number {
  return jobs;
}

/** Starts the worker if it is not running (it takes a few tens of milliseconds to be ready). */
export function warmWalkWorker(): void {
  if (worker !== undefined || lost) return;
  ready = new Int32Array(new SharedArrayBuffer(4));
  try {
    worker = new Worker(workerSource(), { eval: true, workerData: { ready } });
  } catch {
    lost = true;
    return;
  }
  worker.unref();
  worker.on('error', () => loseWorker());
  worker.on('exit', () => loseWorker());
}

function loseWorker(): void {
  lost = true;
  const w = worker;
  worker = undefined;
  void w?.terminate();
}

/** Whether a walk can be handed to the worker now. */
export function walkWorkerReady(): boolean {
  return worker !== undefined && ready !== undefined && Atomics.load(ready, 0) === 1;
}

/**
 * Has the worker walk `job` (its bytes and `columns` on SharedArrayBuffers) while `onFrames(from, to)` is called
 * here for each run of frames it has written, in order.
 */
export function walkOnWorker(job: PcapWalk, tables: WalkTables, columns: WalkColumns, onFrames: (from: number, to: number) => void): WalkedElsewhere {
  const w = worker!;
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const out = new Float64Array(new SharedArrayBuffer(16));
  ctl[STATE] = RUNNING;
  ctl[PROGRESS] = job.first;
  w.postMessage({ job, tables, columns, ctl, out });
  jobs++;
  let done = job.first;
  let since = Date.now();
  for (;;) {
    const progress = Atomics.load(ctl, PROGRESS);
    if (progress > done) {
      onFrames(done, progress);
      done = progress;
      since = Date.now();
      continue;
    }
    const state = Atomics.load(ctl, STATE);
    if (state !== RUNNING) {
      if (Atomics.load(ctl, PROGRESS) > done) continue;
      if (state === FAILED) {
        loseWorker();
        return { next: done, at: out[0]!, maxRel: out[1]!, damaged: false, lost: true };
      }
      return { next: done, at: out[0]!, maxRel: out[1]!, damaged: state === DAMAGED, lost: false };
    }
    Atomics.wait(ctl, PROGRESS, progress, 100);
    // The worker's own clock is not the lab's: this guards the import against a worker that died mid-walk.
    if (Date.now() - since > STALL_MS) {
      loseWorker();
      return { next: done, at: 0, maxRel: 0, damaged: false, lost: true };
    }
  }
}

/** The worker as indexCapture takes it. */
export const walkWorker: PcapWalker = { ready: walkWorkerReady, walk: walkOnWorker };
