import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { fromHex, toHex } from './bytes.ts';
import { WireError } from './error.ts';
import {
  bufferLen,
  decodeTrailer,
  DOCKER_OVERLAY_LAYOUT,
  emit,
  encode,
  encodeTrailer,
  EspView,
  linuxSeqivIv,
  minimumPadding,
  NULL_CIPHER,
  open,
  parse,
  seal,
  sealedLen,
  sealToBytes,
  type EspCipher,
  type EspPayload,
} from './esp.ts';
import * as ethernet from './ethernet.ts';
import * as ipv4 from './ipv4.ts';
import * as udp from './udp.ts';

// The glibc query for "c4" (udp.test.ts), 10.0.1.2:33408 -> 10.0.1.4:53, 28 bytes with its checksum.
const UDP_QUERY = fromHex('8280 0035 001c 9c2e 9366 0100 0001 0000 0000 0000 0263 3400 0001 0001');

// The same datagram in ESP transport mode with RFC 2410 NULL encryption, SPI 0x1a2b3c4d, seq 1: 28 + 2 bytes of
// padding (01 02) + pad length 2 + next header 17 = 32, a multiple of 4. tshark 4.0 with an esp_sa entry
// (NULL/NULL) shows "ESP Pad Length: 2, Next header: UDP (0x11)" and the UDP checksum 0x9c2e [correct].
const NULL_FRAME = fromHex(
  '02420a000104 02420a000102 0800' +
    '4500 003c 1c46 4000 4032 0845 0a000102 0a000104' + // protocol 50
    '1a2b3c4d 00000001' +
    '82800035001c9c2e 9366010000010000000000000263340000010001' +
    '0102 02 11',
);

// The same with Docker's transform: rfc4106(gcm(aes)), key 00..0f, salt = SPI (libnetwork buildAeadAlgo), 8-byte ICV,
// IV from Linux's seqiv with salt 0011223344556677 (seq 1 -> ...76). tshark 4.0 ("AES-GCM with 8 octet ICV
// [RFC4106]", key 000102030405060708090a0b0c0d0e0f1a2b3c4d) decrypts it and reports the ICV [correct].
const GCM_FRAME = fromHex(
  '02420a000104 02420a000102 0800' +
    '4500 004c 1c46 4000 4032 0835 0a000102 0a000104' +
    '1a2b3c4d 00000001' +
    '0011223344556676' + // IV
    'a20804ebd684d00bd889672c6a5e882ce510d29b2692e06df218baa325cc5935' + // ciphertext (32)
    '119091086a17b5e0', // ICV (8)
);

/** AES-128-GCM as Docker configures it, from node:crypto (tests only: the codec never sees a key). */
function dockerGcm(key: Uint8Array, spi: number): EspCipher {
  const nonce = (iv: Uint8Array): Uint8Array => {
    const n = new Uint8Array(12);
    n.set([spi >>> 24, (spi >>> 16) & 0xff, (spi >>> 8) & 0xff, spi & 0xff]);
    n.set(iv, 4);
    return n;
  };
  return {
    ...DOCKER_OVERLAY_LAYOUT,
    encrypt(plaintext, iv, aad) {
      const c = createCipheriv('aes-128-gcm', key, nonce(iv), { authTagLength: 8 });
      c.setAAD(aad);
      const parts = [c.update(plaintext), c.final(), c.getAuthTag()];
      return Uint8Array.from(parts.flatMap((p) => [...p]));
    },
    decrypt(sealed, iv, aad) {
      try {
        const d = createDecipheriv('aes-128-gcm', key, nonce(iv), { authTagLength: 8 });
        d.setAAD(aad);
        d.setAuthTag(sealed.subarray(sealed.length - 8));
        const parts = [d.update(sealed.subarray(0, sealed.length - 8)), d.final()];
        return Uint8Array.from(parts.flatMap((p) => [...p]));
      } catch {
        return undefined;
      }
    },
  };
}

/** A toy cipher (not crypto): XOR with a keystream from the IV, and an 8-byte FNV-style tag over AAD, IV, ciphertext. */
const TOY: EspCipher = {
  ivLen: 4,
  icvLen: 8,
  blockSize: 8,
  encrypt(plaintext, iv, aad) {
    const out = new Uint8Array(plaintext.length + 8);
    for (let i = 0; i < plaintext.length; i++) out[i] = plaintext[i]! ^ ((iv[i % 4]! + 31 * i) & 0xff);
    out.set(toyTag(aad, iv, out.subarray(0, plaintext.length)), plaintext.length);
    return out;
  },
  decrypt(sealed, iv, aad) {
    const ct = sealed.subarray(0, sealed.length - 8);
    if (toHex(toyTag(aad, iv, ct)) !== toHex(sealed.subarray(sealed.length - 8))) return undefined;
    return ct.map((c, i) => c ^ ((iv[i % 4]! + 31 * i) & 0xff));
  },
};

