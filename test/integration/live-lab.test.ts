// A running lab through the contract, as the window drives it: lab.start, consoles whose output streams as events
// while virtual time follows the wall clock, Ctrl-C, completion, the throttled state, and everything gone on stop.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ConsoleOutput, LabRuntimeState } from '../../src-main/common/api/types.ts';
import type { Core } from '../../src-main/services/core.ts';
import { tempCore, until } from './helpers.ts';

let core: Core;
let dispose: () => void;
const output = new Map<string, string>();
const states: LabRuntimeState[] = [];
const exits: { consoleId: string; reason: string }[] = [];
before(() => {
  ({ core, dispose } = tempCore());
  core.subscribe((event, payload) => {
    if (event === 'onConsoleOutput') {
      const o = payload as ConsoleOutput;
      output.set(o.consoleId, (output.get(o.consoleId) ?? '') + o.data);
    } else if (event === 'onLabState') states.push((payload as { state: LabRuntimeState }).state);
    else if (event === 'onConsoleExit') exits.push(payload as { consoleId: string; reason: string });
  });
});
after(() => dispose());

test('a live lab: consoles, streamed output, virtual time, Ctrl-C, completion, state, stop', async () => {
  const api = core.api;
  const { id: labId } = await api.labs.create({ name: 'Live' });
  await assert.rejects(api.lab.state({ labId }), (e: Error & { code?: string }) => e.code === 'not-found');
  const first = await api.lab.start({ labId });
  assert.equal(first.clock.running, true);
  assert.deepEqual(first.nodes, []);
  assert.equal(first.workstation.interfaces[0]?.ip, '192.168.99.1');
  assert.equal((await api.lab.start({ labId })).labId, labId, 'start attaches to the running lab');

  const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
  assert.equal(ws.prompt, 'user@workstation:~$ ');
  const created = await api.console.run({ consoleId: ws.consoleId, line: 'docker-machine create node1' });
  assert.equal(created.exit, 0);
  assert.match(output.get(ws.consoleId) ?? '', /Docker is up and running!/);

  await assert.rejects(api.console.open({ labId, target: { kind: 'node', node: 'node9' } }), (e: Error & { code?: string }) => e.code === 'not-found');
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  assert.equal(n1.prompt, 'docker@node1:~$ ');
  const run = (line: string) => api.console.run({ consoleId: n1.consoleId, line });
  assert.equal((await run('docker network create dev')).exit, 0);
  assert.equal((await run('docker run -d --name web --net dev -p 8080:80 nginx')).exit, 0);

  // The state event shows the node, its network and the container with its address and port.
  await until('the container in onLabState', () => states.some((s) => s.nodes[0]?.containers.some((c) => c.name === 'web' && c.state === 'running')), 10_000);
  const state = await api.lab.state({ labId });
  const node = state.nodes[0]!;
  assert.equal(node.address, '192.168.99.100');
  const dev = node.networks.find((n) => n.name === 'dev')!;
  assert.equal(dev.subnet, '172.18.0.0/16');
  assert.match(dev.bridge ?? '', /^br-[0-9a-f]{12}$/);
  const web = node.containers.find((c) => c.name === 'web')!;
  assert.deepEqual(web.networks.map((e) => [e.network, e.iface, e.ip]), [['dev', 'eth0', '172.18.0.2/16']]);
  assert.deepEqual(web.ports, [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]);

  // Virtual time follows the wall clock: ping -c 2 takes a virtual second or more (at speed 20: ~50 ms wall).
  await api.lab.clock({ labId, action: 'play', speed: 20 });
  const t0 = (await api.lab.state({ labId })).clock.time;
  const before = (output.get(n1.consoleId) ?? '').length;
  assert.equal((await run('docker run --rm --net dev alpine ping -c 2 web')).exit, 0);
  const pinged = (output.get(n1.consoleId) ?? '').slice(before);
  assert.equal(pinged.match(/bytes from 172\.18\.0\.2/g)?.length, 2, pinged);
  assert.ok((await api.lab.state({ labId })).clock.time - t0 >= 1e9, 'a second of virtual time passed');

  // Ctrl-C: ping without -c stops and prints its statistics.
  const mark = (output.get(n1.consoleId) ?? '').length;
  const endless = run('ping 172.18.0.2');
  await until('two replies', () => ((output.get(n1.consoleId) ?? '').slice(mark).match(/bytes from/g)?.length ?? 0) >= 2, 10_000);
  await api.console.interrupt({ consoleId: n1.consoleId });
  const stopped = await endless;
  assert.equal(stopped.exit, 0);
  assert.match((output.get(n1.consoleId) ?? '').slice(mark), /--- 172\.18\.0\.2 ping statistics ---/);
  // ... and so does sleep, with 130, ending the rest of the line.
  const slept = run('sleep 100; echo not reached');
  await new Promise((r) => setTimeout(r, 30));
  await api.console.interrupt({ consoleId: n1.consoleId });
  assert.equal((await slept).exit, 130);
  assert.doesNotMatch(output.get(n1.consoleId) ?? '', /not reached/);

  // Pause holds virtual time; step moves it 100 ms.
  const paused = await api.lab.clock({ labId, action: 'pause' });
  assert.equal(paused.running, false);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal((await api.lab.state({ labId })).clock.time, paused.time);
  assert.equal((await api.lab.clock({ labId, action: 'step' })).time, paused.time + 100e6);
  await api.lab.clock({ labId, action: 'play', speed: 1 });

  // Completion: subcommands, flags, names.
  const c = (line: string) => api.console.complete({ consoleId: n1.consoleId, line, cursor: line.length });
  assert.deepEqual((await c('docker netw')).candidates, ['network']);
  assert.deepEqual((await c('docker network i')).candidates, ['inspect']);
  assert.deepEqual((await c('docker run --n')).candidates, ['--name', '--net', '--network', '--network-alias']);
  assert.deepEqual((await c('docker run --net d')).candidates, ['dev']);
  assert.deepEqual((await c('docker exec w')).candidates, ['web']);
  assert.deepEqual(await c('docker run -d ngi'), { start: 14, end: 17, candidates: ['nginx'] });
  assert.ok((await c('dock')).candidates.includes('docker'));

  // A container's console; `exit` closes a console.
  const inWeb = await api.console.open({ labId, target: { kind: 'container', node: 'node1', container: 'web' } });
  assert.equal(inWeb.title, 'node1/web');
  assert.equal((await api.console.run({ consoleId: inWeb.consoleId, line: 'hostname' })).exit, 0);
  const bye = await api.console.run({ consoleId: inWeb.consoleId, line: 'exit 3' });
  assert.deepEqual([bye.exit, bye.closed], [3, true]);
  await assert.rejects(api.console.run({ consoleId: inWeb.consoleId, line: 'ls' }), (e: Error & { code?: string }) => e.code === 'not-found');

  // A container console closes when its container stops.
  const again = await api.console.open({ labId, target: { kind: 'container', node: 'node1', container: 'web' } });
  await run('docker stop web');
  await until('the console of the stopped container to close', () => exits.some((e) => e.consoleId === again.consoleId), 10_000);

  await api.lab.stop({ labId });
  await assert.rejects(api.lab.state({ labId }), (e: Error & { code?: string }) => e.code === 'not-found');
  await assert.rejects(api.console.run({ consoleId: n1.consoleId, line: 'ls' }), (e: Error & { code?: string }) => e.code === 'not-found');
  assert.ok(exits.some((e) => e.consoleId === ws.consoleId && e.reason === 'the lab stopped'));
});

