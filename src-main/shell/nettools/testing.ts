// A small lab for the network tools' tests: a bridge "br0" (172.18.0.1/16) in a node namespace, containers on it
// with their own file systems and an imitation of Docker's embedded DNS (a UDP server on 127.0.0.11:53 in each
// container that answers the lab's names, PTRs as "<name>.dev", NXDOMAIN otherwise), machines over them and
// shells on a SchedulerClock, so commands and packets share virtual time.

import * as dns from '../../common/wire/dns.ts';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { Vfs } from '../../common/vfs.ts';
import type { Machine, MachineKind, Userland } from '../../docker/machine.ts';
import { reverseName } from '../../net/apps/resolver.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import { NetLab } from '../../net/scenario.ts';
import { Random } from '../../sim/random.ts';
import { standardCommands } from '../commands.ts';
import { Shell, type Chunk } from '../interpreter.ts';
import { SchedulerClock } from '../scheduler-clock.ts';
import { netTools } from './index.ts';

export interface DnsQueryLog {
  readonly machine: string;
  readonly id: number;
  readonly flags: number;
  readonly name: string;
  readonly type: number;
  readonly at: number;
  readonly fromPort: number;
  readonly edns: boolean;
}

export interface ToolLab {
  readonly lab: NetLab;
  readonly node: Machine;
  readonly names: Map<string, string>;
  readonly dnsLog: DnsQueryLog[];
  container(name: string, ip: string, userland: Userland): Machine;
  shell(m: Machine): Shell;
  run(sh: Shell, cmd: string): Promise<{ exit: number; out: string; err: string; all: string; chunks: Chunk[] }>;
}

/** 2026-11-22 11:00:00 UTC as the wall-clock instant of virtual time 0. */
export const EPOCH_NS = Date.UTC(2026, 10, 22, 11, 0, 0) * 1e6;

function machine(kind: MachineKind, id: string, ns: NetNamespace, userland: Userland, files: Record<string, string>, seed: number): Machine {
  const fs = Vfs.with(['/etc', '/tmp', '/root'], files);
  const random = new Random(seed).fork(id);
  return { kind, id, ns, fs, userland, random, hostname: () => id.split('/').pop()! };
}

export function toolLab(settle: () => Promise<void>, seed = 1): ToolLab {
  const lab = new NetLab({ seed, epochNs: EPOCH_NS });
  const hostNs = lab.namespace('node1');
  const br = hostNs.addBridge('br0', { mac: '02:42:9c:00:00:01', addresses: ['172.18.0.1/16'] });
  hostNs.sysctl.ipForward = true;
  const hostEth = lab.namespace('underlay');
  lab.vethPair(hostNs, 'eth0', hostEth, 'vbox0', { macA: '08:00:27:aa:bb:01' });
  hostNs.addAddress('eth0', '192.168.99.100/24');
  const node = machine('node', 'node1', hostNs, 'gnu', { '/etc/hosts': '127.0.0.1\tlocalhost\n', '/etc/resolv.conf': 'nameserver 10.0.2.3\n' }, seed);
  const names = new Map<string, string>();
  const dnsLog: DnsQueryLog[] = [];
  let peer = 0;
  const clock = new SchedulerClock(lab.scheduler, settle);
  const t: ToolLab = {
    lab,
    node,
    names,
    dnsLog,
    container(name, ip, userland) {
      const ns = lab.namespace(name);
      const last = ip.split('.').map(Number);
      const mac = `02:42:${last.map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
      lab.vethPair(ns, 'eth0', hostNs, `veth${++peer}`, { macA: mac, master: br });
      ns.addAddress('eth0', `${ip}/16`);
      ns.addRoute('default', { via: '172.18.0.1' });
      names.set(name, ip);
      const m = machine('container', `node1/${name}`, ns, userland, { '/etc/hosts': `127.0.0.1\tlocalhost\n${ip}\t${name}\n`, '/etc/resolv.conf': 'nameserver 127.0.0.11\noptions ndots:0\n' }, seed);
      const sock = ns.udp.open();
      sock.bind(parseIpv4('127.0.0.11'), 53);
      sock.onMessage = (msg) => {
        const q = dns.parse(msg.data);
        const question = q.questions[0]!;
        dnsLog.push({ machine: name, id: q.id, flags: q.flags, name: question.name, type: question.type, at: lab.now, fromPort: msg.fromPort, edns: q.additionals.length > 0 });
        const key = question.name.toLowerCase();
        const answers: dns.DnsRecord[] = [];
        let rcode = dns.RCODE_NOERROR;
        const known = names.get(key);
        const byPtr = [...names.entries()].find(([, a]) => reverseName(parseIpv4(a)) === key);
        if (question.type === dns.TYPE_A && known !== undefined) answers.push({ name: question.name, type: dns.TYPE_A, class: 1, ttl: 600, data: { kind: 'a', address: parseIpv4(known) } });
        else if (question.type === dns.TYPE_PTR && byPtr !== undefined) answers.push({ name: question.name, type: dns.TYPE_PTR, class: 1, ttl: 600, data: { kind: 'name', name: `${byPtr[0]}.dev` } });
        else if (known === undefined) rcode = dns.RCODE_NXDOMAIN;
        const reply = dns.encode({ id: q.id, flags: dns.FLAG_QR | (q.flags & dns.FLAG_RD) | dns.FLAG_RA | rcode, questions: q.questions, answers, authorities: [], additionals: [] });
        sock.sendto(reply, msg.from, msg.fromPort);
      };
      return m;
    },
    shell(m) {
      return new Shell({ clock, fs: m.fs, commands: standardCommands(netTools(m)), dialect: m.userland === 'busybox' ? 'ash' : 'bash', hostname: m.hostname(), env: { HOME: '/root' }, cwd: '/root' });
    },
    async run(sh, cmd) {
      const r = await clock.complete(sh.run(cmd));
      const pick = (s: Chunk['stream']): string => r.output.filter((c) => c.stream === s).map((c) => c.text).join('');
      return { exit: r.exit, out: pick('stdout'), err: pick('stderr'), all: r.output.map((c) => c.text).join(''), chunks: r.output };
    },
  };
  return t;
}

