// The frame index's stored blocks: what is encoded decodes to the same columns, a block in the layout an earlier
// version stored (64-bit offsets, the original length itself, 32-bit protocol bits) reads as the same index, and
// the original length comes back for frames cut by a snaplen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedPath } from '../../../test/shared-path.ts';
import { readCapture, writePcap } from '../pcap/index.ts';
import { BLOCK_FRAMES, decodeBlock, encodeBlock, EXACT, NAMES_IP, origLenOf, type FrameIndex } from './frame-index.ts';
import { indexCapture } from './indexer.ts';

const COLUMN_NAMES = ['offset', 'tsRelNs', 'caplen', 'lenXor', 'iface', 'protos', 'ipSrc0', 'ipDst0', 'ipSrc1', 'ipDst1', 'udpStream0', 'udpStream1', 'tcpStream', 'tcpSeq', 'tcpAck', 'icmpReq', 'httpNeed', 'httpPrev', 'tcpShift', 'tcpSport', 'tcpDport', 'udpSport0', 'udpDport0', 'udpSport1', 'udpDport1', 'kind', 'ipCount', 'udpCount', 'tcpDir', 'httpKind'] as const;

/** The layout blocks were stored in before: bytes per frame of each column, in order, and how a value is written. */
const V1: readonly (readonly [(typeof COLUMN_NAMES)[number], number, 'f64' | 'u32' | 'i32' | 'i16' | 'u16' | 'u8'])[] = [
  ['offset', 8, 'f64'],
  ['tsRelNs', 8, 'f64'],
  ['caplen', 4, 'u32'],
  ['lenXor', 4, 'u32'],
  ['iface', 4, 'u32'],
  ['protos', 4, 'u32'],
  ['ipSrc0', 4, 'u32'],
  ['ipDst0', 4, 'u32'],
  ['ipSrc1', 4, 'u32'],
  ['ipDst1', 4, 'u32'],
  ['udpStream0', 4, 'i32'],
  ['udpStream1', 4, 'i32'],
  ['tcpStream', 4, 'i32'],
  ['tcpSeq', 4, 'u32'],
  ['tcpAck', 4, 'u32'],
  ['icmpReq', 4, 'u32'],
  ['httpNeed', 4, 'u32'],
  ['httpPrev', 4, 'u32'],
  ['tcpShift', 2, 'i16'],
  ['tcpSport', 2, 'u16'],
  ['tcpDport', 2, 'u16'],
  ['udpSport0', 2, 'u16'],
  ['udpDport0', 2, 'u16'],
  ['udpSport1', 2, 'u16'],
  ['udpDport1', 2, 'u16'],
  ['kind', 1, 'u8'],
  ['ipCount', 1, 'u8'],
  ['udpCount', 1, 'u8'],
  ['tcpDir', 1, 'u8'],
  ['httpKind', 1, 'u8'],
];

/** Frames [from, from + n) of `ix` as an earlier version stored them. */
function v1Block(ix: FrameIndex, from: number, n: number): Uint8Array {
  const size = V1.reduce((s, [, w]) => s + ((n * w + 7) & ~7), 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [name, w, kind] of V1) {
    for (let i = 0; i < n; i++) {
      const o = at + i * w;
      const k = from + i;
      // The original length and the protocol bits as they were: the length itself, EXACT and NAMES_IP at the top.
      const v = name === 'lenXor' ? origLenOf(ix, k) : name === 'protos' ? ((ix.protos[k]! & 0x3fff) | (ix.protos[k]! & EXACT ? 0x8000_0000 : 0) | (ix.protos[k]! & NAMES_IP ? 0x4000_0000 : 0)) >>> 0 : ix[name][k]!;
      if (kind === 'f64') view.setFloat64(o, v, true);
      else if (kind === 'u32') view.setUint32(o, v, true);
      else if (kind === 'i32') view.setInt32(o, v, true);
      else if (kind === 'i16') view.setInt16(o, v, true);
      else if (kind === 'u16') view.setUint16(o, v, true);
      else view.setUint8(o, v);
    }
    at += (n * w + 7) & ~7;
  }
  return out;
}

function columnsOf(ix: FrameIndex, from: number, n: number): Record<string, number[]> {
  return Object.fromEntries(COLUMN_NAMES.map((name) => [name, Array.from(ix[name].subarray(from, from + n))]));
}

/** Every reference capture's frames, with some cut short (origLen > caplen), in one classic pcap. */
function referenceFile(): Uint8Array {
  const names = ['01-overlay-ping-docker-underlay-n1eth0.pcap', '04-overlay-http-c1eth0.pcap'];
  const packets = names.flatMap((n) => readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', n)))).packets);
  const t0 = 1_700_000_000_000_000_000n;
  return writePcap(packets.map((p, i) => (i % 5 === 3 ? { tsNs: t0 + BigInt(i) * 1000n, data: p.data.subarray(0, Math.min(p.data.length, 40)), origLen: p.origLen } : { tsNs: t0 + BigInt(i) * 1000n, data: p.data })));
}

test('a block decodes to the columns it was encoded from; a block of an earlier layout reads as the same', () => {
  const { index } = indexCapture(referenceFile());
  assert.ok(index.count > 20 && index.count < BLOCK_FRAMES);
  const want = columnsOf(index, 0, index.count);
  assert.deepEqual(columnsOf(decodeBlock(encodeBlock(index, 0), index.count), 0, index.count), want);
  const old = v1Block(index, 0, index.count);
  assert.notEqual(old.length, encodeBlock(index, 0).length);
  assert.deepEqual(columnsOf(decodeBlock(old, index.count), 0, index.count), want, 'an earlier layout, converted');
  // Unaligned, as a blob may come from SQLite.
  const shifted = new Uint8Array(old.length + 3);
  shifted.set(old, 3);
  assert.deepEqual(columnsOf(decodeBlock(shifted.subarray(3), index.count), 0, index.count), want);
  assert.throws(() => decodeBlock(old.subarray(0, old.length - 8), index.count), /a frame index block of \d+ frames has \d+ bytes/);
});

test('the original length: zero in lenXor for a frame captured whole, and back through origLenOf for one cut short', () => {
  const bytes = referenceFile();
  const { index } = indexCapture(bytes);
  const packets = readCapture(bytes).packets;
  let cut = 0;
  packets.forEach((p, i) => {
    assert.equal(origLenOf(index, i), p.origLen, `frame ${i + 1}`);
    if (p.origLen === p.data.length) assert.equal(index.lenXor[i], 0);
    else cut++;
  });
  assert.ok(cut > 5, 'some frames were cut');
});
