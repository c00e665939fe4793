// The link layers other than Ethernet that captures come in: Linux cooked capture v1 (LINKTYPE_LINUX_SLL 113, what
// `tcpdump -i any` wrote before libpcap 1.10) and v2 (LINKTYPE_LINUX_SLL2 276, with the interface index), and raw IP
// (LINKTYPE_RAW 101, where Wireshark shows a "Raw packet data" layer; LINKTYPE_IPV4 228 has none). Field names and
// labels are Wireshark's (epan/dissectors/packet-sll.c, packet-raw.c).
//
//   SLL v1: pkttype u16 | hatype u16 | halen u16 | address 8 bytes | protocol u16
//   SLL v2: protocol u16 | reserved u16 | ifindex u32 | hatype u16 | pkttype u8 | halen u8 | address 8 bytes
import { readU16, readU32 } from '../../wire/bytes.ts';
import { requireBytes } from '../../wire/error.ts';
import { formatIpv4, readIpv4 } from '../../wire/ipv4-address.ts';
import { formatMac, readMac } from '../../wire/mac.ts';
import { fields } from '../registry.ts';
import { callNamed, callTable, lookupDissector, callGuarded, registerNamed, type Packet } from '../table.ts';
import type { Item } from '../tree.ts';

const F = fields.sll;

/** ARPHRD_IPGRE: the protocol is a GRE protocol type. */
const HATYPE_IPGRE = 778;

/** The source address by its length, whatever the address type says (as Wireshark does): 4 bytes IPv4, 6 a MAC. */
function address(data: Uint8Array, at: number, halen: number, pkt: Packet, t: Item): void {
  const n = Math.min(halen, 8);
  if (halen === 6) {
    const m = readMac(data, at);
    const s = formatMac(m);
    t.add(F.src_eth, at, at + 6, m, `Source: ${s} (${s})`);
    pkt.source = s;
  } else if (halen === 4) {
    const a = readIpv4(data, at);
    t.add(F.src_ipv4, at, at + 4, a);
    pkt.source = formatIpv4(a);
  } else if (n > 0) {
    t.add(F.src_other, at, at + n, data.slice(at, at + n));
  }
  if (n < 8) t.add(F.unused, at + n, at + 8, data.slice(at + n, at + 8));
}

/** The protocol field: an ethertype, a GRE protocol type (hatype IPGRE), or below 0x0600 one of Linux's own numbers. */
function protocol(proto: number, at: number, hatype: number, t: Item): void {
  t.add(hatype === HATYPE_IPGRE ? F.gretype : proto < 0x0600 ? F.ltype : F.etype, at, at + 2, proto);
}

function payload(proto: number, hatype: number, data: Uint8Array, off: number, end: number, pkt: Packet, tree: Item): void {
  if (hatype !== HATYPE_IPGRE && proto < 0x0600) {
    callNamed('data', data, off, end, pkt, tree);
    return;
  }
  pkt.layers.push(hatype === HATYPE_IPGRE ? 'gre' : 'ethertype');
  if (!callTable('ethertype', proto, data, off, end, pkt, tree)) callNamed('data', data, off, end, pkt, tree);
}

function begin(pkt: Packet): void {
  pkt.layers.push('sll');
  pkt.protocol = 'SLL';
  pkt.info = 'Linux cooked capture';
  pkt.destination = '';
}

export function dissectSll(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  begin(pkt);
  requireBytes('sll', 'header', 0, 16, end - start);
  const pkttype = readU16(data, start);
  const hatype = readU16(data, start + 2);
  const halen = readU16(data, start + 4);
  const proto = readU16(data, start + 14);
  const t = tree.add(F.proto, start, start + 16, data.subarray(start, end), 'Linux cooked capture v1');
  t.add(F.pkttype, start, start + 2, pkttype);
  t.add(F.hatype, start + 2, start + 4, hatype);
  t.add(F.halen, start + 4, start + 6, halen);
  address(data, start + 6, halen, pkt, t);
  protocol(proto, start + 14, hatype, t);
  payload(proto, hatype, data, start + 16, end, pkt, tree);
}

export function dissectSll2(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  begin(pkt);
  requireBytes('sll', 'header', 0, 20, end - start);
  const proto = readU16(data, start);
  const ifindex = readU32(data, start + 4);
  const hatype = readU16(data, start + 8);
  const pkttype = data[start + 10]!;
  const halen = data[start + 11]!;
  const t = tree.add(F.proto, start, start + 20, data.subarray(start, end), 'Linux cooked capture v2');
  // v2 stores the protocol first, and Wireshark lists it first.
  protocol(proto, start, hatype, t);
  t.add(F.ifindex, start + 4, start + 8, ifindex);
  t.add(F.hatype, start + 8, start + 10, hatype);
  t.add(F.pkttype, start + 10, start + 11, pkttype);
  t.add(F.halen, start + 11, start + 12, halen);
  address(data, start + 12, halen, pkt, t);
  payload(proto, hatype, data, start + 20, end, pkt, tree);
}

/** IPv4 or IPv6 by the version nibble, as both raw link types carry them. */
function ipByVersion(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  const version = end > start ? data[start]! >>> 4 : 0;
  const d = lookupDissector('ethertype', version === 6 ? 0x86dd : 0x0800);
  if (d) callGuarded(d, data, start, end, pkt, tree);
}

export function dissectRaw(data: Uint8Array, start: number, end: number, pkt: Packet, tree: Item): void {
  pkt.layers.push('raw');
  pkt.protocol = 'Raw';
  tree.add(fields.raw.proto, start, end, data.subarray(start, end), 'Raw packet data');
  ipByVersion(data, start, end, pkt, tree);
}

registerNamed('sll', dissectSll);
registerNamed('sll2', dissectSll2);
registerNamed('raw', dissectRaw);
registerNamed('ipv4-raw', ipByVersion);
