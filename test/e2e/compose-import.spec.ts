// Importing a compose file through the window: the dialog tells it from a lab file, asks one node or a stack on a
// swarm, shows a refusal with its line or field, and opens the new lab with its containers running.
// FLOTILLA_SCREENSHOTS=1 also writes docs/screenshot-compose-import-{dark,light}.png.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures.ts';

const DOCS = path.resolve(import.meta.dirname, '../../docs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-compose-e2e-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

const SHOP = `services:
  web:
    image: nginx
    ports: ["8080:80"]
    networks: [front]
    depends_on: [api]
  api:
    image: traefik/whoami
    networks: [front, back]
    deploy:
      replicas: 2
networks:
  front: {}
  back:
    attachable: true
`;

test('a compose file on one node: the lab opens with its containers running', async ({ app }) => {
  test.setTimeout(120_000);
  await app.getByTestId('import-lab').click();
  const dialog = app.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('import-lab-file').setInputFiles(file('shop.yml', SHOP));
  await expect(dialog.getByTestId('import-kind')).toHaveText('Compose file · 2 services');
  await expect(dialog.getByTestId('import-mode-node')).toBeChecked();
  await expect(dialog.getByTestId('import-name')).toHaveValue('shop');
  await dialog.getByTestId('import-submit').click();
  await expect(dialog).toBeHidden();

  await expect(app.getByTestId('lab-item').filter({ hasText: 'shop' })).toHaveClass(/\bopen\b/);
  const node = app.getByTestId('canvas-node').filter({ hasText: 'node1' });
  await expect(node).toBeVisible({ timeout: 30_000 });
  for (const name of ['api', 'web']) await expect(node.locator(`[data-testid="canvas-container"][data-name="${name}"]`)).toHaveAttribute('data-state', 'running');
});

test('a stack on a swarm of 3 nodes; a bad file is refused with its field, then its line', async ({ app }, testInfo) => {
  test.setTimeout(150_000);
  const labsBefore = await app.getByTestId('lab-item').count();
  await app.getByTestId('import-lab').click();
  const dialog = app.getByTestId('import-dialog');
  // a field the stack cannot take: the path, and nothing added to the library
  await dialog.getByTestId('import-lab-file').setInputFiles(file('bad.yml', SHOP.replace('replicas: 2', 'replicas: lots')));
  await dialog.getByTestId('import-mode-stack').check();
  await dialog.getByTestId('import-submit').click();
  const error = dialog.getByTestId('import-error');
  await expect(error.getByTestId('import-error-place')).toHaveText('services.api.deploy.replicas');
  await expect(error).toContainText('bad.yml');
  await expect(error).toContainText('Must be a whole number from 0 to 1000, got "lots"');
  await expect(app.getByTestId('lab-item')).toHaveCount(labsBefore);
  // a YAML error: the line, shown from the file
  await dialog.getByTestId('import-lab-file').setInputFiles(file('broken.yml', 'services:\n  web:\n    image: nginx\n   ports: 1\n'));
  await dialog.getByTestId('import-submit').click();
  await expect(error.getByTestId('import-error-place')).toHaveText('line 4');
  await expect(error.locator('.excerpt')).toContainText('ports: 1');
  await dialog.screenshot({ path: testInfo.outputPath('compose-import-error.png'), animations: 'disabled' });

  for (const theme of ['dark', 'light'] as const) {
    await app.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await app.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme);
    await app.getByTestId('import-lab').click();
    await dialog.getByTestId('import-lab-file').setInputFiles(file('shop-stack.yml', SHOP));
    await dialog.getByTestId('import-mode-stack').check();
    await dialog.getByTestId('import-nodes').fill('3');
    await expect(dialog.getByTestId('import-stack')).toHaveValue('shop-stack');
    const shot = process.env.FLOTILLA_SCREENSHOTS ? path.join(DOCS, `screenshot-compose-import-${theme}.png`) : testInfo.outputPath(`compose-import-${theme}.png`);
    await app.screenshot({ path: shot, animations: 'disabled' });
  }

  await dialog.getByTestId('import-submit').click();
  await expect(dialog).toBeHidden({ timeout: 60_000 });
  await expect(app.getByTestId('lab-item').filter({ hasText: 'shop-stack' })).toHaveClass(/\bopen\b/);
  for (const n of ['node1', 'node2', 'node3']) await expect(app.getByTestId('canvas-node').filter({ hasText: n })).toBeVisible({ timeout: 30_000 });
  // web (1 replica) and api (2): three task containers running across the swarm
  await expect(app.locator('[data-testid="canvas-container"][data-state="running"]')).toHaveCount(3, { timeout: 30_000 });
});

const LAB_YAML = `name: Plain lab
version: 2
seed: 1
time: 3000000000
nodes:
  - name: node1
    address: "192.168.99.100"
    engine: "28.5.2"
journal:
${[
  [0, 1, '{"kind":"workstation"}', ''],
  [0, 1, '{"kind":"workstation"}', 'docker-machine create node1'],
  [1e9, 2, '{"kind":"node","node":"node1"}', ''],
  [2e9, 2, '{"kind":"node","node":"node1"}', 'docker run -d --name plain nginx'],
]
  .map(([t, c, target, line]) => `  - t: ${t}\n    console: ${c}\n    target: ${target}\n    line: ${JSON.stringify(line)}\n    exit: 0\n`)
  .join('')}canvas: {}
transcripts: []
`;

test('a lab.yaml goes in as it is: no compose questions, and the lab opens', async ({ app }) => {
  test.setTimeout(60_000);
  await app.getByTestId('import-lab').click();
  const dialog = app.getByTestId('import-dialog');
  await dialog.getByTestId('import-lab-file').setInputFiles(file('plain.lab.yaml', LAB_YAML));
  await expect(dialog.getByTestId('import-kind')).toHaveText('Lab file');
  await expect(dialog.getByTestId('import-mode-node')).toHaveCount(0);
  await dialog.getByTestId('import-submit').click();
  await expect(dialog).toBeHidden();
  await expect(app.getByTestId('lab-item').filter({ hasText: 'Plain lab' })).toHaveClass(/\bopen\b/);
  await expect(app.locator('[data-testid="canvas-container"][data-name="plain"]')).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
});
