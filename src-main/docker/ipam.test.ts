import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineBehaviour } from './version.ts';
import {
  DEFAULT_LOCAL_POOLS,
  Ipam,
  allocateNetworkPools,
  assignEndpointAddress,
  checkStaticAddress,
  cliIpamConfig,
  inferReservedNetworks,
  releaseNetworkPools,
  ulaPool,
  validateIpamConfig,
} from './ipam.ts';
import type { IpamConfig, IpamInfo, NetworkIpamRequest } from './ipam.ts';
import { addr, formatAddr, formatPrefix, prefix } from './prefix.ts';
import type { Prefix } from './prefix.ts';

const v28 = engineBehaviour('28.5.2');
const v26 = engineBehaviour('26.1.4');
const v24 = engineBehaviour('24.0.9');

function net(ipam: Ipam, configs: IpamConfig[] = [], extra: Partial<NetworkIpamRequest> = {}): IpamInfo {
  return allocateNetworkPools(ipam, { name: 'n', space: 'LocalDefault', family: 4, configs, ...extra })[0]!;
}
const sub = (i: IpamInfo): string => formatPrefix(i.pool.subnet);
const gw = (i: IpamInfo): string => (i.gateway ? formatAddr(i.gateway) : '');

const EXPECTED_31 = [
  ...Array.from({ length: 15 }, (_, i) => `172.${17 + i}.0.0/16`),
  ...Array.from({ length: 16 }, (_, i) => `192.168.${i * 16}.0/20`),
];

test('§2.1 default local pools: 15 /16s from 172.17 then 16 /20s of 192.168', () => {
  assert.equal(DEFAULT_LOCAL_POOLS.length, 7);
  for (const b of [v28, v26]) {
    const ipam = new Ipam({ behaviour: b });
    const got = Array.from({ length: 31 }, () => sub(net(ipam)));
    assert.deepEqual(got, EXPECTED_31);
  }
});

test('§2.2 twenty networks in a row after docker0: 172.18 … 172.31, then 192.168.0.0/20 …', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const docker0 = net(ipam);
  assert.equal(sub(docker0), '172.17.0.0/16');
  assert.equal(gw(docker0), '172.17.0.1');
  const got = Array.from({ length: 20 }, () => net(ipam));
  assert.deepEqual(
    got.map(sub),
    [
      '172.18.0.0/16', '172.19.0.0/16', '172.20.0.0/16', '172.21.0.0/16', '172.22.0.0/16', '172.23.0.0/16',
      '172.24.0.0/16', '172.25.0.0/16', '172.26.0.0/16', '172.27.0.0/16', '172.28.0.0/16', '172.29.0.0/16',
      '172.30.0.0/16', '172.31.0.0/16', '192.168.0.0/20', '192.168.16.0/20', '192.168.32.0/20', '192.168.48.0/20',
      '192.168.64.0/20', '192.168.80.0/20',
    ],
  );
  assert.equal(gw(got[14]!), '192.168.0.1');
});

test('§2.2 ≥27 lowest-free: a removed network\'s subnet is the next one given', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const infos = Array.from({ length: 4 }, () => net(ipam)); // .17 .18 .19 .20
  releaseNetworkPools(ipam, [infos[1]!]);
  assert.equal(sub(net(ipam)), '172.18.0.0/16');
  assert.equal(sub(net(ipam)), '172.21.0.0/16');
});

test('§2.2 ≤26 round-robin: a removed subnet is not reused until the list wraps', () => {
  const ipam = new Ipam({ behaviour: v26 });
  const infos = Array.from({ length: 4 }, () => net(ipam));
  releaseNetworkPools(ipam, [infos[1]!]);
  assert.equal(sub(net(ipam)), '172.21.0.0/16');
  for (let i = 0; i < 26; i++) net(ipam); // 172.22 … 192.168.240.0/20: the last entry of the list
  assert.equal(sub(net(ipam)), '172.18.0.0/16'); // wrapped
});

