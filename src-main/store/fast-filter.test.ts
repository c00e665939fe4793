// Filters over the index's columns (fast-filter.ts) pass exactly the frames the full filter passes (a dissection
// of every frame in order): on every reference capture and on captures whose frames are mutated; and the
// columns' tcp.stream and udp.stream are tshark's.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CaptureContext, collectFields, compileFilter, type DisplayFilter } from '../common/dissect/index.ts';
import { readCapture, writePcap } from '../common/pcap/index.ts';
import { formatIpv4 } from '../common/wire/ipv4-address.ts';
import { Library, randomId } from './library.ts';
import { sharedPath } from '../../test/shared-path.ts';
import { fieldRows, writeTemp } from '../../test/tshark.ts';
import { ColumnValues, isFastFilter } from '../common/capture/fast-filter.ts';
import { frameMeta, indexCapture, parseCaptureFile } from '../common/capture/indexer.ts';

const DIR = sharedPath('reference', 'linux');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).sort();

function compile(text: string): DisplayFilter {
  const c = compileFilter(text);
  if (!c.ok) throw new Error(`${text}: ${c.error.message}`);
  return c.filter;
}

/** The frames a full pass passes: every frame dissected in order through one context. */
function fullMatch(bytes: Uint8Array, filters: DisplayFilter[]): number[][] {
  const parsed = parseCaptureFile(bytes);
  const ctx = new CaptureContext();
  const out = filters.map((): number[] => []);
  parsed.capture.packets.forEach((p, i) => {
    const { values } = collectFields(p.data, frameMeta(parsed, i), ctx);
    filters.forEach((f, k) => f.test(values) && out[k]!.push(i + 1));
  });
  return out;
}

/** Filters of every kind the columns answer, with addresses and streams found in the capture. */
function filtersFor(bytes: Uint8Array): string[] {
  const parsed = parseCaptureFile(bytes);
  const ctx = new CaptureContext();
  const addrs = new Set<number>();
  for (const [i, p] of parsed.capture.packets.entries()) for (const a of collectFields(p.data, frameMeta(parsed, i), ctx).values.get('ip.src') ?? []) addrs.add(a as number);
  const a = [...addrs].slice(0, 3).map(formatIpv4);
  const x = a[0] ?? '10.0.0.2';
  const y = a[1] ?? '10.0.0.3';
  return [
    'eth', 'vlan', 'arp', 'ip', 'icmp', 'tcp', 'udp', 'vxlan', 'dns', 'http', '!icmp', 'dns && !icmp', 'vxlan and not arp', 'icmp || arp',
    `ip.addr == ${x}`, `ip.src == ${x}`, `ip.dst == ${y}`, `ip.addr != ${x}`, `!(ip.addr == ${x})`, `ip.addr ~= ${y}`, `ip.addr === ${y}`,
    `ip.addr == ${x} && ip.addr == ${y}`, 'ip.addr == 10.0.0.0/8 or arp', `ip.src == ${x} || ip.dst == ${x}`, 'ip.src == ip.dst',
    'tcp.port == 80', 'tcp.port in {80 8080}', 'tcp.srcport == 80', 'tcp.dstport != 80', 'udp.port == 53', 'udp.port == 4789', 'udp.dstport == 53',
    'tcp.stream == 0', 'tcp.stream == 1', 'tcp.stream > 0', 'tcp.stream', 'udp.stream == 0', 'udp.stream == 1', 'udp.stream in {2..5}', 'udp.stream', '!udp.stream',
    `tcp.stream >= 1 and not tcp.port == 80`, `(udp.port == 53 || tcp.port == 80) && ip.addr == ${y}`,
    'frame', 'frame.len > 100', 'frame.len > 100 && icmp', 'frame.cap_len < 80', 'frame.len == 42', 'frame.number <= 5', 'frame.number in {2 4 6}',
    'frame.time_relative > 0.5', 'frame.time_relative >= 1 and udp', '!(frame.len > 1000)',
  ];
}

