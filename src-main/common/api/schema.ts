// A small runtime schema for the contract's arguments. Each carrier validates what arrives before a service
// sees it: reject, never coerce ("12" is not a number), and say which field was wrong. Kept tiny on purpose so
// the renderer can import it too (no dependency, no Node API).

import { FlotillaError } from './errors.ts';

export interface Schema<T> {
  /** Throws FlotillaError('invalid-argument', ..., path) or returns the value, typed. */
  parse(value: unknown, path?: string): T;
  /** A short description for messages and docs, such as `string (1..100 chars)`. */
  readonly describe: string;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function fail(path: string, message: string): never {
  throw new FlotillaError('invalid-argument', `${path || 'argument'}: ${message}`, path || 'argument');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export interface StringOptions {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Said in the error when `pattern` fails, such as "a lab id". */
  patternName?: string;
  /** Refuse leading or trailing white space (names shown in lists must not hide it). */
  trimmed?: boolean;
}

export function string(opts: StringOptions = {}): Schema<string> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = opts;
  return {
    describe: `string (${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max} chars)`,
    parse(value, path = '') {
      if (typeof value !== 'string') fail(path, `expected a string, got ${typeName(value)}`);
      if (value.length < min) fail(path, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
      if (value.length > max) fail(path, `must be at most ${max} characters`);
      if (opts.trimmed && value.trim() !== value) fail(path, 'must not start or end with white space');
      if (opts.pattern && !opts.pattern.test(value)) fail(path, `is not ${opts.patternName ?? `of the form ${opts.pattern}`}`);
      return value;
    },
  };
}

export function integer(opts: { min?: number; max?: number } = {}): Schema<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
  return {
    describe: `integer (${min}..${max})`,
    parse(value, path = '') {
      if (typeof value !== 'number') fail(path, `expected a number, got ${typeName(value)}`);
      if (!Number.isInteger(value)) fail(path, 'must be a whole number');
      if (value < min || value > max) fail(path, `must be between ${min} and ${max}`);
      return value;
    },
  };
}

/** A finite number (not NaN, not ±Infinity) in [min, max]. */
export function number(opts: { min?: number; max?: number } = {}): Schema<number> {
  const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE } = opts;
  return {
    describe: `number (${min}..${max})`,
    parse(value, path = '') {
      if (typeof value !== 'number') fail(path, `expected a number, got ${typeName(value)}`);
      if (!Number.isFinite(value)) fail(path, 'must be a finite number');
      if (value < min || value > max) fail(path, `must be between ${min} and ${max}`);
      return value;
    },
  };
}

/** One of several object shapes, chosen by the string field `key` (a tagged union). */
export function tagged<K extends string, V extends Record<string, Schema<unknown>>>(
  key: K,
  variants: V,
): Schema<{ [T in keyof V]: Infer<V[T]> }[keyof V]> {
  const tags = Object.keys(variants);
  return {
    describe: tags.map((t) => (variants[t] as Schema<unknown>).describe).join(' | '),
    parse(value, path = '') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        fail(path, `expected an object, got ${typeName(value)}`);
      const tag = (value as Record<string, unknown>)[key];
      const at = path ? `${path}.${key}` : key;
      if (typeof tag !== 'string' || !Object.hasOwn(variants, tag)) fail(at, `expected one of ${tags.join(', ')}`);
      return (variants[tag] as Schema<unknown>).parse(value, path) as { [T in keyof V]: Infer<V[T]> }[keyof V];
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    describe: 'boolean',
    parse(value, path = '') {
      if (typeof value !== 'boolean') fail(path, `expected a boolean, got ${typeName(value)}`);
      return value;
    },
  };
}

/** An array of `inner` items, at most `max` of them; errors name the item (`ids[2]`). */
export function array<T>(inner: Schema<T>, opts: { max?: number } = {}): Schema<T[]> {
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return {
    describe: `${inner.describe}[]`,
    parse(value, path = '') {
      if (!Array.isArray(value)) fail(path, `expected an array, got ${typeName(value)}`);
      if (value.length > max) fail(path, `must hold at most ${max} items`);
      return value.map((item: unknown, i: number) => inner.parse(item, `${path}[${i}]`));
    },
  };
}

export function literal<const T extends string>(...values: T[]): Schema<T> {
  return {
    describe: values.map((v) => JSON.stringify(v)).join(' | '),
    parse(value, path = '') {
      if (typeof value !== 'string' || !(values as string[]).includes(value))
        fail(path, `expected one of ${values.join(', ')}`);
      return value as T;
    },
  };
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> & { readonly optional: true } {
  return {
    optional: true,
    describe: `${inner.describe}?`,
    parse(value, path = '') {
      return value === undefined ? undefined : inner.parse(value, path);
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

/** A plain object with exactly these fields: unknown fields are refused, so a typo never passes silently. */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return {
    describe: `{ ${Object.entries(shape).map(([k, s]) => `${k}: ${s.describe}`).join(', ')} }`,
    parse(value, path = '') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        fail(path, `expected an object, got ${typeName(value)}`);
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) fail(path, 'expected a plain object');
      const input = value as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(shape, key)) fail(path ? `${path}.${key}` : key, 'is not a known field');
      }
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        const parsed = schema.parse(input[key], path ? `${path}.${key}` : key);
        if (parsed !== undefined) out[key] = parsed;
      }
      return out as ObjectOf<S>;
    },
  };
}
