// Live captures in running labs (captures.start / stop / interfaces), the packet's journey (captures.journey) and
// replay into a lab (captures.replay, replay-inject.ts).
//
// A live capture taps one device of a node or container (tcpdump -i DEV: the device turns promiscuous) or every
// device of the namespace ('any'). Frames go into a ring bounded by the user's limit (packets and bytes; the oldest
// are dropped). Every FLUSH_MS of wall time at most, when frames came, the ring is written to the library as a
// pcapng (one interface description per device, epb_packetid = the journey id, epb_flags = the direction), and
// onCaptureFrames says how many frames it holds now. A flush appends the new frames' blocks to the stored file
// and index (CaptureAppender: the cost of the new frames); it writes the ring whole, replacing the stored capture,
// when the stored file is no longer the ring's start: frames were dropped, a written frame's comment changed, a
// device came or its description changed. While the capture is open in the capture view, an append also extends
// its session (CaptureService.extend: the longer file; its context, pass and filter results carry on over the new
// frames when asked for), and after a whole write the session adopts the new file, its pass starting afresh when
// asked for. A whole write costs the ring's size, so the flush interval grows with the time the last
// flush took (at most a quarter of the wall time is spent flushing).
//
// The journey: when a lab gets its first live capture, every namespace of its world also gets an 'any' tap into a
// bounded per-lab ring (JOURNEY_RING frames; new namespaces are picked up at every flush). captures.journey finds
// the selected frame's journey id and lists that ring's frames with the same id, in the order the lab's one clock
// saw them, each hop diffed against the one before.
//
// A lab rebuilt by replay under its consoles (a step back, a snapshot restored: LabRuntime.swapLab) is another world:
// each recording moves its tap to the device of the same name in the namespace of the same name there, and the first
// frame it records after that says so in its opt_comment (time may have gone back); one whose device is not in the
// rebuilt lab ends, its last frame saying why. The journey ring starts afresh.

import type { Handlers } from '../common/api/contract.ts';
import type { CaptureExport, CaptureInterfaceChoice, CaptureLimit, CaptureSummary, CaptureTarget, Journey, JourneyChange, JourneyHop } from '../common/api/capture-types.ts';
import { FlotillaError } from '../common/api/errors.ts';
import { indexFrames, type ParsedCapture } from '../common/capture/indexer.ts';
import { CaptureContext, collectFields, LINKTYPE_ETHERNET, lookupField, valueToFieldText, type FieldValues } from '../common/dissect/index.ts';
import { writePcapng, type PcapngInterfaceIn, type PcapngPacketIn } from '../common/pcap/index.ts';
import { DockerError } from '../docker/errors.ts';
import type { DockerWorld } from '../docker/world.ts';
import type { NetDevice, Tap, TapDirection } from '../net/device.ts';
import type { NetNamespace } from '../net/namespace.ts';
import { Veth } from '../net/veth.ts';
import type { Library } from '../store/library.ts';
import { parseOrRefuse, type CaptureAppender } from '../store/captures.ts';
import type { CaptureService } from './capture-service.ts';
import type { EventHub } from './events.ts';
import type { LiveLabs } from './live-service.ts';
import { replayInto } from './replay-inject.ts';
import type { LabRuntime } from './lab-runtime.ts';
import { formatVirtualTime } from '../shell/snapshot-command.ts';

/** Default ring of a live capture. */
export const DEFAULT_LIMIT = { packets: 100_000, bytes: 64 * 1024 * 1024 } as const;
/** Least wall time between two writes of a live capture to the library. */
export const FLUSH_MS = 250;
/** Frames each lab's journey ring keeps (every device of every namespace). */
export const JOURNEY_RING = 200_000;
export const JOURNEY_RING_BYTES = 128 * 1024 * 1024;

type LiveCaptureHandlers = Pick<Handlers, 'captures.interfaces' | 'captures.start' | 'captures.stop' | 'captures.journey' | 'captures.exportJourney' | 'captures.replay'>;

