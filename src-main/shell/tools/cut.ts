// cut -f LIST [-d C] [-s] | -c LIST | -b LIST [FILE...], as GNU cut.
import type { CommandImpl } from '../interpreter.ts';
import { forEachInput, getopt, lines } from './util.ts';

type Range = [number, number];

function parseList(list: string): Range[] | string {
  const out: Range[] = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || part === '' || part === '-') return `invalid ${/[a-z]/i.test(part) ? 'field value' : 'range'} '${part}'`;
    const a = m[1] === '' ? 1 : Number(m[1]);
    const b = m[2] === '' ? a : m[3] === '' ? Infinity : Number(m[3]);
    if (a === 0 || b === 0) return 'fields and positions are numbered from 1';
    if (b < a) return 'invalid decreasing range';
    out.push([a, b]);
  }
  return out;
}

const selected = (ranges: Range[], k: number): boolean => ranges.some(([a, b]) => k >= a && k <= b);

export const cut: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'd:f:c:b:snO:', { delimiter: 'd', fields: 'f', characters: 'c', bytes: 'b', 'only-delimited': 's', 'output-delimiter': 'O' });
  if (o === null) return 1;
  const modes = ['f', 'c', 'b'].filter((k) => o.flags.has(k));
  const fail = (msg: string): number => {
    ctx.stderr(`cut: ${msg}\nTry 'cut --help' for more information.\n`);
    return 1;
  };
  if (modes.length === 0) return fail('you must specify a list of bytes, characters, or fields');
  if (modes.length > 1) return fail('only one type of list may be specified');
  const mode = modes[0] as string;
  const ranges = parseList(String(o.flags.get(mode)));
  if (typeof ranges === 'string') return fail(ranges);
  const delim = o.flags.has('d') ? String(o.flags.get('d')) : '\t';
  if (delim.length !== 1) return fail('the delimiter must be a single character');
  if (mode !== 'f' && (o.flags.has('d') || o.flags.has('s'))) return fail('an input delimiter may be specified only when operating on fields');
  const outDelim = o.flags.has('O') ? String(o.flags.get('O')) : delim;
  return forEachInput(ctx, o.args, (text) => {
    let out = '';
    for (const line of lines(text)) {
      if (mode === 'f') {
        if (!line.includes(delim)) {
          if (!o.flags.has('s')) out += line + '\n';
          continue;
        }
        out += line.split(delim).filter((_, i) => selected(ranges, i + 1)).join(outDelim) + '\n';
      } else {
        out += [...line].filter((_, i) => selected(ranges, i + 1)).join('') + '\n';
      }
    }
    ctx.stdout(out);
  });
};
