// Compiles a parsed filter into a predicate over a frame's field values, once; evaluating it is closures over
// plain values (no parsing or allocation per frame).
//
// Semantics (Wireshark 3.6 and later, as tshark 4.x evaluates them):
// - A field may occur several times in a frame (ip.addr: source and destination, outer and inner headers).
//   `==`, `>`, `<`, `>=`, `<=`, `contains`, `matches`, `in` are true when ANY occurrence satisfies them.
// - `!=` (`ne`, `all_ne`) is "all not equal": true when the field is present and NO occurrence equals the value,
//   i.e. `ip.addr != 10.0.1.5` drops every frame that has 10.0.1.5 anywhere. A frame without the field does not
//   match (`!(ip.addr == X)` does match it). `~=` / `!==` / `any_ne` is "any not equal"; `===` / `all_eq` is
//   "all equal".
// - An IPv4 or IPv6 value may be a CIDR (`ip.addr == 10.0.0.0/24`): equality means "inside the subnet".
// - Set elements may be separated by spaces (Wireshark 3.x) or commas (required since Wireshark 4.0); both are
//   accepted here.
// - An unquoted word that names a field on the right-hand side compares two fields (`ip.src == ip.dst`).

import { bytesEqual } from '../../wire/bytes.ts';
import { inSubnetIpv6, ipv6ToBytes, parseIpv6 } from '../../wire/ipv6-address.ts';
import type { FieldDef, FieldValue } from '../field.ts';
import { lookupField } from '../registry.ts';
import type { FieldValues } from '../tree.ts';
import { FilterError } from './lexer.ts';
import { parse, type Ast, type CmpOp, type FieldRef, type Literal } from './parser.ts';

export interface DisplayFilter {
  readonly text: string;
  /** True when the frame with these field values passes. */
  test(values: FieldValues): boolean;
  /** The short names the filter reads (a dissection may skip building others). */
  readonly fields: ReadonlySet<string>;
}

