// One packet as it moves through the stack (gVisor's PacketBuffer, Linux's sk_buff, much reduced): the frame
// bytes plus the offsets where each layer's header starts, and the metadata that travels with the packet.
//
// Sharing rule (no aliasing bugs): a packet handed to several places (bridge flooding, a capture) is cloned with
// clone(), which shares the bytes and marks both copies shared. Whoever rewrites bytes (TTL decrement, NAT, the
// Ethernet header of a resolved neighbour) calls writable() first, which copies the bytes if they are shared.

/** Linux's skb->pkt_type, set from the destination MAC on reception (eth_type_trans). */
export type PacketType = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing' | 'loopback';

export class Packet {
  /** The bytes; the frame is data[l2 .. data.length). */
  data: Uint8Array;
  /** Offset of the link-layer (Ethernet) header. */
  l2 = 0;
  /** Offset of the network-layer header (IPv4, ARP), or -1 before it is known. */
  l3 = -1;
  /** Offset of the transport header (ICMP, UDP, TCP, IGMP), or -1. */
  l4 = -1;
  /**
   * The journey id: the same packet seen on several interfaces (bridged, forwarded, flooded copies) keeps it;
   * a packet a host creates gets a new one. Captures write it as pcapng epb_packetid.
   */
  journey: number;
  /**
   * The flow hash (skb->hash): set by a socket (its random sk_txhash) or computed from the headers when a device
   * needs one (VXLAN source port, IPVS); 0 = not computed yet.
   */
  hash = 0;
  /** True when `hash` came from a socket (skb->sw_hash with l4_hash), not from the headers. */
  socketHash = false;
  /** Netfilter/IPVS firewall mark (skb->mark). */
  mark = 0;
  /**
   * Netfilter's per-packet state (skb->_nfct: the conntrack entry and direction), owned by whatever module is
   * registered at the hook points; carried from hook to hook within a namespace, cleared when the packet crosses
   * into another namespace (skb_scrub_packet).
   */
  nf: unknown = undefined;
  /** skb_scrub_packet: a packet crossing into another namespace leaves its mark and conntrack state behind. */
  scrub(): void {
    this.mark = 0;
    this.nf = undefined;
  }
  /** The device the packet last arrived on (skb->dev on input); undefined for locally created packets. */
  ingress: { readonly ifindex: number; readonly name: string } | undefined = undefined;
  /** Who the frame was for, decided on reception (host, broadcast, multicast, otherhost). */
  pktType: PacketType = 'host';
  /** True while another holder may still read these bytes; writable() copies first. */
  private shared = false;

  constructor(data: Uint8Array, journey: number) {
    this.data = data;
    this.journey = journey;
  }

  /** The frame from the link-layer header on (a view, no copy). */
  get frame(): Uint8Array {
    return this.l2 === 0 ? this.data : this.data.subarray(this.l2);
  }

  /** Frame length in bytes. */
  get length(): number {
    return this.data.length - this.l2;
  }

  /** A second packet object over the same bytes with the same metadata; both become copy-on-write. */
  clone(): Packet {
    this.shared = true;
    const p = new Packet(this.data, this.journey);
    p.l2 = this.l2;
    p.l3 = this.l3;
    p.l4 = this.l4;
    p.hash = this.hash;
    p.socketHash = this.socketHash;
    p.mark = this.mark;
    p.nf = this.nf;
    p.ingress = this.ingress;
    p.pktType = this.pktType;
    p.shared = true;
    return p;
  }

  /** Makes the bytes private to this packet (copying them if shared) and returns them for writing. */
  writable(): Uint8Array {
    if (this.shared) {
      this.data = this.data.slice();
      this.shared = false;
    }
    return this.data;
  }

  /** Cuts the bytes at `end` (Ethernet padding after the IP total length); keeps the sharing state. */
  trim(end: number): void {
    if (end < this.data.length) this.data = this.data.subarray(0, end);
  }

  /** Replaces the bytes (after building a new header in front, trimming padding, reassembly). */
  setData(data: Uint8Array): void {
    this.data = data;
    this.shared = false;
  }
}

/** Hands out journey ids; one per lab so ids are unique across every capture of the lab. */
export class JourneyCounter {
  private next = 1;
  take(): number {
    return this.next++;
  }
}
