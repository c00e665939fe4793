// head and tail: -n N (tail: -n +N from line N), -N, -c N; headers `==> FILE <==` for several files.
import type { CommandContext, CommandImpl } from '../interpreter.ts';
import { forEachInput, getopt, joinLines, lines } from './util.ts';

/** `-5` means `-n 5`, as both tools have always accepted. */
function numericShorthand(ctx: CommandContext): CommandContext {
  const argv = ctx.argv.map((a, i) => (i > 0 && /^-\d+$/.test(a) && !/^(-n|-c|--lines|--bytes)$/.test(ctx.argv[i - 1] as string) ? `-n${a.slice(1)}` : a));
  return Object.create(ctx, { argv: { value: argv } }) as CommandContext;
}

function headOrTail(which: 'head' | 'tail'): CommandImpl {
  return (original) => {
    const ctx = numericShorthand(original);
    const o = getopt(ctx, which === 'head' ? 'n:c:qv' : 'n:c:qvfF', { lines: 'n', bytes: 'c', quiet: 'q', silent: 'q', verbose: 'v', follow: 'f' });
    if (o === null) return 1;
    const byBytes = o.flags.has('c');
    const spec = String(o.flags.get(byBytes ? 'c' : 'n') ?? '10');
    const m = /^([+-]?)(\d+)$/.exec(spec);
    if (!m) {
      const what = byBytes ? 'bytes' : 'lines';
      ctx.stderr(which === 'head' ? `head: invalid number of ${what}: '${spec}'\n` : `tail: invalid number of ${what}: '${spec}'\n`);
      return 1;
    }
    const n = Number(m[2]);
    const sign = m[1];
    const headers = o.flags.has('v') || (!o.flags.has('q') && o.args.length > 1);
    let first = true;
    return forEachInput(
      ctx,
      o.args,
      (text, name) => {
        if (headers) {
          ctx.stdout(`${first ? '' : '\n'}==> ${name} <==\n`);
          first = false;
        }
        if (byBytes) {
          if (which === 'head') ctx.stdout(sign === '-' ? text.slice(0, Math.max(0, text.length - n)) : text.slice(0, n));
          else ctx.stdout(sign === '+' ? text.slice(Math.max(0, n - 1)) : n === 0 ? '' : text.slice(-n));
          return;
        }
        const ls = lines(text);
        const noFinalNewline = text !== '' && !text.endsWith('\n');
        let picked: string[];
        let end: number;
        if (which === 'head') {
          end = sign === '-' ? Math.max(0, ls.length - n) : Math.min(n, ls.length);
          picked = ls.slice(0, end);
        } else {
          const start = sign === '+' ? Math.max(0, n - 1) : Math.max(0, ls.length - n);
          picked = ls.slice(start);
          end = ls.length;
        }
        let out = joinLines(picked);
        if (noFinalNewline && end === ls.length && picked.length > 0) out = out.slice(0, -1);
        ctx.stdout(out);
      },
      { format: (file, reason) => `${which}: cannot open '${file}' for reading: ${reason}` },
    );
  };
}

export const head = headOrTail('head');
export const tail = headOrTail('tail');