function toyTag(...parts: Uint8Array[]): Uint8Array {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const p of parts) {
    for (const x of p) {
      a = Math.imul(a ^ x, 0x01000193) >>> 0;
      b = Math.imul(b + x, 0x9e3779b1) >>> 0;
    }
  }
  const t = new Uint8Array(8);
  new DataView(t.buffer).setUint32(0, a);
  new DataView(t.buffer).setUint32(4, b);
  return t;
}

test('NULL encryption: parse, open and seal the transport-mode frame byte-exactly', () => {
  const ip = ipv4.parse(ethernet.parse(NULL_FRAME).payload);
  assert.equal(ip.protocol, ipv4.PROTO_ESP);
  const p = parse(ip.payload);
  assert.deepEqual(p, { spi: 0x1a2b3c4d, seq: 1, body: ip.payload.subarray(8) });
  const opened = open(ip.payload, NULL_CIPHER);
  assert.deepEqual(opened, { spi: 0x1a2b3c4d, seq: 1, iv: new Uint8Array(0), nextHeader: 17, payload: UDP_QUERY, padLength: 2, paddingValid: true });
  assert.equal(udp.UdpView.check(opened.payload).checksumStatus({ src: ip.src, dst: ip.dst }), 'good');
  // Seal over 0xa5: every byte is written.
  const buf = new Uint8Array(sealedLen(opened, NULL_CIPHER)).fill(0xa5);
  assert.equal(seal(opened, NULL_CIPHER, buf, 0), 40);
  assert.equal(toHex(buf), toHex(ip.payload));
  // The wire record alone, over 0xa5.
  const raw = new Uint8Array(bufferLen(p)).fill(0xa5);
  assert.equal(emit(p, raw), raw.length);
  assert.equal(toHex(raw), toHex(ip.payload));
  assert.deepEqual(parse(encode(p)), p);
});

test("Docker's AES-GCM (8-byte IV, 8-byte ICV) through a caller-supplied cipher, checked by tshark", () => {
  const payload = ipv4.parse(ethernet.parse(GCM_FRAME).payload).payload;
  const gcm = dockerGcm(fromHex('000102030405060708090a0b0c0d0e0f'), 0x1a2b3c4d);
  const v = EspView.check(payload, DOCKER_OVERLAY_LAYOUT);
  assert.equal(toHex(v.iv), '0011223344556676');
  assert.equal(toHex(v.icv), '119091086a17b5e0');
  assert.equal(v.ciphertext.length, 32);
  assert.equal(toHex(v.aad), '1a2b3c4d00000001');
  const opened = open(payload, gcm);
  assert.equal(toHex(opened.payload), toHex(UDP_QUERY));
  assert.equal(opened.nextHeader, 17);
  const again: EspPayload = { spi: 0x1a2b3c4d, seq: 1, iv: linuxSeqivIv(1, fromHex('0011223344556677')), nextHeader: 17, payload: UDP_QUERY };
  assert.equal(toHex(sealToBytes(again, gcm)), toHex(payload));
  // 26 bytes of overhead before padding, as Docker's MTU arithmetic says.
  assert.equal(sealedLen({ ...again, payload: new Uint8Array(1422) }, gcm) - 1422, 26);
  // A flipped ciphertext bit fails the ICV.
  const bad = payload.slice();
  bad[20] = bad[20]! ^ 0x01;
  assert.throws(() => open(bad, gcm), (e: unknown) => e instanceof WireError && e.protocol === 'esp' && e.field === 'icv' && e.offset === bad.length - 8);
});

