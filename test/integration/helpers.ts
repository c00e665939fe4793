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
