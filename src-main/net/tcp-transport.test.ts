// TCP glued to the namespaces: an HTTP exchange between two namespaces over a bridge, captured on the bridge and
// checked by tshark; connection refused (RST), host unreachable (ARP failure → local ICMP → EHOSTUNREACH), and
// path MTU discovery (a router's frag-needed shrinks the MSS and the lost segment is resent in pieces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ms, s } from '../sim/time.ts';
import { curl, httpServer, type CurlResult } from './apps/http.ts';
import type { TcpError } from './tcp/types.ts';
import { routed, twoOnBridge } from './testing/topologies.ts';
import { expertErrors, fieldRows, hasErrors, tshark, writeTemp } from '../../test/tshark.ts';

const enc = new TextEncoder();

const F = ['frame.len', 'eth.type', 'ip.src', 'ip.id', 'ip.flags', 'ip.ttl', 'tcp.srcport', 'tcp.flags.str', 'tcp.len', 'tcp.window_size_value', 'tcp.option_kind', 'tcp.options.mss_val', 'tcp.options.wscale.shift'] as const;

test('HTTP between two namespaces over a bridge: Linux segments, clean in tshark', () => {
  const { lab, br, a, b } = twoOnBridge(3);
  const body = enc.encode('x'.repeat(4000));
  const server = httpServer(b, { port: 8080, files: new Map([['/big.txt', body], ['/hello.txt', enc.encode('hello, world!\n')]]) });
  const cap = lab.capture(br);
  const results: CurlResult[] = [];
  lab.at(ms(10), () => curl(a, 'http://10.0.0.3:8080/hello.txt', {}, (r) => results.push(r)));
  lab.at(ms(500), () => curl(a, 'http://10.0.0.3:8080/big.txt', {}, (r) => results.push(r)));
  lab.run(s(2));
  cap.stop();
  assert.equal(results.length, 2);
  assert.deepEqual(results.map((r) => [r.status, r.sizeDownload, r.error]), [[200, 14, undefined], [200, 4000, undefined]]);
  assert.deepEqual(server.log, ['GET /hello.txt', 'GET /big.txt']);
  assert.equal(results[0]!.localPort % 2, 0, 'connect() picks even ephemeral ports');

  const file = writeTemp('tcp-bridge.pcap', cap.toPcap());
  assert.ok(!hasErrors(expertErrors(file)), expertErrors(file));
  // No retransmissions, duplicate ACKs, zero windows or other TCP analysis flags.
  assert.equal(tshark(['-r', file, '-Y', 'tcp.analysis.flags && !tcp.analysis.window_update']).trim(), '');
  // (The bridge, which has no address, also sends its IGMPv3 reports from 0.0.0.0.)
  const rows = fieldRows(file, F).filter((r) => r['ip.src'] !== '0.0.0.0');
  assert.deepEqual(rows.slice(0, 2).map((r) => r['eth.type']), ['0x0806', '0x0806']);
  const tcp = rows.filter((r) => r['tcp.flags.str'] !== '');
  // Connection 1: the reference's 12-segment shape (facts 3.6), at MTU 1500.
  const shape = (rs: typeof tcp) => rs.map((r) => `${r['tcp.srcport'] === '8080' ? 's' : 'c'} ${r['tcp.flags.str'].replace(/·/g, '')} ${r['tcp.len']}`);
  assert.deepEqual(shape(tcp.slice(0, 12)), ['c S 0', 's AS 0', 'c A 0', 'c AP 86', 's A 0', 's AP 186', 'c A 0', 's AP 14', 'c A 0', 'c AF 0', 's AF 0', 'c A 0']);
  // Connection 2: 4000 bytes = 1448 + 1448 + 1104 at MSS 1460 with timestamps.
  assert.deepEqual(shape(tcp.slice(12)).filter((x) => x.startsWith('s A') && !x.endsWith(' 0')), ['s AP 188', 's A 1448', 's A 1448', 's AP 1104']);
  const syn = tcp[0]!;
  assert.equal(syn['frame.len'], '74');
  assert.equal(syn['tcp.option_kind'], '2/4/8/1/3');
  assert.equal(syn['tcp.options.mss_val'], '1460');
  assert.equal(syn['tcp.window_size_value'], '64240');
  assert.equal(syn['tcp.options.wscale.shift'], '7');
  const synack = tcp[1]!;
  assert.equal(synack['tcp.window_size_value'], '65160');
  assert.equal(synack['ip.id'], '0x0000');
  for (const r of tcp) {
    assert.equal(r['ip.flags'], '0x02', 'DF on every segment');
    assert.equal(r['ip.ttl'], '64');
  }
  for (const r of tcp) if (!r['tcp.flags.str'].includes('S')) assert.equal(r['tcp.option_kind'], '1/1/8');
  // The client's IP IDs count +1 per segment from a random start.
  const cids = tcp.slice(0, 12).filter((r) => r['tcp.srcport'] !== '8080').map((r) => parseInt(r['ip.id'], 16));
  for (let i = 1; i < cids.length; i++) assert.equal(cids[i], (cids[i - 1]! + 1) & 0xffff);
});

