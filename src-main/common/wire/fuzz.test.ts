// Property test: bad bytes never throw out of a parser except as a WireError that names its protocol and points
// inside the bytes it was given, and no input makes a parser hang. Real frames (the literals below plus every
// frame of the kernel reference captures, when they are present) are mutated by a seeded xorshift generator:
// truncation at every length, bit flips, byte substitutions, appended bytes, lies in length fields, and DNS
// compression pointers redirected onto themselves, forward, out of range and into cycles. Each mutant goes
// through the full dissection chain: Ethernet -> ARP / IPv4 / IPv6 -> ICMP / ICMPv6 (and the packet each error
// quotes) / UDP / TCP / ESP (NULL) -> VXLAN -> inner Ethernet ..., DNS on port 53. Every layer that parses is also
// encoded again, and what that gives must parse to the same record.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as arp from './arp.ts';
import { fromHex, toHex } from './bytes.ts';
import * as dns from './dns.ts';
import { WireError } from './error.ts';
import * as esp from './esp.ts';
import * as ethernet from './ethernet.ts';
import * as icmp from './icmp.ts';
import * as icmpv6 from './icmpv6.ts';
import * as ipv4 from './ipv4.ts';
import * as ipv6 from './ipv6.ts';
import * as tcp from './tcp.ts';
import * as udp from './udp.ts';
import * as vxlan from './vxlan.ts';
import { sharedPath } from '../../../test/shared-path.ts';

const SEED = 0x5eed_f107;
const MIN_FRAMES = 150_000;
const REFERENCE = sharedPath('reference/linux');

// ---------------------------------------------------------------------------------------------------------
// Corpus

const PING = '98bf026b00000000 91be000000000000 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637';
const G2 = '20010db8000100000000000000000002';
const G3 = '20010db8000100000000000000000003';

function udpFrame(dnsHex: string, sport: number, dport: number): string {
  // IPv4/UDP around a DNS message; checksums need not be right for the fuzz corpus (they are computed anyway).
  const d = fromHex(dnsHex);
  const u = udp.encode({ srcPort: sport, dstPort: dport, payload: d }, { src: 0x0a000102, dst: 0x0a000104 });
  const ip = ipv4.encode({ dscp: 0, ecn: 0, identification: 0x1234, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: 17, src: 0x0a000102, dst: 0x0a000104, options: new Uint8Array(0), payload: u });
  return '02420a000104 02420a000102 0800' + toHex(ip);
}