test('§2.2 exhaustion messages per version', () => {
  const a = new Ipam({ behaviour: v28 });
  for (let i = 0; i < 31; i++) net(a);
  assert.throws(() => net(a), { message: 'all predefined address pools have been fully subnetted' });
  const b = new Ipam({ behaviour: v26 });
  for (let i = 0; i < 31; i++) net(b);
  assert.throws(() => net(b), (e: Error & { status?: number }) => {
    assert.equal(e.message, 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
    assert.equal(e.status, 404);
    return true;
  });
});

test('§2.2 dynamic local pools avoid the host\'s on-link routes and nameservers; static ones do not', () => {
  const reserved = inferReservedNetworks(
    [
      { dst: '172.18.0.0/16', onLink: true },
      { dst: '172.20.5.0/24', onLink: true },
      { dst: '172.19.0.0/16', onLink: false }, // via a gateway: ignored since 23.0
      { dst: 'default', onLink: false },
    ],
    ['172.21.0.53'],
    v28,
  );
  assert.deepEqual(reserved.map(formatPrefix), ['172.18.0.0/16', '172.20.5.0/24', '172.21.0.53/32']);
  const ipam = new Ipam({ behaviour: v28 });
  const take = (): string => sub(net(ipam, [], { reserved }));
  assert.deepEqual([take(), take(), take(), take()], ['172.17.0.0/16', '172.19.0.0/16', '172.22.0.0/16', '172.23.0.0/16']);
  assert.equal(sub(net(ipam, [{ subnet: '172.18.0.0/16' }], { reserved })), '172.18.0.0/16');
  assert.equal(inferReservedNetworks([{ dst: '172.19.0.0/16', onLink: false }], [], engineBehaviour('20.10.24')).length, 1);
});

test('§2.2 ≤26 overlapping candidates are held then released (the start index moves past them)', () => {
  const ipam = new Ipam({ behaviour: v26 });
  const reserved: Prefix[] = [prefix('172.18.0.0/16')];
  assert.equal(sub(net(ipam, [], { reserved })), '172.17.0.0/16');
  assert.equal(sub(net(ipam, [], { reserved })), '172.19.0.0/16');
  assert.equal(sub(net(ipam)), '172.20.0.0/16'); // not 172.18: round-robin continues
});

test('§2.1 daemon.json default-address-pools replace the built-in list (≥27 sorted)', () => {
  const pools = [
    { base: '10.10.0.0/16', size: 24 },
    { base: '10.1.0.0/16', size: 24 },
  ];
  const a = new Ipam({ behaviour: v28, localPools: pools });
  assert.deepEqual([sub(net(a)), sub(net(a))], ['10.1.0.0/24', '10.1.1.0/24']);
  const b = new Ipam({ behaviour: v26, localPools: pools });
  assert.deepEqual([sub(net(b)), sub(net(b))], ['10.10.0.0/24', '10.10.1.0/24']);
});

test('§2.1 swarm pool 10.0.0.0/8 in /24s: ingress first (10.0.0.0/24), then 10.0.1.0/24', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const g = (): IpamInfo => allocateNetworkPools(ipam, { name: 's', space: 'GlobalDefault', family: 4, configs: [], serial: true })[0]!;
  const ingress = g();
  const front = g();
  assert.equal(sub(ingress), '10.0.0.0/24');
  assert.equal(gw(ingress), '10.0.0.1');
  assert.equal(sub(front), '10.0.1.0/24');
  assert.equal(gw(front), '10.0.1.1');
  // local and global spaces are independent
  assert.equal(sub(net(ipam, [{ subnet: '10.0.0.0/24' }])), '10.0.0.0/24');
});

test('§2.3 static subnet overlapping another → Pool overlaps (≥27 prefixed), 403', () => {
  for (const [b, msg] of [
    [v28, 'invalid pool request: Pool overlaps with other one on this address space'],
    [v26, 'Pool overlaps with other one on this address space'],
  ] as const) {
    const ipam = new Ipam({ behaviour: b });
    net(ipam); // 172.17.0.0/16
    assert.throws(() => net(ipam, [{ subnet: '172.17.5.0/24' }]), (e: Error & { status?: number }) => e.message === msg && e.status === 403);
    assert.throws(() => net(ipam, [{ subnet: '172.0.0.0/8' }]), { message: msg });
    net(ipam, [{ subnet: '10.66.0.0/16' }]);
    assert.throws(() => net(ipam, [{ subnet: '10.66.0.0/16' }]), { message: msg });
  }
});

