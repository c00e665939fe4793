// The walking skeleton end to end: the real browser host, Debian's Chromium, the renderer driven like a user.
import { expect, test } from './fixtures.ts';

test('create a lab, see it in the list, reload, still there', async ({ app }) => {
  await expect(app.getByTestId('status-bar')).toContainText('connected', { ignoreCase: true });
  await app.getByTestId('new-lab').click();
  const name = app.getByTestId('new-lab-name');
  await name.fill('Overlay basics');
  await name.press('Enter');

  const item = app.getByTestId('lab-item').filter({ hasText: 'Overlay basics' });
  await expect(item).toHaveCount(1);
  // Creating opens it: the canvas shows the lab.
  await expect(app.getByTestId('canvas')).toBeVisible();

  await app.reload();
  await expect(app.getByTestId('lab-item').filter({ hasText: 'Overlay basics' })).toHaveCount(1);
});

test('a duplicate name is refused with the service error, and nothing is lost', async ({ app }) => {
  for (const attempt of ['Bridge lab', 'bridge LAB']) {
    await app.getByTestId('new-lab').click();
    await app.getByTestId('new-lab-name').fill(attempt);
    await app.getByTestId('new-lab-name').press('Enter');
  }
  await expect(app.getByTestId('form-error')).toContainText('already exists');
  await expect(app.getByTestId('lab-item').filter({ hasText: /bridge lab/i })).toHaveCount(1);
});

test('the token is required: the same page without it is refused', async ({ browser, served }) => {
  // A fresh context has no cookie from the token-bearing first load.
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(served.origin + '/');
  expect(response?.status()).toBe(401);
  await context.close();
});
