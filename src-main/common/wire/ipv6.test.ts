import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { fold, sum } from './checksum.ts';
import { WireError } from './error.ts';
import * as ethernet from './ethernet.ts';
import {
  bufferLen,
  emit,
  encode,
  encodeOptions,
  Ipv6View,
  NEXT_DEST_OPTIONS,
  NEXT_FRAGMENT,
  NEXT_HOP_BY_HOP,
  NEXT_ICMPV6,
  NEXT_NONE,
  NEXT_ROUTING,
  NEXT_UDP,
  OPTION_PAD1,
  OPTION_PADN,
  OPTION_ROUTER_ALERT,
  parse,
  parseOptions,
  pseudoHeaderSum,
  type Ipv6Packet,
} from './ipv6.ts';

// Hand-built frames, each decoded by tshark 4.0 as described, with no expert warnings and checksums [correct].
const G2 = '20010db8000100000000000000000002';
const G3 = '20010db8000100000000000000000003';
const PING = '98bf026b00000000 91be000000000000 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';
// ping6 2001:db8:1::2 -> 2001:db8:1::3, flow label 0x5a3c1, hop limit 64, id 0x1c5b seq 1 (iputils payload).
const ECHO = fromHex('0242ac110003 0242ac110002 86dd' + `6005a3c1 0040 3a 40 ${G2} ${G3}` + `8000 1bf4 1c5b 0001 ${PING}`);
// MLDv2 report from fe80::42:acff:fe11:2 to ff02::16, hop limit 1, hop-by-hop header with Router Alert (MLD) + PadN.
const MLD = fromHex(
  '333300000016 0242ac110002 86dd' +
    '60000000 0024 00 01 fe800000000000000042acfffe110002 ff020000000000000000000000000016' +
    '3a 00 05020000 0100' +
    '8f00 c5a0 0000 0001 04 00 0000 ff0200000000000000000001ff110002',
);
// The echo request above in two fragments of 32 bytes, identification 0x8a6f0c21 (tshark reassembles the ping).
const FRAG1 = fromHex('0242ac110003 0242ac110002 86dd' + `6005a3c1 0028 2c 40 ${G2} ${G3}` + '3a 00 0001 8a6f0c21' + '80001bf41c5b0001 98bf026b00000000 91be000000000000 1011121314151617');
const FRAG2 = fromHex('0242ac110003 0242ac110002 86dd' + `6005a3c1 0028 2c 40 ${G2} ${G3}` + '3a 00 0020 8a6f0c21' + '18191a1b1c1d1e1f 2021222324252627 28292a2b2c2d2e2f 3031323334353637');
// DSCP EF, flow 0x12345: hop-by-hop (PadN) -> destination options (PadN) -> routing type 0 (segments left 0,
// one address) -> atomic fragment (id 7) -> UDP 40000 -> 5000 "abcdefgh", UDP checksum 0x62f7 [correct].
const CHAIN = fromHex(
  '0242ac110003 0242ac110002 86dd' +
    `6b812345 0040 00 40 ${G2} ${G3}` +
    '3c 00 010400000000' +
    '2b 00 010400000000' +
    `2c 02 00 00 00000000 ${G3}` +
    '11 00 0000 00000007' +
    '9c40 1388 0010 62f7 6162636465666768',
);

function ip(frame: Uint8Array): Uint8Array {
  const e = ethernet.parse(frame);
  assert.equal(e.ethertype, ethernet.ETHERTYPE_IPV6);
  return e.payload;
}

function emitOverA5(p: Ipv6Packet): string {
  const buf = new Uint8Array(bufferLen(p)).fill(0xa5);
  assert.equal(emit(p, buf, 0), buf.length);
  return toHex(buf);
}

test('fixed header: the ping6 echo request', () => {
  const bytes = ip(ECHO);
  const p = parse(bytes);
  assert.deepEqual({ ...p, payload: undefined }, {
    dscp: 0,
    ecn: 0,
    flowLabel: 0x5a3c1,
    hopLimit: 64,
    src: '2001:db8:1::2',
    dst: '2001:db8:1::3',
    extensions: [],
    nextHeader: NEXT_ICMPV6,
    payload: undefined,
  });
  assert.equal(p.payload.length, 64);
  const v = Ipv6View.check(bytes);
  assert.equal(v.version, 6);
  assert.equal(v.payloadLen, 64);
  assert.equal(v.trafficClass, 0);
  assert.deepEqual(v.chain(), { extensions: [], nextHeader: NEXT_ICMPV6, payloadOffset: 40 });
  assert.equal(emitOverA5(p), toHex(bytes));
  assert.deepEqual(parse(encode(p)), p);
  // The ICMPv6 checksum verifies over the pseudo header.
  assert.equal(fold(sum(p.payload, 0, 64, pseudoHeaderSum(p.src, p.dst, NEXT_ICMPV6, 64))), 0xffff);
});

