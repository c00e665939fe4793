// Replaying a transcript (TRANSCRIPTS.md) against a lab: each prompt is one shell session for the whole
// transcript; between two commands the lab runs on for the time a person takes to type (2 simulated seconds,
// plus any `# wait`); a prompt naming a node the lab does not have is an error of the transcript.

import type { Clock } from './clock.ts';
import { ManualClock } from './clock.ts';
import { standardCommands } from './commands.ts';
import type { CommandImpl, RunResult } from './interpreter.ts';
import { Shell } from './interpreter.ts';
import type { Prompt, Step, StepResult, Transcript } from './transcript.ts';
import { matchOutput, stepInput } from './transcript.ts';
import { Vfs } from '../common/vfs.ts';

/** What a transcript runs in: the lab's shells, and its virtual time. */
export interface LabHost {
  /** The shell of a prompt (the same one for every command at that prompt), or undefined when the lab has no
   * such node. */
  shellFor(prompt: Prompt): Shell | undefined;
  /** Lets the lab run on for `ns` of virtual time. */
  advance(ns: number): Promise<void>;
  /** Runs the lab's virtual time until `work` (a foreground command) settles. */
  complete<T>(work: Promise<T>): Promise<T>;
  /** Runs one step's input in `shell` to its end, in the lab's time (default: complete(shell.run(input))). A host
   * that journals what is typed, or swaps its lab when a command asks (a snapshot restore), runs it here. */
  runStep?(prompt: Prompt, shell: Shell, input: string): Promise<RunResult>;
}

export interface Failure {
  /** 1-based line in the transcript: the command's line. */
  line: number;
  kind: 'output' | 'exit' | 'transcript';
  /** What went wrong: the first line says it, the diff (for output) follows. */
  diff: string;
}

export interface TranscriptRun {
  /** One result per step that ran, in order. */
  steps: StepResult[];
  failures: Failure[];
  /** False when a transcript error stopped the run before its end. */
  complete: boolean;
}

/** The virtual time between two commands: a person typing. */
export const TYPING_NS = 2e9;

export async function runTranscript(transcript: Transcript, host: LabHost, options: { typingNs?: number } = {}): Promise<TranscriptRun> {
  const steps: StepResult[] = [];
  const failures: Failure[] = [];
  const typing = options.typingNs ?? TYPING_NS;
  for (const [k, step] of transcript.steps.entries()) {
    const pause = (k === 0 ? 0 : typing) + (step.waitBefore ?? 0);
    if (pause > 0) await host.advance(pause);
    const shell = host.shellFor(step.prompt);
    if (shell === undefined) {
      const name = step.prompt.kind === 'node' ? step.prompt.name : 'the workstation';
      failures.push({ line: step.line, kind: 'transcript', diff: `transcript error: no node named ${name} in this lab` });
      return { steps, failures, complete: false };
    }
    const result = host.runStep ? await host.runStep(step.prompt, shell, stepInput(step)) : await host.complete(shell.run(stepInput(step)));
    const text = result.output.map((c) => c.text).join('');
    const output = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    steps.push({ output, exit: result.exit });
    failures.push(...check(step, output, result.exit));
  }
  return { steps, failures, complete: true };
}

function check(step: Step, output: string[], exit: number): Failure[] {
  const out: Failure[] = [];
  // A command followed by no expected lines is run, and its output is not checked.
  if (step.expected.length > 0) {
    const m = matchOutput(step.expected, output);
    if (!m.ok) out.push({ line: step.line, kind: 'output', diff: m.diff });
  }
  if (step.exit !== '*' && step.exit !== exit) {
    out.push({ line: step.line, kind: 'exit', diff: `exit status ${exit}, expected ${step.exit}` });
  }
  return out;
}

// ------------------------------------------------------------------ the workstation

export interface WorkstationOptions {
  clock?: ManualClock;
  hostname?: string;
  /** Commands beyond the standard ones (docker-machine, ping, ... as they come). */
  commands?: Record<string, CommandImpl>;
}

/** The user's machine beside the lab: a bash shell with the builtins and text tools, and a home directory. */
export function workstationShell(clock: Clock, options: Omit<WorkstationOptions, 'clock'> = {}): Shell {
  const home = '/home/user';
  return new Shell({
    clock,
    fs: Vfs.with(['/tmp', home, '/etc']),
    commands: standardCommands(options.commands),
    dialect: 'bash',
    hostname: options.hostname ?? 'workstation',
    env: { HOME: home, USER: 'user', PATH: '/usr/local/bin:/usr/bin:/bin', SHELL: '/bin/bash', LANG: 'C.UTF-8' },
    cwd: home,
    pid: 4242,
  });
}

/** A lab with nothing but the workstation (nodes come with docker-machine), over a ManualClock. */
export class WorkstationLab implements LabHost {
  readonly clock: ManualClock;
  readonly workstation: Shell;

  constructor(options: WorkstationOptions = {}) {
    this.clock = options.clock ?? new ManualClock();
    this.workstation = workstationShell(this.clock, options);
  }

  shellFor(prompt: Prompt): Shell | undefined {
    return prompt.kind === 'workstation' ? this.workstation : undefined;
  }

  advance(ns: number): Promise<void> {
    return this.clock.advance(ns);
  }

  complete<T>(work: Promise<T>): Promise<T> {
    return this.clock.complete(work);
  }
}
