// The Electron window end to end, where the Electron binary exists. Where it does not (its install downloads a
// binary, which fails offline), the test is skipped and says so.
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

function electronBinary(): { path: string } | { missing: string } {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    if (typeof binary === 'string' && existsSync(binary)) return { path: binary };
    return { missing: 'the electron package has no binary' };
  } catch (err) {
    return { missing: `the Electron binary is not installed (${(err as Error).message.split('\n')[0]})` };
  }
}

test('the Electron window opens the library and creates a lab', async () => {
  const found = electronBinary();
  if ('missing' in found) {
    console.log(`SKIPPED Electron end-to-end test: ${found.missing}. It runs where \`npm install\` could download Electron.`);
    test.skip(true, found.missing);
    return;
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-electron-'));
  const app = await electron.launch({
    executablePath: found.path,
    args: [path.join(ROOT, 'out/main/electron.cjs')],
    env: { ...process.env, FLOTILLA_HOME: home },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('status-bar')).toContainText('Electron');
    // The page has no Node: only the contract.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    await window.getByTestId('new-lab').click();
    await window.getByTestId('new-lab-name').fill('From Electron');
    await window.getByTestId('new-lab-name').press('Enter');
    await expect(window.getByTestId('lab-item').filter({ hasText: 'From Electron' })).toHaveCount(1);
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
