// IPsec ESP in transport mode for a namespace (Linux's XFRM, much reduced) as Docker's encrypted overlay programs it
// (libnetwork drivers/overlay/encryption.go, docker-networking.md 6.7):
//   - one SA per direction and node pair: `ip xfrm state add src L dst R proto esp spi S reqid R mode transport
//     aead rfc4106(gcm(aes)) KEY+SALT 64`, the SPI from buildSPI (FNV-1a over src, key tag, dst), the salt the SPI
//     in big-endian, an 8-byte ICV;
//   - an output policy per peer: UDP to dport 4789 from L/32 to R/32 for the overlay's VNI (Docker marks those
//     packets in mangle OUTPUT with a u32 match on the VNI and the policy selects the mark; the VNI selector here
//     stands for both) is sent through the SA;
//   - an input rule: cleartext VXLAN for that VNI from a peer is dropped (`-m policy --dir in --pol none -j DROP`).
// Output: a POSTROUTING hook that runs after every other (the transform happens in dst_output after the plaintext
// passed OUTPUT and POSTROUTING) replaces the UDP datagram by ESP (next header 17; IV from seqiv: be64(seq) XOR a
// per-SA random salt), keeps the IP header's ID, TTL and TOS, and sends the ESP packet through OUTPUT and
// POSTROUTING again, as xfrm_output_resume does. Input: protocol 50 is a transport of the namespace; the SA is
// found by SPI, the ICV checked, a 32-packet replay window applied, and the decrypted datagram re-enters IPv4
// input (PREROUTING, routing, INPUT, UDP → VXLAN) with a secpath, as xfrm4_transport_finish does.

import * as espWire from '../../common/wire/esp.ts';
import { readU16, readU32, writeU16 } from '../../common/wire/bytes.ts';
import { finish, sum } from '../../common/wire/checksum.ts';
import { PROTO_ESP, PROTO_UDP } from '../../common/wire/ipv4.ts';
import { parseIpv4, readIpv4, type Ipv4Address } from '../../common/wire/ipv4-address.ts';
import type { Ipv4Info, TransportProtocol } from '../contracts.ts';
import type { NetDevice } from '../device.ts';
import { ipv4Input } from '../ipv4-input.ts';
import { Packet } from '../packet.ts';
import type { NetNamespace } from '../namespace.ts';
import { rfc4106, spiSalt } from './gcm.ts';

export interface EspSaConfig {
  spi: number;
  src: string | Ipv4Address;
  dst: string | Ipv4Address;
  /** The AES key (16 bytes from the swarm key manager; 32 works too). */
  key: Uint8Array;
  /** The 4-byte GCM salt; default the SPI in big-endian (libnetwork buildAeadAlgo). */
  salt?: Uint8Array;
  /** ICV bytes; default 8 (ICVLen 64). */
  icvLen?: number;
}

/** One security association (ip xfrm state). */
export class EspSa {
  readonly spi: number;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly cipher: espWire.EspCipher;
  /** Outbound: the last sequence number sent. Inbound: the highest received. */
  seq = 0;
  /** Inbound replay bitmap of the 32 numbers below and including `seq`. */
  private window = 0;
  readonly seqivSalt: Uint8Array;
  packets = 0;
  bytes = 0;

  constructor(cfg: EspSaConfig, seqivSalt: Uint8Array) {
    this.spi = cfg.spi >>> 0;
    this.src = ip(cfg.src);
    this.dst = ip(cfg.dst);
    this.cipher = rfc4106(cfg.key, cfg.salt ?? spiSalt(this.spi), cfg.icvLen ?? 8);
    this.seqivSalt = seqivSalt;
  }

  /** xfrm_replay_check + advance: false for a replayed or too old sequence number. */
  acceptSeq(seq: number): boolean {
    if (seq === 0) return false;
    if (seq > this.seq) {
      const shift = seq - this.seq;
      this.window = shift >= 32 ? 1 : ((this.window << shift) | 1) >>> 0;
      this.seq = seq;
      return true;
    }
    const diff = this.seq - seq;
    if (diff >= 32) return false;
    const bit = 1 << diff;
    if (this.window & bit) return false;
    this.window = (this.window | bit) >>> 0;
    return true;
  }
}

/** An output policy: which datagrams go through which SA. */
export interface XfrmPolicy {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly proto: number;
  /** UDP destination port (4789). */
  readonly dport: number | undefined;
  /** The VXLAN VNI (what Docker's mangle mark selects). */
  readonly vni: number | undefined;
  readonly spi: number;
}

/** Packets that came out of an inbound SA (skb->sp). */
const secpath = new WeakSet<Packet>();
const instances = new WeakMap<NetNamespace, Xfrm>();

export class Xfrm implements TransportProtocol {
  readonly protocol = PROTO_ESP;
  private readonly outStates = new Map<number, EspSa>();
  private readonly inStates = new Map<number, EspSa>();
  private readonly policies: XfrmPolicy[] = [];
  /** Cleartext VXLAN refused from these (src, vni) pairs. */
  private readonly requireIn: { src: Ipv4Address; dport: number; vni: number | undefined }[] = [];

