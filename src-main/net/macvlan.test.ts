// macvlan, 802.1Q sub-interfaces and ipvlan (l2, l3) on an underlay LAN built like the Docker world's: a switch
// (bridge `ulbr` in namespace `ul`), the workstation 192.168.99.1 and nodes on it; containers with sub-interfaces of
// a node's eth0. Captures are checked field by field with tshark and must be expert-clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMac, parseMac } from '../common/wire/mac.ts';
import { s } from '../sim/time.ts';
import { addIpvlan, type IpvlanMode } from './ipvlan.ts';
import { addMacvlan, MacvlanPort, type MacvlanMode } from './macvlan.ts';
import type { NetNamespace } from './namespace.ts';
import { NetLab } from './scenario.ts';
import { ping, type PingResult } from './sockets/ping.ts';
import { onBridge, switched } from './testing/topologies.ts';
import { addVlan, VlanDemux } from './vlan.ts';
import { expertErrors, fieldRows, hasErrors, writeTemp } from '../../test/tshark.ts';

const NODE1_MAC = '08:00:27:00:00:64';
const WS_MAC = '08:00:27:00:00:01';

function lan(seed = 1) {
  const lab = new NetLab({ seed });
  const workstation = { name: 'workstation', kernel: 'workstation', dev: 'vboxnet0', port: 'p-ws', mac: WS_MAC, address: '192.168.99.1/24' };
  const { sw: ul, br: sw, hosts } = switched(lab, { ns: 'ul', kernel: 'ul', bridge: 'ulbr' }, [workstation]);
  sw.multicastSnooping = false;
  const node = (name: string, ip: string, mac: string): NetNamespace =>
    onBridge(lab, sw, { name, kernel: name, port: `p-${name}`, mac, address: `${ip}/24`, defaultRoute: { via: '192.168.99.1', dev: 'eth0' } });
  return { lab, ul, sw, ws: hosts[0]!, node };
}

function container(lab: NetLab, node: NetNamespace, name: string, ip: string, mac: string, mode: MacvlanMode = 'bridge', parent = 'eth0'): NetNamespace {
  const ns = lab.namespace(name, { kernel: node.name });
  addMacvlan(ns, 'eth0', node.device(parent), { mode, mac: parseMac(mac), ifindex: node.allocIfindex() });
  ns.addAddress('eth0', `${ip}/24`);
  ns.addRoute('default', { via: '192.168.99.1' });
  return ns;
}

/** An ipvlan of `node`'s eth0 in namespace `name`; L2 routes via the workstation, L3 out of the device. */
function ipvlanContainer(lab: NetLab, node: NetNamespace, name: string, ip: string, mode: IpvlanMode): NetNamespace {
  const ns = lab.namespace(name, { kernel: node.name });
  addIpvlan(ns, 'eth0', node.device('eth0'), { mode, ifindex: node.allocIfindex() });
  ns.addAddress('eth0', `${ip}/24`);
  ns.addRoute('default', mode === 'l2' ? { via: '192.168.99.1' } : { dev: 'eth0' });
  return ns;
}

function run(lab: NetLab, ns: NetNamespace, dst: string, count = 2): PingResult {
  let res: PingResult | undefined;
  lab.after(0, () => ping(ns, dst, { count, timeout: s(1) }, (r) => (res = r)));
  lab.run(lab.now + s(count + 4));
  assert.ok(res !== undefined, `ping ${dst} finished`);
  return res;
}

