// A worker thread that walks classic pcap records (common/capture/first-pass-walk.ts) ahead of the main thread,
// so an import uses both cores: the worker reads each record and its headers and writes the columns, while the
// main thread runs the stateful half of the first pass (common/capture/first-pass.ts) on the frames the worker has
// finished. Both see the same memory: the file's bytes and the index's columns are on SharedArrayBuffers, and the
// worker publishes how many frames it has written through an Atomics counter the main thread waits on. So
// indexCapture stays synchronous, and gives what the walk on one thread gives. The store hands it to indexCapture
// (a PcapWalker).
//
// The worker is built from the source text of walkFrame, walkPcapRecords and walkPcapngEpbs (self-contained), so it
// needs no file of its own: the same code runs under tsx, in the Electron bundle and in the browser host. It is
// started ahead (warmWalkWorker) and kept, unref'd; an import that finds it not ready yet walks on one thread.

import { Worker } from 'node:worker_threads';
import { walkFrame, walkPcapngEpbs, walkPcapRecords, type PcapngWalk, type PcapWalk, type PcapWalker, type WalkColumns, type WalkedElsewhere, type WalkTables } from '../common/capture/first-pass-walk.ts';

/** ctl[STATE]: what the worker is doing with the present job. */
const STATE = 0;
/** ctl[PROGRESS]: frames written so far (the job's first frame + those walked). */
const PROGRESS = 1;
/**
 * ctl[SLEEPING]: 1 while the main thread sleeps in Atomics.wait. The worker wakes it only then: a wake-up is a
 * system call and, on a virtual machine, an interrupt to the other CPU, which cost the worker more than its walk
 * of a run when it did one per run.
 */
