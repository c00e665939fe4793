// Test helpers for the shell: a fresh workstation shell over a ManualClock, and a runner that collects stdout,
// stderr and the terminal's interleaving.
import { ManualClock } from './clock.ts';
import type { Chunk, Dialect, Shell } from './interpreter.ts';
import { Shell as ShellClass } from './interpreter.ts';
import { standardCommands } from './commands.ts';
import { workstationShell } from './session.ts';
import { Vfs } from '../common/vfs.ts';

export interface Ran {
  exit: number;
  out: string;
  err: string;
  /** stdout and stderr as the terminal shows them. */
  all: string;
  chunks: Chunk[];
}

export interface TestShell {
  shell: Shell;
  clock: ManualClock;
  run(source: string): Promise<Ran>;
}

export function testShell(dialect: Dialect = 'bash'): TestShell {
  const clock = new ManualClock();
  const shell =
    dialect === 'bash'
      ? workstationShell(clock)
      : new ShellClass({ clock, dialect, fs: Vfs.with(['/tmp', '/root']), commands: standardCommands(), hostname: 'c1', env: { HOME: '/root' } });
  return {
    shell,
    clock,
    async run(source: string): Promise<Ran> {
      const r = await clock.complete(shell.run(source));
      const pick = (s: Chunk['stream']): string => r.output.filter((c) => c.stream === s).map((c) => c.text).join('');
      return { exit: r.exit, out: pick('stdout'), err: pick('stderr'), all: r.output.map((c) => c.text).join(''), chunks: r.output };
    },
  };
}