test('§2.3 with --ip-range the parent overlap check is skipped and an identical parent is shared (moby#46756)', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const a = net(ipam, [{ subnet: '10.2.0.0/16' }]);
  const b = net(ipam, [{ subnet: '10.2.0.0/16', ipRange: '10.2.2.0/24' }]);
  assert.equal(gw(a), '10.2.0.1');
  // the gateway of b is the first free address of its range: the range's first address is allocatable
  assert.equal(gw(b), '10.2.2.0');
  // one bitmap: a's gateway is taken for b too
  assert.throws(() => ipam.requestAddress(b.pool, addr('10.2.0.1')), { message: 'Address already in use' });
  releaseNetworkPools(ipam, [b]);
  releaseNetworkPools(ipam, [a]);
  assert.deepEqual(ipam.allocatedSubnets('LocalDefault', 4), []);
});

test('§2.3 gateway: user-given is reserved; ip-range + no gateway → first of the range', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const i = net(ipam, [{ subnet: '10.5.0.0/16', gateway: '10.5.0.254' }]);
  assert.equal(gw(i), '10.5.0.254');
  const e1 = assignEndpointAddress(ipam, { name: 'n', id: 'x' }, [i], 4);
  assert.equal(formatAddr(e1.address), '10.5.0.1');
  const r = net(ipam, [{ subnet: '10.6.0.0/16', ipRange: '10.6.10.0/24' }]);
  assert.equal(gw(r), '10.6.10.0');
  assert.equal(formatAddr(assignEndpointAddress(ipam, { name: 'n', id: 'x' }, [r], 4).address), '10.6.10.1');
});

test('§2.3 aux addresses: reserved, must be in the subnet (403), duplicates fail', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const i = net(ipam, [{ subnet: '10.7.0.0/24', auxAddresses: { host1: '10.7.0.2' } }]);
  assert.equal(formatAddr(i.auxAddresses['host1']!), '10.7.0.2');
  assert.equal(formatAddr(assignEndpointAddress(ipam, { name: 'n', id: 'x' }, [i], 4).address), '10.7.0.3');
  assert.throws(() => net(ipam, [{ subnet: '10.8.0.0/24', auxAddresses: { h: '10.9.0.2' } }]), (e: Error & { status?: number }) => {
    assert.equal(e.message, 'auxiliary address: (h:10.9.0.2) must belong to the master pool: 10.8.0.0/24');
    assert.equal(e.status, 403);
    return true;
  });
  // the failed network released its pool
  assert.equal(sub(net(ipam, [{ subnet: '10.8.0.0/24' }])), '10.8.0.0/24');
  assert.throws(() => net(ipam, [{ subnet: '10.10.0.0/24', gateway: '10.10.0.5', auxAddresses: { g: '10.10.0.5' } }]), {
    message: 'failed to allocate secondary ip address (g:10.10.0.5): Address already in use',
  });
});

test('§2.4 local networks: gateway .1, then .2, .3 …; a released address is the next one given', () => {
  const ipam = new Ipam({ behaviour: v28 });
  net(ipam);
  const i = net(ipam); // 172.18.0.0/16
  const n = { name: 'dev', id: 'x' };
  const a = Array.from({ length: 5 }, () => assignEndpointAddress(ipam, n, [i], 4).address);
  assert.deepEqual(a.map(formatAddr), ['172.18.0.2', '172.18.0.3', '172.18.0.4', '172.18.0.5', '172.18.0.6']);
  ipam.releaseAddress(i.pool, a[3]!);
  ipam.releaseAddress(i.pool, a[1]!);
  assert.equal(formatAddr(assignEndpointAddress(ipam, n, [i], 4).address), '172.18.0.3');
  assert.equal(formatAddr(assignEndpointAddress(ipam, n, [i], 4).address), '172.18.0.5');
  assert.equal(formatAddr(assignEndpointAddress(ipam, n, [i], 4).address), '172.18.0.7');
});

test('§2.4 swarm networks: serial, next after the last, wrapping; freed addresses wait for the wrap', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const i = allocateNetworkPools(ipam, { name: 'front', space: 'GlobalDefault', family: 4, configs: [{ subnet: '10.0.9.0/29' }], serial: true })[0]!;
  const n = { name: 'front', id: 'x' };
  const next = (): string => formatAddr(assignEndpointAddress(ipam, n, [i], 4, undefined, true).address);
  assert.equal(gw(i), '10.0.9.1');
  assert.deepEqual([next(), next(), next()], ['10.0.9.2', '10.0.9.3', '10.0.9.4']);
  ipam.releaseAddress(i.pool, addr('10.0.9.3'));
  assert.deepEqual([next(), next()], ['10.0.9.5', '10.0.9.6']);
  assert.equal(next(), '10.0.9.3'); // wrapped
  assert.throws(() => next(), { message: 'no available IPv4 addresses on this network\'s address pools: front (x)' });
});

