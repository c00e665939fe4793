// The consoles' colours, one set per window theme, tuned to the app's palette (app.css): the terminal sits on the
// chrome's background and uses the accent for its cursor and selection.
import type { ITheme } from '@xterm/xterm';
import type { ResolvedTheme } from './theme.svelte.ts';

export const TERMINAL_FONT = "ui-monospace, 'SF Mono', 'Cascadia Code', 'JetBrains Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

const dark: ITheme = {
  background: '#101318',
  foreground: '#d5dae2',
  cursor: '#6aa0ff',
  cursorAccent: '#101318',
  selectionBackground: 'rgba(76, 141, 255, 0.32)',
  scrollbarSliderBackground: 'rgba(255, 255, 255, 0.12)',
  scrollbarSliderHoverBackground: 'rgba(255, 255, 255, 0.2)',
  black: '#1a1e25',
  red: '#f0646f',
  green: '#3ccf8e',
  yellow: '#f0b44c',
  blue: '#6aa0ff',
  magenta: '#c58af9',
  cyan: '#4fc7d9',
  white: '#c9ced6',
  brightBlack: '#6a7380',
  brightRed: '#ff8a93',
  brightGreen: '#6ee0ac',
  brightYellow: '#ffd07a',
  brightBlue: '#9cc0ff',
  brightMagenta: '#dcb3ff',
  brightCyan: '#86e1ee',
  brightWhite: '#ffffff',
};

const light: ITheme = {
  background: '#ffffff',
  foreground: '#1f242c',
  cursor: '#2f6fed',
  cursorAccent: '#ffffff',
  selectionBackground: 'rgba(47, 111, 237, 0.2)',
  scrollbarSliderBackground: 'rgba(20, 30, 50, 0.14)',
  scrollbarSliderHoverBackground: 'rgba(20, 30, 50, 0.24)',
  black: '#1a1e24',
  red: '#c62f3a',
  green: '#18794e',
  yellow: '#9a6700',
  blue: '#2559c9',
  magenta: '#8a3fd1',
  cyan: '#0f7b8a',
  white: '#8b94a1',
  brightBlack: '#5a6473',
  brightRed: '#d0343f',
  brightGreen: '#1f9d63',
  brightYellow: '#b7791f',
  brightBlue: '#2f6fed',
  brightMagenta: '#a35ee8',
  brightCyan: '#1591a3',
  brightWhite: '#3a414c',
};

export function terminalTheme(theme: ResolvedTheme): ITheme {
  return theme === 'dark' ? dark : light;
}

/** The prompt in colour: user@host in green, the directory in blue, as a distribution's bashrc has it. */
export function colourPrompt(prompt: string): string {
  const full = /^([^@\s]+@[^:\s]+)(:)(.*?)([$#] )$/.exec(prompt);
  if (full) return `\x1b[1;32m${full[1]}\x1b[0m${full[2]}\x1b[1;34m${full[3]}\x1b[0m${full[4]}`;
  const short = /^(.*?) ([$#] )$/.exec(prompt);
  if (short) return `\x1b[1;34m${short[1]}\x1b[0m ${short[2]}`;
  return prompt;
}
