// Helpers the text tools share: option parsing in the getopt style, reading FILE arguments (or standard input),
// splitting text into lines.

import type { CommandContext } from '../interpreter.ts';
import { VfsError } from '../../common/vfs.ts';

export interface Options {
  flags: Map<string, string | true>;
  /** Values of options that may repeat (`grep -e A -e B`), in order. */
  all: Map<string, string[]>;
  args: string[];
}

/** Parses short options per `spec` (getopt style: `"cvie:"`, a `:` after a letter means it takes a value,
 * attached or as the next argument). Options may follow operands, as GNU tools allow; `--` ends them; `-` alone
 * is an operand. `long` maps long options to short letters. On a bad option prints the tool's complaint and
 * returns null. */
export function getopt(ctx: CommandContext, spec: string, long: Record<string, string> = {}): Options | null {
  const tool = ctx.argv[0] as string;
  const flags = new Map<string, string | true>();
  const all = new Map<string, string[]>();
  const args: string[] = [];
  const set = (k: string, v: string | true): void => {
    flags.set(k, v);
    if (typeof v === 'string') all.set(k, [...(all.get(k) ?? []), v]);
  };
  const argv = ctx.argv.slice(1);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const letter = long[name];
      if (letter === undefined) {
        ctx.stderr(`${tool}: unrecognized option '${a}'\nTry '${tool} --help' for more information.\n`);
        return null;
      }
      const takes = spec.includes(letter + ':');
      if (takes) {
        const v = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (v === undefined) {
          ctx.stderr(`${tool}: option '--${name}' requires an argument\nTry '${tool} --help' for more information.\n`);
          return null;
        }
        set(letter, v);
      } else set(letter, true);
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      args.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j] as string;
      const at = spec.indexOf(c);
      if (at < 0 || c === ':') {
        ctx.stderr(`${tool}: invalid option -- '${c}'\nTry '${tool} --help' for more information.\n`);
        return null;
      }
      if (spec[at + 1] === ':') {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) {
          ctx.stderr(`${tool}: option requires an argument -- '${c}'\nTry '${tool} --help' for more information.\n`);
          return null;
        }
        set(c, v);
        break;
      }
      set(c, true);
    }
  }
  return { flags, all, args };
}

/** The text of a FILE operand (`-` is standard input). Throws VfsError. */
export function readInput(ctx: CommandContext, file: string): string {
  return file === '-' ? ctx.stdin : ctx.fs.readFile(file, ctx.cwd);
}

/** Reads each FILE operand (standard input when there are none), calling `each` with its text; a file that
 * cannot be read is reported with `format` (default `tool: FILE: reason`) and makes the result 1 (or `failStatus`). */
export function forEachInput(
  ctx: CommandContext,
  files: readonly string[],
  each: (text: string, name: string) => void,
  options: { format?: (file: string, reason: string) => string; failStatus?: number } = {},
): number {
  const tool = ctx.argv[0] as string;
  const format = options.format ?? ((f, r) => `${tool}: ${f}: ${r}`);
  let status = 0;
  for (const f of files.length === 0 ? ['-'] : files) {
    let text: string;
    try {
      text = readInput(ctx, f);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      ctx.stderr(format(f, e.reason) + '\n');
      status = options.failStatus ?? 1;
      continue;
    }
    each(text, f === '-' ? '(standard input)' : f);
  }
  return status;
}

/** Lines of a text; a final newline does not start another line. */
export function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

export function joinLines(ls: readonly string[]): string {
  return ls.map((l) => l + '\n').join('');
}

/** Backslash escapes as `echo -e` and `printf` read them; `\c` stops the output (returned as `stop`). */
export function unescape(s: string, octalNeedsZero = true): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i] as string;
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'e': out += '\x1b'; break;
      case '\\': out += '\\'; break;
      case 'c': return { text: out, stop: true };
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += '\\x';
        break;
      }
      default: {
        const m = octalNeedsZero ? (n === '0' ? /^[0-7]{0,3}/.exec(s.slice(i + 1)) : null) : /^[0-7]{0,2}/.exec(s.slice(i + 1));
        if (m && (n === '0' || (!octalNeedsZero && /[0-7]/.test(n)))) {
          const digits = (n === '0' && octalNeedsZero ? '' : n) + m[0];
          out += String.fromCharCode(parseInt(digits === '' ? '0' : digits, 8));
          i += m[0].length;
        } else out += '\\' + n;
      }
    }
  }
  return { text: out, stop: false };
}
