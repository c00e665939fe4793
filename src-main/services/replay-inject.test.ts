// tcprewrite's part of a replay and the Ethernet-only export, byte for byte: cooked (SLL, SLL2) and raw IP frames
// given an Ethernet header, an address map with the IPv4 and ICMP checksums fixed (or, asked, left as they were),
// the MAC rewrite, and a capture made Ethernet-only with the frames it cannot convert counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finish, sum } from '../common/wire/checksum.ts';
import { ethernetOnly } from './ethernet-export.ts';
import { rewriteFrame, toEthernet } from './replay-inject.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const text = (b: Uint8Array) => Buffer.from(b).toString('hex');

// An ICMP echo request 172.17.0.2 → 172.17.0.3 with correct checksums.
const IP = hex('45000024 12344000 4001 d07d ac110002 ac110003  0800 5c2e 4f800001 1011121314151617');
const MAC = hex('0242ac110002');
const valid = (b: Uint8Array, from: number, to: number) => finish(sum(b, from, to)) === 0;

test('the ICMP fixture has correct checksums (the rewrite tests start from valid bytes)', () => {
  assert.ok(valid(IP, 0, 20));
  assert.ok(valid(IP, 20, IP.length));
});

test('toEthernet: SLL and SLL2 keep the cooked source MAC and protocol; raw IP gets the given MAC and IPv4 by its version', () => {
  const eth = (src: string, type: string) => `ffffffffffff${src}${type}${text(IP)}`;
  const sll = hex(`0000 0001 0006 0242ac110002 0000 0800 ${text(IP)}`);
  assert.equal(text(toEthernet(113, sll, new Uint8Array(6))!), eth('0242ac110002', '0800'));
  const sll2 = hex(`0800 0000 00000007 0001 00 06 0242ac110002 0000 ${text(IP)}`);
  assert.equal(text(toEthernet(276, sll2, new Uint8Array(6))!), eth('0242ac110002', '0800'));
  assert.equal(text(toEthernet(101, IP, hex('020000000001'))!), eth('020000000001', '0800'));
  assert.equal(text(toEthernet(228, IP, hex('020000000001'))!), eth('020000000001', '0800'));
  // A cooked address that is not a MAC (halen 4) leaves the given one.
  const tun = hex(`0000 ffff 0004 0a000001 00000000 0800 ${text(IP)}`);
  assert.equal(text(toEthernet(113, tun, hex('020000000001'))!), eth('020000000001', '0800'));
  assert.equal(toEthernet(147, IP, MAC), undefined, 'no Ethernet form for a user link type');
  assert.equal(toEthernet(113, hex('0000'), MAC), undefined, 'a cut cooked header');
});

test('rewriteFrame: an address map with --fixcsum, the MAC rewrite, and the checksums left alone when asked', () => {
  const frame = () => hex(`ffffffffffff 0242ac110002 0800 ${text(IP)}`);
  const map = new Map([[0xac110002, 0xc0a86364]]); // 172.17.0.2 → 192.168.99.100
  const f = frame();
  assert.equal(rewriteFrame(f, map, undefined, undefined), true);
  assert.equal(text(f.subarray(14 + 12, 14 + 16)), 'c0a86364');
  assert.ok(valid(f, 14, 34), 'IPv4 header checksum fixed');
  assert.ok(valid(f, 34, f.length), 'ICMP checksum fixed (it has no pseudo-header, so it is unchanged and still valid)');
  assert.equal(text(f.subarray(14 + 10, 14 + 12)), '5884', 'the header checksum, exactly (as computed by hand)');

  const g = frame();
  assert.equal(rewriteFrame(g, map, undefined, undefined, false), true);
  assert.equal(text(g.subarray(14 + 12, 14 + 16)), 'c0a86364');
  assert.equal(text(g.subarray(14 + 10, 14 + 12)), 'd07d', 'left as it was');
  assert.ok(!valid(g, 14, 34));

  const h = frame();
  assert.equal(rewriteFrame(h, new Map(), hex('080027000001'), undefined), true);
  assert.equal(text(h.subarray(0, 12)), 'ffffffffffff080027000001', 'source MAC rewritten, broadcast destination kept');
  assert.equal(rewriteFrame(frame(), new Map([[0x0a000001, 0x0a000002]]), undefined, undefined), false, 'nothing matched, nothing changed');
});

test('ethernetOnly: every interface Ethernet, converted and dropped frames counted, lengths grown by the header', () => {
  const sll = hex(`0000 0001 0006 0242ac110002 0000 0800 ${text(IP)}`);
  const eth = hex(`ffffffffffff 0242ac110002 0800 ${text(IP)}`);
  const out = ethernetOnly({
    format: 'pcapng',
    byteOrder: 'le',
    interfaces: [
      { linktype: 113, snaplen: 65535, name: 'any' },
      { linktype: 147, snaplen: 65535 },
      { linktype: 1, snaplen: 0 },
      { linktype: 101, snaplen: 1500 },
    ],
    packets: [
      { interface: 0, tsNs: 1n, data: sll, origLen: sll.length, packetId: 7n },
      { interface: 1, tsNs: 2n, data: hex('010203'), origLen: 3 },
      { interface: 2, tsNs: 3n, data: eth, origLen: 100 },
      { interface: 3, tsNs: 4n, data: IP, origLen: IP.length },
    ],
  });
  assert.deepEqual([out.converted, out.dropped], [2, 1]);
  assert.deepEqual(out.capture.interfaces.map((i) => [i.linktype, i.snaplen]), [[1, 65549], [1, 65549], [1, 0], [1, 1514]]);
  assert.deepEqual(out.capture.packets.map((p) => [p.interface, Number(p.tsNs), p.data.length, p.origLen]), [[0, 1, 50, 50], [2, 3, 50, 100], [3, 4, 50, 50]]);
  assert.equal(text(out.capture.packets[0]!.data), text(eth));
  assert.equal(out.capture.packets[0]!.packetId, 7n, 'pcapng options kept');
});
