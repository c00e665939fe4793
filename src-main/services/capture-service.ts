// Captures: import into the library, the packet list's pages, one frame's detail, export. The packet list's pages
// come from the store (each page's frames dissected with a context primed from the import's index). A display
// filter needs every frame dissected in order, so an open capture keeps a session (the parsed file and a context
// that has seen frames 1..passed) in a small LRU, and each session caches the frame numbers every recent filter
// passes (and how many frames that result covers). A live capture's flush that appends to the stored file extends
// its open session (extend(): the longer file, the same context and pass, which go on over the new frames when
// asked for; a cached filter result is extended by testing only the new frames when next asked for); one that
// writes the ring whole gives it the new file and a fresh context that passes it when asked (adopt()). A detail tree
// comes from the session when it has passed the frame or the capture is small enough to pass now, else from a
// context primed from the index (as the packet list's row).

import type { Handlers } from '../common/api/contract.ts';
import type { CaptureSummary, DetailNode, FilterProblem, FrameDetail } from '../common/api/capture-types.ts';
import { FlotillaError } from '../common/api/errors.ts';
import { frameMeta, type ParsedCapture } from '../common/capture/indexer.ts';
import { frameMeta as rowFrameMeta, PrimedContext } from '../common/capture/rows.ts';
import { CaptureContext, collectFields, compileFilter, dissect, lookupField, summarize, valueToFieldText, type DisplayFilter, type FieldValues, type Summary, type Tree, type TreeNode } from '../common/dissect/index.ts';
import { writePcap, writePcapng, type CapturePacket, type PcapngPacketIn } from '../common/pcap/index.ts';
import { ethernetOnly } from './ethernet-export.ts';
import { randomId, type Library } from '../store/library.ts';
import { CaptureUploads } from './capture-uploads.ts';
import { parseOrRefuse } from '../store/captures.ts';
import type { EventHub } from './events.ts';

type CaptureHandlers = Pick<Handlers, 'captures.import' | 'captures.upload' | 'captures.uploadCancel' | 'captures.list' | 'captures.delete' | 'captures.frames' | 'captures.frame' | 'captures.export'>;

/** Open captures kept parsed in memory. */
const SESSIONS = 2;
/** Filter results kept per capture. */
const FILTERS = 8;
/** Frames dissected between yields to the event loop (other calls keep flowing during a long pass). */
const SLICE = 20_000;
/**
 * A detail tree of a frame no pass has reached yet is dissected with the primed context beyond this frame number
 * (a full pass up to it would take seconds); the primed tree lacks only what no column holds (udp.stream, DNS's
 * "Request In").
 */
const DETAIL_PASS = 20_000;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A cached filter result: the numbers of the frames it passes among frames 1..covered. */
interface FilterResult {
  readonly numbers: Uint32Array;
  readonly covered: number;
}

/** One capture held open: its parsed file, a context that has seen frames 1..passed, and recent filter results. */
class Session {
  passed = 0;
  readonly filters = new Map<string, FilterResult>();
  #queue: Promise<unknown> = Promise.resolve();
  /** The buffer the file grows in as extend() appends to it (parsed.bytes is its start), once extended. */
  #room: Uint8Array | undefined;

  constructor(
    public parsed: ParsedCapture,
    readonly ctx: CaptureContext,
  ) {}

  /**
   * Appends the packets of `appended` (a file of this one's header and interfaces: its first `head` bytes are not
   * appended) to the file. The longer file is one buffer (grown by half when full) and every packet's `data` a
   * view into it, as parseCaptureFile gives, so `p.data.byteOffset - bytes.byteOffset` stays a frame's offset.
   * The context, `passed` and the filter results are kept: they cover frames the file still holds, unchanged.
   */
  extend(appended: ParsedCapture, head: number): void {
    const old = this.parsed;
    const added = appended.bytes.subarray(head);
    if (appended.capture.packets.length === 0) return;
    const size = old.bytes.length;
    const end = size + added.length;
    let room = this.#room;
    let packets: CapturePacket[];
    if (room !== undefined && old.bytes.buffer === room.buffer && old.bytes.byteOffset === room.byteOffset && room.length >= end) {
      packets = old.capture.packets.slice();
    } else {
      const grown = new Uint8Array(Math.ceil(end * 1.5));
      grown.set(old.bytes);
      // Views into the old file move to the new buffer (one that is not, a copy, stays as it is).
      packets = old.capture.packets.map((p) => {
        const at = p.data.byteOffset - old.bytes.byteOffset;
        if (p.data.buffer !== old.bytes.buffer || at < 0 || at + p.data.length > size) return p;
        return { ...p, data: grown.subarray(at, at + p.data.length) };
      });
      room = this.#room = grown;
    }
    room.set(added, size);
    const base = appended.bytes.byteOffset + head;
    for (const p of appended.capture.packets) {
      const at = size + p.data.byteOffset - base;
      packets.push({ ...p, data: room.subarray(at, at + p.data.length) });
    }
    const first = old.capture.packets.length === 0;
    this.parsed = {
      bytes: room.subarray(0, end),
      capture: { ...old.capture, packets },
      firstTsNs: first ? appended.firstTsNs : old.firstTsNs,
      lastTsNs: first || appended.lastTsNs > old.lastTsNs ? appended.lastTsNs : old.lastTsNs,
    };
  }

