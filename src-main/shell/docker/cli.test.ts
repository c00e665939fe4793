import assert from 'node:assert/strict';
import test from 'node:test';
import type { ContainerProgram, ImageDefinition } from '../../docker/daemon/contracts.ts';
import { SECOND } from '../../sim/time.ts';
import { DockerLab } from '../lab-host.ts';
import { runTranscript } from '../session.ts';
import { parseTranscript } from '../transcript.ts';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A service image for the tests: listens on 80 until stopped. */
const svc: ImageDefinition = {
  name: 'nginx',
  userland: 'gnu',
  cmd: ['nginx', '-g', 'daemon off;'],
  exposedPorts: ['80/tcp'],
  program: (argv): ContainerProgram | undefined => {
    if (argv[0] !== 'nginx') return undefined;
    let close = (): void => undefined;
    return {
      start(ctx) {
        const l = ctx.machine.ns.tcp.listen(80);
        close = () => l.close();
        ctx.log('ready');
      },
      stop: () => close(),
    };
  },
};
const es: ImageDefinition = { ...svc, name: 'elasticsearch', cmd: ['nginx'], exposedPorts: ['9200/tcp', '9300/tcp'] };

async function check(text: string): Promise<void> {
  const lab = new DockerLab({ seed: 3, settle, images: [svc, es] });
  const run = await runTranscript(parseTranscript(text, 'test.t'), lab);
  assert.deepEqual(run.failures, [], run.failures.map((f) => `line ${f.line}: ${f.diff}`).join('\n'));
}

test('docker-machine create, ls, ip, ssh; flotilla node add', () =>
  check(`$ docker-machine create node1
Running pre-create checks...
...
Docker is up and running!
To see how to connect your Docker Client to the Docker Engine running on this virtual machine, run: docker-machine env node1
$ flotilla node add far --ip 192.168.1.20/24 --engine 20.10.24
node far: 192.168.1.20/24, Docker Engine 20.10.24
$ docker-machine ls
NAME    ACTIVE   DRIVER       STATE     URL                         SWARM   DOCKER      ERRORS
far     -        generic      Running   tcp://192.168.1.20:2376             v20.10.24
node1   -        virtualbox   Running   tcp://192.168.99.100:2376           v28.5.2
$ docker-machine ip node1
192.168.99.100
$ docker-machine ssh node1 docker network ls --format '{{.Name}}'
bridge
host
none
$ docker-machine create node1
Host already exists: "node1"
[exit 1]
$ docker-machine ip nope
Docker machine "nope" does not exist. Use "docker-machine ls" to list machines. Use "docker-machine create" to add a new one.
[exit 1]
`));