  private constructor(readonly ns: NetNamespace) {
    ns.transports.set(PROTO_ESP, this);
    ns.netfilter.register('postrouting', { name: 'xfrm-output', priority: 0x7fffffff, fn: (pkt) => this.output(pkt) });
    ns.netfilter.register('input', { name: 'xfrm-cleartext-drop', priority: 0, fn: (pkt) => this.inputCheck(pkt) });
  }

  /** The XFRM layer of `ns` (created, and registered with the namespace, on first use). */
  static of(ns: NetNamespace): Xfrm {
    let x = instances.get(ns);
    if (x === undefined) {
      x = new Xfrm(ns);
      instances.set(ns, x);
    }
    return x;
  }

  /** ip xfrm state add ... (direction: whether the SA leaves from or arrives at this namespace). */
  addState(dir: 'out' | 'in', cfg: EspSaConfig): EspSa {
    const salt = new Uint8Array(8);
    const r = this.ns.random.fork(`xfrm:${dir}:${cfg.spi >>> 0}`);
    for (let i = 0; i < 8; i += 4) new DataView(salt.buffer).setUint32(i, r.nextU32());
    const sa = new EspSa(cfg, salt);
    (dir === 'out' ? this.outStates : this.inStates).set(sa.spi, sa);
    return sa;
  }

  /** ip xfrm policy add src S/32 dst D/32 proto udp dport P dir out tmpl ... spi SPI mode transport. */
  addPolicy(p: { src: string | Ipv4Address; dst: string | Ipv4Address; proto?: number; dport?: number; vni?: number; spi: number }): void {
    this.policies.push({ src: ip(p.src), dst: ip(p.dst), proto: p.proto ?? PROTO_UDP, dport: p.dport, vni: p.vni, spi: p.spi >>> 0 });
  }

  /** The INPUT rule: cleartext UDP to `dport` (for `vni`) from `src` is dropped. */
  requireEspFrom(src: string | Ipv4Address, dport: number, vni?: number): void {
    this.requireIn.push({ src: ip(src), dport, vni });
  }

  state(dir: 'out' | 'in', spi: number): EspSa | undefined {
    return (dir === 'out' ? this.outStates : this.inStates).get(spi >>> 0);
  }

  // --------------------------------------------------------------------------------------------- output

  private match(pkt: Packet): XfrmPolicy | undefined {
    const d = pkt.data;
    const l3 = pkt.l3;
    const proto = d[l3 + 9]!;
    if (proto === PROTO_ESP || this.policies.length === 0) return undefined;
    if ((readU16(d, l3 + 6) & 0x1fff) !== 0) return undefined; // a non-first fragment: transformed before fragmenting
    const src = readIpv4(d, l3 + 12);
    const dst = readIpv4(d, l3 + 16);
    const l4 = l3 + (d[l3]! & 0x0f) * 4;
    for (const p of this.policies) {
      if (p.src !== src || p.dst !== dst || p.proto !== proto) continue;
      if (p.dport !== undefined && (d.length < l4 + 4 || readU16(d, l4 + 2) !== p.dport)) continue;
      if (p.vni !== undefined && (d.length < l4 + 16 || (readU32(d, l4 + 12) >>> 8) !== p.vni)) continue;
      return p;
    }
    return undefined;
  }

  private output(pkt: Packet): 'accept' | 'stolen' | 'drop' {
    const p = this.match(pkt);
    if (p === undefined) return 'accept';
    const sa = this.outStates.get(p.spi);
    if (sa === undefined) {
      this.ns.stats.inc('xfrm.out_no_states');
      return 'drop';
    }
    const ns = this.ns;
    const d = pkt.data;
    const l3 = pkt.l3;
    const hl = (d[l3]! & 0x0f) * 4;
    const total = readU16(d, l3 + 2);
    const payload = d.subarray(l3 + hl, l3 + total);
    sa.seq = (sa.seq + 1) >>> 0;
    const esp = espWire.sealToBytes({ spi: sa.spi, seq: sa.seq, iv: espWire.linuxSeqivIv(sa.seq, sa.seqivSalt), nextHeader: d[l3 + 9]!, payload }, sa.cipher);
    sa.packets++;
    sa.bytes += payload.length;
    const src = readIpv4(d, l3 + 12);
    const dst = readIpv4(d, l3 + 16);
    const route = ns.routeOutput(dst, { src });
    if (route === undefined) return 'drop';
    const id = readU16(d, l3 + 4);
    const df = (d[l3 + 6]! & 0x40) !== 0;
    ns.sendIpv4({ route, dst, src, protocol: PROTO_ESP, tos: d[l3 + 1]!, ttl: d[l3 + 8]!, pmtudisc: df ? 'want' : 'dont', socketIdent: () => id, journey: pkt.journey, ...(pkt.mark !== 0 ? { mark: pkt.mark } : {}) }, esp);
    return 'stolen';
  }

