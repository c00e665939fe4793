// The daemon's factory: a contract DnsRecords answered on the ports the daemon chose, PTR through the address text,
// upstreams sent from the namespace the daemon names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLASS_IN, encode, parse, TYPE_A, TYPE_PTR, type DnsMessage } from '../../common/wire/dns.ts';
import { formatIpv4, parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { Vfs } from '../../common/vfs.ts';
import { s } from '../../sim/time.ts';
import { NetLab } from '../../net/scenario.ts';
import type { Machine } from '../machine.ts';
import type { DnsRecords, VirtualClock } from '../daemon/contracts.ts';
import { addressFromReverse, embeddedDnsFactory } from './embedded.ts';
import { upstreamDns } from './upstream.ts';

test('addressFromReverse', () => {
  assert.equal(addressFromReverse('2.0.18.172'), '172.18.0.2');
  assert.equal(addressFromReverse('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2'), '2001:db8::1');
  assert.equal(addressFromReverse('x.y'), undefined);
});

test('the factory answers from the daemon records on its ports and forwards through the given namespace', () => {
  const lab = new NetLab({ seed: 3 });
  const ns = lab.namespace('c');
  const node = lab.namespace('node');
  const local = upstreamDns(node, { zone: new Map([['docker.com', ['1.2.3.4']]]), address: '127.0.0.53' });
  const machine: Machine = { kind: 'container', id: 'node1/c', ns, fs: new Vfs(), userland: 'busybox', random: lab.random.fork('c'), hostname: () => 'c' };
  const records: DnsRecords = {
    lookup: (name, family) => (name.replace(/\.$/, '').toLowerCase() === 'es' ? (family === 4 ? ['172.19.0.2', '172.19.0.3'] : []) : undefined),
    reverse: (a) => (a === '172.19.0.2' ? 'prod-es-1.prod' : undefined),
    upstreams: () => [{ address: parseIpv4('127.0.0.53'), port: 53, ns: node }],
    userNdots: false,
  };
  const clock: VirtualClock = { now: () => lab.now, sleep: () => Promise.resolve() };
  const server = embeddedDnsFactory({ machine, records, address: parseIpv4('127.0.0.11'), udpPort: 45353, tcpPort: 45355, clock });
  const ask = (name: string, type = TYPE_A): DnsMessage | undefined => {
    let out: DnsMessage | undefined;
    const sock = ns.udp.open();
    sock.onMessage = (m) => (out = parse(m.data));
    sock.sendto(encode({ id: 7, flags: 0x0100, questions: [{ name, type, class: CLASS_IN }], answers: [], authorities: [], additionals: [] }), parseIpv4('127.0.0.11'), 45353);
    lab.run(lab.now + s(5));
    sock.close();
    return out;
  };
  const a = ask('es')!;
  assert.equal(a.flags, 0x8180);
  assert.deepEqual(a.answers.map((r) => formatIpv4((r.data as { address: number }).address)).sort(), ['172.19.0.2', '172.19.0.3']);
  assert.deepEqual(ask('2.0.19.172.in-addr.arpa', TYPE_PTR)!.answers.map((r) => r.data), [{ kind: 'name', name: 'prod-es-1.prod' }]);
  const fwd = ask('docker.com')!;
  assert.equal(fwd.flags, 0x8580);
  assert.deepEqual(local.queries, ['A docker.com']);
  server.stop();
  assert.equal(ask('es'), undefined, 'stopped: nobody answers');
});
