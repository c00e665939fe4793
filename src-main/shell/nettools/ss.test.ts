import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketProcess } from '../../net/sockets/owner.ts';
import { SECOND } from '../../sim/time.ts';
import { renderColumns } from './ss.ts';
import { toolLab } from './testing.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function lab() {
  const t = toolLab(settle);
  const web = t.container('web', '172.18.0.2', 'gnu');
  const client = t.container('client', '172.18.0.3', 'gnu');
  return { t, web, client };
}

test('ss -tlnp: the compact columns of a non-terminal stdout, nginx master and worker in users:(...), the backlog as Send-Q', async () => {
  const { t, web } = lab();
  const master = new SocketProcess(web, 1, 'nginx', 'nginx: master process nginx -g daemon off;', [0, 1, 2, 3, 4, 5]);
  const l = web.ns.tcp.listen(80, { backlog: 511, owner: master });
  const worker = new SocketProcess(web, 29, 'nginx', 'nginx: worker process', [0, 1, 2, 3, 4, 5]);
  l.holders.inherit(master, worker);
  web.ns.tcp.listen6(80, { backlog: 511, owner: master }).holders.inherit(master, worker);
  const r = await t.run(t.shell(web), 'ss -tlnp');
  assert.equal(r.exit, 0, r.all);
  assert.equal(
    r.out,
    [
      // The Process column is as wide as the first line's users:(...) (51): the header is padded to it.
      `State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess${' '.repeat(44)}`,
      'LISTEN 0      511          0.0.0.0:80        0.0.0.0:*    users:(("nginx",pid=29,fd=6),("nginx",pid=1,fd=6))',
      'LISTEN 0      511             [::]:80           [::]:*    users:(("nginx",pid=29,fd=7),("nginx",pid=1,fd=7))',
      '',
    ].join('\n'),
  );
  // Without -p the Process column keeps its header only; -H drops the header.
  const plain = await t.run(t.shell(web), 'ss -tln');
  assert.equal(plain.out.split('\n')[1], `LISTEN 0      511          0.0.0.0:80        0.0.0.0:*${' '.repeat(10)}`);
  const nohead = await t.run(t.shell(web), 'ss -Htln');
  // The columns are measured over what is printed: without the header they are narrower.
  assert.equal(nohead.out, 'LISTEN 0      511    0.0.0.0:80 0.0.0.0:*\nLISTEN 0      511       [::]:80    [::]:*\n');
});

test('ss: default states leave out listeners and TIME-WAIT; -a shows them; UDP first with a Netid column for -tu', async () => {
  const { t, web, client } = lab();
  const srv = new SocketProcess(web, 1, 'python', 'python');
  const l = web.ns.tcp.listen(5000, { owner: srv });
  const conns: unknown[] = [];
  l.onConnection = (s) => void conns.push(s);
  const app = new SocketProcess(client, 7, 'curl', 'curl');
  const c = client.ns.tcp.connect('172.18.0.2', 5000, { owner: app });
  t.lab.run(t.lab.now + SECOND);
  assert.equal(conns.length, 1);
  const sh = t.shell(web);
  const est = await t.run(sh, 'ss -tn');
  assert.equal(est.out.split('\n').length, 3, est.out);
  // A five-digit peer port widens its Port column past the header's: "Port " before "Process".
  assert.match(est.out, /^State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nESTAB 0 {6}0 {9}172\.18\.0\.2:5000 {3}172\.18\.0\.3:\d{5} {7}\n$/);
  // The accepted connection belongs to the process that accepted it, at its lowest free descriptor (3 holds the listener).
  const p = await t.run(sh, 'ss -tnp');
  assert.match(p.out.split('\n')[1]!, /^ESTAB 0 {6}0 {9}172\.18\.0\.2:5000 {3}172\.18\.0\.3:\d{5} users:\(\("python",pid=1,fd=4\)\)$/);
  // The client's curl is PID 7 of the client's namespace, not of this one: ss here shows only the server's.
  const cp = await t.run(t.shell(client), 'ss -tnp');
  assert.match(cp.out.split('\n')[1]!, /users:\(\("curl",pid=7,fd=3\)\)$/);
  const all = await t.run(sh, 'ss -tuan');
  const lines = all.out.split('\n');
  assert.match(lines[0]!, /^Netid State {2}Recv-Q Send-Q +Local Address:Port +Peer Address:Port Process/);
  assert.match(lines[1]!, /^udp {3}UNCONN 0 {6}0 {9}127\.0\.0\.11:53 {8}0\.0\.0\.0:\*/);
  assert.match(lines[2]!, /^tcp {3}LISTEN 0 {6}4096 {9}0\.0\.0\.0:5000 {6}0\.0\.0\.0:\*/);
  assert.match(lines[3]!, /^tcp {3}ESTAB {2}0 {6}0 +172\.18\.0\.2:5000 +172\.18\.0\.3:\d+/);
  // Closing first leaves the server's side in TIME-WAIT: listed with -a only, with no process.
  (conns[0] as { close(): void }).close();
  t.lab.run(t.lab.now + SECOND);
  c.close();
  t.lab.run(t.lab.now + SECOND);
  assert.equal((await t.run(sh, 'ss -tn')).out.split('\n').length, 2);
  const tw = await t.run(sh, 'ss -tanp');
  assert.match(tw.out, /\nTIME-WAIT 0 {6}0 {9}172\.18\.0\.2:5000 {3}172\.18\.0\.3:\d{5} *\n$/);
  assert.match(tw.out, /\nLISTEN {4}0 {6}4096 {9}0\.0\.0\.0:5000 {6}0\.0\.0\.0:\* {5}users:\(\("python",pid=1,fd=3\)\)\n/);
});

