// The display filter grammar, with Wireshark's precedence (not > and > or; both associate left):
//
//   expr     := and ( ('or' | '||') and )*
//   and      := unary ( ('and' | '&&') unary )*
//   unary    := ('not' | '!') unary | '(' expr ')' | test
//   test     := WORD [ relop value | 'contains' value | 'matches' value | 'in' set ]
//   relop    := == != === !== ~= > < >= <= eq ne all_eq any_ne gt lt ge le
//   set      := '{' item ( [','] item )* '}'       item := value | value '..' value   (also written 1..1024)
//   value    := WORD | STRING
//
// A WORD alone is an existence test (a field or a protocol name). Values stay text here; compile.ts reads them
// by the field's type.

import { lookupField } from '../registry.ts';
import type { FieldDef } from '../field.ts';
import { FilterError, tokenize, type Token } from './lexer.ts';

export interface Literal {
  readonly text: string;
  readonly quoted: boolean;
  readonly start: number;
  readonly end: number;
}

export interface FieldRef {
  readonly field: FieldDef;
  readonly start: number;
  readonly end: number;
}

export type CmpOp = '==' | '!=' | '===' | '!==' | '>' | '<' | '>=' | '<=';

export type SetItem = { readonly value: Literal } | { readonly lo: Literal; readonly hi: Literal };

export type Ast =
  | { readonly kind: 'and' | 'or'; readonly left: Ast; readonly right: Ast }
  | { readonly kind: 'not'; readonly expr: Ast }
  | { readonly kind: 'exists'; readonly ref: FieldRef }
  | { readonly kind: 'cmp'; readonly op: CmpOp; readonly ref: FieldRef; readonly value: Literal; readonly opStart: number; readonly opEnd: number }
  | { readonly kind: 'contains'; readonly ref: FieldRef; readonly value: Literal; readonly opStart: number; readonly opEnd: number }
  | { readonly kind: 'matches'; readonly ref: FieldRef; readonly value: Literal; readonly opStart: number; readonly opEnd: number }
  | { readonly kind: 'in'; readonly ref: FieldRef; readonly items: readonly SetItem[] };

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly text: string,
  ) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  private unexpected(t: Token): FilterError {
    if (t.kind === 'end') return new FilterError('Unexpected end of filter expression.', this.text.length, this.text.length);
    return new FilterError(`"${this.text.slice(t.start, t.end)}" was unexpected in this context.`, t.start, t.end);
  }

  parse(): Ast {
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw this.unexpected(t);
    return e;
  }

  private or(): Ast {
    let left = this.and();
    while (this.peek().kind === 'or') {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Ast {
    let left = this.unary();
    while (this.peek().kind === 'and') {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  private unary(): Ast {
    const t = this.next();
    if (t.kind === 'not') return { kind: 'not', expr: this.unary() };
    if (t.kind === '(') {
      const e = this.or();
      const close = this.next();
      if (close.kind !== ')') throw this.unexpected(close);
      return e;
    }
    if (t.kind === 'word') return this.test(t);
    if (t.kind === 'string') throw new FilterError(`"${t.text}" is not a field or a protocol name: a string cannot be tested on its own.`, t.start, t.end);
    throw this.unexpected(t);
  }

  private test(t: Token): Ast {
    const field = lookupField(t.text);
    if (!field) throw new FilterError(`"${t.text}" is neither a field nor a protocol name.`, t.start, t.end);
    const ref: FieldRef = { field, start: t.start, end: t.end };
    const op = this.peek();
    if (op.kind !== 'op') return { kind: 'exists', ref };
    this.next();
    if (op.text === 'in') return { kind: 'in', ref, items: this.set() };
    const value = this.value();
    if (op.text === 'contains') return { kind: 'contains', ref, value, opStart: op.start, opEnd: op.end };
    if (op.text === 'matches') return { kind: 'matches', ref, value, opStart: op.start, opEnd: op.end };
    return { kind: 'cmp', op: op.text as CmpOp, ref, value, opStart: op.start, opEnd: op.end };
  }

  private value(): Literal {
    const t = this.next();
    if (t.kind === 'word' || t.kind === 'string') return { text: t.text, quoted: t.kind === 'string', start: t.start, end: t.end };
    throw this.unexpected(t);
  }

  private set(): SetItem[] {
    const open = this.next();
    if (open.kind !== '{') throw this.unexpected(open);
    const items: SetItem[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === '}') {
        this.next();
        if (items.length === 0) throw new FilterError('A set must hold at least one element.', open.start, t.end);
        return items;
      }
      if (t.kind === ',' && items.length > 0) {
        this.next();
        continue;
      }
      const v = this.value();
      // "1..1024" arrives as one word (dots are word characters); "1 .. 1024" as three.
      const dots = v.quoted ? -1 : v.text.indexOf('..');
      if (dots > 0 && dots + 2 < v.text.length) {
        items.push({ lo: { text: v.text.slice(0, dots), quoted: false, start: v.start, end: v.start + dots }, hi: { text: v.text.slice(dots + 2), quoted: false, start: v.start + dots + 2, end: v.end } });
      } else if (!v.quoted && v.text.endsWith('..')) {
        const hi = this.value();
        items.push({ lo: { ...v, text: v.text.slice(0, -2), end: v.end - 2 }, hi });
      } else if (this.peek().kind === 'word' && this.peek().text.startsWith('..')) {
        const d = this.next();
        if (d.text === '..') items.push({ lo: v, hi: this.value() });
        else items.push({ lo: v, hi: { text: d.text.slice(2), quoted: false, start: d.start + 2, end: d.end } });
      } else {
        items.push({ value: v });
      }
    }
  }
}

/** Parses a filter; throws FilterError with the position of the problem. */
export function parse(text: string): Ast {
  return new Parser(tokenize(text), text).parse();
}
