// redis (RESP semantics and errors), elasticsearch:2 (banner), trainingwheels (500 until `redis` resolves, through the
// embedded DNS server and real queries, then 200 with the count), whoami, consul, docker-tutorial and unknown images,
// each talked to from another namespace over TCP; captures clean in tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { ms, s } from '../../sim/time.ts';
import { enableNetfilter } from '../../net/netfilter-glue.ts';
import { expertErrors, hasErrors, tshark, writeTemp } from '../../../test/tshark.ts';
import { EmbeddedDnsServer } from '../dns/server.ts';
import { NetworkDnsTable, sandboxBackend } from '../dns/records.ts';
import { IMAGES, imageCatalog, unknownImage, unmodelledNote } from './catalog.ts';
import { encodeCommand, formatReply } from './resp.ts';
import { RedisStore } from './redis.ts';
import { curlGet, splitResponse, startProgram, tcpExchange, testNet } from './testing.ts';
import { trainingwheelsProgram, WERKZEUG_500 } from './trainingwheels.ts';
import type { HostLookup } from './program.ts';

const image = (name: string) => IMAGES.find((i) => i.name === name)!;
const enc = new TextEncoder();

test('redis store: command semantics and error wording', () => {
  let now = 0;
  const st = new RedisStore(() => now);
  const sess = { db: 0 };
  const r = (...a: string[]) => formatReply(st.exec(a.map((x) => enc.encode(x)), sess));
  assert.equal(r('PING'), 'PONG');
  assert.equal(r('ping', 'hi'), '"hi"');
  assert.equal(r('ECHO', 'x y'), '"x y"');
  assert.equal(r('GET', 'k'), '(nil)');
  assert.equal(r('SET', 'k', 'v'), 'OK');
  assert.equal(r('GET', 'k'), '"v"');
  assert.equal(r('INCR', 'hits'), '(integer) 1');
  assert.equal(r('INCR', 'hits'), '(integer) 2');
  assert.equal(r('INCR', 'k'), '(error) ERR value is not an integer or out of range');
  assert.equal(r('EXISTS', 'k', 'hits', 'nope'), '(integer) 2');
  assert.equal(r('DEL', 'k', 'nope'), '(integer) 1');
  assert.equal(r('GET'), "(error) ERR wrong number of arguments for 'get' command");
  assert.equal(r('FOO', 'a', 'b'), "(error) ERR unknown command 'FOO', with args beginning with: 'a' 'b' ");
  assert.equal(r('SET', 'k', 'v', 'BOGUS'), '(error) ERR syntax error');
  assert.equal(r('SET', 'k', 'v', 'NX'), 'OK');
  assert.equal(r('SET', 'k', 'w', 'NX'), '(nil)');
  assert.equal(r('SET', 't', 'v', 'EX', '10'), 'OK');
  assert.equal(r('TTL', 't'), '(integer) 10');
  now = s(11);
  assert.equal(r('GET', 't'), '(nil)');
  assert.equal(r('LPUSH', 'l', 'a', 'b'), '(integer) 2');
  assert.equal(r('GET', 'l'), '(error) WRONGTYPE Operation against a key holding the wrong kind of value');
  assert.equal(r('LRANGE', 'l', '0', '-1'), '1) "b"\n2) "a"');
  assert.equal(r('SELECT', '1'), 'OK');
  assert.equal(r('GET', 'hits'), '(nil)');
  assert.equal(r('SELECT', '16'), '(error) ERR DB index is out of range');
});

test('redis-server over TCP: RESP bytes, pipelining, inline commands, QUIT; capture clean', () => {
  const n = testNet(5);
  const run = startProgram(n.lab, n.server, image('redis'));
  assert.match(run.out.at(-1)!, /^1:M 03 May 2025 10:00:00\.000 \* Ready to accept connections tcp$/);
  const cap = n.lab.capture(n.br);
  const ex = tcpExchange(n.lab, n.client, '172.18.0.2', 6379, [
    encodeCommand(['PING']),
    new Uint8Array([...encodeCommand(['SET', 'greeting', 'hello']), ...encodeCommand(['GET', 'greeting']), ...encodeCommand(['INCR', 'greeting'])]),
    'EXISTS greeting\r\n',
    encodeCommand(['QUIT']),
  ]);
  cap.stop();
  assert.equal(ex.text, '+PONG\r\n+OK\r\n$5\r\nhello\r\n-ERR value is not an integer or out of range\r\n:1\r\n+OK\r\n');
  assert.equal(ex.closedByServer, true);
  const file = writeTemp('redis.pcap', cap.toPcap());
  assert.ok(!hasErrors(expertErrors(file)), expertErrors(file));
  assert.equal(tshark(['-r', file, '-Y', 'tcp.analysis.retransmission || tcp.analysis.lost_segment']).trim(), '');
});

