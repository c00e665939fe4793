// The console's line editing, as readline does it, for a terminal that only draws: the line being typed, the
// cursor in it, and the escape sequences that redraw it after each key — wrapping over several rows included. Pure
// (no DOM, no xterm): TerminalSession feeds it keys and writes what it returns.

/** ANSI: Control Sequence Introducer. */
const CSI = '\x1b[';

/** The visible width of a prompt that may hold colour codes. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- stripping escape sequences is the point
  return [...text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')].length;
}

/** Splits terminal input into keys: one escape sequence, or one character (a code point). */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < data.length) {
    if (data[i] === '\x1b') {
      // eslint-disable-next-line no-control-regex -- terminal input is control sequences
      const m = /^\x1b(?:\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?/.exec(data.slice(i));
      const seq = m ? m[0] : '\x1b';
      keys.push(seq);
      i += seq.length;
      continue;
    }
    const cp = data.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    keys.push(ch);
    i += ch.length;
  }
  return keys;
}

export class LineEditor {
  /** The line, as code points (so the cursor never splits a surrogate pair). */
  #chars: string[] = [];
  #cursor = 0;
  /** The row of the cursor below the prompt's first row, as last drawn. */
  #row = 0;
  #prompt = '';
  #promptWidth = 0;
  cols: number;
  readonly #history: string[] = [];
  #historyIndex = 0;
  #draft = '';

  constructor(cols = 80) {
    this.cols = Math.max(1, cols);
  }

  get line(): string {
    return this.#chars.join('');
  }

  get cursor(): number {
    return this.#chars.slice(0, this.#cursor).join('').length;
  }

  get history(): readonly string[] {
    return this.#history;
  }

  /** Starts a fresh line after `prompt` (which may hold colour codes); returns what draws it. */
  begin(prompt: string): string {
    this.#prompt = prompt;
    this.#promptWidth = visibleLength(prompt);
    this.#chars = [];
    this.#cursor = 0;
    this.#row = 0;
    this.#historyIndex = this.#history.length;
    this.#draft = '';
    return this.#draw();
  }

  /** Replaces the whole line (completion, history), the cursor at `cursor` (default: the end). */
  setLine(line: string, cursor?: number): string {
    this.#chars = [...line];
    this.#cursor = cursor === undefined ? this.#chars.length : [...line.slice(0, cursor)].length;
    return this.#draw();
  }

  insert(text: string): string {
    const add = [...text].filter((c) => c >= ' ' && c !== '\x7f');
    if (add.length === 0) return '';
    this.#chars.splice(this.#cursor, 0, ...add);
    this.#cursor += add.length;
    return this.#draw();
  }

