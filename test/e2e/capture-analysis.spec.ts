// The capture analyses end to end: import a reference capture with HTTP, follow the selected packet's TCP stream
// with Wireshark's shortcut and see the request and the response, follow HTTP from the packet's context menu,
// filter to the stream, then the flow diagram and the I/O graph. FLOTILLA_SCREENSHOTS=1 also writes
// docs/screenshot-{follow-stream,flow-diagram,io-graph}-{dark,light}.png.
import path from 'node:path';
import { sharedPath } from '../shared-path.ts';
import { expect, test } from './fixtures.ts';
import type { Page } from '@playwright/test';

const DOCS = path.resolve(import.meta.dirname, '../../docs');
const HTTP = sharedPath('reference', 'linux', '04-overlay-http-c1eth0.pcap');

async function importHttp(app: Page): Promise<void> {
  await app.getByTestId('tab-captures').click();
  const chooser = app.waitForEvent('filechooser');
  await app.getByTestId('import-capture').click();
  await (await chooser).setFiles(HTTP);
  // Only the rows in view are in the list: its footer counts them all.
  await expect(app.getByTestId('packet-count')).toHaveText('Packets: 30');
  await expect(app.getByTestId('packet-row').first()).toBeVisible();
}

test('follow TCP and HTTP streams, filter to one, its flow diagram and I/O graph', async ({ app }) => {
  await importHttp(app);
  const rows = app.getByTestId('packet-row');
  await rows.nth(5).click(); // frame 6: GET /hello.txt
  await app.getByTestId('packet-list').press('Control+Alt+Shift+T');
  const panel = app.getByTestId('analysis-panel');
  await expect(panel).toBeVisible();
  const text = app.getByTestId('follow-text');
  await expect(text).toContainText('GET /hello.txt HTTP/1.1');
  await expect(text).toContainText('HTTP/1.0 200 OK');
  await expect(text).toContainText('hello from c4');
  await expect(app.getByTestId('follow-summary')).toContainText('tcp.stream eq 0');
  // Client and server bytes are told apart.
  await expect(text.locator('.d0')).toHaveCount(1);
  await expect(text.locator('.d1')).toHaveCount(1);
  await app.keyboard.press('Escape');
  await expect(panel).toBeHidden();

  // The context menu of a packet of the second connection: Follow HTTP stream.
  await rows.nth(19).click({ button: 'right' });
  await app.getByTestId('menu-follow-http').click();
  const http = app.getByTestId('follow-http');
  await expect(http).toContainText('GET /4k.txt HTTP/1.1');
  await expect(http).toContainText('Body: 4,000 bytes (text/plain)');
  await expect(app.getByTestId('follow-stream-index')).toHaveText('TCP stream 1');
  // DNS of a packet in a TCP stream follows that stream; ‹ and › step along TCP streams, not onto UDP ones.
  const index = app.getByTestId('follow-stream-index');
  await app.getByTestId('follow-proto-dns').click();
  await expect(index).toHaveText('TCP stream 1');
  await app.getByRole('button', { name: 'Previous stream' }).click();
  await expect(index).toHaveText('TCP stream 0');
  await expect(app.getByTestId('follow-summary')).toContainText('tcp.stream eq 0');
  await app.getByRole('button', { name: 'Next stream' }).click();
  await expect(index).toHaveText('TCP stream 1');

  await app.getByTestId('follow-filter').click();
  await expect(panel).toBeHidden();
  await expect(app.getByTestId('packet-count')).toContainText('Displayed: 16');

  await app.getByTestId('open-flow').click();
  await expect(app.getByTestId('flow-node')).toHaveText(['10.0.1.2', '10.0.1.5']);
  const labels = app.getByTestId('flow-label');
  await expect(labels.first()).toHaveText('SYN');
  await expect(labels.filter({ hasText: 'GET /4k.txt' })).toHaveCount(1);
  await expect(app.getByTestId('flow-count')).toHaveText('Frames 1–16 of 16');

  await app.getByTestId('analysis-tab-io').click();
  const graph = app.getByTestId('io-graph');
  await expect(graph.getByTestId('io-line')).toHaveCount(2); // every frame, and the stream's filter
  await graph.locator('svg').hover({ position: { x: 80, y: 100 } });
  await expect(app.getByTestId('io-tip')).toContainText('All frames:');
  // A wrong filter in a series says so.
  await graph.getByTestId('io-filter').nth(1).fill('tcp.stream ==');
  await graph.getByTestId('io-apply').click();
  await expect(app.getByTestId('io-error')).toContainText('tcp.stream ==');
});

test('the analyses in both themes (screenshots)', async ({ app }, testInfo) => {
  test.setTimeout(90_000);
  await importHttp(app);
  await app.getByTestId('packet-row').nth(19).click();
  for (const theme of ['dark', 'light'] as const) {
    await app.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    const shot = async (topic: string) => {
      const file = process.env.FLOTILLA_SCREENSHOTS ? path.join(DOCS, `screenshot-${topic}-${theme}.png`) : testInfo.outputPath(`${topic}-${theme}.png`);
      await app.screenshot({ path: file, animations: 'disabled' });
    };
    await app.getByTestId('open-follow').click();
    await app.getByTestId('follow-proto-tcp').click();
    await expect(app.getByTestId('follow-text')).toContainText('GET /4k.txt');
    await shot('follow-stream');
    await app.getByTestId('analysis-tab-flow').click();
    await expect(app.getByTestId('flow-label').first()).toBeVisible();
    await shot('flow-diagram');
    await app.getByTestId('analysis-tab-io').click();
    await expect(app.getByTestId('io-line').first()).toBeVisible();
    if (theme === 'dark') {
      await app.getByTestId('io-add').click();
      await app.getByTestId('io-filter').nth(1).fill('tcp.len > 0');
      await app.getByTestId('io-apply').click();
    }
    await expect(app.getByTestId('io-line')).toHaveCount(2);
    const plot = app.getByTestId('io-graph').locator('svg');
    const box = (await plot.boundingBox())!;
    await plot.hover({ position: { x: box.width - 30, y: 120 } });
    await expect(app.getByTestId('io-tip')).toContainText('tcp.len > 0:');
    await shot('io-graph');
    await app.getByTestId('analysis-close').click();
  }
});