test('networks and containers through the docker CLI', () =>
  check(`$ docker-machine create node1
...
node1$ docker network ls
NETWORK ID\\s+NAME\\s+DRIVER\\s+SCOPE (re)
[0-9a-f]{12}\\s+bridge\\s+bridge\\s+local (re)
[0-9a-f]{12}\\s+host\\s+host\\s+local (re)
[0-9a-f]{12}\\s+none\\s+null\\s+local (re)
node1$ docker network create dev
[0-9a-f]{64} (re)
node1$ docker network create dev
Error response from daemon: network with name dev already exists
[exit 1]
node1$ docker run -d --name es --net dev -P elasticsearch:2
[0-9a-f]{64} (re)
node1$ docker port es
9200/tcp -> 0.0.0.0:32768
9200/tcp -> [::]:32768
9300/tcp -> 0.0.0.0:32769
9300/tcp -> [::]:32769
node1$ docker port es 9300 | head -n1 | cut -d: -f2
32769
node1$ docker inspect -f '{{.NetworkSettings.Networks.dev.IPAddress}}' es
172.18.0.2
node1$ docker ps --format '{{.Names}} {{.Status}} {{.Ports}}'
es Up \\d+ seconds 0\\.0\\.0\\.0:32768->9200/tcp, \\[::\\]:32768->9200/tcp, 0\\.0\\.0\\.0:32769->9300/tcp, \\[::\\]:32769->9300/tcp (re)
node1$ docker logs es
ready
node1$ docker network create --subnet 10.66.0.0/16 pubnet
[0-9a-f]{64} (re)
node1$ docker run --net pubnet --ip 10.66.66.66 -d --name fixed nginx
[0-9a-f]{64} (re)
node1$ docker run --net pubnet --ip 10.67.0.5 -d nginx
docker: Error response from daemon: invalid config for network pubnet: invalid endpoint settings:
no configured subnet or ip-range contain the IP address 10.67.0.5

Run 'docker run --help' for more information
[exit 125]
node1$ docker run --foo alpine
unknown flag: --foo

Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]

Run 'docker run --help' for more information
[exit 125]
node1$ docker network rm dev
Error response from daemon: error while removing network: network dev has active endpoints \\(name:"es" id:"[0-9a-f]{12}"\\) (re)
[exit 1]
node1$ docker run --rm --net dev alpine cat /etc/resolv.conf
...
nameserver 127.0.0.11
options ndots:0
...
node1$ docker run --rm --net dev alpine grep ExtServers /etc/resolv.conf
.*ExtServers: \\[192\\.168\\.99\\.1\\] (re)
node1$ docker run --rm alpine cat /etc/hosts
127.0.0.1\tlocalhost
::1\tlocalhost ip6-localhost ip6-loopback
fe00::\tip6-localnet
ff00::\tip6-mcastprefix
ff02::1\tip6-allnodes
ff02::2\tip6-allrouters
172.17.0.2\t[0-9a-f]{12} (re)
node1$ docker exec es cat /etc/hostname
[0-9a-f]{12} (re)
node1$ docker stop es
es
node1$ docker exec es hostname
Error response from daemon: container [0-9a-f]{64} is not running (re)
[exit 1]
node1$ docker rm es fixed
es
Error response from daemon: cannot remove container "/fixed": container is running: stop the container before removing or force remove
[exit 1]
node1$ docker network rm dev
dev
node1$ docker ps -a --format '{{.Names}}'
fixed
`));

test('docker logs -f without a console signal: it follows until the container stops, else 60 s as if interrupted, and leaves no listener', async () => {
  const lab = new DockerLab({ seed: 3, settle, images: [svc] });
  const setup = await runTranscript(parseTranscript('$ docker-machine create node1\n...\nnode1$ docker run -d --name web nginx\n[0-9a-f]{64} (re)\n', 'setup.t'), lab);
  assert.deepEqual(setup.failures, []);
  const node = lab.world.node('node1')!;
  const web = node.daemon.findContainer('web');
  const shell = lab.shellFor({ kind: 'node', name: 'node1' })!;
  const exitListeners = web.exitListeners.size;
  const text = (r: { output: { text: string }[] }): string => r.output.map((c) => c.text).join('');

  // Nothing can interrupt it here (a transcript, a background job): it ends after 60 s of virtual time with 130,
  // as a Ctrl-C would, rather than hold the replay forever.
  let t0 = lab.clock.now();
  const capped = await lab.complete(shell.run('docker logs -f web'));
  assert.deepEqual([capped.exit, text(capped), lab.clock.now() - t0], [130, 'ready\n', 60 * SECOND]);
  assert.deepEqual([web.outputListeners.size, web.exitListeners.size], [0, exitListeners], 'the capped follow unsubscribed');

  // --tail 0: only what comes after; it ends with 0 when the container stops, before the cap, and copies nothing more.
  t0 = lab.clock.now();
  const following = shell.run('docker logs -f --tail 0 web');
  await lab.advance(3 * SECOND);
  web.emit('stdout', 'later\n', lab.clock.now());
  await lab.advance(2 * SECOND);
  await node.daemon.stopContainer('web');
  const stopped = await lab.complete(following);
  assert.deepEqual([stopped.exit, text(stopped)], [0, 'later\n']);
  assert.ok(lab.clock.now() - t0 < 60 * SECOND, 'it ended with the container, not at the cap');
  assert.deepEqual([web.outputListeners.size, web.exitListeners.size], [0, exitListeners], 'the ended follow unsubscribed');

  // -f on a stopped container prints its log and returns at once, as dockerd closes a stopped container's stream.
  t0 = lab.clock.now();
  const done = await lab.complete(shell.run('docker logs -f web'));
  assert.deepEqual([done.exit, text(done), lab.clock.now() - t0], [0, 'ready\nlater\n', 0]);
  lab.world.dispose();
});
