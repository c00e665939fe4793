// Replay (tcpreplay into a lab): a capture's frames go out of one device of a running lab, at the timing tcpreplay
// offers — the file's own gaps ('original'), those gaps divided by a multiplier, a fixed packets-per-second rate, or
// top speed — `loops` times over, rewritten as tcprewrite does: endpoint address maps (--pnat / --srcipmap), MAC
// rewrite to the lab's (--enet-smac = the device's own MAC, --enet-dmac = the peer's MAC on a veth), and the IPv4,
// TCP, UDP and ICMP checksums fixed after any rewrite (--fixcsum; on unless asked not to).
//
// Linux cooked (SLL, SLL2) and raw IP frames get an Ethernet header first (the lab's wires are Ethernet). Top speed
// sends every frame now, in order; timed modes schedule each frame on the lab's clock and the call returns once the
// last one is scheduled (they go out as the lab's clock reaches them).

import type { ReplayResult, ReplaySpeed } from '../common/api/capture-types.ts';
import type { ParsedCapture } from '../common/capture/indexer.ts';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW } from '../common/pcap/index.ts';
import { finish, pseudoHeaderSum, sum } from '../common/wire/checksum.ts';
import { parseIpv4 } from '../common/wire/ipv4-address.ts';
import { writeMac, type MacAddress } from '../common/wire/mac.ts';
import type { NetDevice } from '../net/device.ts';
import { Packet } from '../net/packet.ts';

/** LINKTYPE_IPV4 (raw IPv4 without a version check). */
const LINKTYPE_IPV4 = 228;

export interface ReplayOptions {
  speed: ReplaySpeed;
  loops: number;
  addressMap?: readonly (readonly [string, string])[];
  macToLab: boolean;
  /** --fixcsum after an address rewrite (default true). */
  fixChecksums?: boolean;
}

/** The frame as Ethernet, or undefined when its link type has no Ethernet form. */
export function toEthernet(linktype: number, data: Uint8Array, srcMac: Uint8Array, copy = true): Uint8Array | undefined {
  if (linktype === LINKTYPE_ETHERNET) return data.length < 14 ? undefined : copy ? data.slice() : data;
  let proto: number;
  let body: Uint8Array;
  let src: Uint8Array = srcMac;
  if (linktype === LINKTYPE_LINUX_SLL) {
    if (data.length < 16) return undefined;
    proto = (data[14]! << 8) | data[15]!;
    body = data.subarray(16);
    if (((data[4]! << 8) | data[5]!) === 6) src = data.subarray(6, 12);
  } else if (linktype === LINKTYPE_LINUX_SLL2) {
    if (data.length < 20) return undefined;
    proto = (data[0]! << 8) | data[1]!;
    body = data.subarray(20);
    if (data[11] === 6) src = data.subarray(12, 18);
  } else if (linktype === LINKTYPE_RAW || linktype === LINKTYPE_IPV4) {
    if (data.length < 1) return undefined;
    const v = data[0]! >> 4;
    proto = v === 6 ? 0x86dd : 0x0800;
    body = data;
  } else return undefined;
  const out = new Uint8Array(14 + body.length);
  out.fill(0xff, 0, 6);
  out.set(src, 6);
  out[12] = proto >> 8;
  out[13] = proto & 0xff;
  out.set(body, 14);
  return out;
}

const readU32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const writeU32 = (b: Uint8Array, at: number, v: number) => {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
};

/** Rewrites one Ethernet frame in place; true when anything changed. */
export function rewriteFrame(f: Uint8Array, map: ReadonlyMap<number, number>, smac: Uint8Array | undefined, dmac: Uint8Array | undefined, fixChecksums = true): boolean {
  let changed = false;
  if (smac) {
    f.set(smac, 6);
    changed = true;
  }
  if (dmac && (f[0]! & 1) === 0) f.set(dmac, 0);
  let off = 14;
  let type = (f[12]! << 8) | f[13]!;
  if (type === 0x8100 && f.length >= 18) {
    type = (f[16]! << 8) | f[17]!;
    off = 18;
  }
  if (type === 0x0806 && f.length >= off + 28 && map.size !== 0) {
    for (const at of [off + 14, off + 24]) {
      const to = map.get(readU32(f, at));
      if (to !== undefined) {
        writeU32(f, at, to);
        changed = true;
      }
    }
    if (smac) f.set(smac, off + 8);
    return changed;
  }
  if (type !== 0x0800 || f.length < off + 20) return changed;
  const ihl = (f[off]! & 0x0f) * 4;
  if (ihl < 20 || f.length < off + ihl) return changed;
  let ipChanged = false;
  for (const at of [off + 12, off + 16]) {
    const to = map.get(readU32(f, at));
    if (to !== undefined) {
      writeU32(f, at, to);
      ipChanged = true;
    }
  }
  if (!ipChanged) return changed;
  if (!fixChecksums) return true;
  // --fixcsum: the IPv4 header, then the transport's (whole, unfragmented datagrams only).
  f[off + 10] = f[off + 11] = 0;
  const hc = finish(sum(f, off, off + ihl));
  f[off + 10] = hc >> 8;
  f[off + 11] = hc & 0xff;
  const total = Math.min(f.length - off, (f[off + 2]! << 8) | f[off + 3]!);
  const fragmented = (((f[off + 6]! << 8) | f[off + 7]!) & 0x3fff) !== 0;
  const proto = f[off + 9]!;
  const l4 = off + ihl;
  const len = total - ihl;
  if (!fragmented && len > 0) {
    const src = readU32(f, off + 12);
    const dst = readU32(f, off + 16);
    const end = l4 + len;
    const fix = (at: number, pseudo: boolean, zeroMeansNone: boolean) => {
      if (at + 2 > end) return;
      if (zeroMeansNone && f[at] === 0 && f[at + 1] === 0) return;
      f[at] = f[at + 1] = 0;
      let c = finish(sum(f, l4, end, pseudo ? pseudoHeaderSum(src, dst, proto, len) : 0));
      if (zeroMeansNone && c === 0) c = 0xffff;
      f[at] = c >> 8;
      f[at + 1] = c & 0xff;
    };
    if (proto === 6 && len >= 20) fix(l4 + 16, true, false);
    else if (proto === 17 && len >= 8) fix(l4 + 6, true, true);
    else if (proto === 1 && len >= 4) fix(l4 + 2, false, false);
  }
  return true;
}

