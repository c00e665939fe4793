import assert from 'node:assert/strict';
import test from 'node:test';
import type { ContainerProgram, ImageDefinition } from '../../docker/daemon/contracts.ts';
import { DockerLab } from '../lab-host.ts';
import { runTranscript } from '../session.ts';
import { parseTranscript } from '../transcript.ts';
import { bytesSize } from './info.ts';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

const svc: ImageDefinition = {
  name: 'nginx',
  userland: 'gnu',
  cmd: ['nginx'],
  exposedPorts: ['80/tcp'],
  program: (argv): ContainerProgram | undefined => (argv[0] === 'nginx' ? { start: () => undefined, stop: () => undefined } : undefined),
};

async function check(text: string): Promise<void> {
  const lab = new DockerLab({ seed: 5, settle, images: [svc] });
  const run = await runTranscript(parseTranscript(text, 'info.t'), lab);
  assert.deepEqual(run.failures, [], run.failures.map((f) => `line ${f.line}: ${f.diff}`).join('\n'));
}

test('bytesSize rounds to four significant digits in binary units, as go-units does', () => {
  assert.equal(bytesSize(1044131840), '995.8MiB');
  assert.equal(bytesSize(4101312512), '3.82GiB');
  assert.equal(bytesSize(512), '512B');
  assert.equal(bytesSize(1024), '1KiB');
});

test('docker info counts follow the containers: running, stopped, removed; images by reference', () =>
  check(`$ docker-machine create n1
...
n1$ docker info -f '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}}'
0 0 0 0 0
n1$ docker run -d --name web1 nginx
[0-9a-f]{64} (re)
n1$ docker run -d --name web2 nginx
[0-9a-f]{64} (re)
n1$ docker run --name once alpine true
n1$ docker info -f '{{.Containers}} {{.ContainersRunning}} {{.ContainersPaused}} {{.ContainersStopped}} {{.Images}}'
3 2 0 1 2
n1$ docker stop web1
web1
n1$ docker rm once
once
n1$ docker info | grep -E 'Containers|Running|Stopped|Images'
 Containers: 2
  Running: 1
  Stopped: 1
 Images: 1
`));

test('docker info follows the swarm state: inactive, manager, inactive again after leave', () =>
  check(`$ docker-machine create m1
...
m1$ docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Nodes}}'
inactive false 0
m1$ docker swarm init --advertise-addr 192.168.99.100
...
m1$ docker info -f '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.Nodes}} {{.Swarm.NodeAddr}}'
active true 1 192.168.99.100
m1$ docker info | grep -E '^ Swarm|^  Managers|^  Nodes'
 Swarm: active
  Managers: 1
  Nodes: 1
m1$ docker swarm leave --force
Node left the swarm.
m1$ docker info | grep Swarm
 Swarm: inactive
`));

test('the layout follows the engine: client part from 19.03, cgroup version from 20.10, the name of the node', () =>
  check(`$ flotilla node add new --engine 20.10.24
...
$ flotilla node add mid --engine 19.03.12
...
$ flotilla node add old --engine 18.09.7
...
new$ docker info | grep -E '^Client|^Server|Cgroup Version|Name|Operating'
Client:
Server:
 Cgroup Version: 2
 Operating System: Ubuntu 24.04.3 LTS
 Name: new
mid$ docker info | grep -E '^Client|^Server|Cgroup|Server Version'
Client:
Server:
 Server Version: 19.03.12
 Cgroup Driver: systemd
old$ docker info | grep -E '^Client|^Server|^Containers|^Server Version|^Name'
Containers: 0
Server Version: 18.09.7-ce
Name: old
old$ docker info -f '{{.ServerVersion}} {{.OSType}} {{.NCPU}}'
18.09.7-ce linux 2
`));
