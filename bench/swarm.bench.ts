// Swarm at scale (issue 5's bench): a 10-node swarm (docker-machine create ×10, swarm init, nine joins over 2377)
// with a 100-replica service published on the routing mesh — the time until all 100 tasks run, in virtual time
// and in wall time — then 10,000 HTTP requests from the workstation to the published port, spread over the ten
// nodes' addresses (DNAT into each node's ingress sandbox, IPVS round robin over the 100 tasks, VXLAN to the task's
// node), 50 at a time; requests per wall second and per virtual second.
//
// Environment: FLOTILLA_BENCH_SWARM_NODES (default 10), FLOTILLA_BENCH_SWARM_REPLICAS (100),
// FLOTILLA_BENCH_SWARM_REQUESTS (10000), FLOTILLA_BENCH_SWARM_CONCURRENCY (50).
import { embeddedDnsFactory } from '../src-main/docker/dns/embedded.ts';
import { IMAGES } from '../src-main/docker/images/catalog.ts';
import { swarmOf } from '../src-main/docker/swarm/node.ts';
import { parseIpv4 } from '../src-main/common/wire/ipv4-address.ts';
import { SECOND } from '../src-main/sim/time.ts';
import { DockerLab } from '../src-main/shell/lab-host.ts';
import { httpRequest, encodeText } from '../src-main/shell/nettools/http-client.ts';
import { netTools } from '../src-main/shell/nettools/index.ts';
import type { Bench } from './run.ts';

const NODES = Number(process.env.FLOTILLA_BENCH_SWARM_NODES ?? 10);
const REPLICAS = Number(process.env.FLOTILLA_BENCH_SWARM_REPLICAS ?? 100);
const REQUESTS = Number(process.env.FLOTILLA_BENCH_SWARM_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.FLOTILLA_BENCH_SWARM_CONCURRENCY ?? 50);

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

async function sh(lab: DockerLab, where: string, cmd: string): Promise<string> {
  const shell = lab.shellFor(where === '' ? { kind: 'workstation' } : { kind: 'node', name: where })!;
  const r = await lab.complete(shell.run(cmd));
  const out = r.output.map((c) => c.text).join('');
  if (r.exit !== 0) throw new Error(`${where}$ ${cmd}: exit ${r.exit}\n${out}`);
  return out;
}

const ms = (n: number): string => `${n.toFixed(0)} ms`;
const secs = (ns: number): string => `${(ns / SECOND).toFixed(2)} s`;

export const benches: Bench[] = [
  {
    name: `swarm: ${NODES} nodes, ${REPLICAS}-replica service, ${REQUESTS} requests through the routing mesh`,
    async run() {
      const lab = new DockerLab({ seed: 5, settle, images: IMAGES, dns: embeddedDnsFactory, providers: [(t) => netTools(t.machine)] });
      const w = lab.world;
      const names = Array.from({ length: NODES }, (_, i) => `node${i + 1}`);
      // the swarm
      const t0 = performance.now();
      const v0 = w.scheduler.now;
      for (const n of names) await sh(lab, '', `docker-machine create ${n}`);
      await sh(lab, 'node1', 'docker swarm init --advertise-addr 192.168.99.100');
      const token = (await sh(lab, 'node1', 'docker swarm join-token -q worker')).trim();
      for (const n of names.slice(1)) await sh(lab, n, `docker swarm join --token ${token} 192.168.99.100:2377`);
      const swarmWall = performance.now() - t0;
      const swarmVirtual = w.scheduler.now - v0;
      // the service, until every task runs
      const t1 = performance.now();
      const v1 = w.scheduler.now;
      await sh(lab, 'node1', `docker service create -d --name web --replicas ${REPLICAS} -p 8080:80 traefik/whoami`);
      const cluster = [...swarmOf(w).clusters.values()][0]!;
      const running = (): number => [...cluster.tasks.values()].filter((t) => t.desired === 'running' && t.state === 'running').length;
      let steps = 0;
      while (running() < REPLICAS && steps++ < 600) await lab.advance(100_000_000);
      const convergeWall = performance.now() - t1;
      const convergeVirtual = w.scheduler.now - v1;
      await lab.advance(2 * SECOND); // gossip spreads the last endpoints to every ingress sandbox
      const perNode = new Map<string, number>();
      for (const t of cluster.tasks.values()) if (t.state === 'running') perNode.set(t.nodeId ?? '', (perNode.get(t.nodeId ?? '') ?? 0) + 1);
      // the requests
      const ws = w.workstation.ns;
      const addrs = w.nodeList().map((n) => parseIpv4(n.ipText));
      let ok = 0;
      let failed = 0;
      const hostnames = new Set<string>();
      const t2 = performance.now();
      const v2 = w.scheduler.now;
      for (let sent = 0; sent < REQUESTS; sent += CONCURRENCY) {
        const batch: Promise<void>[] = [];
        for (let i = sent; i < Math.min(REQUESTS, sent + CONCURRENCY); i++) {
          const address = addrs[i % addrs.length]!;
          const req = encodeText(`GET / HTTP/1.1\r\nHost: ${w.nodeList()[i % addrs.length]!.ipText}:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n`);
          batch.push(
            httpRequest(ws, { address, port: 8080, request: req, maxTime: 10 * SECOND }).then((r) => {
              if (r.ok && r.response.status === 200) {
                ok++;
                const m = /Hostname: (\S+)/.exec(new TextDecoder().decode(r.response.body));
                if (m) hostnames.add(m[1]!);
              } else failed++;
            }),
          );
        }
        await lab.complete(Promise.all(batch));
      }
      const reqWall = performance.now() - t2;
      const reqVirtual = w.scheduler.now - v2;
      return {
        'swarm formed (wall)': ms(swarmWall),
        'swarm formed (virtual)': secs(swarmVirtual),
        'service converged (wall)': ms(convergeWall),
        'service converged (virtual)': secs(convergeVirtual),
        'tasks running / per node': `${running()} / ${[...perNode.values()].sort((a, b) => a - b).join(',')}`,
        'requests ok / failed': `${ok} / ${failed}`,
        'distinct tasks answering': String(hostnames.size),
        'requests (wall)': ms(reqWall),
        'requests per wall second': (REQUESTS / (reqWall / 1000)).toFixed(0),
        'requests (virtual)': secs(reqVirtual),
        'requests per virtual second': (REQUESTS / (reqVirtual / SECOND)).toFixed(0),
        'events executed': String(w.scheduler.executed),
      };
    },
  },
];
