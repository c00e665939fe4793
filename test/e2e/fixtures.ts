// Fixtures own the app's lifecycle: each test file gets its own browser host (the real `flotilla serve`), on a
// free port, with its own empty library, and the page opened at the printed URL. Console errors of the page
// are forwarded to the test log and fail the test.
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Served {
  url: string;
  origin: string;
  token: string;
  home: string;
  process: ChildProcess;
}

export async function startServe(home: string): Promise<Served> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), 'serve', '--port', '0'], {
    env: { ...process.env, FLOTILLA_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('flotilla serve printed no URL within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`flotilla serve exited with ${code}`)));
    lines.on('line', (line) => {
      const m = /^Flotilla is serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  const parsed = new URL(url);
  return { url, origin: parsed.origin, token: parsed.searchParams.get('token')!, home, process: child };
}

export async function stopServe(served: Served): Promise<void> {
  if (served.process.exitCode !== null) return;
  const exited = new Promise((resolve) => served.process.once('exit', resolve));
  served.process.kill('SIGTERM');
  await exited;
}

export const test = base.extend<{ app: Page }, { served: Served }>({
  served: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-e2e-'));
      const served = await startServe(home);
      await use(served);
      await stopServe(served);
      rmSync(home, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  app: async ({ page, served }, use, testInfo) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(served.url);
    await use(page);
    if (errors.length) testInfo.annotations.push({ type: 'console errors', description: errors.join('\n') });
    expect(errors, 'the page logged errors').toEqual([]);
  },
});

export { expect };
