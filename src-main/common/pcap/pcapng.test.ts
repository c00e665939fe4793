import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureError } from './error.ts';
import { concat, hex } from './testing.ts';
import { PcapngReader, PcapngWriter, readPcapng, writePcapng } from './pcapng.ts';

const EPOCH = 1_700_000_000_000_000_000n;
const FRAME5 = Uint8Array.of(1, 2, 3, 4, 5);

const SHB_FLOTILLA = hex(`
  0a 0d 0d 0a               # block type: section header
  2c 00 00 00               # block total length 44
  4d 3c 2b 1a               # byte-order magic 0x1a2b3c4d, little-endian
  01 00 00 00               # version 1.0
  ff ff ff ff ff ff ff ff   # section length -1 (unknown)
  04 00 08 00               # shb_userappl, length 8
  46 6c 6f 74 69 6c 6c 61   # "Flotilla"
  00 00 00 00               # opt_endofopt
  2c 00 00 00               # block total length 44
`);

const IDB_ETH0 = hex(`
  01 00 00 00               # block type: interface description
  34 00 00 00               # block total length 52
  01 00 00 00               # linktype 1 (Ethernet), reserved 0
  00 00 04 00               # snaplen 262144
  02 00 04 00 65 74 68 30   # if_name "eth0"
  03 00 07 00 63 31 20 65 74 68 30 00   # if_description "c1 eth0" (7 bytes + 1 pad)
  09 00 01 00 09 00 00 00   # if_tsresol 9 (ns) + 3 pad
  00 00 00 00               # opt_endofopt
  34 00 00 00               # block total length 52
`);

// virtual 1.500000123 s after 1700000000 s: 1700000001500000123 ns = 0x17979cfe_8f922f7b
const EPB_FULL = hex(`
  06 00 00 00               # block type: enhanced packet
  48 00 00 00               # block total length 72
  00 00 00 00               # interface id 0
  fe 9c 97 17               # timestamp high 0x17979cfe
  7b 2f 92 8f               # timestamp low 0x8f922f7b
  05 00 00 00               # captured length 5
  3c 00 00 00               # original length 60
  01 02 03 04 05 00 00 00   # data + 3 pad
  02 00 04 00 02 00 00 00   # epb_flags, direction outbound (2)
  05 00 08 00 2a 00 00 00 00 00 00 00   # epb_packetid 42
  01 00 02 00 68 69 00 00   # opt_comment "hi" + 2 pad
  00 00 00 00               # opt_endofopt
  48 00 00 00               # block total length 72
`);

const EPB_BARE = hex(`
  06 00 00 00  24 00 00 00  # enhanced packet, length 36
  01 00 00 00               # interface id 1
  00 00 00 00  07 00 00 00  # timestamp 7 ns
  04 00 00 00  04 00 00 00  # captured 4, original 4
  09 08 07 06               # data, no pad, no options
  24 00 00 00
`);

