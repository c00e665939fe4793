// Live capture from the window: a lab with two nodes, a capture started on node1's eth0 from the Capture… menu
// while node1 pings node2, the ICMP rows arriving, filtered, dissected and highlighted, the echo's journey across
// the lab; then a reference capture imported and replayed into the lab at top speed, exported and re-opened.
import type { Page } from '@playwright/test';
import { sharedPath } from '../shared-path.ts';
import { expect, test } from './fixtures.ts';
import { ConsolePage } from './pages/console-page.ts';

const REFERENCE = sharedPath('reference', 'linux', '02-bridge-docker0-arp-icmp.pcap');

async function importFile(app: Page, file: string): Promise<void> {
  const chooser = app.waitForEvent('filechooser');
  await app.getByTestId('import-capture').click();
  await (await chooser).setFiles(file);
}

test('capture a cross-node ping live, follow its journey, replay a reference capture, export and re-open', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Wire');
  await app.getByTestId('new-lab-name').press('Enter');
  const ws = new ConsolePage(app, 'workstation');
  await expect(ws.screen).toContainText('user@workstation:~$');
  for (const node of ['node1', 'node2']) {
    await ws.run(`docker-machine create ${node}`);
    await ws.idle();
  }
  await app.getByTestId('canvas-node').filter({ hasText: 'node1' }).locator('text.name').dblclick();
  const n1 = new ConsolePage(app, 'node1');
  await expect(n1.screen).toContainText('docker@node1:~$');

  // Start the capture from the menu: node1 › eth0.
  await app.getByTestId('tab-captures').click();
  await app.getByTestId('capture-menu').click();
  await app.getByTestId('capture-choice').and(app.locator('[data-where="node1"][data-interface="eth0"]')).click();
  await expect(app.getByTestId('recording')).toBeVisible();

  await app.getByTestId('tab-lab').click();
  await n1.run('ping -c 3 192.168.99.101');
  await expect(n1.screen).toContainText('3 packets transmitted, 3 received', { timeout: 20_000 });
  await n1.idle();

  // The packet list grew while the capture ran.
  await app.getByTestId('tab-captures').click();
  const rows = app.getByTestId('packet-row');
  await expect(rows.filter({ hasText: 'ICMP' })).toHaveCount(6, { timeout: 10_000 });
  const filter = app.getByTestId('capture-filter');
  await filter.fill('icmp');
  await filter.press('Enter');
  await expect(rows).toHaveCount(6);
  await rows.first().click();
  const tree = app.getByTestId('detail-tree');
  await expect(tree).toContainText('Internet Control Message Protocol');
  await tree.getByText(/^Internet Control Message Protocol/).click();
  await expect(app.getByTestId('hex-pane').locator('.b.on')).not.toHaveCount(0);

  // The journey of the echo request: at least one hop, this frame among them.
  await app.getByTestId('tab-journey').click();
  const journey = app.getByTestId('journey');
  await expect(journey.getByTestId('journey-hop').first()).toBeVisible();
  await expect(journey).toContainText('eth0');
  await app.screenshot({ path: testInfo.outputPath('journey.png'), animations: 'disabled' });

  await app.getByTestId('stop-capture').click();
  await expect(app.getByTestId('recording')).toHaveCount(0);

  // A reference capture, replayed into node1's eth0 at top speed.
  await importFile(app, REFERENCE);
  // Other tests of this worker share the library and may have imported the same file: any one is fine.
  await expect(app.getByTestId('capture-item').filter({ hasText: '02-bridge' }).first()).toBeVisible();
  // The kernel's docker0 reference holds 19 frames (waiting for them, not counting what happens to be loaded).
  const count = 19;
  await expect(rows).toHaveCount(count);
  await app.getByTestId('replay-capture').click();
  const dialog = app.getByTestId('replay-dialog');
  await dialog.getByTestId('replay-target').selectOption({ label: 'node1 · eth0' });
  await dialog.getByTestId('replay-topspeed').check();
  // tcprewrite's options: a bad address map is named and blocks the replay; a good one, two loops, MACs to the lab's.
  await dialog.getByTestId('replay-map').fill('172.17.0.2 → 192.168.99.300');
  await expect(dialog.getByTestId('replay-map-error')).toHaveText('Line 1: 192.168.99.300 is not an IPv4 address.');
  await expect(dialog.getByTestId('replay-run')).toBeDisabled();
  await dialog.getByTestId('replay-map').fill('172.17.0.2 → 192.168.99.100');
  await dialog.getByTestId('replay-loop').fill('2');
  await dialog.getByTestId('replay-mac').check();
  await dialog.getByTestId('replay-run').click();
  await expect(dialog.getByTestId('replay-result')).toContainText(/Sent \d+ frames \(\d+ bytes\) in 2 loops/);
  await expect(dialog.getByTestId('replay-result')).toContainText(/rewritten [1-9]/);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The Ethernet-only export (for tcpreplay) says what it converted.
  await app.getByTestId('export-ethernet-only').check();
  const ethDownload = app.waitForEvent('download');
  await app.getByTestId('export-pcap').click();
  expect((await ethDownload).suggestedFilename()).toMatch(/-ethernet\.pcap$/);
  await expect(app.getByTestId('capture-notice')).toContainText('0 frames given an Ethernet header, 0 left out');
  await app.getByTestId('export-ethernet-only').uncheck();

  // Export pcapng and open it again: the same rows.
  const download = app.waitForEvent('download');
  await app.getByTestId('export-pcapng').click();
  const file = testInfo.outputPath((await download).suggestedFilename());
  await (await download).saveAs(file);
  await importFile(app, file);
  await expect(app.getByTestId('capture-item').filter({ hasText: 'pcapng' }).first()).toBeVisible();
  await expect(rows).toHaveCount(count);
});
