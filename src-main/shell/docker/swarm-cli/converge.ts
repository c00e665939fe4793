// The wait of `docker service create/update/scale` without --detach.

import { isTerminal, type SwarmCluster } from '../../../docker/swarm/cluster.ts';
import type { TaskRecord } from '../../../docker/swarm/types.ts';
import { SECOND } from '../../../sim/time.ts';
import { type S, sleep } from './context.ts';

/** Waits as `docker service create/update/scale` does without --detach, then prints the progress it saw last. */
export async function converge(x: S, c: SwarmCluster, svcId: string): Promise<void> {
  const deadline = x.me.now + 120 * SECOND;
  const state = (): { done: boolean; tasks: TaskRecord[]; want: number } => {
    const svc = c.services.get(svcId);
    if (!svc) return { done: true, tasks: [], want: 0 };
    const tasks = c.tasksOf(svcId).filter((t) => t.desired === 'running' && t.specVersion === svc.version);
    const want = svc.spec.mode === 'global' ? tasks.length : svc.spec.replicas;
    const running = tasks.filter((t) => t.state === 'running').length;
    const stale = c.tasksOf(svcId).some((t) => t.desired !== 'running' && !isTerminal(t.state) && t.nodeId !== undefined && c.nodes.get(t.nodeId)?.state === 'ready');
    return { done: running === want && !stale, tasks, want };
  };
  await sleep(x, 100 * 1e6);
  for (;;) {
    const st = state();
    if (st.done) {
      await sleep(x, 5 * SECOND);
      if (state().done) break;
    }
    if (x.me.now > deadline) break;
    await sleep(x, 100 * 1e6);
  }
  const st = state();
  const running = st.tasks.filter((t) => t.state === 'running').length;
  let out = `overall progress: ${running} out of ${st.want} tasks \n`;
  const ordered = [...st.tasks].sort((a, bb) => a.slot - bb.slot);
  ordered.forEach((t, i) => {
    const label = t.slot === 0 ? `${(c.nodes.get(t.nodeId ?? '')?.id ?? '').slice(0, 12)}` : `${i + 1}/${st.want}`;
    const bar = t.state === 'running' ? '[==================================================>] ' : '';
    out += `${label}: ${t.err !== '' ? t.err : t.state.padEnd(9)} ${bar}\n`;
  });
  out += st.done ? 'verify: Service converged \n' : '';
  x.ctx.stdout(out);
}
