// `docker swarm`, `docker node`, `docker service` and `docker stack` on a node, worded as docker CLI 28 words
// them: daemon errors as "Error response from daemon: …" (exit 1), the manager-only commands refused on workers
// with Docker's message, tables through the CLI's tabwriter, --format templates over the CLI's contexts.
// Each subcommand group lives in swarm-cli/, named for what it holds; this file only dispatches.

import { DockerError } from '../../docker/errors.ts';
import { swarmOf } from '../../docker/swarm/node.ts';
import type { DockerNode } from '../../docker/world.ts';
import type { CommandContext } from '../interpreter.ts';
import type { DockerLab } from '../lab-host.ts';
import { CommandExit } from './command-spec.ts';
import type { S } from './swarm-cli/context.ts';
import { node } from './swarm-cli/node.ts';
import { service } from './swarm-cli/service.ts';
import { stack } from './swarm-cli/stack.ts';
import { swarm } from './swarm-cli/swarm.ts';

export { parseServicePublish } from './swarm-cli/service-flags.ts';

/** `docker swarm|node|service|stack ...` on a node. */
export async function swarmCli(sub: 'swarm' | 'node' | 'service' | 'stack', ctx: CommandContext, dockerNode: DockerNode, lab: DockerLab, argv: string[]): Promise<number> {
  const x: S = { ctx, node: dockerNode, lab, me: swarmOf(lab.world).of(dockerNode) };
  try {
    switch (sub) {
      case 'swarm':
        return await swarm(x, argv);
      case 'node':
        return node(x, argv);
      case 'service':
        return await service(x, argv);
      case 'stack':
        return await stack(x, argv);
    }
  } catch (e) {
    if (e instanceof CommandExit) return e.code;
    if (e instanceof DockerError) {
      ctx.stderr(`${e.cliText()}\n`);
      return 1;
    }
    throw e;
  }
}
