// A Go text/template engine for `--format` / `-f`, with the functions the docker CLI adds (templates.go:
// json, split, join, title, lower, upper, pad, truncate) and Go's own error texts, e.g.
// "template: :1: unexpected \"}\" in operand" when parsing and
// "template: :1:2: executing \"\" at <.Foo>: map has no entry for key \"Foo\"" when executing.
// Covered: text and actions with {{- -}} trimming, comments, pipelines with |, variables ($, $x :=, $x =),
// fields and chains on structs/maps/variables/parenthesised pipelines, literals, if/else if/else, range (with
// $i, $v :=, else, break, continue), with/else, and the builtins and, or, not, len, index, slice, print, printf,
// println, eq, ne, lt, le, gt, ge, html, js, urlquery, call.

import type { GoFunc, GoValue } from './govalue.ts';
import { GoNil, GoStruct, GoTime, goSprint, goTypeName, isEmptyValue, isGoMap, sortedKeys } from './govalue.ts';
import { marshalGoJson } from './gojson.ts';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

// ---- lexer ----

type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'identifier' | 'keyword' | 'field' | 'variable' | 'dot'
  | 'string' | 'rawString' | 'charConstant' | 'number' | 'bool' | 'nil' | 'leftParen' | 'rightParen' | 'pipe'
  | 'declare' | 'assign' | 'char' | 'comment' | 'eof' | 'error';

interface Item {
  readonly type: ItemType;
  readonly val: string;
  readonly pos: number;
  readonly line: number;
}

const KEYWORDS = new Set(['range', 'if', 'else', 'end', 'with', 'define', 'template', 'block', 'break', 'continue']);

function itemString(i: Item): string {
  if (i.type === 'eof') return 'EOF';
  if (i.type === 'error') return i.val;
  if (i.type === 'keyword') return `<${i.val}>`;
  if (i.val.length > 10) return `${JSON.stringify(i.val.slice(0, 10))}...`;
  return JSON.stringify(i.val);
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}
function isAlnum(c: string): boolean {
  return /^[\p{L}\p{N}_]$/u.test(c);
}

