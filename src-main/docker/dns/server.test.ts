// The embedded DNS server answering over a container namespace's UDP/TCP sockets, with a test DnsRecords: names,
// aliases with every address shuffled, name.network, scope across networks, PTR, forwarding (container namespace
// and HostLoopback), NXDOMAIN passed on, SERVFAIL, FORMERR, truncation, and the 03b capture on lo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASS_IN, encode, parse, TYPE_A, TYPE_AAAA, TYPE_MX, TYPE_OPT, TYPE_PTR, TYPE_TXT, type DnsMessage } from '../../common/wire/dns.ts';
import { formatIpv4, parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { ms, s } from '../../sim/time.ts';
import { NetLab } from '../../net/scenario.ts';
import { enableNetfilter } from '../../net/netfilter-glue.ts';
import type { NetNamespace } from '../../net/namespace.ts';
import { EmbeddedDnsServer, type EmbeddedDnsOptions } from './server.ts';
import { NetworkDnsTable, sandboxBackend, type SandboxDnsView } from './records.ts';
import { extServers } from './upstreams.ts';
import { upstreamDns } from './upstream.ts';
import { expertErrors, fieldRows, hasErrors, writeTemp } from '../../../test/tshark.ts';

function world(seed = 1) {
  const lab = new NetLab({ seed });
  const node = lab.namespace('node');
  node.sysctl.ipForward = true;
  const br = node.addBridge('br-dev', { mac: '02:42:00:00:00:01', addresses: ['172.18.0.1/16'] });
  const c1 = lab.namespace('c1');
  lab.vethPair(c1, 'eth0', node, 'veth1', { macA: '02:42:ac:12:00:02', master: br });
  c1.addAddress('eth0', '172.18.0.2/16');
  c1.addRoute('default', { via: '172.18.0.1' });
  // An upstream resolver beyond the node.
  const up = lab.namespace('upstream');
  lab.vethPair(node, 'eth0', up, 'eth0');
  node.addAddress('eth0', '10.0.0.1/24');
  up.addAddress('eth0', '10.0.0.53/24');
  up.addRoute('default', { via: '10.0.0.1' });
  const dev = new NetworkDnsTable('dev');
  const prod = new NetworkDnsTable('prod');
  dev.addEndpoint(['c1', '3f4e5d6c7b8a'], parseIpv4('172.18.0.2'));
  dev.addEndpoint(['es', 'a1b2c3d4e5f6'], parseIpv4('172.18.0.3'));
  dev.addEndpoint(['web', 'search', 'b1b2c3d4e5f6'], parseIpv4('172.18.0.4'));
  prod.addEndpoint(['prod-es-1', 'es'], parseIpv4('172.19.0.2'));
  prod.addEndpoint(['prod-es-2', 'es'], parseIpv4('172.19.0.3'));
  prod.addEndpoint(['db'], parseIpv4('172.19.0.9'));
  let eps = [{ network: dev }, { network: prod }];
  const records: SandboxDnsView = { endpoints: () => eps };
  return { lab, node, br, c1, up, dev, prod, records, setEndpoints: (e: typeof eps) => (eps = e) };
}

function startDns(ns: NetNamespace, records: SandboxDnsView, extra: Partial<EmbeddedDnsOptions> = {}): EmbeddedDnsServer {
  return EmbeddedDnsServer.start(ns, { backend: sandboxBackend(records), random: ns.random.fork('dns-shuffle'), ...extra });
}

let nextId = 0x7d29;
function query(name: string, type = TYPE_A, opts: { edns?: number; flags?: number } = {}): DnsMessage {
  return {
    id: nextId++,
    flags: opts.flags ?? 0x0100,
    questions: [{ name, type, class: CLASS_IN }],
    answers: [],
    authorities: [],
    additionals: opts.edns !== undefined ? [{ name: '', type: TYPE_OPT, class: opts.edns, ttl: 0, data: { kind: 'opt', options: [{ code: 10, data: new Uint8Array(8) }] } }] : [],
  };
}

/** Sends `q` from a fresh UDP socket of `ns` to addr:port and collects the raw reply. */
function ask(lab: NetLab, ns: NetNamespace, q: DnsMessage | Uint8Array, addr: string, port: number): { raw?: Uint8Array; msg?: DnsMessage } {
  const out: { raw?: Uint8Array; msg?: DnsMessage } = {};
  const sock = ns.udp.open();
  sock.onMessage = (m) => {
    out.raw = m.data;
    out.msg = parse(m.data);
    sock.close();
  };
  sock.sendto(q instanceof Uint8Array ? q : encode(q), parseIpv4(addr), port);
  lab.run(lab.now + s(10));
  return out;
}

const addrs = (m: DnsMessage | undefined): string[] => (m?.answers ?? []).filter((r) => r.data.kind === 'a').map((r) => formatIpv4((r.data as { address: number }).address));

test('a container name: one A record, TTL 600, flags 0x8180 (RA, no AA), owner name spelled out, no OPT', () => {
  const w = world();
  const dns = startDns(w.c1, w.records);
  assert.equal(dns.udpPort >= 32768 && dns.udpPort <= 60999, true);
  assert.equal(dns.tcpPort % 2, 1, 'bind(0) on TCP prefers odd ports');
  const r = ask(w.lab, w.c1, query('web', TYPE_A, { edns: 1232 }), '127.0.0.11', dns.udpPort);
  assert.ok(r.msg);
  assert.equal(r.msg.flags, 0x8180);
  assert.deepEqual(addrs(r.msg), ['172.18.0.4']);
  assert.equal(r.msg.answers[0]!.ttl, 600);
  assert.equal(r.msg.additionals.length, 0, 'Docker does not echo EDNS in local answers');
  // Uncompressed (Msg.Truncate sets Compress=false when the message fits): the owner name is "03 web 00", not c0 0c.
  const raw = r.raw!;
  assert.equal(raw.length, 12 + 9 + 19);
  assert.deepEqual([...raw.subarray(21, 26)], [3, 0x77, 0x65, 0x62, 0]);
  // Case is kept from the question, matching is case-insensitive; trailing dot and the short ID work.
  const up = ask(w.lab, w.c1, query('WEB.'), '127.0.0.11', dns.udpPort);
  assert.deepEqual(addrs(up.msg), ['172.18.0.4']);
  assert.equal(up.msg!.answers[0]!.name, 'WEB');
  assert.deepEqual(addrs(ask(w.lab, w.c1, query('b1b2c3d4e5f6'), '127.0.0.11', dns.udpPort).msg), ['172.18.0.4']);
  assert.deepEqual(addrs(ask(w.lab, w.c1, query('search'), '127.0.0.11', dns.udpPort).msg), ['172.18.0.4']);
  // A query without RD gets 0x8080.
  assert.equal(ask(w.lab, w.c1, query('web', TYPE_A, { flags: 0 }), '127.0.0.11', dns.udpPort).msg!.flags, 0x8080);
});

test('scope and order across networks, name.network, shared aliases shuffled per query', () => {
  const w = world();
  const dns = startDns(w.c1, w.records);
  // `es` is on both networks: the first endpoint's network (dev) wins, answers are not merged.
  assert.deepEqual(addrs(ask(w.lab, w.c1, query('es'), '127.0.0.11', dns.udpPort).msg), ['172.18.0.3']);
  // es.prod restricts to prod: both addresses of the shared alias in one answer.
  const orders = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const a = addrs(ask(w.lab, w.c1, query('es.prod'), '127.0.0.11', dns.udpPort).msg);
    assert.deepEqual([...a].sort(), ['172.19.0.2', '172.19.0.3']);
    orders.add(a.join(','));
  }
  assert.equal(orders.size, 2, 'the order is shuffled per query');
  // With prod first, plain `es` answers from prod.
  w.setEndpoints([{ network: w.prod }, { network: w.dev }]);
  assert.deepEqual([...addrs(ask(w.lab, w.c1, query('es'), '127.0.0.11', dns.udpPort).msg)].sort(), ['172.19.0.2', '172.19.0.3']);
  assert.deepEqual(addrs(ask(w.lab, w.c1, query('es.dev'), '127.0.0.11', dns.udpPort).msg), ['172.18.0.3']);
  // A network the container is not on is not searched.
  w.setEndpoints([{ network: w.dev }]);
  const r = ask(w.lab, w.c1, query('db'), '127.0.0.11', dns.udpPort);
  assert.equal(r.msg!.flags, 0x8102, 'unknown, no external servers: SERVFAIL without RA');
  // Link aliases (only this container sees them) come before service records.
  w.setEndpoints([{ network: w.dev, linkAliases: new Map([['database', 'es']]) } as never]);
  assert.deepEqual(addrs(ask(w.lab, w.c1, query('database'), '127.0.0.11', dns.udpPort).msg), ['172.18.0.3']);
});

