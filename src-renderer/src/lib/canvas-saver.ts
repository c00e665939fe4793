// The canvas section saved as it changes: moves, layouts, snap and notes go to labs.saveCanvas a moment after the
// last change (a drag sends one save, not one per frame), and at once when the lab's view closes.
import type { Api, LabCanvas } from '../../../src-main/common/api/index.ts';
import { describeError } from './errors.ts';

export const SAVE_DELAY_MS = 400;

/** The window's fields with their defaults, in one order (so two canvases that draw the same compare equal). */
export function normalCanvas(c: LabCanvas): Required<LabCanvas> {
  return { layout: c.layout ?? 'tidy', snap: c.snap ?? false, offsets: c.offsets ?? {}, notes: c.notes ?? [] };
}

export class CanvasSaver {
  readonly #api: Api;
  readonly #labId: string;
  readonly #read: () => LabCanvas;
  readonly #onError: (message: string) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last = '';

  constructor(api: Api, labId: string, read: () => LabCanvas, onError: (message: string) => void) {
    this.#api = api;
    this.#labId = labId;
    this.#read = read;
    this.#onError = onError;
  }

  /** What was loaded is what is saved already: no save until it changes. */
  loaded(c: LabCanvas): void {
    this.#last = JSON.stringify(normalCanvas(c));
  }

  /** Whether `c` is what this window saved (or loaded) last. */
  isSaved(c: LabCanvas): boolean {
    return JSON.stringify(normalCanvas(c)) === this.#last;
  }

  schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const canvas = this.#read();
    const json = JSON.stringify(normalCanvas(canvas));
    if (json === this.#last) return;
    this.#last = json;
    this.#api.labs.saveCanvas({ labId: this.#labId, canvas }).catch((err: unknown) => {
      this.#last = '';
      this.#onError(`Could not save the canvas layout: ${describeError(err)}`);
    });
  }
}
