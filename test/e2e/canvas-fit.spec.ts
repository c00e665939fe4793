// What floats over the canvas keeps out of the way on small windows: the command log never covers the palette
// (1280×720 and 1024×640), and zoom to fit leaves the lab clear of the command log, the inspector with a form open
// and the snapshots panel. Screenshots of both sizes in both themes go to test-results for a person to look at.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { type Box, drag, settledBox } from './pages/pointer.ts';

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Every node's frame, once the fit's animation has settled. */
async function nodeBoxes(page: Page): Promise<Box[]> {
  const nodes = page.getByTestId('node-frame');
  const out: Box[] = [];
  for (let i = 0; i < (await nodes.count()); i++) out.push((await settledBox(page, nodes.nth(i)))!);
  return out;
}

async function fitClear(page: Page, panel: Locator, what: string): Promise<void> {
  await page.getByRole('button', { name: 'Fit the lab in view' }).click();
  const p = (await settledBox(page, panel))!;
  for (const b of await nodeBoxes(page)) expect(overlaps(b, p), `a node under the ${what} after zoom to fit`).toBe(false);
}

test('the command log keeps off the palette, and zoom to fit keeps the lab clear of open forms and panels', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Small window');
  await app.getByTestId('new-lab-name').press('Enter');
  const canvas = app.getByTestId('canvas');
  const log = app.getByTestId('command-log');
  for (const [i, ip] of ['192.168.99.100', '192.168.99.101', '192.168.99.102'].entries()) {
    await drag(app, app.getByTestId('palette-node'), canvas, { x: 0, y: i * 60 });
    await expect(app.getByTestId('canvas-node').filter({ hasText: `node${i + 1}` })).toContainText(ip, { timeout: 20_000 });
  }
  for (const n of ['node1', 'node2', 'node3']) {
    await drag(app, app.getByTestId('palette-container'), app.getByTestId('canvas-node').filter({ hasText: n }).getByTestId('node-frame'));
    await expect(app.getByTestId('canvas-node').filter({ hasText: n }).getByTestId('canvas-container').first()).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  }
  await expect(app.getByTestId('command-log-line')).toHaveCount(6);

  for (const size of [
    { width: 1280, height: 720 },
    { width: 1024, height: 640 },
  ]) {
    await app.setViewportSize(size);
    const l = (await settledBox(app, log))!;
    const p = (await settledBox(app, app.getByTestId('palette')))!;
    expect(overlaps(l, p), `the command log covers the palette at ${size.width}×${size.height}`).toBe(false);
    await fitClear(app, log, `command log at ${size.width}×${size.height}`);
    for (const theme of ['dark', 'light'] as const) {
      await app.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
      await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
      await app.screenshot({ path: testInfo.outputPath(`canvas-${size.width}x${size.height}-${theme}.png`) });
    }
  }

  // A network dropped on a node opens its form in the inspector: fitting leaves the lab beside it.
  await drag(app, app.getByTestId('palette-network-bridge'), app.getByTestId('canvas-node').filter({ hasText: 'node3' }).getByTestId('node-frame'), { x: 0, y: -20 });
  await expect(app.getByTestId('network-form')).toBeVisible();
  await fitClear(app, app.getByTestId('inspector'), 'network form');
  await app.screenshot({ path: testInfo.outputPath('canvas-form-1024x640.png') });
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('network-form')).toHaveCount(0);

  // The snapshots panel, too.
  await app.getByTestId('snapshots-toggle').click();
  await expect(app.getByTestId('snapshots-panel')).toBeVisible();
  await fitClear(app, app.getByTestId('snapshots-panel'), 'snapshots panel');
  await app.screenshot({ path: testInfo.outputPath('canvas-snapshots-1024x640.png') });
});
