// The contracts between the layers of the stack, in one file (gVisor's stack/registration.go style). Each method
// says who calls it. Link devices, the network layer of a namespace and the transport protocols talk only through
// these, so a later module (VXLAN, netfilter NAT, IPVS, TCP) plugs in without the others knowing it.
//
//   socket / transport ──output──▶ network layer (route, netfilter OUTPUT/POSTROUTING, neighbour) ──transmit──▶ link
//   link ──receive──▶ (rx handler: bridge port) ──▶ network layer input (PREROUTING, route, INPUT/FORWARD) ──deliver──▶ transport

import type { Ipv4Address } from '../common/wire/ipv4-address.ts';
import type { MacAddress } from '../common/wire/mac.ts';
import type { Packet } from './packet.ts';

// ---------------------------------------------------------------------------------------------------------- link

/** A network device as the layers above see it. Implemented by NetDevice (device.ts). */
export interface LinkEndpoint {
  readonly name: string;
  /** Per namespace; the loopback device is 1. */
  readonly ifindex: number;
  readonly mac: MacAddress;
  readonly mtu: number;
  /** Admin up and carrier present (IFF_UP and IFF_LOWER_UP). */
  readonly running: boolean;
  /** True for the loopback device: no neighbour resolution, all-zero MACs. */
  readonly isLoopback: boolean;
  /**
   * Puts a complete frame (Ethernet header included) on the device. Called by the network layer (neighbour output,
   * ARP), by the bridge (forwarding, flooding) and by tunnel devices. The device taps the frame as 'out', counts it
   * and hands it to its driver. Returns false when the frame was dropped (device down, frame over the MTU).
   */
  transmit(pkt: Packet): boolean;
  /**
   * A frame arrives on the device. Called by the driver side only: the veth peer's scheduled delivery, the loopback
   * device, a bridge passing a frame up to its own interface, a tunnel after decapsulation. The device sets the
   * packet type from the destination MAC, taps the frame as 'in', offers it to its rx handler (the bridge it is a
   * port of) and otherwise to its namespace's network layer (NetworkInput).
   */
  receive(pkt: Packet): void;
}

/**
 * A device's rx handler (Linux netdev_rx_handler): the bridge registers one on each port. Called by
 * LinkEndpoint.receive after the 'in' tap. Returns true when it consumed the frame.
 */
export interface RxHandler {
  handleFrame(port: LinkEndpoint, pkt: Packet): boolean;
}

// ------------------------------------------------------------------------------------------------------- network

/** The network layer's input side, implemented by a namespace. */
export interface NetworkInput {
  /** Called by LinkEndpoint.receive for a frame no rx handler took: demultiplexes on the EtherType (IPv4, ARP). */
  deliverFrame(dev: LinkEndpoint, pkt: Packet): void;
}

/** The result of an output route lookup (ip_route_output). */
export interface OutputRoute {
  readonly dev: LinkEndpoint;
  /** The source address the route selects (its `src`, or the device's primary address). */
  readonly src: Ipv4Address;
  /** The next hop when the destination is not on-link. */
  readonly gateway: Ipv4Address | undefined;
  readonly mtu: number;
  readonly type: 'unicast' | 'local' | 'broadcast' | 'multicast';
}

/** Path MTU discovery mode of a socket (IP_MTU_DISCOVER). */
export type PmtuDisc = 'dont' | 'want' | 'do' | 'probe';

/** What a transport (or the kernel's ICMP/IGMP) asks the network layer to send. */
export interface Ipv4SendRequest {
  readonly route: OutputRoute;
  readonly dst: Ipv4Address;
  /** Defaults to route.src. */
  readonly src?: Ipv4Address;
  readonly protocol: number;
  /** The whole DS byte (DSCP << 2 | ECN); default 0. */
  readonly tos?: number;
  /** Default: the namespace's ip_default_ttl (64); 1 for multicast unless set. */
  readonly ttl?: number;
  /** Default 'want' (Linux's ip_no_pmtu_disc = 0). */
  readonly pmtudisc?: PmtuDisc;
  /**
   * The IP ID source of a connected socket (inet->inet_id, random at connect, +1 per packet). Without it the kernel
   * rule applies: 0 for DF packets that are not ignore_df, else the hashed per-destination counter (facts 3.4).
   */
  readonly socketIdent?: () => number;
  /** Raw IP options (a multiple of 4 bytes), e.g. Router Alert for IGMP. */
  readonly options?: Uint8Array;
  /** The socket's flow hash (sk_txhash); 0 or absent = none. */
  readonly hash?: number;
  readonly mark?: number;
  /** Keep this journey id (an ICMP error or reply is a new packet; a re-sent datagram may keep its own). */
  readonly journey?: number;
}