const SLEEPING = 2;
/** Checks of PROGRESS the main thread spins through before it sleeps. */
const SPINS = 20_000;
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
${walkPcapngEpbs.toString()}
const { parentPort, workerData } = require('node:worker_threads');
Atomics.store(workerData.ready, 0, 1);
parentPort.on('message', (m) => {
  const { kind, job, tables, columns, ctl, out } = m;
  let at = job.at;
  let i = job.first;
  let maxRel = 0;
  let state = ${DONE};
  try {
    const end = job.first + job.max;
    while (i < end && at < job.bytes.length) {
      const run = { ...job, at, first: i, max: Math.min(${RUN_FRAMES}, end - i) };
      const r = kind === 'pcapng' ? walkPcapngEpbs(run, tables, columns) : walkPcapRecords(run, tables, columns);
      if (r.maxRel > maxRel) maxRel = r.maxRel;
      i = r.next;
      at = r.at;
      Atomics.store(ctl, ${PROGRESS}, i);
      if (Atomics.load(ctl, ${SLEEPING}) === 1) Atomics.notify(ctl, ${PROGRESS});
      if (r.damaged) {
        state = ${DAMAGED};
        break;
      }
      // pcapng: a block the walk leaves to the reader.
      if (i < run.first + run.max) break;
    }
  } catch {
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
  return runOnWorker('pcap', job, tables, columns, onFrames);
}

/** walkOnWorker for pcapng's plain EPBs: it ends at a block it leaves to PcapngReader, the end, or the columns' room. */
export function walkPcapngOnWorker(job: PcapngWalk, tables: WalkTables, columns: WalkColumns, onFrames: (from: number, to: number) => void): WalkedElsewhere {
  return runOnWorker('pcapng', job, tables, columns, onFrames);
}

function runOnWorker(kind: 'pcap' | 'pcapng', job: PcapWalk | PcapngWalk, tables: WalkTables, columns: WalkColumns, onFrames: (from: number, to: number) => void): WalkedElsewhere {
  const w = worker!;
  const ctl = new Int32Array(new SharedArrayBuffer(12));
  const out = new Float64Array(new SharedArrayBuffer(16));
  ctl[STATE] = RUNNING;
  ctl[PROGRESS] = job.first;
  w.postMessage({ kind, job, tables, columns, ctl, out });
  jobs++;
  let done = job.first;
  let since = Date.now();
  // Not faulted in ahead: classic pcap's interface column (all zero, never written), the original lengths (written
  // only for frames cut short) and the ports of a UDP header inside VXLAN (few frames have one): pages nobody
  // writes stay unmapped.
  const touched = Object.entries(columns).filter(([name]) => (kind === 'pcapng' || name !== 'iface') && name !== 'lenXor' && name !== 'udpSport1' && name !== 'udpDport1');
  const pages = new PageToucher(touched.map(([, col]) => col as Uint8Array), job.first, job.first + job.max);
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
    // Fault in the pages the worker writes next, then spin a while (the next run is usually a few tens of
    // microseconds away), then sleep until woken.
    while (Atomics.load(ctl, PROGRESS) === progress && Atomics.load(ctl, STATE) === RUNNING && pages.touch(progress + RUN_FRAMES));
    let spun = 0;
    while (spun < SPINS && Atomics.load(ctl, PROGRESS) === progress && Atomics.load(ctl, STATE) === RUNNING) spun++;
    if (spun === SPINS) {
      Atomics.store(ctl, SLEEPING, 1);
      Atomics.wait(ctl, PROGRESS, progress, 100);
      Atomics.store(ctl, SLEEPING, 0);
    }
    // The worker's own clock is not the lab's: this guards the import against a worker that died mid-walk.
    if (Date.now() - since > STALL_MS) {
      loseWorker();
      return { next: done, at: 0, maxRel: 0, damaged: false, lost: true };
    }
  }
}

/** Bytes of a memory page (x86-64 and arm64 Linux as configured by default). */
const PAGE = 4096;
/** Frames whose pages touch() faults in at a time. */
const TOUCH_FRAMES = 1024;

/**
 * A first write to fresh memory faults its page in, about a microsecond and a half a page on this kind of virtual
 * machine: a third of the worker's walk was that. While the main thread waits for the worker, it faults in the
 * pages of the columns the worker writes next. It writes with Atomics.compareExchange(0 -> 0), a locked write that
 * leaves whatever value is there, so a frame the worker writes at that moment keeps its value.
 */
class PageToucher {
  readonly #views: Int32Array[] = [];
  readonly #sizes: number[] = [];
  /** Where each column starts in its buffer, in bytes. */
  readonly #starts: number[] = [];
  #next: number;

  constructor(
    columns: readonly Uint8Array[],
    from: number,
    private readonly end: number,
  ) {
    for (const col of columns) {
      this.#views.push(new Int32Array(col.buffer, 0, col.buffer.byteLength >>> 2));
      this.#sizes.push(col.BYTES_PER_ELEMENT);
      this.#starts.push(col.byteOffset);
    }
    this.#next = from;
  }

  /** Faults in the pages of the next TOUCH_FRAMES frames from `ahead` on; false when there are none left. */
  touch(ahead: number): boolean {
    const from = Math.max(this.#next, ahead);
    if (from >= this.end) return false;
    const to = Math.min(this.end, from + TOUCH_FRAMES);
    for (let k = 0; k < this.#views.length; k++) {
      const v = this.#views[k]!;
      const size = this.#sizes[k]!;
      const start = this.#starts[k]!;
      const last = Math.floor((start + to * size - 1) / PAGE);
      for (let p = Math.floor((start + from * size) / PAGE); p <= last; p++) {
        const at = (p * PAGE) >>> 2;
        if (at < v.length) Atomics.compareExchange(v, at, 0, 0);
      }
    }
    this.#next = to;
    return true;
  }
}

/** The worker as indexCapture takes it. */
export const walkWorker: PcapWalker = { ready: walkWorkerReady, walk: walkOnWorker, walkPcapng: walkPcapngOnWorker };
