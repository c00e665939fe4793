import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readU16 } from '../../common/wire/bytes.ts';
import * as tcp from '../../common/wire/tcp.ts';
import { Random } from '../../sim/random.ts';
import { csumReplace16, csumReplace32, manipInPlace, readIp } from './ipbytes.ts';
import { checksumsValid, icmpEcho, ip, tcpPacket, udpPacket } from './testing.ts';

test('RFC 1624 eqn. 3 on a single word agrees with the worked example', () => {
  // RFC 1624 §4: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285 gives 0x0000 with eqn. 3 (eqn. 2 gave 0xffff).
  assert.equal(csumReplace16(0xdd2f, 0x5555, 0x3285), 0x0000);
  // Replacing a value by itself changes nothing.
  assert.equal(csumReplace32(0x1234, 0xdeadbeef, 0xdeadbeef), 0x1234);
});

test('readIp reads addresses, ports, flags and ICMP ids', () => {
  const t = readIp(tcpPacket({ src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80, flags: tcp.SYN }))!;
  assert.equal(t.protocol, 6);
  assert.equal(t.src, ip('10.0.0.1'));
  assert.equal(t.sport, 40000);
  assert.equal(t.dport, 80);
  assert.equal(t.tcpFlags, tcp.SYN);
  const e = readIp(icmpEcho('10.0.0.1', '8.8.8.8', 0x77, 1))!;
  assert.equal(e.icmpType, 8);
  assert.equal(e.sport, 0x77);
  assert.equal(readIp(new Uint8Array([0x45, 0, 0, 10])), undefined);
  assert.equal(readIp(new Uint8Array(20)), undefined);
});

test('incremental rewrites equal full recomputation over 3000 random NAT rewrites (TCP, UDP, ICMP)', () => {
  const r = new Random(7).fork('csum');
  for (let i = 0; i < 3000; i++) {
    const kind = i % 3;
    const payload = r.fill(new Uint8Array(r.int(0, 40)));
    const a = `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
    const b = `172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(1, 254)}`;
    const pkt =
      kind === 0
        ? tcpPacket({ src: a, dst: b, sport: r.int(1, 65535), dport: r.int(1, 65535), flags: tcp.ACK | tcp.PSH, seq: r.nextU32(), ack: r.nextU32(), payload })
        : kind === 1
          ? udpPacket(a, b, r.int(1, 65535), r.int(1, 65535), payload)
          : icmpEcho(a, b, r.int(0, 65535), r.int(0, 65535));
    const before = pkt.slice();
    const info = readIp(pkt)!;
    manipInPlace(pkt, info, r.chance(0.5) ? 'src' : 'dst', r.nextU32(), r.int(0, 65535));
    assert.ok(checksumsValid(pkt), `packet ${i} (kind ${kind}) verifies after the rewrite`);
    assert.notDeepEqual(pkt, before);
  }
});

test('a UDP datagram without checksum keeps 0 after a rewrite', () => {
  const p = udpPacket('10.0.0.1', '10.0.0.2', 1000, 53);
  p[20 + 6] = 0;
  p[20 + 7] = 0;
  manipInPlace(p, readIp(p)!, 'src', ip('192.168.1.1'), 4000);
  assert.equal(readU16(p, 26), 0);
  assert.ok(checksumsValid(p));
});
