// Screenshots of the canvas for the docs: a small and a large lab (made-up states injected through the ?hooks
// test hook), in both themes → docs/screenshot-canvas-{small,large}-{light,dark}.png. Needs the built renderer.
// Run: npx tsx bench/canvas-screenshots.ts
import { chromium } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM } from '../playwright.config.ts';
import { startServe, stopServe } from '../test/e2e/fixtures.ts';
import { syntheticLab } from './synthetic-lab.ts';

const DOCS = path.resolve(import.meta.dirname, '../docs');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-shots-'));
const served = await startServe(home);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
try {
  for (const [size, nodes, per] of [['small', 2, 4], ['large', 50, 20]] as const) {
    for (const theme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${served.url}&hooks=1`);
      await page.getByTestId('new-lab').click();
      await page.getByTestId('new-lab-name').fill(`${size} ${theme}`);
      await page.getByTestId('new-lab-name').press('Enter');
      await page.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
      await page.waitForFunction('window.__flotillaCanvas !== undefined');
      // The canvas the whole height of the window: the consoles folded away.
      await page.getByRole('button', { name: 'Hide the consoles' }).click();
      // Two states a second apart: the links that carried frames light up.
      await page.evaluate(`window.__flotillaCanvas.inject(${JSON.stringify(syntheticLab(nodes, per, 0))})`);
      await page.evaluate(`window.__flotillaCanvas.inject(${JSON.stringify(syntheticLab(nodes, per, 1))})`);
      await page.getByTestId('canvas-node').first().waitFor();
      await page.evaluate('window.__flotillaCanvas.fit()');
      await page.evaluate('new Promise((r) => setTimeout(r, 400))');
      // The small lab shows a service's tasks linked across the nodes (its legend entry hovered).
      if (size === 'small') await page.getByTestId('service-entry').first().hover();
      await page.screenshot({ path: path.join(DOCS, `screenshot-canvas-${size}-${theme}.png`), animations: 'disabled' });
      await page.close();
    }
  }
} finally {
  await browser.close();
  await stopServe(served);
  rmSync(home, { recursive: true, force: true });
}
