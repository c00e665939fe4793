// Interop: files we write are read by tshark/capinfos exactly as we meant them, and files tshark/editcap write and
// the kernel reference captures are read by us exactly as tshark reads them.

import { describe, it, before, after } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from './detect.ts';
import { readPcap, writePcap } from './pcap.ts';
import type { PcapPacketIn } from './pcap.ts';
import { readPcapng, writePcapng } from './pcapng.ts';
import type { PcapngPacketIn } from './pcapng.ts';
import { sharedPath } from '../../../test/shared-path.ts';

const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const HAVE_CAPINFOS = spawnSync('capinfos', ['--version'], { stdio: 'ignore' }).status === 0;
const REFERENCE = sharedPath('reference/linux');
const EPOCH = 1_700_000_000_000_000_000n;

/** File bytes as a plain Uint8Array (not a Buffer, whose subarrays compare unequal to Uint8Arrays). */
function load(file: string): Uint8Array {
  const b = readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

const fieldArgs = (file: string, names: string[], extra: string[]): string[] => ['-r', file, ...extra, '-T', 'fields', '-E', 'separator=\t', ...names.flatMap((n) => ['-e', n])];
const rowsOf = (out: string): string[][] => out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));

/** tshark -T fields, one array of columns per frame. */
function fields(file: string, names: string[], extra: string[] = []): string[][] {
  return rowsOf(run('tshark', fieldArgs(file, names, extra)));
}

/** The same, without blocking (so several tshark runs overlap). */
async function fieldsAsync(file: string, names: string[]): Promise<string[][]> {
  const { stdout } = await promisify(execFile)('tshark', fieldArgs(file, names, []), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return rowsOf(stdout);
}

/** "1700000001.000000123" → ns as bigint, for any number of fraction digits. */
function epochToNs(s: string): bigint {
  const [sec, frac = ''] = s.split('.');
  return BigInt(sec!) * 1_000_000_000n + BigInt((frac + '000000000').slice(0, 9));
}

const CHECKS = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];

/** No malformed frames and no expert errors (checksums checked). */
function assertClean(file: string): void {
  assert.equal(run('tshark', ['-r', file, ...CHECKS, '-Y', '_ws.malformed || _ws.expert.severity == error']), '', `${file}: malformed or erroneous frames`);
  const expert = run('tshark', ['-r', file, ...CHECKS, '-q', '-z', 'expert,error']);
  assert.doesNotMatch(expert, /Errors \(/, `${file}: expert errors:\n${expert}`);
}

function sum16(b: Uint8Array, start: number, end: number, acc = 0): number {
  for (let i = start; i < end; i += 2) acc += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  return acc;
}
function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return ~acc & 0xffff;
}

/** Ethernet II / IPv4 (DF, TTL 64) / UDP with correct IP and UDP checksums, built by hand. */
function udpFrame(srcIp: number[], dstIp: number[], srcPort: number, dstPort: number, payload: Uint8Array, ipId: number): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + payload.length);
  const v = new DataView(f.buffer);
  f.set([0x02, 0x42, 0xac, 0x11, 0x00, 0x03, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0x08, 0x00]);
  f.set([0x45, 0x00], 14);
  v.setUint16(16, 20 + 8 + payload.length);
  v.setUint16(18, ipId);
  v.setUint16(20, 0x4000);
  f[22] = 64;
  f[23] = 17;
  f.set(srcIp, 26);
  f.set(dstIp, 30);
  v.setUint16(24, fold(sum16(f, 14, 34)));
  v.setUint16(34, srcPort);
  v.setUint16(36, dstPort);
  v.setUint16(38, 8 + payload.length);
  f.set(payload, 42);
  const pseudo = sum16(f, 26, 34) + 17 + 8 + payload.length;
  const c = fold(sum16(f, 34, f.length, pseudo));
  v.setUint16(40, c === 0 ? 0xffff : c);
  return f;
}

const enc = new TextEncoder();
const UDP_A = udpFrame([172, 17, 0, 2], [172, 17, 0, 3], 40000, 5555, enc.encode('hello flotilla'), 0x1234);
const UDP_B = udpFrame([172, 17, 0, 3], [172, 17, 0, 2], 5555, 40000, enc.encode('hello flotilla!'), 0x4321);

function referenceFiles(): string[] {
  try {
    return readdirSync(REFERENCE)
      .filter((f) => f.endsWith('.pcap'))
      .map((f) => join(REFERENCE, f));
  } catch {
    return [];
  }
}

