// Which commands a console has: every shell starts from standardCommands (builtins, text tools); the lab adds the
// commands of the machine it runs on through providers. A provider looks at the target (the workstation, a node,
// a container, with its userland) and returns the commands it contributes — the docker CLI for nodes, the network
// tools (ping, ip, curl, nslookup, tcpdump ... from shell/nettools/) for every machine, and so on. Later providers
// override earlier ones of the same name.

import type { Machine } from '../docker/machine.ts';
import type { Container } from '../docker/daemon/container.ts';
import type { DockerNode, DockerWorld } from '../docker/world.ts';
import type { CommandImpl } from './interpreter.ts';

export interface ShellTarget {
  readonly machine: Machine;
  readonly world: DockerWorld;
  /** The node the machine is (kind 'node') or lives on (kind 'container'). */
  readonly node?: DockerNode;
  /** For a container's shell. */
  readonly container?: Container;
}

export type CommandProvider = (target: ShellTarget) => Readonly<Record<string, CommandImpl>>;

/** Merges the providers' commands for a target, in order. */
export function commandsFrom(providers: readonly CommandProvider[], target: ShellTarget): Record<string, CommandImpl> {
  const out: Record<string, CommandImpl> = {};
  for (const p of providers) Object.assign(out, p(target));
  return out;
}
