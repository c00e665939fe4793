// The plain-words explanations, on frames of the real kernel's captures in ../shared/reference.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readCapture } from '../pcap/index.ts';
import * as esp from '../wire/esp.ts';
import * as ethernet from '../wire/ethernet.ts';
import * as icmpv6 from '../wire/icmpv6.ts';
import * as ipv4 from '../wire/ipv4.ts';
import { parseIpv4 } from '../wire/ipv4-address.ts';
import * as ipv6 from '../wire/ipv6.ts';
import { parseMac } from '../wire/mac.ts';
import { explainFrame, type ExplainedLayer } from './explain.ts';

const REF = new URL('../../../../shared/reference/linux/', import.meta.url);
const frame = (file: string, n: number): Uint8Array => readCapture(new Uint8Array(readFileSync(new URL(file, REF)))).packets[n - 1]!.data;
const layer = (layers: ExplainedLayer[], protocol: string, nth = 0): string => {
  const found = layers.filter((l) => l.protocol === protocol)[nth];
  assert.ok(found, `no ${protocol} layer #${nth} in ${layers.map((l) => l.protocol).join(':')}`);
  return found.text;
};

test('an ARP request: broadcast Ethernet, then who has', () => {
  const layers = explainFrame(frame('02-bridge-docker0-arp-icmp.pcap', 2));
  assert.deepEqual(layers.map((l) => l.protocol), ['eth', 'arp']);
  assert.match(layer(layers, 'eth'), /^Ethernet: sent from 02:42:ac:11:00:02 to everyone on the segment \(broadcast ff:ff:ff:ff:ff:ff\)/);
  assert.match(layer(layers, 'arp'), /^ARP: 172\.17\.0\.2 asks who has 172\.17\.0\.3/);
});

test('an ARP reply says who is where', () => {
  const layers = explainFrame(frame('02-bridge-docker0-arp-icmp.pcap', 3));
  assert.match(layer(layers, 'eth'), /to 02:42:ac:11:00:02\. A bridge/);
  assert.match(layer(layers, 'arp'), /172\.17\.0\.3 is at 02:42:ac:11:00:03/);
});

test('a ping and its answer: IPv4 with its TTL, ICMP echo with id and sequence', () => {
  const req = explainFrame(frame('02-bridge-docker0-arp-icmp.pcap', 4));
  assert.deepEqual(req.map((l) => l.protocol), ['eth', 'ip', 'icmp']);
  assert.match(layer(req, 'ip'), /^IPv4: from 172\.17\.0\.2 to 172\.17\.0\.3, TTL 64 — each router lowers it by one/);
  assert.match(layer(req, 'icmp'), /^ICMP: echo request \(ping\), id 20352, sequence 1 /);
  const reply = explainFrame(frame('02-bridge-docker0-arp-icmp.pcap', 5));
  assert.match(layer(reply, 'icmp'), /^ICMP: echo reply \(the answer to ping sequence 1, id 20352\)/);
  // Between two private addresses of one bridge: no NAT.
  assert.doesNotMatch(layer(reply, 'ip'), /NAT/);
});

test('VXLAN on the underlay: outer layers say so, the inner frame is the container\'s', () => {
  const layers = explainFrame(frame('03-overlay-dns-underlay-n1eth0.pcap', 4));
  assert.deepEqual(layers.map((l) => l.protocol), ['eth', 'ip', 'udp', 'vxlan', 'eth', 'ip', 'udp', 'dns']);
  assert.equal(layers[0]!.title, 'Ethernet (underlay)');
  assert.match(layer(layers, 'ip', 0), /^IPv4: from 192\.168\.99\.12 to 192\.168\.99\.11.*underlay packet between the two Docker hosts/);
  assert.match(layer(layers, 'udp', 0), /to port 4789 \(VXLAN\)/);
  assert.match(layer(layers, 'vxlan'), /^VXLAN: the whole original frame is wrapped for the overlay, VNI 4097/);
  assert.equal(layers[4]!.title, 'Ethernet (inside the tunnel)');
  assert.match(layer(layers, 'ip', 1), /^IPv4: from 10\.0\.1\.4 to 10\.0\.1\.2, TTL 64/);
  assert.match(layer(layers, 'dns'), /^DNS: the answer — c4 is 10\.0\.1\.5\./);
});

