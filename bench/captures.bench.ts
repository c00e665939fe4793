// Captures in the library: import and index a million frames (parse, one dissection pass for the summary
// columns and colours, SQLite rows), then what the capture view asks: a page of the packet list, a display
// filter over every frame (cold: the stored file read and parsed first; warm; cached), a frame's detail tree.
// Side by side on the same file: `tcpdump -r FILE -w /dev/null` and `tshark -r FILE -T fields -e frame.number`
// when they are installed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaptureContext } from '../src-main/common/dissect/index.ts';
import { indexFrames } from '../src-main/common/capture/indexer.ts';
import { parseCaptureFile } from '../src-main/common/capture/indexer.ts';
import { readCapture, writePcap } from '../src-main/common/pcap/index.ts';
import { NetLab } from '../src-main/net/scenario.ts';
import { replayInto } from '../src-main/services/replay-inject.ts';
import { CaptureService } from '../src-main/services/capture-service.ts';
import { EventHub } from '../src-main/services/events.ts';
import { Library, randomId } from '../src-main/store/library.ts';
import { sharedPath } from '../test/shared-path.ts';
import type { Bench } from './run.ts';

const N = 1_000_000;
const REFERENCES = ['02-bridge-docker0-arp-icmp.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap', '04-overlay-http-c1eth0.pcap'];

/** A million frames cycling through the reference captures (ARP, ICMP, VXLAN, DNS, TCP and HTTP), 10 µs apart. */
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
const rate = (n: number, t: number) => `${((n / t) * 1000).toLocaleString('en', { maximumFractionDigits: 0 })} frames/s`;

function timeTool(cmd: string, args: string[]): string {
  const t = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.error || r.status !== 0) return 'not available';
  const took = performance.now() - t;
  return `${ms(took)} (${rate(N, took)})`;
}

export const benches: Bench[] = [
  {
    name: 'captures: import, index and view 1 M frames',
    async run() {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-captures-'));
      try {
        const bytes = generate();
        const file = path.join(dir, 'million.pcap');
        writeFileSync(file, bytes);
        const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
        const out: Record<string, string> = { 'file': `${(bytes.length / 2 ** 20).toFixed(0)} MiB, ${N.toLocaleString('en')} frames` };

        let t = performance.now();
        const c = lib.captures.import({ name: 'million', source: 'import' }, bytes, (p) => indexFrames(p, new CaptureContext()));
        const took = performance.now() - t;
        out['import (parse + summaries + rows)'] = `${ms(took)} (${rate(N, took)})`;
        out['tcpdump -r FILE -w /dev/null'] = timeTool('tcpdump', ['-r', file, '-w', '/dev/null']);
        out['tshark -r FILE -T fields -e frame.number'] = timeTool('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number']);

        const service = new CaptureService(lib, new EventHub());
        const h = service.handlers();
        const page = async (offset: number, filter?: string) => {
          const t0 = performance.now();
          const r = await h['captures.frames']({ id: c.id, offset, limit: 200, ...(filter ? { filter } : {}) });
          return { took: performance.now() - t0, r };
        };
        const pages = [0, 250_000, 500_000, 999_800];
        const unfiltered: number[] = [];
        for (const o of pages) unfiltered.push((await page(o)).took);
        out['page of 200 rows, no filter'] = `${(unfiltered.reduce((a, b) => a + b) / pages.length).toFixed(2)} ms mean`;

        let f = await page(0, 'icmp');
        out['filter "icmp", cold (read + parse + pass)'] = `${ms(f.took)} → ${f.r.matched.toLocaleString('en')} matched`;
        f = await page(0, 'ip.addr == 10.0.1.5 && tcp.port in {80 8080}');
        out['filter "ip.addr == … && tcp.port in {…}"'] = `${ms(f.took)} (${rate(N, f.took)}) → ${f.r.matched.toLocaleString('en')}`;
        f = await page(400_000, 'icmp');
        out['filter "icmp" again (cached), a page'] = `${f.took.toFixed(2)} ms`;

        t = performance.now();
        await h['captures.frame']({ id: c.id, number: 777_777 });
        out['detail tree of frame 777,777'] = `${(performance.now() - t).toFixed(2)} ms`;
        t = performance.now();
        const exported = await h['captures.export']({ id: c.id, format: 'pcapng' });
        out['export pcapng (base64)'] = `${ms(performance.now() - t)} (${(exported.data.length / 2 ** 20).toFixed(0)} MiB of base64)`;
        t = performance.now();
        lib.captures.delete(c.id);
        out['delete'] = ms(performance.now() - t);
        lib.close();
        return out;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    // tcpreplay --topspeed onto a veth in a namespace: 470 k packets/s (565 k with -K), ../shared/bench/README.md.
    name: 'captures: replay 1 M frames at top speed into a veth',
    async run() {
      const parsed = parseCaptureFile(generate());
      const lab = new NetLab({ seed: 1 });
      const a = lab.namespace('a');
      const b = lab.namespace('b');
      const [va] = lab.vethPair(a, 'veth0', b, 'eth0');
      const out: Record<string, string> = { 'tcpreplay --topspeed (shared/bench/README.md)': '470,000 packets/s (565,000 with -K)' };
      let t = performance.now();
      const r = await replayInto(va, parsed, { speed: 'topspeed', loops: 1, macToLab: false });
      const sent = performance.now() - t;
      out['replay, frames sent (veth transmit, tapped, queued to the peer)'] = `${ms(sent)} (${rate(r.sent, sent)})`;
      t = performance.now();
      lab.scheduler.runUntilIdle();
      const delivered = performance.now() - t + sent;
      out['replay, sent and received by the peer namespace'] = `${ms(delivered)} (${rate(r.sent, delivered)})`;
      t = performance.now();
      const rw = await replayInto(va, parsed, { speed: 'topspeed', loops: 1, macToLab: true, addressMap: [['10.0.0.2', '10.9.9.2'], ['10.0.0.3', '10.9.9.3'], ['172.17.0.2', '172.30.0.2']] });
      lab.scheduler.runUntilIdle();
      const rewritten = performance.now() - t;
      out['replay with tcprewrite (MACs, address map, checksums), sent and received'] = `${ms(rewritten)} (${rate(rw.sent, rewritten)}; ${rw.rewritten.toLocaleString('en')} rewritten)`;
      return out;
    },
  },
];
