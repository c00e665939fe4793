import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpServer } from '../../net/apps/http.ts';
import { readBinaryFile } from './common.ts';
import { toolLab } from './testing.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function lab() {
  const t = toolLab(settle);
  const es = t.container('es', '172.18.0.2', 'gnu');
  const server = httpServer(es.ns, { port: 9200, files: new Map([['/', new TextEncoder().encode('{"name":"es"}\n')]]) });
  const probe = t.container('probe', '172.18.0.3', 'busybox');
  const deb = t.container('deb', '172.18.0.4', 'gnu');
  return { t, es, server, probe, deb };
}

test('curl: -w http_code, the request bytes on the wire, -v, -I', async () => {
  const { t, es, deb } = lab();
  const cap = t.lab.capture(es.ns.device('eth0'));
  const sh = t.shell(deb);
  const r = await t.run(sh, "curl -s -o /dev/null -w '%{http_code}\\n' es:9200");
  assert.deepEqual([r.exit, r.out, r.err], [0, '200\n', '']);
  const req = cap.frames.find((f) => f.direction === 'in' && f.data[23] === 6 && (f.data[47]! & 0x08) !== 0)!;
  const payload = new TextDecoder().decode(req.data.subarray(14 + 20 + 32));
  assert.equal(payload, 'GET / HTTP/1.1\r\nHost: es:9200\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n');
  const v = await t.run(sh, 'curl -v es:9200/');
  assert.equal(v.out, '{"name":"es"}\n');
  assert.equal(
    v.err,
    '*   Trying 172.18.0.2:9200...\n* Connected to es (172.18.0.2) port 9200 (#0)\n> GET / HTTP/1.1\r\n> Host: es:9200\r\n> User-Agent: curl/7.88.1\r\n> Accept: */*\r\n> \r\n' +
      '* HTTP 1.0, assume close after body\n< HTTP/1.0 200 OK\r\n< Server: SimpleHTTP/0.6 Python/3.11.2\r\n< Date: Sun, 22 Nov 2026 11:00:00 GMT\r\n< Content-type: text/plain\r\n< Content-Length: 14\r\n< Last-Modified: Sun, 22 Nov 2026 11:00:00 GMT\r\n< \r\n* Closing connection 0\n',
  );
  const head = await t.run(sh, 'curl -sI es:9200/');
  assert.match(head.out, /^HTTP\/1\.0 200 OK\r\nServer: SimpleHTTP\/0\.6 Python\/3\.11\.2\r\n/);
});

test('curl errors: (6) unknown host, (7) refused, (28) timeout, -s silences them', async () => {
  const { t, deb } = lab();
  const sh = t.shell(deb);
  assert.deepEqual(Object.values(await t.run(sh, 'curl nosuch')).slice(0, 3), [6, '', 'curl: (6) Could not resolve host: nosuch\n']);
  const refused = await t.run(sh, 'curl es:81');
  assert.deepEqual([refused.exit, refused.err], [7, "curl: (7) Failed to connect to es port 81 after 0 ms: Couldn't connect to server\n"]);
  const silent = await t.run(sh, "curl -s -w '%{http_code}\\n' es:81");
  assert.deepEqual([silent.exit, silent.out, silent.err], [7, '000\n', '']);
  const slow = await t.run(sh, 'curl -m 1 172.18.0.99');
  assert.deepEqual([slow.exit, slow.err], [28, 'curl: (28) Connection timed out after 1000 milliseconds\n']);
});

test('busybox wget: -q -O -, the progress line, server errors, bad address', async () => {
  const { t, probe, es } = lab();
  const cap = t.lab.capture(es.ns.device('eth0'));
  const sh = t.shell(probe);
  const r = await t.run(sh, 'wget -O - http://es:9200/');
  assert.equal(r.exit, 0);
  assert.equal(r.all, 'Connecting to es:9200 (172.18.0.2:9200)\nwriting to stdout\n{"name":"es"}\n-                    100% |********************************|    14  0:00:00 ETA\nwritten to stdout\n');
  const req = cap.frames.find((f) => f.direction === 'in' && f.data[23] === 6 && (f.data[47]! & 0x08) !== 0)!;
  assert.equal(new TextDecoder().decode(req.data.subarray(66)), 'GET / HTTP/1.1\r\nHost: es:9200\r\nUser-Agent: Wget\r\nConnection: close\r\n\r\n');
  assert.equal((await t.run(sh, 'wget -q -O - http://es:9200/ | grep -c name')).out, '1\n');
  const nf = await t.run(sh, 'wget -q -O - http://es:9200/nope');
  assert.deepEqual([nf.exit, nf.err], [1, 'wget: server returned error: HTTP/1.0 404 File not found\n']);
  const bad = await t.run(sh, 'wget -q -O - http://x/');
  assert.deepEqual([bad.exit, bad.err], [1, "wget: bad address 'x'\n"]);
});

