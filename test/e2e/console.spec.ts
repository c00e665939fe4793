// The running lab in the window: consoles (xterm.js) typed into like a terminal, their output streaming while
// virtual time follows the wall clock, Ctrl-C, completion, and the live topology on the canvas.
// FLOTILLA_SCREENSHOTS=1 also writes docs/screenshot-lab-{dark,light}.png.
import path from 'node:path';
import { expect, test } from './fixtures.ts';
import { ConsolePage } from './pages/console-page.ts';

const DOCS = path.resolve(import.meta.dirname, '../../docs');

test('consoles drive a live lab: nodes, networks and containers appear on the canvas', async ({ app }, testInfo) => {
  test.setTimeout(120_000);
  await app.getByTestId('new-lab').click();
  await app.getByTestId('new-lab-name').fill('Bridge basics');
  await app.getByTestId('new-lab-name').press('Enter');

  // The workstation's console opens with the lab.
  const ws = new ConsolePage(app, 'workstation');
  await expect(ws.pane).toBeVisible();
  await expect(ws.screen).toContainText('user@workstation:~$');
  await app.screenshot({ path: testInfo.outputPath('lab-empty.png'), animations: 'disabled' });
  await ws.run('docker-machine create node1');
  await expect(ws.screen).toContainText('Docker is up and running!');
  await ws.idle();

  // node1 appears on the canvas; a double-click opens its console.
  const node = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await expect(node).toContainText('192.168.99.100');
  await node.locator('text.name').dblclick();
  const n1 = new ConsolePage(app, 'node1');
  await expect(n1.pane).toBeVisible();
  await expect(n1.screen).toContainText('docker@node1:~$');

  await n1.run('docker network create dev');
  await expect(n1.screen).toContainText(/[0-9a-f]{64}/);
  await n1.idle();
  await n1.run('docker run -d --name web --net dev nginx');
  await n1.idle();
  await expect(node.getByTestId('canvas-network').filter({ hasText: 'dev' })).toContainText('172.18.0.0/16');
  const web = node.getByTestId('canvas-container').filter({ hasText: 'web' });
  await expect(web).toHaveAttribute('data-state', 'running');
  await expect(node).toContainText('eth0 172.18.0.2');

  // Tab completes docker's subcommands; the output of a container streams into the console.
  await n1.pane.click();
  await app.keyboard.type('docker netw');
  await app.keyboard.press('Tab');
  await app.keyboard.type('ls');
  await app.keyboard.press('Enter');
  await expect(n1.screen).toContainText('NETWORK ID');
  await n1.idle();

  await n1.run('docker run --rm --net dev alpine ping -c 2 web');
  await expect(n1.screen).toContainText('2 packets transmitted, 2 packets received');
  await expect(n1.screen).toContainText('64 bytes from 172.18.0.2: seq=1');
  await n1.idle();

  // Ctrl-C interrupts a ping that would run forever; it prints its statistics and the prompt comes back. On the
  // screen, as in a Linux terminal: the tty's "^C" on a line of its own, the statistics, the rtt line, the prompt.
  await n1.run('ping 172.18.0.2');
  await expect(n1.screen).toContainText('icmp_seq=2');
  await app.keyboard.press('Control+C');
  await expect(n1.screen).toContainText('--- 172.18.0.2 ping statistics ---');
  await n1.idle();
  const after = async (row: string, count: number) => {
    const rows = (await n1.screen.locator(':scope > div').allTextContents()).map((r) => r.replace(/\u00a0/g, ' ').trimEnd());
    const at = rows.lastIndexOf(row);
    return at < 0 ? [] : rows.slice(at, at + count);
  };
  await expect
    .poll(() => after('^C', 5))
    .toEqual(['^C', '--- 172.18.0.2 ping statistics ---', expect.stringMatching(/^\d+ packets transmitted, \d+ received, \d+% packet loss, time \d+ms$/), expect.stringMatching(/^rtt min\/avg\/max\/mdev = [\d./]+ ms$/), 'docker@node1:~$']);
  // A command that prints nothing as it stops: the prompt comes on the line after the "^C", and the console goes on.
  await n1.run('sleep 100');
  await app.keyboard.press('Control+C');
  await n1.idle();
  await expect.poll(() => after('^C', 2)).toEqual(['^C', 'docker@node1:~$']);
  await n1.run('echo status $?');
  await expect.poll(() => after('status 130', 2)).toEqual(['status 130', 'docker@node1:~$']);

  // History: ↑ brings the last command back.
  await n1.pane.click();
  await app.keyboard.press('ArrowUp');
  await expect(n1.screen).toContainText('docker@node1:~$ ping 172.18.0.2');
  await app.keyboard.press('Control+U');

  // A container's console opens from the canvas too; Tab lists what may follow.
  await web.dblclick();
  const inWeb = new ConsolePage(app, 'node1/web');
  await expect(inWeb.screen).toContainText(/root@[0-9a-f]{12}:\/# /);
  await inWeb.pane.click();
  await app.keyboard.type('cat /etc/host');
  await app.keyboard.press('Tab');
  await expect(inWeb.screen).toContainText('/etc/hostname');
  await app.keyboard.press('Control+U');
  await inWeb.run('hostname -i');
  await expect(inWeb.screen).toContainText('172.18.0.2');
  await app.screenshot({ path: testInfo.outputPath('container-console.png'), animations: 'disabled' });
  await inWeb.idle();
  await app.getByTestId('console-tab').filter({ hasText: 'node1/web' }).getByRole('button', { name: /close/i }).click();
  await expect(inWeb.pane).toHaveCount(0);

  // A richer lab for the screenshots: a second network and node, published ports.
  await n1.run('docker run -d --name cache --net dev redis');
  await n1.idle();
  await n1.run('docker run -d --name site -p 8080:80 httpd');
  await n1.idle();
  await app.getByTestId('console-tab').filter({ hasText: 'workstation' }).getByRole('tab').click();
  await ws.run('docker-machine create node2');
  await ws.idle();
  await app.getByTestId('canvas-node').filter({ hasText: 'node2' }).locator('text.name').dblclick();
  const n2 = new ConsolePage(app, 'node2');
  await n2.run('docker network create --subnet 10.10.0.0/24 backend && docker run -d --name db --net backend -p 6379:6379 redis');
  await n2.idle();
  await expect(app.getByTestId('canvas-container')).toHaveCount(4);
  await app.getByTestId('console-tab').filter({ hasText: 'node1' }).getByRole('tab').click();
  await n1.run('docker ps');
  await n1.idle();

  for (const theme of ['dark', 'light'] as const) {
    await app.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await expect(app.getByTestId('theme-switch').getByRole('radio', { name: theme === 'dark' ? 'Dark' : 'Light' })).toBeChecked();
    const file = process.env.FLOTILLA_SCREENSHOTS ? path.join(DOCS, `screenshot-lab-${theme}.png`) : testInfo.outputPath(`lab-${theme}.png`);
    await app.screenshot({ path: file, animations: 'disabled' });
  }
});
