// reference/linux 03-overlay-dns (facts §1, 3.1, 3.5): dnsmasq in c3 answers c1's four lookups across the Docker-mode
// overlay (glibc A, dig A with EDNS + cookie, dig PTR, dig NXDOMAIN). Both captures (c1 eth0, n1's underlay) are
// compared with the kernel's frame by frame through tshark: the overlay fields of test/reference-compare.ts (count,
// order, sizes, MACs, addresses, DF, TTL, IP ID zero rule, outer source port partition, timing) plus the DNS fields
// (flags, counts, question, answers, TTL, OPT size and options, cookie presence and size), ports by their rule (53
// exactly, the client's ephemeral), and the DNS payloads byte for byte except the random id and cookie. Then the
// strict tshark check and byte-identical captures for one seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOverlayDns } from './reference-overlay-dns.ts';
import { captureRows, compareRows, EXACT, referenceRows, type OverlayRow } from '../../../test/reference-compare.ts';
import { expertErrors, fieldRows, hasErrors, writeTemp, type Row } from '../../../test/tshark.ts';
import { sharedPath } from '../../../test/shared-path.ts';
import { formatIpv4 } from '../../common/wire/ipv4-address.ts';

const REF_C1 = '03-overlay-dns-c1eth0.pcap';
const REF_UL = '03-overlay-dns-underlay-n1eth0.pcap';

/** Compared for equality frame by frame. */
const DNS_EXACT = [
  'dns.flags', 'dns.count.queries', 'dns.count.answers', 'dns.count.auth_rr', 'dns.count.add_rr',
  'dns.qry.name', 'dns.qry.type', 'dns.qry.class', 'dns.resp.name', 'dns.resp.type', 'dns.resp.class', 'dns.resp.ttl', 'dns.resp.len',
  'dns.a', 'dns.ptr.domain_name', 'dns.rr.udp_payload_size', 'dns.resp.z.do', 'dns.opt.code', 'dns.opt.len',
] as const;
const DNS_FIELDS = [...DNS_EXACT, 'dns.id', 'dns.opt.cookie.client', 'dns.opt.cookie.server', 'udp.srcport', 'udp.dstport', 'ip.id', 'ip.src', 'udp.payload'] as const;
type DnsRow = Row<(typeof DNS_FIELDS)[number]>;

const dnsRows = (file: string): DnsRow[] => fieldRows(file, DNS_FIELDS);
/** The innermost value of a field ('outer/inner' on the underlay). */
const inner = (v: string): string => v.split('/').pop() ?? '';

function hexBytes(v: string): Uint8Array {
  const h = inner(v).replace(/:/g, '');
  return Uint8Array.from({ length: h.length / 2 }, (_, i) => parseInt(h.slice(2 * i, 2 * i + 2), 16));
}

/** A DNS payload with the id zeroed and the client cookie's 8 bytes zeroed (the random parts). */
function maskRandom(p: Uint8Array, cookie: string): Uint8Array {
  const out = p.slice();
  out[0] = out[1] = 0;
  if (cookie !== '') {
    const c = hexBytes(cookie);
    for (let i = 0; i + c.length <= out.length; i++) {
      if (c.every((b, k) => out[i + k] === b)) out.fill(0, i, i + c.length);
    }
  }
  return out;
}

function compareDns(ours: DnsRow[], ref: DnsRow[], label: string): void {
  assert.equal(ours.length, ref.length, `${label}: frame count`);
  const clientPorts = new Set<string>();
  const refClientPorts = new Set<string>();
  for (let i = 0; i < ref.length; i++) {
    const o = ours[i]!;
    const r = ref[i]!;
    const at = `${label} frame ${i + 1}`;
    for (const f of DNS_EXACT) assert.equal(o[f], r[f], `${at} ${f}`);
    if (r['dns.id'] === '') continue;
    // DNS id: random and non-zero; the reply carries the query's.
    assert.notEqual(o['dns.id'], '0x0000', `${at} dns.id non-zero`);
    if (i % 2 === 1) assert.equal(o['dns.id'], ours[i - 1]!['dns.id'], `${at} reply id = query id`);
    // Cookie: present exactly where dig sent one, 8 client bytes, no server cookie (dnsmasq does not echo it).
    assert.equal(o['dns.opt.cookie.client'] !== '', r['dns.opt.cookie.client'] !== '', `${at} cookie presence`);
    assert.equal(hexBytes(o['dns.opt.cookie.client']).length, hexBytes(r['dns.opt.cookie.client']).length, `${at} cookie size`);
    assert.equal(o['dns.opt.cookie.server'], r['dns.opt.cookie.server'], `${at} server cookie`);
    // Ports: 53 on the server side exactly; the client's ephemeral, the same for a query and its reply.
    const [sp, dp] = [inner(o['udp.srcport']), inner(o['udp.dstport'])];
    const [rsp, rdp] = [inner(r['udp.srcport']), inner(r['udp.dstport'])];
    const query = rdp === '53';
    // On the underlay, the outer destination port (4789) exactly.
    if (r['udp.dstport'].includes('/')) assert.equal(o['udp.dstport'].split('/')[0], r['udp.dstport'].split('/')[0], `${at} outer udp.dstport`);
    assert.equal(query ? dp : sp, '53', `${at} server port`);
    assert.equal(query ? rsp === '53' : rdp === '53', false);
    const client = Number(query ? sp : dp);
    assert.ok(client >= 32768 && client <= 60999, `${at} client port ${client} ephemeral`);
    if (query) {
      clientPorts.add(String(client));
      refClientPorts.add(rsp);
    } else assert.equal(String(client), inner(ours[i - 1]!['udp.srcport']), `${at} reply to the query's port`);
    // The DNS message itself, byte for byte, once the random id and cookie are masked.
    const cookie = o['dns.opt.cookie.client'];
    assert.deepEqual(maskRandom(hexBytes(o['udp.payload']), cookie), maskRandom(hexBytes(r['udp.payload']), r['dns.opt.cookie.client']), `${at} DNS payload`);
  }
  // One socket per lookup: four distinct client ports, as in the kernel's capture.
  assert.equal(clientPorts.size, refClientPorts.size, `${label}: distinct client ports`);
}

