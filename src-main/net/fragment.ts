// IPv4 fragmentation by the sender (ip_do_fragment) and reassembly by the receiver (ip_defrag).
// Each fragment but the last carries (MTU − header) rounded down to a multiple of 8 bytes of data: with MTU 1450
// a 1431-byte ICMP message goes as 1424 + 7 (IP lengths 1444 and 27, offset field 178; facts 3.4). Fragments
// share the ID; later fragments carry only the options with the "copied" flag. Reassembly keys on
// (src, dst, protocol, id), drops the whole queue on any overlap (as Linux does since 2018), and gives up after
// ipfrag_time (30 s), sending "fragment reassembly time exceeded" if the first fragment had arrived.

import * as ipv4 from '../common/wire/ipv4.ts';
import { HEADER_LEN as ETH_HLEN } from '../common/wire/ethernet.ts';
import { SECOND, type Time } from '../sim/time.ts';
import { Packet } from './packet.ts';

/** Splits the IPv4 packet at pkt.l3 into fragments that fit `mtu`. The first keeps the packet's journey id. */
export function fragment(pkt: Packet, mtu: number, newJourney: () => number): Packet[] {
  const v = ipv4.Ipv4View.check(pkt.data.subarray(pkt.l3));
  const payload = v.payload;
  const allOpts = v.options;
  const laterOpts = copiedOptions(allOpts);
  const out: Packet[] = [];
  let off = 0;
  while (off < payload.length) {
    const opts = off === 0 ? allOpts : laterOpts;
    const hl = ipv4.HEADER_LEN + opts.length;
    const room = (mtu - hl) & ~7;
    if (room <= 0) throw new Error(`fragment: MTU ${mtu} leaves no room for data`);
    const len = Math.min(room, payload.length - off);
    const last = off + len >= payload.length;
    const data = new Uint8Array(ETH_HLEN + hl + len);
    data.set(pkt.data.subarray(pkt.l2, pkt.l3).subarray(0, ETH_HLEN), 0);
    ipv4.emit(
      {
        dscp: v.dscp,
        ecn: v.ecn,
        identification: v.identification,
        dontFragment: v.dontFragment,
        moreFragments: !last || v.moreFragments,
        fragmentOffset: v.fragmentOffset + off,
        ttl: v.ttl,
        protocol: v.protocol,
        src: v.src,
        dst: v.dst,
        options: opts,
        payload: payload.subarray(off, off + len),
      },
      data,
      ETH_HLEN,
    );
    const f = new Packet(data, off === 0 ? pkt.journey : newJourney());
    f.l3 = ETH_HLEN;
    f.l4 = off === 0 ? ETH_HLEN + hl : -1;
    f.hash = pkt.hash;
    f.socketHash = pkt.socketHash;
    f.mark = pkt.mark;
    out.push(f);
    off += len;
  }
  return out;
}

/** ip_options_fragment: keep options whose type has the copied bit (0x80), padded to 4 bytes. */
function copiedOptions(raw: Uint8Array): Uint8Array {
  if (raw.length === 0) return raw;
  const keep = ipv4.parseOptions(raw).filter((o) => (o.type & 0x80) !== 0);
  return keep.length === 0 ? new Uint8Array(0) : ipv4.encodeOptions(keep);
}

interface FragQueue {
  parts: { off: number; data: Uint8Array }[];
  first: Packet | undefined;
  /** Payload length, known once the last fragment (MF clear) arrived. */
  total: number | undefined;
  timer: { cancel(): boolean };
}

export const IPFRAG_TIME: Time = 30 * SECOND;

export class Reassembler {
  private readonly queues = new Map<string, FragQueue>();

  constructor(
    private readonly arm: (delay: Time, fn: () => void) => { cancel(): boolean },
    /** Called when a queue expires with its first fragment (to send ICMP time exceeded, code 1). */
    private readonly expired: (first: Packet) => void,
  ) {}

  get pending(): number {
    return this.queues.size;
  }

  /** Adds the fragment at pkt.l3; returns the whole datagram when it is complete, else undefined. */
  add(pkt: Packet): Packet | undefined {
    const v = ipv4.Ipv4View.check(pkt.data.subarray(pkt.l3));
    const key = `${v.src}>${v.dst}/${v.protocol}#${v.identification}`;
    let q = this.queues.get(key);
    if (q === undefined) {
      const fresh: FragQueue = { parts: [], first: undefined, total: undefined, timer: this.arm(IPFRAG_TIME, () => this.expire(key)) };
      this.queues.set(key, fresh);
      q = fresh;
    }
    const off = v.fragmentOffset;
    const data = v.payload;
    const end = off + data.length;
    for (const p of q.parts) {
      if (off < p.off + p.data.length && p.off < end) {
        q.timer.cancel();
        this.queues.delete(key); // overlapping fragments: drop the datagram
        return undefined;
      }
    }
    q.parts.push({ off, data: data.slice() });
    if (off === 0) q.first = pkt;
    if (!v.moreFragments) q.total = end;
    if (q.total === undefined || q.first === undefined) return undefined;
    let have = 0;
    for (const p of q.parts) have += p.data.length;
    if (have !== q.total) return undefined;
    q.timer.cancel();
    this.queues.delete(key);
    return assemble(q.first, q.parts, q.total);
  }

  private expire(key: string): void {
    const q = this.queues.get(key);
    if (q === undefined) return;
    this.queues.delete(key);
    if (q.first !== undefined) this.expired(q.first);
  }
}

function assemble(first: Packet, parts: { off: number; data: Uint8Array }[], total: number): Packet {
  const v = ipv4.Ipv4View.check(first.data.subarray(first.l3));
  const payload = new Uint8Array(total);
  for (const p of parts) payload.set(p.data, p.off);
  const hl = v.headerLen;
  const data = new Uint8Array(ETH_HLEN + hl + total);
  data.set(first.data.subarray(first.l2, first.l2 + ETH_HLEN), 0);
  ipv4.emit(
    { dscp: v.dscp, ecn: v.ecn, identification: v.identification, dontFragment: v.dontFragment, moreFragments: false, fragmentOffset: 0, ttl: v.ttl, protocol: v.protocol, src: v.src, dst: v.dst, options: v.options, payload },
    data,
    ETH_HLEN,
  );
  const p = new Packet(data, first.journey);
  p.l3 = ETH_HLEN;
  p.l4 = ETH_HLEN + hl;
  p.ingress = first.ingress;
  p.pktType = first.pktType;
  p.mark = first.mark;
  return p;
}
