// The parser of the POSIX-ish shell every Flotilla console speaks (TRANSCRIPTS.md, "Every shell understands").
//
// It turns source text into an AST that keeps words as lists of parts (literal, quoted, parameter, command
// substitution, ...) so that expand.ts can do the expansions later, with field splitting applied only to the
// results of unquoted expansions. Supported: quotes, backslash escapes, $VAR ${VAR} ${VAR:-w} ${#VAR} $? $(...)
// `...` $((...)), | ; && || & !, redirections (< > >> >| <> n>&m n<&m << <<-), here-documents, for / if / while /
// until, ( subshells ), { groups; }, comments, assignments and newlines as separators. Not supported: case,
// function definitions, ${VAR/pat/rep}, here-strings (<<<), process substitution.
//
// Syntax errors read as busybox ash prints them (`syntax error: unexpected "then"`); a ShellSyntaxError knows
// its position and whether the input merely ended too early (`incomplete`), so a console can ask for more lines.

// ---------------------------------------------------------------------------------------------------- the AST

export interface Script {
  kind: 'script';
  items: AndOr[];
}

/** `a && b || c`, possibly run in the background (`&`). */
export interface AndOr {
  kind: 'and-or';
  head: Pipeline;
  tail: { op: '&&' | '||'; pipeline: Pipeline }[];
  background: boolean;
}

export interface Pipeline {
  kind: 'pipeline';
  /** `! cmd`: the exit status is inverted. */
  negated: boolean;
  commands: Command[];
}

export type Command = SimpleCommand | ForCommand | IfCommand | WhileCommand | SubshellCommand | GroupCommand;

export interface SimpleCommand {
  kind: 'simple';
  assignments: Assignment[];
  words: Word[];
  redirects: Redirect[];
  /** Offset of the command's first character in the parsed source. */
  pos: number;
}

export interface ForCommand {
  kind: 'for';
  name: string;
  /** null for `for NAME; do` (iterate over the positional parameters). */
  items: Word[] | null;
  body: Script;
  redirects: Redirect[];
}

export interface IfCommand {
  kind: 'if';
  /** The `if` clause first, then each `elif`. */
  clauses: { condition: Script; body: Script }[];
  elseBody: Script | null;
  redirects: Redirect[];
}

export interface WhileCommand {
  kind: 'while';
  /** true for `until` loops. */
  until: boolean;
  condition: Script;
  body: Script;
  redirects: Redirect[];
}

export interface SubshellCommand {
  kind: 'subshell';
  body: Script;
  redirects: Redirect[];
}

export interface GroupCommand {
  kind: 'group';
  body: Script;
  redirects: Redirect[];
}

export interface Assignment {
  name: string;
  value: Word;
}

export type Redirect = FileRedirect | DupRedirect | HeredocRedirect;

export interface FileRedirect {
  kind: 'file';
  fd: number;
  op: '<' | '>' | '>>' | '>|' | '<>';
  target: Word;
}

/** `2>&1`, `>&2`, `<&0`, `2>&-` (the target word expands to a descriptor number or `-`). */
export interface DupRedirect {
  kind: 'dup';
  fd: number;
  op: '>&' | '<&';
  target: Word;
}

export interface HeredocRedirect {
  kind: 'heredoc';
  fd: number;
  /** The terminator after quote removal. */
  delimiter: string;
  /** A quoted delimiter (`<<'EOF'`, `<<"EOF"`, `<<\EOF`) makes the body literal. */
  quoted: boolean;
  /** `<<-`: leading tabs are stripped from the body lines and the terminator. */
  stripTabs: boolean;
  /** The body, every line ending in a newline: one `single` part when quoted, else one `double` part. */
  body: Word;
}

export interface Word {
  parts: WordPart[];
}

export type WordPart = LiteralPart | SingleQuotedPart | EscapedPart | DoubleQuotedPart | ExpansionPart;

/** The parts that may appear inside double quotes (and in an unquoted here-document body). */
export type InnerPart = LiteralPart | ExpansionPart;

export type ExpansionPart = ParamPart | CommandSubPart | ArithPart;

/** Unquoted text. */
export interface LiteralPart {
  kind: 'literal';
  text: string;
}

/** '...' */
export interface SingleQuotedPart {
  kind: 'single';
  text: string;
}

