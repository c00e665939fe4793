// Restoring one container from a snapshot in the Snapshots panel: the container removed since comes back on the
// canvas, the panel lists the commands it ran and what a partial restore leaves alone, and the rest of the node
// keeps its changes. Screenshots of the panel (FLOTILLA_SHOTS=dir) in both themes.
import { expect, test } from './fixtures.ts';
import { LabPage } from './pages/lab-page.ts';

test('restore one container from a snapshot, the rest as it is', async ({ app }) => {
  test.setTimeout(150_000);
  await app.setViewportSize({ width: 1440, height: 900 });
  const lab = new LabPage(app);
  const ws = await lab.create('Parts');
  await lab.createNodes(ws, 'node1');
  await ws.run('docker-machine ssh node1 docker network create dev');
  await ws.idle();
  await ws.run('docker-machine ssh node1 docker run -d --name web --net dev nginx');
  await ws.idle();

  await app.getByTestId('snapshots-toggle').click();
  const panel = app.getByTestId('snapshots-panel');
  await panel.getByTestId('snapshot-name').fill('built');
  await panel.getByTestId('save-snapshot').click();
  const item = panel.getByTestId('snapshot-item').filter({ hasText: 'built' });
  await expect(item).toHaveCount(1);

  const node = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  const web = node.getByTestId('canvas-container').filter({ hasText: 'web' });
  await expect(web).toHaveCount(1);
  await ws.run('docker-machine ssh node1 docker rm -f web');
  await ws.idle();
  await ws.run('docker-machine ssh node1 docker run -d --name cache --net dev redis');
  await ws.idle();
  await expect(web).toHaveCount(0);

  await item.getByTestId('restore-part').click();
  const form = item.getByTestId('restore-part-form');
  await expect(form.getByTestId('part-node')).toHaveValue('node1');
  await form.getByTestId('part-container').fill('web');
  await form.getByTestId('confirm-restore-part').click();
  const result = panel.getByTestId('restore-part-result');
  await expect(result).toContainText('container web on node1 from built');
  await expect(result).toContainText(/\d+ commands? run/);
  await expect(result).not.toContainText('failed');
  await expect(web).toHaveCount(1);
  await expect(node.getByTestId('canvas-container').filter({ hasText: 'cache' })).toHaveCount(1);

  await result.getByText('Commands', { exact: true }).click();
  await expect(result).toContainText('docker run -d --name web --network dev nginx');
  await result.getByText('Not restored', { exact: true }).click();
  await expect(result).toContainText('ARP and MAC tables');

  const dir = process.env['FLOTILLA_SHOTS'];
  if (dir) {
    for (const theme of ['dark', 'light'] as const) {
      await lab.setTheme(theme);
      await app.screenshot({ path: `${dir}/snapshot-part-${theme}.png`, animations: 'disabled' });
    }
  }
});
