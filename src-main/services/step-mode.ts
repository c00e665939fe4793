// Step mode (lab.stepMode / step / stepBack / events / stepEvent): Packet Tracer's simulation mode on a running lab.
//
// While it is on, an 'any' tap on every namespace of the lab records each packet event (a frame leaving or entering
// an interface) into a ring the user bounds. The unit of time is the instant: a step runs the scheduler one event
// at a time (letting promise reactions settle after each, as the pacer does) until a packet event happens, then
// finishes that virtual instant — every other event due at the same nanosecond — so the lab always stands where a
// replay of its journal to that instant stands. Events of the instant after the current one are "ahead": the next
// steps walk through them without running anything.
//
// Stepping back is exact, by determinism: the lab is rebuilt by replaying its journal (same seed) up to the previous
// event's instant, and the rebuilt world takes the running one's place under the consoles (swapLab). Events after that
// instant leave the list; stepping forward again re-creates them, and each is compared with what was recorded the
// first time (time, place, direction, bytes): a difference is reported as a divergence, never hidden. Within one
// instant there is nothing to rebuild (the events of one instant happen together), so stepping back there only
// moves the cursor.
import type { Handlers } from '../common/api/contract.ts';
import { FlotillaError } from '../common/api/errors.ts';
import { STEP_LIMIT_DEFAULT } from '../common/api/step-contract.ts';
import type { StepEvent, StepEventDetail, StepEventsPage, StepProtocol, StepRewind, StepState } from '../common/api/step-types.ts';
import { CaptureContext, collectFields, compileFilter, dissect, LINKTYPE_ETHERNET, type DisplayFilter } from '../common/dissect/index.ts';
import { explainFrame } from '../common/dissect/explain.ts';
import type { DockerWorld } from '../docker/world.ts';
import type { Tap } from '../net/device.ts';
import type { NetNamespace } from '../net/namespace.ts';
import { toDetail } from './capture-service.ts';
import type { EventHub } from './events.ts';
import type { LabRuntime } from './lab-runtime.ts';
import { settle } from './lab-world.ts';
import type { LiveLabs } from './live-service.ts';
import { replayDocument } from './replay.ts';

/** Scheduler events a step runs at most looking for a packet event (a lab with only timers stops there). */
export const STEP_MAX_EVENTS = 200_000;
/** Least wall time between two onStepState while the clock plays. */
export const STATE_EVERY_MS = 200;

type StepHandlers = Pick<Handlers, 'lab.stepMode' | 'lab.stepState' | 'lab.step' | 'lab.stepBack' | 'lab.events' | 'lab.stepEvent'>;

/** One recorded packet event with its frame. */
export interface Recorded {
  readonly event: StepEvent;
  readonly data: Uint8Array;
}

/** The event list: contiguous sequence numbers, the oldest dropped beyond `limit`, the newest cut on a step back. */
export class EventRing {
  #items: Recorded[] = [];
  #head = 0;
  dropped = 0;

  constructor(public limit: number) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The sequence number of the oldest event held (undefined when empty). */
  get firstSeq(): number | undefined {
    return this.#items[this.#head]?.event.seq;
  }

  get lastSeq(): number | undefined {
    return this.length === 0 ? undefined : this.#items[this.#items.length - 1]!.event.seq;
  }

  push(r: Recorded): void {
    const last = this.lastSeq;
    if (last !== undefined && r.event.seq !== last + 1) throw new Error(`EventRing: event ${r.event.seq} after ${last}`);
    this.#items.push(r);
    while (this.length > this.limit) {
      this.#head++;
      this.dropped++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  get(seq: number): Recorded | undefined {
    const first = this.firstSeq;
    return first === undefined || seq < first ? undefined : this.#items[this.#head + seq - first];
  }

  /** Removes the events after `seq` and returns them, oldest first. */
  cutAfter(seq: number): Recorded[] {
    const first = this.firstSeq;
    if (first === undefined) return [];
    const keep = Math.max(0, seq - first + 1);
    return this.#items.splice(this.#head + keep);
  }

  setLimit(limit: number): void {
    this.limit = limit;
    while (this.length > limit) {
      this.#head++;
      this.dropped++;
    }
  }

  *[Symbol.iterator](): Iterator<Recorded> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i]!;
  }
}

/** Whether an event's layers include one of `protocols` (none chosen: every event). */
export function matchesProtocols(layers: string, protocols: readonly StepProtocol[] | undefined): boolean {
  if (protocols === undefined) return true;
  const mine = layers.split(':');
  return protocols.some((p) => mine.includes(p));
}