  get total(): number {
    return this.parsed.capture.packets.length;
  }

  /** Runs `fn` after every earlier job on this session (passes over the context must not interleave). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** First pass up to frame `to` (summary only), yielding now and then. */
  async advance(to: number): Promise<void> {
    const packets = this.parsed.capture.packets;
    while (this.passed < to) {
      const end = Math.min(to, this.passed + SLICE);
      for (let i = this.passed; i < end; i++) summarize(packets[i]!.data, frameMeta(this.parsed, i), this.ctx);
      this.passed = end;
      if (this.passed < to) await tick();
    }
  }

  /** First pass up to frame `to` at once (between the slices of advance() and matches(), which read `passed` again). */
  advanceNow(to: number): void {
    const packets = this.parsed.capture.packets;
    for (let i = this.passed; i < to; i++) summarize(packets[i]!.data, frameMeta(this.parsed, i), this.ctx);
    if (to > this.passed) this.passed = to;
  }

  /**
   * The numbers of the frames `text` passes, cached; a cached result that covers fewer frames than the file now
   * holds (extend() came since) is extended by testing only the frames past it.
   */
  async matches(text: string, filter: DisplayFilter): Promise<Uint32Array> {
    // The file as it is now (extend() may come between the slices: the frames it adds are for the next call).
    const parsed = this.parsed;
    const packets = parsed.capture.packets;
    const hit = this.filters.get(text);
    if (hit) {
      this.filters.delete(text);
      this.filters.set(text, hit);
      if (hit.covered >= packets.length) return hit.numbers;
    }
    const from = hit?.covered ?? 0;
    let m = hit?.numbers.length ?? 0;
    const out = new Uint32Array(m + packets.length - from);
    if (hit) out.set(hit.numbers);
    for (let i = from; i < packets.length; i++) {
      // A frame past `passed` gets its first pass here (collectFields records what summarize would).
      if (filter.test(collectFields(packets[i]!.data, frameMeta(parsed, i), this.ctx).values)) out[m++] = i + 1;
      if (i + 1 > this.passed) this.passed = i + 1;
      if ((i + 1 - from) % SLICE === 0) await tick();
    }
    const result: FilterResult = { numbers: out.slice(0, m), covered: packets.length };
    this.filters.set(text, result);
    while (this.filters.size > FILTERS) this.filters.delete(this.filters.keys().next().value!);
    return result.numbers;
  }
}

export class CaptureService {
  readonly #sessions = new Map<string, Session>();

  /** Whether a capture is a live one still recording (set by the live captures, live-captures.ts). */
  isRecording: (id: string) => boolean = () => false;

  /** Capture files coming in parts (captures.upload). */
  readonly #uploads = new CaptureUploads(randomId);

  constructor(
    private readonly library: Library,
    private readonly hub: EventHub,
  ) {}

  /** A capture's parsed file (the open session's, or read from the library). */
  parsed(id: string): ParsedCapture {
    return this.#session(id).parsed;
  }

  /**
   * The numbers of the frames a display filter (compiled without error from `text`) passes: over the index's
   * columns when the filter reads only what they hold, else by a pass over the frames.
   */
  async matchNumbers(id: string, text: string, filter: DisplayFilter): Promise<Uint32Array> {
    const fast = this.library.captures.matchFast(id, filter);
    if (fast) return fast;
    const session = this.#session(id);
    return session.serial(() => session.matches(text, filter));
  }

  /** Frame `number`'s fields from the session's pass (made now up to the frame if it has not come so far). */
  passedFields(id: string, number: number): { values: FieldValues; summary: Summary } {
    const session = this.#session(id);
    session.advanceNow(number);
    const i = number - 1;
    return collectFields(session.parsed.capture.packets[i]!.data, frameMeta(session.parsed, i), session.ctx);
  }

