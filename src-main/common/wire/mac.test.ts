import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WireError } from './error.ts';
import {
  formatMac,
  ipv4MulticastMac,
  isBroadcastMac,
  isLocalMac,
  isMulticastMac,
  isUnicastMac,
  MAC_BROADCAST,
  parseMac,
  readMac,
  writeMac,
} from './mac.ts';
import { parseIpv4 } from './ipv4-address.ts';

test('parse and format', () => {
  assert.equal(parseMac('02:42:ac:11:00:02'), 0x0242ac110002);
  assert.equal(parseMac('02-42-AC-11-00-02'), 0x0242ac110002);
  assert.equal(parseMac('ff:ff:ff:ff:ff:ff'), MAC_BROADCAST);
  assert.equal(formatMac(0x0242ac110002), '02:42:ac:11:00:02');
  assert.equal(formatMac(0), '00:00:00:00:00:00');
  assert.equal(formatMac(MAC_BROADCAST), 'ff:ff:ff:ff:ff:ff');
  for (const bad of ['', '02:42:ac:11:00', '02:42:ac:11:00:02:03', '02:42-ac:11:00:02', '2:42:ac:11:00:02', 'zz:42:ac:11:00:02']) {
    assert.throws(() => parseMac(bad), WireError, bad);
  }
});

test('read and write bytes', () => {
  const b = new Uint8Array(8).fill(0xa5);
  writeMac(b, 1, parseMac('02:99:00:00:00:11'));
  assert.deepEqual([...b], [0xa5, 0x02, 0x99, 0x00, 0x00, 0x00, 0x11, 0xa5]);
  assert.equal(formatMac(readMac(b, 1)), '02:99:00:00:00:11');
  writeMac(b, 0, MAC_BROADCAST);
  assert.equal(readMac(b, 0), MAC_BROADCAST);
  assert.equal(formatMac(readMac(new Uint8Array([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54]), 0)), 'fe:dc:ba:98:76:54');
});

test('address classes', () => {
  assert.equal(isBroadcastMac(MAC_BROADCAST), true);
  assert.equal(isMulticastMac(MAC_BROADCAST), true);
  assert.equal(isMulticastMac(parseMac('01:00:5e:00:00:16')), true);
  assert.equal(isUnicastMac(parseMac('02:42:0a:00:01:02')), true);
  assert.equal(isLocalMac(parseMac('02:42:0a:00:01:02')), true);
  assert.equal(isLocalMac(parseMac('00:16:3e:00:00:01')), false);
  assert.equal(formatMac(ipv4MulticastMac(parseIpv4('224.0.0.22'))), '01:00:5e:00:00:16');
  assert.equal(formatMac(ipv4MulticastMac(parseIpv4('239.255.255.250'))), '01:00:5e:7f:ff:fa');
});