describe('pcapng writer', () => {
  it('writes the SHB byte-exact', () => {
    assert.deepEqual(new PcapngWriter().header(), SHB_FLOTILLA);
  });

  it('writes SHB options hardware, os and comment, padded', () => {
    const w = new PcapngWriter({ userappl: '', hardware: 'x86', os: 'Linux', comment: 'lab 1' });
    assert.deepEqual(
      w.header(),
      hex(`
        0a 0d 0d 0a  40 00 00 00  4d 3c 2b 1a  01 00 00 00  ff ff ff ff ff ff ff ff   # length 64
        01 00 05 00 6c 61 62 20 31 00 00 00   # opt_comment "lab 1"
        02 00 03 00 78 38 36 00               # shb_hardware "x86"
        03 00 05 00 4c 69 6e 75 78 00 00 00   # shb_os "Linux"
        00 00 00 00  40 00 00 00
      `),
    );
  });

  it('writes IDBs byte-exact, with ids in call order', () => {
    const w = new PcapngWriter();
    assert.deepEqual(w.interfaceBlock({ name: 'eth0', description: 'c1 eth0' }), IDB_ETH0);
    assert.deepEqual(
      w.interfaceBlock({ linktype: 101, snaplen: 0 }),
      hex(`
        01 00 00 00  20 00 00 00   # interface description, length 32
        65 00 00 00                # linktype 101 (RAW)
        00 00 00 00                # snaplen 0 (no limit)
        09 00 01 00 09 00 00 00    # if_tsresol 9
        00 00 00 00  20 00 00 00
      `),
    );
    assert.equal(w.interfaceCount, 2);
  });

  it('writes EPBs byte-exact with and without options', () => {
    const w = new PcapngWriter({ epochNs: EPOCH });
    w.interfaceBlock({ name: 'eth0' });
    w.interfaceBlock({ name: 'br0' });
    assert.deepEqual(w.packet(0, 1_500_000_123, FRAME5, { origLen: 60, direction: 'out', packetId: 42, comment: 'hi' }), EPB_FULL);
    assert.deepEqual(w.packet(0, 1_500_000_123n, FRAME5, { origLen: 60, direction: 'out', packetId: 42n, comment: 'hi' }), EPB_FULL);
    assert.equal(w.packetLength(0, 5, { direction: 'out', packetId: 42, comment: 'hi' }), 72);
    const w0 = new PcapngWriter();
    w0.interfaceBlock();
    w0.interfaceBlock();
    assert.deepEqual(w0.packet(1, 7, Uint8Array.of(9, 8, 7, 6)), EPB_BARE);
  });

  it('writes flags alone, inbound, and keeps other flag bits', () => {
    const w = new PcapngWriter();
    w.interfaceBlock();
    assert.deepEqual(
      w.packet(0, 0, new Uint8Array(0), { direction: 'in', flags: 0x1e }),
      hex(`
        06 00 00 00  2c 00 00 00  00 00 00 00  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   # length 44, empty
        02 00 04 00 1d 00 00 00   # epb_flags 0x1c | inbound 1
        00 00 00 00  2c 00 00 00
      `),
    );
  });

  it('truncates to the interface snaplen', () => {
    const w = new PcapngWriter();
    w.interfaceBlock({ snaplen: 2 });
    const b = w.packet(0, 0, FRAME5);
    assert.deepEqual(b.subarray(20, 32), hex('02 00 00 00  05 00 00 00  01 02 00 00'));
    assert.equal(b.length, 36);
  });

  it('emits into a buffer and writes every byte, padding included (0xa5 fill)', () => {
    const w = new PcapngWriter({ epochNs: EPOCH });
    w.interfaceBlock();
    const buf = new Uint8Array(2 + 72 + 2).fill(0xa5);
    assert.equal(w.emitPacket(buf, 2, 0, 1_500_000_123, FRAME5, { origLen: 60, direction: 'out', packetId: 42, comment: 'hi' }), 72);
    assert.deepEqual(buf.subarray(2, 74), EPB_FULL);
    assert.deepEqual([buf[0], buf[1], buf[74], buf[75]], [0xa5, 0xa5, 0xa5, 0xa5]);
    assert.throws(() => w.emitPacket(buf, 5, 0, 0, FRAME5, { comment: 'hi', packetId: 1, direction: 'in' }), /buffer too small: needs 72 bytes at offset 5/);
  });

  it('writePcapng is the concatenation of the streamed blocks', () => {
    const file = writePcapng(
      {
        interfaces: [{ name: 'eth0', description: 'c1 eth0' }, {}],
        packets: [
          { interface: 0, tsNs: 1_500_000_123, data: FRAME5, origLen: 60, direction: 'out', packetId: 42, comment: 'hi' },
          { interface: 1, tsNs: 7n - EPOCH, data: Uint8Array.of(9, 8, 7, 6) },
        ],
      },
      { epochNs: EPOCH },
    );
    const w = new PcapngWriter();
    w.interfaceBlock();
    const idb1 = w.interfaceBlock();
    assert.deepEqual(file, concat([SHB_FLOTILLA, IDB_ETH0, idb1, EPB_FULL, EPB_BARE]));
    assert.equal(file.buffer.byteLength, file.length);
  });

  it('refuses bad arguments', () => {
    const w = new PcapngWriter();
    assert.throws(() => w.packet(0, 0, FRAME5), /interface 0 has no interface block \(0 written\)/);
    w.interfaceBlock();
    assert.throws(() => w.packet(1, 0, FRAME5), /interface 1 has no interface block \(1 written\)/);
    assert.throws(() => w.packet(0, -1, FRAME5), /outside 0..2\^64-1 ns/);
    assert.throws(() => w.packet(0, 1n << 64n, FRAME5), /outside 0..2\^64-1 ns/);
    assert.throws(() => w.packet(0, 0.5, FRAME5), /timestamp must be an integer/);
    assert.throws(() => w.packet(0, 0, FRAME5, { origLen: 1 }), /origLen must be an integer from the frame length/);
    assert.throws(() => w.packet(0, 0, FRAME5, { packetId: -1 }), /packetId must be in/);
    assert.throws(() => w.packet(0, 0, FRAME5, { packetId: 2 ** 53 }), /packetId must be in/);
    assert.throws(() => w.packet(0, 0, FRAME5, { packetId: 1n << 64n }), /packetId must be in/);
    assert.throws(() => w.packet(0, 0, FRAME5, { direction: 'up' as 'in' }), /direction must be/);
    assert.throws(() => w.packet(0, 0, FRAME5, { comment: 'x'.repeat(65536) }), /comment is 65536 bytes of UTF-8/);
    assert.throws(() => w.interfaceBlock({ linktype: 70000 }), /linktype must be an integer in 0..65535/);
    assert.throws(() => new PcapngWriter({ epochNs: -1n }), /epochNs must be in/);
  });
});