test('§2.4 network and broadcast addresses are reserved; /31 has none; pool-full errors', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const i = net(ipam, [{ subnet: '10.20.0.0/30' }]);
  assert.equal(gw(i), '10.20.0.1');
  const n = { name: 'tiny', id: 'id' };
  assert.equal(formatAddr(assignEndpointAddress(ipam, n, [i], 4).address), '10.20.0.2');
  assert.throws(() => ipam.requestAddress(i.pool), { message: 'no available addresses on this pool' });
  const old = new Ipam({ behaviour: v24 });
  const j = net(old, [{ subnet: '10.20.0.0/30' }]);
  old.requestAddress(j.pool);
  assert.throws(() => old.requestAddress(j.pool), { message: 'No available addresses on this pool' });
  const p31 = net(new Ipam({ behaviour: v28 }), [{ subnet: '10.30.0.0/31' }]);
  assert.equal(gw(p31), '10.30.0.0');
});

test('§2.5 --ip: inside the subnet (even outside --ip-range), taken → Address already in use', () => {
  const ipam = new Ipam({ behaviour: v28 });
  const i = net(ipam, [{ subnet: '10.66.0.0/16', ipRange: '10.66.1.0/24' }]);
  const n = { name: 'pubnet', id: 'x' };
  assert.equal(formatAddr(assignEndpointAddress(ipam, n, [i], 4, addr('10.66.66.66')).address), '10.66.66.66');
  assert.throws(() => assignEndpointAddress(ipam, n, [i], 4, addr('10.66.66.66')), (e: Error & { status?: number }) => e.message === 'Address already in use' && e.status === 403);
  assert.throws(() => assignEndpointAddress(ipam, n, [i], 4, addr('10.67.0.5')), { message: "invalid address 10.67.0.5: It does not belong to any of this network's subnets" });
  assert.throws(() => assignEndpointAddress(ipam, n, [i], 4, addr('10.66.0.0')), { message: 'Address already in use' });
});

test('§2.5 / §10.3 static address checks (API validateEndpointIPAddress)', () => {
  assert.equal(checkStaticAddress('10.66.66.66', ['10.66.0.0/16'], 4), undefined);
  assert.equal(checkStaticAddress('10.67.0.5', ['10.66.0.0/16'], 4), 'no configured subnet or ip-range contain the IP address 10.67.0.5');
  assert.equal(checkStaticAddress('172.18.0.9', [], 4), 'user specified IP address is supported only when connecting to networks with user configured subnets');
  assert.equal(checkStaticAddress('fd00::9', ['10.66.0.0/16'], 6), 'user specified IP address is supported only when connecting to networks with user configured subnets');
});

test('§10.1 CLI checks of network create (createIPAMConfig)', () => {
  const o = (p: Partial<Parameters<typeof cliIpamConfig>[0]>): IpamConfig[] => cliIpamConfig({ subnets: [], ipRanges: [], gateways: [], auxAddresses: [], ...p });
  assert.deepEqual(o({ subnets: ['10.1.0.0/16'], gateways: ['10.1.0.254'], ipRanges: ['10.1.2.0/24'], auxAddresses: [['a', '10.1.0.3']] }), [
    { subnet: '10.1.0.0/16', ipRange: '10.1.2.0/24', gateway: '10.1.0.254', auxAddresses: { a: '10.1.0.3' } },
  ]);
  assert.throws(() => o({ gateways: ['10.1.0.1'] }), { message: 'every ip-range or gateway must have a corresponding subnet' });
  assert.throws(() => o({ subnets: ['10.1.0.0/16'], gateways: ['10.2.0.1'] }), { message: 'no matching subnet for gateway 10.2.0.1' });
  assert.throws(() => o({ subnets: ['10.1.0.0/16'], ipRanges: ['10.2.0.0/24'] }), { message: 'no matching subnet for range 10.2.0.0/24' });
  assert.throws(() => o({ subnets: ['10.1.0.0/16', '10.1.2.0/24'] }), { message: 'multiple overlapping subnet configuration is not supported' });
  assert.throws(() => o({ subnets: ['10.1.0.0/16'], auxAddresses: [['x', '10.9.9.9']] }), { message: 'no matching subnet for aux-address 10.9.9.9' });
  // a lone bad subnet passes the CLI (it is only parsed when compared with another) and the daemon refuses it
  assert.deepEqual(o({ subnets: ['10.1.0.0/33'] }), [{ subnet: '10.1.0.0/33', auxAddresses: {} }]);
  assert.throws(() => o({ subnets: ['10.1.0.0/16', '10.2.0.0/33'] }), { message: 'invalid subnet: invalid CIDR address: 10.2.0.0/33' });
  assert.throws(() => o({ subnets: ['10.1.0.0/16', '10.2.0.0/16'], gateways: ['10.1.0.1', '10.1.0.2'] }), { message: 'cannot configure multiple gateways (10.1.0.2, 10.1.0.1) for the same subnet (10.1.0.0/16)' });
  const e = (() => {
    try {
      o({ gateways: ['x'] });
    } catch (err) {
      return err as { cliText(): string };
    }
    throw new Error('no error');
  })();
  assert.equal(e.cliText(), 'every ip-range or gateway must have a corresponding subnet');
});

