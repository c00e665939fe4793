// Values as Go's reflection sees them, for the template engine and the JSON encoder: the docker CLI formats Go
// structs (field order, json tags, omitempty), maps (sorted keys), slices, nil of several kinds and time.Time.
// - string, number, boolean: Go string, int/float64, bool;
// - null: an untyped nil (interface{} nil): prints "<nil>";
// - GoNil: a typed nil slice/map/pointer: prints "[]", "map[]", "<nil>"; JSON null;
// - arrays: slices; plain objects: map[string]T (sorted keys when printed, ranged or encoded);
// - GoStruct: a struct with ordered fields, a type name for error messages, json names and omitempty, methods;
// - GoTime: time.Time.

export type GoValue = string | number | boolean | null | GoNil | GoStruct | GoTime | GoFunc | readonly GoValue[] | GoMap;

export interface GoMap {
  readonly [key: string]: GoValue;
}

/** A method or function value: called with the template's arguments. */
export type GoFunc = (...args: GoValue[]) => GoValue;

export class GoNil {
  constructor(readonly kind: 'slice' | 'map' | 'ptr') {}
}

export const NIL_SLICE = new GoNil('slice');
export const NIL_MAP = new GoNil('map');
export const NIL_PTR = new GoNil('ptr');

export interface StructMeta {
  /** JSON names differing from the field name (ID → "Id"). */
  readonly json?: Readonly<Record<string, string>>;
  /** Fields tagged omitempty. */
  readonly omitEmpty?: readonly string[];
  /** Methods callable from templates ({{.Label "x"}}); not encoded. */
  readonly methods?: Readonly<Record<string, GoFunc>>;
  /** The JSON encoding when the type has its own MarshalJSON. */
  readonly marshalJson?: () => GoValue;
}

export class GoStruct {
  constructor(
    /** As Go prints it in errors: "network.Inspect", "*formatter.networkContext". */
    readonly typeName: string,
    readonly fields: Readonly<Record<string, GoValue>>,
    readonly meta: StructMeta = {},
  ) {}
}

/** time.Time at a UTC instant: whole seconds since the Unix epoch and nanoseconds. */
export class GoTime {
  constructor(
    readonly unixSeconds: number,
    readonly nanos: number,
  ) {}

  private parts(): { date: string; time: string } {
    const iso = new Date(this.unixSeconds * 1000).toISOString(); // 2025-10-01T10:00:00.000Z
    return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
  }

  private frac(): string {
    if (this.nanos === 0) return '';
    return `.${String(this.nanos).padStart(9, '0').replace(/0+$/, '')}`;
  }

  /** RFC3339Nano as encoding/json writes it: trailing zeros of the fraction dropped. */
  rfc3339Nano(): string {
    const { date, time } = this.parts();
    return `${date}T${time}${this.frac()}Z`;
  }

  /** time.Time.String(): "2025-10-01 10:00:00.5 +0000 UTC". */
  toString(): string {
    const { date, time } = this.parts();
    return `${date} ${time}${this.frac()} +0000 UTC`;
  }
}

export function isGoMap(v: GoValue | undefined): v is GoMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Go's type name of a value, for error messages. */
export function goTypeName(v: GoValue | undefined): string {
  if (v === undefined) return '<invalid>';
  if (v === null) return 'interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'function') return 'func';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoNil) return v.kind === 'slice' ? '[]interface {}' : v.kind === 'map' ? 'map[string]interface {}' : '*struct';
  if (v instanceof GoStruct) return v.typeName;
  if (v instanceof GoTime) return 'time.Time';
  return 'map[string]interface {}';
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** fmt.Sprint(v) (%v). */
export function goSprint(v: GoValue | undefined, top = true): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'function') return '0x1';
  if (Array.isArray(v)) return `[${v.map((x) => goSprint(x, false)).join(' ')}]`;
  if (v instanceof GoNil) return v.kind === 'slice' ? '[]' : v.kind === 'map' ? 'map[]' : '<nil>';
  if (v instanceof GoTime) return v.toString();
  if (v instanceof GoStruct) {
    const inner = Object.values(v.fields).map((x) => goSprint(x, false)).join(' ');
    return `${top && v.typeName.startsWith('*') ? '&' : ''}{${inner}}`;
  }
  const m = v as GoMap;
  return `map[${sortedKeys(m).map((k) => `${k}:${goSprint(m[k], false)}`).join(' ')}]`;
}

/** Go's "empty" for omitempty and template truth (false, 0, "", nil, empty slice/map). */
export function isEmptyValue(v: GoValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (v instanceof GoNil) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isGoMap(v)) return Object.keys(v).length === 0;
  return false;
}
