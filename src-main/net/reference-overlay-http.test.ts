// reference/linux 04-overlay-http (facts 3.1, 3.6): curl in c1 fetches a 14-byte and a 4000-byte file from a python
// http.server in c4 across the Docker-mode overlay, over the glued TCP. The c1 eth0 and the n1 underlay captures are
// compared with the kernel's frame by frame: sizes, MACs, addresses, DF/TTL, TCP flags, payload lengths, windows,
// option kinds, MSS and window scale exactly; IP IDs by their zero rule; the VXLAN outer source port one per
// direction and connection (four distinct ports, each constant), as the kernel's sk_txhash gives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOverlayHttp } from './reference-overlay.ts';
import { captureRows, compareRows, referenceRows } from '../../test/reference-compare.ts';
import { expertErrors, hasErrors, tshark } from '../../test/tshark.ts';

test('04-overlay-http: c1 eth0 and the underlay match the kernel frame by frame', () => {
  const run = runOverlayHttp(21);
  assert.deepEqual(run.results.map((r) => [r.status, r.sizeDownload, r.error]), [[200, 14, undefined], [200, 4000, undefined]]);
  assert.deepEqual(run.results.map((r) => r.localPort % 2), [0, 0], 'even ephemeral ports');
  for (const [cap, ref] of [
    [run.c1eth0, '04-overlay-http-c1eth0.pcap'],
    [run.underlay, '04-overlay-http-underlay-n1eth0.pcap'],
  ] as const) {
    const ours = captureRows(`ours-${ref}`, cap.toPcap());
    compareRows(ours.rows, referenceRows(ref), { label: ref, timeTolerance: 0.05 });
    const report = expertErrors(ours.file);
    assert.ok(!hasErrors(report), report);
    // No retransmissions, duplicate ACKs or other TCP analysis flags on either capture.
    assert.equal(tshark(['-r', ours.file, '-Y', 'tcp.analysis.flags && !tcp.analysis.window_update']).trim(), '');
  }
  // Four distinct outer source ports on the underlay: one per direction and connection, constant throughout.
  const ul = captureRows('04-ul.pcap', run.underlay.toPcap()).rows.filter((r) => r['vxlan.vni'] !== '');
  const ports = new Map<string, Set<string>>();
  for (const r of ul) {
    const key = `${r['ip.src'].split('/')[1]}:${r['tcp.srcport']}>${r['tcp.dstport']}`;
    const set = ports.get(key) ?? new Set();
    set.add(r['udp.srcport']);
    ports.set(key, set);
  }
  assert.equal(ports.size, 4);
  for (const set of ports.values()) assert.equal(set.size, 1);
  assert.equal(new Set([...ports.values()].map((s) => [...s][0])).size, 4);
});

test('04-overlay-http: same seed, byte-identical captures', () => {
  const a = runOverlayHttp(22);
  const b = runOverlayHttp(22);
  assert.deepEqual(a.underlay.toPcap(), b.underlay.toPcap());
  assert.deepEqual(a.c1eth0.toPcap(), b.c1eth0.toPcap());
});
