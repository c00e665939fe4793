// Linux cooked capture v1 and v2 and raw IP (LINKTYPE 101 and 228): trees with Wireshark's names, labels and byte
// ranges; then files of each link type written with our pcap writer (the kernel's docker0 capture converted, and
// frames with other address types) read by tshark: the same summary columns and every field we dissect equal in
// every frame. Skipped parts need tshark.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { writePcap } from '../pcap/index.ts';
import { concat, hex } from '../pcap/testing.ts';
import { writeTemp } from '../../../test/tshark.ts';
import { CaptureContext, collectFields, dissect, summarize, LINKTYPE_IPV4, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, type FrameMeta } from './dissect.ts';
import type { Tree, TreeNode } from './tree.ts';
import { compareEveryField } from '../../../test/tshark-fields.ts';
import { loadReference } from './testing.ts';

const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

function find(tree: Tree, abbrev: string): TreeNode {
  const walk = (ns: TreeNode[]): TreeNode | undefined => {
    for (const n of ns) {
      if (n.abbrev === abbrev) return n;
      const c = walk(n.children);
      if (c) return c;
    }
    return undefined;
  };
  const n = walk(tree.roots);
  assert.ok(n, `${abbrev} in the tree`);
  return n;
}
const at = (tree: Tree, abbrev: string) => {
  const n = find(tree, abbrev);
  return [n.start, n.end, n.label];
};

// An ICMP echo request 172.17.0.2 → 172.17.0.3 (IPv4 header and 16 bytes of ICMP).
const IP_ICMP = hex(`
  45 00 00 24 12 34 40 00 40 01 d0 46 ac 11 00 02 ac 11 00 03
  08 00 f0 9e 4f 80 00 01 10 11 12 13 14 15 16 17`);
const MAC = hex('02 42 ac 11 00 02');

export function sllV1(pkttype: number, hatype: number, addr: Uint8Array, proto: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  v.setUint16(0, pkttype);
  v.setUint16(2, hatype);
  v.setUint16(4, addr.length);
  h.set(addr.subarray(0, 8), 6);
  v.setUint16(14, proto);
  return concat([h, payload]);
}

export function sllV2(pkttype: number, hatype: number, ifindex: number, addr: Uint8Array, proto: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  v.setUint16(0, proto);
  v.setUint32(4, ifindex);
  v.setUint16(8, hatype);
  h[10] = pkttype;
  h[11] = addr.length;
  h.set(addr.subarray(0, 8), 12);
  return concat([h, payload]);
}

const meta = (linktype: number, number = 1): FrameMeta => ({ number, tsNs: 1_795_342_277_000_000_000n, linktype });

