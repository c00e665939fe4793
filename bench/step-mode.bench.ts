// Step mode (issue 8): what a step and a step back cost. A step back across instants rebuilds the lab by replaying
// its journal to the previous event's instant, so its cost grows with the lab's history: measured on a typical
// classroom lab (2 nodes, 4 containers) and a bigger one (10 nodes, 100 containers), both built from the journal a
// person would type (snapshots.bench.ts), then `ping -c 2 web2` from box1 while stepping.
// Environment: FLOTILLA_BENCH_STEP_SIZES, e.g. "2x2,10x10" (nodes x containers per node).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatLabYaml } from '../src-main/lab/lab-yaml.ts';
import { createCore } from '../src-main/services/core.ts';
import type { Bench } from './run.ts';
import { bigLabDocument } from './snapshots.bench.ts';

const SIZES = (process.env.FLOTILLA_BENCH_STEP_SIZES ?? '2x2,10x10').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const STEPS = 30;
const BACKS = 10;

const ms = (n: number): string => `${n.toFixed(1)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export const benches: Bench[] = SIZES.map(([nodes, perNode]) => ({
  name: `step mode: a lab of ${nodes} nodes and ${nodes * perNode} containers`,
  async run() {
    const home = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-step-'));
    const core = createCore({ shell: 'cli', home });
    try {
      const api = core.api;
      const doc = bigLabDocument(nodes, perNode);
      const yaml = formatLabYaml('step', doc);
      const { id: labId } = await api.labs.import({ name: 'step.lab.yaml', dataBase64: Buffer.from(yaml).toString('base64') });
      await api.lab.start({ labId });
      await api.lab.stepMode({ labId, on: true });
      const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
      void api.console.run({ consoleId: n1.consoleId, line: 'docker exec box1 ping -c 2 web2' }).catch(() => undefined);
      const steps: number[] = [];
      for (let i = 0; i < STEPS; i++) {
        const t0 = performance.now();
        await api.lab.step({ labId });
        steps.push(performance.now() - t0);
      }
      const backs: number[] = [];
      const rebuilt: number[] = [];
      let divergences = 0;
      for (let i = 0; i < BACKS; i++) {
        const before = (await api.lab.stepState({ labId })).current?.timeNs;
        const t0 = performance.now();
        const s = await api.lab.stepBack({ labId });
        const took = performance.now() - t0;
        (s.current?.timeNs === before ? backs : rebuilt).push(took);
      }
      for (let i = 0; i < BACKS; i++) divergences = (await api.lab.step({ labId })).lastRewind?.divergences.length ?? 0;
      return {
        'journal entries': String(doc.journal.length),
        'step, median': ms(median(steps)),
        'step back within an instant, median': backs.length ? ms(median(backs)) : 'none',
        'step back with a rebuild, median': rebuilt.length ? ms(median(rebuilt)) : 'none',
        'step back with a rebuild, max': rebuilt.length ? ms(Math.max(...rebuilt)) : 'none',
        'rebuilds': String(rebuilt.length),
        'divergences stepping forward again': String(divergences),
      };
    } finally {
      core.close();
      rmSync(home, { recursive: true, force: true });
    }
  },
}));
