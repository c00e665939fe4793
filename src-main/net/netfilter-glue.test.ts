// Netfilter connected to namespaces (netfilter-glue.ts), end to end with real packets and captures:
// Docker's published port (DNAT on the node, un-DNAT of the replies, MASQUERADE of the container's own traffic),
// isolation between two bridges with ICC inside one, and REJECT answering on the wire with ICMP port unreachable.
// Every capture passes the strict tshark check of issue 3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, parseIpv4 } from '../common/wire/ipv4-address.ts';
import { ms, s } from '../sim/time.ts';
import { curl, httpServer, type CurlResult } from './apps/http.ts';
import type { Capture } from './capture.ts';
import type { NetNamespace } from './namespace.ts';
import { enableNetfilter, type NamespaceNetfilter } from './netfilter-glue.ts';
import { dockerRules, type TestHost } from './netfilter/testing.ts';
import { NetLab } from './scenario.ts';
import { ping, type PingResult } from './sockets/ping.ts';
import { dockerNode as dockerNodeLab, lanPair, switched, type HostSpec } from './testing/topologies.ts';
import { expertErrors, fieldRows, hasErrors, writeTemp } from '../../test/tshark.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

const FIELDS = ['eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.proto', 'ip.ttl', 'tcp.srcport', 'tcp.dstport', 'tcp.flags.str', 'udp.srcport', 'udp.dstport', 'icmp.type', 'icmp.code', 'arp.opcode'] as const;

/** Writes the capture, asserts tshark's strict expert check is clean, returns the rows. */
function rowsOf(name: string, cap: Capture): Record<(typeof FIELDS)[number], string>[] {
  const file = writeTemp(name, cap.toPcap());
  const report = expertErrors(file);
  assert.ok(!hasErrors(report), `${name}: ${report}`);
  return fieldRows(file, FIELDS);
}

/** Runs an iptables line and insists it worked. */
function ipt(fw: NamespaceNetfilter, line: string): void {
  const r = fw.iptables(line);
  assert.equal(r.exitCode, 0, `iptables ${line}: ${r.stderr}`);
}

/** Docker's docker0 rules (testing.ts) programmed through the iptables command of `fw`. */
function programDockerRules(fw: NamespaceNetfilter): void {
  dockerRules({ ipt: (line: string) => ipt(fw, line) } as unknown as TestHost);
}

interface DockerNode {
  readonly lab: NetLab;
  readonly node: NetNamespace;
  readonly c1: NetNamespace;
  readonly ws: NetNamespace;
  readonly fw: NamespaceNetfilter;
}

/** The Docker node of topologies.ts with bridge-nf-call-iptables=1 and Docker's rule set for c1 publishing 8080->80/tcp. */
function dockerNode(seed: number): DockerNode {
  const { lab, node, c1, ws } = dockerNodeLab(seed);
  const fw = enableNetfilter(node, { bridgeNfCallIptables: true });
  programDockerRules(fw);
  return { lab, node, c1, ws, fw };
}