const LITERALS: string[] = [
  // ARP request and reply (arp.test.ts)
  'ffffffffffff 029900000011 0806 0001 0800 06 04 0001 029900000011 c0a8630b 000000000000 c0a8630c',
  '029900000011 029900000012 0806 0001 0800 06 04 0002 029900000012 c0a8630c 029900000011 c0a8630b',
  // ICMP echo across the VXLAN overlay (vxlan.test.ts)
  '029900000012 029900000011 0800 4500 0086 4a49 0000 4011 e8b5 c0a8630b c0a8630c b575 12b5 0072 c3db 08000000 00100100' +
    `02420a000105 02420a000102 0800 4500 0054 7ab9 4000 4001 a9e9 0a000102 0a000105 0800 8fe7 7c5b 0001 ${PING}`,
  // IGMPv3 report with Router Alert; last fragment of a ping (ipv4.test.ts)
  '01005e000016 0242ac110001 0800 46c0 0028 0000 4000 0102 57e7 ac110001 e0000016 94040000 2200 f993 0000 0001 04000000 e000006a',
  '02420a000105 02420a000102 0800 4500 001b 8229 00b2 4001 e200 0a000102 0a000105 88898a8b8c8d8e',
  // ICMP frag-needed quoting a UDP datagram (icmp.test.ts)
  '02420a000102 02420a000101 0800 4500 0040 0000 0000 4001 6497 0a000101 0a000102 0304 b5e3 0000 05aa 4500 0024 1234 4000 4011 118b 0a000102 0a000209 9c40 1388 0010 0000 6162636465666768',
  // curl's SYN with MSS, SACK_PERM, TS, NOP, WS (tcp.test.ts)
  '02420a000105 02420a000102 0800 4500 003c d530 4000 4006 4f85 0a000102 0a000105 e8ae 1f90 79d1b0c6 00000000 a002 fd5c d8ad 0000 02040582 0402 080a3f40ea0900000000 01 030307',
  // 802.1Q-tagged ARP
  'ffffffffffff 029900000011 8100 2064 0806 0001 0800 06 04 0001 029900000011 c0a8630b 000000000000 c0a8630c',
  // DNS: glibc query and answer, dig with EDNS, PTR answer, SRV/CNAME/A/AAAA/NS/TXT, NXDOMAIN with SOA, MX (dns.test.ts)
  udpFrame('9366 0100 0001 0000 0000 0000 0263340000010001', 33408, 53),
  udpFrame('9366 8580 0001 0001 0000 0000 0263340000010001 c00c 0001 0001 00000258 0004 0a000105', 53, 33408),
  udpFrame('851b 0120 0001 0000 0000 0001 03776562000001 0001 00 0029 04d0 00000000 000c 000a 0008 99147c903036d218', 40000, 53),
  udpFrame('27ed 8580 0001 0001 0000 0000 01350131013002313007696e2d6164647204617270610000 0c 0001 c00c 000c 0001 00000258 0004 02633400', 53, 40000),
  udpFrame(
    '123481800001000400010001055f68747470045f74637003737663056c6f63616c0000210001c00c00210001000002580015000000051f900377656203737663056c6f63616c0003776562c01700050001000002580005026334c017c057000100010000025800040a000105c057001c0001000002580010fd000000000000000000000000000005c0170002000100000e100005026e73c017c017001000010000003c001003763d310b68656c6c6f20776f726c64',
    53,
    5353,
  ),
  udpFrame(
    '290f 8183 0001 0000 0001 0000 066e6f73756368076578616d706c6503636f6d00 0001 0001 c013 0006 0001 00000e10 002c 026e73056963616e6e036f726700 036e6f6303646e73c033 78a50830 00001c20 00000e10 00127500 00000e10',
    53,
    33408,
  ),
  udpFrame(
    '4d2a 8180 0001 0002 0000 0000 076578616d706c6503636f6d00 000f 0001 c00c 000f 0001 0000012c 0009 000a 046d61696cc00c c00c 000f 0001 0000012c 0019 0014 066261636b7570026d78076578616d706c65036e657400',
    53,
    33408,
  ),
  // ESP with NULL encryption around the glibc query (esp.test.ts)
  '02420a000104 02420a000102 0800 4500 003c 1c46 4000 4032 0845 0a000102 0a000104 1a2b3c4d 00000001 82800035001c9c2e 9366010000010000000000000263340000010001 0102 02 11',
  // IPv6: ping6, MLDv2 with hop-by-hop, two fragments, a chain of all four extension headers (ipv6.test.ts)
  `0242ac110003 0242ac110002 86dd 6005a3c1 0040 3a 40 ${G2} ${G3} 8000 1bf4 1c5b 0001 ${PING}`,
  '333300000016 0242ac110002 86dd 60000000 0024 00 01 fe800000000000000042acfffe110002 ff020000000000000000000000000016 3a00 05020000 0100 8f00 c5a0 0000 0001 04 00 0000 ff0200000000000000000001ff110002',
  `0242ac110003 0242ac110002 86dd 6005a3c1 0028 2c 40 ${G2} ${G3} 3a 00 0001 8a6f0c21 80001bf41c5b0001 98bf026b00000000 91be000000000000 1011121314151617`,
  `0242ac110003 0242ac110002 86dd 6b812345 0040 00 40 ${G2} ${G3} 3c 00 010400000000 2b 00 010400000000 2c 02 00 00 00000000 ${G3} 11 00 0000 00000007 9c40 1388 0010 62f7 6162636465666768`,
  // ICMPv6: neighbor solicitation, router advertisement, packet too big quoting the ping6 (icmpv6.test.ts)
  '3333ff110003 0242ac110002 86dd 60000000 0020 3a ff fe800000000000000042acfffe110002 ff0200000000000000000001ff110003 8700 7787 00000000 fe800000000000000042acfffe110003 01 01 0242ac110002',
  '333300000001 0242ac110001 86dd 60000000 0040 3a ff fe800000000000000042acfffe110001 ff020000000000000000000000000001 8600 9601 40 40 0708 00000000 00000000 01 01 0242ac110001 05 01 0000 000005dc 03 04 40 c0 00278d00 00093a80 00000000 20010db8000100000000000000000000',
  `0242ac110002 0242ac110001 86dd 60000000 0070 3a 40 20010db8000100000000000000000001 ${G2} 0200 5f11 00000500 6005a3c1 0040 3a 40 ${G2} ${G3} 8000 1bf4 1c5b 0001 ${PING}`,
];

