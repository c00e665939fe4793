import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ipv4 from '../../common/wire/ipv4.ts';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { SECOND } from '../../sim/time.ts';
import { Interrupt } from '../interrupt.ts';
import { SchedulerClock } from '../scheduler-clock.ts';
import { toolLab } from './testing.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * box (busybox, 172.18.0.3) and es (gnu, 172.18.0.2) on br0; the node (172.18.0.1) forwards to the underlay, where
 * 192.168.99.1 routes back to the bridge's subnet but does not forward (so 10.9.0.0/16, which the node sends there,
 * dies silently at the second hop).
 */
function lab() {
  const t = toolLab(settle);
  const es = t.container('es', '172.18.0.2', 'gnu');
  const box = t.container('box', '172.18.0.3', 'busybox');
  const ul = t.lab.namespace('underlay');
  ul.addAddress('vbox0', '192.168.99.1/24');
  ul.addRoute('172.18.0.0/16', { via: '192.168.99.100' });
  t.node.ns.addRoute('10.9.0.0/16', { via: '192.168.99.1' });
  return { t, es, box, ul, sh: t.shell(box) };
}

const TIME = String.raw`\d+\.\d{3} ms`;

function lines(text: string): string[] {
  return text.split('\n');
}

test('traceroute HOST: a hop per TTL, three probes each, names by PTR (numeric when there is none), ends at port unreachable', async () => {
  const { t, sh } = lab();
  t.names.set('gw', '172.18.0.1');
  const r = await t.run(sh, 'traceroute 192.168.99.1');
  assert.equal(r.exit, 0, r.all);
  assert.equal(r.err, '');
  const l = lines(r.out);
  assert.equal(l[0], 'traceroute to 192.168.99.1 (192.168.99.1), 30 hops max, 46 byte packets');
  assert.match(l[1]!, new RegExp(`^ 1  gw\\.dev \\(172\\.18\\.0\\.1\\)  ${TIME}  ${TIME}  ${TIME}$`));
  assert.match(l[2]!, new RegExp(`^ 2  192\\.168\\.99\\.1 \\(192\\.168\\.99\\.1\\)  ${TIME}  ${TIME}  ${TIME}$`));
  assert.deepEqual(l.slice(3), ['']);
});

test('the probes on the wire: UDP to 33434+seq (from 33435), TTL per hop, 18 bytes of seq, ttl and zeros; one source port', async () => {
  const { t, box, sh } = lab();
  const cap = t.lab.capture(box.ns.device('eth0'), { filter: (f) => f.data[23] === ipv4.PROTO_UDP && f.data[36] === 0x82 });
  const r = await t.run(sh, 'traceroute -n 192.168.99.1');
  assert.equal(r.exit, 0, r.all);
  const probes = cap.frames.map((f) => ipv4.parse(f.data.subarray(14)));
  assert.deepEqual(
    probes.map((p) => [p.ttl, (p.payload[2]! << 8) | p.payload[3]!, p.payload.length - 8]),
    [[1, 33435, 18], [1, 33436, 18], [1, 33437, 18], [2, 33438, 18], [2, 33439, 18], [2, 33440, 18]],
  );
  probes.forEach((p, i) => assert.deepEqual([...p.payload.subarray(8)], [i + 1, p.ttl, ...new Array<number>(16).fill(0)]));
  assert.equal(new Set(probes.map((p) => (p.payload[0]! << 8) | p.payload[1]!)).size, 1);
  assert.equal(t.dnsLog.filter((q) => q.machine === 'box').length, 0, '-n: no PTR queries');
});

