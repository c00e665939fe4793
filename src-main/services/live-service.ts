// The running labs of this process and their consoles: lab.* and console.* of the contract. One LabRuntime per
// started lab, found again by lab id; consoles are found by their id. Everything is disposed on lab.stop, when the
// lab is deleted, and when the Core closes.
// A lab starts by replaying its document's journal (replay.ts) and goes live from there; every line a console
// runs is journaled, and the document is saved AUTOSAVE_MS after a change (and on stop and close), so an
// interrupted session loses at most that much work.
import { randomBytes } from 'node:crypto';
import type { Handlers } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { Library } from '../store/library.ts';
import type { EventHub } from './events.ts';
import type { ConsoleSession } from './console-session.ts';
import { execLine } from './lab-exec.ts';
import { LabRuntime } from './lab-runtime.ts';
import { replayDocument } from './replay.ts';
import { checkSnapshotName } from './snapshot-names.ts';
import type { LabDocument } from '../common/api/types.ts';
import type { Shell } from '../shell/interpreter.ts';
import { formatVirtualTime, type LabSnapshots } from '../shell/snapshot-command.ts';

/** Autosave: how long after a journal change the document is written (wall milliseconds). */
export const AUTOSAVE_MS = 1000;
/** How often a running lab's lease says this process is alive, and when an unrenewed lease is free (wall ms). */
export const LEASE_HEARTBEAT_MS = 5000;
export const LEASE_STALE_MS = 20_000;

/** Whether process `pid` exists on this machine (EPERM: it exists, owned by someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A library write error as a sentence for the UI: what happened, and that the lab is still in memory. */
export function libraryErrorMessage(path: string, err: unknown): string {
  const code = String((err as { code?: unknown }).code ?? '');
  const detail = err instanceof Error ? err.message : String(err);
  const why = code.startsWith('SQLITE_FULL')
    ? 'the disk is full'
    : code.startsWith('SQLITE_READONLY')
      ? 'it is read-only'
      : code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')
        ? 'another process holds it locked'
        : detail === 'The database connection is not open'
          ? 'it is closed'
          : detail;
  return `Could not save to the Flotilla library (${path}): ${why}. The lab stays open in memory; the next change tries again.`;
}

function openElsewhere(pid: number): FlotillaError {
  return new FlotillaError('conflict', `This lab is open in another Flotilla window (pid ${pid}).`);
}

type LiveHandlers = Pick<
  Handlers,
  'lab.start' | 'lab.stop' | 'lab.state' | 'lab.clock' | 'console.open' | 'console.run' | 'console.interrupt' | 'console.complete' | 'console.close' | 'lab.exec'
>;