/** Frames of a classic pcap file (either byte order, µs or ns); enough for the reference captures. */
function readPcapFrames(file: Uint8Array): Uint8Array[] {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && dv.getUint32(0, false) !== 0xa1b2c3d4 && dv.getUint32(0, false) !== 0xa1b23c4d) return [];
  if (dv.getUint32(20, le) !== 1) return []; // Ethernet only
  const out: Uint8Array[] = [];
  for (let at = 24; at + 16 <= file.length; ) {
    const incl = dv.getUint32(at + 8, le);
    if (at + 16 + incl > file.length) break;
    out.push(file.slice(at + 16, at + 16 + incl));
    at += 16 + incl;
  }
  return out;
}

function corpus(): { frames: Uint8Array[]; fromCaptures: number } {
  const frames = LITERALS.map((h) => fromHex(h));
  let fromCaptures = 0;
  if (existsSync(REFERENCE)) {
    for (const name of readdirSync(REFERENCE).filter((n) => n.endsWith('.pcap')).sort()) {
      const b = readFileSync(join(REFERENCE, name));
      const got = readPcapFrames(new Uint8Array(b.buffer, b.byteOffset, b.length));
      fromCaptures += got.length;
      frames.push(...got);
    }
  }
  return { frames, fromCaptures };
}

// ---------------------------------------------------------------------------------------------------------
// A seeded generator (xorshift32): no Math.random, so every run feeds the same frames.

class Xorshift {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The dissection chain. `layer` runs one parser: a WireError ends that branch (after checking it); anything
// else fails the test.

interface Stats {
  frames: number;
  refusals: Map<string, number>;
  parsed: Map<string, number>;
}

/** Where each layer started in the frame and which protocol it was (from a clean dissection), for targeted lies. */
interface Span {
  readonly protocol: string;
  readonly start: number;
  readonly length: number;
}

class Dissector {
  spans: Span[] = [];
  constructor(private readonly stats: Stats) {}

  private layer<T>(protocol: string, bytes: Uint8Array, start: number, fn: () => T): T | undefined {
    try {
      const r = fn();
      this.stats.parsed.set(protocol, (this.stats.parsed.get(protocol) ?? 0) + 1);
      this.spans.push({ protocol, start, length: bytes.length });
      return r;
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      assert.equal(e.protocol, protocol, `a ${protocol} parser threw a WireError naming ${e.protocol}: ${e.message}`);
      assert.ok(e.field.length > 0, `no field: ${e.message}`);
      assert.ok(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length, `${protocol} offset ${e.offset} outside 0..${bytes.length}: ${e.message}`);
      this.stats.refusals.set(protocol, (this.stats.refusals.get(protocol) ?? 0) + 1);
      return undefined;
    }
  }

  /** Encoding a parsed record must work, and give bytes that parse to the same record. */
  private again<T>(protocol: string, record: T, enc: (r: T) => Uint8Array, dec: (b: Uint8Array) => T): void {
    let bytes: Uint8Array;
    try {
      bytes = enc(record);
    } catch (e) {
      throw new Error(`${protocol}: a parsed record does not encode again: ${String(e)}`, { cause: e });
    }
    assert.deepStrictEqual(dec(bytes), record, `${protocol}: parse(encode(parse(x))) differs from parse(x)`);
  }

  frame(bytes: Uint8Array, at: number, depth: number): void {
    const eth = this.layer('eth', bytes, at, () => ethernet.parse(bytes));
    if (!eth) return;
    this.again('eth', eth, ethernet.encode, ethernet.parse);
    const off = at + ethernet.headerLen(eth);
    switch (eth.ethertype) {
      case ethernet.ETHERTYPE_ARP: {
        const a = this.layer('arp', eth.payload, off, () => arp.parse(eth.payload));
        if (a) this.again('arp', a, arp.encode, arp.parse);
        break;
      }
      case ethernet.ETHERTYPE_IPV4:
        this.ipv4(eth.payload, off, depth);
        break;
      case ethernet.ETHERTYPE_IPV6:
        this.ipv6(eth.payload, off, depth);
        break;
    }
  }

