// sort [-n] [-r] [-u] [-f] [-k F[,G]] [-t C] [FILE...] (byte order, as in the C locale and busybox) and
// uniq [-c] [-d] [-u] [-i] [INPUT].
import type { CommandImpl } from '../interpreter.ts';
import { forEachInput, getopt, joinLines, lines } from './util.ts';

function numericPrefix(s: string): number {
  const m = /^\s*([+-]?(\d+\.?\d*|\.\d+))/.exec(s);
  return m ? Number(m[1]) : 0;
}

function bytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const sort: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'nrufk:t:sbo:', { numeric: 'n', reverse: 'r', unique: 'u', 'ignore-case': 'f', key: 'k', 'field-separator': 't', stable: 's' });
  if (o === null) return 2;
  const f = (k: string): boolean => o.flags.has(k);
  const sep = o.flags.has('t') ? String(o.flags.get('t')) : undefined;
  let keyFrom = 0;
  let keyTo = Infinity;
  if (o.flags.has('k')) {
    const m = /^(\d+)(?:\.\d+)?[a-z]*(?:,(\d+)(?:\.\d+)?[a-z]*)?$/.exec(String(o.flags.get('k')));
    if (!m || Number(m[1]) === 0) {
      ctx.stderr(`sort: invalid number at field start: invalid count at start of '${String(o.flags.get('k'))}'\n`);
      return 2;
    }
    keyFrom = Number(m[1]) - 1;
    keyTo = m[2] === undefined ? Infinity : Number(m[2]);
  }
  const key = (line: string): string => {
    if (!o.flags.has('k')) return line;
    if (sep !== undefined) return line.split(sep).slice(keyFrom, keyTo).join(sep);
    // blank-separated fields keep their leading blanks, as in sort(1)
    const fields = line.match(/\s*\S+/g) ?? [];
    return fields.slice(keyFrom, keyTo).join('');
  };
  const all: string[] = [];
  const status = forEachInput(ctx, o.args, (text) => all.push(...lines(text)), { format: (file, reason) => `sort: cannot read: ${file}: ${reason}`, failStatus: 2 });
  if (status !== 0) return status;
  const cmpKey = (a: string, b: string): number => {
    const ka = key(a);
    const kb = key(b);
    if (f('n')) return numericPrefix(ka) - numericPrefix(kb);
    return f('f') ? bytewise(ka.toUpperCase(), kb.toUpperCase()) : bytewise(ka, kb);
  };
  const dir = f('r') ? -1 : 1;
  const sorted = all
    .map((line, i) => ({ line, i }))
    .sort((a, b) => {
      const c = cmpKey(a.line, b.line);
      if (c !== 0) return dir * c;
      if (f('s') || f('u')) return a.i - b.i;
      return dir * bytewise(a.line, b.line);
    })
    .map((x) => x.line);
  const out = f('u') ? sorted.filter((l, i) => i === 0 || cmpKey(sorted[i - 1] as string, l) !== 0) : sorted;
  ctx.stdout(joinLines(out));
  return 0;
};

export const uniq: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'cdui', { count: 'c', repeated: 'd', unique: 'u', 'ignore-case': 'i' });
  if (o === null) return 1;
  const f = (k: string): boolean => o.flags.has(k);
  if (o.args.length > 2) {
    ctx.stderr(`uniq: extra operand '${o.args[2]}'\nTry 'uniq --help' for more information.\n`);
    return 1;
  }
  const [input, output] = o.args;
  return forEachInput(ctx, input === undefined ? [] : [input], (text) => {
    const groups: { line: string; n: number }[] = [];
    const same = (a: string, b: string): boolean => (f('i') ? a.toLowerCase() === b.toLowerCase() : a === b);
    for (const line of lines(text)) {
      const last = groups[groups.length - 1];
      if (last !== undefined && same(last.line, line)) last.n++;
      else groups.push({ line, n: 1 });
    }
    const out = groups
      .filter((g) => (f('d') ? g.n > 1 : true) && (f('u') ? g.n === 1 : true))
      .map((g) => (f('c') ? `${String(g.n).padStart(7)} ${g.line}\n` : `${g.line}\n`))
      .join('');
    if (output !== undefined) ctx.fs.writeFile(output, out, ctx.cwd);
    else ctx.stdout(out);
  });
};
