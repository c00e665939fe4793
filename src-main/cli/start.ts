// `npm start` / `flotilla start`: the Electron window where Electron is installed; otherwise the browser host,
// opened in a Chromium --app window when one is installed and a display is there, else its URL is printed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { libraryDir } from '../services/core.ts';
import { ensureElectronNative } from './electron-native.ts';
import { serve } from './serve.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null; // the optional dependency did not install (its binary download failed)
  }
}

function findChromium(): string | null {
  const candidates = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge'];
  for (const name of candidates) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
  return existsSync(mac) ? mac : null;
}

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

export async function start(log: (line: string) => void): Promise<void> {
  const electron = electronBinary();
  if (electron) {
    log('Starting Flotilla in Electron...');
    const built = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/build.ts')], { stdio: 'inherit', cwd: ROOT });
    if (built.status !== 0) throw new Error('the build failed');
    ensureElectronNative(electron, log);
    const child = spawn(electron, [path.join(ROOT, 'out/main/electron.cjs')], { stdio: 'inherit', cwd: ROOT });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  log('Electron is not installed here (it is an optional dependency); starting the browser host.');
  const { host } = await serve(0, log);
  const chromium = findChromium();
  if (!chromium || !hasDisplay()) {
    log(chromium ? 'No display found: open the URL above in a browser.' : 'No Chromium found: open the URL above in a browser.');
    return;
  }
  const profile = path.join(libraryDir(), 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  const child = spawn(
    chromium,
    [`--app=${host.url}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--disable-sync', '--window-size=1400,900'],
    { stdio: 'ignore' },
  );
  child.on('exit', () => {
    log('The Flotilla window was closed; stopping.');
    process.kill(process.pid, 'SIGTERM');
  });
}