  /** Whether capture `id` is held open (adopt() keeps a new session only for such a capture). */
  isOpen(id: string): boolean {
    return this.#sessions.has(id);
  }

  /**
   * A live capture was written again whole (its ring dropped frames: every frame's number changed): its new file
   * becomes its session, with a fresh context whose pass goes over the frames when a filter or a detail tree asks
   * (as when a capture is opened), so the flush costs what it costs a closed capture.
   */
  adopt(id: string, parsed: ParsedCapture): void {
    // Only a capture someone has open keeps a session (others are parsed when asked for).
    if (!this.#sessions.has(id)) return;
    this.#keep(id, new Session(parsed, new CaptureContext()));
  }

  /**
   * A live capture's flush appended the packets of `appended` (a file of the stored one's header and interfaces,
   * its first `head` bytes not appended) to the stored file, which held `before` frames: an open session of it
   * takes them, keeping its context, its pass and its filter results (Session.extend).
   */
  extend(id: string, before: number, appended: ParsedCapture, head: number): void {
    const session = this.#sessions.get(id);
    if (!session) return;
    // A session of another version of the file (not expected): dropped, it is read again when next asked for.
    if (session.total !== before) {
      this.#sessions.delete(id);
      return;
    }
    session.extend(appended, head);
  }

  #mark(s: CaptureSummary): CaptureSummary {
    return this.isRecording(s.id) ? { ...s, recording: true } : s;
  }

