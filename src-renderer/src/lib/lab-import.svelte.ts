// The import dialog's state: a chosen file is read and told apart — a .flotilla lab file or a lab.yaml goes to
// labs.import as it is; a compose file asks first whether to build it on one node or as a stack on a swarm of N
// nodes (labs.importCompose). A refusal keeps the dialog open with the message, split into file, place and reason.

import { FlotillaError, looksLikeCompose, STACK_NAME, STACK_NODES_MAX, type Api, type LabSummary } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';
import { composeServices, splitProblem, stackNameOf, type ChosenFile, type ImportKind, type ImportProblem } from './import-file.ts';

export type { ChosenFile, ImportProblem } from './import-file.ts';

const SQLITE = 'SQLite format 3\u0000';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export class LabImport {
  open = $state(false);
  file = $state.raw<ChosenFile | null>(null);
  mode = $state<'node' | 'stack'>('node');
  nodes = $state(3);
  stack = $state('');
  name = $state('');
  busy = $state(false);
  problem = $state.raw<ImportProblem | null>(null);
  /** "Open from URL": an https address of a lab file (labs.importUrl fetches and checks it). */
  url = $state('');

  readonly #api: Api;
  readonly #opened: (lab: LabSummary) => Promise<void>;

  constructor(api: Api, opened: (lab: LabSummary) => Promise<void>) {
    this.#api = api;
    this.#opened = opened;
  }

  show(): void {
    this.open = true;
    this.file = null;
    this.problem = null;
    this.busy = false;
  }

  close(): void {
    if (this.busy) return;
    this.open = false;
    this.file = null;
    this.problem = null;
  }

  /** Reads the chosen file and tells its kind. */
  async choose(f: File): Promise<void> {
    this.problem = null;
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (bytes.length === 0) {
      this.file = null;
      this.problem = { file: f.name, place: null, message: 'the file is empty', line: null };
      return;
    }
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 16));
    let text: string | null = null;
    if (head !== SQLITE) {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        text = null;
      }
    }
    const kind: ImportKind = text !== null && looksLikeCompose(text) ? 'compose' : 'lab';
    this.file = { name: f.name, base64: toBase64(bytes), text, kind, services: kind === 'compose' ? composeServices(text!) : [] };
    const base = f.name.replace(/\.(ya?ml|flotilla)$/i, '') || 'compose';
    this.name = base.slice(0, 100);
    this.stack = stackNameOf(base);
  }

  get stackError(): string | null {
    if (this.mode !== 'stack') return null;
    if (!STACK_NAME.test(this.stack) || this.stack.length > 63) return 'A stack name is letters, digits, - and _ (it starts with a letter or digit).';
    if (!Number.isInteger(this.nodes) || this.nodes < 1 || this.nodes > STACK_NODES_MAX) return `A swarm here has 1 to ${STACK_NODES_MAX} nodes.`;
    return null;
  }

  /** Opens the lab file at `url` (https only; the services fetch it, size-capped and timed, and check it). */
  async submitUrl(): Promise<boolean> {
    const url = this.url.trim();
    if (!url || this.busy) return false;
    this.busy = true;
    this.problem = null;
    try {
      const lab = await this.#api.labs.importUrl({ url });
      this.busy = false;
      this.url = '';
      this.close();
      await this.#opened(lab);
      return true;
    } catch (err) {
      const raw = err instanceof FlotillaError ? err.message : describeError(err);
      // "https://…/x.flotilla: why": the URL shown as the file, the reason after it
      const sep = raw.indexOf(': ', url.length - 1);
      this.problem = raw.startsWith(url) && sep >= 0 ? { file: raw.slice(0, sep), place: null, message: raw.slice(sep + 2), line: null } : splitProblem(raw, null);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async submit(): Promise<boolean> {
    const file = this.file;
    if (!file || this.busy || this.stackError) return false;
    this.busy = true;
    this.problem = null;
    try {
      const name = this.name.trim();
      const lab =
        file.kind === 'compose'
          ? await this.#api.labs.importCompose({
              fileName: file.name,
              dataBase64: file.base64,
              mode: this.mode,
              ...(name ? { name } : {}),
              ...(this.mode === 'stack' ? { nodes: this.nodes, stack: this.stack } : {}),
            })
          : await this.#api.labs.import({ name: file.name, dataBase64: file.base64 });
      this.busy = false;
      this.close();
      await this.#opened(lab);
      return true;
    } catch (err) {
      // the services' own wording: it starts with the file's name, which describeError would capitalize
      this.problem = splitProblem(err instanceof FlotillaError ? err.message : describeError(err), file);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