/** A backslash-escaped character outside quotes (`\$`, `\ `): quoted, so never split. */
export interface EscapedPart {
  kind: 'escaped';
  text: string;
}

/** "..." */
export interface DoubleQuotedPart {
  kind: 'double';
  parts: InnerPart[];
}

export type ParamOp = 'length' | '-' | ':-' | '=' | ':=' | '?' | ':?' | '+' | ':+' | '#' | '##' | '%' | '%%';

/** $NAME, ${NAME}, $?, $1, ${NAME:-word}, ${#NAME}, ... */
export interface ParamPart {
  kind: 'param';
  name: string;
  op?: ParamOp;
  /** The word after the operator (absent for `length`; may be empty). */
  arg?: Word;
}

/** $(...) or `...` */
export interface CommandSubPart {
  kind: 'command';
  script: Script;
  backquoted: boolean;
}

/** $((...)): the expression is expanded like a double-quoted string, then evaluated. */
export interface ArithPart {
  kind: 'arith';
  expr: Word;
}

// ------------------------------------------------------------------------------------------------ the errors

export class ShellSyntaxError extends Error {
  /** Offset in the parsed source, and its 1-based line and column. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** The input ended before the construct did (open quote, missing `done`, here-document without its end):
   * a console would prompt for another line rather than report the error. */
  readonly incomplete: boolean;

  constructor(message: string, source: string, offset: number, incomplete: boolean) {
    super(message);
    this.name = 'ShellSyntaxError';
    this.offset = offset;
    const before = source.slice(0, offset);
    const nl = before.lastIndexOf('\n');
    this.line = before.split('\n').length;
    this.column = offset - nl;
    this.incomplete = incomplete;
  }
}

// ------------------------------------------------------------------------------------------------ the parser

export interface ParseOptions {
  /** Bodies for here-documents whose body does not follow in the source (the source ends on the line of the
   * `<<` operator): taken in order, each the body text with its lines joined by '\n', terminator excluded. */
  heredocs?: string[];
}

/** A here-document operator found on a line: what terminates its body. */
export interface HeredocSpec {
  delimiter: string;
  stripTabs: boolean;
  quoted: boolean;
}

export function parseScript(source: string, options: ParseOptions = {}): Script {
  const p = new Parser({ text: source, base: 0, full: source });
  const script = p.parseProgram();
  if (p.pending.length > 0) {
    const supplied = [...(options.heredocs ?? [])];
    for (const h of p.pending) {
      const body = supplied.shift();
      if (body === undefined) {
        throw new ShellSyntaxError(`syntax error: unexpected end of file (expecting "${h.delimiter}")`, source, source.length, true);
      }
      const text = body === '' ? '' : body.replace(/\n$/, '').split('\n').map((l) => (h.stripTabs ? l.replace(/^\t+/, '') : l) + '\n').join('');
      p.setHeredocBody(h, text, source.length);
    }
  }
  return script;
}

/** The here-documents a one-line command opens, in order (their bodies would follow on the next lines).
 * Used by the transcript reader to know which lines are input. Never throws: a line that does not parse is
 * scanned with a plain pattern instead. */