function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let line = 1;
  const emit = (type: ItemType, start: number, end: number, startLine: number): void => {
    items.push({ type, val: input.slice(start, end), pos: start, line: startLine });
  };
  let trimNextText = false;
  while (pos < input.length || items.length === 0 || items[items.length - 1]!.type !== 'eof') {
    // text
    const open = input.indexOf('{{', pos);
    const textEnd = open < 0 ? input.length : open;
    let trimLeft = false;
    if (open >= 0 && input.startsWith('{{- ', open)) trimLeft = true;
    else if (open >= 0 && input.length > open + 3 && input[open + 2] === '-' && isSpace(input[open + 3]!)) trimLeft = true;
    let textStart = pos;
    if (trimNextText) while (textStart < textEnd && isSpace(input[textStart]!)) textStart++;
    trimNextText = false;
    let tEnd = textEnd;
    if (trimLeft) while (tEnd > textStart && isSpace(input[tEnd - 1]!)) tEnd--;
    if (tEnd > textStart) {
      const startLine = line + countNl(input, pos, textStart);
      emit('text', textStart, tEnd, startLine);
    }
    line += countNl(input, pos, textEnd);
    if (open < 0) {
      items.push({ type: 'eof', val: '', pos: input.length, line });
      break;
    }
    // action
    pos = open;
    const delimLine = line;
    items.push({ type: 'leftDelim', val: '{{', pos, line });
    pos += 2;
    if (trimLeft) pos += 2;
    // comment
    if (input.startsWith('/*', pos)) {
      const close = input.indexOf('*/', pos);
      if (close < 0) return [...items, { type: 'error', val: 'unclosed comment', pos, line }];
      line += countNl(input, pos, close);
      pos = close + 2;
      let trimR = false;
      if (input.startsWith(' -}}', pos)) {
        trimR = true;
        pos += 2;
      }
      if (!input.startsWith('}}', pos)) return [...items, { type: 'error', val: 'comment ends before closing delimiter', pos, line }];
      items.pop();
      pos += 2;
      trimNextText = trimR;
      continue;
    }
    let parenDepth = 0;
    for (;;) {
      // right delimiter (with trim marker)
      if (input.startsWith(' -}}', pos) || input.startsWith('\t-}}', pos) || input.startsWith('\n-}}', pos)) {
        if (parenDepth > 0) return [...items, { type: 'error', val: 'unclosed left paren', pos, line }];
        emit('space', pos, pos + 1, line);
        items.push({ type: 'rightDelim', val: '}}', pos: pos + 2, line });
        pos += 4;
        trimNextText = true;
        break;
      }
      if (input.startsWith('}}', pos)) {
        if (parenDepth > 0) return [...items, { type: 'error', val: 'unclosed left paren', pos, line }];
        items.push({ type: 'rightDelim', val: '}}', pos, line });
        pos += 2;
        break;
      }
      if (pos >= input.length) return [...items, { type: 'error', val: 'unclosed action', pos, line: delimLine }];
      const c = input[pos]!;
      const start = pos;
      if (isSpace(c)) {
        while (pos < input.length && isSpace(input[pos]!) && !input.startsWith(' -}}', pos)) {
          if (input[pos] === '\n') line++;
          pos++;
        }
        emit('space', start, pos, line);
      } else if (c === '=') {
        pos++;
        emit('assign', start, pos, line);
      } else if (c === ':') {
        if (input[pos + 1] !== '=') return [...items, { type: 'error', val: 'expected :=', pos, line }];
        pos += 2;
        emit('declare', start, pos, line);
      } else if (c === '|') {
        pos++;
        emit('pipe', start, pos, line);
      } else if (c === '"') {
        pos++;
        for (;;) {
          if (pos >= input.length || input[pos] === '\n') return [...items, { type: 'error', val: 'unterminated quoted string', pos, line }];
          if (input[pos] === '\\') pos += 2;
          else if (input[pos] === '"') break;
          else pos++;
        }
        pos++;
        emit('string', start, pos, line);
      } else if (c === '`') {
        const close = input.indexOf('`', pos + 1);
        if (close < 0) return [...items, { type: 'error', val: 'unterminated raw quoted string', pos, line }];
        line += countNl(input, pos, close);
        pos = close + 1;
        emit('rawString', start, pos, line);
      } else if (c === "'") {
        const m = /^'(?:\\.|[^\\'\n])+'/.exec(input.slice(pos));
        if (!m) return [...items, { type: 'error', val: 'unterminated character constant', pos, line }];
        pos += m[0].length;
        emit('charConstant', start, pos, line);
      } else if (c === '$') {
        pos++;
        while (pos < input.length && isAlnum(input[pos]!)) pos++;
        emit('variable', start, pos, line);
      } else if (c === '.') {
        if (pos + 1 < input.length && /[0-9]/.test(input[pos + 1]!)) {
          const m = /^\.[0-9][0-9a-zA-Z_.+-]*/.exec(input.slice(pos))!;
          pos += m[0].length;
          emit('number', start, pos, line);
        } else if (pos + 1 < input.length && isAlnum(input[pos + 1]!)) {
          pos++;
          while (pos < input.length && isAlnum(input[pos]!)) pos++;
          emit('field', start, pos, line);
        } else {
          pos++;
          emit('dot', start, pos, line);
        }
      } else if (/[0-9+-]/.test(c)) {
        const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)/.exec(input.slice(pos));
        if (!m || m[0] === '+' || m[0] === '-') return [...items, { type: 'error', val: `unrecognized character in action: ${runeDesc(c)}`, pos, line }];
        pos += m[0].length;
        if (pos < input.length && isAlnum(input[pos]!)) return [...items, { type: 'error', val: `bad number syntax: ${JSON.stringify(input.slice(start, pos + 1))}`, pos, line }];
        emit('number', start, pos, line);
      } else if (isAlnum(c)) {
        while (pos < input.length && isAlnum(input[pos]!)) pos++;
        const w = input.slice(start, pos);
        const type: ItemType = KEYWORDS.has(w) ? 'keyword' : w === 'true' || w === 'false' ? 'bool' : w === 'nil' ? 'nil' : 'identifier';
        emit(type, start, pos, line);
      } else if (c === '(') {
        parenDepth++;
        pos++;
        emit('leftParen', start, pos, line);
      } else if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) return [...items, { type: 'error', val: `unexpected right paren`, pos, line }];
        pos++;
        emit('rightParen', start, pos, line);
      } else if (c.charCodeAt(0) < 0x80 && /[\x21-\x7e]/.test(c)) {
        pos++;
        emit('char', start, pos, line);
      } else {
        return [...items, { type: 'error', val: `unrecognized character in action: ${runeDesc(c)}`, pos, line }];
      }
    }
  }
  return items;
}

function runeDesc(c: string): string {
  const cp = c.codePointAt(0)!;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

function countNl(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s[i] === '\n') n++;
  return n;
}

// ---- parse tree ----

type Node =
  | { kind: 'text'; text: string; pos: number }
  | { kind: 'action'; pipe: Pipe; pos: number }
  | { kind: 'if' | 'with'; pipe: Pipe; list: Node[]; elseList: Node[] | null; pos: number }
  | { kind: 'range'; pipe: Pipe; list: Node[]; elseList: Node[] | null; pos: number }
  | { kind: 'break' | 'continue'; pos: number };

interface Pipe {
  readonly pos: number;
  readonly decl: string[];
  readonly isAssign: boolean;
  readonly cmds: Cmd[];
}

interface Cmd {
  readonly pos: number;
  readonly args: Arg[];
}

type Arg =
  | { kind: 'field'; idents: string[]; pos: number }
  | { kind: 'variable'; idents: string[]; pos: number }
  | { kind: 'chain'; node: Arg; fields: string[]; pos: number }
  | { kind: 'dot'; pos: number }
  | { kind: 'nil'; pos: number }
  | { kind: 'bool'; value: boolean; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'string'; value: string; text: string; pos: number }
  | { kind: 'identifier'; name: string; pos: number }
  | { kind: 'pipe'; pipe: Pipe; pos: number };

function argString(a: Arg): string {
  switch (a.kind) {
    case 'field':
      return a.idents.map((i) => `.${i}`).join('');
    case 'variable':
      return a.idents.join('.');
    case 'chain':
      return `${argString(a.node)}${a.fields.map((f) => `.${f}`).join('')}`;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(a.value);
    case 'number':
      return a.text;
    case 'string':
      return a.text;
    case 'identifier':
      return a.name;
    case 'pipe':
      return `(${pipeString(a.pipe)})`;
  }
}

