import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../src-main/services/core.ts';

/** A Core over a fresh library in a temp folder; `dispose` closes it and removes the folder. */
export function tempCore(shell: 'browser' | 'cli' = 'cli'): { core: Core; home: string; dispose: () => void } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-it-'));
  const core = createCore({ shell, home });
  return {
    core,
    home,
    dispose: () => {
      core.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A stand-in renderer folder, so host tests do not depend on a build. */
export function tempRenderer(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-renderer-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Flotilla</title>');
  return dir;
}

/** Polls `cond` every `every` ms until it holds; throws `timed out waiting for <what>` after `ms`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000, every = 10): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
