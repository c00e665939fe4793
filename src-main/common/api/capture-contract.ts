// The capture methods and events of the contract (spread into contract.ts's `methods` and `events`): captures kept
// in the library, the packet list's pages, one frame's detail, import and export. Bytes travel as base64.

import type { EventSpec, MethodSpec } from './contract.ts';
import type { CaptureExport, CaptureSummary, FrameDetail, FramesPage } from './capture-types.ts';
import { FlotillaError } from './errors.ts';
import { integer, literal, object, optional, string, type Schema } from './schema.ts';

/** The largest capture file an import takes (decoded). */
export const CAPTURE_IMPORT_MAX_BYTES = 64 * 1024 * 1024;
/** Rows in one page of the packet list. */
export const FRAMES_PAGE_MAX = 1000;
/** Length of a display filter. */
export const FILTER_MAX = 4096;
export const CAPTURE_NAME_MAX = 200;

const ID = /^[0-9a-f]{32}$/;
const id = (what: string) => string({ pattern: ID, patternName: `${what} id (32 hex digits)` });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The number of bytes a base64 text decodes to. */
export function base64Length(text: string): number {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - pad;
}

/** A capture file as base64: refused, with its size and the limit, when it is too big; checked to be base64. */
const captureFile = (): Schema<string> => ({
  describe: `base64 string (at most ${CAPTURE_IMPORT_MAX_BYTES} bytes decoded)`,
  parse(value, path = 'dataBase64') {
    if (typeof value !== 'string') throw new FlotillaError('invalid-argument', `${path}: expected a base64 string, got ${value === null ? 'null' : typeof value}`, path);
    const size = base64Length(value);
    if (size > CAPTURE_IMPORT_MAX_BYTES) {
      const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
      throw new FlotillaError('invalid-argument', `${path}: the file is ${mib(size)}; an import takes at most ${mib(CAPTURE_IMPORT_MAX_BYTES)}`, path);
    }
    if (value.length === 0) throw new FlotillaError('invalid-argument', `${path}: the file is empty`, path);
    if (value.length % 4 !== 0 || !BASE64.test(value)) throw new FlotillaError('invalid-argument', `${path}: is not base64`, path);
    return value;
  },
});

const captureName = (): Schema<string> => {
  const base = string({ min: 1, max: CAPTURE_NAME_MAX, trimmed: true });
  return {
    describe: base.describe,
    parse(value, path = 'name') {
      const s = base.parse(value, path);
      if (CONTROL.test(s)) throw new FlotillaError('invalid-argument', `${path}: must not contain control characters`, path);
      return s;
    },
  };
};

const method =
  <R>() =>
  <P>(params: Schema<P>): MethodSpec<P, R> => ({ params });

export const captureMethods = {
  /** Stores a pcap or pcapng file (parsed whole first: a damaged file is refused, saying what and where). */
  'captures.import': method<CaptureSummary>()(object({ name: captureName(), labId: optional(id('lab')), dataBase64: captureFile() })),
  /** A lab's captures, or (without labId) every capture in the library; newest first. */
  'captures.list': method<CaptureSummary[]>()(object({ labId: optional(id('lab')) })),
  'captures.delete': method<null>()(object({ id: id('capture') })),
  /** A page of the packet list: rows `offset`.. of the frames the display filter passes (all without one). */
  'captures.frames': method<FramesPage>()(
    object({
      id: id('capture'),
      offset: integer({ min: 0 }),
      limit: integer({ min: 1, max: FRAMES_PAGE_MAX }),
      filter: optional(string({ max: FILTER_MAX })),
    }),
  ),
  /** One frame's detail tree (every item with its byte range) and its bytes. */
  'captures.frame': method<FrameDetail>()(object({ id: id('capture'), number: integer({ min: 1 }) })),
  /** The capture as a file Wireshark opens. */
  'captures.export': method<CaptureExport>()(object({ id: id('capture'), format: literal('pcap', 'pcapng') })),
} as const;

export const captureEvents = {
  /** Captures were added or deleted: those of lab `labId`, or the library's own (no labId). */
  onCapturesChanged: {} as EventSpec<{ labId?: string }>,
} as const;