function cmdString(c: Cmd): string {
  return c.args.map(argString).join(' ');
}

function pipeString(p: Pipe): string {
  const decl = p.decl.length > 0 ? `${p.decl.join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map(cmdString).join(' | ');
}

function nodePos(n: Arg | Cmd): number {
  return n.pos;
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly items: Item[],
    private readonly funcs: ReadonlySet<string>,
  ) {}

  private errorf(msg: string, line?: number): never {
    throw new TemplateError(`template: :${line ?? this.items[Math.max(0, this.i - 1)]?.line ?? 1}: ${msg}`);
  }

  private next(): Item {
    const it = this.items[this.i] ?? this.items[this.items.length - 1]!;
    if (this.i < this.items.length) this.i++;
    if (it.type === 'error') this.errorf(it.val, it.line);
    return it;
  }

  private backup(): void {
    this.i--;
  }

  private peek(): Item {
    return this.items[this.i] ?? this.items[this.items.length - 1]!;
  }

  private nextNonSpace(): Item {
    let it = this.next();
    while (it.type === 'space') it = this.next();
    return it;
  }

  private peekNonSpace(): Item {
    const it = this.nextNonSpace();
    this.backup();
    return it;
  }

  private unexpected(it: Item, context: string): never {
    if (it.type === 'error') this.errorf(it.val, it.line);
    this.errorf(`unexpected ${itemString(it)} in ${context}`, it.line);
  }

  parse(): Node[] {
    const list: Node[] = [];
    for (;;) {
      const it = this.peek();
      if (it.type === 'eof') break;
      const n = this.textOrAction();
      if (n.kind === 'node') list.push(n.node);
      else this.errorf(`unexpected {{${n.kind}}}`, n.line);
    }
    return list;
  }

  private textOrAction(): { kind: 'node'; node: Node } | { kind: 'end' | 'else'; line: number; elseIf?: boolean; elseWith?: boolean } {
    const it = this.nextNonSpace();
    if (it.type === 'text') return { kind: 'node', node: { kind: 'text', text: it.val, pos: it.pos } };
    if (it.type === 'leftDelim') return this.action();
    if (it.type === 'error') this.errorf(it.val, it.line);
    this.unexpected(it, 'input');
  }

  private action(): { kind: 'node'; node: Node } | { kind: 'end' | 'else'; line: number; elseIf?: boolean; elseWith?: boolean } {
    const it = this.nextNonSpace();
    if (it.type === 'keyword') {
      switch (it.val) {
        case 'end':
          this.expectRight('end');
          return { kind: 'end', line: it.line };
        case 'else': {
          const p = this.peekNonSpace();
          if (p.type === 'keyword' && (p.val === 'if' || p.val === 'with')) return { kind: 'else', line: it.line, ...(p.val === 'if' ? { elseIf: true } : { elseWith: true }) };
          this.expectRight('else');
          return { kind: 'else', line: it.line };
        }
        case 'if':
        case 'with':
        case 'range':
          return { kind: 'node', node: this.control(it.val, it.pos) };
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.errorf(`{{${it.val}}} outside {{range}}`, it.line);
          this.expectRight(it.val);
          return { kind: 'node', node: { kind: it.val, pos: it.pos } };
        default:
          this.errorf(`unexpected <${it.val}> in command`, it.line);
      }
    }
    this.backup();
    const pipe = this.pipeline('command', 'rightDelim');
    return { kind: 'node', node: { kind: 'action', pipe, pos: pipe.pos } };
  }

  private expectRight(context: string): void {
    const t = this.nextNonSpace();
    if (t.type !== 'rightDelim') this.unexpected(t, context);
  }

  private control(kind: 'if' | 'with' | 'range', pos: number): Node {
    const saved = this.vars.length;
    const pipe = this.pipeline(kind, 'rightDelim');
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${kind}`);
    if (kind === 'range') this.rangeDepth++;
    const list: Node[] = [];
    let elseList: Node[] | null = null;
    for (;;) {
      if (this.peek().type === 'eof') this.errorf('unexpected EOF');
      const n = this.textOrAction();
      if (n.kind === 'node') {
        list.push(n.node);
        continue;
      }
      if (n.kind === 'end') break;
      // else
      if (kind === 'range') this.rangeDepth--;
      if (n.elseIf || n.elseWith) {
        if ((n.elseIf && kind !== 'if') || (n.elseWith && kind !== 'with')) this.errorf(`unexpected <${n.elseIf ? 'if' : 'with'}> in else`);
        // "else if" is "else {{if …}} … {{end}}" sharing this end.
        const kw = this.nextNonSpace();
        elseList = [this.control(kw.val as 'if' | 'with', kw.pos)];
        this.vars.length = saved;
        return { kind, pipe, list, elseList, pos } as Node;
      }
      elseList = [];
      for (;;) {
        if (this.peek().type === 'eof') this.errorf('unexpected EOF');
        const e = this.textOrAction();
        if (e.kind === 'node') elseList.push(e.node);
        else if (e.kind === 'end') break;
        else this.errorf('expected end; found {{else}}', e.line);
      }
      this.vars.length = saved;
      return { kind, pipe, list, elseList, pos } as Node;
    }
    if (kind === 'range') this.rangeDepth--;
    this.vars.length = saved;
    return { kind, pipe, list, elseList, pos } as Node;
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const first = this.peekNonSpace();
    const decl: string[] = [];
    let isAssign = false;
    // declarations: $x := / $x = / $k, $v :=
    const save = this.i;
    const v = this.nextNonSpace();
    if (v.type === 'variable') {
      const nx = this.nextNonSpace();
      if (nx.type === 'declare' || nx.type === 'assign') {
        decl.push(v.val);
        isAssign = nx.type === 'assign';
      } else if (nx.type === 'char' && nx.val === ',' && context === 'range') {
        const v2 = this.nextNonSpace();
        if (v2.type !== 'variable') this.errorf(`range can only initialize variables`);
        const d = this.nextNonSpace();
        if (d.type !== 'declare' && d.type !== 'assign') this.errorf(`range can only initialize variables`);
        decl.push(v.val, v2.val);
        isAssign = d.type === 'assign';
      } else this.i = save;
    } else this.i = save;
    if (isAssign) {
      for (const d of decl) if (!this.vars.includes(d)) this.errorf(`undefined variable "${d}"`);
    } else this.vars.push(...decl);
    const cmds: Cmd[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        if (cmds.length === 0 && decl.length === 0 && context !== 'if' && context !== 'range' && context !== 'with') this.errorf(`missing value for ${context}`);
        if (cmds.length === 0 && decl.length > 0) this.errorf(`missing value for ${context}`);
        return { pos: first.pos, decl, isAssign, cmds };
      }
      this.backup();
      cmds.push(this.command(end));
      const after = this.nextNonSpace();
      if (after.type === 'pipe') {
        if (this.peekNonSpace().type === end) this.errorf('missing command');
        continue;
      }
      this.backup();
    }
  }

  private command(end: 'rightDelim' | 'rightParen'): Cmd {
    const pos = this.peekNonSpace().pos;
    const args: Arg[] = [];
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) args.push(op);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') {
        if (t.type !== end) this.unexpected(t, 'operand');
        this.backup();
      } else if (t.type === 'pipe') this.backup();
      else this.unexpected(t, 'operand');
      break;
    }
    if (args.length === 0) this.errorf('empty command');
    return { pos, args };
  }

  private operand(): Arg | null {
    const node = this.term();
    if (!node) return null;
    if (this.peek().type === 'field') {
      const fields: string[] = [];
      while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
      if (node.kind === 'field') return { kind: 'field', idents: [...node.idents, ...fields], pos: node.pos };
      if (node.kind === 'variable') return { kind: 'variable', idents: [...node.idents, ...fields], pos: node.pos };
      if (node.kind === 'bool' || node.kind === 'string' || node.kind === 'number' || node.kind === 'nil' || node.kind === 'dot') {
        this.errorf(`unexpected . after term ${JSON.stringify(argString(node))}`);
      }
      return { kind: 'chain', node, fields, pos: node.pos };
    }
    return node;
  }

  private term(): Arg | null {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.funcs.has(t.val)) this.errorf(`function "${t.val}" not defined`, t.line);
        return { kind: 'identifier', name: t.val, pos: t.pos };
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case 'variable':
        if (!this.vars.includes(t.val)) this.errorf(`undefined variable "${t.val}"`, t.line);
        return { kind: 'variable', idents: [t.val], pos: t.pos };
      case 'field':
        return { kind: 'field', idents: [t.val.slice(1)], pos: t.pos };
      case 'bool':
        return { kind: 'bool', value: t.val === 'true', pos: t.pos };
      case 'charConstant':
      case 'number': {
        const value = t.type === 'charConstant' ? unquoteChar(t.val) : parseGoNumber(t.val);
        if (value === undefined) this.errorf(`bad number syntax: ${JSON.stringify(t.val)}`, t.line);
        return { kind: 'number', value, text: t.val, pos: t.pos };
      }
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen');
        return { kind: 'pipe', pipe, pos: t.pos };
      }
      case 'string':
      case 'rawString':
        return { kind: 'string', value: t.type === 'string' ? unquoteGo(t.val) : t.val.slice(1, -1), text: t.val, pos: t.pos };
    }
    this.backup();
    return null;
  }
}

