// The canvas's editing comforts in the real window: copy and paste a container (the docker run line in the log, the
// copy running), duplicate, a note made from the keyboard and kept after a reload, the force layout and a moved
// node kept after a reload (the lab document's canvas section), keyboard focus that goes from item to item and
// selects, Enter opening a console, and the "?" overlay listing the shortcuts. On a swarm manager: an overlay network
// and a service from the palette. A restored snapshot brings its own canvas back.
import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { drag, settledBox } from './pages/pointer.ts';
import { ConsolePage } from './pages/console-page.ts';

/** Selects a node by a click on its frame, right of its name (where nothing else is drawn). */
async function selectNode(page: Page, node: Locator): Promise<void> {
  const frame = node.getByTestId('node-frame');
  const box = await settledBox(page, frame);
  await frame.click({ position: { x: box!.width - 12, y: 30 } });
}

/** Where a node was moved to, canvas units (the group around it), independent of zoom and pan. */
const moved = (node: Locator) => node.locator('xpath=..').getAttribute('transform');

async function reopen(app: Page, name: string): Promise<void> {
  await app.reload();
  await app.getByTestId('lab-item').filter({ hasText: name }).click();
  await expect(app.getByTestId('canvas-node').first()).toBeVisible({ timeout: 20_000 });
}