export type SendError = 'EMSGSIZE' | 'ENETUNREACH' | 'EHOSTUNREACH' | 'EPERM' | 'ENOBUFS';

export type SendResult = { readonly ok: true; readonly journey: number } | { readonly ok: false; readonly error: SendError; readonly mtu?: number };

/** The network layer's output side, implemented by a namespace. Called by sockets and transport protocols. */
export interface NetworkOutput {
  /** ip_route_output: the route (device, source, next hop, MTU) for `dst`, or undefined (ENETUNREACH). */
  routeOutput(dst: Ipv4Address, opts?: { readonly src?: Ipv4Address; readonly oif?: string; readonly mark?: number }): OutputRoute | undefined;
  /** Builds the IPv4 header over `payload` (the transport bytes, checksum already final) and sends it. */
  sendIpv4(req: Ipv4SendRequest, payload: Uint8Array): SendResult;
}

// ----------------------------------------------------------------------------------------------------- transport

/** The IPv4 facts a transport needs about a received datagram. */
export interface Ipv4Info {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly protocol: number;
  readonly ttl: number;
  readonly tos: number;
  readonly id: number;
  /** The device it arrived on. */
  readonly dev: LinkEndpoint;
  /** Link-layer type of the frame (a broadcast/multicast datagram gets no port-unreachable reply). */
  readonly broadcast: boolean;
}

/** An ICMP error about a datagram this host sent, handed to the protocol that sent it. */
export interface IcmpErrorInfo {
  readonly type: number;
  readonly code: number;
  /** Next-hop MTU of a frag-needed error. */
  readonly mtu: number;
  /** Who sent the error. */
  readonly from: Ipv4Address;
  /** The quoted IP header's fields and the first bytes of its payload (ports, ICMP id). */
  readonly quoted: { readonly src: Ipv4Address; readonly dst: Ipv4Address; readonly protocol: number; readonly payload: Uint8Array };
}

/**
 * A transport protocol (UDP, TCP, the ping sockets of ICMP) registered with a namespace by protocol number.
 * TCP plugs in here: namespace.transports.register(tcp).
 */
export interface TransportProtocol {
  readonly protocol: number;
  /**
   * Called by IPv4 local delivery (after reassembly and the INPUT hook) with pkt.l4 set. Returns false when no
   * socket wants the datagram, so the network layer sends port unreachable (UDP) or protocol unreachable.
   */
  deliver(pkt: Packet, ip: Ipv4Info): boolean;
  /** Called by the kernel's ICMP input for an error that quotes a datagram of this protocol. */
  icmpError?(err: IcmpErrorInfo): void;
}

// ----------------------------------------------------------------------------------------------------- netfilter

/** The five netfilter hook points of IPv4. */
export type HookPoint = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

/** accept: go on; drop: free the packet; stolen: the hook took ownership (queued it, re-injected it later). */
export type Verdict = 'accept' | 'drop' | 'stolen';

export interface HookState {
  readonly hook: HookPoint;
  readonly inDev: LinkEndpoint | undefined;
  readonly outDev: LinkEndpoint | undefined;
  /** Name of the namespace running the hook. */
  readonly netns: string;
}

/**
 * A function registered at a hook point (nf_register_net_hook). Called by the namespace's IPv4 input/forward/
 * output paths with pkt.l3 set. It may rewrite the packet (call pkt.writable() first and fix checksums); if it
 * changes the destination at PREROUTING or OUTPUT, the stack routes the packet again, as Linux does.
 */
export interface NetfilterHook {
  readonly name: string;
  /** Lower runs first (NF_IP_PRI_*: conntrack -200, mangle -150, DNAT -100, filter 0, SNAT 100). */
  readonly priority: number;
  fn(pkt: Packet, state: HookState): Verdict;
}

/**
 * br_netfilter (net/bridge/br_netfilter_hooks.c): with net.bridge.bridge-nf-call-iptables=1 a namespace's bridges
 * offer the IPv4 frames they receive on a port, and forward between ports, to iptables. Installed as
 * DeviceHost.bridgeNf by netfilter-glue.ts; called by Bridge only (not for frames the host itself sends).
 */
export interface BridgeNetfilter {
  /** NF_BR_PRE_ROUTING: a frame arrived on `port`. It may be rewritten (DNAT); false = consumed (dropped, held). */
  preRouting(bridge: LinkEndpoint, port: LinkEndpoint, pkt: Packet): boolean;
  /** NF_BR_FORWARD + NF_BR_POST_ROUTING for a frame from `inPort` about to leave through `outPort`; false = not sent. */
  forward(bridge: LinkEndpoint, inPort: LinkEndpoint, outPort: LinkEndpoint, pkt: Packet): boolean;
}
