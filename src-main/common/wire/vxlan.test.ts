import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import * as ethernet from './ethernet.ts';
import * as icmp from './icmp.ts';
import { parseIpv4 } from './ipv4-address.ts';
import * as ipv4 from './ipv4.ts';
import { parseMac } from './mac.ts';
import * as udp from './udp.ts';
import { bufferLen, emit, encode, OVERHEAD, parse, UDP_PORT, VxlanView } from './vxlan.ts';

// 01-overlay-ping-docker-underlay-n1eth0.pcap frame 3: c1 -> c4 echo request across the overlay, 148 bytes.
const FRAME = fromHex(
  '029900000012 029900000011 0800' + // outer Ethernet: n1 -> n2
    '4500 0086 4a49 0000 4011 e8b5 c0a8630b c0a8630c' + // outer IPv4: DF clear, TTL 64, ID 0x4a49
    'b575 12b5 0072 c3db' + // outer UDP 46453 -> 4789, checksum filled in
    '08000000 00100100' + // VXLAN: flags 0x08, VNI 4097
    '02420a000105 02420a000102 0800' + // inner Ethernet: container MACs
    '4500 0054 7ab9 4000 4001 a9e9 0a000102 0a000105' +
    '0800 8fe7 7c5b 0001 98bf026b00000000 91be000000000000 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);

test('peels the real overlay frame layer by layer', () => {
  assert.equal(FRAME.length, 148);
  const outerIp = ipv4.parse(ethernet.parse(FRAME).payload);
  assert.equal(outerIp.dontFragment, false);
  const u = udp.parse(outerIp.payload);
  assert.equal(u.dstPort, UDP_PORT);
  assert.equal(u.srcPort, 46453);
  assert.equal(udp.UdpView.check(outerIp.payload).checksumStatus({ src: outerIp.src, dst: outerIp.dst }), 'good');
  const vx = parse(u.payload);
  assert.equal(vx.vni, 4097);
  assert.equal(VxlanView.check(u.payload).flags, 0x08);
  const inner = ethernet.parse(vx.payload);
  assert.equal(inner.src, parseMac('02:42:0a:00:01:02'));
  assert.equal(inner.payload.length + 14 + OVERHEAD, 148);
  const m = icmp.parse(ipv4.parse(inner.payload).payload);
  assert.equal(m.kind, 'echoRequest');
});

test('re-encapsulates byte-exactly (every byte written over 0xa5)', () => {
  const inner = FRAME.subarray(50);
  const buf = new Uint8Array(148).fill(0xa5);
  // Outside in, copying the inner frame into place.
  const vx = { vni: 4097, payload: inner };
  const udpLen = udp.HEADER_LEN + bufferLen(vx);
  emit(vx, buf, 42);
  const src = parseIpv4('192.168.99.11');
  const dst = parseIpv4('192.168.99.12');
  udp.emit({ srcPort: 46453, dstPort: UDP_PORT, payload: buf.subarray(42, 42 + bufferLen(vx)) }, buf, 34, { src, dst });
  ipv4.emit(
    { dscp: 0, ecn: 0, identification: 0x4a49, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: ipv4.PROTO_UDP, src, dst, options: new Uint8Array(0), payload: buf.subarray(34, 34 + udpLen) },
    buf,
    14,
  );
  ethernet.emit({ dst: parseMac('02:99:00:00:00:12'), src: parseMac('02:99:00:00:00:11'), ethertype: ethernet.ETHERTYPE_IPV4, payload: buf.subarray(14) }, buf, 0);
  assert.equal(toHex(buf), toHex(FRAME));
});

test('header alone, over 0xa5', () => {
  const buf = new Uint8Array(8).fill(0xa5);
  emit({ vni: 4097, payload: new Uint8Array(0) }, buf);
  assert.equal(toHex(buf), '0800000000100100');
  assert.equal(toHex(encode({ vni: 0xffffff, payload: fromHex('aa') })), '08000000ffffff00aa');
  assert.deepEqual(parse(encode({ vni: 1, payload: fromHex('aa') })), { vni: 1, payload: fromHex('aa') });
});

test('reserved bits are ignored on parse and zeroed on emit', () => {
  const odd = fromHex('0c123456 00100177 ee');
  assert.deepEqual(parse(odd), { vni: 4097, payload: fromHex('ee') });
  assert.equal(toHex(encode(parse(odd))), '0800000000100100ee');
});

test('truncated and invalid input', () => {
  assert.throws(() => parse(fromHex('08000000 001001')), (e: unknown) => e instanceof WireError && e.protocol === 'vxlan' && e.offset === 0);
  assert.throws(() => parse(fromHex('00000000 00100100')), (e: unknown) => e instanceof WireError && e.field === 'flags');
  assert.throws(() => encode({ vni: 0x1000000, payload: new Uint8Array(0) }), (e: unknown) => e instanceof WireError && e.field === 'vni' && e.offset === 4);
  assert.throws(() => emit({ vni: 1, payload: new Uint8Array(4) }, new Uint8Array(11)), WireError);
});
