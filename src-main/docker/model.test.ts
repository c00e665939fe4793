import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4 } from '../common/wire/ipv4-address.ts';
import { formatMac } from '../common/wire/mac.ts';
import { Random } from '../sim/random.ts';
import { DockerError } from './errors.ts';
import { Ipam } from './ipam.ts';
import { NetworkRegistry, buildDnsNames } from './model.ts';
import type { SwarmRole } from './model.ts';
import { formatAddr, formatPrefix } from './prefix.ts';
import { engineBehaviour } from './version.ts';
import { VniAllocator } from './vni.ts';

function registry(version = '28.5.2', role: SwarmRole = 'none'): NetworkRegistry {
  const behaviour = engineBehaviour(version);
  let t = 0;
  return new NetworkRegistry({ behaviour, ipam: new Ipam({ behaviour }), rng: new Random(1).fork('daemon'), now: () => (t += 1_000_000_000), swarmRole: () => role });
}

function dockerError(f: () => unknown): DockerError {
  try {
    f();
  } catch (e) {
    if (e instanceof DockerError) return e;
    throw e;
  }
  assert.fail('expected a DockerError');
}

test('§1 §2.7 §4.1 predefined networks: bridge/docker0 172.17.0.0/16 gw .1 with the six options, host, none', () => {
  const r = registry();
  const { bridge, host, none } = r.createPredefined();
  assert.equal(bridge.bridgeName, 'docker0');
  assert.equal(formatPrefix(bridge.ipv4[0]!.pool.subnet), '172.17.0.0/16');
  assert.equal(formatAddr(bridge.gateway(4)!), '172.17.0.1');
  assert.deepEqual(bridge.options, {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': 'docker0',
    'com.docker.network.driver.mtu': '1500',
  });
  assert.equal(host.driver, 'host');
  assert.equal(none.driver, 'null');
  assert.equal(host.ipv4.length, 0);
  // a restart gives the bridge a new ID and keeps host/none
  const again = r.createDefaultBridge();
  assert.notEqual(again.id, bridge.id);
  assert.equal(r.list().length, 3);
});

test('§2.7 --bip sets docker0\'s subnet and gateway', () => {
  const r = registry();
  const b = r.createDefaultBridge({ bip: '10.200.0.1/24' });
  assert.equal(formatPrefix(b.ipv4[0]!.pool.subnet), '10.200.0.0/24');
  assert.equal(formatAddr(b.gateway(4)!), '10.200.0.1');
});

test('§4.1 user bridges: br-<id12>, next pool, typed options with defaults', () => {
  const r = registry();
  r.createPredefined();
  const dev = r.create({ name: 'dev' });
  assert.equal(dev.bridgeName, `br-${dev.id.slice(0, 12)}`);
  assert.equal(formatPrefix(dev.ipv4[0]!.pool.subnet), '172.18.0.0/16');
  assert.deepEqual(dev.options, {});
  assert.equal(dev.driverOptions.kind, 'bridge');
  if (dev.driverOptions.kind === 'bridge') {
    assert.equal(dev.driverOptions.enableIcc, true);
    assert.equal(dev.driverOptions.enableIpMasquerade, true);
  }
  const gw = r.create({ name: 'docker_gwbridge', options: { 'com.docker.network.bridge.name': 'docker_gwbridge', 'com.docker.network.bridge.enable_icc': 'false', 'com.docker.network.bridge.enable_ip_masquerade': 'true' } });
  assert.equal(gw.bridgeName, 'docker_gwbridge');
  assert.equal(formatPrefix(gw.ipv4[0]!.pool.subnet), '172.19.0.0/16');
  assert.equal(dockerError(() => r.create({ name: 'x', options: { 'com.docker.network.bridge.enable_icc': 'yes' } })).message, 'failed to parse com.docker.network.bridge.enable_icc value: yes (strconv.ParseBool: parsing "yes": invalid syntax)');
  assert.match(dockerError(() => r.create({ name: 'y', options: { 'com.docker.network.bridge.name': 'docker_gwbridge' } })).message, /^cannot create network [0-9a-f]{64} \(docker_gwbridge\): conflicts with network [0-9a-f]{64} \(docker_gwbridge\): networks have same bridge name$/);
});

test('§10.1 duplicate names, predefined names, unknown drivers', () => {
  const r = registry();
  r.createPredefined();
  r.create({ name: 'dev' });
  const dup = dockerError(() => r.create({ name: 'dev' }));
  assert.equal(dup.cliText(), 'Error response from daemon: network with name dev already exists');
  assert.equal(dup.status, 409);
  assert.equal(dockerError(() => r.create({ name: 'bridge' })).message, 'operation is not permitted on predefined bridge network ');
  assert.equal(dockerError(() => r.create({ name: 'z', driver: 'weave' })).message, 'plugin "weave" not found');
  // ≤24 without CheckDuplicate a second network of that name is created
  const old = registry('24.0.9');
  old.create({ name: 'dev' });
  assert.equal(dockerError(() => old.create({ name: 'dev' })).status, 403);
  old.create({ name: 'dev', checkDuplicate: false });
  assert.equal(dockerError(() => old.find('dev')).message, 'network dev is ambiguous (2 matches found based on name)');
});

