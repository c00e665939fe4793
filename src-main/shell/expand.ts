// Word expansion for the console shell: parameter expansion, command substitution, arithmetic, field splitting
// and quote removal, in POSIX order. Field splitting applies only to the results of unquoted expansions (and to
// the unquoted text of a ${VAR:-word} argument), on the characters of IFS (default space, tab, newline).
//
// There is deliberately NO pathname expansion (globbing): the consoles' file systems are tiny and tutorials
// quote their patterns, so `*` and `?` stay literal. Tilde expansion is done for a leading `~` or `~/` only.

import type { ArithPart, HeredocRedirect, InnerPart, ParamPart, Script, Word, WordPart } from './parse.ts';

export interface ExpandEnv {
  /** A variable or special parameter (`?`, `$`, `#`, `1`, ...); undefined when unset. */
  getVar(name: string): string | undefined;
  /** Runs a command substitution and returns its standard output. */
  runSubstitution(script: Script): Promise<string>;
  /** For ${VAR:=word} and arithmetic assignment; without it those raise an ExpansionError. */
  setVar?(name: string, value: string): void;
  /** The positional parameters, for "$@" (one field each). Defaults to none. */
  positional?(): string[];
}

/** An error while expanding (`${X:?msg}`, a bad arithmetic expression); the shell prints it and fails the
 * command with status 1 (2 for arithmetic syntax), as ash does. */
export class ExpansionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpansionError';
  }
}

/** A piece of an expanded word: `split` text is subject to field splitting; `quoted` text makes a field exist
 * even when empty; `brk` ends the current field ("$@"). */
interface Seg {
  text: string;
  split: boolean;
  quoted: boolean;
  brk?: boolean;
}

/** Expands a command's words into argv: expansions, field splitting, quote removal. Words that expand to
 * nothing (an unquoted empty variable) disappear; `""` stays as an empty argument. After `export`, `readonly`
 * or `local`, arguments of the form NAME=value are expanded like assignments (not split). */
export async function expandWords(words: readonly Word[], env: ExpandEnv): Promise<string[]> {
  const argv: string[] = [];
  for (const w of words) {
    const declaration = argv.length > 0 && DECLARATION.has(argv[0] as string) && isAssignmentWord(w);
    if (declaration) argv.push(await expandString(w, env));
    else argv.push(...(await expandWord(w, env)));
  }
  return argv;
}

const DECLARATION = new Set(['export', 'readonly', 'local']);

function isAssignmentWord(w: Word): boolean {
  const p = w.parts[0];
  return p?.kind === 'literal' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(p.text);
}

/** One word to zero or more fields. */
export async function expandWord(word: Word, env: ExpandEnv): Promise<string[]> {
  const segs = await expandParts(tilde(word.parts, env), false, env);
  return splitFields(segs, ifsOf(env));
}

/** One word to one string, without field splitting: assignment values, redirection targets, `case` words.
 * "$@" joins with spaces. */
export async function expandString(word: Word, env: ExpandEnv): Promise<string> {
  const segs = await expandParts(tilde(word.parts, env), true, env);
  return segs.map((s) => (s.brk ? ' ' : s.text)).join('');
}

/** The text a here-document feeds to its command (expanded unless the delimiter was quoted). */
export async function expandHeredoc(redirect: HeredocRedirect, env: ExpandEnv): Promise<string> {
  return expandString(redirect.body, env);
}

function ifsOf(env: ExpandEnv): string {
  return env.getVar('IFS') ?? ' \t\n';
}

/** `~` and `~/...` at the start of a word become $HOME. */
function tilde(parts: readonly WordPart[], env: ExpandEnv): readonly WordPart[] {
  const first = parts[0];
  if (first?.kind !== 'literal' || !first.text.startsWith('~')) return parts;
  if (first.text !== '~' && !first.text.startsWith('~/')) return parts;
  const home = env.getVar('HOME');
  if (home === undefined) return parts;
  return [{ kind: 'single', text: home }, { kind: 'literal', text: first.text.slice(1) }, ...parts.slice(1)];
}

/** `inQuotes`: the parts are inside double quotes (or the whole result will not be split anyway). */
async function expandParts(parts: readonly (WordPart | InnerPart)[], inQuotes: boolean, env: ExpandEnv): Promise<Seg[]> {
  const out: Seg[] = [];
  for (const p of parts) {
    switch (p.kind) {
      case 'literal':
        // Top-level literal text never contains unquoted blanks, except inside a ${VAR:-a b} argument,
        // which is split when unquoted (as in sh).
        out.push({ text: p.text, split: !inQuotes, quoted: inQuotes });
        break;
      case 'single':
      case 'escaped':
        out.push({ text: p.text, split: false, quoted: true });
        break;
      case 'double': {
        // "$@" with no positional parameters is no field at all, unlike "" (an empty one).
        const onlyAt = p.parts.length > 0 && p.parts.every((x) => x.kind === 'param' && x.name === '@' && x.op === undefined);
        if (!(onlyAt && (env.positional?.() ?? []).length === 0)) out.push({ text: '', split: false, quoted: true });
        out.push(...(await expandParts(p.parts, true, env)));
        break;
      }
      case 'param':
        out.push(...(await expandParam(p, inQuotes, env)));
        break;
      case 'command': {
        const text = (await env.runSubstitution(p.script)).replace(/\n+$/, '');
        out.push({ text, split: !inQuotes, quoted: inQuotes });
        break;
      }
      case 'arith': {
        const text = await expandArith(p, env);
        out.push({ text, split: !inQuotes, quoted: inQuotes });
        break;
      }
    }
  }
  return out;
}

