// Trees of real frames (the kernel's reference captures): labels as Wireshark's detail pane, byte ranges checked
// against the wire/ field offsets, VXLAN nesting at absolute offsets, reassembly as a second data source, and no
// throw on any truncation of any frame.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as wire from '../wire/index.ts';
import { collectFields, dissect, summarize, CaptureContext } from './dissect.ts';
import { fieldsOf, nodeAt, type Tree, type TreeNode } from './tree.ts';
import { loadReference, referenceNames } from './testing.ts';

function find(tree: Tree, abbrev: string, nth = 0): TreeNode {
  const hits: TreeNode[] = [];
  const walk = (ns: TreeNode[]): void => {
    for (const n of ns) {
      if (n.abbrev === abbrev) hits.push(n);
      walk(n.children);
    }
  };
  walk(tree.roots);
  const n = hits[nth];
  assert.ok(n, `${abbrev} #${nth} in tree`);
  return n;
}

function range(n: TreeNode): [number, number] {
  return [n.start, n.end];
}

const ETH = wire.ethernet.HEADER_LEN;

describe('dissect: VXLAN-encapsulated ICMP on the underlay (01 underlay, frame 3)', () => {
  const ref = loadReference('01-overlay-ping-docker-underlay-n1eth0.pcap');
  const f = ref.frames[2]!;
  const tree = dissect(f.data, f.meta, ref.ctx);

  it('has Wireshark’s top-level items in order, outer then inner', () => {
    assert.deepEqual(
      tree.roots.map((n) => n.label),
      [
        'Frame 3: 148 bytes on wire (1184 bits), 148 bytes captured (1184 bits)',
        'Ethernet II, Src: 02:99:00:00:00:11 (02:99:00:00:00:11), Dst: 02:99:00:00:00:12 (02:99:00:00:00:12)',
        'Internet Protocol Version 4, Src: 192.168.99.11, Dst: 192.168.99.12',
        'User Datagram Protocol, Src Port: 46453, Dst Port: 4789',
        'Virtual eXtensible Local Area Network',
        'Ethernet II, Src: 02:42:0a:00:01:02 (02:42:0a:00:01:02), Dst: 02:42:0a:00:01:05 (02:42:0a:00:01:05)',
        'Internet Protocol Version 4, Src: 10.0.1.2, Dst: 10.0.1.5',
        'Internet Control Message Protocol',
      ],
    );
  });

  it('labels fields as the detail pane does', () => {
    const labels = (abbrev: string, nth = 0): string => find(tree, abbrev, nth).label;
    assert.equal(labels('ip.ttl'), 'Time to Live: 64');
    assert.equal(labels('ip.version'), '0100 .... = Version: 4');
    assert.equal(labels('ip.hdr_len'), '.... 0101 = Header Length: 20 bytes (5)');
    assert.equal(labels('ip.proto'), 'Protocol: UDP (17)');
    assert.equal(labels('ip.proto', 1), 'Protocol: ICMP (1)');
    assert.equal(labels('ip.flags', 1), "010. .... = Flags: 0x2, Don't fragment");
    assert.equal(labels('ip.flags.df', 1), ".1.. .... = Don't fragment: Set");
    assert.equal(labels('eth.type'), 'Type: IPv4 (0x0800)');
    assert.equal(labels('vxlan.flags'), 'Flags: 0x0800, VXLAN Network ID (VNI)');
    assert.equal(labels('vxlan.flag_i'), '.... 1... .... .... = VXLAN Network ID (VNI): True');
    assert.equal(labels('vxlan.vni'), 'VXLAN Network Identifier (VNI): 4097');
    assert.equal(labels('icmp.type'), 'Type: 8 (Echo (ping) request)');
    assert.equal(labels('icmp.ident'), 'Identifier (BE): 31835 (0x7c5b)');
    assert.equal(labels('icmp.seq_le'), 'Sequence Number (LE): 256 (0x0100)');
    assert.equal(labels('icmp.checksum'), 'Checksum: 0x8fe7 [correct]');
    assert.equal(labels('udp.checksum'), 'Checksum: 0xc3db [unverified]');
  });

  it('gives every field its bytes: outer at wire offsets, inner shifted by the 50 bytes of encapsulation', () => {
    const ip = wire.ipv4.field;
    const inner = wire.vxlan.OVERHEAD; // outer eth + ip + udp + vxlan
    assert.deepEqual(range(find(tree, 'eth.dst')), [wire.ethernet.field.DST, wire.ethernet.field.DST + 6]);
    assert.deepEqual(range(find(tree, 'eth.type')), [wire.ethernet.field.ETHERTYPE, wire.ethernet.field.ETHERTYPE + 2]);
    assert.deepEqual(range(find(tree, 'ip.ttl')), [ETH + ip.TTL, ETH + ip.TTL + 1]);
    assert.deepEqual(range(find(tree, 'ip.src')), [ETH + ip.SRC, ETH + ip.SRC + 4]);
    assert.deepEqual(range(find(tree, 'ip.checksum')), [ETH + ip.CHECKSUM, ETH + ip.CHECKSUM + 2]);
    const udp = ETH + 20;
    assert.deepEqual(range(find(tree, 'udp.dstport')), [udp + wire.udp.field.DST_PORT, udp + wire.udp.field.DST_PORT + 2]);
    assert.deepEqual(range(find(tree, 'udp.length')), [udp + wire.udp.field.LENGTH, udp + wire.udp.field.LENGTH + 2]);
    const vx = udp + 8;
    assert.deepEqual(range(find(tree, 'vxlan.vni')), [vx + wire.vxlan.field.VNI, vx + wire.vxlan.field.VNI + 3]);
    assert.deepEqual(range(find(tree, 'vxlan')), [vx, vx + 8]);
    assert.deepEqual(range(find(tree, 'eth.src', 1)), [inner + wire.ethernet.field.SRC, inner + wire.ethernet.field.SRC + 6]);
    assert.deepEqual(range(find(tree, 'ip.ttl', 1)), [inner + ETH + ip.TTL, inner + ETH + ip.TTL + 1]);
    assert.deepEqual(range(find(tree, 'ip.dst', 1)), [inner + ETH + ip.DST, inner + ETH + ip.DST + 4]);
    const icmp = inner + ETH + 20;
    assert.deepEqual(range(find(tree, 'icmp')), [icmp, 148]);
    assert.deepEqual(range(find(tree, 'icmp.seq')), [icmp + wire.icmp.field.SEQ, icmp + wire.icmp.field.SEQ + 2]);
    // ping's timeval opens the data (as Wireshark reads it: 32-bit seconds, microseconds), the rest is data
    assert.deepEqual(range(find(tree, 'icmp.data_time')), [icmp + wire.icmp.field.DATA, icmp + wire.icmp.field.DATA + 8]);
    assert.equal(find(tree, 'icmp.data_time').label, 'Timestamp from icmp data: Nov 22, 2026 10:10:32.000000000 UTC');
    assert.deepEqual(range(find(tree, 'data.data')), [icmp + wire.icmp.field.DATA + 8, 148]);
    // and the bytes under each range are the value
    const ttl = find(tree, 'ip.ttl', 1);
    assert.equal(f.data[ttl.start], ttl.value);
    assert.equal(wire.readU16(f.data, find(tree, 'icmp.seq').start), find(tree, 'icmp.seq').value);
  });

  it('selects the field under a clicked byte (hex pane)', () => {
    const path = nodeAt(tree, ETH + 20 + 8 + 4 + 1);
    assert.equal(path.at(-1)?.abbrev, 'vxlan.vni');
    assert.equal(path[0]?.abbrev, 'vxlan');
  });
});

