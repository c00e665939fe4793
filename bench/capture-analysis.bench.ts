// The capture analyses on a big capture: the first pass that indexes streams and endpoints, a display filter over
// every frame, one page of the flow diagram, the I/O graph, and following the TCP stream of a frame. The frames
// cycle through the reference captures (ARP, ICMP, VXLAN, DNS, TCP and HTTP), 10 µs apart.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileFilter } from '../src-main/common/dissect/index.ts';
import { Library, randomId } from '../src-main/store/library.ts';
import { AnalysisIndex } from '../src-main/common/capture/analysis-index.ts';
import { flowPage } from '../src-main/common/capture/flow.ts';
import { followStream } from '../src-main/common/capture/follow.ts';
import { parseCaptureFile } from '../src-main/common/capture/indexer.ts';
import { autoInterval, bucketCount, ioBuckets } from '../src-main/common/capture/io.ts';
import { readCapture, writePcap } from '../src-main/common/pcap/index.ts';
import { sharedPath } from '../test/shared-path.ts';
import type { Bench } from './run.ts';

const N = 200_000;
const REFERENCES = ['02-bridge-docker0-arp-icmp.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap', '04-overlay-http-c1eth0.pcap'];

function generate(): Uint8Array {
  const frames = REFERENCES.flatMap((f) => readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', f)))).packets);
  const t0 = 1_700_000_000_000_000_000n;
  return writePcap(
    (function* () {
      for (let i = 0; i < N; i++) yield { tsNs: t0 + BigInt(i) * 10_000n, data: frames[i % frames.length]!.data };
    })(),
  );
}

const ms = (t: number) => `${t.toFixed(0)} ms`;

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
}

export const benches: Bench[] = [
  {
    name: 'capture-analysis: index, filter, flow page, I/O graph, follow on 200 k frames',
    async run() {
      const parsed = parseCaptureFile(generate());
      let t = performance.now();
      const ix = await AnalysisIndex.build(parsed);
      const build = performance.now() - t;
      t = performance.now();
      const m = await ix.match('tcp.port == 8080');
      const filter = performance.now() - t;
      if (!m.ok) throw new Error('filter');
      const [, flow] = timed(() => flowPage(ix, m.mask, m.count, 0, 1000));
      const duration = ix.time[ix.count - 1]!;
      const [, io] = timed(() => ioBuckets(ix, null, autoInterval(duration), bucketCount(duration, autoInterval(duration))));
      const [f, follow] = timed(() => followStream(ix, 'tcp', { number: m.mask.indexOf(1) + 1 }));
      // The same capture in the library: the index read from its stored columns (what the service does).
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-analysis-'));
      const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
      let stored: Record<string, string>;
      try {
        const c = lib.captures.import({ name: 'bench', source: 'import' }, parsed.bytes);
        const numbers = async (text: string) => {
          const compiled = compileFilter(text);
          const fast = compiled.ok ? lib.captures.matchFast(c.id, compiled.filter) : undefined;
          if (!fast) throw new Error(`${text}: not a column filter`);
          return fast;
        };
        t = performance.now();
        const cols = await AnalysisIndex.fromColumns(lib.captures.analysisSource(c.id, () => { throw new Error('no kept frames in this capture'); }), numbers);
        const fromColumns = performance.now() - t;
        t = performance.now();
        const cm = await cols.match('tcp.port == 8080');
        const colFilter = performance.now() - t;
        if (!cm.ok) throw new Error('filter');
        const [cf, colFollow] = timed(() => followStream(cols, 'tcp', { number: cm.mask.indexOf(1) + 1 }));
        stored = {
          'stored capture: index from its columns': `${ms(fromColumns)} (${((N / fromColumns) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })} frames/s)`,
          'stored capture: filter tcp.port == 8080': `${ms(colFilter)} (${cm.count.toLocaleString('en')} frames pass)`,
          'stored capture: follow one TCP stream': `${ms(colFollow)} (${cf.frames} frames)`,
        };
      } finally {
        lib.close();
        rmSync(dir, { recursive: true, force: true });
      }
      return {
        'first pass (index)': `${ms(build)} (${((N / build) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })} frames/s)`,
        'display filter tcp.port == 8080': `${ms(filter)} (${m.count.toLocaleString('en')} frames pass)`,
        'flow diagram, page of 1000': ms(flow),
        'I/O graph, automatic interval': ms(io),
        'follow one TCP stream': `${ms(follow)} (${f.frames} frames)`,
        ...stored,
      };
    },
  },
];