async function expandParam(p: ParamPart, inQuotes: boolean, env: ExpandEnv): Promise<Seg[]> {
  const value = (v: string): Seg[] => [{ text: v, split: !inQuotes, quoted: inQuotes }];
  if (p.name === '@' && inQuotes && p.op === undefined) {
    const args = env.positional?.() ?? [];
    const segs: Seg[] = [];
    args.forEach((a, i) => {
      if (i > 0) segs.push({ text: '', split: false, quoted: false, brk: true });
      segs.push({ text: a, split: false, quoted: true });
    });
    return segs;
  }
  const cur = getParam(p.name, env);
  const arg = async (): Promise<Seg[]> => expandParts(p.arg?.parts ?? [], inQuotes, env);
  const argString = async (): Promise<string> => (await expandParts(p.arg?.parts ?? [], true, env)).map((s) => s.text).join('');
  const isNull = cur === undefined || cur === '';
  switch (p.op) {
    case undefined:
      return value(cur ?? '');
    case 'length':
      return value(String([...(cur ?? '')].length));
    case '-':
    case ':-':
      return (p.op === '-' ? cur === undefined : isNull) ? arg() : value(cur ?? '');
    case '+':
    case ':+':
      return (p.op === '+' ? cur === undefined : isNull) ? [] : arg();
    case '=':
    case ':=': {
      if (!(p.op === '=' ? cur === undefined : isNull)) return value(cur ?? '');
      const v = await argString();
      if (!env.setVar || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) throw new ExpansionError(`${p.name}: cannot assign in this way`);
      env.setVar(p.name, v);
      return value(v);
    }
    case '?':
    case ':?': {
      if (!(p.op === '?' ? cur === undefined : isNull)) return value(cur ?? '');
      const msg = await argString();
      throw new ExpansionError(`${p.name}: ${msg !== '' ? msg : p.op === '?' ? 'parameter not set' : 'parameter not set or null'}`);
    }
    case '#':
    case '##':
    case '%':
    case '%%': {
      const v = cur ?? '';
      const re = await patternSource(p.arg?.parts ?? [], env);
      const greedy = p.op.length === 2;
      if (p.op[0] === '#') {
        // shortest (or longest) matching prefix: try lengths in order
        const lens = [...Array(v.length + 1).keys()];
        if (greedy) lens.reverse();
        for (const n of lens) if (matchesWhole(re, v.slice(0, n))) return value(v.slice(n));
        return value(v);
      }
      const starts = [...Array(v.length + 1).keys()];
      if (!greedy) starts.reverse();
      for (const n of starts) if (matchesWhole(re, v.slice(n))) return value(v.slice(0, n));
      return value(v);
    }
  }
}

function matchesWhole(source: string, s: string): boolean {
  return new RegExp(`^(?:${source})$`, 's').test(s);
}

/** A shell pattern (for ${VAR#pat} etc.) as a regular-expression source: unquoted `*`, `?`, `[...]` are
 * wildcards, quoted text is literal. */
async function patternSource(parts: readonly (WordPart | InnerPart)[], env: ExpandEnv): Promise<string> {
  let src = '';
  for (const p of parts) {
    if (p.kind === 'literal') src += globToRegex(p.text);
    else src += escapeRegex((await expandParts([p], true, env)).map((s) => s.text).join(''));
  }
  return src;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += escapeRegex(c);
  }
  return out;
}

function getParam(name: string, env: ExpandEnv): string | undefined {
  if (name === '@' || name === '*') {
    const args = env.positional?.();
    if (args) return args.join(' ');
  }
  if (name === '#' && env.positional) return String(env.positional().length);
  return env.getVar(name);
}

/** Splits the segments of one word into fields on IFS (POSIX 2.6.5). */
function splitFields(segs: readonly Seg[], ifs: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let started = false;
  /** The last delimiter was IFS white space that ended a field: a following non-white IFS character belongs
   * to the same delimiter. */
  let afterWhite = false;
  const end = (): void => {
    fields.push(cur);
    cur = '';
    started = false;
  };
  for (const s of segs) {
    if (s.brk) {
      end();
      continue;
    }
    if (!s.split) {
      cur += s.text;
      if (s.quoted || s.text !== '') started = true;
      if (s.text !== '') afterWhite = false;
      continue;
    }
    for (const ch of s.text) {
      if (!ifs.includes(ch)) {
        cur += ch;
        started = true;
        afterWhite = false;
      } else if (ch === ' ' || ch === '\t' || ch === '\n') {
        if (started) {
          end();
          afterWhite = true;
        }
      } else if (afterWhite && !started) {
        afterWhite = false;
      } else {
        end();
        afterWhite = false;
      }
    }
  }
  if (started) fields.push(cur);
  return fields;
}

