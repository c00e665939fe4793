// The lab a transcript runs in (`flotilla test`, `flotilla run`): a DockerLab whose prompts are journaled as a
// window's consoles are — each prompt opened, each command typed, at the virtual time it started — so that
// `flotilla snapshot save NAME` can keep the lab as a document in memory (there is no library here) and
// `flotilla snapshot restore NAME` can rebuild it by replay (replay.ts) and swap it under the open prompts: each
// prompt goes on in the restored lab with its shell as it stood at the snapshot, the one that typed the restore
// included.
import type { ConsoleTarget, JournalEntry, LabDocument } from '../common/api/types.ts';
import type { DockerLab } from '../shell/lab-host.ts';
import type { RunResult, Shell } from '../shell/interpreter.ts';
import type { LabHost } from '../shell/session.ts';
import { formatVirtualTime, type LabSnapshots, type SnapshotListing } from '../shell/snapshot-command.ts';
import type { Prompt } from '../shell/transcript.ts';
import { createDockerLab } from './lab-world.ts';
import { nodeSummary, replayDocument } from './replay.ts';
import { checkSnapshotName } from './snapshot-names.ts';

interface Session {
  readonly console: number;
  shell: Shell;
}

export class TranscriptLab implements LabHost {
  #lab: DockerLab;
  readonly #seed: number;
  #journal: JournalEntry[] = [];
  #lastConsole = 0;
  /** Prompt ('' for the workstation, else the node's name) → its console. */
  readonly #sessions = new Map<string, Session>();
  /** Snapshots by name, in the order saved (saving a name again replaces it). */
  readonly #snapshots = new Map<string, LabDocument>();
  /** A restore asked for by the command running now: done when it ends. */
  #pendingRestore: LabDocument | undefined;
  /** What replays of restored snapshots reported as diverging from their journal (empty when all went as recorded). */
  readonly divergences: string[] = [];

  constructor(seed = 1) {
    this.#seed = seed;
    this.#lab = this.#adopt(createDockerLab(seed));
  }

  /** The lab as it is now (a restore replaces it). */
  get lab(): DockerLab {
    return this.#lab;
  }

  /** The lab as a document now: what `flotilla snapshot save` keeps. */
  document(): LabDocument {
    const world = this.#lab.world;
    return { version: 2, seed: this.#seed, time: world.scheduler.now, nodes: nodeSummary(world), journal: structuredClone(this.#journal), canvas: {}, transcripts: [] };
  }

  shellFor(prompt: Prompt): Shell | undefined {
    const key = prompt.kind === 'workstation' ? '' : prompt.name;
    const known = this.#sessions.get(key);
    if (known) return known.shell;
    let shell: Shell;
    let target: ConsoleTarget;
    if (prompt.kind === 'workstation') {
      shell = this.#lab.workstationShell();
      target = { kind: 'workstation' };
    } else {
      const node = this.#lab.world.node(prompt.name);
      if (!node) return undefined;
      shell = this.#lab.nodeShell(node);
      target = { kind: 'node', node: node.name };
    }
    const session: Session = { console: ++this.#lastConsole, shell };
    this.#sessions.set(key, session);
    this.#journal.push({ t: this.#lab.world.scheduler.now, console: session.console, target, line: '', exit: 0 });
    return shell;
  }

  advance(ns: number): Promise<void> {
    return this.#lab.advance(ns);
  }

  complete<T>(work: Promise<T>): Promise<T> {
    return this.#lab.complete(work);
  }

  async runStep(prompt: Prompt, shell: Shell, input: string): Promise<RunResult> {
    const session = this.#sessions.get(prompt.kind === 'workstation' ? '' : prompt.name);
    const target: ConsoleTarget = prompt.kind === 'workstation' ? { kind: 'workstation' } : { kind: 'node', node: prompt.name };
    const entry: JournalEntry | undefined =
      session && session.shell === shell ? { t: this.#lab.world.scheduler.now, console: session.console, target, line: input, exit: null } : undefined;
    if (entry) this.#journal.push(entry);
    const result = await this.#lab.complete(shell.run(input));
    if (entry) entry.exit = result.exit;
    const restore = this.#pendingRestore;
    this.#pendingRestore = undefined;
    if (restore) await this.#swap(restore);
    return result;
  }

  /** Rebuilds the lab from `doc` and puts it under the open prompts; the old lab is disposed. */
  async #swap(doc: LabDocument): Promise<void> {
    const replayed = await replayDocument(doc);
    this.divergences.push(...replayed.divergences);
    const old = this.#lab;
    this.#lab = this.#adopt(replayed.lab);
    this.#journal = structuredClone(doc.journal);
    this.#lastConsole = Math.max(this.#lastConsole, replayed.lastConsole);
    for (const [key, session] of [...this.#sessions]) {
      const shell = replayed.shells.get(session.console);
      // A prompt first used after the snapshot was not open then: it opens again when next used.
      if (shell) session.shell = shell;
      else this.#sessions.delete(key);
    }
    old.world.dispose();
  }

  #adopt(lab: DockerLab): DockerLab {
    lab.snapshots = this.#hooks;
    return lab;
  }

  readonly #hooks: LabSnapshots = {
    save: (name) => {
      checkSnapshotName(name);
      const doc = this.document();
      this.#snapshots.delete(name);
      this.#snapshots.set(name, doc);
      return Promise.resolve(`Saved snapshot ${name} (${formatVirtualTime(doc.time)} of virtual time).`);
    },
    restore: (name) => {
      const doc = this.#snapshots.get(name);
      if (!doc) return Promise.reject(new Error(`no snapshot named ${name} (flotilla snapshot ls lists them)`));
      this.#pendingRestore = doc;
      return Promise.resolve(`Restored snapshot ${name} (${formatVirtualTime(doc.time)} of virtual time).`);
    },
    list: () => Promise.resolve([...this.#snapshots].map(([name, doc]): SnapshotListing => ({ name, time: doc.time }))),
  };
}
