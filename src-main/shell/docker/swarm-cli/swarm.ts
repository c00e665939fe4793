// `docker swarm init|join-token|join|leave|update|unlock|unlock-key|ca`.

import { type S, parse, fail, managerCluster } from './context.ts';

export async function swarm(x: S, argv: string[]): Promise<number> {
  const sub = argv.shift();
  const { ctx, me } = x;
  switch (sub) {
    case 'init': {
      const p = parse(x, 'swarm init', argv);
      let id: string;
      try {
        id = me.init({ ...(p.strings.has('advertise-addr') ? { advertiseAddr: p.strings.get('advertise-addr')! } : {}) });
      } catch (e) {
        return fail(x, e);
      }
      const c = me.cluster!;
      ctx.stdout(`Swarm initialized: current node (${id}) is now a manager.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token ${c.workerToken} ${me.addr}:2377\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n`);
      return 0;
    }
    case 'join-token': {
      const p = parse(x, 'swarm join-token', argv);
      const role = p.args[0]!;
      if (role !== 'worker' && role !== 'manager') {
        ctx.stderr(`unknown role ${role}\n`);
        return 1;
      }
      const c = managerCluster(x);
      if (p.bools.has('rotate')) {
        const fresh = (c.ids.fork(`rotate@${me.now}`), c);
        void fresh;
        ctx.stdout(`Successfully rotated ${role} join token.\n\n`);
      }
      const token = role === 'worker' ? c.workerToken : c.managerToken;
      const leader = c.nodes.get(c.leaderId);
      if (p.bools.has('quiet')) ctx.stdout(`${token}\n`);
      else ctx.stdout(`To add a ${role} to this swarm, run the following command:\n\n    docker swarm join --token ${token} ${leader?.addr ?? me.addr}:2377\n\n`);
      return 0;
    }
    case 'join': {
      const p = parse(x, 'swarm join', argv);
      try {
        const role = await me.join(p.strings.get('token') ?? '', p.args[0]!, { ...(p.strings.has('advertise-addr') ? { advertiseAddr: p.strings.get('advertise-addr')! } : {}) });
        ctx.stdout(`This node joined a swarm as a ${role}.\n`);
      } catch (e) {
        return fail(x, e);
      }
      return 0;
    }
    case 'leave': {
      const p = parse(x, 'swarm leave', argv);
      try {
        await me.leave(p.bools.has('force'));
      } catch (e) {
        return fail(x, e);
      }
      ctx.stdout('Node left the swarm.\n');
      return 0;
    }
    case 'update':
    case 'unlock':
    case 'unlock-key':
    case 'ca':
      managerCluster(x);
      return 0;
    default:
      ctx.stdout('\nUsage:  docker swarm COMMAND\n\nManage Swarm\n\nCommands:\n  ca          Display and rotate the root CA\n  init        Initialize a swarm\n  join        Join a swarm as a node and/or manager\n  join-token  Manage join tokens\n  leave       Leave the swarm\n  unlock      Unlock swarm\n  unlock-key  Manage the unlock key\n  update      Update the swarm\n\nRun \'docker swarm COMMAND --help\' for more information on a command.\n');
      return sub === undefined ? 0 : 1;
  }
}
