// Packet builders and checksum verification for the netfilter and IPVS tests (no Node APIs: usable anywhere).
// Packets are built with the wire codecs, so their checksums are right by construction; `checksumsValid`
// recomputes every checksum from scratch to check what the incremental updates produced.

import { fold, pseudoHeaderSum, sum, verify } from '../../common/wire/checksum.ts';
import * as icmp from '../../common/wire/icmp.ts';
import { parseIpv4 } from '../../common/wire/ipv4-address.ts';
import * as ipv4 from '../../common/wire/ipv4.ts';
import * as tcp from '../../common/wire/tcp.ts';
import * as udp from '../../common/wire/udp.ts';
import { Random } from '../../sim/random.ts';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, readIp } from './ipbytes.ts';
import { iptablesLine } from './iptables.ts';
import { Netfilter, type HookResult } from './netfilter.ts';

export const ip = parseIpv4;

function wrap(src: string, dst: string, protocol: number, payload: Uint8Array, id = 0x1234, ttl = 64): Uint8Array {
  return ipv4.encode({
    dscp: 0,
    ecn: 0,
    identification: id,
    dontFragment: true,
    moreFragments: false,
    fragmentOffset: 0,
    ttl,
    protocol,
    src: ip(src),
    dst: ip(dst),
    options: new Uint8Array(0),
    payload,
  });
}

export interface TcpSpec {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  /** tcp.SYN | tcp.ACK ... */
  readonly flags: number;
  readonly seq?: number;
  readonly ack?: number;
  readonly payload?: Uint8Array;
  readonly id?: number;
}

export function tcpPacket(s: TcpSpec): Uint8Array {
  const seg = tcp.encode(
    {
      srcPort: s.sport,
      dstPort: s.dport,
      seq: s.seq ?? 1000,
      ack: s.ack ?? 0,
      flags: s.flags,
      window: 64240,
      urgentPointer: 0,
      options: (s.flags & tcp.SYN) !== 0 ? tcp.linuxSynOptions(1460, 12345, 0, 7) : [],
      payload: s.payload ?? new Uint8Array(0),
    },
    { src: ip(s.src), dst: ip(s.dst) },
  );
  return wrap(s.src, s.dst, PROTO_TCP, seg, s.id);
}

export function udpPacket(src: string, dst: string, sport: number, dport: number, payload: Uint8Array = new Uint8Array([1, 2, 3, 4, 5])): Uint8Array {
  const d = udp.encode({ srcPort: sport, dstPort: dport, payload }, { src: ip(src), dst: ip(dst) });
  return wrap(src, dst, PROTO_UDP, d);
}

export function icmpEcho(src: string, dst: string, identifier: number, sequence: number, reply = false): Uint8Array {
  const m = icmp.encode({ kind: reply ? 'echoReply' : 'echoRequest', identifier, sequence, data: new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]) });
  return wrap(src, dst, PROTO_ICMP, m);
}

/** An ICMP error from `src` to `dst` quoting (the first 28+ bytes of) `offending`. */
export function icmpError(src: string, dst: string, code: number, offending: Uint8Array, quoteLen = offending.length): Uint8Array {
  const m = icmp.encode({ kind: 'destUnreachable', code, nextHopMtu: 0, quote: offending.slice(0, quoteLen) });
  return wrap(src, dst, PROTO_ICMP, m, 0x4321);
}

/** Full recomputation of the IP header checksum and the L4 checksum (TCP/UDP with pseudo header, ICMP). */
export function checksumsValid(b: Uint8Array): boolean {
  const info = readIp(b);
  if (info === undefined) return false;
  if (!verify(b, 0, info.headerLen)) return false;
  const l4 = b.subarray(info.headerLen, info.totalLen);
  const len = l4.length;
  if (info.protocol === PROTO_TCP) return fold(sum(l4, 0, len, pseudoHeaderSum(info.src, info.dst, PROTO_TCP, len))) === 0xffff;
  if (info.protocol === PROTO_UDP) {
    if (((l4[6]! << 8) | l4[7]!) === 0) return true;
    return fold(sum(l4, 0, len, pseudoHeaderSum(info.src, info.dst, PROTO_UDP, len))) === 0xffff;
  }
  if (info.protocol === PROTO_ICMP) return verify(l4);
  return true;
}

