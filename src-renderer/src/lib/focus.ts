// Moves keyboard focus to a lab in the sidebar after the DOM has caught up (after a rename, a delete, a move).

import { tick } from 'svelte';

export async function focusLab(id: string | null): Promise<void> {
  await tick();
  const selector = id === null ? '[data-lab-id]' : `[data-lab-id="${CSS.escape(id)}"]`;
  document.querySelector<HTMLElement>(selector)?.focus();
}
