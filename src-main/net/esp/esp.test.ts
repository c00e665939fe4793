// The pure-TypeScript AES and AES-GCM against FIPS-197 and the GCM specification's test vectors and against
// node:crypto; rfc4106 against the wire codec's Docker vector; and ESP transport mode on an encrypted overlay:
// ping across it, tshark decrypts every packet (esp_sa UAT, ICV checked) and finds no errors, our own decryption
// finds VXLAN VNI 4097 inside, the 1424 MTU gives a full 1514-byte outer frame, and cleartext VXLAN from a peer
// is dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { fromHex, toHex } from '../../common/wire/bytes.ts';
import * as espWire from '../../common/wire/esp.ts';
import * as ethernet from '../../common/wire/ethernet.ts';
import * as ipv4 from '../../common/wire/ipv4.ts';
import * as udp from '../../common/wire/udp.ts';
import * as vxlan from '../../common/wire/vxlan.ts';
import { Random } from '../../sim/random.ts';
import { s } from '../../sim/time.ts';
import { Aes } from './aes.ts';
import { AesGcm, rfc4106, spiSalt } from './gcm.ts';
import { dockerSpi, programEncryption, Xfrm } from './xfrm.ts';
import { buildOverlay, IPSEC_KEY, IPSEC_TAG, runEncryptedOverlayPing, VNI, VTEP } from '../reference-overlay.ts';
import { ping, type PingResult } from '../sockets/ping.ts';
import { expertErrors, fieldRows, hasErrors, writeTemp } from '../../../test/tshark.ts';

test('AES: FIPS-197 appendix C (128, 192, 256)', () => {
  const pt = fromHex('00112233445566778899aabbccddeeff');
  const cases: [string, string][] = [
    ['000102030405060708090a0b0c0d0e0f', '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['000102030405060708090a0b0c0d0e0f1011121314151617', 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '8ea2b7ca516745bfeafc49904b496089'],
  ];
  for (const [key, ct] of cases) {
    const out = new Uint8Array(16);
    new Aes(fromHex(key)).encryptBlock(pt, 0, out, 0);
    assert.equal(toHex(out), ct);
  }
  assert.throws(() => new Aes(new Uint8Array(15)), RangeError);
});

test('AES-GCM: test cases of the GCM specification (AES-128 and AES-256)', () => {
  const P4 = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
  const A4 = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
  const cases: { k: string; iv: string; p: string; a: string; c: string; t: string }[] = [
    { k: '00000000000000000000000000000000', iv: '000000000000000000000000', p: '', a: '', c: '', t: '58e2fccefa7e3061367f1d57a4e7455a' },
    { k: '00000000000000000000000000000000', iv: '000000000000000000000000', p: '00000000000000000000000000000000', a: '', c: '0388dace60b6a392f328c2b971b2fe78', t: 'ab6e47d42cec13bdf53a67b21257bddf' },
    {
      k: 'feffe9928665731c6d6a8f9467308308', iv: 'cafebabefacedbaddecaf888', p: P4, a: A4,
      c: '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091', t: '5bc94fbc3221a5db94fae95ae7121a47',
    },
    {
      // Test case 6: a 60-byte IV (J0 from GHASH).
      k: 'feffe9928665731c6d6a8f9467308308',
      iv: '9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b',
      p: P4, a: A4,
      c: '8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5', t: '619cc5aefffe0bfa462af43c1699d050',
    },
    { k: '0000000000000000000000000000000000000000000000000000000000000000', iv: '000000000000000000000000', p: '00000000000000000000000000000000', a: '', c: 'cea7403d4d606b6e074ec5d3baf39d18', t: 'd0d1c8a799996bf0265b98b5d48ab919' },
    {
      k: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308', iv: 'cafebabefacedbaddecaf888', p: P4, a: A4,
      c: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662', t: '76fc6ece0f4e1768cddf8853bb2d551b',
    },
  ];
  for (const tc of cases) {
    const g = new AesGcm(fromHex(tc.k));
    const sealed = g.seal(fromHex(tc.iv), fromHex(tc.p), fromHex(tc.a));
    assert.equal(toHex(sealed), tc.c + tc.t);
    assert.equal(toHex(g.open(fromHex(tc.iv), sealed, fromHex(tc.a))!), tc.p);
    const bad = sealed.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    assert.equal(g.open(fromHex(tc.iv), bad, fromHex(tc.a)), undefined);
  }
});

test('AES-GCM agrees with node:crypto on random keys, nonces, lengths and tag sizes', () => {
  const r = new Random(42);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => r.nextU32() & 0xff);
  for (let i = 0; i < 200; i++) {
    const keyLen = [16, 24, 32][i % 3]!;
    const key = bytes(keyLen);
    const iv = bytes(i % 7 === 0 ? 1 + r.below(64) : 12);
    const pt = bytes(i < 190 ? r.below(80) : 1400 + r.below(100));
    const aad = bytes(r.below(40));
    const tagLen = [8, 12, 16][i % 3]!;
    const c = createCipheriv(`aes-${keyLen * 8}-gcm` as 'aes-128-gcm', key, iv, { authTagLength: tagLen });
    c.setAAD(aad);
    const expect = toHex(Uint8Array.from([...c.update(pt), ...c.final(), ...c.getAuthTag()]));
    const g = new AesGcm(key);
    const sealed = g.seal(iv, pt, aad, tagLen);
    assert.equal(toHex(sealed), expect, `case ${i}`);
    assert.equal(toHex(g.open(iv, sealed, aad, tagLen)!), toHex(pt));
  }
});

