// Swarm mode end to end on a three-node lab: the control plane on the underlay, overlay networks over VXLAN,
// service VIPs, the routing mesh, a node failure and an encrypted overlay — checked on the packets.
import assert from 'node:assert/strict';
import test from 'node:test';
import { swarmOf } from '../../docker/swarm/node.ts';
import type { CapturedFrame } from '../../net/capture.ts';
import { SECOND } from '../../sim/time.ts';
import type { DockerLab } from '../lab-host.ts';
import { newDockerLab, ok } from '../testing/docker-lab.ts';

/** Three nodes (sw1 leader, sw2 and sw3 workers). */
async function swarmLab(): Promise<DockerLab> {
  const lab = newDockerLab(7);
  for (const n of ['sw1', 'sw2', 'sw3']) await ok(lab, '', `docker-machine create ${n}`);
  await ok(lab, 'sw1', 'docker swarm init --advertise-addr 192.168.99.100');
  const token = (await ok(lab, 'sw1', 'docker swarm join-token -q worker')).trim();
  for (const n of ['sw2', 'sw3']) await ok(lab, n, `docker swarm join --token ${token} 192.168.99.100:2377`);
  await lab.advance(2 * SECOND);
  return lab;
}

interface Decoded {
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  vni?: number;
  inner?: Decoded;
}

function ip4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

function decode(d: Uint8Array, off = 0): Decoded | undefined {
  if (d.length < off + 34 || d[off + 12] !== 0x08 || d[off + 13] !== 0x00) return undefined;
  const ip = off + 14;
  const ihl = (d[ip]! & 0x0f) * 4;
  const proto = d[ip + 9]!;
  const l4 = ip + ihl;
  const r: Decoded = { proto, src: ip4(d, ip + 12), dst: ip4(d, ip + 16), sport: 0, dport: 0 };
  if (proto === 6 || proto === 17) {
    r.sport = (d[l4]! << 8) | d[l4 + 1]!;
    r.dport = (d[l4 + 2]! << 8) | d[l4 + 3]!;
  }
  if (proto === 17 && r.dport === 4789) {
    r.vni = (d[l4 + 12]! << 16) | (d[l4 + 13]! << 8) | d[l4 + 14]!;
    r.inner = decode(d, l4 + 16);
  }
  return r;
}

const decoded = (frames: readonly CapturedFrame[]): Decoded[] => frames.map((f) => decode(f.data)).filter((x): x is Decoded => x !== undefined);

test('swarm control plane: 2377 sessions and 7946 gossip cross the underlay', async () => {
  const lab = await swarmLab();
  const cap = lab.world.lab.capture(lab.world.node('sw2')!.machine.ns.device('eth0'));
  await lab.advance(12 * SECOND);
  cap.stop();
  const pkts = decoded(cap.frames);
  assert.ok(pkts.some((p) => p.proto === 6 && p.dport === 2377 && p.src === '192.168.99.101' && p.dst === '192.168.99.100'), 'heartbeats to the manager on TCP 2377');
  assert.ok(pkts.some((p) => p.proto === 6 && p.sport === 2377 && p.src === '192.168.99.100'), 'answers from the manager');
  assert.ok(pkts.some((p) => p.proto === 17 && p.dport === 7946 && p.sport === 7946 && p.dst === '192.168.99.102'), 'gossip pings to sw3 on UDP 7946');
  assert.ok(pkts.some((p) => p.proto === 17 && p.dport === 7946 && p.src === '192.168.99.102'), 'gossip from sw3');
  // and the managers see the workers Ready
  const ls = await ok(lab, 'sw1', "docker node ls --format '{{.Hostname}} {{.Status}}'");
  assert.equal(ls, 'sw1 Ready\nsw2 Ready\nsw3 Ready\n');
});

