// `flotilla snapshot save NAME | restore NAME | ls` at the workstation. The shell layer knows no library: the
// lab's owner plugs in where snapshots live (services: in memory for `flotilla test`, the SQLite library for a
// window's lab, nothing at all during a replay), through `LabSnapshots`.
import type { CommandContext, Shell } from './interpreter.ts';

/** A snapshot as `flotilla snapshot ls` shows it: its name and the virtual time it holds (nanoseconds). */
export interface SnapshotListing {
  readonly name: string;
  readonly time: number;
}

/**
 * Where a lab's snapshots go. Each method resolves to the line the command prints, or rejects with an Error whose
 * message the command prints after `flotilla: ` (exit 1). `restore` puts the lab back as it was at the snapshot;
 * the shell running the command may be replaced when it ends (its owner swaps the lab under the open sessions).
 */
export interface LabSnapshots {
  save(name: string): Promise<string>;
  /** `asking`: the shell whose command asks (its console goes on in the restored lab). */
  restore(name: string, asking: Shell): Promise<string>;
  list(): Promise<SnapshotListing[]>;
}

export const SNAPSHOT_USAGE = 'usage: flotilla snapshot save NAME | flotilla snapshot restore NAME | flotilla snapshot ls\n';

/** Virtual time as `flotilla snapshot ls` prints it: seconds with milliseconds. */
export function formatVirtualTime(ns: number): string {
  return `${(ns / 1e9).toFixed(3)} s`;
}

/** Runs `flotilla snapshot ...` (`args` without the leading `snapshot`). */
export async function runSnapshotCommand(snapshots: LabSnapshots | undefined, args: readonly string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args;
  const named = sub === 'save' || sub === 'restore';
  if (!(named && rest.length === 1) && !((sub === 'ls' || sub === 'list') && rest.length === 0)) {
    ctx.stderr(SNAPSHOT_USAGE);
    return 2;
  }
  if (!snapshots) {
    ctx.stderr('flotilla: this lab keeps no snapshots\n');
    return 1;
  }
  try {
    if (sub === 'save') ctx.stdout(`${await snapshots.save(rest[0]!)}\n`);
    else if (sub === 'restore') ctx.stdout(`${await snapshots.restore(rest[0]!, ctx.shell)}\n`);
    else {
      const list = await snapshots.list();
      const width = Math.max(4, ...list.map((s) => s.name.length));
      ctx.stdout(`${'NAME'.padEnd(width)}   VIRTUAL TIME\n`);
      for (const s of list) ctx.stdout(`${s.name.padEnd(width)}   ${formatVirtualTime(s.time)}\n`);
    }
    return 0;
  } catch (err) {
    ctx.stderr(`flotilla: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
