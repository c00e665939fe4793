// lab.yaml: the plain-text form of a lab document — one line per field, one block per node and per journal entry,
// so `git diff` shows what changed. What we write is YAML (block mappings and sequences; leaf values are JSON
// scalars or JSON flow collections, which YAML 1.2 reads the same); what we read is that subset: block mappings
// and sequences by indentation, `#` comments, and leaf values as JSON or as plain words. Errors name the line.
import { FlotillaError } from '../common/api/errors.ts';
import type { LabDocument } from '../common/api/types.ts';
import { parseLabDocument } from './document.ts';

export const LAB_YAML_HEADER = '# Flotilla lab (lab.yaml). Edit with care: `flotilla lab import` checks it against resources/lab.schema.json.';

/** The lab as lab.yaml text. */
export function formatLabYaml(name: string, doc: LabDocument): string {
  const out: string[] = [LAB_YAML_HEADER, `name: ${scalar(name)}`, `version: ${doc.version}`, `seed: ${doc.seed}`, `time: ${doc.time}`];
  out.push(doc.nodes.length ? 'nodes:' : 'nodes: []');
  for (const n of doc.nodes) {
    out.push(`  - name: ${scalar(n.name)}`);
    if (n.address !== undefined) out.push(`    address: ${scalar(n.address)}`);
    if (n.engine !== undefined) out.push(`    engine: ${scalar(n.engine)}`);
  }
  out.push(doc.journal.length ? 'journal:' : 'journal: []');
  for (const e of doc.journal) {
    out.push(`  - t: ${e.t}`, `    console: ${e.console}`, `    target: ${JSON.stringify(e.target)}`, `    line: ${JSON.stringify(e.line)}`, `    exit: ${JSON.stringify(e.exit)}`);
    if (e.interrupted !== undefined) out.push(`    interrupted: ${e.interrupted}`);
  }
  out.push(`canvas: ${JSON.stringify(doc.canvas)}`);
  out.push(doc.transcripts.length ? 'transcripts:' : 'transcripts: []');
  for (const t of doc.transcripts) out.push(`  - name: ${scalar(t.name)}`, `    text: ${JSON.stringify(t.text)}`);
  return out.join('\n') + '\n';
}

/** Reads lab.yaml text: the lab's name (undefined when the file has none) and its checked document. */
export function parseLabYaml(text: string, where: string): { name: string | undefined; document: LabDocument } {
  const root = parseYamlSubset(text, where);
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new FlotillaError('invalid-argument', `${where}: not a lab.yaml (expected a mapping at the top)`);
  }
  const { name, ...document } = root as Record<string, unknown>;
  if (name !== undefined && typeof name !== 'string') throw new FlotillaError('invalid-argument', `${where}: name: must be a string`, 'name');
  return { name, document: parseLabDocument(document, where) };
}

/** A string as a YAML scalar: plain when that reads back the same, else JSON-quoted. */
function scalar(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.\- ]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) && !s.endsWith(' ') ? s : JSON.stringify(s);
}

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

/** The YAML subset above, to plain JSON values. */
export function parseYamlSubset(text: string, where: string): unknown {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    if (raw.includes('\t') && /^\s*\t/.test(raw)) throw err(where, i + 1, 'tabs are not allowed for indentation');
    const indent = raw.length - raw.trimStart().length;
    lines.push({ no: i + 1, indent, text: raw.trim() });
  });
  if (lines.length === 0) throw err(where, 1, 'the file is empty');
  let pos = 0;

  const block = (indent: number): unknown => {
    const first = lines[pos]!;
    if (first.text.startsWith('- ') || first.text === '-') {
      const arr: unknown[] = [];
      while (pos < lines.length && lines[pos]!.indent === indent && (lines[pos]!.text.startsWith('- ') || lines[pos]!.text === '-')) {
        const l = lines[pos]!;
        const rest = l.text.slice(1).trimStart();
        if (rest === '') {
          pos++;
          if (pos >= lines.length || lines[pos]!.indent <= indent) throw err(where, l.no, 'an empty list item');
          arr.push(block(lines[pos]!.indent));
        } else if (isKey(rest)) {
          // "- key: value" starts a mapping whose keys sit at indent + 2.
          const inner = indent + (l.text.length - rest.length);
          lines[pos] = { no: l.no, indent: inner, text: rest };
          arr.push(block(inner));
        } else {
          arr.push(leaf(rest, l.no));
          pos++;
        }
      }
      return arr;
    }
    const obj: Record<string, unknown> = {};
    while (pos < lines.length && lines[pos]!.indent === indent) {
      const l = lines[pos]!;
      const m = /^("(?:[^"\\]|\\.)*"|[^:#"{}[\],]+):(?:\s+(.*))?$/.exec(l.text);
      if (!m) throw err(where, l.no, `expected "key: value", got ${JSON.stringify(l.text.slice(0, 40))}`);
      const key = m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!.trim();
      if (Object.hasOwn(obj, key)) throw err(where, l.no, `"${key}" appears twice`);
      const value = m[2]?.trim();
      pos++;
      if (value === undefined || value === '') {
        if (pos < lines.length && lines[pos]!.indent > indent) obj[key] = block(lines[pos]!.indent);
        else if (pos < lines.length && lines[pos]!.indent === indent && lines[pos]!.text.startsWith('-')) obj[key] = block(indent);
        else obj[key] = null;
      } else obj[key] = leaf(value, l.no);
    }
    return obj;
  };

  const leaf = (value: string, no: number): unknown => {
    const v = value.replace(/\s+#.*$/, (c) => (/^["[{]/.test(value) ? c : ''));
    if (/^["[{]/.test(v) || /^-?\d/.test(v) || v === 'true' || v === 'false' || v === 'null') {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        if (/^["[{]/.test(v)) throw err(where, no, `cannot read the value ${JSON.stringify(v.slice(0, 40))} (quoted values and {...} [...] are JSON)`);
      }
    }
    if (v === '~') return null;
    return v;
  };

  const value = block(lines[0]!.indent);
  if (pos < lines.length) throw err(where, lines[pos]!.no, 'unexpected indentation');
  return value;
}

function isKey(text: string): boolean {
  return /^("(?:[^"\\]|\\.)*"|[^:#"{}[\],]+):(\s|$)/.test(text);
}

function err(where: string, line: number, message: string): FlotillaError {
  return new FlotillaError('invalid-argument', `${where}:${line}: ${message}`);
}