/** A Docker host's namespace for tests: eth0 192.168.99.100 (the node), docker0 172.17.0.1, br-x 172.18.0.1. */
export interface TestHost {
  readonly nf: Netfilter;
  /** Virtual time in ns; tests move it forward. */
  now: number;
  readonly local: Set<number>;
  /** iptables with an exit-status check: throws on failure. */
  ipt(line: string): void;
}

export function testHost(seed = 1): TestHost {
  const local = new Set([ip('192.168.99.100'), ip('172.17.0.1'), ip('172.18.0.1'), ip('127.0.0.1')]);
  const primary: Record<string, number> = { eth0: ip('192.168.99.100'), docker0: ip('172.17.0.1'), 'br-x': ip('172.18.0.1'), lo: ip('127.0.0.1') };
  const h: TestHost = {
    nf: undefined as unknown as Netfilter,
    now: 0,
    local,
    ipt(line: string): void {
      const r = iptablesLine(h.nf, line);
      if (r.exitCode !== 0) throw new Error(`${line}: ${r.stderr}`);
    },
  };
  (h as { nf: Netfilter }).nf = new Netfilter({
    now: () => h.now,
    random: new Random(seed).fork('nf'),
    isLocalAddress: (a) => local.has(a),
    primaryAddress: (dev) => primary[dev],
  });
  return h;
}

/** The classic Docker rules for docker0 (172.17.0.0/16) with container 172.17.0.2 publishing 8080->80/tcp (≥28.0.1 layout). */
export function dockerRules(h: TestHost): void {
  for (const line of [
    '-t raw -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP',
    '-P FORWARD DROP',
    '-N DOCKER',
    '-N DOCKER-BRIDGE',
    '-N DOCKER-CT',
    '-N DOCKER-FORWARD',
    '-N DOCKER-ISOLATION-STAGE-1',
    '-N DOCKER-ISOLATION-STAGE-2',
    '-N DOCKER-USER',
    '-A FORWARD -j DOCKER-USER',
    '-A FORWARD -j DOCKER-FORWARD',
    '-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    '-A DOCKER ! -i docker0 -o docker0 -j DROP',
    '-A DOCKER-BRIDGE -o docker0 -j DOCKER',
    '-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A DOCKER-FORWARD -j DOCKER-CT',
    '-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1',
    '-A DOCKER-FORWARD -j DOCKER-BRIDGE',
    '-A DOCKER-FORWARD -i docker0 -j ACCEPT',
    '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
    '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP',
    '-A DOCKER-USER -j RETURN',
    '-t nat -N DOCKER',
    '-t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
    '-t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    '-t nat -A DOCKER -i docker0 -j RETURN',
    '-t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
  ]) {
    h.ipt(line);
  }
}

/** Runs a packet through the forwarding path (PREROUTING, FORWARD, POSTROUTING) as the IPv4 layer would. */
export function forward(h: TestHost, pkt: Uint8Array, inDev: string, outDev: string): HookResult {
  let r = h.nf.hook('PREROUTING', pkt, { inDev, mark: 0 });
  if (r.verdict !== 'accept') return r;
  r = h.nf.hook('FORWARD', r.packet, { ...r.meta, inDev, outDev });
  if (r.verdict !== 'accept') return r;
  return h.nf.hook('POSTROUTING', r.packet, { ...r.meta, outDev });
}

/** The local input path (PREROUTING, INPUT). */
export function input(h: TestHost, pkt: Uint8Array, inDev: string): HookResult {
  const r = h.nf.hook('PREROUTING', pkt, { inDev, mark: 0 });
  if (r.verdict !== 'accept') return r;
  return h.nf.hook('INPUT', r.packet, r.meta);
}

/** The local output path (OUTPUT, POSTROUTING). */
export function output(h: TestHost, pkt: Uint8Array, outDev: string): HookResult {
  const r = h.nf.hook('OUTPUT', pkt, { outDev, mark: 0 });
  if (r.verdict !== 'accept') return r;
  return h.nf.hook('POSTROUTING', r.packet, r.meta);
}
