// The walk's half of the first pass (first-pass-walk.ts) writes frame-index.ts's constants (it spells them out, to
// be copied into a worker), and the import's classic pcap path sizes its columns from a guess that may be wrong.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedPath } from '../../../test/shared-path.ts';
import { readCapture, writePcap } from '../pcap/index.ts';
import { EXACT, FrameIndexBuilder, NAMES_IP, PROTO_BITS } from './frame-index.ts';
import { OP_DISSECT, OP_ECHO_REQUEST, OP_TCP, walkFrame } from './first-pass-walk.ts';
import { walkTables } from './first-pass.ts';
import { indexCapture, indexParsedCapture, parseCaptureFile } from './indexer.ts';

const reference = (name: string) => readCapture(new Uint8Array(readFileSync(sharedPath('reference', 'linux', name)))).packets;

/** The walk's scratch and filter columns of one frame. */
function walk(data: Uint8Array, origLen = data.length) {
  const ix = new FrameIndexBuilder(16);
  walkFrame(data, 0, data.length, origLen, 1, 0, walkTables(), ix);
  return ix;
}

test('the walk writes frame-index.ts protocol bits, EXACT and NAMES_IP: a VXLAN frame with an inner echo request', () => {
  const frames = reference('01-overlay-ping-docker-underlay-n1eth0.pcap');
  const vxlan = frames.find((p) => p.data.length > 100 && p.data[23] === 17)!;
  const ix = walk(vxlan.data);
  const bits = PROTO_BITS.eth | PROTO_BITS.ip | PROTO_BITS.udp | PROTO_BITS.vxlan | PROTO_BITS.icmp;
  assert.equal(ix.protos[0], (bits | EXACT | NAMES_IP) >>> 0);
  assert.equal(ix.ipCount[0], 2);
  assert.equal(ix.udpCount[0], 1);
  assert.equal(ix.udpDport0[0], 4789);
  assert.ok(ix.httpKind[0] === OP_ECHO_REQUEST || ix.httpKind[0] === OP_ECHO_REQUEST + 1, 'an echo for the stateful half');
});

test('the walk leaves TCP for the stateful half in scratch, and a frame cut by the snaplen to the dissector', () => {
  const frames = reference('04-overlay-http-c1eth0.pcap');
  const syn = frames[2]!.data;
  const ix = walk(syn);
  assert.equal(ix.httpKind[0], OP_TCP);
  assert.equal(ix.tcpDir[0], 0x02, 'SYN in the flags scratch');
  assert.equal(ix.tcpShift[0], 7, 'the window scale option');
  assert.equal(ix.tcpDport[0], 8080);
  const cut = walk(syn, syn.length + 10);
  assert.equal(cut.httpKind[0], OP_DISSECT);
  assert.equal(cut.protos[0], 0, 'nothing else written');
});

test('classic pcap whose first records are big and later ones small: the columns grow, and the index is the parsed one', () => {
  const frames = reference('04-overlay-http-c1eth0.pcap');
  const big = frames.reduce((a, b) => (b.data.length > a.data.length ? b : a));
  const small = frames.reduce((a, b) => (b.data.length < a.data.length ? b : a));
  const t0 = 1_700_000_000_000_000_000n;
  const packets = Array.from({ length: 6000 }, (_, i) => ({ tsNs: t0 + BigInt(i) * 1000n, data: (i < 1500 ? big : small).data }));
  const bytes = writePcap(packets);
  const fast = indexCapture(bytes);
  const slow = indexParsedCapture(parseCaptureFile(bytes));
  assert.equal(fast.index.count, 6000);
  assert.ok(fast.index.offset.length >= 6000);
  for (const name of ['offset', 'tsRelNs', 'caplen', 'lenXor', 'protos', 'tcpStream', 'tcpSeq', 'tcpAck', 'httpKind', 'httpNeed', 'httpPrev', 'kind'] as const) {
    assert.deepEqual(Array.from(fast.index[name].subarray(0, 6000)), Array.from(slow.index[name].subarray(0, 6000)), name);
  }
  assert.equal(fast.lastTsNs - fast.firstTsNs, 5999n * 1000n);
});