/** The events of a list passing the protocol choice and a compiled display filter, in order. */
export function filterEvents(events: Iterable<Recorded>, protocols: readonly StepProtocol[] | undefined, filter: DisplayFilter | undefined): Recorded[] {
  const out: Recorded[] = [];
  for (const r of events) {
    if (!matchesProtocols(r.event.layers, protocols)) continue;
    if (filter && !filter.test(collectFields(r.data, { number: r.event.seq, tsNs: BigInt(r.event.timeNs), linktype: LINKTYPE_ETHERNET }).values)) continue;
    out.push(r);
  }
  return out;
}

/** The same event? For the divergence check after a rewind. */
function sameEvent(a: Recorded, b: Recorded): string | undefined {
  const x = a.event;
  const y = b.event;
  if (x.timeNs !== y.timeNs || x.netns !== y.netns || x.interface !== y.interface || x.direction !== y.direction) {
    return `event ${x.seq}: was ${x.where} ${x.interface} ${x.direction} at ${x.timeNs} ns, now ${y.where} ${y.interface} ${y.direction} at ${y.timeNs} ns`;
  }
  if (a.data.length !== b.data.length || a.data.some((v, i) => v !== b.data[i])) return `event ${x.seq} (${x.info}): the bytes differ (${y.info})`;
  return undefined;
}

/** Step mode of one running lab. */
class Session {
  readonly ring: EventRing;
  /** The event the lab stands at (0: none yet). */
  cursor = 0;
  nextSeq = 1;
  lastRewind: StepRewind | null = null;
  /** What the first pass recorded after a rewind's instant, to compare the second pass against. */
  expected = new Map<number, Recorded>();
  #world: DockerWorld | undefined;
  readonly #taps = new Map<NetNamespace, Tap>();
  #where = new Map<string, string>();
  #ctx = new CaptureContext();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #onRecord: () => void;

  constructor(limit: number, onRecord: () => void) {
    this.ring = new EventRing(limit);
    this.#onRecord = onRecord;
  }

  /** One operation at a time (a step must not interleave with a step back). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  attach(world: DockerWorld): void {
    if (this.#world !== world) this.detach();
    this.#world = world;
    this.refresh();
  }

  /** Taps namespaces created since the last call. */
  refresh(): void {
    const world = this.#world;
    if (!world) return;
    for (const ns of world.lab.namespaces) {
      if (this.#taps.has(ns)) continue;
      const tap: Tap = (dev, pkt, direction) => this.#record(world, dev.host.name, dev.name, direction, pkt.journey, pkt.frame.slice());
      ns.anyTaps.add(tap);
      this.#taps.set(ns, tap);
    }
  }

  detach(): void {
    for (const [ns, tap] of this.#taps) ns.anyTaps.delete(tap);
    this.#taps.clear();
    this.#world = undefined;
    this.#where.clear();
  }

  #whereOf(world: DockerWorld, netns: string): string {
    let w = this.#where.get(netns);
    if (w !== undefined) return w;
    this.#where.clear();
    for (const n of world.nodeList()) {
      this.#where.set(n.machine.ns.name, n.name);
      for (const c of n.daemon.containers.values()) if (c.running) this.#where.set(c.machine.ns.name, `${n.name}/${c.name}`);
    }
    w = this.#where.get(netns) ?? netns;
    this.#where.set(netns, w);
    return w;
  }

  #record(world: DockerWorld, netns: string, dev: string, direction: 'in' | 'out', journey: number, data: Uint8Array): void {
    const seq = this.nextSeq++;
    const timeNs = world.scheduler.now;
    const { values, summary } = collectFields(data, { number: seq, tsNs: BigInt(timeNs), linktype: LINKTYPE_ETHERNET }, this.#ctx);
    const event: StepEvent = {
      seq,
      timeNs,
      netns,
      interface: dev,
      where: this.#whereOf(world, netns),
      direction,
      protocol: summary.protocol,
      source: summary.source,
      destination: summary.destination,
      length: data.length,
      info: summary.info,
      layers: String(values.get('frame.protocols')?.[0] ?? ''),
      journey,
    };
    const r = { event, data };
    const before = this.expected.get(seq);
    if (before) {
      this.expected.delete(seq);
      const why = sameEvent(before, r);
      if (why !== undefined) this.lastRewind?.divergences.push(why);
    }
    this.ring.push(r);
    this.#onRecord();
  }

  /** Forgets recorded events after `seq` (a rewind): kept aside to check the replayed ones against. */
  cutAfter(seq: number): void {
    this.expected = new Map(this.ring.cutAfter(seq).map((r) => [r.event.seq, r]));
    this.nextSeq = seq + 1;
    this.#ctx = new CaptureContext();
  }
}

export class StepModes {
  readonly #sessions = new Map<string, Session>();
  readonly #lastSent = new Map<string, number>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly live: LiveLabs,
    private readonly hub: EventHub,
  ) {
    hub.subscribe((event, payload) => {
      if (event !== 'onLabStopped') return;
      this.#end((payload as { labId: string }).labId);
    });
  }

