// The canvas with a big lab, in Chromium through Playwright (Debian's, with playwright.config.ts's launch args):
// 50 nodes × 20 containers injected into the running window (the ?hooks test hook), then time to first render,
// and frames per second (requestAnimationFrame counted) while panning with the mouse and dragging a node.
// Needs the built renderer (npm run build).
import { chromium, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM } from '../playwright.config.ts';
import { startServe, stopServe } from '../test/e2e/fixtures.ts';
import type { Bench } from './run.ts';
import { syntheticLab } from './synthetic-lab.ts';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function fps(page: Page, gesture: () => Promise<void>): Promise<{ fps: number; worst: number }> {
  // As source text: tsx would wrap named functions in a helper the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__counting = true;
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__counting) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  await gesture();
  const frames = (await page.evaluate('(() => { window.__counting = false; return window.__frames; })()')) as number[];
  const span = (frames[frames.length - 1] ?? 0) - (frames[0] ?? 0);
  let worst = 0;
  for (let i = 1; i < frames.length; i++) worst = Math.max(worst, (frames[i] as number) - (frames[i - 1] as number));
  return { fps: span > 0 ? ((frames.length - 1) * 1000) / span : 0, worst };
}

export const benches: Bench[] = [
  {
    name: 'canvas: 50 nodes × 20 containers in Chromium',
    async run() {
      const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-'));
      const served = await startServe(home);
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(`${served.url}&hooks=1`);
        await page.getByTestId('new-lab').click();
        await page.getByTestId('new-lab-name').fill('Big');
        await page.getByTestId('new-lab-name').press('Enter');
        await page.waitForFunction('window.__flotillaCanvas !== undefined');
        const state = syntheticLab(50, 20);
        await page.evaluate(`window.__state = ${JSON.stringify(state)}`);
        const firstRender = (await page.evaluate(`new Promise((resolve) => {
          const t0 = performance.now();
          window.__flotillaCanvas.inject(window.__state);
          requestAnimationFrame(() => {
            // Fitted, the lab is drawn at its lowest level of detail: 50 nodes, their containers as paths.
            const n = document.querySelectorAll('[data-testid="canvas-node"]').length;
            requestAnimationFrame(() => resolve(n === 50 ? performance.now() - t0 : -n));
          });
        })`)) as number;
        const box = (await page.getByTestId('canvas').boundingBox())!;
        const cx = box.x + box.width / 2;
        const cy = box.y + box.height / 2;
        // Pan: drag the empty canvas in a circle-ish path for 120 moves.
        const pan = await fps(page, async () => {
          await page.mouse.move(cx, cy + 200);
          await page.mouse.down();
          for (let i = 0; i < 120; i++) await page.mouse.move(cx + Math.sin(i / 10) * 200, cy + 200 + Math.cos(i / 10) * 100);
          await page.mouse.up();
        });
        // Zoom: wheel in and out.
        const wheel = await fps(page, async () => {
          await page.mouse.move(cx, cy);
          for (let i = 0; i < 60; i++) await page.mouse.wheel(0, i < 30 ? -40 : 40);
        });
        // Zoomed in to 100 % (every card drawn), pan again: the group moves, its 1,000 items are not drawn anew.
        await page.evaluate('window.__flotillaCanvas.zoomTo(1)');
        await page.evaluate('new Promise((r) => setTimeout(r, 300))');
        const panNear = await fps(page, async () => {
          await page.mouse.move(cx, cy + 200);
          await page.mouse.down();
          for (let i = 0; i < 120; i++) await page.mouse.move(cx + Math.sin(i / 10) * 200, cy + 200 + Math.cos(i / 10) * 100);
          await page.mouse.up();
        });
        await page.evaluate('window.__flotillaCanvas.fit()');
        await page.evaluate('new Promise((r) => setTimeout(r, 400))');
        // Drag a node by its frame (it moves with the mouse; the others stay).
        const frame = page.getByTestId('node-frame').nth(25);
        await frame.scrollIntoViewIfNeeded().catch(() => undefined);
        const fb = (await frame.boundingBox())!;
        const drag = await fps(page, async () => {
          const x = fb.x + 6;
          const y = fb.y + 6;
          await page.mouse.move(x, y);
          await page.mouse.down();
          for (let i = 0; i < 120; i++) await page.mouse.move(x + Math.sin(i / 10) * 150, y + i);
          await page.mouse.up();
        });
        return {
          'time to first render (1,000 containers)': `${firstRender.toFixed(0)} ms`,
          'pan (mouse drag)': `${pan.fps.toFixed(1)} fps (worst frame ${pan.worst.toFixed(0)} ms)`,
          'zoom (wheel)': `${wheel.fps.toFixed(1)} fps (worst frame ${wheel.worst.toFixed(0)} ms)`,
          'pan at 100 % (all cards drawn)': `${panNear.fps.toFixed(1)} fps (worst frame ${panNear.worst.toFixed(0)} ms)`,
          'drag a node': `${drag.fps.toFixed(1)} fps (worst frame ${drag.worst.toFixed(0)} ms)`,
        };
      } finally {
        await browser.close();
        await stopServe(served);
        rmSync(home, { recursive: true, force: true });
      }
    },
  },
];
