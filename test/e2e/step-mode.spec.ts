// Step mode in the window: on a lab where c1 pings c2, turn step mode on (the lab pauses), step to c1's ARP
// request and read it in plain words, step with F10 and back with Shift+F10 (the same event comes back), filter the
// list by protocol, then play: the ping completes while the list records it.
import { expect, test } from './fixtures.ts';
import { ConsolePage } from './pages/console-page.ts';

test('step mode: step, explain, step back, filter, play', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Step mode');
  await app.getByTestId('new-lab-name').press('Enter');

  const ws = new ConsolePage(app, 'workstation');
  await expect(ws.screen).toContainText('user@workstation:~$');
  await ws.run('docker-machine create node1');
  await ws.idle();
  const node = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await node.locator('text.name').dblclick();
  const n1 = new ConsolePage(app, 'node1');
  await expect(n1.screen).toContainText('docker@node1:~$');
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
  for (const theme of ['Light', 'Dark'] as const) {
    await app.getByTestId('theme-switch').getByText(theme, { exact: true }).click();
    await app.screenshot({ path: testInfo.outputPath(`step-mode-${theme.toLowerCase()}.png`), animations: 'disabled' });
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
