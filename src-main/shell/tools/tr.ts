// tr [-d] [-s] [-c] SET1 [SET2]: ranges (a-z), classes ([:upper:]), escapes (\n, \t, \\, octal).
import type { CommandImpl } from '../interpreter.ts';
import { getopt } from './util.ts';

const CLASS: Record<string, () => string[]> = {
  upper: () => range('A', 'Z'),
  lower: () => range('a', 'z'),
  digit: () => range('0', '9'),
  alpha: () => [...range('A', 'Z'), ...range('a', 'z')],
  alnum: () => [...range('0', '9'), ...range('A', 'Z'), ...range('a', 'z')],
  space: () => [' ', '\t', '\n', '\r', '\f', '\v'],
  blank: () => [' ', '\t'],
  punct: () => [...range('!', '/'), ...range(':', '@'), ...range('[', '`'), ...range('{', '~')],
  xdigit: () => [...range('0', '9'), ...range('A', 'F'), ...range('a', 'f')],
};

function range(a: string, b: string): string[] {
  const out: string[] = [];
  for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) out.push(String.fromCharCode(c));
  return out;
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };

function expandSet(s: string): string[] | string {
  const chars: string[] = [];
  let i = 0;
  const one = (): string => {
    const c = s[i] as string;
    if (c === '\\' && i + 1 < s.length) {
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1));
      if (oct) {
        i += 1 + oct[0].length;
        return String.fromCharCode(parseInt(oct[0], 8));
      }
      const n = s[i + 1] as string;
      i += 2;
      return ESC[n] ?? n;
    }
    i++;
    return c;
  };
  while (i < s.length) {
    const cls = /^\[:([a-z]+):\]/.exec(s.slice(i));
    if (cls) {
      const f = CLASS[cls[1] as string];
      if (f === undefined) return `invalid character class '${cls[1]}'`;
      chars.push(...f());
      i += cls[0].length;
      continue;
    }
    const c = one();
    if (s[i] === '-' && i + 1 < s.length) {
      i++;
      const d = one();
      if (d < c) return `range-endpoints of '${c}-${d}' are in reverse collating sequence order`;
      chars.push(...range(c, d));
    } else chars.push(c);
  }
  return chars;
}

export const tr: CommandImpl = (ctx) => {
  const o = getopt(ctx, 'dscC', { delete: 'd', 'squeeze-repeats': 's', complement: 'c' });
  if (o === null) return 1;
  const del = o.flags.has('d');
  const squeeze = o.flags.has('s');
  const complement = o.flags.has('c') || o.flags.has('C');
  const need = del && squeeze ? 2 : del || squeeze ? 1 : 2;
  if (o.args.length < need) {
    ctx.stderr(o.args.length === 0 ? "tr: missing operand\nTry 'tr --help' for more information.\n" : `tr: missing operand after '${o.args[o.args.length - 1]}'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n`);
    return 1;
  }
  const sets = o.args.slice(0, 2).map(expandSet);
  for (const s of sets) {
    if (typeof s === 'string') {
      ctx.stderr(`tr: ${s}\n`);
      return 1;
    }
  }
  const set1 = new Set(sets[0] as string[]);
  const in1 = (c: string): boolean => set1.has(c) !== complement;
  const set2 = (sets[1] as string[] | undefined) ?? [];
  const map = new Map<string, string>();
  if (!del && !complement && set2.length > 0) {
    (sets[0] as string[]).forEach((c, k) => map.set(c, set2[Math.min(k, set2.length - 1)] as string));
  }
  const squeezeSet = new Set(del || set2.length === 0 ? (sets[0] as string[]) : set2);
  const inSqueeze = (c: string): boolean => (del || set2.length === 0 ? squeezeSet.has(c) !== complement : squeezeSet.has(c));
  let out = '';
  let last: string | null = null;
  for (const ch of ctx.stdin) {
    let c = ch;
    if (del && in1(c)) continue;
    if (!del) {
      if (complement && set2.length > 0 && in1(c)) c = set2[set2.length - 1] as string;
      else c = map.get(c) ?? c;
    }
    if (squeeze && c === last && inSqueeze(c)) continue;
    out += c;
    last = c;
  }
  ctx.stdout(out);
  return 0;
};
