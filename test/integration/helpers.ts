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

/** tempCore(), and the frame count of each live capture as its last onCaptureFrames said. */
export function tempCoreWithCaptureTotals(): { core: Core; dispose: () => void; totals: Map<string, number> } {
  const { core, dispose } = tempCore();
  const totals = new Map<string, number>();
  core.subscribe((event, payload) => {
    if (event === 'onCaptureFrames') {
      const p = payload as { id: string; total: number };
      totals.set(p.id, p.total);
    }
  });
  return { core, dispose, totals };
}

/** A running lab `name` with node1 and node2 made from its workstation console, its clock playing at 50×. */
export async function twoNodeLab(core: Core, name: string): Promise<{ labId: string; ws: { consoleId: string } }> {
  const api = core.api;
  const { id: labId } = await api.labs.create({ name });
  await api.lab.start({ labId });
  await api.lab.clock({ labId, action: 'play', speed: 50 });
  const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
  for (const line of ['docker-machine create node1', 'docker-machine create node2']) {
    const r = await api.console.run({ consoleId: ws.consoleId, line });
    if (r.exit !== 0) throw new Error(`${line}: exit ${r.exit}`);
  }
  return { labId, ws };
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