function parseGoNumber(s: string): number | undefined {
  const t = s.replace(/_/g, '');
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function unquoteChar(s: string): number | undefined {
  const body = s.slice(1, -1);
  const v = body.startsWith('\\') ? unquoteGo(`"${body}"`) : body;
  return v.codePointAt(0);
}

function unquoteGo(s: string): string {
  return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        return /^[0-7]{3}$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e;
    }
  });
}

// ---- execution ----

/** A template function: gets evaluated arguments; throw an Error to report "error calling X: <message>". */
export type TemplateFunc = (...args: (GoValue | undefined)[]) => GoValue | undefined;

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

class ExecError extends TemplateError {}

interface Scope {
  vars: { name: string; value: GoValue | undefined }[];
}

export interface TemplateOptions {
  /** Extra functions (the docker CLI's by default). */
  readonly funcs?: Readonly<Record<string, TemplateFunc>>;
  /** "missingkey=error": a missing map key is an error instead of "<no value>". */
  readonly missingKeyError?: boolean;
}

export class Template {
  private readonly tree: Node[];
  private readonly funcs: Record<string, TemplateFunc>;

  private constructor(
    private readonly text: string,
    tree: Node[],
    funcs: Record<string, TemplateFunc>,
  ) {
    this.tree = tree;
    this.funcs = funcs;
  }

