import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureError } from './error.ts';
import {
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
  PCAP_MAGIC_MICRO,
  PCAP_MAGIC_NANO,
  PcapReader,
  PcapWriter,
  readPcap,
  writePcap,
} from './pcap.ts';
import { hex } from './testing.ts';


const EPOCH = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z
const FRAME5 = Uint8Array.of(1, 2, 3, 4, 5);

const HEADER_NS_ETH = hex(`
  4d 3c b2 a1   # magic 0xa1b23c4d (nanoseconds), little-endian
  02 00 04 00   # version 2.4
  00 00 00 00   # thiszone 0
  00 00 00 00   # sigfigs 0
  00 00 04 00   # snaplen 262144 = 0x00040000
  01 00 00 00   # linktype 1 (Ethernet)
`);

// virtual 1.500000123 s after an epoch of 1700000000 s
const RECORD_NS = hex(`
  01 f1 53 65   # ts_sec 1700000001 = 0x6553f101
  7b 65 cd 1d   # ts_frac 500000123 ns = 0x1dcd657b
  05 00 00 00   # incl_len 5
  3c 00 00 00   # orig_len 60
  01 02 03 04 05
`);

describe('pcap writer', () => {
  it('writes the nanosecond header byte-exact', () => {
    assert.deepEqual(new PcapWriter().header(), HEADER_NS_ETH);
  });

  it('writes the microsecond header with another link type and snaplen', () => {
    const w = new PcapWriter({ resolution: 'us', linktype: LINKTYPE_LINUX_SLL2, snaplen: 65535 });
    assert.equal(w.magic, PCAP_MAGIC_MICRO);
    assert.deepEqual(
      w.header(),
      hex(`
        d4 c3 b2 a1   # magic 0xa1b2c3d4 (microseconds)
        02 00 04 00   # version 2.4
        00 00 00 00 00 00 00 00   # thiszone, sigfigs
        ff ff 00 00   # snaplen 65535
        14 01 00 00   # linktype 276 = 0x114 (LINUX_SLL2)
      `),
    );
  });

  it('writes a record byte-exact, from a number or a bigint timestamp', () => {
    const w = new PcapWriter({ epochNs: EPOCH });
    assert.deepEqual(w.record(1_500_000_123, FRAME5, 60), RECORD_NS);
    assert.deepEqual(w.record(1_500_000_123n, FRAME5, 60), RECORD_NS);
  });

  it('cuts sub-microsecond digits in microsecond files', () => {
    const w = new PcapWriter({ epochNs: EPOCH, resolution: 'us' });
    assert.deepEqual(
      w.record(1_500_000_999, FRAME5),
      hex(`
        01 f1 53 65   # ts_sec 1700000001
        20 a1 07 00   # ts_frac 500000 µs = 0x0007a120
        05 00 00 00   # incl_len 5
        05 00 00 00   # orig_len 5 (default: the frame length)
        01 02 03 04 05
      `),
    );
  });

  it('carries nanoseconds into seconds across the epoch fraction', () => {
    // epoch .9 s + virtual .2 s = 1.1 s
    const w = new PcapWriter({ epochNs: 900_000_000 });
    assert.deepEqual(w.record(200_000_000, new Uint8Array(0)).subarray(0, 8), hex('01 00 00 00  00 e1 f5 05')); // 100000000 = 0x05f5e100
    assert.deepEqual(w.record(-900_000_000, new Uint8Array(0)).subarray(0, 8), hex('00 00 00 00  00 00 00 00'));
    assert.deepEqual(w.record(-899_999_999n, new Uint8Array(0)).subarray(0, 8), hex('00 00 00 00  01 00 00 00'));
  });

  it('truncates frames to snaplen and keeps orig_len', () => {
    const w = new PcapWriter({ snaplen: 3 });
    assert.deepEqual(
      w.record(0, FRAME5),
      hex(`
        00 00 00 00 00 00 00 00   # ts 0
        03 00 00 00   # incl_len 3 (snaplen)
        05 00 00 00   # orig_len 5
        01 02 03
      `),
    );
  });

  it('emits into a buffer and writes every byte (0xa5 fill)', () => {
    const w = new PcapWriter({ epochNs: EPOCH });
    const buf = new Uint8Array(3 + 24 + RECORD_NS.length + 2).fill(0xa5);
    assert.equal(w.emitHeader(buf, 3), 24);
    assert.equal(w.emitRecord(buf, 27, 1_500_000_123, FRAME5, 60), RECORD_NS.length);
    assert.deepEqual(buf.subarray(0, 3), hex('a5 a5 a5'));
    assert.deepEqual(buf.subarray(3, 27), HEADER_NS_ETH);
    assert.deepEqual(buf.subarray(27, 27 + RECORD_NS.length), RECORD_NS);
    assert.deepEqual(buf.subarray(27 + RECORD_NS.length), hex('a5 a5'));
    // into a subarray of a bigger buffer: offsets are relative to the view
    const big = new Uint8Array(100).fill(0xa5);
    w.emitHeader(big.subarray(10), 0);
    assert.deepEqual(big.subarray(10, 34), HEADER_NS_ETH);
    assert.equal(big[9], 0xa5);
    assert.equal(big[34], 0xa5);
  });

  it('returned chunks stay valid while the writer moves on to new chunks', () => {
    const w = new PcapWriter();
    const frame = new Uint8Array(1000).fill(7);
    const recs = Array.from({ length: 300 }, (_, i) => w.record(i, frame));
    for (let i = 0; i < recs.length; i++) {
      const r = recs[i]!;
      assert.equal(r.length, 1016);
      assert.equal(new DataView(r.buffer, r.byteOffset).getUint32(4, true), i);
      assert.equal(r[1015], 7);
    }
  });

  it('writePcap equals header + records, in one exact allocation', () => {
    const packets = [
      { tsNs: 1_500_000_123, data: FRAME5, origLen: 60 },
      { tsNs: 2_000_000_000n, data: Uint8Array.of(9, 8, 7, 6) },
    ];
    const file = writePcap(packets, { epochNs: EPOCH });
    const w = new PcapWriter({ epochNs: EPOCH });
    const parts = [w.header(), w.record(1_500_000_123, FRAME5, 60), w.record(2_000_000_000n, Uint8Array.of(9, 8, 7, 6))];
    assert.deepEqual(file, Uint8Array.from(parts.flatMap((p) => [...p])));
    assert.equal(file.buffer.byteLength, file.length);
    // iterables work too
    assert.deepEqual(writePcap(new Set(packets), { epochNs: EPOCH }), file);
  });

  it('refuses bad arguments', () => {
    assert.throws(() => new PcapWriter({ snaplen: 0 }), /snaplen must be an integer/);
    assert.throws(() => new PcapWriter({ linktype: -1 }), /linktype must be an integer/);
    assert.throws(() => new PcapWriter({ resolution: 'ms' as 'us' }), /resolution must be/);
    assert.throws(() => new PcapWriter({ epochNs: 0.5 }), /epochNs must be an integer/);
    const w = new PcapWriter();
    assert.throws(() => w.record(1.5, FRAME5), /timestamp must be an integer/);
    assert.throws(() => w.record(-1, FRAME5), /outside what pcap can store/);
    assert.throws(() => w.record(-1n, FRAME5), /outside what pcap can store/);
    assert.throws(() => w.record(2 ** 32 * 1e9, FRAME5), /outside what pcap can store/);
    assert.throws(() => w.record(0, FRAME5, 4), /origLen must be an integer from the frame length \(5\)/);
    assert.throws(() => w.emitRecord(new Uint8Array(20), 0, 0, FRAME5), /buffer too small: needs 21 bytes at offset 0, buffer holds 20/);
    assert.throws(() => w.emitHeader(new Uint8Array(30), 7), /buffer too small/);
  });
});

