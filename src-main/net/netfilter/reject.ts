// Turning a REJECT verdict into the packet Linux sends back (for the IP layer, which picks addresses and the IP
// ID and sends the result through OUTPUT/POSTROUTING with meta { mark: 0, ct: reject.relatedCt }).
// - ICMP errors (nf_send_unreach -> icmp_send): TOS = (old TOS & 0x1e) | 0xc0 (IPTOS_PREC_INTERNETCONTROL),
//   TTL 64, DF clear, the quote cut to fit 576 bytes (wire/icmp.ts linuxQuoteLength).
// - TCP RST (nf_send_reset / nf_reject_iphdr_put): TOS 0, ID 0, DF set, TTL 64; RST with seq = the offending
//   ACK number if it had ACK, else RST|ACK with ack = seq + SYN + FIN + payload length; window 0, no options.

import { readU16, readU32, writeU16, writeU32 } from '../../common/wire/bytes.ts';
import { finish, pseudoHeaderSum, sum } from '../../common/wire/checksum.ts';
import * as icmp from '../../common/wire/icmp.ts';
import * as ipv4 from '../../common/wire/ipv4.ts';
import type { Ipv4Address } from '../../common/wire/ipv4-address.ts';
import { icmpIsError, PROTO_ICMP, PROTO_TCP, readIp } from './ipbytes.ts';
import type { RejectDescription } from './netfilter.ts';

export interface RejectReplyOptions {
  /** Source address of the reply (for REJECT in INPUT: the offending packet's destination). */
  readonly src: Ipv4Address;
  /** IP identification for the ICMP error (the IP layer's counter). */
  readonly ident?: number;
  readonly ttl?: number;
  /** Route MTU toward the sender (limits the quote). */
  readonly mtu?: number;
}

/** The IPv4 packet (header + ICMP error or TCP RST) that answers a REJECT, or undefined when none is sent. */
export function buildRejectReply(r: RejectDescription, o: RejectReplyOptions): Uint8Array | undefined {
  const info = readIp(r.offending);
  if (info === undefined) return undefined;
  // Linux never answers an ICMP error with an ICMP error, nor a non-first fragment.
  if (info.fragOffset !== 0) return undefined;
  if (info.protocol === PROTO_ICMP && (info.icmpType > 18 || icmpIsError(info.icmpType))) return undefined;
  const ttl = o.ttl ?? 64;
  if (r.with === 'tcp-reset') {
    if (info.protocol !== PROTO_TCP || info.l4 < 0 || info.totalLen - info.headerLen < 20) return undefined;
    const old = r.offending;
    const flags = readU16(old, info.l4 + 12) & 0x1ff;
    if (flags & 0x04) return undefined; // never answer a RST
    const tcp = new Uint8Array(20);
    writeU16(tcp, 0, info.dport);
    writeU16(tcp, 2, info.sport);
    if (flags & 0x10) {
      writeU32(tcp, 4, readU32(old, info.l4 + 8));
      writeU16(tcp, 12, (5 << 12) | 0x04);
    } else {
      const doff = (old[info.l4 + 12]! >>> 4) * 4;
      const payload = info.totalLen - info.headerLen - doff;
      const ack = (readU32(old, info.l4 + 4) + payload + (flags & 0x02 ? 1 : 0) + (flags & 0x01 ? 1 : 0)) >>> 0;
      writeU32(tcp, 8, ack);
      writeU16(tcp, 12, (5 << 12) | 0x14);
    }
    writeU16(tcp, 16, finish(sum(tcp, 0, 20, pseudoHeaderSum(info.dst, info.src, PROTO_TCP, 20))));
    return ipv4.encode({
      dscp: 0,
      ecn: 0,
      identification: 0,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      ttl,
      protocol: PROTO_TCP,
      src: info.dst,
      dst: info.src,
      options: new Uint8Array(0),
      payload: tcp,
    });
  }
  const quoteLen = icmp.linuxQuoteLength(info.totalLen, o.mtu ?? 1500);
  const tos = ((r.offending[1]! & 0x1e) | 0xc0) >>> 0;
  const msg = icmp.encode({ kind: 'destUnreachable', code: r.icmpCode ?? 3, nextHopMtu: 0, quote: r.offending.slice(0, quoteLen) });
  return ipv4.encode({
    dscp: tos >>> 2,
    ecn: tos & 3,
    identification: o.ident ?? 0,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
    ttl,
    protocol: PROTO_ICMP,
    src: o.src,
    dst: info.src,
    options: new Uint8Array(0),
    payload: msg,
  });
}
