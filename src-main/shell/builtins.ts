// The shell's builtins: echo, printf, true, false, :, test / [, export, unset, cd, pwd, exit, wait, sleep, set,
// read, break, continue. They run in the shell that invoked them (a fork in subshells and pipeline stages), so
// `cd` and `export` last for the rest of the session. Messages follow the shell's dialect (`bash: cd: ...`).

import { ExitSignal, INTERRUPTED } from './interpreter.ts';
import { whenAborted } from './interrupt.ts';
import type { CommandContext, CommandImpl } from './interpreter.ts';
import { unescape } from './tools/util.ts';

/** The shell's own complaint about a builtin: `bash: cd: ...`. */
function complain(ctx: CommandContext, message: string): void {
  ctx.stderr(ctx.shell.errorLine(`${ctx.argv[0]}: ${message}`));
}

// ------------------------------------------------------------------ echo and printf

const echo: CommandImpl = (ctx) => {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0] as string)) {
    for (const c of (args.shift() as string).slice(1)) {
      if (c === 'n') newline = false;
      else if (c === 'e') escapes = true;
      else escapes = false;
    }
  }
  let text = args.join(' ');
  if (escapes) {
    const u = unescape(text);
    text = u.text;
    if (u.stop) newline = false;
  }
  ctx.stdout(newline ? text + '\n' : text);
  return 0;
};

const printf: CommandImpl = (ctx) => {
  const [format, ...args] = ctx.argv.slice(1);
  if (format === undefined) {
    ctx.stderr(ctx.shell.dialect === 'bash' ? ctx.shell.errorLine('printf: usage: printf [-v var] format [arguments]') : 'printf: usage: printf FORMAT [ARGUMENT...]\n');
    return 2;
  }
  const r = formatPrintf(format, args, (bad) => complain(ctx, `${bad}: invalid number`));
  ctx.stdout(r.text);
  return r.ok ? 0 : 1;
};

/** printf(1): the format is reused while arguments remain. */
export function formatPrintf(format: string, args: readonly string[], invalid: (arg: string) => void): { text: string; ok: boolean } {
  let out = '';
  let ok = true;
  let k = 0;
  const next = (): string | undefined => args[k++];
  const num = (a: string | undefined, float = false): number => {
    if (a === undefined || a === '') return 0;
    if (/^['"]/.test(a)) return a.codePointAt(1) ?? 0;
    const t = a.trim();
    const re = float ? /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/ : /^[+-]?(0[xX][0-9a-fA-F]+|\d+)$/;
    if (!re.test(t)) {
      invalid(a);
      ok = false;
      const m = /^[+-]?\d+/.exec(t);
      return m ? Number(m[0]) : 0;
    }
    return float ? Number(t) : t.replace(/^[+-]/, '').startsWith('0x') || t.replace(/^[+-]/, '').startsWith('0X') ? (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]/, ''), 16) : /^[+-]?0[0-7]+$/.test(t) ? (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]?0/, ''), 8) : Number(t);
  };
  for (;;) {
    const before = k;
    for (let i = 0; i < format.length; i++) {
      const c = format[i] as string;
      if (c === '\\') {
        // one escape at a time: \c stops everything; \NNN is octal without a leading 0, as in printf(1)
        const m = /^\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/s.exec(format.slice(i));
        const esc = m ? m[0] : '\\';
        const u = unescape(esc, false);
        if (u.stop) return { text: out, ok };
        out += u.text;
        i += esc.length - 1;
        continue;
      }
      if (c !== '%') {
        out += c;
        continue;
      }
      const m = /^%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXcsbfeEgG%])/.exec(format.slice(i));
      if (!m) {
        out += c;
        continue;
      }
      i += m[0].length - 1;
      const flags = m[1] ?? '';
      const width = m[2] === '*' ? num(next()) : m[2] !== undefined ? Number(m[2]) : 0;
      const precRaw = m[3] === '*' ? String(num(next())) : m[3];
      const prec = precRaw === undefined ? undefined : precRaw === '' ? 0 : Number(precRaw);
      const conv = m[4] as string;
      let body: string;
      switch (conv) {
        case '%':
          out += '%';
          continue;
        case 's':
          body = next() ?? '';
          if (prec !== undefined) body = body.slice(0, prec);
          break;
        case 'b': {
          const u = unescape(next() ?? '');
          body = u.text;
          if (u.stop) {
            out += pad(body, width, flags, false);
            return { text: out, ok };
          }
          break;
        }
        case 'c':
          body = (next() ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i':
        case 'u': {
          const v = Math.trunc(num(next()));
          body = Math.abs(v).toString();
          if (prec !== undefined) body = body.padStart(prec, '0');
          body = (v < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + body;
          break;
        }
        case 'o':
        case 'x':
        case 'X': {
          let v = Math.trunc(num(next()));
          if (v < 0) v = Number(BigInt.asUintN(64, BigInt(v)));
          body = v.toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') body = body.toUpperCase();
          if (prec !== undefined) body = body.padStart(prec, '0');
          if (flags.includes('#') && v !== 0) body = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + body;
          break;
        }
        default: {
          const v = num(next(), true);
          const p = prec ?? 6;
          body = conv === 'f' ? v.toFixed(p) : conv === 'e' || conv === 'E' ? cExp(v, p) : String(Number(v.toPrecision(p || 1)));
          if (conv === 'E' || conv === 'G') body = body.toUpperCase();
          if (v >= 0 && flags.includes('+')) body = '+' + body;
        }
      }
      out += pad(body, width, flags, 'diouxXfeEgG'.includes(conv));
    }
    if (k >= args.length || k === before) break;
  }
  return { text: out, ok };
}

