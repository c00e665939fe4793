// The API contract: every service method (async, one argument object, validated by its schema on arrival) and
// every event (`onXxx`). Electron's preload, the browser host's WebSocket and the CLI all carry exactly this
// list; the renderer cannot tell which one it talks to. Add a capability here first, then implement it in
// src-main/services (the compiler then points at every carrier and handler that must follow).

import { canvasMethods } from './canvas-contract.ts';
import { captureEvents, captureMethods } from './capture-contract.ts';
import { composeMethods } from './compose-contract.ts';
import { ID, method, OBJECT_NAME } from './contract-parts.ts';
import { snapshotMethods } from './snapshot-contract.ts';
import { stepEvents, stepMethods } from './step-contract.ts';
import { FlotillaError } from './errors.ts';
import { array, integer, literal, number, object, optional, string, tagged, type Schema } from './schema.ts';
import type {
  AppInfo,
  Completions,
  ConsoleExit,
  ConsoleInfo,
  ConsoleOutput,
  ConsoleRunResult,
  Lab,
  LabClockState,
  LabExecResult,
  LabFileData,
  LabRuntimeState,
  LabSummary,
  Settings,
  SnapshotDiff,
  SnapshotSummary,
} from './types.ts';

/** Ids are 32 lowercase hex digits (a random 128-bit value), as the store makes them. */
export const ID_PATTERN = ID;
const id = (what: string) => string({ pattern: ID_PATTERN, patternName: `${what} id (32 hex digits)` });

/** Names of lab objects (nodes, containers): Docker's own rule, at most 128 characters. */
const objectName = (what: string) => string({ min: 1, max: 128, pattern: OBJECT_NAME, patternName: `a ${what} name` });
/** One line typed at a console: no line breaks (a heredoc arrives as several lines in one call, joined by \n). */
export const CONSOLE_LINE_MAX = 64 * 1024;
/** Virtual seconds per wall second. */
export const SPEED_MIN = 0.01;
export const SPEED_MAX = 1000;
const consoleTarget = tagged('kind', {
  workstation: object({ kind: literal('workstation') }),
  node: object({ kind: literal('node'), node: objectName('node') }),
  container: object({ kind: literal('container'), node: objectName('node'), container: objectName('container') }),
});

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

