// better-sqlite3 is a native addon compiled for Node's ABI, which the CLI and the browser host use. Electron
// has its own ABI, so `flotilla start` builds a second copy of the addon for the installed Electron into
// out/electron-native/ and the Electron main process loads that one (better-sqlite3's `nativeBinding` option).
// Both builds live side by side, so neither shell breaks the other.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'out/electron-native');

export function ensureElectronNative(electronBinary: string, log: (line: string) => void): void {
  const version = execFileSync(electronBinary, ['--version'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })
    .trim()
    .replace(/^v/, '');
  const require = createRequire(import.meta.url);
  const pkgDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const pkgVersion = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const stamp = `electron ${version}, better-sqlite3 ${pkgVersion}`;
  const stampFile = path.join(OUT, 'built-for.txt');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;

  log(`Building better-sqlite3 for Electron ${version} (once)...`);
  const work = path.join(OUT, 'src');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  cpSync(pkgDir, work, { recursive: true, filter: (src) => !src.includes(`${path.sep}build${path.sep}`) });
  // npm ships node-gyp; where that copy is not at the usual place, npx fetches it from the registry.
  const bundled = path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  const [cmd, pre] = existsSync(bundled) ? [process.execPath, [bundled]] : ['npx', ['--yes', 'node-gyp']];
  execFileSync(
    cmd,
    [...pre, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
    // A configured nodedir would point node-gyp at Node's headers instead of Electron's.
    { cwd: work, stdio: 'inherit', env: { ...process.env, npm_config_nodedir: '' } },
  );
  cpSync(path.join(work, 'build/Release/better_sqlite3.node'), path.join(OUT, 'better_sqlite3.node'));
  rmSync(work, { recursive: true, force: true });
  writeFileSync(stampFile, stamp);
}