test('AAAA of a known IPv4-only name: NOERROR, no answer; MX implicit; PTR names the network', () => {
  const w = world();
  const dns = startDns(w.c1, w.records);
  const a6 = ask(w.lab, w.c1, query('web', TYPE_AAAA), '127.0.0.11', dns.udpPort).msg!;
  assert.equal(a6.flags, 0x8180);
  assert.equal(a6.answers.length, 0);
  const mx = ask(w.lab, w.c1, query('web', TYPE_MX), '127.0.0.11', dns.udpPort).msg!;
  assert.equal(mx.flags, 0x8180);
  assert.equal(mx.answers.length, 0);
  const ptr = ask(w.lab, w.c1, query('4.0.18.172.in-addr.arpa', TYPE_PTR), '127.0.0.11', dns.udpPort).msg!;
  assert.equal(ptr.flags, 0x8180);
  assert.deepEqual(ptr.answers.map((r) => [r.type, r.ttl, r.data]), [[TYPE_PTR, 600, { kind: 'name', name: 'web.dev' }]]);
  const ptr2 = ask(w.lab, w.c1, query('3.0.19.172.in-addr.arpa', TYPE_PTR), '127.0.0.11', dns.udpPort).msg!;
  assert.deepEqual(ptr2.answers.map((r) => r.data), [{ kind: 'name', name: 'prod-es-2.prod' }]);
});

