// One running lab: its Docker world (built as transcripts build theirs), paced to the wall clock with a speed
// factor, its consoles, and its state sent as onLabState — diffed, and at most STATE_INTERVAL_MS apart. The wall
// clock and its timers live here, never in the core: the pacer (sim/pacer.ts) is handed performance.now and
// setTimeout, and lets promise reactions settle between events so console commands interleave with the packets.
import { FlotillaError } from '../common/api/errors.ts';
import type { ConsoleInfo, ConsoleOutput, ConsoleRunResult, ConsoleTarget, JournalEntry, LabClockState, LabDocument, LabRuntimeState } from '../common/api/types.ts';
import type { Container } from '../docker/daemon/container.ts';
import { DockerError } from '../docker/errors.ts';
import type { DockerNode, DockerWorld } from '../docker/world.ts';
import { paced } from '../sim/pacer.ts';
import { MILLISECOND } from '../sim/time.ts';
import type { DockerLab } from '../shell/lab-host.ts';
import type { Shell } from '../shell/interpreter.ts';
import { ConsoleSession, type RecordedLine } from './console-session.ts';
import { createDockerLab, settle } from './lab-world.ts';
import { labStateView } from './lab-state.ts';
import { nodeSummary, type Replayed, type RunningLine } from './replay.ts';
import { formatVirtualTime } from '../shell/snapshot-command.ts';

/** Where a console runs: its target resolved in the lab (no node: the workstation; no container: the node). */
interface Place {
  readonly target: ConsoleTarget;
  readonly title: string;
  readonly node?: DockerNode;
  readonly container?: Container;
}

/** Least wall time between two onLabState of one lab (10 per second at most). */
export const STATE_INTERVAL_MS = 100;
/** How often a playing lab looks whether its state changed (the clock moves all the time). */
export const TICK_MS = 250;
/** What `step` lets pass: 100 ms of virtual time. */
export const STEP_NS = 100 * MILLISECOND;
/** Consoles one lab keeps open at most: beyond it the oldest idle one closes (a window that reloads without closing
 * its tabs must not make them pile up). */
export const MAX_CONSOLES = 64;

export interface LabRuntimeOptions {
  readonly labId: string;
  readonly newId: () => string;
  readonly onState: (labId: string, state: LabRuntimeState) => void;
  readonly onOutput: (output: ConsoleOutput) => void;
  readonly onConsoleExit: (consoleId: string, reason: string) => void;
  /** A console runs a command its window did not start, or it ended (onConsoleBusy). */
  readonly onConsoleBusy?: (busy: { consoleId: string; busy: boolean; prompt?: string }) => void;
  readonly seed?: number;
  /** The world to go live with (replay.ts rebuilt it from `document`); default: a fresh one. */
  readonly lab?: DockerLab;
  /** The document the lab was started from: its journal goes on from here. */
  readonly document?: LabDocument;
  /** The highest console number in the document's journal. */
  readonly lastConsole?: number;
  /** Start with the clock paused (default: playing), at this speed (default 1). */
  readonly paused?: boolean;
  readonly speed?: number;
  /** The journal changed (a line started, ended or was interrupted): the document should be saved soon. */
  readonly onJournal?: () => void;
}

