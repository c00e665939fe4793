// One console tab's terminal: an xterm.js Terminal that only draws, the line editor that turns keys into the line,
// and the contract calls — console.run on Enter (output arrives as onConsoleOutput meanwhile), console.interrupt on
// Ctrl-C, console.complete on Tab. Keys typed while a command runs wait their turn (type-ahead), except Ctrl-C.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import type { Api } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';
import { columns, commonPrefix, LineEditor, splitKeys } from './line-editor.ts';
import { colourPrompt, TERMINAL_FONT, terminalTheme } from './terminal-theme.ts';
import type { ResolvedTheme } from './theme.svelte.ts';

export interface SessionHooks {
  onBusy(busy: boolean): void;
  onEnded(reason: string): void;
}

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

export class TerminalSession {
  readonly term: Terminal;
  readonly #fit = new FitAddon();
  readonly #editor: LineEditor;
  readonly #api: Api;
  readonly #id: string;
  readonly #hooks: SessionHooks;
  #prompt: string;
  #busy = false;
  #completing = false;
  /** Busy with a command a rebuilt lab took over (adopted), not one this terminal's console.run waits for. */
  #adopting = false;
  #ended = false;
  #queue: string[] = [];
  /** The last character a command printed (to end its output with a line break before the prompt). */
  #last = '\n';
  #element: HTMLElement | null = null;

