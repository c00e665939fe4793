// Real pointer gestures on the canvas, which animates as it fits a growing lab: wait until an element stops moving
// before pressing on it.
import type { Locator, Page } from '@playwright/test';

export type Box = { x: number; y: number; width: number; height: number };

/** Where `el` is once the view stops moving: two frames alike (or the last seen after 120 tries). */
export async function settledBox(page: Page, el: Locator): Promise<Box | null> {
  let last = await el.boundingBox();
  for (let i = 0; i < 120; i++) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const now = await el.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y && now.width === last.width && now.height === last.height) return now;
    last = now;
  }
  return last;
}

/** A real mouse drag: press at the centre of `from`, move in steps, release at the centre of `to` (plus offset). */
export async function drag(page: Page, from: Locator, to: Locator, offset = { x: 0, y: 0 }): Promise<void> {
  const a = await settledBox(page, from);
  const b = await settledBox(page, to);
  if (!a || !b) throw new Error('nothing to drag from or to');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2 + offset.x, b.y + b.height / 2 + offset.y, { steps: 12 });
  await page.mouse.up();
}