test('lab.start refuses a lab the library does not have; deleting a lab stops it', async () => {
  await assert.rejects(core.api.lab.start({ labId: '0123456789abcdef0123456789abcdef' }), (e: Error & { code?: string }) => e.code === 'not-found');
  const { id } = await core.api.labs.create({ name: 'Doomed' });
  await core.api.lab.start({ labId: id });
  await core.api.labs.delete({ id });
  await assert.rejects(core.api.lab.state({ labId: id }), (e: Error & { code?: string }) => e.code === 'not-found');
});

test('a lab keeps at most 64 consoles: the oldest idle one makes room', async () => {
  const { id: labId } = await core.api.labs.create({ name: 'Many tabs' });
  await core.api.lab.start({ labId });
  const ids: string[] = [];
  for (let i = 0; i < 65; i++) ids.push((await core.api.console.open({ labId, target: { kind: 'workstation' } })).consoleId);
  assert.ok(exits.some((e) => e.consoleId === ids[0] && /make room/.test(e.reason)));
  assert.equal((await core.api.console.run({ consoleId: ids[64]!, line: 'true' })).exit, 0);
  await core.api.lab.stop({ labId });
});

/**
 * A running lab named `name` with node1, and a console on it: run a line, a mark of its output so far, and the
 * output since a mark.
 */
