import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode as encodeArp, emit, OP_REPLY, OP_REQUEST, parse, type ArpPacket } from './arp.ts';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import * as ethernet from './ethernet.ts';
import { parseIpv4 } from './ipv4-address.ts';
import { MAC_BROADCAST, parseMac } from './mac.ts';

// 01-overlay-ping-docker-underlay-n1eth0.pcap frames 1 and 2: underlay ARP request and reply.
const REQUEST = fromHex('ffffffffffff 029900000011 0806 0001 0800 06 04 0001 029900000011 c0a8630b 000000000000 c0a8630c');
const REPLY = fromHex('029900000011 029900000012 0806 0001 0800 06 04 0002 029900000012 c0a8630c 029900000011 c0a8630b');

test('parses the real underlay ARP request and reply', () => {
  const req = parse(ethernet.parse(REQUEST).payload);
  assert.deepEqual(req, {
    operation: OP_REQUEST,
    senderMac: parseMac('02:99:00:00:00:11'),
    senderIp: parseIpv4('192.168.99.11'),
    targetMac: 0,
    targetIp: parseIpv4('192.168.99.12'),
  });
  const rep = parse(ethernet.parse(REPLY).payload);
  assert.equal(rep.operation, OP_REPLY);
  assert.equal(rep.senderMac, parseMac('02:99:00:00:00:12'));
  assert.equal(rep.targetMac, parseMac('02:99:00:00:00:11'));
});

test('emits byte-exact frames over a 0xa5-filled buffer', () => {
  const arp: ArpPacket = {
    operation: OP_REPLY,
    senderMac: parseMac('02:99:00:00:00:12'),
    senderIp: parseIpv4('192.168.99.12'),
    targetMac: parseMac('02:99:00:00:00:11'),
    targetIp: parseIpv4('192.168.99.11'),
  };
  const buf = new Uint8Array(42).fill(0xa5);
  const frame: ethernet.EthernetFrame = { dst: arp.targetMac, src: arp.senderMac, ethertype: ethernet.ETHERTYPE_ARP, payload: new Uint8Array(0) };
  // Emit the ARP body in place first, then the Ethernet header around it (payload already in place).
  emit(arp, buf, 14);
  ethernet.emit({ ...frame, payload: buf.subarray(14) }, buf, 0);
  assert.equal(toHex(buf), toHex(REPLY));
  const req = parse(REQUEST.subarray(14));
  const b2 = new Uint8Array(28).fill(0xa5);
  emit(req, b2);
  assert.equal(toHex(b2), toHex(REQUEST.subarray(14)));
  assert.equal(toHex(encodeArp(req)), toHex(REQUEST.subarray(14)));
  assert.deepEqual(parse(encodeArp(req)), req);
});

test('trailing padding is ignored', () => {
  const padded = new Uint8Array(46);
  padded.set(REQUEST.subarray(14));
  assert.equal(parse(padded).targetIp, parseIpv4('192.168.99.12'));
});

test('truncated and unsupported input gives WireError with the offset', () => {
  const body = REQUEST.subarray(14);
  assert.throws(() => parse(body.subarray(0, 27)), (e: unknown) => e instanceof WireError && e.protocol === 'arp' && e.offset === 8);
  assert.throws(() => parse(body.subarray(0, 5)), (e: unknown) => e instanceof WireError && e.offset === 0);
  const bad = body.slice();
  bad[1] = 6; // IEEE 802 hardware type
  assert.throws(() => parse(bad), (e: unknown) => e instanceof WireError && e.field === 'hw.type' && e.offset === 0);
  const bad2 = body.slice();
  bad2[2] = 0x86;
  bad2[3] = 0xdd;
  assert.throws(() => parse(bad2), (e: unknown) => e instanceof WireError && e.field === 'proto.type' && e.offset === 2);
  const bad3 = body.slice();
  bad3[4] = 8;
  assert.throws(() => parse(bad3), (e: unknown) => e instanceof WireError && e.offset === 4);
  const req = parse(body);
  assert.throws(() => encodeArp({ ...req, senderMac: MAC_BROADCAST + 1 }), WireError);
  assert.throws(() => encodeArp({ ...req, targetIp: -1 }), WireError);
  assert.throws(() => emit(req, new Uint8Array(30), 3), (e: unknown) => e instanceof WireError && e.field === 'buffer');
});