test('ss: a listener\'s accept queue as Recv-Q, unread bytes as Recv-Q, unacknowledged bytes as Send-Q; state filters', async () => {
  const { t, web, client } = lab();
  const l = web.ns.tcp.listen(7000, { backlog: 8 });
  const c = client.ns.tcp.connect('172.18.0.2', 7000);
  t.lab.run(t.lab.now + SECOND);
  const sh = t.shell(web);
  assert.match((await t.run(sh, 'ss -ltn')).out.split('\n')[1]!, /^LISTEN 1 {6}8 /);
  const s = l.accept()!;
  c.write(new TextEncoder().encode('hello'));
  t.lab.run(t.lab.now + SECOND);
  assert.match((await t.run(sh, 'ss -ltn')).out.split('\n')[1]!, /^LISTEN 0 {6}8 /);
  const est = await t.run(sh, 'ss -tn state established');
  assert.match(est.out, /^Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n5 {6}0 {9}172\.18\.0\.2:7000 {3}172\.18\.0\.3:\d{5} {7}\n$/);
  assert.equal(s.read().length, 5);
  // The peer is gone: written bytes stay unacknowledged.
  client.ns.device('eth0').down();
  s.write(new TextEncoder().encode('abc'));
  t.lab.run(t.lab.now + 100_000_000);
  assert.match((await t.run(sh, 'ss -tn')).out.split('\n')[1]!, /^ESTAB 0 {6}3 /);
  assert.equal((await t.run(sh, 'ss -t state listening')).out.split('\n')[0], 'Recv-Q Send-Q Local Address:Port Peer Address:PortProcess');
  const bad = await t.run(sh, 'ss -t state nosuch');
  assert.deepEqual([bad.exit, bad.err], [255, 'ss: wrong state name: nosuch\n']);
});

test('ss names: services from /etc/services without -n (not in the ephemeral range), hosts with -r; a debian image has no /etc/services', async () => {
  const { t, web, client } = lab();
  web.ns.tcp.listen(80);
  web.ns.tcp.listen(8080);
  web.ns.tcp.listen(40000);
  const sh = t.shell(web);
  // A gnu container is a Debian slim image: no netbase, numbers everywhere.
  assert.match((await t.run(sh, 'ss -tl')).out, /0\.0\.0\.0:80 /);
  web.fs.writeFile('/etc/services', 'http\t\t80/tcp\t\twww\nhttp-alt\t8080/tcp\twebcache\nmine\t\t40000/tcp\n');
  const named = await t.run(sh, 'ss -tl');
  assert.deepEqual(named.out.split('\n').slice(1, 4).map((l) => l.trim().split(/\s+/)[3]), ['0.0.0.0:http', '0.0.0.0:http-alt', '0.0.0.0:40000']);
  // The node (any machine but a Debian-based container) ships netbase's list.
  t.node.ns.tcp.listen(2375);
  assert.match((await t.run(t.shell(t.node), 'ss -tl')).out, /0\.0\.0\.0:docker /);
  // -r: one PTR per address (es.dev style names from the lab's DNS), /etc/hosts first.
  client.ns.tcp.connect('172.18.0.2', 80);
  t.lab.run(t.lab.now + SECOND);
  const before = t.dnsLog.length;
  const r = await t.run(sh, 'ss -tr');
  assert.match(r.out, /\nESTAB 0 +0 +web:http +client\.dev:\d+/);
  assert.deepEqual(t.dnsLog.slice(before).map((q) => q.name), ['3.0.18.172.in-addr.arpa']);
});

test('ss options: tables and families choose the columns, unknown options print the usage, -V the version', async () => {
  const { t, web } = lab();
  const sh = t.shell(web);
  // iproute2 6.1 pads the last line's empty Process field too (later versions stopped).
  assert.equal((await t.run(sh, 'ss -ul')).out, `State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nUNCONN 0      0         127.0.0.11:53        0.0.0.0:*${' '.repeat(10)}\n`);
  assert.equal((await t.run(sh, 'ss -u')).out, 'Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n');
  assert.match((await t.run(sh, 'ss -x')).out, /^Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n$/);
  // IPv6 only: the lab's UDP sockets are all IPv4.
  assert.equal((await t.run(sh, 'ss -6 -ul')).out, 'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n');
  const bad = await t.run(sh, 'ss -y');
  assert.equal(bad.exit, 255);
  assert.match(bad.err, /^ss: invalid option -- 'y'\nUsage: ss \[ OPTIONS \]\n/);
  assert.equal((await t.run(sh, 'ss -V')).out, 'ss utility, iproute2-6.1.0\n');
  assert.equal((await t.run(sh, 'ss --listening --tcp --numeric')).out.split('\n')[0], 'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess');
});

