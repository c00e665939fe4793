// Snapshots of a running lab: save two, compare them (the journal line and the network that came between),
// restore the first (the lab restarts from it, and the network is gone).
import { expect, test } from './fixtures.ts';
import { ConsolePage } from './pages/console-page.ts';

test('snapshots save, diff and restore a running lab', async ({ app }) => {
  test.setTimeout(120_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Snapshots');
  await app.getByTestId('new-lab-name').press('Enter');

  const ws = new ConsolePage(app, 'workstation');
  await expect(ws.screen).toContainText('user@workstation:~$');
  await ws.run('docker-machine create node1');
  await ws.idle();

  await app.getByTestId('snapshots-toggle').click();
  const panel = app.getByTestId('snapshots-panel');
  await expect(panel).toBeVisible();
  const items = panel.getByTestId('snapshot-item');
  const save = async (name: string, count: number) => {
    await panel.getByTestId('snapshot-name').fill(name);
    await panel.getByTestId('save-snapshot').click();
    await expect(items).toHaveCount(count);
    await expect(items.nth(count - 1)).toContainText(name);
  };
  await save('one', 1);

  const node = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await node.locator('text.name').dblclick();
  const n1 = new ConsolePage(app, 'node1');
  await expect(n1.screen).toContainText('docker@node1:~$');
  await n1.run('docker network create dev');
  await n1.idle();
  await expect(node.getByTestId('canvas-network').filter({ hasText: 'dev' })).toBeVisible();
  await save('two', 2);

  // one → two: the line typed, and the network it made.
  await items.filter({ hasText: 'one' }).getByRole('checkbox').check();
  await items.filter({ hasText: 'two' }).getByRole('checkbox').check();
  await panel.getByTestId('diff-snapshots').click();
  const diff = panel.getByTestId('snapshot-diff');
  await expect(diff).toContainText('one → two');
  await expect(diff.locator('.add').filter({ hasText: 'docker network create dev' })).toBeVisible();
  await expect(diff.locator('[data-kind="networks"].add').filter({ hasText: 'node1/dev' })).toBeVisible();

  // Restore asks first; the lab restarts from "one".
  await items.filter({ hasText: 'one' }).getByTestId('restore-snapshot').click();
  await items.filter({ hasText: 'one' }).getByTestId('confirm-restore').click();
  await expect(node.getByTestId('canvas-network').filter({ hasText: 'dev' })).toHaveCount(0);
  await expect(ws.screen).toContainText('user@workstation:~$');
  await node.locator('text.name').dblclick();
  await expect(n1.screen).toContainText('docker@node1:~$');
  await n1.run('docker network ls');
  await expect(n1.screen).toContainText('NETWORK ID');
  await n1.idle();
  await expect(n1.screen).toContainText('bridge');
  await expect(n1.screen).not.toContainText(/\bdev\b/);
});
