// Snapshots of a big lab (issue 6): 50 nodes and 1,000 containers (20 per node: a user bridge network, nginx and
// alpine containers on it), as a journal of the commands a person would type. Measured through the same Core the
// window uses, on a library in a temp folder:
//   - start: lab.start replays the journal (what any restore costs);
//   - save: snapshots.save (the running lab's document written, then the snapshot row);
//   - restore: snapshots.restore (stop, replace the document, replay) and `flotilla snapshot restore` typed at the
//     workstation (replay, then the new lab swapped in under the open consoles);
//   - the library's size on disk (database and WAL) after 1 and after 10 snapshots.
// Environment: FLOTILLA_BENCH_SNAPSHOT_NODES (default 50), FLOTILLA_BENCH_SNAPSHOT_PER_NODE (20).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConsoleTarget, JournalEntry, LabDocument } from '../src-main/common/api/types.ts';
import { formatLabYaml } from '../src-main/lab/lab-yaml.ts';
import { createCore } from '../src-main/services/core.ts';
import type { Bench } from './run.ts';

const NODES = Number(process.env.FLOTILLA_BENCH_SNAPSHOT_NODES ?? 50);
const PER_NODE = Number(process.env.FLOTILLA_BENCH_SNAPSHOT_PER_NODE ?? 20);
/** Virtual time between two commands of the journal. */
const GAP_NS = 200_000_000;

/** The lab as a document: the journal of a person building it, one console per node. */
export function bigLabDocument(nodes: number, perNode: number): LabDocument {
  const journal: JournalEntry[] = [];
  let t = 0;
  let consoleNo = 0;
  const open = (target: ConsoleTarget): number => {
    journal.push({ t, console: ++consoleNo, target, line: '', exit: 0 });
    return consoleNo;
  };
  const type = (c: number, target: ConsoleTarget, line: string): void => {
    t += GAP_NS;
    journal.push({ t, console: c, target, line, exit: 0 });
  };
  const ws: ConsoleTarget = { kind: 'workstation' };
  const wsNo = open(ws);
  for (let i = 1; i <= nodes; i++) type(wsNo, ws, `docker-machine create node${i}`);
  for (let i = 1; i <= nodes; i++) {
    const target: ConsoleTarget = { kind: 'node', node: `node${i}` };
    const c = open(target);
    type(c, target, 'docker network create app');
    for (let j = 1; j <= perNode; j++) {
      type(c, target, j % 2 === 0 ? `docker run -d --name web${j} --net app nginx` : `docker run -d --name box${j} --net app alpine sleep 86400`);
    }
  }
  return { version: 2, seed: 7, time: t + GAP_NS, nodes: [], journal, canvas: {}, transcripts: [] };
}

function librarySize(home: string): number {
  let bytes = 0;
  for (const f of readdirSync(home)) if (f.startsWith('library')) bytes += statSync(path.join(home, f)).size;
  return bytes;
}

const ms = (n: number): string => `${n.toFixed(0)} ms`;
const mib = (n: number): string => `${(n / 1048576).toFixed(2)} MiB`;

export const benches: Bench[] = [
  {
    name: `snapshots: a lab of ${NODES} nodes and ${NODES * PER_NODE} containers`,
    async run() {
      const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-snapshots-'));
      const core = createCore({ shell: 'cli', home });
      try {
        const api = core.api;
        const doc = bigLabDocument(NODES, PER_NODE);
        const docBytes = Buffer.byteLength(JSON.stringify(doc));
        const { id: labId } = await api.labs.import({ name: 'big.lab.yaml', dataBase64: Buffer.from(yamlOf(doc)).toString('base64') });
        const before = librarySize(home);

        let t0 = performance.now();
        const state = await api.lab.start({ labId });
        const startMs = performance.now() - t0;
        await api.lab.clock({ labId, action: 'pause' });
        const containers = state.nodes.reduce((n, node) => n + node.containers.filter((c) => c.state === 'running').length, 0);

        t0 = performance.now();
        const snap = await api.snapshots.save({ labId, name: 'built' });
        const saveMs = performance.now() - t0;
        const afterOne = librarySize(home);

        // A change, then back through the contract (stop, replay, start).
        const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
        await api.console.run({ consoleId: ws.consoleId, line: 'docker-machine rm -f node1' });
        t0 = performance.now();
        await api.snapshots.restore({ id: snap.id });
        const restoreMs = performance.now() - t0;

        // The same at a console: replay, then swapped in under the open consoles.
        await api.lab.clock({ labId, action: 'pause' });
        const ws2 = await api.console.open({ labId, target: { kind: 'workstation' } });
        await api.console.run({ consoleId: ws2.consoleId, line: 'docker-machine rm -f node2' });
        t0 = performance.now();
        const r = await api.console.run({ consoleId: ws2.consoleId, line: 'flotilla snapshot restore built' });
        const consoleRestoreMs = performance.now() - t0;
        if (r.exit !== 0) throw new Error('flotilla snapshot restore failed');

        const saves: number[] = [];
        for (let i = 2; i <= 10; i++) {
          t0 = performance.now();
          await api.snapshots.save({ labId, name: `s${i}` });
          saves.push(performance.now() - t0);
        }
        const afterTen = librarySize(home);
        saves.sort((a, b) => a - b);
        return {
          'journal entries': String(doc.journal.length),
          'document (JSON)': mib(docBytes),
          'containers running after start': String(containers),
          'start (replay)': ms(startMs),
          'snapshot save': ms(saveMs),
          'snapshot save, median of 9 more': ms(saves[4]!),
          'restore (snapshots.restore)': ms(restoreMs),
          'restore (console, swapped in place)': ms(consoleRestoreMs),
          'library, lab only': mib(before),
          'library, 1 snapshot': mib(afterOne),
          'library, 10 snapshots': mib(afterTen),
        };
      } finally {
        core.close();
        rmSync(home, { recursive: true, force: true });
      }
    },
  },
];

/** The document as lab.yaml (labs.import takes lab files, not documents). */
function yamlOf(doc: LabDocument): string {
  return formatLabYaml('big', doc);
}