export interface FilterErrorInfo {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export type CompileResult = { readonly ok: true; readonly filter: DisplayFilter } | { readonly ok: false; readonly error: FilterErrorInfo };

type Pred = (values: FieldValues) => boolean;

/** One value on the right of an operator, read by the field's type. */
interface Operand {
  eq(v: FieldValue): boolean;
  /** Sign of (v - operand) for ordering; NaN when the type has no order. */
  order(v: FieldValue): number;
}

export function typeName(f: FieldDef): string {
  switch (f.type) {
    case 'uint': {
      const max = f.max ?? 0xffffffff;
      const bytes = max <= 0xff ? 1 : max <= 0xffff ? 2 : max <= 0xffffff ? 3 : 4;
      return `Unsigned integer (${bytes} byte${bytes === 1 ? '' : 's'})`;
    }
    case 'float':
      return 'Time offset';
    case 'bool':
      return 'Boolean';
    case 'ipv4':
      return 'IPv4 address';
    case 'ipv6':
      return 'IPv6 address';
    case 'mac':
      return 'Ethernet or other MAC address';
    case 'string':
      return 'Character string';
    case 'bytes':
      return 'Byte sequence';
    case 'protocol':
      return 'Protocol';
    case 'none':
      return 'Label';
  }
}

const err = (message: string, l: { start: number; end: number }): FilterError => new FilterError(message, l.start, l.end);

function parseUint(f: FieldDef, l: Literal): number {
  if (l.quoted) throw err(`${typeName(f)} cannot be converted from a string ("${l.text}").`, l);
  const t = l.text;
  let n: number;
  if (/^0x[0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0[0-7]+$/.test(t)) n = parseInt(t.slice(1), 8);
  else if (/^[0-9]+$/.test(t)) n = Number(t);
  else {
    const byName = f.names ? Object.entries(f.names).find(([, name]) => name.toLowerCase() === t.toLowerCase() || name.split(' ')[0]!.toLowerCase() === t.toLowerCase()) : undefined;
    if (!byName) throw err(`"${t}" is not a valid number.`, l);
    n = Number(byName[0]);
  }
  const max = f.max ?? 0xffffffff;
  if (n > max) throw err(`"${t}" too big for this field, maximum ${max}.`, l);
  return n;
}

function numeric(x: number): Operand {
  return { eq: (v) => v === x, order: (v) => Math.sign((v as number) - x) };
}

function parseIpv4Text(t: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (!m) return undefined;
  const o = [m[1], m[2], m[3], m[4]].map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

function parseBytesText(t: string): Uint8Array | undefined {
  if (/^[0-9a-fA-F]{1,2}([:.-][0-9a-fA-F]{1,2})*$/.test(t)) return Uint8Array.from(t.split(/[:.-]/), (x) => parseInt(x, 16));
  return undefined;
}

function stringBytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return Math.sign(a[i]! - b[i]!);
  return Math.sign(a.length - b.length);
}

/** Reads a literal as a value of the field's type; throws FilterError worded as Wireshark words it. */
function operand(f: FieldDef, l: Literal): Operand {
  const t = l.text;
  switch (f.type) {
    case 'uint':
      return numeric(parseUint(f, l));
    case 'float': {
      const n = Number(t);
      if (l.quoted || t === '' || Number.isNaN(n)) throw err(`"${t}" is not a valid number.`, l);
      return numeric(n);
    }
    case 'bool': {
      const lt = t.toLowerCase();
      let b: boolean;
      if (!l.quoted && (lt === 'true' || lt === 'false')) b = lt === 'true';
      else if (!l.quoted && /^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) b = Number(t) !== 0;
      else throw err(`"${t}" is not a valid boolean.`, l);
      return { eq: (v) => v === b, order: (v) => Math.sign(Number(v) - Number(b)) };
    }
    case 'ipv4': {
      const slash = t.indexOf('/');
      const addr = parseIpv4Text(slash < 0 ? t : t.slice(0, slash));
      if (l.quoted || addr === undefined) throw err(`"${t}" is not a valid IPv4 address.`, l);
      if (slash < 0) return numeric(addr);
      const bitsText = t.slice(slash + 1);
      const bits = /^[0-9]+$/.test(bitsText) ? Number(bitsText) : NaN;
      if (Number.isNaN(bits)) throw err(`"${t}" is not a valid IPv4 address.`, l);
      if (bits > 32) throw err(`Netmask bits in a CIDR IPv4 address should be <= 32, not ${bits}`, l);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const net = (addr & mask) >>> 0;
      return { eq: (v) => (((v as number) & mask) >>> 0) === net, order: (v) => Math.sign((((v as number) & mask) >>> 0) - net) };
    }
    case 'ipv6': {
      const slash = t.indexOf('/');
      let canon: string;
      try {
        canon = parseIpv6(slash < 0 ? t : t.slice(0, slash));
      } catch {
        throw err(`"${t}" is not a valid IPv6 address.`, l);
      }
      if (slash >= 0) {
        const bits = Number(t.slice(slash + 1));
        if (!Number.isInteger(bits) || bits > 128) throw err(`Prefix in a CIDR IPv6 address should be <= 128, not ${t.slice(slash + 1)}`, l);
        return { eq: (v) => inSubnetIpv6(v as string, canon, bits), order: () => NaN };
      }
      const mine = ipv6ToBytes(canon);
      return { eq: (v) => v === canon, order: (v) => compareBytes(ipv6ToBytes(v as string), mine) };
    }
    case 'mac': {
      const b = l.quoted ? undefined : parseBytesText(t) ?? (/^[0-9a-fA-F]{12}$/.test(t) ? Uint8Array.from(t.match(/../g)!, (x) => parseInt(x, 16)) : undefined);
      if (!b) throw err(`"${t}" is not a valid Ethernet address.`, l);
      if (b.length < 6) throw err(`"${t}" contains too few bytes to be a valid Ethernet address.`, l);
      if (b.length > 6) throw err(`"${t}" contains too many bytes to be a valid Ethernet address.`, l);
      const x = b.reduce((acc, o) => acc * 256 + o, 0);
      return numeric(x);
    }
    case 'string':
      return { eq: (v) => v === t, order: (v) => ((v as string) < t ? -1 : (v as string) > t ? 1 : 0) };
    case 'bytes':
    case 'protocol': {
      const b = l.quoted ? stringBytes(t) : parseBytesText(t);
      if (!b) throw err(`"${t}" is not a valid byte string.`, l);
      return { eq: (v) => bytesEqual(v as Uint8Array, b), order: (v) => compareBytes(v as Uint8Array, b) };
    }
    case 'none':
      throw err(`"${f.abbrev}" is a label and cannot be compared with a value.`, l);
  }
}

function valuesOf(values: FieldValues, abbrev: string): FieldValue[] | undefined {
  return values.get(abbrev);
}

function compareOp(op: CmpOp, ref: FieldRef, rhs: Operand): Pred {
  const a = ref.field.abbrev;
  switch (op) {
    case '==':
      return (vs) => valuesOf(vs, a)?.some((v) => rhs.eq(v)) ?? false;
    case '!=':
      return (vs) => {
        const list = valuesOf(vs, a);
        return list !== undefined && list.length > 0 && list.every((v) => !rhs.eq(v));
      };
    case '===':
      return (vs) => {
        const list = valuesOf(vs, a);
        return list !== undefined && list.length > 0 && list.every((v) => rhs.eq(v));
      };
    case '!==':
      return (vs) => valuesOf(vs, a)?.some((v) => !rhs.eq(v)) ?? false;
    case '>':
      return (vs) => valuesOf(vs, a)?.some((v) => rhs.order(v) > 0) ?? false;
    case '<':
      return (vs) => valuesOf(vs, a)?.some((v) => rhs.order(v) < 0) ?? false;
    case '>=':
      return (vs) => valuesOf(vs, a)?.some((v) => rhs.order(v) >= 0) ?? false;
    case '<=':
      return (vs) => valuesOf(vs, a)?.some((v) => rhs.order(v) <= 0) ?? false;
  }
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

function fieldOperand(l: Literal): FieldDef | undefined {
  return l.quoted ? undefined : lookupField(l.text);
}

function compileNode(n: Ast, used: Set<string>): Pred {
  switch (n.kind) {
    case 'and': {
      const a = compileNode(n.left, used);
      const b = compileNode(n.right, used);
      return (vs) => a(vs) && b(vs);
    }
    case 'or': {
      const a = compileNode(n.left, used);
      const b = compileNode(n.right, used);
      return (vs) => a(vs) || b(vs);
    }
    case 'not': {
      const a = compileNode(n.expr, used);
      return (vs) => !a(vs);
    }
    case 'exists': {
      const a = n.ref.field.abbrev;
      used.add(a);
      return (vs) => vs.has(a);
    }
    case 'cmp': {
      used.add(n.ref.field.abbrev);
      const other = fieldOperand(n.value);
      if (other) {
        if (other.type !== n.ref.field.type) throw err(`"${n.ref.field.abbrev}" and "${other.abbrev}" are of incompatible types.`, n.value);
        used.add(other.abbrev);
        const a = n.ref.field.abbrev;
        const b = other.abbrev;
        const pairs = (vs: FieldValues, test: (x: FieldValue, y: FieldValue) => boolean): boolean => (vs.get(a) ?? []).some((x) => (vs.get(b) ?? []).some((y) => test(x, y)));
        const ord = (x: FieldValue, y: FieldValue): number => (x instanceof Uint8Array && y instanceof Uint8Array ? compareBytes(x, y) : x < y ? -1 : x > y ? 1 : 0);
        const eq = (x: FieldValue, y: FieldValue): boolean => (x instanceof Uint8Array && y instanceof Uint8Array ? bytesEqual(x, y) : x === y);
        switch (n.op) {
          case '==':
            return (vs) => pairs(vs, eq);
          case '!=':
            return (vs) => vs.has(a) && vs.has(b) && !pairs(vs, eq);
          case '===':
            return (vs) => vs.has(a) && vs.has(b) && !pairs(vs, (x, y) => !eq(x, y));
          case '!==':
            return (vs) => pairs(vs, (x, y) => !eq(x, y));
          case '>':
            return (vs) => pairs(vs, (x, y) => ord(x, y) > 0);
          case '<':
            return (vs) => pairs(vs, (x, y) => ord(x, y) < 0);
          case '>=':
            return (vs) => pairs(vs, (x, y) => ord(x, y) >= 0);
          case '<=':
            return (vs) => pairs(vs, (x, y) => ord(x, y) <= 0);
        }
      }
      const rhs = operand(n.ref.field, n.value);
      if (n.op !== '==' && n.op !== '!=' && n.op !== '===' && n.op !== '!==' && n.ref.field.type === 'ipv6' && n.value.text.includes('/')) {
        throw err(`A CIDR IPv6 address cannot be ordered with "${n.op}".`, n.value);
      }
      return compareOp(n.op, n.ref, rhs);
    }
    case 'contains': {
      const f = n.ref.field;
      const a = f.abbrev;
      used.add(a);
      if (f.type === 'string') {
        const needle = n.value.text;
        return (vs) => vs.get(a)?.some((v) => (v as string).includes(needle)) ?? false;
      }
      if (f.type === 'bytes' || f.type === 'protocol') {
        const needle = n.value.quoted ? stringBytes(n.value.text) : parseBytesText(n.value.text);
        if (!needle) throw err(`"${n.value.text}" is not a valid byte string.`, n.value);
        return (vs) => vs.get(a)?.some((v) => indexOfBytes(v as Uint8Array, needle) >= 0) ?? false;
      }
      throw err(`"${a}" (type=${typeName(f)}) cannot participate in 'contains' comparison.`, n.ref);
    }
    case 'matches': {
      const f = n.ref.field;
      const a = f.abbrev;
      used.add(a);
      let src = n.value.text;
      let flags = '';
      if (src.startsWith('(?i)')) {
        src = src.slice(4);
        flags = 'i';
      }
      let re: RegExp;
      try {
        re = new RegExp(src, flags);
      } catch (e) {
        throw err(`"${n.value.text}" is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`, n.value);
      }
      if (f.type === 'string') return (vs) => vs.get(a)?.some((v) => re.test(v as string)) ?? false;
      if (f.type === 'bytes' || f.type === 'protocol') return (vs) => vs.get(a)?.some((v) => re.test(latin1(v as Uint8Array))) ?? false;
      throw err(`"${a}" (type=${typeName(f)}) cannot participate in 'matches' comparison.`, n.ref);
    }
    case 'in': {
      const f = n.ref.field;
      const a = f.abbrev;
      used.add(a);
      const tests = n.items.map((it): ((v: FieldValue) => boolean) => {
        if ('value' in it) {
          const o = operand(f, it.value);
          return (v) => o.eq(v);
        }
        const lo = operand(f, it.lo);
        const hi = operand(f, it.hi);
        if (f.type === 'bool' || f.type === 'protocol' || it.lo.text.includes('/') || it.hi.text.includes('/')) throw err(`A range of values cannot be formed for "${a}".`, it.lo);
        return (v) => lo.order(v) >= 0 && hi.order(v) <= 0;
      });
      return (vs) => vs.get(a)?.some((v) => tests.some((t) => t(v))) ?? false;
    }
  }
}

/** Compiles a display filter (empty text passes every frame). Never throws: errors come back with their place. */
export function compileFilter(text: string): CompileResult {
  if (text.trim() === '') return { ok: true, filter: { text, test: () => true, fields: new Set() } };
  try {
    const ast = parse(text);
    const used = new Set<string>();
    const pred = compileNode(ast, used);
    return { ok: true, filter: { text, test: pred, fields: used } };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: { message: e.message, start: e.start, end: e.end } };
    throw e;
  }
}