function cExp(v: number, p: number): string {
  const [mant, exp] = v.toExponential(p).split('e') as [string, string];
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

function pad(body: string, width: number, flags: string, numeric: boolean): string {
  if (body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(body) ? (body[0] as string) : '';
    return sign + body.slice(sign.length).padStart(width - sign.length, '0');
  }
  return body.padStart(width);
}

// ------------------------------------------------------------------ test and [

class TestError extends Error {}

const INT = /^\s*[+-]?\d+\s*$/;
const UNARY = new Set(['-z', '-n', '-e', '-f', '-d', '-s', '-r', '-w', '-x', '-L', '-h', '-b', '-c', '-p', '-S', '-t']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

function testCommand(bracket: boolean): CommandImpl {
  return (ctx) => {
    let args = ctx.argv.slice(1);
    if (bracket) {
      if (args[args.length - 1] !== ']') {
        complain(ctx, "missing `]'");
        return 2;
      }
      args = args.slice(0, -1);
    }
    try {
      return evalTest(args, ctx) ? 0 : 1;
    } catch (e) {
      if (!(e instanceof TestError)) throw e;
      complain(ctx, e.message);
      return 2;
    }
  };
}

function evalTest(args: string[], ctx: CommandContext): boolean {
  switch (args.length) {
    case 0:
      return false;
    case 1:
      return (args[0] as string) !== '';
    case 2:
      if (args[0] === '!') return !evalTest(args.slice(1), ctx);
      if (UNARY.has(args[0] as string)) return unary(args[0] as string, args[1] as string, ctx);
      throw new TestError(`${args[0]}: unary operator expected`);
    case 3:
      if (BINARY.has(args[1] as string)) return binary(args[0] as string, args[1] as string, args[2] as string, ctx);
      if (args[0] === '!') return !evalTest(args.slice(1), ctx);
      if (args[0] === '(' && args[2] === ')') return evalTest([args[1] as string], ctx);
      if (args[1] !== '-a' && args[1] !== '-o') throw new TestError(`${args[1]}: binary operator expected`);
      break;
    case 4:
      if (args[0] === '!') return !evalTest(args.slice(1), ctx);
      if (args[0] === '(' && args[3] === ')') return evalTest(args.slice(1, 3), ctx);
      break;
  }
  const p = new TestParser(args, ctx);
  const v = p.or();
  if (!p.done()) throw new TestError('too many arguments');
  return v;
}

class TestParser {
  private i = 0;
  constructor(
    private readonly args: string[],
    private readonly ctx: CommandContext,
  ) {}
  done(): boolean {
    return this.i >= this.args.length;
  }
  or(): boolean {
    let v = this.and();
    while (this.args[this.i] === '-o') {
      this.i++;
      const r = this.and();
      v = v || r;
    }
    return v;
  }
  and(): boolean {
    let v = this.not();
    while (this.args[this.i] === '-a') {
      this.i++;
      const r = this.not();
      v = v && r;
    }
    return v;
  }
  not(): boolean {
    if (this.args[this.i] === '!') {
      this.i++;
      return !this.not();
    }
    return this.primary();
  }
  primary(): boolean {
    const a = this.args[this.i];
    if (a === undefined) throw new TestError('argument expected');
    if (a === '(') {
      this.i++;
      const v = this.or();
      if (this.args[this.i] !== ')') throw new TestError("`)' expected");
      this.i++;
      return v;
    }
    const op = this.args[this.i + 1];
    if (op !== undefined && BINARY.has(op) && this.args[this.i + 2] !== undefined) {
      this.i += 3;
      return binary(a, op, this.args[this.i - 1] as string, this.ctx);
    }
    if (UNARY.has(a) && this.args[this.i + 1] !== undefined) {
      this.i += 2;
      return unary(a, this.args[this.i - 1] as string, this.ctx);
    }
    this.i++;
    return a !== '';
  }
}

function unary(op: string, arg: string, ctx: CommandContext): boolean {
  switch (op) {
    case '-z':
      return arg === '';
    case '-n':
      return arg !== '';
    case '-e':
    case '-r':
    case '-w':
      return ctx.fs.exists(arg, ctx.cwd);
    case '-f':
      return ctx.fs.isFile(arg, ctx.cwd);
    case '-d':
    case '-x':
      return ctx.fs.isDir(arg, ctx.cwd);
    case '-s':
      return (ctx.fs.size(arg, ctx.cwd) ?? 0) > 0;
    default:
      return false;
  }
}

function binary(a: string, op: string, b: string, ctx: CommandContext): boolean {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
  }
  const int = (s: string): number => {
    if (!INT.test(s)) throw new TestError(ctx.shell.dialect === 'bash' ? `${s}: integer expression expected` : `${s}: bad number`);
    return Number(s.trim());
  };
  const x = int(a);
  const y = int(b);
  switch (op) {
    case '-eq': return x === y;
    case '-ne': return x !== y;
    case '-lt': return x < y;
    case '-le': return x <= y;
    case '-gt': return x > y;
    default: return x >= y;
  }
}

// ------------------------------------------------------------------ variables

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quoteValue(ctx: CommandContext, v: string): string {
  return ctx.shell.dialect === 'bash' ? `"${v.replace(/(["\\$`])/g, '\\$1')}"` : `'${v.replace(/'/g, "'\\''")}'`;
}

const exportBuiltin: CommandImpl = (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '-p' && a !== '--');
  if (args.length === 0) {
    const env = [...ctx.shell.environment()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, v] of env) ctx.stdout(ctx.shell.dialect === 'bash' ? `declare -x ${k}=${quoteValue(ctx, v)}\n` : `export ${k}=${quoteValue(ctx, v)}\n`);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!NAME.test(name)) {
      complain(ctx, ctx.shell.dialect === 'bash' ? `\`${a}': not a valid identifier` : `${a}: bad variable name`);
      status = 1;
      continue;
    }
    if (eq >= 0) ctx.shell.setVar(name, a.slice(eq + 1), true);
    else ctx.shell.export(name);
  }
  return status;
};