  ipv4(bytes: Uint8Array, at: number, depth: number): void {
    const ip = this.layer('ip', bytes, at, () => ipv4.parse(bytes));
    if (!ip) return;
    this.again('ip', ip, ipv4.encode, ipv4.parse);
    void ipv4.Ipv4View.check(bytes).checksumValid;
    this.layer('ip', bytes, at, () => ipv4.parseOptions(ip.options)); // offsets count from the IP header
    if (ip.fragmentOffset !== 0) return;
    const off = at + ipv4.headerLen(ip);
    this.transport(ip.protocol, ip.payload, off, { v: 4, src: ip.src, dst: ip.dst }, depth);
  }

  ipv6(bytes: Uint8Array, at: number, depth: number): void {
    const ip = this.layer('ipv6', bytes, at, () => ipv6.parse(bytes));
    if (!ip) return;
    this.again('ipv6', ip, ipv6.encode, ipv6.parse);
    for (const e of ip.extensions) {
      if (e.kind === 'hopByHop' || e.kind === 'destinationOptions') this.layer('ipv6', e.options, at, () => ipv6.parseOptions(e.options));
      if (e.kind === 'fragment' && e.fragmentOffset !== 0) return;
    }
    const off = at + ipv6.headerLen(ip);
    this.transport(ip.nextHeader, ip.payload, off, { v: 6, src: ip.src, dst: ip.dst }, depth);
  }

