// The canvas's keyboard shortcuts: one table that both the key handler and the "?" overlay read, so what the
// overlay lists is what the keys do. Pure: a key event in, an action out.

export type Action =
  | 'undo'
  | 'redo'
  | 'delete'
  | 'copy'
  | 'paste'
  | 'duplicate'
  | 'selectAll'
  | 'clear'
  | 'tidyLayout'
  | 'forceLayout'
  | 'snap'
  | 'newNote'
  | 'newBox'
  | 'zoomIn'
  | 'zoomOut'
  | 'fit'
  | 'help'
  | 'focusLeft'
  | 'focusRight'
  | 'focusUp'
  | 'focusDown'
  | 'moveLeft'
  | 'moveRight'
  | 'moveUp'
  | 'moveDown'
  | 'panLeft'
  | 'panRight'
  | 'panUp'
  | 'panDown';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export interface Shortcut {
  action: Action;
  /** As the overlay shows it: "Ctrl+Shift+Z". */
  keys: string;
  description: string;
  group: 'Edit' | 'Layout' | 'View' | 'Keyboard';
  /** Ctrl (or ⌘), Shift, and the key (compared case-insensitively for letters). */
  mod: boolean;
  shift: boolean | 'any';
  key: string | string[];
}

const s = (action: Action, group: Shortcut['group'], keys: string, description: string, key: string | string[], mod = false, shift: boolean | 'any' = false): Shortcut => ({
  action,
  group,
  keys,
  description,
  key,
  mod,
  shift,
});

export const SHORTCUTS: readonly Shortcut[] = [
  s('undo', 'Edit', 'Ctrl+Z', 'Undo', 'z', true),
  s('redo', 'Edit', 'Ctrl+Shift+Z', 'Redo', 'z', true, true),
  s('redo', 'Edit', 'Ctrl+Y', 'Redo', 'y', true),
  s('delete', 'Edit', 'Delete', 'Remove the selection', ['Delete', 'Backspace'], false, 'any'),
  s('copy', 'Edit', 'Ctrl+C', 'Copy the selected container', 'c', true),
  s('paste', 'Edit', 'Ctrl+V', 'Paste it onto the selected node (or its own)', 'v', true),
  s('duplicate', 'Edit', 'Ctrl+D', 'Duplicate the selected container', 'd', true),
  s('selectAll', 'Edit', 'Ctrl+A', 'Select every node and note', 'a', true),
  s('clear', 'Edit', 'Escape', 'Clear the selection', 'Escape', false, 'any'),
  s('newNote', 'Edit', 'N', 'New text note', 'n'),
  s('newBox', 'Edit', 'B', 'New box', 'b'),
  s('tidyLayout', 'Layout', 'L', 'Tidy layout', 'l'),
  s('forceLayout', 'Layout', 'Shift+L', 'Force layout', 'l', false, true),
  s('snap', 'Layout', 'G', 'Snap to grid on or off', 'g'),
  s('moveLeft', 'Layout', 'Shift+←', 'Move the selection left', 'ArrowLeft', false, true),
  s('moveRight', 'Layout', 'Shift+→', 'Move the selection right', 'ArrowRight', false, true),
  s('moveUp', 'Layout', 'Shift+↑', 'Move the selection up', 'ArrowUp', false, true),
  s('moveDown', 'Layout', 'Shift+↓', 'Move the selection down', 'ArrowDown', false, true),
  s('zoomIn', 'View', '+', 'Zoom in', ['+', '='], false, 'any'),
  s('zoomOut', 'View', '−', 'Zoom out', ['-', '_'], false, 'any'),
  s('fit', 'View', '0', 'Zoom to fit', '0'),
  s('panLeft', 'View', 'Ctrl+←', 'Pan left', 'ArrowLeft', true, 'any'),
  s('panRight', 'View', 'Ctrl+→', 'Pan right', 'ArrowRight', true, 'any'),
  s('panUp', 'View', 'Ctrl+↑', 'Pan up', 'ArrowUp', true, 'any'),
  s('panDown', 'View', 'Ctrl+↓', 'Pan down', 'ArrowDown', true, 'any'),
  s('help', 'View', '?', 'Show these shortcuts', '?', false, 'any'),
  s('focusLeft', 'Keyboard', '←', 'Go to the item on the left', 'ArrowLeft'),
  s('focusRight', 'Keyboard', '→', 'Go to the item on the right', 'ArrowRight'),
  s('focusUp', 'Keyboard', '↑', 'Go to the item above', 'ArrowUp'),
  s('focusDown', 'Keyboard', '↓', 'Go to the item below', 'ArrowDown'),
];

/** What the keys do that the table does not run (the items' own handlers do): shown in the overlay too. */
export const ITEM_KEYS: readonly { keys: string; description: string }[] = [
  { keys: 'Tab', description: 'Into the canvas, then out of it' },
  { keys: 'Enter', description: 'Open the console of a node or container; edit a note' },
  { keys: 'Space', description: 'Select the focused item (Shift adds it)' },
];

/** The action a key press stands for, or null. */
export function shortcutFor(e: KeyLike): Action | null {
  if (e.altKey) return null;
  const mod = e.ctrlKey || e.metaKey;
  for (const sc of SHORTCUTS) {
    if (sc.mod !== mod) continue;
    if (sc.shift !== 'any' && sc.shift !== e.shiftKey) continue;
    const keys = Array.isArray(sc.key) ? sc.key : [sc.key];
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (keys.includes(k)) return sc.action;
  }
  return null;
}