test('tcpdump: banner, ICMP, ARP and DNS lines, -c, counts; a filter', async () => {
  const { t, deb } = lab();
  const sh = t.shell(deb);
  const r = await t.run(sh, 'ping -c 2 es > /dev/null & tcpdump -n -c 6 -i eth0; wait');
  assert.equal(r.exit, 0);
  const err = 'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n';
  assert.ok(r.err.startsWith(err), r.err);
  assert.ok(r.err.endsWith('6 packets captured\n6 packets received by filter\n0 packets dropped by kernel\n'));
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines.length, 6);
  assert.match(lines[0]!, /^11:00:00\.\d{6} ARP, Request who-has 172\.18\.0\.2 tell 172\.18\.0\.4, length 28$/);
  assert.match(lines[1]!, /^11:00:00\.\d{6} ARP, Reply 172\.18\.0\.2 is-at 02:42:ac:12:00:02, length 28$/);
  assert.match(lines[2]!, /^11:00:00\.\d{6} IP 172\.18\.0\.4 > 172\.18\.0\.2: ICMP echo request, id \d+, seq 1, length 64$/);
  assert.match(lines[3]!, /^11:00:00\.\d{6} IP 172\.18\.0\.2 > 172\.18\.0\.4: ICMP echo reply, id \d+, seq 1, length 64$/);
  const dig = await t.run(sh, 'dig es > /dev/null & tcpdump -n -c 2 -i lo udp port 53; wait');
  assert.match(dig.out, /^\S+ IP 127\.0\.0\.\d+\.\d+ > 127\.0\.0\.11\.53: \d+\+ \[1au\] A\? es\. \(43\)\n\S+ IP 127\.0\.0\.11\.53 > 127\.0\.0\.\d+\.\d+: \d+ 1\/0\/0 A 172\.18\.0\.2 \(36\)\n$/);
  const tcp = await t.run(sh, 'curl -s es:9200 > /dev/null & tcpdump -n -c 3 -i eth0 tcp and port 9200; wait');
  const tl = tcp.out.trimEnd().split('\n');
  assert.match(tl[0]!, /IP 172\.18\.0\.4\.\d+ > 172\.18\.0\.2\.9200: Flags \[S\], seq \d+, win 64240, options \[mss 1460,sackOK,TS val \d+ ecr 0,nop,wscale 7\], length 0$/);
  assert.match(tl[1]!, /IP 172\.18\.0\.2\.9200 > 172\.18\.0\.4\.\d+: Flags \[S\.\], seq \d+, ack \d+, win 65160, options \[mss 1460,sackOK,TS val \d+ ecr \d+,nop,wscale 7\], length 0$/);
  assert.match(tl[2]!, /Flags \[\.\], ack 1, win \d+, options \[nop,nop,TS val \d+ ecr \d+\], length 0$/);
  const bad = await t.run(sh, 'tcpdump -i eth0 port');
  assert.deepEqual([bad.exit, bad.err], [1, 'tcpdump: syntax error in filter expression: syntax error\n']);
  const nodev = await t.run(sh, 'tcpdump -i eth9');
  assert.equal(nodev.exit, 1);
});

test('tcpdump -w writes a pcap tshark reads without any expert complaint; -r prints it back', async (ctx) => {
  const { t } = lab();
  const sh = t.shell(t.node);
  const r = await t.run(sh, 'ping -c 2 172.18.0.2 > /dev/null & tcpdump -c 6 -w /tmp/br0.pcap -i br0; wait');
  assert.equal(r.err, 'tcpdump: listening on br0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n6 packets captured\n6 packets received by filter\n0 packets dropped by kernel\n');
  const bytes = readBinaryFile(t.node.fs, '/tmp/br0.pcap');
  assert.deepEqual([...bytes.subarray(0, 4)], [0xd4, 0xc3, 0xb2, 0xa1], 'classic pcap, microseconds');
  const back = await t.run(sh, 'tcpdump -n -r /tmp/br0.pcap');
  assert.equal(back.err, 'reading from file /tmp/br0.pcap, link-type EN10MB (Ethernet), snapshot length 262144\n');
  const all = back.out.trimEnd().split('\n');
  assert.equal(all.length, 6, back.out);
  const icmp = await t.run(sh, 'tcpdump -n -r /tmp/br0.pcap icmp');
  assert.deepEqual(icmp.out.trimEnd().split('\n'), all.filter((l) => l.includes('ICMP')));
  const has = spawnSync('tshark', ['-v'], { encoding: 'utf8' });
  if (has.status !== 0) {
    ctx.skip('tshark is not installed');
    return;
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'flotilla-tcpdump-')), 'br0.pcap');
  writeFileSync(file, bytes);
  const ex = spawnSync('tshark', ['-n', '-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-q', '-z', 'expert'], { encoding: 'utf8' });
  assert.equal(ex.status, 0, ex.stderr);
  assert.doesNotMatch(ex.stdout, /Errors|Warns/);
  const n = spawnSync('tshark', ['-n', '-r', file], { encoding: 'utf8' });
  assert.equal(n.stdout.trim().split('\n').length, 6);
});

test('Ctrl-C: tcpdump prints the blank line and its counts; ping its statistics', async () => {
  const { t, deb } = lab();
  const { Interrupt } = await import('../interrupt.ts');
  const { SchedulerClock } = await import('../scheduler-clock.ts');
  const clock = new SchedulerClock(t.lab.scheduler, settle);
  const sh = t.shell(deb);
  const stop = new Interrupt();
  t.lab.after(2_500_000_000, () => stop.abort());
  const r = await clock.complete(sh.run('ping 172.18.0.2', { signal: stop }));
  const out = r.output.filter((c) => c.stream === 'stdout').map((c) => c.text).join('');
  assert.match(out, /\n--- 172\.18\.0\.2 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 200\dms\n/);
  const stop2 = new Interrupt();
  t.lab.after(1_000_000_000, () => stop2.abort());
  const d = await clock.complete(sh.run('tcpdump -n -i eth0 icmp', { signal: stop2 }));
  const text = d.output.map((c) => c.text).join('');
  assert.match(text, /0 packets captured\n0 packets received by filter\n0 packets dropped by kernel\n$/);
  assert.ok(d.output.some((c) => c.stream === 'stdout' && c.text === '\n'), 'the blank line of an interrupted capture');
});
