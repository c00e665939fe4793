import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from './error.ts';
import {
  formatCidr,
  formatIpv4,
  inSubnet,
  isLoopbackIpv4,
  isMulticastIpv4,
  networkOf,
  parseCidr,
  parseIpv4,
  prefixMask,
  readIpv4,
  writeIpv4,
} from './ipv4-address.ts';

test('parse and format', () => {
  assert.equal(parseIpv4('10.0.1.2'), 0x0a000102);
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  assert.equal(parseIpv4('0.0.0.0'), 0);
  assert.equal(parseIpv4('192.168.99.11'), 0xc0a8630b);
  assert.equal(formatIpv4(0xc0a8630b), '192.168.99.11');
  assert.equal(formatIpv4(0xffffffff), '255.255.255.255');
  for (const bad of ['', '10.0.1', '10.0.1.2.3', '256.0.0.1', '010.0.0.1', '1.2.3.-4', '1.2.3.4 ', 'a.b.c.d', '1..2.3']) {
    assert.throws(() => parseIpv4(bad), WireError, bad);
  }
});

test('read and write bytes', () => {
  const b = new Uint8Array(6).fill(0xa5);
  writeIpv4(b, 1, parseIpv4('172.17.0.1'));
  assert.deepEqual([...b], [0xa5, 172, 17, 0, 1, 0xa5]);
  assert.equal(readIpv4(b, 1), parseIpv4('172.17.0.1'));
  assert.ok(readIpv4(new Uint8Array([255, 0, 0, 1]), 0) > 0); // never negative
});

test('prefixes and subnets', () => {
  assert.equal(prefixMask(24), 0xffffff00);
  assert.equal(prefixMask(0), 0);
  assert.equal(prefixMask(32), 0xffffffff);
  assert.equal(prefixMask(1), 0x80000000);
  assert.throws(() => prefixMask(33), RangeError);
  const c = parseCidr('172.17.0.1/16');
  assert.deepEqual(c, { address: parseIpv4('172.17.0.1'), prefixLength: 16 });
  assert.equal(formatCidr(c), '172.17.0.1/16');
  assert.equal(formatIpv4(networkOf(c.address, c.prefixLength)), '172.17.0.0');
  assert.equal(inSubnet(parseIpv4('172.17.200.3'), parseIpv4('172.17.0.0'), 16), true);
  assert.equal(inSubnet(parseIpv4('172.18.0.3'), parseIpv4('172.17.0.0'), 16), false);
  assert.equal(inSubnet(parseIpv4('8.8.8.8'), 0, 0), true);
  assert.throws(() => parseCidr('10.0.0.0/33'), WireError);
  assert.throws(() => parseCidr('10.0.0.0'), WireError);
  assert.equal(isMulticastIpv4(parseIpv4('224.0.0.22')), true);
  assert.equal(isMulticastIpv4(parseIpv4('10.0.0.1')), false);
  assert.equal(isLoopbackIpv4(parseIpv4('127.0.0.11')), true);
});
