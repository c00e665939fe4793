// The packet engine against ns-3 (../shared/bench/README.md): the same Docker-like topology and traffic — 3 hosts ×
// 10 containers, UDP echo request/response between containers on different hosts, ~1 M frame-hops — run by the
// ns-3 anchor program (docker-like.cc, built here from shared/'s sources) and by Flotilla's engine (routed as
// ns-3 does, and over a VXLAN overlay as Docker does once net/vxlan.ts exists), interleaved, several rounds, each
// run in its own process; medians (min–max) are printed, ending with the routed ratio.
//
// Environment: FLOTILLA_BENCH_ROUNDS (default 5), FLOTILLA_BENCH_REQUESTS (default 166800, ~1.0 M frame-hops),
// FLOTILLA_BENCH_NO_NS3=1 skips the baseline.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sharedPath } from '../test/shared-path.ts';
import { buildDockerLike, frameHops, OVERLAY_WIRED } from './docker-like.ts';
import { NetLab } from '../src-main/net/scenario.ts';
import { ping, type PingResult } from '../src-main/net/sockets/ping.ts';
import { MICROSECOND, MILLISECOND, SECOND } from '../src-main/sim/time.ts';
import type { Bench } from './run.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const NS3_OUT = path.join(ROOT, 'out/bench/ns3');
const ROUNDS = Number(process.env.FLOTILLA_BENCH_ROUNDS ?? 5);
const REQUESTS = Number(process.env.FLOTILLA_BENCH_REQUESTS ?? 166_800);
const NS3_DEV = 'libns3-dev';
const NS3_INSTALL = 'DEBIAN_FRONTEND=noninteractive apt-get install -y ns3 libns3-dev';

interface RunFigures {
  frameHopsPerS: number;
  frameHopsPerCpuS: number;
  eventsPerS: number;
  eventsPerHop: number;
  datagramsPerS: number;
  maxRssKb: number;
  frameHops: number;
  events: number;
  datagrams: number;
  runS: number;
}

// ------------------------------------------------------------------------------------------------------ ns-3

function dpkgInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Installs ns-3 when missing and we may (root on Debian); returns why not otherwise. */
function ensureNs3(): string | undefined {
  if (dpkgInstalled(NS3_DEV)) return undefined;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!isRoot || !hasApt) return `ns-3 is not installed; install it with: ${NS3_INSTALL}`;
  console.log(`engine: installing ns-3 (${NS3_INSTALL})`);
  const r = spawnSync('apt-get', ['install', '-y', 'ns3', NS3_DEV], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0 || !dpkgInstalled(NS3_DEV)) return `apt-get install failed; run: ${NS3_INSTALL}`;
  return undefined;
}

/** Copies shared/bench/ns3's sources to out/bench/ns3 and builds there unless a build of the same sources exists. */
function buildNs3(): string {
  const src = sharedPath('bench', 'ns3');
  const files = readdirSync(src).filter((f) => f.endsWith('.cc') || f === 'build.sh').sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(path.join(src, f)));
  const digest = hash.digest('hex');
  const stamp = path.join(NS3_OUT, '.source-hash');
  const bin = path.join(NS3_OUT, 'docker-like');
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return bin;
  rmSync(NS3_OUT, { recursive: true, force: true });
  mkdirSync(NS3_OUT, { recursive: true });
  for (const f of files) writeFileSync(path.join(NS3_OUT, f), readFileSync(path.join(src, f)), { mode: 0o644 });
  console.log('engine: building the ns-3 baseline in out/bench/ns3 (sh build.sh)');
  execFileSync('sh', ['build.sh'], { cwd: NS3_OUT, stdio: 'inherit' });
  writeFileSync(stamp, digest);
  return bin;
}

