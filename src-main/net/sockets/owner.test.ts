import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetLab } from '../scenario.ts';
import { SECOND } from '../../sim/time.ts';
import { SocketProcess } from './owner.ts';

function pair() {
  const lab = new NetLab({ seed: 1 });
  const a = lab.namespace('a');
  const b = lab.namespace('b');
  lab.vethPair(a, 'eth0', b, 'eth0');
  a.addAddress('eth0', '10.0.0.1/24');
  b.addAddress('eth0', '10.0.0.2/24');
  return { lab, a, b };
}

test('descriptors: the lowest free number, the same number in a forked child, free again after close()', () => {
  const p = new SocketProcess({}, 1, 'a-very-long-program-name', '/usr/bin/prog');
  assert.equal(p.comm, 'a-very-long-pro', 'the kernel keeps 15 characters of comm');
  assert.equal(p.allocate(), 3);
  p.reserve(4, 5);
  assert.equal(p.allocate(), 6);
  p.release(3);
  assert.equal(p.allocate(), 3);
  assert.equal(p.allocate(9), 9);
  assert.equal(p.allocate(), 7);
});

test('a listener\'s connections belong to the accepting process; close() and TIME_WAIT leave the socket without one', () => {
  const { lab, a, b } = pair();
  const master = new SocketProcess(a, 1, 'nginx', 'nginx: master process');
  const l = a.tcp.listen(80, { owner: master });
  const worker = new SocketProcess(a, 29, 'nginx', 'nginx: worker process', [0, 1, 2]);
  l.holders.inherit(master, worker);
  l.acceptor = worker;
  worker.reserve(4);
  assert.deepEqual(l.holders.owners.map((o) => [o.process.pid, o.fd]), [[1, 3], [29, 3]]);
  const accepted: { close(): void; holders: { owners: readonly { process: SocketProcess; fd: number }[] } }[] = [];
  l.onConnection = (s) => void accepted.push(s);
  const client = new SocketProcess(b, 7, 'curl', 'curl');
  const c = b.tcp.connect('10.0.0.1', 80, { owner: client });
  assert.deepEqual(c.holders.owners.map((o) => [o.process.pid, o.fd]), [[7, 3]]);
  lab.run(lab.now + SECOND);
  assert.equal(accepted.length, 1);
  assert.deepEqual(accepted[0]!.holders.owners.map((o) => [o.process.pid, o.fd]), [[29, 5]], 'the worker accept()s: its lowest free descriptor');
  // The client closes first: its side goes to TIME_WAIT with no process; the server's close() frees fd 5.
  c.close();
  lab.run(lab.now + SECOND);
  accepted[0]!.close();
  lab.run(lab.now + SECOND);
  assert.equal(c.state, 'TIME_WAIT');
  assert.deepEqual(c.holders.owners, []);
  assert.equal(client.allocate(), 3, 'curl\'s descriptor is free again');
  assert.deepEqual(accepted[0]!.holders.owners, []);
  assert.equal(worker.allocate(), 5);
  // Closing the listener frees its descriptor in both processes.
  l.close();
  assert.equal(master.allocate(), 3);
  assert.equal(worker.allocate(), 3);
});

test('UDP sockets: the opener holds them until close(); the table lists bound sockets only', () => {
  const { a } = pair();
  const p = new SocketProcess(a, 1, 'dnsmasq', 'dnsmasq');
  const s = a.udp.open(p);
  assert.deepEqual(a.udp.sockets(), []);
  s.bind(0, 53);
  assert.deepEqual(a.udp.sockets(), [s]);
  assert.deepEqual(s.holders.owners.map((o) => o.fd), [3]);
  s.close();
  assert.deepEqual(s.holders.owners, []);
  assert.deepEqual(a.udp.sockets(), []);
});