async function nodeConsole(name: string) {
  const api = core.api;
  const { id: labId } = await api.labs.create({ name });
  await api.lab.start({ labId });
  const ws = await api.console.open({ labId, target: { kind: 'workstation' } });
  assert.equal((await api.console.run({ consoleId: ws.consoleId, line: 'docker-machine create node1' })).exit, 0);
  const n1 = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  const run = (line: string) => api.console.run({ consoleId: n1.consoleId, line });
  const since = (mark: number) => (output.get(n1.consoleId) ?? '').slice(mark);
  const mark = () => (output.get(n1.consoleId) ?? '').length;
  return { api, labId, n1, run, since, mark };
}

test('Ctrl-C on a command that holds the console: it stops as the real tool does, the prompt comes back', async () => {
  const { api, labId, n1, run, since, mark } = await nodeConsole('Interrupts');
  assert.equal((await run('docker network create dev')).exit, 0);
  assert.equal((await run('docker run -d --name web --net dev nginx')).exit, 0);
  await api.lab.clock({ labId, action: 'play', speed: 20 });

  // iputils ping on SIGINT: after the tty's echo "^C" (which the console sends in the output, after the lines
  // ping had printed), a line break, its statistics and the rtt line; it exits 0 as it had replies; nothing else
  // follows, and the prompt comes back.
  let m = mark();
  const ping = run('ping 172.18.0.2');
  await until('three replies', () => (since(m).match(/bytes from/g)?.length ?? 0) >= 3, 10_000);
  await api.console.interrupt({ consoleId: n1.consoleId });
  const pinged = await ping;
  assert.deepEqual([pinged.exit, pinged.prompt, pinged.closed], [0, 'docker@node1:~$ ', false]);
  const stats = /\n\^C\n--- 172\.18\.0\.2 ping statistics ---\n(\d+) packets transmitted, (\d+) received, \d+% packet loss, time \d+ms\nrtt min\/avg\/max\/mdev = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms\n$/.exec(since(m));
  assert.ok(stats, since(m));
  assert.equal(Number(stats[2]), since(m).match(/bytes from/g)?.length, 'received counts the reply lines');
  assert.ok(Number(stats[1]) >= Number(stats[2]));
  // A second Ctrl-C with nothing running does nothing; the console takes the next line and $? is ping's.
  await api.console.interrupt({ consoleId: n1.consoleId });
  m = mark();
  assert.equal((await run('echo status $?')).exit, 0);
  assert.equal(since(m), 'status 0\n');

  // tcpdump on SIGINT: a blank line on stdout, then its counts on stderr, which match the packets it printed.
  assert.equal((await run('docker run -d --name pinger --net dev alpine ping web')).exit, 0);
  m = mark();
  const dump = run('tcpdump -n -i any icmp');
  await until('four packets', () => (since(m).match(/ICMP echo/g)?.length ?? 0) >= 4, 10_000);
  await api.console.interrupt({ consoleId: n1.consoleId });
  const dumped = await dump;
  assert.deepEqual([dumped.exit, dumped.prompt], [0, 'docker@node1:~$ ']);
  const counts = /\n\^C\n(\d+) packets captured\n\1 packets received by filter\n0 packets dropped by kernel\n$/.exec(since(m));
  assert.ok(counts, since(m));
  assert.equal(Number(counts[1]), since(m).match(/ICMP echo/g)?.length, 'captured counts the lines printed');

  // A command that prints nothing at interrupt (sleep) ends with 130; the console goes on.
  const slept = run('sleep 100');
  await new Promise((r) => setTimeout(r, 30));
  await api.console.interrupt({ consoleId: n1.consoleId });
  assert.deepEqual([(await slept).exit, (await slept).prompt], [130, 'docker@node1:~$ ']);
  m = mark();
  assert.equal((await run('echo status $?; hostname')).exit, 0);
  assert.equal(since(m), 'status 130\nnode1\n');
  await api.lab.stop({ labId });
});

