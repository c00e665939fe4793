// grep [-cviqEFowxnlhHs] [-e PATTERN]... PATTERN [FILE...], as GNU grep prints it. Exit 0 when a line was
// selected, 1 when none, 2 on an error.
import type { CommandImpl } from '../interpreter.ts';
import { posixToJs, RegexSyntaxError } from './regex.ts';
import { forEachInput, getopt, lines } from './util.ts';

export const grep: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'cviqEFGowxnlLhHse:', {
    count: 'c', 'invert-match': 'v', 'ignore-case': 'i', quiet: 'q', silent: 'q', 'extended-regexp': 'E',
    'fixed-strings': 'F', 'only-matching': 'o', 'word-regexp': 'w', 'line-regexp': 'x', 'line-number': 'n',
    'files-with-matches': 'l', 'files-without-match': 'L', 'no-filename': 'h', 'with-filename': 'H', 'no-messages': 's',
    regexp: 'e',
  });
  if (o === null) return 2;
  const f = (k: string): boolean => o.flags.has(k);
  const args = [...o.args];
  let patterns = o.all.get('e') ?? [];
  if (patterns.length === 0) {
    const p = args.shift();
    if (p === undefined) {
      ctx.stderr("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
      return 2;
    }
    patterns = [p];
  }
  patterns = patterns.flatMap((p) => p.split('\n'));
  let regex: RegExp;
  try {
    const sources = patterns.map((p) => (f('F') ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : posixToJs(p, f('E'))));
    let src = sources.map((s) => `(?:${s})`).join('|');
    if (f('w')) src = `(?<![0-9A-Za-z_])(?:${src})(?![0-9A-Za-z_])`;
    if (f('x')) src = `^(?:${src})$`;
    regex = new RegExp(src, f('i') ? 'gi' : 'g');
  } catch (e) {
    ctx.stderr(`grep: ${e instanceof RegexSyntaxError ? e.message : 'Invalid regular expression'}\n`);
    return 2;
  }
  const test = (line: string): boolean => {
    regex.lastIndex = 0;
    return regex.test(line);
  };
  const prefixName = f('H') || (!f('h') && args.length > 1);
  let selected = false;
  const status = forEachInput(
    ctx,
    args,
    (text, name) => {
      if (f('q') && selected) return;
      let count = 0;
      lines(text).forEach((line, k) => {
        if (f('q') && selected) return;
        if (test(line) === f('v')) return;
        count++;
        selected = true;
        if (f('q') || f('c') || f('l') || f('L')) return;
        const prefix = (prefixName ? `${name}:` : '') + (f('n') ? `${k + 1}:` : '');
        if (f('o') && !f('v')) {
          regex.lastIndex = 0;
          for (const m of line.matchAll(regex)) if (m[0] !== '') ctx.stdout(`${prefix}${m[0]}\n`);
        } else ctx.stdout(`${prefix}${line}\n`);
      });
      if (f('q')) return;
      if (f('l')) {
        if (count > 0) ctx.stdout(`${name}\n`);
      } else if (f('L')) {
        if (count === 0) ctx.stdout(`${name}\n`);
      } else if (f('c')) ctx.stdout(`${prefixName ? `${name}:` : ''}${count}\n`);
    },
    { format: (file, reason) => (f('s') ? '' : `grep: ${file}: ${reason}`), failStatus: 2 },
  );
  if (f('q') && selected) return 0;
  if (status !== 0) return 2;
  return selected ? 0 : 1;
};