describe('pcap reader', () => {
  it('round-trips nanosecond and microsecond files', () => {
    const packets = [
      { tsNs: 0, data: FRAME5 },
      { tsNs: 1_500_000_123, data: Uint8Array.of(1), origLen: 1514 },
      { tsNs: 3n * 86_400_000_000_000n + 7n, data: new Uint8Array(0) },
    ];
    const ns = readPcap(writePcap(packets, { epochNs: EPOCH }));
    assert.equal(ns.format, 'pcap');
    assert.equal(ns.byteOrder, 'le');
    assert.equal(ns.resolution, 'ns');
    assert.equal(ns.linktype, 1);
    assert.equal(ns.snaplen, 262144);
    assert.deepEqual(
      ns.packets.map((p) => [p.tsNs, [...p.data], p.origLen]),
      packets.map((p) => [EPOCH + BigInt(p.tsNs), [...p.data], p.origLen ?? p.data.length]),
    );
    const us = readPcap(writePcap(packets, { epochNs: EPOCH, resolution: 'us', linktype: LINKTYPE_RAW }));
    assert.equal(us.resolution, 'us');
    assert.equal(us.linktype, LINKTYPE_RAW);
    assert.deepEqual(
      us.packets.map((p) => p.tsNs),
      [EPOCH, EPOCH + 1_500_000_000n, EPOCH + 3n * 86_400_000_000_000n],
    );
  });

  it('hands out subarrays of the file, not copies', () => {
    const file = writePcap([{ tsNs: 0, data: FRAME5 }]);
    const p = readPcap(file).packets[0]!;
    assert.equal(p.data.buffer, file.buffer);
    assert.equal(p.data.byteOffset, 24 + 16);
  });

  it('reads a big-endian microsecond file built by hand', () => {
    const file = hex(`
      a1 b2 c3 d4   # magic 0xa1b2c3d4, big-endian
      00 02 00 04   # version 2.4
      ff ff ff f0   # thiszone -16 (ignored, reported)
      00 00 00 00   # sigfigs
      00 00 ff ff   # snaplen 65535
      00 00 00 71   # linktype 113 (LINUX_SLL)
      65 53 f1 01   # ts_sec 1700000001
      00 07 a1 20   # ts_frac 500000 µs
      00 00 00 02   # incl_len 2
      00 00 00 40   # orig_len 64
      aa bb
      00 00 00 02   # ts_sec 2
      00 00 00 01   # ts_frac 1 µs
      00 00 00 00   # incl_len 0
      00 00 00 00   # orig_len 0
    `);
    const f = readPcap(file);
    assert.equal(f.byteOrder, 'be');
    assert.equal(f.resolution, 'us');
    assert.equal(f.thiszone, -16);
    assert.equal(f.snaplen, 65535);
    assert.equal(f.linktype, 113);
    assert.equal(f.fcsLength, undefined);
    assert.deepEqual(
      f.packets.map((p) => [p.tsNs, [...p.data], p.origLen]),
      [
        [1_700_000_001_500_000_000n, [0xaa, 0xbb], 64],
        [2_000_001_000n, [], 0],
      ],
    );
  });

  it('reads a big-endian nanosecond file and the FCS bits of the link type field', () => {
    const file = hex(`
      a1 b2 3c 4d  00 02 00 04  00 00 00 00  00 00 00 00  00 04 00 00
      24 00 00 01   # linktype field: FCS length 2 (16-bit words) in bits 28-31, bit 26 set, linktype 1
      00 00 00 01  3b 9a c9 ff  00 00 00 01  00 00 00 01  ee   # 1.999999999 s
    `);
    const f = readPcap(file);
    assert.equal(f.resolution, 'ns');
    assert.equal(f.linktype, 1);
    assert.equal(f.fcsLength, 4);
    assert.equal(f.packets[0]!.tsNs, 1_999_999_999n);
  });

  it('reads incrementally', () => {
    const file = writePcap([0, 1, 2].map((i) => ({ tsNs: i, data: Uint8Array.of(i) })));
    const r = new PcapReader(file);
    assert.equal(r.header.resolution, 'ns');
    assert.equal(r.next()?.data[0], 0);
    assert.equal(r.offset, 24 + 17);
    assert.deepEqual([...r].map((p) => p.data[0]), [1, 2]);
    assert.equal(r.next(), null);
    assert.equal(r.count, 3);
    assert.equal(new PcapReader(file.subarray(0, 24)).next(), null);
  });

  describe('errors name the record and the byte offset', () => {
    const snap65535 = (records: Uint8Array[]): Uint8Array => {
      const w = new PcapWriter({ snaplen: 65535 });
      return Uint8Array.from([w.header(), ...records].flatMap((p) => [...p]));
    };
    const good = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => new PcapWriter().record(i, new Uint8Array(60)));
    const rec = (caplen: number, origLen: number, data: number[] = []): Uint8Array => {
      const b = new Uint8Array(16 + data.length);
      const v = new DataView(b.buffer);
      v.setUint32(8, caplen, true);
      v.setUint32(12, origLen, true);
      b.set(data, 16);
      return b;
    };

    it('caplen above snaplen', () => {
      const file = snap65535([...good(16), rec(70000, 70000)]);
      // 24 + 16 records of 76 bytes = 1240
      assert.throws(
        () => readPcap(file),
        (e: unknown) => {
          assert.ok(e instanceof CaptureError);
          assert.equal(e.message, 'record 17 at byte 1240: caplen 70000 exceeds snaplen 65535');
          assert.equal(e.format, 'pcap');
          assert.equal(e.unit, 'record');
          assert.equal(e.index, 17);
          assert.equal(e.offset, 1240);
          assert.equal(e.packetsRead, 16);
          return true;
        },
      );
    });

    it('partial read returns the packets before the damage', () => {
      const f = readPcap(snap65535([...good(16), rec(70000, 70000)]), { partial: true });
      assert.equal(f.packets.length, 16);
      assert.match(f.error?.message ?? '', /^record 17 at byte 1240: caplen 70000 exceeds snaplen 65535$/);
      assert.equal(readPcap(snap65535(good(2)), { partial: true }).error, undefined);
    });

    it('absurd caplen when snaplen is 0 or huge', () => {
      for (const snaplen of [0, 0xffffffff]) {
        const file = snap65535([rec(0x7fffffff, 0)]);
        new DataView(file.buffer).setUint32(16, snaplen, true);
        assert.throws(() => readPcap(file), /^CaptureError: record 1 at byte 24: caplen 2147483647 is absurd \(limit 16777216\)$/);
      }
    });

    it('truncated last record: header and data', () => {
      const whole = snap65535(good(2));
      assert.throws(() => readPcap(whole.subarray(0, whole.length - 70)), /^CaptureError: record 2 at byte 100: truncated record header: 6 of 16 bytes$/);
      assert.throws(() => readPcap(whole.subarray(0, whole.length - 1)), /^CaptureError: record 2 at byte 100: truncated record: caplen 60 but only 59 bytes remain$/);
    });

    it('bad magic, truncated header, wrong version', () => {
      assert.throws(() => readPcap(hex('0a 0d 0d 0a 00 00 00 00')), /^CaptureError: pcap header at byte 0: bad magic 0x0a0d0d0a$/);
      assert.throws(() => readPcap(hex('d4 c3')), /^CaptureError: pcap header at byte 0: truncated file header: 2 of 24 bytes$/);
      assert.throws(() => readPcap(HEADER_NS_ETH.subarray(0, 23)), /^CaptureError: pcap header at byte 0: truncated file header: 23 of 24 bytes$/);
      const v3 = HEADER_NS_ETH.slice();
      v3[4] = 3;
      assert.throws(() => readPcap(v3), /^CaptureError: pcap header at byte 4: unsupported version 3.4 \(expected 2.x\)$/);
      // a bad header throws even with partial: there is nothing to return
      assert.throws(() => readPcap(hex('00 00 00 00'), { partial: true }), CaptureError);
    });
  });

  it('PCAP_MAGIC_NANO is what the writer uses by default', () => {
    assert.equal(new PcapWriter().magic, PCAP_MAGIC_NANO);
  });
});
