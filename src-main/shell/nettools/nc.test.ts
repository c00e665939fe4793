import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SECOND } from '../../sim/time.ts';
import { Interrupt } from '../interrupt.ts';
import type { RunResult, Shell } from '../interpreter.ts';
import { SchedulerClock } from '../scheduler-clock.ts';
import { toolLab } from './testing.ts';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function lab() {
  const t = toolLab(settle);
  const srv = t.container('srv', '172.18.0.2', 'busybox');
  const cli = t.container('cli', '172.18.0.3', 'busybox');
  const clock = new SchedulerClock(t.lab.scheduler, settle);
  return { t, srv: t.shell(srv), cli: t.shell(cli), clock };
}

function split(r: RunResult): { exit: number; out: string; err: string } {
  const pick = (s: string): string => r.output.filter((c) => c.stream === s).map((c) => c.text).join('');
  return { exit: r.exit, out: pick('stdout'), err: pick('stderr') };
}

/** Starts `cmd` in `sh` without waiting for it (a server); `stop` is its Ctrl-C. */
function start(sh: Shell, cmd: string): { done: Promise<RunResult>; stop: Interrupt } {
  const stop = new Interrupt();
  return { done: sh.run(cmd, { signal: stop }), stop };
}

const USAGE = `BusyBox v1.36.1 (2023-07-27 17:12:24 UTC) multi-call binary.

Usage: nc [OPTIONS] HOST PORT  - connect
nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen

\t-e PROG\tRun PROG after connect (must be last)
\t-l\tListen mode, for inbound connects
\t-lk\tWith -e, provides persistent server
\t-p PORT\tLocal port
\t-s ADDR\tLocal address
\t-w SEC\tTimeout for connects and final net reads
\t-i SEC\tDelay interval for lines sent
\t-n\tDon't do DNS resolution
\t-u\tUDP mode
\t-b\tAllow broadcasts
\t-v\tVerbose
\t-o FILE\tHex dump traffic
\t-z\tZero-I/O mode (scanning)
`;

test('nc HOST PORT and nc -l -p PORT exchange stdin both ways and both exit once both directions ended', async () => {
  const { t, srv, cli, clock } = lab();
  const server = start(srv, 'printf "pong\\n" | nc -l -p 9000');
  const c = await t.run(cli, 'echo hello | nc srv 9000');
  assert.deepEqual([c.exit, c.out, c.err], [0, 'pong\n', '']);
  const s = split(await clock.complete(server.done));
  assert.deepEqual([s.exit, s.out, s.err], [0, 'hello\n', '']);
  // one connection only: the listener closed when it took it
  const again = await t.run(cli, 'nc -vv srv 9000');
  assert.equal(again.exit, 1);
  assert.match(again.err, /^nc: srv \(172\.18\.0\.2:9000\): Connection refused\n/);
});

test('nc -lv: the IPv6 socket\'s v4-mapped addresses, the peer named by PTR (-n: numeric), -s: an IPv4 socket', async () => {
  const { t, srv, cli, clock } = lab();
  let server = start(srv, 'nc -lv -p 9000');
  await t.run(cli, 'nc -p 40001 srv 9000');
  let s = split(await clock.complete(server.done));
  assert.equal(s.err, 'listening on [::]:9000 ...\nconnect to [::ffff:172.18.0.2]:9000 from cli.dev:40001 ([::ffff:172.18.0.3]:40001)\n');
  server = start(srv, 'nc -lvn -p 9000');
  await t.run(cli, 'nc -p 40003 srv 9000');
  s = split(await clock.complete(server.done));
  assert.equal(s.err, 'listening on [::]:9000 ...\nconnect to [::ffff:172.18.0.2]:9000 from [::ffff:172.18.0.3]:40003 ([::ffff:172.18.0.3]:40003)\n');
  server = start(srv, 'nc -lv -s 172.18.0.2 -p 9000');
  await t.run(cli, 'nc -p 40005 srv 9000');
  s = split(await clock.complete(server.done));
  assert.equal(s.err, 'listening on 172.18.0.2:9000 ...\nconnect to 172.18.0.2:9000 from cli.dev:40005 (172.18.0.3:40005)\n');
});

test('refused: silent without -v and with one -v (exit 1); -vv prints the error and the counts', async () => {
  const { t, cli } = lab();
  const quiet = await t.run(cli, 'nc srv 9');
  assert.deepEqual([quiet.exit, quiet.all], [1, '']);
  const one = await t.run(cli, 'nc -v srv 9');
  assert.deepEqual([one.exit, one.all], [1, '']);
  const two = await t.run(cli, 'nc -vv srv 9');
  assert.deepEqual([two.exit, two.out, two.err], [1, '', 'nc: srv (172.18.0.2:9): Connection refused\nsent 0, rcvd 0\n']);
});

