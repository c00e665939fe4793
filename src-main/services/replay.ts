// Rebuilding a lab from its document. The emulator is deterministic (same seed, same inputs at the same virtual
// times ⇒ the same state, byte for byte), so a lab's running state is never serialized: the document keeps the seed
// and the journal of console lines with the virtual time each started at (and when a Ctrl-C hit it), and replay
// runs them again, as fast as possible, in a fresh world. lab.start, snapshots.restore and snapshots.diff all come
// here.
//
// A journal entry whose line is empty marks a console being opened: its shell is made then (shells take process
// ids in the order they are opened, and `$$` or `sleep 9 &` print them).
import type { ConsoleTarget, JournalEntry, LabDocument, LabNodeSpec } from '../common/api/types.ts';
import type { DockerWorld } from '../docker/world.ts';
import type { DockerLab } from '../shell/lab-host.ts';
import type { RunResult, Shell } from '../shell/interpreter.ts';
import { Interrupt } from '../shell/interrupt.ts';
import type { LabSnapshots } from '../shell/snapshot-command.ts';
import { createDockerLab } from './lab-world.ts';

export interface ReplayOptions {
  /** Replay up to this virtual time (default: the document's `time`). */
  readonly until?: number;
  /** Told what each journaled line printed when it ends (its index in the journal). */
  readonly onLineDone?: (index: number, output: string, exit: number) => void;
}

export interface Replayed {
  readonly lab: DockerLab;
  /** Lines whose exit status differs from the journal's (a sign the replay diverged), as readable sentences. */
  readonly divergences: string[];
  /** The highest console number the journal uses (new consoles count on from here). */
  readonly lastConsole: number;
  /** The shell of each console the journal opened, by console number, as it stands at the end of the replay. */
  readonly shells: ReadonlyMap<number, Shell>;
  /** The line each console was still running at the end of the replay, by console number (a live lab takes it over). */
  readonly running: ReadonlyMap<number, RunningLine>;
}

/** A journaled line still running in a replayed lab, with what stops it (Ctrl-C, then giving up on it). */
export interface RunningLine {
  readonly t: number;
  readonly line: string;
  readonly work: Promise<RunResult>;
  readonly signal: Interrupt;
  readonly abandon: Interrupt;
}

/**
 * `flotilla snapshot` during a replay: a save already happened (it is not made again), and a restore in a journal is
 * one that failed (a restore that worked replaced the journal it was typed in), so it fails again.
 */
export const replaySnapshots: LabSnapshots = {
  save: (name) => Promise.resolve(`Saved snapshot ${name}.`),
  restore: (name) => Promise.reject(new Error(`no snapshot named ${name}`)),
  list: () => Promise.resolve([]),
};

interface Action {
  readonly t: number;
  readonly index: number;
  readonly kind: 'start' | 'interrupt';
}

