// The analyses' index read from a stored capture's frame index (AnalysisIndex.fromColumns) is the one a first pass
// over the file builds (AnalysisIndex.build): the same times, lengths, streams, Source and Destination, the same
// follow results and flow diagram, on every reference capture.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AnalysisIndex } from '../common/capture/analysis-index.ts';
import { flowPage } from '../common/capture/flow.ts';
import { followStream } from '../common/capture/follow.ts';
import { frameMeta, parseCaptureFile } from '../common/capture/indexer.ts';
import { CaptureContext, collectFields, compileFilter, summarize } from '../common/dissect/index.ts';
import { sharedPath } from '../../test/shared-path.ts';
import { Library, randomId } from './library.ts';

const DIR = sharedPath('reference', 'linux');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort();

const names = (ix: AnalysisIndex, which: Uint32Array) => [...which].map((n) => ix.names[n]);

test('on every reference capture, the index from the stored columns is the one a first pass builds', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-analysis-source-'));
  const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
  try {
    for (const file of FILES) {
      const bytes = new Uint8Array(readFileSync(path.join(DIR, file)));
      const parsed = parseCaptureFile(bytes);
      const built = await AnalysisIndex.build(parsed);
      // The frames the dissector took at import: their fields from a pass over every frame (as the service's session).
      const passed = new CaptureContext();
      parsed.capture.packets.forEach((p, i) => summarize(p.data, frameMeta(parsed, i), passed));
      const kept = (n: number) => collectFields(parsed.capture.packets[n - 1]!.data, frameMeta(parsed, n - 1), passed);
      const c = lib.captures.import({ name: file, source: 'import' }, bytes);
      const numbers = async (text: string) => {
        const f = compileFilter(text);
        if (!f.ok) throw new Error(text);
        const fast = lib.captures.matchFast(c.id, f.filter);
        assert.ok(fast, `${file}: "${text}" ran over the columns`);
        return fast;
      };
      const cols = await AnalysisIndex.fromColumns(lib.captures.analysisSource(c.id, kept), numbers);
      assert.equal(cols.count, built.count, file);
      assert.deepEqual([...cols.time], [...built.time], `${file}: time`);
      assert.deepEqual([...cols.length], [...built.length], `${file}: length`);
      assert.deepEqual([...cols.tcpStream], [...built.tcpStream], `${file}: tcp.stream`);
      assert.deepEqual([...cols.udpStream], [...built.udpStream], `${file}: udp.stream`);
      assert.deepEqual([...cols.udpStreams], [...built.udpStreams], `${file}: every udp.stream`);
      assert.deepEqual(names(cols, cols.source), names(built, built.source), `${file}: Source`);
      assert.deepEqual(names(cols, cols.destination), names(built, built.destination), `${file}: Destination`);
      for (const filter of ['', 'icmp || dns', 'tcp.port == 80']) {
        const a = await cols.match(filter);
        const b = await built.match(filter);
        assert.ok(a.ok && b.ok);
        assert.deepEqual(a, b, `${file}: "${filter}"`);
        assert.deepEqual(flowPage(cols, filter ? a.mask : null, a.count, 0, 500), flowPage(built, filter ? b.mask : null, b.count, 0, 500), `${file}: flow "${filter}"`);
      }
      const tcp = built.tcpStream.find((s) => s >= 0);
      if (tcp !== undefined) assert.deepEqual(followStream(cols, 'tcp', { stream: tcp }), followStream(built, 'tcp', { stream: tcp }), `${file}: follow tcp`);
      const udp = built.udpStream.find((s) => s >= 0);
      if (udp !== undefined) assert.deepEqual(followStream(cols, 'udp', { stream: udp }), followStream(built, 'udp', { stream: udp }), `${file}: follow udp`);
    }
  } finally {
    lib.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
