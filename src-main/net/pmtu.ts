// Path MTU exceptions learned from "fragmentation needed" (ip_rt_update_pmtu): per destination, for
// ip_rt_mtu_expires (10 minutes).
import { SECOND, type Time } from '../sim/time.ts';
import type { Ipv4Address } from '../common/wire/ipv4-address.ts';

export const MINUTE_PMTU: Time = 600 * SECOND;

export type PmtuCache = Map<Ipv4Address, { mtu: number; expires: Time }>;
