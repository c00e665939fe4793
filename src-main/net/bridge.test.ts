import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '../common/wire/ethernet.ts';
import { formatMac, parseMac } from '../common/wire/mac.ts';
import { s } from '../sim/time.ts';
import { NetLab } from './scenario.ts';
import { Packet } from './packet.ts';
import { switched } from './testing/topologies.ts';

/** A bridge "br0" in namespace sw with three hosts h1..h3 on veth ports p1..p3 (enslaved in that order). */
function setup() {
  const lab = new NetLab({ seed: 3 });
  const specs = [1, 2, 3].map((i) => ({ name: `h${i}`, port: `p${i}`, mac: `02:00:00:00:00:0${i}` }));
  const { sw, br, hosts: spaces } = switched(lab, { ns: 'sw', bridge: 'br0', mac: '02:00:00:00:00:ff' }, specs);
  const hosts = spaces.map((ns) => ns.device('eth0'));
  const caps = hosts.map((h) => lab.capture(h, { promisc: false, filter: (f) => f.direction === 'in' && f.data[12] === 0x88 }));
  const send = (from: number, dst: string) => {
    const h = hosts[from - 1]!;
    const frame = encode({ dst: parseMac(dst), src: h.mac, ethertype: 0x88b5, payload: new Uint8Array(46) });
    h.transmit(new Packet(frame, lab.journeys.take()));
  };
  const seen = () => caps.map((c) => c.frames.length);
  return { lab, sw, br, hosts, caps, send, seen };
}

test('bridge: unknown unicast and broadcast flood to every other port, known unicast goes to its port only', () => {
  const { lab, br, send, seen } = setup();
  send(1, '02:00:00:00:00:02'); // unknown yet: flooded to h2 and h3
  lab.run(s(1));
  assert.deepEqual(seen(), [0, 1, 1]);
  assert.equal(formatMac(br.fdb.lookup(parseMac('02:00:00:00:00:01'), lab.now)!.mac), '02:00:00:00:00:01');
  assert.equal(br.fdb.lookup(parseMac('02:00:00:00:00:01'), lab.now)!.port.name, 'p1');
  send(2, '02:00:00:00:00:01'); // h1 known: only p1
  lab.run(s(2));
  assert.deepEqual(seen(), [1, 1, 1]);
  send(3, 'ff:ff:ff:ff:ff:ff');
  lab.run(s(3));
  assert.deepEqual(seen(), [2, 2, 1]);
  assert.deepEqual(br.fdb.format('br0', lab.now).filter((l) => !l.endsWith('permanent')), [
    '02:00:00:00:00:01 dev p1 master br0',
    '02:00:00:00:00:02 dev p2 master br0',
    '02:00:00:00:00:03 dev p3 master br0',
  ]);
  // local entries: the bridge's MAC and each port's
  assert.equal(br.fdb.format('br0', lab.now).filter((l) => l.endsWith('permanent')).length, 4);
});

test('bridge: flooding visits ports in port_list order (last enslaved first)', () => {
  const { lab, sw, caps, send } = setup();
  const any = lab.capture(sw, { filter: (f) => f.data[12] === 0x88 });
  send(1, 'ff:ff:ff:ff:ff:ff');
  lab.run(s(1));
  // equal latencies: arrival order = transmit order
  const order = caps.flatMap((c, i) => c.frames.map((f) => ({ i, t: f.ts, j: f.journey })));
  assert.equal(order.length, 2);
  assert.equal(order[0]!.j, order[1]!.j, 'flooded copies keep the journey id');
  assert.deepEqual(any.frames.map((f) => `${f.dev} ${f.direction}`), ['p1 in', 'p3 out', 'p2 out', 'br0 in']);
});

test('bridge: learned entries age out after 300 s; static ones do not', () => {
  const { lab, br, send, seen } = setup();
  send(1, 'ff:ff:ff:ff:ff:ff');
  send(2, 'ff:ff:ff:ff:ff:ff');
  lab.run(s(1));
  br.fdb.add(parseMac('02:00:00:00:00:02'), br.ports.find((p) => p.dev.name === 'p2')!.dev, lab.now, { isStatic: true });
  lab.run(s(200));
  send(1, 'ff:ff:ff:ff:ff:ff'); // refreshes h1
  lab.run(s(302));
  assert.ok(br.fdb.lookup(parseMac('02:00:00:00:00:01'), lab.now), 'refreshed at 200 s');
  assert.ok(br.fdb.lookup(parseMac('02:00:00:00:00:02'), lab.now), 'static');
  lab.run(s(501));
  assert.equal(br.fdb.lookup(parseMac('02:00:00:00:00:01'), lab.now), undefined, 'aged out 300 s after 200 s');
  const before = seen();
  send(3, '02:00:00:00:00:01'); // unknown again: flooded
  lab.run(s(502));
  assert.deepEqual(seen(), [before[0]! + 1, before[1]! + 1, before[2]]);
});

test('bridge: hairpin off drops frames back to the ingress port; on sends them back', () => {
  const { lab, br, send, seen } = setup();
  send(1, 'ff:ff:ff:ff:ff:ff');
  lab.run(s(1));
  // A frame from h1 for a MAC learned behind p1 itself.
  br.fdb.add(parseMac('02:00:00:00:00:99'), br.ports.find((p) => p.dev.name === 'p1')!.dev, lab.now, { isStatic: true });
  const before = seen();
  send(1, '02:00:00:00:00:99');
  lab.run(s(2));
  assert.deepEqual(seen(), before);
  br.ports.find((p) => p.dev.name === 'p1')!.hairpin = true;
  send(1, '02:00:00:00:00:99');
  lab.run(s(3));
  assert.deepEqual(seen(), [before[0]! + 1, before[1], before[2]]);
});

test('bridge: frames to the bridge MAC are delivered to the bridge only; promiscuous capture on the bridge sees forwarded frames', () => {
  const { lab, br, send, seen } = setup();
  const cap = lab.capture(br, { filter: (f) => f.data[12] === 0x88 });
  send(1, '02:00:00:00:00:ff');
  send(2, '02:00:00:00:00:03'); // unknown → flooded; bridge is promiscuous → passed up too
  lab.run(s(1));
  assert.deepEqual(seen(), [1, 0, 1]);
  assert.equal(cap.frames.length, 2);
  assert.deepEqual(cap.frames.map((f) => f.pktType), ['host', 'otherhost']);
  cap.stop();
  assert.equal(br.promiscuity, 0);
});
