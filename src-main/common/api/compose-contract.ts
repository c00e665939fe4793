// Compose files into labs from the window (spread into contract.ts's `methods`): the import dialog reads the file,
// tells a compose file from a lab.yaml (looksLikeCompose), asks "one node" or "a stack on a swarm of N nodes", and
// sends the text here. A refusal names the file and the line or field (`app.yml: services.web.ports[0]: …`).

import { method } from './contract-parts.ts';
import { FlotillaError } from './errors.ts';
import { integer, literal, object, optional, string, type Schema } from './schema.ts';
import type { LabSummary } from './types.ts';

/** A compose file is text a person wrote: 1 MiB is far more than any. */
export const COMPOSE_FILE_MAX_BYTES = 1024 * 1024;
/** Nodes of the swarm a stack is deployed on. */
export const STACK_NODES_MAX = 9;
/** `docker stack deploy`'s name rule (it prefixes every service and network). */
export const STACK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;

/** Does `text` look like a compose file (top-level `services:`) rather than a lab.yaml (`journal:`)? */
export function looksLikeCompose(text: string): boolean {
  return /^services\s*:/m.test(text) && !/^journal\s*:/m.test(text);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const composeData = (): Schema<string> => ({
  describe: `base64 string (at most ${COMPOSE_FILE_MAX_BYTES} bytes decoded)`,
  parse(value, path = 'dataBase64') {
    const bad = (m: string) => new FlotillaError('invalid-argument', `${path}: ${m}`, path);
    if (typeof value !== 'string') throw bad(`expected a base64 string, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
    if (value.length === 0) throw bad('the file is empty');
    if ((value.length / 4) * 3 > COMPOSE_FILE_MAX_BYTES + 2) throw bad(`the file is larger than ${COMPOSE_FILE_MAX_BYTES / 1024} KiB`);
    if (value.length % 4 !== 0 || !BASE64.test(value)) throw bad('is not base64');
    return value;
  },
});

export const composeMethods = {
  /** Adds the lab a compose file describes: its containers on one node (mode 'node'), or its services deployed as
   * stack `stack` on a swarm of `nodes` nodes (mode 'stack'). The journal holds the commands a person would type. */
  'labs.importCompose': method<LabSummary>()(
    object({
      /** The file's name: errors start with it, and the lab is named after it unless `name` is given. */
      fileName: string({ min: 1, max: 255, trimmed: true }),
      name: optional(string({ min: 1, max: 100, trimmed: true })),
      dataBase64: composeData(),
      mode: literal('node', 'stack'),
      nodes: optional(integer({ min: 1, max: STACK_NODES_MAX })),
      stack: optional(string({ min: 1, max: 63, pattern: STACK_NAME, patternName: 'a stack name (letters, digits, - and _)' })),
    }),
  ),
} as const;
