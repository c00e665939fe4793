// The Machine implementation the world hands out: the workstation, each node, each container. A container's
// namespace changes when it is restarted (Docker makes a new sandbox per start), so `ns` is a property the daemon
// may move; its files and hostname persist for the container's life.

import type { Vfs } from '../../common/vfs.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import type { Random } from '../../sim/random.ts';
import type { Machine, MachineKind, Userland } from '../machine.ts';

export class SimMachine implements Machine {
  private currentNs: NetNamespace;
  private name: string;

  constructor(
    readonly kind: MachineKind,
    readonly id: string,
    ns: NetNamespace,
    readonly fs: Vfs,
    readonly userland: Userland,
    readonly random: Random,
    hostname: string,
  ) {
    this.currentNs = ns;
    this.name = hostname;
  }

  get ns(): NetNamespace {
    return this.currentNs;
  }

  /** @internal the daemon moves a container into a new sandbox on each start. */
  setNamespace(ns: NetNamespace): void {
    this.currentNs = ns;
  }

  hostname(): string {
    return this.name;
  }

  setHostname(name: string): void {
    this.name = name;
  }
}