test('forwarding: unknown names go to the node resolvers from the container namespace; NXDOMAIN passes through', () => {
  const w = world();
  const upstream = upstreamDns(w.up, { zone: new Map([['example.com', ['93.184.216.34']]]) });
  const servers = extServers('# from the host\nnameserver 10.0.0.53\nsearch lan\n');
  assert.deepEqual(servers.map((x) => [formatIpv4(x.address), x.hostLoopback]), [['10.0.0.53', false]]);
  // --dns servers: the resolver's own address is dropped, loopback ones are the container's own.
  assert.deepEqual(extServers('nameserver 10.0.0.53', ['127.0.0.11', '127.0.0.1', '1.1.1.1', '8.8.8.8', '9.9.9.9']).map((x) => [formatIpv4(x.address), x.hostLoopback]), [['127.0.0.1', false], ['1.1.1.1', false], ['8.8.8.8', false]]);
  const dns = startDns(w.c1, w.records, { extServers: () => servers });
  const cap = w.lab.capture(w.c1.device('eth0'));
  const ok = ask(w.lab, w.c1, query('example.com', TYPE_A, { edns: 1232 }), '127.0.0.11', dns.udpPort).msg!;
  assert.equal(ok.flags, 0x8580, "the upstream's flags as it sent them");
  assert.deepEqual(addrs(ok), ['93.184.216.34']);
  assert.equal(ok.additionals[0]?.type, TYPE_OPT);
  const nx = ask(w.lab, w.c1, query('nosuch.example'), '127.0.0.11', dns.udpPort).msg!;
  assert.equal(nx.flags, 0x8183);
  // Other types (TXT) are always forwarded, even for container names.
  ask(w.lab, w.c1, query('web', TYPE_TXT), '127.0.0.11', dns.udpPort);
  cap.stop();
  assert.deepEqual(upstream.queries, ['A example.com', 'A nosuch.example', '16 web']);
  const file = writeTemp('embedded-dns-forward.pcap', cap.toPcap());
  assert.ok(!hasErrors(expertErrors(file)), expertErrors(file));
  const rows = fieldRows(file, ['ip.src', 'ip.dst', 'udp.dstport', 'dns.flags'], ['-Y', 'dns']);
  assert.equal(rows[0]!['ip.src'], '172.18.0.2', 'forwarded from the container address');
  assert.equal(rows[0]!['ip.dst'], '10.0.0.53');
  assert.equal(rows[0]!['udp.dstport'], '53');
});