describe('interop with tshark', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-pcap-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const skip = (t: TestContext): boolean => {
    if (HAVE_TSHARK) return false;
    t.skip('tshark not installed');
    return true;
  };

  // real frames: every frame of two kernel captures (ARP, ICMP, VXLAN, TCP, HTTP) plus our hand-made UDP pair
  const realFrames = (): Uint8Array[] => {
    const frames = [UDP_A, UDP_B];
    for (const f of ['02-bridge-docker0-arp-icmp.pcap', '04-overlay-http-underlay-n1eth0.pcap']) {
      try {
        frames.push(...readPcap(load(join(REFERENCE, f))).packets.map((p) => p.data));
      } catch {
        // reference captures absent: the UDP pair alone
      }
    }
    return frames;
  };

  for (const resolution of ['ns', 'us'] as const) {
    it(`pcap (${resolution}): tshark reads our timestamps, lengths and frames exactly`, (t) => {
      if (skip(t)) return;
      const frames = realFrames();
      // odd nanosecond offsets, growing, one crossing a second boundary
      const packets: PcapPacketIn[] = frames.map((data, i) => ({ tsNs: i * 333_333_333 + (i % 7) * 1_001, data }));
      const file = join(dir, `ours-${resolution}.pcap`);
      writeFileSync(file, writePcap(packets, { epochNs: EPOCH, resolution }));
      const rows = fields(file, ['frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.protocols']);
      assert.equal(rows.length, packets.length);
      rows.forEach((r, i) => {
        const p = packets[i]!;
        let ns = EPOCH + BigInt(p.tsNs);
        if (resolution === 'us') ns -= ns % 1000n;
        assert.deepEqual([r[0], epochToNs(r[1]!), r[2], r[3]], [String(i + 1), ns, String(p.data.length), String(p.data.length)]);
        assert.match(r[4]!, /^eth:ethertype:/);
      });
      const hexOf = (s: string): string => Array.from(enc.encode(s), (b) => b.toString(16).padStart(2, '0')).join('');
      assert.deepEqual(fields(file, ['udp.srcport', 'udp.dstport', 'data.data'], ['-Y', 'frame.number <= 2']), [
        ['40000', '5555', hexOf('hello flotilla')],
        ['5555', '40000', hexOf('hello flotilla!')],
      ]);
      assertClean(file);
      if (HAVE_CAPINFOS) {
        const info = run('capinfos', ['-t', '-E', '-l', '-M', file]);
        assert.match(info, resolution === 'ns' ? /File type:\s+nsecpcap/ : /File type:\s+pcap\b/);
        assert.match(info, /File encapsulation:\s+ether/);
        assert.match(info, /Packet size limit:\s+file hdr: 262144 bytes/);
      }
    });
  }

  it('pcap: truncation to snaplen shows as frame.len > frame.cap_len', (t) => {
    if (skip(t)) return;
    const file = join(dir, 'snap.pcap');
    writeFileSync(file, writePcap([{ tsNs: 0, data: UDP_A }, { tsNs: 1, data: UDP_B, origLen: 1500 }], { snaplen: 34 }));
    assert.deepEqual(fields(file, ['frame.len', 'frame.cap_len']), [
      [String(UDP_A.length), '34'],
      ['1500', '34'],
    ]);
  });

  it('pcapng: tshark and capinfos read interfaces, timestamps, comments, packet ids and directions', (t) => {
    if (skip(t)) return;
    const frames = realFrames();
    const interfaces = [
      { name: 'c1/eth0', description: 'container c1, eth0 (overlay net1)' },
      { name: 'n1/br0', description: 'node n1, bridge br0' },
      { name: 'n1/eth0', description: 'node n1 underlay — ünïcode' },
    ];
    // each frame crosses the three interfaces 1 µs apart: the hops share a packet id
    const packets: PcapngPacketIn[] = [];
    frames.forEach((data, i) => {
      for (let hop = 0; hop < 3; hop++) {
        packets.push({
          interface: hop,
          tsNs: BigInt(i) * 1_000_000_007n + BigInt(hop * 1000 + 1),
          data,
          direction: hop === 0 ? 'out' : 'in',
          packetId: i + 1,
          ...(i === 1 && hop === 2 ? { comment: 'rewritten by DNAT; é' } : {}),
        });
      }
    });
    const file = join(dir, 'ours.pcapng');
    writeFileSync(file, writePcapng({ interfaces, packets }, { epochNs: EPOCH, os: 'Flotilla virtual Linux' }));
    const rows = fields(file, [
      'frame.number',
      'frame.time_epoch',
      'frame.len',
      'frame.interface_id',
      'frame.interface_name',
      'frame.interface_description',
      'frame.comment',
      'frame.packet_id',
      'frame.packet_flags_direction',
    ]);
    assert.equal(rows.length, packets.length);
    rows.forEach((r, i) => {
      const p = packets[i]!;
      const ifc = interfaces[p.interface]!;
      assert.deepEqual(r, [
        String(i + 1),
        r[1],
        String(p.data.length),
        String(p.interface),
        ifc.name,
        ifc.description,
        p.comment ?? '',
        String(p.packetId),
        p.direction === 'in' ? '0x00000001' : '0x00000002',
      ]);
      assert.equal(epochToNs(r[1]!), EPOCH + BigInt(p.tsNs));
    });
    assertClean(file);
    if (HAVE_CAPINFOS) {
      const info = run('capinfos', ['-t', '-E', '-c', '-F', '-I', '-M', file]);
      assert.match(info, /File type:\s+pcapng/);
      assert.match(info, /File timestamp precision:\s+nanoseconds \(9\)/);
      assert.match(info, /Capture application:\s+Flotilla\n/);
      assert.match(info, /Capture oper-sys:\s+Flotilla virtual Linux/);
      assert.match(info, new RegExp(`Number of packets:\\s+${packets.length}\\n`));
      assert.match(info, /Number of interfaces in file: 3/);
      for (const ifc of interfaces) {
        assert.ok(info.includes(`Name = ${ifc.name}\n`), `capinfos names ${ifc.name}`);
        assert.ok(info.includes(`Description = ${ifc.description}\n`), `capinfos describes ${ifc.name}`);
      }
      assert.equal((info.match(/Time resolution = 0x09/g) ?? []).length, 3);
    }
  });

  it('we read what tshark/editcap write (pcapng with their own options and statistics blocks, µs pcap)', (t) => {
    if (skip(t)) return;
    const src = join(dir, 'src.pcapng');
    const frames = realFrames();
    writeFileSync(src, writePcapng({ interfaces: [{ name: 'a' }, { name: 'b' }], packets: frames.map((data, i) => ({ interface: i % 2, tsNs: i * 1_234_567_891, data, packetId: i, comment: `n${i}` })) }, { epochNs: EPOCH }));
    const theirs = join(dir, 'theirs.pcapng');
    run('tshark', ['-r', src, '-w', theirs, '-F', 'pcapng']);
    const f = readPcapng(load(theirs));
    assert.equal(f.packets.length, frames.length);
    assert.equal(f.sections[0]!.userappl, 'Flotilla'); // tshark keeps the section's options
    f.packets.forEach((p, i) => {
      assert.deepEqual(p.data, frames[i]);
      assert.equal(p.tsNs, EPOCH + BigInt(i * 1_234_567_891));
      assert.equal(f.interfaces[p.interface]!.name, i % 2 ? 'b' : 'a');
      assert.equal(p.comment, `n${i}`);
    });
    const us = join(dir, 'theirs-us.pcap');
    run('editcap', ['-F', 'pcap', src, us]);
    const c = readCapture(load(us));
    assert.equal(c.format, 'pcap');
    assert.equal(c.packets.length, frames.length);
    c.packets.forEach((p, i) => {
      const ns = EPOCH + BigInt(i * 1_234_567_891);
      assert.equal(p.tsNs, ns - (ns % 1000n));
      assert.deepEqual(p.data, frames[i]);
    });
  });

  it('kernel reference captures: our reader agrees with tshark, and rewriting them is byte-identical', async (t) => {
    if (skip(t)) return;
    const files = referenceFiles();
    if (files.length === 0) {
      t.skip(`no reference captures in ${REFERENCE}`);
      return;
    }
    const tsharkRows = await Promise.all(files.map((f) => fieldsAsync(f, ['frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len'])));
    for (const [k, file] of files.entries()) {
      const bytes = load(file);
      const ours = readPcap(bytes);
      const rows = tsharkRows[k]!;
      // the count `tshark -r FILE -T fields -e frame.number | wc -l` gives
      assert.equal(ours.packets.length, rows.length, `${file}: packet count`);
      assert.deepEqual(rows.map((r) => r[0]), ours.packets.map((_, i) => String(i + 1)));
      ours.packets.forEach((p, i) => {
        const r = rows[i]!;
        assert.deepEqual([epochToNs(r[1]!), Number(r[2]), Number(r[3])], [p.tsNs, p.origLen, p.data.length], `${file} frame ${i + 1}`);
      });
      // tcpdump wrote them: little-endian, µs, snaplen 262144, Ethernet — our writer reproduces every byte
      assert.deepEqual(
        [ours.byteOrder, ours.resolution, ours.snaplen],
        ['le', 'us', 262144],
        `${file}: header`,
      );
      const again = writePcap(ours.packets, { resolution: 'us', linktype: ours.linktype, snaplen: ours.snaplen });
      assert.deepEqual(again, bytes, `${file}: rewrite is byte-identical`);
    }
  });
});