test('Ctrl-C on docker exec and an attached docker run: it reaches the process in the container as the docker CLI hands it on', async () => {
  const { api, labId, n1, run, since, mark } = await nodeConsole('Interrupts in containers');
  const replies = (text: string) => text.match(/bytes from/g)?.length ?? 0;
  assert.equal((await run('docker network create dev')).exit, 0);
  assert.equal((await run('docker run -d --name web --net dev nginx')).exit, 0);
  assert.equal((await run('docker run -d --name box --net dev alpine sleep 100000')).exit, 0);
  await api.lab.clock({ labId, action: 'play', speed: 20 });
  // busybox ping on SIGINT: its statistics after a blank line, the loss as an integer, the round-trip line; exit 0
  // with replies. The received count matches the reply lines it printed.
  const busyboxStats = (text: string): void => {
    const s = /\n\^C\n--- web ping statistics ---\n(\d+) packets transmitted, (\d+) packets received, \d+% packet loss\nround-trip min\/avg\/max = \d+\.\d{3}\/\d+\.\d{3}\/\d+\.\d{3} ms\n$/.exec(text);
    assert.ok(s, text);
    assert.equal(Number(s[2]), replies(text), 'received counts the reply lines');
    assert.ok(Number(s[1]) >= Number(s[2]));
  };
  /** Runs `line` until it has printed `n` replies, then presses Ctrl-C: its result, and all it printed. */
  const interruptAfter = async (line: string, n: number) => {
    const from = mark();
    const work = run(line);
    await until(`${n} replies (${line})`, () => replies(since(from)) >= n, 10_000);
    await api.console.interrupt({ consoleId: n1.consoleId });
    const result = await work;
    return { result, text: since(from) };
  };
  /** The names `docker ps -a` lists, sorted. */
  const containers = async (): Promise<string[]> => {
    const from = mark();
    assert.equal((await run("docker ps -a --format '{{.Names}}'")).exit, 0);
    return since(from).trim().split('\n').sort();
  };

  // docker exec -it: the terminal is raw, ^C goes down the container's tty to ping.
  const execd = await interruptAfter('docker exec -it box ping web', 3);
  assert.deepEqual([execd.result.exit, execd.result.prompt], [0, 'docker@node1:~$ ']);
  busyboxStats(execd.text);

  // docker run --rm without -t: the CLI proxies SIGINT to the container's ping (sig-proxy); the container exits with
  // ping's status and --rm removes it.
  const ran = await interruptAfter('docker run --rm --name once --net dev alpine ping web', 3);
  assert.deepEqual([ran.result.exit, ran.result.prompt], [0, 'docker@node1:~$ ']);
  busyboxStats(ran.text);
  assert.deepEqual(await containers(), ['box', 'web']);

  // docker run --rm -it: the same through the tty.
  const tty = await interruptAfter('docker run --rm -it --name twice --net dev alpine ping web', 3);
  assert.equal(tty.result.exit, 0);
  busyboxStats(tty.text);
  assert.deepEqual(await containers(), ['box', 'web']);

  // docker exec without -t: SIGINT ends the CLI (130) without statistics, and ping goes on in the container unread:
  // the node still sees its echo requests, and none of its replies reach the console any more.
  const plain = await interruptAfter('docker exec box ping web', 2);
  assert.deepEqual([plain.result.exit, plain.result.prompt], [130, 'docker@node1:~$ ']);
  assert.doesNotMatch(plain.text, /statistics/);
  let m = mark();
  assert.equal((await run('tcpdump -c 2 -n -i any icmp')).exit, 0);
  assert.equal(since(m).match(/ICMP echo/g)?.length, 2, since(m));
  assert.equal(replies(since(m)), 0, 'the interrupted exec prints nothing more');
  m = mark();
  assert.equal((await run('echo status $?')).exit, 0);
  assert.equal(since(m), 'status 0\n');

  // docker run -t without -i: TTY mode turns the sig-proxy off and the terminal is not raw, so SIGINT ends the CLI
  // (130) and the container runs on; --rm has nothing to remove yet.
  const ttyOnly = await interruptAfter('docker run -t --rm --name thrice --net dev alpine ping web', 2);
  assert.equal(ttyOnly.result.exit, 130);
  assert.doesNotMatch(ttyOnly.text, /statistics/);
  m = mark();
  assert.equal((await run("docker ps --filter name=thrice --format '{{.Names}} {{.Status}}'")).exit, 0);
  assert.match(since(m), /^thrice Up /);
  await api.lab.stop({ labId });
});

