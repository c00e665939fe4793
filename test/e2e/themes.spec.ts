// Light and dark themes: chosen in the header, applied to the whole window, kept in the library across reloads.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const background = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test('switching theme restyles the window and survives a reload', async ({ app }, testInfo) => {
  const html = app.locator('html');
  const themes = app.getByTestId('theme-switch');

  await themes.getByText('Dark', { exact: true }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const dark = await background(app);
  await app.screenshot({ path: testInfo.outputPath('dark.png') });

  await themes.getByText('Light', { exact: true }).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  const light = await background(app);
  expect(light).not.toBe(dark);
  await app.screenshot({ path: testInfo.outputPath('light.png') });

  await app.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
  expect(await background(app)).toBe(light);
  await expect(themes.getByRole('radio', { name: 'Light' })).toBeChecked();
});

test('system follows the operating system preference', async ({ app }) => {
  const themes = app.getByTestId('theme-switch');
  // Start from a stored choice, whatever an earlier test on this library left. The page shows "System" until
  // the stored preference arrives, and clicking an option already checked changes nothing: so choose Light,
  // see it checked, then choose System.
  await themes.getByText('Light', { exact: true }).click();
  await expect(themes.getByRole('radio', { name: 'Light' })).toBeChecked();
  await themes.getByText('System', { exact: true }).click();
  await expect(themes.getByRole('radio', { name: 'System' })).toBeChecked();
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await app.emulateMedia({ colorScheme: 'light' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
});
