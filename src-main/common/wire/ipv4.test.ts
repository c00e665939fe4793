import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { checksum } from './checksum.ts';
import { WireError } from './error.ts';
import { parseIpv4 } from './ipv4-address.ts';
import {
  bufferLen,
  decrementTtl,
  emit,
  encode,
  encodeOptions,
  Ipv4View,
  OPTION_NOP,
  OPTION_ROUTER_ALERT,
  parse,
  parseOptions,
  PROTO_ICMP,
  PROTO_IGMP,
  PROTO_UDP,
  type Ipv4Packet,
} from './ipv4.ts';

// Inner ICMP echo request, 01-overlay-ping-docker-underlay-n1eth0.pcap frame 3 (IP part): DF, ID 0x7ab9.
const ECHO_IP = fromHex(
  '4500 0054 7ab9 4000 4001 a9e9 0a000102 0a000105' +
    '0800 8fe7 7c5b 0001 98bf026b00000000 91be000000000000 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);
// IGMPv3 report from the docker0 bridge (02-bridge-docker0-arp-icmp.pcap frame 1): IHL 6, Router Alert, TTL 1, DSCP 0x30.
const IGMP_IP = fromHex('46c0 0028 0000 4000 0102 57e7 ac110001 e0000016 94040000' + '2200 f993 0000 0001 04000000 e000006a');
// Last fragment of the 1423-byte ping (01c-overlay-mtu-underlay-n1eth0.pcap frame 6, inner IP): offset 1424, MF clear.
const LAST_FRAG = fromHex('4500 001b 8229 00b2 4001 e200 0a000102 0a000105 88898a8b8c8d8e');
// First fragment header of the same ping (frame 5): total 1444, MF set, offset 0.
const FIRST_FRAG_HEADER = fromHex('4500 05a4 8229 2000 4001 bd29 0a000102 0a000105');

function emitOverA5(p: Ipv4Packet): Uint8Array {
  const buf = new Uint8Array(bufferLen(p)).fill(0xa5);
  assert.equal(emit(p, buf, 0), buf.length);
  return buf;
}

test('parses the real echo request header', () => {
  const p = parse(ECHO_IP);
  assert.equal(p.dscp, 0);
  assert.equal(p.ecn, 0);
  assert.equal(p.identification, 0x7ab9);
  assert.equal(p.dontFragment, true);
  assert.equal(p.moreFragments, false);
  assert.equal(p.fragmentOffset, 0);
  assert.equal(p.ttl, 64);
  assert.equal(p.protocol, PROTO_ICMP);
  assert.equal(p.src, parseIpv4('10.0.1.2'));
  assert.equal(p.dst, parseIpv4('10.0.1.5'));
  assert.equal(p.options.length, 0);
  assert.equal(p.payload.length, 64);
  const v = Ipv4View.check(ECHO_IP);
  assert.equal(v.checksum, 0xa9e9);
  assert.equal(v.checksumValid, true);
  assert.equal(v.flags, 0x2);
  assert.equal(toHex(emitOverA5(p)), toHex(ECHO_IP));
  assert.deepEqual(parse(encode(p)), p);
});

test('options: the IGMPv3 report with Router Alert', () => {
  const p = parse(IGMP_IP);
  assert.equal(p.dscp, 0x30);
  assert.equal(p.ttl, 1);
  assert.equal(p.protocol, PROTO_IGMP);
  assert.equal(p.identification, 0);
  assert.equal(toHex(p.options), '94040000');
  assert.deepEqual(parseOptions(p.options), [{ type: OPTION_ROUTER_ALERT, data: fromHex('0000') }]);
  assert.equal(toHex(encodeOptions([{ type: OPTION_ROUTER_ALERT, data: fromHex('0000') }])), '94040000');
  assert.equal(p.payload.length, 16);
  assert.equal(Ipv4View.check(IGMP_IP).checksumValid, true);
  assert.equal(toHex(emitOverA5(p)), toHex(IGMP_IP));
});

test('fragments: offsets in bytes, MF flag, both headers byte-exact', () => {
  const last = parse(LAST_FRAG);
  assert.equal(last.identification, 0x8229);
  assert.equal(last.fragmentOffset, 1424);
  assert.equal(last.moreFragments, false);
  assert.equal(last.dontFragment, false);
  assert.equal(last.payload.length, 7);
  assert.equal(toHex(emitOverA5(last)), toHex(LAST_FRAG));
  const first = encode({ ...last, fragmentOffset: 0, moreFragments: true, payload: new Uint8Array(1424) });
  assert.equal(first.length, 1444);
  assert.equal(toHex(first.subarray(0, 20)), toHex(FIRST_FRAG_HEADER));
  assert.throws(() => encode({ ...last, fragmentOffset: 1425 }), (e: unknown) => e instanceof WireError && e.field === 'frag_offset' && e.offset === 6);
  assert.throws(() => encode({ ...last, fragmentOffset: 65536 }), WireError);
});

test('padding after the total length is ignored; the payload stops at total length', () => {
  const padded = new Uint8Array(LAST_FRAG.length + 19);
  padded.set(LAST_FRAG);
  const p = parse(padded);
  assert.equal(p.payload.length, 7);
});

test('checksum errors are reported by the view, not thrown by parse', () => {
  const bad = ECHO_IP.slice();
  bad[11] = bad[11]! ^ 1;
  assert.equal(Ipv4View.check(bad).checksumValid, false);
  assert.equal(parse(bad).ttl, 64);
  // Emitting recomputes it.
  assert.equal(toHex(encode(parse(bad))), toHex(ECHO_IP));
});

test('decrementTtl patches the checksum incrementally', () => {
  const b = ECHO_IP.slice();
  assert.equal(decrementTtl(b), 63);
  assert.equal(Ipv4View.check(b).checksumValid, true);
  const full = b.slice(0, 20);
  full[10] = 0;
  full[11] = 0;
  assert.equal(Ipv4View.check(b).checksum, checksum(full));
  // Over many headers including checksum wrap-around cases.
  for (let id = 0; id < 0x10000; id += 97) {
    for (const ttl of [1, 2, 64, 255]) {
      const h = encode({ ...parse(ECHO_IP), identification: id, ttl, payload: new Uint8Array(0) });
      decrementTtl(h);
      assert.equal(Ipv4View.check(h).checksumValid, true, `id ${id} ttl ${ttl}`);
    }
  }
  const z = encode({ ...parse(ECHO_IP), ttl: 0 });
  assert.throws(() => decrementTtl(z), WireError);
});

test('options helpers', () => {
  const opts = encodeOptions([{ type: OPTION_NOP, data: new Uint8Array(0) }, { type: 0x44, data: fromHex('0501') }]);
  assert.equal(toHex(opts), '0144040501000000');
  assert.deepEqual(parseOptions(opts), [
    { type: OPTION_NOP, data: new Uint8Array(0) },
    { type: 0x44, data: fromHex('0501') },
  ]);
  assert.throws(() => parseOptions(fromHex('4401')), (e: unknown) => e instanceof WireError && e.offset === 21);
  assert.throws(() => parseOptions(fromHex('44')), (e: unknown) => e instanceof WireError && e.offset === 21);
  assert.throws(() => parseOptions(fromHex('0144080000')), (e: unknown) => e instanceof WireError && e.offset === 22);
  assert.throws(() => encodeOptions([{ type: 0x44, data: new Uint8Array(39) }]), WireError);
  assert.throws(() => encode({ ...parse(ECHO_IP), options: fromHex('010101') }), (e: unknown) => e instanceof WireError && e.field === 'options');
});

test('truncated and invalid input', () => {
  const is = (field: string, offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'ip' && e.field === field && e.offset === offset;
  assert.throws(() => parse(ECHO_IP.subarray(0, 19)), is('header', 0));
  assert.throws(() => parse(ECHO_IP.subarray(0, 83)), is('len', 2));
  assert.throws(() => parse(IGMP_IP.subarray(0, 22)), is('options', 20));
  const v6 = ECHO_IP.slice();
  v6[0] = 0x65;
  assert.throws(() => parse(v6), is('version', 0));
  const ihl = ECHO_IP.slice();
  ihl[0] = 0x44;
  assert.throws(() => parse(ihl), is('hdr_len', 0));
  const tl = ECHO_IP.slice();
  tl[2] = 0;
  tl[3] = 19;
  assert.throws(() => parse(tl), is('len', 2));
  const p = parse(ECHO_IP);
  assert.throws(() => encode({ ...p, payload: new Uint8Array(65516) }), is('len', 2));
  assert.throws(() => encode({ ...p, ttl: 256 }), is('ttl', 8));
  assert.throws(() => encode({ ...p, protocol: PROTO_UDP, dscp: 64 }), WireError);
  assert.throws(() => emit(p, new Uint8Array(83)), is('buffer', 0));
});