  /** Parses `text`; throws TemplateError("template: :LINE: …") on a syntax error. */
  static parse(text: string, funcs: Readonly<Record<string, TemplateFunc>> = DOCKER_FUNCS): Template {
    const all = { ...BUILTINS, ...funcs };
    const tree = new Parser(lex(text), new Set(Object.keys(all))).parse();
    return new Template(text, tree, all);
  }

  /** A copy using other function implementations (the CLI's HeaderFunctions for table headers). */
  withFuncs(funcs: Readonly<Record<string, TemplateFunc>>): Template {
    return new Template(this.text, this.tree, { ...this.funcs, ...funcs });
  }

  /** Executes against `data`; throws TemplateError("template: :1:2: executing \"\" at <…>: …"). */
  execute(data: GoValue, opts: { missingKeyError?: boolean } = {}): string {
    const st = new ExecState(this.text, this.funcs, opts.missingKeyError ?? false);
    const scope: Scope = { vars: [{ name: '$', value: data }] };
    let out = '';
    const w = (s: string): void => {
      out += s;
    };
    st.walkList(data, this.tree, scope, w);
    return out;
  }
}

class ExecState {
  private at: Arg | Cmd | { pos: number; str: string } | null = null;
  constructor(
    private readonly text: string,
    private readonly funcs: Record<string, TemplateFunc>,
    private readonly missingKeyError: boolean,
  ) {}

  private errorf(msg: string): never {
    if (!this.at) throw new ExecError(`template: : ${msg}`);
    const pos = nodePos(this.at as Arg);
    const before = this.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const line = 1 + countNl(before, 0, before.length);
    const col = nl < 0 ? pos : pos - nl - 1;
    let ctx = 'str' in this.at ? this.at.str : 'args' in this.at ? cmdString(this.at) : argString(this.at);
    if (ctx.length > 20) ctx = `${ctx.slice(0, 20)}...`;
    throw new ExecError(`template: :${line}:${col}: executing "" at <${ctx}>: ${msg}`);
  }

  walkList(dot: GoValue | undefined, list: readonly Node[], scope: Scope, w: (s: string) => void): void {
    for (const n of list) this.walk(dot, n, scope, w);
  }

  private walk(dot: GoValue | undefined, n: Node, scope: Scope, w: (s: string) => void): void {
    switch (n.kind) {
      case 'text':
        w(n.text);
        return;
      case 'action': {
        const v = this.evalPipeline(dot, n.pipe, scope);
        if (n.pipe.decl.length === 0) w(this.printValue(v));
        return;
      }
      case 'if':
      case 'with': {
        const mark = scope.vars.length;
        const v = this.evalPipeline(dot, n.pipe, scope);
        const truth = isTrue(v);
        if (truth) this.walkList(n.kind === 'with' ? v : dot, n.list, scope, w);
        else if (n.elseList) this.walkList(dot, n.elseList, scope, w);
        scope.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, n, scope, w);
        return;
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
    }
  }

  private walkRange(dot: GoValue | undefined, n: Extract<Node, { kind: 'range' }>, scope: Scope, w: (s: string) => void): void {
    const mark = scope.vars.length;
    const pipe: Pipe = { ...n.pipe, decl: [] };
    const v = this.evalPipeline(dot, pipe, scope);
    const entries: [GoValue, GoValue | undefined][] = [];
    if (v === undefined || v === null || v instanceof GoNil) {
      // nothing
    } else if (Array.isArray(v)) v.forEach((x, i) => entries.push([i, x]));
    else if (isGoMap(v)) for (const k of sortedKeys(v)) entries.push([k, v[k]]);
    else if (typeof v === 'number' && Number.isInteger(v)) for (let i = 0; i < v; i++) entries.push([i, i]);
    else {
      this.at = { pos: n.pipe.pos, str: pipeString(n.pipe) };
      this.errorf(`range can't iterate over ${goSprint(v)}`);
    }
    if (entries.length === 0) {
      if (n.elseList) this.walkList(dot, n.elseList, scope, w);
      scope.vars.length = mark;
      return;
    }
    for (const [k, x] of entries) {
      const m2 = scope.vars.length;
      if (n.pipe.decl.length === 1) this.setVar(scope, n.pipe.decl[0]!, x, n.pipe.isAssign);
      if (n.pipe.decl.length === 2) {
        this.setVar(scope, n.pipe.decl[0]!, k, n.pipe.isAssign);
        this.setVar(scope, n.pipe.decl[1]!, x, n.pipe.isAssign);
      }
      try {
        this.walkList(x, n.list, scope, w);
      } catch (e) {
        if (e === BREAK) {
          scope.vars.length = m2;
          break;
        }
        if (e !== CONTINUE) throw e;
      }
      scope.vars.length = m2;
    }
    scope.vars.length = mark;
  }

