import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enableNetfilter } from '../../net/netfilter-glue.ts';
import { toolLab } from './testing.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function lab() {
  const t = toolLab(settle);
  const es = t.container('es', '172.18.0.2', 'gnu');
  const probe = t.container('probe', '172.18.0.3', 'busybox');
  return { t, es, probe };
}

test('ip addr in both dialects: iproute2 (group default, link-netnsid) and busybox (M-DOWN, no group); a container\'s lo keeps ::1', async () => {
  const { t, es, probe } = lab();
  const gnu = await t.run(t.shell(es), 'ip addr');
  assert.equal(
    gnu.out,
    [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
      '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
      '    inet 127.0.0.1/8 scope host lo',
      '       valid_lft forever preferred_lft forever',
      '    inet6 ::1/128 scope host noprefixroute ',
      '       valid_lft forever preferred_lft forever',
      '2: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default ',
      '    link/ether 02:42:ac:12:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0',
      '    inet 172.18.0.2/16 brd 172.18.255.255 scope global eth0',
      '       valid_lft forever preferred_lft forever',
      '',
    ].join('\n'),
  );
  const bb = await t.run(t.shell(probe), 'ip addr show dev eth0');
  assert.equal(
    bb.out,
    '2: eth0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP \n    link/ether 02:42:ac:12:00:03 brd ff:ff:ff:ff:ff:ff\n    inet 172.18.0.3/16 brd 172.18.255.255 scope global eth0\n       valid_lft forever preferred_lft forever\n',
  );
  const one = await t.run(t.shell(probe), "ip -4 -o addr show | grep -c 'eth0\\s*inet 172\\.18\\.0\\.3/16'");
  assert.equal(one.out, '1\n');
  assert.equal((await t.run(t.shell(es), 'ip link show eth0')).out.split('\n')[0], '2: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default ');
  const missing = await t.run(t.shell(es), 'ip addr show dev eth9');
  assert.deepEqual([missing.exit, missing.err], [1, 'Device "eth9" does not exist.\n']);
  const bbMissing = await t.run(t.shell(probe), 'ip addr show dev eth9');
  assert.deepEqual([bbMissing.exit, bbMissing.err], [1, "ip: can't find device 'eth9'\n"]);
});

test('ip route, ip neigh, busybox ifconfig and route -n', async () => {
  const { t, es, probe } = lab();
  assert.equal((await t.run(t.shell(es), 'ip route')).out, 'default via 172.18.0.1 dev eth0 \n172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n');
  assert.equal((await t.run(t.shell(probe), 'ip r')).out, 'default via 172.18.0.1 dev eth0 \n172.18.0.0/16 dev eth0 scope link  src 172.18.0.3 \n');
  await t.run(t.shell(es), 'ping -c 1 172.18.0.3');
  assert.equal((await t.run(t.shell(es), 'ip neigh')).out, '172.18.0.3 dev eth0 lladdr 02:42:ac:12:00:03 REACHABLE \n');
  const ifc = await t.run(t.shell(probe), 'ifconfig eth0');
  assert.match(ifc.out, /^eth0 {6}Link encap:Ethernet {2}HWaddr 02:42:AC:12:00:03 {2}\n {10}inet addr:172\.18\.0\.3 {2}Bcast:172\.18\.255\.255 {2}Mask:255\.255\.0\.0\n {10}UP BROADCAST RUNNING MULTICAST {2}MTU:1500 {2}Metric:1\n {10}RX packets:\d+ errors:0 dropped:0 overruns:0 frame:0\n/);
  assert.equal(
    (await t.run(t.shell(probe), 'route -n')).out,
    'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n0.0.0.0         172.18.0.1      0.0.0.0         UG    0      0        0 eth0\n172.18.0.0      0.0.0.0         255.255.0.0     U     0      0        0 eth0\n',
  );
});

test('node tools: brctl show, bridge fdb, sysctl, iptables, ipvsadm, conntrack', async () => {
  const { t } = lab();
  const sh = t.shell(t.node);
  assert.equal((await t.run(sh, 'brctl show')).out, 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\nbr0\t\t8000.02429c000001\tno\t\tveth1\n\t\t\t\t\t\t\tveth2\n');
  await t.run(sh, 'ping -c 1 172.18.0.2');
  const fdb = (await t.run(sh, 'bridge fdb show br br0')).out.split('\n');
  assert.ok(fdb.includes('02:42:ac:12:00:02 dev veth1 master br0 '), fdb.join('\n'));
  assert.ok(fdb.includes('02:42:9c:00:00:01 dev br0 master br0 permanent '));
  assert.equal((await t.run(sh, 'sysctl net.ipv4.ip_forward')).out, 'net.ipv4.ip_forward = 1\n');
  assert.equal((await t.run(sh, 'sysctl -w net.ipv4.ip_forward=0 && sysctl -n net.ipv4.ip_forward')).out, 'net.ipv4.ip_forward = 0\n0\n');
  const nokey = await t.run(sh, 'sysctl net.ipv4.nope');
  assert.deepEqual([nokey.exit, nokey.err], [255, 'sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n']);
  const fw = enableNetfilter(t.node.ns, { ipvs: true });
  fw.iptables('-t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE');
  const nat = await t.run(sh, 'iptables -t nat -S POSTROUTING');
  assert.equal(nat.out, '-P POSTROUTING ACCEPT\n-A POSTROUTING -s 172.18.0.0/16 ! -o br0 -j MASQUERADE\n');
  const ipvs = await t.run(sh, 'ipvsadm -Ln');
  assert.equal(ipvs.exit, 0);
  assert.match(ipvs.out, /^IP Virtual Server version 1\.2\.1/);
  const ct = await t.run(sh, 'conntrack -L');
  assert.equal(ct.exit, 0);
  const notThere = await t.run(sh, 'ifconfig');
  assert.deepEqual([notThere.exit, notThere.err], [127, 'bash: ifconfig: command not found\n']);
});