/** The packet and byte counters of the rule of `chain` whose iptables -S text contains `needle`. */
function counters(fw: NamespaceNetfilter, table: string, chain: string, needle: string): { packets: number; bytes: number } {
  const c = fw.nf.table(table as 'filter').chain(chain);
  assert.ok(c !== undefined, `chain ${table}/${chain}`);
  const lines = fw.iptables(`-t ${table} -S ${chain}`).stdout.split('\n').filter((l) => l.startsWith('-A '));
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no rule with "${needle}" in ${chain}:\n${lines.join('\n')}`);
  return c.rules[i]!.counters;
}

test('published port: the workstation reaches node:8080, DNAT to 172.17.0.2:80 shows on eth0 and docker0, replies un-NATed', () => {
  const { lab, node, c1, ws, fw } = dockerNode(1);
  const server = httpServer(c1, { port: 80, files: new Map([['/', enc.encode('hello from c1\n')]]) });
  lab.run(ms(100));
  const eth0 = lab.capture(node.device('eth0'));
  const docker0 = lab.capture(node.device('docker0'));
  const c1eth0 = lab.capture(c1.device('eth0'));
  const results: CurlResult[] = [];
  lab.at(ms(200), () => curl(ws, 'http://192.168.99.11:8080/', {}, (r) => results.push(r)));
  lab.run(s(2));
  for (const c of [eth0, docker0, c1eth0]) c.stop();

  assert.equal(results.length, 1);
  assert.equal(results[0]!.error, undefined);
  assert.equal(results[0]!.status, 200);
  assert.equal(dec.decode(results[0]!.body), 'hello from c1\n');
  assert.deepEqual(server.log, ['GET /']);
  const cport = String(results[0]!.localPort);

  // Node eth0: only the published address and port; the container's address never appears.
  const onEth0 = rowsOf('pub-eth0.pcap', eth0).filter((r) => r['tcp.srcport'] !== '');
  assert.ok(onEth0.length >= 10, `TCP frames on eth0: ${onEth0.length}`);
  for (const r of onEth0) {
    const toNode = r['ip.dst'] === '192.168.99.11';
    assert.deepEqual(toNode ? [r['ip.src'], r['tcp.srcport'], r['tcp.dstport']] : [r['ip.src'], r['ip.dst'], r['tcp.srcport'], r['tcp.dstport']], toNode ? ['192.168.99.1', cport, '8080'] : ['192.168.99.11', '192.168.99.1', '8080', cport], JSON.stringify(r));
    assert.equal(r['ip.ttl'], toNode ? '64' : '63', 'the replies were routed by the node');
  }
  // docker0: the rewritten destination 172.17.0.2:80, the client's address preserved, TTL one less (routed).
  const onBridge = rowsOf('pub-docker0.pcap', docker0).filter((r) => r['tcp.srcport'] !== '');
  assert.equal(onBridge.length, onEth0.length, 'every segment crosses both');
  for (const r of onBridge) {
    const toC = r['ip.dst'] === '172.17.0.2';
    if (toC) {
      assert.deepEqual([r['ip.src'], r['tcp.srcport'], r['tcp.dstport'], r['ip.ttl']], ['192.168.99.1', cport, '80', '63'], JSON.stringify(r));
      assert.equal(r['eth.src'], '02:42:ac:11:00:01');
    } else {
      assert.deepEqual([r['ip.src'], r['ip.dst'], r['tcp.srcport'], r['tcp.dstport'], r['ip.ttl']], ['172.17.0.2', '192.168.99.1', '80', cport, '64'], JSON.stringify(r));
      assert.equal(r['eth.dst'], '02:42:ac:11:00:01');
    }
  }
  // The flags sequence is the same on both sides of the NAT.
  assert.deepEqual(onBridge.map((r) => r['tcp.flags.str']), onEth0.map((r) => r['tcp.flags.str']));
  assert.equal(rowsOf('pub-c1.pcap', c1eth0).filter((r) => r['tcp.dstport'] === '80').length, onBridge.filter((r) => r['tcp.dstport'] === '80').length);

  // conntrack -L: one TCP entry, original toward the node's port, reply from the container.
  const ct = fw.conntrack('-L');
  assert.equal(ct.exitCode, 0);
  const tcpLines = ct.stdout.split('\n').filter((l) => l.startsWith('tcp'));
  assert.equal(tcpLines.length, 1, ct.stdout);
  assert.match(tcpLines[0]!, new RegExp(`src=192\\.168\\.99\\.1 dst=192\\.168\\.99\\.11 sport=${cport} dport=8080 .*src=172\\.17\\.0\\.2 dst=192\\.168\\.99\\.1 sport=80 dport=${cport} `));
  assert.match(ct.stderr, /1 flow entries have been shown|flow entries/);

  // Counters: the DNAT rule saw the first packet only (NAT rules see NEW connections); the filter rules of
  // DOCKER accepted it, DOCKER-CT the rest of the connection toward the container.
  assert.deepEqual(counters(fw, 'nat', 'DOCKER', '--dport 8080'), { packets: 1, bytes: 60 });
  assert.equal(counters(fw, 'filter', 'DOCKER', '-d 172.17.0.2/32').packets, 1);
  const toC = onBridge.filter((r) => r['ip.dst'] === '172.17.0.2').length;
  assert.equal(counters(fw, 'filter', 'DOCKER-CT', 'RELATED,ESTABLISHED').packets, toC - 1);
  // Replies leave docker0 through DOCKER-FORWARD's -i docker0 ACCEPT.
  assert.equal(counters(fw, 'filter', 'DOCKER-FORWARD', '-i docker0 -j ACCEPT').packets, onBridge.length - toC);
  const listing = fw.iptables('-t nat -L DOCKER -n -v').stdout;
  assert.match(listing, /\s1\s+60 DNAT\s+tcp\s+--\s+!docker0 \*\s+0\.0\.0\.0\/0\s+0\.0\.0\.0\/0\s+tcp dpt:8080 to:172\.17\.0\.2:80/);
});

test('outbound from the container is masqueraded behind the node address; the reply is un-NATed back to it', () => {
  const { lab, node, c1, ws, fw } = dockerNode(2);
  lab.run(ms(100));
  const eth0 = lab.capture(node.device('eth0'));
  const docker0 = lab.capture(node.device('docker0'));
  const srv = ws.udp.open();
  srv.bind(0, 9000);
  srv.onMessage = (m) => void srv.sendto(enc.encode(`pong ${dec.decode(m.data)}`), m.from, m.fromPort);
  const cli = c1.udp.open();
  const got: string[] = [];
  cli.onMessage = (m) => got.push(`${formatIpv4(m.from)}:${m.fromPort} ${dec.decode(m.data)}`);
  lab.at(ms(200), () => void cli.sendto(enc.encode('ping'), parseIpv4('192.168.99.1'), 9000));
  lab.run(s(1));
  eth0.stop();
  docker0.stop();
  assert.deepEqual(got, ['192.168.99.1:9000 pong ping']);

  const out = rowsOf('masq-eth0.pcap', eth0).filter((r) => r['udp.srcport'] !== '');
  assert.equal(out.length, 2);
  const natPort = out[0]!['udp.srcport'];
  assert.deepEqual([out[0]!['ip.src'], out[0]!['ip.dst'], out[0]!['udp.dstport']], ['192.168.99.11', '192.168.99.1', '9000'], 'the node address on the wire');
  assert.deepEqual([out[1]!['ip.src'], out[1]!['ip.dst'], out[1]!['udp.srcport'], out[1]!['udp.dstport']], ['192.168.99.1', '192.168.99.11', '9000', natPort]);
  const inside = rowsOf('masq-docker0.pcap', docker0).filter((r) => r['udp.srcport'] !== '');
  assert.deepEqual(
    inside.map((r) => `${r['ip.src']}:${r['udp.srcport']} > ${r['ip.dst']}:${r['udp.dstport']}`),
    [`172.17.0.2:${cli.localPort} > 192.168.99.1:9000`, `192.168.99.1:9000 > 172.17.0.2:${cli.localPort}`],
  );
  assert.equal(Number(natPort), cli.localPort, 'MASQUERADE keeps a free source port');
  assert.equal(counters(fw, 'nat', 'POSTROUTING', 'MASQUERADE').packets, 1);
  const ct = fw.conntrack(['-L', '-p', 'udp']).stdout;
  assert.match(ct, new RegExp(`^udp .*src=172\\.17\\.0\\.2 dst=192\\.168\\.99\\.1 sport=${cli.localPort} dport=9000 .*src=192\\.168\\.99\\.1 dst=192\\.168\\.99\\.11 sport=9000 dport=${natPort}`, 'm'));
});

test('direct routing to the container address from outside is dropped by the raw PREROUTING rule', () => {
  const { lab, ws, fw } = dockerNode(3);
  ws.addRoute('172.17.0.0/16', { via: '192.168.99.11' });
  const pings: PingResult[] = [];
  lab.at(ms(100), () => ping(ws, '172.17.0.2', { count: 2, timeout: s(1) }, (r) => pings.push(r)));
  lab.run(s(4));
  assert.equal(pings[0]!.transmitted, 2);
  assert.equal(pings[0]!.received, 0);
  assert.equal(counters(fw, 'raw', 'PREROUTING', '-d 172.17.0.2/32').packets, 2);
});

/** Docker's filter rules for two bridges (moby ≥28.0.1 layout, icc on), plus MASQUERADE per subnet. */
const TWO_BRIDGE_RULES = [
  '-P FORWARD DROP',
  '-N DOCKER',
  '-N DOCKER-BRIDGE',
  '-N DOCKER-CT',
  '-N DOCKER-FORWARD',
  '-N DOCKER-ISOLATION-STAGE-1',
  '-N DOCKER-ISOLATION-STAGE-2',
  '-N DOCKER-USER',
  '-A FORWARD -j DOCKER-USER',
  '-A FORWARD -j DOCKER-FORWARD',
  '-A DOCKER ! -i docker0 -o docker0 -j DROP',
  '-A DOCKER ! -i br-x -o br-x -j DROP',
  '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
  '-A DOCKER-BRIDGE -o br-x -j DOCKER',
  '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A DOCKER-CT -o br-x -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A DOCKER-FORWARD -j DOCKER-CT',
  '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
  '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
  '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
  '-A DOCKER-FORWARD -i br-x -j ACCEPT',
  '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
  '-A DOCKER-ISOLATION-STAGE-1 -i br-x ! -o br-x -j DOCKER-ISOLATION-STAGE-2',
  '-A DOCKER-ISOLATION-STAGE-2 -o br-x -j DROP',
  '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
  '-A DOCKER-USER -j RETURN',
  '-t nat -A POSTROUTING -s 172.18.0.0/16 ! -o br-x -j MASQUERADE',
  '-t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
];

test('isolation: a ping between containers on two bridges is dropped by DOCKER-ISOLATION-STAGE-2; ICC within docker0 works', () => {
  const lab = new NetLab({ seed: 4 });
  const container = (name: string, addr: string, mac: string): HostSpec => ({ name, mac, address: `${addr}/16`, defaultRoute: { via: addr.replace(/\.\d+$/, '.1') } });
  const docker0 = switched(lab, { ns: 'node', bridge: 'docker0', mac: '02:42:ac:11:00:01', addresses: ['172.17.0.1/16'] }, [
    container('c1', '172.17.0.2', '02:42:ac:11:00:02'),
    container('c2', '172.17.0.3', '02:42:ac:11:00:03'),
  ]);
  const brx = switched(lab, { ns: 'node', bridge: 'br-x', mac: '02:42:ac:12:00:01', addresses: ['172.18.0.1/16'] }, [container('c3', '172.18.0.2', '02:42:ac:12:00:02')]);
  const node = docker0.sw;
  node.sysctl.ipForward = true;
  const c1 = docker0.hosts[0]!;
  const fw = enableNetfilter(node, { bridgeNfCallIptables: true });
  for (const line of TWO_BRIDGE_RULES) ipt(fw, line);
  lab.run(ms(100));
  const capD = lab.capture(docker0.br);
  const capX = lab.capture(brx.br);
  const pings: PingResult[] = [];
  lab.at(ms(200), () =>
    ping(c1, '172.18.0.2', { count: 3, timeout: s(1) }, (r) => {
      pings.push(r);
      ping(c1, '172.17.0.3', { count: 3, timeout: s(1) }, (r2) => pings.push(r2));
    }),
  );
  lab.run(s(10));
  capD.stop();
  capX.stop();
  assert.deepEqual(pings.map((p) => [formatIpv4(p.dst), p.transmitted, p.received]), [['172.18.0.2', 3, 0], ['172.17.0.3', 3, 3]]);
  // The isolation rule is what dropped them, once per echo request.
  assert.equal(counters(fw, 'filter', 'DOCKER-ISOLATION-STAGE-2', '-o br-x -j DROP').packets, 3);
  assert.equal(counters(fw, 'filter', 'DOCKER-ISOLATION-STAGE-1', '-i docker0 ! -o docker0').packets, 3);
  // ICC: the bridged echo traffic passed FORWARD with in = out = docker0 (br_netfilter): the first request via
  // DOCKER-FORWARD's -i docker0 ACCEPT, everything after it as ESTABLISHED via DOCKER-CT.
  assert.equal(counters(fw, 'filter', 'DOCKER-FORWARD', '-i docker0 -j ACCEPT').packets, 1);
  assert.equal(counters(fw, 'filter', 'DOCKER-CT', '-o docker0 -m conntrack').packets, 5);
  assert.equal(fw.nf.table('filter').chain('FORWARD')!.counters.packets, 0, 'nothing fell through to the DROP policy');
  // On the wire: the requests to c3 reach docker0 and never br-x; c1<->c2 shows 3 requests and 3 replies.
  const d = rowsOf('iso-docker0.pcap', capD).filter((r) => r['icmp.type'] !== '');
  assert.equal(d.filter((r) => r['ip.dst'] === '172.18.0.2').length, 3);
  assert.equal(d.filter((r) => r['ip.src'] === '172.17.0.3' && r['icmp.type'] === '0').length, 3);
  assert.equal(rowsOf('iso-brx.pcap', capX).filter((r) => r['icmp.type'] !== '').length, 0);

  // icc=false: Docker adds `-i docker0 -o docker0 -j DROP`; the bridged traffic is now dropped in FORWARD.
  ipt(fw, '-I DOCKER-FORWARD -i docker0 -o docker0 -j DROP');
  fw.conntrack('-F');
  const again: PingResult[] = [];
  lab.at(lab.now + ms(10), () => ping(c1, '172.17.0.3', { count: 2, timeout: s(1) }, (r) => again.push(r)));
  lab.run(lab.now + s(4));
  assert.deepEqual([again[0]!.transmitted, again[0]!.received], [2, 0]);
  assert.equal(counters(fw, 'filter', 'DOCKER-FORWARD', '-i docker0 -o docker0 -j DROP').packets, 2);
});

test('REJECT in INPUT: a UDP datagram to a listening port gets ICMP port unreachable on the wire', () => {
  const { lab, h, cl } = lanPair(5);
  const srv = h.udp.open();
  srv.bind(0, 9999);
  const delivered: string[] = [];
  srv.onMessage = (m) => delivered.push(dec.decode(m.data));
  const fw = enableNetfilter(h);
  ipt(fw, '-A INPUT -p udp --dport 9999 -j REJECT');
  const cap = lab.capture(cl.device('eth0'));
  const sock = cl.udp.open();
  sock.connect(parseIpv4('192.168.99.11'), 9999);
  const errors: string[] = [];
  sock.onError = (e) => errors.push(`${formatIpv4(e.from)} ${e.type}/${e.code} ${formatIpv4(e.dst)}:${e.dstPort}`);
  lab.at(ms(10), () => void sock.send(enc.encode('knock')));
  lab.run(s(1));
  cap.stop();
  assert.deepEqual(delivered, [], 'the socket never saw it');
  assert.deepEqual(errors, ['192.168.99.11 3/3 192.168.99.11:9999']);
  const rows = rowsOf('reject.pcap', cap).filter((r) => r['ip.src'] !== '' && r['ip.proto'] !== '2');
  assert.deepEqual(
    rows.map((r) => [r['ip.src'], r['ip.dst'], r['ip.proto'], r['icmp.type'], r['icmp.code']]),
    [
      ['192.168.99.1', '192.168.99.11', '17', '', ''],
      ['192.168.99.11/192.168.99.1', '192.168.99.1/192.168.99.11', '1/17', '3', '3'],
    ],
  );
  assert.equal(counters(fw, 'filter', 'INPUT', 'REJECT').packets, 1);
  // Without the rule the datagram is delivered.
  ipt(fw, '-F INPUT');
  lab.at(lab.now + ms(10), () => void sock.send(enc.encode('again')));
  lab.run(lab.now + s(1));
  assert.deepEqual(delivered, ['again']);
});

test('REJECT --reject-with tcp-reset: connect() is refused by a RST on the wire', () => {
  const { lab, h, cl } = lanPair(6);
  httpServer(h, { port: 80, files: new Map([['/', enc.encode('x')]]) });
  const fw = enableNetfilter(h);
  ipt(fw, '-A INPUT -p tcp --dport 80 -j REJECT --reject-with tcp-reset');
  const cap = lab.capture(cl.device('eth0'));
  const results: CurlResult[] = [];
  lab.at(ms(10), () => curl(cl, 'http://192.168.99.11/', {}, (r) => results.push(r)));
  lab.run(s(2));
  cap.stop();
  assert.equal(results[0]!.status, 0);
  assert.match(results[0]!.error ?? '', /refused|reset/i);
  const rows = rowsOf('reject-rst.pcap', cap).filter((r) => r['tcp.srcport'] !== '');
  assert.deepEqual(
    rows.map((r) => [r['ip.src'], r['tcp.flags.str'].replace(/·/g, '')]),
    [
      ['192.168.99.1', 'S'],
      ['192.168.99.11', 'AR'],
    ],
  );
});

test('REJECT in FORWARD for a DNATed flow: the ICMP error is translated back to the published address', () => {
  const { lab, node, c1, ws, fw } = dockerNode(7);
  ipt(fw, '-t nat -A DOCKER ! -i docker0 -p udp -m udp --dport 5000 -j DNAT --to-destination 172.17.0.2:9000');
  ipt(fw, '-I DOCKER-USER -p udp --dport 9000 -j REJECT');
  const inC1: string[] = [];
  const srv = c1.udp.open();
  srv.bind(0, 9000);
  srv.onMessage = (m) => inC1.push(dec.decode(m.data));
  const sock = ws.udp.open();
  sock.connect(parseIpv4('192.168.99.11'), 5000);
  const errors: string[] = [];
  sock.onError = (e) => errors.push(`${formatIpv4(e.from)} ${e.type}/${e.code} ${formatIpv4(e.dst)}:${e.dstPort}`);
  const eth0 = lab.capture(node.device('eth0'));
  lab.at(ms(100), () => void sock.send(enc.encode('hello')));
  lab.run(s(1));
  eth0.stop();
  assert.deepEqual(inC1, []);
  assert.deepEqual(errors, ['192.168.99.11 3/3 192.168.99.11:5000'], 'the quoted datagram is the one the workstation sent');
  const rows = rowsOf('reject-fwd.pcap', eth0).filter((r) => r['ip.src'] !== '' && r['ip.proto'] !== '2');
  assert.deepEqual(
    rows.map((r) => [r['ip.src'], r['ip.dst'], r['udp.dstport'], r['icmp.type']]),
    [
      ['192.168.99.1', '192.168.99.11', '5000', ''],
      ['192.168.99.11/192.168.99.1', '192.168.99.1/192.168.99.11', '5000', '3'],
    ],
  );
  assert.equal(counters(fw, 'filter', 'DOCKER-USER', 'REJECT').packets, 1);
});

test('fragments are reassembled before the hooks: a 3000-byte datagram to a published UDP port reaches the container', () => {
  const { lab, node, c1, ws, fw } = dockerNode(8);
  ipt(fw, '-t nat -A DOCKER ! -i docker0 -p udp -m udp --dport 5000 -j DNAT --to-destination 172.17.0.2:9000');
  ipt(fw, '-I DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p udp -m udp --dport 9000 -j ACCEPT');
  const got: number[] = [];
  const srv = c1.udp.open();
  srv.bind(0, 9000);
  srv.onMessage = (m) => got.push(m.data.length);
  const eth0 = lab.capture(node.device('eth0'));
  const docker0 = lab.capture(node.device('docker0'));
  const sock = ws.udp.open();
  lab.at(ms(100), () => void sock.sendto(new Uint8Array(3000).fill(7), parseIpv4('192.168.99.11'), 5000));
  lab.run(s(1));
  eth0.stop();
  docker0.stop();
  assert.deepEqual(got, [3000]);
  const frags = (cap: Capture, name: string): string[] =>
    rowsOf(name, cap)
      .filter((r) => r['ip.proto'] === '17')
      .map((r) => `${r['ip.src']}>${r['ip.dst']}`);
  assert.deepEqual(frags(eth0, 'frag-eth0.pcap'), Array(3).fill('192.168.99.1>192.168.99.11'), 'three fragments to the published address');
  assert.deepEqual(frags(docker0, 'frag-docker0.pcap'), Array(3).fill('192.168.99.1>172.17.0.2'), 'refragmented after DNAT');
  assert.equal(counters(fw, 'nat', 'DOCKER', '--dport 5000').packets, 1, 'the NAT rule saw one (reassembled) datagram');
});

test('br_netfilter: a fragmented datagram between two containers is reassembled for FORWARD and leaves as the same fragments', () => {
  const lab = new NetLab({ seed: 9 });
  const { sw: node, hosts: cs } = switched(
    lab,
    { ns: 'node', bridge: 'docker0', mac: '02:42:ac:11:00:01', addresses: ['172.17.0.1/16'] },
    ['c1', 'c2'].map((name, i) => ({ name, mac: `02:42:ac:11:00:0${i + 2}`, mtu: 1400, address: `172.17.0.${i + 2}/16` })),
  );
  const fw = enableNetfilter(node, { bridgeNfCallIptables: true });
  ipt(fw, '-A FORWARD -i docker0 -o docker0 -j ACCEPT');
  const got: number[] = [];
  const srv = cs[1]!.udp.open();
  srv.bind(0, 9000);
  srv.onMessage = (m) => got.push(m.data.length);
  const cap = lab.capture(node.device('veth-c2'));
  lab.at(ms(100), () => void cs[0]!.udp.open().sendto(new Uint8Array(2000), parseIpv4('172.17.0.3'), 9000));
  lab.run(s(1));
  cap.stop();
  assert.deepEqual(got, [2000]);
  const rows = rowsOf('brfrag.pcap', cap).filter((r) => r['ip.proto'] === '17');
  assert.equal(rows.length, 2, 'the sender\'s two fragments, rebuilt with the largest fragment size');
  assert.equal(fw.nf.table('filter').chain('FORWARD')!.rules[0]!.counters.packets, 1, 'FORWARD saw the whole datagram once');
  assert.match(fw.conntrack('-L -p udp').stdout, /src=172\.17\.0\.2 dst=172\.17\.0\.3 sport=\d+ dport=9000/);
});

test('published port from the node itself: nat OUTPUT DNATs node-address:8080 to the container (route again after OUTPUT)', () => {
  const { lab, node, c1, fw } = dockerNode(10);
  httpServer(c1, { port: 80, files: new Map([['/', enc.encode('local\n')]]) });
  const docker0 = lab.capture(node.device('docker0'));
  const results: CurlResult[] = [];
  lab.at(ms(100), () => curl(node, 'http://192.168.99.11:8080/', {}, (r) => results.push(r)));
  lab.run(s(1));
  docker0.stop();
  assert.deepEqual(results.map((r) => [r.status, dec.decode(r.body)]), [[200, 'local\n']]);
  const rows = rowsOf('pub-local.pcap', docker0).filter((r) => r['tcp.srcport'] !== '');
  assert.ok(rows.length >= 10);
  // Output-DNATed: the node talks to 172.17.0.2:80, keeping the source the socket took from the first (local)
  // route, its own 192.168.99.11 (the reply comes back through the container's default route).
  for (const r of rows) assert.ok([r['ip.src'], r['ip.dst']].sort().join(' ') === '172.17.0.2 192.168.99.11', JSON.stringify(r));
  assert.equal(counters(fw, 'nat', 'OUTPUT', 'DOCKER').packets, 1);
});

test('IPVS at LOCAL_IN (routing-mesh style): the sbox takes connections to its own address and spreads them rr, SNATed', () => {
  const lab = new NetLab({ seed: 11 });
  const client = lab.namespace('client');
  const sbox = lab.namespace('sbox');
  sbox.sysctl.ipForward = true;
  lab.vethPair(client, 'eth0', sbox, 'eth1', { macA: '02:00:00:00:09:01', macB: '02:00:00:00:09:02' });
  client.addAddress('eth0', '10.0.9.1/24');
  sbox.addAddress('eth1', '10.0.9.2/24');
  const tasks = [['t1', 5], ['t2', 6]] as const;
  const ov = switched(lab, { ns: 'ov', bridge: 'ovbr' }, [
    { name: 'sbox', port: 'p-sbox', mac: '02:00:00:00:00:02', address: '10.0.0.2/24' },
    ...tasks.map(([name, last]) => ({ name, port: `p-${name}`, mac: `02:00:00:00:00:0${last}`, address: `10.0.0.${last}/24` })),
  ]);
  for (const [i, [name]] of tasks.entries()) httpServer(ov.hosts[i + 1]!, { port: 8080, files: new Map([['/', enc.encode(`${name}\n`)]]) });
  const fw = enableNetfilter(sbox, { ipvs: true });
  ipt(fw, '-t mangle -A PREROUTING -p tcp --dport 8080 -j MARK --set-mark 256');
  ipt(fw, '-t nat -A POSTROUTING -d 10.0.0.0/24 -m ipvs --ipvs -j SNAT --to-source 10.0.0.2');
  for (const args of ['-A -f 256 -s rr', '-a -f 256 -r 10.0.0.5 -m -w 1', '-a -f 256 -r 10.0.0.6 -m -w 1']) assert.equal(fw.ipvsadm(args).exitCode, 0);
  const toTasks = lab.capture(sbox.device('eth0'));
  const results: CurlResult[] = [];
  lab.at(ms(100), () => curl(client, 'http://10.0.9.2:8080/', {}, (r) => results.push(r)));
  lab.at(ms(400), () => curl(client, 'http://10.0.9.2:8080/', {}, (r) => results.push(r)));
  lab.run(s(1));
  toTasks.stop();
  assert.deepEqual(results.map((r) => [r.status, dec.decode(r.body)]), [[200, 't2\n'], [200, 't1\n']], 'newest real server first');
  const rows = rowsOf('ipvs-in.pcap', toTasks).filter((r) => r['tcp.srcport'] !== '');
  for (const r of rows) {
    const out = r['ip.src'] === '10.0.0.2';
    assert.ok(out ? ['10.0.0.5', '10.0.0.6'].includes(r['ip.dst']) && r['tcp.dstport'] === '8080' && r['ip.ttl'] === '63' : r['ip.dst'] === '10.0.0.2' && r['tcp.srcport'] === '8080', JSON.stringify(r));
  }
  assert.match(fw.ipvsadm('-Ln').stdout, /FWM {2}256 rr/);
});