export function scanHeredocs(line: string): HeredocSpec[] {
  try {
    const p = new Parser({ text: line, base: 0, full: line });
    p.parseProgram();
    return p.pending.map((h) => ({ delimiter: h.delimiter, stripTabs: h.stripTabs, quoted: h.quoted }));
  } catch {
    const out: HeredocSpec[] = [];
    for (const m of line.matchAll(/<<(-?)[ \t]*(['"]?)([A-Za-z0-9_.-]+)\2/g)) {
      out.push({ delimiter: m[3] ?? '', stripTabs: m[1] === '-', quoted: m[2] !== '' });
    }
    return out;
  }
}

type Token =
  | { type: 'word'; word: Word; raw: string; pos: number }
  | { type: 'op'; op: string; pos: number }
  | { type: 'io'; fd: number; raw: string; pos: number }
  | { type: 'eof'; pos: number };

const OPERATORS = ['&&', '||', ';;', '<<-', '<<', '>>', '>&', '<&', '>|', '<>', ';', '&', '|', '(', ')', '<', '>', '\n'];
const REDIRECT_OPS = new Set(['<<-', '<<', '>>', '>&', '<&', '>|', '<>', '<', '>']);
const METACHARS = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const SPECIAL_PARAMS = '?$!#@*-0123456789';
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const PARAM_OPS: ParamOp[] = [':-', ':=', ':?', ':+', '##', '%%', '-', '=', '?', '+', '#', '%'];

interface Source {
  /** The text this parser reads. */
  text: string;
  /** Where `text` starts in `full` (for error positions). */
  base: number;
  /** The whole source given to parseScript. */
  full: string;
}

type WordMode = 'normal' | 'brace';
type InnerMode = 'double' | 'heredoc';

class Parser {
  private readonly src: string;
  private pos = 0;
  private peeked: Token | null = null;
  /** Here-documents whose operator was read and whose body has not been yet. */
  pending: HeredocRedirect[] = [];

  constructor(private readonly source: Source) {
    this.src = source.text;
  }

  // ------------------------------------------------------------------ errors

  private error(message: string, at: number, incomplete = false): ShellSyntaxError {
    return new ShellSyntaxError(message, this.source.full, this.source.base + at, incomplete);
  }

  private unexpected(t: Token, expecting?: string): ShellSyntaxError {
    switch (t.type) {
      case 'eof':
        return this.error(`syntax error: unexpected end of file${expecting ? ` (expecting "${expecting}")` : ''}`, t.pos, true);
      case 'op':
        return this.error(t.op === '\n' ? 'syntax error: unexpected newline' : `syntax error: unexpected "${t.op}"`, t.pos);
      case 'io':
      case 'word':
        return this.error(`syntax error: unexpected "${t.raw}"`, t.pos);
    }
  }

  // ------------------------------------------------------------------ tokens

  private peek(): Token {
    this.peeked ??= this.readToken();
    return this.peeked;
  }

  private next(): Token {
    const t = this.peek();
    this.peeked = null;
    if (t.type === 'op' && t.op === '\n' && this.pending.length > 0) this.readHeredocBodies();
    return t;
  }

  private isOp(t: Token, op: string): boolean {
    return t.type === 'op' && t.op === op;
  }

  /** A reserved word is recognised only where a command may start, and only when written plainly. */
  private reserved(t: Token): string | null {
    if (t.type !== 'word' || t.word.parts.length !== 1) return null;
    const p = t.word.parts[0];
    if (p?.kind !== 'literal') return null;
    return RESERVED.has(p.text) ? p.text : null;
  }

  private readToken(): Token {
    const s = this.src;
    for (;;) {
      while (this.pos < s.length) {
        const c = s[this.pos];
        if (c === ' ' || c === '\t') this.pos++;
        else if (c === '\\' && s[this.pos + 1] === '\n') this.pos += 2;
        else break;
      }
      if (s[this.pos] === '#') {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : nl;
        continue;
      }
      break;
    }
    const start = this.pos;
    if (start >= s.length) return { type: 'eof', pos: start };
    for (const op of OPERATORS) {
      if (s.startsWith(op, start)) {
        this.pos += op.length;
        return { type: 'op', op, pos: start };
      }
    }
    const io = /^[0-9]+(?=[<>])/.exec(s.slice(start, start + 12));
    if (io) {
      this.pos += io[0].length;
      return { type: 'io', fd: Number(io[0]), raw: io[0], pos: start };
    }
    const word = this.readWord('normal');
    return { type: 'word', word, raw: s.slice(start, this.pos), pos: start };
  }

  // ------------------------------------------------------------------ words

  /** Reads a word at the current position: up to an unquoted metacharacter ('normal') or `}` ('brace'). */
  private readWord(mode: WordMode): Word {
    const s = this.src;
    const parts: WordPart[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit !== '') parts.push({ kind: 'literal', text: lit });
      lit = '';
    };
    while (this.pos < s.length) {
      const c = s[this.pos] as string;
      if (mode === 'normal' ? METACHARS.has(c) : c === '}') break;
      if (c === '\\') {
        const n = s[this.pos + 1];
        if (n === undefined) throw this.error('syntax error: unexpected end of file', this.pos, true);
        this.pos += 2;
        if (n === '\n') continue;
        flush();
        parts.push({ kind: 'escaped', text: n });
      } else if (c === "'") {
        const end = s.indexOf("'", this.pos + 1);
        if (end < 0) throw this.error('syntax error: unterminated quoted string', this.pos, true);
        flush();
        parts.push({ kind: 'single', text: s.slice(this.pos + 1, end) });
        this.pos = end + 1;
      } else if (c === '"') {
        const open = this.pos;
        this.pos++;
        const inner = this.readInner('double');
        if (s[this.pos] !== '"') throw this.error('syntax error: unterminated quoted string', open, true);
        this.pos++;
        flush();
        parts.push({ kind: 'double', parts: inner });
      } else if (c === '$' || c === '`') {
        const part = c === '$' ? this.readDollar(false) : this.readBackquote(false);
        if (part === null) {
          lit += '$';
          this.pos++;
        } else {
          flush();
          parts.push(part);
        }
      } else {
        lit += c;
        this.pos++;
      }
    }
    flush();
    return { parts };
  }

  /** Reads the inside of double quotes (stops before the closing `"`) or a whole here-document body. */
  private readInner(mode: InnerMode): InnerPart[] {
    const s = this.src;
    const parts: InnerPart[] = [];
    const escapable = mode === 'double' ? '$`"\\\n' : '$`\\\n';
    let lit = '';
    const flush = (): void => {
      if (lit !== '') parts.push({ kind: 'literal', text: lit });
      lit = '';
    };
    while (this.pos < s.length) {
      const c = s[this.pos] as string;
      if (mode === 'double' && c === '"') break;
      if (c === '\\') {
        const n = s[this.pos + 1];
        if (n !== undefined && escapable.includes(n)) {
          if (n !== '\n') lit += n;
          this.pos += 2;
        } else {
          lit += '\\';
          this.pos++;
        }
      } else if (c === '$' || c === '`') {
        const part = c === '$' ? this.readDollar(true) : this.readBackquote(mode === 'double');
        if (part === null) {
          lit += '$';
          this.pos++;
        } else {
          flush();
          parts.push(part);
        }
      } else {
        lit += c;
        this.pos++;
      }
    }
    flush();
    return parts;
  }

  /** At a `$`: an expansion, or null when the `$` is literal (`$`, `$%`, a `$` before a space). */
  private readDollar(quoted: boolean): ExpansionPart | null {
    const s = this.src;
    const start = this.pos;
    const n = s[start + 1];
    if (n === '(') {
      if (s[start + 2] === '(') {
        const arith = this.tryArith(start);
        if (arith) return arith;
      }
      this.pos = start + 2;
      this.peeked = null;
      const items = this.parseList(new Set(), 'subst');
      const close = this.next();
      if (!this.isOp(close, ')')) throw this.unexpected(close, ')');
      return { kind: 'command', script: { kind: 'script', items }, backquoted: false };
    }
    if (n === '{') return this.readBraceParam(start, quoted);
    if (n !== undefined && NAME_START.test(n)) {
      let end = start + 1;
      while (end < s.length && NAME_CHAR.test(s[end] as string)) end++;
      this.pos = end;
      return { kind: 'param', name: s.slice(start + 1, end) };
    }
    if (n !== undefined && SPECIAL_PARAMS.includes(n)) {
      this.pos = start + 2;
      return { kind: 'param', name: n };
    }
    return null;
  }

  /** `$((expr))`, or null when the text is really `$( (subshell) )`. */
  private tryArith(start: number): ArithPart | null {
    const s = this.src;
    let depth = 0;
    for (let i = start + 3; i < s.length; i++) {
      const c = s[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth > 0) depth--;
        else if (s[i + 1] === ')') {
          const sub = new Parser({ text: s.slice(start + 3, i), base: this.source.base + start + 3, full: this.source.full });
          const parts = sub.readInner('heredoc');
          this.pos = i + 2;
          return { kind: 'arith', expr: { parts } };
        } else return null;
      }
    }
    throw this.error('syntax error: unexpected end of file (expecting "))")', start, true);
  }

  private readBraceParam(start: number, quoted: boolean): ParamPart {
    const s = this.src;
    let i = start + 2;
    let length = false;
    if (s[i] === '#' && s[i + 1] !== '}' && s[i + 1] !== undefined) {
      length = true;
      i++;
    }
    let name = '';
    if (NAME_START.test(s[i] ?? '')) {
      let end = i;
      while (end < s.length && NAME_CHAR.test(s[end] as string)) end++;
      name = s.slice(i, end);
      i = end;
    } else if (/[0-9]/.test(s[i] ?? '')) {
      let end = i;
      while (end < s.length && /[0-9]/.test(s[end] as string)) end++;
      name = s.slice(i, end);
      i = end;
    } else if (s[i] !== undefined && SPECIAL_PARAMS.includes(s[i] as string)) {
      name = s[i] as string;
      i++;
    }
    if (i >= s.length) throw this.error("syntax error: missing '}'", start, true);
    if (name === '') throw this.error('syntax error: bad substitution', start);
    if (s[i] === '}') {
      this.pos = i + 1;
      return length ? { kind: 'param', name, op: 'length' } : { kind: 'param', name };
    }
    if (length) throw this.error('syntax error: bad substitution', start);
    const op = PARAM_OPS.find((o) => s.startsWith(o, i));
    if (op === undefined) throw this.error('syntax error: bad substitution', start);
    this.pos = i + op.length;
    // Inside double quotes the argument is read like the inside of the quotes (no field splitting anyway).
    const arg: Word = quoted ? this.readBraceArgQuoted() : this.readWord('brace');
    if (s[this.pos] !== '}') throw this.error("syntax error: missing '}'", start, true);
    this.pos++;
    return { kind: 'param', name, op, arg };
  }

  /** The argument of ${NAME:-...} inside double quotes: like the inside of the quotes, up to `}`. */
  private readBraceArgQuoted(): Word {
    // Reuse readWord in brace mode: its quote handling is a superset; then mark plain text as quoted.
    const w = this.readWord('brace');
    return { parts: w.parts.map((p) => (p.kind === 'literal' ? { kind: 'single', text: p.text } : p)) };
  }

  private readBackquote(inDouble: boolean): CommandSubPart {
    const s = this.src;
    const start = this.pos;
    let i = start + 1;
    let text = '';
    const escapable = inDouble ? '$`\\"' : '$`\\';
    for (;;) {
      const c = s[i];
      if (c === undefined) throw this.error('syntax error: unterminated quoted string', start, true);
      if (c === '`') break;
      if (c === '\\' && s[i + 1] !== undefined && escapable.includes(s[i + 1] as string)) {
        text += s[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    this.pos = i + 1;
    const sub = new Parser({ text, base: this.source.base + start + 1, full: this.source.full });
    return { kind: 'command', script: sub.parseProgram(), backquoted: true };
  }

  // ------------------------------------------------------------------ here-documents

  private readHeredocBodies(): void {
    const s = this.src;
    for (const h of this.pending) {
      const bodyStart = this.pos;
      let text = '';
      for (;;) {
        if (this.pos >= s.length) {
          throw this.error(`syntax error: unexpected end of file (expecting "${h.delimiter}")`, s.length, true);
        }
        const nl = s.indexOf('\n', this.pos);
        const end = nl < 0 ? s.length : nl;
        let line = s.slice(this.pos, end);
        this.pos = nl < 0 ? s.length : nl + 1;
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        if (line === h.delimiter) break;
        text += line + '\n';
      }
      this.setHeredocBody(h, text, bodyStart);
    }
    this.pending = [];
  }

  setHeredocBody(h: HeredocRedirect, text: string, at: number): void {
    if (h.quoted) {
      h.body = { parts: [{ kind: 'single', text }] };
      return;
    }
    const sub = new Parser({ text, base: this.source.base + at, full: this.source.full });
    h.body = { parts: [{ kind: 'double', parts: sub.readInner('heredoc') }] };
  }

  // ------------------------------------------------------------------ grammar

  parseProgram(): Script {
    const items = this.parseList(new Set(), 'top');
    const t = this.peek();
    if (t.type !== 'eof') throw this.unexpected(t);
    return { kind: 'script', items };
  }

  /** A list of and-or lists separated by `;`, `&` or newlines, up to one of the reserved words in `terms`,
   * a `)` (in a substitution or subshell), or the end. */
  private parseList(terms: ReadonlySet<string>, where: 'top' | 'subst' | 'compound'): AndOr[] {
    const items: AndOr[] = [];
    for (;;) {
      while (this.isOp(this.peek(), '\n')) this.next();
      const t = this.peek();
      if (t.type === 'eof') break;
      const r = this.reserved(t);
      if (r !== null && terms.has(r)) break;
      if (this.isOp(t, ')') && where !== 'top') break;
      const item = this.parseAndOr();
      items.push(item);
      const sep = this.peek();
      if (this.isOp(sep, ';') || this.isOp(sep, '&')) {
        this.next();
        if (this.isOp(sep, '&')) item.background = true;
      } else if (!this.isOp(sep, '\n')) break;
    }
    return items;
  }

  private nonEmpty(items: AndOr[], expecting: string): Script {
    if (items.length === 0) throw this.unexpected(this.peek(), expecting);
    return { kind: 'script', items };
  }

  private expectReserved(...names: string[]): string {
    const t = this.next();
    const r = this.reserved(t);
    if (r === null || !names.includes(r)) throw this.unexpected(t, names[names.length - 1]);
    return r;
  }

  private skipNewlines(): void {
    while (this.isOp(this.peek(), '\n')) this.next();
  }

  private parseAndOr(): AndOr {
    const head = this.parsePipeline();
    const tail: AndOr['tail'] = [];
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || (t.op !== '&&' && t.op !== '||')) break;
      this.next();
      this.skipNewlines();
      tail.push({ op: t.op, pipeline: this.parsePipeline() });
    }
    return { kind: 'and-or', head, tail, background: false };
  }

  private parsePipeline(): Pipeline {
    let negated = false;
    if (this.reserved(this.peek()) === '!') {
      this.next();
      negated = true;
    }
    const commands = [this.parseCommand()];
    while (this.isOp(this.peek(), '|')) {
      this.next();
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { kind: 'pipeline', negated, commands };
  }

  private parseCommand(): Command {
    const t = this.peek();
    const r = this.reserved(t);
    let cmd: Command;
    switch (r) {
      case 'if':
        cmd = this.parseIf();
        break;
      case 'while':
      case 'until':
        cmd = this.parseWhile(r === 'until');
        break;
      case 'for':
        cmd = this.parseFor();
        break;
      case '{': {
        this.next();
        const body = this.nonEmpty(this.parseList(new Set(['}']), 'compound'), '}');
        this.expectReserved('}');
        cmd = { kind: 'group', body, redirects: [] };
        break;
      }
      case 'case':
        throw this.error('syntax error: "case" is not supported', t.pos);
      case null:
        if (this.isOp(t, '(')) {
          this.next();
          const body = this.nonEmpty(this.parseList(new Set(), 'compound'), ')');
          const close = this.next();
          if (!this.isOp(close, ')')) throw this.unexpected(close, ')');
          cmd = { kind: 'subshell', body, redirects: [] };
          break;
        }
        return this.parseSimple();
      default:
        // then, else, elif, fi, do, done, }, in, esac, ! where a command should start
        throw this.unexpected(t);
    }
    while (this.isRedirectStart(this.peek())) cmd.redirects.push(this.parseRedirect());
    return cmd;
  }

  private isRedirectStart(t: Token): boolean {
    return t.type === 'io' || (t.type === 'op' && REDIRECT_OPS.has(t.op));
  }

  private parseSimple(): SimpleCommand {
    const first = this.peek();
    const cmd: SimpleCommand = { kind: 'simple', assignments: [], words: [], redirects: [], pos: first.pos };
    for (;;) {
      const t = this.peek();
      if (this.isRedirectStart(t)) {
        cmd.redirects.push(this.parseRedirect());
      } else if (t.type === 'word') {
        this.next();
        const a = cmd.words.length === 0 ? asAssignment(t.word) : null;
        if (a) cmd.assignments.push(a);
        else cmd.words.push(t.word);
      } else break;
    }
    if (cmd.assignments.length === 0 && cmd.words.length === 0 && cmd.redirects.length === 0) {
      throw this.unexpected(this.peek());
    }
    return cmd;
  }

  private parseRedirect(): Redirect {
    let fd: number | undefined;
    const first = this.next();
    let opTok = first;
    if (first.type === 'io') {
      fd = first.fd;
      opTok = this.next();
    }
    if (opTok.type !== 'op') throw this.unexpected(opTok);
    const op = opTok.op;
    const target = this.next();
    if (target.type !== 'word') throw this.unexpected(target);
    switch (op) {
      case '<<':
      case '<<-': {
        const h: HeredocRedirect = {
          kind: 'heredoc',
          fd: fd ?? 0,
          delimiter: literalText(target.word),
          quoted: target.word.parts.some((p) => p.kind !== 'literal'),
          stripTabs: op === '<<-',
          body: { parts: [] },
        };
        this.pending.push(h);
        return h;
      }
      case '>&':
      case '<&':
        return { kind: 'dup', fd: fd ?? (op === '>&' ? 1 : 0), op, target: target.word };
      case '<':
      case '<>':
        return { kind: 'file', fd: fd ?? 0, op, target: target.word };
      case '>':
      case '>>':
      case '>|':
        return { kind: 'file', fd: fd ?? 1, op, target: target.word };
      default:
        throw this.unexpected(opTok);
    }
  }

  private parseIf(): IfCommand {
    this.next(); // if
    const clauses: IfCommand['clauses'] = [];
    let elseBody: Script | null = null;
    for (;;) {
      const condition = this.nonEmpty(this.parseList(new Set(['then']), 'compound'), 'then');
      this.expectReserved('then');
      const body = this.nonEmpty(this.parseList(new Set(['elif', 'else', 'fi']), 'compound'), 'fi');
      clauses.push({ condition, body });
      const r = this.expectReserved('elif', 'else', 'fi');
      if (r === 'elif') continue;
      if (r === 'else') {
        elseBody = this.nonEmpty(this.parseList(new Set(['fi']), 'compound'), 'fi');
        this.expectReserved('fi');
      }
      break;
    }
    return { kind: 'if', clauses, elseBody, redirects: [] };
  }

  private parseWhile(until: boolean): WhileCommand {
    this.next(); // while / until
    const condition = this.nonEmpty(this.parseList(new Set(['do']), 'compound'), 'do');
    this.expectReserved('do');
    const body = this.nonEmpty(this.parseList(new Set(['done']), 'compound'), 'done');
    this.expectReserved('done');
    return { kind: 'while', until, condition, body, redirects: [] };
  }

  private parseFor(): ForCommand {
    this.next(); // for
    const nameTok = this.next();
    if (nameTok.type !== 'word' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(nameTok.raw)) {
      if (nameTok.type === 'eof') throw this.unexpected(nameTok);
      throw this.error('syntax error: bad for loop variable', nameTok.pos);
    }
    let items: Word[] | null = null;
    this.skipNewlines();
    if (this.reserved(this.peek()) === 'in') {
      this.next();
      items = [];
      for (let t = this.peek(); t.type === 'word'; t = this.peek()) {
        this.next();
        items.push(t.word);
      }
      const sep = this.next();
      if (!this.isOp(sep, ';') && !this.isOp(sep, '\n')) throw this.unexpected(sep, 'do');
    } else if (this.isOp(this.peek(), ';')) {
      this.next();
    }
    this.skipNewlines();
    this.expectReserved('do');
    const body = this.nonEmpty(this.parseList(new Set(['done']), 'compound'), 'done');
    this.expectReserved('done');
    return { kind: 'for', name: nameTok.raw, items, body, redirects: [] };
  }
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', 'case', 'esac', '{', '}', '!']);

/** `NAME=value` at the start of a simple command. */
function asAssignment(word: Word): Assignment | null {
  const first = word.parts[0];
  if (first?.kind !== 'literal') return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!m || m[1] === undefined) return null;
  const rest = first.text.slice(m[0].length);
  const parts: WordPart[] = rest === '' ? word.parts.slice(1) : [{ kind: 'literal', text: rest }, ...word.parts.slice(1)];
  return { name: m[1], value: { parts } };
}

/** The text of a word after quote removal, expansions written back as source (for heredoc delimiters). */
export function literalText(word: Word): string {
  return word.parts.map(partText).join('');
}

function partText(p: WordPart): string {
  switch (p.kind) {
    case 'literal':
    case 'single':
    case 'escaped':
      return p.text;
    case 'double':
      return p.parts.map(partText).join('');
    case 'param':
      return p.op === undefined ? `$${p.name}` : `\${${p.op === 'length' ? '#' + p.name : p.name + p.op + literalText(p.arg ?? { parts: [] })}}`;
    case 'command':
      return p.backquoted ? '`...`' : '$(...)';
    case 'arith':
      return `$((${literalText(p.expr)}))`;
  }
}
