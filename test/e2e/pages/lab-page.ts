// Page object for the steps most window tests start with: a new lab, its nodes made from the workstation's
// console, a node's console opened from the canvas, and the theme switched for a screenshot.
import { expect, type Page } from '@playwright/test';
import { ConsolePage } from './console-page.ts';

export type Theme = 'light' | 'dark';

export class LabPage {
  constructor(readonly page: Page) {}

  /** Creates a lab and waits for its workstation console's prompt; returns that console. */
  async create(name: string): Promise<ConsolePage> {
    await this.page.getByTestId('new-lab').click();
    await this.page.getByTestId('new-lab-name').fill(name);
    await this.page.getByTestId('new-lab-name').press('Enter');
    const ws = new ConsolePage(this.page, 'workstation');
    await expect(ws.screen).toContainText('user@workstation:~$');
    return ws;
  }

  /** `docker-machine create` for each node, one after the other, from the workstation. */
  async createNodes(ws: ConsolePage, ...nodes: string[]): Promise<void> {
    for (const node of nodes) {
      await ws.run(`docker-machine create ${node}`);
      await ws.idle();
    }
  }

  /** Opens a node's console by double-clicking its name on the canvas and waits for its prompt. */
  async openNodeConsole(node: string): Promise<ConsolePage> {
    await this.page.getByTestId('canvas-node').filter({ hasText: node }).locator('text.name').dblclick();
    const console = new ConsolePage(this.page, node);
    await expect(console.screen).toContainText(`docker@${node}:~$`);
    return console;
  }

  /** Switches the theme and waits until the page has taken it (no fixed sleep before a screenshot). */
  async setTheme(theme: Theme): Promise<void> {
    await this.page.getByTestId('theme-switch').getByText(theme === 'dark' ? 'Dark' : 'Light', { exact: true }).click();
    await expect(this.page.locator('html')).toHaveAttribute('data-theme', theme);
  }
}
