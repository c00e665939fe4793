// POSIX regular expressions (basic and extended, as grep and sed read them) rewritten as JavaScript ones.

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
  word: '0-9A-Za-z_',
};

export class RegexSyntaxError extends Error {}

/** The source of a JavaScript RegExp equivalent to a POSIX BRE (`extended` false) or ERE. */
export function posixToJs(src: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '[') {
      const end = bracketEnd(src, i);
      if (end < 0) throw new RegexSyntaxError('Unmatched [, [^, [:, [., or [=');
      out += bracket(src.slice(i + 1, end));
      i = end;
      continue;
    }
    if (c === '\\') {
      const n = src[++i];
      if (n === undefined) throw new RegexSyntaxError('Trailing backslash');
      if (!extended && '(){}|+?'.includes(n)) out += n;
      else if (n === '<' || n === '>') out += '\\b';
      else if ('wWsSbB'.includes(n)) out += '\\' + n;
      else if (/[0-9]/.test(n)) out += '\\' + n;
      else out += escapeJs(n);
      continue;
    }
    if ('(){}|+?'.includes(c)) {
      if (extended) out += c;
      else out += '\\' + c;
      continue;
    }
    if (c === '*' && (out === '' || out === '^' || (!extended && /(^|[^\\])\($/.test(out)))) {
      out += '\\*'; // a leading * is literal
      continue;
    }
    if (c === '^' && !extended && out !== '' && !/(^|[^\\])[(|]$/.test(out)) {
      out += '\\^';
      continue;
    }
    if (c === '$' && !extended && i !== src.length - 1 && !(src.startsWith('\\)', i + 1) || src.startsWith('\\|', i + 1))) {
      out += '\\$';
      continue;
    }
    if (c === '/') {
      out += '\\/';
      continue;
    }
    out += c;
  }
  return out;
}

function escapeJs(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? '\\' + c : c;
}

/** The index of the `]` closing the bracket expression opened at `start`, or -1. */
function bracketEnd(src: string, start: number): number {
  let i = start + 1;
  if (src[i] === '^') i++;
  if (src[i] === ']') i++;
  for (; i < src.length; i++) {
    if (src[i] === '[' && (src[i + 1] === ':' || src[i + 1] === '.' || src[i + 1] === '=')) {
      const close = src.indexOf(src[i + 1] + ']', i + 2);
      if (close < 0) return -1;
      i = close + 1;
    } else if (src[i] === ']') return i;
  }
  return -1;
}

function bracket(body: string): string {
  let out = '[';
  let i = 0;
  if (body[0] === '^') {
    out += '^';
    i = 1;
  }
  for (; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '[' && body[i + 1] === ':') {
      const close = body.indexOf(':]', i + 2);
      const name = body.slice(i + 2, close);
      const cls = CLASSES[name];
      if (cls === undefined) throw new RegexSyntaxError('Invalid character class name');
      out += cls;
      i = close + 1;
    } else if (c === '\\' || c === ']' || c === '[' || c === '^') out += '\\' + c;
    else out += c;
  }
  return out + ']';
}
