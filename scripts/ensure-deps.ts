// What `npm test` needs from outside npm: Debian's Chromium (Playwright drives it; we never download a browser),
// tshark (reads back every pcap we write) and docker-compose (its `config` judges the compose files we export).
// Where they are missing and we run as root on Debian, install them with apt-get; elsewhere stop with the exact
// command to run. Also gives the Electron code its type
// declarations when the optional `electron` package could not install (its binary download fails offline):
// the package itself, without its binary, comes from the npm registry.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
export const CHROMIUM = process.env.FLOTILLA_CHROMIUM ?? '/usr/bin/chromium';

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function ensureSystemPackages(): void {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!have('tshark')) missing.push('tshark');
  if (!have('docker-compose')) missing.push('docker-compose');
  if (missing.length === 0) return;
  const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing.join(' ')}`;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !have('apt-get')) {
    throw new Error(`npm test needs ${missing.join(' and ')}. Install ${missing.length > 1 ? 'them' : 'it'} with:\n  sudo sh -c '${command}'`);
  }
  console.log(`Installing ${missing.join(', ')} with apt-get...`);
  execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export function ensureElectronTypes(): void {
  const dir = path.join(ROOT, 'node_modules/electron');
  if (existsSync(path.join(dir, 'electron.d.ts'))) return;
  const range = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> })
    .optionalDependencies.electron!;
  console.log(`electron did not install (no binary download here); fetching its package for the type declarations...`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'flotilla-electron-'));
  try {
    const tarball = execFileSync('npm', ['pack', `electron@${range}`, '--pack-destination', tmp, '--silent'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['xzf', path.join(tmp, tarball), '-C', dir, '--strip-components=1']);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureSystemPackages();
  ensureElectronTypes();
}
