// The lab of ../shared/transcripts/cnm-basics.t built by mouse: a node from the palette, a network `dev` with its
// subnet set in the inspector, an elasticsearch:2 container named es dropped onto dev, an alpine container on the
// node, connected to dev by dragging; then ping es from the alpine container's console. Undo/redo of the connect,
// moving a node and the auto-layout, and the SVG export are exercised on the way. Every gesture is a docker
// command, shown in the canvas's command log.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';
import { drag, settledBox } from './pages/pointer.ts';

test('build the CNM basics lab by mouse, then ping es from a container console', async ({ app }) => {
  test.setTimeout(120_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('CNM by mouse');
  await app.getByTestId('new-lab-name').press('Enter');
  const canvas = app.getByTestId('canvas');
  const log = app.getByTestId('command-log');

  // A node from the palette, dropped anywhere on the canvas.
  await drag(app, app.getByTestId('palette-node'), canvas);
  await expect(log).toContainText('workstation$ docker-machine create node1');
  const node = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await expect(node).toContainText('192.168.99.100', { timeout: 20_000 });

  // A bridge network dropped on the node: the inspector asks for its settings and checks them as they are typed.
  await drag(app, app.getByTestId('palette-network-bridge'), node.getByTestId('node-frame'), { x: 0, y: -20 });
  const form = app.getByTestId('network-form');
  await expect(form).toBeVisible();
  await form.getByTestId('network-name').fill('bridge');
  await expect(form.getByRole('alert')).toContainText('exists on this node');
  await form.getByTestId('network-name').fill('dev');
  await form.getByTestId('network-subnet').fill('10.0.9.1/24');
  await expect(form.getByRole('alert')).toContainText('host bits');
  await expect(form.getByRole('button', { name: 'Create' })).toBeDisabled();
  await form.getByTestId('network-subnet').fill('10.0.9.0/24');
  await form.getByTestId('network-gateway').fill('10.1.0.1');
  await expect(form.getByRole('alert')).toContainText('outside 10.0.9.0/24');
  await form.getByTestId('network-gateway').fill('10.0.9.1');
  await expect(form.getByTestId('network-command')).toHaveText('docker network create --subnet 10.0.9.0/24 --gateway 10.0.9.1 dev');
  await form.getByRole('button', { name: 'Create' }).click();
  const dev = node.getByTestId('canvas-network').filter({ hasText: 'dev' });
  await expect(dev).toContainText('10.0.9.0/24');
  await expect(log).toContainText('node1$ docker network create --subnet 10.0.9.0/24 --gateway 10.0.9.1 dev');
  // The inspector now shows the new network.
  await expect(app.getByTestId('inspector')).toContainText('10.0.9.1');

  // es: elasticsearch:2 dropped onto the dev segment.
  await app.getByTestId('palette-image').selectOption('elasticsearch:2');
  await app.getByTestId('palette-name').fill('es');
  const devDrop = node.locator('[data-testid="network-drop"][data-drop-network="dev"]');
  await drag(app, app.getByTestId('palette-container'), devDrop);
  await expect(log).toContainText('node1$ docker run -d --name es --net dev elasticsearch:2');
  const es = node.getByTestId('canvas-container').filter({ hasText: 'es' });
  await expect(es).toHaveAttribute('data-state', 'running');
  await expect(node).toContainText('eth0 10.0.9.2');

  // An alpine container dropped on the node (the default bridge), then connected to dev by dragging its handle.
  await app.getByTestId('palette-image').selectOption('alpine');
  await app.getByTestId('palette-name').fill('client');
  // Below the bars (a drop on a bar joins that network), wherever the fitted zoom puts them.
  const nodeBox = (await settledBox(app, node.getByTestId('node-frame')))!;
  await drag(app, app.getByTestId('palette-container'), node.getByTestId('node-frame'), { x: 0, y: nodeBox.height * 0.3 });
  await expect(log).toContainText('node1$ docker run -dit --name client alpine');
  const client = node.getByTestId('canvas-container').filter({ hasText: 'client' });
  await expect(client).toHaveAttribute('data-state', 'running');
  await client.hover();
  await drag(app, client.getByTestId('connect-handle'), devDrop, { x: 60, y: 0 });
  await expect(log).toContainText('node1$ docker network connect dev client');
  const link = node.locator('[data-testid="canvas-endpoint"][data-container="client"][data-network="dev"]');
  await expect(link).toHaveCount(1);

  // Undo disconnects, redo connects again: the inverse commands.
  await canvas.focus();
  await app.keyboard.press('Control+Z');
  await expect(log).toContainText('node1$ docker network disconnect dev client');
  await expect(link).toHaveCount(0);
  await app.keyboard.press('Control+Shift+Z');
  await expect(link).toHaveCount(1);
  await expect(node).toContainText('eth1 10.0.9.3');

  // The alpine container's console: es answers by name.
  await client.dblclick();
  const pane = app.locator('[data-testid="console"][data-title="node1/client"]');
  await expect(pane).toBeVisible();
  await pane.click();
  await app.keyboard.type('ping -c 2 es');
  await app.keyboard.press('Enter');
  await expect(pane.locator('.xterm-rows')).toContainText('64 bytes from 10.0.9.2: seq=1', { timeout: 15_000 });
  await expect(pane.locator('.xterm-rows')).toContainText('2 packets transmitted, 2 packets received');

  // Move the node by its frame, then the tidy layout puts it back.
  const frame = node.getByTestId('node-frame');
  const before = await settledBox(app, frame);
  const grip = { x: before!.x + before!.width - 12, y: before!.y + 30 };
  await app.mouse.move(grip.x, grip.y);
  await app.mouse.down();
  await app.mouse.move(grip.x + 120, grip.y + 60, { steps: 8 });
  await app.mouse.up();
  await expect.poll(async () => Math.round((await frame.boundingBox())!.x - before!.x)).toBeGreaterThan(40);
  await app.getByRole('button', { name: 'Auto-layout' }).click();
  await expect.poll(async () => Math.abs(Math.round((await frame.boundingBox())!.x - before!.x))).toBe(0);

  // Select the endpoint line and press Delete: docker network disconnect.
  await link.click({ force: true });
  await expect(app.getByTestId('inspector')).toContainText('client on dev');
  await app.keyboard.press('Delete');
  await expect(log).toContainText('node1$ docker network disconnect dev client');
  await expect(link).toHaveCount(0);

  // Export the canvas as SVG.
  const downloading = app.waitForEvent('download');
  await app.getByTestId('canvas-toolbar').getByRole('button', { name: 'SVG' }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toBe('CNM-by-mouse.svg');
  const svg = readFileSync((await file.path())!, 'utf8');
  expect(svg).toContain('<svg');
  expect(svg).toContain('>es<');
  expect(svg).toContain('10.0.9.0/24');
});
