// A made-up running lab state for the canvas's bench and screenshots: `nodes` nodes, each with a user bridge and
// the default one, `perNode` containers on them (some on both, some with a published port).
import type { LabRuntimeState, RuntimeContainer, RuntimeNetwork, RuntimeNode } from '../src-main/common/api/types.ts';

const IMAGES = ['nginx', 'redis', 'elasticsearch:2', 'alpine', 'httpd'];
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);

export function syntheticLab(nodes: number, perNode: number): LabRuntimeState {
  const out: RuntimeNode[] = [];
  for (let i = 0; i < nodes; i++) {
    const bridge: RuntimeNetwork = { id: hex(i * 2 + 1, 64), name: 'bridge', driver: 'bridge', scope: 'local', subnet: '172.17.0.0/16', gateway: '172.17.0.1', bridge: 'docker0', internal: false };
    const app: RuntimeNetwork = { id: hex(i * 2 + 2, 64), name: `app${i + 1}`, driver: 'bridge', scope: 'local', subnet: `10.${i % 250}.0.0/24`, gateway: `10.${i % 250}.0.1`, bridge: `br-${hex(i * 2 + 2, 12)}`, internal: false };
    const containers: RuntimeContainer[] = [];
    for (let j = 0; j < perNode; j++) {
      const onBoth = j % 4 === 0;
      const networks = [{ networkId: app.id, network: app.name, iface: 'eth0', ip: `10.${i % 250}.0.${j + 2}/24`, mac: `02:42:0a:00:00:${hex(j + 2, 2)}`, aliases: [] }];
      if (onBoth) networks.push({ networkId: bridge.id, network: 'bridge', iface: 'eth1', ip: `172.17.0.${j + 2}/16`, mac: `02:42:ac:11:00:${hex(j + 2, 2)}`, aliases: [] });
      containers.push({
        id: hex(i * 1000 + j + 1, 64),
        name: `c${i + 1}-${j + 1}`,
        image: IMAGES[j % IMAGES.length] as string,
        state: j % 9 === 8 ? 'exited' : 'running',
        exitCode: 0,
        networkMode: app.name,
        networks,
        ports: j % 7 === 0 ? [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8000 + j }] : [],
      });
    }
    out.push({ name: `node${i + 1}`, address: `192.168.99.${100 + i}`, lan: 'ul', engine: '1.12.0', swarmRole: null, daemon: 'running', networks: [bridge, app], containers });
  }
  return {
    labId: '0'.repeat(32),
    clock: { time: 0, running: false, speed: 1 },
    lans: [{ name: 'ul', cidr: '192.168.99.0/24' }],
    workstation: { name: 'workstation', interfaces: [{ lan: 'ul', iface: 'vboxnet0', ip: '192.168.99.1' }] },
    nodes: out,
  };
}