test('silent hops print "  *" after -w seconds each; the run goes on to -m; 5 s is the default wait', async () => {
  const { t, sh } = lab();
  let start = t.lab.now;
  const r = await t.run(sh, 'traceroute -n -w 1 -m 3 10.9.0.1');
  assert.equal(r.exit, 0, r.all);
  const l = lines(r.out);
  assert.equal(l[0], 'traceroute to 10.9.0.1 (10.9.0.1), 3 hops max, 46 byte packets');
  assert.match(l[1]!, new RegExp(`^ 1  172\\.18\\.0\\.1  ${TIME}  ${TIME}  ${TIME}$`));
  assert.deepEqual(l.slice(2), [' 2  *  *  *', ' 3  *  *  *', '']);
  assert.ok(t.lab.now - start >= 6 * SECOND && t.lab.now - start < 7 * SECOND, `${t.lab.now - start}`);
  start = t.lab.now;
  const one = await t.run(sh, 'traceroute -n -q 1 -f 2 -m 2 10.9.0.1');
  assert.equal(one.out, 'traceroute to 10.9.0.1 (10.9.0.1), 2 hops max, 46 byte packets\n 2  *\n');
  assert.ok(t.lab.now - start >= 5 * SECOND && t.lab.now - start < 5 * SECOND + SECOND / 100, `${t.lab.now - start}`);
});

test('-n, -q, -f, -m and BYTES: the header and the lines follow them', async () => {
  const { t, box, sh } = lab();
  const cap = t.lab.capture(box.ns.device('eth0'), { filter: (f) => f.data[23] === ipv4.PROTO_UDP && f.data[36] === 0x82 });
  const r = await t.run(sh, 'traceroute -n -q 1 -f 2 -m 9 192.168.99.1 100');
  assert.equal(r.exit, 0, r.all);
  assert.match(r.out, new RegExp(`^traceroute to 192\\.168\\.99\\.1 \\(192\\.168\\.99\\.1\\), 9 hops max, 100 byte packets\\n 2  192\\.168\\.99\\.1  ${TIME}\\n$`));
  const p = ipv4.parse(cap.frames[0]!.data.subarray(14));
  assert.deepEqual([20 + p.payload.length, p.ttl, (p.payload[2]! << 8) | p.payload[3]!], [100, 2, 33435], 'seq counts from 1 whatever the first TTL');
  const m1 = await t.run(sh, 'traceroute -n -m 1 192.168.99.1');
  assert.match(m1.out, new RegExp(`^traceroute to 192\\.168\\.99\\.1 \\(192\\.168\\.99\\.1\\), 1 hops max, 46 byte packets\\n 1  172\\.18\\.0\\.1  ${TIME}  ${TIME}  ${TIME}\\n$`));
});

test('-I: ICMP echo requests (one id, seq per probe) and the echo reply counts as arriving', async () => {
  const { t, box, sh } = lab();
  const cap = t.lab.capture(box.ns.device('eth0'), { filter: (f) => f.data[23] === ipv4.PROTO_ICMP && f.data[34] === 8 });
  const r = await t.run(sh, 'traceroute -I -n 192.168.99.1');
  assert.equal(r.exit, 0, r.all);
  const l = lines(r.out);
  assert.equal(l[0], 'traceroute to 192.168.99.1 (192.168.99.1), 30 hops max, 46 byte packets');
  assert.match(l[1]!, new RegExp(`^ 1  172\\.18\\.0\\.1  ${TIME}  ${TIME}  ${TIME}$`));
  assert.match(l[2]!, new RegExp(`^ 2  192\\.168\\.99\\.1  ${TIME}  ${TIME}  ${TIME}$`));
  const echoes = cap.frames.map((f) => ipv4.parse(f.data.subarray(14)));
  assert.deepEqual(echoes.map((e) => [e.ttl, (e.payload[6]! << 8) | e.payload[7]!, e.payload.length]), [[1, 1, 26], [1, 2, 26], [1, 3, 26], [2, 4, 26], [2, 5, 26], [2, 6, 26]]);
  assert.equal(new Set(echoes.map((e) => (e.payload[4]! << 8) | e.payload[5]!)).size, 1);
});