const unset: CommandImpl = (ctx) => {
  for (const a of ctx.argv.slice(1)) if (a !== '-v') ctx.shell.unsetVar(a);
  return 0;
};

const set: CommandImpl = (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    const names = [...ctx.shell.environment().keys()];
    for (const n of names.sort()) ctx.stdout(`${n}=${quoteValue(ctx, ctx.shell.getVar(n) ?? '')}\n`);
    return 0;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-e' || a === '+e') ctx.shell.errexit = a === '-e';
    else if ((a === '-o' || a === '+o') && args[i + 1] === 'errexit') {
      ctx.shell.errexit = a === '-o';
      i++;
    } else {
      complain(ctx, `${a}: invalid option`);
      return 2;
    }
  }
  return 0;
};

const read: CommandImpl = (ctx) => {
  const args = ctx.argv.slice(1);
  let raw = false;
  while (args[0]?.startsWith('-')) {
    const a = args.shift() as string;
    if (a === '-r') raw = true;
    else if (a === '-p') ctx.stderr(args.shift() ?? '');
    else {
      complain(ctx, `${a}: invalid option`);
      return 2;
    }
  }
  const names = args.length > 0 ? args : ['REPLY'];
  let line = ctx.readLine();
  const eof = line === null;
  line ??= '';
  if (!raw) {
    while (line.endsWith('\\')) {
      const more = ctx.readLine();
      line = line.slice(0, -1) + (more ?? '');
      if (more === null) break;
    }
    line = line.replace(/\\(.)/g, '$1');
  }
  const ifs = ctx.env.get('IFS') ?? ctx.shell.getVar('IFS') ?? ' \t\n';
  const white = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
  const isWhite = (c: string): boolean => white.includes(c);
  let rest = line;
  const trimStart = (s: string): string => {
    let i = 0;
    while (i < s.length && isWhite(s[i] as string)) i++;
    return s.slice(i);
  };
  rest = trimStart(rest);
  names.forEach((name, k) => {
    if (k === names.length - 1) {
      let end = rest.length;
      while (end > 0 && isWhite(rest[end - 1] as string)) end--;
      ctx.shell.setVar(name, rest.slice(0, end));
      return;
    }
    let i = 0;
    while (i < rest.length && !ifs.includes(rest[i] as string)) i++;
    ctx.shell.setVar(name, rest.slice(0, i));
    rest = rest.slice(i);
    // one delimiter: white space around at most one non-white IFS character
    rest = trimStart(rest);
    if (rest !== '' && ifs.includes(rest[0] as string) && !isWhite(rest[0] as string)) rest = trimStart(rest.slice(1));
  });
  return eof ? 1 : 0;
};