test('forwarding: SERVFAIL/unreachable servers are skipped, HostLoopback servers are asked from the node', () => {
  const w = world();
  // The node runs a local resolver on 127.0.0.53 (systemd-resolved style); 10.0.0.99 does not exist, 10.0.0.53 has no server yet.
  const local = upstreamDns(w.node, { zone: new Map([['node.lan', ['10.0.0.1']]]), address: '127.0.0.53' });
  const servers = extServers('nameserver 10.0.0.53\nnameserver 127.0.0.53\n');
  assert.deepEqual(servers.map((x) => x.hostLoopback), [false, true]);
  let proxy = true;
  const dns = startDns(w.c1, w.records, { extServers: () => servers, hostNs: w.node, proxyDns: () => proxy });
  const t0 = w.lab.now;
  const r = ask(w.lab, w.c1, query('node.lan'), '127.0.0.11', dns.udpPort);
  assert.deepEqual(addrs(r.msg), ['10.0.0.1']);
  assert.deepEqual(local.queries, ['A node.lan']);
  assert.ok(w.lab.now - t0 < s(11));
  // The forwarding policy off (internal networks only): host servers are not used; the other one refuses (port
  // unreachable) so the answer is SERVFAIL.
  proxy = false;
  const r2 = ask(w.lab, w.c1, query('node.lan'), '127.0.0.11', dns.udpPort);
  assert.equal(r2.msg!.flags, 0x8102);
  assert.deepEqual(local.queries, ['A node.lan']);
});

test('TCP: length-prefixed query and answer; truncation over UDP sets TC, EDNS lifts the limit', () => {
  const w = world();
  const big = new NetworkDnsTable('big');
  for (let i = 0; i < 40; i++) big.addEndpoint([`n${i}`, 'many'], parseIpv4(`10.9.0.${i + 2}`));
  const dns = startDns(w.c1, { endpoints: () => [{ network: big }] });
  const u = ask(w.lab, w.c1, query('many'), '127.0.0.11', dns.udpPort);
  assert.equal(u.msg!.flags & 0x0200, 0x0200, 'TC');
  assert.ok(u.raw!.length <= 512);
  assert.ok(u.msg!.answers.length > 25 && u.msg!.answers.length < 40);
  assert.equal(u.raw![u.raw!.length - 16], 0xc0, 'compressed once truncation is needed');
  const e = ask(w.lab, w.c1, query('many', TYPE_A, { edns: 4096 }), '127.0.0.11', dns.udpPort);
  assert.equal(e.msg!.answers.length, 40);
  assert.equal(e.msg!.flags, 0x8180);
  // TCP
  let reply: DnsMessage | undefined;
  const sock = w.c1.tcp.connect('127.0.0.11', dns.tcpPort);
  const wire = encode(query('many'));
  sock.onConnect = () => sock.write(Uint8Array.from([wire.length >> 8, wire.length & 0xff, ...wire]));
  let buf: number[] = [];
  sock.onData = (d) => {
    buf = [...buf, ...d];
    if (buf.length >= 2 && buf.length >= 2 + ((buf[0]! << 8) | buf[1]!)) reply = parse(Uint8Array.from(buf.slice(2)));
  };
  w.lab.run(w.lab.now + s(1));
  assert.equal(reply?.answers.length, 40);
  assert.equal(reply?.flags, 0x8180);
  // The server closes an idle connection after 8 s.
  w.lab.run(w.lab.now + s(10));
  assert.ok(['CLOSE_WAIT', 'LAST_ACK', 'CLOSED', 'TIME_WAIT'].includes(sock.state), sock.state);
});

