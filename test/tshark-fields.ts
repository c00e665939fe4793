// Test helper: every field we dissect against `tshark -T fields`, frame by frame. tshark prints some values in
// another form than our filter text, and these are compared by what they mean, never skipped:
//   - floats: tshark prints nine decimals; equal within a nanosecond;
//   - hex integers: tshark pads to the field's type width (0x02 where we show 0x2); compared as numbers;
//   - bytes: tshark prints bare hex, our filter text has colons; compared as bytes;
//   - fields tshark declares as protocols (tcp.options.sack_perm) and ours of type 'none': compared by how many
//     times each occurs (tshark prints the item's bytes, we keep no value for them);
//   - tshark's string fields that we keep as bytes (http.file_data): compared as the same bytes.
// (Test-only; imported by *.test.ts.)
import { execFileSync } from 'node:child_process';
import { collectFields, type FrameMeta } from '../src-main/common/dissect/dissect.ts';
import type { CaptureContext } from '../src-main/common/dissect/context.ts';
import { valueToFieldText, type FieldDef } from '../src-main/common/dissect/field.ts';
import { allFields } from '../src-main/common/dissect/registry.ts';

interface TsharkField {
  kind: 'F' | 'P';
  type: string;
}

let known: Map<string, TsharkField> | undefined;

/** tshark's own list of fields and protocols (tshark -G fields). */
export function tsharkFields(): Map<string, TsharkField> {
  if (known) return known;
  known = new Map();
  const out = execFileSync('tshark', ['-G', 'fields'], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }).toString();
  for (const line of out.split('\n')) {
    const c = line.split('\t');
    if (c[0] === 'F' && c[2]) known.set(c[2], { kind: 'F', type: c[3] ?? '' });
    else if (c[0] === 'P' && c[2]) known.set(c[2], { kind: 'P', type: 'FT_PROTOCOL' });
  }
  return known;
}

/** Every field of ours that tshark knows by the same name, protocols left out (their value is every byte after). */
export function comparableFields(): FieldDef[] {
  const ts = tsharkFields();
  return allFields().filter((f) => f.type !== 'protocol' && ts.has(f.abbrev));
}

const hexBytes = (s: string) => s.replace(/:/g, '');
const asciiToHex = (s: string) =>
  Array.from(new TextEncoder().encode(s.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\t/g, '\t')), (b) => b.toString(16).padStart(2, '0')).join('');

/** One value of ours and tshark's text for it, as the same thing (see the header). */
function same(f: FieldDef, mine: string, theirs: string, t: TsharkField): boolean {
  if (mine === theirs) return true;
  if (f.type === 'float') return Math.abs(Number(mine) - Number(theirs)) < 1e-9;
  if (f.type === 'uint' && /^0x[0-9a-f]+$/i.test(mine) && /^0x[0-9a-f]+$/i.test(theirs)) return Number(mine) === Number(theirs);
  if (f.type === 'bytes') return t.type === 'FT_STRING' ? hexBytes(mine) === asciiToHex(theirs) : hexBytes(mine) === theirs;
  return false;
}

export interface FieldMismatch {
  frame: number;
  field: string;
  ours: string;
  tshark: string;
}

/**
 * Dissects every frame of a file (in order, one context) and compares each comparable field with tshark's
 * reading of the same file. The mismatches, none when all agree.
 */
export function compareEveryField(path: string, frames: readonly { data: Uint8Array; meta: FrameMeta }[], ctx: CaptureContext, only?: readonly FieldDef[]): { mismatches: FieldMismatch[]; compared: number; frames: number } {
  const defs = only ?? comparableFields();
  const ts = tsharkFields();
  const out = execFileSync('tshark', ['-r', path, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=\u0001', ...defs.flatMap((f) => ['-e', f.abbrev])], {
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 1 << 28,
    // Absolute times in UTC, as we print them.
    env: { ...process.env, TZ: 'UTC' },
  }).toString();
  const rows = out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
  const mismatches: FieldMismatch[] = [];
  let compared = 0;
  frames.forEach((fr, i) => {
    const values = collectFields(fr.data, fr.meta, ctx).values;
    defs.forEach((f, k) => {
      const t = ts.get(f.abbrev)!;
      const theirs = (rows[i]?.[k] ?? '') === '' ? [] : rows[i]![k]!.split('\u0001');
      const vs = values.get(f.abbrev) ?? [];
      compared++;
      const ok =
        f.type === 'none' || t.kind === 'P'
          ? vs.length === theirs.length
          : vs.length === theirs.length && vs.every((v, j) => same(f, valueToFieldText(f, v), theirs[j]!, t));
      if (!ok) mismatches.push({ frame: i + 1, field: f.abbrev, ours: vs.map((v) => valueToFieldText(f, v)).join(' | '), tshark: theirs.join(' | ') });
    });
  });
  return { mismatches, compared, frames: rows.length };
}