test('annotations: !N from a router without a route ends the run; -l shows the TTL each answer arrived with', async () => {
  const { t, ul, sh } = lab();
  ul.sysctl.ipForward = true;
  const r = await t.run(sh, 'traceroute -n -l -m 5 10.9.0.1');
  assert.equal(r.exit, 0, r.all);
  const l = lines(r.out);
  assert.match(l[1]!, new RegExp(`^ 1  172\\.18\\.0\\.1  ${TIME} \\(64\\)  ${TIME} \\(64\\)  ${TIME} \\(64\\)$`));
  assert.match(l[2]!, new RegExp(`^ 2  192\\.168\\.99\\.1  ${TIME} \\(63\\) !N  ${TIME} \\(63\\) !N  ${TIME} \\(63\\) !N$`));
  assert.deepEqual(l.slice(3), ['']);
});

test('!H when ARP for an on-link address fails: the host unreachable the machine sends itself', async () => {
  const { t, sh } = lab();
  const r = await t.run(sh, 'traceroute -n 172.18.0.99');
  assert.equal(r.exit, 0, r.all);
  const slow = String.raw`3\d{3}\.\d{3} ms !H`;
  assert.match(r.out, new RegExp(`^traceroute to 172\\.18\\.0\\.99 \\(172\\.18\\.0\\.99\\), 30 hops max, 46 byte packets\\n 1  172\\.18\\.0\\.3  ${slow}  ${slow}  ${slow}\\n$`));
});

test('-p: a port somebody listens on swallows its probe ("  *"); the next port answers, and its address is printed', async () => {
  const { t, es, sh } = lab();
  const clod = es.ns.udp.open();
  clod.bind(0, 40001);
  const r = await t.run(sh, 'traceroute -n -q 2 -w 1 -p 40000 172.18.0.2');
  assert.equal(r.exit, 0, r.all);
  assert.match(r.out, new RegExp(`^traceroute to 172\\.18\\.0\\.2 \\(172\\.18\\.0\\.2\\), 30 hops max, 46 byte packets\\n 1  \\*  172\\.18\\.0\\.2  ${TIME}\\n$`));
});

test('-v: the ICMP length and the local address after each address', async () => {
  const { t, sh } = lab();
  const r = await t.run(sh, 'traceroute -v -n -q 1 192.168.99.1');
  assert.match(r.out, new RegExp(`\\n 1  172\\.18\\.0\\.1 54 bytes to 172\\.18\\.0\\.3  ${TIME}\\n 2  192\\.168\\.99\\.1 54 bytes to 172\\.18\\.0\\.3  ${TIME}\\n$`));
});

test('-s: the header says from; an address not this machine\'s is refused; -r: only on-link destinations', async () => {
  const { t, sh } = lab();
  const s = await t.run(sh, 'traceroute -n -q 1 -s 172.18.0.3 172.18.0.2');
  assert.match(s.out, new RegExp(`^traceroute to 172\\.18\\.0\\.2 \\(172\\.18\\.0\\.2\\) from 172\\.18\\.0\\.3, 30 hops max, 46 byte packets\\n 1  172\\.18\\.0\\.2  ${TIME}\\n$`));
  const foreign = await t.run(sh, 'traceroute -s 10.1.1.1 172.18.0.2');
  assert.deepEqual([foreign.exit, foreign.out, foreign.err], [1, '', "traceroute: can't set multicast source interface\n"]);
  const far = await t.run(sh, 'traceroute -r 192.168.99.1');
  assert.deepEqual([far.exit, far.out, far.err], [1, '', "traceroute: can't connect to remote host (192.168.99.1): Network unreachable\n"]);
  const near = await t.run(sh, 'traceroute -r -n -q 1 172.18.0.2');
  assert.equal(near.exit, 0, near.all);
});

const USAGE = `BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.

Usage: traceroute [-46IFlnrv] [-f 1ST_TTL] [-m MAXTTL] [-q PROBES] [-p PORT]
\t[-t TOS] [-w WAIT_SEC] [-s SRC_IP] [-i IFACE]
\t[-z PAUSE_MSEC] HOST [BYTES]

Trace the route to HOST
`;

