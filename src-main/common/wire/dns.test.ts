import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from './bytes.ts';
import {
  bufferLen,
  CLASS_IN,
  emit,
  encode,
  FLAG_AA,
  FLAG_QR,
  FLAG_RD,
  nameToLabels,
  parse,
  rcodeOf,
  RCODE_NXDOMAIN,
  readName,
  TYPE_A,
  TYPE_MX,
  TYPE_OPT,
  TYPE_PTR,
  TYPE_SOA,
  TYPE_SRV,
  type DnsMessage,
} from './dns.ts';
import { WireError } from './error.ts';
import { parseIpv4 } from './ipv4-address.ts';

// UDP payloads from 03-overlay-dns-c1eth0.pcap (frames 3, 4, 5, 6, 7, 8, 10).
const GLIBC_QUERY = fromHex('9366 0100 0001 0000 0000 0000 0263340000010001');
const GLIBC_ANSWER = fromHex('9366 8580 0001 0001 0000 0000 0263340000010001 c00c 0001 0001 00000258 0004 0a000105');
const DIG_QUERY = fromHex('851b 0120 0001 0000 0000 0001 03776562000001 0001 00 0029 04d0 00000000 000c 000a 0008 99147c903036d218');
const DIG_ANSWER = fromHex('851b 8580 0001 0001 0000 0001 037765620000010001 c00c 0001 0001 00000258 0004 0a000164 00 0029 04d0 00000000 0000');
const PTR_QUERY = fromHex('27ed 0120 0001 0000 0000 0000 01350131013002313007696e2d6164647204617270610000 0c 0001');
const PTR_ANSWER = fromHex('27ed 8580 0001 0001 0000 0000 01350131013002313007696e2d6164647204617270610000 0c 0001 c00c 000c 0001 00000258 0004 02633400');
const NXDOMAIN = fromHex('290f 8183 0001 0000 0000 0000 066e6f73756368076578616d706c65000001 0001');
// Hand-built, decoded by tshark as SRV 0 5 8080 web.svc.local, CNAME, A, AAAA fd00::5, NS and TXT; UDP checksum good.
const MIXED = fromHex(
  '123481800001000400010001055f68747470045f74637003737663056c6f63616c0000210001c00c00210001000002580015000000051f900377656203737663056c6f63616c0003776562c01700050001000002580005026334c017c057000100010000025800040a000105c057001c0001000002580010fd000000000000000000000000000005c0170002000100000e100005026e73c017c017001000010000003c001003763d310b68656c6c6f20776f726c64',
);

// Hand-built, decoded by tshark 4.0 with the UDP checksum good: NXDOMAIN for nosuch.example.com with the zone's SOA
// in the authority section (owner compressed to c013, rname "noc.dns" + pointer to "icann.org" inside mname), and
// two MX answers (exchange "mail" + pointer to the question name; another domain written out).
const NXDOMAIN_SOA = fromHex(
  '290f 8183 0001 0000 0001 0000 066e6f73756368076578616d706c6503636f6d00 0001 0001' +
    'c013 0006 0001 00000e10 002c' +
    '026e73056963616e6e036f726700 036e6f6303646e73c033 78a50830 00001c20 00000e10 00127500 00000e10',
);
const MX_ANSWER = fromHex(
  '4d2a 8180 0001 0002 0000 0000 076578616d706c6503636f6d00 000f 0001' +
    'c00c 000f 0001 0000012c 0009 000a 046d61696cc00c' +
    'c00c 000f 0001 0000012c 0019 0014 066261636b7570026d78076578616d706c65036e657400',
);

function emitOverA5(m: DnsMessage): string {
  const buf = new Uint8Array(bufferLen(m)).fill(0xa5);
  assert.equal(emit(m, buf, 0), buf.length);
  return toHex(buf);
}

test('glibc A query and dnsmasq answer (answer name compressed to c00c)', () => {
  const q = parse(GLIBC_QUERY);
  assert.deepEqual(q, { id: 0x9366, flags: FLAG_RD, questions: [{ name: 'c4', type: TYPE_A, class: CLASS_IN }], answers: [], authorities: [], additionals: [] });
  assert.equal(emitOverA5(q), toHex(GLIBC_QUERY));
  const a = parse(GLIBC_ANSWER);
  assert.equal(a.flags, 0x8580);
  assert.equal(a.flags & (FLAG_QR | FLAG_AA), FLAG_QR | FLAG_AA);
  assert.deepEqual(a.answers, [{ name: 'c4', type: TYPE_A, class: CLASS_IN, ttl: 600, data: { kind: 'a', address: parseIpv4('10.0.1.5') } }]);
  assert.equal(emitOverA5(a), toHex(GLIBC_ANSWER));
});

