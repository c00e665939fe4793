// One run of the engine benchmark's workload in a fresh process (so peak RSS and JIT state are per run, as for
// the ns-3 binary). Usage: node --import tsx bench/engine-worker.ts routed|overlay|idle [requests]
// Prints one JSON line.
import { runDockerLike } from './docker-like.ts';

const variant = process.argv[2] ?? 'routed';
const requests = Number(process.argv[3] ?? 166_800);

if (variant === 'idle') {
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
} else {
  if (variant !== 'routed' && variant !== 'overlay') throw new Error(`engine-worker: unknown variant ${variant}`);
  const r = runDockerLike({ requests, underlay: variant });
  const { lab, ...figures } = r;
  console.log(JSON.stringify({ ...figures, namespaces: lab.namespaces.length, maxRssKb: process.resourceUsage().maxRSS }));
}