/** One frame as a tap saw it. */
export interface TappedFrame {
  readonly ts: number;
  readonly netns: string;
  readonly dev: string;
  readonly direction: TapDirection;
  readonly journey: number;
  readonly data: Uint8Array;
  /** opt_comment: what happened before this frame (the lab rebuilt under the capture). */
  readonly comment?: string;
}

/**
 * A FIFO bounded by `packets` frames and `bytes` bytes. A frame that would pass a bound drops the oldest tenth of it
 * at once (one frame in a ring under ten), as dumpcap's ring buffer drops a whole file: the ring holds between nine tenths of
 * its bound and the bound, and the stored capture, which must be written whole after a drop (its first frame is no
 * longer the file's), is rewritten once per tenth of the ring instead of at every flush.
 */
export class FrameRing {
  #items: (TappedFrame | undefined)[] = [];
  #head = 0;
  bytes = 0;
  dropped = 0;
  /** Frames pushed ever: the newest frame's serial (the first frame's is 1). */
  pushed = 0;
  /** The lowest serial noteLast changed since takeEarliestNote() (Infinity: none). */
  #earliestNote = Infinity;

  constructor(
    readonly maxPackets: number,
    readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(f: TappedFrame): void {
    this.#items.push(f);
    this.pushed++;
    this.bytes += f.data.length;
    if (this.length > this.maxPackets || (this.bytes > this.maxBytes && this.length > 1)) {
      // Down to nine tenths (the bound itself for a ring under ten frames: then one frame goes).
      const packets = this.maxPackets - Math.floor(this.maxPackets / 10);
      const bytes = this.maxBytes - Math.floor(this.maxBytes / 10);
      while (this.length > packets || (this.bytes > bytes && this.length > 1)) {
        const old = this.#items[this.#head]!;
        this.#items[this.#head++] = undefined;
        this.bytes -= old.data.length;
        this.dropped++;
      }
    }
    // Compact now and then so the array does not keep the dropped slots.
    if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  *[Symbol.iterator](): Iterator<TappedFrame> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i]!;
  }