test('connect to a closed port: RST, ECONNREFUSED', () => {
  const { lab, a } = twoOnBridge(4);
  let err: TcpError | undefined;
  lab.at(ms(1), () => {
    const sock = a.tcp.connect('10.0.0.3', 9);
    sock.onError = (e) => (err = e);
  });
  lab.run(ms(100));
  assert.equal(err?.code, 'ECONNREFUSED');
});

test('connect to a missing host: three ARP probes, then EHOSTUNREACH from the local ICMP error', () => {
  const { lab, a } = twoOnBridge(5);
  let err: TcpError | undefined;
  let at = 0;
  const cap = lab.capture(a.device('eth0'));
  lab.at(ms(1), () => {
    const sock = a.tcp.connect('10.0.0.99', 80);
    sock.onError = (e) => {
      err = e;
      at = lab.now;
    };
  });
  lab.run(s(10));
  assert.equal(err?.code, 'EHOSTUNREACH');
  assert.ok(at > s(2.9) && at < s(3.2), `failed after ${at}`);
  const arp = cap.frames.filter((f) => f.data[12] === 0x08 && f.data[13] === 0x06);
  assert.equal(arp.length, 3, 'three ARP requests');
  assert.equal(cap.frames.length - arp.length, cap.frames.filter((f) => f.data[23] === 2).length, 'nothing else but IGMP: the SYN never left');
  assert.throws(() => a.tcp.connect('192.0.2.1', 80), /ENETUNREACH/);
});

test('path MTU discovery: frag-needed from a router shrinks the MSS; the data arrives in smaller segments', () => {
  const { lab, a, r, b } = routed(6);
  // The link towards b is narrower than the interfaces say (a route MTU, as a tunnel would have).
  r.mainTable.delete({ dev: r.device('eth-b') });
  r.addRoute('10.2.0.0/24', { dev: 'eth-b', mtu: 1000, src: '10.2.0.1' });
  const data = new Uint8Array(6000).map((_, i) => i & 0xff);
  const received: Uint8Array[] = [];
  const l = b.tcp.listen(5001);
  l.onConnection = (sk) => {
    sk.onData = (d) => received.push(d.slice());
  };
  const cap = lab.capture(a.device('eth0'));
  lab.at(ms(1), () => {
    const sk = a.tcp.connect('10.2.0.2', 5001);
    sk.onConnect = () => sk.write(data);
  });
  lab.run(s(5));
  const got = new Uint8Array(received.reduce((n, d) => n + d.length, 0));
  let o = 0;
  for (const d of received) {
    got.set(d, o);
    o += d.length;
  }
  assert.deepEqual(got, data);
  const file = writeTemp('tcp-pmtu.pcap', cap.toPcap());
  assert.ok(!hasErrors(expertErrors(file)));
  const rows = fieldRows(file, ['ip.src', 'icmp.type', 'icmp.code', 'icmp.mtu', 'tcp.len'] as const);
  const icmpRow = rows.find((x) => x['icmp.type'] === '3');
  assert.ok(icmpRow !== undefined, 'the router sent frag-needed');
  assert.equal(icmpRow['icmp.code'], '4');
  assert.equal(icmpRow['icmp.mtu'], '1000');
  const i = rows.indexOf(icmpRow);
  const before = rows.slice(0, i).filter((x) => x['ip.src'] === '10.1.0.2' && Number(x['tcp.len']) > 0);
  const after = rows.slice(i + 1).filter((x) => x['ip.src'] === '10.1.0.2' && Number(x['tcp.len']) > 0);
  assert.ok(before.some((x) => Number(x['tcp.len']) === 1448));
  assert.ok(after.length > 0 && after.every((x) => Number(x['tcp.len']) <= 948), after.map((x) => x['tcp.len']).join(','));
});
