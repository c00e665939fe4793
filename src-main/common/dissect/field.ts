// Field declarations, as Wireshark's header-field (hf) tables: each field has the short name the display filter
// uses (`ip.src`), the display name the detail pane shows ("Source Address"), a type that decides how filter
// literals are read and compared, and how a value is formatted in a tree label.
//
// Values are plain JS data so a million frames cost no wrappers:
//   uint: number (at most 32 bits; frame.time_relative is a float) · bool: boolean · ipv4: number (32-bit)
//   ipv6: string (RFC 5952) · mac: number (48-bit) · string: string · bytes / protocol: Uint8Array

import { formatIpv4 } from '../wire/ipv4-address.ts';
import { formatMac } from '../wire/mac.ts';

export type FieldType = 'uint' | 'float' | 'bool' | 'ipv4' | 'ipv6' | 'mac' | 'string' | 'bytes' | 'protocol' | 'none';

/** How an unsigned integer is shown: Wireshark's BASE_DEC, BASE_HEX, BASE_DEC_HEX, BASE_HEX_DEC. */
export type IntBase = 'dec' | 'hex' | 'dec_hex' | 'hex_dec';

export type FieldValue = number | boolean | string | Uint8Array;

export interface FieldDef {
  /** Display-filter name, exactly as Wireshark spells it ("ip.src"). */
  readonly abbrev: string;
  /** Display name in the detail pane ("Source Address"). */
  readonly name: string;
  readonly type: FieldType;
  /** For uint: how the number is shown (default dec). */
  readonly base?: IntBase;
  /** For uint in hex: how many hex digits (e.g. 4 for 0x0800). */
  readonly hexDigits?: number;
  /** For uint: value names, shown as "Name (value)" or "value (Name)" (see `namesFirst`). */
  readonly names?: Readonly<Record<number, string>>;
  /** Show "UDP (17)" (true, Wireshark's default for value strings) or "8 (Echo (ping) request)" (false). */
  readonly namesFirst?: boolean;
  /** For uint/bool bit fields: the mask within a word of `bitWidth` bits, shown as "0100 .... = ". */
  readonly mask?: number;
  readonly bitWidth?: number;
  /** For bool: what "Set"/"Not set" read as (Wireshark's true_false_string). */
  readonly trueFalse?: readonly [string, string];
  /** Appended to uint values ("20 bytes"). */
  readonly unit?: string;
  /** The maximum a uint holds (the filter refuses larger literals with Wireshark's message). */
  readonly max?: number;
  /** A one-line description for a field browser. */
  readonly blurb?: string;
}

function hex(v: number, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/** The bit picture Wireshark puts before a bit field: "0100 .... " for mask 0xf0 in 8 bits with value 4. */
export function bitPicture(rawWord: number, mask: number, width: number): string {
  let s = '';
  for (let i = width - 1; i >= 0; i--) {
    const bit = 2 ** i;
    const inMask = Math.floor(mask / bit) % 2 === 1;
    s += inMask ? (Math.floor(rawWord / bit) % 2 === 1 ? '1' : '0') : '.';
    if (i % 4 === 0 && i !== 0) s += ' ';
  }
  return s;
}

/** The value as the detail pane shows it, without the name ("64", "0x4a49 (19017)", "UDP (17)", "Set"). */
export function formatValue(f: FieldDef, v: FieldValue): string {
  switch (f.type) {
    case 'uint': {
      const n = v as number;
      const digits = f.hexDigits ?? 1;
      let s: string;
      switch (f.base ?? 'dec') {
        case 'dec':
          s = String(n);
          break;
        case 'hex':
          s = hex(n, digits);
          break;
        case 'dec_hex':
          s = `${n} (${hex(n, digits)})`;
          break;
        case 'hex_dec':
          s = `${hex(n, digits)} (${n})`;
          break;
      }
      const name = f.names?.[n];
      if (name !== undefined) s = f.namesFirst === false ? `${s} (${name})` : `${name} (${s})`;
      return f.unit ? `${s} ${f.unit}` : s;
    }
    case 'float':
      return String(v);
    case 'bool': {
      const [t, fl] = f.trueFalse ?? ['Set', 'Not set'];
      return v ? t : fl;
    }
    case 'ipv4':
      return formatIpv4(v as number);
    case 'mac':
      return formatMac(v as number);
    case 'ipv6':
    case 'string':
      return String(v);
    case 'bytes':
    case 'protocol':
      return bytesToText(v as Uint8Array);
    case 'none':
      return '';
  }
}

/** Bytes as Wireshark shows a byte field: lowercase hex without separators, cut at 36 bytes with "…". */
export function bytesToText(b: Uint8Array): string {
  let s = '';
  const n = Math.min(b.length, 36);
  for (let i = 0; i < n; i++) s += b[i]!.toString(16).padStart(2, '0');
  return b.length > n ? s + '…' : s;
}

/** The default tree label of a field item: "Time to Live: 64", "0100 .... = Version: 4" for a bit field. */
export function formatLabel(f: FieldDef, v: FieldValue, rawWord?: number): string {
  const body = `${f.name}: ${formatValue(f, v)}`;
  if (f.mask !== undefined && f.bitWidth !== undefined && rawWord !== undefined) return `${bitPicture(rawWord, f.mask, f.bitWidth)} = ${body}`;
  return body;
}

/** The text tshark prints for a value in `-T fields` (used in tests and exports). */
export function valueToFieldText(f: FieldDef, v: FieldValue): string {
  switch (f.type) {
    case 'bool':
      return v ? '1' : '0';
    case 'uint':
      return f.base === 'hex' || f.base === 'hex_dec' ? hex(v as number, f.hexDigits ?? 1) : String(v);
    case 'bytes':
    case 'protocol': {
      const b = v as Uint8Array;
      return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
    }
    default:
      return formatValue(f, v);
  }
}
