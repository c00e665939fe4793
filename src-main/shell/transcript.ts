// Lab transcripts (TRANSCRIPTS.md): reading the format, matching a command's output against what the transcript
// expects, and printing a session the way `flotilla run` does.
//
//   # comment                  ignored, as are blank lines (also between expected lines)
//   # wait 30s                 the lab runs on this much longer before the next command (s, ms, m, h)
//   $ cmd                      a command at the workstation
//   node1$ cmd                 a command in the shell of node 'node1'
//   text                       an expected line (compared after trimming trailing white space)
//   pattern (re)               a regular expression for the whole line
//   ...                        any number of lines, zero included
//   [exit N] / [exit *]        the exit status (default 0)
//
// A here-document opened on a command line (`cat > f <<EOF`) takes the following lines up to its terminator as
// input; they are not expected output.

import { scanHeredocs } from './parse.ts';

export type Prompt = { kind: 'workstation' } | { kind: 'node'; name: string };

export type ExpectedLine =
  | { kind: 'literal'; text: string; line: number }
  | { kind: 'regex'; source: string; regex: RegExp; line: number }
  | { kind: 'any'; line: number };

export interface Step {
  /** 1-based line of the command in the transcript. */
  line: number;
  prompt: Prompt;
  command: string;
  /** The transcript lines after the command that are its here-document input: each body followed by its
   * terminator line, verbatim. The shell's input is `stepInput(step)`. */
  heredoc?: string[];
  expected: ExpectedLine[];
  /** The exit status the command must end with; '*' accepts any. */
  exit: number | '*';
  /** Extra virtual time to let pass before this command, in nanoseconds (from `# wait` comments). */
  waitBefore?: number;
}

export interface Transcript {
  file: string;
  steps: Step[];
}

/** A mistake in the transcript itself; the message starts with `file:line: `. */
export class TranscriptError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'TranscriptError';
    this.file = file;
    this.line = line;
  }
}

const PROMPT = /^(?:([A-Za-z0-9][A-Za-z0-9_.-]*))?\$ (.*)$/;
const EXIT = /^\[exit(?:\s+(.*?))?\]$/;
const WAIT = /^#\s*wait\s+(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/;
const UNIT_NS: Record<string, number> = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const RE_SUFFIX = ' (re)';

export function parseTranscript(text: string, file: string): Transcript {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const steps: Step[] = [];
  let cur: Step | null = null;
  let exitSeen = false;
  let wait = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i] as string;
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const w = WAIT.exec(line);
      if (w) wait += Math.round(Number(w[1]) * (UNIT_NS[w[2] as string] as number));
      else if (/^#\s*wait\b/.test(line)) throw new TranscriptError(file, n, `bad wait comment: "${line}" (write "# wait 30s", "# wait 500ms", "# wait 2m")`);
      continue;
    }
    const pm = PROMPT.exec(line) ?? (line === '$' || /^[A-Za-z0-9][A-Za-z0-9_.-]*\$$/.test(line) ? [line, line.slice(0, -1) || undefined, ''] : null);
    if (pm) {
      const command = (pm[2] ?? '').trim();
      if (command === '') throw new TranscriptError(file, n, 'a prompt without a command');
      const name = pm[1];
      cur = { line: n, prompt: name === undefined ? { kind: 'workstation' } : { kind: 'node', name }, command, expected: [], exit: 0 };
      if (wait > 0) cur.waitBefore = wait;
      wait = 0;
      exitSeen = false;
      steps.push(cur);
      const docs = scanHeredocs(command);
      if (docs.length > 0) {
        const input: string[] = [];
        for (const d of docs) {
          for (;;) {
            i++;
            const body = lines[i];
            if (body === undefined) {
              throw new TranscriptError(file, n, `here-document not terminated: no line "${d.delimiter}" before the end of the file`);
            }
            input.push(body);
            if ((d.stripTabs ? body.replace(/^\t+/, '') : body) === d.delimiter) break;
          }
        }
        cur.heredoc = input;
      }
      continue;
    }
    if (cur === null) throw new TranscriptError(file, n, `expected output before any command: "${line}" (a command line starts with "$ " or "NODE$ ")`);
    const em = EXIT.exec(line);
    if (em) {
      if (exitSeen) throw new TranscriptError(file, n, 'a second [exit] line for the same command');
      const v = (em[1] ?? '').trim();
      if (v === '*') cur.exit = '*';
      else if (/^\d+$/.test(v) && Number(v) <= 255) cur.exit = Number(v);
      else throw new TranscriptError(file, n, `bad exit status "${v}" (write [exit N] with 0 <= N <= 255, or [exit *])`);
      exitSeen = true;
      continue;
    }
    if (exitSeen) throw new TranscriptError(file, n, `expected output after the [exit] line of the command at line ${cur.line}`);
    if (line === '...') {
      cur.expected.push({ kind: 'any', line: n });
    } else if (line.endsWith(RE_SUFFIX)) {
      const source = line.slice(0, -RE_SUFFIX.length);
      let regex: RegExp;
      try {
        regex = new RegExp(`^(?:${source})$`);
      } catch (e) {
        throw new TranscriptError(file, n, `bad regular expression: ${(e as Error).message}`);
      }
      cur.expected.push({ kind: 'regex', source, regex, line: n });
    } else {
      cur.expected.push({ kind: 'literal', text: line, line: n });
    }
  }
  return { file, steps };
}

