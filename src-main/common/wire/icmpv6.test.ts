import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import * as ethernet from './ethernet.ts';
import {
  bufferLen,
  emit,
  encode,
  Icmpv6View,
  parse,
  parseNdpOptions,
  TYPE_NEIGHBOR_SOLICITATION,
  UNREACH_PORT,
  type Icmpv6Message,
} from './icmpv6.ts';
import { linkLocalFromMac, solicitedNodeMulticast } from './ipv6-address.ts';
import * as ipv6 from './ipv6.ts';
import type { PseudoHeader6 } from './ipv6.ts';
import { parseMac } from './mac.ts';

// Hand-built messages; tshark 4.0 decodes each as described, with "Checksum: [correct]" and no expert warnings.
const M2 = parseMac('02:42:ac:11:00:02');
const M3 = parseMac('02:42:ac:11:00:03');
const MR = parseMac('02:42:ac:11:00:01');
const L2 = 'fe80::42:acff:fe11:2';
const L3 = 'fe80::42:acff:fe11:3';
const LR = 'fe80::42:acff:fe11:1';
const G1 = '2001:db8:1::1';
const G2 = '2001:db8:1::2';
const G3 = '2001:db8:1::3';

// "Neighbor Solicitation for fe80::42:acff:fe11:3 from 02:42:ac:11:00:02", to the solicited-node group, hop limit 255.
const NS_FRAME = fromHex(
  '3333ff110003 0242ac110002 86dd' +
    '60000000 0020 3a ff fe800000000000000042acfffe110002 ff0200000000000000000001ff110003' +
    '8700 7787 00000000 fe800000000000000042acfffe110003' +
    '01 01 0242ac110002',
);
// "Neighbor Advertisement fe80::42:acff:fe11:3 (sol, ovr) is at 02:42:ac:11:00:03"
const NA = fromHex('8800 69c7 60000000 fe800000000000000042acfffe110003 02 01 0242ac110003');
// "Router Solicitation from 02:42:ac:11:00:02" to ff02::2
const RS = fromHex('8500 2283 00000000 01 01 0242ac110002');
// Router Advertisement from fe80::42:acff:fe11:1 to ff02::1: hop limit 64, O flag, lifetime 1800 s, source
// link-layer address, MTU 1500, prefix 2001:db8:1::/64 with L and A, valid 2592000 s, preferred 604800 s.
const RA = fromHex(
  '8600 9601 40 40 0708 00000000 00000000' +
    '01 01 0242ac110001' +
    '05 01 0000 000005dc' +
    '03 04 40 c0 00278d00 00093a80 00000000 20010db8000100000000000000000000',
);
const PING = '98bf026b00000000 91be000000000000 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';
// Echo request 2001:db8:1::2 -> ::3 and its reply.
const ECHO_REQUEST = fromHex(`8000 1bf4 1c5b 0001 ${PING}`);
const ECHO_REPLY = fromHex(`8100 1af4 1c5b 0001 ${PING}`);
// The invoking packets quoted below: the echo request's IPv6 packet, and a UDP datagram ::2:40000 -> ::3:5000.
const ECHO_IP = fromHex(`6005a3c1 0040 3a 40 20010db8000100000000000000000002 20010db8000100000000000000000003 ${toHex(ECHO_REQUEST)}`);
const UDP_IP = fromHex('60012345 0010 11 40 20010db8000100000000000000000002 20010db8000100000000000000000003 9c40 1388 0010 62f7 6162636465666768');
// "Packet Too Big", MTU 1280, from 2001:db8:1::1 to ::2.
const PTB = fromHex(`0200 5f11 00000500 ${toHex(ECHO_IP)}`);
// "Destination Unreachable (Port unreachable)" from ::3 to ::2.
const UNREACH = fromHex(`0104 0e93 00000000 ${toHex(UDP_IP)}`);
// "Time Exceeded (hop limit exceeded in transit)" from ::1 to ::2.
const TIME_EXCEEDED = fromHex(`0300 0c99 00000000 ${toHex(UDP_IP)}`);