function runNs3(bin: string): RunFigures {
  const out = execFileSync(bin, [`--requests=${REQUESTS}`, '--topo=bridge', '--underlay=p2p'], { encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`ns-3 docker-like printed no RESULT line:\n${out}`);
  const kv = new Map(line.slice(7).trim().split(/\s+/).map((p) => p.split('=') as [string, string]));
  const num = (k: string): number => {
    const v = Number(kv.get(k));
    if (!Number.isFinite(v)) throw new Error(`ns-3 RESULT has no ${k}: ${line}`);
    return v;
  };
  return {
    frameHopsPerS: num('frame_hops_per_s'),
    frameHopsPerCpuS: num('frame_hops_per_cpu_s'),
    eventsPerS: num('events_per_s'),
    eventsPerHop: num('events_per_hop'),
    datagramsPerS: num('datagrams_per_s'),
    maxRssKb: num('maxrss_kb'),
    frameHops: num('frame_hops'),
    events: num('events'),
    datagrams: num('datagrams'),
    runS: num('run_s'),
  };
}

// --------------------------------------------------------------------------------------------------- Flotilla

function worker(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'engine-worker.ts'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`engine-worker ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Record<string, number>;
}

function runFlotilla(variant: 'routed' | 'overlay'): RunFigures {
  const w = worker([variant, String(REQUESTS)]);
  const runS = w.runS!;
  return {
    frameHopsPerS: w.frameHops! / runS,
    frameHopsPerCpuS: w.frameHops! / w.runCpuS!,
    eventsPerS: w.events! / runS,
    eventsPerHop: w.events! / w.frameHops!,
    datagramsPerS: w.datagrams! / runS,
    maxRssKb: w.maxRssKb!,
    frameHops: w.frameHops!,
    events: w.events!,
    datagrams: w.datagrams!,
    runS,
  };
}

/** undefined when the overlay variant can run; else why not. */
function overlayMissing(): string | undefined {
  if (!existsSync(path.join(ROOT, 'src-main/net/vxlan.ts'))) return 'not built yet (net/vxlan.ts missing)';
  if (!OVERLAY_WIRED) return 'net/vxlan.ts exists, but bench/docker-like.ts does not build the VXLAN underlay yet';
  return undefined;
}

/** A file in net/ that glues the TCP layer (net/tcp) to a namespace, if one exists. */
function tcpGlue(): string | undefined {
  for (const dir of ['src-main/net', 'src-main/net/sockets']) {
    const abs = path.join(ROOT, dir);
    for (const f of readdirSync(abs)) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      const text = readFileSync(path.join(abs, f), 'utf8');
      if (/from '\.\.?\/tcp\/(stack|socket)\.ts'/.test(text)) return `${dir}/${f}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------- figures

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function k(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function summary(runs: RunFigures[], pick: (r: RunFigures) => number, fmt: (n: number) => string = k): string {
  const xs = runs.map(pick);
  return `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

function report(out: Record<string, string>, label: string, runs: RunFigures[]): void {
  out[`${label}: frame-hops/s`] = summary(runs, (r) => r.frameHopsPerS);
  out[`${label}: frame-hops/CPU-s`] = summary(runs, (r) => r.frameHopsPerCpuS);
  out[`${label}: events/s`] = summary(runs, (r) => r.eventsPerS);
  out[`${label}: events per frame-hop`] = summary(runs, (r) => r.eventsPerHop, (n) => n.toFixed(2));
  out[`${label}: UDP datagrams/s`] = summary(runs, (r) => r.datagramsPerS);
  out[`${label}: peak memory (maxRSS)`] = summary(runs, (r) => r.maxRssKb / 1024, (n) => `${n.toFixed(0)} MB`);
  out[`${label}: frame-hops, events, datagrams`] = `${k(runs[0]!.frameHops)}, ${k(runs[0]!.events)}, ${k(runs[0]!.datagrams)}`;
  out[`${label}: run wall time`] = summary(runs, (r) => r.runS, (n) => `${n.toFixed(2)} s`);
}

export const benches: Bench[] = [
  {
    name: 'engine: ping flood across the overlay',
    run() {
      const why = overlayMissing();
      if (why !== undefined) return { overlay: why };
      return pingFloodOverlay();
    },
  },
  {
    name: 'engine: short TCP flows across a bridge',
    run() {
      const glue = tcpGlue();
      if (glue === undefined) return { tcp: 'not glued yet (no file in net/ exports a namespace TCP API over net/tcp)' };
      return shortTcpFlows(glue);
    },
  },
  // Last, so that `npm run bench -- engine` ends with the ratio line.
  {
    name: 'engine',
    run() {
      const out: Record<string, string> = {};
      let ns3Bin: string | undefined;
      if (process.env.FLOTILLA_BENCH_NO_NS3 === '1') {
        out['ns-3'] = 'skipped (FLOTILLA_BENCH_NO_NS3=1)';
      } else {
        const why = ensureNs3();
        if (why !== undefined) out['ns-3'] = `skipped: ${why}`;
        else ns3Bin = buildNs3();
      }
      const whyNoOverlay = overlayMissing();
      const overlay = whyNoOverlay === undefined;
      const ns3: RunFigures[] = [];
      const routed: RunFigures[] = [];
      const over: RunFigures[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        if (ns3Bin !== undefined) ns3.push(runNs3(ns3Bin));
        routed.push(runFlotilla('routed'));
        if (overlay) over.push(runFlotilla('overlay'));
      }
      out['workload'] = `3 hosts × 10 containers, ${k(REQUESTS)} UDP echo requests (18-byte payloads), medians (min–max) of ${ROUNDS} interleaved runs, each in its own process`;
      if (ns3.length > 0) report(out, 'ns-3 (docker-like, bridge, p2p)', ns3);
      report(out, 'Flotilla routed', routed);
      out['Flotilla: idle Node+tsx process maxRSS'] = `${(worker(['idle']).maxRssKb! / 1024).toFixed(0)} MB (included in the peak above)`;
      if (overlay) report(out, 'Flotilla overlay (VXLAN)', over);
      else out['overlay'] = whyNoOverlay;
      if (ns3.length > 0) {
        const ratio = median(routed.map((r) => r.frameHopsPerS)) / median(ns3.map((r) => r.frameHopsPerS));
        const cpuRatio = median(routed.map((r) => r.frameHopsPerCpuS)) / median(ns3.map((r) => r.frameHopsPerCpuS));
        out['ratio per CPU-second (routed)'] = cpuRatio.toFixed(2);
        if (overlay) {
          out['ratio overlay/ns-3 frame-hops per second'] = (median(over.map((r) => r.frameHopsPerS)) / median(ns3.map((r) => r.frameHopsPerS))).toFixed(2);
        }
        // The harness prints "  KEY VALUE"; the colon in the key makes the last line read
        // "ratio engine/ns-3 frame-hops per second: X".
        out['ratio engine/ns-3 frame-hops per second:'] = ratio.toFixed(2);
      }
      return out;
    },
  },
];

// ------------------------------------------------------------------------------------ ping flood, TCP flows

const PING_FLOOD_COUNT = 50_000;

/**
 * ping -c N -i 20µs from a container on host 0 to one on host 1 across the VXLAN overlay of the engine workload
 * (iputils' -f sends on each reply or every 10 ms; a fixed 20 µs interval, a little above the 14 µs round trip,
 * keeps about one request in flight the same way).
 */
function pingFloodOverlay(): Record<string, string> {
  const lab = new NetLab({ seed: 1 });
  const { containerNs, containerIp } = buildDockerLike(lab, 3, 10, 'overlay');
  lab.run(10 * MILLISECOND);
  const hops0 = frameHops(lab);
  const ev0 = lab.scheduler.executed;
  let result: PingResult | undefined;
  const t0 = performance.now();
  ping(containerNs[0]![0]!, containerIp[1]![0]!, { count: PING_FLOOD_COUNT, interval: 20 * MICROSECOND, timeout: SECOND }, (r) => (result = r));
  while (result === undefined && lab.scheduler.step()) {
    /* until ping exits */
  }
  const wall = (performance.now() - t0) / 1000;
  const r = result!;
  const hops = frameHops(lab) - hops0;
  const rtts = r.replies.map((x) => x.rtt).sort((a, b) => a - b);
  return {
    'echo requests / replies': `${k(r.transmitted)} / ${k(r.received)}`,
    'echo round trips/s': k(r.received / wall),
    'frame-hops/s': k(hops / wall),
    'events/s': k((lab.scheduler.executed - ev0) / wall),
    'virtual round-trip time (median)': `${((rtts[rtts.length >> 1] ?? 0) / 1000).toFixed(1)} µs`,
    'wall time': `${wall.toFixed(2)} s`,
  };
}

const TCP_FLOWS = 10_000;
const TCP_CONCURRENT = 20;
const TCP_REQUEST = new Uint8Array(100).fill(0x41);
const TCP_RESPONSE = new Uint8Array(1000).fill(0x42);

/**
 * Many short TCP flows across one bridge: a docker0 with 10 containers, servers on port 8080 in c0..c4, clients in
 * c5..c9; each flow connects, sends 100 bytes, gets 1000 bytes and the server's FIN, and closes (the client keeps
 * TIME_WAIT). TCP_CONCURRENT flows run at once; each one that ends starts the next.
 */
function shortTcpFlows(glue: string): Record<string, string> {
  const lab = new NetLab({ seed: 1 });
  const h = lab.namespace('h');
  const br = h.addBridge('docker0', { addresses: ['172.17.0.1/16'] });
  const cs = Array.from({ length: 10 }, (_, i) => {
    const c = lab.namespace(`c${i}`);
    lab.vethPair(c, 'eth0', h, `veth${i}`, { master: br });
    c.addAddress('eth0', `172.17.0.${i + 2}/16`);
    c.addRoute('default', { via: '172.17.0.1' });
    return c;
  });
  for (const c of cs.slice(0, 5)) {
    const l = c.tcp.listen(8080, { backlog: 128 });
    l.onConnection = (sock) => {
      sock.onData = () => {
        sock.write(TCP_RESPONSE);
        sock.end();
      };
      sock.onEnd = () => sock.close();
    };
  }
  let started = 0;
  let done = 0;
  let failed = 0;
  const startFlow = (): void => {
    if (started >= TCP_FLOWS) return;
    const i = started++;
    const client = cs[5 + (i % 5)]!;
    const server = `172.17.0.${2 + ((i / 5) | 0) % 5}`;
    const sock = client.tcp.connect(server, 8080);
    let got = 0;
    let finished = false;
    const finish = (ok: boolean): void => {
      if (finished) return;
      finished = true;
      if (ok) done++;
      else failed++;
      startFlow();
    };
    sock.onConnect = () => sock.write(TCP_REQUEST);
    sock.onData = (d) => (got += d.length);
    sock.onEnd = () => {
      sock.close();
      finish(got === TCP_RESPONSE.length);
    };
    sock.onError = () => finish(false);
  };
  lab.run(10 * MILLISECOND);
  const hops0 = frameHops(lab);
  const ev0 = lab.scheduler.executed;
  const v0 = lab.now;
  const t0 = performance.now();
  lab.at(lab.now, () => {
    for (let i = 0; i < TCP_CONCURRENT; i++) startFlow();
  });
  while (done + failed < TCP_FLOWS && lab.scheduler.step()) {
    /* until every flow has ended */
  }
  const wall = (performance.now() - t0) / 1000;
  const hops = frameHops(lab) - hops0;
  return {
    'TCP glue': glue,
    'flows completed / failed': `${k(done)} / ${k(failed)} (${TCP_CONCURRENT} at a time, 100 B up, 1000 B down)`,
    'flows/s': k(done / wall),
    'frame-hops/s': k(hops / wall),
    'frame-hops per flow': (hops / Math.max(1, done)).toFixed(1),
    'events/s': k((lab.scheduler.executed - ev0) / wall),
    'virtual time': `${((lab.now - v0) / 1e6).toFixed(1)} ms`,
    'wall time': `${wall.toFixed(2)} s`,
  };
}