/** What the step's shell reads: the command, then its here-document lines. */
export function stepInput(step: Step): string {
  return step.heredoc ? [step.command, ...step.heredoc].join('\n') + '\n' : step.command;
}

export function promptText(prompt: Prompt): string {
  return prompt.kind === 'workstation' ? '$ ' : `${prompt.name}$ `;
}

/** The source form of an expected line, as written in a transcript. */
export function expectedText(e: ExpectedLine): string {
  return e.kind === 'any' ? '...' : e.kind === 'regex' ? e.source + RE_SUFFIX : e.text;
}

function lineMatches(e: ExpectedLine, actual: string): boolean {
  return e.kind === 'literal' ? e.text === actual : e.kind === 'regex' ? e.regex.test(actual) : true;
}

/** The actual lines as they are compared: trailing white space trimmed, blank lines dropped (a transcript cannot
 * express a blank line: blank lines in it are ignored, so they are ignored in the output too). */
export function normalizeOutput(actual: readonly string[]): string[] {
  return actual.flatMap((l) => l.split('\n')).map((l) => l.replace(/\r$/, '').trimEnd()).filter((l) => l !== '');
}

export type MatchResult = { ok: true } | { ok: false; diff: string };

/** Compares a command's output with what the transcript expects. `...` matches zero or more lines anywhere.
 * On a mismatch the diff is in the style of cram: lines starting with ' ' matched (shown as written in the
 * transcript), '-' were expected and not found, '+' were printed and not expected; the first mismatch is named
 * in the header. */
export function matchOutput(expected: readonly ExpectedLine[], actual: readonly string[]): MatchResult {
  const got = normalizeOutput(actual);
  const m = expected.length;
  const n = got.length;
  // cost[i][j]: the fewest unmatched lines aligning expected[i..] with got[j..]; 0 means a match.
  const cost: number[][] = Array.from({ length: m + 1 }, () => new Array<number>(n + 1).fill(0));
  for (let i = m; i >= 0; i--) {
    for (let j = n; j >= 0; j--) {
      const row = cost[i] as number[];
      if (i === m) {
        row[j] = n - j;
        continue;
      }
      const e = expected[i] as ExpectedLine;
      const down = (cost[i + 1] as number[])[j] as number;
      if (e.kind === 'any') {
        row[j] = Math.min(down, j < n ? (row[j + 1] as number) : Infinity);
        continue;
      }
      let best = down + 1;
      if (j < n) {
        best = Math.min(best, (row[j + 1] as number) + 1);
        if (lineMatches(e, got[j] as string)) best = Math.min(best, (cost[i + 1] as number[])[j + 1] as number);
      }
      row[j] = best;
    }
  }
  if ((cost[0] as number[])[0] === 0) return { ok: true };

  // Walk the cheapest alignment, preferring a match, then a missing expected line, then an extra actual line.
  const out: string[] = [];
  let first: string | null = null;
  let i = 0;
  let j = 0;
  const at = (a: number, b: number): number => (cost[a] as number[])[b] as number;
  while (i < m || j < n) {
    const e = expected[i];
    const here = at(i, j);
    if (e !== undefined && e.kind === 'any') {
      if (at(i + 1, j) === here) {
        out.push('  ...');
        i++;
      } else j++;
      continue;
    }
    if (e !== undefined && j < n && lineMatches(e, got[j] as string) && at(i + 1, j + 1) === here) {
      out.push('  ' + expectedText(e));
      i++;
      j++;
    } else if (e !== undefined && at(i + 1, j) + 1 === here) {
      first ??= `expected ${JSON.stringify(expectedText(e))} (line ${e.line}), got ${j < n ? JSON.stringify(got[j]) : 'end of output'}`;
      out.push('- ' + expectedText(e));
      i++;
    } else {
      first ??= `got unexpected ${JSON.stringify(got[j])}` + (e !== undefined ? `, expected ${JSON.stringify(expectedText(e))} (line ${e.line})` : ' after the end of the expected output');
      out.push('+ ' + (got[j] as string));
      j++;
    }
  }
  return { ok: false, diff: [`output differs: ${first ?? 'mismatch'}`, '--- expected', '+++ got', ...out].join('\n') };
}

/** The result of running one step. */
export interface StepResult {
  output: string[];
  exit: number;
}

/** A session as `flotilla run` prints it: each prompt and command, its here-document lines, its output, and
 * `[exit N]` when the status is not 0. Only steps that have a result are printed. */
export function formatSession(steps: readonly Step[], results: readonly StepResult[]): string {
  const out: string[] = [];
  steps.forEach((step, k) => {
    const r = results[k];
    if (r === undefined) return;
    if (step.waitBefore !== undefined) out.push(`# wait ${formatDuration(step.waitBefore)}`);
    out.push(promptText(step.prompt) + step.command);
    if (step.heredoc) out.push(...step.heredoc);
    const lines = r.output.flatMap((x) => x.split('\n')).map((l) => l.replace(/\r$/, '').trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    out.push(...lines);
    if (r.exit !== 0) out.push(`[exit ${r.exit}]`);
  });
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

function formatDuration(ns: number): string {
  if (ns % 60e9 === 0) return `${ns / 60e9}m`;
  if (ns % 1e9 === 0) return `${ns / 1e9}s`;
  return `${ns / 1e6}ms`;
}
