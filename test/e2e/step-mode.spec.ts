// Step mode in the window: on a lab where c1 pings c2, turn step mode on (the lab pauses), step to c1's ARP
// request and read it in plain words, step with F10 and back with Shift+F10 (the same event comes back), filter the
// list by protocol, then play: the ping completes while the list records it.
// FLOTILLA_SCREENSHOTS=1 also writes docs/screenshot-step-mode-{dark,light}.png.
import path from 'node:path';
import { expect, test } from './fixtures.ts';
import { LabPage } from './pages/lab-page.ts';

const DOCS = path.resolve(import.meta.dirname, '../../docs');

test('step mode: step, explain, step back, filter, play', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  const lab = new LabPage(app);
  const ws = await lab.create('Step mode');
  await lab.createNodes(ws, 'node1');
  const n1 = await lab.openNodeConsole('node1');
  for (const line of ['docker run -d --name c1 alpine sleep 100000', 'docker run -d --name c2 alpine sleep 100000']) {
    await n1.run(line);
    await n1.idle();
  }

  await app.getByTestId('step-toggle').click();
  const panel = app.getByTestId('step-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('step-error')).toHaveCount(0);
  await panel.getByTestId('step-on').check();
  await expect(panel.getByTestId('step-position')).toHaveText('no event yet');
  await expect(app.getByTestId('clock-toggle')).toHaveAttribute('aria-label', 'Play the lab');

  // Paused: the ping waits for the steps.
  await n1.run('docker exec c1 ping -c 2 172.17.0.3');
  await panel.getByTestId('step-forward').click();
  await expect(panel.getByTestId('step-position')).toContainText('event 1 ·');
  const explain = panel.getByTestId('step-explain');
  await expect(explain).toContainText('leaves node1/c1 eth0');
  await expect(explain.locator('[data-protocol="arp"]')).toContainText('172.17.0.2 asks who has 172.17.0.3');
  await expect(explain.locator('[data-protocol="eth"]')).toContainText('to everyone on the segment (broadcast');
  // The event's interface is lit on the canvas.
  await expect(app.getByTestId('wire-spot').first()).toHaveAttribute('data-interface', 'eth0');

  // F10 steps, Shift+F10 steps back (rebuilt by replay across instants), F10 again: the same event.
  for (let i = 2; i <= 5; i++) {
    await app.keyboard.press('F10');
    await expect(panel.getByTestId('step-position')).toContainText(`event ${i} ·`);
  }
  const fifth = await panel.locator('[data-seq="5"]').innerText();
  await app.keyboard.press('Shift+F10');
  await expect(panel.getByTestId('step-position')).toContainText('event 4 ·');
  await expect(panel.getByTestId('step-rewind')).toContainText('Rebuilt by replay');
  await expect(panel.getByTestId('step-rewind')).not.toContainText('differently');
  await expect(panel.locator('[data-seq="5"]')).toHaveCount(0);
  await app.keyboard.press('F10');
  await expect(panel.getByTestId('step-position')).toContainText('event 5 ·');
  await expect(panel.locator('[data-seq="5"]')).toHaveText(fifth);

  await panel.locator('[data-seq="1"]').click();
  await expect(explain).toContainText('#1 leaves node1/c1 eth0');
  await expect(app.getByTestId('wire-spot').first()).toHaveAttribute('data-netns', /^node1\//);
  for (const theme of ['light', 'dark'] as const) {
    await lab.setTheme(theme);
    const name = `step-mode-${theme}.png`;
    const file = process.env.FLOTILLA_SCREENSHOTS ? path.join(DOCS, `screenshot-${name}`) : testInfo.outputPath(name);
    await app.screenshot({ path: file, animations: 'disabled' });
  }

  // Only ARP.
  await panel.getByRole('checkbox', { name: 'All' }).uncheck();
  await panel.getByTestId('step-proto-arp').check();
  await expect(panel.getByTestId('step-event').first()).toBeVisible();
  for (const proto of await panel.getByTestId('step-event').locator('.proto').allInnerTexts()) expect(proto).toBe('ARP');

  // Play: the ping completes and the list records the echo replies.
  await panel.getByTestId('step-proto-arp').uncheck();
  await panel.getByTestId('step-proto-icmp').check();
  await panel.getByTestId('step-play').click();
  await expect(panel.getByTestId('step-event').filter({ hasText: 'Echo (ping) reply' }).filter({ hasText: 'node1/c1' })).toHaveCount(2, { timeout: 30_000 });
  await panel.getByTestId('step-play').click();
  await expect(panel.getByTestId('step-play')).toContainText('Play');
});