test('-z: an open port is "open" with -v and exit 0, a closed one exit 1; the scan sends no data', async () => {
  const { t, srv, cli } = lab();
  const server = start(srv, 'nc -lk -p 7 -e cat');
  const cap = t.lab.capture(t.lab.namespace('cli').device('eth0'));
  const open = await t.run(cli, 'nc -zv srv 7');
  assert.deepEqual([open.exit, open.out, open.err], [0, '', 'srv (172.18.0.2:7) open\n']);
  const fromCli = cap.frames.filter((f) => f.data[23] === 6 && f.data[29] === 3);
  assert.ok(fromCli.length >= 3, 'handshake and FIN');
  for (const f of fromCli) assert.equal(((f.data[16]! << 8) | f.data[17]!) - 20 - (f.data[46]! >> 4) * 4, 0, 'no payload');
  const closed = await t.run(cli, 'nc -zv 172.18.0.2 8');
  assert.deepEqual([closed.exit, closed.all], [1, '']);
  const counted = await t.run(cli, 'nc -zvv srv 7');
  assert.equal(counted.err, 'srv (172.18.0.2:7) open\nsent 0, rcvd 0\n');
  server.stop.abort();
});

test('-e: PROG gets what the peer sent as stdin and its output goes back; -lk keeps serving; a missing PROG is 127', async () => {
  const { t, srv, cli, clock } = lab();
  const echo = start(srv, 'nc -lk -p 7 -e cat');
  const a = await t.run(cli, 'echo first | nc srv 7');
  const b = await t.run(cli, 'printf "second\\nthird\\n" | nc srv 7');
  assert.deepEqual([a.exit, a.out, b.exit, b.out], [0, 'first\n', 0, 'second\nthird\n']);
  echo.stop.abort();
  const stopped = split(await clock.complete(echo.done));
  assert.deepEqual([stopped.exit, stopped.err], [130, 'punt!\n']);
  const once = start(srv, 'nc -l -p 13 -e echo hello world');
  const c = await t.run(cli, 'nc srv 13');
  assert.equal(c.out, 'hello world\n');
  assert.equal((await clock.complete(once.done)).exit, 0);
  const missing = start(srv, 'nc -l -p 14 -e nosuch');
  await t.run(cli, 'nc srv 14');
  const m = split(await clock.complete(missing.done));
  assert.deepEqual([m.exit, m.err], [127, "nc: can't execute 'nosuch': No such file or directory\n"]);
  // the "-<opts>e PROG" form (aboriginal linux's)
  const combined = start(srv, 'nc -lp 15 -ve echo hi');
  const d = await t.run(cli, 'nc srv 15');
  assert.equal(d.out, 'hi\n');
  assert.match(split(await clock.complete(combined.done)).err, /^listening on \[::\]:15 \.\.\.\nconnect to /);
});

test('UDP: the listener answers its first sender; -w1 ends the client after two silent seconds', async () => {
  const { t, srv, cli, clock } = lab();
  const server = start(srv, 'echo pong | nc -u -lv -p 9001');
  const before = t.lab.now;
  const c = await t.run(cli, 'echo ping | nc -u -w1 -p 40000 srv 9001');
  assert.deepEqual([c.exit, c.out, c.err], [0, 'pong\n', '']);
  const elapsed = t.lab.now - before;
  assert.ok(elapsed >= 2 * SECOND && elapsed < 2 * SECOND + 10_000_000, `${elapsed}`);
  // a datagram from another port is not the connected peer's: port unreachable, the server does not see it
  await t.run(cli, 'echo other | nc -u -w1 -p 40002 srv 9001');
  server.stop.abort();
  const s = split(await clock.complete(server.done));
  assert.equal(s.out, 'ping\n');
  assert.equal(s.err, 'listening on [::]:9001 ...\nconnect to [::ffff:172.18.0.2]:9001 from cli.dev:40000 ([::ffff:172.18.0.3]:40000)\npunt!\n');
  assert.equal(s.exit, 130);
});

test('UDP -z: open when nothing comes back, closed when the port unreachable turns the second write into ECONNREFUSED', async () => {
  const { t, srv, cli } = lab();
  const server = start(srv, 'nc -u -l -p 9001');
  const cap = t.lab.capture(t.lab.namespace('cli').device('eth0'));
  const open = await t.run(cli, 'nc -zuv srv 9001');
  assert.deepEqual([open.exit, open.err], [0, 'srv (172.18.0.2:9001) open\n']);
  // the "tcp ping" to port 31337 timed the round trip: a SYN went out and a RST came back
  const tcp = cap.frames.filter((f) => f.data[23] === 6);
  assert.ok(tcp.some((f) => ((f.data[36]! << 8) | f.data[37]!) === 31337), 'SYN to 31337');
  const closed = await t.run(cli, 'nc -zuv srv 9002');
  assert.deepEqual([closed.exit, closed.all], [1, '']);
  const loud = await t.run(cli, 'nc -zuvv srv 9002');
  assert.deepEqual([loud.exit, loud.err], [1, 'nc: srv (172.18.0.2:9002): Connection refused\nsent 0, rcvd 0\n']);
  server.stop.abort();
});

