// The running labs of this process and their consoles: lab.* and console.* of the contract. One LabRuntime per
// started lab (in memory: the library's lab document is untouched), found again by lab id; consoles are found by
// their id. Everything is disposed on lab.stop, when the lab is deleted, and when the Core closes.
import type { Handlers } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { Library } from '../store/library.ts';
import type { EventHub } from './events.ts';
import type { ConsoleSession } from './console-session.ts';
import { LabRuntime } from './lab-runtime.ts';

type LiveHandlers = Pick<
  Handlers,
  'lab.start' | 'lab.stop' | 'lab.state' | 'lab.clock' | 'console.open' | 'console.run' | 'console.interrupt' | 'console.complete' | 'console.close'
>;

export class LiveLabs {
  readonly #labs = new Map<string, LabRuntime>();
  /** console id → the lab it belongs to. */
  readonly #consoles = new Map<string, string>();

  constructor(
    private readonly library: Library,
    private readonly hub: EventHub,
    private readonly newId: () => string,
  ) {}

  start(labId: string): LabRuntime {
    let rt = this.#labs.get(labId);
    if (rt) return rt;
    this.library.getLab(labId); // not-found when the library has no such lab
    rt = new LabRuntime({
      labId,
      newId: this.newId,
      onState: (id, state) => this.hub.emit('onLabState', { labId: id, state }),
      onOutput: (output) => this.hub.emit('onConsoleOutput', output),
      onConsoleExit: (consoleId, reason) => {
        this.#consoles.delete(consoleId);
        this.hub.emit('onConsoleExit', { consoleId, reason });
      },
    });
    this.#labs.set(labId, rt);
    return rt;
  }

  running(labId: string): LabRuntime {
    const rt = this.#labs.get(labId);
    if (!rt) throw new FlotillaError('not-found', `The lab ${labId} is not running (lab.start starts it).`);
    return rt;
  }

  stop(labId: string): void {
    const rt = this.#labs.get(labId);
    if (!rt) return;
    this.#labs.delete(labId);
    for (const id of rt.consoleIds) this.#consoles.delete(id);
    rt.dispose();
    this.hub.emit('onLabStopped', { labId });
  }

  session(consoleId: string): { rt: LabRuntime; session: ConsoleSession } {
    const labId = this.#consoles.get(consoleId);
    const rt = labId === undefined ? undefined : this.#labs.get(labId);
    const session = rt?.console(consoleId);
    if (!rt || !session) {
      this.#consoles.delete(consoleId);
      throw new FlotillaError('not-found', `No open console with id ${consoleId}.`);
    }
    return { rt, session };
  }

  handlers(): LiveHandlers {
    return {
      'lab.start': ({ labId }) => this.start(labId).state(),
      'lab.stop': ({ labId }) => {
        this.stop(labId);
        return null;
      },
      'lab.state': ({ labId }) => this.running(labId).state(),
      'lab.clock': ({ labId, action, speed }) => {
        const rt = this.running(labId);
        return action === 'play' ? rt.play(speed) : action === 'pause' ? rt.pause(speed) : rt.step();
      },
      'console.open': ({ labId, target }) => {
        const info = this.running(labId).openConsole(target);
        this.#consoles.set(info.consoleId, labId);
        return info;
      },
      'console.run': async ({ consoleId, line }) => {
        const { rt, session } = this.session(consoleId);
        try {
          const result = await session.run(line);
          if (result.closed) rt.closeConsole(consoleId, 'logout');
          return result;
        } finally {
          rt.requestState();
        }
      },
      'console.interrupt': ({ consoleId }) => {
        this.session(consoleId).session.interrupt();
        return null;
      },
      'console.complete': ({ consoleId, line, cursor }) => this.session(consoleId).session.complete(line, cursor),
      'console.close': ({ consoleId }) => {
        const labId = this.#consoles.get(consoleId);
        if (labId !== undefined) this.#labs.get(labId)?.closeConsole(consoleId);
        this.#consoles.delete(consoleId);
        return null;
      },
    };
  }

  dispose(): void {
    for (const labId of [...this.#labs.keys()]) this.stop(labId);
  }
}
