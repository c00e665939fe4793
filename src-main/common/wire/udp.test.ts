import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import * as ethernet from './ethernet.ts';
import { parseIpv4 } from './ipv4-address.ts';
import * as ipv4 from './ipv4.ts';
import { bufferLen, emit, encode, parse, UdpView, type PseudoHeader } from './udp.ts';

// 03-overlay-dns-c1eth0.pcap frame 3: glibc A query for "c4", 10.0.1.2:33408 -> 10.0.1.4:53 (62-byte frame).
const QUERY_FRAME = fromHex(
  '02420a000104 02420a000102 0800' +
    '4500 0030 737a 4000 4011 b13d 0a000102 0a000104' +
    '8280 0035 001c 9c2e' +
    '9366 0100 0001 0000 0000 0000 0263 3400 0001 0001',
);
const PH: PseudoHeader = { src: parseIpv4('10.0.1.2'), dst: parseIpv4('10.0.1.4') };

test('parses the real DNS query datagram and verifies its checksum', () => {
  const ip = ipv4.parse(ethernet.parse(QUERY_FRAME).payload);
  assert.equal(ip.protocol, ipv4.PROTO_UDP);
  const d = parse(ip.payload);
  assert.equal(d.srcPort, 33408);
  assert.equal(d.dstPort, 53);
  assert.equal(d.payload.length, 20);
  const v = UdpView.check(ip.payload);
  assert.equal(v.length, 28);
  assert.equal(v.checksum, 0x9c2e);
  assert.equal(v.checksumStatus(PH), 'good');
  assert.equal(v.checksumStatus({ ...PH, dst: parseIpv4('10.0.1.5') }), 'bad');
});

test('rebuilds the whole frame byte-exactly over 0xa5', () => {
  const eth = ethernet.parse(QUERY_FRAME);
  const ip = ipv4.parse(eth.payload);
  const d = parse(ip.payload);
  const buf = new Uint8Array(QUERY_FRAME.length).fill(0xa5);
  // Innermost first, in place, so each layer's payload is already where it belongs.
  emit(d, buf, 34, { src: ip.src, dst: ip.dst });
  ipv4.emit({ ...ip, payload: buf.subarray(34, 34 + bufferLen(d)) }, buf, 14);
  ethernet.emit({ ...eth, payload: buf.subarray(14) }, buf, 0);
  assert.equal(toHex(buf), toHex(QUERY_FRAME));
});

test('checksum 0 means none; a computed 0 is sent as 0xffff', () => {
  const d = { srcPort: 1, dstPort: 2, payload: fromHex('0102') };
  const none = encode(d);
  assert.equal(toHex(none), '00010002000a00000102');
  assert.equal(UdpView.check(none).checksumStatus(PH), 'none');
  // Choose a payload word that makes the sum come out to exactly 0xffff, so the checksum would be 0.
  const probe = encode({ ...d, payload: fromHex('0000') }, PH);
  // With payload word 0 the checksum is c = ~fold(S0); a payload word equal to c makes the folded sum 0xffff,
  // whose complement is 0, which must go out as 0xffff.
  const c = UdpView.check(probe).checksum;
  const zeroish = encode({ ...d, payload: fromHex(c.toString(16).padStart(4, '0')) }, PH);
  assert.equal(UdpView.check(zeroish).checksum, 0xffff);
  assert.equal(UdpView.check(zeroish).checksumStatus(PH), 'good');
});

test('round trip and trailing bytes', () => {
  const d = parse(QUERY_FRAME.subarray(34));
  assert.deepEqual(parse(encode(d, PH)), d);
  assert.equal(toHex(encode(d, PH)), toHex(QUERY_FRAME.subarray(34)));
  const padded = new Uint8Array(40);
  padded.set(QUERY_FRAME.subarray(34));
  assert.equal(parse(padded).payload.length, 20);
});

test('truncated and invalid input', () => {
  const u = QUERY_FRAME.subarray(34);
  const is = (field: string, offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'udp' && e.field === field && e.offset === offset;
  assert.throws(() => parse(u.subarray(0, 7)), is('header', 0));
  assert.throws(() => parse(u.subarray(0, 27)), is('length', 4));
  const short = u.slice();
  short[5] = 7;
  assert.throws(() => parse(short), is('length', 4));
  assert.throws(() => encode({ srcPort: 65536, dstPort: 1, payload: new Uint8Array(0) }), is('srcport', 0));
  assert.throws(() => encode({ srcPort: 1, dstPort: 1, payload: new Uint8Array(65528) }), is('length', 4));
  assert.throws(() => emit(parse(u), new Uint8Array(27)), is('buffer', 0));
});
