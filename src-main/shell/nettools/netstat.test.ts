import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketProcess } from '../../net/sockets/owner.ts';
import { SECOND } from '../../sim/time.ts';
import { toolLab } from './testing.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function lab() {
  const t = toolLab(settle);
  const web = t.container('web', '172.18.0.2', 'busybox');
  const client = t.container('client', '172.18.0.3', 'busybox');
  return { t, web, client };
}

const HEADER_P = 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ';

test('netstat -tlnp: header, column widths, LISTEN with 0.0.0.0:*, PID/argv[0] of this PID namespace, "-" for others', async () => {
  const { t, web } = lab();
  const master = new SocketProcess(web, 1, 'nginx', 'nginx: master process nginx -g daemon off;');
  web.ns.tcp.listen(80, { backlog: 511, owner: master });
  web.ns.tcp.listen6(80, { owner: master });
  // A listener held by a process of another PID namespace (the host's docker-proxy, say): not in this /proc.
  web.ns.tcp.listen(8080, { owner: new SocketProcess(t.node, 1234, 'docker-proxy', '/usr/bin/docker-proxy') });
  web.ns.tcp.listen(9000, { address: '127.0.0.1' });
  const r = await t.run(t.shell(web), 'netstat -tlnp');
  assert.equal(r.exit, 0, r.all);
  assert.equal(
    r.out,
    [
      'Active Internet connections (only servers)',
      HEADER_P,
      // busybox keeps 19 characters of "PID/" + the base name of cmdline's first string (nginx's title).
      'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      1/nginx: master pro',
      'tcp        0      0 0.0.0.0:8080            0.0.0.0:*               LISTEN      -',
      'tcp        0      0 127.0.0.1:9000          0.0.0.0:*               LISTEN      -',
      'tcp        0      0 :::80                   :::*                    LISTEN      1/nginx: master pro',
      '',
    ].join('\n'),
  );
  // Without -p: no program column, the State header keeps its padding.
  const plain = await t.run(t.shell(web), 'netstat -tln');
  assert.equal(plain.out.split('\n')[1], 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       ');
  assert.equal(plain.out.split('\n')[2], 'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      ');
});

test('netstat: connected by default, -l servers, -a both; UDP states; the Unix table\'s header when no table is chosen', async () => {
  const { t, web, client } = lab();
  const srv = new SocketProcess(web, 1, 'httpd', '/usr/sbin/httpd');
  const l = web.ns.tcp.listen(80, { owner: srv });
  l.onConnection = () => undefined;
  client.ns.tcp.connect('172.18.0.2', 80);
  t.lab.run(t.lab.now + SECOND);
  const sh = t.shell(web);
  const conn = await t.run(sh, 'netstat -tnp');
  assert.match(conn.out, /^Active Internet connections \(w\/o servers\)\n/);
  // The accepted connection is httpd's (it accepted it), named by the base name of argv[0].
  assert.match(conn.out.split('\n')[2]!, /^tcp {8}0 {6}0 172\.18\.0\.2:80 {11}172\.18\.0\.3:\d{5} {8}ESTABLISHED 1\/httpd$/);
  assert.equal(conn.out.split('\n').length, 4);
  const all = await t.run(sh, 'netstat -an');
  const lines = all.out.split('\n');
  assert.equal(lines[0], 'Active Internet connections (servers and established)');
  assert.equal(lines[2], 'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN      ');
  assert.match(lines[3]!, /^tcp {8}0 {6}0 172\.18\.0\.2:80 +172\.18\.0\.3:\d+ +ESTABLISHED $/);
  // The lab's embedded DNS imitation: an unconnected UDP socket, state "".
  assert.equal(lines[4], 'udp        0      0 127.0.0.11:53           0.0.0.0:*                           ');
  assert.deepEqual(lines.slice(5), ['Active UNIX domain sockets (servers and established)', 'Proto RefCnt Flags       Type       State         I-Node Path', '']);
  const servers = await t.run(sh, 'netstat -ul');
  assert.equal(servers.out, 'Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       \nudp        0      0 127.0.0.11:domain       0.0.0.0:*                           \n');
});

test('netstat names: ports from /etc/services, addresses through /etc/hosts and PTR queries for every address unless -n', async () => {
  const { t, web, client } = lab();
  web.ns.tcp.listen(80).onConnection = () => undefined;
  client.ns.tcp.connect('172.18.0.2', 80);
  t.lab.run(t.lab.now + SECOND);
  const before = t.dnsLog.length;
  const r = await t.run(t.shell(web), 'netstat -t');
  assert.equal(r.exit, 0, r.all);
  // 172.18.0.2 is "web" in web's /etc/hosts; 172.18.0.3 has a PTR in the lab's DNS; port 80 is "http".
  assert.match(r.out.split('\n')[2]!, /^tcp {8}0 {6}0 web:http {16}client\.dev:\d{5} {8}ESTABLISHED $/);
  assert.deepEqual(t.dnsLog.slice(before).map((q) => q.name), ['3.0.18.172.in-addr.arpa']);
  const lst = await t.run(t.shell(web), 'netstat -tl');
  // 0.0.0.0 is asked for too (NXDOMAIN: printed as is), once per address on the line.
  assert.equal(lst.out.split('\n')[2], 'tcp        0      0 0.0.0.0:http            0.0.0.0:*               LISTEN      ');
  assert.deepEqual(t.dnsLog.slice(before + 1).map((q) => q.name), ['0.0.0.0.in-addr.arpa', '0.0.0.0.in-addr.arpa']);
  // -n asks nothing.
  const n = t.dnsLog.length;
  await t.run(t.shell(web), 'netstat -tln');
  assert.equal(t.dnsLog.length, n);
  // A file of the machine's own replaces the list.
  web.fs.writeFile('/etc/services', 'www\t\t80/tcp\n');
  assert.match((await t.run(t.shell(web), 'netstat -tl')).out, /0\.0\.0\.0:www /);
});

test('netstat queues and states: a listener\'s accept queue, unread bytes, SYN_SENT\'s SYN, TIME_WAIT with no program', async () => {
  const { t, web, client } = lab();
  const l = web.ns.tcp.listen(80, { backlog: 4 });
  const c = client.ns.tcp.connect('172.18.0.2', 80, { owner: new SocketProcess(client, 12, 'wget', 'wget') });
  t.lab.run(t.lab.now + SECOND);
  const sh = t.shell(web);
  assert.match((await t.run(sh, 'netstat -ltn')).out.split('\n')[2]!, /^tcp {8}1 {6}0 0\.0\.0\.0:80 /);
  const s = l.accept()!;
  c.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
  t.lab.run(t.lab.now + SECOND);
  assert.match((await t.run(sh, 'netstat -tn')).out.split('\n')[2]!, /^tcp {7}18 {6}0 172\.18\.0\.2:80 /);
  s.read();
  s.close();
  t.lab.run(t.lab.now + SECOND);
  c.close();
  t.lab.run(t.lab.now + SECOND);
  assert.match((await t.run(sh, 'netstat -tnp')).out.split('\n')[2]!, /^tcp {8}0 {6}0 172\.18\.0\.2:80 +172\.18\.0\.3:\d+ +TIME_WAIT {3}-$/);
  // A SYN nobody answers: SYN_SENT with the SYN counted in Send-Q, the owner's PID/name.
  const csh = t.shell(client);
  client.ns.tcp.connect('172.18.0.9', 81, { owner: new SocketProcess(client, 13, 'nc', '/usr/bin/nc') });
  t.lab.run(t.lab.now + 100_000_000);
  assert.match((await t.run(csh, 'netstat -tnp')).out, /\ntcp {8}0 {6}1 172\.18\.0\.3:\d+ +172\.18\.0\.9:81 +SYN_SENT {4}13\/nc\n/);
});

test('netstat options: -W widens the address columns, -r the routing table, unknown options the usage', async () => {
  const { t, web } = lab();
  web.ns.tcp.listen(80);
  const sh = t.shell(web);
  const wide = await t.run(sh, 'netstat -tlnW');
  assert.equal(wide.out.split('\n')[1], `Proto Recv-Q Send-Q ${'Local Address'.padEnd(51)} ${'Foreign Address'.padEnd(51)} State       `);
  assert.equal(wide.out.split('\n')[2], `tcp        0      0 ${'0.0.0.0:80'.padEnd(51)} ${'0.0.0.0:*'.padEnd(51)} LISTEN      `);
  assert.equal(
    (await t.run(sh, 'netstat -rn')).out,
    'Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n0.0.0.0         172.18.0.1      0.0.0.0         UG        0 0          0 eth0\n172.18.0.0      0.0.0.0         255.255.0.0     U         0 0          0 eth0\n',
  );
  assert.match((await t.run(sh, 'netstat -r')).out, /\ndefault {9}172\.18\.0\.1 {6}0\.0\.0\.0 {9}UG {8}0 0 {10}0 eth0\n172\.18\.0\.0 {6}\* {15}255\.255\.0\.0/);
  assert.match((await t.run(sh, 'netstat -rne')).out, /Flags Metric Ref {4}Use Iface\n/);
  const bad = await t.run(sh, 'netstat -tlz');
  assert.equal(bad.exit, 1);
  assert.match(bad.err, /^netstat: unrecognized option: z\nBusyBox v1\.36\.1 \(2023-07-27 17:12:24 UTC\) multi-call binary\.\n\nUsage: netstat \[-ral\] \[-tuwx\] \[-enWp\]\n/);
  assert.equal(bad.out, '');
});