test('usage: an unknown option, a missing argument or no HOST print musl\'s message and busybox\'s usage, exit 1', async () => {
  const { t, sh } = lab();
  const bad = await t.run(sh, 'traceroute -x 172.18.0.2');
  assert.equal(bad.exit, 1);
  assert.equal(bad.out, '');
  assert.ok(bad.err.startsWith(`traceroute: unrecognized option: x\n${USAGE}`), bad.err);
  assert.ok(bad.err.endsWith('\t-w SEC\tWait for a response (default 3)\n\t-z MSEC\tWait before each send\n'));
  const missing = await t.run(sh, 'traceroute 172.18.0.2 -m');
  assert.match(missing.err, /^traceroute: invalid number '-m'\n$/, 'musl getopt stops at HOST: -m is BYTES');
  const noArg = await t.run(sh, 'traceroute -m');
  assert.ok(noArg.err.startsWith(`traceroute: option requires an argument: m\n${USAGE}`));
  const none = await t.run(sh, 'traceroute');
  assert.deepEqual([none.exit, none.err.startsWith(USAGE)], [1, true]);
});

test('errors: bad address, numbers out of range or not numbers, BYTES below the minimum; exit 1', async () => {
  const { t, sh } = lab();
  const cases: [string, string][] = [
    ['traceroute nosuch', "traceroute: bad address 'nosuch'\n"],
    ['traceroute -m 0 172.18.0.2', 'traceroute: number 0 is not in 1..255 range\n'],
    ['traceroute -q x 172.18.0.2', "traceroute: invalid number 'x'\n"],
    ['traceroute -w 0 172.18.0.2', 'traceroute: number 0 is not in 1..86400 range\n'],
    ['traceroute -m 5 -f 6 172.18.0.2', 'traceroute: number 6 is not in 1..5 range\n'],
    ['traceroute -p 70000 172.18.0.2', 'traceroute: number 70000 is not in 0..65535 range\n'],
    ['traceroute 172.18.0.2 45', 'traceroute: number 45 is not in 46..32768 range\n'],
    ['traceroute -t 256 172.18.0.2', 'traceroute: number 256 is not in 0..255 range\n'],
    ['traceroute 172.18.0.2:x', "traceroute: bad port spec '172.18.0.2:x'\n"],
  ];
  for (const [cmd, err] of cases) {
    const r = await t.run(sh, cmd);
    assert.deepEqual([r.exit, r.out, r.err], [1, '', err], cmd);
  }
  // inet_aton's short forms are addresses, not names
  const short = await t.run(sh, 'traceroute -n -q 1 172.18.2');
  assert.match(short.out, /^traceroute to 172\.18\.2 \(172\.18\.0\.2\), /);
});

test('Ctrl-C kills it: what was printed stays, status 130, nothing more is sent', async () => {
  const { t, box, sh } = lab();
  const clock = new SchedulerClock(t.lab.scheduler, settle);
  const stop = new Interrupt();
  const run = sh.run('traceroute -n -w 1 10.9.0.1', { signal: stop });
  await clock.advance(2.5 * SECOND);
  stop.abort();
  const r = await clock.complete(run);
  assert.equal(r.exit, 130);
  const out = r.output.map((c) => c.text).join('');
  assert.match(out, new RegExp(`^traceroute to 10\\.9\\.0\\.1 \\(10\\.9\\.0\\.1\\), 30 hops max, 46 byte packets\\n 1  172\\.18\\.0\\.1  ${TIME}  ${TIME}  ${TIME}\\n 2  \\*  \\*$`));
  const cap = t.lab.capture(box.ns.device('eth0'));
  await clock.advance(10 * SECOND);
  assert.equal(cap.frames.filter((f) => f.data[23] === ipv4.PROTO_UDP).length, 0);
  assert.equal(box.ns.raw.sockets().length, 0, 'the sockets are closed');
  assert.equal(box.ns.udp.sockets().filter((s) => s.localAddress === parseIpv4('172.18.0.3')).length, 0);
});
