// What `docker network create` was given for a network, read back from the daemon's table (or, for a swarm
// network, from the manager's record, which keeps the user's options without what a node's copy adds). The window
// turns it into the command that creates the network again, so undoing a removal loses no flag.
import type { RuntimeNetworkCreate } from '../common/api/types.ts';
import type { IpamConfig } from '../docker/ipam.ts';
import type { Network } from '../docker/model.ts';
import type { SwarmNetworkRecord } from '../docker/swarm/types.ts';

function ipamEntry(c: IpamConfig): RuntimeNetworkCreate['ipam'][number] | null {
  if (!c.subnet) return null;
  return {
    subnet: c.subnet,
    ...(c.ipRange ? { ipRange: c.ipRange } : {}),
    ...(c.gateway ? { gateway: c.gateway } : {}),
    ...(c.auxAddresses && Object.keys(c.auxAddresses).length ? { auxAddresses: { ...c.auxAddresses } } : {}),
  };
}

/** The create settings of `nw`; null for the daemon's own networks, which nobody creates. */
export function networkCreateView(nw: Network, swarm: SwarmNetworkRecord | undefined): RuntimeNetworkCreate | null {
  if (nw.predefined || nw.ingress) return null;
  if (swarm) {
    return {
      attachable: swarm.attachable,
      ipv6: false,
      options: { ...swarm.options },
      labels: { ...swarm.labels },
      ipam: swarm.userSubnet ? [{ subnet: swarm.subnet, ...(swarm.gateway ? { gateway: swarm.gateway } : {}) }] : [],
    };
  }
  return {
    attachable: nw.attachable,
    ipv6: nw.enableIPv6,
    // A node's copy of a swarm network carries the VNI the manager chose: not the user's.
    options: Object.fromEntries(Object.entries(nw.options).filter(([k]) => nw.scope !== 'swarm' || k !== 'com.docker.network.driver.overlay.vxlanid_list')),
    labels: { ...nw.labels },
    ipam: [...nw.ipamConfigV4, ...nw.ipamConfigV6].map(ipamEntry).filter((e) => e !== null),
  };
}
