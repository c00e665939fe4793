// UDP sockets: a connected socket numbers every datagram from its own IP ID counter (ip_select_ident looks at
// inet_daddr only), also those sendto() aims at another port or address, as traceroute's probes are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ipv4 from '../../common/wire/ipv4.ts';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import { ms } from '../../sim/time.ts';
import { routed } from '../testing/topologies.ts';

test('a connected UDP socket: send and sendto elsewhere take consecutive IDs from the socket\'s counter', () => {
  const { lab, a, r } = routed(41);
  const cap = lab.capture(r.device('eth-a'), { filter: (f) => f.data[23] === ipv4.PROTO_UDP });
  const s = a.udp.open();
  s.connect(parseIpv4('10.2.0.2'), 33434);
  s.send(new Uint8Array(18));
  s.sendto(new Uint8Array(18), parseIpv4('10.2.0.2'), 33435);
  s.sendto(new Uint8Array(18), parseIpv4('10.2.0.3'), 53);
  lab.run(ms(5));
  const ids = cap.frames.map((f) => ipv4.parse(f.data.subarray(14)).identification);
  assert.equal(ids.length, 3);
  assert.deepEqual([(ids[1]! - ids[0]!) & 0xffff, (ids[2]! - ids[1]!) & 0xffff], [1, 1]);
  // an unconnected socket leaves it to the kernel's hashed per-destination counter, which is not the socket's
  const u = a.udp.open();
  u.sendto(new Uint8Array(18), parseIpv4('10.2.0.2'), 33436);
  lab.run(ms(10));
  assert.notEqual(ipv4.parse(cap.frames[3]!.data.subarray(14)).identification, (ids[2]! + 1) & 0xffff);
});