describe('pcapng reader', () => {
  it('round-trips interfaces, timestamps, flags, packet ids and comments', () => {
    const file = writePcapng(
      {
        interfaces: [{ name: 'eth0', description: 'c1 eth0' }, { name: 'vxlan0', linktype: 101, snaplen: 3 }],
        packets: [
          { interface: 0, tsNs: 1_500_000_123, data: FRAME5, origLen: 60, direction: 'out', packetId: 42, comment: 'héllo' },
          { interface: 1, tsNs: 2, data: FRAME5, direction: 'in', packetId: 42 },
          { interface: 0, tsNs: 3, data: new Uint8Array(0), flags: 0x10 },
          { interface: 0, tsNs: 4, data: new Uint8Array(0), packetId: 2 ** 40 + 5 },
          { interface: 0, tsNs: 5, data: new Uint8Array(0), packetId: (1n << 64n) - 1n },
        ],
      },
      { epochNs: EPOCH, os: 'Linux' },
    );
    const f = readPcapng(file);
    assert.equal(f.format, 'pcapng');
    assert.deepEqual(f.sections, [{ byteOrder: 'le', versionMajor: 1, versionMinor: 0, offset: 0, os: 'Linux', userappl: 'Flotilla' }]);
    assert.deepEqual(f.interfaces, [
      { section: 0, id: 0, linktype: 1, snaplen: 262144, name: 'eth0', description: 'c1 eth0', tsresol: 9, tsOffsetSec: 0n },
      { section: 0, id: 1, linktype: 101, snaplen: 3, name: 'vxlan0', tsresol: 9, tsOffsetSec: 0n },
    ]);
    assert.deepEqual(
      f.packets.map((p) => ({ ...p, data: [...p.data] })),
      [
        { interface: 0, tsNs: EPOCH + 1_500_000_123n, data: [1, 2, 3, 4, 5], origLen: 60, block: 'epb', flags: 2, direction: 'out', packetId: 42n, comment: 'héllo' },
        { interface: 1, tsNs: EPOCH + 2n, data: [1, 2, 3], origLen: 5, block: 'epb', flags: 1, direction: 'in', packetId: 42n },
        { interface: 0, tsNs: EPOCH + 3n, data: [], origLen: 0, block: 'epb', flags: 0x10 },
        { interface: 0, tsNs: EPOCH + 4n, data: [], origLen: 0, block: 'epb', packetId: 2n ** 40n + 5n },
        { interface: 0, tsNs: EPOCH + 5n, data: [], origLen: 0, block: 'epb', packetId: (1n << 64n) - 1n },
      ],
    );
    assert.equal(f.packets[0]!.data.buffer, file.buffer); // no copy
    assert.equal(f.error, undefined);
  });

  it('reads a big-endian file built by hand: µs default, 2^-n and 10^-n resolutions, tsoffset, SPB, PB, skipped blocks, a second section', () => {
    const file = hex(`
      # --- section 1, big-endian
      0a 0d 0d 0a  00 00 00 1c  1a 2b 3c 4d  00 01 00 00  ff ff ff ff ff ff ff ff  00 00 00 1c   # SHB, no options
      00 00 00 01  00 00 00 20  00 71 00 00  00 00 00 08   # IDB 0: LINUX_SLL, snaplen 8
      00 02 00 03 65 74 68 00  00 00 00 00  00 00 00 20    # if_name "eth" + NUL terminator (stripped)
      00 00 00 01  00 00 00 28  00 01 00 00  00 00 00 00   # IDB 1: Ethernet, snaplen 0
      00 09 00 01 8a 00 00 00                             # if_tsresol 0x8a = 2^-10 s
      00 0e 00 08 00 00 00 00 00 00 00 64                 # if_tsoffset 100 s
      00 00 00 28
      00 00 00 01  00 00 00 1c  00 01 00 00  00 00 00 00   # IDB 2: if_tsresol 3 = ms
      00 09 00 01 03 00 00 00  00 00 00 1c
      00 00 00 06  00 00 00 24  00 00 00 00                # EPB on interface 0 (µs by default)
      00 00 00 00  00 0f 42 41                            # ts 1000001 µs
      00 00 00 03  00 00 00 03  aa bb cc 00                # caplen 3, origlen 3
      00 00 00 24
      00 00 00 04  00 00 00 10  00 00 00 00  00 00 00 10   # NRB (skipped)
      00 00 00 06  00 00 00 2c  00 00 00 01                # EPB on interface 1
      00 00 00 00  00 00 06 00                            # ts 1536 ticks of 2^-10 s = 1.5 s, + 100 s
      00 00 00 00  00 00 00 00                            # empty
      00 02 00 04 00 00 00 02  00 00 00 00                # epb_flags outbound
      00 00 00 2c
      00 00 00 06  00 00 00 20  00 00 00 02  00 00 00 00 00 00 00 07  00 00 00 00 00 00 00 00  00 00 00 20   # EPB iface 2: 7 ms
      00 00 00 03  00 00 00 18  00 00 00 0a                # SPB, original length 10: interface 0 snaplen 8 keeps 8
      01 02 03 04 05 06 07 08  00 00 00 18
      00 00 00 02  00 00 00 30  00 01 00 00                # PB (obsolete): interface 1, drops 0
      00 00 00 00  00 00 04 00                            # 1024 ticks = 1 s (+100)
      00 00 00 01  00 00 00 02  ee 00 00 00                # caplen 1, origlen 2
      00 02 00 04 00 00 00 01  00 00 00 00                # pack_flags inbound
      00 00 00 30
      # --- section 2, little-endian, its own interface ids
      0a 0d 0d 0a  1c 00 00 00  4d 3c 2b 1a  01 00 02 00  ff ff ff ff ff ff ff ff  1c 00 00 00       # SHB v1.2
      01 00 00 00  14 00 00 00  01 00 00 00  00 00 00 00  14 00 00 00                                # IDB, no options: µs
      ad 0b 00 00  10 00 00 00  00 00 00 00  10 00 00 00                                             # custom block 0xbad (skipped)
      06 00 00 00  20 00 00 00  00 00 00 00  00 00 00 00  05 00 00 00  00 00 00 00  00 00 00 00  20 00 00 00   # 5 µs
    `);
    const f = readPcapng(file);
    assert.deepEqual(
      f.sections.map((s) => [s.byteOrder, s.versionMajor, s.versionMinor, s.offset]),
      [
        ['be', 1, 0, 0],
        ['le', 1, 2, 328],
      ],
    );
    assert.deepEqual(
      f.interfaces.map((i) => [i.section, i.id, i.linktype, i.snaplen, i.name, i.tsresol, i.tsOffsetSec]),
      [
        [0, 0, 113, 8, 'eth', 6, 0n],
        [0, 1, 1, 0, undefined, 0x8a, 100n],
        [0, 2, 1, 0, undefined, 3, 0n],
        [1, 0, 1, 0, undefined, 6, 0n],
      ],
    );
    assert.deepEqual(
      f.packets.map((p) => [p.block, p.interface, p.tsNs, p.data.length, p.origLen, p.direction]),
      [
        ['epb', 0, 1_000_001_000n, 3, 3, undefined],
        ['epb', 1, 101_500_000_000n, 0, 0, 'out'],
        ['epb', 2, 7_000_000n, 0, 0, undefined],
        ['spb', 0, 7_000_000n, 8, 10, undefined], // no timestamp: the previous packet's
        ['pb', 1, 101_000_000_000n, 1, 2, 'in'],
        ['epb', 3, 5_000n, 0, 0, undefined],
      ],
    );
    assert.deepEqual([...f.packets[3]!.data], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(f.skippedBlocks, 2);
  });

  it('converts 10^-n resolutions finer than ns by dividing', () => {
    const file = concat([
      SHB_FLOTILLA,
      hex('01 00 00 00  20 00 00 00  01 00 00 00  00 00 00 00  09 00 01 00 0c 00 00 00  00 00 00 00  20 00 00 00'), // ps
      hex('06 00 00 00  20 00 00 00  00 00 00 00  00 00 00 00  ff 0f 00 00  00 00 00 00  00 00 00 00  20 00 00 00'), // 4095 ps
    ]);
    assert.equal(readPcapng(file).packets[0]!.tsNs, 4n);
  });

  it('reads incrementally, interfaces growing as it goes', () => {
    const file = writePcapng({ interfaces: [{}], packets: [0, 1].map((i) => ({ interface: 0, tsNs: i, data: FRAME5 })) });
    const r = new PcapngReader(file);
    assert.equal(r.interfaces.length, 0);
    assert.equal(r.next()?.tsNs, 0n);
    assert.equal(r.interfaces.length, 1);
    assert.equal(r.blocks, 3);
    assert.deepEqual([...r].map((p) => p.tsNs), [1n]);
    assert.equal(r.next(), null);
    assert.equal(r.count, 2);
  });

  describe('errors name the block and the byte offset', () => {
    const w = new PcapngWriter();
    const shb = w.header();
    const idb = w.interfaceBlock({ snaplen: 4 });
    const epb = w.packet(0, 0, Uint8Array.of(1, 2, 3, 4));
    const head = concat([shb, idb]); // 44 + 32 = 76 bytes
    const fails = (bytes: Uint8Array, message: string, packetsRead = 0): void => {
      assert.throws(
        () => readPcapng(bytes),
        (e: unknown) => {
          assert.ok(e instanceof CaptureError);
          assert.equal(e.message, message);
          assert.equal(e.packetsRead, packetsRead);
          return true;
        },
      );
    };
    const withEpb = (edit: (b: Uint8Array, v: DataView) => void): Uint8Array => {
      const b = concat([head, epb, epb]);
      edit(b.subarray(76 + epb.length), new DataView(b.buffer, 76 + epb.length));
      return b;
    };

    it('the file must start with an SHB', () => {
      fails(hex('01 00 00 00 0c 00 00 00 0c 00 00 00'), 'block 1 at byte 0: not a section header block (block type 0x01000000)');
      fails(hex('0a 0d'), 'block 1 at byte 0: not a section header block (only 2 bytes)');
    });

    it('bad byte-order magic, version, short SHB', () => {
      const bad = shb.slice();
      bad[8] = 0;
      fails(bad, 'block 1 at byte 0: bad byte-order magic 0x003c2b1a at byte 8');
      const v2 = shb.slice();
      v2[12] = 2;
      fails(v2, 'block 1 at byte 0: unsupported pcapng version 2.0 (expected 1.x)');
      fails(hex('0a 0d 0d 0a  18 00 00 00  4d 3c 2b 1a  01 00 00 00  00 00 00 00  18 00 00 00'), 'block 1 at byte 0: section header block length 24 is less than 28');
    });

    it('block lengths: too small, unaligned, truncated, trailer mismatch, truncated header', () => {
      fails(concat([shb, hex('01 00 00 00  08 00 00 00  08 00 00 00')]), 'block 2 at byte 44: block length 8 is less than 12');
      fails(concat([shb, hex('01 00 00 00  0d 00 00 00  00 00 00 00 00 00')]), 'block 2 at byte 44: block length 13 is not a multiple of 4');
      fails(concat([head, epb.subarray(0, 30)]), 'block 3 at byte 76: truncated block: length 36 but only 30 bytes remain');
      fails(concat([head, epb.subarray(0, 8)]), 'block 3 at byte 76: truncated block header: 8 bytes left, a block takes at least 12');
      fails(
        withEpb((_, v) => v.setUint32(32, 40, true)),
        'block 4 at byte 112: trailing block length 40 differs from leading 36',
        1,
      );
    });

    it('packet blocks: unknown interface, caplen past the block, caplen above snaplen, short block', () => {
      fails(
        withEpb((_, v) => v.setUint32(8, 3, true)),
        'block 4 at byte 112: interface id 3 has no interface description block in this section (1 described)',
        1,
      );
      fails(
        withEpb((_, v) => v.setUint32(20, 5, true)),
        'block 4 at byte 112: captured length 5 does not fit in block length 36',
        1,
      );
      const big = new PcapngWriter();
      big.interfaceBlock();
      fails(concat([head, big.packet(0, 0, FRAME5)]), 'block 3 at byte 76: captured length 5 exceeds the interface\'s snaplen 4');
      fails(concat([head, hex('06 00 00 00  1c 00 00 00') , new Uint8Array(16), hex('1c 00 00 00')]), 'block 3 at byte 76: packet block length 28 is less than 32');
      fails(concat([shb, epb]), 'block 2 at byte 44: interface id 0 has no interface description block in this section (0 described)');
      fails(concat([shb, hex('03 00 00 00  14 00 00 00  04 00 00 00  01 02 03 04  14 00 00 00')]), 'block 2 at byte 44: interface id 0 has no interface description block in this section (0 described)');
      fails(concat([head, hex('01 00 00 00  10 00 00 00  00 00 00 00  10 00 00 00')]), 'block 3 at byte 76: interface description block length 16 is less than 20');
      fails(concat([head, hex('03 00 00 00  0c 00 00 00  0c 00 00 00')]), 'block 3 at byte 76: simple packet block length 12 is less than 16');
    });

    it('options: overrunning the block, wrong fixed lengths', () => {
      const withOpt = (opt: string): Uint8Array => {
        const o = hex(opt);
        const n = 32 + o.length;
        const b = new Uint8Array(n);
        const v = new DataView(b.buffer);
        v.setUint32(0, 6, true);
        v.setUint32(4, n, true);
        b.set(o, 28);
        v.setUint32(n - 4, n, true);
        return concat([head, b]);
      };
      fails(withOpt('01 00 09 00 61 62 63 64'), 'block 3 at byte 76: option 1 at byte 104 has length 9, past the end of the block\'s options at byte 112');
      fails(withOpt('02 00 02 00 00 00 00 00'), 'block 3 at byte 76: epb_flags at byte 104 has length 2, expected 4');
      fails(withOpt('05 00 04 00 00 00 00 00'), 'block 3 at byte 76: epb_packetid at byte 104 has length 4, expected 8');
      fails(concat([shb, hex('01 00 00 00  1c 00 00 00  01 00 00 00  00 00 00 00  09 00 02 00 06 00 00 00  1c 00 00 00')]), 'block 2 at byte 44: if_tsresol at byte 60 has length 2, expected 1');
      fails(concat([shb, hex('01 00 00 00  1c 00 00 00  01 00 00 00  00 00 00 00  0e 00 04 00 06 00 00 00  1c 00 00 00')]), 'block 2 at byte 44: if_tsoffset at byte 60 has length 4, expected 8');
      fails(concat([shb, hex('01 00 00 00  1c 00 00 00  01 00 00 00  00 00 00 00  0d 00 04 00 06 00 00 00  1c 00 00 00')]), 'block 2 at byte 44: if_fcslen at byte 60 has length 4, expected 1');
    });

    it('partial read returns the packets before the damage', () => {
      const f = readPcapng(withEpb((_, v) => v.setUint32(8, 3, true)), { partial: true });
      assert.equal(f.packets.length, 1);
      assert.equal(f.interfaces.length, 1);
      assert.match(f.error?.message ?? '', /^block 4 at byte 112: interface id 3/);
      assert.throws(() => readPcapng(hex('00 00 00 00'), { partial: true }), CaptureError);
    });
  });
});
