import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, createNetwork, disconnect, networkLine, nextName, runContainer, validateNetwork } from './gestures.ts';

test('gestures are docker commands with their inverses', () => {
  const c = connect('node1', 'dev', 'es');
  assert.equal(c.do.line, 'docker network connect dev es');
  assert.equal(c.undo?.line, 'docker network disconnect dev es');
  assert.deepEqual(disconnect('node1', 'dev', 'es').undo, c.do);
  assert.equal(runContainer('node1', 'es', 'elasticsearch:2', 'dev').do.line, 'docker run -d --name es --net dev elasticsearch:2');
  assert.equal(runContainer('node1', 'a', 'alpine').do.line, 'docker run -dit --name a alpine');
  assert.equal(createNetwork('node1', { name: 'dev', kind: 'bridge', subnet: '10.1.0.0/24', gateway: '10.1.0.1' }).do.line, 'docker network create --subnet 10.1.0.0/24 --gateway 10.1.0.1 dev');
  assert.equal(networkLine({ name: 'm', kind: 'macvlan' }), 'docker network create -d macvlan -o parent=eth0 m');
  assert.equal(networkLine({ name: 'i', kind: 'internal' }), 'docker network create --internal i');
  assert.equal(nextName('node', ['node1', 'node3']), 'node2');
});

test('a new network is validated as it is typed', () => {
  assert.deepEqual(validateNetwork({ name: 'dev', subnet: '10.1.0.0/24', gateway: '10.1.0.1' }, ['bridge']), {});
  assert.match(validateNetwork({ name: 'bridge', subnet: '', gateway: '' }, ['bridge']).name ?? '', /exists/);
  assert.match(validateNetwork({ name: '-x', subnet: '', gateway: '' }, []).name ?? '', /letters/);
  assert.match(validateNetwork({ name: 'a', subnet: '10.1.0', gateway: '' }, []).subnet ?? '', /address\/prefix/);
  assert.match(validateNetwork({ name: 'a', subnet: '10.1.0.1/24', gateway: '' }, []).subnet ?? '', /host bits.*10\.1\.0\.0\/24/);
  assert.match(validateNetwork({ name: 'a', subnet: '300.1.0.0/24', gateway: '' }, []).subnet ?? '', /not an IPv4/);
  assert.match(validateNetwork({ name: 'a', subnet: '10.1.0.0/24', gateway: '10.2.0.1' }, []).gateway ?? '', /outside/);
  assert.match(validateNetwork({ name: 'a', subnet: '10.1.0.0/24', gateway: '10.1.0.255' }, []).gateway ?? '', /broadcast/);
  assert.match(validateNetwork({ name: 'a', subnet: '', gateway: '10.1.0.1' }, []).gateway ?? '', /needs a subnet/);
});
