// A live capture's flush (services/live-captures.ts): a 100k-frame capture growing by 1,000 frames per flush,
// written the old way (the whole ring as a pcapng, parsed, indexed and replacing the stored file) and by
// appending (the new frames' blocks, indexed on from the kept first pass; the last chunk and index block written
// again). Interleaved, the median of a few flushes each.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCapture } from '../src-main/common/pcap/index.ts';
import { framesToPcapng, type TappedFrame } from '../src-main/services/live-captures.ts';
import { parseOrRefuse } from '../src-main/store/captures.ts';
import { Library, randomId } from '../src-main/store/library.ts';
import { sharedPath } from '../test/shared-path.ts';
import type { Bench } from './run.ts';

const BASE = 100_000;
const GROWTH = 1_000;
const FLUSHES = 7;
const REFERENCES = ['02-bridge-docker0-arp-icmp.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap', '04-overlay-http-c1eth0.pcap'];
const KNOWN = [
  { netns: 'node1', dev: 'eth0' },
  { netns: 'node1', dev: 'docker0' },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export const benches: Bench[] = [
  {
    name: 'live capture: flush of a 100k-frame capture growing by 1,000 frames',
    run() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-live-'));
      try {
        const frames = REFERENCES.flatMap((f) => readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', f)))).packets);
        const tapped = (i: number): TappedFrame => ({ ts: i * 10_000, ...KNOWN[i % 2]!, direction: i % 3 === 0 ? 'in' : 'out', journey: i, data: frames[i % frames.length]!.data });
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
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