  backspace(): string {
    if (this.#cursor === 0) return '';
    this.#chars.splice(--this.#cursor, 1);
    return this.#draw();
  }

  deleteForward(): string {
    if (this.#cursor >= this.#chars.length) return '';
    this.#chars.splice(this.#cursor, 1);
    return this.#draw();
  }

  move(delta: number): string {
    const next = Math.max(0, Math.min(this.#chars.length, this.#cursor + delta));
    if (next === this.#cursor) return '';
    this.#cursor = next;
    return this.#draw();
  }

  home(): string {
    return this.move(-this.#cursor);
  }

  end(): string {
    return this.move(this.#chars.length - this.#cursor);
  }

  /** Alt-B / Ctrl-Left and Alt-F / Ctrl-Right: to the start of this or the previous word, or past the next one. */
  word(direction: -1 | 1): string {
    let i = this.#cursor;
    const space = (k: number) => (this.#chars[k] ?? ' ') === ' ';
    if (direction < 0) {
      while (i > 0 && space(i - 1)) i--;
      while (i > 0 && !space(i - 1)) i--;
    } else {
      while (i < this.#chars.length && space(i)) i++;
      while (i < this.#chars.length && !space(i)) i++;
    }
    return this.move(i - this.#cursor);
  }

  /** Ctrl-U: deletes from the start of the line to the cursor. */
  killBefore(): string {
    if (this.#cursor === 0) return '';
    this.#chars.splice(0, this.#cursor);
    this.#cursor = 0;
    return this.#draw();
  }

  /** Ctrl-K: deletes from the cursor to the end. */
  killAfter(): string {
    if (this.#cursor === this.#chars.length) return '';
    this.#chars.length = this.#cursor;
    return this.#draw();
  }

  /** Ctrl-W: deletes the word before the cursor. */
  killWordBefore(): string {
    let i = this.#cursor;
    while (i > 0 && this.#chars[i - 1] === ' ') i--;
    while (i > 0 && this.#chars[i - 1] !== ' ') i--;
    if (i === this.#cursor) return '';
    this.#chars.splice(i, this.#cursor - i);
    this.#cursor = i;
    return this.#draw();
  }

  /** ↑ (-1) and ↓ (+1) through this console's history; the line being typed is kept as the newest entry. */
  recall(direction: -1 | 1): string {
    const next = this.#historyIndex + direction;
    if (next < 0 || next > this.#history.length) return '';
    if (this.#historyIndex === this.#history.length) this.#draft = this.line;
    this.#historyIndex = next;
    return this.setLine(next === this.#history.length ? this.#draft : (this.#history[next] as string));
  }

  /** Enter: the line (added to the history when not blank or a repeat), and what ends it on screen. */
  accept(): { line: string; output: string } {
    const line = this.line;
    const output = this.end() + '\r\n';
    if (line.trim() !== '' && this.#history[this.#history.length - 1] !== line) this.#history.push(line);
    this.#historyIndex = this.#history.length;
    this.#chars = [];
    this.#cursor = 0;
    this.#row = 0;
    return { line, output };
  }

  /** Gives the line up (Ctrl-C): the cursor goes past it and the next begin() starts below. */
  abandon(marker = '^C'): string {
    const out = this.end() + marker + '\r\n';
    this.#chars = [];
    this.#cursor = 0;
    this.#row = 0;
    return out;
  }

  /** Erases the prompt and the line (to print something above them); redraw() puts them back. */
  erase(): string {
    const out = (this.#row > 0 ? `${CSI}${this.#row}A` : '') + '\r' + `${CSI}J`;
    this.#row = 0;
    return out;
  }

  /** Draws the prompt and the line again where the cursor is (after erase(), a clear screen or a resize). */
  redraw(): string {
    this.#row = 0;
    return this.#draw();
  }

  #draw(): string {
    const cols = this.cols;
    let out = (this.#row > 0 ? `${CSI}${this.#row}A` : '') + '\r' + `${CSI}J` + this.#prompt + this.#chars.join('');
    const total = this.#promptWidth + this.#chars.length;
    // Written exactly to the last column, the terminal waits to wrap: go to the next row so the sums below hold.
    if (total > 0 && total % cols === 0) out += '\r\n';
    const endRow = Math.floor(total / cols);
    const at = this.#promptWidth + this.#cursor;
    const row = Math.floor(at / cols);
    const col = at % cols;
    if (endRow > row) out += `${CSI}${endRow - row}A`;
    out += '\r';
    if (col > 0) out += `${CSI}${col}C`;
    this.#row = row;
    return out;
  }
}

/** Lays out completion candidates in columns, as readline lists them. */
export function columns(items: readonly string[], width: number): string {
  const cell = Math.max(...items.map((s) => s.length)) + 2;
  const per = Math.max(1, Math.floor(width / cell));
  const rows = Math.ceil(items.length / per);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < per; c++) {
      const item = items[c * rows + r];
      if (item !== undefined) line += item.padEnd(cell);
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\r\n') + '\r\n';
}

/** The longest prefix all candidates share. */
export function commonPrefix(items: readonly string[]): string {
  if (items.length === 0) return '';
  let p = items[0] as string;
  for (const s of items) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}