test('hop-by-hop with Router Alert: the MLDv2 report', () => {
  const bytes = ip(MLD);
  const p = parse(bytes);
  assert.equal(p.hopLimit, 1);
  assert.equal(p.dst, 'ff02::16');
  assert.deepEqual(p.extensions, [{ kind: 'hopByHop', options: fromHex('050200000100') }]);
  assert.equal(p.nextHeader, NEXT_ICMPV6);
  assert.equal(p.payload.length, 28);
  assert.equal(Ipv6View.check(bytes).firstNextHeader, NEXT_HOP_BY_HOP);
  const opts = p.extensions[0]!.kind === 'hopByHop' ? p.extensions[0]!.options : new Uint8Array(0);
  assert.deepEqual(parseOptions(opts), [
    { type: OPTION_ROUTER_ALERT, data: fromHex('0000') },
    { type: OPTION_PADN, data: new Uint8Array(0) },
  ]);
  assert.equal(toHex(encodeOptions([{ type: OPTION_ROUTER_ALERT, data: fromHex('0000') }])), '050200000100');
  assert.equal(emitOverA5(p), toHex(bytes));
});

test('fragment headers: offsets in bytes, M flag, payload after the header; reassembly gives the echo', () => {
  const a = parse(ip(FRAG1));
  const b = parse(ip(FRAG2));
  assert.deepEqual(a.extensions, [{ kind: 'fragment', fragmentOffset: 0, moreFragments: true, identification: 0x8a6f0c21 }]);
  assert.deepEqual(b.extensions, [{ kind: 'fragment', fragmentOffset: 32, moreFragments: false, identification: 0x8a6f0c21 }]);
  assert.equal(a.nextHeader, NEXT_ICMPV6);
  assert.equal(b.nextHeader, NEXT_ICMPV6); // the fragment header names the original upper layer
  const whole = new Uint8Array(64);
  whole.set(a.payload, 0);
  whole.set(b.payload, 32);
  assert.equal(toHex(whole), toHex(parse(ip(ECHO)).payload));
  assert.equal(emitOverA5(a), toHex(ip(FRAG1)));
  assert.equal(emitOverA5(b), toHex(ip(FRAG2)));
});

test('a chain of all four extension headers', () => {
  const bytes = ip(CHAIN);
  const v = Ipv6View.check(bytes);
  assert.equal(v.dscp, 46);
  assert.equal(v.flowLabel, 0x12345);
  assert.deepEqual(v.chain(), {
    extensions: [
      { type: NEXT_HOP_BY_HOP, offset: 40, length: 8 },
      { type: NEXT_DEST_OPTIONS, offset: 48, length: 8 },
      { type: NEXT_ROUTING, offset: 56, length: 24 },
      { type: NEXT_FRAGMENT, offset: 80, length: 8 },
    ],
    nextHeader: NEXT_UDP,
    payloadOffset: 88,
  });
  const p = parse(bytes);
  assert.deepEqual(p.extensions, [
    { kind: 'hopByHop', options: fromHex('010400000000') },
    { kind: 'destinationOptions', options: fromHex('010400000000') },
    { kind: 'routing', routingType: 0, segmentsLeft: 0, data: fromHex(`00000000 ${G3}`) },
    { kind: 'fragment', fragmentOffset: 0, moreFragments: false, identification: 7 },
  ]);
  assert.equal(toHex(p.payload), '9c401388001062f76162636465666768');
  assert.equal(fold(sum(p.payload, 0, 16, pseudoHeaderSum(p.src, p.dst, NEXT_UDP, 16))), 0xffff);
  assert.equal(emitOverA5(p), toHex(bytes));
  assert.deepEqual(parse(encode(p)), p);
});