describe('dissect: TCP, DNS and reassembly', () => {
  it('TCP SYN: options with their bytes, relative numbers, stream index (04 c1eth0, frame 3 and 5)', () => {
    const ref = loadReference('04-overlay-http-c1eth0.pcap');
    const syn = dissect(ref.frames[2]!.data, ref.frames[2]!.meta, ref.ctx);
    const tcp = ETH + 20;
    assert.equal(find(syn, 'tcp').label, 'Transmission Control Protocol, Src Port: 59566, Dst Port: 8080, Seq: 0, Len: 0');
    assert.deepEqual(range(find(syn, 'tcp.options.mss_val')), [tcp + 20 + 2, tcp + 20 + 4]);
    assert.equal(find(syn, 'tcp.options.mss_val').value, 1410);
    assert.deepEqual(range(find(syn, 'tcp.options.timestamp.tsval')), [tcp + 20 + 6 + 2, tcp + 20 + 6 + 6]);
    assert.deepEqual(range(find(syn, 'tcp.window_size_value')), [tcp + wire.tcp.field.WINDOW, tcp + wire.tcp.field.WINDOW + 2]);
    assert.equal(find(syn, 'tcp.flags').label, 'Flags: 0x002 (SYN)');
    assert.equal(find(syn, 'tcp.flags.syn').label, '.... .... ..1. = Syn: Set');
    const ack = dissect(ref.frames[4]!.data, ref.frames[4]!.meta, ref.ctx);
    assert.equal(find(ack, 'tcp.seq').value, 1);
    assert.equal(find(ack, 'tcp.ack').value, 1);
    assert.equal(find(ack, 'tcp.window_size').value, 64896);
    assert.equal(find(ack, 'tcp.stream').value, 0);
    const second = dissect(ref.frames[14]!.data, ref.frames[14]!.meta, ref.ctx);
    assert.equal(find(second, 'tcp.stream').value, 1);
  });

  it('DNS response: names, types and addresses with their bytes (03 c1eth0, frame 4)', () => {
    const ref = loadReference('03-overlay-dns-c1eth0.pcap');
    const t = dissect(ref.frames[3]!.data, ref.frames[3]!.meta, ref.ctx);
    const dns = ETH + 20 + 8;
    assert.equal(find(t, 'dns').label, 'Domain Name System (response)');
    assert.equal(find(t, 'dns.flags').label, 'Flags: 0x8580 Standard query response, No error');
    assert.deepEqual(range(find(t, 'dns.id')), [dns, dns + 2]);
    assert.deepEqual(range(find(t, 'dns.qry.name')), [dns + 12, dns + 12 + 4]); // 02 'c4' 00
    assert.equal(find(t, 'dns.qry.name').value, 'c4');
    const a = find(t, 'dns.a');
    assert.equal(wire.formatIpv4(a.value as number), '10.0.1.5');
    assert.equal(wire.readIpv4(ref.frames[3]!.data, a.start), a.value);
    assert.equal(find(t, 'dns.response_to').value, 3);
  });

  it('an IPv4 datagram in two fragments is dissected from a reassembled data source on its last fragment (01c, frame 6)', () => {
    const ref = loadReference('01c-overlay-mtu-underlay-n1eth0.pcap');
    const t = dissect(ref.frames[5]!.data, ref.frames[5]!.meta, ref.ctx);
    assert.equal(t.sources.length, 2);
    assert.equal(t.sources[1]!.bytes.length, 1424 + 7);
    const icmp = find(t, 'icmp');
    assert.equal(icmp.source, 1);
    assert.deepEqual(range(icmp), [0, 1431]);
    assert.equal(find(t, 'icmp.seq').value, 1);
    assert.equal(find(t, 'ip.frag_offset', 1).value, 178);
    assert.equal(find(t, 'ip.frag_offset', 1).label, '...0 0000 1011 0010 = Fragment Offset: 1424');
  });
});