  private setVar(scope: Scope, name: string, value: GoValue | undefined, assign: boolean): void {
    if (assign) {
      for (let i = scope.vars.length - 1; i >= 0; i--) {
        if (scope.vars[i]!.name === name) {
          scope.vars[i]!.value = value;
          return;
        }
      }
    }
    scope.vars.push({ name, value });
  }

  private evalPipeline(dot: GoValue | undefined, p: Pipe, scope: Scope): GoValue | undefined {
    let value: GoValue | undefined;
    let first = true;
    for (const c of p.cmds) {
      value = this.evalCommand(dot, c, scope, first ? NO_FINAL : value);
      first = false;
    }
    for (const d of p.decl) this.setVar(scope, d, value, p.isAssign);
    return value;
  }

  private evalCommand(dot: GoValue | undefined, c: Cmd, scope: Scope, final: GoValue | undefined | typeof NO_FINAL): GoValue | undefined {
    const head = c.args[0]!;
    switch (head.kind) {
      case 'field':
        return this.evalFieldChain(dot, dot, head, head.idents, c.args.slice(1), final, scope);
      case 'chain': {
        const base = this.evalArg(dot, head.node, scope);
        return this.evalFieldChain(dot, base, head, head.fields, c.args.slice(1), final, scope);
      }
      case 'variable': {
        const base = this.lookupVar(scope, head.idents[0]!, head);
        if (head.idents.length === 1) {
          this.notAFunction(c, final);
          return base;
        }
        return this.evalFieldChain(dot, base, head, head.idents.slice(1), c.args.slice(1), final, scope);
      }
      case 'pipe': {
        this.notAFunction(c, final);
        return this.evalPipeline(dot, head.pipe, { vars: [...scope.vars] });
      }
      case 'identifier':
        return this.evalFunction(dot, head.name, c, c.args.slice(1), final, scope);
      default:
        this.notAFunction(c, final);
        return this.evalArg(dot, head, scope);
    }
  }

  private notAFunction(c: Cmd, final: GoValue | undefined | typeof NO_FINAL): void {
    if (c.args.length > 1 || final !== NO_FINAL) {
      this.at = c.args[0]!;
      this.errorf(`can't give argument to non-function ${argString(c.args[0]!)}`);
    }
  }

  private lookupVar(scope: Scope, name: string, node: Arg): GoValue | undefined {
    for (let i = scope.vars.length - 1; i >= 0; i--) if (scope.vars[i]!.name === name) return scope.vars[i]!.value;
    this.at = node;
    return this.errorf(`undefined variable: ${name}`);
  }

  private evalArg(dot: GoValue | undefined, a: Arg, scope: Scope): GoValue | undefined {
    this.at = a;
    switch (a.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
        return a.value;
      case 'number':
        return a.value;
      case 'string':
        return a.value;
      case 'field':
        return this.evalFieldChain(dot, dot, a, a.idents, [], NO_FINAL, scope);
      case 'variable': {
        const base = this.lookupVar(scope, a.idents[0]!, a);
        return a.idents.length === 1 ? base : this.evalFieldChain(dot, base, a, a.idents.slice(1), [], NO_FINAL, scope);
      }
      case 'chain':
        return this.evalFieldChain(dot, this.evalArg(dot, a.node, scope), a, a.fields, [], NO_FINAL, scope);
      case 'pipe':
        return this.evalPipeline(dot, a.pipe, { vars: [...scope.vars] });
      case 'identifier':
        return this.evalFunction(dot, a.name, { pos: a.pos, args: [a] }, [], NO_FINAL, scope);
    }
  }

  private evalFieldChain(dot: GoValue | undefined, receiver: GoValue | undefined, node: Arg, idents: string[], args: Arg[], final: GoValue | undefined | typeof NO_FINAL, scope: Scope): GoValue | undefined {
    let r = receiver;
    for (let i = 0; i < idents.length; i++) {
      const last = i === idents.length - 1;
      r = this.evalField(dot, idents[i]!, node, last ? args : [], last ? final : NO_FINAL, r, scope);
    }
    return r;
  }

