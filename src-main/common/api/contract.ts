// The API contract: every service method (async, one argument object, validated by its schema on arrival) and
// every event (`onXxx`). Electron's preload, the browser host's WebSocket and the CLI all carry exactly this
// list; the renderer cannot tell which one it talks to. Add a capability here first, then implement it in
// src-main/services (the compiler then points at every carrier and handler that must follow).

import { FlotillaError } from './errors.ts';
import { literal, object, optional, string, type Schema } from './schema.ts';
import type { AppInfo, Lab, LabSummary, Settings, SnapshotSummary } from './types.ts';

/** Ids are 32 lowercase hex digits (a random 128-bit value), as the store makes them. */
export const ID_PATTERN = /^[0-9a-f]{32}$/;
const id = (what: string) => string({ pattern: ID_PATTERN, patternName: `${what} id (32 hex digits)` });

/** A name shown in lists: visible characters and spaces, no control characters, no padding. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
export const NAME_MAX = 100;
const labName = (): Schema<string> => {
  const base = string({ min: 1, max: NAME_MAX, trimmed: true });
  return {
    describe: base.describe,
    parse(value, path = 'name') {
      const s = base.parse(value, path);
      if (CONTROL.test(s)) throw new FlotillaError('invalid-argument', `${path}: must not contain control characters`, path);
      return s;
    },
  };
};

declare const resultBrand: unique symbol;
export interface MethodSpec<P, R> {
  readonly params: Schema<P>;
  /** Phantom: only carries the result type. */
  readonly [resultBrand]?: R;
}
function method<R>() {
  return <P>(params: Schema<P>): MethodSpec<P, R> => ({ params });
}

export const methods = {
  'app.info': method<AppInfo>()(object({})),
  'settings.get': method<Settings>()(object({})),
  'settings.set': method<Settings>()(object({ theme: literal('system', 'light', 'dark') })),
  'labs.list': method<LabSummary[]>()(object({})),
  'labs.create': method<LabSummary>()(object({ name: labName() })),
  'labs.rename': method<LabSummary>()(object({ id: id('lab'), name: labName() })),
  'labs.open': method<Lab>()(object({ id: id('lab') })),
  'labs.delete': method<null>()(object({ id: id('lab') })),
  'snapshots.list': method<SnapshotSummary[]>()(object({ labId: id('lab') })),
  'snapshots.save': method<SnapshotSummary>()(
    object({ labId: id('lab'), name: optional(string({ min: 1, max: NAME_MAX, trimmed: true })) }),
  ),
  'snapshots.delete': method<null>()(object({ id: id('snapshot') })),
} as const;

declare const payloadBrand: unique symbol;
export interface EventSpec<T> {
  readonly [payloadBrand]?: T;
}
const event = <T>(): EventSpec<T> => ({});

export const events = {
  /** The library's labs changed (created, renamed, deleted, or their counts moved): the full new list. */
  onLabsChanged: event<LabSummary[]>(),
  /** The snapshots of one lab changed. */
  onSnapshotsChanged: event<{ labId: string }>(),
  onSettingsChanged: event<Settings>(),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Events = typeof events;
export type EventName = keyof Events;
export type ParamsOf<K extends MethodName> = Methods[K] extends MethodSpec<infer P, unknown> ? P : never;
export type ResultOf<K extends MethodName> = Methods[K] extends MethodSpec<unknown, infer R> ? R : never;
export type PayloadOf<E extends EventName> = Events[E] extends EventSpec<infer T> ? T : never;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export function isMethodName(x: unknown): x is MethodName {
  return typeof x === 'string' && Object.hasOwn(methods, x);
}
export function isEventName(x: unknown): x is EventName {
  return typeof x === 'string' && Object.hasOwn(events, x);
}

type Namespace = MethodName extends `${infer N}.${string}` ? N : never;
type Call<K extends MethodName> = [keyof ParamsOf<K>] extends [never]
  ? (params?: ParamsOf<K>) => Promise<ResultOf<K>>
  : (params: ParamsOf<K>) => Promise<ResultOf<K>>;

/** What a client holds: `api.labs.create({ name })`, `api.onLabsChanged(listener)` (returns an unsubscribe). */
export type Api = {
  [N in Namespace]: { [K in MethodName as K extends `${N}.${infer M}` ? M : never]: Call<K> };
} & {
  [E in EventName]: (listener: (payload: PayloadOf<E>) => void) => () => void;
};

/** The implementation side: one handler per method, given already validated parameters. */
export type Handlers = { [K in MethodName]: (params: ParamsOf<K>) => ResultOf<K> | Promise<ResultOf<K>> };
