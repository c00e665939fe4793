// One table of the swarm subcommands' flags and arguments, which command-spec.ts parses.

import { command, type CommandSpec } from '../command-spec.ts';

/** Every subcommand's flags and arguments (docker CLI 28's; flags the lab ignores are accepted all the same). */
export const COMMANDS = {
  'swarm init': command('swarm init', '[OPTIONS]', 'advertise-addr= listen-addr= data-path-addr= force-new-cluster default-addr-pool=* default-addr-pool-mask-length= task-history-limit= availability= autolock'),
  'swarm join-token': command('swarm join-token', '[OPTIONS] (worker|manager)', 'quiet|q rotate', '=1'),
  'swarm join': command('swarm join', '[OPTIONS] HOST:PORT', 'token= advertise-addr= listen-addr= data-path-addr= availability=', '=1'),
  'swarm leave': command('swarm leave', '[OPTIONS]', 'force|f'),
  'node ls': command('node ls', '[OPTIONS]', 'quiet|q format= filter|f=*'),
  'node inspect': command('node inspect', '[OPTIONS] self|NODE [NODE...]', 'format|f= pretty', 1),
  'node update': command('node update', '[OPTIONS] NODE', 'availability= role= label-add=* label-rm=*', '=1'),
  'node promote': command('node promote', 'NODE [NODE...]', '', 1),
  'node demote': command('node demote', 'NODE [NODE...]', '', 1),
  'node rm': command('node rm', '[OPTIONS] NODE [NODE...]', 'force|f', 1),
  'node ps': command('node ps', '[OPTIONS] [NODE...]', 'format= no-trunc quiet|q filter|f=*'),
  'service create': command(
    'service create',
    '[OPTIONS] IMAGE [COMMAND] [ARG...]',
    'name= replicas= mode= network=* publish|p=* endpoint-mode= constraint=* env|e=* label|l=* container-label=* detach|d quiet|q hostname= ' +
      'restart-condition= restart-delay= restart-max-attempts= mount=* update-parallelism= update-delay= with-registry-auth entrypoint= workdir|w= ' +
      'user|u= dns=* limit-memory= reserve-memory= limit-cpu=',
    1,
    { interspersed: false },
  ),
  'service ls': command('service ls', '[OPTIONS]', 'quiet|q format= filter|f=*'),
  'service ps': command('service ps', '[OPTIONS] SERVICE [SERVICE...]', 'quiet|q format= filter|f=* no-trunc no-resolve', 1),
  'service inspect': command('service inspect', '[OPTIONS] SERVICE [SERVICE...]', 'format|f= pretty', 1),
  'service scale': command('service scale', 'SERVICE=REPLICAS [SERVICE=REPLICAS...]', 'detach|d', 1),
  'service update': command(
    'service update',
    '[OPTIONS] SERVICE',
    'image= replicas= publish-add=* publish-rm=* network-add=* network-rm=* constraint-add=* constraint-rm=* env-add=* env-rm=* endpoint-mode= ' +
      'force detach|d quiet|q args= restart-condition= update-parallelism= update-delay= label-add=* label-rm=* container-label-add=* container-label-rm=*',
    '=1',
  ),
  'service rm': command('service rm', 'SERVICE [SERVICE...]', '', 1),
  'service logs': command('service logs', '[OPTIONS] SERVICE|TASK', 'follow|f tail|n= timestamps|t no-task-ids no-trunc raw no-resolve since= details', '=1'),
  'stack deploy': command('stack deploy', '[OPTIONS] STACK', 'compose-file|c=* prune resolve-image= with-registry-auth detach|d quiet|q', '=1'),
  'stack ls': command('stack ls', '[OPTIONS]', 'format='),
  'stack services': command('stack services', '[OPTIONS] STACK', 'quiet|q format= filter|f=*', '=1'),
  'stack ps': command('stack ps', '[OPTIONS] STACK', 'quiet|q format= filter|f=* no-trunc no-resolve', '=1'),
  'stack rm': command('stack rm', '[OPTIONS] STACK [STACK...]', 'detach|d', 1),
} satisfies Record<string, CommandSpec>;
