import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from './bytes.ts';
import { WireError } from './error.ts';
import { parseIpv4 } from './ipv4-address.ts';
import {
  formatIpv6,
  formatIpv6Cidr,
  inSubnetIpv6,
  ipv6MulticastMac,
  ipv6ToBytes,
  isIpv6,
  isLinkLocalIpv6,
  isMulticastIpv6,
  linkLocalFromMac,
  mappedIpv4,
  parseIpv6,
  parseIpv6Cidr,
  readIpv6,
  solicitedNodeMulticast,
  writeIpv6,
} from './ipv6-address.ts';
import { formatMac, parseMac } from './mac.ts';

test('canonical text form (RFC 5952)', () => {
  const cases: [string, string][] = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['0:0:0:0:0:0:0:0', '::'],
    ['0::1', '::1'],
    ['fe80:0:0:0:0:0:0:0', 'fe80::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:10.0.1.2', '::ffff:10.0.1.2'],
    ['::FFFF:0a00:0102', '::ffff:10.0.1.2'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['::1.2.3.4', '::102:304'],
  ];
  for (const [input, want] of cases) {
    assert.equal(parseIpv6(input), want, input);
    assert.equal(isIpv6(want), true, want);
  }
  assert.equal(isIpv6('2001:DB8::1'), false);
  assert.equal(isIpv6('2001:db8:0::1'), false);
});

test('bytes in and out', () => {
  const b = ipv6ToBytes('fe80::42:acff:fe11:2');
  assert.equal(toHex(b), 'fe800000000000000042acfffe110002');
  assert.equal(formatIpv6(b), 'fe80::42:acff:fe11:2');
  const buf = new Uint8Array(20).fill(0xa5);
  writeIpv6(buf, 2, '2001:db8::1');
  assert.equal(toHex(buf), 'a5a5' + '20010db8000000000000000000000001' + 'a5a5');
  assert.equal(readIpv6(buf, 2), '2001:db8::1');
  assert.throws(() => formatIpv6(new Uint8Array(4)), WireError);
});

test('refuses what is not an address', () => {
  for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::', '12345::', '1.2.3.4', '::1.2.3', '::256.1.1.1', '::01.2.3.4', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', 'fe80::1%eth0', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4:5']) {
    assert.throws(() => parseIpv6(bad), (e: unknown) => e instanceof WireError && e.protocol === 'ipv6', JSON.stringify(bad));
    assert.equal(isIpv6(bad), false);
  }
});

test('link-local, multicast, solicited-node, mapped', () => {
  assert.equal(linkLocalFromMac(parseMac('02:42:ac:11:00:02')), 'fe80::42:acff:fe11:2');
  assert.equal(linkLocalFromMac(parseMac('00:16:3e:ff:01:02')), 'fe80::216:3eff:feff:102');
  assert.equal(solicitedNodeMulticast('fe80::42:acff:fe11:3'), 'ff02::1:ff11:3');
  assert.equal(solicitedNodeMulticast('2001:db8::abcd:ef01'), 'ff02::1:ffcd:ef01');
  assert.equal(formatMac(ipv6MulticastMac('ff02::1:ff11:3')), '33:33:ff:11:00:03');
  assert.equal(formatMac(ipv6MulticastMac('ff02::1')), '33:33:00:00:00:01');
  assert.equal(isMulticastIpv6('ff02::1'), true);
  assert.equal(isMulticastIpv6('ff::1'), false);
  assert.equal(isLinkLocalIpv6('fe80::1'), true);
  assert.equal(isLinkLocalIpv6('febf::1'), true);
  assert.equal(isLinkLocalIpv6('fec0::1'), false);
  assert.equal(mappedIpv4('::ffff:10.0.1.2'), parseIpv4('10.0.1.2'));
  assert.equal(mappedIpv4('::10.0.1.2'), undefined);
});

test('prefixes', () => {
  const c = parseIpv6Cidr('fd00:1:2::5/64');
  assert.deepEqual(c, { address: 'fd00:1:2::5', prefixLength: 64 });
  assert.equal(formatIpv6Cidr(c), 'fd00:1:2::5/64');
  assert.equal(inSubnetIpv6('fd00:1:2::5', 'fd00:1:2::', 64), true);
  assert.equal(inSubnetIpv6('fd00:1:3::5', 'fd00:1:2::', 64), false);
  assert.equal(inSubnetIpv6('fd00:1:3::5', 'fd00:1:2::', 47), true);
  assert.equal(inSubnetIpv6('fd00:1:3::5', 'fd00:1:2::', 48), false);
  assert.equal(inSubnetIpv6('::1', '::', 0), true);
  assert.equal(inSubnetIpv6('::1', '::1', 128), true);
  for (const bad of ['fd00::/129', 'fd00::', 'fd00::/064', 'fd00::/']) assert.throws(() => parseIpv6Cidr(bad), WireError, bad);
  assert.throws(() => inSubnetIpv6('::1', '::', 129), RangeError);
});
