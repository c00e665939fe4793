// The child of crash-safety.test.ts: opens the library in argv[2], takes lab argv[3] (or creates one and prints
// `lab ID`), prints `ready`, then saves documents and snapshots as fast as it can until it is killed. After each
// snapshot commit returns it prints `snap ID N` (N: the document's time, so the parent can check the contents).
import path from 'node:path';
import { Library, randomId } from '../../src-main/store/library.ts';
import { emptyDocument } from '../../src-main/lab/document.ts';
import type { LabDocument } from '../../src-main/common/api/types.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: crash-child DIR [LAB_ID]');
const library = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
let labId = process.argv[3];
if (labId === undefined) {
  labId = library.createLab('Crash').id;
  process.stdout.write(`lab ${labId}\n`);
}
process.stdout.write('ready\n');

/** Document `n`: its size varies from a few bytes to several pages, so a kill lands inside multi-page writes. */
function crashDocument(n: number): LabDocument {
  return { ...emptyDocument(), time: n, canvas: { n, fill: String(n % 10).repeat((n * 7919) % 20_000) } };
}

for (let n = Number(process.argv[4] ?? 1); ; n++) {
  library.updateDocument(labId, crashDocument(n));
  if (n % 2 === 0) {
    const snap = library.saveSnapshot(labId);
    process.stdout.write(`snap ${snap.id} ${n}\n`);
  }
}