test('bad queries: FORMERR for no question, NOTIMP for an update, responses ignored', () => {
  const w = world();
  const dns = startDns(w.c1, w.records);
  const noQ = encode({ id: 0x1234, flags: 0x0100, questions: [], answers: [], authorities: [], additionals: [] });
  const f = ask(w.lab, w.c1, noQ, '127.0.0.11', dns.udpPort);
  assert.deepEqual([...f.raw!], [0x12, 0x34, 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0, 0]);
  const upd = encode({ ...query('web'), flags: 0x2800 });
  assert.equal(ask(w.lab, w.c1, upd, '127.0.0.11', dns.udpPort).msg!.flags, 0xa804);
  const resp = encode({ ...query('web'), flags: 0x8180 });
  assert.equal(ask(w.lab, w.c1, resp, '127.0.0.11', dns.udpPort).raw, undefined);
  assert.equal(ask(w.lab, w.c1, Uint8Array.from([1, 2, 3]), '127.0.0.11', dns.udpPort).raw, undefined);
});

/** Resolver in c1 with Docker's nat rules; a glibc-style query to 127.0.0.11:53 captured on lo. */
function loExchange() {
  const w = world(7);
  const dns = startDns(w.c1, w.records);
  const fw = enableNetfilter(w.c1);
  for (const rule of dns.natRules()) {
    const r = fw.iptables(rule);
    // `--to-source :53` (port only) is what Docker writes; an iptables that wants an address gets the same meaning.
    if (r.exitCode !== 0) {
      const alt = rule.map((x) => (x === ':53' ? '127.0.0.11:53' : x));
      assert.equal(fw.iptables(alt).exitCode, 0, r.stderr);
    }
  }
  const nat = fw.iptables('-t nat -S').stdout;
  assert.match(nat, /-A DOCKER_OUTPUT -d 127\.0\.0\.11\/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination 127\.0\.0\.11:\d+\n-A DOCKER_OUTPUT -d 127\.0\.0\.11\/32 -p udp -m udp --dport 53 -j DNAT/);
  const cap = w.lab.capture(w.c1.lo);
  w.lab.run(ms(1));
  const r = ask(w.lab, w.c1, query('web'), '127.0.0.11', 53);
  cap.stop();
  assert.deepEqual(addrs(r.msg), ['172.18.0.4']);
  const file = writeTemp('embedded-dns-lo.pcap', cap.toPcap());
  const rows = fieldRows(file, ['frame.len', 'eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.flags', 'ip.ttl', 'udp.srcport', 'udp.dstport', 'dns.flags', 'dns.a', 'dns.resp.ttl'], ['-d', `udp.port==${dns.udpPort},dns`]);
  return { dns, file, rows };
}

test('03b: a query to 127.0.0.11:53 is DNATed to the random port; on lo the reply shows port 53; tshark-clean', () => {
  const { dns, file, rows } = loExchange();
  assert.ok(!hasErrors(expertErrors(file)), expertErrors(file));
  const q = rows.find((r) => r['dns.flags'] === '0x0100')!;
  const a = rows.find((r) => r['dns.flags'] === '0x8180')!;
  // Field by field with 03b (the reply is Docker's, not dnsmasq's: 0x8180 and uncompressed, so 82 bytes, not 79).
  assert.deepEqual([q['frame.len'], q['eth.src'], q['eth.dst'], q['ip.dst'], q['ip.flags'], q['ip.ttl'], q['udp.dstport']], ['63', '00:00:00:00:00:00', '00:00:00:00:00:00', '127.0.0.11', '0x02', '64', String(dns.udpPort)]);
  assert.deepEqual([a['frame.len'], a['ip.src'], a['ip.flags'], a['ip.ttl'], a['udp.srcport'], a['udp.dstport'], a['dns.a'], a['dns.resp.ttl']], ['82', '127.0.0.11', '0x02', '64', '53', q['udp.srcport'], '172.18.0.4', '600']);
});

test('03b exactly: two frames, the query from 127.0.0.1', () => {
  const { rows } = loExchange();
  assert.equal(rows.length, 2);
  assert.deepEqual([rows[0]!['ip.src'], rows[1]!['ip.dst']], ['127.0.0.1', '127.0.0.1']);
});