test('dig with EDNS0 OPT and COOKIE, and its answer', () => {
  const q = parse(DIG_QUERY);
  assert.equal(q.flags, 0x0120);
  assert.deepEqual(q.additionals, [{ name: '', type: TYPE_OPT, class: 1232, ttl: 0, data: { kind: 'opt', options: [{ code: 10, data: fromHex('99147c903036d218') }] } }]);
  assert.equal(emitOverA5(q), toHex(DIG_QUERY));
  const a = parse(DIG_ANSWER);
  assert.equal(a.answers[0]!.data.kind, 'a');
  assert.deepEqual(a.additionals[0]!.data, { kind: 'opt', options: [] });
  assert.equal(emitOverA5(a), toHex(DIG_ANSWER));
});

test('PTR query and answer; NXDOMAIN', () => {
  const q = parse(PTR_QUERY);
  assert.deepEqual(q.questions, [{ name: '5.1.0.10.in-addr.arpa', type: TYPE_PTR, class: CLASS_IN }]);
  assert.equal(emitOverA5(q), toHex(PTR_QUERY));
  const a = parse(PTR_ANSWER);
  assert.deepEqual(a.answers[0], { name: '5.1.0.10.in-addr.arpa', type: TYPE_PTR, class: CLASS_IN, ttl: 600, data: { kind: 'name', name: 'c4' } });
  assert.equal(emitOverA5(a), toHex(PTR_ANSWER));
  const nx = parse(NXDOMAIN);
  assert.equal(rcodeOf(nx.flags), RCODE_NXDOMAIN);
  assert.equal(nx.questions[0]!.name, 'nosuch.example');
  assert.equal(emitOverA5(nx), toHex(NXDOMAIN));
});

test('SRV, CNAME, A, AAAA, NS, TXT with compression, byte-exact', () => {
  const m = parse(MIXED);
  assert.equal(m.answers.length, 4);
  assert.deepEqual(m.answers[0]!.data, { kind: 'srv', priority: 0, weight: 5, port: 8080, target: 'web.svc.local' });
  assert.equal(m.answers[0]!.type, TYPE_SRV);
  assert.deepEqual(m.answers[1]!.data, { kind: 'name', name: 'c4.svc.local' });
  assert.deepEqual(m.answers[3]!.data, { kind: 'aaaa', address: fromHex('fd000000000000000000000000000005') });
  assert.deepEqual(m.authorities[0]!.data, { kind: 'name', name: 'ns.svc.local' });
  const txt = m.additionals[0]!.data;
  assert.equal(txt.kind, 'txt');
  if (txt.kind === 'txt') assert.deepEqual(txt.strings.map((s) => new TextDecoder().decode(s)), ['v=1', 'hello world']);
  assert.equal(emitOverA5(m), toHex(MIXED));
  assert.deepEqual(parse(encode(m)), m);
});

test('emit at an offset: pointers are relative to the message start', () => {
  const m = parse(GLIBC_ANSWER);
  const buf = new Uint8Array(GLIBC_ANSWER.length + 5).fill(0xa5);
  emit(m, buf, 5);
  assert.equal(toHex(buf.subarray(5)), toHex(GLIBC_ANSWER));
  assert.throws(() => emit(m, new Uint8Array(20)), (e: unknown) => e instanceof WireError && e.field === 'buffer');
});

test('names: escapes, limits, case preserved by compression', () => {
  const odd = { id: 1, flags: 0, questions: [{ name: 'a\\.b.\\000x.C4', type: 1, class: 1 }], answers: [], authorities: [], additionals: [] };
  const b = encode(odd);
  assert.equal(toHex(b.subarray(12, 23)), '03612e62 0200 78 024334 00'.replace(/ /g, ''));
  assert.equal(parse(b).questions[0]!.name, 'a\\.b.\\000x.C4');
  assert.deepEqual(nameToLabels(''), []);
  assert.deepEqual(nameToLabels('c4.'), [fromHex('6334')]);
  assert.throws(() => nameToLabels('a..b'), WireError);
  assert.throws(() => nameToLabels('x'.repeat(64)), WireError);
  assert.throws(() => nameToLabels(Array(64).fill('abc').join('.')), WireError); // 256 bytes on the wire
  assert.throws(() => nameToLabels('\\256'), WireError);
  assert.throws(() => nameToLabels('é'), WireError);
  const mixedCase: DnsMessage = {
    id: 2,
    flags: 0,
    questions: [{ name: 'Web', type: 1, class: 1 }],
    answers: [{ name: 'web', type: 1, class: 1, ttl: 1, data: { kind: 'a', address: 1 } }],
    authorities: [],
    additionals: [],
  };
  assert.equal(parse(encode(mixedCase)).answers[0]!.name, 'web'); // not compressed onto "Web"
});

