// The display filter language on its own: precedence, operators, typed values, multi-valued fields, and
// errors that say what is wrong and where.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue } from '../field.ts';
import type { FieldValues } from '../tree.ts';
import { compileFilter } from './compile.ts';
import { parse, type Ast } from './parser.ts';

function shape(a: Ast): string {
  switch (a.kind) {
    case 'and':
    case 'or':
      return `(${a.kind} ${shape(a.left)} ${shape(a.right)})`;
    case 'not':
      return `(not ${shape(a.expr)})`;
    default:
      return a.ref.field.abbrev;
  }
}

const ip = (t: string): number => t.split('.').reduce((a, o) => a * 256 + Number(o), 0);

function frame(entries: Record<string, FieldValue[]>): FieldValues {
  return new Map(Object.entries(entries));
}

function test(text: string, v: FieldValues): boolean {
  const r = compileFilter(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error.message}`);
  return r.filter.test(v);
}

function error(text: string): { message: string; start: number; end: number } {
  const r = compileFilter(text);
  assert.ok(!r.ok, `${text} should not compile`);
  return r.error;
}

// An ICMP echo in VXLAN: ip.addr holds the outer and the inner addresses.
const VX = frame({
  frame: [new Uint8Array(0)],
  eth: [new Uint8Array(0)],
  ip: [new Uint8Array(0)],
  udp: [Uint8Array.from([0xb5, 0x75, 0x12, 0xb5, 0x00, 0x72, 0xc3, 0xdb, 0x08, 0x00, 0x65, 0x73])],
  vxlan: [new Uint8Array(0)],
  icmp: [new Uint8Array(0)],
  'ip.addr': [ip('192.168.99.11'), ip('192.168.99.12'), ip('10.0.1.2'), ip('10.0.1.5')],
  'ip.src': [ip('192.168.99.11'), ip('10.0.1.2')],
  'ip.ttl': [64, 63],
  'udp.port': [46453, 4789],
  'vxlan.vni': [4097],
  'eth.addr': [0x0299_0000_0012, 0x0299_0000_0011, 0x0242_0a00_0105, 0x0242_0a00_0102],
  'ip.flags.df': [false, true],
  'dns.qry.name': ['nosuch.example'],
  'frame.len': [148],
});

describe('display filter: grammar', () => {
  it('binds not tighter than and, and tighter than or', () => {
    assert.equal(shape(parse('ip || tcp && !udp')), '(or ip (and tcp (not udp)))');
    assert.equal(shape(parse('not ip and tcp or udp and dns')), '(or (and (not ip) tcp) (and udp dns))');
    assert.equal(shape(parse('ip && tcp && udp')), '(and (and ip tcp) udp)');
    assert.equal(test('arp or icmp and vxlan', VX), true);
    assert.equal(test('arp or icmp and not vxlan', VX), false);
    assert.equal(test('!arp && !dns', VX), true);
    assert.equal(test('not (icmp or arp)', VX), false);
    assert.equal(test('((icmp))', VX), true);
  });
  it('accepts symbol and word operators', () => {
    for (const t of ['vxlan.vni == 4097', 'vxlan.vni eq 4097', 'vxlan.vni >= 4097', 'vxlan.vni ge 4097', 'vxlan.vni le 4097', 'vxlan.vni <= 0x1001', 'vxlan.vni gt 4096', 'vxlan.vni lt 4098', 'vxlan.vni ne 1', 'vxlan.vni != 1']) {
      assert.equal(test(t, VX), true, t);
    }
    assert.equal(test('vxlan.vni > 4097', VX), false);
  });
  it('an empty filter passes everything', () => {
    assert.equal(test('  ', frame({})), true);
  });
});

describe('display filter: values and semantics', () => {
  it('multi-valued fields: == is any, != is all-not-equal (Wireshark 3.6+), ~= is any-not-equal', () => {
    assert.equal(test('ip.addr == 10.0.1.5', VX), true);
    assert.equal(test('ip.addr != 10.0.1.5', VX), false);
    assert.equal(test('!(ip.addr == 10.0.1.5)', VX), false);
    assert.equal(test('ip.addr ~= 10.0.1.5', VX), true);
    assert.equal(test('ip.addr !== 10.0.1.5', VX), true);
    assert.equal(test('ip.addr != 10.9.9.9', VX), true);
    assert.equal(test('ip.ttl === 64', VX), false);
    // a frame without the field: == and != are both false; !(==) is true
    const arp = frame({ arp: [new Uint8Array(0)] });
    assert.equal(test('ip.addr != 10.0.1.5', arp), false);
    assert.equal(test('!(ip.addr == 10.0.1.5)', arp), true);
  });
  it('IPv4 with CIDR, MACs, hex, booleans', () => {
    assert.equal(test('ip.addr == 10.0.0.0/16', VX), true);
    assert.equal(test('ip.src == 10.0.1.0/24', VX), true);
    assert.equal(test('ip.src == 10.0.2.0/24', VX), false);
    assert.equal(test('ip.addr == 0.0.0.0/0', VX), true);
    assert.equal(test('eth.addr == 02:42:0a:00:01:05', VX), true);
    assert.equal(test('eth.addr == 02-42-0a-00-01-05', VX), true);
    assert.equal(test('eth.addr == 02:42:0a:00:01:06', VX), false);
    assert.equal(test('vxlan.vni == 0x1001', VX), true);
    assert.equal(test('ip.flags.df == 1', VX), true);
    assert.equal(test('ip.flags.df == True', VX), true);
    assert.equal(test('ip.flags.df == False', VX), true);
    assert.equal(test('ip.flags.df === true', VX), false);
  });
  it('in with sets and ranges, with or without commas', () => {
    assert.equal(test('udp.port in {53 4789}', VX), true);
    assert.equal(test('udp.port in {53, 4789}', VX), true);
    assert.equal(test('udp.port in {1..1024}', VX), false);
    assert.equal(test('udp.port in {1..1024 4000..5000}', VX), true);
    assert.equal(test('udp.port in {1 .. 1024, 4789}', VX), true);
    assert.equal(test('ip.addr in {10.0.1.5 10.0.1.6}', VX), true);
  });
  it('contains on protocol bytes and strings; matches with regular expressions', () => {
    assert.equal(test('udp contains 65:73', VX), true);
    assert.equal(test('udp contains "es"', VX), true);
    assert.equal(test('udp contains 65:74', VX), false);
    assert.equal(test('dns.qry.name contains "such"', VX), true);
    assert.equal(test('dns.qry.name contains "es"', VX), false);
    assert.equal(test('dns.qry.name matches "^no.*\\\\.example$"', VX), true);
    assert.equal(test('dns.qry.name matches "(?i)EXAMPLE"', VX), true);
    assert.equal(test('dns.qry.name matches "EXAMPLE"', VX), false);
  });
  it('a field on the right compares two fields', () => {
    assert.equal(test('ip.src == ip.addr', VX), true);
    assert.equal(test('ip.ttl > frame.len', VX), false);
  });
  it('reports the fields it reads', () => {
    const r = compileFilter('ip.addr == 10.0.1.5 && (dns || tcp.port in {80})');
    assert.ok(r.ok);
    assert.deepEqual([...r.filter.fields].sort(), ['dns', 'ip.addr', 'tcp.port']);
  });
});

describe('display filter: errors say what and where', () => {
  const cases: [string, string, number, number][] = [
    ['ip.adr == 10.0.0.1', '"ip.adr" is neither a field nor a protocol name.', 0, 6],
    ['tcp && fooo', '"fooo" is neither a field nor a protocol name.', 7, 11],
    ['ip.addr == foo', '"foo" is not a valid IPv4 address.', 11, 14],
    ['ip.addr == 10.0.1.0/33', 'Netmask bits in a CIDR IPv4 address should be <= 32, not 33', 11, 22],
    ['ip.addr ==', 'Unexpected end of filter expression.', 10, 10],
    ['(ip.ttl', 'Unexpected end of filter expression.', 7, 7],
    ['frame.len > 100 &&', 'Unexpected end of filter expression.', 18, 18],
    ['tcp.port == 70000', '"70000" too big for this field, maximum 65535.', 12, 17],
    ['ip.ttl > "x"', 'Unsigned integer (1 byte) cannot be converted from a string ("x").', 9, 12],
    ['eth.addr == 02:42', '"02:42" contains too few bytes to be a valid Ethernet address.', 12, 17],
    ['ip.ttl contains 40', '"ip.ttl" (type=Unsigned integer (1 byte)) cannot participate in \'contains\' comparison.', 0, 6],
    ['ip.ttl == 64)', '")" was unexpected in this context.', 12, 13],
    ['ip.ttl 64', '"64" was unexpected in this context.', 7, 9],
    ['dns.qry.name == "web', 'The string was not terminated: a closing " is missing.', 16, 20],
    ['ip.ttl == 64 $ 3', '"$" was unexpected in this context.', 13, 14],
    ['dns.qry.name matches "("', '"(" is not a valid regular expression: Invalid regular expression: /(/: Unterminated group', 21, 24],
    ['ip.flags.df == maybe', '"maybe" is not a valid boolean.', 15, 20],
  ];
  for (const [text, message, start, end] of cases) {
    it(text, () => {
      assert.deepEqual(error(text), { message, start, end });
    });
  }
});
