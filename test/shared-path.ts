// Where the steering repository's shared/ folder is: beside this repository's clone (as in CI and in the
// developers' checkouts), or wherever FLOTILLA_SHARED points. Tests that compare against the kernel's reference
// captures or replay the acceptance transcripts read from here.
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export const SHARED = path.resolve(process.env.FLOTILLA_SHARED ?? path.join(ROOT, '../shared'));

/** A path inside shared/; throws with a clear message when shared/ is not there. */
export function sharedPath(...parts: string[]): string {
  if (!existsSync(SHARED)) {
    throw new Error(`the shared/ folder is missing at ${SHARED}: clone it beside this repository or set FLOTILLA_SHARED`);
  }
  return path.join(SHARED, ...parts);
}