test('usage: unknown option, a missing argument, too many operands, no host; exit 1', async () => {
  const { t, cli } = lab();
  const bad = await t.run(cli, 'nc -~');
  assert.deepEqual([bad.exit, bad.out, bad.err], [1, '', `nc: unrecognized option: ~\n${USAGE}`]);
  const missing = await t.run(cli, 'nc srv 80 -p');
  assert.deepEqual([missing.exit, missing.err], [1, `nc: option requires an argument: p\n${USAGE}`]);
  const many = await t.run(cli, 'nc a b c');
  assert.deepEqual([many.exit, many.err], [1, USAGE]);
  const none = await t.run(cli, 'nc -v');
  assert.deepEqual([none.exit, none.err], [1, USAGE]);
});

test('bad address, bad ports, bad numbers, a -s address that is not local', async () => {
  const { t, cli } = lab();
  const cases: [string, string][] = [
    ['nc nosuch 80', "nc: bad address 'nosuch'\n"],
    ['nc srv 1-100', "nc: bad port '1-100'\n"],
    ['nc -p x srv 80', "nc: bad port 'x'\n"],
    ['nc srv:99999', "nc: bad port '99999'\n"],
    ['nc -w 2s srv 80', "nc: invalid number '2s'\n"],
    ['nc -i 0 srv 80', 'nc: number 0 is not in 1..65535 range\n'],
    ['nc -s 10.9.9.9 srv 80', 'nc: bind: Address not available\n'],
  ];
  for (const [cmd, err] of cases) {
    const r = await t.run(cli, cmd);
    assert.deepEqual([r.exit, r.out, r.err], [1, '', err], cmd);
  }
  // service names and HOST:PORT are ports too
  assert.equal((await t.run(cli, 'nc -vv srv http')).err.split('\n')[0], 'nc: srv (172.18.0.2:80): Connection refused');
  assert.equal((await t.run(cli, 'nc -vv srv:81')).err.split('\n')[0], 'nc: srv:81 (172.18.0.2:81): Connection refused');
});

test('-w: a connect to a silent address gives up after SEC; a listener with nobody calling dies with "timeout"', async () => {
  const { t, srv, cli } = lab();
  let before = t.lab.now;
  const r = await t.run(cli, 'nc -v -w 2 172.18.0.99 80');
  assert.deepEqual([r.exit, r.err], [1, 'nc: 172.18.0.99 (172.18.0.99:80): Operation timed out\n']);
  assert.ok(t.lab.now - before >= 2 * SECOND && t.lab.now - before < 2 * SECOND + 10_000_000);
  const quiet = await t.run(cli, 'nc -w 1 172.18.0.99 80');
  assert.deepEqual([quiet.exit, quiet.all], [1, '']);
  // without -w the kernel's own failure: ARP gets no answer
  const unreach = await t.run(cli, 'nc -v 172.18.0.99 80');
  assert.deepEqual([unreach.exit, unreach.err], [1, 'nc: 172.18.0.99 (172.18.0.99:80): Host is unreachable\n']);
  before = t.lab.now;
  const l = await t.run(srv, 'nc -l -w 1 -p 9000');
  assert.deepEqual([l.exit, l.err], [1, 'nc: timeout\n']);
  assert.ok(t.lab.now - before >= SECOND);
});

test('Ctrl-C: "punt!" (after the counts with -vv) and the status of death by SIGINT', async () => {
  const { srv, clock } = lab();
  const server = start(srv, 'nc -lvv -p 9000');
  await clock.advance(SECOND);
  server.stop.abort();
  const s = split(await clock.complete(server.done));
  assert.deepEqual([s.exit, s.err], [130, 'listening on [::]:9000 ...\nsent 0, rcvd 0\npunt!\n']);
  // its listener is closed: the port can be listened on again
  const again = start(srv, 'nc -lv -p 9000');
  await clock.advance(SECOND);
  again.stop.abort();
  const a = split(await clock.complete(again.done));
  assert.deepEqual([a.exit, a.err], [130, 'listening on [::]:9000 ...\npunt!\n']);
});

test('-o FILE: oprint\'s hex dump of both directions; -i: one line per interval', async () => {
  const { t, srv, cli, clock } = lab();
  const server = start(srv, 'printf "pong\\n" | nc -l -p 9000');
  const before = t.lab.now;
  const c = await t.run(cli, 'printf "hello world, more than 16 bytes\\nbye\\n" | nc -i 1 -o /tmp/dump srv 9000');
  assert.equal(c.out, 'pong\n');
  // a pause first, one per line, and the pass that reads the end of stdin ends with one too
  const took = t.lab.now - before;
  assert.ok(took >= 4 * SECOND && took < 4 * SECOND + 10_000_000, `${took}`);
  assert.equal(split(await clock.complete(server.done)).out, 'hello world, more than 16 bytes\nbye\n');
  const dump = await t.run(cli, 'cat /tmp/dump');
  assert.equal(
    dump.out,
    '< 00000000 70 6f 6e 67 0a                                  # pong.\n' +
      '> 00000000 68 65 6c 6c 6f 20 77 6f 72 6c 64 2c 20 6d 6f 72 # hello world, mor\n' +
      '> 00000010 65 20 74 68 61 6e 20 31 36 20 62 79 74 65 73 0a # e than 16 bytes.\n' +
      '> 00000020 62 79 65 0a                                     # bye.\n',
  );
});
