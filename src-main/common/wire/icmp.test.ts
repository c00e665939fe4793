import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import {
  bufferLen,
  emit,
  encode,
  IcmpView,
  linuxQuoteLength,
  parse,
  TIME_EXCEEDED_TTL,
  UNREACH_FRAG_NEEDED,
  UNREACH_PORT,
  type IcmpMessage,
} from './icmp.ts';
import * as ipv4 from './ipv4.ts';

// iputils ping payload: 16 bytes of struct timeval (LE), then 0x10..0x37 (reference/linux/facts.md 3.4).
const PING_DATA = fromHex('98bf026b00000000 91be000000000000 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637');
// 01-overlay-ping-docker-underlay-n1eth0.pcap frames 3 and 4 (inner ICMP): id 0x7c5b, seq 1.
const ECHO_REQUEST = concat(fromHex('0800 8fe7 7c5b 0001'), PING_DATA);
const ECHO_REPLY = concat(fromHex('0000 97e7 7c5b 0001'), PING_DATA);
// Hand-built, checked with tshark (checksums "correct", "MTU of next hop: 1450"): frag-needed for a DF UDP
// datagram 10.0.1.2:40000 -> 10.0.2.9:5000 quoting its IP header and 16 bytes.
const QUOTED = fromHex('4500 0024 1234 4000 4011 118b 0a000102 0a000209 9c40 1388 0010 0000 6162636465666768');
const FRAG_NEEDED = concat(fromHex('0304 b5e3 0000 05aa'), QUOTED);
// Time exceeded (TTL) quoting the IP header + 8 bytes (also checked with tshark).
const TIME_EXCEEDED = concat(fromHex('0b00 4527 0000 0000'), QUOTED.subarray(0, 28));

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function emitOverA5(m: IcmpMessage): string {
  const buf = new Uint8Array(bufferLen(m)).fill(0xa5);
  assert.equal(emit(m, buf, 0), buf.length);
  return toHex(buf);
}

test('echo request and reply from the overlay capture', () => {
  const req = parse(ECHO_REQUEST);
  assert.deepEqual(req, { kind: 'echoRequest', identifier: 0x7c5b, sequence: 1, data: PING_DATA });
  const rep = parse(ECHO_REPLY);
  assert.deepEqual(rep, { kind: 'echoReply', identifier: 0x7c5b, sequence: 1, data: PING_DATA });
  assert.equal(IcmpView.check(ECHO_REQUEST).checksum, 0x8fe7);
  assert.equal(IcmpView.check(ECHO_REQUEST).checksumValid, true);
  assert.equal(IcmpView.check(ECHO_REPLY).checksumValid, true);
  assert.equal(emitOverA5(req), toHex(ECHO_REQUEST));
  assert.equal(emitOverA5(rep), toHex(ECHO_REPLY));
  // The echo request inside its IP packet parses the same way.
  const ip = ipv4.parse(fromHex('4500 0054 7ab9 4000 4001 a9e9 0a000102 0a000105' + toHex(ECHO_REQUEST)));
  assert.deepEqual(parse(ip.payload), req);
});

test('fragmentation needed with next-hop MTU, quoting the original datagram', () => {
  const m = parse(FRAG_NEEDED);
  assert.deepEqual(m, { kind: 'destUnreachable', code: UNREACH_FRAG_NEEDED, nextHopMtu: 1450, quote: QUOTED });
  assert.equal(emitOverA5(m), toHex(FRAG_NEEDED));
  assert.equal(IcmpView.check(FRAG_NEEDED).checksumValid, true);
  // The quote parses as the original datagram's IP header.
  if (m.kind !== 'destUnreachable') throw new Error('kind');
  const orig = ipv4.parse(m.quote);
  assert.equal(orig.dontFragment, true);
  assert.equal(orig.protocol, ipv4.PROTO_UDP);
  // Port unreachable: no MTU.
  const pu: IcmpMessage = { kind: 'destUnreachable', code: UNREACH_PORT, nextHopMtu: 0, quote: QUOTED.subarray(0, 28) };
  assert.deepEqual(parse(encode(pu)), pu);
  assert.throws(() => encode({ ...pu, nextHopMtu: 1500 }), (e: unknown) => e instanceof WireError && e.field === 'mtu' && e.offset === 6);
});

test('time exceeded', () => {
  const m = parse(TIME_EXCEEDED);
  assert.deepEqual(m, { kind: 'timeExceeded', code: TIME_EXCEEDED_TTL, quote: QUOTED.subarray(0, 28) });
  assert.equal(emitOverA5(m), toHex(TIME_EXCEEDED));
});

test('other types and odd codes are carried raw and round-trip exactly', () => {
  const ts = fromHex('0d00 0000 1234 0001 00000001 00000002 00000003'); // timestamp request, checksum filled below
  const m = parse(ts);
  assert.equal(m.kind, 'other');
  const again = encode(m);
  assert.equal(IcmpView.check(again).checksumValid, true);
  assert.deepEqual(parse(again), m);
  const oddEcho = encode({ kind: 'other', type: 8, code: 1, rest: 0x00010002, data: new Uint8Array(0) });
  assert.equal(parse(oddEcho).kind, 'other');
  // Unreachable with a non-zero MTU on another code stays raw instead of losing bytes.
  const weird = encode({ kind: 'other', type: 3, code: 1, rest: 0x000005aa, data: new Uint8Array(0) });
  assert.deepEqual(parse(weird), { kind: 'other', type: 3, code: 1, rest: 0x5aa, data: new Uint8Array(0) });
});

test('Linux quotes at most 548 bytes of the offending datagram', () => {
  assert.equal(linuxQuoteLength(1500), 548);
  assert.equal(linuxQuoteLength(100), 100);
  assert.equal(linuxQuoteLength(1500, 400), 372);
  assert.equal(linuxQuoteLength(1500, 1500, 4), 544);
});

test('truncated and invalid input', () => {
  assert.throws(() => parse(ECHO_REQUEST.subarray(0, 7)), (e: unknown) => e instanceof WireError && e.protocol === 'icmp' && e.offset === 0);
  assert.deepEqual(parse(ECHO_REQUEST.subarray(0, 8)), { kind: 'echoRequest', identifier: 0x7c5b, sequence: 1, data: new Uint8Array(0) });
  const m = parse(ECHO_REQUEST);
  assert.throws(() => encode({ ...m, kind: 'echoRequest', identifier: 0x10000, sequence: 0, data: new Uint8Array(0) }), WireError);
  assert.throws(() => encode({ kind: 'timeExceeded', code: 256, quote: new Uint8Array(0) }), (e: unknown) => e instanceof WireError && e.field === 'code');
  assert.throws(() => emit(m, new Uint8Array(10)), (e: unknown) => e instanceof WireError && e.field === 'buffer');
});
