import assert from 'node:assert/strict';
import test from 'node:test';
import { formatIpv4 } from '../common/wire/ipv4-address.ts';
import { netfilterOf } from '../net/netfilter-glue.ts';
import { ping, type PingResult } from '../net/sockets/ping.ts';
import { s } from '../sim/time.ts';
import type { Bridge } from '../net/bridge.ts';
import type { ContainerProgram, ImageDefinition } from './daemon/contracts.ts';
import { StaticImageCatalog, BASE_IMAGES } from './daemon/images.ts';
import { DockerError } from './errors.ts';
import { DockerWorld } from './world.ts';

/** A web server image: answers "hello from <hostname>" on 80. */
const web: ImageDefinition = {
  name: 'testweb',
  userland: 'busybox',
  cmd: ['httpd'],
  exposedPorts: ['80/tcp'],
  program: (): ContainerProgram => {
    let close = (): void => undefined;
    return {
      start(ctx) {
        const l = ctx.machine.ns.tcp.listen(80);
        l.onConnection = (sock) => {
          sock.onData = () => {
            sock.write(new TextEncoder().encode(`hello from ${ctx.machine.hostname()}\n`));
            sock.end();
          };
        };
        close = () => l.close();
      },
      stop: () => close(),
    };
  },
};

function world(version?: string): { w: DockerWorld; node: ReturnType<DockerWorld['addNode']> } {
  const w = new DockerWorld({ seed: 7, images: new StaticImageCatalog([...BASE_IMAGES, web]) });
  const node = w.addNode('node1', version ? { engine: version } : {});
  return { w, node };
}

async function run(w: DockerWorld, d: ReturnType<DockerWorld['addNode']>['daemon'], cfg: Parameters<typeof d.createContainer>[0]) {
  const c = d.createContainer(cfg);
  await d.startContainer(c.id);
  return c;
}

test('nodes get DHCP addresses from .100 on the host-only LAN; the workstation is .1', () => {
  const w = new DockerWorld({ seed: 1 });
  const a = w.addNode('n1');
  const b = w.addNode('n2');
  assert.equal(a.ipText, '192.168.99.100');
  assert.equal(b.ipText, '192.168.99.101');
  assert.deepEqual(w.workstation.ns.addresses.filter((x) => !x.dev.isLoopback).map((x) => formatIpv4(x.address)), ['192.168.99.1']);
  const c = w.addNode('n3', { ip: '192.168.1.10/24' });
  assert.equal(c.ipText, '192.168.1.10');
  assert.deepEqual(
    w.workstation.ns.addresses.filter((x) => !x.dev.isLoopback).map((x) => `${x.dev.name} ${formatIpv4(x.address)}`),
    ['vboxnet0 192.168.99.1', 'vboxnet1 192.168.1.1'],
  );
  assert.throws(() => w.addNode('n1'), /Host already exists/);
});

test('containers on a user-defined bridge: addresses, routes, bridge ports, /etc files', async () => {
  const { w, node } = world();
  const d = node.daemon;
  const nw = d.createNetwork({ name: 'dev' });
  assert.equal(nw.ipv4[0]!.pool.subnet.bits, 16);
  const c1 = await run(w, d, { name: 'ca', image: 'alpine', networkMode: 'dev' });
  const c2 = await run(w, d, { name: 'cb', image: 'alpine', networkMode: 'dev' });
  const addr = (c: typeof c1): string[] => c.machine.ns.addresses.filter((x) => !x.dev.isLoopback).map((x) => `${x.dev.name} ${formatIpv4(x.address)}/${x.prefixLength}`);
  assert.deepEqual(addr(c1), ['eth0 172.18.0.2/16']);
  assert.deepEqual(addr(c2), ['eth0 172.18.0.3/16']);
  assert.ok(c1.machine.ns.formatRoutes().some((r) => r.startsWith('default via 172.18.0.1 dev eth0')), c1.machine.ns.formatRoutes().join('\n'));
  const br = node.machine.ns.device(`br-${nw.id.slice(0, 12)}`) as Bridge;
  assert.equal(br.ports.length, 2);
  assert.ok(br.ports.every((p) => /^veth[0-9a-f]{7}$/.test(p.dev.name)));
  assert.match(c1.machine.fs.readFile('/etc/resolv.conf'), /^nameserver 127\.0\.0\.11$/m);
  assert.match(c1.machine.fs.readFile('/etc/hosts'), new RegExp(`^172\\.18\\.0\\.2\\t${c1.id.slice(0, 12)}$`, 'm'));
  // the embedded DNS redirection in the container's namespace
  const nat = netfilterOf(c1.machine.ns)!.iptables('-t nat -S DOCKER_OUTPUT').stdout;
  assert.match(nat, /-A DOCKER_OUTPUT -d 127\.0\.0\.11\/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127\.0\.0\.11:\d+/);
  // names as the embedded DNS sees them
  assert.deepEqual(d.resolveName(c1, 'cb', 4), ['172.18.0.3']);
  assert.deepEqual(d.resolveName(c1, 'cb.dev', 4), ['172.18.0.3']);
  assert.equal(d.resolveName(c1, 'nothere', 4), undefined);
  assert.equal(d.resolveAddress(c1, '172.18.0.3'), 'cb.dev');
  // stop releases the address; the next container gets the lowest free one
  await d.stopContainer('ca', 0);
  const c3 = await run(w, d, { name: 'cc', image: 'alpine', networkMode: 'dev' });
  assert.deepEqual(addr(c3), ['eth0 172.18.0.2/16']);
});