test('overlay: attachable containers on two nodes ping across VXLAN, ARP answered locally, nothing flooded', async () => {
  const lab = await swarmLab();
  await ok(lab, 'sw1', 'docker network create -d overlay --attachable net1');
  await ok(lab, 'sw2', 'docker run -d --name ca --network net1 alpine sleep 1d');
  await ok(lab, 'sw3', 'docker run -d --name cb --network net1 alpine sleep 1d');
  await lab.advance(2 * SECOND);
  const ul2 = lab.world.lab.capture(lab.world.node('sw2')!.machine.ns.device('eth0'));
  const ul3 = lab.world.lab.capture(lab.world.node('sw3')!.machine.ns.device('eth0'));
  const out = await ok(lab, 'sw2', 'docker exec ca ping -c 2 cb');
  assert.match(out, /2 packets transmitted, 2 (packets )?received/);
  ul2.stop();
  ul3.stop();
  const vx = decoded(ul2.frames).filter((p) => p.vni !== undefined);
  assert.ok(vx.length >= 4, 'echo requests and replies in VXLAN');
  assert.ok(vx.every((p) => p.vni === 4097), 'the first user overlay has VNI 4097');
  assert.ok(vx.some((p) => p.src === '192.168.99.101' && p.dst === '192.168.99.102' && p.inner?.proto === 1 && p.inner.src === '10.0.1.2'));
  // no ARP inside VXLAN (the vxlan0 proxy answers), no broadcast to the third node
  assert.ok(vx.every((p) => p.inner !== undefined), 'only IPv4 inside the tunnel: ARP is answered by vxlan0');
  assert.ok(!decoded(ul2.frames).some((p) => p.vni !== undefined && p.dst === '192.168.99.100'), 'nothing tunnelled to a node without the network');
  // the overlay exists only where it is used; the manager knows it
  const nsNames = lab.world.lab.namespaces.map((n) => n.name);
  const id = (await ok(lab, 'sw1', 'docker network inspect -f {{.Id}} net1')).trim();
  assert.ok(nsNames.includes(`sw2/1-${id.slice(0, 10)}`) && nsNames.includes(`sw3/1-${id.slice(0, 10)}`));
  assert.equal(swarmOf(lab.world).of(lab.world.node('sw1')!).overlay.get(id), undefined, 'no sandbox on sw1');
  // eth0 on the overlay (MTU 1450), eth1 on docker_gwbridge
  const addrs = await ok(lab, 'sw2', 'docker exec ca ip -4 -o addr show');
  assert.match(addrs, /eth0.*10\.0\.1\.\d+\/24/);
  assert.match(addrs, /eth1.*172\.18\.0\.\d+\/16/);
  // the worker forgets the network when its last container goes
  await ok(lab, 'sw3', 'docker rm -f cb');
  await lab.advance(SECOND);
  const ls = await ok(lab, 'sw3', "docker network ls --format '{{.Name}}'");
  assert.doesNotMatch(ls, /net1/);
});

test('services: the VIP balances round robin from a client container; tasks.<name> and dnsrr list the tasks', async () => {
  const lab = await swarmLab();
  await ok(lab, 'sw1', 'docker network create -d overlay --attachable app');
  await ok(lab, 'sw1', 'docker service create --name web --replicas 3 --network app traefik/whoami');
  await ok(lab, 'sw1', 'docker service create --name rr --replicas 2 --endpoint-mode dnsrr --network app traefik/whoami');
  await ok(lab, 'sw2', 'docker run -d --name client --network app alpine sleep 1d');
  const vip = await ok(lab, 'sw2', 'docker exec client nslookup web');
  assert.equal((vip.match(/Address: 10\.0\.1\./g) ?? []).length, 1);
  const tasks = await ok(lab, 'sw2', 'docker exec client nslookup tasks.web');
  assert.equal((tasks.match(/Address: 10\.0\.1\./g) ?? []).length, 3);
  const rr = await ok(lab, 'sw2', 'docker exec client nslookup rr');
  assert.equal((rr.match(/Address: 10\.0\.1\./g) ?? []).length, 2);
  const hosts = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const body = await ok(lab, 'sw2', 'docker exec client wget -q -O - http://web/');
    const h = /^Hostname: (\S+)/m.exec(body);
    assert.ok(h, body);
    hosts.add(h[1]!);
  }
  assert.equal(hosts.size, 3, 'round robin over the three tasks');
  const ipvs = await ok(lab, 'sw1', 'docker service inspect -f "{{range .Endpoint.VirtualIPs}}{{.Addr}}{{end}}" web');
  assert.match(ipvs, /^10\.0\.1\.\d+\/24$/m);
});

