// A step back to before a command ended: the rebuilt lab runs it again in a console the window had seen go idle.
// The window is told (onConsoleBusy): the tab is busy, a typed line waits for the command, and runs after it ends.
import { expect, test } from './fixtures.ts';
import { LabPage } from './pages/lab-page.ts';

test('a console busy again after a step back: typing waits until the adopted command ends', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  const lab = new LabPage(app);
  const ws = await lab.create('Busy again');
  await lab.createNodes(ws, 'node1');
  const n1 = await lab.openNodeConsole('node1');
  for (const line of ['docker run -d --name c1 alpine sleep 100000', 'docker run -d --name c2 alpine sleep 100000']) {
    await n1.run(line);
    await n1.idle();
  }
  await app.getByTestId('step-toggle').click();
  const panel = app.getByTestId('step-panel');
  await panel.getByTestId('step-on').check();

  await n1.run('docker exec c1 ping -c 1 172.17.0.3');
  await expect(n1.pane).toHaveAttribute('data-busy', 'true');
  for (let i = 0; i < 200 && (await n1.pane.getAttribute('data-busy')) === 'true'; i++) await panel.getByTestId('step-forward').click();
  await n1.idle();
  await expect(n1.screen).toContainText('1 packets received');

  // Back across the instant the ping ended: it runs again in the rebuilt lab. The loop above may have stepped once
  // or twice past that instant before the tab showed idle (the console's state comes apart from the step's), so
  // this steps back until the console is busy again.
  for (let back = 0; back < 5; back++) {
    await expect(panel.getByTestId('step-back')).toBeEnabled();
    await app.keyboard.press('Shift+F10');
    await expect(panel.getByTestId('step-rewind')).toContainText('Rebuilt by replay');
    const busy = await expect(n1.pane)
      .toHaveAttribute('data-busy', 'true', { timeout: 3000 })
      .then(() => true)
      .catch(() => false);
    if (busy) break;
  }
  await expect(n1.pane).toHaveAttribute('data-busy', 'true');
  await n1.run('echo typed-ahead');
  await expect(n1.screen).not.toContainText('typed-ahead');
  await app.screenshot({ path: testInfo.outputPath('busy-again.png'), animations: 'disabled' });

  await panel.getByTestId('step-play').click();
  await expect(n1.screen).toContainText('typed-ahead', { timeout: 30_000 });
  await n1.idle();
  const text = await n1.screen.innerText();
  expect(text.lastIndexOf('1 packets received')).toBeLessThan(text.lastIndexOf('typed-ahead'));
});
