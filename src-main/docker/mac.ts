// MAC addresses of container endpoints as the node's engine version makes them (docker-networking.md §3):
// - bridge (incl. docker0, docker_gwbridge) and macvlan: ≤27 "02:42" + the four IPv4 bytes; ≥28 random;
// - overlay (incl. ingress and LB endpoints): always 02:42 + IPv4;
// - ipvlan: the parent's MAC; bridge devices themselves: random.
// A random MAC is netutils.GenerateRandomMAC: six bytes each in 0..254 (rand.Intn(255)), multicast bit cleared,
// locally administered bit set.

import type { MacAddress } from '../common/wire/mac.ts';
import type { Ipv4Address } from '../common/wire/ipv4-address.ts';
import type { RandomSource } from '../sim/random.ts';
import { int } from '../sim/random.ts';
import type { EngineBehaviour } from './version.ts';

/** 02:42:a.b.c.d (netutils.GenerateMACFromIP); no IPv4 address gives 02:42:00:00:00:00. */
export function macFromIpv4(ip: Ipv4Address | undefined): MacAddress {
  return 0x0242 * 0x1_0000_0000 + ((ip ?? 0) >>> 0);
}

/** netutils.GenerateRandomMAC. */
export function randomMac(rng: RandomSource): MacAddress {
  let v = 0;
  for (let i = 0; i < 6; i++) {
    let b = int(rng, 0, 254);
    if (i === 0) b = (b & ~0x01) | 0x02;
    v = v * 256 + b;
  }
  return v;
}

/** The kernel's eth_random_addr (veth ends, dummy devices): any bytes, multicast cleared, local bit set. */
export function kernelRandomMac(rng: RandomSource): MacAddress {
  let v = 0;
  for (let i = 0; i < 6; i++) {
    let b = int(rng, 0, 255);
    if (i === 0) b = (b & ~0x01) | 0x02;
    v = v * 256 + b;
  }
  return v;
}

export type MacDriver = 'bridge' | 'macvlan' | 'overlay' | 'ipvlan';

export interface EndpointMacRequest {
  readonly driver: MacDriver;
  /** The endpoint's IPv4 address, if it has one. */
  readonly ipv4?: Ipv4Address;
  /** `--mac-address`, which always wins. */
  readonly requested?: MacAddress;
  /** ipvlan: the parent interface's MAC. */
  readonly parentMac?: MacAddress;
}

/** The MAC an endpoint's interface gets. Draws from `rng` only when the result is random. */
export function endpointMac(b: EngineBehaviour, req: EndpointMacRequest, rng: RandomSource): MacAddress {
  if (req.requested !== undefined) return req.requested;
  switch (req.driver) {
    case 'ipvlan':
      if (req.parentMac === undefined) throw new RangeError('ipvlan endpoint without a parent MAC');
      return req.parentMac;
    case 'overlay':
      return macFromIpv4(req.ipv4);
    case 'bridge':
    case 'macvlan':
      return b.randomEndpointMac ? randomMac(rng) : macFromIpv4(req.ipv4);
  }
}

/** A bridge device's own MAC (docker0, br-…): random in every version. */
export function bridgeDeviceMac(rng: RandomSource): MacAddress {
  return randomMac(rng);
}
