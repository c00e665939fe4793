// The packet's journey drawn on the canvas: a container on node1 pings node2 while node1's eth0 is captured; the
// echo request's journey (container → veth → docker0 → eth0 with MASQUERADE → the LAN → node2) is shown on the
// canvas, hop by hop, with the rewrite of the current hop beside it, stepped back and forth and replayed.
// FLOTILLA_SCREENSHOTS=1 also writes docs/screenshot-journey-{dark,light}.png.
import path from 'node:path';
import { expect, test } from './fixtures.ts';
import { LabPage } from './pages/lab-page.ts';

const DOCS = path.resolve(import.meta.dirname, '../../docs');

test('a ping from a container to the other node, its journey lit on the canvas and stepped through', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  const lab = new LabPage(app);
  const ws = await lab.create('Journey');
  await lab.createNodes(ws, 'node1', 'node2');
  const n1 = await lab.openNodeConsole('node1');
  await n1.run('docker run -d --name c1 alpine sleep 1000');
  await n1.idle();

  await app.getByTestId('tab-captures').click();
  await app.getByTestId('capture-menu').click();
  await app.getByTestId('capture-choice').and(app.locator('[data-where="node1"][data-interface="eth0"]')).click();
  await expect(app.getByTestId('recording')).toBeVisible();

  await app.getByTestId('tab-lab').click();
  await n1.run('docker exec c1 ping -c 2 192.168.99.101');
  await expect(n1.screen).toContainText('2 packets transmitted, 2 packets received', { timeout: 20_000 });
  await n1.idle();

  await app.getByTestId('tab-captures').click();
  // The sidebar counts the frames while the capture records (it started empty).
  await expect(app.getByTestId('capture-item').filter({ hasText: 'node1 eth0' }).first()).toContainText(/[1-9]\d* packets/);
  const filter = app.getByTestId('capture-filter');
  await filter.fill('icmp.type == 8');
  await filter.press('Enter');
  const rows = app.getByTestId('packet-row');
  await expect(rows).toHaveCount(2, { timeout: 10_000 });
  await rows.first().click();
  await app.getByTestId('tab-journey').click();
  const journey = app.getByTestId('journey');
  await expect(journey.getByTestId('journey-hop').nth(3)).toBeVisible();
  const hops = await journey.getByTestId('journey-hop').count();
  // The journey as a pcapng of its own.
  const download = app.waitForEvent('download');
  await journey.getByTestId('journey-export').click();
  expect((await download).suggestedFilename()).toMatch(/-journey-\d+\.pcapng$/);
  await journey.getByTestId('journey-on-canvas').click();

  // The canvas shows every hop, in order, and steps through them.
  const overlay = app.getByTestId('wire-overlay');
  await expect(overlay).toBeVisible();
  await expect(overlay.getByTestId('wire-spot')).toHaveCount(hops);
  const card = app.getByTestId('wire-card');
  // Played to the end: every hop lit, the last one in the card.
  await expect(card).toContainText(`Hop ${hops}/${hops}`, { timeout: 15_000 });
  await expect(overlay.locator('[data-testid="wire-spot"][data-lit="false"]')).toHaveCount(0);
  await expect(overlay.getByTestId('wire-spot').first()).toHaveAttribute('data-interface', 'eth0');

  // Back to the first hop: the container's eth0, the rest dimmed.
  for (let i = 1; i < hops; i++) await card.getByTestId('wire-prev').click();
  await expect(card).toContainText(`Hop 1/${hops}`);
  await expect(card).toContainText('c1 · eth0');
  await expect(overlay.locator('[data-testid="wire-spot"][data-lit="true"]')).toHaveCount(1);
  // Forward to the hop where MASQUERADE rewrote the source: the card shows the diff.
  let nat = false;
  for (let i = 1; i < hops && !nat; i++) {
    await card.getByTestId('wire-next').click();
    await expect(card).toContainText(`Hop ${i + 1}/${hops}`);
    nat = (await card.textContent())?.includes('ip.src') ?? false;
  }
  expect(nat, 'a hop rewrote ip.src').toBe(true);
  await expect(card).toContainText('192.168.99.100');
  await expect(card).toContainText('node1 · eth0');

  for (const theme of ['dark', 'light'] as const) {
    await lab.setTheme(theme);
    const file = process.env.FLOTILLA_SCREENSHOTS ? path.join(DOCS, `screenshot-journey-${theme}.png`) : testInfo.outputPath(`journey-${theme}.png`);
    await app.screenshot({ path: file, animations: 'disabled' });
  }

  // Replay from the start, then hide.
  await card.getByTestId('wire-replay').click();
  await expect(card).toContainText(`Hop ${hops}/${hops}`, { timeout: 15_000 });
  await card.getByTestId('wire-close').click();
  await expect(overlay).toHaveCount(0);

  // The replay dialog's tcpreplay and tcprewrite options, and the export's Ethernet-only toggle, in both themes.
  await app.getByTestId('tab-captures').click();
  const dialog = app.getByTestId('replay-dialog');
  for (const theme of ['dark', 'light'] as const) {
    // The dialog is modal: the theme is switched with it closed.
    await lab.setTheme(theme);
    await app.getByTestId('replay-capture').click();
    await dialog.getByTestId('replay-multiplier').check();
    await dialog.getByTestId('replay-rate').fill('2');
    await dialog.getByTestId('replay-loop').fill('3');
    await dialog.getByTestId('replay-map').fill('192.168.99.100 → 192.168.99.1');
    await dialog.getByTestId('replay-mac').check();
    const file = process.env.FLOTILLA_SCREENSHOTS ? path.join(DOCS, `screenshot-replay-${theme}.png`) : testInfo.outputPath(`replay-${theme}.png`);
    await app.screenshot({ path: file, animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Close' }).click();
    // Focus goes back to the button that opened the dialog.
    await expect(dialog).toHaveCount(0);
    await expect(app.getByTestId('replay-capture')).toBeFocused();
  }
  // Escape closes it the same way.
  await app.getByTestId('replay-capture').click();
  await expect(dialog).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(app.getByTestId('replay-capture')).toBeFocused();
});
