// `flotilla test FILE...` and `flotilla run FILE`: replay transcripts (TRANSCRIPTS.md) in fresh labs, headless.
// test: per file `ok FILE (N commands)` or its failures as `FILE:LINE: ...` with the diff, then `N passed,
// N failed`; exit 1 on any failure, 2 on usage errors. run: prints the session (what was typed and printed) and
// exits 1 when a command's exit status differed from the transcript's or the transcript has an error; with
// --save-captures DIR it then writes every file a `tcpdump -w` wrote during the session into DIR as a pcap named
// after its machine and path (node1:/tmp/x.pcap -> DIR/node1_tmp_x.pcap) and lists them on stderr.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { captureFileName, formatSession, parseTranscript, replay, savedCaptures, TranscriptError, TranscriptLab } from '../services/transcripts.ts';
import type { Failure, Transcript, TranscriptRun } from '../services/transcripts.ts';
import { UsageError } from './args.ts';

type Out = (line: string) => void;

function readAll(files: readonly string[]): { file: string; text: string }[] {
  return files.map((file) => {
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${osReason(e)}`);
    }
  });
}

/** "ENOENT: no such file or directory, open 'x'" -> "no such file or directory". */
function osReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/^[A-Z]+: /, '').replace(/, [a-z]+(?: '.*')?$/, '');
}

/** A transcript error as `FILE:LINE: transcript error: ...`. */
function transcriptErrorLine(e: TranscriptError): string {
  const prefix = `${e.file}:${e.line}: `;
  return `${e.file}:${e.line}: transcript error: ${e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message}`;
}

function failureLines(file: string, f: Failure): string[] {
  const [first, ...rest] = f.diff.split('\n');
  return [`${file}:${f.line}: ${first ?? ''}`, ...rest];
}

function parse(file: string, text: string): Transcript | TranscriptError {
  try {
    return parseTranscript(text, file);
  } catch (e) {
    if (e instanceof TranscriptError) return e;
    throw e;
  }
}

export async function testCommand(args: string[], out: Out): Promise<number> {
  if (args.length === 0) throw new UsageError('test needs at least one transcript file (flotilla test FILE...)');
  const flag = args.find((a) => a.startsWith('-') && a !== '-');
  if (flag !== undefined) throw new UsageError(`test takes no options, got ${flag}`);
  const inputs = readAll(args);
  let passed = 0;
  let failed = 0;
  for (const { file, text } of inputs) {
    const t = parse(file, text);
    if (t instanceof TranscriptError) {
      out(transcriptErrorLine(t));
      out(`FAIL ${file}`);
      failed++;
      continue;
    }
    const run: TranscriptRun = await replay(t);
    if (run.failures.length === 0) {
      out(`ok ${file} (${t.steps.length} command${t.steps.length === 1 ? '' : 's'})`);
      passed++;
      continue;
    }
    for (const f of run.failures) for (const l of failureLines(file, f)) out(l);
    const n = run.failures.length;
    out(`FAIL ${file} (${n} failure${n === 1 ? '' : 's'} in ${t.steps.length} command${t.steps.length === 1 ? '' : 's'})`);
    failed++;
  }
  out(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

export async function runCommand(args: string[], out: Out): Promise<number> {
  const files: string[] = [];
  let captureDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--save-captures' || a.startsWith('--save-captures=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v === undefined || v === '') throw new UsageError('--save-captures needs a directory (flotilla run FILE --save-captures DIR)');
      captureDir = v;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`run: unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'run needs a transcript file (flotilla run FILE)' : `run takes one transcript file, got ${files.length}`);
  const [{ file, text }] = readAll(files) as [{ file: string; text: string }];
  const t = parse(file, text);
  if (t instanceof TranscriptError) {
    process.stderr.write(transcriptErrorLine(t) + '\n');
    return 1;
  }
  const host = new TranscriptLab();
  const run = await replay(t, host);
  const session = formatSession(t.steps, run.steps).replace(/\n$/, '');
  if (session !== '') out(session);
  let status = 0;
  for (const f of run.failures) {
    if (f.kind === 'output') continue;
    process.stderr.write(failureLines(file, f).join('\n') + '\n');
    status = 1;
  }
  if (captureDir !== undefined) {
    try {
      mkdirSync(captureDir, { recursive: true });
      for (const c of savedCaptures(host.lab)) {
        const dest = path.join(captureDir, captureFileName(c));
        writeFileSync(dest, c.bytes);
        process.stderr.write(`saved ${c.machine}:${c.path} -> ${dest}\n`);
      }
    } catch (e) {
      throw new UsageError(`cannot write captures to ${captureDir}: ${osReason(e)}`);
    }
  }
  return status;
}