describe('Linux cooked capture and raw IP: the trees', () => {
  it('SLL v1: every header field with its bytes and label, then IPv4 at byte 16', () => {
    const f = sllV1(4, 1, MAC, 0x0800, IP_ICMP);
    assert.deepEqual(Array.from(f.subarray(0, 16)), Array.from(hex('00 04 00 01 00 06 02 42 ac 11 00 02 00 00 08 00')), 'the header as built');
    const tree = dissect(f, meta(LINKTYPE_LINUX_SLL));
    assert.deepEqual(at(tree, 'sll'), [0, 16, 'Linux cooked capture v1']);
    assert.deepEqual(at(tree, 'sll.pkttype'), [0, 2, 'Packet type: Sent by us (4)']);
    assert.deepEqual(at(tree, 'sll.hatype'), [2, 4, 'Link-layer address type: Ethernet (1)']);
    assert.deepEqual(at(tree, 'sll.halen'), [4, 6, 'Link-layer address length: 6']);
    assert.deepEqual(at(tree, 'sll.src.eth'), [6, 12, 'Source: 02:42:ac:11:00:02 (02:42:ac:11:00:02)']);
    assert.deepEqual(at(tree, 'sll.unused'), [12, 14, 'Unused: 0000']);
    assert.deepEqual(at(tree, 'sll.etype'), [14, 16, 'Protocol: IPv4 (0x0800)']);
    assert.deepEqual(at(tree, 'ip.src').slice(0, 2), [16 + 12, 16 + 16]);
    assert.deepEqual(at(tree, 'icmp.seq').slice(0, 2), [16 + 26, 16 + 28]);
    const { values, summary } = collectFields(f, meta(LINKTYPE_LINUX_SLL));
    assert.deepEqual(values.get('frame.protocols'), ['sll:ethertype:ip:icmp:data']);
    assert.deepEqual([summary.source, summary.destination, summary.protocol], ['172.17.0.2', '172.17.0.3', 'ICMP']);
  });

  it('SLL v2: protocol first, the interface index, a one-byte packet type and address length', () => {
    const f = sllV2(0, 1, 7, MAC, 0x0800, IP_ICMP);
    assert.deepEqual(Array.from(f.subarray(0, 20)), Array.from(hex('08 00 00 00 00 00 00 07 00 01 00 06 02 42 ac 11 00 02 00 00')));
    const tree = dissect(f, meta(LINKTYPE_LINUX_SLL2));
    assert.deepEqual(at(tree, 'sll'), [0, 20, 'Linux cooked capture v2']);
    assert.deepEqual(at(tree, 'sll.etype'), [0, 2, 'Protocol: IPv4 (0x0800)']);
    assert.deepEqual(at(tree, 'sll.ifindex'), [4, 8, 'Interface index: 7']);
    assert.deepEqual(at(tree, 'sll.hatype'), [8, 10, 'Link-layer address type: Ethernet (1)']);
    assert.deepEqual(at(tree, 'sll.pkttype'), [10, 11, 'Packet type: Unicast to us (0)']);
    assert.deepEqual(at(tree, 'sll.halen'), [11, 12, 'Link-layer address length: 6']);
    assert.deepEqual(at(tree, 'sll.src.eth'), [12, 18, 'Source: 02:42:ac:11:00:02 (02:42:ac:11:00:02)']);
    assert.deepEqual(at(tree, 'sll.unused'), [18, 20, 'Unused: 0000']);
    assert.deepEqual(at(tree, 'ip.dst').slice(0, 2), [20 + 16, 20 + 20]);
  });

  it('an address of 4 bytes is IPv4, of other lengths bytes; a Linux protocol number below 0x0600 is sll.ltype', () => {
    assert.deepEqual(at(dissect(sllV1(0, 778, hex('0a 0b 0c 0d'), 0x0800, IP_ICMP), meta(LINKTYPE_LINUX_SLL)), 'sll.src.ipv4'), [6, 10, 'Source: 10.11.12.13']);
    const f = sllV1(0, 65534, hex('0a 0b'), 0x0004, hex('aa bb cc'));
    const tree = dissect(f, meta(LINKTYPE_LINUX_SLL));
    assert.deepEqual(at(tree, 'sll.hatype'), [2, 4, 'Link-layer address type: zero header length (65534)']);
    assert.deepEqual(at(tree, 'sll.src.other'), [6, 8, 'Source: 0a0b']);
    assert.deepEqual(at(tree, 'sll.unused'), [8, 14, 'Unused: 000000000000']);
    assert.deepEqual(at(tree, 'sll.ltype'), [14, 16, 'Protocol: 0x0004']);
    assert.deepEqual(at(tree, 'data.data').slice(0, 2), [16, 19]);
  });

  it('raw IP: LINKTYPE_RAW has a "Raw packet data" layer, LINKTYPE_IPV4 none; IPv6 by its version nibble', () => {
    const raw = collectFields(IP_ICMP, meta(LINKTYPE_RAW)).values;
    assert.deepEqual(raw.get('frame.protocols'), ['raw:ip:icmp:data']);
    const v4 = collectFields(IP_ICMP, meta(LINKTYPE_IPV4)).values;
    assert.deepEqual(v4.get('frame.protocols'), ['ip:icmp:data']);
    const v6 = hex('60 00 00 00 00 08 11 40 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02 30 39 00 35 00 08 12 34');
    assert.deepEqual(collectFields(v6, meta(LINKTYPE_RAW)).values.get('frame.protocols'), ['raw:ipv6:udp']);
    assert.deepEqual(at(dissect(IP_ICMP, meta(LINKTYPE_RAW)), 'raw'), [0, IP_ICMP.length, 'Raw packet data']);
  });

  it('a truncated cooked header is a malformed item, never a throw', () => {
    const whole = sllV2(0, 1, 7, MAC, 0x0800, IP_ICMP);
    for (let n = 0; n < 24; n++) {
      for (const lt of [LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, LINKTYPE_IPV4]) {
        const s = summarize(whole.subarray(0, n), meta(lt));
        assert.equal(typeof s.info, 'string');
      }
    }
    const tree = dissect(whole.subarray(0, 12), meta(LINKTYPE_LINUX_SLL2));
    assert.ok(JSON.stringify(tree.roots.map((r) => r.label)).includes('Malformed'), 'says it is malformed');
  });
});