  transport(proto: number, bytes: Uint8Array, at: number, ph: { v: 4; src: number; dst: number } | { v: 6; src: string; dst: string }, depth: number): void {
    if (depth > 4) return;
    switch (proto) {
      case ipv4.PROTO_ICMP: {
        if (ph.v !== 4) return;
        const m = this.layer('icmp', bytes, at, () => icmp.parse(bytes));
        if (!m) return;
        void icmp.IcmpView.check(bytes).checksumValid;
        this.again('icmp', m, icmp.encode, icmp.parse);
        if (m.kind === 'destUnreachable' || m.kind === 'timeExceeded') this.ipv4(m.quote, at + icmp.HEADER_LEN, depth + 1);
        return;
      }
      case ipv6.NEXT_ICMPV6: {
        if (ph.v !== 6) return;
        const m = this.layer('icmpv6', bytes, at, () => icmpv6.parse(bytes));
        if (!m) return;
        void icmpv6.Icmpv6View.check(bytes).checksumValid(ph);
        this.again('icmpv6', m, (r) => icmpv6.encode(r, ph), icmpv6.parse);
        if (m.kind === 'destUnreachable' || m.kind === 'timeExceeded' || m.kind === 'packetTooBig' || m.kind === 'parameterProblem') {
          this.ipv6(m.quote, at + icmpv6.field.QUOTE, depth + 1);
        }
        return;
      }
      case ipv4.PROTO_UDP: {
        const d = this.layer('udp', bytes, at, () => udp.parse(bytes));
        if (!d) return;
        if (ph.v === 4) void udp.UdpView.check(bytes).checksumStatus(ph);
        this.again('udp', d, (r) => (ph.v === 4 ? udp.encode(r, ph) : udp.encode(r)), udp.parse);
        const off = at + udp.HEADER_LEN;
        if (d.dstPort === vxlan.UDP_PORT) {
          const vx = this.layer('vxlan', d.payload, off, () => vxlan.parse(d.payload));
          if (vx) {
            this.again('vxlan', vx, vxlan.encode, vxlan.parse);
            this.frame(vx.payload, off + vxlan.HEADER_LEN, depth + 1);
          }
        }
        if (d.srcPort === 53 || d.dstPort === 53 || d.srcPort === 5353 || d.dstPort === 5353) {
          const m = this.layer('dns', d.payload, off, () => dns.parse(d.payload));
          if (m) this.again('dns', m, dns.encode, dns.parse);
        }
        return;
      }
      case ipv4.PROTO_TCP: {
        const s = this.layer('tcp', bytes, at, () => tcp.parse(bytes));
        if (!s) return;
        if (ph.v === 4) {
          void tcp.TcpView.check(bytes).checksumValid(ph);
          this.again('tcp', s, (r) => tcp.encode(r, ph), tcp.parse);
        }
        return;
      }
      case ipv4.PROTO_ESP: {
        const p = this.layer('esp', bytes, at, () => esp.parse(bytes));
        if (!p) return;
        this.layer('esp', bytes, at, () => esp.EspView.check(bytes, esp.DOCKER_OVERLAY_LAYOUT));
        const o = this.layer('esp', bytes, at, () => esp.open(bytes, esp.NULL_CIPHER));
        if (o && o.spi !== 0) {
          if (o.paddingValid) this.again('esp', o, (r) => esp.sealToBytes(r, esp.NULL_CIPHER), (b) => esp.open(b, esp.NULL_CIPHER));
          this.transport(o.nextHeader, o.payload, at + esp.HEADER_LEN, ph, depth + 1);
        }
        return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Mutations

/** Offsets of length-like fields within each protocol's bytes, and their width. */
const LENGTH_FIELDS: Record<string, readonly [number, 1 | 2 | 'nibble-hi' | 'nibble-lo'][]> = {
  ip: [
    [2, 2],
    [0, 'nibble-lo'],
    [6, 2],
  ],
  ipv6: [
    [4, 2],
    [41, 1],
    [49, 1],
    [57, 1],
  ],
  udp: [[4, 2]],
  tcp: [[12, 'nibble-hi']],
  dns: [
    [4, 2],
    [6, 2],
    [8, 2],
    [10, 2],
  ],
  icmpv6: [
    [9, 1],
    [17, 1],
    [25, 1],
    [33, 1],
  ],
  arp: [
    [4, 1],
    [5, 1],
  ],
};

function lie(r: Xorshift, f: Uint8Array, spans: readonly Span[]): boolean {
  const candidates = spans.filter((s) => LENGTH_FIELDS[s.protocol]);
  if (candidates.length === 0) return false;
  const s = r.pick(candidates);
  const [off, width] = r.pick(LENGTH_FIELDS[s.protocol]!);
  const at = s.start + off;
  if (at + (width === 2 ? 2 : 1) > f.length) return false;
  const len = s.length;
  const values = [0, 1, 2, 7, 8, 19, 20, 39, 40, len - 1, len, len + 1, len + 8, 0xff, 0x7fff, 0xffff, r.below(0x10000)];
  const v = r.pick(values) & 0xffff;
  if (width === 2) {
    f[at] = v >>> 8;
    f[at + 1] = v;
  } else if (width === 1) f[at] = v;
  else if (width === 'nibble-hi') f[at] = (f[at]! & 0x0f) | ((v & 0xf) << 4);
  else f[at] = (f[at]! & 0xf0) | (v & 0xf);
  return true;
}

/** Redirects a DNS compression pointer (or turns a label into one): onto itself, forward, out of range, or into a cycle. */
function redirectPointer(r: Xorshift, f: Uint8Array, spans: readonly Span[]): boolean {
  const d = spans.filter((s) => s.protocol === 'dns');
  if (d.length === 0) return false;
  const s = r.pick(d);
  const pointers: number[] = [];
  for (let i = s.start + 12; i + 1 < s.start + s.length; i++) if ((f[i]! & 0xc0) === 0xc0) pointers.push(i);
  const at = pointers.length > 0 && r.below(4) !== 0 ? r.pick(pointers) : s.start + 12 + r.below(Math.max(1, s.length - 13));
  if (at + 1 >= f.length) return false;
  const rel = at - s.start;
  const other = pointers.length > 0 ? r.pick(pointers) - s.start : 12;
  const targets = [rel, rel + 1, rel + 2, rel + 2 + r.below(16), 0x3fff, s.length, s.length + 1, 0, 2, 12, other, other + 1, r.below(0x4000)];
  const t = r.pick(targets) & 0x3fff;
  f[at] = 0xc0 | (t >>> 8);
  f[at + 1] = t & 0xff;
  // Sometimes also point the target back here, closing a cycle of two pointers.
  const back = s.start + t;
  if (r.below(3) === 0 && back + 1 < s.start + s.length && back !== at) {
    f[back] = 0xc0 | (rel >>> 8);
    f[back + 1] = rel & 0xff;
  }
  return true;
}

function mutate(r: Xorshift, seed: Uint8Array, spans: readonly Span[]): Uint8Array {
  const kind = r.below(10);
  if (kind === 0) {
    // Extend: append 1..64 random bytes.
    const extra = 1 + r.below(64);
    const f = new Uint8Array(seed.length + extra);
    f.set(seed);
    for (let i = seed.length; i < f.length; i++) f[i] = r.next() & 0xff;
    return f;
  }
  const f = seed.slice();
  if (f.length === 0) return f;
  if (kind <= 2) {
    for (let n = 1 + r.below(4); n > 0; n--) {
      const i = r.below(f.length * 8);
      f[i >>> 3] = f[i >>> 3]! ^ (1 << (i & 7));
    }
  } else if (kind <= 4) {
    for (let n = 1 + r.below(4); n > 0; n--) f[r.below(f.length)] = r.pick([0, 1, 0x7f, 0x80, 0xc0, 0xff, r.next() & 0xff]);
  } else if (kind <= 6) {
    if (!lie(r, f, spans)) f[r.below(f.length)] = r.next() & 0xff;
  } else if (kind <= 8) {
    if (!redirectPointer(r, f, spans) && !lie(r, f, spans)) {
      const i = r.below(f.length);
      f[i] = f[i]! ^ 0xff;
    }
  } else {
    // A lie and a cut together.
    lie(r, f, spans);
    return f.subarray(0, r.below(f.length + 1));
  }
  return f;
}

// ---------------------------------------------------------------------------------------------------------

test(`fuzz: at least ${MIN_FRAMES} mutated frames through the whole dissection chain`, { timeout: 300_000 }, (t) => {
  const { frames, fromCaptures } = corpus();
  const stats: Stats = { frames: 0, refusals: new Map(), parsed: new Map() };
  const r = new Xorshift(SEED);
  const started = process.hrtime.bigint();
  let slowest = 0n;

  const feed = (f: Uint8Array, what: string): Span[] => {
    const d = new Dissector(stats);
    const t0 = process.hrtime.bigint();
    try {
      d.frame(f, 0, 0);
    } catch (e) {
      throw new Error(`${what}: ${String(e)}\nframe: ${toHex(f)}`, { cause: e });
    }
    const dt = process.hrtime.bigint() - t0;
    if (dt > slowest) slowest = dt;
    stats.frames++;
    return d.spans;
  };

  // The originals dissect cleanly at least as far as Ethernet; their spans target the length lies.
  const spans = frames.map((f, i) => feed(f, `original ${i}`));
  // Truncation at every length.
  frames.forEach((f, i) => {
    for (let n = 0; n < f.length; n++) feed(f.subarray(0, n), `frame ${i} cut to ${n}`);
  });
  // Random mutations until the total is reached: half of them of the hand-picked literals (one of each protocol
  // and feature), half of any frame.
  for (let k = 0; stats.frames < MIN_FRAMES; k++) {
    const i = k % 2 === 0 ? r.below(LITERALS.length) : r.below(frames.length);
    feed(mutate(r, frames[i]!, spans[i]!), `mutant ${k} of frame ${i}`);
  }

  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const fmt = (m: Map<string, number>): string => [...m].sort().map(([k, v]) => `${k} ${v}`).join(', ');
  t.diagnostic(`fed ${stats.frames} frames (${frames.length} originals, ${fromCaptures} of them from the reference captures) in ${ms.toFixed(0)} ms; slowest ${(Number(slowest) / 1e6).toFixed(2)} ms`);
  t.diagnostic(`parsed: ${fmt(stats.parsed)}`);
  t.diagnostic(`refused with WireError: ${fmt(stats.refusals)}`);
  assert.ok(stats.frames >= MIN_FRAMES);
  // Every protocol of the chain was reached and also refused something.
  for (const p of ['eth', 'arp', 'ip', 'icmp', 'udp', 'tcp', 'vxlan', 'dns', 'esp', 'ipv6', 'icmpv6']) {
    assert.ok((stats.parsed.get(p) ?? 0) > 0, `${p} never parsed`);
    assert.ok((stats.refusals.get(p) ?? 0) > 0, `${p} never refused anything`);
  }
  // A parser that hangs (a DNS compression loop not cut) never returns: the test's timeout catches it. Speed is
  // reported above and measured by benchmarks, never asserted here (a loaded CI machine would make it flaky).
});