test('the default bridge: legacy resolv.conf, no embedded DNS; iptables rules as Docker programs them', async () => {
  const { w, node } = world();
  const d = node.daemon;
  const c = await run(w, d, { name: 'cx', image: 'alpine', publish: [{ hostIp: '', hostPort: 8080, containerPort: 80, proto: 'tcp' }] });
  assert.doesNotMatch(c.machine.fs.readFile('/etc/resolv.conf'), /127\.0\.0\.11/);
  assert.match(c.machine.fs.readFile('/etc/resolv.conf'), /^nameserver 192\.168\.99\.1$/m);
  const fw = netfilterOf(node.machine.ns)!;
  const filter = fw.iptables('-S').stdout;
  for (const rule of [
    '-P FORWARD DROP',
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-FORWARD',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A DOCKER ! -i docker0 -o docker0 -j DROP',
    '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
  ]) {
    assert.ok(filter.split('\n').includes(rule), `missing ${rule}\n${filter}`);
  }
  const nat = fw.iptables('-t nat -S').stdout.split('\n');
  for (const rule of [
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    '-A DOCKER -i docker0 -j RETURN',
    '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
  ]) {
    assert.ok(nat.includes(rule), `missing ${rule}\n${nat.join('\n')}`);
  }
  assert.deepEqual(fw.iptables('-t raw -S PREROUTING').stdout.split('\n').filter((x) => x.includes('172.17.0.2')), ['-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP']);
  
  assert.deepEqual(d.firewall.errors, []);
});

test('legacy layout for an older engine', () => {
  const { node } = world('20.10.24');
  node.daemon.createNetwork({ name: 'dev' });
  const filter = netfilterOf(node.machine.ns)!.iptables('-S FORWARD').stdout;
  assert.match(filter, /-A FORWARD -j DOCKER-ISOLATION-STAGE-1/);
  assert.match(filter, /-A FORWARD -o docker0 -j DOCKER/);
  assert.deepEqual(node.daemon.firewall.errors, []);
});

test('a ping between two containers on a user-defined bridge: ARP then ICMP on the bridge', async () => {
  const { w, node } = world();
  const d = node.daemon;
  const nw = d.createNetwork({ name: 'dev' });
  const c1 = await run(w, d, { name: 'ca', image: 'alpine', networkMode: 'dev' });
  await run(w, d, { name: 'cb', image: 'alpine', networkMode: 'dev' });
  const br = d.bridgeOf(nw)!;
  const cap = w.lab.capture(br);
  let result: PingResult | undefined;
  ping(c1.machine.ns, '172.18.0.3', { count: 2 }, (r) => (result = r));
  w.lab.run(w.lab.now + s(5));
  assert.equal(result?.received, 2);
  const kinds = cap.frames.map((f) => (f.data[12] === 0x08 && f.data[13] === 0x06 ? 'arp' : f.data[23] === 1 ? 'icmp' : 'other'));
  assert.equal(kinds[0], 'arp');
  assert.ok(kinds.filter((k) => k === 'icmp').length >= 4, kinds.join(','));
});

test('isolation: a container on one bridge cannot reach one on another', async () => {
  const { w, node } = world();
  const d = node.daemon;
  d.createNetwork({ name: 'n1' });
  d.createNetwork({ name: 'n2' });
  const a = await run(w, d, { name: 'ca', image: 'alpine', networkMode: 'n1' });
  const b = await run(w, d, { name: 'cb', image: 'alpine', networkMode: 'n2' });
  const bip = formatIpv4(b.attachments[0]!.endpoint.ipv4!.address);
  let result: PingResult | undefined;
  ping(a.machine.ns, bip, { count: 1, timeout: s(1) }, (r) => (result = r));
  w.lab.run(w.lab.now + s(3));
  assert.equal(result?.received, 0);
  // the gateway of its own network answers
  ping(a.machine.ns, '172.18.0.1', { count: 1, timeout: s(1) }, (r) => (result = r));
  w.lab.run(w.lab.now + s(3));
  assert.equal(result?.received, 1);
});