test('DNS: a query to the embedded server, an answer, and a name that does not exist', () => {
  const q = explainFrame(frame('03b-embedded-dns-127.0.0.11-c2lo.pcap', 1));
  assert.equal(q[0]!.title, 'Loopback');
  assert.match(layer(q, 'dns'), /^DNS: a query — what is the A record of web\? Docker's embedded DNS server \(127\.0\.0\.11\)/);
  assert.match(layer(explainFrame(frame('03b-embedded-dns-127.0.0.11-c2lo.pcap', 2)), 'dns'), /web is 10\.0\.1\.100/);
  assert.match(layer(explainFrame(frame('03-overlay-dns-underlay-n1eth0.pcap', 10)), 'dns'), /nosuch\.example is an error — no such name exists/);
});

test('TCP: the handshake, data, the close; HTTP request', () => {
  const file = '04-overlay-http-c1eth0.pcap';
  assert.match(layer(explainFrame(frame(file, 3)), 'tcp'), /^TCP: from port 59566 to port 8080 \(HTTP-alt\): SYN — opens a connection/);
  assert.match(layer(explainFrame(frame(file, 4)), 'tcp'), /SYN-ACK — accepts the connection/);
  assert.match(layer(explainFrame(frame(file, 5)), 'tcp'), /ACK — acknowledges everything received up to byte 1\./);
  const get = explainFrame(frame(file, 6));
  assert.match(layer(get, 'tcp'), /carries 86 bytes of data/);
  assert.match(layer(get, 'http'), /^HTTP: a request — GET \/hello\.txt from the web server 10\.0\.1\.5:8080\./);
  assert.match(layer(explainFrame(frame(file, 12)), 'tcp'), /FIN — this side has nothing more to send/);
});

test('NAT notes: a private source leaving for a public address is masqueraded', () => {
  const bytes = frame('02-bridge-docker0-arp-icmp.pcap', 4).slice();
  bytes.set([8, 8, 8, 8], 14 + 16); // ip.dst
  assert.match(layer(explainFrame(bytes), 'ip'), /NAT: 172\.17\.0\.2 is a private address; .*MASQUERADE/);
  bytes.set([8, 8, 4, 4], 14 + 12); // ip.src public, ip.dst back to private
  bytes.set([172, 17, 0, 3], 14 + 16);
  assert.match(layer(explainFrame(bytes), 'ip'), /NAT: a packet from outside to the private address 172\.17\.0\.3/);
});

test('bytes that are no frame at all still get a sentence, never a throw', () => {
  const layers = explainFrame(new Uint8Array([1, 2, 3]));
  assert.ok(layers.length >= 1);
  for (const l of layers) assert.ok(l.text.length > 0);
});

// The reference captures hold no ESP or IPv6, so these frames are built with the wire codecs.
const MAC_A = parseMac('02:42:0a:00:01:02');
const MAC_B = parseMac('02:42:0a:00:01:03');
const ethFrame = (ethertype: number, payload: Uint8Array, src = MAC_A, dst = MAC_B): Uint8Array => ethernet.encode({ src, dst, ethertype, payload });

const v4 = (protocol: number, payload: Uint8Array): Uint8Array =>
  ipv4.encode({ dscp: 0, ecn: 0, identification: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol, src: parseIpv4('192.168.99.11'), dst: parseIpv4('192.168.99.12'), options: new Uint8Array(0), payload });

const v6 = (m: icmpv6.Icmpv6Message, src: string, dst: string, hopLimit = 64, macSrc = MAC_A, macDst = MAC_B): Uint8Array => {
  const payload = icmpv6.encode(m, { src, dst });
  return ethFrame(ethernet.ETHERTYPE_IPV6, ipv6.encode({ dscp: 0, ecn: 0, flowLabel: 0, hopLimit, src, dst, extensions: [], nextHeader: ipv6.NEXT_ICMPV6, payload }), macSrc, macDst);
};

test('ESP: the paragraph names the SPI and the sequence number of the frame', () => {
  const sealed = esp.encode({ spi: 0x0000_3a41, seq: 27, body: new Uint8Array(32).fill(0xab) });
  const layers = explainFrame(ethFrame(ethernet.ETHERTYPE_IPV4, v4(ipv4.PROTO_ESP, sealed)));
  assert.deepEqual(layers.map((l) => l.protocol), ['eth', 'ip', 'esp']);
  assert.match(layer(layers, 'ip'), /It carries ESP\./);
  assert.match(layer(layers, 'esp'), /^ESP: the rest is encrypted \(IPsec, SPI 0x00003a41 \(14913\), packet 27 of this tunnel\)/);
});

test('IPv6: addresses, and the hop limit as IPv4\'s TTL', () => {
  const layers = explainFrame(v6({ kind: 'echoRequest', identifier: 7, sequence: 3, data: new Uint8Array(8) }, 'fd00::2', 'fd00::3', 63));
  assert.deepEqual(layers.map((l) => l.protocol), ['eth', 'ipv6', 'icmpv6']);
  assert.equal(layers[1]!.title, 'IPv6');
  assert.match(layer(layers, 'ipv6'), /^IPv6: from fd00::2 to fd00::3, hop limit 63 — IPv6's name for IPv4's TTL.* It carries ICMPv6\.$/);
});

test('ICMPv6 echo: request and reply with id and sequence', () => {
  const req = explainFrame(v6({ kind: 'echoRequest', identifier: 0x1234, sequence: 5, data: new Uint8Array(8) }, 'fd00::2', 'fd00::3'));
  assert.match(layer(req, 'icmpv6'), /^ICMPv6: echo request \(ping\), id 4660, sequence 5 — "are you there\?"/);
  const reply = explainFrame(v6({ kind: 'echoReply', identifier: 0x1234, sequence: 5, data: new Uint8Array(8) }, 'fd00::3', 'fd00::2'));
  assert.match(layer(reply, 'icmpv6'), /^ICMPv6: echo reply \(the answer to ping sequence 5, id 4660\) — the destination is reachable\./);
});

test('ICMPv6 neighbour discovery: IPv6\'s ARP, who has and is at', () => {
  const ns = explainFrame(v6({ kind: 'neighborSolicitation', target: 'fd00::3', options: [{ kind: 'sourceLinkLayer', mac: MAC_A }] }, 'fd00::2', 'ff02::1:ff00:3', 255));
  assert.match(layer(ns, 'icmpv6'), /^ICMPv6: neighbor solicitation — who has fd00::3\? IPv6's ARP/);
  // The advertiser answers from its own MAC, MAC_B.
  const advert: icmpv6.Icmpv6Message = { kind: 'neighborAdvertisement', router: false, solicited: true, override: true, target: 'fd00::3', options: [{ kind: 'targetLinkLayer', mac: MAC_B }] };
  const na = explainFrame(v6(advert, 'fd00::3', 'fd00::2', 255, MAC_B, MAC_A));
  assert.match(layer(na, 'icmpv6'), /^ICMPv6: neighbor advertisement — fd00::3 is at 02:42:0a:00:01:03\. IPv6's answer to an ARP request/);
});

test('ICMPv6 router solicitation and advertisement', () => {
  const rs = explainFrame(v6({ kind: 'routerSolicitation', options: [] }, 'fe80::42:aff:fe00:102', 'ff02::2', 255));
  assert.match(layer(rs, 'icmpv6'), /^ICMPv6: router solicitation — a host asks the routers on its link/);
  const ra = explainFrame(v6({ kind: 'routerAdvertisement', curHopLimit: 64, managed: false, other: false, routerLifetime: 1800, reachableTime: 0, retransTimer: 0, options: [] }, 'fe80::1', 'ff02::1', 255));
  assert.match(layer(ra, 'icmpv6'), /^ICMPv6: router advertisement — a router announces itself/);
});

test('ICMPv6 of another type: type and code by name and number', () => {
  const layers = explainFrame(v6({ kind: 'destUnreachable', code: icmpv6.UNREACH_PORT, quote: new Uint8Array(48) }, 'fd00::3', 'fd00::2'));
  assert.equal(layer(layers, 'icmpv6'), 'ICMPv6: type 1 (Destination Unreachable), code 4 message.');
});
