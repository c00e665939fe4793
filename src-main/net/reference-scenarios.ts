// The reference scenarios of ../shared/reference/linux rebuilt with the scenario API, so tests, benches and the
// shell can replay them. Each follows build-lab.sh's timeline.

import { ms, s, us, type Time } from '../sim/time.ts';
import type { Capture } from './capture.ts';
import { NetLab } from './scenario.ts';
import { ping, type PingResult } from './sockets/ping.ts';

export interface Docker0Run {
  readonly lab: NetLab;
  /** tcpdump -i docker0 in h1. */
  readonly cap: Capture;
  readonly pings: PingResult[];
  /** Virtual time of the first captured frame. */
  readonly start: Time;
}

/**
 * Scenario 02 (facts 3.3): namespace h1 with bridge docker0 172.17.0.1/16 (02:42:ac:11:00:01, ip_forward on),
 * containers d1 172.17.0.2 and d2 172.17.0.3 (MACs 02:42:ac:11:00:02/03, default route via .1). docker0 comes up
 * at 0 and the host sends its two IGMPv3 reports (the second at a random point within 1 s); tcpdump starts
 * between them (at 10 ms: the first goes out at <= 8 ms, the second at >= 12 ms), as in the reference; d1 runs
 * `ping -c 3 172.17.0.3` 70.683 ms after the captured report (the reference's offset), then `ping -c 2
 * 172.17.0.1` 4.993 ms after the first exits; the capture runs 10 s.
 */
export function runDocker0(seed: number): Docker0Run {
  const lab = new NetLab({ seed });
  const h1 = lab.namespace('h1');
  h1.sysctl.ipForward = true;
  const docker0 = h1.addBridge('docker0', { mac: '02:42:ac:11:00:01', addresses: ['172.17.0.1/16'] });
  for (const [i, name] of ['d1', 'd2'].entries()) {
    const d = lab.namespace(name);
    lab.vethPair(d, 'eth0', h1, `veth-${name}`, { macA: `02:42:ac:11:00:0${i + 2}`, master: docker0 });
    d.addAddress('eth0', `172.17.0.${i + 2}/16`);
    d.addRoute('default', { via: '172.17.0.1' });
  }
  const d1 = lab.namespace('d1');
  lab.run(ms(10));
  const cap = lab.capture(docker0);
  while (cap.frames.length === 0 && lab.scheduler.step()) {
    /* until the bridge's second IGMP report passes the tap */
  }
  const first = cap.frames[0];
  if (first === undefined) throw new Error('runDocker0: the bridge sent no second IGMP report');
  const start = first.ts;
  const pings: PingResult[] = [];
  lab.at(start + us(70_683), () =>
    ping(d1, '172.17.0.3', { count: 3, timeout: s(1) }, (r) => {
      pings.push(r);
      lab.after(us(4_993), () => ping(d1, '172.17.0.1', { count: 2, timeout: s(1) }, (r2) => pings.push(r2)));
    }),
  );
  lab.run(start + s(10));
  cap.stop();
  return { lab, cap, pings, start };
}