// ------------------------------------------------------------------ the working directory

const cd: CommandImpl = (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '--');
  if (args.length > 1) {
    complain(ctx, 'too many arguments');
    return 1;
  }
  let target = args[0];
  let print = false;
  if (target === undefined) {
    target = ctx.shell.getVar('HOME');
    if (target === undefined) {
      complain(ctx, 'HOME not set');
      return 1;
    }
  } else if (target === '-') {
    target = ctx.shell.getVar('OLDPWD');
    if (target === undefined) {
      complain(ctx, 'OLDPWD not set');
      return 1;
    }
    print = true;
  }
  const abs = ctx.fs.resolve(target, ctx.shell.cwd);
  if (!ctx.fs.isDir(abs)) {
    const reason = ctx.fs.exists(abs) ? 'Not a directory' : 'No such file or directory';
    complain(ctx, ctx.shell.dialect === 'bash' ? `${target}: ${reason}` : `can't cd to ${target}: ${reason}`);
    return 1;
  }
  ctx.shell.setVar('OLDPWD', ctx.shell.cwd);
  ctx.shell.cwd = abs;
  ctx.shell.setVar('PWD', abs);
  if (print) ctx.stdout(abs + '\n');
  return 0;
};

const pwd: CommandImpl = (ctx) => {
  ctx.stdout(ctx.shell.cwd + '\n');
  return 0;
};

// ------------------------------------------------------------------ control

const exit: CommandImpl = (ctx) => {
  const a = ctx.argv[1];
  if (a === undefined) throw new ExitSignal(ctx.shell.status);
  if (!/^[+-]?\d+$/.test(a)) {
    complain(ctx, ctx.shell.dialect === 'bash' ? `${a}: numeric argument required` : `Illegal number: ${a}`);
    throw new ExitSignal(2);
  }
  throw new ExitSignal(Number(a) & 255);
};

function loop(kind: 'break' | 'continue'): CommandImpl {
  return (ctx) => {
    const n = ctx.argv[1] === undefined ? 1 : Number(ctx.argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      complain(ctx, `${ctx.argv[1]}: loop count out of range`);
      return 1;
    }
    if (!ctx.shell.inLoop) {
      if (ctx.shell.dialect === 'bash') complain(ctx, "only meaningful in a `for', `while', or `until' loop");
      return 0;
    }
    return ctx.shell.loopControl(kind, n);
  };
}

const wait: CommandImpl = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length === 0) return ctx.shell.wait();
  let status = 0;
  for (const a of args) {
    status = await ctx.shell.wait(a);
    if (status === 127 && ctx.shell.dialect === 'bash') complain(ctx, `pid ${a} is not a child of this shell`);
  }
  return status;
};

const UNIT: Record<string, number> = { '': 1e9, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9 };

const sleep: CommandImpl = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    ctx.stderr("sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  let ns = 0;
  for (const a of args) {
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) {
      ctx.stderr(`sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`);
      return 1;
    }
    ns += Number(m[1]) * (UNIT[m[2] ?? ''] as number);
  }
  // Ctrl-C ends the wait (the timer stays queued; nothing listens to it any more).
  const signal = ctx.signal;
  await Promise.race([ctx.clock.sleep(Math.round(ns)), whenAborted(signal)]);
  return signal?.aborted ? INTERRUPTED : 0;
};

export const BUILTINS: Readonly<Record<string, CommandImpl>> = {
  echo,
  printf,
  true: () => 0,
  false: () => 1,
  ':': () => 0,
  test: testCommand(false),
  '[': testCommand(true),
  export: exportBuiltin,
  unset,
  set,
  read,
  cd,
  pwd,
  exit,
  break: loop('break'),
  continue: loop('continue'),
  wait,
  sleep,
};
