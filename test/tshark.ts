// tshark helpers for the packet-engine tests: write a capture to a temporary file, dump chosen fields as rows,
// and run the strict expert check of issue 3 (IP/TCP/UDP checksum validation on, no Error or Malformed items).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'flotilla-tshark-'));

/** Writes `bytes` to a fresh temporary file called `name`; returns its path. */
export function writeTemp(name: string, bytes: Uint8Array): string {
  const file = path.join(TMP, name);
  writeFileSync(file, bytes);
  return file;
}

/** Runs tshark -n with `args`; throws with its stderr when it fails. */
export function tshark(args: string[]): string {
  const r = spawnSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export type Row<F extends string> = Record<F, string>;

/** One row per frame with the given fields (multiple occurrences joined with '/', as the analysis files do with '\'). */
export function fieldRows<F extends string>(file: string, fields: readonly F[], extra: string[] = []): Row<F>[] {
  const out = tshark(['-r', file, ...extra, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a', '-E', 'aggregator=/', ...fields.flatMap((f) => ['-e', f])]);
  const text = out.trim();
  if (text === '') return [];
  return text.split('\n').map((line) => {
    const cols = line.replace(/\\/g, '/').split('|');
    return Object.fromEntries(fields.map((f, i) => [f, cols[i] ?? ''])) as Row<F>;
  });
}

/** The strict check of issue 3: returns tshark's expert report (the caller asserts it has no errors). */
export function expertErrors(file: string, extra: string[] = []): string {
  return tshark(['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', ...extra, '-z', 'expert,error', '-q']);
}

/** True when an expert report lists errors or malformed packets. */
export function hasErrors(report: string): boolean {
  return /Errors \(|Malformed/.test(report);
}
