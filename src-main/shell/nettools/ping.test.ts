import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dns from '../../common/wire/dns.ts';
import { toolLab } from './testing.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function lab() {
  const t = toolLab(settle);
  const es = t.container('es', '172.18.0.2', 'gnu');
  const probe = t.container('probe', '172.18.0.3', 'busybox');
  const deb = t.container('deb', '172.18.0.4', 'gnu');
  return { t, es, probe, deb };
}

test('busybox ping -c 3 es: the transcript text, seq from 0, A and AAAA asked of 127.0.0.11', async () => {
  const { t, probe } = lab();
  const r = await t.run(t.shell(probe), 'ping -c 3 es');
  assert.equal(r.exit, 0, r.all);
  const lines = r.out.split('\n');
  assert.equal(lines[0], 'PING es (172.18.0.2): 56 data bytes');
  for (let i = 0; i < 3; i++) assert.match(lines[1 + i]!, new RegExp(`^64 bytes from 172\\.18\\.0\\.2: seq=${i} ttl=64 time=\\d+\\.\\d{3} ms$`));
  assert.deepEqual(lines.slice(4, 7), ['', '--- es ping statistics ---', '3 packets transmitted, 3 packets received, 0% packet loss']);
  assert.match(lines[7]!, /^round-trip min\/avg\/max = [\d.]+\/[\d.]+\/[\d.]+ ms$/);
  assert.equal(r.err, '');
  const q = t.dnsLog.filter((x) => x.machine === 'probe');
  assert.deepEqual(q.map((x) => [x.name, x.type, x.flags]), [['es', dns.TYPE_A, 0x0100], ['es', dns.TYPE_AAAA, 0x0100]]);
  assert.equal(q[0]!.fromPort, q[1]!.fromPort, 'musl: one socket for both');
});

test('busybox ping: bad address, 100% loss with -W, -q', async () => {
  const { t, probe } = lab();
  const sh = t.shell(probe);
  const bad = await t.run(sh, 'ping -c 1 nosuch');
  assert.deepEqual([bad.exit, bad.out, bad.err], [1, '', "ping: bad address 'nosuch'\n"]);
  const lost = await t.run(sh, 'ping -c 1 -W 1 172.18.0.99');
  assert.equal(lost.exit, 1);
  assert.equal(lost.out, 'PING 172.18.0.99 (172.18.0.99): 56 data bytes\n\n--- 172.18.0.99 ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n');
  const quiet = await t.run(sh, 'ping -q -c 2 172.18.0.2');
  assert.match(quiet.out, /^PING 172\.18\.0\.2 \(172\.18\.0\.2\): 56 data bytes\n\n--- 172\.18\.0\.2 ping statistics ---\n2 packets transmitted, 2 packets received, 0% packet loss\nround-trip min\/avg\/max = /);
});

test('iputils ping by name: reverse names per reply, statistics, mdev; unknown names exit 2', async () => {
  const { t, deb } = lab();
  const sh = t.shell(deb);
  const start = t.lab.now;
  const r = await t.run(sh, 'ping -c 2 es');
  assert.equal(r.exit, 0, r.all);
  const lines = r.out.split('\n');
  assert.equal(lines[0], 'PING es (172.18.0.2) 56(84) bytes of data.');
  assert.match(lines[1]!, /^64 bytes from es\.dev \(172\.18\.0\.2\): icmp_seq=1 ttl=64 time=\d\.\d{3} ms$/);
  assert.match(lines[2]!, /^64 bytes from es\.dev \(172\.18\.0\.2\): icmp_seq=2 ttl=64 time=\d\.\d{3} ms$/);
  assert.equal(lines[3], '');
  assert.equal(lines[4], '--- es ping statistics ---');
  assert.match(lines[5]!, /^2 packets transmitted, 2 received, 0% packet loss, time 100\dms$/);
  assert.match(lines[6]!, /^rtt min\/avg\/max\/mdev = \d\.\d{3}\/\d\.\d{3}\/\d\.\d{3}\/\d\.\d{3} ms$/);
  assert.ok(t.lab.now - start >= 1e9);
  const q = t.dnsLog.filter((x) => x.machine === 'deb');
  assert.deepEqual(q.map((x) => x.type), [dns.TYPE_A, dns.TYPE_PTR], 'glibc: A only (no IPv6), then one PTR');
  const bad = await t.run(sh, 'ping -c 1 nosuch');
  assert.deepEqual([bad.exit, bad.err], [2, 'ping: nosuch: Name or service not known\n']);
  const num = await t.run(sh, 'ping -c 1 172.18.0.2');
  assert.match(num.out, /^PING 172\.18\.0\.2 \(172\.18\.0\.2\) 56\(84\) bytes of data\.\n64 bytes from 172\.18\.0\.2: icmp_seq=1 ttl=64 time=/);
});

test('iputils ping -M do past the MTU: local error, +1 errors, nothing sent', async () => {
  const { t, deb } = lab();
  const cap = t.lab.capture(deb.ns.device('eth0'));
  const r = await t.run(t.shell(deb), 'ping -M do -s 1473 -c 1 172.18.0.2');
  assert.equal(r.exit, 1);
  assert.equal(r.out, 'PING 172.18.0.2 (172.18.0.2) 1473(1501) bytes of data.\n\n--- 172.18.0.2 ping statistics ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms\n\n');
  assert.equal(r.err, 'ping: local error: message too long, mtu=1500\n');
  assert.equal(cap.frames.filter((f) => f.data[23] === 1).length, 0);
  const ok = await t.run(t.shell(deb), 'ping -M do -s 1472 -c 1 -q 172.18.0.2');
  assert.equal(ok.exit, 0);
});

test('iputils ping to a silent address: Destination Host Unreachable after ARP fails, pipe', async () => {
  const { t, deb } = lab();
  const r = await t.run(t.shell(deb), 'ping -c 2 172.18.0.99');
  assert.equal(r.exit, 1);
  assert.match(r.out, /From 172\.18\.0\.4 icmp_seq=1 Destination Host Unreachable\n/);
  assert.match(r.out, /2 packets transmitted, 0 received, \+2 errors, 100% packet loss, time \d+ms\n/);
});
