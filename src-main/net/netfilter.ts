// Netfilter hook points of one namespace (nf_register_net_hook). The IPv4 paths call run() at PREROUTING,
// INPUT, FORWARD, OUTPUT and POSTROUTING; conntrack, NAT, filter tables and IPVS register functions here with a
// priority. With nothing registered a hook point costs one array length check.

import type { HookPoint, HookState, NetfilterHook, Verdict } from './contracts.ts';
import type { Packet } from './packet.ts';

export class Netfilter {
  private readonly hooks: Record<HookPoint, NetfilterHook[]> = { prerouting: [], input: [], forward: [], output: [], postrouting: [] };

  /** Registers `hook` at `point`; returns the function that unregisters it. Equal priorities run in registration order. */
  register(point: HookPoint, hook: NetfilterHook): () => void {
    const list = this.hooks[point];
    let i = list.length;
    while (i > 0 && list[i - 1]!.priority > hook.priority) i--;
    list.splice(i, 0, hook);
    return () => {
      const j = list.indexOf(hook);
      if (j >= 0) list.splice(j, 1);
    };
  }

  /** True when something is registered at `point`. */
  active(point: HookPoint): boolean {
    return this.hooks[point].length !== 0;
  }

  /** Runs the hooks of `state.hook` in priority order until one does not accept. */
  run(pkt: Packet, state: HookState): Verdict {
    const list = this.hooks[state.hook];
    for (let i = 0; i < list.length; i++) {
      const v = list[i]!.fn(pkt, state);
      if (v !== 'accept') return v;
    }
    return 'accept';
  }

  /** The registered hooks of a point, in the order they run (for `nft list`-like views). */
  list(point: HookPoint): readonly NetfilterHook[] {
    return this.hooks[point];
  }
}