function macBytes(mac: MacAddress): Uint8Array {
  const b = new Uint8Array(6);
  writeMac(b, 0, mac);
  return b;
}

/** Sends `parsed`'s frames out of `dev` (see the file's comment). */
export async function replayInto(dev: NetDevice, parsed: ParsedCapture, o: ReplayOptions): Promise<ReplayResult> {
  const map = new Map<number, number>();
  for (const [from, to] of o.addressMap ?? []) map.set(parseIpv4(from), parseIpv4(to));
  const own = macBytes(dev.mac);
  const smac = o.macToLab ? own : undefined;
  const dmac: Uint8Array | undefined = undefined;
  const { capture } = parsed;
  // Convert and rewrite once; loops send the same bytes again (each send gets its own journey id).
  const frames: { at: number; data: Uint8Array }[] = [];
  const rewriting = map.size !== 0 || o.macToLab;
  let skipped = 0;
  let rewritten = 0;
  const first = capture.packets[0]?.tsNs ?? 0n;
  for (const p of capture.packets) {
    const lt = capture.interfaces[p.interface]?.linktype ?? LINKTYPE_ETHERNET;
    const f = toEthernet(lt, p.data, own, rewriting);
    if (f === undefined || f.length - 14 > dev.mtu + 4) {
      skipped++;
      continue;
    }
    if (rewriting && rewriteFrame(f, map, smac, dmac, o.fixChecksums ?? true)) rewritten++;
    frames.push({ at: Number(p.tsNs - first), data: f });
  }
  const env = dev.host.env;
  const sched = env.scheduler;
  const start = sched.now;
  const span = frames.length === 0 ? 0 : frames[frames.length - 1]!.at;
  let sent = 0;
  let bytes = 0;
  const send = (data: Uint8Array) => {
    // Shared bytes: whoever rewrites them on the way (NAT, TTL) copies first, so loops resend the same array.
    const pkt = new Packet(data, env.journeys.take()).clone();
    pkt.l3 = 14;
    dev.transmit(pkt);
    sent++;
    bytes += data.length;
  };
  if (o.speed === 'topspeed') {
    for (let l = 0; l < o.loops; l++) for (const f of frames) send(f.data);
    return { sent, bytes, skipped: skipped * o.loops, rewritten: rewritten * o.loops, loops: o.loops, durationNs: 0 };
  }
  const speed = o.speed;
  const offset = (i: number, f: { at: number }): number =>
    speed === 'original' ? f.at : 'multiplier' in speed ? Math.round(f.at / speed.multiplier) : Math.round((i * 1e9) / speed.pps);
  const loopSpan = frames.length === 0 ? 0 : speed === 'original' ? span : 'multiplier' in speed ? Math.round(span / speed.multiplier) : Math.round((frames.length * 1e9) / speed.pps);
  let last = start;
  for (let l = 0; l < o.loops; l++) {
    const base = start + l * (loopSpan + (speed === 'original' || 'multiplier' in speed ? 1 : 0));
    frames.forEach((f, i) => {
      const t = base + offset(i, f);
      last = Math.max(last, t);
      sched.at(t, () => send(f.data));
    });
  }
  const scheduled = frames.length * o.loops;
  let total = 0;
  for (const f of frames) total += f.data.length;
  return { sent: scheduled, bytes: total * o.loops, skipped: skipped * o.loops, rewritten: rewritten * o.loops, loops: o.loops, durationNs: last - start };
}
