// What every swarm subcommand shares: the node it runs on, flag parsing, and how it fails as docker does.

import { DockerError } from '../../../docker/errors.ts';
import { TemplateError } from '../../../docker/format/template.ts';
import type { SwarmCluster } from '../../../docker/swarm/cluster.ts';
import { ComposeError } from '../../../docker/swarm/compose.ts';
import type { NodeSwarm } from '../../../docker/swarm/node.ts';
import type { DockerNode } from '../../../docker/world.ts';
import type { CommandContext } from '../../interpreter.ts';
import type { DockerLab } from '../../lab-host.ts';
import { CommandExit, parseCommand } from '../command-spec.ts';
import type { Parsed } from '../flags.ts';
import { COMMANDS } from './commands.ts';

export interface S {
  readonly ctx: CommandContext;
  readonly node: DockerNode;
  readonly lab: DockerLab;
  readonly me: NodeSwarm;
}

const NOT_MANAGER = "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
const NOT_IN_SWARM_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
/** The subcommand's flags and arguments; what is wrong is written as docker writes it and ends the command. */
export function parse(x: S, path: keyof typeof COMMANDS, argv: readonly string[]): Parsed {
  return parseCommand(COMMANDS[path], argv, x.ctx);
}

export function fail(x: S, e: unknown): never {
  if (e instanceof CommandExit) throw e;
  if (e instanceof DockerError) x.ctx.stderr(`${e.cliText()}\n`);
  else if (e instanceof TemplateError || e instanceof ComposeError) x.ctx.stderr(`${e.message}\n`);
  else x.ctx.stderr(`${e instanceof Error ? e.message : String(e)}\n`);
  throw new CommandExit(1);
}

export function daemonError(x: S, msg: string): never {
  x.ctx.stderr(`Error response from daemon: ${msg}\n`);
  throw new CommandExit(1);
}

/** The cluster, for commands only managers answer. */
export function managerCluster(x: S): SwarmCluster {
  const c = x.me.cluster;
  if (!c) daemonError(x, NOT_IN_SWARM_MANAGER);
  if (x.me.role !== 'manager') daemonError(x, NOT_MANAGER);
  return c;
}

export function sleep(x: S, ns: number): Promise<void> {
  return x.lab.world.clock.sleep(ns);
}
