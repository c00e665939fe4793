// IPv4 identification as Linux picks it for packets without a socket counter (net/ipv4/route.c,
// ip_idents_reserve): 2048 counters, chosen by a keyed hash of (daddr, saddr, protocol). Each time a counter is
// used in a new jiffy it first jumps by a random amount below the jiffies elapsed since its last use. So IDs to
// one destination go +1 back to back and jump irregularly between bursts (facts 3.4: 0x7ab9 → 0x7b98 → 0x7bcb),
// and each direction has its own sequence. Counters start random (boot) and the hash key is secret (seeded).

import type { Random } from '../sim/random.ts';
import type { Ipv4Address } from '../common/wire/ipv4-address.ts';
import { murmurFinal, murmurMix } from './keyed-hash.ts';

const IDENTS = 2048;

export class IpIdents {
  private readonly ids = new Uint32Array(IDENTS);
  private readonly stamps = new Float64Array(IDENTS);
  private readonly key: number;

  constructor(private readonly random: Random) {
    for (let i = 0; i < IDENTS; i++) this.ids[i] = random.nextU32();
    this.stamps.fill(-1);
    this.key = random.nextU32();
  }

  /** Reserves `segs` IDs for a packet src→dst of `protocol` at jiffies `now`; returns the first (16 bits). */
  select(now: number, src: Ipv4Address, dst: Ipv4Address, protocol: number, segs = 1): number {
    const h = hash3(dst, src, protocol, this.key) % IDENTS;
    const old = this.stamps[h]!;
    let delta = 0;
    if (old !== now) {
      this.stamps[h] = now;
      // get_random_u32_below(now - old); the first use after boot jumps anywhere.
      delta = old < 0 ? this.random.below(0x10000) : now - old > 0 ? this.random.below(Math.min(now - old, 0xffff_ffff)) : 0;
    }
    const v = (this.ids[h]! + segs + delta) >>> 0;
    this.ids[h] = v;
    return (v - segs) & 0xffff;
  }
}

/** A keyed 32-bit hash of three words, the key as murmur3's seed (stands in for the kernel's siphash). */
function hash3(a: number, b: number, c: number, key: number): number {
  return murmurFinal(murmurMix(murmurMix(murmurMix(key | 0, a), b), c));
}
