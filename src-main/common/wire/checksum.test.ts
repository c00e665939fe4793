import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from './bytes.ts';
import { checksum, finish, fold, pseudoHeaderSum, sum, verify } from './checksum.ts';
import { parseIpv4 } from './ipv4-address.ts';

test('RFC 1071 worked example', () => {
  const b = fromHex('00 01 f2 03 f4 f5 f6 f7');
  assert.equal(sum(b), 0x2ddf0);
  assert.equal(fold(0x2ddf0), 0xddf2);
  assert.equal(checksum(b), 0x220d);
});

test('odd length pads the last byte with zero', () => {
  assert.equal(sum(fromHex('01 02 03')), 0x0102 + 0x0300);
  assert.equal(checksum(fromHex('ff')), 0x00ff);
  assert.equal(checksum(new Uint8Array(0)), 0xffff);
});

test('IPv4 header from a real capture: checksum a9e9 and verify', () => {
  // 01-overlay-ping-docker-underlay-n1eth0.pcap frame 3, inner IP header (checksum field at 10..11).
  const hdr = fromHex('4500 0054 7ab9 4000 4001 a9e9 0a00 0102 0a00 0105');
  assert.equal(verify(hdr), true);
  const zeroed = hdr.slice();
  zeroed[10] = 0;
  zeroed[11] = 0;
  assert.equal(checksum(zeroed), 0xa9e9);
  hdr[8] = 0x3f; // TTL 63 without fixing the checksum
  assert.equal(verify(hdr), false);
});

test('UDP pseudo header: a real DNS query checksums to 0x9c2e', () => {
  // 03-overlay-dns-c1eth0.pcap frame 3: 10.0.1.2:33408 -> 10.0.1.4:53, UDP length 28, checksum 9c2e.
  const udp = fromHex('8280 0035 001c 9c2e 9366 0100 0001 0000 0000 0000 0263 3400 0001 0001');
  const ph = pseudoHeaderSum(parseIpv4('10.0.1.2'), parseIpv4('10.0.1.4'), 17, udp.length);
  assert.equal(verify(udp, 0, udp.length, ph), true);
  const z = udp.slice();
  z[6] = 0;
  z[7] = 0;
  assert.equal(finish(sum(z, 0, z.length, ph)), 0x9c2e);
});

test('partial sums chain across regions of even length', () => {
  const b = fromHex('12 34 56 78 9a bc de f0 11');
  assert.equal(fold(sum(b, 4, 9, sum(b, 0, 4))), fold(sum(b)));
  // Very long input: the accumulator never loses precision.
  const big = new Uint8Array(1 << 20).fill(0xff);
  assert.equal(checksum(big), 0);
});
