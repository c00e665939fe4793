// Lab files handed to the app by the desktop: a double-clicked .flotilla arrives as a path in the command line of
// the first instance, in the command line of a second instance (which hands it over and quits: 'second-instance'),
// or, on macOS, as an 'open-file' event (possibly before the app is ready). This module picks the lab files out of
// a command line and queues them until the Core can take them; main.ts wires the events.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The extension of lab files, and their MIME type (electron-builder.yml and resources/flotilla-lab.xml). */
export const LAB_FILE_EXTENSION = '.flotilla';
export const LAB_FILE_MIME = 'application/x-flotilla-lab';

/**
 * The lab files in a command line, as absolute paths (relative ones resolved against `cwd`, the directory the
 * command ran in). Options (`--flag`, `-x`) and everything else are skipped: Electron's own path, the app's
 * folder when run unpackaged, Chromium's switches.
 */
export function labFilesInArgv(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-') || !arg.toLowerCase().endsWith(LAB_FILE_EXTENSION)) continue;
    const file = arg.startsWith('file://') ? localPathOf(arg) : arg;
    if (file === undefined) continue;
    const abs = path.resolve(cwd, file);
    if (!out.includes(abs)) out.push(abs);
  }
  return out;
}

/**
 * The local path a file URL names, or undefined for one that names none (a bad %-escape, an encoded slash): a
 * command line is outside input, and one odd argument must not stop the app from starting.
 */
function localPathOf(fileUrl: string): string | undefined {
  try {
    return fileURLToPath(fileUrl);
  } catch {
    return undefined;
  }
}

/** Lab files waiting for the Core (events that come before it is ready), handed over once it is. */
export class OpenQueue {
  #pending: string[] = [];
  #open: ((file: string) => void) | undefined;

  /** A file to open: now when a handler is set, else when it is. */
  push(file: string): void {
    if (this.#open) this.#open(file);
    else if (!this.#pending.includes(file)) this.#pending.push(file);
  }

  /** From now on files go to `open`; the ones waiting go first, in order. */
  ready(open: (file: string) => void): void {
    this.#open = open;
    const waiting = this.#pending;
    this.#pending = [];
    for (const f of waiting) open(f);
  }
}