test('Ctrl-C on an attached docker run reaches PID 1 as the kernel delivers it: ignored by sleep, handled by nginx, fatal under --init', async () => {
  const { api, labId, run, since, mark, n1 } = await nodeConsole('Signals to PID 1');
  await api.lab.clock({ labId, action: 'play', speed: 20 });
  /** Runs `line`, waits until it has printed `text` (or a moment), presses Ctrl-C: its result and all it printed. */
  const interruptWhen = async (line: string, text: RegExp) => {
    const from = mark();
    const work = run(line);
    await until(`${text} (${line})`, () => text.test(since(from)), 10_000);
    await api.console.interrupt({ consoleId: n1.consoleId });
    const result = await work;
    return { result, text: since(from) };
  };
  const status = async (name: string): Promise<string> => {
    const m = mark();
    assert.equal((await run(`docker ps -a --filter name=${name} --format '{{.Status}}'`)).exit, 0);
    return since(m).trim();
  };

  // sleep as PID 1 has no SIGINT handler: the proxied signal is dropped, the CLI would wait on; the console gives up
  // on it (130) and the container runs on.
  const slept = await interruptWhen('docker run --name napper alpine sh -c "echo ready; sleep 100000"', /ready/);
  assert.equal(slept.result.exit, 130);
  assert.match(await status('napper'), /^Up /);

  // Under docker-init the same SIGINT kills sleep, tini exits 130, and so does the CLI.
  const inited = await interruptWhen('docker run --init --name tini alpine sh -c "echo ready; sleep 100000"', /ready/);
  assert.equal(inited.result.exit, 130);
  assert.match(await status('tini'), /^Exited \(130\) /);

  // nginx takes SIGINT as its fast shutdown: its notices, exit 0, and the CLI returns 0.
  const web = await interruptWhen('docker run --name web nginx', /start worker process 29/);
  assert.equal(web.result.exit, 0);
  assert.match(web.text, /\[notice\] 1#1: signal 2 \(SIGINT\) received, exiting\n.*\[notice\] 29#29: exiting\n(.*\n){3}.*\[notice\] 1#1: exit\n$/);
  assert.match(await status('web'), /^Exited \(0\) /);
  await api.lab.stop({ labId });
});

test('docker logs -f: the container output streams while it runs, until Ctrl-C (130) or the container ends (0)', async () => {
  const { api, labId, n1, run, since, mark } = await nodeConsole('Following logs');
  assert.equal((await run('docker run -d --name web nginx')).exit, 0);
  // A second console on the node makes the requests while the first one follows.
  const other = await api.console.open({ labId, target: { kind: 'node', node: 'node1' } });
  const curl = async (): Promise<void> => assert.equal((await api.console.run({ consoleId: other.consoleId, line: 'curl -s -o /dev/null 172.17.0.2' })).exit, 0);
  const accessLines = (text: string) => text.match(/"GET \/ HTTP\/1\.1" 200 615 "-" "curl\/[^"]*" "-"\n/g)?.length ?? 0;
  await api.lab.clock({ labId, action: 'play', speed: 20 });

  // The log so far, then each request's access-log line as nginx writes it, while the command holds the console.
  let m = mark();
  const follow = run('docker logs -f web');
  await until('the start-up log', () => /start worker process/.test(since(m)), 10_000);
  assert.equal(accessLines(since(m)), 0);
  await curl();
  await until('the first access-log line', () => accessLines(since(m)) === 1, 10_000);
  await curl();
  await until('the second access-log line', () => accessLines(since(m)) === 2, 10_000);
  // Ctrl-C ends the CLI as SIGINT does (nothing printed but the tty's "^C", 130); nginx runs on and no later line
  // reaches the console.
  await api.console.interrupt({ consoleId: n1.consoleId });
  const followed = await follow;
  assert.deepEqual([followed.exit, followed.prompt], [130, 'docker@node1:~$ ']);
  m = mark();
  await curl();
  assert.equal((await run('echo status $?')).exit, 0);
  assert.equal(since(m), 'status 130\n');

  // --tail 0 -f: none of the old lines (start-up, three requests), only what comes after.
  m = mark();
  const fresh = run('docker logs -f --tail 0 web');
  await new Promise((r) => setTimeout(r, 50));
  await curl();
  await until('the new access-log line', () => accessLines(since(m)) === 1, 10_000);
  await api.console.interrupt({ consoleId: n1.consoleId });
  assert.equal((await fresh).exit, 130);
  // The one access-log line, and the tty's echo of Ctrl-C after it.
  assert.deepEqual(since(m).split('\n').filter((l) => l !== '').map((l) => (l === '^C' ? l : accessLines(`${l}\n`))), [1, '^C'], since(m));

  // A container whose process ends by itself: everything it prints, then the command returns 0 (the container's
  // status is not the CLI's), and the container has exited.
  assert.equal((await run("docker run -d --name ticker alpine sh -c 'echo one; sleep 10; echo two; exit 3'")).exit, 0);
  m = mark();
  const ended = await run('docker logs -f ticker');
  assert.deepEqual([ended.exit, since(m)], [0, 'one\ntwo\n']);
  m = mark();
  assert.equal((await run("docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' ticker")).exit, 0);
  assert.equal(since(m), 'exited 3\n');
  await api.lab.stop({ labId });
});