  /** The frames kept whose serial is above `serial`, oldest first. */
  *since(serial: number): Generator<TappedFrame> {
    for (let i = Math.max(this.#head, this.#items.length - (this.pushed - serial)); i < this.#items.length; i++) yield this.#items[i]!;
  }

  /** The lowest serial of a frame noteLast changed since the last call (Infinity: none); starts afresh. */
  takeEarliestNote(): number {
    const n = this.#earliestNote;
    this.#earliestNote = Infinity;
    return n;
  }

  /** Adds `comment` to the newest frame's; false when the ring is empty. */
  noteLast(comment: string): boolean {
    if (this.length === 0) return false;
    const i = this.#items.length - 1;
    const f = this.#items[i]!;
    this.#items[i] = { ...f, comment: f.comment === undefined ? comment : `${f.comment}\n${comment}` };
    this.#earliestNote = Math.min(this.#earliestNote, this.pushed);
    return true;
  }
}

export type Placement = { node: string | null; container: string | null };
export type Placer = (netns: string, dev: string) => Placement;

/**
 * An interface's if_description: the device and its namespace (read back by whereOf), then whose it is in the lab's
 * words: "eth0 in netns node1/0a1b2c3d4e5f (container c1 on node1)", "veth1a2b3c in netns node1 (node1, veth of
 * container c1)", "eth0 in netns node1 (node1)".
 */
export function describeInterface(netns: string, dev: string, where: Placement | undefined): string {
  let who: string | undefined;
  if (where?.node && where.container && netns !== where.node) who = `container ${where.container} on ${where.node}`;
  else if (where?.node && where.container) who = `${where.node}, veth of container ${where.container}`;
  else if (where?.node) who = netns === where.node ? where.node : `${where.node}, sandbox ${netns.slice(netns.indexOf('/') + 1)}`;
  else if (netns === 'workstation') who = 'the workstation';
  return `${dev} in netns ${netns}${who === undefined ? '' : ` (${who})`}`;
}

/** The interfaces of a pcapng of tapped frames: one per device, in the order first met, ids by "netns\0dev". */
export interface PcapngLayout {
  readonly interfaces: PcapngInterfaceIn[];
  readonly ids: Map<string, number>;
}

const deviceKey = (netns: string, dev: string) => `${netns}\u0000${dev}`;

/** The interfaces framesToPcapng writes for `frames` (the `known` devices first). */
export function pcapngLayout(frames: Iterable<TappedFrame>, known: { netns: string; dev: string }[] = [], place?: Placer): PcapngLayout {
  const ids = new Map<string, number>();
  const interfaces: PcapngInterfaceIn[] = [];
  const add = (netns: string, dev: string): void => {
    const k = deviceKey(netns, dev);
    if (ids.has(k)) return;
    ids.set(k, interfaces.length);
    interfaces.push({ name: dev, description: describeInterface(netns, dev, place?.(netns, dev)), linktype: LINKTYPE_ETHERNET, snaplen: 262144 });
  };
  for (const k of known) add(k.netns, k.dev);
  for (const f of frames) add(f.netns, f.dev);
  if (interfaces.length === 0) add('?', 'none');
  return { interfaces, ids };
}

/** `frames` as a pcapng of `layout`'s interfaces (which hold every frame's device). */
function writeFrames(layout: PcapngLayout, frames: Iterable<TappedFrame>, epochNs: number): Uint8Array {
  const packets: PcapngPacketIn[] = [];
  for (const f of frames) packets.push({ interface: layout.ids.get(deviceKey(f.netns, f.dev))!, tsNs: BigInt(epochNs) + BigInt(f.ts), data: f.data, direction: f.direction, packetId: f.journey, ...(f.comment === undefined ? {} : { comment: f.comment }) });
  return writePcapng({ interfaces: layout.interfaces, packets }, { epochNs: 0 });
}

/** The frames as one pcapng: an interface per device (described with its namespace), packet ids, directions. */
export function framesToPcapng(frames: Iterable<TappedFrame>, epochNs: number, known: { netns: string; dev: string }[] = [], place?: Placer): Uint8Array {
  const list = Array.isArray(frames) ? (frames as TappedFrame[]) : [...frames];
  return writeFrames(pcapngLayout(list, known, place), list, epochNs);
}

/** What a recording's last whole write was made of, so that the next flushes can append to it. */
interface Written {
  readonly appender: CaptureAppender;
  readonly layout: PcapngLayout;
  readonly epochNs: number;
  /** Bytes of the file's header (section and interface blocks). */
  readonly head: number;
}

/** The namespace of a node, or of one of its containers. */
export function targetNamespace(world: DockerWorld, node: string, container: string | undefined): NetNamespace {
  const n = world.node(node);
  if (!n) throw new FlotillaError('not-found', `The lab has no node named ${node}.`, 'target.node');
  if (container === undefined) return n.machine.ns;
  try {
    const c = n.daemon.findContainer(container);
    if (!c.running) throw new FlotillaError('conflict', `Container ${c.name} is not running.`, 'target.container');
    return c.machine.ns;
  } catch (e) {
    if (e instanceof DockerError) throw new FlotillaError('not-found', e.message, 'target.container');
    throw e;
  }
}

export function targetDevice(ns: NetNamespace, name: string): NetDevice {
  if (!ns.hasDevice(name)) throw new FlotillaError('not-found', `${ns.name} has no interface ${name} (ip link lists ${ns.deviceList.map((d) => d.name).join(', ')}).`, 'target.interface');
  return ns.device(name);
}

class Recording {
  readonly ring: FrameRing;
  dirty = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  lastFlushMs = 0;
  detach: () => void = () => undefined;
  readonly known: { netns: string; dev: string }[] = [];
  /** The comment of the next frame: the lab was rebuilt under the capture. */
  gap: string | undefined;
  /** The last whole write, while flushes can append to it. */
  written: Written | undefined;
  /** The ring's newest serial and its dropped count at the last flush. */
  flushedSerial = 0;
  droppedAt = 0;

  constructor(
    readonly id: string,
    readonly labId: string,
    public world: DockerWorld,
    limit: CaptureLimit,
    /** What it taps, by name (found again in a rebuilt world): a namespace and a device of it, or 'any'. */
    readonly netns: string,
    readonly dev: string,
  ) {
    this.ring = new FrameRing(limit.packets ?? DEFAULT_LIMIT.packets, limit.bytes ?? DEFAULT_LIMIT.bytes);
  }
}

/** A lab's 'any' taps on every namespace, into one bounded ring. */
class JourneyTaps {
  readonly ring = new FrameRing(JOURNEY_RING, JOURNEY_RING_BYTES);
  readonly #tapped = new Map<NetNamespace, Tap>();

  readonly #added = (ns: NetNamespace) => this.#tap(ns);

  constructor(readonly world: DockerWorld) {
    this.refresh();
    // A container's namespace is tapped as it is made, before its first packet.
    world.lab.onNamespace.add(this.#added);
  }

  /** Taps namespaces created since the last call. */
  refresh(): void {
    for (const ns of this.world.lab.namespaces) this.#tap(ns);
  }

  #tap(ns: NetNamespace): void {
    if (this.#tapped.has(ns)) return;
    const sched = this.world.scheduler;
    const tap: Tap = (dev, pkt, direction) => this.ring.push({ ts: sched.now, netns: dev.host.name, dev: dev.name, direction, journey: pkt.journey, data: pkt.frame.slice() });
    ns.anyTaps.add(tap);
    this.#tapped.set(ns, tap);
  }

  dispose(): void {
    this.world.lab.onNamespace.delete(this.#added);
    for (const [ns, tap] of this.#tapped) ns.anyTaps.delete(tap);
    this.#tapped.clear();
  }
}

export class LiveCaptures {
  readonly #recordings = new Map<string, Recording>();
  readonly #journeys = new Map<string, JourneyTaps>();
  /** The runtimes whose swaps this service follows. */
  readonly #watched = new WeakSet<LabRuntime>();

  constructor(
    private readonly library: Library,
    private readonly hub: EventHub,
    private readonly live: LiveLabs,
    private readonly captures: CaptureService,
  ) {
    // A lab that stops ends its recordings (their frames so far stay in the library).
    hub.subscribe((event, payload) => {
      if (event !== 'onLabStopped') return;
      const { labId } = payload as { labId: string };
      for (const r of [...this.#recordings.values()]) if (r.labId === labId) this.#stop(r);
      this.#journeys.get(labId)?.dispose();
      this.#journeys.delete(labId);
    });
  }

  isRecording(id: string): boolean {
    return this.#recordings.has(id);
  }

  handlers(): LiveCaptureHandlers {
    return {
      'captures.interfaces': ({ labId }) => interfacesOf(this.live.running(labId).lab.world),
      'captures.start': ({ labId, target, name, limit }) => this.start(labId, target, name, limit ?? {}),
      'captures.stop': ({ id }) => {
        const r = this.#recordings.get(id);
        if (r) this.#stop(r);
        return this.library.captures.get(id);
      },
      'captures.journey': ({ id, number }) => this.journey(id, number),
      'captures.exportJourney': ({ id, number }) => this.exportJourney(id, number),
      'captures.replay': async ({ id, labId, target, speed, loop, rewrite }) => {
        const world = this.live.running(labId).lab.world;
        const dev = targetDevice(targetNamespace(world, target.node, target.container), target.interface);
        const parsed = this.captures.parsed(id);
        const result = await replayInto(dev, parsed, { speed, loops: loop ?? 1, ...(rewrite?.addressMap ? { addressMap: rewrite.addressMap } : {}), macToLab: rewrite?.macToLab ?? false, fixChecksums: rewrite?.fixChecksums ?? true });
        this.live.running(labId).requestState();
        return result;
      },
    };
  }

  start(labId: string, target: CaptureTarget, name: string | undefined, limit: CaptureLimit): CaptureSummary {
    const world = this.live.running(labId).lab.world;
    const ns = targetNamespace(world, target.node, target.container);
    const where = target.container === undefined ? target.node : `${target.node}/${target.container}`;
    const dev = target.interface === 'any' ? undefined : targetDevice(ns, target.interface);
    const empty = parseOrRefuse(framesToPcapng([], world.lab.epochNs, [{ netns: ns.name, dev: target.interface }]));
    const summary = this.library.captures.insert({ name: name ?? `${where} ${target.interface}`, labId, source: 'lab' }, empty, indexFrames(empty, new CaptureContext()));
    const r = new Recording(summary.id, labId, world, limit, ns.name, target.interface);
    r.known.push({ netns: ns.name, dev: target.interface });
    this.#attach(r, ns, dev);
    this.#recordings.set(r.id, r);
    if (!this.#journeys.has(labId)) this.#journeys.set(labId, new JourneyTaps(world));
    const rt = this.live.running(labId);
    if (!this.#watched.has(rt)) {
      this.#watched.add(rt);
      rt.onSwap.add((_old, now, why) => this.#swapped(labId, now, why));
    }
    this.hub.emit('onCapturesChanged', { labId });
    return { ...summary, recording: true };
  }

  /** Taps `dev` of `ns` (every device of it when undefined) for `r`, in r's world. */
  #attach(r: Recording, ns: NetNamespace, dev: NetDevice | undefined): void {
    const sched = r.world.scheduler;
    const tap: Tap = (d, pkt, direction) => {
      const comment = r.gap;
      r.gap = undefined;
      r.ring.push({ ts: sched.now, netns: d.host.name, dev: d.name, direction, journey: pkt.journey, data: pkt.frame.slice(), ...(comment === undefined ? {} : { comment }) });
      this.#dirty(r);
    };
    if (dev) {
      dev.taps.add(tap);
      dev.promiscuity++;
      r.detach = () => {
        dev.taps.delete(tap);
        dev.promiscuity--;
      };
    } else {
      ns.anyTaps.add(tap);
      r.detach = () => ns.anyTaps.delete(tap);
    }
  }

  /** Lab `labId` was rebuilt as `world` (swapLab): its recordings move there, or end when their device is gone. */
  #swapped(labId: string, world: DockerWorld, why: string): void {
    if (this.#journeys.has(labId)) {
      this.#journeys.get(labId)!.dispose();
      this.#journeys.set(labId, new JourneyTaps(world));
    }
    const at = `${why}, to ${formatVirtualTime(world.scheduler.now)} of virtual time`;
    for (const r of [...this.#recordings.values()]) {
      if (r.labId !== labId) continue;
      r.detach();
      r.detach = () => undefined;
      r.world = world;
      const ns = world.lab.namespaces.find((n) => n.name === r.netns);
      const dev = r.dev === 'any' ? undefined : ns?.hasDevice(r.dev) ? ns.device(r.dev) : undefined;
      if (!ns || (r.dev !== 'any' && !dev)) {
        const what = r.dev === 'any' ? `netns ${r.netns}` : `interface ${r.dev} in netns ${r.netns}`;
        r.dirty = r.ring.noteLast(`the recording ended after this frame: ${at}, which has no ${what}`);
        this.#stop(r);
        continue;
      }
      this.#attach(r, ns, dev);
      r.gap = `${at}: the frames from here on are the rebuilt lab's`;
    }
  }

  #dirty(r: Recording): void {
    r.dirty = true;
    if (r.timer !== undefined) return;
    // Flushing costs the ring's size: wait at least 3× what the last flush took.
    r.timer = setTimeout(() => {
      r.timer = undefined;
      this.#flush(r);
    }, Math.max(FLUSH_MS, r.lastFlushMs * 3));
  }

  #flush(r: Recording): void {
    clearTimeout(r.timer);
    r.timer = undefined;
    if (!r.dirty) return;
    r.dirty = false;
    const started = performance.now();
    this.#journeys.get(r.labId)?.refresh();
    const place = placer(r.world);
    // An open session holds the parsed file and the full dissector's context: an append extends it, a whole write
    // gives it the new file and a context that has seen every frame.
    const open = this.captures.isOpen(r.id);
    const earliestNote = r.ring.takeEarliestNote();
    try {
      if (!this.#append(r, place, earliestNote)) this.#rewrite(r, place, open);
    } catch (e) {
      r.written = undefined;
      // Deleted while recording: the recording ends.
      if (e instanceof FlotillaError && e.code === 'not-found') {
        r.detach();
        this.#recordings.delete(r.id);
        return;
      }
      throw e;
    }
    r.flushedSerial = r.ring.pushed;
    r.droppedAt = r.ring.dropped;
    r.lastFlushMs = performance.now() - started;
    this.hub.emit('onCaptureFrames', { id: r.id, total: r.ring.length });
  }

  /** Writes the ring whole, replacing the stored file and index. */
  #rewrite(r: Recording, place: Placer, open: boolean): void {
    r.written = undefined;
    const epochNs = r.world.lab.epochNs;
    const layout = pcapngLayout(r.ring, r.known, place);
    const parsed = parseOrRefuse(writeFrames(layout, r.ring, epochNs));
    const appender = this.library.captures.appender(r.id, parsed);
    if (open) this.captures.adopt(r.id, parsed);
    r.written = { appender, layout, epochNs, head: writeFrames(layout, [], epochNs).length };
  }

  /**
   * Appends the frames that came since the last flush, when the stored file is the ring's up to them: no frame was
   * dropped, no written frame's comment changed, the same interfaces described the same way, the same epoch; an
   * open session of the capture takes them too (CaptureService.extend). False when the ring must be written whole.
   */
  #append(r: Recording, place: Placer, earliestNote: number): boolean {
    const w = r.written;
    if (!w || !w.appender.usable || r.ring.dropped !== r.droppedAt || earliestNote <= r.flushedSerial || w.epochNs !== r.world.lab.epochNs) return false;
    for (const [k, id] of w.layout.ids) {
      const [netns, dev] = k.split('\u0000') as [string, string];
      if (w.layout.interfaces[id]!.description !== describeInterface(netns, dev, place(netns, dev))) return false;
    }
    const fresh = [...r.ring.since(r.flushedSerial)];
    for (const f of fresh) if (!w.layout.ids.has(deviceKey(f.netns, f.dev))) return false;
    if (fresh.length === 0) return true;
    const before = w.appender.count;
    const appended = parseOrRefuse(writeFrames(w.layout, fresh, w.epochNs));
    w.appender.append(appended, w.head);
    this.captures.extend(r.id, before, appended, w.head);
    return true;
  }

  #stop(r: Recording): void {
    r.detach();
    this.#flush(r);
    this.#recordings.delete(r.id);
    this.hub.emit('onCapturesChanged', { labId: r.labId });
  }

  /** Writes every recording's pending frames now (tests, and before an export). */
  flushAll(): void {
    for (const r of this.#recordings.values()) this.#flush(r);
  }

  /** The journey of frame `number` as a pcapng of its hops (one packet id; every interface described). */
  exportJourney(id: string, number: number): CaptureExport {
    const { packetId, frames, labId, fromRing, parsed } = this.#journeyFrames(id, number);
    const running = labId !== null && this.live.isRunning(labId) ? this.live.running(labId).lab.world : undefined;
    // Frames from the lab's ring are on its virtual clock; those read back from the file are relative to its first.
    const epoch = fromRing && running ? running.lab.epochNs : Number(parsed.firstTsNs);
    const bytes = framesToPcapng(frames, epoch, [], running ? placer(running) : undefined);
    const base = this.library.captures.get(id).name.replace(/\.(pcapng|pcap|cap)$/i, '').replace(/[^A-Za-z0-9._ -]+/g, '_') || 'capture';
    return { fileName: `${base}-journey-${packetId}.pcapng`, data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64') };
  }

  #journeyFrames(id: string, number: number): { packetId: number; frames: TappedFrame[]; fromRing: boolean; labId: string | null; parsed: ParsedCapture; p: ParsedCapture['capture']['packets'][number] } {
    const r = this.#recordings.get(id);
    if (r) this.#flush(r);
    const summary = this.library.captures.get(id);
    if (number > summary.packetCount) throw new FlotillaError('not-found', `Capture ${id} has ${summary.packetCount} frames; there is no frame ${number}.`, 'number');
    const parsed = this.captures.parsed(id);
    const p = parsed.capture.packets[number - 1]!;
    if (p.packetId === undefined) throw new FlotillaError('unsupported', 'This frame has no packet id (epb_packetid): only captures made in a lab can follow a packet.', 'number');
    const packetId = Number(p.packetId);
    const labId = summary.labId;
    let frames: TappedFrame[] = [];
    const taps = labId === null ? undefined : this.#journeys.get(labId);
    if (taps) frames = [...taps.ring].filter((f) => f.journey === packetId);
    const fromRing = frames.length > 0;
    if (!fromRing) frames = framesOf(parsed, packetId);
    return { packetId, frames, fromRing, labId, parsed, p };
  }

  journey(id: string, number: number): Journey {
    const { packetId, frames, labId, parsed, p } = this.#journeyFrames(id, number);
    // The numbers of this capture's frames among the hops.
    const mine = new Map<string, number>();
    parsed.capture.packets.forEach((q, i) => {
      if (q.packetId === p.packetId) {
        const { netns, dev } = whereOf(parsed, q.interface);
        mine.set(`${netns}/${dev}/${q.direction ?? ''}/${q.tsNs - BigInt(this.#epoch(labId))}`, i + 1);
      }
    });
    const hops: JourneyHop[] = [];
    let before: FieldValues | undefined;
    const place = labId !== null && this.live.isRunning(labId) ? placer(this.live.running(labId).lab.world) : () => ({ node: null, container: null });
    frames.forEach((f, i) => {
      const { values, summary: s } = collectFields(f.data, { number: i + 1, tsNs: BigInt(f.ts), origLen: f.data.length, linktype: LINKTYPE_ETHERNET }, new CaptureContext());
      hops.push({
        netns: f.netns,
        interface: f.dev,
        ...place(f.netns, f.dev),
        direction: f.direction,
        timeNs: f.ts,
        number: mine.get(`${f.netns}/${f.dev}/${f.direction}/${f.ts}`) ?? null,
        protocol: s.protocol,
        source: s.source,
        destination: s.destination,
        info: s.info,
        length: f.data.length,
        changes: before === undefined ? [] : diffHops(before, values),
      });
      before = values;
    });
    return { packetId, hops };
  }

  #epoch(labId: string | null): number {
    if (labId === null || !this.live.isRunning(labId)) return 0;
    return this.live.running(labId).lab.world.lab.epochNs;
  }

  dispose(): void {
    for (const r of [...this.#recordings.values()]) {
      r.detach();
      clearTimeout(r.timer);
    }
    this.#recordings.clear();
    for (const j of this.#journeys.values()) j.dispose();
    this.#journeys.clear();
  }
}

/** Every device of every node and running container, nodes first. */
function interfacesOf(world: DockerWorld): CaptureInterfaceChoice[] {
  const out: CaptureInterfaceChoice[] = [];
  const add = (ns: NetNamespace, node: string, container?: string) => {
    const base = container === undefined ? { node } : { node, container };
    out.push({ ...base, interface: 'any', kind: 'any', up: true });
    for (const d of ns.deviceList) out.push({ ...base, interface: d.name, kind: d.kind, up: d.adminUp });
  };
  for (const n of world.nodeList()) {
    if (!n.powered) continue;
    add(n.machine.ns, n.name);
    if (!n.daemon.running) continue;
    for (const c of n.daemon.containers.values()) if (c.running) add(c.machine.ns, n.name, c.name);
  }
  return out;
}

/**
 * Where a hop is on the canvas: a node's own namespace or one of its sandboxes (overlay, ingress; named
 * "NODE/…") is the node; a container's namespace, or the host end of a container's veth, is that container.
 */
export function placer(world: DockerWorld): Placer {
  const owner = new Map<string, { node: string; container: string | null }>();
  for (const n of world.nodeList()) {
    owner.set(n.machine.ns.name, { node: n.name, container: null });
    if (!n.daemon.running) continue;
    for (const c of n.daemon.containers.values()) if (c.running) owner.set(c.machine.ns.name, { node: n.name, container: c.name });
  }
  const byName = new Map(world.lab.namespaces.map((ns) => [ns.name, ns]));
  return (netns, dev) => {
    const own = owner.get(netns);
    if (own && own.container === null) {
      const ns = byName.get(netns);
      const d = ns?.hasDevice(dev) ? ns.device(dev) : undefined;
      const peer = d instanceof Veth ? owner.get(d.peer.host.name) : undefined;
      if (peer && peer.container !== null && peer.node === own.node) return peer;
    }
    if (own) return own;
    const slash = netns.indexOf('/');
    const node = slash > 0 ? netns.slice(0, slash) : null;
    return { node: node !== null && world.node(node) ? node : null, container: null };
  };
}

/** An interface's device and namespace, from the description framesToPcapng wrote ("DEV in netns NS (…)"). */
function whereOf(parsed: ParsedCapture, iface: number): { netns: string; dev: string } {
  const i = parsed.capture.interfaces[iface];
  const m = /^(\S+) in netns (\S+)/.exec(i?.description ?? '');
  return { dev: i?.name ?? m?.[1] ?? `if${iface}`, netns: m?.[2] ?? '?' };
}

/** The frames of one journey in a stored capture (when the lab's journey ring has none). */
function framesOf(parsed: ParsedCapture, packetId: number): TappedFrame[] {
  const out: TappedFrame[] = [];
  for (const q of parsed.capture.packets) {
    if (q.packetId === undefined || Number(q.packetId) !== packetId) continue;
    const { netns, dev } = whereOf(parsed, q.interface);
    out.push({ ts: Number(q.tsNs - parsed.firstTsNs), netns, dev, direction: q.direction === 'in' ? 'in' : 'out', journey: packetId, data: q.data });
  }
  return out;
}

/** Fields a hop may rewrite: the innermost packet's. */
const DIFF_FIELDS = ['eth.src', 'eth.dst', 'vlan.id', 'ip.src', 'ip.dst', 'ip.ttl', 'ip.dsfield.dscp', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'icmp.ident'];

function textOf(values: FieldValues, name: string, which: 'first' | 'last'): string | null {
  const vs = values.get(name);
  if (!vs || vs.length === 0) return null;
  const f = lookupField(name);
  const v = which === 'first' ? vs[0]! : vs[vs.length - 1]!;
  return f ? valueToFieldText(f, v) : String(v as unknown);
}

/** The encapsulation around the innermost packet, as a phrase ("VXLAN 4097 192.168.99.100 → 192.168.99.101"). */
function encapsulation(values: FieldValues): string | null {
  const ips = values.get('ip.src')?.length ?? 0;
  const parts: string[] = [];
  if (values.has('vxlan.vni')) parts.push(`VXLAN ${textOf(values, 'vxlan.vni', 'first')}`);
  if (values.has('esp.spi')) parts.push(`ESP spi ${textOf(values, 'esp.spi', 'first')}`);
  if (ips >= 2) parts.push(`${textOf(values, 'ip.src', 'first')} → ${textOf(values, 'ip.dst', 'first')}`);
  return parts.length === 0 ? null : parts.join(' ');
}

export function diffHops(a: FieldValues, b: FieldValues): JourneyChange[] {
  const out: JourneyChange[] = [];
  const ea = encapsulation(a);
  const eb = encapsulation(b);
  if (ea !== eb) out.push({ field: 'encapsulation', from: ea, to: eb });
  for (const name of DIFF_FIELDS) {
    const x = textOf(a, name, 'last');
    const y = textOf(b, name, 'last');
    if (x !== y) out.push({ field: name, from: x, to: y });
  }
  return out;
}
