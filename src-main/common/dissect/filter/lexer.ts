// The display filter's tokens: parentheses, braces, commas, operators (symbols and words), quoted strings and
// unquoted literals (field names, numbers, addresses, CIDRs, byte strings: anything made of [A-Za-z0-9_.:/-]).
// Every token keeps its [start, end) in the text so errors point at it.

export class FilterError extends Error {
  constructor(
    message: string,
    /** [start, end) of the offending text; start === end === text length at the end of the expression. */
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

export type TokenKind = '(' | ')' | '{' | '}' | ',' | 'op' | 'and' | 'or' | 'not' | 'string' | 'word' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** For 'op': the canonical operator (==, !=, ===, !==, >, <, >=, <=, contains, matches, in); for others the text. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const WORD_OPS: Record<string, string> = {
  eq: '==',
  any_eq: '==',
  ne: '!=',
  all_ne: '!=',
  all_eq: '===',
  any_ne: '!==',
  gt: '>',
  lt: '<',
  ge: '>=',
  le: '<=',
  contains: 'contains',
  matches: 'matches',
  in: 'in',
};

const SYMBOL_OPS = ['===', '!==', '==', '!=', '~=', '>=', '<=', '&&', '||', '>', '<', '!', '~'];

function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_.:/-]/.test(c);
}

/** Reads a double-quoted string starting at `i` (the quote); returns the value and the index after the closing quote. */
function readString(text: string, i: number): { value: string; end: number } {
  let v = '';
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '"') return { value: v, end: j + 1 };
    if (c === '\\') {
      const n = text[j + 1];
      if (n === undefined) break;
      if (n === 'n') v += '\n';
      else if (n === 't') v += '\t';
      else if (n === 'r') v += '\r';
      else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(j + 2, j + 4))) {
        v += String.fromCharCode(parseInt(text.slice(j + 2, j + 4), 16));
        j += 4;
        continue;
      } else if (/[0-7]/.test(n) && /^[0-7]{3}$/.test(text.slice(j + 1, j + 4))) {
        v += String.fromCharCode(parseInt(text.slice(j + 1, j + 4), 8));
        j += 4;
        continue;
      } else v += n;
      j += 2;
      continue;
    }
    v += c;
    j++;
  }
  throw new FilterError('The string was not terminated: a closing " is missing.', i, text.length);
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === '{' || c === '}' || c === ',') {
      out.push({ kind: c, text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '"') {
      const s = readString(text, i);
      out.push({ kind: 'string', text: s.value, start: i, end: s.end });
      i = s.end;
      continue;
    }
    const sym = SYMBOL_OPS.find((op) => text.startsWith(op, i));
    if (sym) {
      const end = i + sym.length;
      if (sym === '&&') out.push({ kind: 'and', text: sym, start: i, end });
      else if (sym === '||') out.push({ kind: 'or', text: sym, start: i, end });
      else if (sym === '!') out.push({ kind: 'not', text: sym, start: i, end });
      else if (sym === '~') out.push({ kind: 'op', text: 'matches', start: i, end });
      else out.push({ kind: 'op', text: sym === '~=' ? '!==' : sym, start: i, end });
      i = end;
      continue;
    }
    if (isWordChar(c)) {
      let j = i;
      while (j < text.length && isWordChar(text[j]!)) j++;
      const w = text.slice(i, j);
      const lw = w.toLowerCase();
      if (lw === 'and') out.push({ kind: 'and', text: w, start: i, end: j });
      else if (lw === 'or') out.push({ kind: 'or', text: w, start: i, end: j });
      else if (lw === 'not') out.push({ kind: 'not', text: w, start: i, end: j });
      else if (WORD_OPS[lw] !== undefined) out.push({ kind: 'op', text: WORD_OPS[lw]!, start: i, end: j });
      else out.push({ kind: 'word', text: w, start: i, end: j });
      i = j;
      continue;
    }
    throw new FilterError(`"${c}" was unexpected in this context.`, i, i + 1);
  }
  out.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return out;
}