test('§10.1 API validation (≥25): invalid network config messages', () => {
  const v = (c: IpamConfig, v6 = false): string => {
    try {
      validateIpamConfig([c], v6);
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.equal(v({ subnet: '10.1.0.5/16' }), 'invalid network config:\ninvalid subnet 10.1.0.5/16: it should be 10.1.0.0/16');
  assert.equal(v({ subnet: 'bogus' }), 'invalid network config:\ninvalid subnet bogus: invalid CIDR block notation');
  assert.equal(v({ subnet: '10.1.0.0/16', gateway: '10.2.0.1' }), "invalid network config:\ninvalid gateway 10.2.0.1: parent subnet 10.1.0.0/16 doesn't contain this address");
  assert.equal(v({ subnet: '10.1.0.0/16', gateway: 'fd00::1' }), 'invalid network config:\ninvalid gateway fd00::1: parent subnet is an IPv4 block');
  assert.equal(v({ subnet: '10.1.0.0/24', ipRange: '10.1.0.0/16' }), 'invalid network config:\ninvalid ip-range 10.1.0.0/16: CIDR block is bigger than its parent subnet 10.1.0.0/24');
  assert.equal(v({ subnet: '10.1.0.0/16', ipRange: '10.2.0.0/24' }), "invalid network config:\ninvalid ip-range 10.2.0.0/24: parent subnet 10.1.0.0/16 doesn't contain ip-range");
  assert.equal(
    v({ subnet: '10.1.0.0/16', gateway: '10.2.0.1', auxAddresses: { a: 'zz' } }),
    "invalid network config:\n* invalid gateway 10.2.0.1: parent subnet 10.1.0.0/16 doesn't contain this address\n* invalid auxiliary address a: invalid address",
  );
  assert.equal(v({ subnet: 'fd00::5/64' }), ''); // IPv6 configs are only checked with --ipv6
  assert.equal(v({ subnet: 'fd00::5/64' }, true), 'invalid network config:\ninvalid subnet fd00::5/64: it should be fd00::/64');
});

test('§2.6 IPv6: gateway ::1 (anycast :: reserved); ≥27 ULA default pool split in /64s', () => {
  const ipam = new Ipam({ behaviour: v28, ula: ulaPool(0x12_3456_789a) });
  const v6 = (configs: IpamConfig[] = []): IpamInfo => allocateNetworkPools(ipam, { name: 'n', space: 'LocalDefault', family: 6, configs })[0]!;
  const s = v6([{ subnet: '2001:db8:1::/64' }]);
  assert.equal(gw(s), '2001:db8:1::1');
  assert.equal(formatAddr(assignEndpointAddress(ipam, { name: 'n', id: 'x' }, [s], 6).address), '2001:db8:1::2');
  const d = v6();
  assert.equal(sub(d), 'fd12:3456:789a::/64');
  assert.equal(gw(d), 'fd12:3456:789a::1');
  assert.equal(sub(v6()), 'fd12:3456:789a:1::/64');
  const old = new Ipam({ behaviour: v26, ula: ulaPool(1) });
  assert.throws(
    () => allocateNetworkPools(old, { name: 'n', space: 'LocalDefault', family: 6, configs: [] }),
    { message: 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network' },
  );
});
