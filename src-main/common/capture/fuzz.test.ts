// Fuzz: 100,000 mutated capture files through the importer (indexCapture, which must agree with parseCaptureFile) and 100,000 random and
// mutated display filters through compileFilter. Mutations are seeded (xorshift): truncation, bit flips, byte
// substitutions, bad magic, huge caplen / block lengths, block length lies, appended junk, duplicated blocks.
// Asserted: the only error is CaptureRefused (a message saying what and where) / a FilterError result whose range
// lies in the text; nothing hangs (the tests' timeout; the core's code never reads the wall clock); memory stays bounded: every
// accepted packet's bytes are a view into the file (no copy, so no allocation a lied length could inflate), and
// its captured length fits in the file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { writePcap, writePcapng, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL } from '../pcap/index.ts';
import { compileFilter } from '../dissect/index.ts';
import { CaptureRefused, indexCapture, parseCaptureFile, type IndexedCapture } from './indexer.ts';
import { origLenOf } from './frame-index.ts';
import { sharedPath, SHARED } from '../../../test/shared-path.ts';

const FILES = 100_000;
const FILTERS = 100_000;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function seeds(): Uint8Array[] {
  const frame = (n: number) => {
    const f = new Uint8Array(60 + n);
    for (let i = 0; i < f.length; i++) f[i] = (i * 7 + n) & 0xff;
    f[12] = 8;
    f[13] = 0;
    f[14] = 0x45;
    return f;
  };
  const pkts = [0, 1, 2, 3].map((i) => ({ tsNs: BigInt(i * 1000), data: frame(i) }));
  const out: Uint8Array[] = [
    writePcap(pkts, { linktype: LINKTYPE_ETHERNET, resolution: 'ns' }),
    writePcap(pkts, { linktype: LINKTYPE_LINUX_SLL, resolution: 'us' }),
    writePcapng({ interfaces: [{ name: 'eth0', description: 'eth0 in netns n1', linktype: LINKTYPE_ETHERNET }, { name: 'br0' }], packets: pkts.map((p, i) => ({ ...p, interface: i % 2, direction: i % 2 ? 'in' : 'out', packetId: i + 1 })) }, { comment: 'fuzz' }),
    // Plain EPBs (no options), which the import walks in place.
    writePcapng({ interfaces: [{ name: 'eth0' }, { name: 'br0' }], packets: pkts.map((p, i) => ({ ...p, interface: i % 2 })) }),
  ];
  if (existsSync(SHARED)) {
    for (const name of ['02-bridge-docker0-arp-icmp.pcap', '01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-c1eth0.pcap']) {
      const p = sharedPath('reference/linux', name);
      if (existsSync(p)) out.push(readFileSync(p).subarray(0, 3000));
    }
  }
  return out;
}

const LIES = [0, 1, 3, 0x7fffffff, 0xffffffff, 0x10000000, 0xfffffff0, 65535, 262145, 12, 28, 32];

function mutate(src: Uint8Array, next: () => number): Uint8Array {
  const r = next() % 9;
  let b: Uint8Array;
  if (r === 0) return src.subarray(0, next() % (src.length + 1)); // truncation
  if (r === 7) {
    b = new Uint8Array(src.length + (next() % 64));
    b.set(src);
    for (let i = src.length; i < b.length; i++) b[i] = next() & 0xff;
    return b;
  }
  b = src.slice();
  const n = 1 + (next() % 4);
  for (let k = 0; k < n; k++) {
    const at = b.length === 0 ? 0 : next() % b.length;
    if (r === 1) b[at]! ^= 1 << (next() % 8);
    else if (r === 2) b[at] = next() & 0xff;
    else if (r === 3) b.set([next() & 0xff, next() & 0xff, next() & 0xff, next() & 0xff].slice(0, Math.min(4, b.length)), 0); // bad magic
    else if (r === 4 || r === 5 || r === 6) {
      // A length field lied to: the pcap record header's caplen (24+8) or a pcapng block's total length, or any 4 bytes.
      const lie = LIES[next() % LIES.length]!;
      const where = r === 4 ? 24 + 8 : r === 5 ? (next() % 2 === 0 ? 4 : 28 + 4) : at & ~3;
      if (where + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(where, lie, next() % 2 === 0);
    } else if (r === 8 && b.length > 32) {
      const from = next() % (b.length - 16);
      const dup = b.subarray(from, from + 16 + (next() % 64));
      const c = new Uint8Array(b.length + dup.length);
      c.set(b.subarray(0, from));
      c.set(dup, from);
      c.set(b.subarray(from), from + dup.length);
      b = c;
    }
  }
  return b;
}

test(`${FILES} mutated capture files: refused or read, never a crash, a hang or an allocation beyond the file`, { timeout: 240_000 }, () => {
  const base = seeds();
  const next = rng(0xf10_7111a);
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < FILES; i++) {
    const src = base[i % base.length]!;
    let bytes = mutate(src, next);
    if (i % 5 === 0) bytes = mutate(bytes, next);
    // The import (indexCapture: its own walk over classic pcap records) accepts and refuses exactly as the parser.
    let indexed: IndexedCapture | CaptureRefused;
    try {
      indexed = indexCapture(bytes);
    } catch (e) {
      if (!(e instanceof CaptureRefused)) throw new Error(`file ${i} (${bytes.length} bytes): the import threw ${String(e)}`);
      indexed = e;
    }
    try {
      const parsed = parseCaptureFile(bytes);
      accepted++;
      let total = 0;
      for (const p of parsed.capture.packets) {
        assert.equal(p.data.buffer, bytes.buffer, 'a packet is a view into the file');
        assert.ok(p.data.byteOffset >= bytes.byteOffset && p.data.byteOffset + p.data.length <= bytes.byteOffset + bytes.length, 'inside the file');
        total += p.data.length;
      }
      assert.ok(total <= bytes.length, 'captured bytes fit in the file');
      if (indexed instanceof CaptureRefused) throw new Error(`file ${i}: parsed, but the import refused it: ${indexed.message}`);
      const ix = indexed.index;
      assert.equal(ix.count, parsed.capture.packets.length, `file ${i}: frames indexed`);
      parsed.capture.packets.forEach((p, n) => {
        assert.equal(ix.offset[n], p.data.byteOffset - bytes.byteOffset);
        assert.equal(ix.caplen[n], p.data.length);
        assert.equal(origLenOf(ix, n), p.origLen);
      });
    } catch (e) {
      if (!(e instanceof CaptureRefused)) throw e instanceof Error && e.message.startsWith('file ') ? e : new Error(`file ${i} (${bytes.length} bytes) threw ${String(e)}`);
      assert.match(e.message, /^Not a capture Flotilla can read: /);
      assert.equal(indexed instanceof CaptureRefused ? indexed.message : 'accepted', e.message, `file ${i}: the import's verdict`);
      refused++;
    }
  }
  assert.ok(accepted > 1000 && refused > 1000, `both outcomes: ${accepted} read, ${refused} refused`);
});

