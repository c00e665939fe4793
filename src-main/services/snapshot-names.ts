// The rule for a snapshot's name typed at a console (`flotilla snapshot save NAME`): the library's rule for names
// (not empty, at most NAME_MAX characters, no white space at either end, no control characters), worded for a
// shell.
import { NAME_MAX } from '../common/api/contract.ts';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Throws an Error saying what is wrong with `name` as a snapshot name. */
export function checkSnapshotName(name: string): void {
  const bad = (why: string): never => {
    throw new Error(`snapshot name ${JSON.stringify(name)} ${why}`);
  };
  if (name.length === 0) bad('must not be empty');
  if (name.length > NAME_MAX) bad(`must be at most ${NAME_MAX} characters`);
  if (name.trim() !== name) bad('must not start or end with white space');
  if (CONTROL.test(name)) bad('must not contain control characters');
}