function strict(file: string): void {
  const report = expertErrors(file);
  assert.ok(!hasErrors(report), `${file}: ${report}`);
}

test('03-overlay-dns: c1 eth0 and the underlay match the kernel frame by frame', () => {
  const run = runOverlayDns(31);
  // What the tools got: getent's address, dig's answers.
  assert.equal(run.getent?.status, 'ok');
  assert.deepEqual(run.getent?.addresses.map(formatIpv4), ['10.0.1.5']);
  assert.deepEqual(run.digs.map((d) => d.kind), ['reply', 'reply', 'reply']);
  const replies = run.digs.map((d) => (d.kind === 'reply' ? d.reply.message : undefined));
  assert.deepEqual(replies.map((m) => m?.flags), [0x8580, 0x8580, 0x8183]);
  assert.deepEqual(run.dnsmasq.queries, ['A c4', 'A web', 'PTR 5.1.0.10.in-addr.arpa', 'A nosuch.example']);

  for (const [cap, ref] of [
    [run.c1eth0, REF_C1],
    [run.underlay, REF_UL],
  ] as const) {
    const ours = captureRows(`ours-${ref}`, cap.toPcap());
    // Timing: each lookup within a millisecond of the kernel's (dnsmasq's first answer is 0.3 ms quicker here).
    // udp.dstport is the client's ephemeral port in replies: compareDns checks ports by their rule instead.
    // compareRows reads udp.srcport as a VXLAN outer port; on c1's eth0 there is none (the DNS ports are checked there).
    const plain = (rows: OverlayRow[]): OverlayRow[] => rows.map((r) => (r['vxlan.vni'] === '' ? { ...r, 'udp.srcport': '' } : r));
    compareRows(plain(ours.rows), plain(referenceRows(ref)), { label: ref, timeTolerance: 0.001, exact: EXACT.filter((f) => f !== 'udp.dstport') });
    compareDns(dnsRows(ours.file), dnsRows(sharedPath('reference/linux', ref)), ref);
    strict(ours.file);
  }

  // IP ID and DF rules of facts 3.5: the glibc query DF with a non-zero ID; dig DF clear with non-zero IDs; the
  // replies DF set with IDs that count up (the kernel's per-destination counter).
  const c1 = dnsRows(captureRows('c1-ids.pcap', run.c1eth0.toPcap()).file).filter((r) => r['dns.id'] !== '');
  const ids = c1.map((r) => parseInt(r['ip.id'], 16));
  for (const id of ids) assert.notEqual(id, 0);
  const replyIds = ids.filter((_, i) => i % 2 === 1);
  for (let k = 1; k < replyIds.length; k++) {
    const d = (replyIds[k]! - replyIds[k - 1]! + 0x10000) & 0xffff;
    assert.ok(d >= 1 && d <= 400, `reply IP ID step ${d}`);
  }
});

test('03-overlay-dns: same seed, byte-identical captures; another seed, other ids', () => {
  const a = runOverlayDns(32);
  const b = runOverlayDns(32);
  assert.deepEqual(a.c1eth0.toPcap(), b.c1eth0.toPcap());
  assert.deepEqual(a.underlay.toPcap(), b.underlay.toPcap());
  const c = runOverlayDns(33);
  assert.notDeepEqual(a.c1eth0.toPcap(), c.c1eth0.toPcap());
  // Same frames, same sizes: only the random values moved.
  assert.deepEqual(a.c1eth0.frames.map((f) => f.data.length), c.c1eth0.frames.map((f) => f.data.length));
  const file = writeTemp('03-seed33-ul.pcap', c.underlay.toPcap());
  strict(file);
});