  // ---------------------------------------------------------------------------------------------- input

  /** xfrm4_rcv → esp_input → xfrm4_transport_finish. Always true: ESP never gets a protocol unreachable. */
  deliver(pkt: Packet, info: Ipv4Info): boolean {
    const ns = this.ns;
    const bytes = pkt.data.subarray(pkt.l4);
    if (bytes.length < espWire.HEADER_LEN) {
      ns.stats.inc('xfrm.in_hdr_error');
      return true;
    }
    const sa = this.inStates.get(readU32(bytes, 0));
    if (sa === undefined || sa.dst !== info.dst || sa.src !== info.src) {
      ns.stats.inc('xfrm.in_no_states');
      return true;
    }
    let opened: ReturnType<typeof espWire.open>;
    try {
      opened = espWire.open(bytes, sa.cipher);
    } catch {
      ns.stats.inc('xfrm.in_state_proto_error');
      return true;
    }
    if (!sa.acceptSeq(opened.seq)) {
      ns.stats.inc('xfrm.in_state_seq_error');
      return true;
    }
    sa.packets++;
    sa.bytes += opened.payload.length;
    // The IP header of the ESP packet becomes the datagram's: protocol = next header, new length and checksum.
    const l3 = pkt.l3;
    const hl = (pkt.data[l3]! & 0x0f) * 4;
    const ethLen = l3 - pkt.l2;
    const data = new Uint8Array(ethLen + hl + opened.payload.length);
    data.set(pkt.data.subarray(pkt.l2, l3 + hl));
    const h = ethLen;
    data[h + 9] = opened.nextHeader;
    writeU16(data, h + 2, hl + opened.payload.length);
    writeU16(data, h + 10, 0);
    writeU16(data, h + 10, finish(sum(data, h, h + hl)));
    data.set(opened.payload, h + hl);
    const inner = new Packet(data, pkt.journey);
    inner.l3 = ethLen;
    inner.pktType = pkt.pktType;
    inner.ingress = pkt.ingress;
    secpath.add(inner);
    ipv4Input(ns, info.dev as NetDevice, inner);
    return true;
  }

  /** Docker's INPUT rule: cleartext VXLAN of an encrypted network from a peer is dropped. */
  private inputCheck(pkt: Packet): 'accept' | 'drop' {
    if (this.requireIn.length === 0 || secpath.has(pkt)) return 'accept';
    const d = pkt.data;
    const l3 = pkt.l3;
    if (d[l3 + 9] !== PROTO_UDP) return 'accept';
    const src = readIpv4(d, l3 + 12);
    const l4 = l3 + (d[l3]! & 0x0f) * 4;
    if (d.length < l4 + 16) return 'accept';
    const dport = readU16(d, l4 + 2);
    const vni = readU32(d, l4 + 12) >>> 8;
    for (const r of this.requireIn) {
      if (r.src === src && r.dport === dport && (r.vni === undefined || r.vni === vni)) {
        this.ns.stats.inc('xfrm.in_cleartext_dropped');
        return 'drop';
      }
    }
    return 'accept';
  }
}

/** libnetwork buildSPI: FNV-1a-32 over the source address, the key tag (big-endian) and the destination address. */
export function dockerSpi(src: string | Ipv4Address, dst: string | Ipv4Address, tag: number): number {
  let h = 0x811c9dc5;
  const feed = (v: number): void => {
    for (const sh of [24, 16, 8, 0]) {
      h ^= (v >>> sh) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  };
  feed(ip(src));
  feed(tag >>> 0);
  feed(ip(dst));
  return h >>> 0;
}

/**
 * What libnetwork's programSA/programMangle/programInput do on `ns` for the peer `remote`: the outbound and inbound
 * SAs with the swarm key, the output policy for the VNI's VXLAN and the INPUT rule against cleartext.
 */
export function programEncryption(ns: NetNamespace, local: string | Ipv4Address, remote: string | Ipv4Address, opts: { key: Uint8Array; tag: number; vni: number; dport?: number }): { out: EspSa; in: EspSa } {
  const x = Xfrm.of(ns);
  const l = ip(local);
  const r = ip(remote);
  const dport = opts.dport ?? 4789;
  const spiOut = dockerSpi(l, r, opts.tag);
  const spiIn = dockerSpi(r, l, opts.tag);
  const out = x.addState('out', { spi: spiOut, src: l, dst: r, key: opts.key });
  const inSa = x.addState('in', { spi: spiIn, src: r, dst: l, key: opts.key });
  x.addPolicy({ src: l, dst: r, dport, vni: opts.vni, spi: spiOut });
  x.requireEspFrom(r, dport, opts.vni);
  return { out, in: inSa };
}

function ip(a: string | Ipv4Address): Ipv4Address {
  return typeof a === 'string' ? parseIpv4(a) : a;
}