/** Lab files travel as base64 (the window reads and saves them); at most LAB_FILE_MAX_BYTES decoded. */
export const LAB_FILE_MAX_BYTES = 256 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const labFileData = (): Schema<string> => ({
  describe: `base64 string (at most ${LAB_FILE_MAX_BYTES} bytes decoded)`,
  parse(value, path = 'dataBase64') {
    const bad = (m: string) => new FlotillaError('invalid-argument', `${path}: ${m}`, path);
    if (typeof value !== 'string') throw bad(`expected a base64 string, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
    if (value.length === 0) throw bad('the file is empty');
    if ((value.length / 4) * 3 > LAB_FILE_MAX_BYTES) throw bad(`the file is larger than ${LAB_FILE_MAX_BYTES / (1024 * 1024)} MiB`);
    if (value.length % 4 !== 0 || !BASE64.test(value)) throw bad('is not base64');
    return value;
  },
});

declare const resultBrand: unique symbol;
export interface MethodSpec<P, R> {
  readonly params: Schema<P>;
  /** Phantom: only carries the result type. */
  readonly [resultBrand]?: R;
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
  /** Replaces the lab's document with the snapshot's; a running lab restarts from it (replayed to its time). */
  'snapshots.restore': method<Lab>()(object({ id: id('snapshot') })),
  /** What changed from snapshot a to snapshot b: journal entries, and the nodes, containers, networks of each. */
  'snapshots.diff': method<SnapshotDiff>()(object({ a: id('snapshot'), b: id('snapshot') })),
  /** A lab as a file: 'flotilla' (SQLite: the lab, its snapshots and the chosen captures) or 'yaml' (lab.yaml). */
  'labs.export': method<LabFileData>()(
    object({ id: id('lab'), format: literal('flotilla', 'yaml'), captureIds: optional(array(id('capture'), { max: 1000 })) }),
  ),
  /** Adds the lab of a lab file (.flotilla or lab.yaml, told apart by content); a bad file changes nothing. */
  'labs.import': method<LabSummary>()(object({ name: string({ min: 1, max: 255, trimmed: true }), dataBase64: labFileData() })),
  /** Starts the emulation of a lab (or attaches to it when it runs already): its state now. */
  'lab.start': method<LabRuntimeState>()(object({ labId: id('lab') })),
  /** Stops the emulation and closes its consoles (nothing is kept: a later issue persists the world). */
  'lab.stop': method<null>()(object({ labId: id('lab') })),
  /** The running lab's state (not-found when it is not running). */
  'lab.state': method<LabRuntimeState>()(object({ labId: id('lab') })),
  /** Play (virtual time follows the wall clock at `speed`), pause, or step (pause, then 100 ms of virtual time). */
  'lab.clock': method<LabClockState>()(
    object({ labId: id('lab'), action: literal('play', 'pause', 'step'), speed: optional(number({ min: SPEED_MIN, max: SPEED_MAX })) }),
  ),
  /** Opens a shell on the workstation, a node or a running container of a running lab. */
  'console.open': method<ConsoleInfo>()(object({ labId: id('lab'), target: consoleTarget })),
  /** Runs one line; output streams as onConsoleOutput while it runs; resolves when it ends. */
  'console.run': method<ConsoleRunResult>()(object({ consoleId: id('console'), line: string({ max: CONSOLE_LINE_MAX }) })),
  /** Ctrl-C: interrupts the running foreground command (no-op when idle). */
  'console.interrupt': method<null>()(object({ consoleId: id('console') })),
  /** Tab: the words that may complete the word at `cursor`. */
  'console.complete': method<Completions>()(
    object({ consoleId: id('console'), line: string({ max: CONSOLE_LINE_MAX }), cursor: integer({ min: 0, max: CONSOLE_LINE_MAX }) }),
  ),
  'console.close': method<null>()(object({ consoleId: id('console') })),
  /** Runs one line at `target` in a console of its own (opened, run, closed; journaled like any console line): what
   * the canvas's gestures do. Resolves when the line ends, with its exit status and its output (stdout and stderr,
   * in order). */
  'lab.exec': method<LabExecResult>()(object({ labId: id('lab'), target: consoleTarget, line: string({ min: 1, max: CONSOLE_LINE_MAX }) })),
  // captures.import, list, delete, frames, frame, export
  ...captureMethods,
  // labs.importCompose
  ...composeMethods,
  // snapshots.restorePart
  ...snapshotMethods,
  // lab.stepMode, stepState, step, stepBack, events, stepEvent
  ...stepMethods,
  // labs.saveCanvas
  ...canvasMethods,
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
  /** A running lab changed (throttled: at most 10 per second per lab). */
  onLabState: event<{ labId: string; state: LabRuntimeState }>(),
  /** A running lab stopped (lab.stop, the lab was deleted, the app closes). */
  onLabStopped: event<{ labId: string }>(),
  /** The library could not be written (disk full, read-only, locked): the lab stays running in memory and the next
   * change tries again. `labId` is the lab whose save failed; `message` says why, for the UI to show. */
  onLibraryError: event<{ labId: string | null; message: string }>(),
  /** What a console's commands print, in order (\n line ends: a terminal converts them). */
  onConsoleOutput: event<ConsoleOutput>(),
  /** A console's session ended: `exit`, its container stopped, its node went, or the lab stopped. */
  onConsoleExit: event<ConsoleExit>(),
  /** A console runs a command its window did not start (a rebuilt lab took it over: step back, snapshot restore),
   * or that command ended: while busy, typing waits and Ctrl-C interrupts; the end brings the next prompt. */
  onConsoleBusy: event<{ consoleId: string; busy: boolean; prompt?: string }>(),
  // onCapturesChanged
  ...captureEvents,
  // onStepState
  ...stepEvents,
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
