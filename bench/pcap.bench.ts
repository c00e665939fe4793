// Capture file speed: write and read a million frames as pcap and pcapng, in memory. Compare with
// ../shared/bench/README.md (a plain chunked reader in Node: 13.5 M packets/s; tcpdump -r: 9.3 M packets/s).
import { PcapWriter, readPcap, writePcap } from '../src-main/common/pcap/pcap.ts';
import { readPcapng, writePcapng } from '../src-main/common/pcap/pcapng.ts';
import type { Bench } from './run.ts';

const N = 1_000_000;
const EPOCH = 1_700_000_000_000_000_000n;
const sizes = [60, 98, 142, 1514];

function measure(fn: () => number): string {
  fn(); // warm up
  const t0 = performance.now();
  const bytes = fn();
  const ms = performance.now() - t0;
  return `${(N / ms / 1000).toFixed(2)} M packets/s, ${(((bytes / ms) * 1e3) / 2 ** 20).toFixed(0)} MiB/s`;
}

export const benches: Bench[] = [
  {
    name: 'pcap: write and read 1 M frames',
    run() {
      const frames = sizes.map((n) => new Uint8Array(n).fill(n & 0xff));
      const packets = Array.from({ length: N }, (_, i) => ({
        tsNs: i * 1234,
        data: frames[i & 3]!,
        interface: i % 3,
        packetId: i >> 2,
        direction: i & 1 ? ('in' as const) : ('out' as const),
      }));
      let pcap: Uint8Array = new Uint8Array(0);
      let ng: Uint8Array = new Uint8Array(0);
      return {
        'writePcap (one allocation)': measure(() => (pcap = writePcap(packets, { epochNs: EPOCH })).length),
        'PcapWriter.record (streaming)': measure(() => {
          const w = new PcapWriter({ epochNs: EPOCH });
          let n = w.header().length;
          for (const p of packets) n += w.record(p.tsNs, p.data).length;
          return n;
        }),
        'writePcapng (ids, flags)': measure(() => (ng = writePcapng({ interfaces: [{ name: 'a' }, { name: 'b' }, { name: 'c' }], packets }, { epochNs: EPOCH })).length),
        'readPcap': measure(() => readPcap(pcap).packets.length && pcap.length),
        'readPcapng': measure(() => readPcapng(ng).packets.length && ng.length),
      };
    },
  },
];
