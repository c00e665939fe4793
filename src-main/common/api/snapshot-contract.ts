// Labs that last, the methods beyond contract.ts's own (spread into its `methods`): restoring a part of a lab from a
// snapshot — one node, or one container of a node, brought back to what the snapshot holds by the docker commands
// that do it, run in the lab and journaled, the rest as it is (the result lists the commands and what a partial
// restore leaves alone) — and opening a lab file from an https URL.

import { ID, method, OBJECT_NAME } from './contract-parts.ts';
import { object, optional, string } from './schema.ts';
import type { ConsoleTarget, LabSummary } from './types.ts';

/** Longest URL a lab file is opened from. */
export const LAB_URL_MAX = 2048;

/** What snapshots.restorePart did. */
export interface PartialRestore {
  lab: LabSummary;
  /** The commands run, in order, where, and how each ended. */
  steps: { target: ConsoleTarget; line: string; exit: number }[];
  /** What the restore left as the lab has it (learned kernel state, swarm, ...), in sentences. */
  notRestored: string[];
}

export const snapshotMethods = {
  /** Brings node `node` (with `container`: only that container of it) back to snapshot `id`; the rest stays. */
  'snapshots.restorePart': method<PartialRestore>()(
    object({
      id: string({ pattern: ID, patternName: 'snapshot id (32 hex digits)' }),
      node: string({ min: 1, max: 128, pattern: OBJECT_NAME, patternName: 'a node name' }),
      container: optional(string({ min: 1, max: 128, pattern: OBJECT_NAME, patternName: 'a container name' })),
    }),
  ),
  /** Adds the lab of the lab file (.flotilla or lab.yaml) at an https URL: size-capped, timed, checked as a file. */
  'labs.importUrl': method<LabSummary>()(object({ url: string({ min: 9, max: LAB_URL_MAX, pattern: /^https:\/\/\S+$/, patternName: 'an https:// URL' }) })),
} as const;
