import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, readCapture } from './detect.ts';
import { CaptureError } from './error.ts';
import { writePcap } from './pcap.ts';
import { writePcapng } from './pcapng.ts';
import { hex } from './testing.ts';

const FRAME = Uint8Array.of(1, 2, 3, 4, 5, 6);

describe('readCapture', () => {
  it('reads pcap as one interface', () => {
    const c = readCapture(writePcap([{ tsNs: 5, data: FRAME, origLen: 10 }], { linktype: 113, snaplen: 1000 }));
    assert.equal(c.format, 'pcap');
    assert.equal(c.byteOrder, 'le');
    assert.deepEqual(c.interfaces, [{ linktype: 113, snaplen: 1000 }]);
    assert.deepEqual(
      c.packets.map((p) => ({ ...p, data: [...p.data] })),
      [{ interface: 0, tsNs: 5n, data: [1, 2, 3, 4, 5, 6], origLen: 10 }],
    );
  });

  it('reads a big-endian µs pcap', () => {
    const c = readCapture(hex('a1 b2 c3 d4  00 02 00 04  00 00 00 00  00 00 00 00  00 00 ff ff  00 00 00 65   00 00 00 01  00 00 00 02  00 00 00 01  00 00 00 01  45'));
    assert.equal(c.byteOrder, 'be');
    assert.deepEqual(c.interfaces, [{ linktype: 101, snaplen: 65535 }]);
    assert.equal(c.packets[0]!.tsNs, 1_000_002_000n);
  });

  it('reads pcapng with its interfaces and packet options', () => {
    const c = readCapture(
      writePcapng({
        interfaces: [{ name: 'eth0', description: 'c1' }, { name: 'br0' }],
        packets: [{ interface: 1, tsNs: 9, data: FRAME, direction: 'in', packetId: 3, comment: 'x' }],
      }),
    );
    assert.equal(c.format, 'pcapng');
    assert.deepEqual(c.interfaces, [
      { linktype: 1, snaplen: 262144, name: 'eth0', description: 'c1' },
      { linktype: 1, snaplen: 262144, name: 'br0' },
    ]);
    const p = c.packets[0]!;
    assert.deepEqual([p.interface, p.tsNs, p.origLen, p.flags, p.direction, p.packetId, p.comment], [1, 9n, 6, 1, 'in', 3n, 'x']);
  });

  it('passes partial through', () => {
    const file = writePcap([{ tsNs: 0, data: FRAME }, { tsNs: 1, data: FRAME }]);
    const c = readCapture(file.subarray(0, file.length - 1), { partial: true });
    assert.equal(c.packets.length, 1);
    assert.equal(c.error?.message, 'record 2 at byte 46: truncated record: caplen 6 but only 5 bytes remain');
    const ng = writePcapng({ interfaces: [{}], packets: [{ interface: 0, tsNs: 0, data: FRAME }] });
    const d = readCapture(ng.subarray(0, ng.length - 4), { partial: true });
    assert.equal(d.packets.length, 0);
    assert.match(d.error?.message ?? '', /^block 3 at byte 76: truncated block/);
  });

  it('refuses anything else, naming the first bytes', () => {
    assert.throws(
      () => readCapture(hex('7f 45 4c 46 02 01 01 00')),
      (e: unknown) => e instanceof CaptureError && e.message === 'not a pcap or pcapng file: the first 4 bytes are 0x7f454c46',
    );
    assert.throws(() => readCapture(hex('d4 c3')), /^CaptureError: not a pcap or pcapng file: the file has only 2 bytes$/);
    assert.throws(() => readCapture(new Uint8Array(0)), /the file has only 0 bytes/);
    assert.equal(detectFormat(hex('0a 0d 0d 0a')), 'pcapng');
    assert.equal(detectFormat(hex('a1 b2 3c 4d')), 'pcap');
    assert.equal(detectFormat(hex('4d 3c b2 a1')), 'pcap');
    assert.equal(detectFormat(hex('a1 b2 cd 34')), null); // Kuznetzov's modified pcap: not supported
  });
});

describe('mutated files', () => {
  it('20,000 mutations of a pcap and a pcapng file: read fully or refused with a CaptureError, never anything else', () => {
    let seed = 0x2545f491;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const frames = [FRAME, new Uint8Array(61).fill(0x55), new Uint8Array(0)];
    const seeds = [
      writePcap(frames.map((data, i) => ({ tsNs: i, data })), { snaplen: 100 }),
      writePcapng({
        interfaces: [{ name: 'eth0' }, { snaplen: 40 }],
        packets: frames.map((data, i) => ({ interface: i % 2, tsNs: i, data: data.subarray(0, 40), packetId: i, comment: 'c', direction: 'in' as const })),
      }),
    ];
    let refused = 0;
    for (let k = 0; k < 20_000; k++) {
      const base = seeds[k & 1]!;
      let b = base.slice();
      const edits = 1 + rnd(4);
      for (let e = 0; e < edits; e++) {
        const what = rnd(4);
        if (what === 0) b[rnd(b.length)] = rnd(256);
        else if (what === 1) b = b.subarray(0, rnd(b.length + 1));
        else if (what === 2 && b.length > 0) {
          const i = rnd(b.length);
          b[i] = b[i]! ^ (1 << rnd(8));
        } else if (b.length >= 8) new DataView(b.buffer, b.byteOffset).setUint32(rnd(b.length - 3) & ~3, [0, 12, 0xffffffff, 0x7fffffff, rnd(200)][rnd(5)]!, true);
      }
      try {
        const c = readCapture(b);
        for (const p of c.packets) assert.ok(p.data.length <= b.length);
      } catch (err) {
        if (!(err instanceof CaptureError)) throw new Error(`mutation ${k} threw ${String(err)}`, { cause: err });
        refused++;
      }
    }
    assert.ok(refused > 1000, `most mutations are refused (${refused})`);
  });
});