// ------------------------------------------------------------------------------------------------ arithmetic

async function expandArith(p: ArithPart, env: ExpandEnv): Promise<string> {
  const text = (await expandParts(p.expr.parts, true, env)).map((s) => s.text).join('');
  return new Arith(text, env).run().toString();
}

const BINARY: [string, number][] = [
  ['||', 1], ['&&', 2], ['|', 3], ['^', 4], ['&', 5], ['==', 6], ['!=', 6], ['<=', 7], ['>=', 7], ['<', 7], ['>', 7],
  ['<<', 8], ['>>', 8], ['+', 9], ['-', 9], ['*', 10], ['/', 10], ['%', 10], ['**', 11],
];
const ASSIGN_OPS = ['=', '+=', '-=', '*=', '/=', '%='];

/** Integer arithmetic as in $((...)): 64-bit semantics approximated with BigInt (no wrap-around). */
class Arith {
  private pos = 0;
  constructor(private readonly src: string, private readonly env: ExpandEnv) {}

  run(): bigint {
    const v = this.ternary();
    this.blank();
    if (this.pos < this.src.length) throw this.syntax();
    return v;
  }

  private syntax(): ExpansionError {
    return new ExpansionError(`arithmetic syntax error: "${this.src.trim()}"`);
  }

  private blank(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  private take(s: string): boolean {
    this.blank();
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }

  private ternary(): bigint {
    const c = this.binary(1);
    if (!this.take('?')) return c;
    const a = this.ternary();
    if (!this.take(':')) throw this.syntax();
    const b = this.ternary();
    return c !== 0n ? a : b;
  }

  private binary(min: number): bigint {
    let left = this.unary();
    for (;;) {
      this.blank();
      const rest = this.src.slice(this.pos);
      // longest operator first; an assignment operator is not a binary one
      const found = BINARY.filter(([op]) => rest.startsWith(op)).sort((a, b) => b[0].length - a[0].length)[0];
      if (!found || found[1] < min || ASSIGN_OPS.some((a) => a.length > found[0].length && rest.startsWith(a))) return left;
      const [op, prec] = found;
      this.pos += op.length;
      const right = this.binary(op === '**' ? prec : prec + 1);
      left = this.apply(op, left, right);
    }
  }

  private apply(op: string, a: bigint, b: bigint): bigint {
    const bool = (x: boolean): bigint => (x ? 1n : 0n);
    switch (op) {
      case '||': return bool(a !== 0n || b !== 0n);
      case '&&': return bool(a !== 0n && b !== 0n);
      case '|': return a | b;
      case '^': return a ^ b;
      case '&': return a & b;
      case '==': return bool(a === b);
      case '!=': return bool(a !== b);
      case '<=': return bool(a <= b);
      case '>=': return bool(a >= b);
      case '<': return bool(a < b);
      case '>': return bool(a > b);
      case '<<': return a << b;
      case '>>': return a >> b;
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '**':
        if (b < 0n) throw new ExpansionError('exponent less than 0');
        return a ** b;
      case '/':
      case '%':
        if (b === 0n) throw new ExpansionError('division by zero');
        return op === '/' ? a / b : a % b;
      default:
        throw this.syntax();
    }
  }

  private unary(): bigint {
    if (this.take('!')) return this.unary() === 0n ? 1n : 0n;
    if (this.take('~')) return ~this.unary();
    if (this.take('-')) return -this.unary();
    if (this.take('+')) return this.unary();
    return this.primary();
  }

  private primary(): bigint {
    this.blank();
    if (this.take('(')) {
      const v = this.ternary();
      if (!this.take(')')) throw this.syntax();
      return v;
    }
    const rest = this.src.slice(this.pos);
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      const t = num[0];
      return /^0[0-7]+$/.test(t) ? BigInt('0o' + t.slice(1)) : BigInt(t);
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      this.pos += name[0].length;
      this.blank();
      const op = ASSIGN_OPS.slice().sort((a, b) => b.length - a.length).find((a) => this.src.startsWith(a, this.pos) && !this.src.startsWith('==', this.pos));
      if (op) {
        this.pos += op.length;
        const rhs = this.ternary();
        const v = op === '=' ? rhs : this.apply(op.slice(0, -1), this.variable(name[0]), rhs);
        if (!this.env.setVar) throw new ExpansionError(`${name[0]}: cannot assign in this way`);
        this.env.setVar(name[0], v.toString());
        return v;
      }
      return this.variable(name[0]);
    }
    throw this.syntax();
  }

  private variable(name: string): bigint {
    const v = (this.env.getVar(name) ?? '').trim();
    if (v === '') return 0n;
    if (!/^-?(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(v)) throw new ExpansionError(`arithmetic syntax error: "${v}"`);
    return BigInt(v);
  }
}