test('§10.1 overlay and scope errors', () => {
  const r = registry();
  assert.equal(
    dockerError(() => r.create({ name: 'o', driver: 'overlay' })).message,
    'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.',
  );
  assert.equal(dockerError(() => registry('28.5.2', 'worker').create({ name: 'o', driver: 'overlay' })).message, 'Cannot create a multi-host network from a worker node. Please create the network from a manager node.');
  assert.equal(dockerError(() => r.create({ name: 's', scope: 'swarm' })).message, 'cannot create a swarm scoped network when swarm is not active');
  assert.equal(dockerError(() => r.create({ name: 'i', ingress: true })).message, 'Ingress network can only be global scope network');
  assert.equal(dockerError(() => r.create({ name: 'o', driver: 'overlay', scope: 'local' })).message, 'cannot downgrade network scope for overlay networks');
});

test('§10.2 remove: predefined, active endpoints (per version), then success and pool reuse', () => {
  for (const [v, re] of [
    ['28.0.0', /^error while removing network: network dev id [0-9a-f]{64} has active endpoints$/],
    ['28.5.2', /^error while removing network: network dev has active endpoints \(name:"es" id:"[0-9a-f]{12}", name:"web" id:"[0-9a-f]{12}"\)$/],
  ] as const) {
    const r = registry(v);
    r.createPredefined();
    const dev = r.create({ name: 'dev' });
    assert.equal(dockerError(() => r.remove('bridge')).cliText(), 'Error response from daemon: bridge is a pre-defined network and cannot be removed');
    const es = r.createEndpoint(dev, { name: 'es', key: 'c1'.repeat(32), containerId: 'c1'.repeat(32) });
    const web = r.createEndpoint(dev, { name: 'web', key: 'c2'.repeat(32), containerId: 'c2'.repeat(32) });
    const e = dockerError(() => r.remove('dev'));
    assert.match(e.message, re);
    assert.equal(e.status, 403);
    r.deleteEndpoint(dev, es.id);
    r.deleteEndpoint(dev, web.id);
    assert.equal(r.remove(dev.id.slice(0, 5)).name, 'dev');
    assert.equal(formatPrefix(r.create({ name: 'again' }).ipv4[0]!.pool.subnet), '172.18.0.0/16');
  }
});

test('§2.4 §3 endpoints: .2, .3, lowest free after release; MAC per version; DNS names', () => {
  const r = registry('27.5.1');
  r.createPredefined();
  const dev = r.create({ name: 'dev' });
  const cid = 'a1b2c3d4e5f6' + '0'.repeat(52);
  const es = r.createEndpoint(dev, { name: 'es', key: cid, containerId: cid, aliases: ['search'], hostname: 'a1b2c3d4e5f6' });
  assert.equal(formatIpv4(es.ipv4!.address), '172.18.0.2');
  assert.equal(es.ipv4!.prefixLength, 16);
  assert.equal(formatMac(es.mac), '02:42:ac:12:00:02');
  assert.deepEqual(es.dnsNames, ['es', 'search', 'a1b2c3d4e5f6']);
  const b = r.createEndpoint(dev, { name: 'b', key: 'k2' });
  assert.equal(formatIpv4(b.ipv4!.address), '172.18.0.3');
  r.deleteEndpoint(dev, es.id);
  assert.equal(formatIpv4(r.createEndpoint(dev, { name: 'c', key: 'k3' }).ipv4!.address), '172.18.0.2');
  assert.equal(dockerError(() => r.createEndpoint(dev, { name: 'b', key: 'k4' })).message, 'endpoint with name b already exists in network dev');
  const def = r.createEndpoint(r.byName('bridge')!, { name: 'probe', key: 'k5' });
  assert.deepEqual(def.dnsNames, []);
  const r28 = registry('28.5.2');
  r28.createPredefined();
  const m = r28.createEndpoint(r28.create({ name: 'dev' }), { name: 'es', key: 'k' });
  assert.notEqual(formatMac(m.mac), '02:42:ac:12:00:02');
});