test('options helpers: Pad1 / PadN to 8n + 6', () => {
  assert.equal(toHex(encodeOptions([])), '010400000000');
  assert.equal(toHex(encodeOptions([{ type: 0xc9, data: fromHex('aabbccdd') }])), 'c904aabbccdd');
  assert.equal(toHex(encodeOptions([{ type: 0xc9, data: fromHex('aabbcc') }])), 'c903aabbcc00');
  assert.equal(toHex(encodeOptions([{ type: 0xc9, data: fromHex('aabbccddee') }])), 'c905aabbccddee' + '0105' + '0000000000');
  assert.deepEqual(parseOptions(fromHex('00 01 00 c9 01 ff 00')), [
    { type: OPTION_PAD1, data: new Uint8Array(0) },
    { type: OPTION_PADN, data: new Uint8Array(0) },
    { type: 0xc9, data: fromHex('ff') },
    { type: OPTION_PAD1, data: new Uint8Array(0) },
  ]);
  assert.throws(() => parseOptions(fromHex('0000c9'), 42), (e: unknown) => e instanceof WireError && e.field === 'opt.length' && e.offset === 45);
  assert.throws(() => parseOptions(fromHex('c905aabb'), 42), (e: unknown) => e instanceof WireError && e.offset === 43);
  assert.throws(() => encodeOptions([{ type: 1, data: new Uint8Array(256) }]), WireError);
});

test('bytes past the payload length are ignored; an empty payload with no next header', () => {
  const bytes = ip(ECHO);
  const padded = new Uint8Array(bytes.length + 10);
  padded.set(bytes);
  assert.equal(parse(padded).payload.length, 64);
  const none = encode({ ...parse(bytes), nextHeader: NEXT_NONE, payload: new Uint8Array(0) });
  assert.equal(toHex(none.subarray(4, 8)), '00003b40');
  assert.equal(parse(none).payload.length, 0);
});

test('truncated and invalid input', () => {
  const is = (field: string, offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'ipv6' && e.field === field && e.offset === offset;
  const echo = ip(ECHO);
  assert.throws(() => parse(echo.subarray(0, 39)), is('header', 0));
  assert.throws(() => parse(echo.subarray(0, 103)), is('plen', 4));
  const v4 = echo.slice();
  v4[0] = 0x45;
  assert.throws(() => parse(v4), is('version', 0));
  // Every truncation of the chain is refused at a header of the chain or at the payload length.
  const chain = ip(CHAIN);
  for (let n = 0; n < chain.length; n++) assert.throws(() => parse(chain.subarray(0, n)), WireError, `length ${n}`);
  // Payload length that cuts into the routing header.
  const cut = chain.slice();
  cut[5] = 30; // 40 + 30 = 70: the routing header at 56 needs 24
  assert.throws(() => parse(cut), is('routing.len', 57));
  const cutFrag = chain.slice();
  cutFrag[5] = 44; // the fragment header at 80 needs 8, 4 left
  assert.throws(() => parse(cutFrag), is('fragment', 80));
  // Hop-by-hop after destination options.
  const late = chain.slice();
  late[48] = NEXT_HOP_BY_HOP;
  assert.throws(() => parse(late), is('hopopts', 56));
  const p = parse(chain);
  assert.throws(() => encode({ ...p, extensions: [p.extensions[1]!, p.extensions[0]!] }), is('hopopts', 48));
  assert.throws(() => encode({ ...p, extensions: [p.extensions[3]!, p.extensions[0]!] }), WireError);
  assert.throws(() => encode({ ...p, extensions: [{ kind: 'hopByHop', options: fromHex('0100') }] }), is('hopopts.len', 41));
  assert.throws(() => encode({ ...p, extensions: [{ kind: 'routing', routingType: 0, segmentsLeft: 0, data: new Uint8Array(8) }] }), is('routing.len', 41));
  assert.throws(() => encode({ ...p, extensions: [{ kind: 'fragment', fragmentOffset: 12, moreFragments: false, identification: 1 }] }), is('fragment.offset', 42));
  assert.throws(() => encode({ ...p, extensions: [], nextHeader: NEXT_FRAGMENT }), is('nxt', 6));
  assert.throws(() => encode({ ...p, flowLabel: 0x100000 }), is('flow', 0));
  assert.throws(() => encode({ ...p, src: '2001:DB8::1' }), is('src', 8));
  assert.throws(() => encode({ ...p, extensions: [], payload: new Uint8Array(65536) }), is('plen', 4));
  assert.throws(() => emit(p, new Uint8Array(10)), is('buffer', 0));
});
