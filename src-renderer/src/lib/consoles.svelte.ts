// The console dock of the open lab: its tabs (one terminal each), which one is shown, the dock's height. Output
// and session ends arrive as contract events and go to the tab they belong to; the terminals keep their own
// scrollback and history for as long as the tab lives.
import type { Api, ConsoleInfo, ConsoleTarget } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';
import { TerminalSession } from './terminal-session.ts';
import type { ResolvedTheme } from './theme.svelte.ts';

const HEIGHT_KEY = 'flotilla.consoleHeight';
export const DOCK_MIN = 120;
export const DOCK_DEFAULT = 300;

export class ConsoleTab {
  readonly id: string;
  readonly title: string;
  readonly target: ConsoleTarget;
  readonly session: TerminalSession;
  busy = $state(false);
  /** Why the session ended, or null while it runs. */
  ended = $state<string | null>(null);

  constructor(api: Api, info: ConsoleInfo, theme: ResolvedTheme) {
    this.id = info.consoleId;
    this.title = info.title;
    this.target = info.target;
    this.session = new TerminalSession(api, info.consoleId, info.prompt, theme, {
      onBusy: (b) => (this.busy = b),
      onEnded: (reason) => (this.ended = reason),
    });
  }
}

export function sameTarget(a: ConsoleTarget, b: ConsoleTarget): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'workstation') return true;
  if (a.kind === 'node') return b.kind === 'node' && a.node === b.node;
  return b.kind === 'container' && a.node === b.node && a.container === b.container;
}

export class ConsolesState {
  tabs = $state.raw<ConsoleTab[]>([]);
  activeId = $state<string | null>(null);
  height = $state(readHeight());
  collapsed = $state(false);
  error = $state<string | null>(null);
  /** Which terminal should take the keyboard: `polite` ones only when nothing else has it (a console opened by
   * the program must not steal the focus from a field the person is typing in). */
  focusRequest = $state.raw<{ id: string; polite: boolean } | null>(null);
  readonly active: ConsoleTab | null = $derived(this.tabs.find((t) => t.id === this.activeId) ?? null);

  readonly #api: Api;
  readonly #labId: string;
  readonly #theme: () => ResolvedTheme;
  #disposed = false;

  constructor(api: Api, labId: string, theme: () => ResolvedTheme) {
    this.#api = api;
    this.#labId = labId;
    this.#theme = theme;
  }

  follow(): () => void {
    const offOutput = this.#api.onConsoleOutput(({ consoleId, data }) => this.#tab(consoleId)?.session.output(data));
    const offExit = this.#api.onConsoleExit(({ consoleId, reason }) => this.#tab(consoleId)?.session.ended(reason));
    const offBusy = this.#api.onConsoleBusy(({ consoleId, busy, prompt }) => this.#tab(consoleId)?.session.adopted(busy, prompt));
    return () => {
      offOutput();
      offExit();
      offBusy();
    };
  }

  /** Shows the console of `target`: the open tab for it, or a new one (`fresh` always opens a new one). */
  async open(target: ConsoleTarget, options: { fresh?: boolean; polite?: boolean } = {}): Promise<ConsoleTab | null> {
    this.collapsed = false;
    const existing = options.fresh ? undefined : this.tabs.find((t) => t.ended === null && sameTarget(t.target, target));
    if (existing) {
      this.activate(existing.id, options.polite);
      return existing;
    }
    try {
      const info = await this.#api.console.open({ labId: this.#labId, target });
      if (this.#disposed) {
        void this.#api.console.close({ consoleId: info.consoleId }).catch(() => undefined);
        return null;
      }
      const tab = new ConsoleTab(this.#api, info, this.#theme());
      this.tabs = [...this.tabs, tab];
      this.error = null;
      this.activate(tab.id, options.polite);
      return tab;
    } catch (err) {
      this.error = describeError(err);
      return null;
    }
  }

  activate(id: string, polite = false): void {
    this.activeId = id;
    this.collapsed = false;
    this.focusRequest = { id, polite };
  }

  close(id: string): void {
    const i = this.tabs.findIndex((t) => t.id === id);
    const tab = this.tabs[i];
    if (!tab) return;
    this.tabs = this.tabs.filter((t) => t !== tab);
    if (this.activeId === id) this.activeId = (this.tabs[Math.min(i, this.tabs.length - 1)] ?? null)?.id ?? null;
    tab.session.dispose();
    if (tab.ended === null) void this.#api.console.close({ consoleId: id }).catch(() => undefined);
  }

  setHeight(px: number): void {
    this.height = Math.max(DOCK_MIN, Math.round(px));
    try {
      localStorage.setItem(HEIGHT_KEY, String(this.height));
    } catch {
      // not remembered
    }
  }

  setTheme(theme: ResolvedTheme): void {
    for (const t of this.tabs) t.session.setTheme(theme);
  }

  dispose(): void {
    this.#disposed = true;
    for (const t of [...this.tabs]) this.close(t.id);
  }

  #tab(consoleId: string): ConsoleTab | undefined {
    return this.tabs.find((t) => t.id === consoleId);
  }
}

function readHeight(): number {
  try {
    const v = Number(localStorage.getItem(HEIGHT_KEY));
    return Number.isFinite(v) && v >= DOCK_MIN ? v : DOCK_DEFAULT;
  } catch {
    return DOCK_DEFAULT;
  }
}
