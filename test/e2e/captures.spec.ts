// The capture view end to end: import a reference capture through the file picker, filter it with Wireshark's
// syntax (and see where a bad filter is wrong), open the inner ICMP of a VXLAN frame, light up a field's bytes,
// click a byte to select its field, move with the keyboard, and export then re-import the file.
// FLOTILLA_SCREENSHOTS=1 also writes docs/screenshot-capture-{dark,light}.png.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../shared-path.ts';
import { expect, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

const DOCS = path.resolve(import.meta.dirname, '../../docs');
const OVERLAY = sharedPath('reference', 'linux', '01-overlay-ping-docker-underlay-n1eth0.pcap');

async function importFile(app: Page, file: string): Promise<void> {
  const chooser = app.waitForEvent('filechooser');
  await app.getByTestId('import-capture').click();
  await (await chooser).setFiles(file);
}

test('import, filter, detail tree, hex highlight, keyboard', async ({ app }) => {
  await app.getByTestId('tab-captures').click();
  await importFile(app, OVERLAY);
  const rows = app.getByTestId('packet-row');
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('ARP');

  const filter = app.getByTestId('capture-filter');
  await filter.fill('icmp');
  await expect(filter).toHaveAttribute('data-state', 'valid');
  await filter.press('Enter');
  await expect(rows).toHaveCount(6);
  await expect(app.getByTestId('packet-count')).toContainText('Displayed: 6');

  await filter.fill('ip.adr == 1');
  await expect(filter).toHaveAttribute('data-state', 'invalid');
  await expect(filter.locator('..')).toHaveClass(/invalid/);
  await expect(app.getByTestId('filter-error')).toContainText('"ip.adr" is neither a field nor a protocol name.');
  await expect(app.getByTestId('filter-error').locator('mark')).toHaveText('ip.adr');
  await filter.press('Enter');
  await expect(rows).toHaveCount(6, { timeout: 1000 }); // a wrong filter is not applied

  await filter.fill('');
  await filter.press('Enter');
  await expect(rows).toHaveCount(10);

  await rows.nth(2).click();
  const tree = app.getByTestId('detail-tree');
  await expect(tree).toContainText('Virtual eXtensible Local Area Network');
  await expect(tree).toContainText('Internet Control Message Protocol');
  await expect(tree.getByTestId('detail-item')).toHaveCount(8); // Frame, Ethernet, IPv4, UDP, VXLAN, Ethernet, IPv4, ICMP

  // A click on a tree item lights its bytes: VXLAN's 8-byte header.
  await tree.getByText('Virtual eXtensible Local Area Network').click();
  const hex = app.getByTestId('hex-pane');
  await expect(hex.locator('.b.on')).toHaveCount(8);
  await expect(hex.getByTestId('field-info')).toHaveCount(1);

  // A click on a byte selects the deepest field there: byte 0x2e (46) is the VNI.
  await hex.getByTestId('hex-byte').nth(46).click();
  await expect(hex.getByTestId('field-info')).toContainText('vxlan.vni == 4097');
  await expect(tree.locator('[aria-selected="true"]')).toContainText('VXLAN Network Identifier (VNI): 4097');

  // Keyboard: the list moves with ↓ and End; the detail follows.
  await app.getByTestId('packet-list').focus();
  await app.keyboard.press('ArrowDown');
  await expect(tree.getByTestId('detail-item').first()).toContainText('Frame 4:');
  await app.keyboard.press('End');
  await expect(tree.getByTestId('detail-item').first()).toContainText('Frame 10:');
});

test('export pcapng and pcap, re-import both: the same 10 rows', async ({ app }, testInfo) => {
  await app.getByTestId('tab-captures').click();
  await importFile(app, OVERLAY);
  await expect(app.getByTestId('packet-row')).toHaveCount(10);
  const first = await app.getByTestId('packet-row').allInnerTexts();
  for (const format of ['pcapng', 'pcap'] as const) {
    const download = app.waitForEvent('download');
    await app.getByTestId(`export-${format}`).click();
    const file = testInfo.outputPath((await download).suggestedFilename());
    await (await download).saveAs(file);
    expect(file.endsWith(`.${format}`)).toBe(true);
    expect(readFileSync(file).length).toBeGreaterThan(1000);
    await importFile(app, file);
    await expect(app.getByTestId('capture-item').filter({ hasText: format }).first()).toBeVisible();
    // Retried until the re-imported capture is the one shown (the previous one also has 10 rows).
    await expect.poll(() => app.getByTestId('packet-row').allInnerTexts()).toEqual(first);
  }
});

test('a file that is not a capture is refused with where it went wrong', async ({ app }, testInfo) => {
  await app.getByTestId('tab-captures').click();
  const bad = testInfo.outputPath('notes.pcap');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(bad, 'hello, this is text');
  await importFile(app, bad);
  await expect(app.getByTestId('capture-error')).toContainText('not a pcap or pcapng file: the first 4 bytes are 0x68656c6c');
});

test('a file bigger than one message is uploaded in parts, with its progress, and opens', async ({ app }, testInfo) => {
  await app.getByTestId('tab-captures').click();
  // The overlay reference's records repeated to 20 MiB: three parts of at most 8 MiB.
  const ref = readFileSync(OVERLAY);
  const copies = Math.ceil((20 * 1024 * 1024) / (ref.length - 24));
  const big = testInfo.outputPath('big.pcap');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(big, Buffer.concat([ref.subarray(0, 24), ...Array.from({ length: copies }, () => ref.subarray(24))]));
  const button = app.getByTestId('import-capture');
  const texts: string[] = [];
  const watch = setInterval(() => void button.innerText().then((t) => texts.push(t), () => undefined), 20);
  try {
    await importFile(app, big);
    await expect(app.getByTestId('packet-count')).toContainText(`Packets: ${(copies * 10).toLocaleString('en-US')}`, { timeout: 30_000 });
  } finally {
    clearInterval(watch);
  }
  await expect(button).toHaveText('Import');
  expect(texts.some((t) => /Uploading \d+ %|Importing…/.test(t)), `the button said ${JSON.stringify([...new Set(texts)])}`).toBe(true);
  await expect(app.getByTestId('packet-row').first()).toContainText('ARP');
});

test('the capture view in both themes (screenshots)', async ({ app }, testInfo) => {
  await app.getByTestId('tab-captures').click();
  for (const name of ['02-bridge-docker0-arp-icmp.pcap', OVERLAY, '04-overlay-http-c1eth0.pcap']) {
    await importFile(app, name.startsWith('/') ? name : sharedPath('reference', 'linux', name));
    await expect(app.getByTestId('packet-row').first()).toBeVisible();
  }
  await app.getByTestId('packet-row').nth(5).click();
  const tree = app.getByTestId('detail-tree');
  await tree.getByText(/^Transmission Control Protocol/).dblclick();
  await tree.getByText(/^Flags: /).click();
  await expect(app.getByTestId('hex-pane').locator('.b.on')).not.toHaveCount(0);
  await app.getByTestId('capture-filter').fill('tcp.port == 80 && ip.addr == 10.0.1.');
  for (const theme of ['dark', 'light'] as const) {
    await app.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    const file = process.env.FLOTILLA_SCREENSHOTS ? path.join(DOCS, `screenshot-capture-${theme}.png`) : testInfo.outputPath(`capture-${theme}.png`);
    await app.screenshot({ path: file, animations: 'disabled' });
  }
});