test('loop protection: self, forward and cyclic pointers are refused with the offset', () => {
  const is = (offset: number) => (e: unknown) => e instanceof WireError && e.protocol === 'dns' && e.field === 'name' && e.offset === offset;
  const hdr = '0001 0000 0001 0000 0000 0000';
  assert.throws(() => parse(fromHex(hdr + 'c00c 00010001')), is(12)); // points at itself
  assert.throws(() => parse(fromHex(hdr + 'c00e 00 00010001')), is(12)); // forward
  // 12: label "a", then pointer at 14 -> 12 is backward and fine, but it comes back to 14 again: a cycle.
  assert.throws(() => parse(fromHex(hdr + '0161 c00c')), is(14));
  assert.equal(readName(fromHex('0161 00 c000'), 3).name, 'a');
  assert.throws(() => parse(fromHex(hdr + '4161 00 00010001')), is(12)); // reserved label type 0x40
  // A chain of backward pointers whose expansion exceeds 255 bytes.
  const parts: string[] = [];
  let off = 12;
  let prev = -1;
  for (let i = 0; i < 5; i++) {
    parts.push('3f' + '61'.repeat(63) + (prev < 0 ? '00' : 'c0' + prev.toString(16).padStart(2, '0')));
    prev = off;
    off += 64 + (i === 0 ? 1 : 2);
  }
  const chain = fromHex('0001 0000 0000 0000 0000 0000' + parts.join(''));
  assert.throws(() => readName(chain, prev), (e: unknown) => e instanceof WireError && /longer than 255/.test(e.message));
});

test('truncated and malformed input', () => {
  const is = (field: string) => (e: unknown) => e instanceof WireError && e.protocol === 'dns' && e.field === field;
  assert.throws(() => parse(GLIBC_QUERY.subarray(0, 11)), is('header'));
  for (let n = 12; n < GLIBC_ANSWER.length; n++) assert.throws(() => parse(GLIBC_ANSWER.subarray(0, n)), WireError, `length ${n}`);
  const badA = GLIBC_ANSWER.slice();
  badA[badA.length - 5] = 3; // rdlength 3 for an A record
  assert.throws(() => parse(badA), WireError);
  const badPtr = PTR_ANSWER.slice();
  badPtr[badPtr.length - 5] = 5; // rdlength longer than the name inside
  assert.throws(() => parse(badPtr), WireError);
  const m = parse(GLIBC_ANSWER);
  assert.throws(() => encode({ ...m, answers: [{ ...m.answers[0]!, data: { kind: 'name', name: 'x' } }] }), is('rdata'));
  assert.throws(() => encode({ ...m, id: 70000 }), is('id'));
  assert.throws(() => encode({ ...m, answers: [{ ...m.answers[0]!, type: 99, data: { kind: 'raw', bytes: new Uint8Array(70000) } }] }), WireError);
});

test('SOA in the authority section of an NXDOMAIN, MX answers; both byte-exact', () => {
  const nx = parse(NXDOMAIN_SOA);
  assert.equal(rcodeOf(nx.flags), RCODE_NXDOMAIN);
  assert.deepEqual(nx.authorities, [
    {
      name: 'example.com',
      type: TYPE_SOA,
      class: CLASS_IN,
      ttl: 3600,
      data: { kind: 'soa', mname: 'ns.icann.org', rname: 'noc.dns.icann.org', serial: 2024081456, refresh: 7200, retry: 3600, expire: 1209600, minimum: 3600 },
    },
  ]);
  assert.equal(emitOverA5(nx), toHex(NXDOMAIN_SOA));
  const mx = parse(MX_ANSWER);
  assert.deepEqual(
    mx.answers.map((r) => [r.type, r.data]),
    [
      [TYPE_MX, { kind: 'mx', preference: 10, exchange: 'mail.example.com' }],
      [TYPE_MX, { kind: 'mx', preference: 20, exchange: 'backup.mx.example.net' }],
    ],
  );
  assert.equal(emitOverA5(mx), toHex(MX_ANSWER));
  assert.deepEqual(parse(encode(mx)), mx);
  // Wrong lengths and values.
  const is = (field: string) => (e: unknown) => e instanceof WireError && e.protocol === 'dns' && e.field === field;
  const shortSoa = NXDOMAIN_SOA.slice();
  shortSoa[47] = 0x2b; // rdlength 43: the counters no longer end the RDATA
  assert.throws(() => parse(shortSoa.subarray(0, shortSoa.length - 1)), is('soa'));
  const shortMx = MX_ANSWER.slice();
  shortMx[40] = 2; // rdlength 2
  assert.throws(() => parse(shortMx), is('rdata'));
  for (let n = 12; n < NXDOMAIN_SOA.length; n++) assert.throws(() => parse(NXDOMAIN_SOA.subarray(0, n)), WireError, `length ${n}`);
  const soa = nx.authorities[0]!;
  const soaData = soa.data;
  assert.ok(soaData.kind === 'soa');
  const badSerial = { ...soaData, serial: 2 ** 32 };
  assert.throws(() => encode({ ...nx, authorities: [{ ...soa, data: badSerial }] }), is('soa'));
  assert.throws(() => encode({ ...mx, answers: [{ ...mx.answers[0]!, data: { kind: 'mx', preference: -1, exchange: 'x' } }] }), is('mx'));
  assert.throws(() => encode({ ...mx, answers: [{ ...mx.answers[0]!, data: soa.data }] }), is('rdata'));
});