test('a published port is reachable from the workstation through DNAT, and from the node via docker-proxy', async () => {
  const { w, node } = world();
  const d = node.daemon;
  const c = await run(w, d, { name: 'web', image: 'testweb', publishAll: true });
  const hostPort = c.ports[0]!.hostPort;
  assert.equal(hostPort, 32768);
  assert.deepEqual(
    c.ports.map((p) => `${p.hostIp}:${p.hostPort}`),
    ['0.0.0.0:32768', ':::32768'],
  );
  const eth0 = node.machine.ns.device('eth0');
  const capUl = w.lab.capture(eth0);
  const capBr = w.lab.capture(node.machine.ns.device('docker0'));
  const get = (ns: typeof w.workstation.ns, dst: string): string => {
    let text = '';
    const sock = ns.tcp.connect(dst, hostPort);
    sock.onConnect = () => sock.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    sock.onData = (b) => (text += new TextDecoder().decode(b));
    sock.onEnd = () => sock.end();
    w.lab.run(w.lab.now + s(2));
    return text;
  };
  assert.equal(get(w.workstation.ns, '192.168.99.100'), `hello from ${c.id.slice(0, 12)}\n`);
  const dports = (cap: typeof capUl): number[] => cap.frames.filter((f) => f.data[23] === 6).map((f) => (f.data[36]! << 8) | f.data[37]!);
  assert.ok(dports(capUl).includes(hostPort), 'the underlay shows the host port');
  assert.ok(dports(capBr).includes(80), 'docker0 shows the DNATed container port');
  assert.equal(get(node.machine.ns, '127.0.0.1'), `hello from ${c.id.slice(0, 12)}\n`);
});

test('connect and disconnect while running; errors with Docker messages', async () => {
  const { w, node } = world();
  const d = node.daemon;
  d.createNetwork({ name: 'dev' });
  d.createNetwork({ name: 'pubnet', ipam: { config: [{ subnet: '10.66.0.0/16' }] } });
  const probe = await run(w, d, { name: 'probe', image: 'alpine' });
  d.connect('dev', 'probe');
  assert.deepEqual(probe.machine.ns.addresses.filter((x) => !x.dev.isLoopback).map((x) => `${x.dev.name} ${formatIpv4(x.address)}`), ['eth0 172.17.0.2', 'eth1 172.18.0.2']);
  assert.ok(probe.machine.ns.formatRoutes().some((r) => r.startsWith('default via 172.17.0.1')));
  assert.throws(() => d.connect('dev', 'probe'), (e: unknown) => e instanceof DockerError && e.message === 'endpoint with name probe already exists in network dev');
  assert.throws(
    () => d.removeNetwork('dev'),
    (e: unknown) => e instanceof DockerError && /^error while removing network: network dev has active endpoints \(name:"probe" id:"[0-9a-f]{12}"\)$/.test(e.message),
  );
  d.disconnect('dev', 'probe');
  assert.equal(probe.machine.ns.hasDevice('eth1'), false);
  assert.throws(
    () => d.createContainer({ image: 'alpine', networkMode: 'pubnet', networks: new Map([['pubnet', { aliases: [], ipv4: '10.67.0.5' }]]) }),
    (e: unknown) => e instanceof DockerError && e.message === 'invalid config for network pubnet: invalid endpoint settings:\nno configured subnet or ip-range contain the IP address 10.67.0.5',
  );
  assert.throws(
    () => d.createContainer({ image: 'alpine', networks: new Map([['bridge', { aliases: [], ipv4: '172.17.0.9' }]]) }),
    (e: unknown) => e instanceof DockerError && /user specified IP address is supported on user defined networks only/.test(e.message),
  );
  const fixed = await run(w, d, { name: 'fixed', image: 'alpine', networkMode: 'pubnet', networks: new Map([['pubnet', { aliases: [], ipv4: '10.66.66.66' }]]) });
  assert.equal(formatIpv4(fixed.attachments[0]!.endpoint.ipv4!.address), '10.66.66.66');
  assert.throws(() => d.createContainer({ name: 'probe', image: 'alpine' }), /Conflict\. The container name "\/probe" is already in use/);
  assert.throws(() => d.removeContainer('probe'), /cannot remove container "\/probe": container is running/);
});