  handlers(): StepHandlers {
    return {
      'lab.stepMode': ({ labId, on, limit }) => (on ? this.start(labId, limit) : this.stop(labId)),
      'lab.stepState': ({ labId }) => this.state(labId),
      'lab.step': ({ labId }) => this.step(labId),
      'lab.stepBack': ({ labId }) => this.stepBack(labId),
      'lab.events': ({ labId, offset, limit, protocols, filter }) => this.events(labId, offset, limit, protocols, filter),
      'lab.stepEvent': ({ labId, seq }) => this.detail(labId, seq),
    };
  }

  /** Turns step mode on (or changes its limit): the clock pauses at the end of the current instant. */
  async start(labId: string, limit: number | undefined): Promise<StepState> {
    const rt = this.live.running(labId);
    const existing = this.#sessions.get(labId);
    if (existing) {
      if (limit !== undefined) existing.ring.setLimit(limit);
      return this.state(labId);
    }
    const s = new Session(limit ?? STEP_LIMIT_DEFAULT, () => this.#changed(labId));
    this.#sessions.set(labId, s);
    await s.serial(async () => {
      await rt.pause();
      await finishInstant(rt);
      s.attach(rt.lab.world);
    });
    return this.#publish(labId);
  }

  stop(labId: string): StepState {
    this.live.running(labId);
    this.#end(labId);
    return this.state(labId);
  }

  #end(labId: string): void {
    this.#sessions.get(labId)?.detach();
    this.#sessions.delete(labId);
    clearTimeout(this.#timers.get(labId));
    this.#timers.delete(labId);
    this.#lastSent.delete(labId);
  }

  #session(labId: string): { rt: LabRuntime; s: Session } {
    const rt = this.live.running(labId);
    const s = this.#sessions.get(labId);
    if (!s) throw new FlotillaError('conflict', 'Step mode is off for this lab (lab.stepMode turns it on).');
    s.attach(rt.lab.world); // after a restore or a rewind, the lab has another world
    return { rt, s };
  }

  state(labId: string): StepState {
    const rt = this.live.running(labId);
    const s = this.#sessions.get(labId);
    const clock = rt.clockState();
    if (!s) return { on: false, limit: STEP_LIMIT_DEFAULT, total: 0, dropped: 0, current: null, ahead: 0, timeNs: clock.time, running: clock.running, canStepBack: false, lastRewind: null };
    const current = s.ring.get(s.cursor)?.event ?? null;
    const first = s.ring.firstSeq;
    return {
      on: true,
      limit: s.ring.limit,
      total: s.ring.length,
      dropped: s.ring.dropped,
      current,
      ahead: s.ring.lastSeq === undefined ? 0 : Math.max(0, s.ring.lastSeq - s.cursor),
      timeNs: clock.time,
      running: clock.running,
      canStepBack: first !== undefined && s.cursor > first,
      lastRewind: s.lastRewind === null ? null : { ...s.lastRewind, divergences: [...s.lastRewind.divergences] },
    };
  }