test('elasticsearch:2: the 2.x banner with a Marvel name, Netty headers, 400 for unknown URIs', () => {
  const n = testNet(6);
  const def = imageCatalog().lookup('elasticsearch:2')!;
  assert.equal(def.name, 'elasticsearch');
  assert.equal(imageCatalog().lookup('elasticsearch:8'), undefined);
  const run = startProgram(n.lab, n.server, def);
  const ex = tcpExchange(n.lab, n.client, '172.18.0.2', 9200, [curlGet('172.18.0.2:9200'), curlGet('x', '/nope')]);
  const [a, b] = ex.text.split(/(?=HTTP\/1\.1 )/).map(splitResponse) as [ReturnType<typeof splitResponse>, ReturnType<typeof splitResponse>];
  assert.equal(a.status, 'HTTP/1.1 200 OK');
  assert.deepEqual(a.headers, ['Content-Type: application/json; charset=UTF-8', `Content-Length: ${enc.encode(a.body).length}`]);
  const banner = JSON.parse(a.body) as { name: string; cluster_name: string; version: { number: string; lucene_version: string }; tagline: string };
  assert.equal(banner.cluster_name, 'elasticsearch');
  assert.equal(banner.version.number, '2.4.6');
  assert.equal(banner.version.lucene_version, '5.5.4');
  assert.equal(banner.tagline, 'You Know, for Search');
  assert.match(a.body, /^\{\n {2}"name" : "[A-Za-z .-]+",\n {2}"cluster_name" : "elasticsearch",/);
  assert.ok(run.out.some((l) => l.includes(`[${banner.name}] started`)));
  assert.equal(b.status, 'HTTP/1.1 400 Bad Request');
  assert.equal(b.body, 'No handler found for uri [/nope] and method [GET]');
});

test('trainingwheels: 500 while `redis` does not resolve (real DNS via 127.0.0.11), 200 with a growing count once it does', () => {
  const n = testNet(7);
  const web = n.server;
  // The embedded DNS server of the web container, with Docker's DNAT, and its resolv.conf.
  const dev = new NetworkDnsTable('dev');
  dev.addEndpoint(['web'], parseIpv4('172.18.0.2'));
  const dns = EmbeddedDnsServer.start(web, { backend: sandboxBackend({ endpoints: () => [{ network: dev }] }), random: web.random.fork('dns') });
  const fw = enableNetfilter(web);
  for (const rule of dns.natRules()) if (fw.iptables(rule).exitCode !== 0) fw.iptables(rule.map((x) => (x === ':53' ? '127.0.0.11:53' : x)));
  const run = startProgram(n.lab, web, image('jpetazzo/trainingwheels'), { hostname: 'f00dfeedbeef', files: { '/etc/resolv.conf': 'nameserver 127.0.0.11\noptions ndots:0\n', '/etc/hosts': '127.0.0.1\tlocalhost\n172.18.0.2\tf00dfeedbeef\n' } });
  const fail = tcpExchange(n.lab, n.client, '172.18.0.2', 5000, [curlGet('172.18.0.2:5000')], { wait: s(12) });
  const f = splitResponse(fail.text);
  assert.equal(f.status, 'HTTP/1.0 500 Internal Server Error');
  assert.equal(f.body, WERKZEUG_500);
  assert.equal(fail.closedByServer, true);
  assert.ok(run.err.some((l) => /^ConnectionError: Error -3 connecting to redis:6379\. Temporary failure in name resolution\.$/.test(l)), run.err.join('\n'));
  assert.ok(dns.queries.includes('udp A redis'));
  // A redis container joins the network.
  const redisNs = n.add('redis', 4);
  startProgram(n.lab, redisNs, image('redis'));
  dev.addEndpoint(['redis'], parseIpv4('172.18.0.4'));
  const cap = n.lab.capture(n.br);
  const ok1 = splitResponse(tcpExchange(n.lab, n.client, '172.18.0.2', 5000, [curlGet('x')]).text);
  const ok2 = splitResponse(tcpExchange(n.lab, n.client, '172.18.0.2', 5000, [curlGet('x')]).text);
  cap.stop();
  assert.equal(ok1.status, 'HTTP/1.0 200 OK');
  assert.match(ok1.body, /viewed <b>1<\/b> time\./);
  assert.match(ok2.body, /viewed <b>2<\/b> times\./);
  assert.match(ok2.body, /served by <b>f00dfeedbeef<\/b>/);
  assert.deepEqual(ok1.headers.slice(0, 1), ['Content-Type: text/html; charset=utf-8']);
  assert.ok(ok1.headers.some((h) => h.startsWith('Server: Werkzeug/')));
  const file = writeTemp('trainingwheels.pcap', cap.toPcap());
  assert.ok(!hasErrors(expertErrors(file)), expertErrors(file));
  // The second request reused the pooled redis connection: one handshake to 6379.
  assert.equal(tshark(['-r', file, '-Y', 'tcp.flags.syn==1 && tcp.flags.ack==0 && tcp.dstport==6379']).trim().split('\n').length, 1);
});

test('trainingwheels: connection refused gives 500 with errno 111 (injected lookup)', () => {
  const n = testNet(8);
  const lookup: HostLookup = (_m, _name, done) => n.lab.after(ms(1), () => done({ status: 'ok', name: 'redis', canonical: 'redis', addresses: [parseIpv4('172.18.0.3')], source: 'dns' }));
  const run = startProgram(n.lab, n.server, trainingwheelsProgram({ lookup }), { args: ['python', 'app.py'] });
  const r = splitResponse(tcpExchange(n.lab, n.client, '172.18.0.2', 5000, [curlGet('x')]).text);
  assert.equal(r.status, 'HTTP/1.0 500 Internal Server Error');
  assert.ok(run.err.includes('ConnectionError: Error 111 connecting to redis:6379. Connection refused.'));
});

test('whoami: hostname, IP lines, RemoteAddr, then the request as Go writes it', () => {
  const n = testNet(9);
  startProgram(n.lab, n.server, image('traefik/whoami'), { hostname: '9f3ab12c45de' });
  const ex = tcpExchange(n.lab, n.client, '172.18.0.2', 80, [curlGet('localhost:8080', '/', ['X-Forwarded-For: 1.2.3.4'])]);
  const r = splitResponse(ex.text);
  assert.equal(r.status, 'HTTP/1.1 200 OK');
  assert.deepEqual(r.headers.map((h) => h.split(':')[0]), ['Date', 'Content-Length', 'Content-Type']);
  assert.ok(r.headers.includes('Content-Type: text/plain; charset=utf-8'));
  const port = /RemoteAddr: 172\.18\.0\.3:(\d+)/.exec(r.body)?.[1];
  assert.ok(port !== undefined);
  assert.equal(
    r.body,
    `Hostname: 9f3ab12c45de\nIP: 127.0.0.1\nIP: 172.18.0.2\nRemoteAddr: 172.18.0.3:${port}\nGET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n`,
  );
});

test('consul: KV PUT/GET/raw/DELETE, status/leader', () => {
  const n = testNet(10);
  startProgram(n.lab, n.server, image('progrium/consul'), { args: ['/bin/start', '-server', '-bootstrap'] });
  const put = 'PUT /v1/kv/web/port HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n8080';
  const ex = tcpExchange(n.lab, n.client, '172.18.0.2', 8500, [put, curlGet('x', '/v1/kv/web/port'), curlGet('x', '/v1/kv/web/port?raw'), curlGet('x', '/v1/status/leader'), curlGet('x', '/v1/kv/none')]);
  const rs = ex.text.split(/(?=HTTP\/1\.1 )/).map(splitResponse);
  assert.deepEqual(rs.map((r) => r.status), ['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found']);
  assert.equal(rs[0]!.body, 'true');
  assert.equal(rs[1]!.body, '[{"CreateIndex":5,"ModifyIndex":5,"LockIndex":0,"Key":"web/port","Flags":0,"Value":"ODA4MA=="}]');
  assert.deepEqual(rs[1]!.headers.map((h) => h.split(':')[0]), ['Content-Type', 'X-Consul-Index', 'X-Consul-Knownleader', 'X-Consul-Lastcontact', 'Date', 'Content-Length']);
  assert.equal(rs[2]!.body, '8080');
  assert.equal(rs[3]!.body, '"172.18.0.2:8300"');
  assert.ok(rs[4]!.headers.includes('Content-Length: 0'));
});

test('docker-tutorial answers on 8080 with its hostname', () => {
  const n = testNet(11);
  startProgram(n.lab, n.server, image('vividbreeze/docker-tutorial'), { hostname: 'c0ffee123456' });
  const r = splitResponse(tcpExchange(n.lab, n.client, '172.18.0.2', 8080, [curlGet('x')]).text);
  assert.equal(r.status, 'HTTP/1.1 200 OK');
  assert.match(r.body, /c0ffee123456/);
});

test('catalog: references, default commands, programs only for the service command; unknown images say so', async () => {
  const cat = imageCatalog();
  assert.equal(cat.lookup('docker.io/library/nginx:1.27')?.name, 'nginx');
  assert.equal(cat.lookup('alpine')?.userland, 'busybox');
  assert.equal(cat.lookup('alpine')?.program, undefined);
  const nginx = cat.lookup('nginx')!;
  assert.ok(nginx.program?.(['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']) !== undefined);
  assert.equal(nginx.program?.(['/docker-entrypoint.sh', 'sh']), undefined);
  assert.equal(cat.lookup('redis')!.program?.(['docker-entrypoint.sh', 'redis-cli', '-h', 'x']), undefined);
  assert.deepEqual(cat.lookup('jpetazzo/trainingwheels')?.exposedPorts, ['5000/tcp']);
  const n = testNet(12);
  const u = unknownImage('someone/thing:1.0');
  const run = startProgram(n.lab, n.server, u, { args: ['sleep', '1000'], image: 'someone/thing:1.0' });
  n.lab.run(ms(1));
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(run.err[0], unmodelledNote('someone/thing:1.0'));
  assert.deepEqual(run.out, ['sleep 1000']);
  assert.equal(run.exitCode, 0);
});
