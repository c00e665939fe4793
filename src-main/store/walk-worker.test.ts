// The import's walk on the worker thread (walk-worker.ts) gives the index the walk on one thread gives: every
// column, the rows kept whole, the times; when the columns must grow mid-walk; and a damaged file is refused with
// the same message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedPath } from '../../test/shared-path.ts';
import { CaptureRefused, indexCapture, indexParsedCapture, parseCaptureFile, type IndexedCapture } from '../common/capture/indexer.ts';
import { readCapture, writePcap, writePcapng } from '../common/pcap/index.ts';
import { warmWalkWorker, walkWorker, walkWorkerJobs, walkWorkerReady } from './walk-worker.ts';

const REFERENCES = ['02-bridge-docker0-arp-icmp.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap', '04-overlay-http-c1eth0.pcap', '01c-overlay-mtu-underlay-n1eth0.pcap'];
const frames = REFERENCES.flatMap((f) => readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', f)))).packets);
const T0 = 1_700_000_000_000_000_000n;

function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
}

async function ready(): Promise<void> {
  warmWalkWorker();
  for (let i = 0; i < 200 && !walkWorkerReady(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(walkWorkerReady(), 'the worker started');
}

function assertSameIndex(a: IndexedCapture, b: IndexedCapture): void {
  assert.equal(a.index.count, b.index.count);
  const n = a.index.count;
  for (const [name, col] of Object.entries(a.index)) {
    if (!ArrayBuffer.isView(col)) continue;
    const other = (b.index as unknown as Record<string, Uint8Array>)[name]!;
    const x = (col as Uint8Array).subarray(0, n);
    const y = other.subarray(0, n);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) assert.fail(`column ${name}, frame ${i + 1}: ${x[i]} on two threads, ${y[i]} on one`);
  }
  assert.deepEqual(a.special, b.special);
  assert.equal(a.firstTsNs, b.firstTsNs);
  assert.equal(a.lastTsNs, b.lastTsNs);
}

test('a file of 60,000 frames on shared memory: walked on the worker, the index the one-thread walk gives', async () => {
  await ready();
  const bytes = writePcap(Array.from({ length: 60_000 }, (_, i) => ({ tsNs: T0 + BigInt(i * 7919 % 60_000) * 1000n, data: frames[i % frames.length]!.data })));
  assert.ok(bytes.length > 4 * 2 ** 20, 'big enough for the worker');
  const before = walkWorkerJobs();
  const two = indexCapture(shared(bytes), walkWorker);
  assert.equal(walkWorkerJobs(), before + 1, 'the worker walked it');
  assertSameIndex(two, indexCapture(bytes));
  assert.ok(two.special.length > 0, 'frames the dissector took are among them');
});

test('columns sized too small at first: the worker stops at their end, they grow, and it walks on', async () => {
  await ready();
  const big = frames.reduce((a, b) => (b.data.length > a.data.length ? b : a));
  const bytes = writePcap(Array.from({ length: 80_000 }, (_, i) => ({ tsNs: T0 + BigInt(i) * 1000n, data: i < 3000 ? big.data : frames[i % frames.length]!.data })));
  const before = walkWorkerJobs();
  const two = indexCapture(shared(bytes), walkWorker);
  assert.ok(walkWorkerJobs() >= before + 2, 'more than one walk');
  assertSameIndex(two, indexCapture(bytes));
});

test('a damaged record on the worker: refused with the one-thread message', async () => {
  await ready();
  const bytes = writePcap(Array.from({ length: 50_000 }, (_, i) => ({ tsNs: T0 + BigInt(i) * 1000n, data: frames[i % frames.length]!.data })));
  const cut = bytes.subarray(0, bytes.length - 3);
  const message = (b: Uint8Array) => {
    try {
      indexCapture(b, walkWorker);
    } catch (e) {
      assert.ok(e instanceof CaptureRefused);
      return e.message;
    }
    assert.fail('accepted');
  };
  const one = message(cut.slice());
  assert.match(one, /read 4999\d packets before it/);
  assert.equal(message(shared(cut)), one);
});

test('pcapng on shared memory: plain EPBs walked on the worker, blocks with options read here, the per-packet index', async () => {
  await ready();
  const packets = Array.from({ length: 60_000 }, (_, i) => ({
    interface: i % 5 === 0 ? 1 : 0,
    tsNs: T0 + BigInt(i) * 1000n,
    data: frames[i % frames.length]!.data,
    // A stretch of blocks with options in the middle: the worker stops there, and walks on after it.
    ...(i >= 30_000 && i < 30_050 ? { packetId: i } : {}),
  }));
  const bytes = writePcapng({ interfaces: [{ name: 'eth0' }, { name: 'vxlan0' }], packets });
  const before = walkWorkerJobs();
  const two = indexCapture(shared(bytes), walkWorker);
  assert.ok(walkWorkerJobs() >= before + 2, 'the worker walked the plain stretches');
  assertSameIndex(two, indexParsedCapture(parseCaptureFile(bytes)));
  assert.deepEqual(two.interfaces.map((i) => i.name), ['eth0', 'vxlan0']);
});
