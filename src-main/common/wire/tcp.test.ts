import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import * as ethernet from './ethernet.ts';
import { parseIpv4 } from './ipv4-address.ts';
import * as ipv4 from './ipv4.ts';
import {
  ACK,
  bufferLen,
  emit,
  encode,
  formatFlags,
  linuxDataOptions,
  linuxSynOptions,
  parse,
  parseOptions,
  PSH,
  SYN,
  TcpView,
  type TcpSegment,
} from './tcp.ts';
import type { PseudoHeader } from './udp.ts';

const C1 = parseIpv4('10.0.1.2');
const C4 = parseIpv4('10.0.1.5');
const UP: PseudoHeader = { src: C1, dst: C4 };
const DOWN: PseudoHeader = { src: C4, dst: C1 };

// 04-overlay-http-c1eth0.pcap frame 3: curl's SYN, 74 bytes. MSS 1410, SACK_PERM, TS, NOP, WS 7; window 64860.
const SYN_FRAME = fromHex(
  '02420a000105 02420a000102 0800' +
    '4500 003c d530 4000 4006 4f85 0a000102 0a000105' +
    'e8ae 1f90 79d1b0c6 00000000 a002 fd5c d8ad 0000' +
    '02040582 0402 080a3f40ea0900000000 01 030307',
);
// Frame 4: the SYN-ACK (IP ID 0, DF), window 64308.
const SYNACK_TCP = fromHex('1f90 e8ae 3df2120e 79d1b0c7 a012 fb34 1950 0000 02040582 0402 080afe0a73693f40ea09 01 030307');
// Frame 6: the 86-byte HTTP request, PSH+ACK, NOP NOP TS.
const REQUEST_TCP = fromHex(
  'e8ae 1f90 79d1b0c7 3df2120f 8018 01fb 3e70 0000 0101 080a3f40ea0afe0a7369' +
    '474554202f68656c6c6f2e74787420485454502f312e310d0a486f73743a2031302e302e312e353a383038300d0a557365722d4167656e743a206375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a0d0a',
);

function emitOverA5(s: TcpSegment, ph: PseudoHeader): string {
  const buf = new Uint8Array(bufferLen(s)).fill(0xa5);
  assert.equal(emit(s, buf, 0, ph), buf.length);
  return toHex(buf);
}

test("Linux's SYN: fields, option order, checksum", () => {
  const ip = ipv4.parse(ethernet.parse(SYN_FRAME).payload);
  assert.equal(ip.protocol, ipv4.PROTO_TCP);
  const s = parse(ip.payload);
  assert.deepEqual(s, {
    srcPort: 59566,
    dstPort: 8080,
    seq: 0x79d1b0c6,
    ack: 0,
    flags: SYN,
    window: 64860,
    urgentPointer: 0,
    options: linuxSynOptions(1410, 1061218825, 0, 7),
    payload: new Uint8Array(0),
  });
  const v = TcpView.check(ip.payload);
  assert.equal(v.headerLen, 40);
  assert.equal(v.checksum, 0xd8ad);
  assert.equal(v.checksumValid(UP), true);
  assert.equal(v.checksumValid({ src: C1, dst: parseIpv4('10.0.1.6') }), false);
  assert.deepEqual(
    [...v.rawOptions].filter((_, i) => [0, 4, 6, 16, 17].includes(i)),
    [2, 4, 8, 1, 3],
  );
  assert.equal(emitOverA5(s, UP), toHex(ip.payload));
});

test('the SYN-ACK and a data segment, byte-exact', () => {
  const sa = parse(SYNACK_TCP);
  assert.equal(formatFlags(sa.flags), 'ACK, SYN');
  assert.equal(sa.window, 64308);
  assert.deepEqual(sa.options, linuxSynOptions(1410, 4262097769, 1061218825, 7));
  assert.equal(TcpView.check(SYNACK_TCP).checksumValid(DOWN), true);
  assert.equal(emitOverA5(sa, DOWN), toHex(SYNACK_TCP));

  const rq = parse(REQUEST_TCP);
  assert.equal(rq.flags, PSH | ACK);
  assert.equal(rq.window, 507);
  assert.deepEqual(rq.options, linuxDataOptions(1061218826, 4262097769));
  assert.equal(rq.payload.length, 86);
  assert.match(new TextDecoder().decode(rq.payload), /^GET \/hello\.txt HTTP\/1\.1\r\n/);
  assert.equal(TcpView.check(REQUEST_TCP).headerLen, 32);
  assert.equal(emitOverA5(rq, UP), toHex(REQUEST_TCP));
  assert.deepEqual(parse(encode(rq, UP)), rq);
});

test('SACK, unknown options and EOL padding round-trip', () => {
  const s: TcpSegment = {
    srcPort: 1,
    dstPort: 2,
    seq: 0xffffffff,
    ack: 7,
    flags: ACK,
    window: 100,
    urgentPointer: 0,
    options: [
      { kind: 'nop' },
      { kind: 'nop' },
      { kind: 'sack', blocks: [{ left: 10, right: 20 }, { left: 30, right: 40 }] },
      { kind: 'unknown', type: 30, data: fromHex('0102') },
    ],
    payload: fromHex('ff'),
  };
  const b = encode(s, UP);
  assert.equal(TcpView.check(b).headerLen, 20 + 24); // 2 + 18 + 4 = 24
  assert.equal(toHex(b.subarray(20, 44)), '0101' + '0512' + '0000000a00000014' + '0000001e00000028' + '1e040102');
  assert.deepEqual(parse(b), s);
  const padded = encode({ ...s, options: [{ kind: 'mss', value: 536 }, { kind: 'windowScale', shift: 0 }] }, UP);
  assert.equal(toHex(padded.subarray(20, 28)), '0204021803030000'); // EOL fill to 8 bytes
  assert.deepEqual(parse(padded).options, [{ kind: 'mss', value: 536 }, { kind: 'windowScale', shift: 0 }]);
});

test('bad options give WireError with the offset in the TCP header', () => {
  const is = (offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'tcp' && e.field === 'option_len' && e.offset === offset;
  assert.throws(() => parseOptions(fromHex('0203 0582')), is(21)); // MSS with length 3
  assert.throws(() => parseOptions(fromHex('01 02')), is(22)); // no length octet
  assert.throws(() => parseOptions(fromHex('0101 0801')), is(23)); // length below 2
  assert.throws(() => parseOptions(fromHex('080a 0000')), is(21)); // runs past the header
  assert.throws(() => parseOptions(fromHex('0503 000000')), is(21)); // SACK not 2 + 8n
  assert.deepEqual(parseOptions(fromHex('0000 0204')), []); // EOL ends the list
});

test('truncated and invalid input', () => {
  const is = (field: string, offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'tcp' && e.field === field && e.offset === offset;
  assert.throws(() => parse(SYNACK_TCP.subarray(0, 19)), is('header', 0));
  assert.throws(() => parse(SYNACK_TCP.subarray(0, 39)), is('options', 20));
  const doff = SYNACK_TCP.slice();
  doff[12] = 0x40;
  assert.throws(() => parse(doff), is('hdr_len', 12));
  const s = parse(SYNACK_TCP);
  assert.throws(() => encode({ ...s, seq: 2 ** 32 }, UP), is('seq', 4));
  assert.throws(() => encode({ ...s, flags: 0x200 }, UP), is('flags', 12));
  assert.throws(() => encode({ ...s, options: [...s.options, ...linuxDataOptions(1, 2), ...linuxDataOptions(1, 2)] }, UP), is('options', 20));
  assert.throws(() => emit(s, new Uint8Array(39), 0, UP), is('buffer', 0));
});
