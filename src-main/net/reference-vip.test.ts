// reference/linux 05-vip-rr (facts 3.7): curl in c1 fetches http://10.0.1.100:8080/ four times; IPVS in c1 (fwmark
// service, rr, masquerading; reference-vip.ts) spreads the connections over c4 and c5 across the Docker-mode
// overlay. The kernel run used nftables numgen DNAT in c1 for the same NAT. The c1 eth0 and the n1 underlay
// captures are compared with the kernel's frame by frame (test/reference-compare.ts: sizes, MACs, addresses,
// DF/TTL, TCP flags, lengths, windows, option kinds, MSS and WS exactly; IP IDs by their zero rule; outer source
// ports by their partition); the VIP never appears on the wire, and there is no ARP for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVipRr } from './reference-vip.ts';
import { captureRows, compareRows, referenceRows } from '../../test/reference-compare.ts';
import { expertErrors, hasErrors, tshark } from '../../test/tshark.ts';

const dec = new TextDecoder();

test('05-vip-rr: IPVS round robin in c1 matches the kernel capture on c1 eth0 and on the underlay', () => {
  const run = runVipRr(31);
  assert.deepEqual(
    run.results.map((r) => [r.status, dec.decode(r.body), r.error]),
    [
      [200, 'backend c4 10.0.1.5\n', undefined],
      [200, 'backend c5 10.0.1.6\n', undefined],
      [200, 'backend c4 10.0.1.5\n', undefined],
      [200, 'backend c5 10.0.1.6\n', undefined],
    ],
  );
  assert.deepEqual(run.served, { c4: ['GET /', 'GET /'], c5: ['GET /', 'GET /'] });
  for (const [cap, ref] of [
    [run.c1eth0, '05-vip-rr-nft-c1eth0.pcap'],
    [run.underlay, '05-vip-rr-nft-underlay-n1eth0.pcap'],
  ] as const) {
    const ours = captureRows(`ours-${ref}`, cap.toPcap());
    compareRows(ours.rows, referenceRows(ref), { label: ref, timeTolerance: 0.05 });
    const report = expertErrors(ours.file);
    assert.ok(!hasErrors(report), report);
    assert.equal(tshark(['-r', ours.file, '-Y', 'ip.addr == 10.0.1.100 || arp.dst.proto_ipv4 == 10.0.1.100']).trim(), '', 'the VIP never appears');
    assert.equal(tshark(['-r', ours.file, '-Y', 'tcp.analysis.flags && !tcp.analysis.window_update']).trim(), '');
  }
  // ipvsadm shows the service, both real servers and the four connections (in TIME_WAIT or closing).
  const list = run.fw.ipvsadm('-Ln');
  assert.equal(list.exitCode, 0, list.stderr);
  assert.match(list.stdout, /FWM {2}256 rr\n {2}-> 10\.0\.1\.5:0 +Masq +1 +0 +2 *\n {2}-> 10\.0\.1\.6:0 +Masq +1 +0 +2 *\n/);
  const conns = run.fw.ipvsadm('-Lnc').stdout.split('\n').filter((l) => l.startsWith('TCP'));
  assert.equal(conns.length, 4, run.fw.ipvsadm('-Lnc').stdout);
});

test('05-vip-rr: same seed, byte-identical captures', () => {
  const a = runVipRr(32);
  const b = runVipRr(32);
  assert.deepEqual(a.c1eth0.toPcap(), b.c1eth0.toPcap());
  assert.deepEqual(a.underlay.toPcap(), b.underlay.toPcap());
});
