// The macvlan and ipvlan drivers' plumbing on a node [M28:libnetwork/drivers/macvlan/*, .../ipvlan/*] (§8):
//   network create: the parent is `-o parent` or, without one, a dummy device dm-<id12> (ipvlan di-<id12>) the
//     driver creates; a parent missing from the host is created when it is an 802.1Q name (eth0.10: a VLAN
//     sub-interface of eth0, up) and refused otherwise, with the driver's messages (createVlanLink/parseVlan).
//     ipvlan allows one network per parent in every version; macvlan's rule is the registry's (model.ts).
//   network rm: a link the driver created goes when the last network on it goes (parentHasSingleUser, ≥27).
//   join: a macvlan (ipvlan) of the parent in the container's namespace as ethN, with the endpoint's MAC (ipvlan:
//     the parent's), the endpoint's address; the default route is the daemon's (via the gateway; ipvlan l3/l3s:
//     `default dev ethN`). The device is made in the node's namespace and moved, so its ifindex is the node's next.
// The host cannot reach its macvlan/ipvlan containers through the parent, as on Linux (net/macvlan.ts).

import { formatIpv4 } from '../../common/wire/ipv4-address.ts';
import type { NetDevice } from '../../net/device.ts';
import { addIpvlan } from '../../net/ipvlan.ts';
import { addDummy, addMacvlan } from '../../net/macvlan.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import { addVlan } from '../../net/vlan.ts';
import type { IpvlanOptions, MacvlanOptions } from '../driver-options.ts';
import { forbidden, internal, invalidParameter } from '../errors.ts';
import type { Endpoint, Network } from '../model.ts';
import type { EngineBehaviour } from '../version.ts';

type VlanNet = Network & { readonly driverOptions: MacvlanOptions | IpvlanOptions };

export function isVlanDriverNetwork(nw: Network): nw is VlanNet {
  return nw.driverOptions.kind === 'macvlan' || nw.driverOptions.kind === 'ipvlan';
}

/** The parent link a network uses: -o parent, else the driver's dummy (dm-/di- + the first 12 hex of the ID). */
export function parentLinkName(nw: VlanNet): string {
  const o = nw.driverOptions;
  return o.parent ?? `${o.kind === 'macvlan' ? 'dm-' : 'di-'}${nw.id.slice(0, 12)}`;
}

/**
 * Whether the network gives its containers a default route: macvlan and ipvlan l2 through the IPAM gateway
 * (≥28 a parent-less network is internal to the driver: none); ipvlan l3/l3s always, as `default dev ethN`.
 */
export function vlanProvidesGateway(nw: VlanNet, b: EngineBehaviour): boolean {
  const o = nw.driverOptions;
  if (nw.internal) return false;
  if (o.parent === undefined && (o.kind === 'ipvlan' || b.version.major >= 28)) return false;
  if (o.kind === 'ipvlan' && o.mode !== 'l2') return true;
  return nw.ipv4[0]?.gateway !== undefined;
}

/** ipvlan l3/l3s: the default route names the device only. */
export function vlanDeviceRoute(nw: Network): boolean {
  return nw.driverOptions.kind === 'ipvlan' && nw.driverOptions.mode !== 'l2';
}

export class VlanDrivers {
  /** Network ID → the parent link the driver created for it (VLAN sub-interface or dummy). */
  private readonly created = new Map<string, string>();

  constructor(
    private readonly ns: NetNamespace,
    private readonly b: EngineBehaviour,
    /** The daemon's networks (the one being created included, the one being removed not). */
    private readonly networks: () => readonly Network[],
  ) {}

  /** CreateNetwork's parent handling; throws Docker's error and creates nothing on failure. */
  plumb(nw: VlanNet): void {
    const parent = parentLinkName(nw);
    const o = nw.driverOptions;
    const others = this.networks().filter((n): n is VlanNet => n.id !== nw.id && isVlanDriverNetwork(n) && n.driverOptions.kind === o.kind && parentLinkName(n) === parent);
    if (o.kind === 'ipvlan' && others.length > 0) throw forbidden(`network di-${others[0]!.id.slice(0, 12)} is already using parent interface ${parent}`);
    if (!this.ns.hasDevice(parent)) {
      if (o.parent === undefined) addDummy(this.ns, parent);
      else this.createVlanLink(parent);
      this.created.set(nw.id, parent);
    } else if (others.some((n) => this.created.get(n.id) === parent)) {
      this.created.set(nw.id, parent);
    }
  }

  /** createVlanLink + parseVlan, in the driver's order of checks. */
  private createVlanLink(name: string): void {
    if (!name.includes('.')) throw forbidden(`invalid subinterface vlan name ${name}, example formatting is eth0.10`);
    const parts = name.split('.');
    if (parts.length !== 2) throw forbidden(`required interface name format is: name.vlan_id, ex. eth0.10 for vlan 10, instead received ${name}`);
    const [base, vidText] = parts as [string, string];
    if (!/^[+-]?[0-9]+$/.test(vidText)) throw forbidden(`unable to parse a valid vlan id from: ${vidText} (ex. eth0.10 for vlan 10)`);
    if (!this.ns.hasDevice(base)) throw forbidden(`-o parent interface ${this.b.version.major < 23 ? 'does was' : 'was'} not found on the host: ${base}`);
    const vid = Number(vidText);
    if (vid > 4094 || vid < 1) throw forbidden(`vlan id must be between 1-4094, received: ${vid}`);
    try {
      addVlan(this.ns, base, name, vid);
    } catch (e) {
      throw internal(`failed to create ${name} vlan link: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** DeleteNetwork: the created link goes with the last network on it. */
  unplumb(nw: VlanNet): void {
    const link = this.created.get(nw.id);
    this.created.delete(nw.id);
    if (link === undefined) return;
    const stillUsed = this.networks().some((n) => n.id !== nw.id && isVlanDriverNetwork(n) && parentLinkName(n) === link);
    if (!stillUsed && this.ns.hasDevice(link)) this.ns.removeDevice(link);
  }

  /** The parent's MAC (the ipvlan endpoint's), or undefined when the parent is gone. */
  parentMac(nw: VlanNet): number | undefined {
    const p = parentLinkName(nw);
    return this.ns.hasDevice(p) ? this.ns.device(p).mac : undefined;
  }

  /** Join: the sub-interface in the container's namespace as `ifname`, with the endpoint's address. */
  join(nw: VlanNet, ep: Endpoint, cns: NetNamespace, ifname: string): NetDevice {
    const parentName = parentLinkName(nw);
    if (!this.ns.hasDevice(parentName)) throw invalidParameter(`the requested parent interface ${parentName} was not found on the Docker host`);
    const parent = this.ns.device(parentName);
    const o = nw.driverOptions;
    const ifindex = this.ns.allocIfindex();
    let dev: NetDevice;
    try {
      dev = o.kind === 'macvlan' ? addMacvlan(cns, ifname, parent, { mode: o.mode, mac: ep.mac, ifindex }) : addIpvlan(cns, ifname, parent, { mode: o.mode, flag: o.flag, ifindex });
    } catch (e) {
      const why = e instanceof Error && /busy/i.test(e.message) ? 'device or resource busy' : 'invalid argument';
      throw internal(`failed to create the ${o.kind} port: ${why}`);
    }
    if (ep.ipv4) cns.addAddress(dev, `${formatIpv4(ep.ipv4.address)}/${ep.ipv4.prefixLength}`);
    return dev;
  }
}
