// The composition root: one Core per process (Electron main, the browser host, the CLI), wiring the library
// and the services by hand. Carriers talk to it only through `call` and `subscribe`.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Api, EventName, Handlers } from '../common/api/contract.ts';
import { createClient } from '../common/api/client.ts';
import type { CallResult } from '../common/api/errors.ts';
import type { ShellKind } from '../common/api/types.ts';
import { Library } from '../store/library.ts';
import { libraryDir, libraryFile } from '../store/paths.ts';
import { dispatch } from './dispatch.ts';
import { EventHub } from './events.ts';
import { warmWalkWorker } from '../store/walk-worker.ts';
import { CaptureService } from './capture-service.ts';
import { CaptureAnalysis } from './capture-analysis.ts';
import { LiveCaptures } from './live-captures.ts';
import { labHandlers } from './lab-service.ts';
import { LiveLabs } from './live-service.ts';
import { LabFiles } from './lab-files.ts';
import { composeHandlers } from './compose-service.ts';
import { StepModes } from './step-mode.ts';
import { canvasHandlers } from './canvas-service.ts';

export interface CoreOptions {
  shell: ShellKind;
  /** The library folder; defaults to FLOTILLA_HOME or the platform's user-data folder. */
  home?: string;
  now?: () => Date;
  newId?: () => string;
  /** better-sqlite3's addon built for this runtime (the Electron shell passes its own build). */
  nativeBinding?: string;
  /** How long a write waits for another process's lock before it fails (milliseconds; default 5000). */
  busyTimeoutMs?: number;
}

export interface Core {
  readonly shell: ShellKind;
  readonly libraryPath: string;
  call(method: unknown, params: unknown): Promise<CallResult>;
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
  /** The typed Api over `call`, for in-process users (the CLI, tests). */
  readonly api: Api;
  close(): void;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function createCore(options: CoreOptions): Core {
  const newId = options.newId ?? (() => randomBytes(16).toString('hex'));
  const library = Library.open(libraryFile(options.home ?? libraryDir()), {
    now: options.now ?? (() => new Date()),
    newId,
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
  });
  const hub = new EventHub();
  const live = new LiveLabs(library, hub, newId);
  const captures = new CaptureService(library, hub);
  // A window's core starts the import's walk worker ahead, so the first big import already walks on two threads;
  // a command-line run (lab, snapshot) imports no captures and starts no thread.
  if (options.shell !== 'cli') warmWalkWorker();
  const liveCaptures = new LiveCaptures(library, hub, live, captures);
  const analysis = new CaptureAnalysis(library, captures);
  captures.isRecording = (id) => liveCaptures.isRecording(id);
  const labs = labHandlers(library, hub, (labId) => live.assertWritable(labId));
  const files = new LabFiles(library, hub, live);
  const steps = new StepModes(live, hub);

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'Flotilla',
      version: VERSION,
      shell: options.shell,
      libraryPath: library.path,
      schemaVersion: library.schemaVersion,
    }),
    'settings.get': () => library.getSettings(),
    'settings.set': (settings) => {
      library.setSettings(settings);
      hub.emit('onSettingsChanged', settings);
      return settings;
    },
    ...labs,
    // A deleted lab stops running first.
    'labs.delete': (params) => {
      live.stop(params.id);
      return labs['labs.delete'](params);
    },
    ...live.handlers(),
    ...captures.handlers(),
    ...analysis.handlers(),
    ...liveCaptures.handlers(),
    // snapshots.save (a running lab is written first), restore, diff; labs.export, labs.import
    ...files.handlers(),
    // labs.importCompose (a compose file as a lab, through labs.import)
    ...composeHandlers(files),
    // lab.stepMode, stepState, step, stepBack, events, stepEvent
    ...steps.handlers(),
    // labs.saveCanvas
    ...canvasHandlers(library, live),
  };

  const call = (method: unknown, params: unknown) => dispatch(handlers, method, params);
  const subscribe = hub.subscribe.bind(hub);
  return {
    shell: options.shell,
    libraryPath: library.path,
    call,
    subscribe,
    api: createClient({
      call,
      subscribe: (event, listener) => subscribe((e, payload) => e === event && listener(payload)),
    }),
    close: () => {
      steps.dispose();
      live.dispose();
      liveCaptures.dispose();
      analysis.dispose();
      captures.dispose();
      library.close();
    },
  };
}

/** Where the library lives (FLOTILLA_HOME, else the platform's user-data folder): for the shells' own files. */
export { libraryDir } from '../store/paths.ts';
