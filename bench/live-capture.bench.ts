// A live capture's flush (services/live-captures.ts): a 100k-frame capture growing by 1,000 frames per flush,
// written the old way (the whole ring as a pcapng, parsed, indexed and replacing the stored file) and by
// appending (the new frames' blocks, indexed on from the kept first pass; the last chunk and index block written
// again). Interleaved, the median of a few flushes each. Then the same capture open in the capture view: a flush
// that wrote it whole ran the full dissector's pass over the ring for the session that adopted it (and a filtered
// view filtered every frame again); one that appends extends the session (a cached filter tests the new frames).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileFilter } from '../src-main/common/dissect/index.ts';
import { readCapture } from '../src-main/common/pcap/index.ts';
import { CaptureService } from '../src-main/services/capture-service.ts';
import { EventHub } from '../src-main/services/events.ts';
import { FrameRing, framesToPcapng, type TappedFrame } from '../src-main/services/live-captures.ts';
import { parseOrRefuse } from '../src-main/store/captures.ts';
import { Library, randomId } from '../src-main/store/library.ts';
import { sharedPath } from '../test/shared-path.ts';
import type { Bench } from './run.ts';

const BASE = 100_000;
const GROWTH = 1_000;
const FLUSHES = 7;
/** Flushes of the capture open in the view (the whole write's pass over 100k frames takes seconds). */
const OPEN_FLUSHES = 3;
/** A filter the index's columns do not answer: the session's pass does. */
const FILTER = 'icmp.type == 8';
const REFERENCES = ['02-bridge-docker0-arp-icmp.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap', '04-overlay-http-c1eth0.pcap'];
const KNOWN = [
  { netns: 'node1', dev: 'eth0' },
  { netns: 'node1', dev: 'docker0' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function tappedOf(): (i: number) => TappedFrame {
  const frames = REFERENCES.flatMap((f) => readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', f)))).packets);
  return (i) => ({ ts: i * 10_000, ...KNOWN[i % 2]!, direction: i % 3 === 0 ? 'in' : 'out', journey: i, data: frames[i % frames.length]!.data });
}

/**
 * A full ring of BASE frames taking GROWTH frames per flush: the flushes after which it had dropped frames (those
 * write it whole; the others append), counted on a FrameRing over 100 flushes, and the mean flush cost that gives.
 */
function droppingRing(rewriteMs: number, appendMs: number): Record<string, string> {
  const ring = new FrameRing(BASE, 1 << 30);
  const tapped = (i: number): TappedFrame => ({ ts: i, netns: 'node1', dev: 'eth0', direction: 'in', journey: i, data: new Uint8Array(100) });
  let i = 0;
  while (ring.length < BASE) ring.push(tapped(i++));
  const FLUSHES = 100;
  let whole = 0;
  for (let f = 0; f < FLUSHES; f++) {
    const before = ring.dropped;
    for (let k = 0; k < GROWTH; k++) ring.push(tapped(i++));
    if (ring.dropped !== before) whole++;
  }
  const mean = (whole * rewriteMs + (FLUSHES - whole) * appendMs) / FLUSHES;
  return {
    'full ring (drops a tenth at once): flushes written whole': `${whole} of ${FLUSHES} (dropping one frame at a time: all ${FLUSHES})`,
    'full ring: mean flush': `${mean.toFixed(1)} ms (${rewriteMs.toFixed(1)} ms when every flush rewrote)`,
  };
}

export const benches: Bench[] = [
  {
    name: 'live capture: flush of a 100k-frame capture growing by 1,000 frames',
    run() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-live-'));
      try {
        const tapped = tappedOf();
        const ring: TappedFrame[] = [];
        for (let i = 0; i < BASE; i++) ring.push(tapped(i));
        const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
        const empty = parseOrRefuse(framesToPcapng([], 0, KNOWN));
        const head = empty.bytes.length;
        const replaced = lib.captures.insert({ name: 'replaced', source: 'lab' }, empty);
        const appended = lib.captures.insert({ name: 'appended', source: 'lab' }, empty);
        lib.captures.replace(replaced.id, parseOrRefuse(framesToPcapng(ring, 0, KNOWN)));
        const appender = lib.captures.appender(appended.id, parseOrRefuse(framesToPcapng(ring, 0, KNOWN)));
        const before: number[] = [];
        const after: number[] = [];
        for (let k = 0; k < FLUSHES; k++) {
          const fresh: TappedFrame[] = [];
          for (let i = 0; i < GROWTH; i++) fresh.push(tapped(ring.length + i));
          ring.push(...fresh);
          let t = performance.now();
          lib.captures.replace(replaced.id, parseOrRefuse(framesToPcapng(ring, 0, KNOWN)));
          before.push(performance.now() - t);
          t = performance.now();
          appender.append(parseOrRefuse(framesToPcapng(fresh, 0, KNOWN)), head);
          after.push(performance.now() - t);
        }
        const a = lib.captures.get(appended.id);
        const r = lib.captures.get(replaced.id);
        if (a.packetCount !== r.packetCount || a.byteSize !== r.byteSize) throw new Error(`append stored ${a.packetCount} frames, ${a.byteSize} bytes; replace ${r.packetCount}, ${r.byteSize}`);
        lib.close();
        const b = median(before);
        const x = median(after);
        return {
          'capture': `${BASE.toLocaleString('en')} → ${ring.length.toLocaleString('en')} frames, ${(a.byteSize / 2 ** 20).toFixed(1)} MiB`,
          'flush by rewrite (median)': `${b.toFixed(1)} ms`,
          'flush by append (median)': `${x.toFixed(1)} ms`,
          'speed-up': `${(b / x).toFixed(0)}×`,
          ...droppingRing(b, x),
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'live capture: flush of a 100k-frame capture growing by 1,000 frames, open in the capture view',
    async run() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-live-open-'));
      try {
        const tapped = tappedOf();
        const compiled = compileFilter(FILTER);
        if (!compiled.ok) throw new Error(FILTER);
        const ring: TappedFrame[] = [];
        for (let i = 0; i < BASE; i++) ring.push(tapped(i));
        const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
        const service = new CaptureService(lib, new EventHub());
        const empty = parseOrRefuse(framesToPcapng([], 0, KNOWN));
        const head = empty.bytes.length;
        const rewritten = lib.captures.insert({ name: 'rewritten', source: 'lab' }, empty).id;
        const appended = lib.captures.insert({ name: 'appended', source: 'lab' }, empty).id;
        // Both open in the view, with the filter's result cached.
        lib.captures.replace(rewritten, parseOrRefuse(framesToPcapng(ring, 0, KNOWN)));
        const appender = lib.captures.appender(appended, parseOrRefuse(framesToPcapng(ring, 0, KNOWN)));
        await service.matchNumbers(rewritten, FILTER, compiled.filter);
        await service.matchNumbers(appended, FILTER, compiled.filter);
        const flush = { before: [] as number[], after: [] as number[] };
        const view = { before: [] as number[], after: [] as number[] };
        for (let k = 0; k < OPEN_FLUSHES; k++) {
          const fresh: TappedFrame[] = [];
          for (let i = 0; i < GROWTH; i++) fresh.push(tapped(ring.length + i));
          ring.push(...fresh);
          // A whole write (what a ring that drops frames still gets): the ring written, parsed and indexed, and the
          // session adopting it with a fresh context (its pass comes with the filter below).
          let t = performance.now();
          const parsed = parseOrRefuse(framesToPcapng(ring, 0, KNOWN));
          lib.captures.replace(rewritten, parsed);
          service.adopt(rewritten, parsed);
          flush.before.push(performance.now() - t);
          t = performance.now();
          const a = await service.matchNumbers(rewritten, FILTER, compiled.filter);
          view.before.push(performance.now() - t);
          // After: the new frames appended, the session extended.
          t = performance.now();
          const before = appender.count;
          const added = parseOrRefuse(framesToPcapng(fresh, 0, KNOWN));
          appender.append(added, head);
          service.extend(appended, before, added, head);
          flush.after.push(performance.now() - t);
          t = performance.now();
          const b = await service.matchNumbers(appended, FILTER, compiled.filter);
          view.after.push(performance.now() - t);
          if (a.length !== b.length || a.some((n, i) => n !== b[i])) throw new Error(`the filter passes ${a.length} frames of the rewritten capture, ${b.length} of the appended one`);
        }
        lib.close();
        const fb = median(flush.before);
        const fa = median(flush.after);
        const vb = median(view.before);
        const va = median(view.after);
        return {
          'capture': `${BASE.toLocaleString('en')} → ${ring.length.toLocaleString('en')} frames, open, filter ${FILTER}`,
          'flush by rewrite + adopt (median)': `${fb.toFixed(1)} ms`,
          'flush by append + extend (median)': `${fa.toFixed(1)} ms`,
          'flush speed-up': `${(fb / fa).toFixed(0)}×`,
          'filtered view after a rewrite (median)': `${vb.toFixed(1)} ms`,
          'filtered view after an append (median)': `${va.toFixed(1)} ms`,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