test('§2.5 §10.3 --ip rules on endpoints', () => {
  const r = registry();
  r.createPredefined();
  const pub = r.create({ name: 'pubnet', ipam: { config: [{ subnet: '10.66.0.0/16' }] } });
  const dev = r.create({ name: 'dev' });
  assert.equal(r.endpointSettingsError(pub, { ipv4: '10.66.66.66' }), undefined);
  const fixed = r.createEndpoint(pub, { name: 'fixed', key: 'k', ipv4: '10.66.66.66' });
  assert.equal(formatIpv4(fixed.ipv4!.address), '10.66.66.66');
  assert.equal(r.endpointSettingsError(pub, { ipv4: '10.67.0.5' }), 'invalid endpoint settings:\nno configured subnet or ip-range contain the IP address 10.67.0.5');
  assert.equal(r.endpointSettingsError(dev, { ipv4: '172.18.0.9' }), 'invalid endpoint settings:\nuser specified IP address is supported only when connecting to networks with user configured subnets');
  assert.equal(r.endpointSettingsError(r.byName('bridge')!, { ipv4: '172.17.0.9' }), 'invalid endpoint settings:\nuser specified IP address is supported on user defined networks only');
  assert.equal(r.endpointSettingsError(r.byName('bridge')!, { aliases: ['x'] }), 'invalid endpoint settings:\nnetwork-scoped alias is supported only for containers in user defined networks');
  assert.equal(r.endpointSettingsError(pub, { ipv4: '10.66.1' }), 'invalid endpoint settings:\ninvalid IPv4 address: 10.66.1');
  assert.equal(dockerError(() => r.createEndpoint(pub, { name: 'dup', key: 'k2', ipv4: '10.66.66.66' })).message, 'Address already in use');
});

test('§2.6 IPv6 networks: --ipv6 --subnet', () => {
  const r = registry();
  r.createPredefined();
  const n = r.create({ name: 'v6', enableIPv6: true, ipam: { config: [{ subnet: '2001:db8:1::/64' }] } });
  assert.equal(formatPrefix(n.ipv4[0]!.pool.subnet), '172.18.0.0/16');
  assert.equal(formatAddr(n.gateway(6)!), '2001:db8:1::1');
  const ep = r.createEndpoint(n, { name: 'a', key: 'k' });
  assert.equal(ep.ipv6!.address, '2001:db8:1::2');
  assert.equal(ep.ipv6!.prefixLength, 64);
});

test('§8 macvlan: parent, modes, one network per parent before 27', () => {
  const r = registry('26.1.4');
  const m = r.create({ name: 'mv', driver: 'macvlan', options: { parent: 'eth0' }, ipam: { config: [{ subnet: '192.168.1.0/24', gateway: '192.168.1.1' }] } });
  assert.equal(m.driverOptions.kind === 'macvlan' && m.driverOptions.mode, 'bridge');
  assert.equal(dockerError(() => r.create({ name: 'mv2', driver: 'macvlan', options: { parent: 'eth0' }, ipam: { config: [{ subnet: '192.168.2.0/24' }] } })).message, `network dm-${m.id.slice(0, 12)} is already using parent interface eth0`);
  assert.equal(dockerError(() => r.create({ name: 'mv3', driver: 'macvlan', options: { macvlan_mode: 'foo' } })).message, "requested macvlan mode 'foo' is not valid, 'bridge' mode is the macvlan driver default");
  assert.equal(dockerError(() => r.create({ name: 'mv4', driver: 'macvlan', options: { parent: 'eth0.5000' } })).message, 'vlan id must be between 1-4094, received: 5000');
  const r28 = registry('28.5.2');
  r28.create({ name: 'a', driver: 'macvlan', options: { parent: 'eth0' } });
  r28.create({ name: 'b', driver: 'macvlan', options: { parent: 'eth0' } });
});

test('§6.2 VNIs: serial from 4096 (ingress 4096, next 4097), reuse only after wrap, vxlanid_list', () => {
  const v = new VniAllocator();
  assert.deepEqual([v.allocate(), v.allocate(), v.allocate()], [4096, 4097, 4098]);
  v.release(4097);
  assert.equal(v.allocate(), 4099);
  v.reserve(5000);
  assert.throws(() => v.reserve(5000), /already in use/);
  const small = new VniAllocator(4096, 4098);
  small.allocate();
  small.allocate();
  small.release(4096);
  assert.equal(small.allocate(), 4098);
  assert.equal(small.allocate(), 4096);
});

test('§6.2 managed swarm overlay instantiated on a node: swarm ID, static subnet, vxlanid_list in options', () => {
  const r = registry('28.5.2', 'worker');
  const n = r.create({ name: 'ingress', driver: 'overlay', ingress: true, managed: { id: 'trtnl4tqnc3n8k2m1v0x9c8z7', vnis: [4096] }, ipam: { config: [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1' }] } });
  assert.equal(n.scope, 'swarm');
  assert.deepEqual(n.options, { 'com.docker.network.driver.overlay.vxlanid_list': '4096' });
  const ep = r.createEndpoint(n, { name: 'ingress-endpoint', key: 'ingress-sbox', ipv4: '10.0.0.2' });
  assert.equal(formatMac(ep.mac), '02:42:0a:00:00:02');
  assert.equal(r.find('trtnl4tqnc3n').name, 'ingress');
});

test('DNS names de-duplicated in order', () => {
  assert.deepEqual(buildDnsNames('/web', ['web', 'www'], 'abcdefabcdef1234', 'abcdefabcdef'), ['web', 'www', 'abcdefabcdef']);
});
