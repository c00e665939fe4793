// Snapshots that hold running state, and labs as files. A snapshot is the lab's document at that moment (seed,
// journal, virtual time): restoring it replaces the lab's document and restarts a running lab by replay, so the same
// commands print the same output. A diff replays both snapshots headlessly and compares what Docker holds in each.
// Lab files: the SQLite .flotilla file (store/lab-file.ts) and the plain-text lab.yaml (lab/lab-yaml.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Handlers } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { DiffSet, LabDocument, LabFileData, LabRuntimeState, LabSummary, SnapshotDiff } from '../common/api/types.ts';
import { formatLabYaml, parseLabYaml } from '../lab/lab-yaml.ts';
import type { Library } from '../store/library.ts';
import type { EventHub } from './events.ts';
import { labStateView } from './lab-state.ts';
import type { LiveLabs } from './live-service.ts';
import { journalDelta, replayDocument } from './replay.ts';
import type { PartialRestore } from '../common/api/snapshot-contract.ts';
import { execLine } from './lab-exec.ts';
import { restorePart, type PartialRestoreResult } from './partial-restore.ts';
import { fetchLabFile, type FetchOptions } from './lab-url.ts';

type FileHandlers = Pick<Handlers, 'snapshots.save' | 'snapshots.restore' | 'snapshots.restorePart' | 'snapshots.diff' | 'labs.export' | 'labs.import' | 'labs.importUrl'>;

/** How fast a stopped lab's clock runs while a partial restore types its commands (docker stop waits seconds). */
const RESTORE_SPEED = 200;

const SQLITE_MAGIC = 'SQLite format 3\u0000';

export class LabFiles {
  constructor(
    private readonly library: Library,
    private readonly hub: EventHub,
    private readonly live: LiveLabs,
    /** How lab files are fetched from URLs (tests trust their own certificate authority here). */
    private readonly urlOptions: FetchOptions = {},
  ) {}

  /** Adds the lab of the lab file (or lab.yaml) at an https URL, checked as a file is. */
  async importUrl(url: string): Promise<LabSummary> {
    const { name, bytes } = await fetchLabFile(url, this.urlOptions);
    return this.import(name, bytes);
  }

  /** Saves a snapshot of the lab as it is now (a running lab's document is written first, with its clock). */
  saveSnapshot(labId: string, name?: string) {
    this.live.assertWritable(labId);
    if (this.live.isRunning(labId) && !this.live.save(labId)) {
      throw new FlotillaError('internal', `Could not write the lab before the snapshot: ${this.live.saveErrors.get(labId) ?? 'unknown error'}`);
    }
    let snap;
    try {
      snap = this.library.saveSnapshot(labId, name);
    } catch (err) {
      throw libraryWriteError(this.library.path, 'the snapshot', err);
    }
    this.hub.emit('onSnapshotsChanged', { labId });
    this.#labsChanged();
    return snap;
  }

  /** The lab takes the snapshot's document; when it runs, it restarts from it (its consoles close). */
  async restore(snapshotId: string) {
    const snap = this.library.getSnapshot(snapshotId);
    this.live.assertWritable(snap.labId);
    const wasRunning = this.live.isRunning(snap.labId);
    // The restarted lab keeps the clock as it was: paused stays paused, at the same speed.
    const clock = wasRunning ? this.live.running(snap.labId).clockState() : undefined;
    if (wasRunning) this.live.stop(snap.labId, { save: false });
    this.library.updateDocument(snap.labId, snap.document);
    if (clock) {
      const rt = await this.live.start(snap.labId, { paused: !clock.running, speed: clock.speed });
      rt.requestState();
    }
    this.#labsChanged();
    return this.library.getLab(snap.labId);
  }

  /**
   * Brings one node (or one container of it) back to the snapshot by running the docker commands that do it in the
   * lab (partial-restore.ts), journaled; the rest stays. A stopped lab is started for it (taking its lease) and
   * stopped again; a running one goes on, its clock as it was.
   */
  async restorePart(snapshotId: string, node: string, container?: string): Promise<PartialRestore> {
    const snap = this.library.getSnapshot(snapshotId);
    const labId = snap.labId;
    this.live.assertWritable(labId);
    const wasRunning = this.live.isRunning(labId);
    const rt = await this.live.start(labId, wasRunning ? {} : { speed: RESTORE_SPEED });
    const clock = rt.clockState();
    if (!clock.running || clock.speed < RESTORE_SPEED) await rt.play(RESTORE_SPEED);
    const { lab: snapLab } = await replayDocument(snap.document);
    let result: PartialRestoreResult;
    try {
      result = await restorePart(snapLab.world, () => rt.lab.world, (target, line) => execLine(rt, target, line), node, container);
    } catch (err) {
      throw err instanceof FlotillaError ? err : new FlotillaError('not-found', err instanceof Error ? err.message : String(err));
    } finally {
      snapLab.world.dispose();
      if (wasRunning) await (clock.running ? rt.play(clock.speed) : rt.pause(clock.speed));
      if (wasRunning) this.live.save(labId);
      else this.live.stop(labId);
    }
    this.#labsChanged();
    const { document: _document, ...lab } = this.library.getLab(labId);
    return { lab, steps: result.steps, notRestored: result.notRestored };
  }