  private evalField(dot: GoValue | undefined, name: string, node: Arg, args: Arg[], final: GoValue | undefined | typeof NO_FINAL, receiver: GoValue | undefined, scope: Scope): GoValue | undefined {
    this.at = node;
    const hasArgs = args.length > 0 || final !== NO_FINAL;
    if (receiver === undefined) {
      if (this.missingKeyError) this.errorf(`nil data; no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (receiver instanceof GoStruct) {
      const m = receiver.meta.methods?.[name];
      if (m) {
        const argv = args.map((a) => this.evalArg(dot, a, scope) ?? null);
        if (final !== NO_FINAL) argv.push(final ?? null);
        this.at = node;
        try {
          return m(...argv);
        } catch (e) {
          return this.errorf(`error calling ${name}: ${(e as Error).message}`);
        }
      }
      if (Object.prototype.hasOwnProperty.call(receiver.fields, name)) {
        if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
        return receiver.fields[name];
      }
      return this.errorf(`can't evaluate field ${name} in type ${receiver.typeName}`);
    }
    if (isGoMap(receiver)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      if (Object.prototype.hasOwnProperty.call(receiver, name)) return receiver[name];
      if (this.missingKeyError) this.errorf(`map has no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (receiver instanceof GoNil && receiver.kind === 'map') {
      if (this.missingKeyError) this.errorf(`map has no entry for key ${JSON.stringify(name)}`);
      return undefined;
    }
    if (receiver === null || (receiver instanceof GoNil && receiver.kind === 'ptr')) this.errorf(`nil pointer evaluating ${goTypeName(receiver)}.${name}`);
    return this.errorf(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private evalFunction(dot: GoValue | undefined, name: string, cmd: Cmd, args: Arg[], final: GoValue | undefined | typeof NO_FINAL, scope: Scope): GoValue | undefined {
    const f = this.funcs[name]!;
    // and / or evaluate lazily
    if (name === 'and' || name === 'or') {
      const thunks: (() => GoValue | undefined)[] = args.map((a) => () => this.evalArg(dot, a, scope));
      if (final !== NO_FINAL) thunks.push(() => final);
      if (thunks.length === 0) {
        this.at = cmd;
        this.errorf(`wrong number of args for ${name}: want at least 1 got 0`);
      }
      let v: GoValue | undefined;
      for (const t of thunks) {
        v = t();
        if (name === 'and' ? !isTrue(v) : isTrue(v)) return v;
      }
      return v;
    }
    const argv = args.map((a) => this.evalArg(dot, a, scope));
    if (final !== NO_FINAL) argv.push(final);
    this.at = cmd;
    try {
      return f(...argv);
    } catch (e) {
      if (e instanceof ArgCountError) return this.errorf(e.message);
      return this.errorf(`error calling ${name}: ${(e as Error).message}`);
    }
  }

  printValue(v: GoValue | undefined): string {
    return goSprint(v);
  }
}

const NO_FINAL = Symbol('no final');

/** Go's truth: false, 0, "", nil, empty collections are false; structs are true. */
export function isTrue(v: GoValue | undefined): boolean {
  if (v instanceof GoStruct || v instanceof GoTime || typeof v === 'function') return true;
  return !isEmptyValue(v);
}

class ArgCountError extends Error {}

function want(name: string, args: readonly unknown[], n: number): void {
  if (args.length !== n) throw new ArgCountError(`wrong number of args for ${name}: want ${n} got ${args.length}`);
}

function str(name: string, v: GoValue | undefined, i = 0): string {
  if (typeof v !== 'string') throw new Error(`wrong type for value; expected string; got ${goTypeName(v)}`);
  void name;
  void i;
  return v;
}

function basicKind(v: GoValue | undefined): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (v === null || v === undefined || v instanceof GoNil) return 'nil';
  return 'other';
}

function compare(name: string, a: GoValue | undefined, b: GoValue | undefined): number {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'other' || kb === 'other') {
    if (name === 'eq' || name === 'ne') return a === b ? 0 : 1;
    throw new Error('invalid type for comparison');
  }
  if (ka !== kb) {
    if (ka === 'nil' || kb === 'nil') return a === b ? 0 : 1;
    throw new Error('incompatible types for comparison');
  }
  if (name !== 'eq' && name !== 'ne' && ka === 'bool') throw new Error('invalid type for comparison');
  const x = a as string | number | boolean;
  const y = b as string | number | boolean;
  return x === y ? 0 : x < y ? -1 : 1;
}

function goLen(v: GoValue | undefined): number {
  if (typeof v === 'string') return new TextEncoder().encode(v).length;
  if (Array.isArray(v)) return v.length;
  if (isGoMap(v)) return Object.keys(v).length;
  if (v instanceof GoNil && v.kind !== 'ptr') return 0;
  throw new Error(`len of type ${goTypeName(v)}`);
}

function goIndex(item: GoValue | undefined, ...idx: (GoValue | undefined)[]): GoValue | undefined {
  let v = item;
  if (v === undefined || v === null) throw new Error('index of untyped nil');
  for (const i of idx) {
    if (Array.isArray(v) || typeof v === 'string') {
      if (typeof i !== 'number' || !Number.isInteger(i)) throw new Error(`cannot index slice/array with type ${goTypeName(i)}`);
      const len = Array.isArray(v) ? v.length : v.length;
      if (i < 0 || i >= len) throw new Error(`index out of range: ${i}`);
      v = Array.isArray(v) ? v[i] : v.charCodeAt(i);
    } else if (isGoMap(v)) {
      if (typeof i !== 'string') throw new Error(`value has type ${goTypeName(i)}; should be string`);
      v = Object.prototype.hasOwnProperty.call(v, i) ? v[i] : undefined;
    } else if (v instanceof GoNil) {
      if (v.kind === 'map') v = undefined;
      else throw new Error(`index out of range: ${String(i)}`);
    } else throw new Error(`can't index item of type ${goTypeName(v)}`);
  }
  return v;
}

/** fmt.Sprintf for the verbs templates use: %s %v %d %q %t %x %X %f %%, with flags and width. */
export function goSprintf(format: string, ...args: (GoValue | undefined)[]): string {
  let ai = 0;
  return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (ai >= args.length) return `%!${verb}(MISSING)`;
    const a = args[ai++];
    let s: string;
    switch (verb) {
      case 'v':
      case 's':
        s = a === undefined ? '%!s(<nil>)' : goSprint(a);
        if (prec !== undefined) s = s.slice(0, Number(prec));
        break;
      case 'd':
        s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${goTypeName(a)}=${goSprint(a)})`;
        break;
      case 'q':
        s = typeof a === 'string' ? JSON.stringify(a) : `%!q(${goTypeName(a)}=${goSprint(a)})`;
        break;
      case 't':
        s = typeof a === 'boolean' ? String(a) : `%!t(${goTypeName(a)}=${goSprint(a)})`;
        break;
      case 'x':
      case 'X':
        s = typeof a === 'number' ? a.toString(16) : [...new TextEncoder().encode(goSprint(a))].map((b) => b.toString(16).padStart(2, '0')).join('');
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 'f':
        s = typeof a === 'number' ? a.toFixed(prec !== undefined ? Number(prec) : 6) : `%!f(${goTypeName(a)}=${goSprint(a)})`;
        break;
      default:
        s = `%!${verb}(${goTypeName(a)}=${goSprint(a)})`;
    }
    if (width !== undefined && s.length < Number(width)) {
      const pad = (flags.includes('0') && !flags.includes('-') ? '0' : ' ').repeat(Number(width) - s.length);
      s = flags.includes('-') ? s + pad : pad + s;
    }
    return s;
  }) + (ai < args.length ? `%!(EXTRA ${args.slice(ai).map((a) => `${goTypeName(a)}=${goSprint(a)}`).join(', ')})` : '');
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
function sprint(args: (GoValue | undefined)[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += a === undefined ? '<nil>' : goSprint(a);
  });
  return out;
}

const BUILTINS: Record<string, TemplateFunc> = {
  and: () => null,
  or: () => null,
  not: (...a) => {
    want('not', a, 1);
    return !isTrue(a[0]);
  },
  len: (...a) => {
    want('len', a, 1);
    return goLen(a[0]);
  },
  index: (item, ...idx) => goIndex(item, ...idx),
  slice: (item, ...idx) => {
    if (typeof item !== 'string' && !Array.isArray(item)) throw new Error(`can't slice item of type ${goTypeName(item)}`);
    const i = (idx[0] as number | undefined) ?? 0;
    const j = (idx[1] as number | undefined) ?? item.length;
    if (i < 0 || j > item.length || i > j) throw new Error(`index out of range: ${j}`);
    return item.slice(i, j) as GoValue;
  },
  print: (...a) => sprint(a),
  println: (...a) => `${a.map((x) => (x === undefined ? '<nil>' : goSprint(x))).join(' ')}\n`,
  printf: (format, ...a) => goSprintf(str('printf', format), ...a),
  eq: (a, ...bs) => {
    if (bs.length === 0) throw new ArgCountError('missing argument for comparison');
    return bs.some((b) => compare('eq', a, b) === 0);
  },
  ne: (...a) => {
    want('ne', a, 2);
    return compare('ne', a[0], a[1]) !== 0;
  },
  lt: (...a) => {
    want('lt', a, 2);
    return compare('lt', a[0], a[1]) < 0;
  },
  le: (...a) => {
    want('le', a, 2);
    return compare('le', a[0], a[1]) <= 0;
  },
  gt: (...a) => {
    want('gt', a, 2);
    return compare('gt', a[0], a[1]) > 0;
  },
  ge: (...a) => {
    want('ge', a, 2);
    return compare('ge', a[0], a[1]) >= 0;
  },
  html: (...a) => sprint(a).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  js: (...a) => sprint(a).replace(/[\\'"<>&=]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '"' ? '\\"' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)),
  urlquery: (...a) => encodeURIComponent(sprint(a)).replace(/%20/g, '+'),
  call: (fn, ...a) => {
    if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
    return (fn as GoFunc)(...a.map((x) => x ?? null));
  },
};

function toStrings(v: GoValue | undefined): string[] {
  if (v instanceof GoNil) return [];
  if (!Array.isArray(v)) throw new Error(`wrong type for value; expected []string; got ${goTypeName(v)}`);
  return v.map((x) => goSprint(x));
}

/** The functions the docker CLI adds (cli/templates/templates.go basicFunctions). */
export const DOCKER_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  json: (...a) => {
    want('json', a, 1);
    return marshalGoJson(a[0] === undefined ? null : a[0], { escapeHtml: false });
  },
  split: (s, sep) => str('split', s).split(str('split', sep)),
  join: (l, sep) => toStrings(l).join(str('join', sep)),
  title: (s) => str('title', s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()),
  lower: (s) => str('lower', s).toLowerCase(),
  upper: (s) => str('upper', s).toUpperCase(),
  pad: (s, before, after) => `${' '.repeat(Number(before))}${str('pad', s)}${' '.repeat(Number(after))}`,
  truncate: (s, n) => {
    const t = str('truncate', s);
    const l = Number(n);
    return [...t].length > l ? [...t].slice(0, l).join('') : t;
  },
};

/** The CLI's HeaderFunctions: for table headers the docker functions pass their argument through. */
export const HEADER_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  json: (v) => v,
  split: (v) => v,
  join: (v) => v,
  title: (v) => v,
  lower: (v) => v,
  upper: (v) => v,
  pad: (v) => v,
  truncate: (v) => v,
};

/** The docker CLI's templates.Parse: errors read "template parsing error: template: :1: …". */
export function parseDockerTemplate(format: string): Template {
  try {
    return Template.parse(format, DOCKER_FUNCS);
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateError(`template parsing error: ${e.message}`);
    throw e;
  }
}
