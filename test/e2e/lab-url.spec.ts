// "Open from URL" in the import dialog: only https:// enables Open; a URL the services cannot fetch (nothing
// listens on that loopback port) keeps the dialog open with the reason, naming the URL. (Fetching a real file over
// https is tested in src-main/services/lab-url.test.ts and test/integration/cli-lab-url.test.ts.) Screenshots of
// the dialog (FLOTILLA_SHOTS=dir) in both themes.
import { createServer } from 'node:net';
import { expect, test } from './fixtures.ts';

/** A loopback port nobody listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

test('open a lab from a URL: https only, and a failure says why', async ({ app }) => {
  await app.setViewportSize({ width: 1280, height: 800 });
  await app.getByTestId('import-lab').click();
  const dialog = app.getByTestId('import-dialog');
  const url = dialog.getByTestId('import-url');
  const open = dialog.getByTestId('import-url-open');
  await expect(open).toBeDisabled();
  await url.fill('http://example.org/lab.flotilla');
  await expect(open).toBeDisabled();
  const target = `https://127.0.0.1:${await deadPort()}/labs/overlay.flotilla`;
  await url.fill(target);
  await expect(open).toBeEnabled();
  await open.click();
  const error = dialog.getByTestId('import-error');
  await expect(error).toContainText(target);
  await expect(error).toContainText('Nothing answers at 127.0.0.1:');
  await expect(error).toContainText('(connection refused)');
  await expect(dialog).toBeVisible();

  const dir = process.env['FLOTILLA_SHOTS'];
  if (dir) {
    for (const theme of ['dark', 'light'] as const) {
      await app.keyboard.press('Escape');
      await app.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
      await app.getByTestId('import-lab').click();
      await url.fill(target);
      await open.click();
      await expect(error).toBeVisible();
      await app.screenshot({ path: `${dir}/lab-url-${theme}.png` });
    }
  }
});