export class LiveLabs {
  readonly #labs = new Map<string, LabRuntime>();
  /** console id → the lab it belongs to. */
  readonly #consoles = new Map<string, string>();
  /** Labs being rebuilt by replay (a second lab.start waits for the same one). */
  readonly #starting = new Map<string, Promise<LabRuntime>>();
  readonly #saveTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Node count of each running lab's document as last written: the lab list is told when a save changes it. */
  readonly #savedNodeCount = new Map<string, number>();
  /** Why the last autosave of a lab failed (a read-only or full disk): the lab stays in memory. */
  readonly saveErrors = new Map<string, string>();
  /** This LiveLabs' lease token: another Core (window, process) on the same library has its own. */
  readonly #token = randomBytes(16).toString('hex');
  #heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly library: Library,
    private readonly hub: EventHub,
    private readonly newId: () => string,
  ) {}

  /** Whether a lease still stands: renewed lately by a process that exists. */
  static #live(lease: { pid: number; heartbeatMs: number }): boolean {
    if (Date.now() - lease.heartbeatMs >= LEASE_STALE_MS) return false;
    return lease.pid === process.pid || processExists(lease.pid);
  }

  /**
   * Refuses (FlotillaError 'conflict') a change to lab `labId` — a snapshot saved or restored, a rename, a delete —
   * while another window or process runs it: it would write the lab under that one, whose autosave would undo it.
   */
  assertWritable(labId: string): void {
    if (this.#labs.has(labId) || this.#starting.has(labId)) return;
    const lease = this.library.getLease(labId);
    if (lease && lease.token !== this.#token && LiveLabs.#live(lease)) throw openElsewhere(lease.pid);
  }

  /** Takes the lab's lease, or says which process has it open (FlotillaError 'conflict'). */
  #acquireLease(labId: string): void {
    const holder = this.library.acquireLease(labId, { pid: process.pid, token: this.#token }, Date.now(), (lease) => LiveLabs.#live(lease));
    if (holder) throw openElsewhere(holder.pid);
    if (!this.#heartbeat) {
      this.#heartbeat = setInterval(() => {
        try {
          this.library.renewLeases(this.#token, Date.now());
        } catch (err) {
          this.hub.emit('onLibraryError', { labId: null, message: libraryErrorMessage(this.library.path, err) });
        }
      }, LEASE_HEARTBEAT_MS);
      this.#heartbeat.unref();
    }
  }

  #releaseLease(labId: string): void {
    try {
      this.library.releaseLease(labId, this.#token);
    } catch {
      // it goes stale by itself
    }
    if (this.#labs.size === 0 && this.#starting.size === 0 && this.#heartbeat) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }

  /** The running lab, or one rebuilt from its document (replayed up to the document's time) and gone live. */
  start(labId: string, clock: { paused?: boolean; speed?: number } = {}): Promise<LabRuntime> {
    const rt = this.#labs.get(labId);
    if (rt) return Promise.resolve(rt);
    let starting = this.#starting.get(labId);
    if (!starting) {
      starting = this.#build(labId, clock).finally(() => this.#starting.delete(labId));
      this.#starting.set(labId, starting);
    }
    return starting;
  }

  async #build(labId: string, clock: { paused?: boolean; speed?: number }): Promise<LabRuntime> {
    const stored = this.library.getLab(labId); // not-found when the library has no such lab
    const document = stored.document;
    this.#savedNodeCount.set(labId, stored.nodeCount);
    this.#acquireLease(labId);
    let replayed: Awaited<ReturnType<typeof replayDocument>>;
    try {
      replayed = await replayDocument(document);
    } catch (err) {
      this.#starting.delete(labId);
      this.#releaseLease(labId);
      throw err;
    }
    for (const d of replayed.divergences) console.warn(`flotilla: lab ${labId}: replay diverged: ${d}`);
    const already = this.#labs.get(labId);
    if (already) {
      replayed.lab.world.dispose();
      return already;
    }
    const rt = new LabRuntime({
      labId,
      newId: this.newId,
      lab: replayed.lab,
      document,
      lastConsole: replayed.lastConsole,
      ...clock,
      onJournal: () => this.#scheduleSave(labId),
      onState: (id, state) => this.hub.emit('onLabState', { labId: id, state }),
      onOutput: (output) => this.hub.emit('onConsoleOutput', output),
      onConsoleBusy: (busy) => this.hub.emit('onConsoleBusy', busy),
      onConsoleExit: (consoleId, reason) => {
        this.#consoles.delete(consoleId);
        this.hub.emit('onConsoleExit', { consoleId, reason });
      },
    });
    rt.lab.snapshots = this.#snapshotsOf(labId);
    this.#labs.set(labId, rt);
    return rt;
  }

  /**
   * `flotilla snapshot save|restore|ls` typed at a console of a running lab: the library's snapshots of the lab.
   * A restore rebuilds the snapshot by replay and swaps it in under the open consoles (LabRuntime.swapLab).
   */
  #snapshotsOf(labId: string): LabSnapshots {
    return {
      save: async (name) => {
        checkSnapshotName(name);
        const time = this.running(labId).lab.world.scheduler.now;
        if (!this.save(labId)) throw new Error(this.saveErrors.get(labId) ?? 'the lab could not be written');
        this.library.saveSnapshot(labId, name);
        this.hub.emit('onSnapshotsChanged', { labId });
        this.hub.emit('onLabsChanged', this.library.listLabs());
        return `Saved snapshot ${name} (${formatVirtualTime(time)} of virtual time).`;
      },
      restore: async (name, asking) => {
        // Newest first: of two snapshots with one name, the later one.
        const found = this.library.listSnapshots(labId).find((s) => s.name === name);
        if (!found) throw new Error(`no snapshot named ${name} (flotilla snapshot ls lists them)`);
        const { document } = this.library.getSnapshot(found.id);
        await this.restoreInPlace(labId, document, asking, `snapshot ${name} was restored`);
        return `Restored snapshot ${name} (${formatVirtualTime(document.time)} of virtual time).`;
      },
      list: async () => this.library.listSnapshots(labId).reverse().map((s) => ({ name: s.name, time: this.library.getSnapshot(s.id).document.time })),
    };
  }

  /** Rebuilds `document` by replay and puts it in place of running lab `labId`, under its open consoles; saves it. */
  async restoreInPlace(labId: string, document: LabDocument, asking?: Shell, why?: string): Promise<void> {
    const replayed = await replayDocument(document);
    for (const d of replayed.divergences) console.warn(`flotilla: lab ${labId}: replay diverged: ${d}`);
    const rt = this.#labs.get(labId);
    if (!rt) {
      replayed.lab.world.dispose();
      throw new FlotillaError('not-found', `The lab ${labId} is not running (lab.start starts it).`);
    }
    replayed.lab.snapshots = this.#snapshotsOf(labId);
    await rt.swapLab(replayed, document, asking, why);
    this.save(labId);
    this.hub.emit('onLabsChanged', this.library.listLabs());
  }

  running(labId: string): LabRuntime {
    const rt = this.#labs.get(labId);
    if (!rt) throw new FlotillaError('not-found', `The lab ${labId} is not running (lab.start starts it).`);
    return rt;
  }

  /** Whether the lab runs in this process. */
  isRunning(labId: string): boolean {
    return this.#labs.has(labId);
  }

  /** The lab being started (rebuilt by replay) in this process, once it runs; undefined when none is starting. */
  starting(labId: string): Promise<LabRuntime> | undefined {
    return this.#starting.get(labId);
  }

  #scheduleSave(labId: string): void {
    if (this.#saveTimers.has(labId)) return;
    this.#saveTimers.set(
      labId,
      setTimeout(() => {
        this.#saveTimers.delete(labId);
        this.save(labId);
      }, AUTOSAVE_MS),
    );
  }

  /** Writes a running lab's document now (autosave, snapshots.save, stop). False when it could not be written. */
  save(labId: string): boolean {
    clearTimeout(this.#saveTimers.get(labId));
    this.#saveTimers.delete(labId);
    const rt = this.#labs.get(labId);
    if (!rt) return true;
    try {
      const summary = this.library.updateDocument(labId, rt.document());
      this.saveErrors.delete(labId);
      // The window's lab list shows node counts; a lab not open there would otherwise keep an old one.
      if (this.#savedNodeCount.get(labId) !== summary.nodeCount) {
        this.#savedNodeCount.set(labId, summary.nodeCount);
        this.hub.emit('onLabsChanged', this.library.listLabs());
      }
      return true;
    } catch (err) {
      // Kept in memory: the next change tries again.
      const message = libraryErrorMessage(this.library.path, err);
      this.saveErrors.set(labId, message);
      console.error(`flotilla: could not save lab ${labId}: ${message}`);
      this.hub.emit('onLibraryError', { labId, message });
      return false;
    }
  }

  /** Stops a running lab; its document is saved first unless `save` is false (a restore replaces it). */
  stop(labId: string, options: { save?: boolean } = {}): void {
    const rt = this.#labs.get(labId);
    if (!rt) return;
    if (options.save === false) {
      clearTimeout(this.#saveTimers.get(labId));
      this.#saveTimers.delete(labId);
    } else this.save(labId);
    this.#labs.delete(labId);
    this.#savedNodeCount.delete(labId);
    for (const id of rt.consoleIds) this.#consoles.delete(id);
    rt.dispose();
    this.#releaseLease(labId);
    this.hub.emit('onLabStopped', { labId });
  }

  session(consoleId: string): { rt: LabRuntime; session: ConsoleSession } {
    const labId = this.#consoles.get(consoleId);
    const rt = labId === undefined ? undefined : this.#labs.get(labId);
    const session = rt?.console(consoleId);
    if (!rt || !session) {
      this.#consoles.delete(consoleId);
      throw new FlotillaError('not-found', `No open console with id ${consoleId}.`);
    }
    return { rt, session };
  }

  handlers(): LiveHandlers {
    return {
      'lab.start': async ({ labId }) => (await this.start(labId)).state(),
      'lab.stop': ({ labId }) => {
        this.stop(labId);
        return null;
      },
      'lab.state': ({ labId }) => this.running(labId).state(),
      'lab.clock': ({ labId, action, speed }) => {
        const rt = this.running(labId);
        return action === 'play' ? rt.play(speed) : action === 'pause' ? rt.pause(speed) : rt.step();
      },
      'console.open': ({ labId, target }) => {
        const info = this.running(labId).openConsole(target);
        this.#consoles.set(info.consoleId, labId);
        return info;
      },
      'console.run': async ({ consoleId, line }) => {
        const { rt, session } = this.session(consoleId);
        try {
          const result = await session.run(line);
          if (result.closed) rt.closeConsole(consoleId, 'logout');
          // A restore typed here put a new session (a shell of the restored lab) behind this console.
          const now = rt.console(consoleId);
          return now && now !== session ? { ...result, prompt: now.prompt() } : result;
        } finally {
          rt.requestState();
        }
      },
      'console.interrupt': ({ consoleId }) => {
        this.session(consoleId).session.interrupt();
        return null;
      },
      'lab.exec': ({ labId, target, line }) => execLine(this.running(labId), target, line),
      'console.complete': ({ consoleId, line, cursor }) => this.session(consoleId).session.complete(line, cursor),
      'console.close': ({ consoleId }) => {
        const labId = this.#consoles.get(consoleId);
        if (labId !== undefined) this.#labs.get(labId)?.closeConsole(consoleId);
        this.#consoles.delete(consoleId);
        return null;
      },
    };
  }

  dispose(): void {
    for (const labId of [...this.#labs.keys()]) this.stop(labId);
  }
}
