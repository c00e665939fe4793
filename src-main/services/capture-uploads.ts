// Capture files too big for one message (captures.upload): the parts come in order into one buffer of the size the
// first part declared, and captures.import takes the whole. Memory stays bounded: an upload is at most
// CAPTURE_UPLOAD_MAX_BYTES (the contract checks), and at most MAX_OPEN are held; opening another drops the oldest,
// as a window closed mid-upload never says so.

import type { CaptureUpload } from '../common/api/capture-types.ts';
import { FlotillaError } from '../common/api/errors.ts';

/** Uploads held at once. */
export const MAX_OPEN = 2;

interface Upload {
  readonly bytes: Uint8Array;
  received: number;
}

export class CaptureUploads {
  /** Open uploads by id, oldest first. */
  readonly #open = new Map<string, Upload>();

  constructor(private readonly newId: () => string) {}

  /** Adds one part: `data` at `offset` of upload `uploadId`, or of a new upload of `size` bytes when it has none. */
  part(uploadId: string | undefined, size: number, offset: number, data: Uint8Array): CaptureUpload {
    let id = uploadId;
    let u: Upload;
    if (id === undefined) {
      if (offset !== 0) throw new FlotillaError('invalid-argument', `offset: a new upload starts at 0, not ${offset}`, 'offset');
      while (this.#open.size >= MAX_OPEN) this.#open.delete(this.#open.keys().next().value!);
      id = this.newId();
      // Shared memory, so the import's walk can run on the worker thread too (walk-worker.ts).
      u = { bytes: new Uint8Array(new SharedArrayBuffer(size)), received: 0 };
      this.#open.set(id, u);
    } else {
      u = this.#get(id);
      if (size !== u.bytes.length) throw new FlotillaError('invalid-argument', `size: the upload is of ${u.bytes.length} bytes, not ${size}`, 'size');
      if (offset !== u.received) throw new FlotillaError('invalid-argument', `offset: the next part starts at ${u.received} (the bytes received so far), not ${offset}`, 'offset');
    }
    if (offset + data.length > u.bytes.length) {
      if (uploadId === undefined) this.#open.delete(id);
      throw new FlotillaError('invalid-argument', `dataBase64: the part ends at byte ${offset + data.length}, past the upload's ${u.bytes.length}`, 'dataBase64');
    }
    u.bytes.set(data, offset);
    u.received = offset + data.length;
    return { uploadId: id, received: u.received, size: u.bytes.length };
  }

  /** The whole file of a finished upload, which is used up (an unfinished one stays, to be finished). */
  take(uploadId: string): Uint8Array {
    const u = this.#get(uploadId);
    if (u.received < u.bytes.length) throw new FlotillaError('invalid-argument', `uploadId: the upload has ${u.received} of its ${u.bytes.length} bytes; send the rest first`, 'uploadId');
    this.#open.delete(uploadId);
    return u.bytes;
  }

  cancel(uploadId: string): void {
    this.#open.delete(uploadId);
  }

  #get(id: string): Upload {
    const u = this.#open.get(id);
    if (!u) throw new FlotillaError('not-found', `uploadId: no upload ${id} (finished, cancelled, or dropped for newer ones: at most ${MAX_OPEN} are kept)`, 'uploadId');
    return u;
  }
}
