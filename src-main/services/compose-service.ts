// labs.importCompose: a compose file from the window becomes a lab, on one node or as a stack on a swarm, through
// the same path as `flotilla lab import FILE [--stack NAME --nodes N]` (the lab.yaml it makes goes to labs.import).
import type { Handlers } from '../common/api/contract.ts';
import { looksLikeCompose } from '../common/api/compose-contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import type { LabSummary } from '../common/api/types.ts';
import { composeToLabYaml } from './compose-lab.ts';
import { stackToLabYaml } from './stack-lab.ts';

type ComposeHandlers = Pick<Handlers, 'labs.importCompose'>;

/** What adds a lab.yaml to the library (LabFiles.import). */
export interface LabYamlImporter {
  import(name: string, bytes: Uint8Array): LabSummary;
}

/** The lab's name when none is given: the file's name without .yml/.yaml. */
export function labNameOf(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  return base === '' ? 'compose' : base;
}

export function composeHandlers(files: LabYamlImporter): ComposeHandlers {
  return {
    'labs.importCompose': async ({ fileName, name, dataBase64, mode, nodes, stack }) => {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(dataBase64, 'base64'));
      } catch {
        throw new FlotillaError('invalid-argument', `${fileName}: not UTF-8 text, so not a compose file`);
      }
      if (!looksLikeCompose(text)) throw new FlotillaError('invalid-argument', `${fileName}: not a compose file (it has no top-level "services:")`);
      const labName = name ?? labNameOf(fileName);
      if (mode === 'node' && (nodes !== undefined || stack !== undefined)) throw new FlotillaError('invalid-argument', 'nodes and stack go with mode "stack"', mode);
      const yaml =
        mode === 'stack'
          ? await stackToLabYaml(text, fileName, labName, { stack: stack ?? stackNameOf(labName), ...(nodes !== undefined ? { nodes } : {}) })
          : await composeToLabYaml(text, fileName, labName);
      return files.import(fileName, Buffer.from(yaml, 'utf8'));
    },
  };
}

/** A stack name from a lab name: Docker's characters only. */
export function stackNameOf(labName: string): string {
  const s = labName.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return s === '' ? 'stack' : s;
}
