// `npm test`: every check, in the order a failure is cheapest to find. Phases: deps, lint (ESLint with the layer
// rule, tsc, svelte-check), unit (node:test over every *.test.ts), build (renderer, Electron main and preload),
// e2e (Playwright in Debian's Chromium against the browser host, and Electron where installed).
// `npm test -- unit` (or lint, e2e) runs one phase. Ends with one line: `total: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureElectronTypes, ensureSystemPackages } from './ensure-deps.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'node_modules/.bin');
const only = process.argv[2];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'flotilla-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let flaky = 0;

function run(title: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n── ${title} ──`);
  const started = performance.now();
  const result = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  console.log(`── ${title}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

function testFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) testFiles(full, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(ROOT, full));
  }
  return out;
}

function phase(name: string): boolean {
  return only === undefined || only === name;
}

try {
  ensureSystemPackages();
  ensureElectronTypes();

  if (phase('lint')) {
    for (const [title, cmd, args] of [
      ['eslint (with the layer rule)', path.join(BIN, 'eslint'), ['--max-warnings=0', '.']],
      ['tsc --noEmit', path.join(BIN, 'tsc'), ['-p', 'tsconfig.json', '--noEmit']],
      ['tsc --noEmit (end-to-end tests, with the DOM)', path.join(BIN, 'tsc'), ['-p', 'test/e2e/tsconfig.json', '--noEmit']],
      ['svelte-check', path.join(BIN, 'svelte-check'), ['--tsconfig', 'src-renderer/tsconfig.json', '--fail-on-warnings', '--output', 'human']],
    ] as const) {
      if (run(title, cmd, [...args])) passed++;
      else failed++;
    }
  }

  if (phase('unit')) {
    const files = ['src-main', 'src-renderer/src', 'test/unit', 'test/integration', 'tools'].flatMap((d) => testFiles(path.join(ROOT, d)));
    const tap = path.join(tmp, 'unit.tap');
    const ok = run('unit and integration tests (node:test)', process.execPath, [
      '--import', 'tsx', '--test', '--test-concurrency=2',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files,
    ]);
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const count = (key: string) => Number(text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
    const unitFailed = count('fail') + count('cancelled');
    passed += count('pass');
    failed += unitFailed || (ok ? 0 : 1); // a run that failed without a failing test (a crash) still fails
    skipped += count('skipped') + count('todo');
  }

  if (phase('e2e')) {
    if (run('build (renderer, Electron main and preload)', process.execPath, ['--import', 'tsx', 'scripts/build.ts'])) {
      const json = path.join(tmp, 'e2e.json');
      run('end-to-end tests (Playwright)', path.join(BIN, 'playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: json });
      if (existsSync(json)) {
        const stats = (JSON.parse(readFileSync(json, 'utf8')) as { stats: Record<string, number> }).stats;
        passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
        failed += stats.unexpected ?? 0;
        skipped += stats.skipped ?? 0;
        flaky += stats.flaky ?? 0;
      } else failed++;
    } else failed++;
  }
} catch (err) {
  console.error(`\n${err instanceof Error ? err.message : String(err)}`);
  failed++;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`\ntotal: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${flaky ? `, ${flaky} flaky (passed on a retry)` : ''}`);
process.exit(failed === 0 ? 0 : 1);
