// The capture methods and events of the contract (spread into contract.ts's `methods` and `events`): captures kept
// in the library, the packet list's pages, one frame's detail, import and export. Bytes travel as base64.

import type { EventSpec } from './contract.ts';
import type { CaptureExport, CaptureInterfaceChoice, CaptureSummary, CaptureUpload, FrameDetail, FramesPage, Journey, ReplayResult, ReplaySpeed } from './capture-types.ts';
import type { FlowPage, FollowResult, IoGraph } from './capture-analysis-types.ts';
import { ID, method, OBJECT_NAME } from './contract-parts.ts';
import { FlotillaError } from './errors.ts';
import { array, boolean, integer, literal, number, object, optional, string, type Schema } from './schema.ts';

/** The largest capture file an import takes in one message (decoded); bigger files come in an upload. */
export const CAPTURE_IMPORT_MAX_BYTES = 64 * 1024 * 1024;
/** The largest capture file an upload takes: as big as a live capture's ring may grow. */
export const CAPTURE_UPLOAD_MAX_BYTES = 512 * 1024 * 1024;
/** The most one upload message carries (decoded): well inside a message's limit, enough for few round trips. */
export const CAPTURE_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;
/** Rows in one page of the packet list. */
export const FRAMES_PAGE_MAX = 1000;
/** Length of a display filter. */
export const FILTER_MAX = 4096;
export const CAPTURE_NAME_MAX = 200;
/** Arrows in one page of the flow diagram. */
export const FLOW_PAGE_MAX = 1000;
/** Series (display filters) in one I/O graph. */
export const IO_SERIES_MAX = 8;

/** Bounds of a live capture's ring. */
export const LIVE_PACKETS_MAX = 1_000_000;
export const LIVE_BYTES_MAX = 512 * 1024 * 1024;
/** Replay rates: multipliers and packets per second. */
export const REPLAY_MULTIPLIER_MAX = 1000;
export const REPLAY_PPS_MAX = 100_000_000;

const objectName = (what: string) => string({ min: 1, max: 128, pattern: OBJECT_NAME, patternName: `a ${what} name` });
/** A Linux interface name (IFNAMSIZ - 1 characters), or 'any'. */
const IFNAME = /^[a-zA-Z0-9_.@:-]{1,15}$/;
const ifaceName = (allowAny = true): Schema<string> => {
  const base = string({ min: 1, max: 15, pattern: IFNAME, patternName: 'an interface name' });
  return {
    describe: base.describe,
    parse(value, path = 'interface') {
      const s = base.parse(value, path);
      if (!allowAny && s === 'any') throw new FlotillaError('invalid-argument', `${path}: a replay goes out of one interface, not 'any'`, path);
      return s;
    },
  };
};
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** [from, to]: two IPv4 addresses. */
const ipPair = (): Schema<[string, string]> => {
  const ip = string({ pattern: IPV4, patternName: 'an IPv4 address' });
  return {
    describe: '[from, to] (IPv4 addresses)',
    parse(value, path = 'pair') {
      if (!Array.isArray(value) || value.length !== 2) throw new FlotillaError('invalid-argument', `${path}: expected [from, to], two IPv4 addresses`, path);
      return [ip.parse(value[0], `${path}[0]`), ip.parse(value[1], `${path}[1]`)];
    },
  };
};

/** 'original' | 'topspeed' | { multiplier } | { pps }. */
const replaySpeed = (): Schema<ReplaySpeed> => {
  const word = literal('original', 'topspeed');
  const mult = object({ multiplier: number({ min: 0.001, max: REPLAY_MULTIPLIER_MAX }) });
  const pps = object({ pps: number({ min: 0.001, max: REPLAY_PPS_MAX }) });
  return {
    describe: `'original' | 'topspeed' | { multiplier } | { pps }`,
    parse(value, path = 'speed') {
      if (typeof value === 'string') return word.parse(value, path);
      if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'pps' in value) return pps.parse(value, path);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return mult.parse(value, path);
      throw new FlotillaError('invalid-argument', `${path}: expected 'original', 'topspeed', { multiplier } or { pps }`, path);
    },
  };
};
const id = (what: string) => string({ pattern: ID, patternName: `${what} id (32 hex digits)` });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The number of bytes a base64 text decodes to. */
export function base64Length(text: string): number {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - pad;
}

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/**
 * A capture file (or an upload's part of one) as base64: refused, with its size and the limit, when it is too big;
 * checked to be base64.
 */
