// A made-up running lab state for the canvas's bench, screenshots and tests: `nodes` nodes in one swarm (the first
// three managers, node1 leading; one worker drained and one down when there are enough), each with a user bridge and
// the default one, the ingress network and a `backend` overlay (on every other node of a big lab), `perNode` containers (some on
// both bridges, some with a published port) of which a few are tasks of the services `web` (global over the overlay,
// publishing 80) and `api` (replicated). `tick` advances the frame counters: two states a tick apart show traffic.
import type { LabRuntimeState, RuntimeContainer, RuntimeEndpoint, RuntimeNetwork, RuntimeNode, RuntimeService, RuntimeTask } from '../src-main/common/api/types.ts';

const IMAGES = ['nginx', 'redis', 'elasticsearch:2', 'alpine', 'httpd'];
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
const SECOND = 1e9;

export function syntheticLab(nodes: number, perNode: number, tick = 0): LabRuntimeState {
  const out: RuntimeNode[] = [];
  const ingress: RuntimeNetwork = { id: hex(0xa1, 64), name: 'ingress', driver: 'overlay', scope: 'swarm', subnet: '10.255.0.0/16', gateway: '10.255.0.1', bridge: null, internal: false, vni: 4096, ingress: true };
  const backend: RuntimeNetwork = { id: hex(0xa2, 64), name: 'backend', driver: 'overlay', scope: 'swarm', subnet: '10.0.1.0/24', gateway: '10.0.1.1', bridge: null, internal: false, vni: 4097, ingress: false };
  const web: RuntimeTask[] = [];
  const api: RuntimeTask[] = [];
  let overlayHost = 2;
  for (let i = 0; i < nodes; i++) {
    const bridge: RuntimeNetwork = { id: hex(i * 2 + 1, 64), name: 'bridge', driver: 'bridge', scope: 'local', subnet: '172.17.0.0/16', gateway: '172.17.0.1', bridge: 'docker0', internal: false, vni: null, ingress: false };
    const app: RuntimeNetwork = { id: hex(i * 2 + 2, 64), name: `app${i + 1}`, driver: 'bridge', scope: 'local', subnet: `10.${(i % 250) + 1}.0.0/24`, gateway: `10.${(i % 250) + 1}.0.1`, bridge: `br-${hex(i * 2 + 2, 12)}`, internal: false, vni: null, ingress: false };
    const onBackend = nodes <= 4 || i % 2 === 0;
    const containers: RuntimeContainer[] = [];
    // Traffic: a few busy containers per node, more on the overlay.
    const frames = (busy: number) => Math.round(tick * busy * 10);
    for (let j = 0; j < perNode; j++) {
      const id = hex(i * 1000 + j + 1, 64);
      const task = j === 1 ? 'web' : onBackend && j === 2 ? 'api' : null;
      let networks: RuntimeEndpoint[];
      let name = `c${i + 1}-${j + 1}`;
      if (task) {
        const ip = `10.0.1.${overlayHost++}`;
        networks = [{ networkId: backend.id, network: 'backend', iface: 'eth0', ip: `${ip}/24`, mac: `02:42:0a:00:01:${hex(overlayHost, 2)}`, aliases: [], frames: frames(task === 'web' ? 6 : 3) }];
        if (task === 'web') networks.unshift({ networkId: ingress.id, network: 'ingress', iface: 'eth0', ip: `10.255.0.${i + 5}/16`, mac: `02:42:0a:ff:00:${hex(i + 5, 2)}`, aliases: [], frames: frames(2) });
        networks.forEach((e, k) => (e.iface = `eth${k}`));
        const list = task === 'web' ? web : api;
        const slot = task === 'web' ? 0 : list.length + 1;
        name = `${task}.${slot === 0 ? `node${i + 1}` : slot}.${hex(i * 7919 + j, 12)}`;
        list.push({ id: hex(0xbeef00 + i * 10 + j, 25), slot, node: `node${i + 1}`, containerId: id, state: 'running' });
      } else {
        networks = [{ networkId: app.id, network: app.name, iface: 'eth0', ip: `10.${(i % 250) + 1}.0.${j + 2}/24`, mac: `02:42:0a:00:00:${hex(j + 2, 2)}`, aliases: [], frames: frames(j % 5 === 0 ? 4 : 0) }];
        if (j % 4 === 0) networks.push({ networkId: bridge.id, network: 'bridge', iface: 'eth1', ip: `172.17.0.${j + 2}/16`, mac: `02:42:ac:11:00:${hex(j + 2, 2)}`, aliases: [], frames: 0 });
      }
      containers.push({
        id,
        name,
        image: task === 'web' ? 'nginx' : task === 'api' ? 'whoami' : (IMAGES[j % IMAGES.length] as string),
        state: !task && j % 9 === 8 ? 'exited' : 'running',
        exitCode: 0,
        networkMode: task ? 'backend' : app.name,
        networks,
        ports: !task && j % 7 === 0 ? [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8000 + j }] : [],
      });
    }
    const manager = i < 3;
    const down = nodes > 6 && i === nodes - 1;
    const drained = nodes > 6 && i === nodes - 2;
    const networks = [bridge, app, ingress, ...(onBackend && perNode > 2 ? [backend] : [])];
    out.push({
      name: `node${i + 1}`,
      address: `192.168.99.${100 + i}`,
      lan: 'ul',
      engine: '1.12.0',
      swarmRole: manager ? 'manager' : 'worker',
      swarm: { id: hex(0x5000 + i, 25), role: manager ? 'manager' : 'worker', leader: i === 0, state: down ? 'down' : 'ready', availability: drained ? 'drain' : 'active' },
      daemon: 'running',
      frames: Math.round(tick * (onBackend ? 80 : 20)),
      networks,
      containers,
    });
  }
  const all: RuntimeService[] = [
    { id: hex(0xc1, 25), name: 'web', image: 'nginx', mode: 'global', desired: web.length, running: web.length, ports: [{ protocol: 'tcp', target: 80, published: 80, mode: 'ingress' }], vips: [{ network: 'ingress', addr: '10.255.0.2/16' }, { network: 'backend', addr: '10.0.1.254/24' }], tasks: web },
    { id: hex(0xc2, 25), name: 'api', image: 'whoami', mode: 'replicated', desired: api.length + 1, running: api.length, ports: [], vips: [{ network: 'backend', addr: '10.0.1.253/24' }], tasks: api },
  ];
  const services = all.filter((s) => s.tasks.length > 0);
  return {
    labId: '0'.repeat(32),
    clock: { time: tick * SECOND, running: false, speed: 1 },
    lans: [{ name: 'ul', cidr: '192.168.99.0/24' }],
    workstation: { name: 'workstation', interfaces: [{ lan: 'ul', iface: 'vboxnet0', ip: '192.168.99.1' }] },
    nodes: out,
    services,
  };
}