test('routing mesh: the workstation reaches a published port on a node without a task; VXLAN on both underlays', async () => {
  const lab = await swarmLab();
  await ok(lab, 'sw1', 'docker service create --name one --replicas 1 --constraint node.hostname==sw3 -p 8080:80 traefik/whoami');
  const ps = await ok(lab, 'sw1', "docker service ps one --format '{{.Node}} {{.CurrentState}}'");
  assert.match(ps, /^sw3 Running/);
  const ul2 = lab.world.lab.capture(lab.world.node('sw2')!.machine.ns.device('eth0'));
  const ul3 = lab.world.lab.capture(lab.world.node('sw3')!.machine.ns.device('eth0'));
  const body = await ok(lab, '', 'curl -s http://192.168.99.101:8080/');
  ul2.stop();
  ul3.stop();
  assert.match(body, /^Hostname: /m);
  // the task sees the ingress sandbox of sw2 as its client (SNAT), on its ingress address with port 8080 → 80
  assert.match(body, /^RemoteAddr: 10\.0\.0\.\d+:\d+$/m);
  const p2 = decoded(ul2.frames);
  assert.ok(p2.some((p) => p.proto === 6 && p.dst === '192.168.99.101' && p.dport === 8080), 'the request arrives at sw2');
  const tunnelled = p2.filter((p) => p.vni === 4096);
  assert.ok(tunnelled.some((p) => p.src === '192.168.99.101' && p.dst === '192.168.99.102' && p.inner?.dport === 8080 && p.inner.dst.startsWith('10.0.0.')), 'sw2 tunnels it to sw3 on the ingress VNI');
  assert.ok(decoded(ul3.frames).some((p) => p.vni === 4096 && p.src === '192.168.99.101' && p.inner?.proto === 6), 'sw3 receives the VXLAN frames');
  const nat = await ok(lab, 'sw2', 'iptables -t nat -S DOCKER-INGRESS');
  assert.match(nat, /-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172\.18\.0\.2:8080/);
});

test('node down: missed heartbeats mark it Down after 15 s and its tasks are rescheduled', async () => {
  const lab = await swarmLab();
  await ok(lab, 'sw1', 'docker service create --name svc --replicas 3 traefik/whoami');
  const before = await ok(lab, 'sw1', "docker service ps svc --format '{{.Node}}'");
  assert.deepEqual(before.trim().split('\n').sort(), ['sw1', 'sw2', 'sw3']);
  lab.world.setLink('sw3', false);
  await lab.advance(10 * SECOND);
  assert.match(await ok(lab, 'sw1', "docker node ls --filter name=sw3 --format '{{.Status}}'"), /^Ready/);
  await lab.advance(15 * SECOND);
  assert.match(await ok(lab, 'sw1', "docker node ls --filter name=sw3 --format '{{.Status}}'"), /^Down/);
  await lab.advance(5 * SECOND);
  const after = await ok(lab, 'sw1', "docker service ps svc --filter desired-state=running --format '{{.Node}} {{.CurrentState}}'");
  const lines = after.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.ok(lines.every((l) => /^sw[12] Running/.test(l)), after);
  const all = await ok(lab, 'sw1', "docker service ps svc --format '{{.Name}} {{.Node}} {{.DesiredState}}'");
  assert.match(all, / \\_ svc\.\d sw3 Shutdown/);
  // the cable comes back: the node is Ready again and stops the old task
  lab.world.setLink('sw3', true);
  await lab.advance(40 * SECOND);
  assert.match(await ok(lab, 'sw1', "docker node ls --filter name=sw3 --format '{{.Status}}'"), /^Ready/);
});

test('encrypted overlay: ESP on the underlay, no cleartext VXLAN; MTU 1424', async () => {
  const lab = await swarmLab();
  await ok(lab, 'sw1', 'docker network create -d overlay --attachable --opt encrypted sec');
  await ok(lab, 'sw2', 'docker run -d --name ca --network sec alpine sleep 1d');
  await ok(lab, 'sw3', 'docker run -d --name cb --network sec alpine sleep 1d');
  await lab.advance(2 * SECOND);
  const ul = lab.world.lab.capture(lab.world.node('sw2')!.machine.ns.device('eth0'));
  const out = await ok(lab, 'sw2', 'docker exec ca ping -c 2 cb');
  ul.stop();
  assert.match(out, /2 packets transmitted, 2 (packets )?received/);
  const pkts = decoded(ul.frames);
  assert.ok(pkts.filter((p) => p.proto === 50).length >= 4, 'ESP both ways');
  assert.ok(!pkts.some((p) => p.vni !== undefined), 'no cleartext VXLAN');
  assert.match(await ok(lab, 'sw2', 'docker exec ca ip link show eth0'), /mtu 1424/);
});
