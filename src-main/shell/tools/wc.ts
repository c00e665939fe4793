// wc [-l] [-w] [-c] [-m] [FILE...], with GNU wc's column widths.
import type { CommandImpl } from '../interpreter.ts';
import { VfsError } from '../../common/vfs.ts';
import { getopt, readInput } from './util.ts';

export const wc: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'lwcm', { lines: 'l', words: 'w', bytes: 'c', chars: 'm' });
  if (o === null) return 1;
  let cols = (['l', 'w', 'm', 'c'] as const).filter((k) => o.flags.has(k));
  if (cols.length === 0) cols = ['l', 'w', 'c'];
  const files = o.args.length === 0 ? ['-'] : o.args;
  const rows: { counts: number[]; name: string | null }[] = [];
  const total = cols.map(() => 0);
  let status = 0;
  let stdinUsed = false;
  for (const f of files) {
    let text: string;
    try {
      text = readInput(ctx, f);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.stderr(`wc: ${f}: ${e.reason}\n`);
      status = 1;
      continue;
    }
    if (f === '-') stdinUsed = true;
    const counts = cols.map((k) => {
      switch (k) {
        case 'l': return (text.match(/\n/g) ?? []).length;
        case 'w': return text.split(/\s+/).filter((w) => w !== '').length;
        case 'm': return [...text].length;
        default: return new TextEncoder().encode(text).length;
      }
    });
    counts.forEach((c, i) => (total[i] = (total[i] as number) + c));
    rows.push({ counts, name: o.args.length === 0 ? null : f });
  }
  if (files.length > 1) rows.push({ counts: total, name: 'total' });
  let width: number;
  if (cols.length === 1 && files.length === 1) width = 1;
  else if (stdinUsed) width = 7;
  else width = Math.max(1, ...rows.map((r) => String(Math.max(...r.counts)).length));
  for (const r of rows) ctx.stdout(r.counts.map((c) => String(c).padStart(width)).join(' ') + (r.name === null ? '' : ` ${r.name}`) + '\n');
  return status;
};
