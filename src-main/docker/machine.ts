// A machine of the lab: the workstation, a node (a Docker host) or a container. Everything that runs "on" one —
// a console's commands, a container's service, the embedded DNS server — gets this view of it: its network
// namespace, its files, its name, its userland and its own seeded random stream. The Docker world creates
// machines; the shells and the images' programs only use them.
import type { Vfs } from '../common/vfs.ts';
import type { NetNamespace } from '../net/namespace.ts';
import type { Random } from '../sim/random.ts';

export type MachineKind = 'workstation' | 'node' | 'container';

/** Which userland answers commands: busybox (alpine, busybox images) or GNU/iputils (debian, ubuntu, centos,
 * the nodes, the workstation). It decides the tools present and the exact text they print. */
export type Userland = 'busybox' | 'gnu';

export interface Machine {
  readonly kind: MachineKind;
  /** A stable name for logs and captures: "workstation", "node1", "node1/web". */
  readonly id: string;
  readonly ns: NetNamespace;
  readonly fs: Vfs;
  readonly userland: Userland;
  /** Seeded per machine, so one machine's activity never shifts another's random values. */
  readonly random: Random;
  /** The current hostname (a container's can be set with --hostname; a node's is its name). */
  hostname(): string;
}
