// What the import dialog reads from a chosen file before it calls the services: its kind, the services a compose
// file lists, and a refusal split into file, place (a line or a field path) and reason, with the line quoted.

export type ImportKind = 'lab' | 'compose';

export interface ChosenFile {
  readonly name: string;
  readonly base64: string;
  /** The text, when the file is text (not a SQLite lab file). */
  readonly text: string | null;
  readonly kind: ImportKind;
  /** Services a compose file lists (its `services:` keys). */
  readonly services: string[];
}

/** A refusal as the services word it: `FILE: yaml: line N: …` or `FILE: services.web.ports[0]: …`. */
export interface ImportProblem {
  readonly file: string | null;
  /** "line 4" or a field path. */
  readonly place: string | null;
  readonly message: string;
  /** The file's line the problem is on, when the message names one. */
  readonly line: { no: number; text: string } | null;
}

export function splitProblem(raw: string, file: ChosenFile | null): ImportProblem {
  const prefix = file && raw.startsWith(`${file.name}: `) ? file.name : null;
  const rest = prefix ? raw.slice(prefix.length + 2) : raw;
  const yaml = /^yaml: line (\d+): (.*)$/s.exec(rest);
  if (yaml) {
    const no = Number(yaml[1]);
    const text = file?.text?.split('\n')[no - 1];
    return { file: prefix, place: `line ${no}`, message: yaml[2]!, line: text === undefined ? null : { no, text } };
  }
  // a field path (services.web.ports[0], nodes[1].name, (root)): no spaces, then ": "
  const field = /^((?:[A-Za-z_][\w-]*|\(root\))(?:\.[\w-]+|\[\d+\])*): (.*)$/s.exec(rest);
  if (field) return { file: prefix, place: field[1]!, message: field[2]!, line: null };
  return { file: prefix, place: null, message: rest, line: null };
}

/** The top-level `services:` keys of a compose file (for the dialog's summary; the services check the rest). */
export function composeServices(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^services\s*:\s*$/.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  let indent: number | undefined;
  for (const l of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(l)) continue;
    const n = l.length - l.trimStart().length;
    if (n === 0) break;
    indent ??= n;
    const m = n === indent ? /^\s*["']?([A-Za-z0-9_.-]+)["']?\s*:/.exec(l) : null;
    if (m) out.push(m[1]!);
  }
  return out;
}

export function stackNameOf(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return s === '' ? 'stack' : s.slice(0, 63);
}
