// Wall time to replay each transcript — the shared ones (../shared/transcripts) and ours (test/transcripts) — in a
// fresh lab, as `flotilla test` does (issue 4: a transcript of 30 commands in under a second). Median of 3 runs
// per file, after one warm-up replay of the first file (module loading and JIT are not the transcript's).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTranscript, replay } from '../src-main/services/transcripts.ts';
import { sharedPath } from '../test/shared-path.ts';
import type { Bench } from './run.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

function files(): string[] {
  const inDir = (dir: string): string[] =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.t'))
      .sort()
      .map((f) => path.join(dir, f));
  return [...inDir(sharedPath('transcripts')), ...inDir(path.join(ROOT, 'test/transcripts'))];
}

async function timeOnce(file: string): Promise<{ ms: number; commands: number; failures: number }> {
  const t = parseTranscript(readFileSync(file, 'utf8'), file);
  const started = performance.now();
  const run = await replay(t);
  return { ms: performance.now() - started, commands: t.steps.length, failures: run.failures.length };
}

export const benches: Bench[] = [
  {
    name: 'transcripts: wall time to replay',
    async run() {
      const list = files();
      const out: Record<string, string> = {};
      if (list.length > 0) await timeOnce(list[0]!);
      let total = 0;
      let commands = 0;
      for (const f of list) {
        const runs = [await timeOnce(f), await timeOnce(f), await timeOnce(f)];
        const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[1]!;
        const { commands: n, failures } = runs[0]!;
        total += ms;
        commands += n;
        out[path.basename(f)] = `${ms.toFixed(0)} ms (${n} commands, ${(ms / n).toFixed(1)} ms/command${failures > 0 ? `, ${failures} FAILURES` : ''})`;
      }
      out['all files'] = `${total.toFixed(0)} ms for ${commands} commands (${(total / commands).toFixed(1)} ms/command; goal: 30 commands < 1000 ms)`;
      return out;
    },
  },
];