  async diff(aId: string, bId: string): Promise<SnapshotDiff> {
    const a = this.library.getSnapshot(aId);
    const b = this.library.getSnapshot(bId);
    if (a.labId !== b.labId) throw new FlotillaError('invalid-argument', 'b: the two snapshots belong to different labs', 'b');
    const [sa, sb] = [await headlessState(a.labId, a.document), await headlessState(b.labId, b.document)];
    return {
      a: { id: a.id, name: a.name, time: a.document.time },
      b: { id: b.id, name: b.name, time: b.document.time },
      journal: journalDelta(a.document.journal, b.document.journal),
      nodes: diffMaps(nodesOf(sa), nodesOf(sb)),
      containers: diffMaps(containersOf(sa), containersOf(sb)),
      networks: diffMaps(networksOf(sa), networksOf(sb)),
    };
  }

  export(labId: string, format: 'flotilla' | 'yaml', captureIds: readonly string[] = []): LabFileData {
    if (this.live.isRunning(labId)) this.live.save(labId);
    const lab = this.library.getLab(labId);
    if (format === 'yaml') {
      return { format, name: `${safeFileName(lab.name)}.lab.yaml`, dataBase64: Buffer.from(formatLabYaml(lab.name, lab.document), 'utf8').toString('base64') };
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-export-'));
    try {
      const file = path.join(dir, 'lab.flotilla');
      this.library.exportLabFile(labId, file, captureIds);
      return { format, name: `${safeFileName(lab.name)}.flotilla`, dataBase64: readFileSync(file).toString('base64') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Adds the lab in `bytes` (a .flotilla file or lab.yaml, told apart by content); `name` is the file's name. */
  import(name: string, bytes: Uint8Array): LabSummary {
    let lab: LabSummary;
    if (bytes.length >= 16 && Buffer.from(bytes.subarray(0, 16)).toString('latin1') === SQLITE_MAGIC) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-import-'));
      try {
        const file = path.join(dir, 'lab.flotilla');
        writeFileSync(file, bytes);
        lab = this.library.importLabFile(file, name);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new FlotillaError('invalid-argument', `${name}: not a lab file (neither an SQLite lab file nor UTF-8 lab.yaml text)`);
      }
      const parsed = parseLabYaml(text, name);
      lab = this.library.importDocument(parsed.name ?? labNameFromFile(name), parsed.document);
    }
    this.#labsChanged();
    return lab;
  }

  handlers(): FileHandlers {
    return {
      'snapshots.save': ({ labId, name }) => this.saveSnapshot(labId, name),
      'snapshots.restore': ({ id }) => this.restore(id),
      'snapshots.restorePart': ({ id, node, container }) => this.restorePart(id, node, container),
      'snapshots.diff': ({ a, b }) => this.diff(a, b),
      'labs.export': ({ id, format, captureIds }) => this.export(id, format, captureIds),
      'labs.import': ({ name, dataBase64 }) => this.import(name, Buffer.from(dataBase64, 'base64')),
      'labs.importUrl': ({ url }) => this.importUrl(url),
    };
  }

  #labsChanged(): void {
    this.hub.emit('onLabsChanged', this.library.listLabs());
  }
}

/** A failed library write as FlotillaError: why in plain words (a full disk, a read-only file), else as it was. */
function libraryWriteError(path: string, what: string, err: unknown): unknown {
  const code = String((err as { code?: unknown }).code ?? '');
  if (code.startsWith('SQLITE_FULL')) return new FlotillaError('internal', `Could not save ${what} to the Flotilla library (${path}): the disk is full.`);
  if (code.startsWith('SQLITE_READONLY')) return new FlotillaError('internal', `Could not save ${what} to the Flotilla library (${path}): it is read-only.`);
  return err;
}

/** A document replayed in a fresh world, headless, as the window would see it at the document's time. */
export async function headlessState(labId: string, doc: LabDocument): Promise<LabRuntimeState> {
  const { lab } = await replayDocument(doc);
  try {
    return labStateView(labId, lab.world, { time: lab.world.scheduler.now, running: false, speed: 1 });
  } finally {
    lab.world.dispose();
  }
}

function nodesOf(s: LabRuntimeState): Map<string, string> {
  return new Map(s.nodes.map((n) => [n.name, `${n.address}, engine ${n.engine}, daemon ${n.daemon}, swarm ${n.swarmRole ?? 'none'}`]));
}

function containersOf(s: LabRuntimeState): Map<string, string> {
  return new Map(
    s.nodes.flatMap((n) =>
      n.containers.map((c) => [`${n.name}/${c.name}`, `${c.image} ${c.state}${c.state === 'exited' ? ` (${c.exitCode})` : ''} ${c.networks.map((e) => `${e.network}=${e.ip ?? '-'}`).join(' ')}`.trim()] as const),
    ),
  );
}

function networksOf(s: LabRuntimeState): Map<string, string> {
  return new Map(s.nodes.flatMap((n) => n.networks.map((w) => [`${n.name}/${w.name}`, `${w.driver} ${w.subnet ?? '-'}${w.internal ? ' internal' : ''}`] as const)));
}

function diffMaps(a: Map<string, string>, b: Map<string, string>): DiffSet {
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const changed = [...a.keys()]
    .filter((k) => b.has(k) && a.get(k) !== b.get(k))
    .sort()
    .map((k) => `${k}: ${a.get(k)} → ${b.get(k)}`);
  return { added, removed, changed };
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9 ._-]+/g, '_').trim() || 'lab';
}

function labNameFromFile(file: string): string {
  return path.basename(file).replace(/(\.lab)?\.(ya?ml|flotilla)$/i, '') || 'Imported lab';
}