test("rfc4106 as Docker configures it reproduces the wire codec's AES-GCM ESP vector", () => {
  const frame = fromHex(
    '02420a000104 02420a000102 0800' +
      '4500 004c 1c46 4000 4032 0835 0a000102 0a000104' +
      '1a2b3c4d 00000001 0011223344556676' +
      'a20804ebd684d00bd889672c6a5e882ce510d29b2692e06df218baa325cc5935 119091086a17b5e0',
  );
  const esp = ipv4.parse(ethernet.parse(frame).payload).payload;
  const cipher = rfc4106(fromHex('000102030405060708090a0b0c0d0e0f'), spiSalt(0x1a2b3c4d));
  const opened = espWire.open(esp, cipher);
  assert.equal(toHex(opened.payload), '82800035001c9c2e9366010000010000000000000263340000010001');
  assert.equal(toHex(espWire.sealToBytes({ spi: 0x1a2b3c4d, seq: 1, iv: espWire.linuxSeqivIv(1, fromHex('0011223344556677')), nextHeader: 17, payload: opened.payload }, cipher)), toHex(esp));
  // libnetwork buildSPI: FNV-1a over src, tag, dst; the two directions differ.
  assert.notEqual(dockerSpi('192.168.99.11', '192.168.99.12', 1), dockerSpi('192.168.99.12', '192.168.99.11', 1));
});

const spiHex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** The esp_sa UAT entries tshark needs to decrypt the n1↔n2 SAs. */
function espSaPrefs(): string[] {
  const out: string[] = ['-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE'];
  for (const [a, b] of [[VTEP.n1!, VTEP.n2!], [VTEP.n2!, VTEP.n1!]] as const) {
    const spi = dockerSpi(a, b, IPSEC_TAG);
    const key = `0x${toHex(IPSEC_KEY)}${spiHex(spi).slice(2)}`;
    out.push('-o', `uat:esp_sa:"IPv4","${a}","${b}","${spiHex(spi)}","AES-GCM with 8 octet ICV [RFC4106]","${key}","NULL",""`);
  }
  return out;
}

