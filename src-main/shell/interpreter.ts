// The console shell: executes the ASTs of parse.ts over a Vfs, with commands looked up in a registry.
//
// Pipelines pass their data along as strings, running the stages in order (in virtual time nothing is lost by
// that). Standard input is a cursor over a string, so `while read l; do ...; done < file` reads line by line.
// Output goes to descriptor sinks; at the top they append chunks tagged stdout/stderr to the terminal, in the
// order they were written. Subshells, pipeline stages (when there are several) and background jobs run in a fork
// of the shell: a copy of its variables and working directory over the same file system.
//
// Two dialects: 'bash' (the workstation and the lab's hosts: `bash: X: command not found`) and 'ash' (busybox
// images: `sh: X: not found`). Syntax errors exit with status 2, unknown commands with 127.

import { expandHeredoc, expandString, expandWords, ExpansionError } from './expand.ts';
import type { ExpandEnv } from './expand.ts';
import { parseScript, ShellSyntaxError } from './parse.ts';
import type { AndOr, Command, Pipeline, Redirect, Script, SimpleCommand } from './parse.ts';
import type { Clock } from './clock.ts';
import { whenAborted, type InterruptSignal } from './interrupt.ts';
import { Vfs, VfsError } from '../common/vfs.ts';

export type Stream = 'stdout' | 'stderr';

export interface Chunk {
  stream: Stream;
  text: string;
}

export interface RunResult {
  exit: number;
  /** What the shell printed since the previous run (background jobs included), in order. */
  output: Chunk[];
}

export interface CommandContext {
  argv: string[];
  /** All of the remaining standard input (reading it consumes it). */
  readonly stdin: string;
  /** One line of standard input without its newline, or null at the end (for `read`). */
  readLine(): string | null;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The command's environment: exported variables plus the command's own assignments. */
  env: Map<string, string>;
  cwd: string;
  fs: Vfs;
  /** The shell running the command (a fork for subshells and pipeline stages). */
  shell: Shell;
  clock: Clock;
  /** Ctrl-C at the console running this command in the foreground (absent in transcripts and background jobs). A
   * command that can be interrupted listens, stops, and returns as the real one does. */
  signal?: InterruptSignal;
}

export type CommandImpl = (ctx: CommandContext) => Promise<number> | number;

export type Dialect = 'bash' | 'ash';

export interface ShellOptions {
  clock: Clock;
  fs?: Vfs;
  commands?: ReadonlyMap<string, CommandImpl>;
  /** 'bash' (default) or 'ash' (busybox). Decides the wording of the shell's own errors. */
  dialect?: Dialect;
  /** The name the shell's errors start with and $0; defaults to `bash` or `sh` by dialect. */
  name?: string;
  hostname?: string;
  /** Exported variables to start with. */
  env?: Record<string, string>;
  /** The working directory; defaults to $HOME, else `/`. */
  cwd?: string;
  /** $$ */
  pid?: number;
}

/** `exit N`, or `set -e` after a failure: unwinds to the shell (or subshell) that runs the script. */
export class ExitSignal {
  constructor(readonly code: number) {}
}

/** Ctrl-C: unwinds the command line like `exit 130`, but the interactive shell lives on. */
class InterruptedSignal extends ExitSignal {}

class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public levels: number,
  ) {}
}

/** Standard input: a string and how far it was read. */
export class Input {
  private pos = 0;
  constructor(private readonly data: string) {}
  rest(): string {
    const r = this.data.slice(this.pos);
    this.pos = this.data.length;
    return r;
  }
  readLine(): string | null {
    if (this.pos >= this.data.length) return null;
    const nl = this.data.indexOf('\n', this.pos);
    const end = nl < 0 ? this.data.length : nl;
    const line = this.data.slice(this.pos, end);
    this.pos = nl < 0 ? this.data.length : nl + 1;
    return line;
  }
}

type Sink = (text: string) => void;

interface Io {
  stdin: Input;
  fds: Map<number, Sink>;
  /** The console's Ctrl-C for the foreground command line. */
  signal?: InterruptSignal | undefined;
}