describe('dissect: every frame of every reference capture', () => {
  for (const name of referenceNames()) {
    it(`${name}: ranges nest inside their parents and the data; fields from the tree equal collectFields`, () => {
      const ref = loadReference(name);
      ref.frames.forEach((f) => {
        const tree = dissect(f.data, f.meta, ref.ctx);
        const check = (ns: TreeNode[], lo: number, hi: number, src: number): void => {
          for (const n of ns) {
            const s = n.source ?? 0;
            const len = tree.sources[s]!.bytes.length;
            assert.ok(n.start >= 0 && n.start <= n.end && n.end <= len, `${name} #${f.meta.number} ${n.label} [${n.start},${n.end}) in ${len}`);
            // Payload items (udp.payload, tcp.payload) reach past their header's item, as in Wireshark.
            if (s === src && !n.generated && !n.abbrev?.endsWith('.payload')) assert.ok(n.start >= lo && n.end <= hi, `${name} #${f.meta.number} ${n.label} inside [${lo},${hi})`);
            check(n.children, s === src ? n.start : 0, s === src ? n.end : len, s);
          }
        };
        for (const r of tree.roots) check(r.children, r.start, r.end, r.source ?? 0);
        assert.ok(!tree.roots.some((r) => r.malformed), `${name} #${f.meta.number} is not malformed`);
        assert.deepEqual(fieldsOf(tree), collectFields(f.data, f.meta, ref.ctx).values);
        // revisiting a frame gives the first pass's columns
        assert.deepEqual(summarize(f.data, f.meta, ref.ctx), ref.summaries[f.meta.number - 1]);
      });
    });
  }
});