  /** To the next packet event: one already recorded at this instant, or the next the lab makes. */
  async step(labId: string): Promise<StepState> {
    if (!this.#sessions.has(labId)) await this.start(labId, undefined);
    const { rt, s } = this.#session(labId);
    await s.serial(async () => {
      if (rt.clockState().running) {
        await rt.pause();
        await finishInstant(rt, s);
      }
      // Played past the cursor: everything recorded since is "ahead", the next step walks to it.
      const last = s.ring.lastSeq;
      if (last !== undefined && s.cursor < last) {
        s.cursor = Math.max(s.cursor + 1, s.ring.firstSeq ?? 0);
        return;
      }
      const sched = rt.lab.world.scheduler;
      const before = s.nextSeq;
      await settle(); // a command typed while paused may send at once
      s.refresh();
      for (let n = 0; s.nextSeq === before && n < STEP_MAX_EVENTS; n++) {
        if (!sched.step()) break;
        await settle();
        s.refresh();
      }
      if (s.nextSeq === before) return; // nothing left to run
      await finishInstant(rt, s);
      s.cursor = before;
    });
    rt.requestState();
    return this.#publish(labId);
  }

  /** One event back; across instants the lab is rebuilt by replay (see the top of this file). */
  async stepBack(labId: string): Promise<StepState> {
    const { rt, s } = this.#session(labId);
    await s.serial(async () => {
      if (rt.clockState().running) {
        await rt.pause();
        await finishInstant(rt, s);
      }
      const target = s.ring.get(s.cursor - 1);
      if (!target) throw new FlotillaError('conflict', s.cursor <= 1 ? 'There is no earlier event: this is the first since step mode was turned on.' : `There is no earlier event: the list keeps ${s.ring.limit} events and event ${s.cursor - 1} was dropped.`);
      const current = s.ring.get(s.cursor)!;
      if (target.event.timeNs === current.event.timeNs && target.event.timeNs === rt.lab.world.scheduler.now) {
        s.cursor--;
        return;
      }
      const t = target.event.timeNs;
      const started = performance.now();
      const doc = rt.document();
      const replayed = await replayDocument(doc, { until: t });
      for (const d of replayed.divergences) console.warn(`flotilla: lab ${labId}: step back: replay diverged: ${d}`);
      const journal = doc.journal.filter((e) => e.t <= t).map((e) => {
        if (e.interrupted === undefined || e.interrupted <= t) return e;
        const { interrupted: _later, ...rest } = e;
        return rest;
      });
      // The consoles go on in the rebuilt lab with their shells as they stood at t (a command still running then
      // runs on there, and its console shows what it prints from there on).
      await rt.swapLab(replayed, { ...doc, time: t, journal }, undefined, 'the lab stepped back');
      // The rebuilt world stands at the end of instant t: the events recorded up to its end stay.
      let lastAtT = target.event.seq;
      while (s.ring.get(lastAtT + 1)?.event.timeNs === t) lastAtT++;
      s.cutAfter(lastAtT);
      s.cursor = target.event.seq;
      s.lastRewind = { ms: Math.round(performance.now() - started), timeNs: t, divergences: replayed.divergences.map((d) => `replay: ${d}`) };
      s.attach(rt.lab.world);
    });
    rt.requestState();
    return this.#publish(labId);
  }

  events(labId: string, offset: number, limit: number, protocols: StepProtocol[] | undefined, filter: string | undefined): StepEventsPage {
    this.live.running(labId);
    const s = this.#sessions.get(labId);
    const total = s?.ring.length ?? 0;
    let compiled: DisplayFilter | undefined;
    const text = filter?.trim() ?? '';
    if (text !== '') {
      const c = compileFilter(text);
      if (!c.ok) {
        const shift = (filter ?? '').length - (filter ?? '').trimStart().length;
        return { total, matched: 0, offset, events: [], filterError: { message: c.error.message, start: c.error.start + shift, end: c.error.end + shift } };
      }
      compiled = c.filter;
    }
    const matched = s ? filterEvents(s.ring, protocols, compiled) : [];
    return { total, matched: matched.length, offset, events: matched.slice(offset, offset + limit).map((r) => ({ ...r.event })) };
  }

  detail(labId: string, seq: number): StepEventDetail {
    this.live.running(labId);
    const r = this.#sessions.get(labId)?.ring.get(seq);
    if (!r) throw new FlotillaError('not-found', `Step mode holds no event ${seq}.`, 'seq');
    const tree = dissect(r.data, { number: seq, tsNs: BigInt(r.event.timeNs), interfaceName: r.event.interface, linktype: LINKTYPE_ETHERNET });
    return {
      event: { ...r.event },
      explanation: explainFrame(r.data).map((l) => ({ ...l })),
      tree: toDetail(tree.roots),
      bytes: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.length).toString('base64'),
    };
  }

  /** Events were recorded while the clock plays: the window hears of it, at most every STATE_EVERY_MS. */
  #changed(labId: string): void {
    if (this.#timers.has(labId)) return;
    const wait = Math.max(0, (this.#lastSent.get(labId) ?? -Infinity) + STATE_EVERY_MS - performance.now());
    this.#timers.set(
      labId,
      setTimeout(() => {
        this.#timers.delete(labId);
        if (this.#sessions.has(labId) && this.live.isRunning(labId)) {
          this.#sessions.get(labId)!.refresh();
          this.#publish(labId);
        }
      }, wait),
    );
  }

  #publish(labId: string): StepState {
    const state = this.state(labId);
    this.#lastSent.set(labId, performance.now());
    this.hub.emit('onStepState', { labId, state });
    return state;
  }

  dispose(): void {
    for (const labId of [...this.#sessions.keys()]) this.#end(labId);
  }
}

/** Runs the rest of the current instant (every event due now), settling after each, recording what it sends. */
async function finishInstant(rt: LabRuntime, s?: Session): Promise<void> {
  const sched = rt.lab.world.scheduler;
  await settle();
  while (sched.nextTime() === sched.now) {
    sched.step();
    await settle();
    s?.refresh();
  }
}