  constructor(api: Api, consoleId: string, prompt: string, theme: ResolvedTheme, hooks: SessionHooks) {
    this.#api = api;
    this.#id = consoleId;
    this.#prompt = prompt;
    this.#hooks = hooks;
    this.term = new Terminal({
      theme: terminalTheme(theme),
      fontFamily: TERMINAL_FONT,
      fontSize: 12.5,
      lineHeight: 1.25,
      cursorBlink: true,
      cursorStyle: 'bar',
      scrollback: 5000,
      allowProposedApi: false,
      convertEol: false,
    });
    this.term.loadAddon(this.#fit);
    this.#editor = new LineEditor(this.term.cols);
    this.term.onData((data) => this.#input(data));
    this.term.onResize(({ cols }) => {
      this.#editor.cols = cols;
    });
    this.term.write(this.#editor.begin(colourPrompt(prompt)));
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** Puts the terminal in its element (once), sized to it. */
  attach(element: HTMLElement): void {
    if (this.#element === null) {
      this.term.open(element);
      this.#element = element;
    }
    this.fit();
  }

  /** Fits the terminal to its element, when the element is shown. */
  fit(): void {
    const el = this.#element;
    if (el === null || el.offsetParent === null || el.clientWidth === 0 || el.clientHeight === 0) return;
    this.#fit.fit();
  }

  focus(): void {
    this.term.focus();
  }

  setTheme(theme: ResolvedTheme): void {
    this.term.options.theme = terminalTheme(theme);
  }

  /** Output of this console's commands (onConsoleOutput). */
  output(data: string): void {
    if (data === '') return;
    const text = data.replace(/\r?\n/g, '\r\n');
    this.#last = data[data.length - 1] as string;
    if (this.#busy || this.#ended) this.term.write(text);
    else this.term.write(this.#editor.erase() + text + (text.endsWith('\n') ? '' : '\r\n') + this.#editor.redraw());
  }

  /**
   * A command this terminal did not start runs in its console (a rebuilt lab took it over), or it ended
   * (onConsoleBusy): until then the console is running — typed keys wait, Ctrl-C interrupts it.
   */
  adopted(busy: boolean, prompt?: string): void {
    if (this.#ended) return;
    if (busy) {
      if (this.#busy) return;
      this.#adopting = true;
      this.term.write(this.#editor.erase());
      this.#last = '\n';
      this.#setBusy(true);
      return;
    }
    if (!this.#adopting) return;
    this.#adopting = false;
    if (prompt !== undefined) this.#prompt = prompt;
    if (this.#last !== '\n') this.term.write('\r\n');
    this.#setBusy(false);
    this.term.write(this.#editor.begin(colourPrompt(this.#prompt)));
    this.#drain();
  }

  /** The session ended in the services (exit, its container stopped, the lab stopped). */
  ended(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    const lead = this.#busy ? '\r\n' : this.#editor.erase();
    this.term.write(`${lead}${DIM}[session ended: ${reason}]${RESET}\r\n`);
    this.term.options.cursorBlink = false;
    this.#hooks.onEnded(reason);
  }

  dispose(): void {
    this.term.dispose();
  }

  // ------------------------------------------------------------------------------------------ keys

  #input(data: string): void {
    if (this.#ended) return;
    const keys = splitKeys(data);
    // Ctrl-C acts at once, even while a command runs; everything else waits its turn.
    if (keys.includes('\x03') && (this.#busy || this.#completing)) {
      this.#interrupt();
      this.#queue = [];
      return;
    }
    this.#queue.push(...keys);
    this.#drain();
  }

  #drain(): void {
    while (this.#queue.length > 0 && !this.#busy && !this.#completing && !this.#ended) {
      this.#key(this.#queue.shift() as string);
    }
  }

  #key(key: string): void {
    const e = this.#editor;
    const w = (s: string): void => {
      if (s) this.term.write(s);
    };
    switch (key) {
      case '\r':
        return void this.#submit();
      case '\x7f':
      case '\b':
        return w(e.backspace());
      case '\x1b[3~':
      case '\x04':
        return w(e.deleteForward());
      case '\x1b[D':
      case '\x02':
        return w(e.move(-1));
      case '\x1b[C':
      case '\x06':
        return w(e.move(1));
      case '\x1b[1;5D':
      case '\x1bb':
        return w(e.word(-1));
      case '\x1b[1;5C':
      case '\x1bf':
        return w(e.word(1));
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
      case '\x01':
        return w(e.home());
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
      case '\x05':
        return w(e.end());
      case '\x1b[A':
      case '\x10':
        return w(e.recall(-1));
      case '\x1b[B':
      case '\x0e':
        return w(e.recall(1));
      case '\x15':
        return w(e.killBefore());
      case '\x0b':
        return w(e.killAfter());
      case '\x17':
        return w(e.killWordBefore());
      case '\x0c':
        return w('\x1b[H\x1b[2J' + e.redraw());
      case '\x03':
        return w(e.abandon() + e.begin(colourPrompt(this.#prompt)));
      case '\t':
        return void this.#complete();
      default:
        if (key.startsWith('\x1b')) return; // a key we do not bind
        return w(e.insert(key));
    }
  }

  #interrupt(): void {
    // The tty's echo of Ctrl-C comes from the console with the command's output (console-session.ts), in its
    // order; a completion being read has no command to echo it. A command that prints nothing as it stops (sleep,
    // one abandoned) leaves the line open: the prompt then goes on the next line, as bash's does, not after the
    // "^C". One that does print starts with its own line break (ping's "\n--- … ping statistics ---").
    if (!this.#busy) {
      this.term.write('^C');
      this.#last = 'C';
    }
    this.#api.console.interrupt({ consoleId: this.#id }).catch(() => undefined);
  }

  async #submit(): Promise<void> {
    const { line, output } = this.#editor.accept();
    this.term.write(output);
    if (line.trim() === '') {
      this.term.write(this.#editor.begin(colourPrompt(this.#prompt)));
      return;
    }
    this.#setBusy(true);
    this.#last = '\n';
    try {
      const r = await this.#api.console.run({ consoleId: this.#id, line });
      this.#prompt = r.prompt;
      if (r.closed) this.ended('logout');
    } catch (err) {
      if (!this.#ended) this.term.write(`${RED}flotilla: ${describeError(err)}${RESET}\r\n`);
      this.#last = '\n';
    }
    if (this.#last !== '\n') this.term.write('\r\n');
    this.#setBusy(false);
    if (!this.#ended) this.term.write(this.#editor.begin(colourPrompt(this.#prompt)));
    this.#drain();
  }

  async #complete(): Promise<void> {
    const e = this.#editor;
    const line = e.line;
    const cursor = e.cursor;
    this.#completing = true;
    try {
      const { start, end, candidates } = await this.#api.console.complete({ consoleId: this.#id, line, cursor });
      if (e.line !== line || e.cursor !== cursor) return; // the line changed meanwhile
      const word = line.slice(start, end);
      const only = candidates.length === 1 ? (candidates[0] as string) : undefined;
      const prefix = only !== undefined ? only + (only.endsWith('/') ? '' : ' ') : commonPrefix(candidates);
      if (prefix.length > word.length) {
        const next = line.slice(0, start) + prefix + line.slice(end);
        this.term.write(e.setLine(next, start + prefix.length));
      } else if (candidates.length > 1) {
        this.term.write(e.end() + '\r\n' + columns(candidates, this.term.cols) + e.redraw());
        this.term.write(e.setLine(line, cursor));
      } else {
        this.term.write('\x07');
      }
    } catch {
      this.term.write('\x07');
    } finally {
      this.#completing = false;
      this.#drain();
    }
  }

  #setBusy(busy: boolean): void {
    this.#busy = busy;
    this.term.options.cursorBlink = !busy;
    this.#hooks.onBusy(busy);
  }
}