test('encrypted overlay: ping crosses as ESP only; tshark decrypts and verifies every ICV; no errors', () => {
  const run = runEncryptedOverlayPing(31);
  assert.deepEqual(run.pings.map((p) => [p.transmitted, p.received]), [[3, 3]]);
  const file = writeTemp('esp-overlay.pcap', run.underlay.toPcap());
  const plain = fieldRows(file, ['frame.len', 'eth.type', 'ip.proto', 'ip.flags', 'ip.id', 'esp.spi', 'esp.sequence', 'udp.dstport'] as const);
  assert.deepEqual(plain.map((r) => r['eth.type']), ['0x0806', '0x0806', ...Array(6).fill('0x0800')]);
  const espRows = plain.filter((r) => r['eth.type'] === '0x0800');
  for (const r of espRows) {
    assert.equal(r['ip.proto'], '50');
    assert.equal(r['frame.len'], '174'); // 98 inner + 50 VXLAN + 26 ESP
    assert.equal(r['udp.dstport'], '', 'no cleartext UDP');
    assert.equal(r['ip.flags'], '0x00');
    assert.notEqual(r['ip.id'], '0x0000');
  }
  assert.deepEqual(espRows.map((r) => r['esp.sequence']), ['1', '1', '2', '2', '3', '3']);
  const dec = fieldRows(file, ['esp.icv_good', 'esp.protocol', 'udp.dstport', 'vxlan.vni', 'icmp.type', 'ip.src'] as const, espSaPrefs()).filter((r) => r['esp.icv_good'] !== '');
  assert.equal(dec.length, 6);
  for (const r of dec) {
    assert.equal(r['esp.icv_good'], '1', 'ICV correct');
    assert.equal(r['esp.protocol'], '0x11'); // next header UDP
    assert.equal(r['udp.dstport'], '4789');
    assert.equal(r['vxlan.vni'], String(VNI));
  }
  assert.deepEqual(dec.map((r) => r['icmp.type']), ['8', '0', '8', '0', '8', '0']);
  for (const extra of [[], espSaPrefs()]) {
    const report = expertErrors(file, extra);
    assert.ok(!hasErrors(report), report);
  }
  // Our own decryption of every ESP frame: UDP 4789 → VXLAN 4097 → the inner ICMP echo.
  let decrypted = 0;
  for (const f of run.underlay.frames) {
    const eth = ethernet.parse(f.data);
    if (eth.ethertype !== ethernet.ETHERTYPE_IPV4) continue;
    const ip = ipv4.parse(eth.payload);
    if (ip.protocol !== ipv4.PROTO_ESP) continue;
    const spi = espWire.parse(ip.payload).spi;
    const opened = espWire.open(ip.payload, rfc4106(IPSEC_KEY, spiSalt(spi)));
    assert.equal(opened.nextHeader, 17);
    assert.equal(udp.UdpView.check(opened.payload).checksumStatus({ src: ip.src, dst: ip.dst }), 'good');
    const vx = vxlan.parse(udp.parse(opened.payload).payload);
    assert.equal(vx.vni, VNI);
    const inner = ipv4.parse(ethernet.parse(vx.payload).payload);
    assert.equal(inner.protocol, ipv4.PROTO_ICMP);
    decrypted++;
  }
  assert.equal(decrypted, 6);
  const sa = Xfrm.of(run.o.node.n1!).state('out', dockerSpi(VTEP.n1!, VTEP.n2!, IPSEC_TAG))!;
  assert.equal(sa.seq, 3);
});

test('encrypted overlay MTU 1424: the largest DF ping fills a 1514-byte frame; one byte more is refused', () => {
  const run = runEncryptedOverlayPing(32, { size: 1396, pmtudisc: 'do' });
  assert.equal(run.pings[0]!.received, 3);
  const sizes = run.underlay.frames.filter((f) => f.data[23] === 50).map((f) => f.data.length);
  assert.deepEqual(sizes, Array(6).fill(1514));
  const big = runEncryptedOverlayPing(33, { size: 1397, pmtudisc: 'do' });
  assert.equal(big.pings[0]!.lines[0], 'ping: local error: message too long, mtu=1424');
});

test('encrypted overlay: cleartext VXLAN from a peer is dropped by the INPUT rule', () => {
  const o = buildOverlay(34, 'docker', { mtu: 1424 });
  // Only n2 is programmed: n1 sends cleartext VXLAN, which n2 refuses.
  programEncryption(o.node.n2!, VTEP.n2!, VTEP.n1!, { key: IPSEC_KEY, tag: IPSEC_TAG, vni: VNI });
  o.lab.run(s(3));
  const results: PingResult[] = [];
  ping(o.c.c1!, '10.0.1.5', { count: 1, timeout: s(1) }, (r) => results.push(r));
  o.lab.run(s(6));
  assert.equal(results[0]!.received, 0);
  assert.ok(o.node.n2!.stats.get('xfrm.in_cleartext_dropped') >= 1);
});
