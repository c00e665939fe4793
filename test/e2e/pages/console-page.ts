// Page object for one console tab of the dock: typed into like a terminal, its screen read as text.
import { expect, type Locator, type Page } from '@playwright/test';

export class ConsolePage {
  constructor(
    readonly page: Page,
    readonly title: string,
  ) {}

  get pane(): Locator {
    return this.page.locator(`[data-testid="console"][data-title="${this.title}"]`);
  }

  get screen(): Locator {
    return this.pane.locator('.xterm-rows');
  }

  /** Types a line and presses Enter, as a person does. */
  async run(line: string): Promise<void> {
    await this.pane.click();
    await this.page.keyboard.type(line);
    await this.page.keyboard.press('Enter');
  }

  /** Waits for the command to end (the tab stops being busy). */
  async idle(): Promise<void> {
    await expect(this.pane).toHaveAttribute('data-busy', 'false', { timeout: 15_000 });
  }
}