const WORDS = ['ip.addr', 'ip.src', 'ip.dst', 'tcp.port', 'udp.port', 'vxlan.vni', 'eth.addr', 'icmp', 'dns', 'arp', 'frame.len', 'ip.ttl', 'tcp.flags.syn', 'http', 'dns.qry.name', 'eth.src'];
const OPS = ['==', '!=', '<', '>', '<=', '>=', 'eq', 'ne', 'contains', 'matches', 'in', '&&', '||', 'and', 'or', 'not', '!', '(', ')', '{', '}', '[', ']', ':', ',', '..', '"', '\\', '~', '^^'];
const VALUES = ['10.0.1.5', '10.0.0.0/8', '80', '443', '0x1001', '4097', '"abc"', '"a\\x00"', '"unterminated', 'aa:bb:cc:dd:ee:ff', '1e99', '-1', '99999999999999999999', 'ff:ff', '1.2.3', '']; 
const GOOD = ['ip.addr == 10.0.1.5', 'tcp.port in {80 443}', 'dns && !icmp', 'vxlan.vni == 4097', 'frame contains "abc"', 'ip.ttl > 5 and not arp', 'eth.src == aa:bb:cc:dd:ee:ff || udp.port == 53'];

test(`${FILTERS} random and mutated display filters: compiled or an error inside the text, never a crash or a hang`, { timeout: 120_000 }, () => {
  const next = rng(0xd15_91a7);
  const pick = <T>(a: readonly T[]): T => a[next() % a.length]!;
  let ok = 0;
  let bad = 0;
  for (let i = 0; i < FILTERS; i++) {
    let text: string;
    const r = next() % 4;
    if (r === 0) {
      const n = 1 + (next() % 12);
      const parts: string[] = [];
      for (let k = 0; k < n; k++) parts.push(pick(next() % 3 === 0 ? WORDS : next() % 2 === 0 ? OPS : VALUES));
      text = parts.join(next() % 3 === 0 ? '' : ' ');
    } else if (r === 1) {
      const g = pick(GOOD);
      const at = next() % (g.length + 1);
      text = g.slice(0, at) + String.fromCharCode(next() % 128) + g.slice(at + (next() % 3));
    } else if (r === 2) {
      text = '';
      const n = next() % 40;
      for (let k = 0; k < n; k++) text += String.fromCharCode(next() % 3 === 0 ? next() % 0x3000 : 32 + (next() % 95));
    } else {
      const depth = next() % 300;
      text = '('.repeat(depth) + pick(GOOD) + ')'.repeat(next() % (depth + 2)) + (next() % 2 ? ' && !'.repeat(next() % 50) + 'ip' : '');
    }
    let result;
    try {
      result = compileFilter(text);
    } catch (e) {
      throw new Error(`filter ${JSON.stringify(text)} threw ${String(e)}`);
    }
    if (result.ok) {
      ok++;
      result.filter.test(new Map());
    } else {
      bad++;
      const { start, end, message } = result.error;
      assert.ok(message.length > 0);
      assert.ok(start >= 0 && start <= end && end <= text.length, `error range [${start}, ${end}) inside ${JSON.stringify(text)}`);
    }
  }
  assert.ok(ok > 1000 && bad > 1000, `both outcomes: ${ok} compiled, ${bad} refused`);
});
