// `flotilla run FILE --save-captures DIR` (TRANSCRIPTS.md, issue 4): every file a `tcpdump -w` wrote during the
// session lands in DIR as a real pcap, and each passes the strict tshark check of the packet-engine issue (IP/TCP/UDP
// checksums validated, no Error or Malformed expert items): a small ping transcript, and the captures of
// test/transcripts/captures.t (a user bridge, a published port through DNAT, DNS on a container's lo).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { expertErrors, fieldRows, hasErrors } from '../tshark.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const hasTshark = spawnSync('tshark', ['-v'], { encoding: 'utf8' }).status === 0;

function runSaving(file: string): { dir: string; stderr: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-captures-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/flotilla.mjs'), 'run', file, '--save-captures', dir], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return { dir, stderr: r.stderr };
}

test('a background tcpdump -w, a ping, wait: the saved pcap holds the six frames and passes tshark', { skip: !hasTshark && 'tshark not installed' }, () => {
  const tdir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-t-'));
  const file = path.join(tdir, 'ping.t');
  writeFileSync(
    file,
    [
      '$ docker-machine create node1',
      '...',
      'node1$ docker run -d --name target alpine sleep 1d',
      '[0-9a-f]{64} (re)',
      'node1$ tcpdump -i docker0 -w /tmp/x.pcap -c 6 icmp 2>/dev/null &',
      'node1$ ping -c 3 172.17.0.2 | tail -2',
      '...',
      'node1$ wait',
      '',
    ].join('\n'),
  );
  const { dir, stderr } = runSaving(file);
  assert.match(stderr, /saved node1:\/tmp\/x\.pcap -> .*node1_tmp_x\.pcap/);
  const pcap = path.join(dir, 'node1_tmp_x.pcap');
  const rows = fieldRows(pcap, ['icmp.type', 'ip.src', 'ip.dst']);
  assert.deepEqual(
    rows.map((r) => `${r['icmp.type']} ${r['ip.src']} > ${r['ip.dst']}`),
    ['8 172.17.0.1 > 172.17.0.2', '0 172.17.0.2 > 172.17.0.1', '8 172.17.0.1 > 172.17.0.2', '0 172.17.0.2 > 172.17.0.1', '8 172.17.0.1 > 172.17.0.2', '0 172.17.0.2 > 172.17.0.1'],
  );
  const report = expertErrors(pcap);
  assert.ok(!hasErrors(report), report);
});

test('the captures of captures.t (bridge, published port with DNAT, DNS on lo) pass tshark', { skip: !hasTshark && 'tshark not installed' }, () => {
  const { dir } = runSaving(path.join(ROOT, 'test/transcripts/captures.t'));
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['node1_tmp_bridge.pcap', 'node1_tmp_dnat.pcap', 'node1_tools_tmp_dns.pcap']);
  for (const f of files) {
    const report = expertErrors(path.join(dir, f));
    assert.ok(!hasErrors(report), `${f}: ${report}`);
  }
  const http = fieldRows(path.join(dir, 'node1_tmp_dnat.pcap'), ['tcp.dstport', 'tcp.flags.syn'], ['-Y', 'tcp.flags.syn == 1 && tcp.flags.ack == 0']);
  assert.deepEqual(http.map((r) => r['tcp.dstport']), ['8080']);
  const dns = fieldRows(path.join(dir, 'node1_tools_tmp_dns.pcap'), ['udp.srcport', 'dns.a'], ['-d', 'udp.port==53,dns', '-Y', 'dns.flags.response == 1']);
  assert.deepEqual(dns.map((r) => `${r['udp.srcport']} ${r['dns.a']}`), ['53 172.18.0.2']);
});