describe('dissect: bad bytes never throw', () => {
  const refs = ['01-overlay-ping-docker-underlay-n1eth0.pcap', '03-overlay-dns-underlay-n1eth0.pcap', '04-overlay-http-underlay-n1eth0.pcap'].map(loadReference);

  it('a frame cut inside the inner IPv4 header becomes "[Malformed Packet: …]" at the offending field', () => {
    const f = refs[0]!.frames[2]!;
    const cut = f.data.subarray(0, 50 + 14 + 10);
    // As a snaplen-limited capture: the outer layers are read as far as they go, the inner IPv4 header is refused.
    const tree = dissect(cut, { number: 1, tsNs: 0n, origLen: f.data.length });
    const bad = tree.roots.at(-1)!;
    assert.equal(bad.malformed, true);
    assert.match(bad.label, /^\[Malformed Packet: IP: truncated/);
    assert.equal(bad.start, 64); // the inner IPv4 header starts at 64; its 20 bytes are not all there
    const s = summarize(cut, { number: 1, tsNs: 0n, origLen: f.data.length });
    assert.equal(s.protocol, 'IPv4');
    assert.equal(s.source, '02:42:0a:00:01:02');
    // Without the snaplen, the outer IPv4 total length is what is wrong.
    const whole = dissect(cut, { number: 1, tsNs: 0n });
    assert.equal(whole.roots.at(-1)!.start, ETH + wire.ipv4.field.TOTAL_LEN);
    assert.match(s.info, /\[Malformed Packet\]$/);
  });

  it('every truncation and a byte flipped at every offset of several frames dissect without a throw', () => {
    for (const ref of refs) {
      for (const f of ref.frames.slice(0, 8)) {
        for (let n = 0; n <= f.data.length; n++) {
          const ctx = new CaptureContext();
          dissect(f.data.subarray(0, n), { number: 1, tsNs: 0n }, ctx);
        }
        for (let i = 0; i < f.data.length; i++) {
          const b = f.data.slice();
          b[i] = b[i]! ^ 0xa5;
          const ctx = new CaptureContext();
          summarize(b, { number: 1, tsNs: 0n }, ctx);
          dissect(b, { number: 1, tsNs: 0n }, ctx);
        }
      }
    }
  });
});