const captureFile = (max = CAPTURE_IMPORT_MAX_BYTES, what = 'the file is', limit = 'an import takes at most'): Schema<string> => ({
  describe: `base64 string (at most ${max} bytes decoded)`,
  parse(value, path = 'dataBase64') {
    if (typeof value !== 'string') throw new FlotillaError('invalid-argument', `${path}: expected a base64 string, got ${value === null ? 'null' : typeof value}`, path);
    const size = base64Length(value);
    if (size > max) throw new FlotillaError('invalid-argument', `${path}: ${what} ${mib(size)}; ${limit} ${mib(max)}`, path);
    if (value.length === 0) throw new FlotillaError('invalid-argument', `${path}: ${what === 'the file is' ? 'the file is empty' : 'is empty'}`, path);
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

/** captures.import's file: in the message (dataBase64), or an upload's whole (uploadId); one of them. */
const importParams = () => {
  const base = object({ name: captureName(), labId: optional(id('lab')), dataBase64: optional(captureFile()), uploadId: optional(id('upload')) });
  return {
    describe: base.describe,
    parse(value: unknown, path = '') {
      const p = base.parse(value, path);
      if ((p.dataBase64 === undefined) === (p.uploadId === undefined)) {
        const at = path ? `${path}.dataBase64` : 'dataBase64';
        throw new FlotillaError('invalid-argument', `${at}: give the file as dataBase64 or as a finished upload's uploadId, one of them`, at);
      }
      return p;
    },
  };
};

export const captureMethods = {
  /**
   * Stores a pcap or pcapng file (parsed whole first: a damaged file is refused, saying what and where): sent in the
   * message, or uploaded before in parts (uploadId; the upload is used up either way).
   */
  'captures.import': method<CaptureSummary>()(importParams()),
  /**
   * One part of a capture file too big for one message, in order: the first (offset 0, no uploadId) opens an
   * upload of `size` bytes, the others name it; the last one completes it, and captures.import takes it.
   */
  'captures.upload': method<CaptureUpload>()(
    object({
      uploadId: optional(id('upload')),
      size: integer({ min: 1, max: CAPTURE_UPLOAD_MAX_BYTES }),
      offset: integer({ min: 0, max: CAPTURE_UPLOAD_MAX_BYTES }),
      dataBase64: captureFile(CAPTURE_UPLOAD_CHUNK_BYTES, 'the part is', 'an upload message takes at most'),
    }),
  ),
  /** Drops an upload not imported (a cancelled import); unknown ids are ignored. */
  'captures.uploadCancel': method<null>()(object({ uploadId: id('upload') })),
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
  /** A capture as a file; ethernetOnly (for tcpreplay) gives cooked and raw IP frames an Ethernet header and drops the rest. */
  'captures.export': method<CaptureExport>()(object({ id: id('capture'), format: literal('pcap', 'pcapng'), ethernetOnly: optional(boolean()) })),
  /** The selected frame's journey as a pcapng: every hop, one packet id, each interface described. */
  'captures.exportJourney': method<CaptureExport>()(object({ id: id('capture'), number: integer({ min: 1 }) })),
  /** The devices of a running lab's nodes and containers one can capture on (the capture menu). */
  'captures.interfaces': method<CaptureInterfaceChoice[]>()(object({ labId: id('lab') })),
  /** Starts a live capture in a running lab (kept with the lab, source 'lab'); frames arrive as onCaptureFrames. */
  'captures.start': method<CaptureSummary>()(
    object({
      labId: id('lab'),
      target: object({ node: objectName('node'), container: optional(objectName('container')), interface: ifaceName() }),
      name: optional(captureName()),
      limit: optional(object({ packets: optional(integer({ min: 1, max: LIVE_PACKETS_MAX })), bytes: optional(integer({ min: 4096, max: LIVE_BYTES_MAX })) })),
    }),
  ),
  /** Stops a live capture: its last frames are stored, and it stays in the library. */
  'captures.stop': method<CaptureSummary>()(object({ id: id('capture') })),
  /** The selected frame's packet on every interface a capture of its lab saw it cross, in order, with each rewrite. */
  'captures.journey': method<Journey>()(object({ id: id('capture'), number: integer({ min: 1 }) })),
  /** Injects a capture's frames into a running lab's interface (tcpreplay timing, tcprewrite rewriting). */
  'captures.replay': method<ReplayResult>()(
    object({
      id: id('capture'),
      labId: id('lab'),
      target: object({ node: objectName('node'), container: optional(objectName('container')), interface: ifaceName(false) }),
      speed: replaySpeed(),
      loop: optional(integer({ min: 1, max: 1000 })),
      rewrite: optional(
        object({
          addressMap: optional(array(ipPair(), { max: 256 })),
          macToLab: optional(boolean()),
          /** tcprewrite --fixcsum after a rewrite (default true); false leaves the rewritten frames' checksums wrong. */
          fixChecksums: optional(boolean()),
        }),
      ),
    }),
  ),
  /**
   * Follow stream: the TCP (tcp, http) or UDP (udp, dns) stream of frame `number`, or stream index `stream`.
   * `transport` says which kind of stream: DNS goes over either, so stepping from a DNS-over-TCP stream to the
   * next index gives 'tcp' (without it a DNS index is the UDP one); tcp and http take only 'tcp', udp only 'udp'.
   */
  'captures.follow': method<FollowResult>()(
    object({
      id: id('capture'),
      protocol: literal('tcp', 'udp', 'http', 'dns'),
      number: optional(integer({ min: 1 })),
      stream: optional(integer({ min: 0 })),
      transport: optional(literal('tcp', 'udp')),
    }),
  ),
  /** A page of the flow (sequence) diagram of the frames a display filter passes: endpoint columns, one arrow per frame. */
  'captures.flow': method<FlowPage>()(
    object({ id: id('capture'), filter: optional(string({ max: FILTER_MAX })), offset: integer({ min: 0 }), limit: integer({ min: 1, max: FLOW_PAGE_MAX }) }),
  ),
  /** The I/O graph: frames and bytes per interval (seconds; picked for the capture without one), a series per filter. */
  'captures.io': method<IoGraph>()(
    object({
      id: id('capture'),
      interval: optional(number({ min: 0.000001, max: 86400 })),
      series: array(object({ filter: string({ max: FILTER_MAX }) }), { max: IO_SERIES_MAX }),
    }),
  ),
} as const;

export const captureEvents = {
  /** A live capture has `total` frames now (its packet list grows, or restarts when its ring dropped old frames). */
  onCaptureFrames: {} as EventSpec<{ id: string; total: number }>,
  /** Captures were added or deleted: those of lab `labId`, or the library's own (no labId). */
  onCapturesChanged: {} as EventSpec<{ labId?: string }>,
} as const;
