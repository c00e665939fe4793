// The browser host serves out/renderer. Build it when it is missing or older than its sources, so
// `flotilla serve` works on a fresh clone with no separate build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const RENDERER_DIR = path.join(ROOT, 'out/renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export function rendererIsStale(): boolean {
  const index = path.join(RENDERER_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src-renderer')),
    newestMtime(path.join(ROOT, 'src-main/common')),
    statSync(path.join(ROOT, 'electron.config.ts')).mtimeMs,
  );
  return sources > built;
}

export async function ensureRendererBuilt(log: (line: string) => void): Promise<void> {
  if (!rendererIsStale()) return;
  log('Building the renderer (first run or sources changed)...');
  const { build } = await import('vite');
  const { renderer } = await import('../../electron.config.ts');
  await build(renderer);
}
