// The import's pcapng path (indexer.ts indexPcapng: plain EPBs walked in place, everything else through
// PcapngReader) gives the index the per-packet path gives, and refuses what it refuses with the same message.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedPath } from '../../../test/shared-path.ts';
import { readCapture, writePcapng, type PcapngPacketIn } from '../pcap/index.ts';
import { CaptureRefused, indexCapture, indexParsedCapture, parseCaptureFile, type IndexedCapture } from './indexer.ts';

const REFERENCES = ['02-bridge-docker0-arp-icmp.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap', '04-overlay-http-c1eth0.pcap'];
const frames = REFERENCES.flatMap((f) => readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', f)))).packets);
const T0 = 1_700_000_000_123_456_789n;

function sameIndex(a: IndexedCapture, b: IndexedCapture, what: string): void {
  assert.equal(a.format, b.format, what);
  assert.deepEqual(a.interfaces, b.interfaces, `${what}: interfaces`);
  assert.equal(a.index.count, b.index.count, `${what}: frames`);
  assert.equal(a.firstTsNs, b.firstTsNs, `${what}: first time`);
  assert.equal(a.lastTsNs, b.lastTsNs, `${what}: last time`);
  assert.deepEqual(a.special, b.special, `${what}: rows kept whole`);
  const n = a.index.count;
  for (const [name, col] of Object.entries(a.index)) {
    if (!ArrayBuffer.isView(col)) continue;
    const x = (col as Uint8Array).subarray(0, n);
    const y = (b.index as unknown as Record<string, Uint8Array>)[name]!.subarray(0, n);
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) assert.fail(`${what}: column ${name}, frame ${i + 1}: ${x[i]} walked in place, ${y[i]} per packet`);
  }
}

const perPacket = (bytes: Uint8Array) => indexParsedCapture(parseCaptureFile(bytes));

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CaptureRefused, String(e));
    return e.message;
  }
  return 'accepted';
}

function packets(n: number, opts: (i: number) => Partial<PcapngPacketIn> = () => ({})): PcapngPacketIn[] {
  return Array.from({ length: n }, (_, i) => ({ interface: 0, tsNs: T0 + BigInt(i) * 1_234_567n, data: frames[i % frames.length]!.data, ...opts(i) }));
}

/** A pcapng section by hand: SHB, IDBs of the given if_tsresol (undefined: none, so microseconds), plain EPBs. */
function handMade(le: boolean, tsresol: number | undefined, pkts: { iface: number; ticks: bigint; data: Uint8Array }[], ifaces = 1): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => (le ? parts.push(v & 0xff, v >>> 8) : parts.push(v >>> 8, v & 0xff));
  const u32 = (v: number) => (le ? parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24) : parts.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
  u32(0x0a0d0d0a);
  u32(28);
  u32(0x1a2b3c4d);
  u16(1);
  u16(0);
  u32(0xffffffff);
  u32(0xffffffff);
  u32(28);
  for (let k = 0; k < ifaces; k++) {
    const opt = tsresol === undefined ? 0 : 12;
    u32(1);
    u32(20 + opt);
    u16(1);
    u16(0);
    u32(0);
    if (tsresol !== undefined) {
      u16(9);
      u16(1);
      parts.push(tsresol, 0, 0, 0);
      u16(0);
      u16(0);
    }
    u32(20 + opt);
  }
  for (const p of pkts) {
    const pad = (p.data.length + 3) & ~3;
    u32(6);
    u32(32 + pad);
    u32(p.iface);
    u32(Number(p.ticks >> 32n));
    u32(Number(p.ticks & 0xffffffffn));
    u32(p.data.length);
    u32(p.data.length);
    parts.push(...p.data, ...new Array<number>(pad - p.data.length).fill(0));
    u32(32 + pad);
  }
  return Uint8Array.from(parts);
}

test('plain EPBs, one interface, nanoseconds: walked in place, the per-packet index', () => {
  const bytes = writePcapng({ interfaces: [{ name: 'eth0' }], packets: packets(6000) });
  sameIndex(indexCapture(bytes), perPacket(bytes), 'plain');
});

test('two interfaces, some EPBs with options, a second section: the walk and the reader take turns', () => {
  const a = writePcapng({ interfaces: [{ name: 'eth0' }, { name: 'vxlan0', description: 'the overlay' }], packets: packets(3000, (i) => ({ interface: i % 3 === 0 ? 1 : 0, ...(i % 7 === 0 ? { packetId: i, direction: 'in' as const } : {}) })) });
  const b = writePcapng({ interfaces: [{ name: 'br0' }], packets: packets(2000).map((p) => ({ ...p, tsNs: BigInt(p.tsNs) + 5_000_000_000n })) });
  const both = new Uint8Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  sameIndex(indexCapture(a), perPacket(a), 'options');
  sameIndex(indexCapture(both), perPacket(both), 'two sections');
});

test('microseconds by default, big-endian, out-of-order times, several interfaces: the per-packet index', () => {
  const pkts = Array.from({ length: 3000 }, (_, i) => ({ iface: i % 2, ticks: 1_700_000_000_000_000n + BigInt(((i * 7919) % 3000) * 13), data: frames[i % frames.length]!.data }));
  for (const le of [true, false]) {
    const bytes = handMade(le, undefined, pkts, 2);
    sameIndex(indexCapture(bytes), perPacket(bytes), le ? 'little-endian µs' : 'big-endian µs');
  }
  // Milliseconds (if_tsresol 3) are left to the per-packet path, and give the same.
  const ms = handMade(true, 3, pkts.map((p) => ({ ...p, iface: 0 })));
  sameIndex(indexCapture(ms), perPacket(ms), 'milliseconds');
});

test('damage in the middle of plain EPBs: refused with the reader\'s message, what and where', () => {
  const bytes = writePcapng({ interfaces: [{ name: 'eth0' }], packets: packets(3000) });
  const cut = bytes.subarray(0, bytes.length - 37);
  assert.equal(refusal(() => indexCapture(cut)), refusal(() => parseCaptureFile(cut)));
  assert.match(refusal(() => indexCapture(cut)), /read 2999 packets before it/);
  const bad = bytes.slice();
  // The trailing length of a block near the middle.
  const view = new DataView(bad.buffer);
  let at = 0;
  for (let k = 0; k < 1502; k++) at += view.getUint32(at + 4, true); // the SHB, the IDB and 1,500 EPBs
  view.setUint32(at + view.getUint32(at + 4, true) - 4, 12345, true);
  const message = refusal(() => indexCapture(bad));
  assert.equal(message, refusal(() => parseCaptureFile(bad)));
  assert.match(message, /trailing block length 12345/);
});