function emitOverA5(m: Icmpv6Message, ph: PseudoHeader6): string {
  const buf = new Uint8Array(bufferLen(m)).fill(0xa5);
  assert.equal(emit(m, buf, 0, ph), buf.length);
  return toHex(buf);
}

function roundTrip(bytes: Uint8Array, ph: PseudoHeader6): Icmpv6Message {
  assert.equal(Icmpv6View.check(bytes).checksumValid(ph), true);
  const m = parse(bytes);
  assert.equal(emitOverA5(m, ph), toHex(bytes));
  assert.deepEqual(parse(encode(m, ph)), m);
  return m;
}

test('neighbor solicitation in its frame: solicited-node group, hop limit 255, source link-layer option', () => {
  const ip = ipv6.parse(ethernet.parse(NS_FRAME).payload);
  assert.equal(ip.hopLimit, 255);
  assert.equal(ip.src, linkLocalFromMac(M2));
  assert.equal(ip.dst, solicitedNodeMulticast(L3));
  const m = roundTrip(ip.payload, ip);
  assert.deepEqual(m, { kind: 'neighborSolicitation', target: L3, options: [{ kind: 'sourceLinkLayer', mac: M2 }] });
  assert.equal(Icmpv6View.check(ip.payload).type, TYPE_NEIGHBOR_SOLICITATION);
  assert.equal(Icmpv6View.check(ip.payload).checksumValid({ src: L2, dst: 'ff02::1:ff11:4' }), false);
});

test('neighbor advertisement, router solicitation, router advertisement', () => {
  assert.deepEqual(roundTrip(NA, { src: L3, dst: L2 }), {
    kind: 'neighborAdvertisement',
    router: false,
    solicited: true,
    override: true,
    target: L3,
    options: [{ kind: 'targetLinkLayer', mac: M3 }],
  });
  assert.deepEqual(roundTrip(RS, { src: L2, dst: 'ff02::2' }), { kind: 'routerSolicitation', options: [{ kind: 'sourceLinkLayer', mac: M2 }] });
  assert.deepEqual(roundTrip(RA, { src: LR, dst: 'ff02::1' }), {
    kind: 'routerAdvertisement',
    curHopLimit: 64,
    managed: false,
    other: true,
    routerLifetime: 1800,
    reachableTime: 0,
    retransTimer: 0,
    options: [
      { kind: 'sourceLinkLayer', mac: MR },
      { kind: 'mtu', mtu: 1500 },
      { kind: 'prefixInformation', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800, prefix: '2001:db8:1::' },
    ],
  });
});

test('echo request and reply', () => {
  assert.deepEqual(roundTrip(ECHO_REQUEST, { src: G2, dst: G3 }), { kind: 'echoRequest', identifier: 0x1c5b, sequence: 1, data: fromHex(PING) });
  assert.deepEqual(roundTrip(ECHO_REPLY, { src: G3, dst: G2 }), { kind: 'echoReply', identifier: 0x1c5b, sequence: 1, data: fromHex(PING) });
});

test('errors quoting the invoking packet: packet too big, port unreachable, time exceeded', () => {
  assert.deepEqual(roundTrip(PTB, { src: G1, dst: G2 }), { kind: 'packetTooBig', mtu: 1280, quote: ECHO_IP });
  assert.deepEqual(roundTrip(UNREACH, { src: G3, dst: G2 }), { kind: 'destUnreachable', code: UNREACH_PORT, quote: UDP_IP });
  assert.deepEqual(roundTrip(TIME_EXCEEDED, { src: G1, dst: G2 }), { kind: 'timeExceeded', code: 0, quote: UDP_IP });
  assert.equal(ipv6.parse(PTB.subarray(8)).flowLabel, 0x5a3c1);
  const pp: Icmpv6Message = { kind: 'parameterProblem', code: 1, pointer: 40, quote: UDP_IP };
  const ppBytes = encode(pp, { src: G3, dst: G2 });
  assert.equal(toHex(ppBytes.subarray(0, 2)) + toHex(ppBytes.subarray(4, 8)), '0401' + '00000028');
  assert.deepEqual(parse(ppBytes), pp);
});