test('toy cipher round trip with IV, ICV, 8-byte blocks and extra padding', () => {
  const p: EspPayload = { spi: 0xdeadbeef, seq: 0xffffffff, iv: fromHex('01020304'), nextHeader: 4, payload: fromHex('450000140000000040000000c0a80001c0a80002') };
  const b = sealToBytes(p, TOY);
  assert.equal(b.length, 8 + 4 + 24 + 8); // 20 + 2 padding + 2 = 24
  const o = open(b, TOY);
  assert.deepEqual({ ...o, padLength: undefined, paddingValid: undefined }, { ...p, padLength: undefined, paddingValid: undefined });
  assert.equal(o.padLength, 2);
  assert.equal(toHex(sealToBytes(o, TOY)), toHex(b));
  const tfc = sealToBytes({ ...p, padLength: 10 }, TOY);
  assert.equal(tfc.length, b.length + 8);
  assert.equal(open(tfc, TOY).padLength, 10);
  assert.throws(() => sealToBytes({ ...p, padLength: 3 }, TOY), (e: unknown) => e instanceof WireError && e.field === 'pad_len');
  assert.throws(() => sealToBytes({ ...p, iv: fromHex('01') }, TOY), (e: unknown) => e instanceof WireError && e.field === 'iv');
  // The body is opaque without the key: the payload's bytes do not appear.
  assert.equal(toHex(b).includes(toHex(p.payload).slice(0, 16)), false);
});

test('trailer: padding 1, 2, 3, ..., pad length, next header', () => {
  assert.equal(toHex(encodeTrailer(fromHex('aabbcc'), 17)), 'aabbcc' + '010203' + '03' + '11');
  assert.equal(toHex(encodeTrailer(fromHex('aabb'), 59)), 'aabb' + '003b');
  assert.equal(toHex(encodeTrailer(new Uint8Array(0), 59, 8)), '010203040506' + '06' + '3b');
  assert.deepEqual(decodeTrailer(fromHex('aabbcc 010203 03 11')), { payload: fromHex('aabbcc'), padLength: 3, nextHeader: 17, paddingValid: true });
  assert.equal(decodeTrailer(fromHex('aabbcc 010903 03 11')).paddingValid, false);
  assert.equal(decodeTrailer(fromHex('00 3b')).payload.length, 0);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => minimumPadding(n, 4)), [2, 1, 0, 3, 2, 1]);
  assert.equal(minimumPadding(14, 16), 0);
});

test('linuxSeqivIv: be64(seq) XOR salt', () => {
  assert.equal(toHex(linuxSeqivIv(1, new Uint8Array(8))), '0000000000000001');
  assert.equal(toHex(linuxSeqivIv(0x01020304, fromHex('ff00ff00ff00ff00'), 5)), 'ff00ff05fe02fc04');
  assert.throws(() => linuxSeqivIv(1, new Uint8Array(4)), WireError);
});

test('truncated and invalid input', () => {
  const esp = ipv4.parse(ethernet.parse(NULL_FRAME).payload).payload;
  const is = (field: string, offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'esp' && e.field === field && e.offset === offset;
  for (let n = 0; n < 8; n++) assert.throws(() => parse(esp.subarray(0, n)), is('header', 0));
  assert.equal(parse(esp.subarray(0, 8)).body.length, 0);
  assert.throws(() => open(esp.subarray(0, 9), NULL_CIPHER), is('encrypted', 8));
  assert.throws(() => open(esp.subarray(0, 39), NULL_CIPHER), is('encrypted', 8)); // 31 bytes: not a multiple of 4
  const gcm = ipv4.parse(ethernet.parse(GCM_FRAME).payload).payload;
  assert.throws(() => EspView.check(gcm.subarray(0, 15), DOCKER_OVERLAY_LAYOUT), is('iv', 8));
  assert.throws(() => EspView.check(gcm.subarray(0, 25), DOCKER_OVERLAY_LAYOUT), is('encrypted', 16));
  // Pad length larger than the plaintext: offset is the pad length byte within the ESP packet.
  const lie = esp.slice();
  lie[38] = 40;
  assert.throws(() => open(lie, NULL_CIPHER), is('pad_len', 38));
  assert.throws(() => decodeTrailer(fromHex('05 11')), is('pad_len', 0));
  assert.throws(() => decodeTrailer(fromHex('11')), is('trailer', 0));
  assert.throws(() => encode({ spi: 0, seq: 1, body: new Uint8Array(0) }), is('spi', 0));
  assert.throws(() => encode({ spi: 1, seq: 2 ** 32, body: new Uint8Array(0) }), is('sequence', 4));
  assert.throws(() => emit({ spi: 1, seq: 1, body: new Uint8Array(4) }, new Uint8Array(11)), is('buffer', 0));
  assert.throws(() => EspView.check(esp).iv, is('layout', 8));
  assert.throws(() => EspView.check(esp, { ivLen: 0, icvLen: 0, blockSize: 3 }), is('layout', 8));
  const short: EspCipher = { ...NULL_CIPHER, encrypt: (pt) => pt.subarray(1) };
  assert.throws(() => sealToBytes({ spi: 1, seq: 1, iv: new Uint8Array(0), nextHeader: 17, payload: UDP_QUERY }, short), is('encrypted', 8));
});