test('copy, paste and duplicate a container; notes and layout kept after a reload; keyboard use', async ({ app }) => {
  test.setTimeout(150_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Canvas comforts');
  await app.getByTestId('new-lab-name').press('Enter');
  const canvas = app.getByTestId('canvas');
  const log = app.getByTestId('command-log');

  await drag(app, app.getByTestId('palette-node'), canvas);
  const node1 = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await expect(node1).toContainText('192.168.99.100', { timeout: 20_000 });
  await drag(app, app.getByTestId('palette-node'), canvas, { x: 0, y: 200 });
  const node2 = app.getByTestId('canvas-node').filter({ hasText: 'node2' });
  await expect(node2).toContainText('192.168.99.101', { timeout: 20_000 });
  await drag(app, app.getByTestId('palette-container'), node1.getByTestId('node-frame'));
  const web = node1.getByTestId('canvas-container').filter({ hasText: 'nginx1' });
  await expect(web).toHaveAttribute('data-state', 'running', { timeout: 20_000 });

  // Copy, select the other node, paste: the same image runs there under a fresh name.
  await web.click();
  await app.keyboard.press('Control+C');
  await selectNode(app, node2);
  await expect(app.getByTestId('inspector')).toContainText('Node node2');
  await app.keyboard.press('Control+V');
  await expect(log).toContainText('node2$ docker run -d --name nginx1-1 nginx');
  await expect(node2.getByTestId('canvas-container').filter({ hasText: 'nginx1-1' })).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  // Duplicate lands beside the original; undo removes the copy again.
  await web.click();
  await app.keyboard.press('Control+D');
  await expect(log).toContainText('node1$ docker run -d --name nginx1-2 nginx');
  const dup = node1.getByTestId('canvas-container').filter({ hasText: 'nginx1-2' });
  await expect(dup).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  await app.keyboard.press('Control+Z');
  await expect(log).toContainText('node1$ docker rm -f nginx1-2');
  await expect(dup).toHaveCount(0);

  // A note from the keyboard, its text typed in place.
  await canvas.focus();
  await app.keyboard.press('n');
  const field = app.getByTestId('note-editor');
  await expect(field).toBeFocused();
  await app.keyboard.type('front end lives here');
  await app.keyboard.press('Control+Enter');
  const note = app.locator('[data-testid="canvas-note"][data-kind="text"]');
  await expect(note).toHaveCount(1);
  await expect(note).toHaveAttribute('aria-label', /front end lives here/);
  // A box too; both travel in the exported SVG.
  await canvas.focus();
  await app.keyboard.press('b');
  await app.keyboard.type('DMZ');
  await app.keyboard.press('Enter');
  await expect(app.locator('[data-testid="canvas-note"][data-kind="box"]')).toHaveAttribute('aria-label', /Box: DMZ/);
  const downloading = app.waitForEvent('download');
  await app.getByTestId('canvas-toolbar').getByRole('button', { name: 'SVG' }).click();
  const svg = readFileSync((await (await downloading).path())!, 'utf8');
  expect(svg).toContain('>front end lives here<');
  expect(svg).toContain('>DMZ<');
  expect(svg).not.toContain('foreignObject');

  // The force layout moves the nodes; Shift+arrows then move the selected node on from there.
  await canvas.focus();
  await app.keyboard.press('Shift+L');
  await expect(app.getByRole('button', { name: 'Force' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => moved(node2)).not.toBeNull();
  const forced = await moved(node2);
  await selectNode(app, node2);
  await app.keyboard.press('Shift+ArrowRight');
  await expect.poll(() => moved(node2)).not.toBe(forced);
  const placed = await moved(node2);
  const placed1 = await moved(node1);

  // Reloaded and opened again: the note, the layout and the moved node are where they were.
  await app.waitForTimeout(800); // the canvas section is saved 400 ms after the last change
  await reopen(app, 'Canvas comforts');
  await expect(app.getByTestId('canvas-note').filter({ hasText: 'front end' })).toHaveAttribute('aria-label', /front end lives here/);
  await expect(app.getByTestId('canvas-note')).toHaveCount(2);
  await expect.poll(() => moved(app.getByTestId('canvas-node').filter({ hasText: 'node2' }))).toBe(placed);
  expect(await moved(app.getByTestId('canvas-node').filter({ hasText: 'node1' }))).toBe(placed1);
  await expect(app.getByRole('button', { name: 'Force' })).toHaveAttribute('aria-pressed', 'true');

  // The keyboard: Tab-focused canvas, arrows go from item to item and select it, Enter opens a container's console.
  await app.getByTestId('canvas').focus();
  await app.keyboard.press('ArrowDown');
  const focused = () => app.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
  await expect.poll(focused).toMatch(/^canvas-(workstation|node|network|container|note)$/);
  let found = false;
  for (let i = 0; i < 12 && !found; i++) {
    const here = await app.evaluate(() => [document.activeElement?.getAttribute('data-testid'), document.activeElement?.getAttribute('data-name')].join(' '));
    if (here === 'canvas-container nginx1') found = true;
    else await app.keyboard.press(i < 6 ? 'ArrowDown' : 'ArrowLeft');
  }
  expect(found, 'the arrow keys reach the container nginx1').toBe(true);
  await expect(app.getByTestId('inspector')).toContainText('Container nginx1');
  await app.keyboard.press('Enter');
  await expect(app.locator('[data-testid="console"][data-title="node1/nginx1"]')).toBeVisible();
  await app.getByTestId('canvas').focus();
  await app.keyboard.press('Escape');
  await expect(app.getByTestId('inspector')).toHaveCount(0);

  // "?" lists the shortcuts; Escape closes it.
  await app.keyboard.press('Shift+?');
  const help = app.getByTestId('shortcuts-help');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Force layout');
  await expect(help).toContainText('Ctrl+D');
  await app.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // The tidy layout puts the nodes back, and that too is kept.
  await app.getByRole('button', { name: 'Auto-layout' }).click();
  await expect.poll(() => moved(app.getByTestId('canvas-node').filter({ hasText: 'node2' }))).toBeNull();
});

test('an overlay network and a service from the palette, on a swarm manager only', async ({ app }) => {
  test.setTimeout(120_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Swarm by mouse');
  await app.getByTestId('new-lab-name').press('Enter');
  const log = app.getByTestId('command-log');
  await drag(app, app.getByTestId('palette-node'), app.getByTestId('canvas'));
  const node1 = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await expect(node1).toContainText('192.168.99.100', { timeout: 20_000 });

  // Not a manager yet: the palette says where overlays go, and no form opens.
  await drag(app, app.getByTestId('palette-network-overlay'), node1.getByTestId('node-frame'));
  await expect(app.getByTestId('palette')).toContainText('created on a swarm manager');
  await expect(app.getByTestId('network-form')).toHaveCount(0);

  await node1.locator('text.name').dblclick();
  const shell = new ConsolePage(app, 'node1');
  await expect(shell.pane).toBeVisible();
  await shell.run('docker swarm init --advertise-addr 192.168.99.100');
  await shell.idle();
  await expect(node1).toHaveAttribute('aria-label', /swarm manager/, { timeout: 10_000 });

  // The overlay: the bridge form's checks, the command it stands for, --attachable by default.
  await drag(app, app.getByTestId('palette-network-overlay'), node1.getByTestId('node-frame'));
  const form = app.getByTestId('network-form');
  await expect(form).toContainText('New overlay network');
  await form.getByTestId('network-name').fill('ov');
  await form.getByTestId('network-subnet').fill('10.20.0.1/24');
  await expect(form.getByRole('alert')).toContainText('host bits');
  await form.getByTestId('network-subnet').fill('10.20.0.0/24');
  await expect(form.getByTestId('network-command')).toHaveText('docker network create -d overlay --attachable --subnet 10.20.0.0/24 ov');
  await form.getByRole('button', { name: 'Create' }).click();
  await expect(log).toContainText('node1$ docker network create -d overlay --attachable --subnet 10.20.0.0/24 ov');

  // The service: replicas and a published port checked, on the overlay.
  await drag(app, app.getByTestId('palette-service'), node1.getByTestId('node-frame'));
  const svc = app.getByTestId('service-form');
  await expect(svc).toBeVisible();
  await svc.getByTestId('service-name').fill('web');
  await svc.getByTestId('service-replicas').fill('x');
  await expect(svc.getByRole('alert')).toContainText('whole number');
  await svc.getByTestId('service-replicas').fill('2');
  await svc.getByTestId('service-publish').fill('8080');
  await expect(svc.getByRole('alert')).toContainText('published:target');
  await svc.getByTestId('service-publish').fill('8080:80');
  await svc.getByTestId('service-network').selectOption('ov');
  await expect(svc.getByTestId('service-command')).toHaveText('docker service create --name web --replicas 2 -p 8080:80 --network ov nginx');
  await svc.getByRole('button', { name: 'Create' }).click();
  await expect(log).toContainText('node1$ docker service create --name web --replicas 2 -p 8080:80 --network ov nginx', { timeout: 20_000 });
  // It ran and succeeded (neither running still nor failed).
  await expect(log.getByTestId('command-log-line').last()).not.toHaveClass(/\b(fail|run)\b/, { timeout: 20_000 });
  // Undo removes the service.
  await app.getByTestId('canvas').focus();
  await app.keyboard.press('Control+Z');
  await expect(log).toContainText('node1$ docker service rm web');
});

test('restoring a snapshot brings back its canvas: a note made after it goes', async ({ app }) => {
  test.setTimeout(90_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Notes and snapshots');
  await app.getByTestId('new-lab-name').press('Enter');
  const canvas = app.getByTestId('canvas');
  await expect(canvas).toBeVisible();
  await app.getByTestId('snapshots-toggle').click();
  const panel = app.getByTestId('snapshots-panel');
  await panel.getByTestId('snapshot-name').fill('bare');
  await panel.getByTestId('save-snapshot').click();
  await expect(panel.getByTestId('snapshot-item')).toHaveCount(1);

  await canvas.focus();
  await app.keyboard.press('n');
  await app.keyboard.type('made later');
  await app.keyboard.press('Control+Enter');
  const note = app.getByTestId('canvas-note');
  await expect(note).toHaveAttribute('aria-label', /made later/);
  await app.waitForTimeout(800); // saved

  const bare = panel.getByTestId('snapshot-item').filter({ hasText: 'bare' });
  await bare.getByTestId('restore-snapshot').click();
  await bare.getByTestId('confirm-restore').click();
  await expect(note).toHaveCount(0);
  await app.reload();
  await app.getByTestId('lab-item').filter({ hasText: 'Notes and snapshots' }).click();
  await expect(app.getByTestId('canvas')).toBeVisible();
  await app.waitForTimeout(500);
  await expect(app.getByTestId('canvas-note')).toHaveCount(0);
});

/** The top-left corner of a node's frame in canvas units (the drawing's own coordinates). */
const corner = (node: Locator) =>
  node.getByTestId('node-frame').evaluate((el) => {
    const frame = el as SVGGraphicsElement;
    const drawing = frame.closest('svg > g') as SVGGraphicsElement;
    const m = drawing.getCTM()!.inverse().multiply(frame.getCTM()!);
    const b = frame.getBBox();
    return { x: m.a * b.x + m.c * b.y + m.e, y: m.b * b.x + m.d * b.y + m.f };
  });

test('a paste onto a node lacking the copy’s networks creates them or joins only those there; snap aligns what is placed', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Paste across nodes');
  await app.getByTestId('new-lab-name').press('Enter');
  const canvas = app.getByTestId('canvas');
  const log = app.getByTestId('command-log');
  await drag(app, app.getByTestId('palette-node'), canvas);
  const node1 = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await expect(node1).toContainText('192.168.99.100', { timeout: 20_000 });
  await drag(app, app.getByTestId('palette-node'), canvas, { x: 0, y: 200 });
  const node2 = app.getByTestId('canvas-node').filter({ hasText: 'node2' });
  await expect(node2).toContainText('192.168.99.101', { timeout: 20_000 });

  await node1.locator('text.name').dblclick();
  const shell = new ConsolePage(app, 'node1');
  await expect(shell.pane).toBeVisible();
  await shell.run('docker network create --subnet 10.30.0.0/24 --gateway 10.30.0.254 -o com.docker.network.bridge.enable_icc=false back');
  await shell.idle();
  await shell.run('docker run -d --name api --net back nginx');
  await shell.idle();
  const api = node1.getByTestId('canvas-container').filter({ hasText: 'api' });
  await expect(api).toHaveAttribute('data-state', 'running', { timeout: 20_000 });

  // Pasted on node2, which has no "back": the window asks.
  // Node2 is selected by the left of its frame (the inspector stands over its right once something is selected).
  const pickNode2 = async () => {
    const frame = node2.getByTestId('node-frame');
    const box = await settledBox(app, frame);
    await frame.click({ position: { x: 16, y: box!.height - 12 } });
    await expect(app.getByTestId('inspector')).toContainText('Node node2');
  };
  await api.click();
  await app.keyboard.press('Control+C');
  const dialog = app.getByTestId('paste-dialog');
  // Asked in each theme (a screenshot of each); Escape cancels the paste.
  for (const theme of ['dark', 'light'] as const) {
    await app.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await pickNode2();
    await app.keyboard.press('Control+V');
    await expect(dialog).toContainText('node2 lacks a network of api');
    await expect(dialog).toContainText('back');
    await app.screenshot({ path: testInfo.outputPath(`paste-dialog-${theme}.png`) });
    if (theme === 'dark') {
      await app.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
    }
  }
  await dialog.getByTestId('paste-create').click();
  await expect(log).toContainText('# paste: created back on node2');
  await expect(log).toContainText('node2$ docker network create --subnet 10.30.0.0/24 --gateway 10.30.0.254 -o com.docker.network.bridge.enable_icc=false back');
  await expect(log).toContainText('node2$ docker run -d --name api-1 --net back nginx');
  await expect(node2.getByTestId('canvas-container').filter({ hasText: 'api-1' })).toHaveAttribute('data-state', 'running', { timeout: 20_000 });
  await expect(node2.getByTestId('canvas-network').filter({ hasText: 'back' })).toHaveCount(1);
  // One undo takes the copy and the network it brought away.
  await canvas.focus();
  await app.keyboard.press('Control+Z');
  await expect(log).toContainText('node2$ docker network rm back');
  await expect(node2.getByTestId('canvas-network').filter({ hasText: 'back' })).toHaveCount(0);
  await expect(node2.getByTestId('canvas-container')).toHaveCount(0);

  // Again, joining only what node2 has: the default bridge.
  await pickNode2();
  await app.keyboard.press('Control+V');
  await dialog.getByTestId('paste-present').click();
  await expect(log).toContainText('# paste: node2 lacks back: joined only the networks it has');
  await expect(log).toContainText('node2$ docker run -d --name api-1 nginx');
  await expect(node2.getByTestId('canvas-container').filter({ hasText: 'api-1' })).toHaveAttribute('data-state', 'running', { timeout: 20_000 });

  // Snap: node2 moved off the grid, then snap turned on puts it on a grid point; one undo puts both back.
  await pickNode2();
  await app.keyboard.press('Shift+ArrowRight');
  await app.keyboard.press('Shift+ArrowDown');
  await app.keyboard.press('Shift+ArrowDown');
  await expect.poll(() => moved(node2)).toBe('translate(12 24)');
  const off = await corner(node2);
  await app.getByTestId('snap-toggle').click();
  await expect(app.getByTestId('snap-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => {
    const c = await corner(node2);
    return [Math.abs(c.x / 24 - Math.round(c.x / 24)) < 0.01, Math.abs(c.y / 24 - Math.round(c.y / 24)) < 0.01];
  }).toEqual([true, true]);
  await canvas.focus();
  await app.keyboard.press('Control+Z');
  await expect(app.getByTestId('snap-toggle')).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => corner(node2)).toEqual(off);
});
