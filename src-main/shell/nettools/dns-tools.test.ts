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

test('busybox nslookup: header, A answer, the empty AAAA answer, NXDOMAIN, PTR', async () => {
  const { t, probe } = lab();
  const sh = t.shell(probe);
  const r = await t.run(sh, 'nslookup es');
  assert.equal(r.exit, 0);
  assert.equal(r.out, 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tes\nAddress: 172.18.0.2\n\nNon-authoritative answer:\n\n');
  const q = t.dnsLog.filter((x) => x.machine === 'probe');
  assert.deepEqual(q.map((x) => [x.type, x.flags, x.edns]), [[dns.TYPE_A, 0x0100, false], [dns.TYPE_AAAA, 0x0100, false]]);
  const nx = await t.run(sh, 'nslookup nosuch');
  assert.equal(nx.exit, 1);
  assert.equal(nx.out, "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n** server can't find nosuch: NXDOMAIN\n\n** server can't find nosuch: NXDOMAIN\n\n");
  const ptr = await t.run(sh, 'nslookup 172.18.0.2');
  assert.equal(ptr.out, 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\n2.0.18.172.in-addr.arpa\tname = es.dev\n\n');
  const grep = await t.run(sh, "nslookup es | grep -c 'Address: 172'");
  assert.equal(grep.out, '1\n');
});

test('busybox nslookup against a silent server: retry at 2.5 s, give up at 5 s', async () => {
  const { t, probe } = lab();
  const start = t.lab.now;
  const r = await t.run(t.shell(probe), 'nslookup es 172.18.0.77');
  assert.equal(r.exit, 1);
  assert.equal(r.out, ';; connection timed out; no servers could be reached\n\n');
  assert.equal(Math.round((t.lab.now - start) / 1e9), 5);
});

test("BIND's nslookup, dig and host; getent hosts and ahosts", async () => {
  const { t, deb } = lab();
  const sh = t.shell(deb);
  const ns = await t.run(sh, 'nslookup es');
  assert.equal(ns.out, 'Server:\t\t127.0.0.11\nAddress:\t127.0.0.11#53\n\nNon-authoritative answer:\nName:\tes\nAddress: 172.18.0.2\n\n');
  const nx = await t.run(sh, 'nslookup nosuch');
  assert.deepEqual([nx.exit, nx.out], [1, "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11#53\n\n** server can't find nosuch: NXDOMAIN\n\n"]);
  t.dnsLog.length = 0;
  const dig = await t.run(sh, 'dig es');
  const lines = dig.out.split('\n');
  assert.deepEqual(lines.slice(0, 4), ['', '; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> es', ';; global options: +cmd', ';; Got answer:']);
  assert.match(lines[4]!, /^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+$/);
  assert.deepEqual(lines.slice(5, 17), [
    ';; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0',
    '',
    ';; QUESTION SECTION:',
    ';es.\t\t\t\tIN\tA',
    '',
    ';; ANSWER SECTION:',
    'es.\t\t\t600\tIN\tA\t172.18.0.2',
    '',
    ';; Query time: 0 msec',
    ';; SERVER: 127.0.0.11#53(127.0.0.11) (UDP)',
    ';; WHEN: Sun Nov 22 11:00:00 UTC 2026',
    ';; MSG SIZE  rcvd: 36',
  ]);
  assert.equal(Number(/id: (\d+)/.exec(lines[4]!)![1]), t.dnsLog[0]!.id);
  assert.deepEqual([t.dnsLog[0]!.flags, t.dnsLog[0]!.edns], [0x0120, true], 'dig: RD+AD, EDNS with a cookie');
  assert.equal((await t.run(sh, 'dig +short es')).out, '172.18.0.2\n');
  const ptr = await t.run(sh, 'dig -x 172.18.0.2 +noall +answer');
  assert.equal(ptr.out, '2.0.18.172.in-addr.arpa. 600\tIN\tPTR\tes.dev.\n');
  const host = await t.run(sh, 'host es');
  assert.equal(host.out, 'es has address 172.18.0.2\n');
  const hnx = await t.run(sh, 'host nosuch');
  assert.deepEqual([hnx.exit, hnx.out], [1, 'Host nosuch not found: 3(NXDOMAIN)\n']);
  t.dnsLog.length = 0;
  assert.equal((await t.run(sh, 'getent hosts es')).out, '172.18.0.2      es\n');
  assert.deepEqual(t.dnsLog.map((x) => x.type), [dns.TYPE_AAAA, dns.TYPE_A], 'gethostbyname2: AF_INET6 first');
  assert.equal((await t.run(sh, 'getent hosts deb')).out, '172.18.0.4      deb\n');
  assert.equal((await t.run(sh, 'getent ahosts es')).out, '172.18.0.2      STREAM es\n172.18.0.2      DGRAM  \n172.18.0.2      RAW    \n');
  assert.equal((await t.run(sh, 'getent hosts nosuch')).exit, 2);
});

test('dig to a silent server: three timed-out tries, then "no servers could be reached", exit 9', async () => {
  const { t, deb } = lab();
  const start = t.lab.now;
  const r = await t.run(t.shell(deb), 'dig @172.18.0.77 es');
  assert.equal(r.exit, 9);
  assert.equal(
    r.out,
    ';; communications error to 172.18.0.77#53: timed out\n'.repeat(3) + '\n; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> @172.18.0.77 es\n; (1 server found)\n;; global options: +cmd\n;; no servers could be reached\n',
  );
  assert.equal(Math.round((t.lab.now - start) / 1e9), 15);
});

test('hostname -i, -I and the busybox set', async () => {
  const { t, deb, probe } = lab();
  assert.equal((await t.run(t.shell(deb), 'hostname')).out, 'deb\n');
  assert.equal((await t.run(t.shell(deb), 'hostname -i')).out, '172.18.0.4 \n');
  assert.equal((await t.run(t.shell(deb), 'hostname -I')).out, '172.18.0.4 \n');
  assert.equal((await t.run(t.shell(probe), 'hostname -i')).out, '172.18.0.3\n');
  const r = await t.run(t.shell(probe), 'curl es');
  assert.deepEqual([r.exit, r.err], [127, 'sh: curl: not found\n']);
});