test('non-zero codes, reserved bits and unknown types parse as other and emit unchanged', () => {
  const ph = { src: G2, dst: G3 };
  const odd = [
    fromHex('8001 0000 1c5b 0001'), // echo with code 1
    fromHex('0100 0000 00000001 60'), // unreachable with unused != 0
    fromHex('8700 0000 00000001 fe800000000000000042acfffe110003'), // NS with reserved bits
    fromHex('86 00 0000 40 08 0000 00000000 00000000'), // RA with the H flag
    fromHex('8f00 0000 0000 0000'), // MLDv2 report
    fromHex('ff00 0000'), // unknown, bare header
  ];
  for (const b of odd) {
    const m = parse(b);
    assert.equal(m.kind, 'other', toHex(b));
    const again = encode(m, ph);
    assert.equal(toHex(again.subarray(4)), toHex(b.subarray(4)));
    assert.equal(toHex(again.subarray(0, 2)), toHex(b.subarray(0, 2)));
  }
});

test('ND options: unknown and non-Ethernet link-layer options are kept raw', () => {
  const raw = fromHex('0e01 aabbccddeeff 0102 0011223344556677889900aabbcc');
  assert.deepEqual(parseNdpOptions(raw, 0), [
    { kind: 'unknown', type: 14, data: fromHex('aabbccddeeff') },
    { kind: 'unknown', type: 1, data: fromHex('0011223344556677889900aabbcc') },
  ]);
  // A prefix longer than 128 bits cannot be a prefix-information record (found by the fuzz test): kept raw.
  const pi = fromHex('0304 c0 c0 00278d00 00093a80 00000000 20010db8000100000000000000000000');
  assert.equal(parseNdpOptions(pi, 0)[0]!.kind, 'unknown');
  const m: Icmpv6Message = { kind: 'routerSolicitation', options: parseNdpOptions(raw, 0) };
  assert.equal(toHex(encode(m, { src: L2, dst: 'ff02::2' }).subarray(8)), toHex(raw));
});

test('truncated and malformed input', () => {
  const is = (field: string, offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'icmpv6' && e.field === field && e.offset === offset;
  assert.throws(() => parse(RA.subarray(0, 3)), is('header', 0));
  assert.throws(() => parse(ECHO_REQUEST.subarray(0, 7)), is('echo', 4));
  assert.throws(() => parse(NA.subarray(0, 23)), is('nd.na.target_address', 4));
  assert.throws(() => parse(RA.subarray(0, 15)), is('nd.ra', 4));
  assert.throws(() => parse(PTB.subarray(0, 6)), is('mtu', 4));
  // Options: cut inside, zero length, running past the end.
  for (let n = 17; n < RA.length; n++) {
    if (n === 24 || n === 32) assert.equal(parse(RA.subarray(0, n)).kind, 'routerAdvertisement'); // ends after an option
    else assert.throws(() => parse(RA.subarray(0, n)), WireError, `length ${n}`);
  }
  const zero = RS.slice();
  zero[9] = 0;
  assert.throws(() => parse(zero), is('opt.length', 9));
  const long = RS.slice();
  long[9] = 2;
  assert.throws(() => parse(long), is('opt.length', 9));
  assert.throws(() => parse(RS.subarray(0, 9)), is('opt', 8));
  // Emit checks.
  const ph = { src: G2, dst: G3 };
  assert.throws(() => encode({ kind: 'echoRequest', identifier: 65536, sequence: 0, data: new Uint8Array(0) }, ph), is('echo.identifier', 4));
  assert.throws(() => encode({ kind: 'neighborSolicitation', target: 'FE80::1', options: [] }, ph), is('nd.target_address', 8));
  assert.throws(() => encode({ kind: 'routerSolicitation', options: [{ kind: 'unknown', type: 9, data: new Uint8Array(5) }] }, ph), is('opt.length', 9));
  assert.throws(() => encode({ kind: 'routerSolicitation', options: [{ kind: 'sourceLinkLayer', mac: -1 }] }, ph), is('opt.linkaddr', 10));
  assert.throws(() => emit(parse(RS), new Uint8Array(10), 0, ph), is('buffer', 0));
});
