// encoding/json as Go writes it: struct fields in declaration order with their json names and omitempty, map keys
// sorted, HTML-safe escaping (<, >, & as \u003c…) unless turned off, and json.MarshalIndent / json.Indent layout
// (empty {} and [] stay on one line).

import type { GoValue } from './govalue.ts';
import { GoNil, GoStruct, GoTime, isEmptyValue, isGoMap, sortedKeys } from './govalue.ts';

export interface JsonOptions {
  /** SetEscapeHTML (default true, as json.Marshal). */
  readonly escapeHtml?: boolean;
  /** Indent unit for MarshalIndent ("" = compact). */
  readonly indent?: string;
}

export function quoteJson(s: string, escapeHtml = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x2028 || c === 0x2029 || (escapeHtml && (ch === '<' || ch === '>' || ch === '&'))) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

function num(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`json: unsupported value: ${n}`);
  if (Number.isInteger(n)) return String(n);
  const a = Math.abs(n);
  // Go uses %e outside [1e-6, 1e21): "1e-07"
  if (a < 1e-6 || a >= 1e21) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(n);
}

/** json.Marshal / MarshalIndent(v, "", indent). */
export function marshalGoJson(v: GoValue, opts: JsonOptions = {}): string {
  const esc = opts.escapeHtml ?? true;
  const ind = opts.indent ?? '';
  const nl = (depth: number): string => (ind === '' ? '' : `\n${ind.repeat(depth)}`);
  const sep = ind === '' ? ':' : ': ';
  const enc = (x: GoValue, depth: number): string => {
    if (x === null || x instanceof GoNil) return 'null';
    if (typeof x === 'string') return quoteJson(x, esc);
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'number') return num(x);
    if (typeof x === 'function') throw new TypeError('json: unsupported type: func');
    if (x instanceof GoTime) return quoteJson(x.rfc3339Nano(), esc);
    let entries: [string, GoValue][] | undefined;
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[${x.map((e) => nl(depth + 1) + enc(e, depth + 1)).join(',')}${nl(depth)}]`;
    }
    if (x instanceof GoStruct) {
      if (x.meta.marshalJson) return enc(x.meta.marshalJson(), depth);
      entries = [];
      for (const [k, val] of Object.entries(x.fields)) {
        if (x.meta.omitEmpty?.includes(k) && isEmptyValue(val)) continue;
        entries.push([x.meta.json?.[k] ?? k, val]);
      }
    } else if (isGoMap(x)) {
      entries = sortedKeys(x).map((k) => [k, x[k]!]);
    }
    if (!entries) throw new TypeError('json: unsupported value');
    if (entries.length === 0) return '{}';
    return `{${entries.map(([k, val]) => `${nl(depth + 1)}${quoteJson(k, esc)}${sep}${enc(val, depth + 1)}`).join(',')}${nl(depth)}}`;
  };
  return enc(v, 0);
}
