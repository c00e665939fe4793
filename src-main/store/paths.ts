// Where the Flotilla library lives: FLOTILLA_HOME if set, else the platform's folder for per-user application
// data (the same folder Electron's app.getPath('userData') picks for an app named Flotilla).

import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER = 'Flotilla';
export const LIBRARY_FILE = 'library.sqlite';

/**
 * The folder of the Flotilla library. Linux and other Unixes: $XDG_CONFIG_HOME/Flotilla (only an absolute
 * XDG_CONFIG_HOME counts, as the XDG spec says) or ~/.config/Flotilla; macOS: ~/Library/Application Support/Flotilla;
 * Windows: %APPDATA%\Flotilla (or ~\AppData\Roaming\Flotilla). Paths are built with the rules of `platform`.
 */
export function libraryDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const override = env['FLOTILLA_HOME'];
  if (override) return override;
  const p = platform === 'win32' ? path.win32 : path.posix;
  switch (platform) {
    case 'win32': {
      const appData = env['APPDATA'];
      return p.join(appData && p.isAbsolute(appData) ? appData : p.join(home, 'AppData', 'Roaming'), APP_FOLDER);
    }
    case 'darwin':
      return p.join(home, 'Library', 'Application Support', APP_FOLDER);
    default: {
      const xdg = env['XDG_CONFIG_HOME'];
      return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.config'), APP_FOLDER);
    }
  }
}

/** The SQLite file of the library in `dir`. */
export function libraryFile(dir: string): string {
  return path.join(dir, LIBRARY_FILE);
}