const FIELDS = ['eth.src', 'eth.dst', 'eth.type', 'vlan.id', 'arp.opcode', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4', 'ip.src', 'ip.dst', 'icmp.type'] as const;

test('macvlan bridge mode: containers reach each other and the LAN with their own MACs; the parent cannot reach them', () => {
  const { lab, sw, node } = lan();
  const n1 = node('node1', '192.168.99.100', NODE1_MAC);
  const c1 = container(lab, n1, 'c1', '192.168.99.10', '02:42:c0:a8:63:0a');
  const c2 = container(lab, n1, 'c2', '192.168.99.11', '02:42:c0:a8:63:0b');
  assert.equal(c1.device('eth0').ifindex, 3, 'the ifindex allocated in the node namespace is kept');
  assert.equal(MacvlanPort.of(n1.device('eth0'))?.slaves.length, 2);
  const wire = lab.capture(sw);
  const parent = lab.capture(n1.device('eth0'), { promisc: false });

  const p12 = run(lab, c1, '192.168.99.11');
  assert.deepEqual([p12.transmitted, p12.received], [2, 2]);
  // c1 ↔ c2 unicast is switched inside the port: the LAN sees only c1's ARP request (a broadcast also goes out).
  const wireFile = writeTemp('macvlan-wire-1.pcap', wire.toPcap());
  const w1 = fieldRows(wireFile, FIELDS);
  assert.equal(w1.filter((r) => r['icmp.type'] !== '').length, 0, 'no c1↔c2 ICMP on the LAN');
  assert.ok(w1.some((r) => r['arp.opcode'] === '1' && r['eth.src'] === '02:42:c0:a8:63:0a' && r['arp.dst.proto_ipv4'] === '192.168.99.11'));
  // The parent's capture shows the unicast between its macvlans coming in (dev_forward_skb to the lower device).
  const par = fieldRows(writeTemp('macvlan-parent-1.pcap', parent.toPcap()), FIELDS);
  assert.ok(par.some((r) => r['icmp.type'] === '8' && r['eth.src'] === '02:42:c0:a8:63:0a' && r['eth.dst'] === '02:42:c0:a8:63:0b'));
  assert.ok(par.some((r) => r['icmp.type'] === '0' && r['eth.src'] === '02:42:c0:a8:63:0b'));

  const pws = run(lab, c2, '192.168.99.1');
  assert.deepEqual([pws.transmitted, pws.received], [2, 2]);
  const w2 = fieldRows(writeTemp('macvlan-wire-2.pcap', wire.toPcap()), FIELDS);
  const echo = w2.filter((r) => r['icmp.type'] === '8' && r['ip.dst'] === '192.168.99.1');
  assert.equal(echo.length, 2);
  for (const r of echo) assert.equal(r['eth.src'], '02:42:c0:a8:63:0b', 'the container own MAC on the LAN');
  const replies = w2.filter((r) => r['icmp.type'] === '0' && r['ip.dst'] === '192.168.99.11');
  for (const r of replies) assert.equal(r['eth.dst'], '02:42:c0:a8:63:0b');
  assert.ok(w2.some((r) => r['arp.opcode'] === '2' && r['eth.src'] === '02:42:c0:a8:63:0b') || w2.some((r) => r['arp.opcode'] === '1' && r['eth.src'] === '02:42:c0:a8:63:0b'));

  // The node cannot reach its own macvlan container, nor the container the node.
  const pn = run(lab, n1, '192.168.99.10', 2);
  assert.equal(pn.received, 0);
  const pc = run(lab, c1, '192.168.99.100', 2);
  assert.equal(pc.received, 0);
  wire.stop();
  parent.stop();
  assert.equal(hasErrors(expertErrors(wireFile)), false);
  assert.equal(hasErrors(expertErrors(writeTemp('macvlan-wire-3.pcap', wire.toPcap()))), false);
  assert.equal(hasErrors(expertErrors(writeTemp('macvlan-parent-3.pcap', parent.toPcap()))), false);
});

test('macvlan private mode: no local switching between the macvlans of a port', () => {
  const { lab, node } = lan(2);
  const n1 = node('node1', '192.168.99.100', NODE1_MAC);
  const c1 = container(lab, n1, 'c1', '192.168.99.10', '02:00:00:00:00:0a', 'private');
  container(lab, n1, 'c2', '192.168.99.11', '02:00:00:00:00:0b', 'private');
  assert.equal(run(lab, c1, '192.168.99.11').received, 0);
  assert.equal(run(lab, c1, '192.168.99.1').received, 2);
});

test('deleting the parent deletes its macvlans; deleting a macvlan frees the port', () => {
  const { lab, node } = lan(3);
  const n1 = node('node1', '192.168.99.100', NODE1_MAC);
  const c1 = container(lab, n1, 'c1', '192.168.99.10', '02:00:00:00:00:0a');
  const c2 = container(lab, n1, 'c2', '192.168.99.11', '02:00:00:00:00:0b');
  c2.removeDevice('eth0');
  assert.equal(MacvlanPort.of(n1.device('eth0'))?.slaves.length, 1);
  n1.removeDevice('eth0');
  assert.equal(c1.hasDevice('eth0'), false);
});

test('802.1Q: eth0.10 tags on the parent, untags on the sub-interface; macvlans on eth0.10 reach the VLAN', () => {
  const { lab, sw, node } = lan(4);
  const n1 = node('node1', '192.168.99.100', NODE1_MAC);
  const n2 = node('node2', '192.168.99.101', '08:00:27:00:00:65');
  const v1 = addVlan(n1, 'eth0', 'eth0.10', 10);
  const v2 = addVlan(n2, 'eth0', 'eth0.10', 10);
  assert.equal(formatMac(v1.mac), NODE1_MAC);
  n2.addAddress(v2, '10.10.0.2/24');
  const c = lab.namespace('c10', { kernel: 'node1' });
  addMacvlan(c, 'eth0', v1, { mac: parseMac('02:42:0a:0a:00:0a') });
  c.addAddress('eth0', '10.10.0.10/24');
  const onParent = lab.capture(n1.device('eth0'));
  const onVlan = lab.capture(v1);
  const onWire = lab.capture(sw);
  const r = run(lab, c, '10.10.0.2');
  assert.deepEqual([r.transmitted, r.received], [2, 2]);
  // The untagged LAN (the workstation) does not hear VLAN 10.
  const ws = run(lab, n2, '192.168.99.1', 1);
  assert.equal(ws.received, 1);
  for (const cap of [onParent, onVlan, onWire]) cap.stop();
  const pf = writeTemp('vlan-parent.pcap', onParent.toPcap());
  const parent = fieldRows(pf, FIELDS);
  const icmp = parent.filter((x) => x['icmp.type'] !== '');
  assert.equal(icmp.length, 4);
  for (const x of icmp) {
    assert.equal(x['vlan.id'], '10');
    assert.equal(x['eth.type'], '0x8100');
  }
  assert.ok(parent.some((x) => x['arp.opcode'] === '1' && x['vlan.id'] === '10' && x['eth.src'] === '02:42:0a:0a:00:0a'));
  const vf = writeTemp('vlan-sub.pcap', onVlan.toPcap());
  const sub = fieldRows(vf, FIELDS);
  assert.equal(sub.filter((x) => x['icmp.type'] !== '').length, 4);
  for (const x of sub) assert.equal(x['vlan.id'], '');
  for (const f of [pf, vf, writeTemp('vlan-wire.pcap', onWire.toPcap())]) assert.equal(hasErrors(expertErrors(f)), false, f);
  // Deleting the parent takes the sub-interface and its macvlan along.
  n1.removeDevice('eth0');
  assert.equal(n1.hasDevice('eth0.10'), false);
  assert.equal(c.hasDevice('eth0'), false);
  assert.equal(VlanDemux.of(v1.lower), undefined);
});

test('ipvlan l2: the parent MAC shared, demultiplexed by IP; slaves reach each other and the LAN, not the parent', () => {
  const { lab, sw, node } = lan(5);
  const n1 = node('node1', '192.168.99.100', NODE1_MAC);
  const a = ipvlanContainer(lab, n1, 'a', '192.168.99.20', 'l2');
  ipvlanContainer(lab, n1, 'b', '192.168.99.21', 'l2');
  assert.equal(formatMac(a.device('eth0').mac), NODE1_MAC);
  const wire = lab.capture(sw);
  assert.equal(run(lab, a, '192.168.99.21').received, 2);
  assert.equal(run(lab, a, '192.168.99.1').received, 2);
  assert.equal(run(lab, n1, '192.168.99.20', 1).received, 0);
  wire.stop();
  const wf = writeTemp('ipvlan-wire.pcap', wire.toPcap());
  const rows = fieldRows(wf, FIELDS);
  const out = rows.filter((r) => r['icmp.type'] === '8' && r['ip.src'] === '192.168.99.20' && r['ip.dst'] === '192.168.99.1');
  assert.equal(out.length, 2);
  for (const r of out) assert.equal(r['eth.src'], NODE1_MAC);
  assert.equal(rows.filter((r) => r['icmp.type'] !== '' && r['ip.dst'] === '192.168.99.21').length, 0);
  assert.equal(hasErrors(expertErrors(wf)), false);
});

test('ipvlan l3: no ARP from the slave; routed by the parent namespace; slaves reach each other', () => {
  const { lab, node, ws } = lan(6);
  const n1 = node('node1', '192.168.99.100', NODE1_MAC);
  const a = ipvlanContainer(lab, n1, 'a', '10.77.0.2', 'l3');
  ipvlanContainer(lab, n1, 'b', '10.77.0.3', 'l3');
  const cap = lab.capture(a.device('eth0'));
  assert.equal(run(lab, a, '10.77.0.3').received, 2);
  // The workstation routes 10.77.0.0/24 via the node; the node sends the slave's packets.
  ws.addRoute('10.77.0.0/24', { via: '192.168.99.100' });
  assert.equal(run(lab, a, '192.168.99.1').received, 2);
  cap.stop();
  const rows = fieldRows(writeTemp('ipvlan-l3.pcap', cap.toPcap()), FIELDS);
  assert.equal(rows.filter((r) => r['arp.opcode'] !== '').length, 0);
});
