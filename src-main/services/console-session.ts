// One console of a running lab: an interactive shell on the workstation, a node or a container, whose output
// streams out as it is written (coalesced per turn of the event loop), with Ctrl-C. The wall-clock parts live
// here, in services: output batching, and giving up on a command that ignores Ctrl-C.
import { FlotillaError } from '../common/api/errors.ts';
import type { ConsoleOutput, ConsoleRunResult, ConsoleTarget } from '../common/api/types.ts';
import type { Container } from '../docker/daemon/container.ts';
import type { DockerNode, DockerWorld } from '../docker/world.ts';
import type { Chunk, RunResult, Shell } from '../shell/interpreter.ts';
import { Interrupt } from '../shell/interrupt.ts';
import { complete, type CompletionScope } from './completion.ts';
import type { Completions } from '../common/api/types.ts';

/** How long (wall) a command may ignore Ctrl-C before the console gives up on it. */
export const ABANDON_AFTER_MS = 750;

export interface ConsoleSessionOptions {
  readonly id: string;
  readonly labId: string;
  readonly target: ConsoleTarget;
  readonly title: string;
  readonly shell: Shell;
  readonly world: DockerWorld;
  readonly node?: DockerNode;
  readonly container?: Container;
  readonly emit: (output: ConsoleOutput) => void;
  /** Told when a line starts (the lab's journal); what it returns is told when the line ends or is interrupted. */
  readonly record?: (line: string) => RecordedLine | undefined;
}

/** A journaled line in flight. */
export interface RecordedLine {
  done(exit: number | null): void;
  interrupted(): void;
}

interface Running {
  readonly interrupt: Interrupt;
  readonly abandon: Interrupt;
  timer?: ReturnType<typeof setTimeout>;
  recorded?: RecordedLine | undefined;
  /** The lab was rebuilt under this console and the command goes on there (handOver): run() ends with that one. */
  next?: Promise<ConsoleRunResult>;
}

export class ConsoleSession {
  readonly id: string;
  readonly labId: string;
  readonly target: ConsoleTarget;
  readonly title: string;
  readonly shell: Shell;
  readonly #o: ConsoleSessionOptions;
  #pending: Chunk[] = [];
  #flush: ReturnType<typeof setImmediate> | undefined;
  #running: Running | undefined;
  #closed = false;

  constructor(o: ConsoleSessionOptions) {
    this.#o = o;
    this.id = o.id;
    this.labId = o.labId;
    this.target = o.target;
    this.title = o.title;
    this.shell = o.shell;
    this.shell.setOutputListener((chunk) => this.#output(chunk));
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** What a terminal shows before the next line: `user@workstation:~$ `, `docker@node1:~$ `, `/ # `. */
  prompt(): string {
    const sh = this.shell;
    const home = sh.getVar('HOME');
    const cwd = home !== undefined && home !== '/' && (sh.cwd === home || sh.cwd.startsWith(`${home}/`)) ? `~${sh.cwd.slice(home.length)}` : sh.cwd;
    const user = sh.getVar('USER') ?? 'root';
    if (this.target.kind === 'container') return sh.dialect === 'ash' ? `${cwd} # ` : `root@${sh.hostname}:${cwd}# `;
    return `${user}@${sh.hostname}:${cwd}$ `;
  }

  /** Runs one line; resolves when it ends (after its output has been sent). */
  async run(line: string): Promise<ConsoleRunResult> {
    if (this.#closed) throw new FlotillaError('not-found', `The console ${this.id} is closed.`);
    if (this.#running) throw new FlotillaError('conflict', 'A command is still running in this console (Ctrl-C interrupts it).');
    const running: Running = { interrupt: new Interrupt(), abandon: new Interrupt() };
    this.#running = running;
    running.recorded = this.#o.record?.(line);
    let exit: number | null = null;
    try {
      exit = (await this.shell.run(line, { signal: running.interrupt, abandon: running.abandon })).exit;
    } finally {
      if (!running.next) running.recorded?.done(exit);
      clearTimeout(running.timer);
      this.#running = undefined;
      this.#flushNow();
    }
    if (running.next) return running.next;
    return { exit, prompt: this.prompt(), closed: this.shell.exited };
  }

  /**
   * Takes over `work`, a command this console's shell is running in a lab rebuilt by replay (LabRuntime.swapLab):
   * the console is busy until it ends, Ctrl-C reaches it, and its journal line is told how it ended.
   */
  async adopt(work: Promise<RunResult>, stop: { signal: Interrupt; abandon: Interrupt }, recorded: RecordedLine | undefined): Promise<ConsoleRunResult> {
    const running: Running = { interrupt: stop.signal, abandon: stop.abandon, recorded };
    this.#running = running;
    let exit: number | null = null;
    try {
      exit = (await work).exit;
    } finally {
      running.recorded?.done(exit);
      clearTimeout(running.timer);
      if (this.#running === running) this.#running = undefined;
      this.#flushNow();
    }
    return { exit, prompt: this.prompt(), closed: this.shell.exited };
  }

  /**
   * Closes this session, whose command goes on in a rebuilt lab as `next` (another session's adopt): the command
   * here stops unseen — its last words would belong to the discarded lab — and run() resolves with `next`.
   */
  handOver(next: Promise<ConsoleRunResult>): void {
    const r = this.#running;
    if (!r || this.#closed) return;
    r.next = next;
    this.#flushNow();
    this.shell.setOutputListener(undefined);
    this.#closed = true;
    r.interrupt.abort();
    r.abandon.abort();
  }

  /**
   * Ctrl-C: the tty's echo "^C" goes out in the command's output stream, after what the command wrote before it and
   * before what it writes as it stops (as a tty's echo shares its output queue; a terminal that drew it at once
   * could put it before a line the command had already written); then the foreground command is told, and one
   * that does not stop soon is abandoned.
   */
  interrupt(): void {
    const r = this.#running;
    if (!r) return;
    this.#output({ stream: 'stdout', text: '^C' });
    if (r.interrupt.aborted) return;
    r.recorded?.interrupted();
    r.interrupt.abort();
    r.timer = setTimeout(() => r.abandon.abort(), ABANDON_AFTER_MS);
  }

  complete(line: string, cursor: number): Completions {
    const scope: CompletionScope = { shell: this.shell, world: this.#o.world, ...(this.#o.node ? { node: this.#o.node } : {}) };
    return complete(scope, line, cursor);
  }

  /** Why the console cannot go on (its node or container went), or undefined while it can. */
  lost(world: DockerWorld): string | undefined {
    const { node, container } = this.#o;
    if (node && world.node(node.name) !== node) return `the node ${node.name} was removed`;
    if (container && (!container.running || !node?.daemon.containers.has(container.id))) return `the container ${container.name} stopped`;
    return undefined;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#running && !this.#running.interrupt.aborted) this.#running.recorded?.interrupted();
    this.#running?.interrupt.abort();
    this.#running?.abandon.abort();
    this.#flushNow();
    this.shell.setOutputListener(undefined);
  }

  #output(chunk: Chunk): void {
    if (this.#closed) return;
    const last = this.#pending[this.#pending.length - 1];
    if (last && last.stream === chunk.stream) last.text += chunk.text;
    else this.#pending.push({ ...chunk });
    this.#flush ??= setImmediate(() => this.#flushNow());
  }

  #flushNow(): void {
    if (this.#flush !== undefined) clearImmediate(this.#flush);
    this.#flush = undefined;
    const chunks = this.#pending;
    this.#pending = [];
    for (const c of chunks) this.#o.emit({ consoleId: this.id, data: c.text, stream: c.stream });
  }
}