test('render: a terminal of known width spreads the spare columns over each line (render_calc_width)', () => {
  const cols = [
    { align: 'left' as const, header: 'Netid', ldelim: '', disabled: true },
    { align: 'left' as const, header: 'State', ldelim: ' ', disabled: false },
    { align: 'left' as const, header: 'Recv-Q', ldelim: ' ', disabled: false },
    { align: 'left' as const, header: 'Send-Q', ldelim: ' ', disabled: false },
    { align: 'right' as const, header: 'Local Address:', ldelim: ' ', disabled: false },
    { align: 'left' as const, header: 'Port', ldelim: '', disabled: false },
    { align: 'right' as const, header: 'Peer Address:', ldelim: ' ', disabled: false },
    { align: 'left' as const, header: 'Port', ldelim: '', disabled: false },
    { align: 'left' as const, header: 'Process', ldelim: '', disabled: false },
    { align: 'left' as const, header: '', ldelim: '', disabled: false },
  ];
  const row = ['LISTEN', '0     ', '4096  ', '0.0.0.0:', '8080', '0.0.0.0:', '*', ''];
  const tokens = [...['State', 'Recv-Q', 'Send-Q', 'Local Address:', 'Port', 'Peer Address:', 'Port', 'Process', ''], ...row].map((text, i) => ({ col: i < 9 ? i + 1 : i - 8, text }));
  // Widths 6+7+7+15+4+14+4+7 = 64; 80 columns leave 16, 2 more for each of the 8 columns.
  assert.equal(
    renderColumns(cols, tokens, 80),
    ['State    Recv-Q   Send-Q     Local Address:Port     Peer Address:Port  Process  ', `LISTEN   0        4096             0.0.0.0:8080          0.0.0.0:*${' '.repeat(14)}`, ''].join('\n'),
  );
  // 81 columns: the one left over goes to the rightmost column.
  assert.equal(renderColumns(cols, tokens, 81).split('\n')[0], 'State    Recv-Q   Send-Q     Local Address:Port     Peer Address:Port  Process   ');
  // Without a width: the compact layout.
  assert.equal(renderColumns(cols, tokens), `State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*${' '.repeat(10)}\n`);
});

test('ss filter expressions: sport/dport with operators and service names, src/dst prefixes, and/or/not, parentheses', async () => {
  const { t, web, client } = lab();
  for (const p of [22, 80, 8080]) web.ns.tcp.listen(p).onConnection = () => undefined;
  client.ns.tcp.connect('172.18.0.2', 80);
  t.lab.run(t.lab.now + SECOND);
  const sh = t.shell(web);
  const ports = async (cmd: string): Promise<string[]> => {
    const r = await t.run(sh, cmd);
    assert.equal(r.exit, 0, r.all);
    return r.out.split('\n').slice(1, -1).map((l) => l.trim().split(/\s+/)[3]!);
  };
  assert.deepEqual(await ports("ss -tln 'sport = :8080'"), ['0.0.0.0:8080']);
  assert.deepEqual(await ports('ss -tln sport eq 22'), ['0.0.0.0:22']);
  assert.deepEqual(await ports("ss -tln '( sport = :22 or sport = :8080 )'"), ['0.0.0.0:22', '0.0.0.0:8080']);
  assert.deepEqual(await ports("ss -tln 'sport > :79' and not sport = :8080"), ['0.0.0.0:80']);
  // A service name is looked up in /etc/services (none in a Debian-based container: a bad address).
  const bad = await t.run(sh, "ss -tln 'sport = :http'");
  assert.deepEqual([bad.exit, bad.err], [1, 'Cannot parse dst/src address.\n']);
  web.fs.writeFile('/etc/services', 'http\t\t80/tcp\t\twww\n');
  assert.deepEqual(await ports("ss -tln 'sport = :www'"), ['0.0.0.0:80']);
  assert.deepEqual(await ports('ss -tan dst 172.18.0.0/24'), ['172.18.0.2:80']);
  assert.deepEqual(await ports("ss -tan 'src 172.18.0.2:80'"), ['172.18.0.2:80']);
  assert.deepEqual(await ports("ss -tan 'dst 10.0.0.0/8'"), []);
  const syntax = await t.run(sh, "ss -tln 'sport = :80 )'");
  assert.equal(syntax.exit, 255);
  assert.match(syntax.err, /^ss: bison bellows \(while parsing filter\): "syntax error!" Sorry\.\nUsage: ss/);
});