function withLibrary(fn: (lib: Library) => void): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-fastfilter-'));
  const lib = Library.open(path.join(dir, 'library.sqlite'), { now: () => new Date(), newId: randomId });
  try {
    fn(lib);
  } finally {
    lib.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the filters it takes are protocol names, frame numbers, lengths and times, addresses, ports and streams joined by and/or/not', () => {
  for (const t of ['icmp', 'ip.addr == 10.0.0.1 && !tcp.port in {80 443}', 'udp.stream == 3 or not vxlan', 'ip.src == ip.dst', 'frame.len > 100 && icmp', 'frame.time_relative < 2']) assert.ok(isFastFilter(compile(t)), t);
  for (const t of ['frame.interface_name == "eth0"', 'frame.protocols contains "icmp"', 'icmp.type == 8', 'ip contains 0a', 'http.request.method == "GET"', 'dns.qry.name matches "x"', 'ip.src == eth.src', 'ip == 01']) {
    const c = compileFilter(t);
    if (c.ok) assert.ok(!isFastFilter(c.filter), t);
  }
});

test('on every reference capture, the column filters pass the frames the full filter passes', () => {
  withLibrary((lib) => {
    for (const file of FILES) {
      const bytes = new Uint8Array(readFileSync(path.join(DIR, file)));
      const texts = filtersFor(bytes);
      const filters = texts.map(compile);
      const full = fullMatch(bytes, filters);
      const c = lib.captures.import({ name: file, source: 'import' }, bytes);
      filters.forEach((f, k) => {
        const fast = lib.captures.matchFast(c.id, f);
        assert.ok(fast, `${file}: "${texts[k]}" ran over the columns`);
        assert.deepEqual([...fast], full[k], `${file}: "${texts[k]}"`);
      });
    }
  });
});

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

test('on captures whose frames are mutated (bytes flipped, frames cut), the column filters pass what the full filter passes', () => {
  const next = rng(20261122);
  const sources = ['01-overlay-ping-docker-underlay-n1eth0.pcap', '02-bridge-docker0-arp-icmp.pcap', '03-overlay-dns-underlay-n1eth0.pcap', '04-overlay-http-underlay-n1eth0.pcap', '05-vip-rr-nft-underlay-n1eth0.pcap'];
  let ran = 0;
  let cases = 0;
  withLibrary((lib) => {
    for (let round = 0; round < 40; round++) {
      const src = readCapture(new Uint8Array(readFileSync(path.join(DIR, sources[round % sources.length]!)))).packets.slice(0, 120);
      const packets = src.map((p) => {
        let data = p.data.slice();
        const r = next() % 4;
        // Headers are where the walk decides: most flips land in the first 80 bytes.
        if (r === 0) {
          for (let k = 0; k < 1 + (next() % 3); k++) {
            const at = next() % Math.min(80, data.length);
            data[at] = data[at]! ^ (1 << next() % 8);
          }
        }
        else if (r === 1) data = data.subarray(0, next() % (data.length + 1));
        else if (r === 2) data[next() % data.length] = next() & 0xff;
        return { tsNs: p.tsNs, data };
      });
      const bytes = writePcap(packets);
      const texts = filtersFor(bytes);
      const filters = texts.map(compile);
      const full = fullMatch(bytes, filters);
      const c = lib.captures.import({ name: `mutated-${round}`, source: 'import' }, bytes);
      filters.forEach((f, k) => {
        cases++;
        const fast = lib.captures.matchFast(c.id, f);
        if (!fast) return;
        ran++;
        assert.deepEqual([...fast], full[k], `round ${round}: "${texts[k]}"`);
      });
    }
  });
  // Mostly answered by the columns (a frame they cannot describe sends the whole filter to the full pass).
  assert.ok(ran > cases / 2, `${ran} of ${cases} filters ran over the columns`);
});

test('the columns number tcp.stream and udp.stream as tshark does, on every reference capture', () => {
  let exact = 0;
  let frames = 0;
  for (const file of FILES) {
    const full = path.join(DIR, file);
    const bytes = new Uint8Array(readFileSync(full));
    const { index } = indexCapture(bytes);
    const rows = fieldRows(writeTemp(file, bytes), ['tcp.stream', 'udp.stream'] as const);
    assert.equal(rows.length, index.count, file);
    const columns = new ColumnValues(new Set(['tcp.stream', 'udp.stream']));
    frames += index.count;
    rows.forEach((row, i) => {
      if (!ColumnValues.exact(index, i)) return;
      exact++;
      const v = columns.of(index, i, i + 1);
      assert.equal((v.get('tcp.stream') ?? []).join('/'), row['tcp.stream'], `${file} frame ${i + 1}: tcp.stream`);
      assert.equal((v.get('udp.stream') ?? []).join('/'), row['udp.stream'], `${file} frame ${i + 1}: udp.stream`);
    });
  }
  assert.ok(exact > frames * 0.9, `${exact} of ${frames} frames described by the columns`);
});