/** How a console runs a line: Ctrl-C (`signal`), and `abandon` for a command that ignores it (the line then ends
 * at once with status 130, and what the command still prints is dropped). */
export interface RunOptions {
  signal?: InterruptSignal;
  abandon?: InterruptSignal;
}

/** Status of a command line ended by Ctrl-C (128 + SIGINT). */
export const INTERRUPTED = 130;

interface Job {
  id: number;
  pid: number;
  done: Promise<number>;
}

interface Terminal {
  chunks: Chunk[];
  /** A live console's listener: when set, output goes to it as it is written instead of into `chunks`. */
  listener?: ((chunk: Chunk) => void) | undefined;
}

const discard: Sink = () => undefined;

export class Shell {
  readonly fs: Vfs;
  readonly clock: Clock;
  readonly dialect: Dialect;
  readonly name: string;
  readonly hostname: string;
  readonly commands: ReadonlyMap<string, CommandImpl>;
  readonly pid: number;
  cwd: string;
  /** $? */
  status = 0;
  /** set -e */
  errexit = false;
  /** `exit` (or set -e) ended this shell's script at the top level: an interactive console closes. */
  exited = false;
  private readonly vars: Map<string, string>;
  private readonly exported: Set<string>;
  private readonly terminal: Terminal;
  private jobs: Job[] = [];
  private nextJob = 1;
  private lastBackground: number | undefined;
  private loopDepth = 0;
  private conditionDepth = 0;
  private pids: { next: number };

  constructor(options: ShellOptions, parent?: Shell) {
    this.clock = options.clock;
    this.fs = options.fs ?? Vfs.with(['/tmp', '/root']);
    this.dialect = options.dialect ?? 'bash';
    this.name = options.name ?? (this.dialect === 'bash' ? 'bash' : 'sh');
    this.hostname = options.hostname ?? 'localhost';
    this.commands = options.commands ?? new Map();
    this.pid = options.pid ?? 1;
    if (parent) {
      this.vars = new Map(parent.vars);
      this.exported = new Set(parent.exported);
      this.terminal = parent.terminal;
      this.cwd = parent.cwd;
      this.status = parent.status;
      this.errexit = parent.errexit;
      this.lastBackground = parent.lastBackground;
      this.pids = parent.pids;
      this.loopDepth = parent.loopDepth;
    } else {
      this.vars = new Map(Object.entries(options.env ?? {}));
      this.exported = new Set(Object.keys(options.env ?? {}));
      this.terminal = { chunks: [] };
      this.pids = { next: this.pid + 100 };
      const home = this.vars.get('HOME');
      this.cwd = options.cwd ?? (home !== undefined && this.fs.isDir(home) ? home : '/');
      if (!this.vars.has('PWD')) this.setVar('PWD', this.cwd, true);
    }
  }

  // ------------------------------------------------------------------ the public surface

  /** Runs one input (a command line, with the bodies of its here-documents). */
  async run(source: string, options: RunOptions = {}): Promise<RunResult> {
    const io = this.terminalIo();
    if (options.signal === undefined && options.abandon === undefined) {
      await this.execute(source, io);
      return { exit: this.status, output: this.takeOutput() };
    }
    let live = true;
    const gated = (sink: Sink): Sink => (text) => {
      if (live) sink(text);
    };
    const guarded: Io = { stdin: io.stdin, fds: new Map([...io.fds].map(([fd, sink]) => [fd, gated(sink)])), signal: options.signal };
    const work = this.execute(source, guarded).then(() => 'done' as const);
    work.catch(() => undefined);
    const how = await Promise.race([work, whenAborted(options.abandon).then(() => 'abandoned' as const)]);
    if (how === 'abandoned') {
      live = false;
      this.status = INTERRUPTED;
    }
    return { exit: this.status, output: this.takeOutput() };
  }

  /** Sends what this shell (and its forks, background jobs included) prints to `listener` as it is written, instead
   * of keeping it for run()'s result; undefined goes back to keeping it. */
  setOutputListener(listener: ((chunk: Chunk) => void) | undefined): void {
    this.terminal.listener = listener;
    if (listener) for (const c of this.takeOutput()) listener(c);
  }