/** Builds a fresh world from `doc`: createDockerLab(seed), then every journaled line at its virtual time. */
export async function replayDocument(doc: LabDocument, options: ReplayOptions = {}): Promise<Replayed> {
  const lab = createDockerLab(doc.seed);
  lab.snapshots = replaySnapshots;
  const until = options.until ?? doc.time;
  const scheduler = lab.world.scheduler;
  const actions: Action[] = [];
  doc.journal.forEach((e, index) => {
    if (e.t > until) return;
    actions.push({ t: e.t, index, kind: 'start' });
    if (e.interrupted !== undefined && e.interrupted <= until) actions.push({ t: e.interrupted, index, kind: 'interrupt' });
  });
  // Stable: at one instant, starts and interrupts keep the journal's order.
  actions.sort((a, b) => a.t - b.t);
  const shells = new Map<number, Shell>();
  /** Lines in flight by journal index (an interrupted one leaves: its console gave up on it). */
  const running = new Map<number, { console: number; line: RunningLine }>();
  /** Per console, its line in flight: a console runs one line at a time, so the next waits for it. */
  const busy = new Map<number, Promise<unknown>>();
  const divergences: string[] = [];
  let lastConsole = 0;
  for (const a of actions) {
    const entry = doc.journal[a.index]!;
    lastConsole = Math.max(lastConsole, entry.console);
    // Also at the same instant: what earlier lines can finish without virtual time passing finishes first, as it
    // did live (a paced lab's clock may not have moved between a `docker-machine create` and the console opened on
    // its node, but the command had ended).
    await lab.clock.advance(Math.max(0, a.t - scheduler.now));
    if (a.kind === 'interrupt') {
      // Ctrl-C and giving up at once: a replay has no wall time to wait on a command that ignores it.
      const r = running.get(a.index);
      running.delete(a.index);
      r?.line.signal.abort();
      r?.line.abandon.abort();
      continue;
    }
    let shell = shells.get(entry.console);
    if (!shell) {
      shell = shellFor(lab, entry.target);
      if (!shell) {
        divergences.push(`journal[${a.index}]: ${describeTarget(entry.target)} is not there at ${a.t} ns`);
        continue;
      }
      shells.set(entry.console, shell);
    }
    if (entry.line === '') continue; // the console was opened
    const previous = busy.get(entry.console);
    if (previous) {
      // It ended by this instant in the live lab; here its last promise reactions may still be queued.
      const t0 = scheduler.now;
      await lab.clock.complete(previous);
      if (scheduler.now !== t0) divergences.push(`journal[${a.index}]: the previous line of console ${entry.console} was still running at ${t0} ns`);
    }
    const signal = new Interrupt();
    const abandon = new Interrupt();
    const index = a.index;
    const work = shell.run(entry.line, { signal, abandon });
    running.set(index, { console: entry.console, line: { t: entry.t, line: entry.line, work, signal, abandon } });
    busy.set(entry.console, work.catch(() => undefined));
    void work.then(
      (result) => {
        running.delete(index);
        if (entry.exit !== null && result.exit !== entry.exit) {
          divergences.push(`journal[${index}] (${entry.line}): exit ${result.exit}, the journal says ${entry.exit}`);
        }
        options.onLineDone?.(index, result.output.map((c) => c.text).join(''), result.exit);
      },
      (err: unknown) => {
        running.delete(index);
        divergences.push(`journal[${index}] (${entry.line}): ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }
  if (until > scheduler.now) await lab.clock.advance(until - scheduler.now);
  else await lab.clock.advance(0);
  const stillRunning = new Map<number, RunningLine>();
  for (const r of running.values()) stillRunning.set(r.console, r.line);
  return { lab, divergences, lastConsole, shells, running: stillRunning };
}

/** The shell a console on `target` gets (as LabRuntime.openConsole makes it), or undefined when it is not there. */
export function shellFor(lab: DockerLab, target: ConsoleTarget): Shell | undefined {
  if (target.kind === 'workstation') return lab.workstationShell();
  const node = lab.world.node(target.node);
  if (!node) return undefined;
  if (target.kind === 'node') return lab.nodeShell(node);
  if (!node.daemon.running) return undefined;
  let container;
  try {
    container = node.daemon.findContainer(target.container);
  } catch {
    return undefined;
  }
  if (!container.running) return undefined;
  return lab.containerShell(node, container, node.daemon.envOf(container), container.image.workdir);
}

export function describeTarget(t: ConsoleTarget): string {
  return t.kind === 'workstation' ? 'the workstation' : t.kind === 'node' ? `node ${t.node}` : `container ${t.container} on ${t.node}`;
}

/** The document's summary of the nodes: name, underlay address, engine. */
export function nodeSummary(world: DockerWorld): LabNodeSpec[] {
  return world.nodeList().map((n) => ({ name: n.name, address: n.ipText, engine: n.engine }));
}

/** Entries of `b` after the longest common prefix with `a`, and those of `a` after it. */
export function journalDelta(a: readonly JournalEntry[], b: readonly JournalEntry[]): { added: JournalEntry[]; removed: JournalEntry[] } {
  let i = 0;
  while (i < a.length && i < b.length && sameStart(a[i]!, b[i]!)) i++;
  return { added: b.slice(i), removed: a.slice(i) };
}

/** The same line started at the same time on the same console (its exit may have been filled in since). */
function sameStart(x: JournalEntry, y: JournalEntry): boolean {
  return x.t === y.t && x.console === y.console && x.line === y.line && JSON.stringify(x.target) === JSON.stringify(y.target);
}
