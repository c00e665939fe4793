// Scenario 05 of ../shared/reference/linux (facts 3.7) rebuilt on the Docker-mode overlay of reference-overlay.ts,
// with IPVS in c1 as Docker programs a service VIP in a client sandbox (the kernel run had no IPVS and used an
// nftables `numgen inc mod 2` DNAT in c1's OUTPUT nat chain instead; the NAT a client sees is the same):
//   iptables -t mangle -A OUTPUT -d 10.0.1.100/32 -j MARK --set-xmark 0x100/0xffffffff
//   ipvsadm -A -f 256 -s rr;  ipvsadm -a -f 256 -r 10.0.1.6 -m;  ipvsadm -a -f 256 -r 10.0.1.5 -m
//   iptables -t nat -A POSTROUTING -d 10.0.1.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.1.2
// (real servers are kept newest first and rr starts at the head, so 10.0.1.5 — c4 — is chosen first, as numgen
// did). python http.server serves "backend c4 10.0.1.5" in c4 and "backend c5 10.0.1.6" in c5 on 8080; c1 runs
// `curl http://10.0.1.100:8080/` four times, 0.3 s apart, at the reference's instants. In the reference the first
// two servers answered slowly (the client sent the first FIN) and the last two fast (the server did): each
// backend's server is restarted with faster timings between the second and the third request to replay that race.

import { us, s, type Time } from '../sim/time.ts';
import { curl, httpServer, type CurlResult, type HttpServer } from './apps/http.ts';
import type { Capture } from './capture.ts';
import { enableNetfilter, type NamespaceNetfilter } from './netfilter-glue.ts';
import { buildOverlay, flushNeigh, type OverlayLab } from './reference-overlay.ts';

export const VIP = '10.0.1.100';
const enc = new TextEncoder();

export interface VipRun {
  readonly o: OverlayLab;
  /** tcpdump -i eth0 in c1, and -i eth0 in n1 (the underlay). */
  readonly c1eth0: Capture;
  readonly underlay: Capture;
  readonly results: CurlResult[];
  /** c1's netfilter (conntrack, IPVS). */
  readonly fw: NamespaceNetfilter;
  /** The requests each backend served, in order. */
  readonly served: Record<'c4' | 'c5', string[]>;
}

/** Offsets of the four curl runs from the first captured frame (frames 1, 15, 29, 41 of the reference). */
const CURL_AT: readonly Time[] = [us(0), us(319_972), us(643_995), us(961_150)];

/** Programs c1 as Docker programs a client sandbox for a VIP service with fwmark 256 (libnetwork service_linux.go). */
export function programVip(fw: NamespaceNetfilter): void {
  const run = (r: { exitCode: number; stderr: string }, what: string): void => {
    if (r.exitCode !== 0) throw new Error(`${what}: ${r.stderr}`);
  };
  for (const line of ['-t mangle -A OUTPUT -d 10.0.1.100/32 -j MARK --set-xmark 0x100/0xffffffff', '-t nat -A POSTROUTING -d 10.0.1.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.1.2']) {
    run(fw.iptables(line), `iptables ${line}`);
  }
  for (const args of ['-A -f 256 -s rr', '-a -f 256 -r 10.0.1.6 -m -w 1', '-a -f 256 -r 10.0.1.5 -m -w 1']) run(fw.ipvsadm(args), `ipvsadm ${args}`);
}

export function runVipRr(seed: number): VipRun {
  const o = buildOverlay(seed, 'docker');
  const c1 = o.c.c1!;
  const fw = enableNetfilter(c1, { ipvs: true });
  programVip(fw);
  const files = (c: string, ip: string): ReadonlyMap<string, Uint8Array> => new Map([['/', enc.encode(`backend ${c} ${ip}\n`)]]);
  const backends = { c4: { ns: o.c.c4!, ip: '10.0.1.5' }, c5: { ns: o.c.c5!, ip: '10.0.1.6' } };
  const history: { name: 'c4' | 'c5'; srv: HttpServer }[] = [];
  const start = (fast: boolean): void => {
    for (const h of history) h.srv.close();
    for (const [name, b] of Object.entries(backends) as ['c4' | 'c5', (typeof backends)['c4']][]) {
      const srv = httpServer(b.ns, {
        port: 8080,
        address: b.ip,
        files: files(name, b.ip),
        contentType: 'text/html',
        ...(fast ? { thinkTime: us(550), bodyDelay: us(62), closeDelay: us(60) } : {}),
      });
      history.push({ name, srv });
    }
  };
  start(false);
  o.lab.run(s(3));
  flushNeigh(o);
  const c1eth0 = o.lab.capture(c1.device('eth0'));
  const underlay = o.lab.capture(o.node.n1!.device('eth0'));
  const t0 = o.lab.now + s(1);
  const results: CurlResult[] = [];
  CURL_AT.forEach((at, i) => {
    o.lab.at(t0 + at, () => curl(c1, `http://${VIP}:8080/`, i >= 2 ? { closeDelay: us(230) } : {}, (r) => results.push(r)));
  });
  o.lab.at(t0 + us(500_000), () => start(true));
  o.lab.run(t0 + s(1.5));
  c1eth0.stop();
  underlay.stop();
  const served: Record<'c4' | 'c5', string[]> = { c4: [], c5: [] };
  for (const h of history) served[h.name].push(...h.srv.log);
  return { o, c1eth0, underlay, results, fw, served };
}
