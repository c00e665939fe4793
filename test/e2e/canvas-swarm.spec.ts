// The canvas as Docker sees a swarm, built from the workstation's console: node roles on the node headers, an
// overlay drawn once across the nodes it reaches (with its VNI), a service's tasks outlined in its colour and listed
// in the legend with replicas and VIPs; then find (Ctrl+F) walks through matches and the minimap moves the view.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { ConsolePage } from './pages/console-page.ts';

/** The canvas's transform (translate x y, scale k) as numbers. */
async function view(page: Page): Promise<{ x: number; y: number; k: number }> {
  const t = (await page.getByTestId('canvas').locator(':scope > g').first().getAttribute('transform')) ?? '';
  const m = /translate\(([-\d.e]+)[ ,]([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(t);
  if (!m) throw new Error(`no transform in "${t}"`);
  return { x: Number(m[1]), y: Number(m[2]), k: Number(m[3]) };
}

/** Waits until the view stops moving (fits and moves animate): the same for 400 ms. */
async function settled(page: Page): Promise<{ x: number; y: number; k: number }> {
  let last = await view(page);
  let still = 0;
  for (let i = 0; i < 100 && still < 5; i++) {
    await page.evaluate(() => new Promise((r) => setTimeout(r, 80)));
    const now = await view(page);
    still = now.x === last.x && now.y === last.y && now.k === last.k ? still + 1 : 0;
    last = now;
  }
  return last;
}

test('a swarm on the canvas: roles, an overlay across nodes, a service group; find and the minimap', async ({ app }) => {
  test.setTimeout(180_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Swarm canvas');
  await app.getByTestId('new-lab-name').press('Enter');

  const ws = new ConsolePage(app, 'workstation');
  await expect(ws.screen).toContainText('user@workstation:~$');
  const run = async (line: string, expected?: string | RegExp) => {
    await ws.run(line);
    if (expected !== undefined) await expect(ws.screen).toContainText(expected, { timeout: 30_000 });
    await ws.idle();
  };
  for (const n of ['sw1', 'sw2', 'sw3']) {
    await run(`docker-machine create ${n}`);
    await expect(app.locator(`[data-testid="canvas-node"][data-name="${n}"]`)).toHaveCount(1, { timeout: 30_000 });
  }
  await run('docker-machine ssh sw1 docker swarm init --advertise-addr 192.168.99.100', 'Swarm initialized');
  for (const n of ['sw2', 'sw3'])
    await run(`docker-machine ssh ${n} docker swarm join --token $(docker-machine ssh sw1 docker swarm join-token -q worker) 192.168.99.100:2377`);
  await run('docker-machine ssh sw1 docker network create -d overlay --subnet 10.0.9.0/24 back');
  await run('docker-machine ssh sw1 docker service create --name web --replicas 2 --network back -p 8080:80 nginx');
  await run('docker-machine ssh sw1 docker node update --availability drain sw3');

  // Roles and standing on the node headers.
  const swarmOf = (n: string) => app.locator(`[data-testid="canvas-node"][data-name="${n}"]`).getByTestId('node-swarm');
  await expect(swarmOf('sw1')).toHaveAttribute('data-role', 'leader', { timeout: 30_000 });
  await expect(swarmOf('sw1')).toHaveAttribute('data-state', 'ready');
  await expect(swarmOf('sw2')).toHaveAttribute('data-role', 'worker');
  await expect(swarmOf('sw3')).toHaveAttribute('data-availability', 'drain');

  // The service: two tasks (on sw1 and sw2: sw3 is drained), outlined in its colour; the legend has it whole.
  const entry = app.getByTestId('service-entry').filter({ hasText: 'web' });
  await expect(entry.getByTestId('service-replicas')).toHaveText('2/2', { timeout: 60_000 });
  await expect(entry).toContainText('8080→80/tcp');
  await expect(entry).toContainText(/VIP 10\.0\.9\.\d+ on back/);
  await expect(app.getByTestId('task-ring')).toHaveCount(2);
  await expect(app.locator('[data-testid="canvas-container"]:has([data-testid="task-ring"])')).toHaveCount(2);
  // Hovering the legend entry links the tasks across the nodes.
  await entry.hover();
  await expect(app.getByTestId('service-links')).toHaveAttribute('data-service', 'web');
  await expect(app.getByTestId('service-links').locator('circle')).toHaveCount(2);
  await app.mouse.move(5, 5);
  await expect(app.getByTestId('service-links')).toHaveCount(0);

  // The overlay: one segment spanning the two nodes that run its tasks, with its VNI; the ingress network spans all.
  const back = app.locator('[data-testid="canvas-overlay"][data-name="back"]');
  await expect(back).toHaveAttribute('data-nodes', 'sw1 sw2');
  await expect(back).toHaveAttribute('aria-label', /VNI 4097.*10\.0\.9\.0\/24/);
  await expect(app.locator('[data-testid="canvas-overlay"][data-name="ingress"]')).toHaveAttribute('data-nodes', 'sw1 sw2 sw3');
  const bars = app.locator('[data-testid="canvas-network"][data-name="back"]');
  await expect(bars).toHaveCount(2);
  await expect(bars.first()).toContainText('VNI 4097');

  // Find: Ctrl+F, a task's overlay address, Enter zooms to the container and selects it.
  await app.getByTestId('canvas').click({ position: { x: 5, y: 200 } });
  const before = await settled(app);
  await app.keyboard.press('Control+f');
  const find = app.getByTestId('find-input');
  await expect(find).toBeFocused();
  await find.fill('10.0.9.');
  await expect(app.getByTestId('find-count')).toHaveText(/– of [345]/);
  await find.press('Enter');
  await expect(app.getByTestId('find-count')).toHaveText(/1 of/);
  // The first match is the overlay itself (on sw1); Enter again goes to a task container.
  await find.press('Enter');
  await expect(app.getByTestId('find-current')).toContainText(/^web\.\d\.\w+ · 10\.0\.9\.\d+$/);
  const picked = (await app.getByTestId('find-current').textContent())!.split(' · ')[0]!;
  const card = app.locator(`[data-testid="canvas-container"][data-name="${picked}"]`);
  await expect(card).toHaveAttribute('aria-pressed', 'true');
  const zoomed = await settled(app);
  expect(zoomed.k).toBeGreaterThan(before.k);
  // The selected card is in view.
  const box = (await card.boundingBox())!;
  const stage = (await app.getByTestId('canvas').boundingBox())!;
  expect(box.x).toBeGreaterThan(stage.x);
  expect(box.x + box.width).toBeLessThan(stage.x + stage.width);
  // By MAC address too; no match says so; Escape closes.
  await find.fill('02:42:0a:00:09');
  await expect(app.getByTestId('find-count')).toHaveText(/– of [2-9]/);
  await find.fill('no-such-thing');
  await expect(app.getByTestId('find-count')).toHaveText('no match');
  await find.press('Escape');
  await expect(app.getByTestId('find-bar')).toHaveCount(0);

  // The minimap (the lab no longer fits the zoomed view): a click moves the view there.
  const mini = app.getByTestId('minimap');
  await expect(mini).toBeVisible();
  const vp = app.getByTestId('minimap-viewport');
  const vpBefore = (await vp.boundingBox())!;
  const mb = (await mini.locator('svg').boundingBox())!;
  // Click near the minimap's left or right end, whichever is further from the viewport's rectangle.
  const target = vpBefore.x + vpBefore.width / 2 > mb.x + mb.width / 2 ? mb.x + 12 : mb.x + mb.width - 12;
  await app.mouse.click(target, mb.y + mb.height / 2);
  const moved = await settled(app);
  expect(moved.k).toBeCloseTo(zoomed.k, 5);
  expect(Math.abs(moved.x - zoomed.x)).toBeGreaterThan(20);
  const vpAfter = (await vp.boundingBox())!;
  expect(Math.abs(vpAfter.x + vpAfter.width / 2 - target)).toBeLessThan(Math.abs(vpBefore.x + vpBefore.width / 2 - target));
  // Dragging in it pans continuously.
  await app.mouse.move(target, mb.y + mb.height / 2);
  await app.mouse.down();
  await app.mouse.move(mb.x + mb.width / 2, mb.y + mb.height / 2, { steps: 6 });
  await app.mouse.up();
  const dragged = await settled(app);
  expect(Math.abs(dragged.x - moved.x)).toBeGreaterThan(10);
  // From the keyboard: it takes focus and has a name; an arrow moves the view, Enter centres the lab.
  const map = app.getByRole('application', { name: /Minimap of the lab/ });
  await map.focus();
  await expect(map).toBeFocused();
  await map.press('ArrowLeft');
  const left = await settled(app);
  expect(left.x).toBeGreaterThan(dragged.x + 10);
  expect(left.k).toBeCloseTo(dragged.k, 5);
  await map.press('Enter');
  const centred = await settled(app);
  expect(Math.abs(centred.x - left.x)).toBeGreaterThan(1);
  await map.press('Enter');
  const again = await settled(app);
  expect(again.x).toBeCloseTo(centred.x, 3);
});
