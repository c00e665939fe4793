// IGMPv3 membership reports a host sends when one of its devices joins a group (net/ipv4/igmp.c). Joining sets
// the group's change-record count to the robustness variable (2) and starts the interface timer 2 jiffies out;
// each expiry sends one report with the pending CHANGE_TO_EXCLUDE records and re-arms the timer at a random
// point within unsolicited_report_interval (1 s), until the count runs out: two reports per join.
// The report (facts 3.3): to 224.0.0.22, TOS 0xc0, TTL 1, DF, ID 0, Router Alert option (24-byte header),
// 54-byte frame. 224.0.0.1 (all hosts) is joined by every device but never reported.

import { writeU16, writeU32 } from '../common/wire/bytes.ts';
import { checksum } from '../common/wire/checksum.ts';
import { parseIpv4, type Ipv4Address } from '../common/wire/ipv4-address.ts';
import { PROTO_IGMP } from '../common/wire/ipv4.ts';
import type { Random } from '../sim/random.ts';
import { HZ } from './kernel-clock.ts';
import type { NetDevice } from './device.ts';
import type { NetNamespace } from './namespace.ts';

export const ALL_HOSTS = parseIpv4('224.0.0.1');
export const IGMPV3_ALL_MCR = parseIpv4('224.0.0.22');
const ROBUSTNESS = 2;
const UNSOLICITED_INTERVAL = HZ; // igmpv3_unsolicited_report_interval = 1000 ms
const CHANGE_TO_EXCLUDE = 4;
const ROUTER_ALERT = Uint8Array.of(0x94, 0x04, 0x00, 0x00);

interface IfState {
  readonly groups: Map<Ipv4Address, number>;
  ifcCount: number;
  timer: { cancel(): boolean } | undefined;
}

export class Igmp {
  private readonly ifs = new Map<number, IfState>();

  constructor(
    private readonly ns: NetNamespace,
    private readonly random: Random,
  ) {}

  /** igmp_group_added. Called by NetNamespace.joinGroup. */
  groupAdded(dev: NetDevice, group: Ipv4Address): void {
    if (group === ALL_HOSTS || dev.isLoopback) return;
    const st = this.state(dev);
    st.groups.set(group, ROBUSTNESS);
    // igmp_ifc_event
    st.ifcCount = ROBUSTNESS;
    this.startTimer(dev, st, 1);
  }

  private state(dev: NetDevice): IfState {
    let st = this.ifs.get(dev.ifindex);
    if (st === undefined) {
      st = { groups: new Map(), ifcCount: 0, timer: undefined };
      this.ifs.set(dev.ifindex, st);
    }
    return st;
  }

  /** igmp_ifc_start_timer: mod_timer(jiffies + random_below(delay) + 2). */
  private startTimer(dev: NetDevice, st: IfState, delay: number): void {
    st.timer?.cancel();
    const tv = this.random.below(delay);
    st.timer = this.ns.kernel.clock.timerJiffies(tv + 2, () => this.expire(dev, st));
  }

  /** igmp_ifc_timer_expire. */
  private expire(dev: NetDevice, st: IfState): void {
    st.timer = undefined;
    this.sendChangeReport(dev, st);
    if (st.ifcCount > 0) {
      st.ifcCount--;
      this.startTimer(dev, st, UNSOLICITED_INTERVAL);
    }
  }

  /** igmpv3_send_cr: one report with a record per group whose change count is still running. */
  private sendChangeReport(dev: NetDevice, st: IfState): void {
    const groups: Ipv4Address[] = [];
    for (const [g, n] of st.groups) {
      if (n > 0) {
        groups.push(g);
        st.groups.set(g, n - 1);
      }
    }
    if (groups.length === 0 || !dev.running) return;
    const msg = new Uint8Array(8 + 8 * groups.length);
    msg[0] = 0x22; // Membership Report v3
    writeU16(msg, 6, groups.length);
    groups.forEach((g, i) => {
      msg[8 + 8 * i] = CHANGE_TO_EXCLUDE;
      writeU32(msg, 12 + 8 * i, g);
    });
    writeU16(msg, 2, checksum(msg));
    const route = this.ns.routeOutput(IGMPV3_ALL_MCR, { oif: dev.name });
    if (route === undefined) return;
    this.ns.sendIpv4({ route, dst: IGMPV3_ALL_MCR, protocol: PROTO_IGMP, tos: 0xc0, ttl: 1, pmtudisc: 'do', options: ROUTER_ALERT }, msg);
  }
}
