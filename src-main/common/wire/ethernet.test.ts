import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import { bufferLen, emit, encode, ETHERTYPE_ARP, ETHERTYPE_IPV4, EthernetView, parse, type EthernetFrame } from './ethernet.ts';
import { parseMac } from './mac.ts';

// 02-bridge-docker0-arp-icmp.pcap frame 2: ARP request d1 -> broadcast, 42 bytes, no padding.
const ARP_FRAME = fromHex('ffffffffffff 0242ac110002 0806 0001080006040001 0242ac110002 ac110002 000000000000 ac110003');
// The same ARP request with an 802.1Q tag, PCP 5, VID 100 (checked with tshark: "PRI: 5, DEI: 0, ID: 100").
const TAGGED = fromHex('ffffffffffff 02420a000102 8100 a064 0806 0001080006040001 02420a000102 0a000102 000000000000 0a000105');

function emitOverA5(f: EthernetFrame): Uint8Array {
  const buf = new Uint8Array(bufferLen(f)).fill(0xa5);
  assert.equal(emit(f, buf, 0), buf.length);
  return buf;
}

test('parses a real ARP frame from the docker0 capture', () => {
  assert.equal(ARP_FRAME.length, 42);
  const f = parse(ARP_FRAME);
  assert.equal(f.dst, parseMac('ff:ff:ff:ff:ff:ff'));
  assert.equal(f.src, parseMac('02:42:ac:11:00:02'));
  assert.equal(f.ethertype, ETHERTYPE_ARP);
  assert.equal(f.vlan, undefined);
  assert.equal(f.payload.length, 28);
  assert.equal(f.payload.buffer, ARP_FRAME.buffer); // a view, not a copy
  assert.equal(toHex(emitOverA5(f)), toHex(ARP_FRAME)); // every byte written
  assert.deepEqual(parse(encode(f)), f);
});

test('802.1Q tag', () => {
  const f = parse(TAGGED);
  assert.deepEqual(f.vlan, { pcp: 5, dei: false, vid: 100 });
  assert.equal(f.ethertype, ETHERTYPE_ARP);
  assert.equal(f.payload.length, 28);
  assert.equal(toHex(emitOverA5(f)), toHex(TAGGED));
  const v = EthernetView.check(TAGGED);
  assert.equal(v.tagged, true);
  assert.equal(v.headerLen, 18);
  const dei = encode({ ...f, vlan: { pcp: 0, dei: true, vid: 4095 } });
  assert.equal(toHex(dei.subarray(12, 18)), '81001fff0806');
});

test('round trip of a record built by hand', () => {
  const f: EthernetFrame = { dst: parseMac('02:42:0a:00:01:05'), src: parseMac('02:42:0a:00:01:02'), ethertype: ETHERTYPE_IPV4, payload: fromHex('45') };
  const b = encode(f);
  assert.equal(toHex(b), '02420a00010502420a000102080045');
  assert.deepEqual(parse(b), f);
  // Emitting at an offset leaves the bytes around alone.
  const buf = new Uint8Array(20).fill(0xa5);
  emit(f, buf, 3);
  assert.equal(toHex(buf), 'a5a5a5' + '02420a00010502420a000102080045' + 'a5a5');
});

test('truncated and invalid input', () => {
  assert.throws(() => parse(ARP_FRAME.subarray(0, 13)), (e: unknown) => e instanceof WireError && e.protocol === 'eth' && e.offset === 0 && /truncated/.test(e.message));
  assert.throws(() => parse(TAGGED.subarray(0, 17)), (e: unknown) => e instanceof WireError && e.field === 'vlan' && e.offset === 14);
  assert.deepEqual(parse(ARP_FRAME.subarray(0, 14)).payload.length, 0);
  const f = parse(ARP_FRAME);
  assert.throws(() => emit(f, new Uint8Array(41)), (e: unknown) => e instanceof WireError && e.field === 'buffer');
  assert.throws(() => encode({ ...f, ethertype: 0x10000 }), WireError);
  assert.throws(() => encode({ ...f, dst: -1 }), WireError);
  assert.throws(() => encode({ ...f, vlan: { pcp: 8, dei: false, vid: 1 } }), WireError);
  assert.throws(() => encode({ ...f, vlan: { pcp: 0, dei: false, vid: 4096 } }), WireError);
});
