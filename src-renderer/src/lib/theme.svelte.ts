// The theme: the user's preference (system / light / dark, persisted through settings.get/set) and the theme it
// resolves to, applied as `data-theme` on <html>. A copy of the preference in localStorage lets the next start
// paint in the right colours before the first reply arrives.

import type { Api, Settings, ThemePreference } from '../../../src-main/common/api/index.ts';

const CACHE_KEY = 'flotilla.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export type ResolvedTheme = 'light' | 'dark';

export function isThemePreference(x: unknown): x is ThemePreference {
  return x === 'system' || x === 'light' || x === 'dark';
}

function cachedPreference(): ThemePreference {
  try {
    const v = localStorage.getItem(CACHE_KEY);
    return isThemePreference(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

export class ThemeState {
  preference = $state<ThemePreference>(cachedPreference());
  systemDark = $state(window.matchMedia(DARK_QUERY).matches);
  error = $state<string | null>(null);
  readonly resolved: ResolvedTheme = $derived(
    this.preference === 'system' ? (this.systemDark ? 'dark' : 'light') : this.preference,
  );
  readonly #api: Api;
  readonly #media = window.matchMedia(DARK_QUERY);
  readonly #onMedia = (e: MediaQueryListEvent) => (this.systemDark = e.matches);
  /** Counts the user's choices, so a read that started before one cannot undo it when its reply comes late. */
  #choices = 0;

  constructor(api: Api) {
    this.#api = api;
    this.#media.addEventListener('change', this.#onMedia);
    apply(this.resolved);
  }

  /** Reads the stored preference; call again after a reconnect. */
  async load(): Promise<void> {
    const choices = this.#choices;
    const settings = await this.#api.settings.get();
    if (choices === this.#choices) this.#take(settings);
  }

  /** Follows changes made elsewhere (another window, the CLI). */
  follow(): () => void {
    return this.#api.onSettingsChanged((s) => this.#take(s));
  }

  async set(preference: ThemePreference): Promise<void> {
    const before = this.preference;
    this.#choices += 1;
    this.preference = preference;
    try {
      this.#take(await this.#api.settings.set({ theme: preference }));
      this.error = null;
    } catch (err) {
      this.preference = before;
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  dispose(): void {
    this.#media.removeEventListener('change', this.#onMedia);
  }

  #take(settings: Settings) {
    if (!isThemePreference(settings.theme)) return;
    this.preference = settings.theme;
    try {
      localStorage.setItem(CACHE_KEY, settings.theme);
    } catch {
      // not persisted locally: the library still holds it
    }
  }
}

export function apply(theme: ResolvedTheme): void {
  document.documentElement.dataset.theme = theme;
}
