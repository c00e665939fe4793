// Signals to a container's main process, as Linux delivers them to PID 1 of a PID namespace: a signal whose action
// is the default (terminate) is dropped for PID 1, so only what the process handles reaches it, and SIGKILL. That is
// why `docker stop` of `alpine sleep 100` waits its 10 seconds and kills (137), why Ctrl-C on `docker run alpine
// sleep 100` does nothing, and what `--init` changes: docker-init (tini) is PID 1 and hands each signal to its child,
// which is not PID 1 and dies of one it does not handle (tini then exits 128 + the signal).
// Names and numbers are Linux x86-64's; parsing follows moby/sys/signal ParseSignal.

import { DockerError } from '../errors.ts';
import type { ProcessInterrupt } from './contracts.ts';

export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGQUIT = 3;
export const SIGKILL = 9;
export const SIGTERM = 15;

const NUMBERS: Readonly<Record<string, number>> = {
  ABRT: 6, ALRM: 14, BUS: 7, CHLD: 17, CLD: 17, CONT: 18, FPE: 8, HUP: 1, ILL: 4, INT: 2, IO: 29, IOT: 6, KILL: 9, PIPE: 13, POLL: 29,
  PROF: 27, PWR: 30, QUIT: 3, SEGV: 11, STKFLT: 16, STOP: 19, SYS: 31, TERM: 15, TRAP: 5, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23,
  USR1: 10, USR2: 12, VTALRM: 26, WINCH: 28, XCPU: 24, XFSZ: 25,
};

/** Signals whose default action is not to terminate (SIGCHLD, SIGCONT, SIGURG, SIGWINCH; SIGSTOP and the tty stops
 * stop rather than end): tini's child goes on after them. */
export const IGNORED_BY_DEFAULT: ReadonlySet<number> = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

/** ParseSignal: a number (not 0), or a name with or without "SIG" in any case; else the daemon's "Invalid signal". */
export function parseSignal(raw: string): number {
  if (/^[+-]?\d+$/.test(raw)) {
    const n = Number(raw);
    if (n !== 0) return n;
  } else {
    const name = raw.toUpperCase().replace(/^SIG/, '');
    if (Object.hasOwn(NUMBERS, name)) return NUMBERS[name]!;
  }
  throw new DockerError(`Invalid signal: ${raw}`, 'invalidParameter');
}

/** "SIGINT" for 2 (the name a program's log gives). */
export function signalName(n: number): string {
  const name = Object.entries(NUMBERS).find(([, v]) => v === n)?.[0];
  return name === undefined ? `signal ${n}` : `SIG${name}`;
}

/** The command of an interactive shell waiting on its terminal (`docker run -it alpine sh`): it ignores SIGINT,
 * SIGTERM and SIGQUIT, as an interactive shell does, even when it is not PID 1. */
export const INTERACTIVE_SHELL = 'interactive shell';

/**
 * Commands (as PID 1 or tini's child) and the signals they handle: ping's SIGINT prints its statistics; tcpdump's
 * SIGINT and SIGTERM print its counts; busybox nc's catch() prints "punt!" and dies of SIGINT, SIGQUIT or SIGTERM.
 * Each goes to the command as its interrupt (the shell's Ctrl-C).
 */
const HANDLERS: Readonly<Record<string, readonly number[]>> = { ping: [SIGINT], tcpdump: [SIGINT, SIGTERM], nc: [SIGINT, SIGQUIT, SIGTERM], [INTERACTIVE_SHELL]: [SIGINT, SIGTERM, SIGQUIT] };

export function commandHandles(command: string, sig: number): boolean {
  return Object.hasOwn(HANDLERS, command) && HANDLERS[command]!.includes(sig);
}

/** Shells that run `-c SCRIPT`; a script that is one simple command is exec'd in their place (ash, dash and bash do). */
const SHELLS = new Set(['sh', 'ash', 'bash', 'dash']);
/** One simple command: words, no operator, expansion of a command, or redirection the shell would stay for. */
const SIMPLE = /^\s*[A-Za-z0-9_./-]+(\s+[^;&|<>()`\n]*)?$/;

/** The command that is the process of argv once it runs: the program, or the one command a shell's -c execs. */
export function processCommand(argv: readonly string[]): string {
  const base = (w: string) => w.slice(w.lastIndexOf('/') + 1);
  const first = base(argv[0] ?? '');
  if (SHELLS.has(first) && argv[1] === '-c' && argv[2] !== undefined && SIMPLE.test(argv[2])) return base(argv[2].trim().split(/\s+/)[0]!);
  return first;
}

/** The interrupt a main process is run with, fired by the daemon when a signal the process handles arrives. */
export class SignalInterrupt implements ProcessInterrupt {
  aborted = false;
  signo: number | undefined = undefined;
  readonly #listeners = new Set<() => void>();

  addEventListener(_type: 'abort', fn: () => void): void {
    if (this.aborted) fn();
    else this.#listeners.add(fn);
  }

  removeEventListener(_type: 'abort', fn: () => void): void {
    this.#listeners.delete(fn);
  }

  fire(signo?: number): void {
    if (this.aborted) return;
    this.aborted = true;
    this.signo = signo;
    for (const fn of [...this.#listeners]) fn();
    this.#listeners.clear();
  }
}
