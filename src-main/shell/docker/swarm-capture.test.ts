// Captures of multi-host traffic are tshark-clean: the underlay of a three-node swarm while a published service is
// created (control traffic on 2377), requests go through the routing mesh from the workstation (DNAT into the
// ingress sandbox, VXLAN on VNI 4096 to the task's node) and gossip runs on 7946 (probes every second, push-pull
// every 30 s); and the underlay of the key-value-store overlay (consul's HTTP API on 8500, VXLAN on VNI 256).
// Every frame passes tshark's checksum validation with no expert errors.
import assert from 'node:assert/strict';
import test from 'node:test';
import { expertErrors, fieldRows, hasErrors, writeTemp } from '../../../test/tshark.ts';
import { SECOND } from '../../sim/time.ts';
import type { DockerLab } from '../lab-host.ts';
import { newDockerLab, ok } from '../testing/docker-lab.ts';

function newLab(): DockerLab {
  return newDockerLab(11);
}

test('swarm underlay: service create, routing-mesh requests and gossip are tshark-clean', async () => {
  const lab = newLab();
  for (const n of ['sw1', 'sw2', 'sw3']) await ok(lab, '', `docker-machine create ${n}`);
  const caps = ['sw1', 'sw2', 'sw3'].map((n) => lab.world.lab.capture(lab.world.node(n)!.machine.ns.device('eth0')));
  await ok(lab, 'sw1', 'docker swarm init --advertise-addr 192.168.99.100');
  const token = (await ok(lab, 'sw1', 'docker swarm join-token -q worker')).trim();
  for (const n of ['sw2', 'sw3']) await ok(lab, n, `docker swarm join --token ${token} 192.168.99.100:2377`);
  await ok(lab, 'sw1', 'docker service create --name web --replicas 2 -p 8080:80 traefik/whoami');
  await lab.advance(2 * SECOND);
  for (let i = 0; i < 6; i++) for (const ip of ['192.168.99.100', '192.168.99.101', '192.168.99.102']) await ok(lab, '', `curl -s http://${ip}:8080/ -o /dev/null`);
  await lab.advance(35 * SECOND); // probes and a push-pull round
  for (const c of caps) c.stop();
  for (const [i, c] of caps.entries()) {
    const file = writeTemp(`swarm-sw${i + 1}.pcap`, c.toPcap());
    const report = expertErrors(file);
    assert.ok(!hasErrors(report), `sw${i + 1}: ${report}`);
    const rows = fieldRows(file, ['tcp.dstport', 'udp.dstport', 'vxlan.vni'] as const);
    assert.ok(rows.some((r) => r['tcp.dstport'] === '2377'), `sw${i + 1}: control traffic on 2377`);
    assert.ok(rows.some((r) => r['udp.dstport'] === '7946' || r['udp.dstport'].startsWith('7946/')), `sw${i + 1}: gossip on 7946`);
    assert.ok(rows.some((r) => r['tcp.dstport'] === '7946'), `sw${i + 1}: push-pull on 7946/tcp`);
    assert.ok(rows.some((r) => r['vxlan.vni'] === '4096'), `sw${i + 1}: ingress VXLAN`);
  }
});

test('key-value-store overlay underlay: consul HTTP and VXLAN on VNI 256 are tshark-clean', async () => {
  const lab = newLab();
  for (const n of ['ks', 'kv1', 'kv2']) await ok(lab, '', `flotilla node add ${n} --engine 20.10.24`);
  await ok(lab, 'ks', 'docker run -d -p 8500:8500 --name consul progrium/consul -server -bootstrap');
  const caps = ['ks', 'kv1', 'kv2'].map((n) => lab.world.lab.capture(lab.world.node(n)!.machine.ns.device('eth0')));
  for (const n of ['kv1', 'kv2']) {
    await ok(lab, n, `echo '{"cluster-store": "consul://192.168.99.100:8500", "cluster-advertise": "eth0:2376"}' > /etc/docker/daemon.json`);
    await ok(lab, n, 'systemctl restart docker');
  }
  await ok(lab, 'kv1', 'docker network create -d overlay app');
  await lab.advance(2 * SECOND);
  await ok(lab, 'kv2', 'docker run -d --name srv --network app traefik/whoami');
  await lab.advance(2 * SECOND);
  assert.match(await ok(lab, 'kv1', 'docker run --rm --network app alpine wget -q -O - http://srv/'), /Hostname: /);
  for (const c of caps) c.stop();
  for (const [i, c] of caps.entries()) {
    const file = writeTemp(`kv-${i}.pcap`, c.toPcap());
    const report = expertErrors(file);
    assert.ok(!hasErrors(report), report);
    const rows = fieldRows(file, ['tcp.dstport', 'vxlan.vni', 'http.request.method'] as const, ['-d', 'tcp.port==8500,http']);
    assert.ok(rows.some((r) => r['http.request.method'] === 'PUT' || r['http.request.method'] === 'GET'), 'HTTP to consul');
    if (i > 0) assert.ok(rows.some((r) => r['vxlan.vni'] === '256'), 'VXLAN on VNI 256');
  }
});