/** The kernel's docker0 capture as each link type (every packet type in turn), plus frames of other address types. */
function files(): { name: string; linktype: number; frames: Uint8Array[] }[] {
  const ref = loadReference('02-bridge-docker0-arp-icmp.pcap');
  const eth = ref.frames.map((f) => f.data);
  const body = (f: Uint8Array) => f.subarray(14);
  const type = (f: Uint8Array) => (f[12]! << 8) | f[13]!;
  const ip = eth.filter((f) => type(f) === 0x0800).map(body);
  const v6 = hex('60 00 00 00 00 08 11 40 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02 30 39 00 35 00 08 12 34');
  return [
    {
      name: 'sll.pcap',
      linktype: LINKTYPE_LINUX_SLL,
      frames: [
        ...eth.map((f, i) => sllV1(i % 5, 1, f.subarray(6, 12), type(f), body(f))),
        sllV1(0, 772, new Uint8Array(6), 0x0800, IP_ICMP),
        sllV1(0, 65534, new Uint8Array(0), 0x0800, IP_ICMP),
        sllV1(4, 65534, hex('0a 0b 0c 0d'), 0x0800, IP_ICMP),
        sllV1(3, 1, hex('0a 0b'), 0x0800, IP_ICMP),
        sllV1(1, 1, hex('01 02 03 04 05 06 07 08'), 0x0800, IP_ICMP),
      ],
    },
    {
      name: 'sll2.pcap',
      linktype: LINKTYPE_LINUX_SLL2,
      frames: [...eth.map((f, i) => sllV2(i % 5, 1, 3 + i, f.subarray(6, 12), type(f), body(f))), sllV2(0, 772, 1, new Uint8Array(6), 0x86dd, v6)],
    },
    { name: 'raw.pcap', linktype: LINKTYPE_RAW, frames: [...ip, v6] },
    { name: 'ipv4.pcap', linktype: LINKTYPE_IPV4, frames: ip },
  ];
}

describe('cooked and raw captures read as tshark reads them', { skip: !HAVE_TSHARK && 'tshark is not installed' }, () => {
  const T0 = 1_795_342_277_000_000_000n;
  for (const file of files()) {
    it(`${file.name}: summary columns and every field of every frame`, () => {
      const path = writeTemp(file.name, writePcap(file.frames.map((data, i) => ({ tsNs: T0 + BigInt(i) * 1_000_000n, data })), { linktype: file.linktype, resolution: 'us' }));
      const frames = file.frames.map((data, i) => ({ data, meta: { number: i + 1, tsNs: T0 + BigInt(i) * 1_000_000n, linktype: file.linktype } }));
      const cols = execFileSync('tshark', ['-r', path, '-T', 'fields', '-E', 'separator=\t', '-e', '_ws.col.Source', '-e', '_ws.col.Destination', '-e', '_ws.col.Protocol', '-e', 'frame.len', '-e', '_ws.col.Info'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.split('\t'));
      const ctx = new CaptureContext();
      frames.forEach((f, i) => {
        const s = summarize(f.data, f.meta, ctx);
        assert.deepEqual([s.source, s.destination, s.protocol, String(s.length), s.info], cols[i], `${file.name} frame ${i + 1}`);
      });
      const r = compareEveryField(path, frames, new CaptureContext());
      assert.equal(r.frames, frames.length);
      assert.deepEqual(r.mismatches, [], `${file.name}: ${r.mismatches.length} of ${r.compared} values differ`);
    });
  }
});