  handlers(): CaptureHandlers {
    const store = this.library.captures;
    return {
      'captures.import': ({ name, labId, dataBase64, uploadId }) => {
        // The schema lets through exactly one of the two.
        const bytes = uploadId !== undefined ? this.#uploads.take(uploadId) : decodeShared(dataBase64!);
        const summary = store.import({ name, labId, source: 'import' }, bytes);
        this.#changed(summary.labId);
        return summary;
      },
      'captures.upload': ({ uploadId, size, offset, dataBase64 }) => this.#uploads.part(uploadId, size, offset, Buffer.from(dataBase64, 'base64')),
      'captures.uploadCancel': ({ uploadId }) => {
        this.#uploads.cancel(uploadId);
        return null;
      },
      'captures.list': ({ labId }) => store.list(labId).map((s) => this.#mark(s)),
      'captures.delete': ({ id }) => {
        const labId = store.delete(id);
        this.#sessions.delete(id);
        this.#changed(labId);
        return null;
      },
      'captures.frames': async ({ id, offset, limit, filter }) => {
        const total = store.get(id).packetCount;
        const text = filter?.trim() ?? '';
        if (text === '') return { total, matched: total, offset, rows: offset >= total ? [] : store.rows(id, offset + 1, Math.min(total, offset + limit)) };
        const compiled = compileFilter(text);
        if (!compiled.ok) {
          // Positions are in the trimmed text: shift them back to the text the user typed.
          const shift = (filter ?? '').length - (filter ?? '').trimStart().length;
          const e = compiled.error;
          const filterError: FilterProblem = { message: e.message, start: e.start + shift, end: e.end + shift };
          return { total, matched: 0, offset, rows: [], filterError };
        }
        // Protocols, addresses, ports and streams: over the index's columns, with no pass over the file.
        const fast = store.matchFast(id, compiled.filter);
        if (fast) return { total, matched: fast.length, offset, rows: store.rowsOf(id, fast.subarray(offset, offset + limit)) };
        const session = this.#session(id);
        const numbers = await session.serial(() => session.matches(text, compiled.filter));
        return { total, matched: numbers.length, offset, rows: store.rowsOf(id, numbers.subarray(offset, offset + limit)) };
      },
      'captures.frame': async ({ id, number }) => {
        const total = store.get(id).packetCount;
        if (number > total) throw new FlotillaError('not-found', `Capture ${id} has ${total} frames; there is no frame ${number}.`, 'number');
        const open = this.#sessions.get(id);
        if (number > DETAIL_PASS && (open === undefined || open.passed < number)) {
          const { frame, fetch, firstTsNs } = store.indexedFrame(id, number);
          if (!frame.kept) {
            const primed = new PrimedContext(firstTsNs);
            primed.prime(frame, fetch);
            return toFrameDetail(number, dissect(frame.data, rowFrameMeta(frame, firstTsNs), primed.ctx));
          }
        }
        const session = this.#session(id);
        return session.serial(async () => {
          await session.advance(number);
          const i = number - 1;
          return toFrameDetail(number, dissect(session.parsed.capture.packets[i]!.data, frameMeta(session.parsed, i), session.ctx));
        });
      },
      'captures.export': ({ id, format, ethernetOnly: onlyEthernet }) => {
        const summary = store.get(id);
        const eth = onlyEthernet ? ethernetOnly(this.#session(id).parsed.capture) : undefined;
        const capture = eth?.capture ?? this.#session(id).parsed.capture;
        let bytes: Uint8Array;
        if (format === 'pcap') {
          const linktype = capture.interfaces[0]?.linktype ?? 1;
          if (capture.interfaces.some((i) => i.linktype !== linktype)) {
            throw new FlotillaError('unsupported', 'The capture has interfaces of different link types; pcap holds one. Export it as pcapng.', 'format');
          }
          let snaplen = 0;
          for (const i of capture.interfaces) snaplen = Math.max(snaplen, i.snaplen);
          for (const p of capture.packets) snaplen = Math.max(snaplen, p.data.length);
          bytes = writePcap(
            capture.packets.map((p) => ({ tsNs: p.tsNs, data: p.data, origLen: p.origLen })),
            { linktype, snaplen: snaplen || 262144, resolution: 'ns' },
          );
        } else {
          const interfaces = capture.interfaces.map((i) => ({
            linktype: i.linktype,
            snaplen: i.snaplen,
            ...(i.name === undefined ? {} : { name: i.name }),
            ...(i.description === undefined ? {} : { description: i.description }),
          }));
          const packets = capture.packets.map((p): PcapngPacketIn => {
            const o: PcapngPacketIn = { interface: p.interface, tsNs: p.tsNs, data: p.data, origLen: p.origLen };
            if (p.direction !== undefined) o.direction = p.direction;
            if (p.flags !== undefined) o.flags = p.flags;
            if (p.packetId !== undefined) o.packetId = p.packetId;
            if (p.comment !== undefined) o.comment = p.comment;
            return o;
          });
          bytes = writePcapng({ interfaces, packets });
        }
        const base = summary.name.replace(/\.(pcapng|pcap|cap)$/i, '').replace(/[^A-Za-z0-9._ -]+/g, '_') || 'capture';
        const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
        if (eth) return { fileName: `${base}-ethernet.${format}`, data, converted: eth.converted, dropped: eth.dropped };
        return { fileName: `${base}.${format}`, data };
      },
    };
  }

  dispose(): void {
    this.#sessions.clear();
  }

  /** The open session of a capture, reading and parsing the stored file if it is not open. */
  #session(id: string): Session {
    let s = this.#sessions.get(id);
    if (s) {
      this.#sessions.delete(id);
      this.#sessions.set(id, s);
      return s;
    }
    s = new Session(parseOrRefuse(this.library.captures.readFile(id)), new CaptureContext());
    this.#keep(id, s);
    return s;
  }

  #keep(id: string, s: Session): void {
    this.#sessions.delete(id);
    this.#sessions.set(id, s);
    while (this.#sessions.size > SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
  }

  #changed(labId: string | null): void {
    this.hub.emit('onCapturesChanged', labId === null ? {} : { labId });
  }
}

function toFrameDetail(number: number, tree: Tree): FrameDetail {
  return {
    number,
    tree: toDetail(tree.roots),
    sources: tree.sources.map((s) => ({ name: s.name, bytes: Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.length).toString('base64') })),
  };
}

/** The dissector's tree as the contract carries it: hidden items left out, values as filter text. */
export function toDetail(nodes: TreeNode[]): DetailNode[] {
  const out: DetailNode[] = [];
  for (const n of nodes) {
    if (n.hidden) continue;
    const d: DetailNode = { label: n.label, start: n.start, end: n.end, children: toDetail(n.children) };
    if (n.source !== undefined) d.source = n.source;
    if (n.abbrev !== undefined) {
      d.abbrev = n.abbrev;
      const f = lookupField(n.abbrev);
      if (f && n.value !== undefined && f.type !== 'protocol' && f.type !== 'none') {
        const text = valueToFieldText(f, n.value);
        if (text.length <= 256) d.value = text;
      }
    }
    if (n.generated) d.generated = true;
    if (n.malformed) d.malformed = true;
    out.push(d);
  }
  return out;
}

/** Base64 decoded into shared memory (an import's bytes, which the walk worker reads too). */
function decodeShared(b64: string): Uint8Array {
  const buf = Buffer.from(new SharedArrayBuffer(Buffer.byteLength(b64, 'base64')));
  return new Uint8Array(buf.buffer, 0, buf.write(b64, 'base64'));
}