  /** What was printed and not yet taken (for example by background jobs between two runs). */
  takeOutput(): Chunk[] {
    const out = this.terminal.chunks;
    this.terminal.chunks = [];
    return out;
  }

  /** Parses and runs `source` with the given streams, as `sh -c` would; returns the status. */
  async execute(source: string, io: { stdin?: string | Input; stdout?: Sink; stderr?: Sink; signal?: InterruptSignal | undefined } | Io = {}): Promise<number> {
    const full: Io = 'fds' in io ? io : this.ioFrom(io);
    let script: Script;
    try {
      script = parseScript(source);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      this.error(full, this.syntaxMessage(e));
      this.status = 2;
      return 2;
    }
    try {
      this.status = await this.execScript(script, full);
    } catch (e) {
      if (e instanceof ExitSignal) {
        this.status = e.code;
        if (!(e instanceof InterruptedSignal)) this.exited = true;
      }
      else if (e instanceof LoopSignal) this.status = 0;
      else throw e;
    }
    return this.status;
  }

  getVar(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(this.pid);
      case '!':
        return this.lastBackground === undefined ? '' : String(this.lastBackground);
      case '0':
        return this.name;
      case '#':
        return '0';
      case '-':
        return this.errexit ? 'e' : '';
      case '@':
      case '*':
        return '';
    }
    return this.vars.get(name);
  }

  setVar(name: string, value: string, exported = false): void {
    this.vars.set(name, value);
    if (exported) this.exported.add(name);
  }

  unsetVar(name: string): void {
    this.vars.delete(name);
    this.exported.delete(name);
  }

  export(name: string): void {
    this.exported.add(name);
  }

  /** Exported variables, in the order they were set. */
  environment(): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of this.vars) if (this.exported.has(k)) env.set(k, v);
    return env;
  }

  /** A copy for a subshell: its own variables and directory, the same file system and terminal. */
  fork(): Shell {
    return new Shell(
      { clock: this.clock, fs: this.fs, commands: this.commands, dialect: this.dialect, name: this.name, hostname: this.hostname, pid: this.pid },
      this,
    );
  }

  /** Waits for background jobs: all of them (status 0), or the one with this pid or %job (its status, 127 if
   * unknown). */
  async wait(which?: string): Promise<number> {
    if (which === undefined) {
      const jobs = this.jobs;
      this.jobs = [];
      for (const j of jobs) await j.done;
      return 0;
    }
    const job = which.startsWith('%') ? this.jobs.find((j) => String(j.id) === which.slice(1)) : this.jobs.find((j) => String(j.pid) === which);
    if (job === undefined) return 127;
    this.jobs = this.jobs.filter((j) => j !== job);
    return job.done;
  }

  /** Runs a command by argv (no parsing), with the current directory and variables: for `env CMD`,
   * `docker-machine ssh` and the like. */
  async runArgv(argv: string[], io: { stdin?: string | Input; stdout: Sink; stderr: Sink; signal?: InterruptSignal | undefined }, env?: Map<string, string>): Promise<number> {
    return this.invoke(argv, this.ioFrom(io), env ?? this.environment());
  }

  /** The shell's own error line, as `bash: ...` or `sh: ...`. */
  errorLine(message: string): string {
    return `${this.name}: ${message}\n`;
  }

  get inLoop(): boolean {
    return this.loopDepth > 0;
  }

  // ------------------------------------------------------------------ execution

  private terminalIo(): Io {
    const emit = (stream: Stream) => (text: string) => {
      if (text === '') return;
      const listener = this.terminal.listener;
      if (listener) {
        listener({ stream, text });
        return;
      }
      const last = this.terminal.chunks[this.terminal.chunks.length - 1];
      if (last !== undefined && last.stream === stream) last.text += text;
      else this.terminal.chunks.push({ stream, text });
    };
    return { stdin: new Input(''), fds: new Map([[1, emit('stdout')], [2, emit('stderr')]]) };
  }

  private ioFrom(io: { stdin?: string | Input; stdout?: Sink; stderr?: Sink; signal?: InterruptSignal | undefined }): Io {
    const t = this.terminalIo();
    const stdin = io.stdin instanceof Input ? io.stdin : new Input(io.stdin ?? '');
    return { stdin, fds: new Map([[1, io.stdout ?? (t.fds.get(1) as Sink)], [2, io.stderr ?? (t.fds.get(2) as Sink)]]), signal: io.signal };
  }

  private error(io: Io, message: string): void {
    (io.fds.get(2) ?? discard)(this.errorLine(message));
  }

  private syntaxMessage(e: ShellSyntaxError): string {
    if (this.dialect === 'ash') return e.message;
    const m = /^syntax error: unexpected "(.*)"$/.exec(e.message);
    if (m) return `syntax error near unexpected token \`${m[1]}'`;
    if (e.message === 'syntax error: unexpected newline') return "syntax error near unexpected token `newline'";
    return e.message.replace(/ \(expecting .*\)$/, '');
  }

  private async execScript(script: Script, io: Io): Promise<number> {
    let status = this.status;
    for (const item of script.items) {
      // Ctrl-C ends the whole command line, as in an interactive shell.
      if (io.signal?.aborted) throw new InterruptedSignal(INTERRUPTED);
      if (item.background) {
        this.startJob(item, io);
        status = 0;
        this.status = 0;
        continue;
      }
      const { status: s, checkable } = await this.execAndOr(item, io);
      status = s;
      this.status = s;
      if (this.errexit && s !== 0 && checkable && this.conditionDepth === 0) throw new ExitSignal(s);
    }
    return status;
  }

  private startJob(item: AndOr, io: Io): void {
    const sub = this.fork();
    const pid = this.pids.next++;
    const job: Job = {
      id: this.nextJob++,
      pid,
      done: (async () => {
        try {
          // A background job is not the foreground: Ctrl-C does not reach it.
          return (await sub.execAndOr({ ...item, background: false }, { stdin: io.stdin, fds: io.fds })).status;
        } catch (e) {
          if (e instanceof ExitSignal) return e.code;
          if (e instanceof LoopSignal) return 0;
          throw e;
        }
      })(),
    };
    this.jobs.push(job);
    this.lastBackground = pid;
  }

  /** `checkable`: whether a failure counts for `set -e` (it came from the last pipeline, not negated). */
  private async execAndOr(item: AndOr, io: Io): Promise<{ status: number; checkable: boolean }> {
    const last = item.tail.length;
    let status: number;
    if (last > 0) this.conditionDepth++;
    try {
      status = await this.execPipeline(item.head, io);
    } finally {
      if (last > 0) this.conditionDepth--;
    }
    let ran = 0;
    let negated = item.head.negated;
    for (let i = 0; i < item.tail.length; i++) {
      const t = item.tail[i] as AndOr['tail'][number];
      this.status = status;
      if ((t.op === '&&') !== (status === 0)) continue;
      const isLast = i === last - 1;
      if (!isLast) this.conditionDepth++;
      try {
        status = await this.execPipeline(t.pipeline, io);
      } finally {
        if (!isLast) this.conditionDepth--;
      }
      ran = i + 1;
      negated = t.pipeline.negated;
    }
    return { status, checkable: ran === last && !negated };
  }

  private async execPipeline(p: Pipeline, io: Io): Promise<number> {
    if (p.negated) this.conditionDepth++;
    let status: number;
    try {
      if (p.commands.length === 1) {
        status = await this.execCommand(p.commands[0] as Command, io);
      } else {
        let stdin = io.stdin;
        status = 0;
        for (let i = 0; i < p.commands.length; i++) {
          const isLast = i === p.commands.length - 1;
          let buf = '';
          const fds = new Map(io.fds);
          if (!isLast) fds.set(1, (t) => (buf += t));
          const stage = this.fork();
          try {
            status = await stage.execCommand(p.commands[i] as Command, { stdin, fds, signal: io.signal });
          } catch (e) {
            if (e instanceof ExitSignal) status = e.code;
            else if (e instanceof LoopSignal) status = 0;
            else throw e;
          }
          stdin = new Input(buf);
        }
      }
    } finally {
      if (p.negated) this.conditionDepth--;
    }
    this.status = p.negated ? (status === 0 ? 1 : 0) : status;
    return this.status;
  }

  private async execCommand(cmd: Command, io: Io): Promise<number> {
    if (cmd.kind === 'simple') return this.execSimple(cmd, io);
    const redirected = await this.applyRedirects(cmd.redirects, io);
    if (redirected === null) return 1;
    switch (cmd.kind) {
      case 'group':
        return this.execScript(cmd.body, redirected);
      case 'subshell': {
        const sub = this.fork();
        try {
          return await sub.execScript(cmd.body, redirected);
        } catch (e) {
          if (e instanceof ExitSignal) return e.code;
          throw e;
        }
      }
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((await this.condition(clause.condition, redirected)) === 0) return this.execScript(clause.body, redirected);
        }
        if (cmd.elseBody) return this.execScript(cmd.elseBody, redirected);
        return 0;
      }
      case 'while': {
        let status = 0;
        for (;;) {
          const c = await this.condition(cmd.condition, redirected);
          if ((c === 0) === cmd.until) break;
          const r = await this.loopBody(cmd.body, redirected);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case 'for': {
        const env = this.expandEnv(redirected);
        let items: string[];
        try {
          items = cmd.items === null ? [] : await expandWords(cmd.items, env);
        } catch (e) {
          return this.expansionFailed(e, redirected);
        }
        let status = 0;
        for (const item of items) {
          this.setVar(cmd.name, item);
          const r = await this.loopBody(cmd.body, redirected);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
    }
  }

  private async condition(script: Script, io: Io): Promise<number> {
    this.conditionDepth++;
    try {
      return await this.execScript(script, io);
    } finally {
      this.conditionDepth--;
    }
  }

  private async loopBody(body: Script, io: Io): Promise<{ status: number; stop: boolean }> {
    this.loopDepth++;
    try {
      return { status: await this.execScript(body, io), stop: false };
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      return { status: 0, stop: e.kind === 'break' };
    } finally {
      this.loopDepth--;
    }
  }

  /** Raised by the `break` and `continue` builtins. */
  loopControl(kind: 'break' | 'continue', levels: number): never {
    throw new LoopSignal(kind, Math.min(levels, this.loopDepth));
  }

  private expandEnv(io: Io): ExpandEnv & { substStatus: number | undefined } {
    const env = {
      substStatus: undefined as number | undefined,
      getVar: (n: string) => this.getVar(n),
      setVar: (n: string, v: string) => this.setVar(n, v),
      positional: () => [],
      runSubstitution: async (script: Script): Promise<string> => {
        const sub = this.fork();
        let out = '';
        const fds = new Map(io.fds);
        fds.set(1, (t) => (out += t));
        let status: number;
        try {
          status = await sub.execScript(script, { stdin: io.stdin, fds, signal: io.signal });
        } catch (e) {
          if (e instanceof ExitSignal) status = e.code;
          else if (e instanceof LoopSignal) status = 0;
          else throw e;
        }
        env.substStatus = status;
        return out;
      },
    };
    return env;
  }

  private expansionFailed(e: unknown, io: Io): number {
    if (!(e instanceof ExpansionError)) throw e;
    this.error(io, e.message);
    return e.message.startsWith('arithmetic syntax error') ? 2 : 1;
  }

  private async execSimple(cmd: SimpleCommand, io: Io): Promise<number> {
    const env = this.expandEnv(io);
    let argv: string[];
    const assigned: [string, string][] = [];
    try {
      argv = await expandWords(cmd.words, env);
      for (const a of cmd.assignments) assigned.push([a.name, await expandString(a.value, env)]);
    } catch (e) {
      return this.expansionFailed(e, io);
    }
    if (argv.length === 0) {
      for (const [k, v] of assigned) this.setVar(k, v);
      const redirected = await this.applyRedirects(cmd.redirects, io);
      if (redirected === null) return 1;
      return env.substStatus ?? 0;
    }
    const redirected = await this.applyRedirects(cmd.redirects, io);
    if (redirected === null) return 1;
    const cmdEnv = this.environment();
    for (const [k, v] of assigned) cmdEnv.set(k, v);
    return this.invoke(argv, redirected, cmdEnv);
  }

  private async invoke(argv: string[], io: Io, env: Map<string, string>): Promise<number> {
    const name = argv[0] as string;
    if (io.signal?.aborted) return INTERRUPTED;
    let impl: CommandImpl | undefined;
    if (name.includes('/')) {
      // A path: only files the image provides run, as the command named by their last component.
      const exists = this.fs.exists(name, this.cwd);
      impl = exists ? this.commands.get(name.slice(name.lastIndexOf('/') + 1)) : undefined;
      if (impl === undefined) {
        this.error(io, this.dialect === 'bash' ? `${name}: ${exists ? 'Permission denied' : 'No such file or directory'}` : `${name}: ${exists ? 'Permission denied' : 'not found'}`);
        return exists ? 126 : 127;
      }
    } else {
      impl = this.commands.get(name);
      if (impl === undefined) {
        this.error(io, this.dialect === 'bash' ? `${name}: command not found` : `${name}: not found`);
        return 127;
      }
    }
    const out = io.fds.get(1) ?? discard;
    const err = io.fds.get(2) ?? discard;
    const ctx: CommandContext = {
      argv,
      get stdin() {
        return io.stdin.rest();
      },
      readLine: () => io.stdin.readLine(),
      stdout: out,
      stderr: err,
      env,
      cwd: this.cwd,
      fs: this.fs,
      shell: this,
      clock: this.clock,
      ...(io.signal ? { signal: io.signal } : {}),
    };
    try {
      const status = await impl(ctx);
      return status & 255;
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof LoopSignal) throw e;
      if (e instanceof VfsError) {
        err(`${name}: ${e.path}: ${e.reason}\n`);
        return 1;
      }
      err(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }

  /** Applies redirections in order; null (after printing why) when one fails. */
  private async applyRedirects(redirects: readonly Redirect[], io: Io): Promise<Io | null> {
    if (redirects.length === 0) return io;
    const next: Io = { stdin: io.stdin, fds: new Map(io.fds), signal: io.signal };
    const env = this.expandEnv(io);
    for (const r of redirects) {
      try {
        switch (r.kind) {
          case 'heredoc': {
            const body = await expandHeredoc(r, env);
            if (r.fd === 0) next.stdin = new Input(body);
            break;
          }
          case 'dup': {
            const target = await expandString(r.target, env);
            if (target === '-') {
              if (r.fd === 0) next.stdin = new Input('');
              else next.fds.set(r.fd, discard);
            } else if (r.op === '<&') {
              if (r.fd !== 0 && target !== '0') next.fds.set(r.fd, discard);
            } else {
              const sink = /^\d+$/.test(target) ? next.fds.get(Number(target)) : undefined;
              if (sink === undefined) {
                this.error(io, /^\d+$/.test(target) ? `${target}: Bad file descriptor` : `${target}: ambiguous redirect`);
                return null;
              }
              next.fds.set(r.fd, sink);
            }
            break;
          }
          case 'file': {
            const path = await expandString(r.target, env);
            if (r.op === '<' || r.op === '<>') {
              let data: string;
              try {
                data = this.fs.readFile(path, this.cwd);
              } catch (e) {
                if (!(e instanceof VfsError)) throw e;
                this.error(io, this.dialect === 'bash' ? `${path}: ${e.reason}` : `can't open ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.reason}`);
                return null;
              }
              if (r.fd === 0) next.stdin = new Input(data);
              break;
            }
            try {
              if (r.op === '>>') this.fs.appendFile(path, '', this.cwd);
              else this.fs.writeFile(path, '', this.cwd);
            } catch (e) {
              if (!(e instanceof VfsError)) throw e;
              this.error(io, this.dialect === 'bash' ? `${path}: ${e.reason}` : `can't create ${path}: ${e.code === 'ENOENT' ? 'nonexistent directory' : e.reason}`);
              return null;
            }
            const fs = this.fs;
            const cwd = this.cwd;
            next.fds.set(r.fd, (t) => fs.appendFile(path, t, cwd));
            break;
          }
        }
      } catch (e) {
        this.expansionFailed(e, io);
        return null;
      }
    }
    return next;
  }
}