const wallNow = (): number => performance.now();
const wallSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class LabRuntime {
  readonly labId: string;
  #lab: DockerLab;
  readonly #o: LabRuntimeOptions;
  readonly #consoles = new Map<string, ConsoleSession>();
  /** Per console: its number in the journal and where its output goes (a restore remakes its session). */
  readonly #consoleMeta = new Map<string, { readonly consoleNo: number; readonly emit: (output: ConsoleOutput) => void }>();
  #speed = 1;
  #playing = false;
  #loop: Promise<void> | undefined;
  #stop: { aborted: boolean } | undefined;
  #lastSent = '';
  #lastSentAt = -Infinity;
  #stateTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #ticker: ReturnType<typeof setInterval>;
  #disposed = false;
  readonly #journal: JournalEntry[];
  /** The document's canvas section (the window's layout and notes; labs.saveCanvas replaces it). */
  #canvas: Record<string, unknown>;
  #lastConsole: number;
  /** Told when swapLab put another world in place of `old` (live captures move their taps to it). */
  readonly onSwap = new Set<(old: DockerWorld, now: DockerWorld, why: string) => void>();
  /** Consoles the window was told are busy with an adopted command (onConsoleBusy), and that command. */
  readonly #toldBusy = new Map<string, Promise<ConsoleRunResult>>();

  constructor(o: LabRuntimeOptions) {
    this.#o = o;
    this.labId = o.labId;
    this.#lab = o.lab ?? createDockerLab(o.seed ?? o.document?.seed ?? 1);
    this.#journal = o.document ? structuredClone(o.document.journal) : [];
    this.#canvas = structuredClone(o.document?.canvas ?? {});
    this.#lastConsole = o.lastConsole ?? this.#journal.reduce((m, e) => Math.max(m, e.console), 0);
    this.#speed = o.speed ?? 1;
    this.#ticker = setInterval(() => this.#tick(), TICK_MS);
    if (!o.paused) this.#startLoop();
  }

  /** The lab's world and shells (a restore puts another in its place: do not keep it across awaits). */
  get lab(): DockerLab {
    return this.#lab;
  }

  // ------------------------------------------------------------------------------------------ the clock

  clockState(): LabClockState {
    return { time: this.lab.world.scheduler.now, running: this.#playing, speed: this.#speed };
  }

  state(): LabRuntimeState {
    return labStateView(this.labId, this.lab.world, this.clockState());
  }

  async play(speed?: number): Promise<LabClockState> {
    if (speed !== undefined && speed !== this.#speed) {
      await this.#stopLoop();
      this.#speed = speed;
    }
    if (!this.#playing) this.#startLoop();
    this.requestState();
    return this.clockState();
  }

  async pause(speed?: number): Promise<LabClockState> {
    await this.#stopLoop();
    if (speed !== undefined) this.#speed = speed;
    this.requestState();
    return this.clockState();
  }

  /** Pauses, then lets STEP_NS of virtual time pass (every event on the way, each followed by what it woke). */
  async step(): Promise<LabClockState> {
    await this.#stopLoop();
    await this.lab.clock.advance(STEP_NS);
    this.requestState();
    return this.clockState();
  }

  #startLoop(): void {
    if (this.#disposed) return;
    const signal = { aborted: false };
    this.#stop = signal;
    this.#playing = true;
    const pacer = paced(this.#speed, wallNow, wallSleep, { settle, maxSleepMs: 50 });
    this.#loop = pacer.run(this.lab.world.scheduler, Infinity, signal).then(
      () => undefined,
      (err: unknown) => {
        // A bug in the engine: the lab stops where it is rather than spin on the failing event.
        console.error(`flotilla: lab ${this.labId} stopped on an error:`, err);
        if (this.#stop === signal) this.#playing = false;
        this.requestState();
      },
    );
  }

  async #stopLoop(): Promise<void> {
    if (this.#stop) this.#stop.aborted = true;
    this.#playing = false;
    const loop = this.#loop;
    this.#loop = undefined;
    await loop;
  }

  // ------------------------------------------------------------------------------------------ the document

  /** The lab as a document now: the seed, the journal so far, and the virtual time it covers. */
  document(): LabDocument {
    const base = this.#o.document;
    return {
      version: 2,
      seed: base?.seed ?? this.#o.seed ?? 1,
      time: this.lab.world.scheduler.now,
      nodes: nodeSummary(this.lab.world),
      journal: structuredClone(this.#journal),
      canvas: structuredClone(this.#canvas),
      transcripts: structuredClone(base?.transcripts ?? []),
    };
  }

  get canvas(): Record<string, unknown> {
    return structuredClone(this.#canvas);
  }

  setCanvas(canvas: Record<string, unknown>): void {
    this.#canvas = structuredClone(canvas);
  }

  #record(consoleNo: number, target: ConsoleTarget, line: string): RecordedLine | undefined {
    if (this.#disposed) return undefined;
    const entry: JournalEntry = { t: this.lab.world.scheduler.now, console: consoleNo, target: structuredClone(target), line, exit: line === '' ? 0 : null };
    this.#journal.push(entry);
    this.#o.onJournal?.();
    return this.#recordedLine(entry);
  }

  /** How a journaled line in flight tells its entry that it ended or was interrupted. */
  #recordedLine(entry: JournalEntry): RecordedLine {
    return {
      done: (exit) => {
        entry.exit = exit;
        this.#o.onJournal?.();
      },
      interrupted: () => {
        entry.interrupted ??= this.lab.world.scheduler.now;
        this.#o.onJournal?.();
      },
    };
  }

  // ------------------------------------------------------------------------------------------ state events

  /** Sends the state soon (throttled), if it changed. */
  requestState(): void {
    if (this.#disposed || this.#stateTimer !== undefined) return;
    const wait = Math.max(0, this.#lastSentAt + STATE_INTERVAL_MS - wallNow());
    this.#stateTimer = setTimeout(() => {
      this.#stateTimer = undefined;
      this.#sendState();
    }, wait);
  }

  #sendState(): void {
    if (this.#disposed) return;
    const state = this.state();
    const json = JSON.stringify(state);
    if (json === this.#lastSent) return;
    this.#lastSent = json;
    this.#lastSentAt = wallNow();
    this.#o.onState(this.labId, state);
  }

  #tick(): void {
    for (const c of this.#consoles.values()) {
      const why = c.lost(this.lab.world);
      if (why !== undefined) this.closeConsole(c.id, why);
    }
    if (this.#playing) this.requestState();
  }

  // ------------------------------------------------------------------------------------------ consoles

  /** `emit` receives the console's output (default: onConsoleOutput, to the window's terminal). */
  openConsole(target: ConsoleTarget, emit: (output: ConsoleOutput) => void = this.#o.onOutput): ConsoleInfo {
    if (this.#consoles.size >= MAX_CONSOLES) {
      const idle = [...this.#consoles.values()].find((c) => !c.busy);
      if (!idle) throw new FlotillaError('conflict', `This lab has ${MAX_CONSOLES} consoles running commands: close some first.`);
      this.closeConsole(idle.id, 'closed to make room for a new console');
    }
    const place = this.#place(target);
    const consoleNo = ++this.#lastConsole;
    this.#record(consoleNo, target, ''); // the console opened: replay makes its shell here
    const session = this.#session(this.#o.newId(), consoleNo, target, place, this.#newShell(place), emit);
    return { consoleId: session.id, labId: this.labId, title: session.title, prompt: session.prompt(), target };
  }

  /** Where a console on `target` runs in the lab now; throws when it cannot be opened there. */
  #place(target: ConsoleTarget): Place {
    if (target.kind === 'workstation') return { target, title: 'workstation' };
    const node = this.lab.world.node(target.node);
    if (!node) throw new FlotillaError('not-found', `The lab has no node named ${target.node}.`, 'target.node');
    if (target.kind === 'node') return { target, title: node.name, node };
    if (!node.daemon.running) throw new FlotillaError('conflict', `The Docker daemon of ${node.name} is not running.`);
    let container: Container;
    try {
      container = node.daemon.findContainer(target.container);
    } catch (e) {
      if (e instanceof DockerError) throw new FlotillaError('not-found', e.message, 'target.container');
      throw e;
    }
    if (!container.running) throw new FlotillaError('conflict', `Container ${container.name} is not running.`);
    return { target, title: `${node.name}/${container.name}`, node, container };
  }

  #newShell(place: Place): Shell {
    const { node, container } = place;
    if (!node) return this.lab.workstationShell();
    if (!container) return this.lab.nodeShell(node);
    return this.lab.containerShell(node, container, node.daemon.envOf(container), container.image.workdir);
  }

  #session(id: string, consoleNo: number, target: ConsoleTarget, place: Place, shell: Shell, emit: (output: ConsoleOutput) => void): ConsoleSession {
    const session = new ConsoleSession({
      id,
      // Blank lines do nothing and are not journaled (an empty line marks a console's opening).
      record: (line) => (line.trim() === '' ? undefined : this.#record(consoleNo, target, line)),
      labId: this.labId,
      target,
      title: place.title,
      shell,
      world: this.lab.world,
      ...(place.node ? { node: place.node } : {}),
      ...(place.container ? { container: place.container } : {}),
      emit,
    });
    this.#consoles.set(id, session);
    this.#consoleMeta.set(id, { consoleNo, emit });
    return session;
  }

  /**
   * Puts `replayed` (a snapshot's document `doc`, rebuilt by replay) in place of the running lab, under the open
   * consoles, and takes `doc`'s journal. Each console goes on in the new lab with its shell as it stood at the
   * snapshot; one opened since then opens again (journaled now); one whose node or container the snapshot has not,
   * or has not running, closes and says why. `asking` is the shell whose command asked for this: its line ends in
   * the old lab, its console goes on in the new one. The clock plays on if it was playing.
   * A line the replay left running (a `ping` still going at the instant rebuilt) is taken over by its console: its
   * output from here on reaches the console, after a one-line notice saying `why` the lab changed (a console that
   * was waiting for a command gets this one's end instead); a command the rebuilt lab has not started stops, also
   * with a notice.
   */
  async swapLab(replayed: Replayed, doc: LabDocument, asking?: Shell, why = 'the lab was rebuilt'): Promise<void> {
    if (this.#disposed) return;
    const playing = this.#playing;
    await this.#stopLoop();
    const old = this.#lab;
    const oldSessions = [...this.#consoles.values()];
    this.#lab = replayed.lab;
    this.#journal.splice(0, this.#journal.length, ...structuredClone(doc.journal));
    this.#lastConsole = Math.max(this.#lastConsole, replayed.lastConsole);
    for (const c of oldSessions) {
      const meta = this.#consoleMeta.get(c.id)!;
      this.#consoles.delete(c.id);
      this.#consoleMeta.delete(c.id);
      let place: Place;
      try {
        place = this.#place(c.target);
      } catch (err) {
        if (c.shell !== asking) c.close();
        this.#o.onConsoleExit(c.id, `not in the restored snapshot: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      let shell = replayed.shells.get(meta.consoleNo);
      if (!shell) {
        shell = this.#newShell(place);
        this.#record(meta.consoleNo, c.target, '');
      } else shell.takeOutput(); // what the replay printed, the console printed before (or at the snapshot)
      const going = c.shell === asking ? undefined : replayed.running.get(meta.consoleNo);
      const wasBusy = c.busy && c.shell !== asking;
      const session = this.#session(c.id, meta.consoleNo, c.target, place, shell, meta.emit);
      const adopted = going ? session.adopt(going.work, going, this.#adopted(meta.consoleNo, going)) : undefined;
      if (adopted) void adopted.catch(() => undefined);
      // The asking command finishes in its old session (its output still reaches the console); a command that goes
      // on in the new lab ends there; the others stop.
      if (adopted && wasBusy) c.handOver(adopted);
      else if (c.shell !== asking) c.close();
      // The window believes this console idle: it must wait for the command (and let Ctrl-C reach it) until it ends.
      // A command told so before and adopted again keeps it busy (the earlier adoption's end is not its end).
      if (adopted && (!wasBusy || this.#toldBusy.has(c.id))) this.#tellBusy(session, adopted, wasBusy);
      // After what the old session still had to send, before anything of the new one (sent on the next turn).
      if (going || wasBusy) {
        const at = `[flotilla: ${why}, to ${formatVirtualTime(this.lab.world.scheduler.now)} of virtual time; `;
        const what = going ? `\`${going.line}\` goes on there${wasBusy ? '' : ', its output follows'}]` : 'the command had not started then and stops]';
        meta.emit({ consoleId: c.id, data: `\n${at}${what}\n`, stream: 'stderr' });
      }
    }
    old.world.dispose();
    for (const f of this.onSwap) f(old.world, this.#lab.world, why);
    this.#o.onJournal?.();
    if (playing) this.#startLoop();
    this.requestState();
  }

  /** Tells the window a console is busy with an adopted command, then idle at its end (after its last output). */
  #tellBusy(session: ConsoleSession, adopted: Promise<ConsoleRunResult>, already: boolean): void {
    const tell = this.#o.onConsoleBusy;
    if (!tell) return;
    if (!already) tell({ consoleId: session.id, busy: true });
    this.#toldBusy.set(session.id, adopted);
    const end = () => {
      if (this.#toldBusy.get(session.id) !== adopted) return;
      this.#toldBusy.delete(session.id);
      tell({ consoleId: session.id, busy: false, prompt: session.prompt() });
    };
    adopted.then(end, end);
  }

  /** The journal entry of a line the replay left running, told how it ends (undefined when the journal lacks it). */
  #adopted(consoleNo: number, going: RunningLine): RecordedLine | undefined {
    for (let i = this.#journal.length - 1; i >= 0; i--) {
      const e = this.#journal[i]!;
      if (e.console === consoleNo && e.t === going.t && e.line === going.line) return this.#recordedLine(e);
    }
    return undefined;
  }

  console(id: string): ConsoleSession | undefined {
    return this.#consoles.get(id);
  }

  get consoleIds(): string[] {
    return [...this.#consoles.keys()];
  }

  /** Closes a console; with a reason, its window is told (onConsoleExit). */
  closeConsole(id: string, reason?: string): void {
    const c = this.#consoles.get(id);
    if (!c) return;
    this.#consoles.delete(id);
    this.#consoleMeta.delete(id);
    c.close();
    if (reason !== undefined) this.#o.onConsoleExit(id, reason);
  }

  /** Stops everything: the pacing loop, the timers, the consoles. */
  dispose(): void {
    if (this.#disposed) return;
    for (const id of [...this.#consoles.keys()]) this.closeConsole(id, 'the lab stopped');
    this.#disposed = true;
    if (this.#stop) this.#stop.aborted = true;
    this.#playing = false;
    clearInterval(this.#ticker);
    clearTimeout(this.#stateTimer);
    this.lab.world.dispose();
  }
}
